//! What a call does, as the engine acts on it: a path call resolved and looked up in the
//! catalog (or a configured extra call, or a candidate for the call graph), a method call
//! from its receiver's type or its name; and the argument text of a call.

use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprMethodCall, Token};

use crate::callgraph::{Callee, FactsBuilder};
use crate::catalog::{self, Effect, Fix, Ty, methods, tasks};
use crate::options::FileOptions;
use crate::resolve::{IdentStr, Res, Scopes, SelfTy};
use crate::rules::blocking;
use crate::source::SourceText;
use crate::syntax::start_span;
use crate::types;

/// A call's arguments.
pub(crate) type Args = Punctuated<Expr, Token![,]>;

/// What a call does, as the engine acts on it.
pub(crate) enum Call {
    /// Blocks the thread: the rule, the fix, the call as shown.
    Block {
        rule: &'static str,
        fix: Fix,
        shown: String,
    },
    /// Runs a future to completion on this thread.
    BlockOn { shown: String },
    /// Runs its closure arguments elsewhere.
    Offload,
    /// Returns a future the engine knows of (shown as given).
    Future(String),
    /// May be a workspace fn: for the call graph.
    Candidate(Callee),
    /// Nothing to act on.
    Plain,
}

/// Classifies calls at one point of the walk.
pub(crate) struct Classifier<'a> {
    pub(crate) scopes: &'a Scopes,
    pub(crate) self_ty: Option<SelfTy>,
    pub(crate) options: &'a FileOptions,
    /// Interns the names of candidates.
    pub(crate) facts: &'a mut FactsBuilder,
    /// Scratch for resolved paths.
    pub(crate) buf: &'a mut String,
}

