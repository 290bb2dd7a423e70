//! A minimal executor for one future: [`block_on`].

use core::future::Future;
use core::pin::pin;
use core::sync::atomic::{AtomicBool, Ordering};
use core::task::{Context, Poll, Waker};
use std::sync::Arc;
use std::task::Wake;
use std::thread::{self, Thread};

/// What the waker of one [`block_on`] call signals: the blocked thread, and whether it has been
/// woken since it last looked.
struct Signal {
    /// The thread running `block_on`, unparked by a wake.
    thread: Thread,
    /// Set by a wake, cleared by the blocked thread before it polls again.
    notified: AtomicBool,
}

impl Wake for Signal {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Only the first wake since the last poll needs to unpark: later ones find the flag
        // already set, and the blocked thread checks the flag before every park.
        if !self.notified.swap(true, Ordering::AcqRel) {
            self.thread.unpark();
        }
    }
}

#[cfg(test)]
thread_local! {
    /// How many times `block_on` parked on this thread (tests only).
    static PARKS: core::cell::Cell<usize> = const { core::cell::Cell::new(0) };
}

/// Runs `future` to completion on the current thread and returns its output.
///
/// The future is pinned on the stack and polled with a waker made once per call. While it is
/// `Pending` the thread parks until the waker is woken (from any thread), then polls again;
/// there is no busy loop, and a future that wakes itself before returning `Pending` is polled
/// again at once. Spurious unparks do not cause extra polls.
///
/// A panic in `poll` propagates to the caller. A future that returns `Pending` and never has
/// its waker woken blocks the thread forever, as it would under any executor.
///
/// ```
/// let output = visible_async::block_on(async {
///     visible_async::leaf::yield_now().await;
///     40 + 2
/// });
/// assert_eq!(output, 42);
/// ```
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let signal = Arc::new(Signal {
        thread: thread::current(),
        notified: AtomicBool::new(false),
    });
    let waker = Waker::from(Arc::clone(&signal));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        while !signal.notified.swap(false, Ordering::AcqRel) {
            #[cfg(test)]
            PARKS.with(|parks| parks.set(parks.get() + 1));
            thread::park();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{PARKS, block_on};
    use core::pin::Pin;
    use core::sync::atomic::{AtomicBool, Ordering};
    use core::task::{Context, Poll};
    use std::sync::Arc;
    use std::thread;
    use std::time::Duration;

    /// Parks made by `block_on` on this thread so far.
    fn parks() -> usize {
        PARKS.with(core::cell::Cell::get)
    }

    /// Pending `remaining` times, waking itself each time (by reference, or by value through a
    /// clone on odd counts), then ready with the number of polls.
    struct SelfWaking {
        remaining: usize,
        polls: usize,
    }

    impl Future for SelfWaking {
        type Output = usize;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
            self.polls += 1;
            if self.remaining == 0 {
                return Poll::Ready(self.polls);
            }
            self.remaining -= 1;
            if self.remaining.is_multiple_of(2) {
                cx.waker().wake_by_ref();
            } else {
                // Deliberately the by-value path (`Wake::wake`), not `wake_by_ref`.
                #[allow(clippy::waker_clone_wake)]
                cx.waker().clone().wake();
            }
            Poll::Pending
        }
    }

    /// On the first poll, hands its waker to a thread that (optionally) unparks the blocked
    /// thread spuriously a few times, sleeps, sets the flag, then wakes. Ready once the flag is
    /// set; counts its polls.
    struct WokenFromThread {
        done: Arc<AtomicBool>,
        started: bool,
        spurious_unparks: usize,
        polls: usize,
    }

    impl WokenFromThread {
        fn new(spurious_unparks: usize) -> Self {
            Self {
                done: Arc::new(AtomicBool::new(false)),
                started: false,
                spurious_unparks,
                polls: 0,
            }
        }
    }

    impl Future for WokenFromThread {
        type Output = usize;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
            self.polls += 1;
            if self.done.load(Ordering::Acquire) {
                return Poll::Ready(self.polls);
            }
            if !self.started {
                self.started = true;
                let done = Arc::clone(&self.done);
                let waker = cx.waker().clone();
                let blocked = thread::current();
                let spurious = self.spurious_unparks;
                thread::spawn(move || {
                    for _ in 0..spurious {
                        blocked.unpark();
                        thread::sleep(Duration::from_millis(1));
                    }
                    thread::sleep(Duration::from_millis(20));
                    done.store(true, Ordering::Release);
                    waker.wake();
                });
            }
            Poll::Pending
        }
    }

    #[test]
    fn ready_future_gives_its_output() {
        assert_eq!(block_on(async { 7 }), 7);
        assert_eq!(block_on(core::future::ready("ready")), "ready");
    }

    #[test]
    fn self_waking_future_is_polled_until_ready() {
        let polls = block_on(SelfWaking {
            remaining: 1000,
            polls: 0,
        });
        assert_eq!(polls, 1001);
    }

    #[test]
    fn self_waking_future_never_parks() {
        let before = parks();
        let polls = block_on(SelfWaking {
            remaining: 1000,
            polls: 0,
        });
        assert_eq!(polls, 1001);
        assert_eq!(
            parks() - before,
            0,
            "a self-woken future must be re-polled without parking"
        );
    }

    #[test]
    fn future_woken_from_another_thread_completes() {
        let before = parks();
        let polls = block_on(WokenFromThread::new(0));
        assert_eq!(polls, 2, "one poll to start, one after the wake");
        assert!(
            parks() - before >= 1,
            "the thread must have parked while waiting"
        );
    }

    #[test]
    fn spurious_unparks_do_not_cause_extra_polls() {
        let polls = block_on(WokenFromThread::new(5));
        assert_eq!(polls, 2, "only a wake may cause another poll");
    }

    #[test]
    fn waker_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>(_: &T) {}
        block_on(core::future::poll_fn(|cx| {
            assert_send_sync(cx.waker());
            Poll::Ready(())
        }));
    }

    #[test]
    fn panics_propagate() {
        let result = std::panic::catch_unwind(|| block_on(async { panic!("inside") }));
        let payload = result.unwrap_err();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"inside"));
    }
}
