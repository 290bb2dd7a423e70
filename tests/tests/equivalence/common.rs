//! Helpers shared by the `equivalence_*` test files: leaf futures and probes that make
//! evaluation order, drop order and cancellation visible in the [`Log`].
#![allow(dead_code)]

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use visible_async::harness::{Log, Noisy};
use visible_async::leaf::{ReadyAfter, ready_after, yield_now};

/// Logs `eval <name>` when evaluated (not when awaited) and returns a future that is `Pending`
/// once, then logs `ready <name>` and is `Ready(value)`.
pub fn ev<T>(log: &Log, name: &str, value: T) -> Ev<T> {
    log.push(format!("eval {name}"));
    Ev {
        log: log.clone(),
        name: name.to_string(),
        pending: true,
        value: Some(value),
    }
}

/// The future returned by [`ev`].
pub struct Ev<T> {
    log: Log,
    name: String,
    pending: bool,
    value: Option<T>,
}

impl<T> Unpin for Ev<T> {}

impl<T> Future for Ev<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.get_mut();
        if this.pending {
            this.pending = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        this.log.push(format!("ready {}", this.name));
        Poll::Ready(this.value.take().expect("`Ev` polled after completion"))
    }
}

/// Logs `name` when evaluated and returns `value`: a plain (non-async) operand.
pub fn val<T>(log: &Log, name: &str, value: T) -> T {
    log.push(format!("val {name}"));
    value
}

/// A future that is `Pending` once, then `Ready(value)`: `yield_now().await; value`.
pub fn yield_now_then<T>(value: T) -> ReadyAfter<T> {
    ready_after(1, value)
}

/// Like [`yield_now`], but logs `ready <name>` when it completes, so that drops around it show
/// on which side of the suspension they happen.
pub fn tick(log: &Log, name: &str) -> Ev<()> {
    Ev {
        log: log.clone(),
        name: name.to_string(),
        pending: true,
        value: Some(()),
    }
}

/// A compiler-generated future that logs when it starts and ends, `Pending` `pending` times.
pub async fn step<T>(log: Log, name: &'static str, pending: usize, value: T) -> T {
    log.push(format!("start {name}"));
    let v = ready_after(pending, value).await;
    log.push(format!("end {name}"));
    v
}

/// A future holding a `Noisy` named `name` until it is dropped; its output is the name's length.
pub fn holding(log: &Log, name: &str) -> impl Future<Output = usize> + use<> {
    let n = Noisy::new(log, name);
    async move {
        yield_now().await;
        n.name().len()
    }
}

/// A future that resolves to a fresh `Noisy` after one `Pending`.
pub fn noisy_later(log: &Log, name: &str) -> ReadyAfter<Noisy> {
    ready_after(1, Noisy::new(log, name))
}

/// `Pending` once, then panics on its second poll with `message`; polled again it returns
/// `Ready(7)` (a future that survives its own panic), so a caller that polls it again after
/// the panic is visible.
pub struct PanicOnce {
    polls: u32,
    message: &'static str,
}

pub fn panic_once(message: &'static str) -> PanicOnce {
    PanicOnce { polls: 0, message }
}

impl Future for PanicOnce {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.polls += 1;
        match self.polls {
            1 => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            2 => panic!("{}", self.message),
            _ => Poll::Ready(7),
        }
    }
}

/// A value with a by-value consuming method whose name the transform cannot recognise.
pub struct Token {
    pub noisy: Noisy,
}

impl Token {
    pub fn new(log: &Log, name: &str) -> Self {
        Self {
            noisy: Noisy::new(log, name),
        }
    }

    /// Consumes the token (an unconventional name for a `self` method).
    pub fn spend(self) -> usize {
        self.noisy.name().len()
    }

    pub fn peek(&self) -> usize {
        self.noisy.name().len()
    }
}

/// An error type with a `From` conversion, for `?`.
#[derive(Debug, PartialEq)]
pub struct BigError(pub String);

impl From<SmallError> for BigError {
    fn from(e: SmallError) -> Self {
        BigError(format!("from small: {}", e.0))
    }
}

#[derive(Debug, PartialEq)]
pub struct SmallError(pub u32);

/// `Ok(v)` if `v < limit`, else `Err(SmallError(v))`, after one `Pending`.
pub fn check_small(v: u32, limit: u32) -> ReadyAfter<Result<u32, SmallError>> {
    ready_after(1, if v < limit { Ok(v) } else { Err(SmallError(v)) })
}

/// Pending once (logging `over N LIMIT`), then whether `n` is over `limit`.
pub async fn over(log: &Log, n: u32, limit: u32) -> bool {
    tick(log, &format!("over {n} {limit}")).await;
    n > limit
}

/// Pending once (logging `echo X`), then `x`.
pub async fn echo(log: &Log, x: u32) -> u32 {
    tick(log, &format!("echo {x}")).await;
    x
}

/// Pending once (logging `measure S`), then the length of the string it borrows.
pub async fn measure(log: &Log, s: &str) -> usize {
    tick(log, &format!("measure {s}")).await;
    s.len()
}
