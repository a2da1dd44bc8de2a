//! Light local type tracking: which bindings hold one of the library types the catalog
//! knows methods of (`crate::catalog::Ty`), so that `file.read_to_end(..)` is known to be
//! a `std::fs::File`'s blocking read.
//!
//! This is deliberately not type inference. A binding gets a type only when it is
//! initialised from a known constructor (`std::fs::File::open(p)?`, `Command::new("ls")`),
//! a builder chain of one (`OpenOptions::new().read(true)`), a destructured channel pair,
//! or a parameter/`let` annotated with a known type. Anything else is unknown, and an
//! unknown receiver never produces a finding. Names resolve through the walk's
//! [`Resolver`].

use syn::{Expr, Pat};

use crate::catalog::{self, Ty, methods};
use crate::resolve::{IdentStr, Res, Resolver, Scope, Scopes, SelfTy};

/// Method chains followed when inferring a receiver's type.
const MAX_DEPTH: usize = 24;

/// Binds the names of `pat` in the innermost scope, with `ty` where the pattern says which
/// part of the value each name gets (a channel pair's halves) or a type annotation names a
/// known type.
///
/// `ws` is the workspace type of the whole value (`crate::db::Pool`), if known: a plain
/// name binding keeps it, for method calls on it ([`ws_type_of`]).
pub(crate) fn bind_pat(
    scopes: &mut Scopes,
    self_ty: Option<SelfTy>,
    buf: &mut String,
    pat: &Pat,
    ty: Option<Ty>,
    ws: Option<Box<str>>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    match pat {
        Pat::Ident(p) => {
            if let Some((_, sub)) = &p.subpat {
                bind_pat(scopes, self_ty, buf, sub, ty, None, depth + 1);
            }
            scopes.bind_typed(&IdentStr::new(&p.ident), ty, ws);
        }
        Pat::Type(t) => {
            let r = scopes.resolver(self_ty);
            let declared = ty_of_type(&r, buf, &t.ty);
            let ws = ws_type_of_type(&r, buf, &t.ty).or(ws);
            bind_pat(scopes, self_ty, buf, &t.pat, declared.or(ty), ws, depth + 1);
        }
        Pat::Tuple(t) => {
            let pair = ty.and_then(catalog::pair);
            for (i, p) in t.elems.iter().enumerate() {
                let ty = match (pair, i, t.elems.len()) {
                    (Some((a, _)), 0, 2) => a,
                    (Some((_, b)), 1, 2) => b,
                    _ => None,
                };
                bind_pat(scopes, self_ty, buf, p, ty, None, depth + 1);
            }
        }
        Pat::Reference(r) => bind_pat(scopes, self_ty, buf, &r.pat, ty, ws, depth + 1),
        Pat::Paren(p) => bind_pat(scopes, self_ty, buf, &p.pat, ty, ws, depth + 1),
        Pat::Or(o) => {
            for p in &o.cases {
                bind_pat(scopes, self_ty, buf, p, None, None, depth + 1);
            }
        }
        Pat::Slice(s) => {
            for p in &s.elems {
                bind_pat(scopes, self_ty, buf, p, None, None, depth + 1);
            }
        }
        Pat::Struct(s) => {
            for f in &s.fields {
                bind_pat(scopes, self_ty, buf, &f.pat, None, None, depth + 1);
            }
        }
        Pat::TupleStruct(s) => {
            for p in &s.elems {
                bind_pat(scopes, self_ty, buf, p, None, None, depth + 1);
            }
        }
        _ => {}
    }
}

