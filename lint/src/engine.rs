//! The per-file pass: one walk over a parsed file that tracks async context, looks into
//! macro calls, and produces the findings of the blocking-call rules, `nested_block_on`
//! and `unawaited_future`, hands each async body to the per-body flow checks, runs the
//! per-file checks after the walk, and records the small facts the workspace call graph
//! needs. Its helpers each do one job: [`crate::resolve`] resolves names,
//! [`crate::types`] tracks the types of locals, [`crate::callgraph::FactsBuilder`] keeps
//! the facts, `crate::catalog` says what a call does, and the rule files word the
//! findings.
//!
//! - **Async context**: async fn bodies, async blocks, async closures; sync closures
//!   inherit the context unless handed to an offload function, whose closures run
//!   elsewhere; nested fn items and consts are sync.
//! - **Macros**: bodies that parse (see `crate::macros`) are walked like code.
//! - **Positions**: a call learns where its value goes (awaited, dropped by `f();` or
//!   `let _ =`, bound by `let x =`) from the node above it, through [`At`].
//!
//! This file holds the engine's state and what it does at a call; the walk itself (the
//! `syn::visit::Visit` impl) is in `crate::visit`. It does not know about output formats,
//! suppression comments or configuration files; and it keeps no syntax tree after the walk.

use proc_macro2::Span as PmSpan;
use proc_macro2::extra::DelimSpan;
use syn::visit::{self, Visit};
use syn::{Expr, ExprCall, ExprMethodCall, Pat, Stmt};

use crate::allows;
use crate::callgraph::{Callee, FactsBuilder, FnId, Guard, Hit, SiteId};
use crate::calls::{Args, Call, Classifier, args_text};
use crate::catalog::{self, Fix, Ty};
use crate::diagnostic::{Diagnostic, ItemAllow};
use crate::flow::FlowCx;
use crate::macros::{self, Body};
use crate::options::FileOptions;
use crate::resolve::{self, IdentStr, Res, ScopeKind, Scopes, SelfTy};
use crate::rules::{self, blocking, nested_block_on, unawaited_future};
use crate::source::SourceText;
use crate::syntax::{
    self, allows_yields, call_span, expr_attrs, method_span, pending_local, tail_closure,
};
use crate::types;

/// Expression nesting the walker follows before giving up on the file.
const MAX_DEPTH: usize = 2000;

/// A finding before it is placed in a file (the embed API has no file).
pub(crate) struct Finding {
    pub(crate) rule: &'static str,
    pub(crate) span: PmSpan,
    pub(crate) message: String,
    pub(crate) label: &'static str,
    pub(crate) call: String,
    pub(crate) help: Option<String>,
    pub(crate) replacement: Option<String>,
}

/// Where a call's value goes, as the node above it says.
#[derive(Clone, Copy)]
pub(crate) enum At<'a> {
    /// Anywhere else: an argument, a receiver, a tail, ...
    Value,
    /// The operand of `.await`.
    Awaited,
    /// `f();`: dropped at the end of the statement.
    Stmt,
    /// `let _ = f();`: dropped at once.
    LetWild,
    /// `let x = f();`: followed through `x`.
    LetBind(&'a syn::Ident),
    /// The tail of an async block or closure: its output, so a future there is handed
    /// out unpolled (`spawn(async { compute() })` runs nothing of `compute`).
    Yielded,
}

/// The walk's context: saved and restored whole around every item, body and closure.
#[derive(Clone, Copy, Default)]
pub(crate) struct Cx {
    /// Code here runs in async context.
    pub(crate) in_async: bool,
    /// The sync fn whose body is being walked (receives blocking hits and call edges).
    /// Read only where `in_async` is false: an async block or closure in the fn runs
    /// later, elsewhere.
    pub(crate) cur_fn: Option<FnId>,
    /// The async fn whose own body is being walked (not a closure or async block in
    /// it): receives what it awaits, for `cancel_unsafe_select` across files.
    pub(crate) cur_async: Option<FnId>,
    /// What `Self` names.
    pub(crate) self_ty: Option<SelfTy>,
    /// Inside `impl Trait for Type` (or a trait's default methods): its methods share their
    /// names with every other implementor, so they are never resolved by name alone.
    pub(crate) in_trait_impl: bool,
}

