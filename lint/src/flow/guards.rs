//! Lock guards: recognising a synchronous guard acquisition, and following a guard bound
//! by `let` through the rest of its block to the first `.await` reached while it lives.
//!
//! Liveness follows Rust's drop rules, statement by statement: a guard lives to the end
//! of the block that binds it, unless it is dropped (`drop(g)`, `mem::drop(g)`) or moved
//! away (passed by value, returned, captured by a `move` closure) first. Shadowing does
//! not end it: the old guard lives on, unnamed, to the end of the block. When a drop or
//! move happens only on some paths (inside an `if`), the guard is treated as gone: the
//! rule that uses this prefers a miss to a false positive. Awaits inside closures, async
//! blocks and nested items do not run here and are not reported.

use proc_macro2::Span as PmSpan;
use syn::visit::{self, Visit};
use syn::{Block, Expr, ExprAwait, Stmt};

use super::walk::BodyVisitor;

use crate::catalog::sync;
pub(crate) use crate::catalog::sync::GuardKind;

/// Whether `init` acquires a synchronous lock guard and returns it: `m.lock().unwrap()`,
/// `m.write().expect(..)`, `m.lock()?`, `m.lock().unwrap_or_else(..)` (std's poisoning
/// API: an async lock's `lock()` is a future and has no `unwrap`), or a bare `m.lock()`
/// when `bare_is_sync` (the file uses `parking_lot`, whose guards come back directly).
pub(crate) fn guard_acquisition(init: &Expr, bare_is_sync: bool) -> Option<GuardKind> {
    let (e, unwrapped) = unwrap_chain(init);
    let Expr::MethodCall(m) = e else { return None };
    if !m.args.is_empty() || matches!(strip_parens(&m.receiver), Expr::Await(_)) {
        return None;
    }
    let kind = sync::lock_method(&m.method.to_string())?;
    (unwrapped || bare_is_sync).then_some(kind)
}

/// Whether `init` takes a `RefCell` borrow guard: `c.borrow()`, `c.borrow_mut()`, or a
/// `try_borrow()`/`try_borrow_mut()` unwrapped (`?`, `unwrap`, `expect`).
pub(crate) fn borrow_acquisition(init: &Expr, _parking_lot: bool) -> Option<GuardKind> {
    let (e, unwrapped) = unwrap_chain(init);
    let Expr::MethodCall(m) = e else { return None };
    if !m.args.is_empty() || matches!(strip_parens(&m.receiver), Expr::Await(_)) {
        return None;
    }
    let name = m.method.to_string();
    let direct = sync::BORROW_METHODS.contains(&name.as_str());
    let fallible = sync::FALLIBLE_BORROW_METHODS.contains(&name.as_str());
    ((direct && !unwrapped) || (fallible && unwrapped)).then_some(GuardKind::RefCell)
}

/// `e` without its trailing `?`, `unwrap()`, `expect(..)`, `unwrap_or_else(..)`: the
/// expression under them, and whether there was one.
fn unwrap_chain(init: &Expr) -> (&Expr, bool) {
    let mut e = strip_parens(init);
    let mut unwrapped = false;
    loop {
        match e {
            Expr::Try(t) => {
                unwrapped = true;
                e = strip_parens(&t.expr);
            }
            Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "unwrap" | "expect" | "unwrap_or_else" | "unwrap_or_default"
                ) =>
            {
                unwrapped = true;
                e = strip_parens(&m.receiver);
            }
            _ => return (e, unwrapped),
        }
    }
}

fn strip_parens(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip_parens(&p.expr),
        _ => e,
    }
}

