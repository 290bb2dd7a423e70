//! Analysis of the body before lowering: numbers the `.await`s, resolves every use of a local
//! to its binding, and decides which locals each suspension point must keep.
//!
//! The macro has no types, so "is this value still alive here?" is answered from syntax:
//! a local is kept across an `.await` unless it was (possibly) moved before it and is not
//! mentioned after it. Moves are recognised by context: function and method arguments, `let`
//! initializers, operands of arithmetic, `?`, `.await`, `for` heads, `move` closures, and method
//! calls whose names follow the standard library's consuming conventions (`into_*`, `unwrap*`,
//! ...). Everything else (receivers of `&self` methods, `&x`, comparisons, formatting macros)
//! only borrows. A consuming method with an unconventional name leaves the value looking alive:
//! rustc then reports the move at the `.await`, instead of this transform silently dropping the
//! value early.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{Block, Expr, FnArg, Pat, Stmt};

use crate::args::ReceiverHints;
use crate::macros::{self, MacroArgs};

/// Identity of a syntax node of the (immutable) body: its address.
pub type NodeId = usize;

pub fn node_id<T>(node: &T) -> NodeId {
    std::ptr::from_ref(node) as usize
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Event {
    /// Read or borrowed.
    Use,
    /// Moved out (or copied: without types the two look alike).
    Move,
    /// Assigned a whole new value (`x = ...`).
    Init,
}

/// What a declaration says of a value's type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ValueKind {
    Unknown,
    /// Declared with a type that is `Copy` without drop glue (`n: u64`, `r: &T`): a "move" of
    /// it is a copy.
    Copy,
    /// A `&mut` reference, as declared (`r: &mut T`) or bound (`let r = &mut x;`): passing it
    /// by name reborrows it.
    MutRef,
    /// Bound to an iterator (`let it = v.into_iter();`): `it.last()` consumes it, where
    /// `v.last()` only borrows a slice.
    Iterator,
}

/// One `let`, pattern or parameter binding.
pub struct Binding {
    /// The name as written.
    pub ident: syn::Ident,
    decl_pos: u32,
    declared_uninit: bool,
    /// The `if`/`match` branches (and `while`/`for` bodies) each event is in, by position.
    event_branches: HashMap<u32, Vec<NodeId>>,
    /// The blocks around each event (by position) that end by leaving the function (see
    /// [`Analysis::returning_blocks`]).
    event_returns: HashMap<u32, Vec<NodeId>>,
    /// The positions of the `Init` events of `x = <expr>` assignments whose right side can
    /// leave before it has a value.
    assigned_by: Vec<u32>,
    /// Bound to a value without drop glue (`let r = &x;`, `let n = 5;`): keeping it only
    /// matters if it is used again.
    borrow_only: bool,
    /// What the declaration says of the value's type, when it says something.
    kind: ValueKind,
    /// Bound by a `match` arm whose guard has an `.await`: the guard's node. While the guard
    /// is suspended the binding is not stored: the resumed `match` binds it again.
    guard: Option<NodeId>,
    /// Positions of the `Move` events that are a `match` arm binding by value out of this
    /// local as its scrutinee (the scrutinee path itself records a `Use`).
    arm_moves: HashSet<u32>,
    events: Vec<(u32, Event)>,
    /// Positions of the `Use` events that borrow it (see [`Walker::borrowed`]).
    borrows: Vec<u32>,
    /// Moved out of by a `let` pattern that destructures it (`let (q, _) = t;`), perhaps in
    /// part.
    destructured: bool,
    /// The type written on a single binding (`let x: T`, `x: T` as a parameter): a
    /// declaration the resume code makes without a value takes it (later code may not say).
    pub declared_ty: Option<syn::Type>,
}

/// One `.await`, in source order of the `.await` tokens.
pub struct AwaitPoint {
    pub pos: u32,
    pub span: Span,
    /// The awaited expression as written, for docs and `Debug`.
    pub text: String,
    /// Loops around this `.await`, as (start, end) positions.
    loops: Vec<(u32, u32)>,
    /// Every node (expression, statement, block, arm) on the way down to this `.await`.
    path: HashSet<NodeId>,
    /// A join point rather than an `.await`: where the paths out of a statement with
    /// `.await`s meet again, when the code after it must exist only once (see
    /// [`needs_join`]). The state machine passes through it without returning `Pending`.
    pub join: bool,
    /// For a join point at the head of a loop (each iteration starts there), the loop's body:
    /// from the head, either it runs or the loop ends.
    loop_body: Option<NodeId>,
    /// A join point at the start of a `match` arm's body (see [`Analysis::arm_join`]).
    pub arm_start: bool,
    /// In the value of an unlabeled `break` (`break f().await;`): the start of the loop it
    /// leaves, whose rest does not run after this point.
    breaks_loop: Option<u32>,
}

impl AwaitPoint {
    /// A join point at the head of a loop.
    pub fn loop_head(&self) -> bool {
        self.loop_body.is_some()
    }

    /// Where the code goes on when the loop from `start` to `end` around this point ends:
    /// just after the loop, inside the loops around it.
    fn exit_of(&self, start: u32, end: u32) -> AwaitPoint {
        AwaitPoint {
            pos: end,
            span: self.span,
            text: String::new(),
            loops: self
                .loops
                .iter()
                .copied()
                .filter(|&(s, _)| s < start)
                .collect(),
            path: self.path.clone(),
            join: self.join,
            loop_body: None,
            arm_start: false,
            breaks_loop: None,
        }
    }
}

#[derive(Default)]
pub struct Analysis {
    /// What the attribute says of methods whose names do not tell how they take `self`.
    pub receivers: ReceiverHints,
    /// Suspension points (`.await`s, in source order) and join points, as one list.
    pub awaits: Vec<AwaitPoint>,
    pub await_index: HashMap<NodeId, usize>,
    /// Statement (node) after which a join point is, to the point.
    pub join_after: HashMap<NodeId, usize>,
    /// Loop expression (node) to the join point at its head.
    pub loop_head: HashMap<NodeId, usize>,
    /// `let .. else` (its `Local` node) to the join point before its `else` block: there when
    /// the initializer awaits and the `else` block makes a closure or an `async` block, which
    /// must be written once, not once for each way the initializer can finish.
    pub else_join: HashMap<NodeId, usize>,
    /// An arm (its node) of a `match` whose guard awaits, to the join point at the start of
    /// its body: there when the body makes a closure or an `async` block. The resumed
    /// `match` writes its arms again, and two copies of a closure would be two types; the
    /// arm's body is written once, after the join.
    pub arm_join: HashMap<NodeId, usize>,
    /// An expression with `.await`s on some of its paths (an `if`, a `match`, `&&`, `||`, a
    /// labeled block), to the join point right after it: there when the rest of its statement
    /// makes a closure or an `async` block and then awaits. The paths out of the expression
    /// meet there with its value, so that the rest of the statement is written once.
    pub value_join: HashMap<NodeId, usize>,
    pub bindings: Vec<Binding>,
    /// `PatIdent` (or parameter) node to binding.
    pub binding_of: HashMap<NodeId, usize>,
    /// Nodes (expressions, statements, blocks) with an `.await` of the body inside.
    pub has_await: HashSet<NodeId>,
    /// The branches of `if`s (then block, else expression) and `match`es (arms), to the
    /// `if`/`match` they belong to; and the bodies of `while` and `for` loops, to the loop.
    pub branch_parent: HashMap<NodeId, NodeId>,
    /// Blocks that end by leaving the function (`return`, a panic, a `loop` without `break`)
    /// with no `break` or `continue` inside: what happens in one reaches no code after it
    /// (`let Some(x) = y else { drop(d); return }`, `if c { drop(d); return; }`).
    returning_blocks: HashSet<NodeId>,
    /// Path expressions naming a local (`ExprPath` node) to the binding they name.
    pub uses: HashMap<NodeId, usize>,
    /// Locals captured by name in a format string (`{x}`), by the macro's node.
    pub format_uses: HashMap<NodeId, Vec<(String, usize)>>,
    /// The parsed arguments of known macros, by the macro's node.
    pub macros: HashMap<NodeId, MacroArgs>,
    /// Paths used by value (moved or copied): the position of the use and the starts of the
    /// loops around it.
    moved_paths: HashMap<NodeId, (u32, Vec<u32>)>,
    /// Loop start to loop end, by position.
    loop_ends: HashMap<u32, u32>,
    /// Fields of locals used by value (`request.body` in `let body = request.body;`), by the
    /// field expression's node: the local, the fields from it, and the position. A moved
    /// field leaves the rest of the local where it is (or a `Copy` one is copied: the syntax
    /// does not tell which).
    pub field_moves: HashMap<NodeId, (usize, Vec<syn::Member>, u32)>,
    /// Every `break` and `continue`, as (its position, the start and the end of the loop or
    /// block it leaves): what lies between it and the end does not run after it.
    jumps: Vec<(u32, u32, u32)>,
    /// The positions of the `continue`s among them.
    continues: HashSet<u32>,
    /// Guards with an `.await` (expression node) to their `match` (node): when such a guard
    /// is false, the later arms run, so they are not exclusive with its `.await`s.
    guard_match: HashMap<NodeId, NodeId>,
    /// Arms (node) whose guard has an `.await`, to the guard (expression node): from a point
    /// in the guard, the arm's body may not run.
    guard_of_arm: HashMap<NodeId, NodeId>,
}

impl Analysis {
    pub fn contains_await<T>(&self, node: &T) -> bool {
        self.has_await.contains(&node_id(node))
    }

    /// The state variant of point `k`: `SuspendN` for the N-th `.await`, `JoinN` for the N-th
    /// join point.
    pub fn variant_name(&self, k: usize) -> syn::Ident {
        let join = self.awaits[k].join;
        let n = self.awaits[..k].iter().filter(|p| p.join == join).count();
        let prefix = if join { "Join" } else { "Suspend" };
        quote::format_ident!("{prefix}{n}")
    }

    /// Whether point `k` is inside a block that leaves the function (see
    /// `returning_blocks`): the code after that block, which the resume code still has, is
    /// unreachable from `k`.
    pub fn leaves_after(&self, k: usize) -> bool {
        self.awaits[k]
            .path
            .iter()
            .any(|n| self.returning_blocks.contains(n))
    }

    /// Whether `node` contains suspension point `k`.
    pub fn contains<T>(&self, node: &T, k: usize) -> bool {
        self.awaits[k].path.contains(&node_id(node))
    }

    /// Whether binding `b`, in scope at suspension point `k`, must be stored in the state.
    pub fn is_kept(&self, b: usize, k: usize) -> bool {
        if self.rederived(b, k) {
            return false;
        }
        let binding = &self.bindings[b];
        let point = &self.awaits[k];
        let moved = self.is_moved_before(binding, point);
        // A value still there may be read on a path where an assignment around this `.await`
        // does not happen; a value already moved is gone either way.
        let used_after = self.is_used_after(binding, point, !moved);
        if binding.borrow_only {
            // A reference has no drop: keeping a dead one would only keep a borrow alive.
            return used_after;
        }
        if binding.declared_uninit {
            // Declared without a value (`let x;`): held if it is read later (rustc checks it is
            // initialized then), or if it is initialized on every path here (to be dropped at
            // the end of its scope; on some paths only, it has a home as a drop flag).
            // Read after a use by value, it is `Copy` (rustc rejects a use after a move).
            let copy_like = binding.kind == ValueKind::Copy;
            let assigned = self.last_change(binding, point).is_some()
                || self.loop_carried_change(binding, point) == Some(Event::Init);
            return assigned
                && (used_after
                    || (!moved && !copy_like && !self.last_change_in_other_branch(b, k)));
        }
        if binding.kind == ValueKind::Copy {
            // No drop: it is kept only to be read.
            return used_after;
        }
        !moved || used_after
    }