/// A `let x = future();` whose `x` has not been used yet, in the scope at `depth`.
pub(crate) struct Pending {
    pub(crate) depth: usize,
    pub(crate) name: String,
    pub(crate) used: bool,
    pub(crate) what: PendingWhat,
}

pub(crate) enum PendingWhat {
    /// A known future (`tokio::time::sleep(d)`, a local async fn): reported if unused.
    Known { call: String, span: PmSpan },
    /// A call the workspace pass may find to be an async fn: its site is marked dropped.
    Site(SiteId),
}

/// The walker. `src` is `None` for the embed API (no file, no facts).
pub(crate) struct Engine<'s> {
    pub(crate) src: Option<&'s SourceText<'s>>,
    pub(crate) options: &'s FileOptions,
    pub(crate) scopes: Scopes,
    pub(crate) cx: Cx,
    pub(crate) facts: FactsBuilder,
    pub(crate) pending: Vec<Pending>,
    /// Locals bound to an async closure (`let f = async || ..;`), with their scope's depth:
    /// calling one builds a future.
    pub(crate) async_closures: Vec<(usize, String)>,
    /// Inside an expression that allows clippy's `async_yields_async`: a future yielded
    /// by an async block there is meant.
    pub(crate) yields_allowed: bool,
    pub(crate) findings: Vec<Finding>,
    /// Findings of the flow rules (already placed in the file).
    pub(crate) flow: Vec<Diagnostic>,
    pub(crate) allows: Vec<ItemAllow>,
    /// The type of the first parameter of the next closure (`thread::scope(|s| ..)`).
    pub(crate) closure_param_ty: Option<Ty>,
    /// The path the last resolution wrote.
    pub(crate) buf: String,
    pub(crate) depth: usize,
    /// The file nests deeper than the walk follows (its findings are not reported).
    pub(crate) too_deep: bool,
    /// Whether the file mentions `parking_lot` (for `lock_across_await`).
    pub(crate) parking_lot: bool,
    /// The bool-capable parameters of the sync fn being walked, by position (receiver not
    /// counted), and the `if param`/`if !param` guards around the current point.
    pub(crate) params: Vec<Option<Box<str>>>,
    pub(crate) guards: Vec<Guard>,
}

impl<'s> Engine<'s> {
    pub(crate) fn new(
        src: Option<&'s SourceText<'s>>,
        options: &'s FileOptions,
        module: Vec<String>,
    ) -> Self {
        Engine {
            src,
            options,
            scopes: Scopes::new(module, src.is_none()),
            cx: Cx::default(),
            facts: FactsBuilder::new(
                options.runtime,
                options.package.clone(),
                options.workspace.clone(),
            ),
            pending: Vec::new(),
            async_closures: Vec::new(),
            yields_allowed: false,
            findings: Vec::new(),
            flow: Vec::new(),
            allows: Vec::new(),
            closure_param_ty: None,
            buf: String::new(),
            depth: 0,
            too_deep: false,
            parking_lot: src.is_some_and(|s| s.text().contains("parking_lot")),
            params: Vec::new(),
            guards: Vec::new(),
        }
    }

    // ----- entry points -------------------------------------------------------------

    /// Walks a whole file, then runs the per-file checks.
    pub(crate) fn file(&mut self, file: &syn::File) {
        self.scopes.push(ScopeKind::Module);
        self.scopes.collect_items(file.items.iter());
        for item in &file.items {
            self.visit_item(item);
        }
        self.file_checks(file);
        self.pop_scope(None);
    }

    /// Walks a fn body as async context (the embed API).
    pub(crate) fn async_body(&mut self, body: &syn::Block) {
        self.scopes.push(ScopeKind::Module);
        self.cx.in_async = true;
        self.visit_block(body);
        self.pop_scope(None);
    }

