//! The per-file pass: one walk over a parsed file that resolves names, tracks async
//! context and local types, looks into macro calls, and produces the findings of the
//! blocking rules, `nested_block_on` and `unawaited_future`, plus the small facts the
//! workspace call graph needs.
//!
//! - **Name resolution** ([`Engine::resolve`]): `use` trees (groups, renames, globs of
//!   modules the catalog knows, `self`/`super`/`crate`), items of the enclosing module
//!   and blocks (which shadow imports), `let` bindings and parameters (which shadow
//!   both), and fully qualified paths. A method call is never resolved by name alone.
//! - **Async context**: async fn bodies, async blocks, async closures; sync closures
//!   inherit the context unless handed to an offload function, whose closures run
//!   elsewhere; nested fn items and consts are sync.
//! - **Macros**: bodies that parse (see `crate::macros`) are walked like code.
//! - **Types**: see `crate::types`.
//!
//! It does not know about output formats, suppression comments or configuration files;
//! and it keeps no syntax tree after the walk.

use std::fmt::Write as _;
use std::path::Path;

use proc_macro2::Span as PmSpan;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, ExprCall, ExprMethodCall, Item, Pat, Stmt, UseTree};

use crate::callgraph::{Callee, FileFacts, FnFact, Hit, Name, Site};
use crate::catalog::{self, Effect, Fix, Ty, methods, tasks};
use crate::flow::FlowCx;
use crate::macros::{self, Body};
use crate::rules::{self, blocking, nested_block_on, parse_error, unawaited_future};
use crate::source::{self, SourceText};
use crate::{
    Applicability, Diagnostic, FileAnalysis, FileOptions, ItemAllow, Label, Level, Runtime,
    Suggestion,
};
use rustc_hash::FxHashMap;

/// Expression nesting the walker follows before giving up on the file.
const MAX_DEPTH: usize = 2000;
/// Method chains followed when inferring a receiver's type.
const MAX_TYPE_DEPTH: usize = 24;

/// A finding before it is placed in a file (the embed API has no file).
pub(crate) struct Finding {
    pub(crate) rule: &'static str,
    pub(crate) span: PmSpan,
    pub(crate) message: String,
    pub(crate) label: &'static str,
    pub(crate) call: String,
    pub(crate) help: Option<String>,
    pub(crate) replacement: Option<String>,
    pub(crate) notes: Vec<String>,
}

/// Everything about one file's analysis, as `analyze_file` returns it.
pub(crate) fn analyze(path: &Path, text: &str, options: &FileOptions) -> FileAnalysis {
    let src = SourceText::new(text);
    let shape = source::shape(src.parsed());
    let mut out = FileAnalysis {
        path: path.to_owned(),
        diagnostics: Vec::new(),
        item_allows: Vec::new(),
        facts: FileFacts {
            runtime: options.runtime,
            package: options.package.clone(),
            ..FileFacts::default()
        },
    };
    if shape.too_deep() {
        let d = parse_error::diagnostic(
            src.span_of_bytes(0, 0),
            parse_error::too_deep_to_parse(shape.max_depth, shape.max_run),
        );
        out.diagnostics.push(d);
        return out;
    }
    let module = module_path_of(path);
    let run = || run_file(&src, options, module, &mut out);
    if shape.needs_big_stack() {
        // Deep or very long expressions: parse and walk on a thread with room to recurse.
        let ok = std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(1 << 30)
                .spawn_scoped(s, run)
                .map(|h| h.join().is_ok())
        });
        if !matches!(ok, Ok(true)) {
            out.diagnostics.clear();
            out.diagnostics.push(parse_error::diagnostic(
                src.span_of_bytes(0, 0),
                parse_error::NOT_ANALYSED.into(),
            ));
        }
    } else if std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).is_err() {
        // A bug of ours must not take the whole run down: report the file as not linted.
        proc_macro2::extra::invalidate_current_thread_spans();
        out.diagnostics.clear();
        out.diagnostics.push(parse_error::diagnostic(
            src.span_of_bytes(0, 0),
            parse_error::INTERNAL_ERROR.into(),
        ));
    }
    out
}

fn run_file(
    src: &SourceText<'_>,
    options: &FileOptions,
    module: Vec<String>,
    out: &mut FileAnalysis,
) {
    match syn::parse_str::<syn::File>(src.parsed()) {
        Err(e) => {
            let span = src.span(e.span());
            out.diagnostics.push(parse_error::diagnostic(
                span,
                parse_error::does_not_parse(&e),
            ));
        }
        Ok(file) => {
            let mut engine = Engine::new(Some(src), options, module, false);
            engine.facts.runtime = options.runtime;
            engine.facts.package = options.package.clone();
            engine.file(&file);
            if engine.too_deep {
                out.diagnostics.push(parse_error::diagnostic(
                    src.span_of_bytes(0, 0),
                    parse_error::TOO_DEEP_TO_WALK.into(),
                ));
            } else {
                out.diagnostics
                    .extend(engine.findings.iter().map(|f| to_diagnostic(src, f)));
                out.diagnostics.append(&mut engine.flow);
                out.item_allows = std::mem::take(&mut engine.allows);
                out.facts = std::mem::take(&mut engine.facts);
            }
            drop(engine);
            drop(file);
        }
    }
    proc_macro2::extra::invalidate_current_thread_spans();
}

fn to_diagnostic(src: &SourceText<'_>, f: &Finding) -> Diagnostic {
    let span = src.span(f.span);
    let level = rules::info(f.rule).map_or(Level::Warn, |r| r.default_level);
    Diagnostic {
        rule: f.rule,
        level,
        message: f.message.clone(),
        primary: Label {
            span,
            message: f.label.to_string(),
        },
        secondary: Vec::new(),
        notes: f.notes.clone(),
        help: f.help.clone(),
        suggestion: f.replacement.as_ref().map(|r| Suggestion {
            span,
            replacement: r.clone(),
            applicability: Applicability::MaybeIncorrect,
        }),
    }
}

/// `src/api.rs` → `crate::api`, `src/net/mod.rs` → `crate::net`, `src/lib.rs` → `crate`.
pub(crate) fn module_path_of(path: &Path) -> Vec<String> {
    let comps: Vec<&str> = path.iter().filter_map(|c| c.to_str()).collect();
    let mut module = vec!["crate".to_string()];
    let Some(src) = comps.iter().rposition(|c| *c == "src") else {
        return module;
    };
    let rest = &comps[src + 1..];
    if rest.first() == Some(&"bin") {
        return module;
    }
    for (i, c) in rest.iter().enumerate() {
        let c = if i + 1 == rest.len() {
            c.strip_suffix(".rs").unwrap_or(c)
        } else {
            c
        };
        if i + 1 == rest.len() && matches!(c, "lib" | "main" | "mod") {
            break;
        }
        module.push(c.to_string());
    }
    module
}