    /// Whether a field of binding `b` may have been moved out before point `k`, which keeps
    /// it: what is left of it is kept (see [`Analysis::field_moves`]).
    pub fn field_moved_before(&self, b: usize, k: usize) -> bool {
        let binding = &self.bindings[b];
        let point = &self.awaits[k];
        self.field_moves.values().any(|&(moved, _, pos)| {
            moved == b
                && ((pos < point.pos && !self.exclusive(binding, point, pos))
                    || point.loops.iter().any(|&(start, end)| {
                        binding.decl_pos < start && (start..=end).contains(&pos)
                    }))
        })
    }

    /// Whether binding `b`, in scope at point `k`, is moved out before it but was borrowed
    /// on the way there (`let n = *rc; drop(rc); f().await`). rustc keeps a local that may
    /// have been borrowed until its storage ends, moved or not, so its type counts for the
    /// future's auto traits (`Rc` makes it neither `Send` nor `Sync`); the lowering keeps it
    /// too, in a pinned home whose guard stays in the state for its whole scope.
    pub fn borrowed_then_moved(&self, b: usize, k: usize) -> bool {
        let binding = &self.bindings[b];
        let point = &self.awaits[k];
        // (A pattern that moves it in part leaves a rest that a home could not give up: the
        // rest is dropped at the `.await`, a known difference.)
        if binding.borrow_only
            || binding.kind == ValueKind::Copy
            || binding.decl_pos >= point.pos
            || binding.destructured
            || !binding.arm_moves.is_empty()
        {
            return false;
        }
        let reaches = |p: u32| {
            (p < point.pos && !self.exclusive(binding, point, p))
                || point
                    .loops
                    .iter()
                    .any(|&(start, end)| binding.decl_pos < start && (start..=end).contains(&p))
        };
        self.is_moved_before(binding, point) && binding.borrows.iter().any(|&p| reaches(p))
    }

    /// Whether binding `b` is the hidden local a pinning macro became (see `pins`): it must
    /// not move once pinned, so wherever the state keeps it, it is in a pinned home.
    pub fn is_pinned(&self, b: usize) -> bool {
        self.bindings[b]
            .ident
            .to_string()
            .starts_with(crate::pins::PINNED_PREFIX)
    }

    /// Whether a closure that is not `move`, mentioning binding `b` at `path`, captures it by
    /// value: it reads it there for the last time, and `b` is not declared `Copy` (a typed
    /// primitive or shared reference, a literal, a reference), which such a closure borrows
    /// even where it reads it for the last time, since reading copies it.
    pub fn closure_takes(&self, b: usize, path: Option<NodeId>) -> bool {
        let binding = &self.bindings[b];
        let copy_like = binding.kind == ValueKind::Copy
            || (binding.borrow_only && binding.kind != ValueKind::MutRef);
        path.is_some_and(|p| self.is_last_use(p)) && !copy_like
    }

    /// Whether the value of binding `b` at point `k` depends on the path taken: the last move
    /// or assignment before `k` is in a branch (of an `if` or `match`) that `k` is after, not
    /// in (`if c { drop(x) } f().await;`, `let x; if c { x = v; } f().await;`). rustc keeps
    /// such a value with a drop flag; the lowering gives it a home, whose guard is that flag.
    pub fn path_dependent(&self, b: usize, k: usize) -> bool {
        let binding = &self.bindings[b];
        if binding.borrow_only || binding.kind == ValueKind::Copy {
            // Moved or not, nothing is dropped.
            return false;
        }
        self.last_change_in_other_branch(b, k)
    }

    /// Whether an event of a binding at `pos` happens on every path to `point`: it is in no
    /// branch (of an `if`, a `match`, a `while`/`for` body) that `point` is not in, nor in an
    /// arm whose guard `point` is in (the guard may be false).
    fn on_every_path(&self, binding: &Binding, point: &AwaitPoint, pos: u32) -> bool {
        self.on_every_path_in(binding, point, pos, None)
    }

    /// [`Self::on_every_path`], with the branch `taken` (a loop's body) taken as well.
    fn on_every_path_in(
        &self,
        binding: &Binding,
        point: &AwaitPoint,
        pos: u32,
        taken: Option<NodeId>,
    ) -> bool {
        let in_guard_of = |arm: &NodeId| {
            self.guard_of_arm
                .get(arm)
                .is_some_and(|guard| point.path.contains(guard))
        };
        binding.event_branches.get(&pos).is_none_or(|branches| {
            branches
                .iter()
                .all(|b| (point.path.contains(b) && !in_guard_of(b)) || taken == Some(*b))
        })
    }

    /// Whether binding `b`, kept at point `k`, may have been moved on a path that reaches it
    /// (`if c { drop(x) } else { x = v }`, `drop(x); if c { x = v }`): stored by name, it
    /// would be a use after a move on that path, so it needs a home, whose guard is the drop
    /// flag. That is a move after the last assignment that happens on every path here, with
    /// a later assignment on one path only. (When the last change is itself the move, the
    /// value is kept only because it is read later, which rustc allows only if the path that
    /// moved it leaves: `if c { drop(x); continue; }`.)
    pub fn kept_but_maybe_moved(&self, b: usize, k: usize) -> bool {
        let binding = &self.bindings[b];
        let point = &self.awaits[k];
        let reaches = |p: u32| {
            p < point.pos && !binding.arm_moves.contains(&p) && !self.exclusive(binding, point, p)
        };
        let certain_init = binding
            .events
            .iter()
            .filter(|&&(p, e)| {
                e == Event::Init && reaches(p) && self.on_every_path(binding, point, p)
            })
            .map(|&(p, _)| p)
            .max();
        // A new value after the move on every path through it (`x = f(x)`) replaces it.
        let replaced_after = |m: u32| {
            let through = binding.event_branches.get(&m);
            binding.events.iter().any(|&(p, e)| {
                e == Event::Init
                    && m < p
                    && reaches(p)
                    && binding.event_branches.get(&p).is_none_or(|branches| {
                        branches
                            .iter()
                            .all(|b| through.is_some_and(|t| t.contains(b)))
                    })
            })
        };
        if self.moved_by_the_iteration(binding, point) {
            return true;
        }
        self.path_dependent(b, k)
            && !self.is_moved_before(binding, point)
            && binding.events.iter().any(|&(p, e)| {
                e == Event::Move
                    && reaches(p)
                    && certain_init.is_none_or(|init| p > init)
                    && !replaced_after(p)
            })
    }

    /// Whether `point` is the head of a loop that the binding comes into with its value and
    /// comes back round to moved: its last change in the loop is a move (`let x = ..; loop {
    /// x = f(); g(x); .. }`). Unless the value is `Copy`, which the name does not tell, the
    /// head holds it on one way in only.
    fn moved_by_the_iteration(&self, binding: &Binding, point: &AwaitPoint) -> bool {
        if !point.loop_head()
            || binding.borrow_only
            || binding.kind == ValueKind::Copy
            || binding.decl_pos >= point.pos
            || self.is_moved_before(binding, point)
            // Read again before a new value, it is `Copy` (rustc rejects a use after a move).
            || self.is_used_after(binding, point, false)
        {
            return false;
        }
        let Some(&end) = self.loop_ends.get(&point.pos) else {
            return false;
        };
        binding
            .events
            .iter()
            .filter(|&&(p, e)| {
                e != Event::Use && !binding.arm_moves.contains(&p) && point.pos < p && p <= end
            })
            .max_by_key(|&&(p, _)| p)
            .is_some_and(|&(_, e)| e == Event::Move)
    }

    /// Whether the last move or assignment of binding `b` before point `k` is in a branch that
    /// `k` is after, not in.
    fn last_change_in_other_branch(&self, b: usize, k: usize) -> bool {
        let binding = &self.bindings[b];
        let point = &self.awaits[k];
        let last = binding
            .events
            .iter()
            .filter(|&&(p, e)| {
                p < point.pos
                    && e != Event::Use
                    && !binding.arm_moves.contains(&p)
                    && !self.exclusive(binding, point, p)
            })
            .max_by_key(|&&(p, _)| p);
        // The value an earlier iteration of a loop leaves differs from the one before it.
        let before = match last {
            Some(&(_, event)) => event,
            None if binding.declared_uninit => Event::Move,
            None => Event::Init,
        };
        if self
            .loop_carried_change(binding, point)
            .is_some_and(|carried| carried != before)
        {
            return true;
        }
        let Some(&(pos, _)) = last else {
            return false;
        };
        !self.on_every_path(binding, point, pos)
    }

    /// Whether binding `b` is bound by the pattern of a `match` arm whose guard is suspended
    /// at point `k`: the resumed `match` binds it again from the scrutinee.
    pub fn rederived(&self, b: usize, k: usize) -> bool {
        self.bindings[b]
            .guard
            .is_some_and(|guard| self.awaits[k].path.contains(&guard))
    }

    /// Whether binding `b` is the scrutinee of a `match` whose arms bind parts of it by value
    /// (it must stay an ordinary local for them to move out of).
    pub fn is_scrutinee_moved_by_arms(&self, b: usize) -> bool {
        !self.bindings[b].arm_moves.is_empty()
    }

    /// Whether binding `b` is a `&mut` reference (declared `&mut T` or bound to `&mut x`):
    /// passed by name, it is reborrowed, not moved.
    pub fn is_mut_ref(&self, b: usize) -> bool {
        self.bindings[b].kind == ValueKind::MutRef
    }

    /// Whether a path used by value is the last use of the value it names: nothing reads the
    /// binding after it before a new value is assigned (in a loop, the next iteration counts).
    /// Branches are not told apart, so a use in another branch counts as later.
    pub fn is_last_use(&self, path: NodeId) -> bool {
        let (Some(&b), Some((pos, loops))) = (self.uses.get(&path), self.moved_paths.get(&path))
        else {
            return false;
        };
        let binding = &self.bindings[b];
        let mut events = binding.events.clone();
        events.retain(|(p, _)| !binding.arm_moves.contains(p));
        events.sort_by_key(|&(p, _)| p);
        // An event in another branch of an `if` or `match` than the use cannot follow it.
        let first_after = events
            .iter()
            .find(|&&(p, _)| p > *pos && !self.events_exclusive(binding, *pos, p));
        let again = loops
            .iter()
            .filter(|&&start| binding.decl_pos < start)
            .filter_map(|start| self.loop_ends.get(start).map(|&end| (*start, end)))
            .collect::<Vec<_>>();
        let first_wrapped = events
            .iter()
            .find(|&&(p, _)| p < *pos && again.iter().any(|&(s, e)| (s..=e).contains(&p)));
        let replaced = |e: Option<&(u32, Event)>| e.is_none_or(|&(_, ev)| ev == Event::Init);
        // A new value before the end of the loop is what the next iteration reads.
        let replaced_in_loop = first_after
            .is_some_and(|&(p, ev)| ev == Event::Init && again.iter().all(|&(_, end)| p <= end));
        replaced(first_after) && (again.is_empty() || replaced_in_loop || replaced(first_wrapped))
    }

