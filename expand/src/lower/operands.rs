//! Operands: expressions evaluated left to right, with the values computed before a later
//! operand's `.await` kept in hidden temporaries (and the temporaries rustc would keep to the
//! end of the statement made explicit), and the expression rebuilt around them.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::Expr;
use syn::spanned::Spanned;
use syn::visit::Visit;

use super::{Ctx, Flow, Frame, Key, Lowerer, Slot, hidden, is_comparison, is_compound_assign};
use crate::analyse::node_id;

impl Lowerer<'_> {
    /// Expressions made of operands evaluated left to right.
    pub(super) fn lower_compound(&mut self, expr: &Expr, k: Option<usize>) -> Flow {
        let Some(children) = operands(expr) else {
            self.errors.push(syn::Error::new(
                expr.span(),
                "#[visible_async] cannot lower an `.await` inside this kind of expression yet; \
                 bind the awaited value with `let` in a statement before it",
            ));
            return Flow::Value(Vec::new(), quote!(::core::unreachable!()));
        };
        if let Expr::MethodCall(m) = expr
            && !self.an.consumes(m)
        {
            self.borrowed_receivers.insert(node_id(&*m.receiver));
        }
        match self.lower_operands(&children, k) {
            Ok((mut stmts, mut parts)) => {
                self.hold_resumed_value(expr, &children, k, &mut stmts, &mut parts);
                let value = self.rebuild(expr, &parts);
                self.consume_temps(&children);
                Flow::Value(stmts, value)
            }
            Err(stmts) => Flow::Diverges(stmts),
        }
    }

    /// A value made by resumed code (or by code that may not suspend) and used in place
    /// (`(Holder { n: f().await, .. }).n`, `&f().await`) is a temporary of the statement:
    /// with an `.await` later in the statement, it is bound to a hidden local the state keeps
    /// across it. (Not a method's
    /// receiver, `f().await.m()`: kept, it would be an error if `m` takes `self`, which the
    /// name does not tell; as it is, it drops when the call returns.)
    fn hold_resumed_value(
        &mut self,
        expr: &Expr,
        children: &[(&Expr, Ctx)],
        k: Option<usize>,
        stmts: &mut Vec<TokenStream>,
        parts: &mut [TokenStream],
    ) {
        // In forward code, an operand whose `.await` may not run (`(2, a || f().await).0`)
        // has a value on the path that does not suspend: held the same way.
        let h = match k {
            Some(k) => children.iter().position(|(c, _)| self.an.contains(*c, k)),
            None => children
                .iter()
                .position(|(c, _)| self.an.contains_await(*c)),
        };
        let Some(h) = h else {
            return;
        };
        let (child, ctx) = children[h];
        let in_place = match expr {
            Expr::Reference(_) | Expr::Field(_) => true,
            Expr::Binary(b) => is_comparison(&b.op),
            Expr::MethodCall(m) => h == 0 && !self.an.consumes(m),
            _ => false,
        };
        let inner = super::without_parens(child);
        let value = matches!(
            inner,
            Expr::Await(_) | Expr::Call(_) | Expr::Struct(_) | Expr::Tuple(_) | Expr::Array(_)
        ) || self.an.value_join.contains_key(&node_id(inner));
        if !(self.await_follows && ctx == Ctx::Place && in_place && value) {
            return;
        }
        let value = std::mem::take(&mut parts[h]);
        let temp = self.bind_temporary(child, value, stmts);
        self.materialized.insert(temp.to_string());
        parts[h] = temp.to_token_stream();
    }

    /// `let __tmpN = value;` for operand `child`, in `stmts`: a parenthesized operand's value
    /// without its parentheses (a tuple keeps its own).
    fn bind_temporary(
        &mut self,
        child: &Expr,
        value: TokenStream,
        stmts: &mut Vec<TokenStream>,
    ) -> syn::Ident {
        let temp = self.temp(child);
        let value = if matches!(child, Expr::Paren(_)) {
            strip_parens(value)
        } else {
            value
        };
        let span = child.span();
        stmts.push(quote_spanned!(span=> let #temp = #value;));
        temp
    }

    /// Once an expression has run, the temporaries holding its operands were moved into it:
    /// they are no longer alive at a later `.await` of the same statement. (Temporaries that
    /// were only borrowed live on to the end of the statement.)
    pub(super) fn consume_temps(&mut self, children: &[(&Expr, Ctx)]) {
        let mut keys = Vec::new();
        for &(child, ctx) in children {
            let index = indexed_place(child, ctx).map(|(_, index)| index);
            for node in std::iter::once(node_id(child)).chain(index.map(node_id)) {
                if let Some(&n) = self.temps.get(&node) {
                    keys.push(Key::Temp(n));
                }
            }
        }
        let materialized = &self.materialized;
        for frame in &mut self.frames {
            if let Frame::Scope { slots, .. } = frame {
                slots.retain(|s| {
                    !keys.contains(&s.key) || materialized.contains(&s.ident.to_string())
                });
            }
        }
    }

    /// Lowers operands in evaluation order. Operands evaluated before a later one that may
    /// suspend are kept in temporaries (unless they are places that the later operands do not
    /// touch, which are simply evaluated again). In resume mode the operand holding `k` is the
    /// hole and the ones before it are already evaluated.
    pub(super) fn lower_operands(
        &mut self,
        children: &[(&Expr, Ctx)],
        k: Option<usize>,
    ) -> Result<(Vec<TokenStream>, Vec<TokenStream>), Vec<TokenStream>> {
        let last_await = children
            .iter()
            .rposition(|(c, _)| self.an.contains_await(*c));
        let hole = k.and_then(|k| children.iter().position(|(c, _)| self.an.contains(*c, k)));
        let start = hole.unwrap_or(0);
        let mut stmts = Vec::new();
        let mut parts = Vec::new();
        for i in 0..start {
            let (child, ctx) = children[i];
            if let Some((base, index)) = indexed_place(child, ctx) {
                // `v[i()]` used in place: the index was evaluated and kept, the place is not
                // (the temporaries made in the index are alive, as the statement's).
                self.register_temporaries(index);
                let temp = self.temp(index);
                let base = self.verbatim(base);
                parts.push(quote!(#base[#temp]));
            } else if Self::hoisted(children, i) {
                // Its temporaries were made before this point (before or after its own
                // `.await`s) and are alive in the state until the statement ends.
                self.register_temporaries(child);
                let temp = self.temp(child);
                parts.push(render(&temp, ctx));
            } else {
                if self.receiver_borrow(children, i) {
                    // Made before the `.await` this code resumes from: in the state.
                    self.receiver_borrow_temp(child);
                }
                parts.push(self.verbatim(child));
            }
        }
        for i in start..children.len() {
            let before_await = last_await.is_some_and(|l| i < l);
            let (child, _) = children[i];
            if self.await_follows && !before_await && !self.an.contains_await(child) {
                // An `.await` later in the enclosing expression: the parent keeps this
                // operand's value; its temporaries are kept too, to the end of the statement.
                let (s, v) = self.materialize(child);
                if !s.is_empty() {
                    // Those temporaries are made by statements before the expression: the
                    // operands before this one that run code (`(f().await)?`) run first.
                    self.bind_earlier_operands(
                        &children[start..i],
                        &mut parts[start..],
                        &mut stmts,
                    );
                }
                stmts.extend(s);
                parts.push(v);
                continue;
            }
            let saved = self.await_follows;
            self.await_follows |= before_await;
            let step =
                self.lower_operand(children, i, hole, k, before_await, &mut stmts, &mut parts);
            self.await_follows = saved;
            if step.is_err() {
                return Err(stmts);
            }
        }
        Ok((stmts, parts))
    }

    /// Binds the operands in `children` (lowered into `parts`) that are not places to hidden
    /// temporaries, in order, so that they run before statements appended to `stmts` after.
    /// (Such a temporary is consumed with the operands unless its operand is used in place.)
    fn bind_earlier_operands(
        &mut self,
        children: &[(&Expr, Ctx)],
        parts: &mut [TokenStream],
        stmts: &mut Vec<TokenStream>,
    ) {
        for (&(child, ctx), part) in children.iter().zip(parts.iter_mut()) {
            if place_root(child).is_some() || part.is_empty() {
                continue;
            }
            let value = std::mem::take(part);
            let temp = self.bind_temporary(child, value, stmts);
            if ctx == Ctx::Place {
                // Used in place, it is a temporary of the statement (moved, it is gone).
                self.materialized.insert(temp.to_string());
            }
            *part = temp.to_token_stream();
        }
    }

    /// One operand of [`Self::lower_operands`] from the hole on; `Err` if it diverges (its
    /// statements are in `stmts`).
    #[allow(clippy::too_many_arguments)]
    fn lower_operand(
        &mut self,
        children: &[(&Expr, Ctx)],
        i: usize,
        hole: Option<usize>,
        k: Option<usize>,
        before_await: bool,
        stmts: &mut Vec<TokenStream>,
        parts: &mut Vec<TokenStream>,
    ) -> Result<(), ()> {
        let (child, ctx) = children[i];
        {
            if let (true, Some((base, index))) = (before_await, indexed_place(child, ctx)) {
                // `v[i].m(x.await)`: the index is a value kept across, the place is indexed
                // again afterwards (the index may itself await: `v[i.await]`).
                let flow = match (hole, k) {
                    (Some(h), Some(k)) if h == i => self.resume_expr(index, k, Ctx::Value),
                    // What the index makes in place is the statement's (`v[t().len() % n]`),
                    // alive across the `.await`.
                    _ if !self.an.contains_await(index) => {
                        let (s, v) = self.materialize(index);
                        Flow::Value(s, v)
                    }
                    _ => self.fwd_expr(index, Ctx::Value),
                };
                match flow {
                    Flow::Diverges(s) => {
                        stmts.extend(s);
                        return Err(());
                    }
                    Flow::Value(s, value) => {
                        stmts.extend(s);
                        let temp = self.temp(index);
                        let base = self.verbatim(base);
                        let span = index.span();
                        stmts.push(quote_spanned!(span=> let #temp = #value;));
                        parts.push(quote!(#base[#temp]));
                        return Ok(());
                    }
                }
            }
            let flow = match (hole, k) {
                (Some(h), Some(k)) if h == i => self.resume_expr(child, k, ctx),
                _ if before_await
                    && !self.an.contains_await(child)
                    && Self::hoisted(children, i) =>
                {
                    let (s, v) = self.materialize(child);
                    Flow::Value(s, v)
                }
                _ => self.fwd_expr(child, ctx),
            };
            match flow {
                Flow::Diverges(s) => {
                    stmts.extend(s);
                    return Err(());
                }
                Flow::Value(s, v) => {
                    stmts.extend(s);
                    // An operand that suspends on some paths only (`c || f().await`) runs in a
                    // statement of its own: the operands before it are not yet moved into
                    // their parent when it suspends, so the state can hold them.
                    let may_suspend = i > 0
                        && ctx == Ctx::Value
                        && hole != Some(i)
                        && self.an.contains_await(child)
                        && place_root(child).is_none()
                        && indexed_place(child, ctx).is_none();
                    if (before_await && Self::hoisted(children, i)) || may_suspend {
                        let temp = self.bind_temporary(child, v, stmts);
                        parts.push(render(&temp, ctx));
                    } else {
                        if before_await && self.receiver_borrow(children, i) {
                            let temp = self.receiver_borrow_temp(child);
                            let span = child.span();
                            stmts.push(quote_spanned!(span=>
                                let #temp = ::visible_async::__private::ReceiverBorrow::of(&#v);
                            ));
                        }
                        parts.push(v);
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether operand `i` is a place that a method borrows as its receiver, with a later
    /// argument that may suspend (`cell.set(f().await)`): rustc takes the reference first and
    /// holds it across the argument's `.await`, which decides the future's auto traits
    /// (`&Cell<u32>` is not `Send`). The place itself is read again for the call, so what the
    /// state holds is a [`ReceiverBorrow`](::visible_async::__private::ReceiverBorrow) marker,
    /// with those auto traits and no value.
    fn receiver_borrow(&self, children: &[(&Expr, Ctx)], i: usize) -> bool {
        let (child, _) = children[i];
        i == 0
            && self.borrowed_receivers.contains(&node_id(child))
            && place_root(child).is_some()
            && !Self::hoisted(children, i)
            && children[1..]
                .iter()
                .any(|(c, _)| self.an.contains_await(*c))
    }

    /// The hidden local for the [`Self::receiver_borrow`] marker of `receiver`: a temporary
    /// that borrows nothing.
    fn receiver_borrow_temp(&mut self, receiver: &Expr) -> syn::Ident {
        let temp = self.temp(receiver);
        if let Some(&n) = self.temps.get(&node_id(receiver)) {
            self.key_nodes.remove(&Key::Temp(n));
        }
        temp
    }

    /// Whether operand `i` must be kept in a temporary when a later operand may suspend.
    /// Values are evaluated (moved or copied) where they stand, as rustc does; borrows of
    /// places (`&x`, `x.f` as a receiver) and literals are simply evaluated again afterwards,
    /// which reads the same place.
    pub(super) fn hoisted(children: &[(&Expr, Ctx)], i: usize) -> bool {
        let (child, ctx) = children[i];
        match child {
            Expr::Lit(_) => false,
            Expr::Reference(r) => place_root(&r.expr).is_none(),
            _ => match place_root(child) {
                None => true,
                // A place read in place (a compared value, a receiver) is read again later,
                // unless a later operand assigns to it: then its value now is what counts
                // (rustc copies it; a borrowed non-`Copy` place could not be assigned).
                Some(root) => {
                    ctx == Ctx::Value || children[i + 1..].iter().any(|(c, _)| assigns_to(c, &root))
                }
            },
        }
    }

    /// An operand evaluated before an `.await`, with the temporaries rustc would keep to the
    /// end of the statement (a value used in place: a receiver, an `&` operand, a compared
    /// value) bound to hidden locals, so that they are kept across the `.await` and dropped at
    /// the end of the statement, as rustc does.
    pub(super) fn materialize(&mut self, expr: &Expr) -> (Vec<TokenStream>, TokenStream) {
        // A field moved out of a local with parts is read out of its home as it is.
        if self.part_of(expr).is_some() {
            return (Vec::new(), self.verbatim(expr));
        }
        // Parentheses make no scope: `(t().len()) + f().await` keeps `t()` to the end too.
        if let Expr::Paren(p) = expr {
            let (stmts, value) = self.materialize(&p.expr);
            return (stmts, quote!((#value)));
        }
        if let Expr::Macro(m) = expr {
            return self.materialize_macro(expr, &m.mac);
        }
        // Before edition 2024 a block's tail temporaries are the statement's too.
        if let Expr::Block(b) = expr
            && self.tail_outlives_block(b, true)
        {
            return match self.lower_block_with_outliving_tail(expr, b, None, Ctx::Value) {
                Flow::Value(s, v) => (s, v),
                Flow::Diverges(s) => (s, quote!(::core::unreachable!())),
            };
        }
        let Some(children) = operands(expr) else {
            return (Vec::new(), self.verbatim(expr));
        };
        if matches!(expr, Expr::Return(_) | Expr::Break(_) | Expr::Assign(_)) {
            return (Vec::new(), self.verbatim(expr));
        }
        let mut stmts = Vec::new();
        let mut parts = Vec::new();
        // The operands before `unbound` run before the statements made so far.
        let mut unbound = 0;
        for (i, &(child, ctx)) in children.iter().enumerate() {
            let (s, v) = self.materialize(child);
            let in_place = match expr {
                Expr::MethodCall(m) => i == 0 && !self.an.consumes(m),
                // A field of a value (`(Holder { .. }).n`): the value is a temporary.
                Expr::Reference(_)
                | Expr::Field(_)
                | Expr::Unary(syn::ExprUnary {
                    op: syn::UnOp::Deref(_),
                    ..
                }) => true,
                Expr::Binary(b) => is_comparison(&b.op),
                _ => false,
            };
            // A method call's result is often a reference into its receiver (`x.name()`):
            // keeping it would keep a borrow; only the owned value at the root of a chain
            // (`Noisy::new(..)` in `Noisy::new(..).name().len()`) is made a temporary.
            let field_base = matches!(expr, Expr::Field(_));
            let inner = if field_base {
                super::without_parens(child)
            } else {
                child
            };
            let is_value = place_root(child).is_none()
                && !matches!(
                    inner,
                    Expr::Paren(_)
                        | Expr::Group(_)
                        | Expr::MethodCall(_)
                        | Expr::Lit(_)
                        | Expr::Index(_)
                        | Expr::Field(_)
                        | Expr::Unary(syn::ExprUnary {
                            op: syn::UnOp::Deref(_),
                            ..
                        })
                );
            let binds = ctx == Ctx::Place && in_place && is_value;
            if !s.is_empty() || binds {
                // Statements before the expression: the operands before this one that run
                // code run first (`f(g(), D::new("t").len())`).
                self.bind_earlier_operands(
                    &children[unbound..i],
                    &mut parts[unbound..i],
                    &mut stmts,
                );
                unbound = i;
            }
            stmts.extend(s);
            if binds {
                // (Only a field's base may be parenthesized here: `(Holder { .. }).n`.)
                let temp = self.bind_temporary(child, v, &mut stmts);
                self.materialized.insert(temp.to_string());
                parts.push(temp.to_token_stream());
            } else {
                parts.push(v);
            }
        }
        let value = self.rebuild(expr, &parts);
        // (An operand bound to run first and moved into the expression is gone.)
        self.consume_temps(&children);
        (stmts, value)
    }

    /// [`Self::materialize`] for a known macro whose arguments' temporaries are the
    /// statement's (`matches!(t().m(), ..)`, `vec![t().m()]`: a `match` scrutinee, an array);
    /// `format!` and the printing macros end theirs themselves. (Not with format captures,
    /// `{x}`, which the call as written passes.)
    fn materialize_macro(
        &mut self,
        expr: &Expr,
        mac: &syn::Macro,
    ) -> (Vec<TokenStream>, TokenStream) {
        let an = self.an;
        let verbatim = |this: &mut Self| (Vec::new(), this.verbatim(expr));
        let Some(args) = an.macros.get(&node_id(mac)) else {
            return verbatim(self);
        };
        if crate::macros::ends_its_temporaries(mac)
            || an
                .format_uses
                .get(&node_id(mac))
                .is_some_and(|u| !u.is_empty())
        {
            return verbatim(self);
        }
        let mut stmts = Vec::new();
        let mut parts = Vec::new();
        for arg in &args.exprs {
            let (s, v) = self.materialize(arg);
            stmts.extend(s);
            parts.push(v);
        }
        if stmts.is_empty() {
            return verbatim(self);
        }
        (stmts, args.rebuild(mac, &parts))
    }

    /// In resume code: the temporaries the forward code made in `expr` before the `.await`,
    /// now alive in the state, registered as they were made.
    pub(super) fn register_temporaries(&mut self, expr: &Expr) {
        let alive = self.live_temps();
        if !self.an.contains_await(expr) {
            self.materialize(expr);
            for ident in self.live_temps() {
                if !alive.contains(&ident) {
                    self.from_state.insert(ident);
                }
            }
            return;
        }
        // With `.await`s inside, only some of the temporaries the expression can make were
        // made (those before an `.await` that follows them): the ones the state holds here.
        // Before any code of this lowering suspended at the arm's own point (a loop's body is
        // written at its head's join point, whose arm may come later), the previous round's.
        // (Both: a temporary found alive on another path into the state last round is kept.)
        let mut state_temps: Vec<(String, Key)> = Vec::new();
        if let Some(k) = self.current_arm {
            let this_round = self.variants.get(k).cloned().flatten();
            if this_round.is_none() {
                self.read_earlier_variant = true;
            }
            let known = self.known_variants.get(k).cloned().flatten();
            for field in this_round.iter().chain(known.iter()).flatten() {
                let name = field.name.to_string();
                if matches!(field.key, Key::Temp(_)) && state_temps.iter().all(|(n, _)| *n != name)
                {
                    state_temps.push((name, field.key));
                }
            }
        }
        let in_state: Vec<String> = state_temps.iter().map(|(name, _)| name.clone()).collect();
        self.touched = Some(Vec::new());
        self.touch_temporaries(expr);
        let mut touched = self.touched.take().unwrap_or_default();
        // Also those the state holds for a part of this expression that the forward code made
        // in a way `materialize` does not (an awaited value used in place, `(f().await).m()`).
        let nodes = super::expr_nodes(self.an, std::slice::from_ref(expr));
        for (name, key) in state_temps {
            let inside = self.key_nodes.get(&key).is_some_and(|n| nodes.contains(n));
            if inside && !touched.contains(&name) {
                if !self.in_scope(key) {
                    self.push_slot(key, super::hidden(&name), false);
                }
                touched.push(name);
            }
        }
        // Those the state holds belong to this expression's scope, also when the resumed arm
        // took them out of the state in an outer one: they end with it.
        let held: Vec<String> = touched
            .iter()
            .filter(|name| in_state.contains(name))
            .cloned()
            .collect();
        let mut moved_in = Vec::new();
        let mut scopes = self.frames.iter_mut().rev().filter_map(|f| match f {
            Frame::Scope { slots, .. } => Some(slots),
            _ => None,
        });
        let innermost = scopes.next();
        for slots in scopes {
            let (here, rest): (Vec<Slot>, Vec<Slot>) = std::mem::take(slots)
                .into_iter()
                .partition(|slot| held.contains(&slot.ident.to_string()));
            *slots = rest;
            moved_in.extend(here);
        }
        let moved_names: Vec<String> = moved_in.iter().map(|s| s.ident.to_string()).collect();
        if let Some(slots) = innermost {
            slots.retain(|slot| {
                let name = slot.ident.to_string();
                alive.contains(&name) || !touched.contains(&name) || in_state.contains(&name)
            });
            for slot in moved_in {
                super::insert_slot(slots, slot);
            }
        }
        self.from_state.extend(
            held.into_iter()
                .filter(|name| !alive.contains(name) || moved_names.contains(name)),
        );
    }

    /// Names (as [`Self::materialize`] would make them) the temporaries an expression with
    /// `.await`s can make: its own, those of each awaited future (`f(&D::new(..)).await`) and
    /// each `match` scrutinee (`match t().m() { .. }`), and those in the arguments of known
    /// macros (`vec![(S { .. }).n, f().await]`).
    fn touch_temporaries(&mut self, expr: &Expr) {
        self.materialize(expr);
        let (bases, macros) = awaits_and_macros(expr);
        for base in bases {
            self.materialize(base);
        }
        let an = self.an;
        for mac in macros {
            if let Some(args) = an.macros.get(&node_id(mac)) {
                for arg in &args.exprs {
                    self.touch_temporaries(arg);
                }
            }
        }
    }

    fn live_temps(&self) -> Vec<String> {
        self.frames
            .iter()
            .filter_map(|f| match f {
                Frame::Scope { slots, .. } => Some(slots),
                _ => None,
            })
            .flatten()
            .filter(|s| matches!(s.key, Key::Temp(_)))
            .map(|s| s.ident.to_string())
            .collect()
    }

    /// Drops, at the end of a resumed statement, the temporaries that were made before its
    /// `.await` and only borrowed there, latest first, as rustc drops a statement's temporaries.
    /// (Temporaries the resume code makes itself are `let`s of its own and drop by themselves.)
    pub(super) fn temporaries_end(&self) -> HeldTemps {
        let Some(Frame::Scope { slots, .. }) = self.frames.last() else {
            return HeldTemps::default();
        };
        HeldTemps(
            slots
                .iter()
                .rev()
                .filter(|s| self.from_state.contains(&s.ident.to_string()))
                .map(|s| s.ident.clone())
                .collect(),
        )
    }

    /// The hidden temporary for `expr` is moved out: no longer alive, not dropped at the end
    /// of the statement.
    pub(super) fn forget_temp(&mut self, expr: &Expr) {
        let Some(&n) = self.temps.get(&node_id(expr)) else {
            return;
        };
        let name = format!("__tmp{n}");
        self.from_state.remove(&name);
        for frame in &mut self.frames {
            if let Frame::Scope { slots, .. } = frame {
                slots.retain(|s| s.key != Key::Temp(n));
            }
        }
    }

    /// The hidden temporary for an operand, registered as alive in the innermost scope.
    pub(super) fn temp(&mut self, child: &Expr) -> syn::Ident {
        let next = self.temps.len();
        let n = *self.temps.entry(node_id(child)).or_insert(next);
        let ident = hidden(&format!("__tmp{n}"));
        if let Some(touched) = &mut self.touched {
            touched.push(ident.to_string());
        }
        let key = Key::Temp(n);
        self.key_nodes.insert(key, node_id(child));
        if !self.in_scope(key) {
            self.push_slot(key, ident.clone(), false);
        }
        ident
    }
}

/// Temporaries of a statement kept across its `.await`, latest first; as tokens, the code that
/// drops them where the statement ends.
#[derive(Default)]
pub(super) struct HeldTemps(pub(super) Vec<syn::Ident>);

impl HeldTemps {
    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl ToTokens for HeldTemps {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        for ident in &self.0 {
            tokens.extend(quote!(::core::mem::drop(#ident);));
        }
    }
}

/// The awaited output, in a temporary of its own where the context borrows it.
pub(super) fn output(ctx: Ctx) -> TokenStream {
    let ident = hidden("__output");
    render(&ident, ctx)
}

pub(super) fn render(ident: &syn::Ident, ctx: Ctx) -> TokenStream {
    match ctx {
        Ctx::Value => ident.to_token_stream(),
        Ctx::Place => quote!({ #ident }),
    }
}

/// Whether an expression assigns to (or mutably borrows) the local `root`.
pub(super) fn assigns_to(expr: &Expr, root: &str) -> bool {
    struct Find<'r> {
        root: &'r str,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            let target = match expr {
                Expr::Assign(a) => Some(&*a.left),
                Expr::Binary(b) if is_compound_assign(&b.op) => Some(&*b.left),
                Expr::Reference(r) if r.mutability.is_some() => Some(&*r.expr),
                _ => None,
            };
            if target.and_then(place_root).is_some_and(|r| r == self.root) {
                self.found = true;
            }
            syn::visit::visit_expr(self, expr);
        }
    }
    let mut find = Find { root, found: false };
    find.visit_expr(expr);
    find.found
}

/// `base[index]` used in place (a receiver, an `&` operand) with `base` a place: the index is a
/// value to evaluate where it stands, the indexing itself is done again later on the same place.
pub(super) fn indexed_place(expr: &Expr, ctx: Ctx) -> Option<(&Expr, &Expr)> {
    match expr {
        Expr::Index(i) if ctx == Ctx::Place && place_root(&i.expr).is_some() => {
            Some((&*i.expr, &*i.index))
        }
        _ => None,
    }
}

/// The local a place expression starts from: `x` for `x`, `x.a.b`, `&x.a`, `*x`.
pub(super) fn place_root(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => {
            p.path.get_ident().map(ToString::to_string)
        }
        Expr::Field(f) => place_root(&f.base),
        Expr::Reference(r) => place_root(&r.expr),
        Expr::Paren(p) => place_root(&p.expr),
        Expr::Lit(_) => Some(String::new()),
        _ => None,
    }
}

/// The operands of an expression, in evaluation order, with how each is used.
pub(super) fn operands(expr: &Expr) -> Option<Vec<(&Expr, Ctx)>> {
    let v = Ctx::Value;
    let p = Ctx::Place;
    Some(match expr {
        Expr::Call(c) => std::iter::once((&*c.func, p))
            .chain(c.args.iter().map(|a| (a, v)))
            .collect(),
        Expr::MethodCall(m) => std::iter::once((&*m.receiver, p))
            .chain(m.args.iter().map(|a| (a, v)))
            .collect(),
        Expr::Binary(b) if is_comparison(&b.op) => vec![(&*b.left, p), (&*b.right, p)],
        // The place is evaluated after the value, as rustc does for primitive operands.
        Expr::Binary(b) if is_compound_assign(&b.op) => vec![(&*b.right, v), (&*b.left, p)],
        Expr::Binary(b) => vec![(&*b.left, v), (&*b.right, v)],
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => vec![(&*u.expr, p)],
        Expr::Unary(u) => vec![(&*u.expr, v)],
        Expr::Reference(r) => vec![(&*r.expr, p)],
        Expr::Field(f) => vec![(&*f.base, p)],
        Expr::Index(i) => vec![(&*i.expr, p), (&*i.index, v)],
        Expr::Cast(c) => vec![(&*c.expr, v)],
        Expr::Tuple(t) => t.elems.iter().map(|e| (e, v)).collect(),
        Expr::Array(a) => a.elems.iter().map(|e| (e, v)).collect(),
        Expr::Struct(s) => s
            .fields
            .iter()
            .map(|f| (&f.expr, v))
            .chain(s.rest.iter().map(|r| (&**r, p)))
            .collect(),
        Expr::Repeat(r) => vec![(&*r.expr, v)],
        Expr::Range(r) => r
            .start
            .iter()
            .chain(r.end.iter())
            .map(|e| (&**e, v))
            .collect(),
        Expr::Try(t) => vec![(&*t.expr, v)],
        Expr::Return(r) => r.expr.iter().map(|e| (&**e, v)).collect(),
        Expr::Break(b) => b.expr.iter().map(|e| (&**e, v)).collect(),
        Expr::Assign(a) => vec![(&*a.right, v), (&*a.left, p)],
        _ => return None,
    })
}

impl Lowerer<'_> {
    /// The expression again with its operands replaced by `parts`.
    pub(super) fn rebuild(&mut self, expr: &Expr, parts: &[TokenStream]) -> TokenStream {
        // The leftmost operand must not start the expression with a block (`{ __tmp0 }(x)`,
        // `{ __tmp0 }.len()`): at the start of a statement or a block's tail that parses as a
        // block followed by something else. Parentheses keep it one expression.
        let leftmost_first = matches!(
            expr,
            Expr::Call(_)
                | Expr::MethodCall(_)
                | Expr::Binary(_)
                | Expr::Field(_)
                | Expr::Index(_)
                | Expr::Cast(_)
                | Expr::Try(_)
        );
        let part = |i: usize| {
            let p = parts[i].clone();
            let starts_with_block = matches!(
                p.clone().into_iter().next(),
                Some(proc_macro2::TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Brace
            );
            if i == 0 && leftmost_first && starts_with_block {
                quote!((#p))
            } else {
                p
            }
        };
        match expr {
            Expr::Call(_) => {
                let func = part(0);
                let args = &parts[1..];
                quote!(#func(#(#args),*))
            }
            Expr::MethodCall(m) => {
                let recv = part(0);
                let (method, turbofish) = (&m.method, &m.turbofish);
                let args = &parts[1..];
                quote!(#recv.#method #turbofish(#(#args),*))
            }
            Expr::Binary(b) if is_compound_assign(&b.op) => {
                let (r, op, l) = (part(0), &b.op, part(1));
                quote!(#l #op #r)
            }
            Expr::Binary(b) => {
                let (l, op, r) = (part(0), &b.op, part(1));
                quote!(#l #op #r)
            }
            Expr::Unary(u) => {
                let (op, e) = (&u.op, part(0));
                quote!(#op #e)
            }
            Expr::Reference(r) => {
                let (and, mutability, e) = (&r.and_token, &r.mutability, part(0));
                quote!(#and #mutability #e)
            }
            Expr::Field(f) => {
                let (base, member) = (part(0), &f.member);
                quote!(#base.#member)
            }
            Expr::Index(_) => {
                let (base, index) = (part(0), part(1));
                quote!(#base[#index])
            }
            Expr::Cast(c) => {
                let (e, ty) = (part(0), &c.ty);
                quote!(#e as #ty)
            }
            Expr::Tuple(_) => {
                if parts.len() == 1 {
                    let e = part(0);
                    quote!((#e,))
                } else {
                    quote!((#(#parts),*))
                }
            }
            Expr::Array(_) => quote!([#(#parts),*]),
            Expr::Struct(s) => {
                // The literal itself with its values replaced (keeps `<T as Trait>::Assoc` paths).
                let mut s = s.clone();
                let count = s.fields.len();
                for (i, field) in s.fields.iter_mut().enumerate() {
                    let value = part(i);
                    let shorthand =
                        matches!(&field.member, syn::Member::Named(m) if *m == value.to_string());
                    if !shorthand {
                        field.colon_token.get_or_insert_with(Default::default);
                    }
                    field.expr = Expr::Verbatim(value);
                }
                if let Some(rest) = &mut s.rest {
                    **rest = Expr::Verbatim(part(count));
                }
                s.to_token_stream()
            }
            Expr::Repeat(r) => {
                let (e, len) = (part(0), &r.len);
                quote!([#e; #len])
            }
            Expr::Range(r) => {
                let mut i = 0;
                let start = r.start.as_ref().map(|_| {
                    i += 1;
                    part(i - 1)
                });
                let end = r.end.as_ref().map(|_| part(i));
                let limits = &r.limits;
                quote!(#start #limits #end)
            }
            Expr::Try(t) => {
                let e = part(0);
                self.try_tokens(&e, t.question_token.span)
            }
            Expr::Return(r) => {
                let value = if r.expr.is_some() {
                    part(0)
                } else {
                    quote!(())
                };
                quote_spanned!(r.return_token.span=> return ::core::task::Poll::Ready(#value))
            }
            Expr::Break(b) => {
                let value = b.expr.as_ref().map(|_| part(0));
                self.note_break(b.label.as_ref());
                self.break_tokens(b.label.as_ref(), value.as_ref())
            }
            Expr::Assign(a) => {
                let (right, left) = (part(0), part(1));
                // A homed local is assigned through its guard, which drops the old value only
                // if there is one (a plain `=` on the home would drop an uninitialized value).
                let guard = match &*a.left {
                    Expr::Path(p) => self
                        .an
                        .uses
                        .get(&node_id(p))
                        .and_then(|b| self.guards.get(b)),
                    _ => None,
                };
                if let Some(guard) = guard {
                    // The value first: it may read the local (`x = f().await & x`), and the
                    // guard is borrowed for the call.
                    let value = hidden("__value");
                    quote!({
                        let #value = #right;
                        ::visible_async::__private::HomeGuard::set(&mut #guard, #value)
                    })
                } else {
                    quote!(#left = #right)
                }
            }
            _ => unreachable!("operands() and rebuild() cover the same expressions"),
        }
    }

    pub(super) fn try_tokens(&self, operand: &TokenStream, span: Span) -> TokenStream {
        if self.option_try {
            // `Poll<T>` accepts `?` only on a `Result` (into `Poll<Result<..>>`): for any other
            // return type the operator is spelled out with stable stand-ins for `Try`.
            quote_spanned! {span=>
                match ::visible_async::__private::Try::branch(#operand) {
                    ::core::ops::ControlFlow::Continue(value) => value,
                    ::core::ops::ControlFlow::Break(residual) => {
                        return ::core::task::Poll::Ready(::visible_async::__private::FromResidual::from_residual(residual));
                    }
                }
            }
        } else {
            // `Poll<Result<T, E>>` accepts `?` on a `Result` as rustc does for the `async fn`.
            quote_spanned!(span=> #operand?)
        }
    }

    pub(super) fn break_tokens(
        &self,
        label: Option<&syn::Lifetime>,
        value: Option<&TokenStream>,
    ) -> TokenStream {
        if let Some((brk, _)) = self.resumed_target(label) {
            quote!(break #brk #value)
        } else {
            quote!(break #label #value)
        }
    }
}

/// `(x)` as `x` (for a parenthesized expression, not a tuple): kept in a `let`, it needs no
/// parentheses.
fn strip_parens(value: TokenStream) -> TokenStream {
    let mut tokens = value.clone().into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(proc_macro2::TokenTree::Group(g)), None)
            if g.delimiter() == proc_macro2::Delimiter::Parenthesis =>
        {
            g.stream()
        }
        _ => value,
    }
}

/// The futures awaited in an expression (`f(..)` in `f(..).await`), its `match` scrutinees and
/// its macro calls, outside closures and `async` blocks (not the macros inside other macros'
/// arguments: those are found from their macro).
fn awaits_and_macros(expr: &Expr) -> (Vec<&Expr>, Vec<&syn::Macro>) {
    #[derive(Default)]
    struct Found<'a> {
        bases: Vec<&'a Expr>,
        macros: Vec<&'a syn::Macro>,
    }
    impl<'a> Visit<'a> for Found<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Closure(_) | Expr::Async(_) => {}
                Expr::Await(a) => {
                    self.bases.push(&a.base);
                    self.visit_expr(&a.base);
                }
                // A scrutinee's temporaries live to the end of the `match`.
                Expr::Match(m) => {
                    self.bases.push(&m.expr);
                    syn::visit::visit_expr(self, expr);
                }
                _ => syn::visit::visit_expr(self, expr),
            }
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            self.macros.push(mac);
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut found = Found::default();
    found.visit_expr(expr);
    (found.bases, found.macros)
}
