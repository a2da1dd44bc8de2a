//! Name resolution for one file: the chain of scopes (modules, blocks, fn bodies,
//! closures), what `use` declarations and items put in each, `let` bindings and parameters
//! with their types, and the [`Resolver`] that turns a written path into its full path.
//!
//! - `use` trees: groups, renames, `_` imports, globs of modules the catalog knows,
//!   `self`/`super`/`crate`, 2018 uniform paths (a module of the scope, else a crate).
//! - Items of the enclosing module and blocks shadow imports; `let` bindings and
//!   parameters shadow both, but not across a fn boundary; lookups stop at a module.
//! - A method call is never resolved by name alone (that is `crate::callgraph`'s job).
//!
//! The engine walks a file with one [`Scopes`]; it keeps the scopes of inline modules and
//! of blocks with items after they close, so that the per-file checks, which run after the
//! walk, resolve each path in the scope where it is written ([`Scopes::resolve_at`]).

use std::borrow::Borrow;
use std::cell::OnceCell;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

use proc_macro2::extra::DelimSpan;
use rustc_hash::{FxHashMap, FxHashSet};
use syn::{Item, UseTree};

use crate::catalog::{self, Ty};

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

/// The hash of a local's name (no allocation per binding; a collision can only hide a
/// finding, never invent one).
fn name_hash(name: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(name.as_bytes());
    h.write_u8(0xff);
    h.finish()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ItemKind {
    Fn { is_async: bool },
    Other,
}

/// What a scope is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ScopeKind {
    /// A module (the file, an inline `mod`): lookups stop here.
    Module,
    /// A fn's parameters: `let`s of enclosing scopes are not visible from inside.
    Fn,
    /// A block or a closure's parameters.
    Block,
}

/// One scope of the chain.
#[derive(Default)]
pub(crate) struct Scope {
    module: bool,
    fn_boundary: bool,
    items: FxHashMap<String, (String, ItemKind)>,
    imports: FxHashMap<String, String>,
    globs: Vec<String>,
    /// `let` bindings and parameters, by the hash of their name, with their library type
    /// and their workspace type's path (`crate::db::Pool`) when known.
    locals: Vec<(u64, Option<Ty>, Option<Box<str>>)>,
}

/// How a name resolved; the path itself is in the caller's buffer.
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

/// The type of `impl` or `trait` whose items are walked (what `Self` names), as an index
/// into [`Scopes`]' list of names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct SelfTy(u32);

/// A closed scope kept for [`Scopes::resolve_at`].
struct Kept {
    /// The scope's braces in the parsed text.
    braces: DelimSpan,
    /// Their (line, column) range, worked out when first needed.
    range: OnceCell<Range<(usize, usize)>>,
    /// The module path inside it.
    module: Vec<String>,
    scope: Scope,
}

impl Kept {
    fn range(&self) -> &Range<(usize, usize)> {
        self.range.get_or_init(|| {
            let braces = self.braces.join();
            position(braces.start())..position(braces.end())
        })
    }
}

/// A position as (line, column): cheaper to get from a span than a byte offset, and
/// ordered the same way within one file.
fn position(at: proc_macro2::LineColumn) -> (usize, usize) {
    (at.line, at.column)
}

/// The scope chain of a walk.
pub(crate) struct Scopes {
    stack: Vec<Scope>,
    /// The current module path (`crate`, `crate::api`, ...).
    module: Vec<String>,
    /// Names of `Self` types ([`SelfTy`] indexes them).
    self_types: Vec<String>,
    /// The embed API: no file, so a conventional std short form (`thread::sleep`) stands
    /// for its std path.
    embed: bool,
    /// Closed inline modules and blocks with items (see [`Scopes::resolve_at`]).
    kept: Vec<Kept>,
    /// The names the kept scopes define (items and imports), and whether any has a glob of
    /// a module the catalog knows: a path whose first segment is none of them resolves as
    /// in the root scope.
    kept_names: FxHashSet<String>,
    kept_globs: bool,
}

impl Scopes {
    /// An empty chain for a file whose root module is `module`.
    pub(crate) fn new(module: Vec<String>, embed: bool) -> Self {
        Scopes {
            stack: Vec::new(),
            module,
            self_types: Vec::new(),
            embed,
            kept: Vec::new(),
            kept_names: FxHashSet::default(),
            kept_globs: false,
        }
    }