    /// The locals from outside a piece of the body (a closure, an `async` block) that it
    /// mentions, in order: by path, with the path's node, or by a format-string capture
    /// (`{x}`), without one.
    pub fn mentions(&self, expr: &Expr) -> Vec<(usize, Option<NodeId>)> {
        struct Find<'a> {
            an: &'a Analysis,
            found: Vec<(usize, Option<NodeId>)>,
            declared: HashSet<usize>,
        }
        impl<'ast> syn::visit::Visit<'ast> for Find<'_> {
            fn visit_pat_ident(&mut self, pi: &'ast syn::PatIdent) {
                if let Some(&b) = self.an.binding_of.get(&node_id(pi)) {
                    self.declared.insert(b);
                }
                syn::visit::visit_pat_ident(self, pi);
            }
            fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
                if let Some(&b) = self.an.uses.get(&node_id(p)) {
                    self.found.push((b, Some(node_id(p))));
                }
            }
            fn visit_macro(&mut self, mac: &'ast syn::Macro) {
                for (_, b) in self.an.format_uses.get(&node_id(mac)).into_iter().flatten() {
                    self.found.push((*b, None));
                }
                // The analysis' own parse: its nodes are the ones `uses` knows.
                if let Some(args) = self.an.macros.get(&node_id(mac)) {
                    for e in &args.exprs {
                        self.visit_expr(e);
                    }
                }
            }
        }
        let mut find = Find {
            an: self,
            found: Vec::new(),
            declared: HashSet::new(),
        };
        syn::visit::Visit::visit_expr(&mut find, expr);
        let declared = find.declared;
        find.found.retain(|(b, _)| !declared.contains(b));
        find.found
    }

    /// Whether binding `b` is mentioned at all after suspension point `k`.
    pub fn is_mentioned_after(&self, b: usize, k: usize) -> bool {
        if self.rederived(b, k) {
            return false;
        }
        let binding = &self.bindings[b];
        let point = &self.awaits[k];
        binding
            .events
            .iter()
            .any(|&(pos, _)| self.after(binding, point, pos))
    }

    /// Whether two events of a binding are in different branches of one `if` or `match`.
    fn events_exclusive(&self, binding: &Binding, a: u32, b: u32) -> bool {
        let (Some(in_a), Some(in_b)) = (
            binding.event_branches.get(&a),
            binding.event_branches.get(&b),
        ) else {
            return false;
        };
        in_a.iter().any(|x| {
            in_b.iter().any(|y| {
                x != y
                    && self.branch_parent.contains_key(x)
                    && self.branch_parent.get(x) == self.branch_parent.get(y)
            })
        })
    }

    /// Whether an event of a binding is in another branch of an `if` or `match` than `point`
    /// (so it cannot run after it, unless a loop around both comes round again).
    fn exclusive(&self, binding: &Binding, point: &AwaitPoint, pos: u32) -> bool {
        // An earlier event in a block that leaves the function, which `point` is not in.
        if pos < point.pos
            && binding
                .event_returns
                .get(&pos)
                .is_some_and(|blocks| blocks.iter().any(|b| !point.path.contains(b)))
        {
            return true;
        }
        let Some(branches) = binding.event_branches.get(&pos) else {
            return false;
        };
        let in_guard_of = |m: &NodeId| {
            point
                .path
                .iter()
                .any(|n| self.guard_match.get(n).is_some_and(|g| g == m))
        };
        branches.iter().any(|b| {
            let parent = self.branch_parent.get(b);
            !point.path.contains(b)
                && !parent.is_some_and(in_guard_of)
                && point.path.iter().any(|p| {
                    p != b
                        && self.branch_parent.contains_key(p)
                        && self.branch_parent.get(p) == parent
                })
        })
    }

    /// Whether the value is gone at `point`: the last event before it (on a path that can lead
    /// to it) is a move, and no earlier iteration of a loop around it gave it a new value.
    fn is_moved_before(&self, binding: &Binding, point: &AwaitPoint) -> bool {
        let gone = match self.last_change(binding, point) {
            // A `Copy` value used by value is still there, and so is one without drop glue
            // (a literal, a shared reference: `Copy` too; a `&mut`, reborrowed).
            Some(event) => {
                event == Event::Move && binding.kind != ValueKind::Copy && !binding.borrow_only
            }
            None => binding.declared_uninit,
        };
        gone && self.loop_carried_change(binding, point) != Some(Event::Init)
    }

    /// In a loop around `point` (and around the binding's declaration) with no move or
    /// assignment before `point` on every path of the iteration: the last one after it in the
    /// loop, if it is on every path, which the next iteration comes round to `point` with.
    /// (`drop(x); for .. { f().await; x = v; }`: `x` is moved at the `.await` the first time,
    /// assigned after.)
    fn loop_carried_change(&self, binding: &Binding, point: &AwaitPoint) -> Option<Event> {
        let &(start, end) = point
            .loops
            .iter()
            .filter(|&&(start, _)| binding.decl_pos < start)
            .max_by_key(|&&(start, _)| start)?;
        let changes = || {
            binding
                .events
                .iter()
                .filter(|&&(p, e)| e != Event::Use && !binding.arm_moves.contains(&p))
        };
        let this_iteration = changes().any(|&(p, _)| {
            start <= p
                && p < point.pos
                && !self.exclusive(binding, point, p)
                && self.on_every_path(binding, point, p)
        });
        if this_iteration {
            return None;
        }
        // (Only one on every path through the iteration: in a branch, it may be on a path that
        // leaves the loop, `if c { x = v; break; }`.)
        changes()
            .filter(|&&(p, _)| point.pos < p && p <= end)
            .max_by_key(|&&(p, _)| p)
            .filter(|&&(p, _)| self.on_every_path(binding, point, p))
            .map(|&(_, event)| event)
    }

    /// The last move or assignment of a binding before `point` on a path that reaches it.
    fn last_change(&self, binding: &Binding, point: &AwaitPoint) -> Option<Event> {
        binding
            .events
            .iter()
            .filter(|&&(p, e)| {
                p < point.pos && e != Event::Use && !self.exclusive(binding, point, p)
            })
            .max_by_key(|&&(p, _)| p)
            .map(|&(_, event)| event)
    }

    /// Whether the value alive at `point` can be read later: a use after it, before the
    /// binding is assigned a new value (in a loop, the uses at the top of the next iteration
    /// count unless an assignment comes first).
    fn is_used_after(&self, binding: &Binding, point: &AwaitPoint, doubt_inits: bool) -> bool {
        if let Some(start) = point.breaks_loop
            && let Some(&end) = self.loop_ends.get(&start)
        {
            // The `break` leaves the loop: what runs next is the code after it. (The resume
            // code still has the loop's next iterations, unreachable, which must compile: what
            // they read is kept too, below.)
            if self.is_used_after(binding, &point.exit_of(start, end), doubt_inits) {
                return true;
            }
        }
        let mut events: Vec<(u32, Event)> = binding.events.clone();
        events.sort_by_key(|&(pos, _)| pos);
        let events: Vec<(u32, Event)> = events
            .into_iter()
            .filter(|&(pos, _)| self.after(binding, point, pos))
            .collect();
        // The events with positions in `lo..hi` (exclusive bounds), in order.
        let between = |lo: u32, hi: u32| -> Vec<(u32, Event)> {
            events
                .iter()
                .copied()
                .filter(|&(pos, _)| lo < pos && pos < hi)
                .collect()
        };
        // The first event decides: a read, or a new value replacing this one (unless the new
        // value is computed around this very `.await`, which may leave without assigning).
        // An assignment in a branch that `point` is not in may not happen: the value may
        // still be read after it.
        // An assignment whose right side can leave (`x = f().await?`, `x = match .. { ..
        // => break }`) may not happen, before it as inside it: the old value may still be read
        // (after a `break`) or dropped.
        let certain_in = |taken: Option<NodeId>, &(pos, event): &(u32, Event)| {
            event != Event::Init
                || (self.on_every_path_in(binding, point, pos, taken)
                    && (!doubt_inits || !binding.assigned_by.contains(&pos)))
        };
        // `Some(read)` once a certain event on the path decides, `None` if none does.
        let decide_in = |taken: Option<NodeId>, path: &[(u32, Event)]| {
            path.iter()
                .find(|e| certain_in(taken, e))
                .map(|&(_, event)| event != Event::Init)
        };
        let reads = |paths: &[&[(u32, Event)]]| decide_in(None, &paths.concat()) == Some(true);
        // After a jump out of the loop or block from `ts` to `te` around this one: the code
        // after it.
        let exit =
            |ts: u32, te: u32| self.is_used_after(binding, &point.exit_of(ts, te), doubt_inits);
        // From a loop's head the body runs, or the loop ends (before it, or after a `break`:
        // the code after the loop, with what the body left, then what an outer loop comes
        // round to).
        if let (Some(body), Some(&end)) = (point.loop_body, self.loop_ends.get(&point.pos)) {
            let body_path = between(point.pos, end + 1);
            if decide_in(Some(body), &body_path) == Some(true)
                || self.is_used_after(binding, &point.exit_of(point.pos, end), doubt_inits)
            {
                return true;
            }
            // A jump in the body skips what lies between it and the end of what it leaves.
            return self.jumps_in(point.pos, end).any(|(jump, ts, te)| {
                let before = between(point.pos, jump);
                match decide_in(Some(body), &before) {
                    Some(read) => read,
                    None if te < end => decide_in(Some(body), &between(te, end + 1)) == Some(true),
                    None => exit(ts, te),
                }
            });
        }
        // In a loop (around the binding's declaration), the rest of the iteration runs, then
        // either the next iteration (its start up to here) or the code after the loop.
        let innermost = point
            .loops
            .iter()
            .filter(|&&(start, _)| binding.decl_pos < start)
            .max_by_key(|&&(start, _)| start);
        let Some(&(start, end)) = innermost else {
            // Without a loop: what follows, or what follows what a jump leaves.
            let later = between(point.pos, u32::MAX);
            return reads(&[&later])
                || self.jumps_in(point.pos, u32::MAX).any(|(jump, _, te)| {
                    reads(&[&between(point.pos, jump), &between(te, u32::MAX)])
                });
        };
        let rest = between(point.pos, end + 1);
        let next = between(start - 1, point.pos + 1);
        // A path that leaves the loop where it ends: what it met decides, or else what
        // follows the loop (in the loops around it, their own next iterations).
        let then_leaves = |path: &[&[(u32, Event)]]| match decide_in(None, &path.concat()) {
            Some(read) => read,
            None => exit(start, end),
        };
        if reads(&[&rest, &next]) || then_leaves(&[&rest]) {
            return true;
        }
        // A jump, in the rest of this iteration or early in the next one, skips what lies
        // between it and the end of what it leaves: the rest of a block, or of the iteration
        // (then the next one runs, after a `continue`, or the code after the loop, after a
        // `break`), or of loops around this one.
        let jump_paths = |from: u32, before: &[(u32, Event)]| {
            self.jumps_in(from, end).any(|(jump, ts, te)| {
                let before = [before, &between(from, jump)].concat();
                if te < end {
                    let on = between(te, end + 1);
                    reads(&[&before, &on, &next]) || then_leaves(&[&before, &on])
                } else if (ts, te) == (start, end) {
                    let continues = self.continues.contains(&jump);
                    (continues && reads(&[&before, &next])) || then_leaves(&[&before])
                } else {
                    match decide_in(None, &before) {
                        Some(read) => read,
                        None => exit(ts, te) || exit(start, end),
                    }
                }
            })
        };
        jump_paths(point.pos, &[]) || jump_paths(start - 1, &rest)
    }

    /// The `break`s and `continue`s strictly between positions `from` and `to` (inclusive of
    /// `to`), as (position, start and end of what they leave).
    fn jumps_in(&self, from: u32, to: u32) -> impl Iterator<Item = (u32, u32, u32)> + '_ {
        self.jumps
            .iter()
            .copied()
            .filter(move |&(jump, _, _)| from < jump && jump <= to)
    }

    /// Whether `pos` can run after `point`: later in the source, or anywhere in a loop around
    /// `point` that the binding was declared outside of.
    fn after(&self, binding: &Binding, point: &AwaitPoint, pos: u32) -> bool {
        let again = point
            .loops
            .iter()
            .any(|&(start, end)| binding.decl_pos < start && (start..=end).contains(&pos));
        again || (pos > point.pos && !self.exclusive(binding, point, pos))
    }
}