/// `Ok(g)` matched against a bare fallible acquisition (`m.lock()`, `l.read()`,
/// `l.write()` of std, whose `LockResult` holds the guard; `c.try_borrow_mut()`), the
/// methods `fallible` knows: the name of the guard the pattern binds.
pub(crate) fn if_let_guard<'p>(
    pat: &'p syn::Pat,
    scrutinee: &Expr,
    fallible: fn(&str) -> Option<GuardKind>,
) -> Option<(&'p syn::Ident, GuardKind)> {
    let syn::Pat::TupleStruct(ts) = pat else {
        return None;
    };
    if !ts.path.is_ident("Ok") || ts.elems.len() != 1 {
        return None;
    }
    let Expr::MethodCall(m) = strip_parens(scrutinee) else {
        return None;
    };
    let kind = fallible(&m.method.to_string())?;
    if !m.args.is_empty() || matches!(strip_parens(&m.receiver), Expr::Await(_)) {
        return None;
    }
    super::vars::single_binding(&ts.elems[0]).map(|i| (i, kind))
}

/// How a rule recognises the guards it follows.
#[derive(Clone, Copy)]
pub(crate) struct Guards {
    /// Whether an expression evaluates to a guard, and of what kind; the flag says
    /// whether the file uses parking_lot.
    pub(crate) value: fn(&Expr, bool) -> Option<GuardKind>,
    /// The methods whose bare `Result` holds a guard (`if let Ok(g) = m.lock()`).
    pub(crate) fallible: fn(&str) -> Option<GuardKind>,
    /// The guard kinds followed: a binding typed with a guard type of one of them
    /// (`let g: RefMut<'_, T> = ..`) holds a guard whatever its initializer.
    pub(crate) kinds: &'static [GuardKind],
}

/// A guard alive at an `.await`.
pub(crate) struct Held<'a> {
    /// The guard's binding; `None` for a temporary of the awaiting statement.
    pub(crate) name: Option<&'a syn::Ident>,
    pub(crate) kind: GuardKind,
    /// The first `.await` reached while the guard lives.
    pub(crate) at: &'a ExprAwait,
    /// Where the guard is acquired: the first and the last token.
    pub(crate) from: PmSpan,
    pub(crate) to: PmSpan,
}

