//! Leaf futures for tests and demos: futures written by hand, with a known number of
//! `Pending` results, that an `async fn` can await to get suspension points.
//!
//! Both wake their own waker before returning `Pending`, so any executor (including
//! [`block_on`](crate::block_on)) polls them again at once.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// Returns a future that is `Pending` once, then `Ready(())`.
///
/// Awaiting it gives a suspension point and nothing else, like a cooperative yield.
///
/// ```
/// use visible_async::leaf::yield_now;
///
/// visible_async::block_on(async {
///     yield_now().await; // one `Pending`, then on
/// });
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
///
/// `Pending` on its first poll (after waking its waker by reference), `Ready(())` on every poll
/// after that.
#[derive(Debug, Clone)]
#[must_use = "futures do nothing unless awaited"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            Poll::Ready(())
        } else {
            self.yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// Returns a future that is `Pending` `pending` times (waking itself each time), then
/// `Ready(value)`.
///
/// ```
/// use visible_async::leaf::ready_after;
///
/// assert_eq!(visible_async::block_on(ready_after(3, "done")), "done");
/// ```
pub fn ready_after<T>(pending: usize, value: T) -> ReadyAfter<T> {
    ReadyAfter {
        pending,
        value: Some(value),
    }
}

/// The future returned by [`ready_after`].
///
/// `Unpin` whatever `T` is (the value is never pinned), and `Send`/`Sync` when `T` is.
///
/// # Panics
///
/// Polling it again after it returned `Ready` panics with
/// `` `ReadyAfter` polled after completion ``.
#[derive(Debug, Clone)]
#[must_use = "futures do nothing unless awaited"]
pub struct ReadyAfter<T> {
    pending: usize,
    value: Option<T>,
}

// The value is only ever moved out, never pinned, so the future can be `Unpin` for any `T`.
impl<T> Unpin for ReadyAfter<T> {}

impl<T> Future for ReadyAfter<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.get_mut();
        if this.pending > 0 {
            this.pending -= 1;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        match this.value.take() {
            Some(value) => Poll::Ready(value),
            None => panic!("`ReadyAfter` polled after completion"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ready_after, yield_now};
    use crate::auto_traits;
    use crate::harness::AutoTraits;
    use crate::harness::WakeCounter;
    use core::future::Future;
    use core::marker::PhantomPinned;
    use core::pin::Pin;
    use core::task::Context;
    use core::task::Poll;
    use std::cell::Cell;
    use std::rc::Rc;

    #[test]
    fn yield_now_is_pending_once_and_wakes_itself() {
        let (counter, waker) = WakeCounter::waker();
        let mut cx = Context::from_waker(&waker);
        let mut future = yield_now();
        assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Pending);
        assert_eq!(counter.wakes(), 1);
        assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Ready(()));
        assert_eq!(counter.wakes(), 1, "no wake when ready");
    }

    #[test]
    fn ready_after_is_pending_n_times_then_ready() {
        let (counter, waker) = WakeCounter::waker();
        let mut cx = Context::from_waker(&waker);
        let mut future = ready_after(3, String::from("value"));
        for expected_wakes in 1..=3 {
            assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Pending);
            assert_eq!(counter.wakes(), expected_wakes);
        }
        assert_eq!(
            Pin::new(&mut future).poll(&mut cx),
            Poll::Ready(String::from("value"))
        );
        assert_eq!(counter.wakes(), 3);
    }

    #[test]
    fn ready_after_zero_is_ready_at_once() {
        let (counter, waker) = WakeCounter::waker();
        let mut cx = Context::from_waker(&waker);
        let mut future = ready_after(0, 9_u8);
        assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Ready(9));
        assert_eq!(counter.wakes(), 0);
    }

    #[test]
    #[should_panic(expected = "`ReadyAfter` polled after completion")]
    fn ready_after_panics_when_polled_after_completion() {
        let (_counter, waker) = WakeCounter::waker();
        let mut cx = Context::from_waker(&waker);
        let mut future = ready_after(1, ());
        assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Pending);
        assert_eq!(Pin::new(&mut future).poll(&mut cx), Poll::Ready(()));
        let _ = Pin::new(&mut future).poll(&mut cx);
    }

    #[test]
    fn leaves_run_under_block_on() {
        let output = crate::block_on(async {
            yield_now().await;
            ready_after(5, 40).await + ready_after(0, 2).await
        });
        assert_eq!(output, 42);
    }

    #[test]
    fn auto_traits_of_leaves() {
        let all = AutoTraits {
            send: true,
            sync: true,
            unpin: true,
        };
        assert_eq!(auto_traits!(yield_now()), all);
        assert_eq!(auto_traits!(ready_after(1, 5_u32)), all);
        // Unpin even when the value is not.
        assert_eq!(auto_traits!(ready_after(1, PhantomPinned)), all);
        // Send/Sync follow the value.
        assert_eq!(
            auto_traits!(ready_after(1, Rc::new(1))),
            AutoTraits {
                send: false,
                sync: false,
                unpin: true
            }
        );
        assert_eq!(
            auto_traits!(ready_after(1, Cell::new(1))),
            AutoTraits {
                send: true,
                sync: false,
                unpin: true
            }
        );
    }
}
