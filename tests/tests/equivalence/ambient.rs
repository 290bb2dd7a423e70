//! Test helpers for functions shaped like real code: no `log` parameter. The log lives in a
//! thread-local that each factory sets ([`with`]) before calling the function under test, so
//! signatures can be anything (no parameters, patterns, references, `self`).
#![allow(dead_code)]

use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use visible_async::harness::Log;

thread_local! {
    static LOG: RefCell<Log> = RefCell::new(Log::new());
}

/// Makes `log` the ambient log and returns `make()`: use as the harness's factory,
/// `assert_equivalent(|l| with(l, || f(1)), |l| with(l, || f_rustc(1)))`.
pub fn with<T>(log: Log, make: impl FnOnce() -> T) -> T {
    LOG.with(|cell| *cell.borrow_mut() = log);
    make()
}

/// Writes `entry` to the ambient log.
pub fn note(entry: impl Into<String>) {
    let entry = entry.into();
    LOG.with(|cell| cell.borrow().push(entry));
}

/// A value that logs `drop NAME` to the ambient log when dropped.
#[derive(Debug, PartialEq)]
pub struct D(pub &'static str);

impl D {
    pub fn new(name: &'static str) -> Self {
        note(format!("new {name}"));
        D(name)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn by_ref(&self) -> &Self {
        self
    }

    pub fn consume(self) -> usize {
        self.0.len()
    }
}

impl Drop for D {
    fn drop(&mut self) {
        note(format!("drop {}", self.0));
    }
}

/// A future that is `Pending` `pending` times (waking itself), then logs `ready VALUE` and is
/// `Ready(value)`.
pub fn val<T: core::fmt::Debug>(pending: usize, value: T) -> Val<T> {
    Val {
        name: None,
        pending,
        value: Some(value),
    }
}

/// Logs `eval NAME` when called, then behaves like [`val`], logging `ready NAME`.
pub fn lv<T: core::fmt::Debug>(name: &'static str, pending: usize, value: T) -> Val<T> {
    note(format!("eval {name}"));
    Val {
        name: Some(name),
        pending,
        value: Some(value),
    }
}

/// `Pending` `n` times, then `Ready(())`.
pub fn pend(n: usize) -> Val<()> {
    Val {
        name: Some("pend"),
        pending: n,
        value: Some(()),
    }
}

/// The future of [`val`], [`lv`] and [`pend`].
pub struct Val<T> {
    name: Option<&'static str>,
    pending: usize,
    value: Option<T>,
}

impl<T> Unpin for Val<T> {}

impl<T: core::fmt::Debug> Future for Val<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.get_mut();
        if this.pending > 0 {
            this.pending -= 1;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let value = this.value.take().expect("`Val` polled after completion");
        match this.name {
            Some(name) => note(format!("ready {name}")),
            None => note(format!("ready {value:?}")),
        }
        Poll::Ready(value)
    }
}
