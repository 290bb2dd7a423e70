//! Support for the code `#[visible_async]` generates. Not a public API: reached only through
//! absolute paths (`::visible_async::__private::...`) from expansions, and free to change.

use core::fmt;
use core::future::Future;
use core::marker::PhantomPinned;
use core::pin::Pin;
use core::task::{Context, Poll};

pub use pin_project_lite::pin_project;

mod awaitee;
mod home;
pub use awaitee::Awaitee;
pub use home::{Home, HomeGuard, Occupied, Parts, Remains, Whole};

pub use crate::inspect::{AwaitPoint, FieldKind, FieldLayout, VariantLayout};

/// Implemented by every generated state enum. Needs no bound on the types it holds, so a
/// future can always say where it is.
pub trait StateMachine {
    /// The name of the `async fn` this state machine came from.
    const FUNCTION: &'static str;
    /// The `Returned` state, entered once the body has produced its output.
    const RETURNED: Self;
    /// The `Panicked` state, entered while the body runs and kept if it panics.
    const PANICKED: Self;
    /// The name of the current variant (`Unresumed`, `Suspend0`, ..., `Returned`, `Panicked`).
    fn state_name(&self) -> &'static str;
    /// Where the state machine is suspended, if it is.
    fn await_point(&self) -> Option<&'static AwaitPoint>;
    /// The variants that hold something, with their fields' sizes.
    const VARIANTS: &'static [VariantLayout];
    /// The pinned homes beside the state, with their sizes.
    const HOMES: &'static [FieldLayout];
}

pin_project_lite::pin_project! {
    /// The future a `#[visible_async]` function returns: its state enum, pinned in place, the
    /// homes of the locals borrowed across an `.await` (`NoHomes` if there are none), and the
    /// `poll` closure generated from the body.
    ///
    /// The closure lives in the same function body that builds the first state, so rustc can
    /// infer the enum's type parameters from the code that fills its variants.
    pub struct VisibleFuture<S, B, H = NoHomes> {
        // Dropped first: the guards in the state drop the values in the homes.
        #[pin]
        state: S,
        body: B,
        #[pin]
        homes: H,
        // Like the compiler's futures, never `Unpin`: a suspended state may hold borrows of
        // itself.
        #[pin]
        _pinned: PhantomPinned,
    }
}

/// The homes of a body that borrows nothing across an `.await`.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoHomes;

/// The generated `poll` closure, whether or not it takes homes.
pub trait Body<S, H> {
    /// The output of the `async fn`.
    type Output;
    /// Runs the body from the current state to the next suspension or the end.
    fn poll(
        &mut self,
        state: Pin<&mut S>,
        homes: Pin<&mut H>,
        cx: &mut Context<'_>,
    ) -> Poll<Self::Output>;
}

/// A poll closure without homes: `|state, cx| ..`.
pub struct Plain<F>(F);

/// A poll closure with homes: `|state, homes, cx| ..`.
pub struct Homed<F>(F);

impl<S, F, T> Body<S, NoHomes> for Plain<F>
where
    F: FnMut(Pin<&mut S>, &mut Context<'_>) -> Poll<T>,
{
    type Output = T;
    #[inline]
    fn poll(&mut self, state: Pin<&mut S>, _: Pin<&mut NoHomes>, cx: &mut Context<'_>) -> Poll<T> {
        (self.0)(state, cx)
    }
}

impl<S, H, F, T> Body<S, H> for Homed<F>
where
    F: FnMut(Pin<&mut S>, Pin<&mut H>, &mut Context<'_>) -> Poll<T>,
{
    type Output = T;
    #[inline]
    fn poll(&mut self, state: Pin<&mut S>, homes: Pin<&mut H>, cx: &mut Context<'_>) -> Poll<T> {
        (self.0)(state, homes, cx)
    }
}

impl<S, F> VisibleFuture<S, Plain<F>> {
    /// Wraps the initial (`Unresumed`) state and the body's `poll` closure.
    #[inline]
    pub const fn new<T>(state: S, poll: F) -> Self
    where
        F: FnMut(Pin<&mut S>, &mut Context<'_>) -> Poll<T>,
    {
        Self {
            state,
            body: Plain(poll),
            homes: NoHomes,
            _pinned: PhantomPinned,
        }
    }
}

impl<S, H, F> VisibleFuture<S, Homed<F>, H> {
    /// Like [`VisibleFuture::new`], for a body with locals borrowed across an `.await`: `homes`
    /// is the (empty) struct of their homes, which the closure fills and reaches.
    #[inline]
    pub const fn with_homes<T>(state: S, homes: H, poll: F) -> Self
    where
        F: FnMut(Pin<&mut S>, Pin<&mut H>, &mut Context<'_>) -> Poll<T>,
    {
        Self {
            state,
            body: Homed(poll),
            homes,
            _pinned: PhantomPinned,
        }
    }
}

impl<S: StateMachine, B, H> crate::inspect::Inspect for VisibleFuture<S, B, H> {
    fn function_name(&self) -> &'static str {
        S::FUNCTION
    }

    fn state_name(&self) -> &'static str {
        self.state.state_name()
    }

    fn await_point(&self) -> Option<&'static AwaitPoint> {
        self.state.await_point()
    }

    fn layout(&self) -> crate::inspect::Layout {
        crate::inspect::Layout {
            function: S::FUNCTION,
            total: core::mem::size_of_val(self),
            state: core::mem::size_of::<S>(),
            variants: S::VARIANTS,
            homes: S::HOMES,
        }
    }
}

impl<S, B, H> Future for VisibleFuture<S, B, H>
where
    S: StateMachine,
    B: Body<S, H>,
{
    type Output = B::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<B::Output> {
        let this = self.project();
        let _frame = crate::backtrace::enter(&*this.state);
        // A panic in the body leaves the state `Panicked` by itself, but a panic inside an
        // awaited future unwinds while the state still holds it: like rustc, drop what the
        // state holds and poison it.
        let mut state = PoisonOnUnwind(this.state);
        let output = this.body.poll(state.0.as_mut(), this.homes, cx);
        if output.is_ready() {
            // The body's locals are already dropped; like rustc, the future is now spent.
            state.0.set(S::RETURNED);
        }
        output
    }
}

/// Sets the state to `Panicked` when dropped during a panic.
struct PoisonOnUnwind<'a, S: StateMachine>(Pin<&'a mut S>);