/// How the value of an expression is used by its parent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Move,
    Place,
    Assign,
}

struct Walker<'a> {
    an: &'a mut Analysis,
    scopes: Vec<Vec<(String, usize)>>,
    pos: u32,
    loops: Vec<(u32, u32)>,
    /// Loops and labelled blocks around the current node, innermost last: the label, whether
    /// it is a loop, its start and the positions of the jumps out of it (see
    /// [`Analysis::jumps`]).
    jump_targets: Vec<(Option<String>, bool, u32, Vec<u32>)>,
    /// In the value of an unlabeled `break`: the start of the loop it leaves.
    breaking: Option<u32>,
    /// Inside a closure or `async` block: `.await`s there are not ours, and `move` captures
    /// count as moves.
    closure_depth: u32,
    move_capture: bool,
    /// Nodes from the body down to the current one.
    stack: Vec<NodeId>,
    /// Whether the outermost statement being walked makes a closure or an `async` block.
    in_closure_stmt: Option<bool>,
    /// The expressions of that statement that need a join point after them (see
    /// [`Analysis::value_join`]).
    value_joins: HashSet<NodeId>,
    /// Arms whose guard is being walked: a guard runs before its arm is chosen (and the later
    /// arms run if it is false), so its events are not in the arm's branch.
    guarded_arms: Vec<NodeId>,
    /// Place expressions about to be walked that the expression around them borrows: `x` in
    /// `&x`, `*x`, `x[i]`, `x.clone()` (a method of [`BORROWING_METHODS`]), a formatting
    /// macro's arguments (with the places they are fields, elements or dereferences of).
    /// Comparisons and other methods are left out: on the `Copy` values they are most often
    /// used with, they copy.
    borrowed: HashSet<NodeId>,
}

/// Analyses a body: `params` are the function's inputs, in order.
pub fn analyse(params: &[&FnArg], body: &Block, receivers: &ReceiverHints) -> Analysis {
    let mut an = Analysis {
        receivers: receivers.clone(),
        ..Analysis::default()
    };
    let mut w = Walker {
        an: &mut an,
        scopes: vec![Vec::new()],
        pos: 0,
        loops: Vec::new(),
        jump_targets: Vec::new(),
        breaking: None,
        closure_depth: 0,
        move_capture: false,
        stack: Vec::new(),
        guarded_arms: Vec::new(),
        in_closure_stmt: None,
        value_joins: HashSet::new(),
        borrowed: HashSet::new(),
    };
    for param in params {
        if let FnArg::Typed(pat_type) = param {
            let first = w.an.bindings.len();
            w.declare_pat(&pat_type.pat, false);
            w.mark_declared_type(first, &pat_type.pat, &pat_type.ty);
            if is_mut_ref(&pat_type.ty) {
                w.mark(first, ValueKind::MutRef);
            }
        }
    }
    w.block_stmts(body);
    an
}

