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

/// An `Rc` held across an `.await`: `Suspend0` holds `shared`, and an `Rc` is not `Send`, so
/// neither is the future: it cannot be spawned on a multi-threaded executor. The compiler's
/// future is not `Send` for the same reason; the run below checks that both agree. To make it
/// `Send`, end the scope of `shared` before the `.await` (use it in a block that ends there):
/// `drop(shared)` is not enough once it has been borrowed (`shared.len()`, `{shared}` in a
/// format string), because rustc keeps a borrowed local's place until its scope ends, moved
/// out or not, and the state machine does the same.
#[visible_async(compiler = rc_across_await_rustc)]
pub async fn rc_across_await(log: Log) -> usize {
    let shared = std::rc::Rc::new(String::from("shared"));
    yield_now().await;
    log.push(format!("still here: {shared}"));
    shared.len()
}

/// Recursion needs a box: a future that awaited itself directly would contain itself. Here
/// the awaited future is a `Pin<Box<dyn Future>>`, so `Suspend1` holds a pointer (16 bytes,
/// with the vtable) whatever the depth. Awaiting `Box::pin(countdown(..))` as it is gets an
/// error saying to coerce it: the state would hold a box of its own type, which has no name.
#[visible_async(compiler = countdown_rustc)]
pub async fn countdown(log: Log, n: u32) -> u32 {
    if n == 0 {
        return 0;
    }
    yield_now().await;
    log.push(format!("down from {n}"));
    let inner: std::pin::Pin<Box<dyn std::future::Future<Output = u32> + '_>> =
        Box::pin(countdown(log.clone(), n - 1));
    inner.await + 1
}

/// Cooks a dish: takes `minutes` polls, like a stove that needs checking.
pub async fn cook_dish(log: Log, dish: &'static str, minutes: usize) -> String {
    log.push(format!("start {dish}"));
    ready_after(minutes, ()).await;
    log.push(format!("done {dish}"));
    format!("Dish: {dish}")
}

/// One chef, two dishes: `join` polls both futures each time it is polled, so they cook in
/// turns within one `.await`. Notice that `Suspend0` holds a single awaited future, the
/// `Join` of both: the concurrency lives inside it, not in the state machine.
#[visible_async(compiler = dinner_rustc)]
pub async fn dinner(log: Log) -> String {
    let soup = cook_dish(log.clone(), "soup", 2);
    let steak = cook_dish(log.clone(), "steak", 3);
    let (first, second) = futures::future::join(soup, steak).await;
    format!("{first} and {second}")
}

/// First come, first served: `select` returns as soon as one drink is ready and gives back
/// the other, still pending. Notice that the loser is dropped at the end of the statement, as
/// the compiler drops it: the run's log shows it never finishes.
#[visible_async(compiler = drinks_rustc)]
pub async fn drinks(log: Log) -> String {
    let coffee = Box::pin(cook_dish(log.clone(), "coffee", 1));
    let cocktail = Box::pin(cook_dish(log.clone(), "cocktail", 4));
    match futures::future::select(coffee, cocktail).await {
        futures::future::Either::Left((drink, _)) | futures::future::Either::Right((drink, _)) => {
            log.push(format!("served {drink}"));
            drink
        }
    }
}
