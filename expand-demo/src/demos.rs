//! The demo functions. `main.rs` prints the expansion of each from this very file, then runs
//! it beside the compiler's version (each has a `compiler = NAME_rustc` twin).

use visible_async::harness::{Log, Noisy};
use visible_async::leaf::{ready_after, yield_now};
use visible_async::visible_async;

/// A leaf future standing for an event that takes two polls to arrive.
pub async fn event(log: Log) -> u32 {
    log.push("event arrives");
    ready_after(2, 21).await
}

/// The seed's trivial example: one `.await`, a value held across nothing but the awaited
/// future itself.
#[visible_async(compiler = trivial_rustc)]
#[allow(clippy::needless_return)] // as the seed writes it
pub async fn trivial(log: Log) -> u32 {
    log.push("Hello!");
    let e = event(log.clone());
    let value = e.await;
    log.push(format!("Got: {value}"));
    return value * 2;
}

/// The seed's self-reference example: `y` borrows `x` across the `.await`, so `x` cannot live
/// in the state enum, which moves its values from variant to variant. Look for `ExampleHomes`:
/// `x` has a pinned home beside the state, the state holds its guard, and `y` (a plain
/// reference) is held in `Suspend0`. That is why the future must be pinned before it is polled.
#[visible_async(compiler = example_rustc)]
pub async fn example(log: Log) -> u8 {
    let x = [7u8; 1024];
    let y = &x;
    yield_now().await;
    log.push(format!("y[0] = {}", y[0]));
    y[0]
}

/// A `for` loop with an `.await` inside: the iterator and the running total live in the state.
#[visible_async(compiler = sum_rustc)]
pub async fn sum(log: Log, n: u32) -> u32 {
    let mut total = 0;
    for i in 0..n {
        let _guard = Noisy::new(&log, format!("guard {i}"));
        total += ready_after(1, i).await;
    }
    total
}

/// `?` and an early return: the error path completes the future like `return` does.
#[visible_async(compiler = parse_both_rustc)]
pub async fn parse_both(
    log: Log,
    a: &'static str,
    b: &'static str,
) -> Result<u32, std::num::ParseIntError> {
    let x: u32 = a.parse()?;
    yield_now().await;
    log.push(format!("first is {x}"));
    let y: u32 = b.parse()?;
    Ok(x + y)
}
