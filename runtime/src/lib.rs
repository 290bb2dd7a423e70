//! See the state machine behind an `async fn`.
//!
//! `#[visible_async]` rewrites an `async fn` into a plain `fn` returning a future whose state is
//! a named enum you can read: one variant per `.await` (`Unresumed`, `Suspend0`, ...,
//! `Returned`, `Panicked`, as rustc names them), holding the values alive across it, and an
//! explicit `poll` that matches on it. This crate is the one users depend on: it re-exports
//! the attribute, runs futures with [`block_on`], and compares a visible future with the
//! compiler's own in [`harness`].
//!
//! ```
//! use visible_async::harness::{Log, assert_equivalent};
//! use visible_async::leaf::ready_after;
//! use visible_async::visible_async;
//!
//! // `compiler = NAME` also emits the untouched `async fn` as NAME, to compare with.
//! #[visible_async(compiler = sum_rustc)]
//! async fn sum(log: Log, n: u32) -> u32 {
//!     let mut total = 0;
//!     for i in 0..n {
//!         total += ready_after(1, i).await;
//!         log.push(format!("total {total}"));
//!     }
//!     total
//! }
//!
//! assert_eq!(visible_async::block_on(sum(Log::new(), 4)), 6);
//! assert_equivalent(|log| sum(log, 4), |log| sum_rustc(log, 4));
//! ```
//!
//! # What the expansion looks like
//!
//! The state enum is declared inside the function, generic over the types of the values it
//! holds (rustc infers them from the code that fills the variants), and pin-projected with
//! `pin-project-lite`: the awaited future is `#[pin]`, the saved locals are moved out when the
//! state machine resumes. Its fields are listed in the order they are dropped when the future is
//! dropped while suspended, which is rustc's order. The poll closure is
//! `loop { match state { .. } }`: each arm runs the user's code from one resume point to the
//! next `.await`, where it stores the awaited future and the live values in the next
//! `SuspendN` and goes round the loop to poll it. `cargo run -p expand-demo` prints examples.
//!
//! # Supported
//!
//! `async fn`s, free or in `impl` blocks (inherent and trait impls, with `&self`, `&mut self`,
//! `self`, `mut self`, `self: Box<Self>`, `self: Pin<&mut Self>`; the receiver is held as
//! `__self`), with any parameters (patterns, `_`, generics, `where` clauses, `impl Trait`,
//! lifetimes), `unsafe async fn`, and `.await` anywhere an expression may stand, including
//! inside `if`, `match`, `loop`, `while`, `while let`, `for`, `let else`, labeled blocks,
//! `break`/`continue` with labels and values, `return`, `?` (with `From` conversion), and the
//! arguments of the standard formatting, assertion, `vec!`, `dbg!` and `matches!` macros.
//! `async {}` blocks in the body stay compiler futures. Pinning macros (`let f =
//! core::pin::pin!(fut);`, `futures::pin_mut!(f);`, `tokio::pin!(f);`) pin their value in a
//! hidden local (`__pinned0`), which stays in a pinned home while the state keeps it. The returned `impl Future` captures
//! what the compiler's does, in edition 2021 and 2024 crates alike.
//!
//! Locals borrowed across an `.await` (`let r = &x; f().await; r`, `read(&mut buf).await`,
//! `for x in &v { .. .await }`, `self.stream.read(&mut self.buffer).await`) live in pinned
//! homes beside the state (`FnHomes`): the state holds a guard for each, under the local's
//! name, and user code reads the value as `HomeGuard::home(&mut x).value` (a call, not a
//! method call, so that a value whose type only later code tells, `let n = s.parse()?;`, is
//! still inferred). The body as written is kept in an unreachable `async` block after the
//! `return`, so rustc borrow-checks it as usual and reports its errors once, at the user's
//! tokens.
//!
//! `.await` in a match guard works: the scrutinee gets a pinned home (the guard's bindings
//! borrow it), and the resumed `match` reads it again from the suspended arm on. An arm whose
//! body makes a closure or an `async` block starts at a join point (`JoinN`), so that its body
//! is written once however the `match` got there. Likewise, where a statement makes a
//! closure or an `async` block and awaits after an expression with `.await`s on some of its
//! paths (`f(if c { a().await } else { 0 }, async { .. }.await)`), the paths meet with the
//! expression's value at a `JoinN` right after it. So do `let`
//! chains with an `.await` (`if let Some(x) = a && f(x).await { .. }`, and in `while`), which
//! become nested `if`s. A value scrutinee whose arms await (`match f() { .. }`, `if let`,
//! `while let`) is bound first, `match f() { __scrutinee => match __scrutinee { .. } }`, so that
//! it lives to the end of the `match`, as rustc keeps it.
//!
//! Parameters are bound the way rustc binds them for an `async fn`: each pattern parameter by
//! a `let` when the body starts, in parameter order, so they drop after the body's locals in
//! reverse order, and what a pattern leaves (`_`, the rest of `(x, _)`) is held to the end.
//! Temporaries live where rustc's scoping rules put them: a temporary that a `let` extends
//! (`let r = &String::new();`, `let g = &*m.lock().await;`) becomes a local; the temporaries
//! of an awaited expression (`f(&String::new()).await`, `f((Holder { .. }).n).await`) and a
//! temporary receiver with its future (`signal().recv().await`, `builder().send().await`)
//! are held to the end of the statement; temporaries made before a later `.await` in the same
//! statement are kept across it. The parts a `let` pattern leaves behind in a local
//! (`let (q, _) = t;`) are dropped at the end of the local's scope.
//!
//! `#[cfg]` and `#[cfg_attr]` inside the function (on statements, `let`s, match arms,
//! struct-literal fields, array, tuple and argument elements, parameters, generic parameters,
//! in closures and `async` blocks) keep exactly their effect. The attribute sees the function
//! before rustc configures it, so it emits one copy of the function per combination of the
//! distinct predicates it uses, each configured accordingly and guarded by
//! `#[cfg(all(P1, not(P2), ..))]`; rustc keeps the one whose guard holds (and `cargo expand`
//! shows only that one). `not(P)` counts as `P`; `all()`, `any()`, `true` and `false` are
//! evaluated by the macro. At most 6 distinct predicates (64 copies) in one function: more is
//! an error saying to move the cfg-dependent code into a helper function. `cfg`s inside items
//! declared in the body and inside macro invocations are left to rustc and the macro.
//!
//! # Not supported yet (each a compile error at the user's tokens)
//!
//! - More than 6 distinct `#[cfg]` predicates in one function (see above).
//! - `.await` inside an unknown macro, in the guard of `matches!`, or a macro that awaits by
//!   itself (`join!`, `select!`: use `futures::future::join(a, b).await`).
//! - A local declared inside a statement macro of the user's or a crate's
//!   (`event_listener::listener!(event => listener);`) and used across an `.await`: the
//!   transform cannot see it; a spanned error at the macro says to declare it with a `let`.
//!   (Pinning macros are understood: see above.)
//! - A closure or `async` block in the guard of an arm after a guard that awaits (the resumed
//!   `match` runs the later guards again, and two copies would be two types): make it before
//!   the `match`.
//! - Recursion: a direct self-call awaited gets rustc's own E0733 ("recursion in an async fn
//!   requires boxing"); boxed recursion works when the boxed future is coerced to
//!   `Pin<Box<dyn Future<Output = T> + '_>>` (the state cannot hold a box of its own type, so
//!   `Box::pin(f(..)).await` as it is gets an error saying so). The trait object is not
//!   `Send`, so such a future is not `Send` where rustc's plain `async fn` may be.
//!
//! Known differences, from working without types:
//!
//! - A borrow error in the body of a local that has no pinned home (`let r; { let x = 5; r =
//!   &x; } f().await; r`) is reported twice: by the copy of the body that rustc checks (as
//!   for the plain `async fn`) and by the state machine. The user's warnings come from the
//!   copy only.
//! - A value held across an `.await` that borrows from two arguments at once (`let r = if c
//!   { a } else { b };`, or a callee's future with one lifetime for both) has a lifetime that
//!   none of them has. A function without a receiver names it: its argument lifetimes are
//!   named and outlive an added `'__future` (callers still infer every lifetime). A method
//!   keeps its signature (in a trait impl it must stay the trait's), so there it is E0700
//!   ("hidden type captures lifetime that does not appear in bounds"): give the borrowed
//!   arguments one lifetime, `fn get<'a>(&'a self, key: &'a str)`, in an inherent impl.
//! - A local moved or assigned on one path only (`if c { drop(x) }`) needs the drop flag rustc
//!   keeps for it: it gets a pinned home, whose guard is that flag. That costs the home's size
//!   for values that are in fact `Copy` (the macro cannot tell), except for locals declared
//!   with a primitive, shared-reference or raw-pointer type or bound to a literal or a
//!   reference.
//! - Whether a method call consumes its receiver is read from the method's name (`into_*`,
//!   `unwrap*`, iterator adapters and consumers on iterators, `build`, `commit`, ...): no code
//!   shape compiles both for `fn m(self)` and for `fn m(&self)` returning a borrow kept across
//!   an `.await`. Where the name does not say it, say it in the attribute:
//!   `#[visible_async(consumes(send, apply))]` for methods that take `self`,
//!   `#[visible_async(borrows(wait))]` for one with a consuming name that takes `&self` or
//!   `&mut self` (or call it as a function, `Request::send(req)`, which moves `req` as written).
//!   Without that, a consuming method with another name on a local kept across a later
//!   `.await` is an error, E0382 ("use of moved value", with rustc's note that the method
//!   "takes ownership of the receiver `self`") or E0507 ("cannot move out of a mutable
//!   reference", for a local borrowed across an `.await`); a borrowing method with a
//!   consuming name lets the local be dropped at the `.await`.
//! - A closure or `async` block that is not `move` and is kept across an `.await` borrows
//!   the locals it mentions: they get pinned homes, and the closure is made `move` over
//!   references to them. Where it reads a local by value for the last time, it takes it (as
//!   `|| drop(v)` does), and is made `move` for it: a `Copy` value, which the original
//!   borrows, is copied into the closure instead (the same value: nothing can change it
//!   while the closure lives, and nothing reads it after).
//! - A field moved out of a local that lives across a later `.await` (`let body =
//!   request.body;`, `for c in s.channels`) leaves the local in a pinned home that records the
//!   field as moved and drops the rest where rustc does. Whether the field is `Copy` is not in
//!   the tokens, so a field read by value (`let id = request.id;`) homes the local too (the
//!   home's size, and the value stays to the end of its scope, as a moved-from one would).
//!   Not inside closures, and not an assignment to a field that contains a moved one (`x.a =
//!   ..` after `x.a.b` moved: a spanned error). A `let` pattern that leaves parts behind (`let
//!   (q, _) = t;`) is handled, unless `t` is read again after it (`t.1.len()`): then `t` is
//!   dropped whole at the next `.await`.
//! - A temporary receiver with its future (`t().m().await`) is held in an `async` block
//!   around the call, a compiler future: the state shows the block, not `m`'s future. Its
//!   temporaries drop when the call completes, at the end of the statement, but in a block's
//!   tail expression that awaits they drop before the block's locals, as edition 2024 does, in
//!   edition 2021 crates too. (A tail's other temporaries follow the crate's edition: the
//!   blocks they end keep the user's spans, whose edition rustc reads; where a tail's
//!   temporaries are kept in the state across its `.await`, the macro reads the edition from
//!   the compiler's command line, `--edition`, and follows edition 2024 where there is none,
//!   as in the expand demo.)
//! - An awaited value used as a receiver (`make().await.bump().await`,
//!   `f(make().await.len()).await`) is held to the end of its statement, as rustc holds it,
//!   unless the method's name (or `consumes(..)`) says it takes `self`; a consuming method with
//!   another name then moves the hidden local that holds it (E0382 in the expansion).
//! - A `match` on a value whose arms both move out of it and borrow it across an `.await` (`(a,
//!   b) => drop(b)` beside `(ref a, ref b) => f().await`) gets E0716 in the expansion; so does
//!   a `match &mut x` whose awaiting guard keeps an arm's `&mut` binding.
//! - A `for` pattern that binds its item in part by value (`for (k, _) in pairs`) counts as
//!   moving the item: the part left behind (the `_`) is dropped at the `.await` instead of at
//!   the end of the iteration. (In a `match` or `if let` on a value, the parts left behind are
//!   moved to locals `__rest0`, .. declared before it, and dropped where rustc drops them.)
//! - In a `match` whose guard awaits, the scrutinee lives in a pinned home, so an arm cannot
//!   move a non-`Copy` value out of it (E0507 in the expansion); match on a reference instead.
//! - A local whose type has no drop glue and that is never used after its `let` (`let c =
//!   Cell::new(1); f().await;`) stays in the state to the end of its scope; rustc does not keep
//!   it, so rustc's future is `Sync` here and ours is not. (A local that was borrowed, as by
//!   `c.set(2)`, rustc keeps to the end of its scope too.) Whether a type has drop glue is not
//!   in the tokens: drop the value at once (`let _ = Cell::new(1);`) or use it.
//! - A local that was borrowed and then moved (`let n = *rc; drop(rc); f().await`) is kept,
//!   moved out, to the end of its scope, as rustc keeps a maybe-borrowed local's place: in a
//!   pinned home, so its type counts for the future's auto traits. A borrow is read from the
//!   code's shape (`&x`, `*x`, `x[i]`, a method call on `x` that does not consume it, a
//!   comparison, a formatting macro's argument): a by-value method on a `Copy` receiver
//!   (`ptr.is_null()`) counts as one, where rustc copies. Not when a pattern moved it out in
//!   part (`let (q, _) = t;`): the home could not give up the part it moves.
//! - A method called on a place with an argument that awaits (`cell.set(f().await)`): rustc
//!   borrows the receiver before the argument and holds the reference across the `.await`;
//!   the expansion reads the place again after it, and holds a marker with the auto traits of
//!   a shared reference instead (`&Cell<u32>` is not `Send`, so neither is either future).
//!   Where the method takes `&mut self` and the receiver's type is `Send` but not `Sync`
//!   (`v.push(f().await)` on a `Vec<Cell<u32>>`), rustc's `&mut` is `Send` and the marker is
//!   not: the name of the method does not tell which it takes.
//! - A `for` head that keeps a value it borrows across the loop's `.await`s (`for x in
//!   make().iter()`, `for x in m.lock().unwrap().iter()`): the temporary the iterator borrows
//!   is in the state, which moves (E0505 in the expansion; E0716 for a method's result). Bind
//!   the value to a local first.
//! - Temporaries inside a method-call chain before an `.await` in the same statement
//!   (`m.lock().unwrap().len() + f().await`) are dropped before the `.await`; rustc keeps them to
//!   the end of the statement. (The owned value at the root of the chain is kept.)
//!
//! # Where the compiler's own future is wrong
//!
//! rustc 1.95 (and nightly 1.97) miscompile a `match` whose scrutinee is an element indexed by
//! the builtin operator, bound by value in an arm whose guard awaits: `let a = [8, 13, p]; let i
//! = 2; match a[i] { n if f().await => n, _ => 0 }` reads another element once the guard
//! resumes (with a local index, out of bounds: a segfault, in safe code). The visible state
//! machine reads the element the code names. The side-by-side harness cannot compare such a
//! function; the generator makes such scrutinees values (`match { a[i] } { .. }`), and the
//! test `rustc_miscompiles_an_indexed_guard_binding` checks the visible future's value.

#![forbid(unsafe_op_in_unsafe_fn)]

pub use visible_async_macro::visible_async;

pub mod backtrace;
mod executor;
pub mod harness;
pub mod inspect;
pub mod leaf;
pub use executor::block_on;

#[doc(hidden)]
pub mod __private;
