//! Support for the code `#[visible_async]` generates. Not a public API: reached only through
//! absolute paths (`::visible_async::__private::...`) from expansions, and free to change.

use core::fmt;
use core::future::Future;
use core::marker::PhantomPinned;
use core::pin::Pin;
use core::task::{Context, Poll};

pub use pin_project_lite::pin_project;

/// Where a state machine is suspended: the awaited expression and its place in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AwaitPoint {
    /// The awaited expression as written, e.g. `event()`.
    pub expr: &'static str,
    /// The source file, as `file!()` gives it.
    pub file: &'static str,
    /// 1-based line of the `.await`.
    pub line: u32,
    /// 1-based column of the `.await`.
    pub column: u32,
}

impl fmt::Display for AwaitPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}.await` at {}:{}:{}",
            self.expr, self.file, self.line, self.column
        )
    }
}

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
}

pin_project_lite::pin_project! {
    /// The future a `#[visible_async]` function returns: its state enum, pinned in place, and
    /// the `poll` closure generated from the body.
    ///
    /// The closure lives in the same function body that builds the first state, so rustc can
    /// infer the enum's type parameters from the code that fills its variants.
    pub struct VisibleFuture<S, F> {
        #[pin]
        state: S,
        poll: F,
        // Like the compiler's futures, never `Unpin`: a suspended state may hold borrows of
        // itself.
        #[pin]
        _pinned: PhantomPinned,
    }
}

impl<S, F> VisibleFuture<S, F> {
    /// Wraps the initial (`Unresumed`) state and the body's `poll` closure.
    #[inline]
    pub const fn new<T>(state: S, poll: F) -> Self
    where
        F: FnMut(Pin<&mut S>, &mut Context<'_>) -> Poll<T>,
    {
        Self {
            state,
            poll,
            _pinned: PhantomPinned,
        }
    }
}

impl<S: StateMachine, F> VisibleFuture<S, F> {
    /// The name of the `async fn` this future came from.
    pub fn function_name(&self) -> &'static str {
        S::FUNCTION
    }

    /// The name of the state the future is in.
    pub fn state_name(&self) -> &'static str {
        self.state.state_name()
    }

    /// The `.await` the future is suspended at, if any.
    pub fn await_point(&self) -> Option<&'static AwaitPoint> {
        self.state.await_point()
    }
}

impl<S, F, T> Future for VisibleFuture<S, F>
where
    S: StateMachine,
    F: FnMut(Pin<&mut S>, &mut Context<'_>) -> Poll<T>,
{
    type Output = T;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.project();
        // A panic in the body leaves the state `Panicked` by itself, but a panic inside an
        // awaited future unwinds while the state still holds it: like rustc, drop what the
        // state holds and poison it.
        let mut state = PoisonOnUnwind(this.state);
        let output = (this.poll)(state.0.as_mut(), cx);
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

impl<S: StateMachine, F> fmt::Debug for VisibleFuture<S, F> {
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