/// Every guard of `body` (in its own async context) alive at an `.await`: guards bound by
/// `let` (and by `if let Ok(g)` / `while let Ok(g)`), followed through their block, and
/// temporaries, which live to the end of their statement, or through the whole `match`,
/// `if let` or `while let` whose scrutinee creates them. `resolve` resolves a binding's
/// type annotation.
pub(crate) fn held_at_awaits<'a>(
    body: &'a Block,
    guards: Guards,
    parking_lot: bool,
    resolve: &dyn Fn(&syn::Path) -> Option<String>,
) -> Vec<Held<'a>> {
    struct V<'a, 'r> {
        guards: Guards,
        parking_lot: bool,
        resolve: &'r dyn Fn(&syn::Path) -> Option<String>,
        out: Vec<Held<'a>>,
    }
    impl<'a> V<'a, '_> {
        fn typed_guard(&self, pat: &syn::Pat) -> Option<GuardKind> {
            let syn::Pat::Type(t) = pat else { return None };
            let syn::Type::Path(tp) = &*t.ty else {
                return None;
            };
            let kind = sync::guard_type(&(self.resolve)(&tp.path)?)?;
            self.guards.kinds.contains(&kind).then_some(kind)
        }
        fn temporaries(&mut self, root: &'a Expr) {
            let mut found = Vec::new();
            temp_guards(root, self.guards.value, self.parking_lot, &mut found);
            for (acq, kind) in found {
                let end = last_span(acq).end();
                if let Some(at) = await_after(root, end) {
                    let (from, to) = (last_span(acq), last_span(acq));
                    self.out.push(Held {
                        name: None,
                        kind,
                        at,
                        from,
                        to,
                    });
                }
            }
        }
    }
    impl<'a> BodyVisitor<'a> for V<'a, '_> {
        fn expr(&mut self, e: &'a Expr) {
            // `if let Ok(g) = m.lock() { .. }` and `while let ..`: the guard lives through
            // the block.
            let (cond, block) = match e {
                Expr::If(i) => (&*i.cond, &i.then_branch),
                Expr::While(w) => (&*w.cond, &w.body),
                _ => return,
            };
            let Expr::Let(l) = cond else { return };
            let Some((name, kind)) = if_let_guard(&l.pat, &l.expr, self.guards.fallible) else {
                return;
            };
            if let Some(at) = first_await_from(block, 0, &name.to_string()) {
                let (from, to) = (l.let_token.span, last_span(&l.expr));
                self.out.push(Held {
                    name: Some(name),
                    kind,
                    at,
                    from,
                    to,
                });
            }
        }
        fn block(&mut self, block: &'a Block) {
            for (i, stmt) in block.stmts.iter().enumerate() {
                match stmt {
                    Stmt::Expr(e, _) => self.temporaries(e),
                    Stmt::Local(l) => {
                        let Some(init) = &l.init else { continue };
                        self.temporaries(&init.expr);
                        if init.diverge.is_some() {
                            continue;
                        }
                        let Some(name) = super::vars::single_binding(&l.pat) else {
                            continue;
                        };
                        let Some(kind) = (self.guards.value)(&init.expr, self.parking_lot)
                            .or_else(|| self.typed_guard(&l.pat))
                        else {
                            continue;
                        };
                        if let Some(at) = first_await_while_alive(block, i, &name.to_string()) {
                            let span = syn::spanned::Spanned::span(stmt);
                            self.out.push(Held {
                                name: Some(name),
                                kind,
                                at,
                                from: span,
                                to: span,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    let mut v = V {
        guards,
        parking_lot,
        resolve,
        out: Vec::new(),
    };
    super::walk::walk_body(body, &mut v);
    v.out
}

fn last_span(e: &Expr) -> PmSpan {
    syn::spanned::Spanned::span(e)
}

/// The guards `root` creates as temporaries in its own drop scope: an acquisition used in
/// place (a method's receiver, a field's or an index's base, dereferenced or borrowed),
/// not moved into a call. Blocks, closures, the condition of a plain `if`/`while` and the
/// arms of a `match` are scopes of their own; the scrutinee of a `match`, `if let` and
/// `while let` is not (a scrutinee that is itself the guard is moved into the pattern).
fn temp_guards<'a>(
    e: &'a Expr,
    value: fn(&Expr, bool) -> Option<GuardKind>,
    parking_lot: bool,
    out: &mut Vec<(&'a Expr, GuardKind)>,
) {
    let place = |base: &'a Expr, out: &mut Vec<(&'a Expr, GuardKind)>| {
        if let Some(kind) = value(base, parking_lot) {
            out.push((base, kind));
        } else {
            temp_guards(base, value, parking_lot, out);
        }
    };
    match e {
        Expr::MethodCall(m) => {
            place(&m.receiver, out);
            for a in &m.args {
                temp_guards(a, value, parking_lot, out);
            }
        }
        Expr::Field(f) => place(&f.base, out),
        Expr::Index(i) => {
            place(&i.expr, out);
            temp_guards(&i.index, value, parking_lot, out);
        }
        Expr::Unary(u) => place(&u.expr, out),
        Expr::Reference(r) => place(&r.expr, out),
        Expr::Call(c) => {
            for a in &c.args {
                temp_guards(a, value, parking_lot, out);
            }
        }
        Expr::Binary(b) => {
            temp_guards(&b.left, value, parking_lot, out);
            if !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) {
                temp_guards(&b.right, value, parking_lot, out);
            }
        }
        Expr::Paren(p) => temp_guards(&p.expr, value, parking_lot, out),
        Expr::Try(t) => temp_guards(&t.expr, value, parking_lot, out),
        Expr::Await(a) => temp_guards(&a.base, value, parking_lot, out),
        Expr::Cast(c) => temp_guards(&c.expr, value, parking_lot, out),
        Expr::Tuple(t) => t
            .elems
            .iter()
            .for_each(|x| temp_guards(x, value, parking_lot, out)),
        Expr::Array(t) => t
            .elems
            .iter()
            .for_each(|x| temp_guards(x, value, parking_lot, out)),
        Expr::Struct(s) => s
            .fields
            .iter()
            .for_each(|f| temp_guards(&f.expr, value, parking_lot, out)),
        Expr::Match(m) => temp_guards(&m.expr, value, parking_lot, out),
        Expr::If(i) => {
            if let Expr::Let(l) = &*i.cond {
                temp_guards(&l.expr, value, parking_lot, out);
            }
        }
        Expr::While(w) => {
            if let Expr::Let(l) = &*w.cond {
                temp_guards(&l.expr, value, parking_lot, out);
            }
        }
        _ => {}
    }
}

/// The first `.await` of `root` (outside closures, async blocks and items) whose `.await`
/// comes after `pos` in the source.
fn await_after(root: &Expr, pos: proc_macro2::LineColumn) -> Option<&ExprAwait> {
    struct After<'a> {
        pos: proc_macro2::LineColumn,
        found: Option<&'a ExprAwait>,
    }
    impl<'ast> Visit<'ast> for After<'ast> {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_expr_await(&mut self, a: &'ast ExprAwait) {
            visit::visit_expr_await(self, a);
            if self.found.is_none() && a.await_token.span.start() >= self.pos {
                self.found = Some(a);
            }
        }
    }
    let mut v = After { pos, found: None };
    v.visit_expr(root);
    v.found
}

/// Follows the guard named `name`, bound by statement `bound_at` of `block`, through the
/// following statements; returns the first `.await` evaluated while it is alive.
pub(crate) fn first_await_while_alive<'a>(
    block: &'a Block,
    bound_at: usize,
    name: &str,
) -> Option<&'a ExprAwait> {
    first_await_from(block, bound_at + 1, name)
}

