//! Rewrites, before the analysis, the constructs with an `.await` that the lowering handles
//! through an equivalent plainer form:
//!
//! - a value scrutinee (`match f() { .. }`, `if let Some(x) = f() { .. }`, `while let ..`)
//!   whose arms or body await is bound first, by a `match` that keeps the temporaries of the
//!   expression alive as long as rustc does: `match f() { __scrutinee => match __scrutinee {
//!   .. } }`. The value is then a local, which the state machine can hold across the
//!   `.await` (or give a pinned home, if the arms borrow it), and which a suspended guard's
//!   resumed `match` can read again;
//! - a `let` chain (`if let Some(x) = a && f(x).await { .. } else { .. }`) becomes nested
//!   `if`s in a labeled block, and a `while` with one becomes a `loop` of nested `if`s that
//!   `break` when a condition fails. The conditions run in the same order, their bindings are
//!   in scope for the same code, and the `else` runs after the chain's temporaries are gone,
//!   as in edition 2024.
//!
//! - `assert!(cond, "..", args)` whose message has arguments becomes `if !(cond) {
//!   panic!("..", args) }`, its expansion: the arguments are evaluated (and what they move is
//!   moved) only on failure;
//!   `assert_eq!`/`assert_ne!` (and the `debug_` ones) likewise, with std's message.
//!
//! - an `if` or `while` whose condition awaits and whose branches or body make a closure or
//!   an `async` block binds the condition first (`let __cond: bool = c.await;`), so that the
//!   code after it is written once, after a join point (each copy of an `async` block would
//!   be a type of its own).
//!
//! The body as written is still what rustc checks (see `emit::checked_copy`).

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{Block, Expr};

/// The body with its `let` chains and guarded `match`es rewritten, or `None` if it has none
/// that await.
pub fn desugar(body: &Block) -> Option<Block> {
    let mut rewrite = Rewrite {
        labels: 0,
        loops: Vec::new(),
        changed: false,
    };
    let mut body = body.clone();
    rewrite.visit_block_mut(&mut body);
    rewrite.changed.then_some(body)
}

/// Whether an expression has an `.await` of the body (not one of a closure, `async` block or
/// item inside it).
pub fn has_await(expr: &Expr) -> bool {
    let mut find = FindAwait(false);
    find.visit_expr(expr);
    find.0
}

/// Whether any token, at any depth of groups, satisfies `pred` (for macro arguments, which
/// syn leaves as tokens).
pub fn any_token(tokens: TokenStream, pred: &impl Fn(&proc_macro2::TokenTree) -> bool) -> bool {
    tokens.into_iter().any(|tree| {
        pred(&tree)
            || matches!(&tree, proc_macro2::TokenTree::Group(g) if any_token(g.stream(), pred))
    })
}

pub fn block_has_await(block: &Block) -> bool {
    let mut find = FindAwait(false);
    find.visit_block(block);
    find.0
}

struct FindAwait(bool);

impl<'ast> Visit<'ast> for FindAwait {
    fn visit_expr_await(&mut self, _: &'ast syn::ExprAwait) {
        self.0 = true;
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    // The arguments of a known macro (`assert_eq!(f().await, 1)`) are lowered like code.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(args) = crate::macros::parse(mac) {
            for expr in &args.exprs {
                self.visit_expr(expr);
            }
        }
    }
}

/// An enclosing loop: its label, and whether a rewrite inside it needs one.
struct Loop {
    label: Option<syn::Lifetime>,
    needs_label: bool,
}

struct Rewrite {
    labels: usize,
    loops: Vec<Loop>,
    changed: bool,
}

impl Rewrite {
    fn fresh_label(&mut self, what: &str) -> syn::Lifetime {
        let n = self.labels;
        self.labels += 1;
        syn::Lifetime::new(&format!("'__{what}{n}"), Span::mixed_site())
    }

    /// The innermost loop's label, giving it one if it has none.
    fn loop_label(&mut self) -> Option<syn::Lifetime> {
        let fresh = self.fresh_label("loop");
        let innermost = self.loops.last_mut()?;
        innermost.needs_label = true;
        Some(innermost.label.get_or_insert(fresh).clone())
    }

    fn in_loop(&mut self, label: &mut Option<syn::Label>, body: impl FnOnce(&mut Self)) {
        self.loops.push(Loop {
            label: label.as_ref().map(|l| l.name.clone()),
            needs_label: false,
        });
        body(self);
        let Some(done) = self.loops.pop() else { return };
        if done.needs_label && label.is_none() {
            *label = done.label.map(|name| syn::Label {
                name,
                colon_token: syn::Token![:](Span::mixed_site()),
            });
        }
    }

