//! First checks of the transform on small functions.

use visible_async::harness::{Log, Noisy, assert_equivalent};
use visible_async::leaf::{ready_after, yield_now};
use visible_async::visible_async;

async fn event(log: Log) -> u32 {
    log.push("event");
    ready_after(2, 21).await
}

#[visible_async(compiler = trivial_rustc)]
#[allow(clippy::needless_return)] // as the seed writes it
async fn trivial(log: Log) -> u32 {
    log.push("Hello!");
    let e = event(log.clone());
    let value = e.await;
    log.push(format!("Got: {value}"));
    return value * 2;
}

#[test]
fn trivial_matches() {
    let c = assert_equivalent(trivial, trivial_rustc);
    assert_eq!(c.visible.run.output, Ok(42));
}

#[visible_async(compiler = drops_rustc)]
async fn drops(log: Log) {
    let a = Noisy::new(&log, "a");
    let b = Noisy::new(&log, "b");
    yield_now().await;
    drop(a);
    yield_now().await;
    log.push("end");
    let _ = &b;
}

#[test]
fn drops_match() {
    assert_equivalent(drops, drops_rustc);
}

#[visible_async(compiler = sum_rustc)]
async fn sum(log: Log, n: u32) -> u32 {
    let mut total = 0;
    for i in 0..n {
        let _guard = Noisy::new(&log, format!("g{i}"));
        total += ready_after(i as usize, i).await;
        if i == 3 {
            continue;
        }
        log.push(format!("i={i}"));
    }
    total
}

#[test]
fn loops_match() {
    assert_equivalent(|l| sum(l, 5), |l| sum_rustc(l, 5));
}

/// Recursion works once the recursive future is boxed and coerced to a trait object, as the
/// compiler's E0733 suggests for a plain `async fn`.
#[visible_async(compiler = countdown_rustc)]
async fn countdown(log: Log, n: u32) -> u32 {
    let _frame = Noisy::new(&log, format!("frame {n}"));
    if n == 0 {
        return 0;
    }
    yield_now().await;
    let inner: std::pin::Pin<Box<dyn std::future::Future<Output = u32>>> =
        Box::pin(countdown(log.clone(), n - 1));
    inner.await + n
}

#[test]
fn boxed_recursion_matches() {
    let c = assert_equivalent(|l| countdown(l, 3), |l| countdown_rustc(l, 3));
    assert_eq!(c.visible.run.output, Ok(6));
}
