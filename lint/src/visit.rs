//! The engine's walk: the `syn::visit::Visit` impl that drives [`Engine`] over a file,
//! item by item and expression by expression. Each `visit_*` keeps the walk's context
//! (async or not, scopes, the position a call's value goes to) and hands calls to the
//! engine's methods in `crate::engine`, which hold the state and word nothing themselves.

use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, ExprCall, ExprMethodCall, Item, Pat, Stmt};

use crate::callgraph::Guard;
use crate::engine::*;
use crate::resolve::ScopeKind;
use crate::syntax::{self, allows_yields, expr_attrs, item_attrs, pending_local, type_name};
use crate::types;

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
        let Some((brace, items)) = &m.content else {
            return;
        };
        // The context is already that of an item: a body resets it for the items in it
        // (`visit_stmt`), and fns and impls in the module set what `Self` names.
        self.scopes.enter_module(m.ident.to_string());
        self.scopes.push(ScopeKind::Module);
        self.scopes.collect_items(items.iter());
        for item in items {
            self.visit_item(item);
        }
        self.pop_scope(Some(brace.span));
        self.scopes.leave_module();
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        // A fn declared in a method's body is not the type's: `Self` names nothing in it.
        // (Whether it is in a trait impl matters only to methods, whose impl sets it.)
        let cx = Cx {
            self_ty: None,
            ..self.cx
        };
        self.with_cx(cx, |this| {
            this.enter_fn(&f.attrs, &f.sig, Some(&f.block), false);
        });
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
        if let Some((tr, _)) = &i.trait_
            && let syn::Type::Path(ty) = &*i.self_ty
            && ty.qself.is_none()
            && self.src.is_some()
            && self.names_future(tr)
            && let Some(path) = self.workspace_type(&ty.path)
        {
            self.facts.future_type(&path);
        }
        let cx = Cx {
            self_ty: type_name(&i.self_ty).map(|t| self.scopes.self_type(t)),
            in_trait_impl: i.trait_.is_some(),
            ..self.cx
        };
        self.with_cx(cx, |this| {
            for item in &i.items {
                this.visit_impl_item(item);
            }
        });
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        let cx = Cx {
            self_ty: Some(self.scopes.self_type(t.ident.to_string())),
            // A default method can be overridden by any implementor: same rule as trait
            // impls.
            in_trait_impl: true,
            ..self.cx
        };
        self.with_cx(cx, |this| {
            for item in &t.items {
                this.visit_trait_item(item);
            }
        });
    }

    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}

    // An item macro (`macro_rules!`, or `name! { .. }` at a module's level) is not walked:
    // macro bodies are parsed only in async context, which an item never is, and it cannot
    // name the locals of a body around it (a pending future stays unused).
    fn visit_item_macro(&mut self, _: &'ast syn::ItemMacro) {}

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.visit_body(b, false);
    }

    fn visit_stmt(&mut self, s: &'ast Stmt) {
        match s {
            Stmt::Expr(e, Some(_)) => self.visit_expr_at(e, At::Stmt),
            Stmt::Item(i) => {
                // Items inside a body are not part of its async context. Every item is
                // reached either here or from the file's or a module's top level, where
                // the context is already an item's: consts and statics need no reset.
                let cx = Cx {
                    in_async: false,
                    cur_fn: None,
                    ..self.cx
                };
                self.with_cx(cx, |this| this.visit_item(i));
            }
            _ => visit::visit_stmt(self, s),
        }
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if !self.yields_allowed && allows_yields(&l.attrs) {
            self.yields_allowed = true;
            self.visit_local(l);
            self.yields_allowed = false;
            return;
        }
        if let Pat::Ident(p) = &l.pat {
            let name = p.ident.to_string();
            self.async_closures.retain(|(_, n)| *n != name);
            if let Some(init) = &l.init
                && let Expr::Closure(cl) = &*init.expr
                && cl.asyncness.is_some()
            {
                self.async_closures.push((self.scopes.depth(), name));
            }
        }
        // `let _ = x;` does not use a pending future `x`: it drops it.
        if matches!(l.pat, Pat::Wild(_))
            && let Some(init) = &l.init
            && init.diverge.is_none()
            && pending_local(&init.expr)
        {
            // Unless it is a unit struct that is a future (`let _ = Tick;`).
            if let Expr::Path(p) = &*init.expr {
                self.value(&p.path, p.span(), At::LetWild);
            }
            return;
        }
        if let Some(init) = &l.init {
            let at = match &l.pat {
                Pat::Wild(_) => At::LetWild,
                // `let _name = f();` says "unused on purpose": not flagged.
                Pat::Ident(p) if p.subpat.is_none() && !p.ident.to_string().starts_with('_') => {
                    At::LetBind(&p.ident)
                }
                _ => At::Value,
            };
            self.visit_expr_at(&init.expr, at);
            if let Some((_, d)) = &init.diverge {
                self.visit_expr(d);
            }
        }
        let (ty, ws) = match &l.init {
            Some(init) => {
                let r = self.scopes.resolver(self.cx.self_ty);
                let ws = types::ws_type_of(&r, &mut self.buf, &init.expr);
                (self.ty_of(&init.expr), ws)
            }
            None => (None, None),
        };
        self.bind_pat(&l.pat, ty, ws);
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        if !self.yields_allowed && allows_yields(expr_attrs(e)) {
            self.yields_allowed = true;
            self.deeper(|this| visit::visit_expr(this, e));
            self.yields_allowed = false;
            return;
        }
        self.deeper(|this| visit::visit_expr(this, e));
    }

    fn visit_expr_await(&mut self, a: &'ast syn::ExprAwait) {
        if self.cx.cur_async.is_some() {
            self.awaited(&a.base);
        }
        self.visit_expr_at(&a.base, At::Awaited);
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if p.qself.is_none() && p.path.segments.len() == 1 && !self.pending.is_empty() {
            let id = p.path.segments[0].ident.clone();
            self.mark_used(&id);
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.visit_macro_body(m);
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        // (`cur_fn` is read only outside async context: it needs no reset here.)
        let cx = Cx {
            in_async: true,
            cur_async: None,
            ..self.cx
        };
        self.with_cx(cx, |this| this.visit_async_body(&a.block));
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        let param_ty = self.closure_param_ty.take();
        let is_async = c.asyncness.is_some();
        let cx = if is_async {
            Cx {
                in_async: true,
                cur_async: None,
                ..self.cx
            }
        } else {
            self.cx
        };
        self.with_cx(cx, |this| {
            this.scopes.push(ScopeKind::Block);
            for (i, p) in c.inputs.iter().enumerate() {
                this.bind_pat(p, if i == 0 { param_ty } else { None }, None);
            }
            match &*c.body {
                // An async closure's block is an async body: the flow checks see it.
                Expr::Block(b) if is_async => this.deeper(|this| this.visit_async_body(&b.block)),
                body if is_async => this.visit_expr_at(body, At::Yielded),
                body => this.visit_expr(body),
            }
            this.pop_scope(None);
        });
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        let guard = match self.cx {
            Cx {
                in_async: false,
                cur_fn: Some(_),
                ..
            } => syntax::param_test(&i.cond, &self.params),
            _ => None,
        };
        let Some((index, when)) = guard else {
            visit::visit_expr_if(self, i);
            return;
        };
        let name = self.params[index].clone().unwrap_or_default();
        let mut guard = Guard {
            index: index as u8,
            name,
            blocks_when: when,
        };
        self.guards.push(guard.clone());
        self.visit_block(&i.then_branch);
        self.guards.pop();
        if let Some((_, e)) = &i.else_branch {
            guard.blocks_when = !when;
            self.guards.push(guard);
            self.visit_expr(e);
            self.guards.pop();
        }
    }

    fn visit_expr_call(&mut self, c: &'ast ExprCall) {
        self.visit_call(c, At::Value);
    }

    fn visit_expr_method_call(&mut self, m: &'ast ExprMethodCall) {
        self.visit_method_call(m, At::Value);
    }
}
