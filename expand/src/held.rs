//! Temporaries of an awaited expression are held to the end of their statement.
//!
//! rustc drops a statement's temporaries when the statement ends, so those made while building
//! an awaited future (`helper(&String::from("t")).await`, `f((Holder { .. }).n).await`) live
//! across the `.await`, and the future may borrow them. A state machine can hold them only as
//! values it can name, so the ones whose place is unambiguous from syntax, the operand of `&`
//! and the base of a field access, become hidden locals of a block around the statement:
//!
//! ```text
//! // Input:
//! let n = helper(&String::from("t")).await + 1;
//! f((Holder { d: D::new("h"), n: 1 }).n).await;
//! // Output (names starting with `__` are hidden):
//! let n = {
//!     let __temporary0 = String::from("t");
//!     helper(&__temporary0).await + 1
//! };
//! {
//!     let __temporary1 = Holder { d: D::new("h"), n: 1 };
//!     f(__temporary1.n).await;
//! }
//! ```
//!
//! A `for` head whose loop body awaits is treated like an awaited expression: its temporaries
//! live to the end of the loop (`for x in 0..(S { .. }).n { f().await; }`).
//!
//! Conditions of `if` and `while` and the operands of `&&` and `||` are scopes of their own
//! (rustc ends their temporaries with them): there the block takes the expression's place,
//! `if { let __temporary2 = ..; f(&__temporary2).await } { .. }`.
//!
//! A temporary is hoisted when everything the statement evaluates before it is free of side
//! effects (literals, paths, other hoisted temporaries), so the order of evaluation is
//! unchanged. Inside a hoisted temporary, the ones it is made of are made where they are,
//! assigned to hidden locals declared before it: `let __temporary4; let __temporary5 =
//! Holder { d, n: { __temporary4 = Holder { .. }; __temporary4.n } };`. Either way the local
//! is dropped when the block ends, which is where the statement ends, after the ones made
//! after it.
//! A block's tail is treated the same way. In edition 2024 its temporaries drop before the
//! block's locals, as the block around the tail drops them; before 2024 they drop after them,
//! so there each hidden local is declared at the start of the block, before its locals, and
//! assigned where the tail makes it: `{ let __temporary3; let a = ..; { __temporary3 = ..;
//! f(&__temporary3).await } }` (see `edition`).
//!
//! Receivers of method calls are left alone (whether `t().m()` keeps `t()` as a temporary or
//! moves it depends on `m`'s signature), except an awaited value's, which is held unless the
//! method's name (or the attribute's `consumes(..)`) says it takes `self`. `let`s whose
//! initializer may extend a temporary's lifetime (`&..`, struct, tuple and array literals,
//! blocks) and `let .. else` are left alone too.

use syn::visit_mut::VisitMut;
use syn::{Block, Expr, Stmt};

use crate::args::ReceiverHints;
use crate::lower::hidden;

/// The body with the temporaries of its awaited expressions held by blocks, or `None` if there
/// are none to hold.
pub fn hold_awaited_temporaries(body: &Block, receivers: &ReceiverHints) -> Option<Block> {
    let mut body = body.clone();
    let mut rewrite = Rewrite {
        count: 0,
        receivers,
        tails_outlive_locals: crate::edition::tail_temporaries_outlive_locals(),
    };
    rewrite.visit_block_mut(&mut body);
    (rewrite.count > 0).then_some(body)
}

struct Rewrite<'h> {
    count: usize,
    receivers: &'h ReceiverHints,
    /// A block's tail temporaries drop after its locals (before edition 2024).
    tails_outlive_locals: bool,
}