impl Walker<'_> {
    fn tick(&mut self) -> u32 {
        self.pos += 1;
        self.pos
    }

    fn lookup(&self, name: &str) -> Option<usize> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(n, _)| n == name)
            .map(|&(_, b)| b)
    }

    fn record(&mut self, name: &str, event: Event) -> Option<usize> {
        let event = if self.move_capture && event != Event::Init {
            Event::Move
        } else {
            event
        };
        let b = self.lookup(name)?;
        self.record_binding(b, event);
        Some(b)
    }

    fn record_binding(&mut self, b: usize, event: Event) {
        let pos = self.tick();
        self.an.bindings[b].events.push((pos, event));
        let branches: Vec<NodeId> = self
            .stack
            .iter()
            .copied()
            .filter(|id| self.an.branch_parent.contains_key(id) && !self.guarded_arms.contains(id))
            .collect();
        if !branches.is_empty() {
            self.an.bindings[b].event_branches.insert(pos, branches);
        }
        let returns: Vec<NodeId> = self
            .stack
            .iter()
            .copied()
            .filter(|id| self.an.returning_blocks.contains(id))
            .collect();
        if !returns.is_empty() {
            self.an.bindings[b].event_returns.insert(pos, returns);
        }
    }

    fn declare(&mut self, node: NodeId, ident: &syn::Ident, uninit: bool) {
        let pos = self.tick();
        let b = self.an.bindings.len();
        self.an.bindings.push(Binding {
            ident: ident.clone(),
            decl_pos: pos,
            declared_uninit: uninit,
            borrow_only: false,
            kind: ValueKind::Unknown,
            guard: None,
            arm_moves: HashSet::new(),
            assigned_by: Vec::new(),
            event_branches: HashMap::new(),
            event_returns: HashMap::new(),
            events: Vec::new(),
            borrows: Vec::new(),
            destructured: false,
            declared_ty: None,
        });
        self.an.binding_of.insert(node, b);
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((ident.to_string(), b));
        }
    }

    /// Declares the bindings of a pattern in the innermost scope.
    fn declare_pat(&mut self, pat: &Pat, uninit: bool) {
        for_each_binding(pat, &mut |pi| {
            self.declare(node_id(pi), &pi.ident, uninit);
        });
        // Or-patterns bind the same names in every alternative: map the later ones too.
        let mut seen: HashMap<String, usize> = HashMap::new();
        for_each_binding_all(pat, &mut |pi| {
            let name = pi.ident.to_string();
            if let Some(&b) = self.an.binding_of.get(&node_id(pi)) {
                seen.entry(name).or_insert(b);
            } else if let Some(&b) = seen.get(&name) {
                self.an.binding_of.insert(node_id(pi), b);
            }
        });
        self.pat_exprs(pat);
    }

    /// Records what the declaration says of the bindings declared from `first` on.
    fn mark(&mut self, first: usize, kind: ValueKind) {
        for binding in &mut self.an.bindings[first..] {
            binding.kind = kind;
        }
    }

    /// Records the type written on a single binding (and marks it `Copy` if it is a plain
    /// `Copy` type).
    fn mark_declared_type(&mut self, first: usize, pat: &Pat, ty: &syn::Type) {
        if !matches!(pat, Pat::Ident(pi) if pi.subpat.is_none()) {
            return;
        }
        if is_copy_type(ty) {
            self.mark(first, ValueKind::Copy);
        }
        for binding in &mut self.an.bindings[first..] {
            binding.declared_ty = Some(ty.clone());
        }
    }

    /// Walks the expressions inside a pattern (range bounds, consts) for uses.
    fn pat_exprs(&mut self, pat: &Pat) {
        if let Pat::Guard(guard) = pat {
            self.pat_exprs(&guard.pat);
            let arm = self.stack.last().copied();
            self.guarded_arms.extend(arm);
            self.expr(&guard.guard, Ctx::Move);
            if arm.is_some() {
                self.guarded_arms.pop();
            }
        }
    }

    fn block_stmts(&mut self, block: &Block) -> bool {
        let mut any = false;
        for (i, stmt) in block.stmts.iter().enumerate() {
            if self.stmt(stmt) {
                any = true;
                self.an.has_await.insert(node_id(stmt));
                let rest = &block.stmts[i + 1..];
                if self.closure_depth == 0
                    && (needs_join(rest)
                        || (!rest.is_empty() && conditional_let(stmt, &self.an.has_await)))
                {
                    self.stack.push(node_id(stmt));
                    let index = self.push_join(stmt.span(), tokens_text(stmt));
                    self.stack.pop();
                    self.an.join_after.insert(node_id(stmt), index);
                }
            }
        }
        if any {
            self.an.has_await.insert(node_id(block));
        }
        any
    }

    /// A join point here (in the nodes on the stack), for code after it written once.
    fn push_join(&mut self, span: Span, text: String) -> usize {
        let pos = self.tick();
        self.join_point(pos, span, text, None)
    }

    /// A join point at `pos`, in the nodes on the stack: its index among the points.
    fn join_point(
        &mut self,
        pos: u32,
        span: Span,
        text: String,
        loop_body: Option<NodeId>,
    ) -> usize {
        self.an.awaits.push(AwaitPoint {
            pos,
            span,
            text,
            loops: self.loops.clone(),
            path: self.stack.iter().copied().collect(),
            join: true,
            loop_body,
            arm_start: false,
            breaks_loop: None,
        });
        self.an.awaits.len() - 1
    }

    fn block(&mut self, block: &Block) -> bool {
        self.scopes.push(Vec::new());
        self.stack.push(node_id(block));
        if block
            .stmts
            .last()
            .is_some_and(crate::lower::ends_by_diverging)
            && !leaves_by_jumping(block.to_token_stream())
        {
            self.an.returning_blocks.insert(node_id(block));
        }
        let any = self.block_stmts(block);
        self.stack.pop();
        self.scopes.pop();
        any
    }

    fn stmt(&mut self, stmt: &Stmt) -> bool {
        self.stack.push(node_id(stmt));
        // A statement inside one that makes none makes none either: look at the outermost.
        let outermost = self.in_closure_stmt.is_none();
        if outermost {
            let made = FindClosure::first(|f| syn::visit::Visit::visit_stmt(f, stmt));
            self.in_closure_stmt = Some(made.is_some());
            if made.is_some() {
                self.value_joins = ValueJoins::of(stmt, &mut self.an.macros);
            }
        }
        let any = self.stmt_inner(stmt);
        if outermost {
            self.in_closure_stmt = None;
            self.value_joins.clear();
        }
        self.stack.pop();
        any
    }

    fn stmt_inner(&mut self, stmt: &Stmt) -> bool {
        match stmt {
            Stmt::Local(local) => {
                let mut any = false;
                if let Some(init) = &local.init {
                    let ctx = if moves_out(&local.pat) {
                        Ctx::Move
                    } else {
                        Ctx::Place
                    };
                    any |= self.expr(&init.expr, ctx);
                    let whole = match &local.pat {
                        Pat::Type(pt) => &*pt.pat,
                        pat => pat,
                    };
                    if ctx == Ctx::Move
                        && !crate::params::is_plain(whole)
                        && let Expr::Path(path) = &*init.expr
                        && let Some(&b) = self.an.uses.get(&node_id(path))
                    {
                        self.an.bindings[b].destructured = true;
                    }
                    if let Some((_, diverge)) = &init.diverge {
                        let makes_closure = FindClosure::first(|f| {
                            syn::visit::Visit::visit_expr(f, diverge);
                        });
                        if any && self.closure_depth == 0 && makes_closure.is_some() {
                            let index = self.push_join(diverge.span(), tokens_text(diverge));
                            self.an.else_join.insert(node_id(local), index);
                        }
                        any |= self.expr(diverge, Ctx::Move);
                    }
                }
                let first = self.an.bindings.len();
                self.declare_pat(&local.pat, local.init.is_none());
                if let Pat::Type(pt) = &local.pat {
                    self.mark_declared_type(first, &pt.pat, &pt.ty);
                }
                let mut_ref = local.init.as_ref().is_some_and(
                    |init| matches!(&*init.expr, Expr::Reference(r) if r.mutability.is_some()),
                ) || matches!(&local.pat, Pat::Type(pt) if is_mut_ref(&pt.ty));
                if mut_ref && matches!(&local.pat, Pat::Ident(_) | Pat::Type(_)) {
                    self.mark(first, ValueKind::MutRef);
                }
                if local
                    .init
                    .as_ref()
                    .is_some_and(|init| makes_iterator(&init.expr))
                {
                    self.mark(first, ValueKind::Iterator);
                }
                let is_borrow = local
                    .init
                    .as_ref()
                    .is_some_and(|init| init.diverge.is_none() && without_drop_glue(&init.expr));
                if is_borrow && matches!(&local.pat, Pat::Ident(pi) if pi.subpat.is_none()) {
                    for binding in &mut self.an.bindings[first..] {
                        binding.borrow_only = true;
                    }
                }
                any
            }
            Stmt::Item(_) => false,
            Stmt::Expr(expr, _) => self.expr(expr, Ctx::Move),
            Stmt::Macro(mac) => self.mac(&mac.mac, node_id(stmt)),
        }
    }

    /// Walks an expression; returns whether it contains one of the body's `.await`s.
    fn expr(&mut self, expr: &Expr, ctx: Ctx) -> bool {
        self.stack.push(node_id(expr));
        let any = self.expr_inner(expr, ctx);
        self.borrowed.remove(&node_id(expr));
        if any && self.closure_depth == 0 && self.value_joins.contains(&node_id(expr)) {
            let index = self.push_join(expr.span(), tokens_text(expr));
            self.an.value_join.insert(node_id(expr), index);
        }
        self.stack.pop();
        if any {
            self.an.has_await.insert(node_id(expr));
        }
        any
    }

    #[allow(clippy::too_many_lines)]
    fn expr_inner(&mut self, expr: &Expr, ctx: Ctx) -> bool {
        match expr {
            Expr::Path(p) => {
                if p.qself.is_none() && p.path.segments.len() == 1 && p.path.leading_colon.is_none()
                {
                    let name = p.path.segments[0].ident.to_string();
                    let event = match ctx {
                        Ctx::Move => Event::Move,
                        Ctx::Place => Event::Use,
                        Ctx::Assign => Event::Init,
                    };
                    if let Some(b) = self.record(&name, event) {
                        self.an.uses.insert(node_id(p), b);
                        // (Inside a `move` closure the use is of the closure's own copy.)
                        if event == Event::Use
                            && !self.move_capture
                            && self.borrowed.remove(&node_id(expr))
                        {
                            let pos = self.pos;
                            self.an.bindings[b].borrows.push(pos);
                        }
                        if event == Event::Move {
                            let loops = self.loops.iter().map(|&(start, _)| start).collect();
                            self.an.moved_paths.insert(node_id(p), (self.pos, loops));
                        }
                    }
                }
                false
            }
            Expr::Await(a) => {
                let inner = self.expr(&a.base, Ctx::Move);
                if self.closure_depth == 0 {
                    let pos = self.tick();
                    let index = self.an.awaits.len();
                    self.an.awaits.push(AwaitPoint {
                        pos,
                        span: a.await_token.span,
                        text: tokens_text(&a.base),
                        loops: self.loops.clone(),
                        path: self.stack.iter().copied().chain([node_id(expr)]).collect(),
                        join: false,
                        loop_body: None,
                        arm_start: false,
                        breaks_loop: self.breaking,
                    });
                    self.an.await_index.insert(node_id(a), index);
                    true
                } else {
                    inner
                }
            }
            Expr::Call(c) => {
                // The callee runs after its arguments: calling a local closure may consume it
                // (`FnOnce`); if it is not used again, it is not kept (a `Fn` closure kept
                // would also keep its borrows).
                let local_callee = matches!(
                    crate::lower::without_parens(&c.func),
                    Expr::Path(p) if p.path.get_ident().is_some()
                );
                let mut any = false;
                if !local_callee {
                    any |= self.expr(&c.func, Ctx::Place);
                }
                let args: Vec<(&Expr, Ctx)> = c.args.iter().map(|a| (a, Ctx::Move)).collect();
                any |= self.in_order(&args);
                if local_callee {
                    any |= self.expr(&c.func, Ctx::Move);
                }
                any
            }
            Expr::MethodCall(m) => {
                let iterator = match &*m.receiver {
                    Expr::Path(p) => p
                        .path
                        .get_ident()
                        .and_then(|i| self.lookup(&i.to_string()))
                        .is_some_and(|b| self.an.bindings[b].kind == ValueKind::Iterator),
                    receiver => makes_iterator(receiver),
                };
                let recv_ctx = if consumes(&self.an.receivers, m, iterator) {
                    Ctx::Move
                } else {
                    Ctx::Place
                };
                if recv_ctx == Ctx::Place
                    && BORROWING_METHODS.contains(&m.method.to_string().as_str())
                {
                    self.borrow(&m.receiver);
                }
                let receiver = (&*m.receiver, recv_ctx);
                let args = m.args.iter().map(|a| (a, Ctx::Move));
                // A place receiver before an awaiting argument is read where the call is made,
                // after the `.await` (the lowering keeps only values in temporaries): its use
                // comes after the `.await`, so the local is kept across it.
                let children: Vec<(&Expr, Ctx)> = if crate::lower::is_place(&m.receiver)
                    && m.args.iter().any(crate::desugar::has_await)
                {
                    args.chain(std::iter::once(receiver)).collect()
                } else {
                    std::iter::once(receiver).chain(args).collect()
                };
                self.in_order(&children)
            }
            Expr::Binary(b) => {
                let ctx = if crate::lower::is_comparison(&b.op)
                    || crate::lower::is_compound_assign(&b.op)
                {
                    Ctx::Place
                } else {
                    Ctx::Move
                };
                let right_ctx = if crate::lower::is_comparison(&b.op) {
                    Ctx::Place
                } else {
                    Ctx::Move
                };
                if crate::lower::is_compound_assign(&b.op) {
                    // The place is written after the value is computed.
                    let right = self.expr(&b.right, right_ctx);
                    let left = self.expr(&b.left, ctx);
                    left | right
                } else {
                    self.in_order(&[(&*b.left, ctx), (&*b.right, right_ctx)])
                }
            }
            Expr::Unary(u) => {
                let ctx = if matches!(u.op, syn::UnOp::Deref(_)) {
                    self.borrow(&u.expr);
                    Ctx::Place
                } else {
                    Ctx::Move
                };
                self.expr(&u.expr, ctx)
            }
            Expr::Reference(r) => {
                self.borrow(&r.expr);
                self.expr(&r.expr, Ctx::Place)
            }
            Expr::RawAddr(r) => {
                self.borrow(&r.expr);
                self.expr(&r.expr, Ctx::Place)
            }
            Expr::Field(f) => {
                self.pass_borrow(expr, &f.base);
                let any = self.expr(&f.base, Ctx::Place);
                if ctx == Ctx::Move
                    && self.closure_depth == 0
                    && let Some((root, members)) = field_path(expr)
                    && let Some(&b) = self.an.uses.get(&node_id(root))
                {
                    let pos = self.pos;
                    self.an.field_moves.insert(node_id(expr), (b, members, pos));
                }
                any
            }
            Expr::Index(i) => {
                self.borrow(&i.expr);
                self.in_order(&[(&*i.expr, Ctx::Place), (&*i.index, Ctx::Move)])
            }
            Expr::Assign(a) => {
                let right_first = self.expr(&a.right, Ctx::Move);
                let left = self.expr(&a.left, Ctx::Assign);
                // `x = match x { .. => f().await, .. => break }`: the new value is not certain
                // to arrive from an `.await` inside the right side.
                // (Only a right side that can leave, by `?`, `return`, `break` or `continue`:
                // resumed at its `.await`, another one always assigns.)
                if let Expr::Path(p) = &*a.left
                    && let Some(&b) = self.an.uses.get(&node_id(p))
                    && let Some(&(pos, Event::Init)) = self.an.bindings[b].events.last()
                    && can_leave(&a.right)
                {
                    self.an.bindings[b].assigned_by.push(pos);
                }
                right_first | left
            }
            Expr::Cast(c) => self.expr(&c.expr, Ctx::Move),
            Expr::Paren(p) => {
                self.pass_borrow(expr, &p.expr);
                self.expr(&p.expr, ctx)
            }
            Expr::Group(g) => {
                self.pass_borrow(expr, &g.expr);
                self.expr(&g.expr, ctx)
            }
            Expr::Tuple(t) => self.exprs(t.elems.iter()),
            Expr::Array(a) => self.exprs(a.elems.iter()),
            Expr::Repeat(r) => {
                let a = self.expr(&r.expr, Ctx::Move);
                let b = self.expr(&r.len, Ctx::Move);
                a | b
            }
            Expr::Struct(s) => {
                let mut any = false;
                for field in &s.fields {
                    any |= self.expr(&field.expr, Ctx::Move);
                }
                if let Some(rest) = &s.rest {
                    any |= self.expr(rest, Ctx::Move);
                }
                any
            }
            Expr::Range(r) => {
                let mut any = false;
                if let Some(start) = &r.start {
                    any |= self.expr(start, Ctx::Move);
                }
                if let Some(end) = &r.end {
                    any |= self.expr(end, Ctx::Move);
                }
                any
            }
            Expr::Try(t) => self.expr(&t.expr, Ctx::Move),
            Expr::Return(r) => r.expr.as_ref().is_some_and(|e| self.expr(e, Ctx::Move)),
            Expr::Break(b) => {
                self.jump(b.label.as_ref(), false);
                let saved = self.breaking;
                if b.label.is_none() {
                    self.breaking = self.loops.last().map(|&(start, _)| start);
                }
                let any = b.expr.as_ref().is_some_and(|e| self.expr(e, Ctx::Move));
                self.breaking = saved;
                any
            }
            Expr::Block(b) => match &b.label {
                Some(label) => {
                    let name = label.name.ident.to_string();
                    self.jump_targets
                        .push((Some(name), false, self.pos, Vec::new()));
                    let any = self.block(&b.block);
                    self.end_jump_target();
                    any
                }
                None => self.block(&b.block),
            },
            Expr::Unsafe(u) => self.block(&u.block),
            Expr::Const(c) => self.block(&c.block),
            Expr::If(i) => {
                let if_node = self.stack.last().copied().unwrap_or_default();
                self.an
                    .branch_parent
                    .insert(node_id(&i.then_branch), if_node);
                if let Some((_, e)) = &i.else_branch {
                    self.an.branch_parent.insert(node_id(&**e), if_node);
                }
                self.scopes.push(Vec::new());
                let cond = self.cond(&i.cond);
                let then = self.block(&i.then_branch);
                self.scopes.pop();
                let els = i
                    .else_branch
                    .as_ref()
                    .is_some_and(|(_, e)| self.expr(e, Ctx::Move));
                cond | then | els
            }
            Expr::Let(l) => {
                // Bindings go to the scope the enclosing `if`/`while` pushed.
                let ctx = if moves_out(&l.pat) {
                    Ctx::Move
                } else {
                    Ctx::Place
                };
                let any = self.expr(&l.expr, ctx);
                self.declare_pat(&l.pat, false);
                any
            }
            Expr::Match(m) => {
                // Arms binding by value move out of a local scrutinee (or copy from it).
                let ctx = if m.arms.iter().any(|arm| moves_out(&arm.pat)) {
                    Ctx::Move
                } else {
                    Ctx::Place
                };
                // A local scrutinee is moved by the arms that bind by value, each on its own
                // path; the `match` itself only reads it.
                let local = match &*m.expr {
                    Expr::Path(p) if ctx == Ctx::Move && p.path.get_ident().is_some() => Some(p),
                    _ => None,
                };
                let mut any = match local {
                    Some(p) => {
                        let any = self.expr(&m.expr, Ctx::Place);
                        let loops = self.loops.iter().map(|&(start, _)| start).collect();
                        self.an.moved_paths.insert(node_id(p), (self.pos, loops));
                        any
                    }
                    None => self.expr(&m.expr, ctx),
                };
                let moved_local = local.and_then(|p| self.an.uses.get(&node_id(p)).copied());
                // The locals a suspended guard's resumed `match` reads again.
                let reread: Vec<usize> = if guard_scrutinee_root(&m.expr).is_some() {
                    self.an
                        .mentions(&m.expr)
                        .into_iter()
                        .map(|(b, _)| b)
                        .collect()
                } else {
                    Vec::new()
                };
                let match_node = self.stack.last().copied().unwrap_or_default();
                let awaiting_guard = m.arms.iter().any(
                    |arm| matches!(&arm.pat, Pat::Guard(g) if crate::desugar::has_await(&g.guard)),
                );
                for arm in &m.arms {
                    self.an.branch_parent.insert(node_id(arm), match_node);
                    self.stack.push(node_id(arm));
                    self.scopes.push(Vec::new());
                    if let Some(b) = moved_local
                        && moves_out(&arm.pat)
                    {
                        self.record_binding(b, Event::Move);
                        let pos = self.pos;
                        self.an.bindings[b].arm_moves.insert(pos);
                    }
                    self.declare_pat(&arm.pat, false);
                    let mut arm_any = false;
                    if let Pat::Guard(g) = &arm.pat
                        && self.an.has_await.contains(&node_id(&*g.guard))
                    {
                        arm_any = true;
                        self.an.guard_match.insert(node_id(&*g.guard), match_node);
                        self.an
                            .guard_of_arm
                            .insert(node_id(arm), node_id(&*g.guard));
                        let an = &mut *self.an;
                        for_each_binding(&g.pat, &mut |pi| {
                            if let Some(&b) = an.binding_of.get(&node_id(pi)) {
                                an.bindings[b].guard = Some(node_id(&*g.guard));
                            }
                        });
                        for &b in &reread {
                            self.record_binding(b, Event::Use);
                        }
                    }
                    if awaiting_guard
                        && self.closure_depth == 0
                        && FindClosure::first(|f| syn::visit::Visit::visit_expr(f, &arm.body))
                            .is_some()
                    {
                        let index = self.push_join(arm.body.span(), tokens_text(&arm.pat));
                        self.an.awaits[index].arm_start = true;
                        self.an.arm_join.insert(node_id(arm), index);
                        arm_any = true;
                    }
                    arm_any |= self.expr(&arm.body, Ctx::Move);
                    self.scopes.pop();
                    self.stack.pop();
                    if arm_any {
                        self.an.has_await.insert(node_id(arm));
                    }
                    any |= arm_any;
                }
                any
            }
            // A `loop` body that can be left (`break`, `return`, `?`) may stop before any of
            // its statements; a `while` or `for` body may not run at all: to the code around
            // the loop, what happens in it happens on one path only, as in a branch.
            Expr::Loop(l) => self.in_loop(l.label.as_ref(), &l.body, None, |w| {
                if can_leave(expr) {
                    w.an.branch_parent.insert(node_id(&l.body), node_id(l));
                }
                w.block(&l.body)
            }),
            Expr::While(wh) => self.in_loop(wh.label.as_ref(), &wh.body, Some(&wh.cond), |w| {
                w.an.branch_parent.insert(node_id(&wh.body), node_id(wh));
                w.scopes.push(Vec::new());
                let cond = w.cond(&wh.cond);
                let body = w.block(&wh.body);
                w.scopes.pop();
                cond | body
            }),
            Expr::ForLoop(f) => {
                let head = self.expr(&f.expr, Ctx::Move);
                let body = self.in_loop(f.label.as_ref(), &f.body, None, |w| {
                    w.an.branch_parent.insert(node_id(&f.body), node_id(f));
                    w.scopes.push(Vec::new());
                    w.declare_pat(&f.pat, false);
                    let body = w.block(&f.body);
                    w.scopes.pop();
                    body
                });
                head | body
            }
            Expr::Closure(c) => {
                self.nested(c.capture.is_some(), |w| {
                    w.scopes.push(Vec::new());
                    for input in &c.inputs {
                        w.declare_pat(input, false);
                    }
                    w.expr(&c.body, Ctx::Move);
                    w.scopes.pop();
                });
                false
            }
            Expr::Async(a) => {
                self.nested(a.capture.is_some(), |w| {
                    w.block(&a.block);
                });
                false
            }
            Expr::TryBlock(t) => self.block(&t.block),
            Expr::Macro(m) => self.mac(&m.mac, node_id(expr)),
            Expr::Continue(c) => {
                self.jump(c.label.as_ref(), true);
                false
            }
            Expr::Lit(_) | Expr::Infer(_) => false,
            other => {
                self.tokens(other.to_token_stream());
                false
            }
        }
    }

    fn exprs<'e>(&mut self, exprs: impl Iterator<Item = &'e Expr>) -> bool {
        let children: Vec<(&Expr, Ctx)> = exprs.map(|e| (e, Ctx::Move)).collect();
        self.in_order(&children)
    }

    /// Operands in evaluation order, except that places used in place (`x` as a receiver,
    /// `&x`) are recorded after the others: the lowering reads them again after a later
    /// operand's `.await`, so that is where they are used.
    fn in_order(&mut self, children: &[(&Expr, Ctx)]) -> bool {
        let deferred = |&(e, ctx): &(&Expr, Ctx)| match e {
            Expr::Reference(r) => crate::lower::is_place(&r.expr),
            _ => ctx == Ctx::Place && crate::lower::is_place(e),
        };
        let mut any = false;
        for child in children.iter().filter(|c| !deferred(c)) {
            any |= self.expr(child.0, child.1);
        }
        for child in children.iter().filter(|c| deferred(c)) {
            any |= self.expr(child.0, child.1);
        }
        any
    }

    /// An `if`/`while` condition; `let` bindings land in the scope pushed by the caller.
    fn cond(&mut self, cond: &Expr) -> bool {
        self.expr(cond, Ctx::Move)
    }

    /// A `break` or `continue` here, out of the loop or block its label names (the innermost
    /// loop without one).
    fn jump(&mut self, label: Option<&syn::Lifetime>, is_continue: bool) {
        let pos = self.tick();
        let name = label.map(|l| l.ident.to_string());
        let target = self
            .jump_targets
            .iter_mut()
            .rev()
            .find(|(l, is_loop, _, _)| match &name {
                Some(name) => l.as_ref() == Some(name) && (*is_loop || !is_continue),
                None => *is_loop,
            });
        if let Some((_, _, _, jumps)) = target {
            jumps.push(pos);
        }
        if is_continue {
            self.an.continues.insert(pos);
        }
    }

    /// The end of a loop or labelled block: the jumps out of it are known.
    fn end_jump_target(&mut self) {
        if let Some((_, _, start, jumps)) = self.jump_targets.pop() {
            let end = self.pos;
            self.an
                .jumps
                .extend(jumps.into_iter().map(|j| (j, start, end)));
        }
    }

    /// A loop's body (and its condition, evaluated each iteration), visited by `f`.
    fn in_loop(
        &mut self,
        label: Option<&syn::Label>,
        body: &Block,
        cond: Option<&Expr>,
        f: impl FnOnce(&mut Self) -> bool,
    ) -> bool {
        let start = self.tick();
        let index = self.loops.len();
        self.loops.push((start, u32::MAX));
        self.jump_targets.push((
            label.map(|l| l.name.ident.to_string()),
            true,
            start,
            Vec::new(),
        ));
        // A loop inside a `break`'s value runs on after its own `.await`s.
        let breaking = self.breaking.take();
        let any = f(self);
        self.breaking = breaking;
        let end = self.tick();
        self.end_jump_target();
        self.an.loop_ends.insert(start, end);
        self.loops.truncate(index);
        let cond_makes_closure = cond.is_some_and(|cond| {
            FindClosure::first(|f| syn::visit::Visit::visit_expr(f, cond)).is_some()
        });
        // So does a loop inside a statement that makes one, at any depth of blocks (`f(loop {
        // .. }, async { .. }.await)`): the code after a `break` out of it must exist once.
        if any
            && self.closure_depth == 0
            && (needs_join(&body.stmts) || cond_makes_closure || self.in_closure_stmt == Some(true))
        {
            // The body (or the condition, or the rest of the statement) makes closures or
            // `async` blocks: the loop must exist once, so every iteration starts from a join
            // point at the head of the loop.
            let node = self.stack.last().copied().unwrap_or_default();
            let point = self.join_point(
                start,
                body.brace_token.span.join(),
                "loop".to_string(),
                Some(node_id(body)),
            );
            self.an.loop_head.insert(node, point);
        }
        // Patch the end of this loop into every await recorded inside it.
        for point in &mut self.an.awaits {
            for range in &mut point.loops {
                if range.0 == start {
                    range.1 = end;
                }
            }
        }
        any
    }

    /// Marks `place` as borrowed by the expression around it (see [`Self::borrowed`]).
    fn borrow(&mut self, place: &Expr) {
        self.borrowed.insert(node_id(place));
    }

    /// A borrow of `place` (a field, parentheses) is a borrow of the place `inner` it is in.
    fn pass_borrow(&mut self, place: &Expr, inner: &Expr) {
        if self.borrowed.remove(&node_id(place)) {
            self.borrow(inner);
        }
    }

    fn nested(&mut self, moves: bool, f: impl FnOnce(&mut Self)) {
        let saved = self.move_capture;
        self.closure_depth += 1;
        self.move_capture |= moves;
        f(self);
        self.closure_depth -= 1;
        self.move_capture = saved;
    }

    fn mac(&mut self, mac: &syn::Macro, id: NodeId) -> bool {
        // (Parsed already if the statement was searched for value joins.)
        let parsed = self.an.macros.remove(&node_id(mac));
        if let Some(args) = parsed.or_else(|| macros::parse(mac)) {
            let ctx = if args.moves { Ctx::Move } else { Ctx::Place };
            if !args.moves {
                for arg in &args.exprs {
                    self.borrow(arg);
                }
            }
            let mut any = false;
            // The lowering uses this very parse: node identities are addresses, and the
            // expressions stay where they are when `args` moves into the map.
            let children: Vec<(&Expr, Ctx)> = args.exprs.iter().map(|e| (e, ctx)).collect();
            any |= self.in_order(&children);
            for name in &args.format_names {
                if let Some(b) = self.record(name, Event::Use) {
                    if !self.move_capture {
                        let pos = self.pos;
                        self.an.bindings[b].borrows.push(pos);
                    }
                    let uses = self.an.format_uses.entry(node_id(mac)).or_default();
                    // `{x} {x:?}` captures `x` once.
                    if !uses.iter().any(|(n, _)| n == name) {
                        uses.push((name.clone(), b));
                    }
                }
            }
            if any {
                self.an.has_await.insert(id);
                self.an.has_await.insert(node_id(mac));
            }
            self.an.macros.insert(node_id(mac), args);
            any
        } else {
            self.tokens(mac.tokens.clone());
            false
        }
    }

    /// Conservative scan of tokens we cannot parse: every identifier naming a local is a use.
    fn tokens(&mut self, tokens: TokenStream) {
        for tt in tokens {
            match tt {
                TokenTree::Ident(ident) => {
                    self.record(&ident.to_string(), Event::Use);
                }
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Punct(_) | TokenTree::Literal(_) => {}
            }
        }
    }
}

