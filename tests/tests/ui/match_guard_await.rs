// An `.await` in a match guard works when the `match` can read its scrutinee again on resuming
// (a local, a field of one, an element at an index computed first, a value bound first).
// `matches!` guards are not lowered at all. A closure or `async` block in a guard after one
// that awaits would be written twice (arm bodies are written once, at a join point): a
// spanned error says what to do.
use visible_async::leaf::ready_after;
use visible_async::visible_async;

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