impl VisitMut for Rewrite<'_> {
    fn visit_block_mut(&mut self, block: &mut Block) {
        syn::visit_mut::visit_block_mut(self, block);
        let mut declared: Vec<Stmt> = Vec::new();
        for stmt in &mut block.stmts {
            match stmt {
                Stmt::Local(local) => {
                    let Some(init) = &mut local.init else {
                        continue;
                    };
                    if init.diverge.is_some() || may_extend(&init.expr) {
                        continue;
                    }
                    self.receiver_with_its_future(&mut init.expr);
                    let lets = self.hoist(&mut init.expr);
                    if !lets.is_empty() {
                        let value = &init.expr;
                        *init.expr = syn::parse_quote!({ #(#lets)* #value });
                    }
                }
                Stmt::Expr(expr, Some(_)) => {
                    match &mut *expr {
                        Expr::Return(r) => {
                            if let Some(value) = &mut r.expr {
                                self.receiver_with_its_future(value);
                            }
                        }
                        other => self.receiver_with_its_future(other),
                    }
                    let lets = self.hoist(expr);
                    if !lets.is_empty() {
                        let value = &*expr;
                        *stmt = syn::parse_quote!({ #(#lets)* #value; });
                    }
                }
                // A tail: its temporaries drop at the end of the block, before the block's
                // locals (edition 2024; in 2021 after them, a difference left as it is).
                Stmt::Expr(expr, None) => {
                    self.receiver_with_its_future(expr);
                    let mut lets = self.hoist(expr);
                    if self.tails_outlive_locals {
                        let decls;
                        (decls, lets) = declared_first(lets);
                        declared.extend(decls);
                    }
                    if !lets.is_empty() {
                        let value = &*expr;
                        *expr = syn::parse_quote!({ #(#lets)* #value });
                    }
                }
                _ => {}
            }
        }
        block.stmts.splice(0..0, declared);
    }
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        // A condition is a scope of its own, and so is each operand of `&&` and `||`: their
        // temporaries drop when they end (`region.rs` makes them terminating scopes), so a
        // block in their place holds them.
        match expr {
            Expr::If(i) => self.hold_in_scope(&mut i.cond),
            Expr::While(w) => self.hold_in_scope(&mut w.cond),
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                self.hold_in_scope(&mut b.left);
                self.hold_in_scope(&mut b.right);
            }
            _ => {}
        }
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

impl Rewrite<'_> {
    /// `t().m(..).await` as a whole statement's value (maybe followed by `?`): the receiver
    /// `t()` is a temporary that `m` either moves into its future or borrows for as long as
    /// the future lives, depending on `m`'s signature. An `async` block holds both, whichever
    /// it is: `async { t().m(..).await }.await`. It runs at once when the state machine polls
    /// it, so the order is unchanged, and its temporaries drop when it completes, where the
    /// statement ends. (A place receiver, `x.m().await`, is left as it is.)
    fn receiver_with_its_future(&mut self, expr: &mut Expr) {
        let expr = match expr {
            Expr::Try(t) => &mut *t.expr,
            other => other,
        };
        let Expr::Await(a) = expr else {
            return;
        };
        let Expr::MethodCall(call) = &*a.base else {
            return;
        };
        let value_receiver = matches!(
            crate::lower::without_parens(&call.receiver),
            Expr::Call(_) | Expr::MethodCall(_) | Expr::Struct(_) | Expr::Macro(_)
        );
        if !value_receiver || leaves_or_suspends(&a.base) {
            return;
        }
        self.count += 1;
        let base = &a.base;
        *a.base = syn::parse_quote!(async { #base.await });
    }

    /// An expression that is a scope of its own, with the temporaries to hold in it held by a
    /// block in its place. (Not a `let` of a `let` chain, whose bindings must stay visible.)
    fn hold_in_scope(&mut self, expr: &mut Expr) {
        if matches!(expr, Expr::Let(_)) {
            return;
        }
        self.receiver_with_its_future(expr);
        let lets = self.hoist(expr);
        if !lets.is_empty() {
            let value = &*expr;
            *expr = syn::parse_quote!({ #(#lets)* #value });
        }
    }

    /// Replaces the temporaries to hold in `expr` by hidden locals and returns their `let`s,
    /// in the order the temporaries are made (the reverse of their drops).
    fn hoist(&mut self, expr: &mut Expr) -> Vec<Stmt> {
        let mut walk = Walk {
            pure_so_far: true,
            in_awaited: 0,
            lets: Vec::new(),
            count: self.count,
            in_hoisted: false,
            place: false,
            receivers: self.receivers,
        };
        walk.expr(expr);
        self.count = walk.count;
        walk.lets
    }
}

/// `let __temporaryN = value;` split into `let __temporaryN;` and `__temporaryN = value;`
/// (a declaration without a value stays a declaration).
fn declared_first(lets: Vec<Stmt>) -> (Vec<Stmt>, Vec<Stmt>) {
    let mut decls = Vec::new();
    let mut assigns = Vec::new();
    for stmt in lets {
        match stmt {
            Stmt::Local(syn::Local {
                pat: syn::Pat::Ident(p),
                init: Some(init),
                ..
            }) => {
                let (ident, value) = (&p.ident, &init.expr);
                decls.push(syn::parse_quote!(let #ident;));
                assigns.push(syn::parse_quote!(#ident = #value;));
            }
            other => decls.push(other),
        }
    }
    (decls, assigns)
}

/// A walk in evaluation order over the operators whose operands rustc evaluates in the same
/// statement (calls, operators, fields, indexing, `?`, `.await`), stopping at anything that
/// opens a scope of its own (blocks, branches, loops, closures, macros).
struct Walk<'r> {
    /// Nothing with a side effect has been evaluated yet (other than hoisted temporaries).
    pure_so_far: bool,
    /// Depth of awaited expressions around the current one.
    in_awaited: usize,
    /// The hidden locals' `let`s, in the order their temporaries are made.
    lets: Vec<Stmt>,
    /// The number of the next hidden local.
    count: usize,
    /// Inside a value hoisted before the statement.
    in_hoisted: bool,
    /// The expression about to be walked is used as a place (borrowed, a field's base, a
    /// receiver, indexed).
    place: bool,
    receivers: &'r ReceiverHints,
}

impl Walk<'_> {
    fn expr(&mut self, expr: &mut Expr) {
        let as_place = std::mem::take(&mut self.place);
        // A temporary made in place replaces the expression around it (see `take`).
        let mut replacement: Option<Expr> = None;
        match expr {
            Expr::Lit(_) | Expr::Path(_) => {}
            Expr::Paren(p) => {
                self.place = as_place;
                self.expr(&mut p.expr);
            }
            Expr::Reference(r) => {
                if self.holds(&r.expr) {
                    let mutability = r.mutability;
                    let value = without_parens(&mut r.expr);
                    if let Some(ident) = self.take(value, mutability.is_some()) {
                        replacement =
                            Some(syn::parse_quote!({ #ident = #value; &#mutability #ident }));
                    }
                } else {
                    self.place = true;
                    self.expr(&mut r.expr);
                }
            }
            Expr::Field(f) => {
                if self.holds(&f.base) {
                    let member = &f.member;
                    let base = without_parens(&mut f.base);
                    if let Some(ident) = self.take(base, as_place) {
                        if as_place {
                            *base = syn::parse_quote!((*{ #ident = #base; &mut #ident }));
                        } else {
                            replacement =
                                Some(syn::parse_quote!({ #ident = #base; #ident.#member }));
                        }
                    }
                } else {
                    self.place = true;
                    self.expr(&mut f.base);
                }
            }
            Expr::Await(a) => {
                self.in_awaited += 1;
                self.expr(&mut a.base);
                self.in_awaited -= 1;
                self.pure_so_far = false;
            }
            Expr::Call(c) => {
                self.expr(&mut c.func);
                for arg in &mut c.args {
                    self.expr(arg);
                }
                self.pure_so_far = false;
            }
            Expr::MethodCall(m) => {
                // An awaited value borrowed as a receiver (`f(make().await.len()).await`,
                // `make().await.bump().await`) is a temporary of the statement: held, it can
                // be borrowed across the later `.await`. (If the method takes `self` under a
                // name that does not say so, the hidden local is moved: `consumes(..)` tells.)
                let held = self.in_awaited > 0
                    && matches!(&*m.receiver, Expr::Await(_))
                    && !crate::analyse::method_consumes(self.receivers, m);
                if held {
                    let receiver = &mut *m.receiver;
                    if let Some(ident) = self.take(receiver, true) {
                        *receiver = syn::parse_quote!((*{ #ident = #receiver; &mut #ident }));
                    }
                } else {
                    self.place = true;
                    self.expr(&mut m.receiver);
                }
                for arg in &mut m.args {
                    self.expr(arg);
                }
                self.pure_so_far = false;
            }
            Expr::Binary(b) if !crate::lower::is_compound_assign(&b.op) => {
                // The operands of `&&` and `||` are scopes of their own: nothing in them is
                // held to the end of the statement (`hold_in_scope` holds it in the operand).
                if !matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) {
                    self.expr(&mut b.left);
                    self.expr(&mut b.right);
                }
                // Overloaded operators are calls.
                self.pure_so_far = false;
            }
            Expr::Unary(u) => {
                self.expr(&mut u.expr);
                self.pure_so_far = false;
            }
            Expr::Cast(c) => self.expr(&mut c.expr),
            Expr::Range(r) => {
                if let Some(start) = &mut r.start {
                    self.expr(start);
                }
                if let Some(end) = &mut r.end {
                    self.expr(end);
                }
            }
            // A `for` head's temporaries live to the end of the loop (rustc matches on the
            // iterator): held across the body's `.await`s, like an awaited expression's.
            Expr::ForLoop(f) if crate::desugar::block_has_await(&f.body) => {
                self.in_awaited += 1;
                self.expr(&mut f.expr);
                self.in_awaited -= 1;
                self.pure_so_far = false;
            }
            Expr::Try(t) => {
                self.expr(&mut t.expr);
                self.pure_so_far = false;
            }
            Expr::Tuple(t) => {
                for e in &mut t.elems {
                    self.expr(e);
                }
            }
            Expr::Array(a) => {
                for e in &mut a.elems {
                    self.expr(e);
                }
            }
            Expr::Struct(st) => {
                for field in &mut st.fields {
                    self.expr(&mut field.expr);
                }
                if let Some(rest) = &mut st.rest {
                    self.expr(rest);
                }
            }
            Expr::Index(i) => {
                self.place = true;
                self.expr(&mut i.expr);
                self.expr(&mut i.index);
                self.pure_so_far = false;
            }
            _ => self.pure_so_far = false,
        }
        if let Some(replacement) = replacement {
            *expr = replacement;
        }
    }

    /// Whether `value`, the operand of `&` or a field's base, is a temporary to hold: a value
    /// (not a place or a promoted constant) inside an awaited expression.
    fn holds(&self, value: &Expr) -> bool {
        let mut value = value;
        while let Expr::Paren(p) = value {
            value = &p.expr;
        }
        self.in_awaited > 0
            && matches!(
                value,
                Expr::Call(_) | Expr::MethodCall(_) | Expr::Struct(_) | Expr::Macro(_)
            )
    }

    /// Holds the temporary `value` in a hidden local. With nothing impure evaluated before it,
    /// it is made before the statement (`let __temporaryN = value;`) and the local takes its
    /// place: `None`. Inside such a value it is made where it is: the local is declared
    /// before the statement (`mutable` if it is to be borrowed so) and
    /// returned, and the caller assigns it in place and uses it as rustc uses the temporary
    /// (`{ __temporaryN = value; &__temporaryN }`, `{ __temporaryN = value; __temporaryN.n }`).
    /// The temporaries inside it are held first: they are made, and declared, before it.
    fn take(&mut self, value: &mut Expr, mutable: bool) -> Option<syn::Ident> {
        let before = self.pure_so_far;
        let in_hoisted = self.in_hoisted;
        self.pure_so_far = false;
        self.in_hoisted |= before;
        self.expr(value);
        self.in_hoisted = in_hoisted;
        if !before && !in_hoisted {
            // (The lowering holds what the statement made before it in temporaries of its
            // own, which would drop before this one: not held here.)
            return None;
        }
        let ident = hidden(&format!("__temporary{}", self.count));
        self.count += 1;
        if before {
            let taken = std::mem::replace(value, syn::parse_quote!(#ident));
            self.lets.push(syn::parse_quote!(let #ident = #taken;));
            self.pure_so_far = true;
            return None;
        }
        let mutability = mutable.then(|| quote::quote!(mut));
        self.lets.push(syn::parse_quote!(let #mutability #ident;));
        Some(ident)
    }
}

/// Whether tokens could leave or suspend the code around them (`.await`, `?`, `return`,
/// `break`, `continue`), which inside an `async` block would mean something else.
fn leaves_or_suspends(expr: &Expr) -> bool {
    crate::desugar::any_token(quote::ToTokens::to_token_stream(expr), &|tree| match tree {
        proc_macro2::TokenTree::Ident(i) => {
            i == "await" || i == "return" || i == "break" || i == "continue" || i == "yield"
        }
        proc_macro2::TokenTree::Punct(p) => p.as_char() == '?',
        _ => false,
    })
}

fn without_parens(expr: &mut Expr) -> &mut Expr {
    if !matches!(expr, Expr::Paren(_)) {
        return expr;
    }
    match expr {
        Expr::Paren(p) => without_parens(&mut p.expr),
        other => other,
    }
}

/// Whether a `let` initializer may extend a temporary's lifetime to the enclosing block
/// (`region.rs`, `record_rvalue_scope_if_borrow_expr`): wrapping it in a block would end it.
fn may_extend(init: &Expr) -> bool {
    matches!(
        init,
        Expr::Reference(_)
            | Expr::Struct(_)
            | Expr::Tuple(_)
            | Expr::Array(_)
            | Expr::Cast(_)
            | Expr::Block(_)
            | Expr::Paren(_)
            | Expr::If(_)
            | Expr::Match(_)
            | Expr::Unsafe(_)
    )
}