/// Whether the code after a statement with `.await`s must not be repeated in each arm that
/// reaches it: it creates closures or `async` blocks, whose types are unique to where they are
/// written, so two copies could not be stored in the same field.
fn needs_join(rest: &[Stmt]) -> bool {
    FindClosure::first(|f| {
        for stmt in rest {
            syn::visit::Visit::visit_stmt(f, stmt);
        }
    })
    .is_some()
}

/// Whether tokens contain a `break` or `continue`, which may leave a block before its end.
fn leaves_by_jumping(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|t| match t {
        TokenTree::Ident(i) => i == "break" || i == "continue",
        TokenTree::Group(g) => leaves_by_jumping(g.stream()),
        _ => false,
    })
}

/// Finds the operands in a statement with more than one way to finish (`if`, `match`, `&&`,
/// `||`, a labeled block) that a closure or `async` block follows, and then an `.await`: the
/// code after such an expression, if written once for each path out of it, would make two
/// closure types for one field of a later state. Source order stands for evaluation order.
/// The macros' arguments it parses go into `macros`, where the walk finds them, so that the
/// nodes in them are the ones it names.
struct ValueJoins<'m> {
    /// Where each such expression ends, in visiting order.
    ends: Vec<(NodeId, u32)>,
    closures: Vec<u32>,
    awaits: Vec<u32>,
    count: u32,
    macros: &'m mut HashMap<NodeId, MacroArgs>,
    /// The expression of the innermost statement being visited.
    whole: Option<NodeId>,
    /// The tails of blocks that are operands (`f({ ..; if c { .. } else { .. } }, ..)`): the
    /// block's value, so still an operand.
    operand_tails: HashSet<NodeId>,
}

