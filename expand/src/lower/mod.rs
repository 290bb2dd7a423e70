//! Lowering: the body becomes one block of code per resume point (`Unresumed` and each
//! `SuspendN`), each running until the next `.await` or the end of the body.
//!
//! Forward code is the user's code as written, except that reaching an `.await` stores the
//! awaited future and every value alive at that point into the `SuspendN` variant and jumps to
//! the top of the poll loop. Resume code for `SuspendN` is rebuilt from the `.await` outwards
//! (a zipper): the rest of the innermost statement with the awaited output in the hole, then the
//! rest of the block, then the rest of each enclosing construct: `if` and `match` simply end,
//! loops run the rest of the current iteration and then loop again. Code after a join point is
//! therefore repeated once per resume point that reaches it, never once per path: the expansion
//! is at most the number of `.await`s times the body, never exponential in the nesting.
//!
//! Where a repeated copy would change meaning (code that makes closures or `async` blocks, whose
//! types are unique to where they are written), the paths meet in a `JoinN` state instead: after
//! the statement where they join, or at the head of a loop, so that the code exists once.
//!
//! Values evaluated before an `.await` in the same statement (the `a()` in `f(a(), b.await)`)
//! are kept in hidden temporaries that live until the end of the statement, like rustc's.

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Block, Expr, Pat, Stmt};

use crate::analyse::{Analysis, NodeId, for_each_binding, node_id};
use crate::borrows::Borrows;
use crate::macros;

mod operands;
mod rewrite;

use operands::{HeldTemps, output};

/// How the value of an expression is used by its parent.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    /// Moved or copied: call arguments, operands, initializers.
    Value,
    /// Used in place: receivers, `&` operands, scrutinees. A saved value used here is moved
    /// back into a temporary with `{ x }`, so it is dropped at the end of the statement.
    Place,
}

/// The code for a piece of syntax: statements to run first and the value, or statements that
/// end by suspending (or otherwise leaving) so that no value is produced.
pub enum Flow {
    Value(Vec<TokenStream>, TokenStream),
    Diverges(Vec<TokenStream>),
}

/// What a saved field holds.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Key {
    /// A `let`, pattern or parameter binding of the user's.
    Binding(usize),
    /// A value evaluated before an `.await` in the same statement.
    Temp(usize),
    /// The iterator of a `for` loop with an `.await` in its body.
    Iter(usize),
}

/// A value alive in the code being generated.
#[derive(Clone)]
struct Slot {
    key: Key,
    /// The identifier the generated code uses for it.
    ident: syn::Ident,
    mutable: bool,
}

enum Frame {
    /// A scope with the values declared in it so far. `body` marks the function's top scope,
    /// whose values the resume code binds straight from the state.
    Scope { slots: Vec<Slot>, body: bool },
    /// A loop. `resumed` holds the labels of the blocks standing in for the loop while resume
    /// code runs the rest of an iteration outside of any real loop.
    Loop {
        label: Option<syn::Lifetime>,
        resumed: Option<(syn::Lifetime, syn::Lifetime)>,
    },
    /// A labeled block of the user's.
    Block { label: syn::Lifetime },
}

impl Flow {
    /// The same flow with `first` run before it.
    fn after(self, first: Vec<TokenStream>) -> Self {
        match self {
            Flow::Value(s, v) => Flow::Value(first.into_iter().chain(s).collect(), v),
            Flow::Diverges(s) => Flow::Diverges(first.into_iter().chain(s).collect()),
        }
    }

