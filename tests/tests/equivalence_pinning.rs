//! Equivalence of pinned locals (issue 10, item 9): `core::pin::pin!`, `futures::pin_mut!`
//! and `tokio::pin!` (both forms), awaited as `f.await`, `(&mut f).await` and
//! `f.as_mut().await`, polled partly before another `.await` and finished after it, as
//! request helpers and caches do. The pinned place becomes a hidden local that stays in a
//! pinned home while the state keeps it.
//!
//! The functions log through an ambient log (`equivalence/ambient.rs`), not a parameter.

#![allow(clippy::unused_async)]

#[path = "equivalence/ambient.rs"]
mod ambient;

use ambient::{D, note, pend, val, with};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use visible_async::harness::assert_equivalent;
use visible_async::visible_async;

async fn slow(name: &'static str, polls: usize) -> usize {
    let guard = D::new(name);
    pend(polls).await;
    guard.len()
}

/// Polls the future once, so that it is started before the caller's next `.await`.
struct PollOnce<'f, F>(Pin<&'f mut F>);

impl<F: Future> Future for PollOnce<'_, F> {
    type Output = Option<F::Output>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Poll::Ready(match self.0.as_mut().poll(cx) {
            Poll::Ready(v) => Some(v),
            Poll::Pending => None,
        })
    }
}

#[visible_async(compiler = std_pin_rustc)]
async fn std_pin(extra: usize) -> usize {
    let mut fut = core::pin::pin!(slow("a", 2));
    let early = PollOnce(fut.as_mut()).await;
    note(format!("early {early:?}"));
    let n = val(1, extra).await;
    fut.as_mut().await + n
}

#[visible_async(compiler = pin_mut_rustc)]
async fn pin_mut(extra: usize) -> usize {
    let d = D::new("outer");
    let fut = slow("b", 2);
    futures::pin_mut!(fut);
    let _ = PollOnce(fut.as_mut()).await;
    pend(1).await;
    (&mut fut).await + extra + d.len()
}

#[visible_async(compiler = tokio_pin_rustc)]
async fn tokio_pin() -> usize {
    let first = slow("c", 1);
    tokio::pin!(first);
    tokio::pin! {
        let second = slow("d", 3);
    }
    let a = (&mut first).await;
    let _ = PollOnce(second.as_mut()).await;
    pend(1).await;
    a + second.await
}

#[test]
fn pinned_locals_are_equivalent() {
    for extra in [0, 2] {
        assert_equivalent(
            |l| with(l, || std_pin(extra)),
            |l| with(l, || std_pin_rustc(extra)),
        );
        assert_equivalent(
            |l| with(l, || pin_mut(extra)),
            |l| with(l, || pin_mut_rustc(extra)),
        );
    }
    assert_equivalent(|l| with(l, tokio_pin), |l| with(l, tokio_pin_rustc));
}

#[test]
fn pinned_futures_left_unfinished_are_dropped_in_place() {
    // Cancelled after every number of polls, the pinned future is dropped where rustc drops
    // it (`assert_equivalent` compares the logs of each cancellation).
    #[visible_async(compiler = abandoned_rustc)]
    async fn abandoned() -> usize {
        let fut = slow("left", 5);
        futures::pin_mut!(fut);
        let _ = PollOnce(fut.as_mut()).await;
        val(2, 1_usize).await
    }
    assert_equivalent(|l| with(l, abandoned), |l| with(l, abandoned_rustc));
}