impl ValueJoins<'_> {
    fn of(stmt: &Stmt, macros: &mut HashMap<NodeId, MacroArgs>) -> HashSet<NodeId> {
        let mut v = ValueJoins {
            ends: Vec::new(),
            closures: Vec::new(),
            awaits: Vec::new(),
            count: 0,
            macros,
            whole: None,
            operand_tails: HashSet::new(),
        };
        syn::visit::Visit::visit_stmt(&mut v, stmt);
        let after = |at: u32| {
            v.closures
                .iter()
                .any(|&c| c > at && v.awaits.iter().any(|&a| a > c))
        };
        v.ends
            .iter()
            .filter(|&&(_, end)| after(end))
            .map(|&(node, _)| node)
            .collect()
    }

    fn tick(&mut self) -> u32 {
        self.count += 1;
        self.count
    }
}

impl<'ast> syn::visit::Visit<'ast> for ValueJoins<'_> {
    fn visit_expr(&mut self, expr: &'ast Expr) {
        let branching = match expr {
            Expr::If(_) | Expr::Match(_) => true,
            Expr::Binary(b) => matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)),
            Expr::Block(b) => b.label.is_some(),
            _ => false,
        };
        match expr {
            Expr::Closure(_) | Expr::Async(_) => {
                let at = self.tick();
                self.closures.push(at);
            }
            Expr::Await(_) => {
                syn::visit::visit_expr(self, expr);
                let at = self.tick();
                self.awaits.push(at);
            }
            _ => {
                if let Expr::Block(b) = expr
                    && self.whole != Some(node_id(expr))
                    && let Some(Stmt::Expr(tail, None)) = b.block.stmts.last()
                {
                    self.operand_tails.insert(node_id(tail));
                }
                syn::visit::visit_expr(self, expr);
                if branching {
                    let at = self.tick();
                    self.ends.push((node_id(expr), at));
                }
            }
        }
    }
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if tokens_make_closure(mac.tokens.clone()) {
            let at = self.tick();
            self.closures.push(at);
        }
        if let Some(args) = macros::parse(mac) {
            // The expressions stay where they are when `args` moves into the map.
            for arg in &args.exprs {
                syn::visit::Visit::visit_expr(self, arg);
            }
            self.macros.insert(node_id(mac), args);
        }
    }
    // An expression that is a whole statement or initializer finishes the statement: the code
    // after it is the rest of the block, which a join after the statement serves (unless it
    // is the value of a block that is an operand).
    fn visit_stmt(&mut self, stmt: &'ast Stmt) {
        let whole = match stmt {
            Stmt::Expr(expr, _) => Some(expr),
            Stmt::Local(local) => local.init.as_ref().map(|init| &*init.expr),
            _ => None,
        };
        let saved = std::mem::replace(&mut self.whole, whole.map(node_id));
        syn::visit::visit_stmt(self, stmt);
        self.whole = saved;
        if let Some(whole) = whole.filter(|w| !self.operand_tails.contains(&node_id(*w))) {
            self.ends.retain(|&(node, _)| node != node_id(whole));
        }
    }
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Finds code that makes a closure or an `async` block (whose type is unique to where it is
/// written): the span of the first one (in a macro's arguments, the macro's).
#[derive(Default)]
pub struct FindClosure(pub Option<Span>);

impl FindClosure {
    /// The first closure or `async` block in what `visit` walks.
    pub fn first(visit: impl FnOnce(&mut Self)) -> Option<Span> {
        let mut find = Self::default();
        visit(&mut find);
        find.0
    }
}

impl<'ast> syn::visit::Visit<'ast> for FindClosure {
    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.0.get_or_insert(c.span());
    }
    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        self.0.get_or_insert(a.async_token.span);
    }
    // Macro arguments (`format!("{}", async { .. }.await)`) are tokens to syn.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if tokens_make_closure(mac.tokens.clone()) {
            self.0.get_or_insert(mac.path.span());
        }
    }
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Whether macro tokens may make a closure or an `async` block: an `async` or `move`, or a `|`
/// where an expression starts (after `(`, `,`, `=` or at the start).
fn tokens_make_closure(tokens: TokenStream) -> bool {
    let mut expression_start = true;
    for tree in tokens {
        match &tree {
            TokenTree::Ident(ident) if ident == "async" || ident == "move" => return true,
            TokenTree::Punct(p) if p.as_char() == '|' && expression_start => return true,
            TokenTree::Group(g) if tokens_make_closure(g.stream()) => return true,
            _ => {}
        }
        expression_start = match &tree {
            TokenTree::Punct(p) => matches!(p.as_char(), ',' | '=' | ';'),
            _ => false,
        };
    }
    false
}

/// `let v = if c { Some(x.await) } else { None };`: a `let` whose value may come from a path
/// that suspends or from one that does not. The code after it, repeated in both arms, could
/// not infer `v`'s type in the arm that did not suspend, so the paths meet in a join state.
fn conditional_let(stmt: &Stmt, has_await: &HashSet<NodeId>) -> bool {
    struct Find<'h> {
        has_await: &'h HashSet<NodeId>,
        found: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Find<'_> {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            let branching = matches!(expr, Expr::If(_) | Expr::Match(_))
                || matches!(expr, Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_) | syn::BinOp::Or(_)));
            if branching && self.has_await.contains(&node_id(expr)) {
                self.found = true;
                return;
            }
            syn::visit::visit_expr(self, expr);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let Stmt::Local(local) = stmt else {
        return false;
    };
    let Some(init) = &local.init else {
        return false;
    };
    let mut find = Find {
        has_await,
        found: false,
    };
    syn::visit::Visit::visit_expr(&mut find, &init.expr);
    find.found
}

/// Calls `f` on each binding of a pattern, taking only the first alternative of or-patterns.
pub fn for_each_binding<'p>(pat: &'p Pat, f: &mut impl FnMut(&'p syn::PatIdent)) {
    walk_pat(pat, true, f);
}

fn for_each_binding_all<'p>(pat: &'p Pat, f: &mut impl FnMut(&'p syn::PatIdent)) {
    walk_pat(pat, false, f);
}

fn walk_pat<'p>(pat: &'p Pat, first_alt: bool, f: &mut impl FnMut(&'p syn::PatIdent)) {
    match pat {
        Pat::Ident(pi) => {
            if is_binding(pi) {
                f(pi);
            }
            if let Some((_, sub)) = &pi.subpat {
                walk_pat(sub, first_alt, f);
            }
        }
        Pat::Or(or) => {
            for (i, case) in or.cases.iter().enumerate() {
                if i == 0 || !first_alt {
                    walk_pat(case, first_alt, f);
                }
            }
        }
        Pat::Paren(p) => walk_pat(&p.pat, first_alt, f),
        Pat::Reference(r) => walk_pat(&r.pat, first_alt, f),
        Pat::Slice(s) => s.elems.iter().for_each(|p| walk_pat(p, first_alt, f)),
        Pat::Tuple(t) => t.elems.iter().for_each(|p| walk_pat(p, first_alt, f)),
        Pat::TupleStruct(t) => t.elems.iter().for_each(|p| walk_pat(p, first_alt, f)),
        Pat::Struct(s) => s
            .fields
            .iter()
            .for_each(|fp| walk_pat(&fp.pat, first_alt, f)),
        Pat::Type(t) => walk_pat(&t.pat, first_alt, f),
        Pat::Guard(g) => walk_pat(&g.pat, first_alt, f),
        _ => {}
    }
}