    /// The flow as one expression, and whether it always suspends.
    fn into_expr(self) -> (TokenStream, bool) {
        match self {
            Flow::Value(s, v) if s.is_empty() => (v, false),
            Flow::Value(s, v) => (quote!({ #(#s)* #v }), false),
            Flow::Diverges(s) => (quote!({ #(#s)* }), true),
        }
    }
}

/// A temporary of a block's tail that outlives the block (see `Lowerer::outliving_tail`):
/// its key and name, and whether it is declared before the block.
type OutlivingTemp = (Key, syn::Ident, bool);

/// A field of a `SuspendN` variant.
#[derive(Clone)]
pub struct Field {
    pub key: Key,
    pub name: syn::Ident,
    /// How the resume code binds it: the user's identifier at the body's top scope, else a
    /// hidden one that an inner scope moves into the user's identifier.
    pub binding: syn::Ident,
    pub mutable: bool,
    /// Whether the field holds the guard of the value's pinned home, not the value.
    pub homing: Homing,
    /// `binding` is a hidden name, moved into the user's identifier by an inner scope.
    pub rebound: bool,
}

/// What a state's field holds of a local.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Homing {
    /// The value itself.
    Value,
    /// The guard of its pinned home (`HomeGuard<T>`).
    Whole,
    /// The guard of a home from which fields may be moved out (`HomeGuard<T, Parts<T>>`).
    Parted,
}

impl Field {
    pub fn homed(&self) -> bool {
        self.homing != Homing::Value
    }
}

// Independent facts about the function and the code being generated, not a state machine.
#[allow(clippy::struct_excessive_bools)]
pub struct Lowerer<'a> {
    pub an: &'a Analysis,
    borrows: &'a Borrows,
    /// Bindings that live in a pinned home (see `visible_async::__private::Home`), with the
    /// identifier of their guard.
    guards: HashMap<usize, syn::Ident>,
    /// Homed bindings whose fields are moved out one by one: the fields moved (the paths from
    /// the binding), each numbered by its place in the list, its bit.
    parted: HashMap<usize, Vec<Vec<syn::Member>>>,
    /// Bindings found to need a home (something kept across an `.await` may borrow them),
    /// for the next lowering.
    /// Locals found to need a pinned home, with why (for the expansion's docs).
    pub needs_home: HashMap<usize, String>,
    /// The expression each temporary or `for` iterator holds the value of.
    key_nodes: HashMap<Key, NodeId>,
    pub enum_name: syn::Ident,
    /// Fields of each `SuspendN`, in declaration order (outermost first), once known.
    pub variants: Vec<Option<Vec<Field>>>,
    /// The fields of each state as the previous round of lowering found them (see `emit`).
    pub known_variants: Vec<Option<Vec<Field>>>,
    /// An arm read the fields of its state before any code of this round suspended there.
    pub read_earlier_variant: bool,
    pub errors: Vec<syn::Error>,
    frames: Vec<Frame>,
    temps: HashMap<NodeId, usize>,
    iters: HashMap<NodeId, usize>,
    field_names: HashMap<Key, syn::Ident>,
    used_names: HashMap<String, usize>,
    /// Real loops entered since the start of the arm being generated.
    arm_loop_depth: usize,
    pub uses_poll_label: bool,
    /// The arm being generated (`None`: `Unresumed`) and, for each state it moves to, an edge.
    current_arm: Option<usize>,
    pub entered_from: Vec<(Option<usize>, usize)>,
    /// Bindings given hidden names because a newer binding shadows them while both are kept.
    pub renamed: HashMap<usize, syn::Ident>,
    /// Bindings found to need that, for the next lowering.
    pub discovered: std::collections::HashSet<usize>,
    /// Frames (by position) that a `break` in the generated code leaves: a loop or labeled
    /// block that suspends on every path but has such a `break` still produces a value.
    broken: std::collections::HashSet<usize>,
    /// Temporaries made only to be borrowed before an `.await` (see `materialize`).
    materialized: std::collections::HashSet<String>,
    /// Receivers of method calls that (by their names) borrow them: with an argument that
    /// awaits, rustc holds the receiver's reference across it (see `receiver_borrow`).
    borrowed_receivers: std::collections::HashSet<NodeId>,
    /// Those of them that the arm being generated took from the state (rather than made).
    from_state: std::collections::HashSet<String>,
    label_count: usize,
    /// Whether `?` must be spelled out (the function returns `Option`).
    pub option_try: bool,
    /// Whether the function returns `()`.
    pub unit_output: bool,
    /// Whether the body's tail may end an arm as a bare value, for the caller to put in a
    /// block spanned by the user's body (see [`Lowerer::finish_body`]).
    pub tail_in_users_block: bool,
    /// Whether the arm being lowered ends so.
    ends_in_tail: bool,
    /// An operand being lowered has an `.await` after it in its statement (in an enclosing
    /// expression), so its temporaries are kept like those before an `.await` of its own.
    await_follows: bool,
    /// While registering temporaries: the ones an expression names.
    touched: Option<Vec<String>>,
    /// The tail statement of the user's block (the body, or the block inside it that holds
    /// the user's body when pattern parameters are bound before it).
    pub user_tail: Option<NodeId>,
    /// While that tail is lowered: the frame of the user's block and the tail's own scope.
    user_tail_scope: Option<(usize, usize)>,
    /// How many slots of the body's frame are parameters (the rest are the body's locals).
    param_slots: usize,
    /// The nodes in the arguments of macros in a tail that end their arguments' temporaries
    /// (see [`Lowerer::end_macro_temporaries`]): those temporaries are never the tail's.
    macro_scoped: std::collections::HashSet<NodeId>,
    /// Before edition 2024, the tail statement of a block whose value is kept across a later
    /// `.await` of its statement (see [`Lowerer::hoist_tail_temporaries`]), and the hidden
    /// temporaries of it that outlive the block so far (with whether they are declared
    /// before it: those taken from the state are bound already).
    outliving_tail: Option<(NodeId, Vec<OutlivingTemp>)>,
}

pub fn hidden(name: &str) -> syn::Ident {
    syn::Ident::new(name, Span::mixed_site())
}

fn lifetime(name: &str) -> syn::Lifetime {
    syn::Lifetime::new(name, Span::mixed_site())
}

/// Whether an expression is a place made of a local and field accesses (`x`, `x.a.b`).
pub fn is_place(expr: &Expr) -> bool {
    operands::place_root(expr).is_some_and(|root| !root.is_empty())
}

/// The path naming the local that a place (`x`, `x.a`, `x[i]`, `(x)`) is part of.
pub fn place_root_node(expr: &Expr) -> Option<NodeId> {
    match expr {
        Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => Some(node_id(p)),
        Expr::Field(f) => place_root_node(&f.base),
        Expr::Index(i) => place_root_node(&i.expr),
        Expr::Paren(p) => place_root_node(&p.expr),
        _ => None,
    }
}

pub fn is_comparison(op: &syn::BinOp) -> bool {
    use syn::BinOp::{Eq, Ge, Gt, Le, Lt, Ne};
    matches!(op, Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_))
}

pub fn is_compound_assign(op: &syn::BinOp) -> bool {
    use syn::BinOp::{
        AddAssign, BitAndAssign, BitOrAssign, BitXorAssign, DivAssign, MulAssign, RemAssign,
        ShlAssign, ShrAssign, SubAssign,
    };
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

impl<'a> Lowerer<'a> {
    pub fn new(
        an: &'a Analysis,
        borrows: &'a Borrows,
        enum_name: syn::Ident,
        option_try: bool,
    ) -> Self {
        Lowerer {
            an,
            borrows,
            guards: HashMap::new(),
            parted: HashMap::new(),
            needs_home: HashMap::new(),
            key_nodes: HashMap::new(),
            enum_name,
            variants: vec![None; an.awaits.len()],
            known_variants: Vec::new(),
            read_earlier_variant: false,
            errors: Vec::new(),
            frames: Vec::new(),
            temps: HashMap::new(),
            iters: HashMap::new(),
            field_names: HashMap::new(),
            // The awaited future's field.
            used_names: HashMap::from([("__awaitee".to_string(), 1)]),
            arm_loop_depth: 0,
            uses_poll_label: false,
            current_arm: None,
            entered_from: Vec::new(),
            renamed: HashMap::new(),
            discovered: std::collections::HashSet::new(),
            broken: std::collections::HashSet::new(),
            materialized: std::collections::HashSet::new(),
            borrowed_receivers: std::collections::HashSet::new(),
            from_state: std::collections::HashSet::new(),
            label_count: 0,
            option_try,
            await_follows: false,
            touched: None,
            unit_output: false,
            tail_in_users_block: false,
            ends_in_tail: false,
            user_tail: None,
            user_tail_scope: None,
            param_slots: 0,
            macro_scoped: std::collections::HashSet::new(),
            outliving_tail: None,
        }
    }

    /// Gives the bindings in `homed` a pinned home. In the generated code the local's name is
    /// its guard (`x: HomeGuard<T>`): user code reads the value as
    /// `HomeGuard::home(&mut x).value`.
    pub fn set_homed(&mut self, homed: &std::collections::HashSet<usize>) {
        let mut homed: Vec<usize> = homed.iter().copied().collect();
        homed.sort_unstable();
        for b in homed {
            let ident = self.an.bindings[b].ident.clone();
            self.field_name(Key::Binding(b), &ident);
            let guard = self.binding_ident(Key::Binding(b), &ident);
            self.guards.insert(b, guard);
        }
        let mut moves: Vec<&(usize, Vec<syn::Member>, u32)> =
            self.an.field_moves.values().collect();
        moves.sort_by_key(|&&(_, _, pos)| pos);
        for (b, members, _) in moves {
            if self.guards.contains_key(b) {
                let paths = self.parted.entry(*b).or_default();
                if !paths.contains(members) {
                    paths.push(members.clone());
                }
            }
        }
    }

    /// The field (and home) name of a key, once known.
    pub fn field_ident(&self, key: Key) -> syn::Ident {
        self.field_names
            .get(&key)
            .cloned()
            .unwrap_or_else(|| hidden("__unnamed"))
    }

    /// The bindings with a pinned home, in binding order.
    pub fn homed_sorted(&self) -> impl Iterator<Item = usize> + use<> {
        let mut homed: Vec<usize> = self.guards.keys().copied().collect();
        homed.sort_unstable();
        homed.into_iter()
    }

    /// Whether a value is alive in the code being generated.
    fn in_scope(&self, key: Key) -> bool {
        self.frames
            .iter()
            .any(|f| matches!(f, Frame::Scope { slots, .. } if slots.iter().any(|s| s.key == key)))
    }

    fn guard_of(&self, key: Key) -> Option<&syn::Ident> {
        match key {
            Key::Binding(b) => self.guards.get(&b),
            _ => None,
        }
    }

    /// Moves the homed bindings of a pattern just bound into their homes.
    fn home_pat(&mut self, pat: &Pat) -> TokenStream {
        let mut found = Vec::new();
        for_each_binding(pat, &mut |pi| {
            found.push((node_id(pi), pi.ident.clone(), pi.mutability.is_some()));
        });
        let mut out = TokenStream::new();
        // The guards are declared after the pattern's bindings, so they would drop first: the
        // bindings after the first homed one move to new locals after the guards, to drop in
        // the pattern's order.
        let mut moved = TokenStream::new();
        let mut homed_before = false;
        for (id, ident, mutable) in found {
            let Some(&b) = self.an.binding_of.get(&id) else {
                continue;
            };
            // The pattern bound the value under the local's name in the generated code
            // (renamed if shadowed), which its guard now takes over.
            let bound = self.binding_ident(Key::Binding(b), &ident);
            if self.guards.contains_key(&b) {
                out.extend(self.home_value(b, Some(&quote!(#bound))));
                homed_before = true;
            } else if homed_before {
                let mutability = mutable.then(|| quote!(mut));
                moved.extend(quote!(let #mutability #bound = #bound;));
            }
        }
        out.extend(moved);
        out
    }

    /// Moves `value` (or nothing, for `let x;`) into the home of binding `b`, binding the
    /// guard.
    fn home_value(&self, b: usize, value: Option<&TokenStream>) -> TokenStream {
        let Some(guard) = self.guards.get(&b) else {
            return TokenStream::new();
        };
        let homes = hidden("__homes");
        let field = &self.field_names[&Key::Binding(b)];
        let slot = quote!(#homes.as_mut().project().#field);
        let (new, uninit) = if self.parted.contains_key(&b) {
            (quote!(new_parted), quote!(uninit_parted))
        } else {
            (quote!(new), quote!(uninit))
        };
        let fill = value.map_or_else(
            || quote!(::visible_async::__private::HomeGuard::#uninit(#slot)),
            |value| quote!(::visible_async::__private::HomeGuard::#new(#slot, #value)),
        );
        quote! {
            // SAFETY: each home is filled by one guard at a time; the state, which holds the
            // guards, is dropped before the homes; the body as written (borrow-checked in the
            // copy at the end of the function) decides every use of the guard below.
            let mut #guard = unsafe { #fill };
        }
    }

    /// Records what suspending at `k` keeps borrowed: locals in scope that the awaited future
    /// or a kept value may borrow need a home.
    fn note_borrows(&mut self, k: usize, fields: &[Field]) {
        for field in fields {
            if let Key::Binding(b) = field.key
                && !field.homed()
                && self.an.is_pinned(b)
            {
                self.needs_home.entry(b).or_insert_with(|| {
                    "pinned by a pinning macro: it must not move until it is dropped".to_string()
                });
            }
        }
        let text = crate::emit::shorten(&self.an.awaits[k].text);
        let mut borrowed: Vec<(usize, String)> = Vec::new();
        for &b in self.borrows.awaitee.get(&k).into_iter().flatten() {
            borrowed.push((b, format!("the awaited `{text}` may borrow it")));
        }
        for field in fields {
            let set = match field.key {
                Key::Binding(b) => self.borrows.of_binding(b),
                key @ (Key::Temp(_) | Key::Iter(_)) => self
                    .key_nodes
                    .get(&key)
                    .map(|&node| self.borrows.of_expr(node))
                    .unwrap_or_default(),
            };
            let holder = crate::receiver::shown(&field.name.to_string()).to_string();
            let holder = if holder.starts_with("__") {
                "a temporary".to_string()
            } else {
                format!("`{holder}`")
            };
            for b in set {
                borrowed.push((b, format!("{holder} may borrow it across `{text}.await`")));
            }
        }
        for (b, why) in borrowed {
            // A guard's bindings borrow the scrutinee, which has a home already.
            if self.in_scope(Key::Binding(b)) && !self.an.rederived(b, k) {
                self.needs_home.entry(b).or_insert(why);
            }
        }
        // A value held only to be dropped at the end of its scope, which may hold a reference:
        // its referent may have been changed or freed since its last use (`let first =
        // v.first().unwrap(); v.push(1); f().await`), so moving it into the state would move
        // a dangling reference. In a home it is not moved, only dropped in place.
        for field in fields {
            if let Key::Binding(b) = field.key
                && !field.homed()
                && !self.an.is_mentioned_after(b, k)
                && !self.an.is_scrutinee_moved_by_arms(b)
                && !self.borrows.of_binding(b).is_empty()
            {
                self.needs_home.entry(b).or_insert_with(|| {
                    "held only to be dropped, and it may hold a reference that may dangle by then"
                        .to_string()
                });
            }
        }
    }

    /// Locals in scope at `k` that need a home for what rustc keeps of them: one whose value
    /// depends on the path taken (not kept, but moved or assigned on one path only; or kept,
    /// but moved on some path), whose guard is the drop flag rustc keeps for it; and one
    /// borrowed and then moved, whose place rustc keeps to the end of its scope.
    fn note_scope_homes(&mut self, k: usize) {
        let mut found = Vec::new();
        for frame in &self.frames {
            if let Frame::Scope { slots, .. } = frame {
                for slot in slots {
                    let Key::Binding(b) = slot.key else { continue };
                    if self.an.rederived(b, k) {
                        continue;
                    }
                    let kept = self.an.is_kept(b, k);
                    if (kept && self.an.kept_but_maybe_moved(b, k))
                        || (!kept && self.an.path_dependent(b, k))
                    {
                        found.push((
                            b,
                            "moved or assigned on one path only: its guard is the drop flag",
                        ));
                    } else if kept && self.an.field_moved_before(b, k) {
                        found.push((
                            b,
                            "a field of it may be moved out before this point: what is left stays in its home, as rustc keeps it",
                        ));
                    } else if !kept && self.an.borrowed_then_moved(b, k) {
                        found.push((b, "borrowed before it is moved: rustc keeps its place (and its type's auto traits) to the end of its scope"));
                    }
                }
            }
        }
        for (b, why) in found {
            self.needs_home.entry(b).or_insert_with(|| why.to_string());
        }
    }

    // ----- arms ---------------------------------------------------------------------------

    /// The code of the `Unresumed` arm after the arguments are bound: `params` are the
    /// argument bindings (`let` statements for patterns) already emitted by the caller.
    pub fn unresumed(&mut self, params: &[(Key, syn::Ident, bool)], body: &Block) -> ArmCode {
        self.arm_loop_depth = 0;
        self.current_arm = None;
        self.ends_in_tail = false;
        self.user_tail_scope = None;
        self.param_slots = params.len();
        self.frames.push(Frame::Scope {
            slots: Vec::new(),
            body: true,
        });
        let mut prelude = TokenStream::new();
        for (key, ident, mutable) in params {
            let ident = self.binding_ident(*key, ident);
            self.push_slot(*key, ident.clone(), *mutable);
            if let Key::Binding(b) = key {
                prelude.extend(self.home_value(*b, Some(&quote!(#ident))));
            }
        }
        let out = self.body_rest(&body.stmts, 0);
        self.frames.pop();
        ArmCode {
            prelude,
            code: resolve_deferred_lets(&out),
            ends_in_tail: self.ends_in_tail,
        }
    }

    /// The resume code of `SuspendK`, after the awaited output is in `__output` and the
    /// state's fields are bound by the pattern `Self::field_pattern`.
    pub fn resume(
        &mut self,
        k: usize,
        params: &[(Key, syn::Ident, bool)],
        body: &Block,
    ) -> ArmCode {
        self.arm_loop_depth = 0;
        self.current_arm = Some(k);
        self.ends_in_tail = false;
        self.user_tail_scope = None;
        self.param_slots = params.len();
        self.from_state.clear();
        self.frames.push(Frame::Scope {
            slots: Vec::new(),
            body: true,
        });
        for (key, ident, mutable) in params {
            let ident = self.binding_ident(*key, ident);
            self.push_slot(*key, ident, *mutable);
        }
        let out = self.resume_stmts(&body.stmts, k, true);
        self.frames.pop();
        ArmCode {
            prelude: TokenStream::new(),
            code: resolve_deferred_lets(&out),
            ends_in_tail: self.ends_in_tail,
        }
    }

    /// Statements of the body from `start` on, ending in `return Poll::Ready(..)`.
    fn body_rest(&mut self, stmts: &[Stmt], start: usize) -> TokenStream {
        let split = !self.an.awaits.is_empty();
        let (out, tail, diverged) = self.fwd_stmts(&stmts[start..], split);
        self.finish_body(out, tail, diverged, stmts)
    }

    /// Completes the future with the body's value. Without a tail expression the value is
    /// `()`, unless the body ends by diverging (`return x;`): then the statements go inside the
    /// `Ready(..)`, where a block ending in a diverging statement takes any type, as in rustc.
    fn finish_body(
        &mut self,
        mut out: Vec<TokenStream>,
        tail: Option<TokenStream>,
        diverged: bool,
        stmts: &[Stmt],
    ) -> TokenStream {
        if diverged {
            return quote!(#(#out)*);
        }
        if let Some(tail) = tail {
            if self.tail_in_users_block && may_make_temporaries(&tail) {
                // Whether the tail's temporaries drop before or after the locals depends on
                // the edition of the block it ends (`region.rs`, `resolve_block`): the caller
                // puts the arm in a block spanned by the user's body, so the user's edition
                // decides, as for the `async fn`.
                self.ends_in_tail = true;
                out.push(tail);
            } else {
                out.push(Self::complete(&tail));
            }
            return quote!(#(#out)*);
        }
        if stmts.last().is_some_and(ends_by_diverging) {
            return quote!(#(#out)*);
        }
        if self.unit_output {
            out.push(Self::complete(&quote!(())));
            return quote!(#(#out)*);
        }
        Self::complete(&quote!({ #(#out)* }))
    }

    fn complete(value: &TokenStream) -> TokenStream {
        quote!(return ::core::task::Poll::Ready(#value);)
    }

    // ----- frames and fields --------------------------------------------------------------

    /// Enters a scope whose first values are the bindings of `pats` (`if let`, arms, `for`).
    fn push_scope(&mut self, pats: &[&Pat]) {
        self.frames.push(Frame::Scope {
            slots: Vec::new(),
            body: false,
        });
        for pat in pats {
            self.declare_pat(pat);
        }
    }

    /// Enters the scope of an expression statement's temporaries, noting it if it is the
    /// user's tail (see [`Lowerer::fields_at`]).
    fn push_stmt_scope(&mut self, stmt: &Stmt) {
        if self.user_tail == Some(node_id(stmt)) || self.is_outliving_tail(stmt) {
            self.user_tail_scope = Some((self.frames.len() - 1, self.frames.len()));
        }
        self.push_scope(&[]);
    }

    fn push_slot(&mut self, key: Key, ident: syn::Ident, mutable: bool) {
        if let Some(Frame::Scope { slots, .. }) = self
            .frames
            .iter_mut()
            .rev()
            .find(|f| matches!(f, Frame::Scope { .. }))
        {
            insert_slot(
                slots,
                Slot {
                    key,
                    ident,
                    mutable,
                },
            );
        }
    }

    fn declare_pat(&mut self, pat: &Pat) {
        let mut found = Vec::new();
        for_each_binding(pat, &mut |pi| {
            found.push((node_id(pi), pi.ident.clone(), pi.mutability.is_some()));
        });
        for (id, ident, mutable) in found {
            if let Some(&b) = self.an.binding_of.get(&id) {
                let ident = self.binding_ident(Key::Binding(b), &ident);
                self.push_slot(Key::Binding(b), ident, mutable);
            }
        }
    }

    fn is_kept(&self, key: Key, k: usize) -> bool {
        // A binding of a guard that awaits is bound again when the `match` is resumed.
        if let Key::Binding(b) = key
            && self.an.rederived(b, k)
        {
            return false;
        }
        // A homed value stays in its home, and its guard in the state, for its whole scope
        // (rustc, too, keeps a borrowed local until its scope ends).
        if self.guard_of(key).is_some() {
            return true;
        }
        match key {
            Key::Binding(b) => self.an.is_kept(b, k),
            Key::Temp(_) | Key::Iter(_) => true,
        }
    }

    /// Whether a point after `k` stores `key` in its state.
    fn stored_after(&self, key: Key, k: usize) -> bool {
        (k + 1..self.an.awaits.len()).any(|later| self.is_kept(key, later))
    }

    fn field_name(&mut self, key: Key, ident: &syn::Ident) -> syn::Ident {
        if let Some(name) = self.field_names.get(&key) {
            return name.clone();
        }
        // Fields are named after the binding as written, even when it was renamed.
        let written;
        let ident = match key {
            Key::Binding(b) => {
                written = self.an.bindings[b].ident.clone();
                &written
            }
            _ => ident,
        };
        let text = ident.to_string();
        let base = text.strip_prefix("r#").unwrap_or(&text).to_string();
        let count = self.used_names.entry(base.clone()).or_insert(0);
        // The first of a name keeps the identifier as written (raw or not); later ones get a
        // suffix, which is never a keyword.
        let name = if *count == 0 {
            ident.clone()
        } else {
            syn::Ident::new(&format!("{base}_{count}"), ident.span())
        };
        *count += 1;
        self.field_names.insert(key, name.clone());
        name
    }

    /// The fields of `SuspendK`, computed from the values alive in the frames.
    fn fields_at(&mut self, k: usize) -> Vec<Field> {
        let mut fields = Vec::new();
        let mut live: Vec<(Slot, bool)> = Vec::new();
        // Before edition 2024 the temporaries of the user's tail drop after the user's locals
        // (and before the parameters): in the state, they come before those locals, which
        // drop first, as the variant's fields drop in reverse.
        let tail = self.user_tail_scope.filter(|&(_, t)| {
            t < self.frames.len() && crate::edition::tail_temporaries_outlive_locals()
        });
        let mut tail_slots = Vec::new();
        let mut locals_start = None;
        for (i, frame) in self.frames.iter().enumerate() {
            if let Frame::Scope { slots, body } = frame {
                if tail.is_some_and(|(_, t)| t == i) && locals_start.is_none() {
                    // The user's block has no locals (yet).
                    locals_start = Some(live.len());
                }
                for (j, slot) in slots.iter().enumerate() {
                    match tail {
                        // (Only the tail's temporaries: an operand's value kept to be moved
                        // into its parent, `S { d, n: f().await }`, drops first, as rustc's.)
                        Some((_, t))
                            if t == i
                                && self.materialized.contains(&slot.ident.to_string())
                                && !self
                                    .key_nodes
                                    .get(&slot.key)
                                    .is_some_and(|n| self.macro_scoped.contains(n)) =>
                        {
                            tail_slots.push((slot.clone(), *body));
                            continue;
                        }
                        Some((b, _)) if b == i && locals_start.is_none() => {
                            let params = if i == 0 { self.param_slots } else { 0 };
                            if j >= params {
                                locals_start = Some(live.len());
                            }
                        }
                        _ => {}
                    }
                    live.push((slot.clone(), *body));
                }
            }
        }
        let at = locals_start.unwrap_or(live.len());
        live.splice(at..at, tail_slots);
        for (slot, body) in live {
            if !self.is_kept(slot.key, k) {
                continue;
            }
            let name = self.field_name(slot.key, &slot.ident);
            let guard = self.guard_of(slot.key).cloned();
            let (binding, rebound) = match &guard {
                Some(guard) if body => (guard.clone(), false),
                _ if body && matches!(slot.key, Key::Binding(_)) => (slot.ident.clone(), false),
                _ => (rebound_ident(slot.key, &name), true),
            };
            fields.push(Field {
                key: slot.key,
                name,
                binding,
                mutable: slot.mutable || guard.is_some(),
                homing: match (&guard, slot.key) {
                    (None, _) => Homing::Value,
                    (Some(_), Key::Binding(b)) if self.parted.contains_key(&b) => Homing::Parted,
                    (Some(_), _) => Homing::Whole,
                },
                rebound,
            });
        }
        fields
    }

    /// Stores the awaited future (none for a join point) and the live values in the state of
    /// point `k`, then goes round the poll loop to poll it (or continue from the join).
    fn suspend(&mut self, k: usize, awaited: Option<&TokenStream>) -> TokenStream {
        self.entered_from.push((self.current_arm, k));
        let fields = self.fields_at(k);
        self.check_shadowing(k, &fields);
        self.note_borrows(k, &fields);
        self.note_scope_homes(k);
        let variant = self.an.variant_name(k);
        let inits = fields.iter().map(|f| {
            let field = &f.name;
            let value = match self.guard_of(f.key) {
                Some(guard) => guard.clone(),
                None => self.current_ident(f.key),
            };
            if *field == value && matches!(f.key, Key::Binding(_)) {
                quote!(#field)
            } else {
                quote!(#field: #value)
            }
        });
        let inits: Vec<TokenStream> = inits.collect();
        self.record_variant(k, fields);
        let cont = if self.arm_loop_depth > 0 {
            self.uses_poll_label = true;
            let label = lifetime("'__poll");
            quote!(continue #label;)
        } else {
            quote!(continue;)
        };
        let span = self.an.awaits[k].span;
        let awaitee = awaited.map(|awaited| {
            let future = quote_spanned!(span=> ::visible_async::__private::Awaitee::new(::core::future::IntoFuture::into_future(#awaited)));
            quote!(__awaitee: #future,)
        });
        let state = hidden("__state");
        let name = &self.enum_name;
        let value = if awaitee.is_none() && inits.is_empty() {
            quote!(#name::#variant)
        } else {
            quote!(#name::#variant { #awaitee #(#inits),* })
        };
        quote! {
            #state.set(#value);
            #cont
        }
    }

    /// Records the fields of state `k` at its first suspension. A temporary that a later one
    /// holds and the first did not is one that an arm lowered earlier did not know was alive
    /// (a loop's body, written before the arm that makes its head's temporaries): the state
    /// gets it, and another round registers it in that arm too.
    fn record_variant(&mut self, k: usize, fields: Vec<Field>) {
        let Some(recorded) = &mut self.variants[k] else {
            self.variants[k] = Some(fields);
            return;
        };
        for (i, field) in fields.iter().enumerate() {
            if !matches!(field.key, Key::Temp(_)) || recorded.iter().any(|r| r.name == field.name) {
                continue;
            }
            let after = fields[..i]
                .iter()
                .rev()
                .find_map(|f| recorded.iter().position(|r| r.name == f.name));
            recorded.insert(after.map_or(0, |p| p + 1), field.clone());
            self.read_earlier_variant = true;
        }
    }

    fn current_ident(&self, key: Key) -> syn::Ident {
        for frame in self.frames.iter().rev() {
            if let Frame::Scope { slots, .. } = frame
                && let Some(slot) = slots.iter().rev().find(|s| s.key == key)
            {
                return slot.ident.clone();
            }
        }
        hidden("__missing")
    }

    /// A kept value under the same name as a newer one in scope (kept or not) is unreachable by
    /// name in the generated code, so it is recorded for renaming.
    fn check_shadowing(&mut self, k: usize, fields: &[Field]) {
        let in_scope: Vec<(Key, syn::Ident)> = self
            .frames
            .iter()
            .filter_map(|f| match f {
                Frame::Scope { slots, .. } => Some(slots),
                _ => None,
            })
            .flatten()
            .map(|s| (s.key, s.ident.clone()))
            .collect();
        for field in fields {
            let Key::Binding(older) = field.key else {
                continue;
            };
            let Some(at) = in_scope.iter().rposition(|(key, _)| *key == field.key) else {
                continue;
            };
            let ident = &in_scope[at].1;
            if in_scope[at + 1..]
                .iter()
                .any(|(key, newer)| newer == ident && *key != field.key)
            {
                // The older value is unreachable by its name: the next lowering gives it a
                // hidden one.
                self.discovered.insert(older);
                if self.renamed.contains_key(&older) {
                    let message = format!(
                        "`{ident}` is shadowed while the older value is still alive across this `.await`; \
                         #[visible_async] cannot reach the older value: give one of them another name",
                    );
                    self.errors
                        .push(syn::Error::new(self.an.awaits[k].span, message));
                }
                return;
            }
        }
    }

    /// `let` statements that move the state's values into the scope the resume code is
    /// rebuilding, or declare the ones that are not kept but assigned later.
    fn rebinds(&mut self, k: usize) -> Vec<TokenStream> {
        let mut out = Vec::new();
        let Some(Frame::Scope { slots, body }) = self.frames.last() else {
            return out;
        };
        let (slots, body) = (slots.clone(), *body);
        // At the body's scope the state's pattern binds the kept locals; one declared again
        // here (not kept, assigned later) comes after them and would drop first. So with it
        // go the kept locals declared after it, moved into new bindings after it: all drop in
        // declaration order, whether or not the arm keeps the declaration. (Before edition
        // 2024 not the parameters: moved into the arm's block, they would drop before the
        // temporaries of its tail, which such a block drops after its locals.)
        let params = if crate::edition::tail_temporaries_outlive_locals() {
            self.param_slots
        } else {
            0
        };
        let moved_after = |this: &Self, from: usize| -> Vec<TokenStream> {
            slots[from.max(params)..]
                .iter()
                .filter(|slot| matches!(slot.key, Key::Binding(_)) && this.is_kept(slot.key, k))
                .map(|slot| {
                    if let Some(guard) = this.guard_of(slot.key) {
                        return quote!(let mut #guard = #guard;);
                    }
                    let ident = &slot.ident;
                    let mutability = slot.mutable.then(|| quote!(mut));
                    quote!(let #mutability #ident = #ident;)
                })
                .collect()
        };
        for (i, slot) in slots.iter().enumerate() {
            let ident = &slot.ident;
            let mutability = slot.mutable.then(|| quote!(mut));
            if self.is_kept(slot.key, k) {
                if let Some(guard) = self.guard_of(slot.key).cloned() {
                    if !body {
                        let name = self.field_name(slot.key, &slot.ident);
                        let from = rebound_ident(slot.key, &name);
                        out.push(quote!(let mut #guard = #from;));
                    }
                    continue;
                }
                if body && matches!(slot.key, Key::Binding(_)) {
                    continue;
                }
                let name = self.field_name(slot.key, &slot.ident);
                let from = rebound_ident(slot.key, &name);
                if !(body && matches!(slot.key, Key::Temp(_))) {
                    out.push(quote!(let #mutability #ident = #from;));
                }
            } else if let Key::Binding(b) = slot.key
                && (self.an.is_mentioned_after(b, k)
                    || (self.an.leaves_after(k) && self.stored_after(slot.key, k)))
                // (A newer binding of the name shadows it: what follows means that one.)
                && !slots[i + 1..].iter().any(|later| later.ident == *ident)
            {
                // Without its type unless one is written: kept only if this arm mentions it (it may only be
                // assigned in a later arm, which declares it again). After a point that leaves
                // the function, the code that follows is unreachable but must compile: what
                // a later state stores is declared, never assigned (and the state's field
                // gives it its type).
                let after = if body {
                    moved_after(self, i + 1)
                } else {
                    Vec::new()
                };
                let ty = self.an.bindings[b]
                    .declared_ty
                    .as_ref()
                    .map(|ty| quote!(: #ty));
                out.push(deferred_let(
                    &quote!(let #mutability #ident #ty; #(#after)*),
                ));
            }
        }
        out
    }

    // ----- statements ---------------------------------------------------------------------

    /// Forward code of statements: (statements, tail value, whether it always suspends).
    /// `split` says the block these statements belong to is spread over several arms: its
    /// items were hoisted to the top of the function (see [`hoisted_items`]).
    fn fwd_stmts(
        &mut self,
        stmts: &[Stmt],
        split: bool,
    ) -> (Vec<TokenStream>, Option<TokenStream>, bool) {
        let mut out = Vec::new();
        for (i, stmt) in stmts.iter().enumerate() {
            if split && matches!(stmt, Stmt::Item(_)) {
                continue;
            }
            let last = i + 1 == stmts.len();
            let step = self.fwd_stmt(stmt, last);
            if let Some((tail, diverged)) = self.append_step(&mut out, stmt, step) {
                return (out, tail, diverged);
            }
        }
        // A block whose statements include a visible `return` (or `panic!`, or a loop without
        // `break`) has type `!` for the expression around it. The dead code after it stays: it
        // is type-checked like the original's, and fills the states it would reach.
        (out, None, stmts.iter().any(ends_by_diverging))
    }

    /// Appends a statement's code to a block's. `Some((tail, diverged))` when the block ends
    /// there: a tail expression, a suspension, or a jump to the join point after it.
    fn append_step(
        &mut self,
        out: &mut Vec<TokenStream>,
        stmt: &Stmt,
        step: StmtOut,
    ) -> Option<(Option<TokenStream>, bool)> {
        match step {
            StmtOut::Stmts(s) => {
                out.extend(s);
                let j = self.an.join_after.get(&node_id(stmt)).copied()?;
                out.push(self.suspend(j, None));
                Some((None, true))
            }
            StmtOut::Tail(s, tail) => {
                out.extend(s);
                Some((Some(tail), false))
            }
            StmtOut::Diverges(s) => {
                out.extend(s);
                Some((None, true))
            }
        }
    }

    fn fwd_stmt(&mut self, stmt: &Stmt, last: bool) -> StmtOut {
        if let (true, Stmt::Expr(tail, None)) = (last, stmt)
            && self.is_outliving_tail(stmt)
            && !self.an.contains_await(stmt)
        {
            return self.hoist_tail_temporaries(tail);
        }
        if !self.an.contains_await(stmt) {
            if let Some(out) = self.homed_uninit(stmt) {
                return StmtOut::Stmts(vec![out]);
            }
            let mut out = self.verbatim_stmt(stmt);
            if let Stmt::Local(syn::Local {
                init: None,
                pat: Pat::Ident(_),
                ..
            }) = stmt
            {
                // `let x;` with no type: an arm that never assigns `x` could not infer it.
                out = deferred_let(&out);
            }
            if let Stmt::Local(local) = stmt {
                self.declare_pat(&local.pat);
                out.extend(self.home_pat(&local.pat));
            }
            if let (true, Stmt::Expr(_, None)) = (last, stmt) {
                return StmtOut::Tail(Vec::new(), out);
            }
            return StmtOut::Stmts(vec![out]);
        }
        match stmt {
            Stmt::Local(local) => {
                let Some(init) = &local.init else {
                    return StmtOut::Stmts(Vec::new());
                };
                if self.an.contains_await(&*init.expr) {
                    self.push_scope(&[]);
                    let flow = self.fwd_expr(&init.expr, let_ctx(&local.pat));
                    self.frames.pop();
                    self.finish_local(local, flow, None, &HeldTemps::default())
                } else {
                    // The `.await` is in the `else` block.
                    let value = self.verbatim(&init.expr);
                    let diverge = init.diverge.as_ref().map(|(_, e)| self.fwd_expr_tokens(e));
                    self.finish_local(
                        local,
                        Flow::Value(Vec::new(), value),
                        diverge,
                        &HeldTemps::default(),
                    )
                }
            }
            Stmt::Expr(expr, semi) => {
                self.push_stmt_scope(stmt);
                let flow = self.fwd_expr(expr, Ctx::Value);
                self.frames.pop();
                Self::finish_expr_stmt(flow, semi.is_none() && last)
            }
            Stmt::Macro(m) => {
                self.push_scope(&[]);
                let flow = self.fwd_macro(&m.mac, None);
                self.frames.pop();
                let semi = &m.semi_token;
                match flow {
                    Flow::Value(s, v) => StmtOut::Stmts(vec![wrap_stmts(&s, &quote!(#v #semi))]),
                    Flow::Diverges(s) => StmtOut::Diverges(s),
                }
            }
            Stmt::Item(item) => StmtOut::Stmts(vec![item.to_token_stream()]),
        }
    }

    /// Before edition 2024 a block's tail temporaries are the enclosing statement's
    /// (`region.rs`, `resolve_block`): with the block's value kept across a later `.await` of
    /// the statement (`f({ g().await; t().len() }, h().await)`, bound to a hidden local), those
    /// the tail uses in place are assigned to hidden locals declared before the block, which
    /// the state holds to the end of the statement.
    fn hoist_tail_temporaries(&mut self, tail: &Expr) -> StmtOut {
        let (stmts, value) = self.materialize(tail);
        StmtOut::Tail(self.hoist_lets(stmts), value)
    }

    /// The resumed tail of such a block (its `.await` is in the tail): what it makes in place
    /// is held as if an `.await` followed, and hoisted; what it took from the state stays
    /// alive after the block instead of dropping with the tail.
    fn resume_outliving_tail(&mut self, stmt: &Stmt, expr: &Expr, k: usize) -> StmtOut {
        let made_before = self.outliving_tail.as_ref().map_or(0, |(_, t)| t.len());
        self.push_stmt_scope(stmt);
        let flow = self.with_await_following(true, |this| this.resume_expr(expr, k, Ctx::Value));
        let ends = self.temporaries_end();
        let step = match flow {
            Flow::Value(s, v) => StmtOut::Tail(self.hoist_lets(s), v),
            Flow::Diverges(s) => StmtOut::Diverges(s),
        };
        let taken: Vec<OutlivingTemp> = ends
            .0
            .iter()
            .rev()
            .filter_map(|ident| Some((self.current_key(ident)?, ident.clone(), false)))
            .collect();
        self.frames.pop();
        // (Those were made before the ones the resumed code made.)
        if let Some((_, temps)) = &mut self.outliving_tail {
            temps.splice(made_before..made_before, taken);
        }
        step
    }

    /// `let __tmpN = value;` statements of temporaries used in place become assignments to
    /// hidden locals declared before the block (see [`Lowerer::outliving_tail`]).
    fn hoist_lets(&mut self, stmts: Vec<TokenStream>) -> Vec<TokenStream> {
        let mut out = Vec::new();
        for stmt in stmts {
            match syn::parse2::<Stmt>(stmt.clone()) {
                Ok(Stmt::Local(syn::Local {
                    pat: Pat::Ident(pi),
                    init: Some(init),
                    ..
                })) if self.materialized.contains(&pi.ident.to_string()) => {
                    let ident = pi.ident;
                    let value = &init.expr;
                    out.push(quote_spanned!(value.span()=> #ident = #value;));
                    let key = self.current_key(&ident);
                    if let (Some(key), Some((_, temps))) = (key, &mut self.outliving_tail) {
                        temps.push((key, ident, true));
                    }
                }
                _ => out.push(stmt),
            }
        }
        out
    }

    /// Whether `stmt` is the tail of the block whose tail temporaries outlive it.
    fn is_outliving_tail(&self, stmt: &Stmt) -> bool {
        self.outliving_tail
            .as_ref()
            .is_some_and(|(t, _)| *t == node_id(stmt))
    }

    /// The key of the value the innermost scope holds under `ident`.
    fn current_key(&self, ident: &syn::Ident) -> Option<Key> {
        self.frames.iter().rev().find_map(|f| match f {
            Frame::Scope { slots, .. } => slots
                .iter()
                .rev()
                .find(|s| s.ident == *ident)
                .map(|s| s.key),
            _ => None,
        })
    }

    /// Whether a block expression's tail temporaries must outlive it in the generated code
    /// (see [`Lowerer::hoist_tail_temporaries`]): an `.await` follows in the statement, or the
    /// join point after the block (`joined`), which the generated code passes through.
    /// (Not a labelled block that a `break` leaves: the temporaries would be made on one path
    /// only.)
    pub(super) fn tail_outlives_block(&self, b: &syn::ExprBlock, joined: bool) -> bool {
        (self.await_follows || joined)
            && b.label
                .as_ref()
                .is_none_or(|l| !breaks_to(&b.block, &l.name))
            && crate::edition::tail_temporaries_outlive_locals()
            && self.outliving_tail.is_none()
            && b.block
                .stmts
                .last()
                .is_some_and(|s| matches!(s, Stmt::Expr(_, None)))
    }

    /// `let x;` (or `let x: T;`) for a homed `x`: an empty home, filled by the assignment.
    fn homed_uninit(&mut self, stmt: &Stmt) -> Option<TokenStream> {
        let Stmt::Local(local) = stmt else {
            return None;
        };
        if local.init.is_some() {
            return None;
        }
        let (pi, ty) = match &local.pat {
            Pat::Ident(pi) => (pi, None),
            Pat::Type(pt) => match &*pt.pat {
                Pat::Ident(pi) => (pi, Some(&pt.ty)),
                _ => return None,
            },
            _ => return None,
        };
        let &b = self.an.binding_of.get(&node_id(pi))?;
        if !self.guards.contains_key(&b) {
            return None;
        }
        self.declare_pat(&local.pat);
        let mut out = self.home_value(b, None);
        if let Some(ty) = ty {
            // Keep the written type: `let x: T;` becomes a guard of a `T`.
            let guard = &self.guards[&b];
            let remains = self
                .parted
                .contains_key(&b)
                .then(|| quote!(, ::visible_async::__private::Parts<#ty>));
            out.extend(
                quote!(let _: &::visible_async::__private::HomeGuard<#ty #remains> = &#guard;),
            );
        }
        Some(out)
    }

    /// A `let` from its lowered initializer. `ends` drops the initializer's held temporaries:
    /// rustc drops them before a `let .. else` runs its `else` block (and after the statement
    /// otherwise, which the caller does).
    fn finish_local(
        &mut self,
        local: &syn::Local,
        flow: Flow,
        diverge: Option<TokenStream>,
        ends: &HeldTemps,
    ) -> StmtOut {
        let pat = &local.pat;
        let attrs = &local.attrs;
        match flow {
            Flow::Value(s, v) => {
                let value = if s.is_empty() {
                    v
                } else {
                    quote!({ #(#s)* #v })
                };
                let else_part = match (&local.init, diverge) {
                    (_, Some(d)) => quote!(else #d),
                    (Some(init), None) => match &init.diverge {
                        Some((_, e)) => {
                            let e = match self.an.else_join.get(&node_id(local)) {
                                Some(&j) => {
                                    let jump = self.suspend(j, None);
                                    quote!({ #jump })
                                }
                                None => self.fwd_expr_tokens(e),
                            };
                            if ends.is_empty() {
                                quote!(else #e)
                            } else {
                                quote!(else { #ends #e })
                            }
                        }
                        None => TokenStream::new(),
                    },
                    (None, None) => TokenStream::new(),
                };
                // `let PAT = { .. } else { .. }` is not allowed: the initializer may not end
                // with a brace.
                let ends_in_brace = matches!(
                    value.clone().into_iter().last(),
                    Some(proc_macro2::TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Brace
                );
                let value = if ends_in_brace && !else_part.is_empty() {
                    quote!((#value))
                } else {
                    value
                };
                let pat_tokens = self.pat_tokens(pat);
                let mut out = quote!(#(#attrs)* let #pat_tokens = #value #else_part;);
                self.declare_pat(pat);
                out.extend(self.home_pat(pat));
                StmtOut::Stmts(vec![out])
            }
            Flow::Diverges(s) => StmtOut::Diverges(s),
        }
    }

    fn finish_expr_stmt(flow: Flow, tail: bool) -> StmtOut {
        match flow {
            Flow::Value(s, v) if tail => StmtOut::Tail(s, v),
            Flow::Value(s, v) => StmtOut::Stmts(vec![wrap_stmts(&s, &expr_stmt(&v))]),
            Flow::Diverges(s) => StmtOut::Diverges(s),
        }
    }

    /// Resume code of statements, `stmts[i]` holding suspension point `k`. At the body's top
    /// level it ends by completing the future.
    fn resume_stmts(&mut self, stmts: &[Stmt], k: usize, body_level: bool) -> TokenStream {
        let (out, tail, diverged) = self.resume_stmts_parts(stmts, k);
        if body_level {
            self.finish_body(out, tail, diverged, stmts)
        } else {
            quote!(#(#out)* #tail)
        }
    }

    fn resume_stmts_parts(
        &mut self,
        stmts: &[Stmt],
        k: usize,
    ) -> (Vec<TokenStream>, Option<TokenStream>, bool) {
        let Some(i) = stmts.iter().position(|s| self.an.contains(s, k)) else {
            return (Vec::new(), None, false);
        };
        let joined =
            self.an.awaits[k].join && self.an.join_after.get(&node_id(&stmts[i])) == Some(&k);
        // At a join point the statement before it has run: continue after it.
        let done = if joined { i + 1 } else { i };
        for stmt in &stmts[..done] {
            if let Stmt::Local(local) = stmt {
                self.declare_pat(&local.pat);
            }
        }
        let mut out = self.rebinds(k);
        if joined {
            let (rest, tail, diverged) = self.fwd_stmts(&stmts[done..], true);
            out.extend(rest);
            return (out, tail, diverged);
        }
        let last = i + 1 == stmts.len();
        let step = match &stmts[i] {
            Stmt::Local(local) => {
                let Some(init) = local.init.as_ref() else {
                    return (out, None, false);
                };
                if self.an.contains(&*init.expr, k) {
                    self.push_scope(&[]);
                    let flow = self.resume_expr(&init.expr, k, let_ctx(&local.pat));
                    let ends = self.temporaries_end();
                    self.frames.pop();
                    let step = self.finish_local(local, flow, None, &ends);
                    self.with_ends(step, &ends)
                } else {
                    let diverge = init.diverge.as_ref().map(|(_, e)| &**e);
                    let at_join = self.an.else_join.get(&node_id(local)) == Some(&k);
                    let flow = diverge.map(|e| {
                        if at_join {
                            self.fwd_expr(e, Ctx::Value)
                        } else {
                            self.resume_expr(e, k, Ctx::Value)
                        }
                    });
                    match flow {
                        Some(Flow::Value(s, v)) => StmtOut::Diverges(vec![quote!({ #(#s)* #v; })]),
                        Some(Flow::Diverges(s)) => StmtOut::Diverges(s),
                        None => StmtOut::Diverges(Vec::new()),
                    }
                }
            }
            Stmt::Expr(expr, None) if last && self.is_outliving_tail(&stmts[i]) => {
                self.resume_outliving_tail(&stmts[i], expr, k)
            }
            Stmt::Expr(expr, semi) => {
                self.push_stmt_scope(&stmts[i]);
                let flow = self.resume_expr(expr, k, Ctx::Value);
                let ends = self.temporaries_end();
                self.frames.pop();
                self.with_ends(Self::finish_expr_stmt(flow, semi.is_none() && last), &ends)
            }
            Stmt::Macro(m) => {
                self.push_scope(&[]);
                let flow = self.fwd_macro(&m.mac, Some(k));
                let ends = self.temporaries_end();
                self.frames.pop();
                let semi = &m.semi_token;
                let step = match flow {
                    Flow::Value(s, v) => StmtOut::Stmts(vec![wrap_stmts(&s, &quote!(#v #semi))]),
                    Flow::Diverges(s) => StmtOut::Diverges(s),
                };
                self.with_ends(step, &ends)
            }
            Stmt::Item(_) => StmtOut::Stmts(Vec::new()),
        };
        if let Some((tail, diverged)) = self.append_step(&mut out, &stmts[i], step) {
            return (out, tail, diverged);
        }
        let (rest, tail, diverged) = self.fwd_stmts(&stmts[i + 1..], true);
        out.extend(rest);
        let diverged = diverged || (tail.is_none() && ends_by_diverging(&stmts[i]));
        (out, tail, diverged)
    }

    /// A resumed statement with the temporaries it took from the state (`ends`) dropped where it
    /// ends. In a scope inside the body's, they are first moved into that scope, after the locals
    /// the resume code moved there: leaving it early (`return`, `break`, a panic) drops them
    /// before those locals, as rustc drops a statement's temporaries before its block's locals.
    fn with_ends(&self, step: StmtOut, ends: &HeldTemps) -> StmtOut {
        if ends.is_empty() {
            return step;
        }
        let nested = self
            .frames
            .iter()
            .any(|f| matches!(f, Frame::Scope { body: false, .. }));
        let moved_in = |mut s: Vec<TokenStream>| {
            if nested {
                let lets = ends.0.iter().rev().map(|t| quote!(let #t = #t;));
                s.splice(0..0, lets);
            }
            s
        };
        match step {
            StmtOut::Stmts(s) => {
                let mut s = moved_in(s);
                s.push(ends.to_token_stream());
                StmtOut::Stmts(s)
            }
            // A tail's temporaries drop with the tail, by the edition of its block: the kept ones
            // go into a temporary of the tail made before the rest of it.
            StmtOut::Tail(s, tail) => {
                let held = &ends.0;
                let tail = quote!(::visible_async::__private::TailTemporaries::new()
                    .keep(#tail, (#(#held,)*)));
                StmtOut::Tail(moved_in(s), tail)
            }
            StmtOut::Diverges(s) => StmtOut::Diverges(moved_in(s)),
        }
    }

    // ----- blocks -------------------------------------------------------------------------

    /// Forward code of a block, with `pats` bound at its start (`if let`, arms, `for`).
    fn fwd_block(&mut self, block: &Block, pats: &[&Pat]) -> (TokenStream, bool) {
        self.push_scope(pats);
        let homing: Vec<TokenStream> = pats.iter().map(|pat| self.home_pat(pat)).collect();
        let split = self.an.contains_await(block);
        let (stmts, tail, diverged) = self.fwd_stmts(&block.stmts, split);
        self.frames.pop();
        (
            quote_spanned!(block.brace_token.span.join()=> { #(#homing)* #(#stmts)* #tail }),
            diverged,
        )
    }

    fn resume_block(&mut self, block: &Block, k: usize, pats: &[&Pat]) -> (TokenStream, bool) {
        self.push_scope(pats);
        let (stmts, tail, diverged) = self.resume_stmts_parts(&block.stmts, k);
        self.frames.pop();
        (
            quote_spanned!(block.brace_token.span.join()=> { #(#stmts)* #tail }),
            diverged,
        )
    }

    fn block_flow((tokens, diverged): (TokenStream, bool)) -> Flow {
        if diverged {
            Flow::Diverges(vec![tokens])
        } else {
            Flow::Value(Vec::new(), tokens)
        }
    }

    /// Resume code of a block expression (as the value of an arm, an `else`, ...).
    fn resume_block_expr(&mut self, expr: &Expr, k: usize, pats: &[&Pat]) -> Flow {
        match expr {
            Expr::Block(b) if b.label.is_none() && b.attrs.is_empty() => {
                Self::block_flow(self.resume_block(&b.block, k, pats))
            }
            _ => {
                self.push_scope(pats);
                let mut rebinds = self.rebinds(k);
                let flow = self.resume_expr(expr, k, Ctx::Value);
                self.frames.pop();
                match flow {
                    Flow::Value(s, v) => {
                        rebinds.extend(s);
                        Flow::Value(Vec::new(), quote!({ #(#rebinds)* #v }))
                    }
                    Flow::Diverges(s) => {
                        rebinds.extend(s);
                        Flow::Diverges(vec![quote!({ #(#rebinds)* })])
                    }
                }
            }
        }
    }

    /// Forward code of an arm's body, and whether it always suspends.
    fn fwd_block_expr(&mut self, expr: &Expr, pats: &[&Pat]) -> (TokenStream, bool) {
        match expr {
            Expr::Block(b) if b.label.is_none() && b.attrs.is_empty() => {
                self.fwd_block(&b.block, pats)
            }
            _ => {
                self.push_scope(pats);
                let homing: Vec<TokenStream> = pats.iter().map(|pat| self.home_pat(pat)).collect();
                let (value, diverged) = self.fwd_expr(expr, Ctx::Value).into_expr();
                self.frames.pop();
                if homing.iter().all(TokenStream::is_empty) {
                    (value, diverged)
                } else {
                    (quote!({ #(#homing)* #value }), diverged)
                }
            }
        }
    }

    // ----- expressions --------------------------------------------------------------------

    /// Forward code of an expression as a single expression.
    fn fwd_expr_tokens(&mut self, expr: &Expr) -> TokenStream {
        self.fwd_expr(expr, Ctx::Value).into_expr().0
    }

    fn fwd_expr(&mut self, expr: &Expr, ctx: Ctx) -> Flow {
        if !self.an.contains_await(expr) {
            return Flow::Value(Vec::new(), self.verbatim(expr));
        }
        self.lower_expr(expr, None, ctx)
    }

    fn resume_expr(&mut self, expr: &Expr, k: usize, ctx: Ctx) -> Flow {
        self.lower_expr(expr, Some(k), ctx)
    }

    /// Runs `lower` with [`Lowerer::await_follows`] set to `follows`: whether what the code
    /// makes in place is kept across a later `.await`.
    fn with_await_following<T>(&mut self, follows: bool, lower: impl FnOnce(&mut Self) -> T) -> T {
        let saved = std::mem::replace(&mut self.await_follows, follows);
        let out = lower(self);
        self.await_follows = saved;
        out
    }

    /// Forward (`k == None`) or resume code of an expression containing an `.await`.
    fn lower_expr(&mut self, expr: &Expr, k: Option<usize>, ctx: Ctx) -> Flow {
        // An `.await` later in the statement keeps this operand's temporaries alive; a block
        // or a branch has statements (and temporaries) of its own.
        let saved = self.await_follows;
        let join = self.an.value_join.get(&node_id(expr)).copied();
        if let Expr::Block(b) = expr
            && join.is_none()
            && self.tail_outlives_block(b, false)
        {
            return self.lower_block_with_outliving_tail(expr, b, k, ctx);
        }
        let operator = matches!(expr, Expr::Paren(_) | Expr::Group(_) | Expr::Await(_))
            || operands::operands(expr).is_some()
            || matches!(expr, Expr::Macro(m) if self.an.macros.contains_key(&node_id(&m.mac)));
        if !operator {
            self.await_follows = false;
        }
        let flow = match join {
            Some(j) => self.lower_to_value_join(expr, j, k, ctx),
            None => self.lower_expr_inner(expr, k, ctx),
        };
        self.await_follows = saved;
        flow
    }

    /// An expression whose paths meet at join point `j` right after it (see
    /// `Analysis::value_join`): every path stores the value in a hidden temporary and moves
    /// to `j`, whose resume code takes it from the state, like an awaited output, and runs
    /// the rest of the statement once.
    fn lower_to_value_join(&mut self, expr: &Expr, j: usize, k: Option<usize>, ctx: Ctx) -> Flow {
        if k == Some(j) {
            // The temporaries the state holds for the expression (a `match` scrutinee's) are
            // alive, the value itself is moved out of the state here (used in place, it is
            // held as a resumed value is: see `hold_resumed_value`).
            self.register_temporaries(expr);
            let temp = self.temp(expr);
            self.forget_temp(expr);
            return Flow::Value(Vec::new(), operands::render(&temp, ctx));
        }
        let flow = match expr {
            Expr::Block(b) if self.tail_outlives_block(b, true) => {
                self.lower_block_with_outliving_tail(expr, b, k, ctx)
            }
            _ => self.lower_expr_inner(expr, k, ctx),
        };
        match flow {
            Flow::Value(mut stmts, value) => {
                let temp = self.temp(expr);
                let span = expr.span();
                stmts.push(quote_spanned!(span=> let #temp = #value;));
                stmts.push(self.suspend(j, None));
                Flow::Diverges(stmts)
            }
            flow @ Flow::Diverges(_) => flow,
        }
    }

    /// A block whose tail's temporaries outlive it (see [`Lowerer::hoist_tail_temporaries`]).
    pub(super) fn lower_block_with_outliving_tail(
        &mut self,
        expr: &Expr,
        b: &syn::ExprBlock,
        k: Option<usize>,
        ctx: Ctx,
    ) -> Flow {
        let tail = b.block.stmts.last().map(node_id).unwrap_or_default();
        let saved = self.outliving_tail.replace((tail, Vec::new()));
        // Its tail's temporaries are ordered before its locals (see `fields_at`).
        // (A macro the block is in does not end them before the block's locals.)
        let user_tail_scope = self.user_tail_scope;
        let macro_scoped = std::mem::take(&mut self.macro_scoped);
        let flow = self.with_await_following(false, |this| this.lower_expr_inner(expr, k, ctx));
        self.user_tail_scope = user_tail_scope;
        self.macro_scoped = macro_scoped;
        let (_, temps) = std::mem::replace(&mut self.outliving_tail, saved).unwrap_or_default();
        // Declared before the block, assigned in its tail: temporaries of the statement,
        // alive from their assignment on.
        let decls: Vec<TokenStream> = temps
            .iter()
            .filter(|(_, _, declare)| *declare)
            .map(|(_, ident, _)| quote!(let #ident;))
            .collect();
        for (key, ident, _) in temps {
            self.push_slot(key, ident, false);
        }
        flow.after(decls)
    }

    #[allow(clippy::too_many_lines)]
    fn lower_expr_inner(&mut self, expr: &Expr, k: Option<usize>, ctx: Ctx) -> Flow {
        match expr {
            Expr::Await(a) => {
                let Some(&index) = self.an.await_index.get(&node_id(a)) else {
                    return Flow::Value(Vec::new(), expr.to_token_stream());
                };
                let plain_base = !self.an.contains_await(&*a.base);
                if k == Some(index) {
                    // Register the awaited expression's temporaries, alive until here (with
                    // `.await`s inside, those the state holds).
                    self.register_temporaries(&a.base);
                    return Flow::Value(Vec::new(), output(ctx));
                }
                // Temporaries in the awaited expression live to the end of the statement, across
                // the `.await`.
                let base = match k {
                    None if plain_base => {
                        let (s, v) = self.materialize(&a.base);
                        Flow::Value(s, v)
                    }
                    // What the resumed base makes is held across its own `.await` too, and so
                    // is what a base whose `.await`s may not run makes.
                    _ => self
                        .with_await_following(true, |this| this.lower_expr(&a.base, k, Ctx::Value)),
                };
                match base {
                    Flow::Value(mut s, v) => {
                        s.push(self.suspend(index, Some(&v)));
                        Flow::Diverges(s)
                    }
                    d @ Flow::Diverges(_) => d,
                }
            }
            Expr::Block(b) => {
                let label = &b.label;
                // Inside a labeled block an unlabeled `continue` is an error, so suspending
                // there must name the poll loop.
                let depth = usize::from(label.is_some());
                self.arm_loop_depth += depth;
                let at = label.as_ref().map(|l| {
                    self.push_breakable(Frame::Block {
                        label: l.name.clone(),
                    })
                });
                let (block, diverged) = match k {
                    Some(k) => self.resume_block(&b.block, k, &[]),
                    None => self.fwd_block(&b.block, &[]),
                };
                if let Some(at) = at {
                    let left = self.broken_at(at);
                    self.frames.pop();
                    if diverged && !left {
                        self.arm_loop_depth -= depth;
                        return Flow::Diverges(vec![quote!(#label #block)]);
                    }
                }
                self.arm_loop_depth -= depth;
                let tokens = quote!(#label #block);
                if diverged && label.is_none() {
                    Flow::Diverges(vec![tokens])
                } else {
                    Flow::Value(Vec::new(), tokens)
                }
            }
            Expr::Unsafe(u) => {
                let (block, diverged) = match k {
                    Some(k) => self.resume_block(&u.block, k, &[]),
                    None => self.fwd_block(&u.block, &[]),
                };
                let tokens = quote!(unsafe #block);
                if diverged {
                    Flow::Diverges(vec![tokens])
                } else {
                    Flow::Value(Vec::new(), tokens)
                }
            }
            Expr::Paren(p) => self.wrap_flow(&p.expr, k, ctx, |v| quote!((#v))),
            Expr::Group(g) => self.wrap_flow(&g.expr, k, ctx, |v| v),
            Expr::If(i) => self.lower_if(i, k),
            Expr::Match(m) => self.lower_match(m, k),
            Expr::Loop(l) => {
                self.lower_loop(node_id(expr), l.label.as_ref(), &l.body, k, LoopKind::Loop)
            }
            Expr::While(w) => self.lower_loop(
                node_id(expr),
                w.label.as_ref(),
                &w.body,
                k,
                LoopKind::While(&w.cond),
            ),
            Expr::ForLoop(f) => self.lower_for(node_id(expr), f, k),
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)) => {
                self.lower_lazy(b, k)
            }
            Expr::Macro(m) => self.fwd_macro(&m.mac, k),
            _ => self.lower_compound(expr, k),
        }
    }

    fn wrap_flow(
        &mut self,
        inner: &Expr,
        k: Option<usize>,
        ctx: Ctx,
        f: impl FnOnce(TokenStream) -> TokenStream,
    ) -> Flow {
        let flow = match k {
            Some(k) => self.resume_expr(inner, k, ctx),
            None => self.fwd_expr(inner, ctx),
        };
        match flow {
            Flow::Value(s, v) => Flow::Value(s, f(v)),
            d @ Flow::Diverges(_) => d,
        }
    }

    /// `a && b` and `a || b`: `b` runs only when needed.
    fn lower_lazy(&mut self, b: &syn::ExprBinary, k: Option<usize>) -> Flow {
        let is_and = matches!(b.op, syn::BinOp::And(_));
        let in_right = k.is_some_and(|k| self.an.contains(&*b.right, k));
        if in_right {
            // The left side already decided that the right side's value is the result.
            let k = k.unwrap_or_default();
            return self.lazy_operand(|l| l.resume_expr(&b.right, k, Ctx::Value));
        }
        let left = self.lazy_operand(|l| match k {
            Some(k) => l.resume_expr(&b.left, k, Ctx::Value),
            None => l.fwd_expr(&b.left, Ctx::Value),
        });
        let (s, l) = match left {
            Flow::Value(s, l) => (s, l),
            d @ Flow::Diverges(_) => return d,
        };
        if !self.an.contains_await(&*b.right) {
            let r = self.verbatim(&b.right);
            let op = &b.op;
            return Flow::Value(s, quote!(#l #op #r));
        }
        let right = self
            .lazy_operand(|l| l.fwd_expr(&b.right, Ctx::Value))
            .into_expr()
            .0;
        let value = if is_and {
            quote!(if #l { #right } else { false })
        } else {
            quote!(if #l { true } else { #right })
        };
        Flow::Value(s, value)
    }

    /// An operand of `&&` or `||`, a scope of its own (`region.rs` makes both terminating
    /// scopes): the temporaries it holds across an `.await` drop when it ends, before the
    /// other operand or the rest of the expression runs.
    fn lazy_operand(&mut self, lower: impl FnOnce(&mut Self) -> Flow) -> Flow {
        self.push_scope(&[]);
        let flow = lower(self);
        let ends = self.temporaries_end();
        self.frames.pop();
        match flow {
            Flow::Value(s, v) if !ends.is_empty() => {
                let value = hidden("__value");
                Flow::Value(s, quote!({ let #value: bool = #v; #ends #value }))
            }
            flow => flow,
        }
    }

    fn lower_if(&mut self, i: &syn::ExprIf, k: Option<usize>) -> Flow {
        let pats = let_pats(&i.cond);
        if let Some(k) = k {
            if self.an.contains(&i.then_branch, k) {
                return Self::block_flow(self.resume_block(&i.then_branch, k, &pats));
            }
            if let Some((_, els)) = &i.else_branch
                && self.an.contains(&**els, k)
            {
                return self.resume_else(els, k);
            }
        }
        if let Some(flow) = self.lower_if_and_awaits(i, k, &pats) {
            return flow;
        }
        let cond = self.lower_cond(&i.cond, k);
        let (s, cond) = match cond {
            Flow::Value(s, c) => (s, c),
            d @ Flow::Diverges(_) => return d,
        };
        let (then, then_diverges) = self.fwd_block(&i.then_branch, &pats);
        let mut else_diverges = false;
        let els = i.else_branch.as_ref().map(|(_, e)| {
            let (e, diverges) = self.fwd_else(e);
            else_diverges = diverges;
            quote!(else #e)
        });
        let tokens = quote!(if #cond #then #els);
        if then_diverges && else_diverges {
            // Every branch suspends: nothing after this `if` runs in this arm.
            let mut s = s;
            s.push(tokens);
            Flow::Diverges(s)
        } else {
            Flow::Value(s, tokens)
        }
    }

    /// Forward code of `if l && r.await { .. } else { .. }` where `r` always suspends: the
    /// `then` block is only reached from the resumed state, so it is not written here too
    /// (two copies would make two types of any closure or `async` block in it).
    fn lower_if_and_awaits(
        &mut self,
        i: &syn::ExprIf,
        k: Option<usize>,
        pats: &[&Pat],
    ) -> Option<Flow> {
        let forward = k.is_none_or(|k| !self.an.contains(&*i.cond, k));
        if !forward || !pats.is_empty() {
            return None;
        }
        let (left, right) = self.and_then_suspends(&i.cond)?;
        let mut else_diverges = false;
        let els = i.else_branch.as_ref().map(|(_, e)| {
            let (e, diverges) = self.fwd_else(e);
            else_diverges = diverges;
            quote!(else #e)
        });
        let tokens = quote!(if #left { #(#right)* } #els);
        Some(if else_diverges {
            Flow::Diverges(vec![tokens])
        } else {
            Flow::Value(Vec::new(), tokens)
        })
    }

    /// A condition `l && r.await` with no `.await` in `l`, in forward code: it is false or it
    /// suspends, never true. Gives `l` and the code that suspends at `r`; an `if` or `while`
    /// writes its body only where `r` resumes.
    fn and_then_suspends(&mut self, cond: &Expr) -> Option<(TokenStream, Vec<TokenStream>)> {
        let Expr::Binary(b) = without_parens(cond) else {
            return None;
        };
        if !matches!(b.op, syn::BinOp::And(_))
            || self.an.contains_await(&*b.left)
            || !matches!(without_parens(&b.right), Expr::Await(_))
        {
            return None;
        }
        let left = self.verbatim(&b.left);
        let Flow::Diverges(right) = self.fwd_expr(&b.right, Ctx::Value) else {
            return None;
        };
        Some((left, right))
    }

    /// An `else` branch (a block or an `else if`) and whether it always suspends.
    fn fwd_else(&mut self, els: &Expr) -> (TokenStream, bool) {
        match els {
            Expr::Block(b) => self.fwd_block(&b.block, &[]),
            other => self.fwd_expr(other, Ctx::Value).into_expr(),
        }
    }

    fn resume_else(&mut self, els: &Expr, k: usize) -> Flow {
        match els {
            Expr::Block(b) => Self::block_flow(self.resume_block(&b.block, k, &[])),
            other => self.resume_expr(other, k, Ctx::Value),
        }
    }

    /// An `if`/`while` condition; `let` scrutinees are places.
    fn lower_cond(&mut self, cond: &Expr, k: Option<usize>) -> Flow {
        if let Expr::Let(l) = cond {
            let pat = self.pat_tokens(&l.pat);
            let flow = match k {
                Some(k) => self.resume_expr(&l.expr, k, Ctx::Place),
                None => self.fwd_expr(&l.expr, Ctx::Place),
            };
            return match flow {
                Flow::Value(s, v) if s.is_empty() => Flow::Value(s, quote!(let #pat = #v)),
                Flow::Value(s, v) => Flow::Value(Vec::new(), quote!(let #pat = { #(#s)* #v })),
                d @ Flow::Diverges(_) => d,
            };
        }
        if !let_pats(cond).is_empty() && self.an.contains_await(cond) {
            self.errors.push(syn::Error::new(
                cond.span(),
                "#[visible_async] cannot lower an `.await` inside a `let` chain yet; \
                 await the value in a `let` statement before the `if`",
            ));
        }
        // A plain condition is a scope of its own: its temporaries are dropped before the
        // branch runs, so its statements go inside it.
        self.scoped_condition(cond, k, &[])
    }

    /// A condition (of an `if`, or a match guard binding `pats`) in a scope of its own.
    fn scoped_condition(&mut self, cond: &Expr, k: Option<usize>, pats: &[&Pat]) -> Flow {
        self.push_scope(pats);
        let flow = match k {
            Some(k) => self.resume_expr(cond, k, Ctx::Value),
            None => self.fwd_expr(cond, Ctx::Value),
        };
        let ends = self.temporaries_end();
        self.frames.pop();
        match flow {
            Flow::Value(s, v) if s.is_empty() && ends.is_empty() => Flow::Value(s, v),
            Flow::Value(s, v) if ends.is_empty() => Flow::Value(Vec::new(), quote!({ #(#s)* #v })),
            Flow::Value(s, v) => {
                let value = hidden("__value");
                Flow::Value(Vec::new(), quote!({ #(#s)* let #value = #v; #ends #value }))
            }
            d @ Flow::Diverges(_) => d,
        }
    }

    fn lower_match(&mut self, m: &syn::ExprMatch, k: Option<usize>) -> Flow {
        let awaiting_guard = m
            .arms
            .iter()
            .any(|arm| arm_guard(arm).is_some_and(|g| self.an.contains_await(g)));
        if awaiting_guard && !self.home_scrutinee(&m.expr) {
            return Flow::Value(Vec::new(), quote!(::core::unreachable!()));
        }
        if awaiting_guard && let Some(made) = arm_making_closure(m, self.an) {
            // The resumed `match` runs its arms again from the suspended one: the later guards
            // are written more than once, and two copies of a closure are two types. (Arm
            // bodies that make closures are written once, at a join point.)
            if k.is_none() {
                self.errors.push(syn::Error::new(
                    made,
                    "#[visible_async] cannot yet lower a closure or an `async` block in the \
                     guard of an arm after a guard that awaits: make the value before the \
                     `match`, or await the earlier guard's value in a `let` before it",
                ));
            }
            return Flow::Value(Vec::new(), quote!(::core::unreachable!()));
        }
        let resumed = k.and_then(|k| m.arms.iter().position(|arm| self.an.contains(arm, k)));
        let (first, resumed_guard) = match (k, resumed) {
            (Some(k), Some(i)) if self.an.arm_join.get(&node_id(&m.arms[i])) == Some(&k) => {
                self.register_temporaries(&m.expr);
                return self.resume_at_arm_join(&m.arms[i], k);
            }
            (Some(k), Some(i)) => {
                let arm = &m.arms[i];
                if arm_guard(arm).is_none_or(|g| !self.an.contains(g, k)) {
                    // The scrutinee's temporaries, made before the `.await`, are alive.
                    // (Those the state holds, if the scrutinee has `.await`s of its own.)
                    self.register_temporaries(&m.expr);
                    return self.resume_block_expr(&arm.body, k, &[&arm.pat]);
                }
                (i, Some(k))
            }
            _ => (0, None),
        };
        // Resuming in a guard: the scrutinee is a place the future still holds, so the
        // `match` runs again from the suspended arm, which binds its pattern again.
        let scrutinee = match (k, resumed_guard) {
            (Some(k), None) => {
                // What the resumed scrutinee makes in place lives to the end of the `match`,
                // across the `.await`s in its arms.
                let arms_await = m.arms.iter().any(|arm| self.an.contains_await(arm));
                self.with_await_following(arms_await, |this| {
                    this.resume_expr(&m.expr, k, Ctx::Place)
                })
            }
            // Temporaries in the scrutinee live to the end of the `match`, across the `.await`s
            // in its arms.
            (None, _)
                if !self.an.contains_await(&*m.expr)
                    && m.arms.iter().any(|arm| self.an.contains_await(arm)) =>
            {
                let (s, v) = self.materialize(&m.expr);
                Flow::Value(s, v)
            }
            _ => self.fwd_expr(&m.expr, Ctx::Place),
        };
        let (s, scrutinee) = match scrutinee {
            Flow::Value(s, v) => (s, v),
            d @ Flow::Diverges(_) => return d,
        };
        // The arms before it did not match: unguarded ones stay (without bindings) so that
        // the `match` is exhaustive as written.
        let mut arms: Vec<TokenStream> = m.arms[..first]
            .iter()
            .filter(|arm| arm_guard(arm).is_none())
            .map(|arm| {
                let pat = without_bindings(&arm.pat);
                quote!(#pat => ::core::unreachable!(),)
            })
            .collect();
        let mut all_diverge = m.arms.len() > first;
        for (i, arm) in m.arms.iter().enumerate().skip(first) {
            let pat = match &arm.pat {
                Pat::Guard(g) if self.an.contains_await(&*g.guard) => {
                    let k = resumed_guard.filter(|_| i == first);
                    let guard = match self.scoped_condition(&g.guard, k, &[&g.pat]) {
                        Flow::Value(s, v) if s.is_empty() => v,
                        Flow::Value(s, v) => quote!({ #(#s)* #v }),
                        Flow::Diverges(s) => quote!({ #(#s)* }),
                    };
                    let pat = self.pat_tokens(&g.pat);
                    quote!(#pat if #guard)
                }
                pat => self.pat_tokens(pat),
            };
            let body = if let Some(&j) = self.an.arm_join.get(&node_id(arm)) {
                // The body is written once, where the join resumes.
                self.push_scope(&[&arm.pat]);
                let homing = self.home_pat(&arm.pat);
                let jump = self.suspend(j, None);
                self.frames.pop();
                quote!({ #homing #jump })
            } else if self.an.contains_await(&*arm.body) {
                let (body, diverges) = self.fwd_block_expr(&arm.body, &[&arm.pat]);
                all_diverge &= diverges;
                body
            } else {
                all_diverge = false;
                self.verbatim(&arm.body)
            };
            arms.push(quote!(#pat => #body,));
        }
        let tokens = quote!(match #scrutinee { #(#arms)* });
        if all_diverge {
            // Every arm suspends: nothing after this `match` runs in this arm of the poll.
            let mut s = s;
            s.push(tokens);
            Flow::Diverges(s)
        } else {
            Flow::Value(s, tokens)
        }
    }

    /// The code of an arm's join point (see `Analysis::arm_join`): the arm matched, its
    /// bindings are in the state, and its body runs from the start.
    fn resume_at_arm_join(&mut self, arm: &syn::Arm, k: usize) -> Flow {
        self.push_scope(&[&arm.pat]);
        let rebinds = self.rebinds(k);
        let (value, diverged) = match &*arm.body {
            Expr::Block(b) if b.label.is_none() && b.attrs.is_empty() => {
                self.fwd_block(&b.block, &[])
            }
            body => self.fwd_expr(body, Ctx::Value).into_expr(),
        };
        self.frames.pop();
        let tokens = quote!({ #(#rebinds)* #value });
        if diverged {
            Flow::Diverges(vec![tokens])
        } else {
            Flow::Value(Vec::new(), tokens)
        }
    }

    /// A `match` with an `.await` in a guard holds its scrutinee, which the guard's bindings
    /// borrow, across the `.await`: the local it is a place of gets a pinned home. Errors if
    /// the scrutinee is not such a place.
    fn home_scrutinee(&mut self, scrutinee: &Expr) -> bool {
        if matches!(without_parens(scrutinee), Expr::Lit(_)) {
            // A literal is read again as it is.
            return true;
        }
        let Some(root) = crate::analyse::guard_scrutinee_root(scrutinee) else {
            self.errors.push(syn::Error::new(
                scrutinee.span(),
                "#[visible_async] cannot read this scrutinee again when the `.await` in a guard \
                 resumes: bind a reference to it to a local first, \
                 `let value = &..; match value { ... }`",
            ));
            return false;
        };
        if let Some(&b) = self.an.uses.get(&node_id(root)) {
            self.needs_home
                .entry(b)
                .or_insert_with(|| "a match guard that awaits borrows it".to_string());
        }
        true
    }

    fn next_labels(&mut self) -> (syn::Lifetime, syn::Lifetime) {
        let n = self.label_count;
        self.label_count += 1;
        (
            lifetime(&format!("'__break{n}")),
            lifetime(&format!("'__continue{n}")),
        )
    }

    /// `loop` and `while`. Resuming inside the body runs the rest of the iteration in labeled
    /// blocks standing in for the loop (`break` and `continue` jump out of them), then the loop.
    fn lower_loop(
        &mut self,
        node: NodeId,
        label: Option<&syn::Label>,
        body: &Block,
        k: Option<usize>,
        kind: LoopKind<'_>,
    ) -> Flow {
        let label_name = label.as_ref().map(|l| l.name.clone());
        let pats = match kind {
            LoopKind::While(cond) => let_pats(cond),
            LoopKind::Loop => Vec::new(),
        };
        let cond_await = matches!(kind, LoopKind::While(c) if self.an.contains_await(c));
        let head = self.an.loop_head.get(&node).copied();
        if head.is_some() && head == k {
            // The join point at the head: the loop itself, written once.
            let (tokens, diverged) = self.fwd_loop(label, body, kind, cond_await);
            return if diverged {
                Flow::Diverges(vec![tokens])
            } else {
                Flow::Value(Vec::new(), tokens)
            };
        }
        match k {
            Some(k) if self.an.contains(body, k) => {
                let (brk, cont) = self.next_labels();
                let at = self.push_breakable(Frame::Loop {
                    label: label_name.clone(),
                    resumed: Some((brk.clone(), cont.clone())),
                });
                self.arm_loop_depth += 1;
                let (rest, _) = self.resume_block(body, k, &pats);
                self.arm_loop_depth -= 1;
                let left = self.broken_at(at);
                self.frames.pop();
                let (again, again_diverges) = self.loop_again(head, label, body, kind, cond_await);
                let tokens = quote!(#brk: { #cont: #rest #again });
                if again_diverges && !left {
                    // No `break` out of it in this arm: it suspends on every path.
                    Flow::Diverges(vec![tokens])
                } else {
                    Flow::Value(Vec::new(), tokens)
                }
            }
            Some(k) => {
                // In a `while` condition: if it holds, run the body once, then loop.
                let LoopKind::While(cond) = kind else {
                    return Flow::Value(Vec::new(), quote!(()));
                };
                // Written inside a labeled block: a suspension in it names the poll loop.
                self.arm_loop_depth += 1;
                let cond = self.lower_cond(cond, Some(k));
                self.arm_loop_depth -= 1;
                let (s, cond) = match cond {
                    Flow::Value(s, c) => (s, c),
                    d @ Flow::Diverges(_) => return d,
                };
                let (brk, cont) = self.next_labels();
                self.frames.push(Frame::Loop {
                    label: label_name.clone(),
                    resumed: Some((brk.clone(), cont.clone())),
                });
                self.arm_loop_depth += 1;
                let (once, _) = self.fwd_block(body, &pats);
                self.arm_loop_depth -= 1;
                self.frames.pop();
                let (again, _) = self.loop_again(head, label, body, kind, cond_await);
                // The loop runs again after the condition's bindings and temporaries are gone.
                Flow::Value(
                    s,
                    quote!(#brk: { if #cond { #cont: #once } else { break #brk; } #again }),
                )
            }
            None => {
                let (tokens, diverged) = match head {
                    Some(j) => (self.suspend(j, None), true),
                    None => self.fwd_loop(label, body, kind, cond_await),
                };
                if diverged {
                    Flow::Diverges(vec![tokens])
                } else {
                    Flow::Value(Vec::new(), tokens)
                }
            }
        }
    }

    /// After the rest of an iteration: the loop again, or a jump to the join point at its head
    /// (which is inside labeled blocks, so it names the poll loop).
    fn loop_again(
        &mut self,
        head: Option<usize>,
        label: Option<&syn::Label>,
        body: &Block,
        kind: LoopKind<'_>,
        cond_await: bool,
    ) -> (TokenStream, bool) {
        if let Some(j) = head {
            self.arm_loop_depth += 1;
            let jump = self.suspend(j, None);
            self.arm_loop_depth -= 1;
            (jump, true)
        } else {
            // The next iterations are fresh code: their temporaries are `let`s of their own,
            // whatever the state held under the same names for the resumed one.
            let from_state = std::mem::take(&mut self.from_state);
            let again = self.fwd_loop(label, body, kind, cond_await);
            self.from_state = from_state;
            again
        }
    }

    fn fwd_loop(
        &mut self,
        label: Option<&syn::Label>,
        body: &Block,
        kind: LoopKind<'_>,
        cond_await: bool,
    ) -> (TokenStream, bool) {
        let label_name = label.as_ref().map(|l| l.name.clone());
        let at = self.push_breakable(Frame::Loop {
            label: label_name,
            resumed: None,
        });
        self.arm_loop_depth += 1;
        let out = match kind {
            LoopKind::Loop => {
                // A `loop` that no `break` leaves diverges (it suspends, returns or runs on),
                // also when its `break`s are after an `.await` (`break f().await`) and so
                // only in the resumed code: here it has type `!`.
                let (body, _) = self.fwd_block(body, &[]);
                (quote!(#label loop #body), !self.broken_at(at))
            }
            LoopKind::While(cond) if cond_await => {
                let pats = let_pats(cond);
                let and_then_suspends = if pats.is_empty() {
                    self.and_then_suspends(cond)
                } else {
                    None
                };
                if let Some((left, right)) = and_then_suspends {
                    // The body runs only where the condition resumes.
                    (
                        quote!(#label loop { if #left { #(#right)* } else { break; } }),
                        false,
                    )
                } else {
                    match self.lower_cond(cond, None) {
                        Flow::Value(s, c) => {
                            let c = if s.is_empty() {
                                c
                            } else {
                                quote!({ #(#s)* #c })
                            };
                            let (body, _) = self.fwd_block(body, &pats);
                            (quote!(#label loop { if #c #body else { break; } }), false)
                        }
                        // The condition always suspends before the body can run.
                        Flow::Diverges(s) => (quote!(#(#s)*), true),
                    }
                }
            }
            LoopKind::While(cond) => {
                let pats = let_pats(cond);
                let cond = self.verbatim(cond);
                let (body, _) = self.fwd_block(body, &pats);
                (quote!(#label while #cond #body), false)
            }
        };
        self.arm_loop_depth -= 1;
        self.frames.pop();
        out
    }

    /// `for` loops with an `.await` in the body become a `while let` over a named iterator, so
    /// that the iterator can be kept across the `.await`.
    fn lower_for(&mut self, node: NodeId, f: &syn::ExprForLoop, k: Option<usize>) -> Flow {
        let head_join = self.an.loop_head.get(&node).copied();
        let head_has = k.is_some_and(|k| self.an.contains(&*f.expr, k));
        if !self.an.contains_await(&f.body) {
            // Only the head awaits: a plain `for` over its value.
            let head = match k {
                Some(k) if head_has => self.resume_expr(&f.expr, k, Ctx::Value),
                _ => self.fwd_expr(&f.expr, Ctx::Value),
            };
            let body = self.verbatim_block(&f.body);
            let (label, pat) = (&f.label, self.pat_tokens(&f.pat));
            return match head {
                Flow::Value(s, h) => Flow::Value(s, quote!(#label for #pat in #h #body)),
                d @ Flow::Diverges(_) => d,
            };
        }
        let next = self.iters.len();
        let n = *self.iters.entry(node_id(f)).or_insert(next);
        let iter = hidden(&format!("__iter{n}"));
        let key = Key::Iter(n);
        self.key_nodes.insert(key, node_id(&*f.expr));
        let in_body = k.is_some_and(|k| self.an.contains(&f.body, k));
        let at_head = head_join.is_some() && head_join == k;
        self.push_scope(&[]);
        let mut out = Vec::new();
        if in_body || at_head {
            self.push_slot(key, iter.clone(), true);
            out.extend(self.rebinds(k.unwrap_or_default()));
            // The head's temporaries live to the end of the loop (rustc's `match` on the
            // iterator): those the state holds are alive here.
            self.register_temporaries(&f.expr);
        } else {
            // `for x in (S { .. })` needs its parentheses; a call argument does not.
            let head_expr = match &*f.expr {
                Expr::Paren(p) => &*p.expr,
                other => other,
            };
            let head = match k {
                // What the resumed head makes in place lives to the end of the loop, across
                // the body's `.await`s.
                Some(k) => self
                    .with_await_following(true, |this| this.resume_expr(head_expr, k, Ctx::Value)),
                // So does what the head makes in place without an `.await` (`for x in
                // load().iter()`, `for x in [D::new("a").len()]`).
                None if !self.an.contains_await(head_expr) => {
                    let (s, v) = self.materialize(head_expr);
                    Flow::Value(s, v)
                }
                None => self.fwd_expr(head_expr, Ctx::Value),
            };
            match head {
                Flow::Value(s, h) => {
                    out.extend(s);
                    out.push(quote!(let mut #iter = ::core::iter::IntoIterator::into_iter(#h);));
                }
                Flow::Diverges(s) => {
                    self.frames.pop();
                    return Flow::Diverges(s);
                }
            }
            self.push_slot(key, iter.clone(), true);
        }
        let label_name = f.label.as_ref().map(|l| l.name.clone());
        if let (true, Some(k)) = (in_body, k) {
            let (brk, cont) = self.next_labels();
            self.frames.push(Frame::Loop {
                label: label_name.clone(),
                resumed: Some((brk.clone(), cont.clone())),
            });
            self.arm_loop_depth += 1;
            let (rest, _) = self.resume_block(&f.body, k, &[&f.pat]);
            self.arm_loop_depth -= 1;
            self.frames.pop();
            let again = match head_join {
                Some(j) => {
                    self.arm_loop_depth += 1;
                    let jump = self.suspend(j, None);
                    self.arm_loop_depth -= 1;
                    jump
                }
                None => self.fwd_for_loop(f, &iter),
            };
            out.push(quote!(#brk: { #cont: #rest #again }));
        } else if let (Some(j), false) = (head_join, at_head) {
            // The loop is written once, at the join point at its head.
            out.push(self.suspend(j, None));
            self.frames.pop();
            return Flow::Diverges(out);
        } else {
            out.push(self.fwd_for_loop(f, &iter));
        }
        out.push(self.temporaries_end().to_token_stream());
        self.frames.pop();
        Flow::Value(Vec::new(), quote!({ #(#out)* }))
    }

    fn fwd_for_loop(&mut self, f: &syn::ExprForLoop, iter: &syn::Ident) -> TokenStream {
        let label_name = f.label.as_ref().map(|l| l.name.clone());
        self.frames.push(Frame::Loop {
            label: label_name,
            resumed: None,
        });
        self.arm_loop_depth += 1;
        let (body, _) = self.fwd_block(&f.body, &[&f.pat]);
        self.arm_loop_depth -= 1;
        self.frames.pop();
        let (label, pat) = (&f.label, self.pat_tokens(&f.pat));
        quote! {
            #label while let ::core::option::Option::Some(#pat) = ::core::iter::Iterator::next(&mut #iter) #body
        }
    }

    /// Known macros lower like calls; unknown ones with an `.await` inside were rejected
    /// before lowering.
    fn fwd_macro(&mut self, mac: &syn::Macro, k: Option<usize>) -> Flow {
        let an = self.an;
        let Some(args) = an.macros.get(&node_id(mac)) else {
            return Flow::Value(Vec::new(), mac.to_token_stream());
        };
        let ctx = if args.moves { Ctx::Value } else { Ctx::Place };
        let children: Vec<(&Expr, Ctx)> = args.exprs.iter().map(|e| (e, ctx)).collect();
        let in_tail = self
            .user_tail_scope
            .is_some_and(|(_, t)| t < self.frames.len());
        if macros::ends_its_temporaries(mac) && in_tail {
            self.macro_scoped.extend(expr_nodes(an, &args.exprs));
        }
        match self.lower_operands(&children, k) {
            Ok((stmts, parts)) => {
                self.consume_temps(&children);
                // Format captures (`{x}`) of renamed locals are passed by name.
                let renamed = an
                    .format_uses
                    .get(&node_id(mac))
                    .into_iter()
                    .flatten()
                    .filter_map(|(name, b)| {
                        self.renamed.get(b).map(|ident| {
                            let name = syn::Ident::new(name, ident.span());
                            quote!(#name = #ident)
                        })
                    });
                let extra: Vec<TokenStream> = renamed.collect();
                let mut tokens = args.rebuild(mac, &parts);
                if !extra.is_empty()
                    && let Ok(mut rebuilt) = syn::parse2::<syn::Macro>(tokens.clone())
                {
                    let inner = rebuilt.tokens.clone();
                    rebuilt.tokens = quote!(#inner #(, #extra)*);
                    tokens = rebuilt.to_token_stream();
                }
                if macros::ends_its_temporaries(mac) {
                    tokens = self.end_macro_temporaries(&args.exprs, tokens);
                }
                Flow::Value(stmts, tokens)
            }
            Err(stmts) => Flow::Diverges(stmts),
        }
    }

    /// `format!` and the printing macros expand to a block whose statement ends their
    /// arguments' temporaries: those kept across an `.await` in the arguments are dropped
    /// right after the call, latest first, and are no longer the statement's.
    fn end_macro_temporaries(&mut self, args: &[Expr], call: TokenStream) -> TokenStream {
        let nodes = expr_nodes(self.an, args);
        let mut named: Vec<String> = Vec::new();
        for frame in &self.frames {
            if let Frame::Scope { slots, .. } = frame {
                for slot in slots {
                    let name = slot.ident.to_string();
                    let inside = self
                        .key_nodes
                        .get(&slot.key)
                        .is_some_and(|node| nodes.contains(node));
                    if matches!(slot.key, Key::Temp(_))
                        && inside
                        && self.materialized.contains(&name)
                    {
                        named.push(name);
                    }
                }
            }
        }
        if named.is_empty() {
            return call;
        }
        named.sort_by_key(|name| {
            std::cmp::Reverse(
                name.trim_start_matches("__tmp")
                    .parse::<usize>()
                    .unwrap_or(0),
            )
        });
        for frame in &mut self.frames {
            if let Frame::Scope { slots, .. } = frame {
                slots.retain(|slot| !named.contains(&slot.ident.to_string()));
            }
        }
        for name in &named {
            self.from_state.remove(name);
        }
        let drops = named.iter().map(|name| {
            let ident = hidden(name);
            quote!(::core::mem::drop(#ident);)
        });
        let value = hidden("__value");
        quote!({ let #value = #call; #(#drops)* #value })
    }

    // ----- verbatim code ------------------------------------------------------------------
}

#[derive(Clone, Copy)]
enum LoopKind<'e> {
    Loop,
    While(&'e Expr),
}

enum StmtOut {
    Stmts(Vec<TokenStream>),
    Tail(Vec<TokenStream>, TokenStream),
    Diverges(Vec<TokenStream>),
}

const DEFERRED_LET: &str = "__visible_async_deferred_let";

/// The code of one arm of `poll`.
pub struct ArmCode {
    /// The parameters' pinned homes, filled when the body starts (`Unresumed` only).
    pub prelude: TokenStream,
    pub code: TokenStream,
    /// The code ends with the body's tail expression, its value (not `return ..`): the arm
    /// must be `return Poll::Ready({ .. })` with the block spanned by the user's body.
    pub ends_in_tail: bool,
}

/// Whether a tail expression may make temporaries that a destructor runs for: it calls a
/// method, reads a field (of a value: `(S { .. }).n`, `f().n`), borrows, indexes or expands a
/// macro (a path, a literal, a call of paths do not).
fn may_make_temporaries(tail: &TokenStream) -> bool {
    use proc_macro2::TokenTree;
    let trees: Vec<TokenTree> = tail.clone().into_iter().collect();
    let is_dot = |i: usize| matches!(trees.get(i), Some(TokenTree::Punct(p)) if p.as_char() == '.');
    trees.iter().enumerate().any(|(i, tree)| match tree {
        TokenTree::Punct(p) => {
            matches!(p.as_char(), '&' | '!')
                || (p.as_char() == '.'
                    && !is_dot(i + 1)
                    && (i == 0 || !is_dot(i - 1))
                    && matches!(
                        trees.get(i + 1),
                        Some(TokenTree::Ident(_) | TokenTree::Literal(_))
                    ))
        }
        TokenTree::Group(g) => {
            g.delimiter() == proc_macro2::Delimiter::Bracket || may_make_temporaries(&g.stream())
        }
        _ => false,
    })
}

/// The hidden name a kept value is taken out of the state under, when an inner scope then
/// moves it into the user's name: `__x` for the user's `x` (`let x = __x;`), so that the
/// code says which is which; a hidden value keeps its own name.
fn rebound_ident(key: Key, field: &syn::Ident) -> syn::Ident {
    match key {
        Key::Binding(_) => hidden(&format!("__{}", field.to_string().trim_start_matches("r#"))),
        _ => hidden(&field.to_string()),
    }
}

/// The nodes of the expressions in `exprs`, and of the arguments of the macros inside them
/// (`format!("{}", matches!(f(&t()).await, Some(_)))`).
pub(super) fn expr_nodes(an: &Analysis, exprs: &[Expr]) -> std::collections::HashSet<NodeId> {
    struct Nodes<'a>(std::collections::HashSet<NodeId>, &'a Analysis);
    impl<'ast> syn::visit::Visit<'ast> for Nodes<'_> {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            self.0.insert(node_id(expr));
            syn::visit::visit_expr(self, expr);
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            let an = self.1;
            for arg in an
                .macros
                .get(&node_id(mac))
                .into_iter()
                .flat_map(|a| &a.exprs)
            {
                self.visit_expr(arg);
            }
        }
    }
    let mut nodes = Nodes(std::collections::HashSet::new(), an);
    for expr in exprs {
        syn::visit::Visit::visit_expr(&mut nodes, expr);
    }
    nodes.0
}

/// A `let x;` that [`resolve_deferred_lets`] keeps only in arms that mention `x` elsewhere.
/// Adds `slot` to a scope's slots. A statement's temporaries stay in the order they were made
/// (their numbers), which is the reverse of their drops, also where resumed code registers an
/// older one after a newer one.
fn insert_slot(slots: &mut Vec<Slot>, slot: Slot) {
    let at = match slot.key {
        Key::Temp(n) => {
            let newer = slots
                .iter()
                .rev()
                .take_while(|s| matches!(s.key, Key::Temp(m) if m > n))
                .count();
            slots.len() - newer
        }
        _ => slots.len(),
    };
    slots.insert(at, slot);
}

/// Whether a `break` in `block` leaves the block labelled `label`.
fn breaks_to(block: &Block, label: &syn::Lifetime) -> bool {
    fn scan(tokens: TokenStream, label: &syn::Lifetime) -> bool {
        let tokens: Vec<proc_macro2::TokenTree> = tokens.into_iter().collect();
        tokens.iter().enumerate().any(|(i, t)| match t {
            proc_macro2::TokenTree::Ident(id) if id == "break" => {
                matches!(
                    (tokens.get(i + 1), tokens.get(i + 2)),
                    (Some(proc_macro2::TokenTree::Punct(p)), Some(proc_macro2::TokenTree::Ident(name)))
                        if p.as_char() == '\'' && *name == label.ident
                )
            }
            proc_macro2::TokenTree::Group(g) => scan(g.stream(), label),
            _ => false,
        })
    }
    scan(block.to_token_stream(), label)
}

fn deferred_let(decl: &TokenStream) -> TokenStream {
    let marker = syn::Ident::new(DEFERRED_LET, Span::call_site());
    quote!(#marker! { #decl })
}

/// Keeps each deferred `let x;` (see `fwd_stmt`) only where the code after it in its block
/// mentions `x`: a piece of the body that suspends before `x` is assigned cannot infer its type.
fn resolve_deferred_lets(code: &TokenStream) -> TokenStream {
    let tokens: Vec<proc_macro2::TokenTree> = code.clone().into_iter().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            proc_macro2::TokenTree::Ident(marker) if marker == DEFERRED_LET => {
                // `marker ! { let x; }`
                if let Some(proc_macro2::TokenTree::Group(g)) = tokens.get(i + 2) {
                    let name = g.stream().into_iter().find_map(|t| match t {
                        proc_macro2::TokenTree::Ident(id) if id != "let" && id != "mut" => {
                            Some(id.to_string())
                        }
                        _ => None,
                    });
                    let rest: TokenStream = tokens[i + 3..].iter().cloned().collect();
                    if name.is_some_and(|name| count(&rest, &name) > 0) {
                        out.extend(g.stream());
                    }
                }
                i += 3;
                continue;
            }
            proc_macro2::TokenTree::Group(g) => {
                let mut inner =
                    proc_macro2::Group::new(g.delimiter(), resolve_deferred_lets(&g.stream()));
                inner.set_span(g.span());
                out.push(proc_macro2::TokenTree::Group(inner));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out.into_iter().collect()
}

/// How many times an identifier occurs in tokens, other than as a field's name in a struct
/// literal (`Suspend1 { x: __x }`, where `x:` is not followed by a second `:`), up to a `let`
/// statement that binds it again (`let x = ..;`, `let Some(x) = .. else { .. };`): after that
/// statement, `x` is the new binding.
fn count(tokens: &TokenStream, name: &str) -> usize {
    use proc_macro2::{Delimiter, Spacing, TokenTree};
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let field_name = |i: usize| matches!(trees.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Alone);
    let punct = |t: &TokenTree, c: char| matches!(t, TokenTree::Punct(p) if p.as_char() == c);
    let mut n = 0;
    let mut i = 0;
    while i < trees.len() {
        match &trees[i] {
            // A deferred `let x;` not resolved yet (in an inner block) declares `x` for the
            // rest of the block it is in.
            TokenTree::Ident(id) if id == DEFERRED_LET => {
                if let Some(TokenTree::Group(g)) = trees.get(i + 2) {
                    let declared = g.stream().into_iter().nth(1).and_then(|t| match t {
                        TokenTree::Ident(x) if x == "mut" => g.stream().into_iter().nth(2),
                        t => Some(t),
                    });
                    if declared.is_some_and(|t| matches!(&t, TokenTree::Ident(x) if x == name)) {
                        return n;
                    }
                    n += count(&g.stream(), name);
                }
                i += 3;
                continue;
            }
            TokenTree::Ident(id) if id == "let" => {
                // A `let` statement, or the `let` of a condition (`if let`, `&& let`), whose
                // bindings are the block after it.
                let condition = i.checked_sub(1).is_some_and(|p| match &trees[p] {
                    TokenTree::Punct(p) => p.as_char() != ';',
                    TokenTree::Group(g) => g.delimiter() == Delimiter::Parenthesis,
                    _ => true,
                });
                let end = if condition {
                    trees[i..].iter().position(
                        |t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace),
                    )
                } else {
                    trees[i..].iter().position(|t| punct(t, ';'))
                }
                .map_or(trees.len(), |p| i + p);
                let pattern_end = trees[i + 1..end]
                    .iter()
                    .position(|t| {
                        matches!(t, TokenTree::Punct(p)
                            if matches!(p.as_char(), ':' | '=') && p.spacing() == Spacing::Alone)
                    })
                    .map_or(end, |p| i + 1 + p);
                let pattern: TokenStream = trees[i + 1..pattern_end].iter().cloned().collect();
                if binds(&pattern, name) {
                    // What the `let` itself mentions (its initializer, a `let .. else` block)
                    // is the older binding.
                    let init: TokenStream = trees[pattern_end..end].iter().cloned().collect();
                    n += count(&init, name);
                    if !condition {
                        return n;
                    }
                    // The block the condition guards sees the new binding, the code after it
                    // (an `else`) the older one.
                    i = end + 1;
                    continue;
                }
            }
            TokenTree::Ident(ident) => n += usize::from(ident == name && !field_name(i)),
            TokenTree::Group(g) => n += count(&g.stream(), name),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
        i += 1;
    }
    n
}

/// Whether pattern tokens bind `name`: it occurs other than as a path segment, a tuple
/// struct's or a field's name (`Some(x)`, `S { x }` and `S { a: x }` bind it; `x::A`, `x(..)`
/// and `S { x: a }` do not).
fn binds(pattern: &TokenStream, name: &str) -> bool {
    use proc_macro2::{Spacing, TokenTree};
    let trees: Vec<TokenTree> = pattern.clone().into_iter().collect();
    trees.iter().enumerate().any(|(i, tt)| match tt {
        TokenTree::Ident(ident) if ident == name => {
            let path_before =
                i >= 2 && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == ':');
            let after = trees.get(i + 1);
            let not_binding = match after {
                Some(TokenTree::Punct(p)) => {
                    p.as_char() == ':' || (p.as_char() == '!' && p.spacing() == Spacing::Alone)
                }
                Some(TokenTree::Group(_)) => true,
                _ => false,
            };
            !path_before && !not_binding
        }
        TokenTree::Group(g) => binds(&g.stream(), name),
        _ => false,
    })
}

/// Whether a statement visibly never completes: `return`, `panic!` and friends, or a `loop`
/// without `break`.
pub fn ends_by_diverging(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Expr(Expr::Return(_), _) => true,
        Stmt::Expr(Expr::Loop(l), _) => !has_break(l.body.to_token_stream()),
        Stmt::Expr(Expr::Macro(m), _) => is_panic_macro(&m.mac),
        Stmt::Macro(m) => is_panic_macro(&m.mac),
        _ => false,
    }
}

/// Whether tokens contain `break` anywhere (nested groups included).
fn has_break(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|t| match t {
        proc_macro2::TokenTree::Ident(i) => i == "break",
        proc_macro2::TokenTree::Group(g) => has_break(g.stream()),
        _ => false,
    })
}

fn is_panic_macro(mac: &syn::Macro) -> bool {
    matches!(
        macros::name(mac).as_str(),
        "panic" | "unreachable" | "todo" | "unimplemented"
    )
}

/// The guard of a match arm (`pat if guard`), which syn keeps inside the pattern.
/// A pattern with every binding replaced by `_` (and `x @ p` by `p`): it matches the same
/// values and moves nothing.
fn without_bindings(pat: &Pat) -> Pat {
    struct Strip;
    impl syn::visit_mut::VisitMut for Strip {
        fn visit_pat_mut(&mut self, pat: &mut Pat) {
            if let Pat::Ident(pi) = pat
                && crate::analyse::is_binding(pi)
            {
                *pat = match pi.subpat.take() {
                    Some((_, sub)) => *sub,
                    None => Pat::Wild(syn::PatWild {
                        attrs: Vec::new(),
                        underscore_token: syn::Token![_](pi.ident.span()),
                    }),
                };
            }
            syn::visit_mut::visit_pat_mut(self, pat);
        }
    }
    let mut pat = pat.clone();
    syn::visit_mut::VisitMut::visit_pat_mut(&mut Strip, &mut pat);
    pat
}

fn arm_guard(arm: &syn::Arm) -> Option<&Expr> {
    match &arm.pat {
        Pat::Guard(g) => Some(&g.guard),
        _ => None,
    }
}

/// An expression statement that starts with `{` would parse as a block: parenthesize it.
fn expr_stmt(value: &TokenStream) -> TokenStream {
    let starts_with_block = matches!(
        value.clone().into_iter().next(),
        Some(proc_macro2::TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Brace
    );
    if starts_with_block && value.clone().into_iter().count() > 1 {
        quote!((#value);)
    } else {
        quote!(#value;)
    }
}

/// A resumed statement followed by the drops of its remaining temporaries.
fn wrap_stmts(stmts: &[TokenStream], last: &TokenStream) -> TokenStream {
    if stmts.is_empty() {
        last.clone()
    } else {
        quote!({ #(#stmts)* #last })
    }
}

/// The expression inside any parentheses around it.
pub fn without_parens(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(p) => without_parens(&p.expr),
        other => other,
    }
}

fn let_ctx(pat: &Pat) -> Ctx {
    match pat {
        Pat::Ident(pi) if pi.by_ref.is_none() => Ctx::Value,
        Pat::Type(t) => let_ctx(&t.pat),
        _ => Ctx::Place,
    }
}

/// The `let` patterns of a condition (`if let`, `let` chains).
fn let_pats(cond: &Expr) -> Vec<&Pat> {
    match cond {
        Expr::Let(l) => vec![&*l.pat],
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            let mut pats = let_pats(&b.left);
            pats.extend(let_pats(&b.right));
            pats
        }
        Expr::Paren(p) => let_pats(&p.expr),
        _ => Vec::new(),
    }
}

/// Items (`fn`, `struct`, `use`, `macro_rules!`, ...) declared in blocks that the lowering
/// spreads over several arms. They are visible in their whole block, so they move to the top of
/// the function, where every arm sees them.
pub fn hoisted_items(body: &Block, an: &Analysis) -> Vec<syn::Item> {
    struct Collect<'a> {
        an: &'a Analysis,
        items: Vec<syn::Item>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Collect<'_> {
        fn visit_block(&mut self, block: &'ast Block) {
            if self.an.contains_await(block) {
                for stmt in &block.stmts {
                    if let Stmt::Item(item) = stmt {
                        self.items.push(item.clone());
                    }
                }
            }
            syn::visit::visit_block(self, block);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut collect = Collect {
        an,
        items: Vec::new(),
    };
    syn::visit::Visit::visit_block(&mut collect, body);
    collect.items
}

/// The span of the first closure or `async` block in the arms that a `match` whose guard
/// awaits writes twice: those the resumed `match` runs again, from the first arm whose guard
/// awaits on (its body; the guards after it).
fn arm_making_closure(m: &syn::ExprMatch, an: &crate::analyse::Analysis) -> Option<Span> {
    let first = m
        .arms
        .iter()
        .position(|arm| arm_guard(arm).is_some_and(|g| an.contains_await(g)))?;
    crate::analyse::FindClosure::first(|find| {
        for (i, arm) in m.arms.iter().enumerate().skip(first) {
            if i > first
                && let Some(guard) = arm_guard(arm)
            {
                syn::visit::Visit::visit_expr(find, guard);
            }
            if !an.arm_join.contains_key(&node_id(arm)) {
                syn::visit::Visit::visit_expr(find, &arm.body);
            }
        }
    })
}