    /// Opens a scope.
    pub(crate) fn push(&mut self, kind: ScopeKind) {
        self.stack.push(Scope {
            module: kind == ScopeKind::Module,
            fn_boundary: kind == ScopeKind::Fn,
            ..Scope::default()
        });
    }

    /// Closes the innermost scope. `braces` are its delimiters in the parsed text, for
    /// a module or a block: one that is a module or has items or imports is kept for
    /// [`Scopes::resolve_at`] (without its locals, which depend on the position).
    pub(crate) fn pop(&mut self, braces: Option<DelimSpan>) {
        let Some(mut scope) = self.stack.pop() else {
            return;
        };
        let Some(braces) = braces else { return };
        let has_names =
            !scope.items.is_empty() || !scope.imports.is_empty() || !scope.globs.is_empty();
        if self.embed || !(scope.module || has_names) {
            return;
        }
        scope.locals = Vec::new();
        self.kept_names.extend(scope.items.keys().cloned());
        self.kept_names.extend(scope.imports.keys().cloned());
        // Only globs of modules the catalog knows resolve anything (see `Resolver::lookup`).
        self.kept_globs |= scope.globs.iter().any(|g| catalog::is_known_module(g));
        self.kept.push(Kept {
            braces,
            range: OnceCell::new(),
            module: self.module.clone(),
            scope,
        });
    }

    /// How many scopes are open.
    pub(crate) fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Enters inline module `name` (its scope is pushed separately).
    pub(crate) fn enter_module(&mut self, name: String) {
        self.module.push(name);
    }

    /// Leaves the innermost inline module.
    pub(crate) fn leave_module(&mut self) {
        self.module.pop();
    }

    /// The current module path, `crate::api`.
    pub(crate) fn module_path(&self) -> String {
        self.module.join("::")
    }

    /// Names a `Self` type for [`Scopes::resolver`].
    pub(crate) fn self_type(&mut self, name: String) -> SelfTy {
        self.self_types.push(name);
        SelfTy(self.self_types.len() as u32 - 1)
    }

    /// The name of a `Self` type.
    pub(crate) fn self_type_name(&self, SelfTy(i): SelfTy) -> &str {
        &self.self_types[i as usize]
    }