/// The path a `match` scrutinee is a place of, if it is one that can be read again when a
/// suspended guard resumes: a local, a constant, a static or a unit variant (`None::<u32>`),
/// or a field, element (at a simple index) or dereference of one.
pub fn guard_scrutinee_root(expr: &Expr) -> Option<&syn::ExprPath> {
    match expr {
        Expr::Path(p) if p.qself.is_none() => Some(p),
        Expr::Field(f) => guard_scrutinee_root(&f.base),
        Expr::Paren(p) => guard_scrutinee_root(&p.expr),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => guard_scrutinee_root(&u.expr),
        Expr::Index(i) if matches!(&*i.index, Expr::Lit(_) | Expr::Path(_)) => {
            guard_scrutinee_root(&i.expr)
        }
        _ => None,
    }
}

/// A field expression down to a local (`a.b.c`, parentheses allowed): the local's path and the
/// fields, outermost last.
pub fn field_path(expr: &Expr) -> Option<(&syn::ExprPath, Vec<syn::Member>)> {
    match expr {
        Expr::Field(f) => {
            let (root, mut members) = field_path(&f.base)?;
            members.push(f.member.clone());
            Some((root, members))
        }
        Expr::Paren(p) => field_path(&p.expr),
        Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => Some((p, Vec::new())),
        _ => None,
    }
}

/// An identifier pattern binds a new local unless it names a unit struct, variant or constant.
/// Without name resolution we follow the naming conventions: those start with an uppercase
/// letter; bindings do not.
pub fn is_binding(pi: &syn::PatIdent) -> bool {
    pi.by_ref.is_some()
        || pi.mutability.is_some()
        || pi.subpat.is_some()
        || !pi
            .ident
            .to_string()
            .starts_with(|c: char| c.is_ascii_uppercase())
}

/// Whether an initializer's value visibly has no drop glue: a reference, a raw pointer, or a
/// literal (and arrays, tuples, casts and arithmetic of them). Such a value is kept across an
/// `.await` only if it is used after it, as rustc does; `let buf = [0u8; 1024]` read before an
/// `.await` and never after does not make the future 1 KiB larger.
fn without_drop_glue(expr: &Expr) -> bool {
    match expr {
        // `[x; N]` needs `x: Copy` (or a constant): no drop glue whatever `x` is.
        Expr::Reference(_) | Expr::RawAddr(_) | Expr::Lit(_) | Expr::Repeat(_) => true,
        Expr::Array(a) => a.elems.iter().all(without_drop_glue),
        Expr::Tuple(t) => t.elems.iter().all(without_drop_glue),
        Expr::Cast(c) => without_drop_glue(&c.expr),
        Expr::Paren(p) => without_drop_glue(&p.expr),
        Expr::Unary(u) if !matches!(u.op, syn::UnOp::Deref(_)) => without_drop_glue(&u.expr),
        Expr::Binary(b) => without_drop_glue(&b.left) && without_drop_glue(&b.right),
        // Methods that return a reference (or a `Pin`/`Option` of one) into their receiver.
        Expr::MethodCall(m) => REFERENCE_RESULT.contains(&m.method.to_string().as_str()),
        _ => false,
    }
}

/// Method names whose result is a reference into the receiver (or an `Option`/`Pin` of one),
/// which has no drop glue. Keeping such a value after its last use would also keep a stale
/// reference that the next resume point moves out of the state again, which Stacked Borrows
/// rejects once a later borrow of the receiver has invalidated it.
const REFERENCE_RESULT: &[&str] = &[
    "as_deref",
    "as_deref_mut",
    "as_mut",
    "as_mut_slice",
    "as_ref",
    "as_slice",
    "as_str",
    "first_mut",
    "get",
    "get_mut",
    "last_mut",
];

fn is_mut_ref(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Reference(r) if r.mutability.is_some())
}

/// A type that is `Copy` without drop glue, as written: primitives, shared references, raw
/// pointers, and tuples and arrays of those.
fn is_copy_type(ty: &syn::Type) -> bool {
    const PRIMITIVES: &[&str] = &[
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
        "f32", "f64", "bool", "char",
    ];
    match ty {
        syn::Type::Path(p) => {
            p.qself.is_none() && PRIMITIVES.iter().any(|name| p.path.is_ident(name))
        }
        syn::Type::Reference(r) => r.mutability.is_none(),
        syn::Type::Ptr(_) => true,
        syn::Type::Paren(p) => is_copy_type(&p.elem),
        syn::Type::Tuple(t) => t.elems.iter().all(is_copy_type),
        syn::Type::Array(a) => is_copy_type(&a.elem),
        _ => false,
    }
}

/// Whether a pattern binds some part of its scrutinee by value (outside `&` patterns).
pub fn moves_out(pat: &Pat) -> bool {
    match pat {
        Pat::Ident(pi) => {
            (pi.by_ref.is_none() && is_binding(pi))
                || pi.subpat.as_ref().is_some_and(|(_, p)| moves_out(p))
        }
        Pat::Or(or) => or.cases.iter().any(moves_out),
        Pat::Paren(p) => moves_out(&p.pat),
        Pat::Slice(s) => s.elems.iter().any(moves_out),
        Pat::Tuple(t) => t.elems.iter().any(moves_out),
        Pat::TupleStruct(t) => t.elems.iter().any(moves_out),
        Pat::Struct(s) => s.fields.iter().any(|f| moves_out(&f.pat)),
        Pat::Type(t) => moves_out(&t.pat),
        Pat::Guard(g) => moves_out(&g.pat),
        _ => false,
    }
}

/// Whether a method call consumes its receiver, `iterator` telling whether the receiver is an
/// iterator (see [`Analysis::consumes`]): as the attribute says (`consumes(..)`,
/// `borrows(..)`), else as the name suggests.
fn consumes(hints: &ReceiverHints, m: &syn::ExprMethodCall, iterator: bool) -> bool {
    let name = m.method.to_string();
    if hints.borrows.contains(&name) {
        return false;
    }
    hints.consumes.contains(&name)
        || consumes_receiver(&name)
        || (iterator && ITERATOR_CONSUMING.contains(&name.as_str()))
}

/// Whether a method call consumes its receiver, as far as the call alone tells (the receiver's
/// binding is not looked at).
pub fn method_consumes(hints: &ReceiverHints, m: &syn::ExprMethodCall) -> bool {
    consumes(hints, m, makes_iterator(&m.receiver))
}

/// Methods that consume an iterator but only borrow a slice or a collection (`v.last()`).
const ITERATOR_CONSUMING: &[&str] = &["last"];

/// Whether an expression makes an iterator: a method call that returns one
/// (`v.into_iter()`, `s.chars()`, `it.map(f)`).
fn makes_iterator(expr: &Expr) -> bool {
    const MAKERS: &[&str] = &[
        "bytes",
        "chain",
        "chars",
        "char_indices",
        "chunks",
        "cloned",
        "copied",
        "drain",
        "enumerate",
        "filter",
        "filter_map",
        "flat_map",
        "into_iter",
        "into_keys",
        "into_values",
        "iter",
        "iter_mut",
        "keys",
        "lines",
        "map",
        "peekable",
        "rev",
        "skip",
        "split",
        "split_whitespace",
        "step_by",
        "take",
        "values",
        "windows",
        "zip",
    ];
    match expr {
        Expr::MethodCall(m) => MAKERS.contains(&m.method.to_string().as_str()),
        Expr::Paren(p) => makes_iterator(&p.expr),
        _ => false,
    }
}

impl Analysis {
    /// Whether a method call (of the analysed body) consumes its receiver: read from the
    /// method's name, and for a few names from whether the receiver is an iterator.
    pub fn consumes(&self, m: &syn::ExprMethodCall) -> bool {
        let iterator = match &*m.receiver {
            Expr::Path(p) => self
                .uses
                .get(&node_id(p))
                .is_some_and(|&b| self.bindings[b].kind == ValueKind::Iterator),
            receiver => makes_iterator(receiver),
        };
        consumes(&self.receivers, m, iterator)
    }
}

/// Method names that take `self` by value across the standard library and common crates.
pub fn consumes_receiver(name: &str) -> bool {
    // Iterator adapters and consumers, `Option`/`Result` combinators, future combinators,
    // and a few well-known consuming methods of common crates (builders, transactions,
    // digests, HTTP responses).
    const CONSUMING: &[&str] = &[
        "and",
        "and_then",
        "boxed",
        "boxed_local",
        "build",
        "bytes_stream",
        "commit",
        "finalize",
        "rollback",
        "then",
        "chain",
        "cloned",
        "collect",
        "copied",
        "count",
        "cycle",
        "enumerate",
        "err",
        "filter",
        "filter_map",
        "flat_map",
        "flatten",
        "fold",
        "for_each",
        "fuse",
        "inspect",
        "join",
        "json",
        "map",
        "map_err",
        "map_or",
        "map_or_else",
        "map_while",
        "max",
        "max_by",
        "max_by_key",
        "min",
        "min_by",
        "min_by_key",
        "ok",
        "ok_or",
        "ok_or_else",
        "or",
        "or_else",
        "partition",
        "peekable",
        "product",
        "reduce",
        "rev",
        "scan",
        "skip",
        "skip_while",
        "step_by",
        "sum",
        "take_while",
        "text",
        "unzip",
        "wait",
        "xor",
        "zip",
    ];
    name.starts_with("into")
        || name.starts_with("unwrap")
        || name.starts_with("expect")
        || CONSUMING.contains(&name)
}

/// Source text of a node, tidied for docs: `event ()` becomes `event()`.
pub fn tokens_text<T: ToTokens + Spanned>(node: &T) -> String {
    let tokens = crate::receiver::as_written(node.to_token_stream());
    crate::emit::tidy_tokens(&tokens.to_string())
}

/// Whether an expression can leave the code around it before it has a value: `?`, `return`,
/// `break` or `continue` outside the closures and `async` blocks in it (a `break` of a loop
/// inside it counts too, conservatively).
fn can_leave(expr: &Expr) -> bool {
    struct Find(bool);
    impl<'ast> syn::visit::Visit<'ast> for Find {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            match expr {
                Expr::Closure(_) | Expr::Async(_) => {}
                Expr::Try(_) | Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => {
                    self.0 = true;
                }
                _ => syn::visit::visit_expr(self, expr),
            }
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            self.0 |= crate::desugar::any_token(mac.tokens.clone(), &|tree| match tree {
                TokenTree::Ident(i) => i == "return" || i == "break" || i == "continue",
                TokenTree::Punct(p) => p.as_char() == '?',
                _ => false,
            });
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut find = Find(false);
    syn::visit::Visit::visit_expr(&mut find, expr);
    find.0
}

/// Methods that take `&self` or `&mut self` wherever the standard library has them (`Rc`,
/// `Cell`, `RefCell`, locks, collections, strings): a call on a local borrows it. (Not
/// `take`, `last` or `send`, which some types' methods take by value.)
const BORROWING_METHODS: &[&str] = &[
    "as_mut",
    "as_ref",
    "as_slice",
    "as_str",
    "borrow",
    "borrow_mut",
    "clear",
    "clone",
    "contains",
    "contains_key",
    "extend",
    "get",
    "get_mut",
    "insert",
    "is_empty",
    "iter",
    "iter_mut",
    "len",
    "lock",
    "pop",
    "push",
    "push_str",
    "read",
    "remove",
    "set",
    "to_owned",
    "to_string",
    "try_borrow",
    "try_borrow_mut",
    "try_lock",
    "upgrade",
    "write",
];
