// An `.await` in a match guard (or in the guard of `matches!`) is not lowered yet: a spanned
// error saying to await before the `match`.
use visible_async::leaf::ready_after;
use visible_async::visible_async;

#[visible_async]
async fn guarded(x: u32) -> u32 {
    match x {
        n if ready_after(1, n > 2).await => n,
        _ => 0,
    }
}

#[visible_async]
async fn guarded_matches(x: Option<u32>) -> bool {
    matches!(x, Some(n) if ready_after(1, n > 2).await)
}

fn main() {}