impl<S: StateMachine> Drop for PoisonOnUnwind<'_, S> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.set(S::PANICKED);
        }
    }
}

impl<S: StateMachine, B, H> fmt::Debug for VisibleFuture<S, B, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct(S::FUNCTION);
        d.field("state", &format_args!("{}", self.state.state_name()));
        if let Some(point) = self.state.await_point() {
            d.field("awaiting", &format_args!("{point}"));
        }
        // The poll closure has nothing to show, and the values held need no `Debug`.
        d.finish_non_exhaustive()
    }
}

/// Called by the poll loop each time round, before it resumes the state: keeps the async
/// backtrace (the `backtrace` feature) up to date. Does nothing without the feature.
#[inline]
pub fn trace<S: StateMachine>(state: &S) {
    crate::backtrace::trace(state);
}

/// Pins a hidden local that stands for the place of a pinning macro (`pin!`, `pin_mut!`,
/// `tokio::pin!`): `Pin::new_unchecked(place)`.
///
/// # Safety
/// `place` must not move again before it is dropped. The generated code calls this only on
/// the hidden locals those macros become, which no user code names (so none moves them), and
/// gives each a pinned home wherever the state keeps it across an `.await` (so the state
/// machine does not move it either); it is dropped in place.
#[inline]
#[must_use]
pub unsafe fn pin_local<T: ?Sized>(place: &mut T) -> core::pin::Pin<&mut T> {
    // SAFETY: the caller's promise above.
    unsafe { core::pin::Pin::new_unchecked(place) }
}

/// The reference rustc takes to a method's receiver before the method's arguments run
/// (`cell.set(f().await)` borrows `cell`, then awaits): held in the state across an argument's
/// `.await` as rustc holds `&cell`, it carries no value and no lifetime, only the auto traits
/// of a `&T`. (The call itself borrows the receiver again once the arguments are ready.)
pub struct ReceiverBorrow<T: ?Sized>(core::marker::PhantomData<*const T>);

// SAFETY: a `ReceiverBorrow` holds nothing, so sending or sharing it cannot reach a `T`; it is
// `Send` and `Sync` exactly when `&T` is, which is all it is for.
unsafe impl<T: ?Sized + Sync> Send for ReceiverBorrow<T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Sync> Sync for ReceiverBorrow<T> {}

impl<T: ?Sized> ReceiverBorrow<T> {
    /// The marker for a borrow of `receiver`.
    #[inline]
    #[must_use]
    pub fn of(receiver: &T) -> Self {
        let _ = receiver;
        Self(core::marker::PhantomData)
    }
}

/// The temporaries a block's tail made before its `.await`, kept in the state across it, made
/// into one temporary of the tail again once it resumes: `TailTemporaries::new().keep(value,
/// (__tmp1, __tmp0))` in the tail of the block. The receiver is a temporary of the tail made
/// before `value` is evaluated, so it drops after `value`'s own temporaries, and where rustc
/// drops a tail's temporaries: before the block's locals in edition 2024, after them in 2021
/// (the block's span says which), as the `async fn` drops the temporaries it kept.
pub struct TailTemporaries<H>(core::cell::Cell<Option<H>>);