/// A small stack buffer holding an identifier's text, to look names up without
/// allocating.
pub(crate) struct IdentStr {
    buf: [u8; 48],
    len: usize,
    heap: Option<String>,
}

impl IdentStr {
    pub(crate) fn new(ident: &proc_macro2::Ident) -> Self {
        let mut s = IdentStr {
            buf: [0; 48],
            len: 0,
            heap: None,
        };
        let _ = write!(s, "{ident}");
        s
    }
}

impl std::fmt::Write for IdentStr {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if let Some(h) = &mut self.heap {
            h.push_str(s);
        } else if self.len + s.len() <= self.buf.len() {
            self.buf[self.len..self.len + s.len()].copy_from_slice(s.as_bytes());
            self.len += s.len();
        } else {
            let mut h = String::from(std::str::from_utf8(&self.buf[..self.len]).unwrap_or(""));
            h.push_str(s);
            self.heap = Some(h);
        }
        Ok(())
    }
}

impl std::ops::Deref for IdentStr {
    type Target = str;
    fn deref(&self) -> &str {
        match &self.heap {
            Some(h) => h,
            None => std::str::from_utf8(&self.buf[..self.len]).unwrap_or(""),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ItemKind {
    Fn { is_async: bool },
    Other,
}

#[derive(Default)]
struct Scope {
    /// A module: lookups stop here.
    module: bool,
    /// A fn body: `let`s of enclosing scopes are not visible from inside.
    fn_boundary: bool,
    items: FxHashMap<String, (String, ItemKind)>,
    imports: FxHashMap<String, String>,
    globs: Vec<String>,
    /// `let` bindings and parameters, by the hash of their name (no allocation per
    /// binding; a collision can only hide a finding, never invent one).
    locals: Vec<(u64, Option<Ty>)>,
    pending: Vec<Pending>,
}

/// A `let x = future();` whose `x` has not been used yet.
struct Pending {
    name: String,
    used: bool,
    what: PendingWhat,
}

enum PendingWhat {
    Known { call: String, span: PmSpan },
    Site(usize),
}

/// How a name resolved; the path itself is in `Engine::buf`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Res {
    /// A `let` binding or parameter (with its type, if known).
    Local(Option<Ty>),
    /// A path; `workspace` when it names the linted code (`crate::..`, local items).
    Path { workspace: bool },
    /// A single name found nowhere (a glob import of the workspace, the prelude, a macro).
    Unknown,
    /// Nothing usable.
    None,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum DropKind {
    /// `f();`
    Stmt,
    /// `let _ = f();`
    LetWild,
    /// `let x = f();`
    LetBind,
}

/// What a call turned out to be, for `unawaited_future`.
enum FutureKind {
    Known(String),
    Candidate(Callee),
    No,
}

/// The walker. `src` is `None` for the embed API (no file, no facts).
pub(crate) struct Engine<'s> {
    src: Option<&'s SourceText<'s>>,
    runtime: Runtime,
    extra_blocking: &'s [String],
    extra_offload: &'s [String],
    embed: bool,
    scopes: Vec<Scope>,
    module: Vec<String>,
    self_ty: Option<String>,
    /// Inside `impl Trait for Type`: its methods share their names with every other
    /// implementor of the trait, so they are never resolved by name alone.
    in_trait_impl: bool,
    in_async: bool,
    /// The sync fn whose body is being walked (receives blocking hits and call edges).
    cur_fn: Option<usize>,
    pub(crate) findings: Vec<Finding>,
    facts: FileFacts,
    interner: FxHashMap<Box<str>, Name>,
    allows: Vec<ItemAllow>,
    depth: usize,
    pub(crate) too_deep: bool,
    /// Address of the call being `.await`ed right now.
    awaited: usize,
    /// Address of the call whose value is dropped, and how.
    drop_target: Option<(usize, DropKind, Option<String>)>,
    /// The type of the first parameter of the next closure (`thread::scope(|s| ..)`).
    closure_param_ty: Option<Ty>,
    buf: String,
    /// Findings of the flow rules (already placed in the file).
    pub(crate) flow: Vec<Diagnostic>,
    /// Whether the file mentions `parking_lot` (for `lock_across_await`).
    parking_lot: bool,
}

fn name_hash(name: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(name.as_bytes());
    h.write_u8(0xff);
    h.finish()
}

fn addr<T>(x: &T) -> usize {
    x as *const T as usize
}

impl<'s> Engine<'s> {
    pub(crate) fn new(
        src: Option<&'s SourceText<'s>>,
        options: &'s FileOptions,
        module: Vec<String>,
        embed: bool,
    ) -> Self {
        Engine {
            src,
            runtime: options.runtime,
            extra_blocking: &options.extra_blocking,
            extra_offload: &options.extra_offload,
            embed,
            scopes: Vec::new(),
            module,
            self_ty: None,
            in_trait_impl: false,
            in_async: false,
            cur_fn: None,
            findings: Vec::new(),
            facts: FileFacts::default(),
            interner: FxHashMap::default(),
            allows: Vec::new(),
            depth: 0,
            too_deep: false,
            awaited: 0,
            drop_target: None,
            closure_param_ty: None,
            buf: String::new(),
            flow: Vec::new(),
            parking_lot: src.is_some_and(|s| s.text().contains("parking_lot")),
        }
    }

    // ----- entry points -------------------------------------------------------------

    fn file(&mut self, file: &syn::File) {
        self.push_scope(true, false);
        self.collect_items(file.items.iter());
        self.run_flow(|cx, out| {
            for check in rules::file_checks() {
                check(cx, file, out);
            }
        });
        for item in &file.items {
            self.visit_item(item);
        }
        self.pop_scope();
    }

    /// Runs the flow rules with a [`FlowCx`] resolving names at the current point.
    fn run_flow(&mut self, f: impl FnOnce(&FlowCx<'_>, &mut Vec<Diagnostic>)) {
        let Some(src) = self.src else { return };
        if self.embed {
            return;
        }
        let resolver = Resolver {
            scopes: &self.scopes,
            module: &self.module,
            self_ty: self.self_ty.as_deref(),
            embed: false,
        };
        let resolve = |p: &syn::Path| {
            let mut buf = String::new();
            match resolver.resolve(p, &mut buf) {
                Res::Path { .. } => Some(buf),
                _ => None,
            }
        };
        let span = |s: PmSpan| src.span(s);
        let snippet = |s: PmSpan| src.snippet(s).map(str::to_string);
        let cx = FlowCx {
            resolve: &resolve,
            span: &span,
            snippet: &snippet,
            runtime: self.runtime,
            parking_lot: self.parking_lot,
        };
        f(&cx, &mut self.flow);
    }

    /// Hands one async body to the flow rules.
    fn flow_body(&mut self, body: &syn::Block) {
        self.run_flow(|cx, out| {
            for check in rules::body_checks() {
                check(cx, body, out);
            }
        });
    }

    /// Walks a fn body as async context (the embed API).
    pub(crate) fn async_body(&mut self, body: &syn::Block) {
        self.push_scope(true, false);
        self.in_async = true;
        self.visit_block(body);
        self.pop_scope();
    }

    // ----- scopes and resolution ----------------------------------------------------

    fn push_scope(&mut self, module: bool, fn_boundary: bool) {
        self.scopes.push(Scope {
            module,
            fn_boundary,
            ..Scope::default()
        });
    }

    fn pop_scope(&mut self) {
        if let Some(scope) = self.scopes.pop() {
            for p in scope.pending {
                if p.used {
                    continue;
                }
                match p.what {
                    PendingWhat::Known { call, span } => self.unawaited(span, &call),
                    PendingWhat::Site(i) => {
                        if let Some(site) = self.facts.sites.get_mut(i) {
                            site.dropped = true;
                        }
                    }
                }
            }
        }
    }

    fn module_path(&self) -> String {
        self.module.join("::")
    }

    /// Registers the items and `use`s of a module or block (they are visible throughout).
    fn collect_items<'a>(&mut self, items: impl Iterator<Item = &'a Item> + Clone) {
        let module = self.module_path();
        let Some(scope) = self.scopes.last_mut() else {
            return;
        };
        for item in items.clone() {
            let (ident, kind) = match item {
                Item::Fn(f) => (
                    &f.sig.ident,
                    ItemKind::Fn {
                        is_async: returns_future(&f.attrs, &f.sig),
                    },
                ),
                Item::Mod(m) => (&m.ident, ItemKind::Other),
                Item::Struct(s) => (&s.ident, ItemKind::Other),
                Item::Enum(e) => (&e.ident, ItemKind::Other),
                Item::Union(u) => (&u.ident, ItemKind::Other),
                Item::Trait(t) => (&t.ident, ItemKind::Other),
                Item::Type(t) => (&t.ident, ItemKind::Other),
                Item::Const(c) => (&c.ident, ItemKind::Other),
                Item::Static(s) => (&s.ident, ItemKind::Other),
                Item::ExternCrate(c) => {
                    let name = c.rename.as_ref().map_or(&c.ident, |r| &r.1).to_string();
                    scope.imports.insert(name, c.ident.to_string());
                    continue;
                }
                _ => continue,
            };
            let name = ident.to_string();
            let path = format!("{module}::{name}");
            scope.items.insert(name, (path, kind));
        }
        for item in items {
            if let Item::Use(u) = item {
                let mut prefix = String::new();
                let leading = u.leading_colon.is_some();
                self.add_use(&u.tree, &mut prefix, leading);
            }
        }
    }

    fn add_use(&mut self, tree: &UseTree, prefix: &mut String, leading_colon: bool) {
        match tree {
            UseTree::Path(p) => {
                let len = prefix.len();
                self.push_use_segment(prefix, &p.ident, leading_colon);
                self.add_use(&p.tree, prefix, false);
                prefix.truncate(len);
            }
            UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    let last = prefix.rsplit("::").next().unwrap_or("").to_string();
                    let full = prefix.clone();
                    self.insert_import(last, full);
                } else {
                    let len = prefix.len();
                    self.push_use_segment(prefix, &n.ident, leading_colon);
                    let full = prefix.clone();
                    prefix.truncate(len);
                    self.insert_import(name, full);
                }
            }
            UseTree::Rename(r) => {
                let len = prefix.len();
                if r.ident != "self" {
                    self.push_use_segment(prefix, &r.ident, leading_colon);
                }
                let full = prefix.clone();
                prefix.truncate(len);
                let alias = if r.rename == "_" {
                    format!("_ {}", r.ident)
                } else {
                    r.rename.to_string()
                };
                self.insert_import(alias, full);
            }
            UseTree::Glob(_) => {
                let full = prefix.clone();
                if let Some(scope) = self.scopes.last_mut() {
                    scope.globs.push(full);
                }
            }
            UseTree::Group(g) => {
                for t in &g.items {
                    self.add_use(t, prefix, leading_colon);
                }
            }
        }
    }

