//! Async backtraces (the runtime's `backtrace` feature, which this crate turns on): a leaf
//! future polled inside visible ones sees each of them, innermost first, with the `.await`
//! each is suspended at; after the poll, nothing is left on the stack, even after a panic.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::sync::{Arc, Mutex};

use visible_async::backtrace::{Frame, current};
use visible_async::visible_async;

/// Records the backtrace each time it is polled; pending once.
struct Probe {
    seen: Arc<Mutex<Vec<Vec<Frame>>>>,
    pending: bool,
}

impl Future for Probe {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.seen.lock().unwrap().push(current());
        if std::mem::take(&mut self.pending) {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(())
    }
}

#[visible_async]
async fn inner(seen: Arc<Mutex<Vec<Vec<Frame>>>>) -> u32 {
    let probe = Probe {
        seen,
        pending: true,
    };
    probe.await;
    1
}

#[visible_async]
async fn outer(seen: Arc<Mutex<Vec<Vec<Frame>>>>) -> u32 {
    let a = inner(seen.clone()).await;
    let b = inner(seen).await;
    a + b
}

#[test]
fn a_leaf_sees_the_visible_futures_it_is_polled_in() {
    assert!(visible_async::backtrace::is_enabled());
    let seen = Arc::new(Mutex::new(Vec::new()));
    assert_eq!(visible_async::block_on(outer(seen.clone())), 2);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 4, "two probes, polled twice each");
    for frames in seen.iter() {
        let names: Vec<(&str, &str)> = frames.iter().map(|f| (f.function, f.state)).collect();
        assert_eq!(names[0], ("inner", "Suspend0"));
        assert_eq!(names[1].0, "outer");
        assert_eq!(frames[0].awaiting.map(|p| p.expr), Some("probe"));
        assert_eq!(frames[0].awaiting.map(|p| p.line), Some(38));
    }
    let outer_points: Vec<&str> = seen.iter().map(|frames| frames[1].state).collect();
    assert_eq!(
        outer_points,
        ["Suspend0", "Suspend0", "Suspend1", "Suspend1"]
    );
    assert_eq!(
        seen[0][0].to_string(),
        format!("inner, Suspend0 at `probe.await` at {}:38:11", file!())
    );
    assert!(current().is_empty());
}

#[visible_async]
async fn panics_inside(seen: Arc<Mutex<Vec<Vec<Frame>>>>) {
    Probe {
        seen,
        pending: false,
    }
    .await;
    panic!("inside");
}

#[test]
fn the_stack_is_left_empty_after_a_panic() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let result = std::panic::catch_unwind(|| visible_async::block_on(panics_inside(seen)));
    assert!(result.is_err());
    assert!(current().is_empty());
}