    /// `if c1 && let p = e && c3 { then } else { other }` as
    /// `'l: { if c1 { if let p = e { if c3 { break 'l { then }; } } } other }`.
    fn if_chain(&mut self, ifx: &syn::ExprIf) -> Option<Expr> {
        let label = self.fresh_label("chain");
        let mut then = Expr::Block(syn::ExprBlock {
            attrs: Vec::new(),
            label: None,
            block: ifx.then_branch.clone(),
        });
        let mut other = ifx.else_branch.as_ref().map(|(_, e)| (**e).clone());
        // Unlabeled `break`/`continue` would now be inside a labeled block (E0695).
        if let Some(target) = self.needs_loop_label(&then, other.as_ref()) {
            label_jumps(&mut then, &target);
            if let Some(other) = &mut other {
                label_jumps(other, &target);
            }
        }
        let mut inner = quote!(break #label #then;);
        let mut awaits = has_await(&then);
        for cond in chain(&ifx.cond).into_iter().rev() {
            inner = conditional(cond, &inner, None, awaits);
            awaits |= has_await(cond);
        }
        let attrs = &ifx.attrs;
        reparse(quote!(#(#attrs)* #label: { #inner #other }))
    }

    fn needs_loop_label(&mut self, then: &Expr, other: Option<&Expr>) -> Option<syn::Lifetime> {
        if has_unlabeled_jump(then) || other.is_some_and(has_unlabeled_jump) {
            self.loop_label()
        } else {
            None
        }
    }

    /// `while c1 && let p = e { body }` as
    /// `loop { if c1 { if let p = e { body } else { break } } else { break } }`.
    fn while_chain(w: &syn::ExprWhile) -> Option<Expr> {
        let body = &w.body;
        let mut inner = quote!(#body);
        let mut awaits = block_has_await(body);
        for cond in chain(&w.cond).into_iter().rev() {
            inner = conditional(cond, &inner, Some(&quote!(break)), awaits);
            awaits |= has_await(cond);
        }
        let (attrs, label) = (&w.attrs, &w.label);
        reparse(quote!(#(#attrs)* #label loop { #inner }))
    }

    /// `if let p = value { then } else { other }`, `then` awaiting, as
    /// `match value { __scrutinee => if let p = __scrutinee { then } else { other } }`,
    /// the scrutinee dropped before `other` as in edition 2024.
    fn if_let(ifx: &syn::ExprIf, l: &syn::ExprLet) -> Option<Expr> {
        let (root, place) = split_value_root(&l.expr)?;
        let mut pat = (*l.pat).clone();
        let mut rests = Rests::default();
        let assigns = if is_scrutinee(&place) && !crate::borrows::has_ref_binding(&pat) {
            rests.keep(&mut pat)
        } else {
            Vec::new()
        };
        let then = &ifx.then_branch;
        let then: syn::Block = if assigns.is_empty() {
            then.clone()
        } else {
            syn::parse_quote!({ #(#assigns)* #then })
        };
        let held = rests.declarations();
        let other = ifx.else_branch.as_ref().map(|(_, other)| {
            let name = scrutinee_name();
            quote!(else { ::core::mem::drop(#name); #other })
        });
        let attrs = &ifx.attrs;
        let name = scrutinee_name();
        reparse(quote! {
            #(#attrs)* match #root { #name => { #(#held)* if let #pat = #place #then #other } }
        })
    }

    /// `while let p = value { body }`, `body` awaiting, as
    /// `loop { match value { __scrutinee => if let p = __scrutinee { body } else { break } } }`.
    fn while_let(w: &syn::ExprWhile, l: &syn::ExprLet) -> Option<Expr> {
        let (root, place) = split_value_root(&l.expr)?;
        let (pat, body, attrs, label) = (&l.pat, &w.body, &w.attrs, &w.label);
        let name = scrutinee_name();
        reparse(quote! {
            #(#attrs)* #label loop {
                match #root { #name => if let #pat = #place #body else { break } }
            }
        })
    }

    /// `match value { arms }`, an arm awaiting, as
    /// `match value { __scrutinee => match __scrutinee { arms } }`. With a guard that awaits,
    /// the `match` is read again when the guard resumes: a computed index of the scrutinee
    /// (`v[i + 1]`) is bound first, `match i + 1 { __index0 => match v[__index0] { arms } }`,
    /// in evaluation order; its temporaries live to the end of the `match`, as they would.
    fn bind_scrutinee(m: &syn::ExprMatch) -> Option<Expr> {
        if let [arm] = &m.arms[..]
            && matches!(&arm.pat, syn::Pat::Ident(pi) if pi.subpat.is_none())
        {
            // Already a binding of the whole value.
            return None;
        }
        let guard_awaits = m
            .arms
            .iter()
            .any(|arm| matches!(&arm.pat, syn::Pat::Guard(g) if has_await(&g.guard)));
        let (root, mut place) = match split_value_root(&m.expr) {
            Some((root, place)) => (Some(root), place),
            None => (None, (*m.expr).clone()),
        };
        let mut indexes = Vec::new();
        if guard_awaits {
            bind_indexes(&mut place, &mut indexes);
        }
        if root.is_none() && indexes.is_empty() {
            return None;
        }
        // Not when the scrutinee must stay whole in a pinned home: an arm borrows it (`ref`)
        // or a guard awaits (its bindings borrow it).
        let borrowed = guard_awaits
            || m.arms
                .iter()
                .any(|arm| crate::borrows::has_ref_binding(&arm.pat));
        let whole = is_scrutinee(&place) && !borrowed;
        let mut rebound = m.clone();
        *rebound.expr = place;
        rebound.attrs.clear();
        let mut rests = Rests::default();
        if whole {
            for arm in &mut rebound.arms {
                let assigns = rests.keep(&mut arm.pat);
                if !assigns.is_empty() {
                    let body = &arm.body;
                    *arm.body = syn::parse_quote!({ #(#assigns)* #body });
                }
            }
        }
        let attrs = &m.attrs;
        let held = rests.declarations();
        let inner = indexes.iter().rev().fold(
            quote!({ #(#held)* #rebound }),
            |inner, (name, index)| quote!(match #index { #name => #inner }),
        );
        match root {
            Some(root) => {
                let name = scrutinee_name();
                reparse(quote!(#(#attrs)* match #root { #name => #inner }))
            }
            None => reparse(quote!(#(#attrs)* #inner)),
        }
    }
}

/// Replaces the computed indexes of a place (`v[i + 1]`, not `v[2]` or `v[i]`) with hidden
/// locals `__indexN`, and collects them with their expressions in evaluation order (the
/// base's first).
fn bind_indexes(place: &mut Expr, indexes: &mut Vec<(syn::Ident, Expr)>) {
    match place {
        Expr::Paren(p) => bind_indexes(&mut p.expr, indexes),
        Expr::Field(f) => bind_indexes(&mut f.base, indexes),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => bind_indexes(&mut u.expr, indexes),
        Expr::Index(i) => {
            bind_indexes(&mut i.expr, indexes);
            if !matches!(&*i.index, Expr::Lit(_) | Expr::Path(_)) {
                let name =
                    syn::Ident::new(&format!("__index{}", indexes.len()), Span::mixed_site());
                let index = std::mem::replace(&mut *i.index, syn::parse_quote!(#name));
                indexes.push((name, index));
            }
        }
        _ => {}
    }
}

/// The parts of a value scrutinee that an arm binding by value leaves behind (its `_`s):
/// rustc drops them at the end of the `match`, after the arm's bindings. The arm binds them
/// (`__rest0_part`) and moves them to locals declared before the `match` (`__rest0`), which
/// the state machine can hold across the arm's `.await`s and drops in the same order.
#[derive(Default)]
struct Rests {
    names: Vec<syn::Ident>,
}

impl Rests {
    /// Binds the `_`s of an arm's pattern that moves out of the scrutinee; returns the
    /// assignments that move them out of the arm.
    fn keep(&mut self, pat: &mut syn::Pat) -> Vec<TokenStream> {
        if !crate::analyse::moves_out(pat) || contains_or(pat) {
            return Vec::new();
        }
        let first = self.names.len();
        self.bind_wilds(pat);
        self.names[first..]
            .iter()
            .map(|rest| {
                let part = syn::Ident::new(&format!("{rest}_part"), Span::mixed_site());
                quote!(#rest = #part;)
            })
            .collect()
    }

    fn bind_wilds(&mut self, pat: &mut syn::Pat) {
        use syn::Pat;
        match pat {
            Pat::Wild(w) => {
                let rest =
                    syn::Ident::new(&format!("__rest{}", self.names.len()), Span::mixed_site());
                let part = syn::Ident::new(&format!("{rest}_part"), Span::mixed_site());
                self.names.push(rest);
                *pat = Pat::Ident(syn::PatIdent {
                    attrs: std::mem::take(&mut w.attrs),
                    by_ref: None,
                    mutability: None,
                    ident: part,
                    subpat: None,
                });
            }
            Pat::Tuple(t) => t.elems.iter_mut().for_each(|p| self.bind_wilds(p)),
            Pat::TupleStruct(t) => t.elems.iter_mut().for_each(|p| self.bind_wilds(p)),
            Pat::Struct(s) => s
                .fields
                .iter_mut()
                .for_each(|f| self.bind_wilds(&mut f.pat)),
            Pat::Slice(s) => s.elems.iter_mut().for_each(|p| self.bind_wilds(p)),
            Pat::Paren(p) => self.bind_wilds(&mut p.pat),
            Pat::Guard(g) => self.bind_wilds(&mut g.pat),
            Pat::Type(t) => self.bind_wilds(&mut t.pat),
            // `_` under `&` is not owned; `x @ _` binds it already.
            _ => {}
        }
    }

    /// `let __restN;` for each part, latest first, so that they drop in field order.
    fn declarations(&self) -> Vec<TokenStream> {
        self.names
            .iter()
            .rev()
            .map(|rest| quote!(let #rest;))
            .collect()
    }
}

/// A rewritten construct as an expression. `None` (the construct stays as written, and the
/// lowering reports what it cannot lower) rather than a panic if it does not parse.
/// `if c.await { .. } else { .. }` whose branches make a closure or an `async` block, as
/// `{ let __cond = c.await; if __cond { .. } else { .. } }`: the branches are written once,
/// after a join point, instead of once for each `.await` of the condition (two copies of an
/// `async` block are two types). The condition's temporaries end with it in both forms.
fn bind_condition(ifx: &syn::ExprIf) -> Option<Expr> {
    let made = crate::analyse::FindClosure::first(|f| {
        f.visit_block(&ifx.then_branch);
        if let Some((_, other)) = &ifx.else_branch {
            f.visit_expr(other);
        }
    });
    if matches!(&*ifx.cond, Expr::Let(_)) || made.is_none() {
        return None;
    }
    let name = condition_name();
    let cond = &ifx.cond;
    let mut plain = ifx.clone();
    *plain.cond = syn::parse_quote!(#name);
    reparse(quote!({ let #name: bool = #cond; #plain }))
}

/// `while c.await { .. }` whose body makes a closure or an `async` block, as `loop { let
/// __cond = c.await; if __cond { .. } else { break } }`, for the same reason.
fn bind_while_condition(w: &syn::ExprWhile) -> Option<Expr> {
    let made = crate::analyse::FindClosure::first(|f| f.visit_block(&w.body));
    if matches!(&*w.cond, Expr::Let(_)) || made.is_none() {
        return None;
    }
    let name = condition_name();
    let (attrs, label, cond, body) = (&w.attrs, &w.label, &w.cond, &w.body);
    reparse(
        quote!(#(#attrs)* #label loop { let #name: bool = #cond; if #name #body else { break } }),
    )
}

fn condition_name() -> syn::Ident {
    syn::Ident::new("__cond", Span::mixed_site())
}

fn reparse(tokens: TokenStream) -> Option<Expr> {
    syn::parse2(tokens).ok()
}

fn contains_or(pat: &syn::Pat) -> bool {
    struct Find(bool);
    impl<'ast> Visit<'ast> for Find {
        fn visit_pat_or(&mut self, _: &'ast syn::PatOr) {
            self.0 = true;
        }
    }
    let mut find = Find(false);
    find.visit_pat(pat);
    find.0
}

fn is_scrutinee(place: &Expr) -> bool {
    matches!(place, Expr::Path(p) if p.path.is_ident("__scrutinee"))
}

fn scrutinee_name() -> syn::Ident {
    syn::Ident::new("__scrutinee", Span::mixed_site())
}

/// Splits a scrutinee into the value it is (or is a place in: `*value`, `value.field`) and the
/// same expression on a local holding that value; `None` for a place of a local, a constant or
/// a literal, which need no binding.
fn split_value_root(expr: &Expr) -> Option<(Expr, Expr)> {
    let mut place = expr.clone();
    let root = take_value_root(&mut place)?;
    Some((root, place))
}

/// Replaces the value at the root of a place expression with the scrutinee's local.
fn take_value_root(place: &mut Expr) -> Option<Expr> {
    match place {
        Expr::Paren(p) => take_value_root(&mut p.expr),
        Expr::Field(f) => take_value_root(&mut f.base),
        Expr::Index(i) => take_value_root(&mut i.expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => take_value_root(&mut u.expr),
        Expr::Path(_) | Expr::Lit(_) => None,
        value => {
            let name = scrutinee_name();
            let value = std::mem::replace(value, syn::parse_quote!(#name));
            // A struct literal as a scrutinee needs its parentheses back.
            Some(match value {
                Expr::Struct(_) => syn::parse_quote!((#value)),
                value => value,
            })
        }
    }
}

/// One condition of a chain around `inner`: `if cond { inner } else { other }`, with a `let`
/// whose value must outlive an `.await` in `inner` bound first.
fn conditional(
    cond: &Expr,
    inner: &TokenStream,
    other: Option<&TokenStream>,
    awaits: bool,
) -> TokenStream {
    let other = other.map(|other| quote!(else { #other }));
    if let Expr::Let(l) = cond
        && awaits
        && let Some((root, place)) = split_value_root(&l.expr)
    {
        let (pat, name) = (&l.pat, scrutinee_name());
        return quote!(match #root { #name => if let #pat = #place { #inner } #other });
    }
    quote!(if #cond { #inner } #other)
}

impl VisitMut for Rewrite {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::While(w) => {
                let (label, cond, body) = (&mut w.label, &mut w.cond, &mut w.body);
                self.in_loop(label, |this| {
                    this.visit_expr_mut(cond);
                    this.visit_block_mut(body);
                });
            }
            Expr::Loop(l) => self.in_loop(&mut l.label, |this| this.visit_block_mut(&mut l.body)),
            Expr::ForLoop(f) => {
                self.visit_expr_mut(&mut f.expr);
                let (label, body) = (&mut f.label, &mut f.body);
                self.in_loop(label, |this| this.visit_block_mut(body));
            }
            Expr::Closure(_) | Expr::Async(_) => return,
            _ => syn::visit_mut::visit_expr_mut(self, expr),
        }
        let replacement = match &*expr {
            Expr::If(ifx) if is_let_chain(&ifx.cond) && has_await(&ifx.cond) => self.if_chain(ifx),
            Expr::While(w) if is_let_chain(&w.cond) && has_await(&w.cond) => Self::while_chain(w),
            Expr::If(ifx) => match &*ifx.cond {
                Expr::Let(l) if block_has_await(&ifx.then_branch) => Self::if_let(ifx, l),
                _ => None,
            },
            Expr::While(w) => match &*w.cond {
                Expr::Let(l) if block_has_await(&w.body) => Self::while_let(w, l),
                _ => None,
            },
            Expr::Match(m) if m.arms.iter().any(arm_has_await) => Self::bind_scrutinee(m),
            _ => None,
        };
        let replacement = replacement.or_else(|| match &*expr {
            Expr::If(ifx) if !is_let_chain(&ifx.cond) && has_await(&ifx.cond) => {
                bind_condition(ifx)
            }
            Expr::While(w) if !is_let_chain(&w.cond) && has_await(&w.cond) => {
                bind_while_condition(w)
            }
            _ => None,
        });
        if let Some(replacement) = replacement {
            *expr = replacement;
            self.changed = true;
        }
    }

    fn visit_stmt_mut(&mut self, stmt: &mut syn::Stmt) {
        if let syn::Stmt::Macro(m) = stmt
            && let Some(lowered) = assert_as_if(&m.mac)
        {
            *stmt = syn::Stmt::Expr(lowered, Some(<syn::Token![;]>::default()));
            self.changed = true;
        }
        syn::visit_mut::visit_stmt_mut(self, stmt);
    }

    /// The arguments of a known macro are code too (`format!("{}", { assert!(..); x })`).
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        if !crate::macros::tokens_await(&mac.tokens) {
            return;
        }
        let Some(mut args) = crate::macros::parse(mac) else {
            return;
        };
        let changed = self.changed;
        self.changed = false;
        let tokens = args.rebuild_edited(mac, |e| self.visit_expr_mut(e));
        if self.changed
            && let Ok(rebuilt) = syn::parse2::<syn::Macro>(tokens)
        {
            *mac = rebuilt;
        }
        self.changed |= changed;
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `assert!(cond, "msg {}", x.await)` as `if !(cond) { ::core::panic!("msg {}", x.await) }`,
/// which is what it expands to: the message's arguments, `.await`s included, are evaluated
/// only when the assertion fails (and what they move is moved only then). `assert_eq!(a, b, ..)` and `assert_ne!` compare by
/// reference as std's expansion does and panic with std's message. (The `debug_` forms only
/// with `debug_assertions`.)
fn assert_as_if(mac: &syn::Macro) -> Option<Expr> {
    let name = mac.path.segments.last()?.ident.to_string();
    let (compared, debug) = match name.strip_prefix("debug_") {
        Some(rest) => (rest, true),
        None => (name.as_str(), false),
    };
    let op = match compared {
        "assert" => None,
        "assert_eq" => Some(quote!(==)),
        "assert_ne" => Some(quote!(!=)),
        _ => return None,
    };
    let args = mac
        .parse_body_with(syn::punctuated::Punctuated::<Expr, syn::Token![,]>::parse_terminated)
        .ok()?;
    let mut args = args.into_iter();
    let first = args.next()?;
    let second = if op.is_some() {
        Some(args.next()?)
    } else {
        None
    };
    let message: Vec<Expr> = args.collect();
    // Also when the message has arguments: what they move (`p.consume()`) is moved only on
    // the path that panics, which the analysis sees in the `if`.
    if message.len() < 2 && !message.iter().any(has_await) {
        return None;
    }
    let enabled = debug.then(|| quote!(::core::cfg!(debug_assertions) &&));
    let lowered = if let (Some(op), Some(second)) = (op, second) {
        // std's `assert_failed` message, with the user's message formatted first.
        let text =
            format!("assertion `left {op} right` failed: {{}}\n  left: {{:?}}\n right: {{:?}}");
        // References to the operands, as std's `match (&a, &b)`; `let`s so that the
        // values live (lifetime-extended) across the message's `.await`s.
        let (left, right) = (
            crate::lower::hidden("__left"),
            crate::lower::hidden("__right"),
        );
        quote! {
            {
                let #left = &(#first);
                let #right = &(#second);
                if #enabled !(*#left #op *#right) {
                    ::core::panic!(#text, ::std::format!(#(#message),*), &*#left, &*#right)
                }
            }
        }
    } else {
        quote!(if #enabled !(#first) { ::core::panic!(#(#message),*) })
    };
    syn::parse2(lowered).ok()
}

fn arm_has_await(arm: &syn::Arm) -> bool {
    let guard = match &arm.pat {
        syn::Pat::Guard(g) => has_await(&g.guard),
        _ => false,
    };
    guard || has_await(&arm.body)
}

/// A condition made of `&&` with at least one `let` in it.
fn is_let_chain(cond: &Expr) -> bool {
    matches!(cond, Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)))
        && chain(cond).iter().any(|c| matches!(c, Expr::Let(_)))
}

/// The operands of a `&&` chain, left to right.
fn chain(cond: &Expr) -> Vec<&Expr> {
    match cond {
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            let mut out = chain(&b.left);
            out.extend(chain(&b.right));
            out
        }
        other => vec![other],
    }
}

/// Whether code has a `break` or `continue` without a label that leaves it (not one of a loop
/// inside it).
fn has_unlabeled_jump(expr: &Expr) -> bool {
    let mut copy = expr.clone();
    let mut label = LabelJumps {
        target: syn::Lifetime::new("'__probe", Span::mixed_site()),
        found: false,
    };
    label.visit_expr_mut(&mut copy);
    label.found
}

/// Gives `target` to the unlabeled `break`s and `continue`s that leave `expr`.
fn label_jumps(expr: &mut Expr, target: &syn::Lifetime) {
    LabelJumps {
        target: target.clone(),
        found: false,
    }
    .visit_expr_mut(expr);
}

struct LabelJumps {
    target: syn::Lifetime,
    found: bool,
}

impl VisitMut for LabelJumps {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Break(b) if b.label.is_none() => {
                self.found = true;
                b.label = Some(self.target.clone());
                syn::visit_mut::visit_expr_break_mut(self, b);
            }
            Expr::Continue(c) if c.label.is_none() => {
                self.found = true;
                c.label = Some(self.target.clone());
            }
            // Their own `break`s and `continue`s stay theirs (a loop's condition and a `for`'s
            // iterator are outside it, but cannot jump out of it unlabeled either way).
            Expr::While(_)
            | Expr::Loop(_)
            | Expr::ForLoop(_)
            | Expr::Closure(_)
            | Expr::Async(_) => {}
            _ => syn::visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