    fn insert_import(&mut self, name: String, full: String) {
        if let Some(scope) = self.scopes.last_mut() {
            // A local item of the same name wins over a glob; over an explicit import it
            // is a compile error, so either choice is fine.
            scope.imports.insert(name, full);
        }
    }

    /// Appends one segment of a `use` path, resolving a leading `crate`/`self`/`super`
    /// or a local module name.
    fn push_use_segment(
        &self,
        prefix: &mut String,
        ident: &proc_macro2::Ident,
        leading_colon: bool,
    ) {
        let s = IdentStr::new(ident);
        if prefix.is_empty() && !leading_colon {
            match &*s {
                "crate" => prefix.push_str("crate"),
                "self" => prefix.push_str(&self.module_path()),
                "super" => {
                    let n = self.module.len().saturating_sub(1).max(1);
                    prefix.push_str(&self.module[..n].join("::"));
                }
                name => {
                    // 2018 uniform paths: a module of this scope, else an external crate.
                    let local = self
                        .scopes
                        .last()
                        .and_then(|sc| sc.items.get(name))
                        .map(|(p, _)| p.clone());
                    prefix.push_str(local.as_deref().unwrap_or(name));
                }
            }
            return;
        }
        if &*s == "super" && prefix.starts_with("crate") {
            if let Some(i) = prefix.rfind("::") {
                prefix.truncate(i);
            }
            return;
        }
        if !prefix.is_empty() {
            prefix.push_str("::");
        }
        prefix.push_str(&s);
    }

    /// Resolves `path` into `self.buf`.
    pub(crate) fn resolve(&mut self, path: &syn::Path) -> Res {
        let r = Resolver {
            scopes: &self.scopes,
            module: &self.module,
            self_ty: self.self_ty.as_deref(),
            embed: self.embed,
        };
        r.resolve(path, &mut self.buf)
    }

    /// Whether a local item of this scope chain named `name` is an async fn.
    fn local_fn(&self, name: &str) -> Option<bool> {
        for scope in self.scopes.iter().rev() {
            if let Some((_, kind)) = scope.items.get(name) {
                return match kind {
                    ItemKind::Fn { is_async } => Some(*is_async),
                    ItemKind::Other => None,
                };
            }
            if scope.module {
                break;
            }
        }
        None
    }