impl Classifier<'_> {
    /// What a call of the path `func` does, and the type of the first parameter of a
    /// closure passed to it (`std::thread::scope(|s| ..)`).
    pub(crate) fn path(&mut self, func: &syn::ExprPath) -> (Call, Option<Ty>) {
        let res = if func.qself.is_some() {
            Res::None
        } else {
            self.scopes
                .resolver(self.self_ty)
                .resolve(&func.path, self.buf)
        };
        let Some(last) = func.path.segments.last().map(|s| IdentStr::new(&s.ident)) else {
            return (Call::Plain, None);
        };
        let opts = self.options;
        match res {
            Res::Path { workspace } => {
                // Borrow the buffer's text for the rest of this call (given back below).
                let path = std::mem::take(self.buf);
                let call = match catalog::lookup(&path).map(|a| a.effect) {
                    Some(Effect::Block(rule, fix)) => Call::Block {
                        rule,
                        fix,
                        shown: path.clone(),
                    },
                    Some(Effect::BlockOn) => Call::BlockOn {
                        shown: path.clone(),
                    },
                    Some(Effect::Offload) => Call::Offload,
                    Some(Effect::Future) => Call::Future(path.clone()),
                    Some(Effect::Spawn | Effect::None) => Call::Plain,
                    None if tasks::is_offload_name(&last)
                        || extra_match(&opts.extra_offload, &path, &last) =>
                    {
                        Call::Offload
                    }
                    None if extra_match(&opts.extra_blocking, &path, &last) => Call::Block {
                        rule: blocking::configured_rule(&path),
                        fix: Fix::Configured,
                        shown: path.clone(),
                    },
                    None if workspace
                        || !catalog::is_known_crate(path.split("::").next().unwrap_or("")) =>
                    {
                        let single = func.path.segments.len() == 1;
                        if single && self.scopes.local_fn(&last) == Some(true) {
                            Call::Future(last.to_string())
                        } else {
                            let path = self.facts.intern(&path);
                            let name = self.facts.intern(&last);
                            Call::Candidate(Callee::Path { path, name })
                        }
                    }
                    None => Call::Plain,
                };
                let param = methods::closure_param(&path);
                *self.buf = path;
                (call, param)
            }
            Res::Unknown => {
                let name = self.buf.clone();
                let call = if tasks::is_offload_name(&name)
                    || extra_match(&opts.extra_offload, &name, &name)
                {
                    Call::Offload
                } else if extra_match(&opts.extra_blocking, &name, &name) {
                    Call::Block {
                        rule: blocking::configured_rule(&name),
                        fix: Fix::Configured,
                        shown: name,
                    }
                } else if name.starts_with(char::is_lowercase) {
                    let n = self.facts.intern(&name);
                    Call::Candidate(Callee::Path { path: n, name: n })
                } else {
                    Call::Plain
                };
                (call, None)
            }
            Res::Local(_) | Res::None => (Call::Plain, None),
        }
    }

    /// A plain call of the path [`Classifier::path`] just resolved, made blocking by its
    /// argument (`std::io::read_to_string(std::io::stdin())`).
    pub(crate) fn reading(&mut self, call: Call, args: &Args) -> Call {
        if !matches!(call, Call::Plain) || !methods::reads_argument(self.buf) {
            return call;
        }
        let shown = self.buf.clone();
        let r = self.scopes.resolver(self.self_ty);
        match args.first().and_then(|a| types::ty_of(&r, self.buf, a, 0)) {
            Some(ty) => match methods::read_of(ty) {
                Some(Effect::Block(rule, fix)) => Call::Block { rule, fix, shown },
                _ => call,
            },
            None => call,
        }
    }

    /// What a method call does, from its receiver's type or its name; `awaited` when it
    /// is the operand of `.await`.
    pub(crate) fn method(&mut self, m: &ExprMethodCall, awaited: bool) -> Call {
        let name_buf = IdentStr::new(&m.method);
        let name: &str = &name_buf;
        let recv_ty = types::ty_of(
            &self.scopes.resolver(self.self_ty),
            self.buf,
            &m.receiver,
            0,
        );
        let effect = recv_ty
            .and_then(|t| methods::method(t, name))
            .map(|e| e.0)
            .or_else(|| methods::by_name(name, |t| self.scopes.trait_in_scope(t)));
        let shown = || match recv_ty {
            Some(t) => format!("{}::{name}", catalog::display(t)),
            None => name.to_string(),
        };
        let opts = self.options;
        match effect {
            Some(Effect::Block(rule, fix)) => Call::Block {
                rule,
                fix,
                shown: shown(),
            },
            Some(Effect::BlockOn) => Call::BlockOn {
                shown: if recv_ty.is_some() {
                    shown()
                } else {
                    format!(".{name}")
                },
            },
            Some(Effect::Offload) => Call::Offload,
            Some(Effect::Future) => Call::Future(shown()),
            Some(Effect::Spawn | Effect::None) => Call::Plain,
            None if extra_match(&opts.extra_offload, name, name) => Call::Offload,
            None if extra_match(&opts.extra_blocking, name, name) => Call::Block {
                rule: blocking::configured_rule(name),
                fix: Fix::Configured,
                shown: name.to_string(),
            },
            // A directly awaited method returns a future: matching it by name to a sync
            // workspace fn (`file.write_all(..).await` to a sync bridge's `write_all`) is
            // the wrong method far more often than the right one.
            None if recv_ty.is_none() && !awaited => {
                // A receiver of a known workspace type names its method by path; any other
                // resolves by name only when that is safe (`crate::callgraph`).
                let recv =
                    types::ws_type_of(&self.scopes.resolver(self.self_ty), self.buf, &m.receiver);
                match recv {
                    Some(t) => Call::Candidate(Callee::Method {
                        name: self.facts.intern(name),
                        recv: Some(self.facts.intern(&t)),
                    }),
                    // (The workspace pass refuses common names too: this only spares
                    // recording a site for every `.get(..)` and `.len()`.)
                    None if !catalog::is_common_method(name) => Call::Candidate(Callee::Method {
                        name: self.facts.intern(name),
                        recv: None,
                    }),
                    None => Call::Plain,
                }
            }
            None => Call::Plain,
        }
    }
}

/// The source text of a call's arguments, for a mechanical replacement.
pub(crate) fn args_text(src: &SourceText<'_>, args: &Args) -> Option<String> {
    let (first, last) = (args.first()?, args.last()?);
    src.text_between(start_span(first), last.span())
        .map(str::to_string)
}

/// Whether a configured entry names this call: a path entry matches the resolved path
/// or its tail, a name entry the name.
pub(crate) fn extra_match(list: &[String], path: &str, name: &str) -> bool {
    list.iter().any(|e| {
        if e.contains("::") {
            path == e
                || (path.ends_with(e.as_str()) && path[..path.len() - e.len()].ends_with("::"))
        } else {
            name == e
        }
    })
}