/// Like [`first_await_while_alive`] for a guard alive when the block starts (bound by
/// the `if let` / `while let` that owns the block): follows it from statement `from`.
pub(crate) fn first_await_from<'a>(
    block: &'a Block,
    from: usize,
    name: &str,
) -> Option<&'a ExprAwait> {
    let mut shadowed = false;
    for stmt in block.stmts.iter().skip(from) {
        if !shadowed && ends_guard(stmt, name) {
            return None;
        }
        if let Some(a) = first_await(stmt) {
            return Some(a);
        }
        if let Stmt::Local(l) = stmt
            && super::vars::pat_bindings(&l.pat).contains(name)
        {
            // From here on `name` is another value; the guard lives on unnamed.
            shadowed = true;
        }
    }
    None
}

/// Whether `stmt` drops or moves `name` on any path, before or after its awaits.
fn ends_guard(stmt: &Stmt, name: &str) -> bool {
    struct Moves<'n> {
        name: &'n str,
        found: bool,
    }
    impl Moves<'_> {
        fn is_name(&self, e: &Expr) -> bool {
            match e {
                Expr::Path(p) => {
                    p.qself.is_none() && p.path.get_ident().is_some_and(|i| i == self.name)
                }
                Expr::Paren(p) => self.is_name(&p.expr),
                _ => false,
            }
        }
    }
    impl<'ast> Visit<'ast> for Moves<'_> {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            // `drop(g)`, `mem::drop(g)`, `consume(g)`, `Some(g)`: all move the guard.
            if c.args.iter().any(|a| self.is_name(a)) {
                self.found = true;
            }
            visit::visit_expr_call(self, c);
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            // `v.push(g)` moves it; `g.method()` does not (auto-ref).
            if m.args.iter().any(|a| self.is_name(a)) {
                self.found = true;
            }
            visit::visit_expr_method_call(self, m);
        }
        fn visit_local(&mut self, l: &'ast syn::Local) {
            if let Some(init) = &l.init
                && self.is_name(&init.expr)
            {
                self.found = true;
            }
            visit::visit_local(self, l);
        }
        fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
            if self.is_name(&a.right) || self.is_name(&a.left) {
                self.found = true;
            }
            visit::visit_expr_assign(self, a);
        }
        fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
            if r.expr.as_deref().is_some_and(|e| self.is_name(e)) {
                self.found = true;
            }
            visit::visit_expr_return(self, r);
        }
        fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
            if s.fields.iter().any(|f| self.is_name(&f.expr)) {
                self.found = true;
            }
            visit::visit_expr_struct(self, s);
        }
        fn visit_expr_tuple(&mut self, t: &'ast syn::ExprTuple) {
            if t.elems.iter().any(|e| self.is_name(e)) {
                self.found = true;
            }
            visit::visit_expr_tuple(self, t);
        }
        fn visit_expr_array(&mut self, t: &'ast syn::ExprArray) {
            if t.elems.iter().any(|e| self.is_name(e)) {
                self.found = true;
            }
            visit::visit_expr_array(self, t);
        }
        fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
            if c.capture.is_some() && mentions(&c.body, self.name) {
                self.found = true;
            }
            visit::visit_expr_closure(self, c);
        }
        fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
            if a.capture.is_some() {
                let mut fx = super::vars::Effects::default();
                for s in &a.block.stmts {
                    fx.reads.extend(super::vars::Effects::of_stmt(s).reads);
                }
                if fx.reads.contains(self.name) {
                    self.found = true;
                }
            }
            visit::visit_expr_async(self, a);
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            // `drop!`-like macros are rare; a guard named in e.g. `vec![g]` is moved.
            let last = m
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            if matches!(last.as_str(), "vec" | "drop") {
                let mut reads = super::vars::Names::new();
                super::vars::macro_reads(&m.tokens, &mut reads);
                if reads.contains(self.name) {
                    self.found = true;
                }
            }
        }
    }
    let mut v = Moves { name, found: false };
    v.visit_stmt(stmt);
    // A trailing expression that is the guard itself moves it out of the block.
    if let Stmt::Expr(e, None) = stmt
        && v.is_name(e)
    {
        return true;
    }
    v.found
}

