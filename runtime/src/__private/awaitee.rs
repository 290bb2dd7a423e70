//! The slot of the future being awaited.
//!
//! The state machine is read through shared references while it is suspended: the poll loop
//! and the async backtrace ask for the state's name (`trace(&*state)`), and `Debug` and
//! `Inspect` take `&self`. The awaited future may be self-referential (an `async` block or
//! `async fn` future holding a borrow of its own local, such as `&mut self` of a method called
//! on a temporary it owns). A shared reference to memory without interior mutability asserts
//! that nothing mutates it, which would invalidate those inner borrows (Miri reports it under
//! Stacked Borrows). In an `UnsafeCell` the future's bytes are exempt, as if the state were a
//! cell, and the future is only ever reached through `Pin<&mut Awaitee<F>>`.

use core::cell::UnsafeCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// Holds the future being awaited at a `SuspendN` state: `Awaitee::new(IntoFuture::into_future(e))`.
#[repr(transparent)]
pub struct Awaitee<F>(UnsafeCell<F>);

impl<F> Awaitee<F> {
    /// Wraps the future about to be awaited.
    #[inline]
    pub const fn new(future: F) -> Self {
        Self(UnsafeCell::new(future))
    }
}

// SAFETY: no method gives access to the future through a shared reference, so sharing an
// `&Awaitee<F>` between threads shares nothing of `F`; `F: Sync` is required anyway so that
// the state machine is `Sync` exactly when the compiler's future, which holds `F` itself, is.
unsafe impl<F: Sync> Sync for Awaitee<F> {}

impl<F: Future> Future for Awaitee<F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `self` is pinned, so the future inside it is too (structural pinning: it is
        // never moved out, and `Awaitee` has no `Drop` impl that could move it).
        let future = unsafe { Pin::new_unchecked(self.get_unchecked_mut().0.get_mut()) };
        future.poll(cx)
    }
}