    fn bind(&mut self, name: &str, ty: Option<Ty>) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.locals.push((name_hash(name), ty));
        }
    }

    fn bind_pat(&mut self, pat: &Pat, ty: Option<Ty>, depth: usize) {
        if depth > 64 {
            return;
        }
        match pat {
            Pat::Ident(p) => {
                if let Some((_, sub)) = &p.subpat {
                    self.bind_pat(sub, ty, depth + 1);
                }
                self.bind(&IdentStr::new(&p.ident), ty);
            }
            Pat::Type(t) => {
                let declared = self.ty_of_type(&t.ty);
                self.bind_pat(&t.pat, declared.or(ty), depth + 1);
            }
            Pat::Tuple(t) => {
                let pair = ty.and_then(catalog::pair);
                for (i, p) in t.elems.iter().enumerate() {
                    let ty = match (pair, i, t.elems.len()) {
                        (Some((a, _)), 0, 2) => a,
                        (Some((_, b)), 1, 2) => b,
                        _ => None,
                    };
                    self.bind_pat(p, ty, depth + 1);
                }
            }
            Pat::Reference(r) => self.bind_pat(&r.pat, ty, depth + 1),
            Pat::Paren(p) => self.bind_pat(&p.pat, ty, depth + 1),
            Pat::Or(o) => {
                for p in &o.cases {
                    self.bind_pat(p, None, depth + 1);
                }
            }
            Pat::Slice(s) => {
                for p in &s.elems {
                    self.bind_pat(p, None, depth + 1);
                }
            }
            Pat::Struct(s) => {
                for f in &s.fields {
                    self.bind_pat(&f.pat, None, depth + 1);
                }
            }
            Pat::TupleStruct(s) => {
                for p in &s.elems {
                    self.bind_pat(p, None, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// A known type written in a type position (`&std::fs::File`, `Arc<Condvar>`).
    fn ty_of_type(&mut self, ty: &syn::Type) -> Option<Ty> {
        match ty {
            syn::Type::Reference(r) => self.ty_of_type(&r.elem),
            syn::Type::Paren(p) => self.ty_of_type(&p.elem),
            syn::Type::Path(p) if p.qself.is_none() => {
                let last = p.path.segments.last()?;
                if last.ident == "Arc" || last.ident == "Rc" || last.ident == "Box" {
                    if let syn::PathArguments::AngleBracketed(a) = &last.arguments
                        && let Some(syn::GenericArgument::Type(inner)) = a.args.first()
                    {
                        return self.ty_of_type(inner);
                    }
                    return None;
                }
                match self.resolve(&p.path) {
                    Res::Path { .. } => catalog::from_type_path(&self.buf),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The known type of an expression's value (through `?`, `unwrap()`, builders).
    fn ty_of(&mut self, e: &Expr, depth: usize) -> Option<Ty> {
        if depth > MAX_TYPE_DEPTH {
            return None;
        }
        match e {
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                match self.resolve(&p.path) {
                    Res::Local(t) => t,
                    _ => None,
                }
            }
            Expr::Call(c) => {
                let Expr::Path(f) = &*c.func else { return None };
                if f.qself.is_some() {
                    return None;
                }
                match self.resolve(&f.path) {
                    Res::Path { .. } => {
                        let api = catalog::lookup(&self.buf)?;
                        if api.passthrough {
                            return c.args.first().and_then(|a| self.ty_of(a, depth + 1));
                        }
                        api.ret
                    }
                    _ => None,
                }
            }
            Expr::MethodCall(m) => {
                let name = IdentStr::new(&m.method);
                if methods::starts_par_iter(&name) {
                    return Some(Ty::ParIter);
                }
                let recv = self.ty_of(&m.receiver, depth + 1)?;
                if matches!(
                    &*name,
                    "unwrap"
                        | "expect"
                        | "unwrap_or_else"
                        | "clone"
                        | "by_ref"
                        | "as_mut"
                        | "as_ref"
                        | "borrow"
                        | "borrow_mut"
                ) {
                    return Some(recv);
                }
                methods::method(recv, &name)?.1
            }
            Expr::Try(t) => self.ty_of(&t.expr, depth + 1),
            Expr::Paren(p) => self.ty_of(&p.expr, depth + 1),
            Expr::Group(g) => self.ty_of(&g.expr, depth + 1),
            Expr::Reference(r) => self.ty_of(&r.expr, depth + 1),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.ty_of(&u.expr, depth + 1),
            _ => None,
        }
    }

    // ----- facts --------------------------------------------------------------------

    fn intern(&mut self, s: &str) -> Name {
        if let Some(&n) = self.interner.get(s) {
            return n;
        }
        let n = self.facts.names.len() as Name;
        self.facts.names.push(s.into());
        self.interner.insert(s.into(), n);
        n
    }

    fn record_call(
        &mut self,
        callee: Callee,
        span: impl FnOnce() -> PmSpan,
        dropped: bool,
    ) -> Option<usize> {
        let src = self.src?;
        if let (Some(f), false) = (self.cur_fn, self.in_async) {
            let calls = &mut self.facts.fns[f].calls;
            if !calls.contains(&callee) {
                calls.push(callee);
            }
        }
        if self.in_async || dropped {
            let span = src.span(span());
            self.facts.sites.push(Site {
                callee,
                span,
                in_async: self.in_async,
                dropped,
            });
            return Some(self.facts.sites.len() - 1);
        }
        None
    }

    fn enter_fn(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        body: Option<&syn::Block>,
        method: bool,
    ) {
        let is_async = sig.asyncness.is_some();
        let mut fact = None;
        if self.src.is_some() && !self.embed {
            let name = sig.ident.to_string();
            let mut path = self.module_path();
            if let Some(ty) = &self.self_ty {
                path.push_str("::");
                path.push_str(ty);
            }
            path.push_str("::");
            path.push_str(&name);
            let name = self.intern(&name);
            let path = self.intern(&path);
            self.facts.fns.push(FnFact {
                name,
                path,
                method,
                trait_impl: method && self.in_trait_impl,
                is_async: returns_future(attrs, sig),
                hit: None,
                calls: Vec::new(),
            });
            fact = Some(self.facts.fns.len() - 1);
        }
        let Some(body) = body else { return };
        let saved = (self.in_async, self.cur_fn);
        self.in_async = is_async;
        self.cur_fn = if is_async { None } else { fact };
        self.push_scope(false, true);
        for input in &sig.inputs {
            match input {
                syn::FnArg::Typed(t) => {
                    let ty = self.ty_of_type(&t.ty);
                    self.bind_pat(&t.pat, ty, 0);
                }
                syn::FnArg::Receiver(_) => self.bind("self", None),
            }
        }
        if is_async {
            self.flow_body(body);
        }
        self.visit_block(body);
        self.pop_scope();
        (self.in_async, self.cur_fn) = saved;
    }

    fn check_allows(&mut self, attrs: &[syn::Attribute], item: &dyn Fn() -> PmSpan) {
        let Some(src) = self.src else { return };
        for attr in attrs {
            let p = attr.path();
            let is_allow = p.segments.len() == 2
                && p.segments[0].ident == "aio"
                && p.segments[1].ident == "allow";
            if !is_allow {
                continue;
            }
            let parser = syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated;
            if let Ok(list) = attr.parse_args_with(parser) {
                let span = src.span(item());
                for rule in list {
                    if let Some(last) = rule.segments.last() {
                        self.allows.push(ItemAllow {
                            rule: last.ident.to_string(),
                            span,
                        });
                    }
                }
            }
        }
    }

    // ----- findings -----------------------------------------------------------------

    fn args_text(
        &self,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
    ) -> Option<String> {
        let src = self.src?;
        let (first, last) = (args.first()?, args.last()?);
        let a = src.snippet(start_span(first))?;
        let start = a.as_ptr() as usize - src.text().as_ptr() as usize;
        let b_span = last.span();
        let b = src.snippet(b_span)?;
        let end = b.as_ptr() as usize - src.text().as_ptr() as usize + b.len();
        src.text().get(start..end).map(str::to_string)
    }

    /// A blocking call: a finding in async context, a fact in a sync fn.
    #[allow(clippy::too_many_arguments)]
    fn blocking(
        &mut self,
        span: PmSpan,
        rule: &'static str,
        fix: Fix,
        call: String,
        args: Option<String>,
        awaited: bool,
    ) {
        if awaited {
            // `.await`ed, so it is an async API of the same name, not the blocking one.
            return;
        }
        if self.in_async {
            let help = rules::blocking_help(rule, fix, self.runtime, args.as_deref());
            self.findings.push(Finding {
                rule,
                span,
                message: blocking::message(&call),
                label: blocking::LABEL,
                call,
                help: Some(help.text),
                replacement: help.replacement,
                notes: Vec::new(),
            });
        } else if let (Some(f), Some(src)) = (self.cur_fn, self.src)
            && self.facts.fns[f].hit.is_none()
        {
            let line = src.line_of(span);
            self.facts.fns[f].hit = Some(Hit { rule, call, line });
        }
    }

    fn block_on(&mut self, span: PmSpan, call: String, arg: Option<String>) {
        if self.in_async {
            let help = nested_block_on::help(self.runtime, arg.as_deref());
            self.findings.push(Finding {
                rule: nested_block_on::RULE.info.name,
                span,
                message: nested_block_on::message(&call),
                label: nested_block_on::LABEL,
                call,
                help: Some(help.text),
                replacement: help.replacement,
                notes: Vec::new(),
            });
        } else if let (Some(f), Some(src)) = (self.cur_fn, self.src)
            && self.facts.fns[f].hit.is_none()
        {
            let line = src.line_of(span);
            self.facts.fns[f].hit = Some(Hit {
                rule: nested_block_on::RULE.info.name,
                call,
                line,
            });
        }
    }

    fn unawaited(&mut self, span: PmSpan, call: &str) {
        self.findings.push(Finding {
            rule: unawaited_future::RULE.info.name,
            span,
            message: unawaited_future::message(call),
            label: unawaited_future::LABEL,
            call: call.to_string(),
            help: Some(unawaited_future::HELP.into()),
            replacement: None,
            notes: Vec::new(),
        });
    }

    /// Handles `f()` at a drop position, given what the call produces.
    fn future_at(&mut self, target: usize, kind: FutureKind, span: impl Fn() -> PmSpan) {
        let Some((t, how, name)) = self.drop_target.clone() else {
            return;
        };
        if t != target {
            return;
        }
        self.drop_target = None;
        match (kind, how) {
            (FutureKind::No, _) => {}
            (FutureKind::Known(call), DropKind::Stmt | DropKind::LetWild) => {
                self.unawaited(span(), &call)
            }
            (FutureKind::Known(call), DropKind::LetBind) => {
                let span = span();
                self.pend(name, PendingWhat::Known { call, span });
            }
            (FutureKind::Candidate(callee), DropKind::Stmt | DropKind::LetWild) => {
                self.record_call(callee, span, true);
            }
            (FutureKind::Candidate(callee), DropKind::LetBind) => {
                if let Some(i) = self.record_call(callee, span, false) {
                    self.pend(name, PendingWhat::Site(i));
                }
            }
        }
    }

    fn pend(&mut self, name: Option<String>, what: PendingWhat) {
        let Some(name) = name else { return };
        if let Some(scope) = self.scopes.last_mut() {
            scope.pending.push(Pending {
                name,
                used: false,
                what,
            });
        }
    }

    fn mark_used(&mut self, ident: &proc_macro2::Ident) {
        for scope in self.scopes.iter_mut().rev() {
            if let Some(p) = scope.pending.iter_mut().rev().find(|p| *ident == p.name) {
                p.used = true;
                return;
            }
        }
    }

    fn any_pending(&self) -> bool {
        self.scopes.iter().any(|s| !s.pending.is_empty())
    }

    fn extra_match(list: &[String], path: &str, name: &str) -> bool {
        list.iter().any(|e| {
            if e.contains("::") {
                path == e
                    || (path.ends_with(e.as_str()) && path[..path.len() - e.len()].ends_with("::"))
            } else {
                name == e
            }
        })
    }

    fn visit_args_offloaded(&mut self, args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>) {
        for arg in args {
            if matches!(arg, Expr::Closure(_)) {
                let saved = (self.in_async, self.cur_fn);
                self.in_async = false;
                self.cur_fn = None;
                self.visit_expr(arg);
                (self.in_async, self.cur_fn) = saved;
            } else {
                self.visit_expr(arg);
            }
        }
    }

    fn visit_macro_body(&mut self, mac: &syn::Macro, item_position: bool) {
        // Macro bodies are parsed again, which costs: only where findings can come from
        // them directly (async context). Sync code only feeds the call graph, which can
        // afford to miss a call hidden in a `println!`.
        let body = if self.in_async {
            macros::parse(mac, item_position)
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
                self.collect_items(
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
                if self.any_pending() {
                    macros::idents(&mac.tokens, |id| self.mark_used(id));
                }
            }
        }
    }
}

/// Whether calling the fn returns a future: `async fn`, or `#[aio::coroutine]`; not an
/// `async fn` that a runtime attribute (`#[tokio::main]`, `#[aio::test]`, ...) turns into
/// a sync fn.
fn returns_future(attrs: &[syn::Attribute], sig: &syn::Signature) -> bool {
    let mut coroutine = false;
    for attr in attrs {
        let p = attr.path();
        let Some(last) = p.segments.last() else {
            continue;
        };
        if last.ident == "coroutine" {
            coroutine = true;
        } else if p.segments.len() >= 2 && (last.ident == "main" || last.ident == "test") {
            return false;
        }
    }
    coroutine || sig.asyncness.is_some()
}

/// The conventional std meaning of a short path the coroutine macro sees without the
/// file's `use`s. Only applied to calls that are not `.await`ed.
fn embed_short_form(first: &str) -> Option<&'static str> {
    Some(match first {
        "thread" => "std::thread",
        "fs" => "std::fs",
        "net" => "std::net",
        "process" => "std::process",
        "mpsc" => "std::sync::mpsc",
        "File" => "std::fs::File",
        "OpenOptions" => "std::fs::OpenOptions",
        "TcpStream" => "std::net::TcpStream",
        "TcpListener" => "std::net::TcpListener",
        "UdpSocket" => "std::net::UdpSocket",
        "Command" => "std::process::Command",
        "Condvar" => "std::sync::Condvar",
        "Barrier" => "std::sync::Barrier",
        _ => return None,
    })
}

/// The span of the first token of an expression, cheaply for the usual shapes (and
/// without walking more than a few links of a long method chain).
fn start_span(e: &Expr) -> PmSpan {
    let mut e = e;
    for _ in 0..32 {
        e = match e {
            Expr::Path(p) if p.qself.is_none() => {
                return match (&p.path.leading_colon, p.path.segments.first()) {
                    (Some(c), _) => c.spans[0],
                    (None, Some(s)) => s.ident.span(),
                    _ => e.span(),
                };
            }
            Expr::Call(c) => &c.func,
            Expr::MethodCall(m) => &m.receiver,
            Expr::Field(f) => &f.base,
            Expr::Await(a) => &a.base,
            Expr::Try(t) => &t.expr,
            Expr::Paren(p) => return p.paren_token.span.open(),
            Expr::Lit(l) => return l.lit.span(),
            _ => return e.span(),
        };
    }
    match e {
        Expr::MethodCall(m) => m.method.span(),
        _ => e.span(),
    }
}

fn join(a: PmSpan, b: PmSpan) -> PmSpan {
    a.join(b).unwrap_or(a)
}

fn call_span(c: &ExprCall) -> PmSpan {
    join(start_span(&c.func), c.paren_token.span.close())
}

fn method_span(m: &ExprMethodCall) -> PmSpan {
    join(start_span(&m.receiver), m.paren_token.span.close())
}

fn item_attrs(item: &Item) -> &[syn::Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::ExternCrate(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::ForeignMod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

fn strip_parens(mut e: &Expr) -> &Expr {
    while let Expr::Paren(p) = e {
        e = &p.expr;
    }
    e
}

fn call_addr(e: &Expr) -> Option<usize> {
    match strip_parens(e) {
        Expr::Call(c) => Some(addr(c)),
        Expr::MethodCall(m) => Some(addr(m)),
        _ => None,
    }
}

/// The last segment of a type (`Foo` of `crate::x::Foo<T>`), for `impl` blocks.
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Paren(p) => type_name(&p.elem),
        _ => None,
    }
}

/// Name resolution over a scope chain (the engine's, or a snapshot handed to the flow
/// rules).
pub(crate) struct Resolver<'a> {
    scopes: &'a [Scope],
    module: &'a [String],
    self_ty: Option<&'a str>,
    embed: bool,
}

impl Resolver<'_> {
    /// Resolves `path` into `buf`.
    pub(crate) fn resolve(&self, path: &syn::Path, buf: &mut String) -> Res {
        buf.clear();
        let mut segs = path.segments.iter();
        let Some(first) = segs.next() else {
            return Res::None;
        };
        let single = path.segments.len() == 1;
        let mut workspace = false;
        if path.leading_colon.is_some() {
            let _ = write!(buf, "{}", first.ident);
        } else {
            let name = IdentStr::new(&first.ident);
            match &*name {
                "crate" => {
                    buf.push_str("crate");
                    workspace = true;
                }
                "self" => {
                    buf.push_str(&self.module.join("::"));
                    workspace = true;
                }
                "super" => {
                    let mut up = 1;
                    let rest: Vec<_> = segs.clone().collect();
                    for s in &rest {
                        if s.ident == "super" {
                            up += 1;
                            segs.next();
                        } else {
                            break;
                        }
                    }
                    let n = self.module.len().saturating_sub(up).max(1);
                    buf.push_str(&self.module[..n].join("::"));
                    workspace = true;
                }
                "Self" => {
                    let Some(ty) = self.self_ty else {
                        return Res::None;
                    };
                    buf.push_str(&self.module.join("::"));
                    buf.push_str("::");
                    buf.push_str(ty);
                    workspace = true;
                }
                n => match self.lookup(n, single, buf) {
                    Some(Res::Local(t)) => return Res::Local(t),
                    Some(Res::Path { workspace: w }) => workspace = w,
                    _ => {
                        if single {
                            buf.push_str(n);
                            return Res::Unknown;
                        }
                        if self.embed {
                            if let Some(std) = embed_short_form(n) {
                                buf.push_str(std);
                            } else {
                                buf.push_str(n);
                            }
                        } else {
                            buf.push_str(n);
                        }
                    }
                },
            }
        }
        for seg in segs {
            let _ = write!(buf, "::{}", seg.ident);
        }
        Res::Path { workspace }
    }

    /// Looks a first segment up through the scopes; on a path hit, `buf` holds it.
    fn lookup(&self, name: &str, single: bool, buf: &mut String) -> Option<Res> {
        let mut locals_visible = true;
        let hash = name_hash(name);
        for scope in self.scopes.iter().rev() {
            if single
                && locals_visible
                && let Some((_, ty)) = scope.locals.iter().rev().find(|(n, _)| *n == hash)
            {
                return Some(Res::Local(*ty));
            }
            if let Some((path, _)) = scope.items.get(name) {
                buf.push_str(path);
                return Some(Res::Path { workspace: true });
            }
            if let Some(path) = scope.imports.get(name) {
                buf.push_str(path);
                let workspace = path.starts_with("crate");
                return Some(Res::Path { workspace });
            }
            if scope.fn_boundary {
                locals_visible = false;
            }
            if scope.module {
                break;
            }
        }
        for scope in self.scopes.iter().rev() {
            for glob in &scope.globs {
                if !catalog::is_known_module(glob) {
                    continue;
                }
                let candidate = format!("{glob}::{name}");
                if catalog::lookup(&candidate).is_some() || catalog::is_known_module(&candidate) {
                    buf.push_str(&candidate);
                    return Some(Res::Path { workspace: false });
                }
            }
            if scope.module {
                break;
            }
        }
        None
    }
}

impl<'ast> Visit<'ast> for Engine<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        let attrs = item_attrs(item);
        if !attrs.is_empty() {
            self.check_allows(attrs, &|| item.span());
        }
        visit::visit_item(self, item);
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        if let syn::ImplItem::Fn(f) = item {
            self.check_allows(&f.attrs, &|| item.span());
        }
        visit::visit_impl_item(self, item);
    }

    fn visit_trait_item(&mut self, item: &'ast syn::TraitItem) {
        if let syn::TraitItem::Fn(f) = item {
            self.check_allows(&f.attrs, &|| item.span());
        }
        visit::visit_trait_item(self, item);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let Some((_, items)) = &m.content else { return };
        let saved_async = std::mem::replace(&mut self.in_async, false);
        let saved_fn = self.cur_fn.take();
        let saved_ty = self.self_ty.take();
        self.module.push(m.ident.to_string());
        self.push_scope(true, false);
        self.collect_items(items.iter());
        for item in items {
            self.visit_item(item);
        }
        self.pop_scope();
        self.module.pop();
        self.self_ty = saved_ty;
        (self.in_async, self.cur_fn) = (saved_async, saved_fn);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let saved_ty = self.self_ty.take();
        let saved_trait = std::mem::replace(&mut self.in_trait_impl, false);
        self.enter_fn(&f.attrs, &f.sig, Some(&f.block), false);
        self.self_ty = saved_ty;
        self.in_trait_impl = saved_trait;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.enter_fn(&f.attrs, &f.sig, Some(&f.block), true);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if f.default.is_some() {
            self.enter_fn(&f.attrs, &f.sig, f.default.as_ref(), true);
        }
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let saved = std::mem::replace(&mut self.self_ty, type_name(&i.self_ty));
        let saved_trait = std::mem::replace(&mut self.in_trait_impl, i.trait_.is_some());
        for item in &i.items {
            self.visit_impl_item(item);
        }
        self.self_ty = saved;
        self.in_trait_impl = saved_trait;
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        let saved = self.self_ty.replace(t.ident.to_string());
        // A default method can be overridden by any implementor: same rule as trait impls.
        let saved_trait = std::mem::replace(&mut self.in_trait_impl, true);
        for item in &t.items {
            self.visit_trait_item(item);
        }
        self.self_ty = saved;
        self.in_trait_impl = saved_trait;
    }

    fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
        let saved = (
            std::mem::replace(&mut self.in_async, false),
            self.cur_fn.take(),
        );
        visit::visit_item_const(self, c);
        (self.in_async, self.cur_fn) = saved;
    }

    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        let saved = (
            std::mem::replace(&mut self.in_async, false),
            self.cur_fn.take(),
        );
        visit::visit_item_static(self, s);
        (self.in_async, self.cur_fn) = saved;
    }

    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}

    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        if m.ident.is_some() {
            return; // macro_rules! name { ... }
        }
        self.visit_macro_body(&m.mac, true);
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.push_scope(false, false);
        let items = b
            .stmts
            .iter()
            .filter_map(|s| if let Stmt::Item(i) = s { Some(i) } else { None });
        if items.clone().next().is_some() {
            self.collect_items(items);
        }
        for s in &b.stmts {
            self.visit_stmt(s);
        }
        self.pop_scope();
    }

    fn visit_stmt(&mut self, s: &'ast Stmt) {
        match s {
            Stmt::Expr(e, Some(_)) => {
                if let Some(a) = call_addr(e) {
                    self.drop_target = Some((a, DropKind::Stmt, None));
                }
                self.visit_expr(e);
            }
            Stmt::Item(i) => {
                // Items inside a body are not part of its async context.
                let saved = (
                    std::mem::replace(&mut self.in_async, false),
                    self.cur_fn.take(),
                );
                self.visit_item(i);
                (self.in_async, self.cur_fn) = saved;
            }
            Stmt::Macro(m) => self.visit_macro_body(&m.mac, false),
            _ => visit::visit_stmt(self, s),
        }
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let Some(init) = &l.init {
            if let Some(a) = call_addr(&init.expr) {
                match &l.pat {
                    Pat::Wild(_) => self.drop_target = Some((a, DropKind::LetWild, None)),
                    // `let _name = f();` says "unused on purpose": not flagged.
                    Pat::Ident(p)
                        if p.subpat.is_none() && !p.ident.to_string().starts_with('_') =>
                    {
                        self.drop_target = Some((a, DropKind::LetBind, Some(p.ident.to_string())));
                    }
                    _ => {}
                }
            }
            self.visit_expr(&init.expr);
            if let Some((_, d)) = &init.diverge {
                self.visit_expr(d);
            }
        }
        self.drop_target = None;
        let ty = match &l.init {
            Some(init) => self.ty_of(&init.expr, 0),
            None => None,
        };
        self.bind_pat(&l.pat, ty, 0);
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        if self.depth >= MAX_DEPTH {
            self.too_deep = true;
            return;
        }
        self.depth += 1;
        visit::visit_expr(self, e);
        self.depth -= 1;
    }

    fn visit_expr_await(&mut self, a: &'ast syn::ExprAwait) {
        let saved = self.awaited;
        self.awaited = call_addr(&a.base).unwrap_or(0);
        self.visit_expr(&a.base);
        self.awaited = saved;
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if p.qself.is_none() && p.path.segments.len() == 1 && self.any_pending() {
            let id = p.path.segments[0].ident.clone();
            self.mark_used(&id);
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_macro_body(m, false);
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        let saved = (
            std::mem::replace(&mut self.in_async, true),
            self.cur_fn.take(),
        );
        self.flow_body(&a.block);
        self.visit_block(&a.block);
        (self.in_async, self.cur_fn) = saved;
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        let param_ty = self.closure_param_ty.take();
        let saved = (self.in_async, self.cur_fn);
        if c.asyncness.is_some() {
            self.in_async = true;
            self.cur_fn = None;
            if let Expr::Block(b) = &*c.body {
                self.flow_body(&b.block);
            }
        }
        self.push_scope(false, false);
        for (i, p) in c.inputs.iter().enumerate() {
            self.bind_pat(p, if i == 0 { param_ty } else { None }, 0);
        }
        self.visit_expr(&c.body);
        self.pop_scope();
        (self.in_async, self.cur_fn) = saved;
    }

    fn visit_expr_call(&mut self, c: &'ast ExprCall) {
        let me = addr(c);
        let awaited = self.awaited == me;
        let Expr::Path(func) = &*c.func else {
            self.future_at(me, FutureKind::No, || call_span(c));
            visit::visit_expr_call(self, c);
            return;
        };
        let res = if func.qself.is_some() {
            Res::None
        } else {
            self.resolve(&func.path)
        };
        let Some(last) = func.path.segments.last().map(|s| IdentStr::new(&s.ident)) else {
            return;
        };
        let last: &str = &last;
        let mut offload = false;
        match res {
            Res::Path { workspace } => {
                // Borrow the buffer's text for the rest of this call (given back below).
                let path = std::mem::take(&mut self.buf);
                let api = catalog::lookup(&path);
                match api.map(|a| a.effect) {
                    Some(Effect::Block(rule, fix)) => {
                        let args = self.args_text(&c.args);
                        self.blocking(call_span(c), rule, fix, path.clone(), args, awaited);
                    }
                    Some(Effect::BlockOn) => {
                        let arg = if c.args.len() == 1 {
                            self.args_text(&c.args)
                        } else {
                            None
                        };
                        self.block_on(call_span(c), path.clone(), arg);
                    }
                    Some(Effect::Offload) => offload = true,
                    Some(Effect::Future) => {
                        self.future_at(me, FutureKind::Known(path.clone()), || call_span(c));
                    }
                    Some(Effect::Spawn | Effect::None) => {}
                    None => {
                        if tasks::is_offload_name(last)
                            || Self::extra_match(self.extra_offload, &path, last)
                        {
                            offload = true;
                        } else if Self::extra_match(self.extra_blocking, &path, last) {
                            let args = self.args_text(&c.args);
                            self.blocking(
                                call_span(c),
                                blocking::configured_rule(&path),
                                Fix::Configured,
                                path.clone(),
                                args,
                                awaited,
                            );
                        } else if workspace
                            || !catalog::is_known_crate(path.split("::").next().unwrap_or(""))
                        {
                            let local_async = if func.path.segments.len() == 1 {
                                self.local_fn(last)
                            } else {
                                None
                            };
                            let kind = if local_async == Some(true) {
                                FutureKind::Known(last.to_string())
                            } else {
                                let p = self.intern(&path);
                                let n = self.intern(last);
                                FutureKind::Candidate(Callee::Path { path: p, name: n })
                            };
                            match kind {
                                FutureKind::Candidate(callee) => {
                                    let is_drop =
                                        self.drop_target.as_ref().is_some_and(|d| d.0 == me);
                                    if is_drop {
                                        self.future_at(me, FutureKind::Candidate(callee), || {
                                            call_span(c)
                                        });
                                    } else {
                                        self.record_call(callee, || call_span(c), false);
                                    }
                                }
                                k => self.future_at(me, k, || call_span(c)),
                            }
                        }
                    }
                }
                if path == "std::thread::scope" {
                    self.closure_param_ty = Some(Ty::ThreadScope);
                }
                self.buf = path;
            }
            Res::Unknown => {
                let name = self.buf.clone();
                if tasks::is_offload_name(&name)
                    || Self::extra_match(self.extra_offload, &name, &name)
                {
                    offload = true;
                } else if Self::extra_match(self.extra_blocking, &name, &name) {
                    let args = self.args_text(&c.args);
                    self.blocking(
                        call_span(c),
                        blocking::configured_rule(&name),
                        Fix::Configured,
                        name,
                        args,
                        awaited,
                    );
                } else if name.starts_with(char::is_lowercase) {
                    let n = self.intern(&name);
                    let callee = Callee::Path { path: n, name: n };
                    let is_drop = self.drop_target.as_ref().is_some_and(|d| d.0 == me);
                    if is_drop {
                        self.future_at(me, FutureKind::Candidate(callee), || call_span(c));
                    } else {
                        self.record_call(callee, || call_span(c), false);
                    }
                }
            }
            Res::Local(_) | Res::None => {}
        }
        self.future_at(me, FutureKind::No, || call_span(c));
        if offload {
            self.visit_args_offloaded(&c.args);
        } else {
            for a in &c.args {
                self.visit_expr(a);
            }
        }
        self.closure_param_ty = None;
    }

    fn visit_expr_method_call(&mut self, m: &'ast ExprMethodCall) {
        let me = addr(m);
        let awaited = self.awaited == me;
        let name_buf = IdentStr::new(&m.method);
        let name: &str = &name_buf;
        let recv_ty = self.ty_of(&m.receiver, 0);
        let mut effect = recv_ty.and_then(|t| methods::method(t, name)).map(|e| e.0);
        if effect.is_none() {
            effect = methods::by_name(name, |t| self.trait_in_scope(t));
        }
        let call = |t: Option<Ty>| match t {
            Some(t) => format!("{}::{name}", catalog::display(t)),
            None => name.to_string(),
        };
        let mut offload = false;
        match effect {
            Some(Effect::Block(rule, fix)) => {
                let args = self.args_text(&m.args);
                self.blocking(method_span(m), rule, fix, call(recv_ty), args, awaited);
            }
            Some(Effect::BlockOn) => {
                let arg = if m.args.len() == 1 {
                    self.args_text(&m.args)
                } else {
                    None
                };
                let shown = if recv_ty.is_some() {
                    call(recv_ty)
                } else {
                    format!(".{name}")
                };
                self.block_on(method_span(m), shown, arg);
            }
            Some(Effect::Offload) => offload = true,
            Some(Effect::Future) => {
                let c = call(recv_ty);
                self.future_at(me, FutureKind::Known(c), || method_span(m));
            }
            Some(Effect::Spawn | Effect::None) => {}
            None => {
                if Self::extra_match(self.extra_offload, name, name) {
                    offload = true;
                } else if Self::extra_match(self.extra_blocking, name, name) {
                    let args = self.args_text(&m.args);
                    self.blocking(
                        method_span(m),
                        blocking::configured_rule(name),
                        Fix::Configured,
                        name.to_string(),
                        args,
                        awaited,
                    );
                } else if recv_ty.is_none() && !awaited && !catalog::is_common_method(name) {
                    // A directly awaited method returns a future: matching it by name to a
                    // sync workspace fn (`file.write_all(..).await` to a sync bridge's
                    // `write_all`) is the wrong method far more often than the right one.
                    let n = self.intern(name);
                    let is_drop = self.drop_target.as_ref().is_some_and(|d| d.0 == me);
                    if is_drop {
                        self.future_at(me, FutureKind::Candidate(Callee::Method(n)), || {
                            method_span(m)
                        });
                    } else {
                        self.record_call(Callee::Method(n), || method_span(m), false);
                    }
                }
            }
        }
        self.future_at(me, FutureKind::No, || method_span(m));
        self.visit_expr(&m.receiver);
        if offload {
            self.visit_args_offloaded(&m.args);
        } else {
            for a in &m.args {
                self.visit_expr(a);
            }
        }
    }
}

impl Engine<'_> {
    /// Whether the trait at `path` is imported in the enclosing scopes (by name or `as _`).
    fn trait_in_scope(&self, path: &str) -> bool {
        self.scopes.iter().any(|s| {
            s.imports.values().any(|p| p == path)
                || s.globs.iter().any(|g| path.starts_with(g.as_str()))
        })
    }
}
