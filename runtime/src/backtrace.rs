//! Async backtraces: which visible functions a future is being polled inside of, and where
//! each of them is suspended. The compiler's own futures cannot say this; tools like
//! `async-backtrace` get it by wrapping futures in instrumented ones, and tokio's task dumps by
//! walking its tasks. Here the state machines record themselves.
//!
//! With the `backtrace` cargo feature, every visible future pushes a frame on a per-thread
//! stack while it is being polled and keeps it up to date as it moves from state to state, so
//! code running inside the poll (a leaf future that returns `Pending`, a panic hook, a
//! debugger breakpoint) can call [`current`]. Without the feature, nothing is recorded and
//! [`current`] is empty; the generated code is the same either way.
//!
//! ```
//! # #[cfg(feature = "backtrace")] {
//! use visible_async::visible_async;
//!
//! /// A leaf that looks at the backtrace when it is polled.
//! async fn leaf() -> Vec<String> {
//!     visible_async::backtrace::current().iter().map(ToString::to_string).collect()
//! }
//!
//! #[visible_async]
//! async fn inner() -> Vec<String> {
//!     leaf().await
//! }
//!
//! #[visible_async]
//! async fn outer() -> Vec<String> {
//!     inner().await
//! }
//!
//! let frames = visible_async::block_on(outer());
//! assert!(frames[0].starts_with("inner, Suspend0 at `leaf().await`"));
//! assert!(frames[1].starts_with("outer, Suspend0 at `inner().await`"));
//! # }
//! ```

use core::fmt;

use crate::inspect::AwaitPoint;

/// One visible future being polled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The `async fn`.
    pub function: &'static str,
    /// Its state when it was last seen: the one it is resuming.
    pub state: &'static str,
    /// The `.await` of that state, if it is a suspension point.
    pub awaiting: Option<&'static AwaitPoint>,
}

impl fmt::Display for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}", self.function, self.state)?;
        if let Some(point) = self.awaiting {
            write!(f, " at {point}")?;
        }
        Ok(())
    }
}

/// The visible futures being polled on this thread, innermost first. Empty without the
/// `backtrace` feature.
#[must_use]
pub fn current() -> Vec<Frame> {
    imp::current()
}

/// Whether frames are recorded (the `backtrace` feature is on).
#[must_use]
pub const fn is_enabled() -> bool {
    cfg!(feature = "backtrace")
}

#[cfg(feature = "backtrace")]
mod imp {
    use core::cell::RefCell;

    use super::Frame;
    use crate::__private::StateMachine;

    std::thread_local! {
        static STACK: RefCell<Vec<Frame>> = const { RefCell::new(Vec::new()) };
    }

    pub fn current() -> Vec<Frame> {
        STACK.with(|stack| stack.borrow().iter().rev().copied().collect())
    }

    /// Pops the frame when the poll ends, also by unwinding.
    pub struct Entered(());

    impl Drop for Entered {
        fn drop(&mut self) {
            STACK.with(|stack| stack.borrow_mut().pop());
        }
    }

    pub fn enter<S: StateMachine>(state: &S) -> Entered {
        STACK.with(|stack| stack.borrow_mut().push(frame(state)));
        Entered(())
    }

    pub fn trace<S: StateMachine>(state: &S) {
        STACK.with(|stack| {
            if let Some(top) = stack.borrow_mut().last_mut() {
                *top = frame(state);
            }
        });
    }

    fn frame<S: StateMachine>(state: &S) -> Frame {
        Frame {
            function: S::FUNCTION,
            state: state.state_name(),
            awaiting: state.await_point(),
        }
    }
}

#[cfg(not(feature = "backtrace"))]
mod imp {
    use super::Frame;
    use crate::__private::StateMachine;

    pub fn current() -> Vec<Frame> {
        Vec::new()
    }

    pub struct Entered(());

    #[inline]
    pub fn enter<S: StateMachine>(_: &S) -> Entered {
        Entered(())
    }

    #[inline]
    pub fn trace<S: StateMachine>(_: &S) {}
}

pub(crate) use imp::{enter, trace};