    /// Runs `f` with the walk's context set to `cx`, then restores it.
    pub(crate) fn with_cx(&mut self, cx: Cx, f: impl FnOnce(&mut Self)) {
        let saved = std::mem::replace(&mut self.cx, cx);
        f(self);
        self.cx = saved;
    }

    /// One level deeper in the expression tree, unless the file is too deep to follow.
    pub(crate) fn deeper(&mut self, f: impl FnOnce(&mut Self)) {
        if self.depth >= MAX_DEPTH {
            self.too_deep = true;
            return;
        }
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    // ----- flow rules ---------------------------------------------------------------

    /// Hands one async body to the per-body checks, names resolved at the body.
    pub(crate) fn flow_body(&mut self, body: &syn::Block) {
        let Some(src) = self.src else {
            return;
        };
        let resolver = self.scopes.resolver(self.cx.self_ty);
        let resolve = |p: &syn::Path| {
            let mut buf = String::new();
            matches!(resolver.resolve(p, &mut buf), Res::Path { .. }).then_some(buf)
        };
        let cx = flow_cx(src, &resolve, self.options, self.parking_lot, None);
        for check in rules::body_checks() {
            check(&cx, body, &mut self.flow);
        }
    }

    /// Runs the per-file checks, each path resolved where it is written.
    pub(crate) fn file_checks(&mut self, file: &syn::File) {
        let Some(src) = self.src else {
            return;
        };
        let scopes = &self.scopes;
        let resolve = |p: &syn::Path| {
            let mut buf = String::new();
            matches!(scopes.resolve_at(p, &mut buf), Res::Path { .. }).then_some(buf)
        };
        let branches = std::cell::RefCell::new(Vec::new());
        let cx = flow_cx(
            src,
            &resolve,
            self.options,
            self.parking_lot,
            Some(&branches),
        );
        for check in rules::file_checks() {
            check(&cx, file, &mut self.flow);
        }
        for (call, branch) in branches.into_inner() {
            self.facts.select_site(call, branch);
        }
    }

    // ----- scopes -------------------------------------------------------------------

    /// Closes the innermost scope (`braces`: see `Scopes::pop`) and settles the futures
    /// bound in it and never used.
    pub(crate) fn pop_scope(&mut self, braces: Option<DelimSpan>) {
        let depth = self.scopes.depth();
        self.scopes.pop(braces);
        while self.async_closures.pop_if(|c| c.0 == depth).is_some() {}
        while let Some(p) = self.pending.pop_if(|p| p.depth == depth) {
            if p.used {
                continue;
            }
            match p.what {
                PendingWhat::Known { call, span } => self.unawaited(span, &call),
                PendingWhat::Site(site) => self.facts.drop_site(site),
            }
        }
    }

    /// Walks a block in a scope of its own; `flow` hands it to the per-body checks once
    /// its items and `use`s are known.
    pub(crate) fn visit_body(&mut self, b: &syn::Block, flow: bool) {
        self.push_block_scope(b);
        if flow {
            self.flow_body(b);
        }
        for s in &b.stmts {
            self.visit_stmt(s);
        }
        self.pop_scope(Some(b.brace_token.span));
    }

    /// Opens the scope of block `b` with its items (and `use`s) known.
    fn push_block_scope(&mut self, b: &syn::Block) {
        self.scopes.push(ScopeKind::Block);
        let items = b
            .stmts
            .iter()
            .filter_map(|s| if let Stmt::Item(i) = s { Some(i) } else { None });
        if items.clone().next().is_some() {
            self.scopes.collect_items(items);
        }
    }

    /// Walks the block of an async block or closure as [`Self::visit_body`] does, its
    /// tail expression as the block's output.
    pub(crate) fn visit_async_body(&mut self, b: &syn::Block) {
        self.push_block_scope(b);
        self.flow_body(b);
        for s in &b.stmts {
            match s {
                Stmt::Expr(e, None) => self.visit_expr_at(e, At::Yielded),
                s => self.visit_stmt(s),
            }
        }
        self.pop_scope(Some(b.brace_token.span));
    }

    /// The known type of an expression's value.
    pub(crate) fn ty_of(&mut self, e: &Expr) -> Option<Ty> {
        types::ty_of(&self.scopes.resolver(self.cx.self_ty), &mut self.buf, e, 0)
    }

    pub(crate) fn bind_pat(&mut self, pat: &Pat, ty: Option<Ty>, ws: Option<Box<str>>) {
        types::bind_pat(
            &mut self.scopes,
            self.cx.self_ty,
            &mut self.buf,
            pat,
            ty,
            ws,
            0,
        );
    }

    // ----- items --------------------------------------------------------------------

    pub(crate) fn enter_fn(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        body: Option<&syn::Block>,
        method: bool,
    ) {
        let is_async = sig.asyncness.is_some();
        let mut fact = None;
        if self.src.is_some() {
            let name = sig.ident.to_string();
            let mut path = self.scopes.module_path();
            if let Some(ty) = self.cx.self_ty {
                path.push_str("::");
                path.push_str(self.scopes.self_type_name(ty));
            }
            path.push_str("::");
            path.push_str(&name);
            let trait_impl = method && self.cx.in_trait_impl;
            let returns = resolve::returns_future(attrs, sig, body);
            let id = self
                .facts
                .define_fn(&name, &path, method, trait_impl, returns);
            // A sync fn that only builds a value of a workspace type (a future, if the
            // type implements `Future`).
            if !returns
                && !is_async
                && body.is_none_or(resolve::lazy)
                && let syn::ReturnType::Type(_, ty) = &sig.output
                && let syn::Type::Path(p) = &**ty
                && p.qself.is_none()
                && let Some(ty) = self.workspace_type(&p.path)
            {
                self.facts.returns(id, &ty);
            }
            fact = Some(id);
        }
        let Some(body) = body else { return };
        let cx = Cx {
            in_async: is_async,
            cur_fn: if is_async { None } else { fact },
            cur_async: if is_async { fact } else { None },
            ..self.cx
        };
        let params = sig
            .inputs
            .iter()
            .filter_map(|i| match i {
                syn::FnArg::Typed(t) => Some(syntax::ident_of(&t.pat)),
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let saved = (
            std::mem::replace(&mut self.params, params),
            std::mem::take(&mut self.guards),
        );
        self.with_cx(cx, |this| {
            this.scopes.push(ScopeKind::Fn);
            for input in &sig.inputs {
                match input {
                    syn::FnArg::Typed(t) => {
                        let r = this.scopes.resolver(this.cx.self_ty);
                        let ty = types::ty_of_type(&r, &mut this.buf, &t.ty);
                        let ws = types::ws_type_of_type(&r, &mut this.buf, &t.ty);
                        this.bind_pat(&t.pat, ty, ws);
                    }
                    // `self` is no local: `resolve` and `ws_type_of` read it as the
                    // module and the `Self` type.
                    syn::FnArg::Receiver(_) => {}
                }
            }
            this.visit_body(body, is_async);
            this.pop_scope(None);
        });
        (self.params, self.guards) = saved;
    }

    pub(crate) fn check_allows(&mut self, attrs: &[syn::Attribute], item: &dyn Fn() -> PmSpan) {
        if let Some(src) = self.src {
            allows::of_item(src, attrs, item, &mut self.allows);
        }
    }

    // ----- findings and facts -------------------------------------------------------

    /// Classifies calls at this point of the walk.
    pub(crate) fn classifier(&mut self) -> Classifier<'_> {
        Classifier {
            scopes: &self.scopes,
            self_ty: self.cx.self_ty,
            options: self.options,
            facts: &mut self.facts,
            buf: &mut self.buf,
        }
    }

    /// A blocking call: a finding in async context, a fact in a sync fn.
    pub(crate) fn blocking(
        &mut self,
        span: PmSpan,
        rule: &'static str,
        fix: Fix,
        call: String,
        args: &Args,
    ) {
        if self.cx.in_async {
            let args = self.src.and_then(|src| args_text(src, args));
            let help = rules::blocking_help(rule, fix, self.options.runtime, args.as_deref());
            self.findings.push(Finding {
                rule,
                span,
                message: blocking::message(&call),
                label: blocking::LABEL,
                call,
                help: Some(help.text),
                replacement: help.replacement,
            });
        } else {
            self.hit(span, rule, call);
        }
    }

    pub(crate) fn block_on(&mut self, span: PmSpan, call: String, args: &Args) {
        if self.cx.in_async {
            let arg = if args.len() == 1 {
                self.src.and_then(|src| args_text(src, args))
            } else {
                None
            };
            let help = nested_block_on::help(self.options.runtime, arg.as_deref());
            self.findings.push(Finding {
                rule: nested_block_on::RULE.info.name,
                span,
                message: nested_block_on::message(&call),
                label: nested_block_on::LABEL,
                call,
                help: Some(help.text),
                replacement: help.replacement,
            });
        } else {
            self.hit(span, nested_block_on::RULE.info.name, call);
        }
    }

    /// Records that the sync fn being walked blocks, for the call graph.
    pub(crate) fn hit(&mut self, span: PmSpan, rule: &'static str, call: String) {
        if let (Some(f), Some(src)) = (self.cx.cur_fn, self.src) {
            self.facts.blocks(f, self.guards.last(), || Hit {
                rule,
                call,
                guard: None,
                line: src.line_of(span),
            });
        }
    }

    /// What the async fn being walked awaits in `.await`'s operand `base`: an operation
    /// that is not cancel-safe, or a workspace fn (for the workspace pass).
    pub(crate) fn awaited(&mut self, base: &Expr) {
        let (Some(f), Some(src)) = (self.cx.cur_async, self.src) else {
            return;
        };
        let e = crate::flow::walk::strip_result_suffixes(base);
        let resolver = self.scopes.resolver(self.cx.self_ty);
        let resolve_fn = |p: &syn::Path| {
            let mut buf = String::new();
            matches!(resolver.resolve(p, &mut buf), Res::Path { .. }).then_some(buf)
        };
        if let Some(op) = rules::cancel_unsafe_select::lossy_op(e, &resolve_fn) {
            let line = src.line_of(syn::spanned::Spanned::span(e));
            self.facts.loses(f, &op, line);
            return;
        }
        let callee = match e {
            Expr::MethodCall(m) => {
                let name = IdentStr::new(&m.method);
                let recv = types::ws_type_of(&resolver, &mut self.buf, &m.receiver);
                if recv.is_none() && catalog::is_common_method(&name) {
                    return;
                }
                Callee::Method {
                    name: self.facts.intern(&name),
                    recv: recv.map(|t| self.facts.intern(&t)),
                }
            }
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else { return };
                let Some(last) = p.path.segments.last() else {
                    return;
                };
                let path = match resolver.resolve(&p.path, &mut self.buf) {
                    Res::Path { .. } | Res::Unknown => self.buf.clone(),
                    _ => return,
                };
                if catalog::is_known_crate(path.split("::").next().unwrap_or("")) {
                    return;
                }
                let name = IdentStr::new(&last.ident);
                Callee::Path {
                    path: self.facts.intern(&path),
                    name: self.facts.intern(&name),
                }
            }
            _ => return,
        };
        self.facts.awaits(f, callee);
    }

    /// A future that is the output of an async block or closure.
    pub(crate) fn yielded(&mut self, span: PmSpan, call: &str) {
        if self.yields_allowed {
            return;
        }
        self.findings.push(Finding {
            rule: unawaited_future::RULE.info.name,
            span,
            message: unawaited_future::yielded_message(call),
            label: unawaited_future::LABEL,
            call: call.to_string(),
            help: Some(unawaited_future::YIELDED_HELP.into()),
            replacement: None,
        });
    }

    pub(crate) fn unawaited(&mut self, span: PmSpan, call: &str) {
        self.findings.push(Finding {
            rule: unawaited_future::RULE.info.name,
            span,
            message: unawaited_future::message(call),
            label: unawaited_future::LABEL,
            call: call.to_string(),
            help: Some(unawaited_future::HELP.into()),
            replacement: None,
        });
    }

    /// Records a call for the call graph: an edge from the sync fn being walked, and a
    /// site when it runs in async context or its value is dropped (`yielded`: as the
    /// output of an async block or closure).
    pub(crate) fn record_call(
        &mut self,
        callee: Callee,
        span: impl FnOnce() -> PmSpan,
        dropped: bool,
        yielded: bool,
        args: &Args,
    ) -> Option<SiteId> {
        let src = self.src?;
        if let (Some(f), false) = (self.cx.cur_fn, self.cx.in_async) {
            self.facts.calls(f, callee);
        }
        (self.cx.in_async || dropped).then(|| {
            let bools = syntax::bool_literals(args);
            let span = src.span(span());
            self.facts
                .site(callee, span, self.cx.in_async, dropped, yielded, bools)
        })
    }

    /// A value of a type of the workspace (`Delay { .. }`, a unit struct `Delay`, a tuple
    /// struct `Delay(..)`) built where `at` drops it or yields it: recorded for the
    /// workspace pass, which knows which types implement `Future`.
    pub(crate) fn value(&mut self, path: &syn::Path, span: PmSpan, at: At<'_>) {
        let yielded = match at {
            At::Stmt | At::LetWild => false,
            At::Yielded if !self.yields_allowed => true,
            _ => return,
        };
        let Some(src) = self.src else {
            return;
        };
        if let Some(ty) = self.workspace_type(path) {
            self.facts.value(&ty, src.span(span), yielded);
        }
    }

    /// Whether a trait path names std's `Future` (`Future` of the prelude,
    /// `std::future::Future`, `core::future::Future`, or futures' re-exports of it).
    pub(crate) fn names_future(&mut self, tr: &syn::Path) -> bool {
        if tr.segments.last().is_none_or(|s| s.ident != "Future") {
            return false;
        }
        let r = self.scopes.resolver(self.cx.self_ty);
        match r.resolve(tr, &mut self.buf) {
            Res::Unknown => true,
            Res::Path { workspace: false } => catalog::futures::is_future_trait(&self.buf),
            _ => false,
        }
    }

    /// The full path of a type of the workspace that `path` names (`crate::timer::Delay`,
    /// `Self` as its path); `None` for anything else, locals and lower-case names included.
    pub(crate) fn workspace_type(&mut self, path: &syn::Path) -> Option<String> {
        let last = path.segments.last()?;
        if !last.ident.to_string().starts_with(char::is_uppercase) {
            return None;
        }
        let r = self.scopes.resolver(self.cx.self_ty);
        match r.resolve(path, &mut self.buf) {
            Res::Path { workspace: true } => Some(self.buf.clone()),
            _ => None,
        }
    }

    /// Acts on what a call does, given where its value goes; returns whether its closure
    /// arguments run elsewhere.
    pub(crate) fn act(
        &mut self,
        call: Call,
        at: At<'_>,
        span: impl Fn() -> PmSpan,
        args: &Args,
    ) -> bool {
        match (call, at) {
            // `.await`ed, so it is an async API of the same name, not the blocking one.
            (Call::Block { .. }, At::Awaited) => {}
            (Call::Block { rule, fix, shown }, _) => self.blocking(span(), rule, fix, shown, args),
            (Call::BlockOn { shown }, _) => self.block_on(span(), shown, args),
            (Call::Offload, _) => return true,
            (Call::Future(call), At::Stmt | At::LetWild) => self.unawaited(span(), &call),
            (Call::Future(call), At::Yielded) => self.yielded(span(), &call),
            (Call::Future(call), At::LetBind(name)) => {
                let span = span();
                self.pend(name, PendingWhat::Known { call, span });
            }
            (Call::Candidate(callee), At::Stmt | At::LetWild) => {
                self.record_call(callee, span, true, false, args);
            }
            (Call::Candidate(callee), At::Yielded) => {
                let yielded = !self.yields_allowed;
                self.record_call(callee, span, yielded, yielded, args);
            }
            (Call::Candidate(callee), At::LetBind(name)) => {
                if let Some(site) = self.record_call(callee, span, false, false, args) {
                    self.pend(name, PendingWhat::Site(site));
                }
            }
            (Call::Candidate(callee), At::Value | At::Awaited) => {
                self.record_call(callee, span, false, false, args);
            }
            (Call::Future(_) | Call::Plain, _) => {}
        }
        false
    }

    pub(crate) fn pend(&mut self, name: &syn::Ident, what: PendingWhat) {
        self.pending.push(Pending {
            depth: self.scopes.depth(),
            name: name.to_string(),
            used: false,
            what,
        });
    }

    pub(crate) fn mark_used(&mut self, ident: &proc_macro2::Ident) {
        if let Some(p) = self.pending.iter_mut().rev().find(|p| *ident == p.name) {
            p.used = true;
        }
    }

    /// Walks a call or method call (under parentheses) knowing where its value goes;
    /// any other expression is walked as usual.
    pub(crate) fn visit_expr_at(&mut self, e: &Expr, at: At<'_>) {
        if !self.yields_allowed && allows_yields(expr_attrs(e)) {
            self.yields_allowed = true;
            self.visit_expr_at(e, at);
            self.yields_allowed = false;
            return;
        }
        self.deeper(|this| match e {
            Expr::Paren(p) => this.visit_expr_at(&p.expr, at),
            Expr::Call(c) => this.visit_call(c, at),
            Expr::MethodCall(m) => this.visit_method_call(m, at),
            // `async { .. };` and `let _ = async { .. };` build a future and drop it.
            Expr::Async(a) if matches!(at, At::Stmt | At::LetWild) => {
                this.unawaited(a.async_token.span, unawaited_future::ASYNC_BLOCK);
                visit::visit_expr(this, e);
            }
            Expr::Async(a) if matches!(at, At::Yielded) => {
                this.yielded(a.async_token.span, unawaited_future::ASYNC_BLOCK);
                visit::visit_expr(this, e);
            }
            // A value of a workspace type that may implement `Future`: `Delay { .. };`,
            // a unit struct as an async block's output.
            Expr::Struct(s) if s.qself.is_none() => {
                this.value(&s.path, syn::spanned::Spanned::span(s), at);
                visit::visit_expr(this, e);
            }
            Expr::Path(p) if p.qself.is_none() => {
                this.value(&p.path, syn::spanned::Spanned::span(p), at);
                visit::visit_expr(this, e);
            }
            _ => visit::visit_expr(this, e),
        });
    }

    pub(crate) fn visit_call(&mut self, c: &ExprCall, at: At<'_>) {
        // `(async || ..)()` dropped.
        if let Expr::Paren(p) = &*c.func
            && let Expr::Closure(cl) = &*p.expr
            && cl.asyncness.is_some()
            && matches!(at, At::Stmt | At::LetWild)
        {
            self.unawaited(call_span(c), unawaited_future::ASYNC_CLOSURE);
        }
        let Expr::Path(func) = &*c.func else {
            visit::visit_expr_call(self, c);
            return;
        };
        if let Some(name) = func.path.get_ident().filter(|_| func.qself.is_none()) {
            // `drop(x)` of a pending future does not use it.
            if name == "drop" && c.args.len() == 1 && pending_local(&c.args[0]) {
                return;
            }
            // `f()` where `let f = async || ..;`.
            if self.async_closures.iter().any(|(_, n)| name == n.as_str()) {
                let call = Call::Future(name.to_string());
                self.act(call, at, || call_span(c), &c.args);
                self.visit_args(&c.args, false);
                return;
            }
        } else if c.args.len() == 1
            && pending_local(&c.args[0])
            && func.qself.is_none()
            && func.path.segments.len() >= 2
            && func
                .path
                .segments
                .iter()
                .rev()
                .nth(1)
                .is_some_and(|s| s.ident == "mem")
            && func.path.segments.last().is_some_and(|s| s.ident == "drop")
        {
            // `std::mem::drop(x)`, `mem::drop(x)`.
            return;
        }
        if func.qself.is_none() {
            // A tuple struct built and dropped: `Delay(d);`.
            self.value(&func.path, call_span(c), at);
        }
        let mut classifier = self.classifier();
        let (call, param) = classifier.path(func);
        let call = classifier.reading(call, &c.args);
        if param.is_some() {
            self.closure_param_ty = param;
        }
        let offload = self.act(call, at, || call_span(c), &c.args);
        self.visit_args(&c.args, offload);
        self.closure_param_ty = None;
    }

    pub(crate) fn visit_method_call(&mut self, m: &ExprMethodCall, at: At<'_>) {
        let call = self.classifier().method(m, matches!(at, At::Awaited));
        let offload = self.act(call, at, || method_span(m), &m.args);
        self.visit_expr(&m.receiver);
        self.visit_args(&m.args, offload);
    }

    /// Walks a call's arguments; the closures among them run elsewhere if `offload`.
    /// A closure argument, or one that is the tail of a block argument
    /// (`thread::spawn({ let t = t.clone(); move || .. })`), runs elsewhere if `offload`.
    pub(crate) fn visit_args(&mut self, args: &Args, offload: bool) {
        for arg in args {
            match arg {
                Expr::Closure(_) if offload => self.visit_offloaded(arg),
                Expr::Block(b) if offload && b.attrs.is_empty() && tail_closure(&b.block) => {
                    let b = &b.block;
                    self.scopes.push(ScopeKind::Block);
                    self.scopes.collect_items(
                        b.stmts
                            .iter()
                            .filter_map(|s| if let Stmt::Item(i) = s { Some(i) } else { None }),
                    );
                    let (tail, stmts) = b.stmts.split_last().expect("a tail closure");
                    for s in stmts {
                        self.visit_stmt(s);
                    }
                    if let Stmt::Expr(closure, None) = tail {
                        self.visit_offloaded(closure);
                    }
                    self.pop_scope(Some(b.brace_token.span));
                }
                _ => self.visit_expr(arg),
            }
        }
    }

    /// Walks a closure that runs off the event loop: sync, and no part of any fn's body.
    pub(crate) fn visit_offloaded(&mut self, closure: &Expr) {
        let cx = Cx {
            in_async: false,
            cur_fn: None,
            ..self.cx
        };
        self.with_cx(cx, |this| this.visit_expr(closure));
    }

    pub(crate) fn visit_macro_body(&mut self, mac: &syn::Macro) {
        // Macro bodies are parsed again, which costs: only where findings can come from
        // them directly (async context). Sync code only feeds the call graph, which can
        // afford to miss a call hidden in a `println!`.
        let body = if self.cx.in_async {
            macros::parse(mac)
        } else {
            Body::Opaque
        };
        match body {
            Body::Exprs(exprs) => {
                for e in &exprs {
                    self.visit_expr(e);
                }
            }
            Body::Stmts(stmts) => {
                self.scopes.collect_items(
                    stmts
                        .iter()
                        .filter_map(|s| if let Stmt::Item(i) = s { Some(i) } else { None }),
                );
                for s in &stmts {
                    self.visit_stmt(s);
                }
            }
            Body::Select(arms) => {
                for arm in &arms {
                    if let Some(f) = &arm.future {
                        self.visit_expr(f);
                    }
                    if let Some(g) = &arm.guard {
                        self.visit_expr(g);
                    }
                    self.visit_expr(&arm.handler);
                }
            }
            Body::Opaque => {
                if !self.pending.is_empty() {
                    macros::idents(&mac.tokens, |id| self.mark_used(id));
                }
            }
        }
    }
}

/// What the flow rules see of the file at one point.
fn flow_cx<'a>(
    src: &'a SourceText<'a>,
    resolve: &'a dyn Fn(&syn::Path) -> Option<String>,
    options: &FileOptions,
    parking_lot: bool,
    branches: Option<&'a std::cell::RefCell<Vec<(crate::Span, crate::Span)>>>,
) -> FlowCx<'a> {
    FlowCx {
        resolve,
        src,
        runtime: options.runtime,
        parking_lot,
        branches,
    }
}