fn mentions(e: &Expr, name: &str) -> bool {
    super::vars::Effects::of_expr(e).reads.contains(name)
}

/// The first `.await` evaluated by `stmt` (in source order, which is evaluation order for
/// the receiver-then-arguments shape of Rust), outside closures, async blocks and items.
pub(crate) fn first_await(stmt: &Stmt) -> Option<&ExprAwait> {
    struct First<'a> {
        found: Option<&'a ExprAwait>,
    }
    impl<'ast> Visit<'ast> for First<'ast> {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_expr_await(&mut self, a: &'ast ExprAwait) {
            // The operand is evaluated first: an await inside it comes earlier.
            visit::visit_expr_await(self, a);
            if self.found.is_none() {
                self.found = Some(a);
            }
        }
        fn visit_expr(&mut self, e: &'ast Expr) {
            if self.found.is_none() {
                visit::visit_expr(self, e);
            }
        }
    }
    let mut v = First { found: None };
    v.visit_stmt(stmt);
    v.found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acq(src: &str, bare: bool) -> Option<GuardKind> {
        guard_acquisition(&syn::parse_str(src).unwrap(), bare)
    }

    #[test]
    fn recognises_sync_acquisitions_only() {
        assert_eq!(acq("m.lock().unwrap()", false), Some(GuardKind::Mutex));
        assert_eq!(
            acq("self.state.write().expect(\"poisoned\")", false),
            Some(GuardKind::RwLock)
        );
        assert_eq!(
            acq("m.lock().unwrap_or_else(PoisonError::into_inner)", false),
            Some(GuardKind::Mutex)
        );
        assert_eq!(acq("m.lock()", false), None, "could be a future");
        assert_eq!(acq("m.lock()", true), Some(GuardKind::Mutex), "parking_lot");
        assert_eq!(acq("m.lock().await", true), None);
        assert_eq!(acq("m.lock().await.unwrap()", false), None);
        assert_eq!(
            acq("m.try_lock().unwrap()", false),
            None,
            "tokio's try_lock returns a Result too"
        );
        assert_eq!(
            acq("m.lock().unwrap().clone()", false),
            None,
            "temporary guard"
        );
        assert_eq!(acq("file.read(&mut buf).unwrap()", false), None);
    }

    fn await_after(src: &str) -> Option<String> {
        let b: Block = syn::parse_str(src).unwrap();
        first_await_while_alive(&b, 0, "g").map(|a| quote::quote!(#a).to_string())
    }

    #[test]
    fn if_let_guards() {
        let guard = |pat: &str, e: &str| {
            let p = syn::parse_str::<syn::Stmt>(&format!("let {pat} = x;")).unwrap();
            let syn::Stmt::Local(l) = p else { panic!() };
            if_let_guard(&l.pat, &syn::parse_str(e).unwrap(), sync::lock_method)
                .map(|(i, _)| i.to_string())
        };
        assert_eq!(guard("Ok(mut g)", "m.lock()").as_deref(), Some("g"));
        assert_eq!(guard("Ok(g)", "l.write()").as_deref(), Some("g"));
        assert_eq!(guard("Ok(g)", "m.try_lock()"), None);
        assert_eq!(guard("Some(g)", "m.lock()"), None);
        assert_eq!(guard("Ok(g)", "f.read(&mut buf)"), None);
    }

    #[test]
    fn liveness() {
        assert_eq!(
            await_after("{ let g = m.lock().unwrap(); f().await; }").as_deref(),
            Some("f () . await")
        );
        assert_eq!(
            await_after("{ let g = m.lock().unwrap(); drop(g); f().await; }"),
            None
        );
        assert_eq!(
            await_after("{ let g = m.lock().unwrap(); std::mem::drop(g); f().await; }"),
            None
        );
        assert_eq!(
            await_after("{ let g = m.lock().unwrap(); { let x = 1; } f().await; }").as_deref(),
            Some("f () . await")
        );
        assert_eq!(
            await_after("{ let g = m.lock().unwrap(); let g = 5; drop(g); f().await; }").as_deref(),
            Some("f () . await"),
            "shadowing does not drop"
        );
        assert_eq!(
            await_after("{ let g = m.lock().unwrap(); if c { drop(g); } f().await; }"),
            None,
            "conditional drop: give up"
        );
        assert_eq!(
            await_after("{ let g = m.lock().unwrap(); consume(g); f().await; }"),
            None
        );
        assert_eq!(
            await_after("{ let g = m.lock().unwrap(); g.push(1); f().await; }").as_deref(),
            Some("f () . await")
        );
        assert_eq!(
            await_after("{ let g = m.lock().unwrap(); let h = async { f().await }; }"),
            None
        );
        assert_eq!(
            await_after("{ let g = m.lock().unwrap(); g.insert(k, f(a.await).await); }").as_deref(),
            Some("a . await")
        );
    }

    #[test]
    fn moving_the_guard_anywhere_ends_it() {
        for moved in [
            "v.push(g);",
            "let h = g;",
            "slot = g;",
            "g = other;",
            "if c { return g; }",
            "let h = Holder { inner: g };",
            "let pair = (g, 1);",
            "consume((g));",
        ] {
            let src = format!("{{ let g = m.lock().unwrap(); {moved} f().await; }}");
            assert_eq!(await_after(&src), None, "{moved}");
        }
        for kept in [
            "consume(other);",
            "slot = other;",
            "let h = <T>::g;",
            "consume(T::g);",
        ] {
            let src = format!("{{ let g = m.lock().unwrap(); {kept} f().await; }}");
            assert_eq!(await_after(&src).as_deref(), Some("f () . await"), "{kept}");
        }
    }
}
