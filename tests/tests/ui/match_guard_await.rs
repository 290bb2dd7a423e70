// An `.await` in a match guard works when the `match` can read its scrutinee again on resuming:
// a local, a field of one, a value (bound first). An element at a computed index is not such a
// place: a spanned error says to bind it. `matches!` guards are not lowered at all. A closure
// or `async` block in a guard after one that awaits would be written twice (arm bodies are
// written once, at a join point): a spanned error says what to do.
use visible_async::leaf::ready_after;
use visible_async::visible_async;

#[visible_async]
async fn guarded(v: Vec<u32>, i: usize) -> u32 {
    match v[i + 1] {
        n if ready_after(1, n > 2).await => n,
        _ => 0,
    }
}

#[visible_async]
async fn guarded_matches(x: Option<u32>) -> bool {
    matches!(x, Some(n) if ready_after(1, n > 2).await)
}

#[visible_async]
async fn closure_in_a_later_guard(x: Option<u32>) -> u32 {
    match x {
        Some(n) if ready_after(1, n > 2).await => n,
        Some(n) if (|| n > 1)() => 1,
        _ => 0,
    }
}

fn main() {}