/// A known type written in a type position (`&std::fs::File`, `Arc<Condvar>`).
pub(crate) fn ty_of_type(r: &Resolver<'_, Scope>, buf: &mut String, ty: &syn::Type) -> Option<Ty> {
    match ty {
        syn::Type::Reference(t) => ty_of_type(r, buf, &t.elem),
        syn::Type::Paren(p) => ty_of_type(r, buf, &p.elem),
        syn::Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            if last.ident == "Arc" || last.ident == "Rc" || last.ident == "Box" {
                if let syn::PathArguments::AngleBracketed(a) = &last.arguments
                    && let Some(syn::GenericArgument::Type(inner)) = a.args.first()
                {
                    return ty_of_type(r, buf, inner);
                }
                return None;
            }
            match r.resolve(&p.path, buf) {
                Res::Path { .. } => catalog::from_type_path(buf),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The known type of an expression's value (through `?`, `unwrap()`, builders).
pub(crate) fn ty_of(
    r: &Resolver<'_, Scope>,
    buf: &mut String,
    e: &Expr,
    depth: usize,
) -> Option<Ty> {
    if depth > MAX_DEPTH {
        return None;
    }
    match e {
        Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
            match r.resolve(&p.path, buf) {
                Res::Local(t) => t,
                _ => None,
            }
        }
        Expr::Call(c) => {
            let Expr::Path(f) = &*c.func else { return None };
            if f.qself.is_some() {
                return None;
            }
            match r.resolve(&f.path, buf) {
                Res::Path { .. } => {
                    let api = catalog::lookup(buf)?;
                    if api.passthrough {
                        return c.args.first().and_then(|a| ty_of(r, buf, a, depth + 1));
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
            let recv = ty_of(r, buf, &m.receiver, depth + 1)?;
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
        Expr::Try(t) => ty_of(r, buf, &t.expr, depth + 1),
        Expr::Paren(p) => ty_of(r, buf, &p.expr, depth + 1),
        Expr::Group(g) => ty_of(r, buf, &g.expr, depth + 1),
        Expr::Reference(x) => ty_of(r, buf, &x.expr, depth + 1),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => ty_of(r, buf, &u.expr, depth + 1),
        _ => None,
    }
}

/// The path of a type of the linted code written in a type position (`&Pool`,
/// `Arc<crate::db::Pool>`, `Self`): what a method call on a value of it may resolve to.
pub(crate) fn ws_type_of_type(
    r: &Resolver<'_, Scope>,
    buf: &mut String,
    ty: &syn::Type,
) -> Option<Box<str>> {
    match ty {
        syn::Type::Reference(t) => ws_type_of_type(r, buf, &t.elem),
        syn::Type::Paren(p) => ws_type_of_type(r, buf, &p.elem),
        syn::Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            if last.ident == "Arc" || last.ident == "Rc" || last.ident == "Box" {
                if let syn::PathArguments::AngleBracketed(a) = &last.arguments
                    && let Some(syn::GenericArgument::Type(inner)) = a.args.first()
                {
                    return ws_type_of_type(r, buf, inner);
                }
                return None;
            }
            match r.resolve(&p.path, buf) {
                Res::Path { workspace: true } => Some(buf.as_str().into()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The path of the workspace type of an expression's value, when the code says it:
/// `self`, a binding annotated or constructed with it, a constructor call
/// (`Pool::new(..)`, `Self::with_capacity(..)`, through `?`/`unwrap()`), a struct literal.
/// Anything else is unknown: a method call on it resolves by name only when that is safe
/// (see `crate::callgraph`).
pub(crate) fn ws_type_of(r: &Resolver<'_, Scope>, buf: &mut String, e: &Expr) -> Option<Box<str>> {
    let mut e = e;
    for _ in 0..MAX_DEPTH {
        e = match e {
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                let name = IdentStr::new(&p.path.segments[0].ident);
                if &*name == "self" {
                    return r.self_type_path().map(String::into_boxed_str);
                }
                return r.local_type(&name).map(Box::from);
            }
            Expr::Call(c) => {
                let Expr::Path(f) = &*c.func else { return None };
                let ctor = f.path.segments.last()?;
                let ctor = IdentStr::new(&ctor.ident);
                if f.qself.is_some() || f.path.segments.len() < 2 || !is_constructor(&ctor) {
                    return None;
                }
                if !matches!(r.resolve(&f.path, buf), Res::Path { workspace: true }) {
                    return None;
                }
                let (ty, _) = buf.rsplit_once("::")?;
                let ty_name = ty.rsplit("::").next()?;
                return ty_name.starts_with(char::is_uppercase).then(|| ty.into());
            }
            Expr::Struct(s) if s.qself.is_none() => {
                return match r.resolve(&s.path, buf) {
                    Res::Path { workspace: true } => Some(buf.as_str().into()),
                    _ => None,
                };
            }
            Expr::MethodCall(m)
                if m.args.is_empty() && (m.method == "unwrap" || m.method == "clone") =>
            {
                &m.receiver
            }
            Expr::MethodCall(m) if m.method == "expect" => &m.receiver,
            Expr::Try(t) => &t.expr,
            Expr::Paren(p) => &p.expr,
            Expr::Group(g) => &g.expr,
            Expr::Reference(x) => &x.expr,
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => &u.expr,
            _ => return None,
        };
    }
    None
}

/// An associated fn name that, by convention, returns its type (or a `Result` of it).
fn is_constructor(name: &str) -> bool {
    matches!(
        name,
        "new" | "default" | "open" | "create" | "connect" | "bind"
    ) || name.starts_with("new_")
        || name.starts_with("with_")
        || name.starts_with("from_")
}