    /// A resolver over the open scopes, with `Self` naming `self_ty`.
    pub(crate) fn resolver(&self, self_ty: Option<SelfTy>) -> Resolver<'_, Scope> {
        Resolver {
            scopes: &self.stack,
            module: &self.module,
            self_ty: self_ty.map(|SelfTy(i)| self.self_types[i as usize].as_str()),
            embed: self.embed,
            cross_modules: false,
        }
    }

    /// Resolves `path` as written where it stands in the parsed text, after the walk: in
    /// the root scope (which must still be open) and the kept scopes around it (inline
    /// modules, blocks with `use`s or items). Locals are not visible, nor is `Self`.
    /// Lookups go on past an inline module into the enclosing ones: that is how the
    /// usual `use super::*;` sees the parent's imports, which the resolver does not follow
    /// by itself.
    pub(crate) fn resolve_at(&self, path: &syn::Path, buf: &mut String) -> Res {
        let Some(root) = self.stack.first() else {
            return Res::None;
        };
        let Some(first) = path.segments.first() else {
            return Res::None;
        };
        let name = IdentStr::new(&first.ident);
        let name: &str = &name;
        let only_root = !self.kept_globs
            && name != "self"
            && name != "super"
            && !self.kept_names.contains(name);
        let mut around: Vec<&Kept> = if only_root {
            Vec::new()
        } else {
            let at = position(first.ident.span().start());
            self.kept
                .iter()
                .filter(|k| k.range().contains(&at))
                .collect()
        };
        if around.is_empty() {
            let r = Resolver {
                scopes: std::slice::from_ref(root),
                module: &self.module,
                self_ty: None,
                embed: false,
                cross_modules: true,
            };
            return r.resolve(path, buf);
        }
        around.sort_by_key(|k| k.range().start);
        let module = around
            .iter()
            .rev()
            .find(|k| k.scope.module)
            .map_or(&self.module, |k| &k.module);
        let chain: Vec<&Scope> = std::iter::once(root)
            .chain(around.iter().map(|k| &k.scope))
            .collect();
        let r = Resolver {
            scopes: &chain,
            module,
            self_ty: None,
            embed: false,
            cross_modules: true,
        };
        r.resolve(path, buf)
    }

    /// Registers the items and `use`s of a module or block (they are visible throughout).
    pub(crate) fn collect_items<'a>(&mut self, items: impl Iterator<Item = &'a Item> + Clone) {
        let module = self.module_path();
        let Some(scope) = self.stack.last_mut() else {
            return;
        };
        for item in items.clone() {
            let (ident, kind) = match item {
                Item::Fn(f) => (
                    &f.sig.ident,
                    ItemKind::Fn {
                        is_async: returns_future(&f.attrs, &f.sig, Some(&f.block)),
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
                if let Some(scope) = self.stack.last_mut() {
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
        if let Some(scope) = self.stack.last_mut() {
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
                        .stack
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

    /// Whether a local item of this scope chain named `name` is an async fn.
    pub(crate) fn local_fn(&self, name: &str) -> Option<bool> {
        for scope in self.stack.iter().rev() {
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

    /// Binds a `let` or a parameter whose workspace type is known (`crate::db::Pool`).
    pub(crate) fn bind_typed(&mut self, name: &str, ty: Option<Ty>, ws: Option<Box<str>>) {
        if let Some(scope) = self.stack.last_mut() {
            scope.locals.push((name_hash(name), ty, ws));
        }
    }

    /// Whether the trait at `path` is imported in the open scopes up to the innermost
    /// module (by name, `as _` or a glob): a parent module's imports are not in scope.
    pub(crate) fn trait_in_scope(&self, path: &str) -> bool {
        for s in self.stack.iter().rev() {
            if s.imports.values().any(|p| p == path)
                || s.globs.iter().any(|g| path.starts_with(g.as_str()))
            {
                return true;
            }
            if s.module {
                break;
            }
        }
        false
    }
}

/// Name resolution over a scope chain (the open scopes, or the ones around a position).
pub(crate) struct Resolver<'a, S> {
    scopes: &'a [S],
    module: &'a [String],
    self_ty: Option<&'a str>,
    embed: bool,
    /// Lookups do not stop at module scopes (see [`Scopes::resolve_at`]).
    cross_modules: bool,
}

impl<S: Borrow<Scope>> Resolver<'_, S> {
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
                            if let Some(std) = catalog::std_short_form(n) {
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

    /// The path of the `Self` type (`crate::db::Pool`), inside an `impl` or a trait.
    pub(crate) fn self_type_path(&self) -> Option<String> {
        let ty = self.self_ty?;
        let mut path = self.module.join("::");
        path.push_str("::");
        path.push_str(ty);
        Some(path)
    }

    /// The workspace type of the local `name`, when its binding said it (an annotation
    /// or a constructor naming a type of the linted code).
    pub(crate) fn local_type(&self, name: &str) -> Option<&str> {
        let hash = name_hash(name);
        for scope in self.scopes.iter().rev().map(Borrow::borrow) {
            if let Some((_, _, ws)) = scope.locals.iter().rev().find(|l| l.0 == hash) {
                return ws.as_deref();
            }
            if scope.items.contains_key(name) || scope.imports.contains_key(name) {
                return None;
            }
            if scope.fn_boundary || scope.module {
                return None;
            }
        }
        None
    }

    /// Looks a first segment up through the scopes; on a path hit, `buf` holds it.
    fn lookup(&self, name: &str, single: bool, buf: &mut String) -> Option<Res> {
        let mut locals_visible = true;
        let hash = name_hash(name);
        for scope in self.scopes.iter().rev().map(Borrow::borrow) {
            if single
                && locals_visible
                && let Some((_, ty, _)) = scope.locals.iter().rev().find(|l| l.0 == hash)
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
            if scope.module && !self.cross_modules {
                break;
            }
        }
        for scope in self.scopes.iter().rev().map(Borrow::borrow) {
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
            if scope.module && !self.cross_modules {
                break;
            }
        }
        None
    }
}

/// Whether calling the fn returns a future: `async fn`, or `#[aio::coroutine]`; not an
/// `async fn` that a runtime attribute (`#[tokio::main]`, `#[aio::test]`, ...) turns into
/// a sync fn.
///
/// A sync fn declared to return a future counts when its body only builds that future
/// (at most `let`s that clone or borrow before the tail): one that does work first, such
/// as sending a command and returning a future of the reply, has done its job when called.
pub(crate) fn returns_future(
    attrs: &[syn::Attribute],
    sig: &syn::Signature,
    body: Option<&syn::Block>,
) -> bool {
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
    coroutine || sig.asyncness.is_some() || (future_type(&sig.output) && body.is_none_or(lazy))
}

/// Whether a block does nothing but compute its tail: the statements before it are
/// `let`s of a path, a reference or a `.clone()`.
pub(crate) fn lazy(body: &syn::Block) -> bool {
    let Some((syn::Stmt::Expr(_, None), before)) = body.stmts.split_last() else {
        return false;
    };
    before.iter().all(|s| match s {
        syn::Stmt::Local(l) => l
            .init
            .as_ref()
            .is_some_and(|i| i.diverge.is_none() && inert(&i.expr)),
        syn::Stmt::Item(_) => true,
        _ => false,
    })
}

fn inert(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Path(_) | syn::Expr::Lit(_) | syn::Expr::Field(_) => true,
        syn::Expr::Reference(r) => inert(&r.expr),
        syn::Expr::MethodCall(m) => m.method == "clone" && m.args.is_empty() && inert(&m.receiver),
        _ => false,
    }
}

/// Whether a sync fn's declared return type is a future: `impl Future<..>`,
/// `Pin<Box<dyn Future<..>>>`, `BoxFuture<..>` or `LocalBoxFuture<..>` (by path, so
/// `std::future::Future` and `futures::future::BoxFuture` alike).
fn future_type(output: &syn::ReturnType) -> bool {
    let syn::ReturnType::Type(_, ty) = output else {
        return false;
    };
    is_future_type(ty)
}

fn is_future_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Paren(p) => is_future_type(&p.elem),
        syn::Type::ImplTrait(t) => bounds_future(&t.bounds),
        syn::Type::TraitObject(t) => bounds_future(&t.bounds),
        // A qualified path (`<S as Tr>::BoxFuture<..>`) counts by its last segment too.
        syn::Type::Path(p) => {
            let Some(last) = p.path.segments.last() else {
                return false;
            };
            if last.ident == "BoxFuture" || last.ident == "LocalBoxFuture" {
                return true;
            }
            // `Pin<Box<dyn Future>>`, `Box<dyn Future>`; not `Pin<&mut dyn Future>`, whose
            // future lives on when the reference is dropped.
            if last.ident == "Pin" || last.ident == "Box" {
                let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                    return false;
                };
                return args.args.iter().any(|a| match a {
                    syn::GenericArgument::Type(t) => is_future_type(t),
                    _ => false,
                });
            }
            false
        }
        _ => false,
    }
}

fn bounds_future(
    bounds: &syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]>,
) -> bool {
    bounds.iter().any(|b| match b {
        syn::TypeParamBound::Trait(t) => {
            t.path.segments.last().is_some_and(|s| s.ident == "Future")
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_follow_the_file_layout() {
        let m = |p: &str| module_path_of(Path::new(p)).join("::");
        assert_eq!(m("src/lib.rs"), "crate");
        assert_eq!(m("src/main.rs"), "crate");
        assert_eq!(m("src/api.rs"), "crate::api");
        assert_eq!(m("src/net/mod.rs"), "crate::net");
        assert_eq!(m("src/net/tcp.rs"), "crate::net::tcp");
        // Only the file's own name is `lib`/`main`/`mod` to drop.
        assert_eq!(m("src/main/lib.rs"), "crate::main");
        assert_eq!(m("crates/x/src/a/b.rs"), "crate::a::b");
        assert_eq!(m("src/bin/tool.rs"), "crate");
        assert_eq!(m("build.rs"), "crate");
    }

    #[test]
    fn identifiers_longer_than_the_buffer_are_kept_whole() {
        let ident = |s: &str| proc_macro2::Ident::new(s, proc_macro2::Span::call_site());
        for n in [1, 47, 48, 49, 60, 200] {
            let name = "a".repeat(n);
            assert_eq!(&*IdentStr::new(&ident(&name)), name);
        }
        // Written in pieces: into the buffer, past it, then onto the heap.
        let mut s = IdentStr::new(&ident("abc"));
        let more = "x".repeat(50);
        write!(s, "{more}").unwrap();
        write!(s, "yz").unwrap();
        assert_eq!(&*s, format!("abc{more}yz"));
    }
}