impl<H> Default for TailTemporaries<H> {
    fn default() -> Self {
        Self::new()
    }
}

impl<H> TailTemporaries<H> {
    /// An empty holder: [`keep`](Self::keep) fills it.
    #[inline]
    #[must_use]
    pub const fn new() -> Self {
        Self(core::cell::Cell::new(None))
    }

    /// Returns `value`, and keeps `held` until this holder drops.
    #[inline]
    pub fn keep<V>(&self, value: V, held: H) -> V {
        self.0.set(Some(held));
        value
    }
}

/// Stands in a branch that never runs (see [`never`]) before the state machine is made, with
/// the body as written in an `async` block: rustc type- and borrow-checks the block, and
/// lints it, like the `async fn` it came from. That check is what makes the erased lifetimes
/// of the homes sound: the state machine only makes borrows that the original body makes.
pub fn borrow_check<T, F: Future<Output = T>>(_: core::marker::PhantomData<T>, _: F) {}

/// `false`, opaquely to the lints: the branch with the checked copy of the body is reachable
/// code for rustc (whose liveness lints, unused variables and needless `mut`, skip
/// unreachable code), and it diverges, so the arguments it moves are still there after it.
#[inline]
#[must_use]
pub const fn never() -> bool {
    false
}

/// Panics with rustc's message for polling an `async fn` future after it completed.
#[cold]
#[track_caller]
pub fn resumed_after_completion() -> ! {
    panic!("`async fn` resumed after completion")
}

/// Panics with rustc's message for polling an `async fn` future after its body panicked.
#[cold]
#[track_caller]
pub fn resumed_after_panicking() -> ! {
    panic!("`async fn` resumed after panicking")
}

/// Stand-in for the unstable `core::ops::Try`, so that `?` can be spelled out in a poll
/// closure for any return type (`Option`, aliases): `branch` splits a value into the one to go
/// on with and the residual to return.
pub trait Try {
    /// The value `?` evaluates to.
    type Output;
    /// What `?` returns early with.
    type Residual;
    /// `Continue(output)` to go on, `Break(residual)` to return early.
    fn branch(self) -> core::ops::ControlFlow<Self::Residual, Self::Output>;
}

/// Stand-in for the unstable `core::ops::FromResidual`: builds the early return value.
pub trait FromResidual<R> {
    /// The value returned by `?` on residual `r`.
    fn from_residual(r: R) -> Self;
}

impl<T> Try for Option<T> {
    type Output = T;
    type Residual = Option<core::convert::Infallible>;
    fn branch(self) -> core::ops::ControlFlow<Self::Residual, T> {
        match self {
            Some(v) => core::ops::ControlFlow::Continue(v),
            None => core::ops::ControlFlow::Break(None),
        }
    }
}

impl<T, E> Try for Result<T, E> {
    type Output = T;
    type Residual = Result<core::convert::Infallible, E>;
    fn branch(self) -> core::ops::ControlFlow<Self::Residual, T> {
        match self {
            Ok(v) => core::ops::ControlFlow::Continue(v),
            Err(e) => core::ops::ControlFlow::Break(Err(e)),
        }
    }
}

impl<T> FromResidual<Option<core::convert::Infallible>> for Option<T> {
    fn from_residual(_: Option<core::convert::Infallible>) -> Self {
        None
    }
}

impl<T, E, F: From<E>> FromResidual<Result<core::convert::Infallible, E>> for Result<T, F> {
    fn from_residual(r: Result<core::convert::Infallible, E>) -> Self {
        match r {
            Err(e) => Err(From::from(e)),
            Ok(never) => match never {},
        }
    }
}

impl<B, C> Try for core::ops::ControlFlow<B, C> {
    type Output = C;
    type Residual = core::ops::ControlFlow<B, core::convert::Infallible>;
    fn branch(self) -> core::ops::ControlFlow<Self::Residual, C> {
        match self {
            core::ops::ControlFlow::Continue(c) => core::ops::ControlFlow::Continue(c),
            core::ops::ControlFlow::Break(b) => {
                core::ops::ControlFlow::Break(core::ops::ControlFlow::Break(b))
            }
        }
    }
}

impl<B, C> FromResidual<core::ops::ControlFlow<B, core::convert::Infallible>>
    for core::ops::ControlFlow<B, C>
{
    fn from_residual(r: core::ops::ControlFlow<B, core::convert::Infallible>) -> Self {
        match r {
            core::ops::ControlFlow::Break(b) => core::ops::ControlFlow::Break(b),
            core::ops::ControlFlow::Continue(never) => match never {},
        }
    }
}
