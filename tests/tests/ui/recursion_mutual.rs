// Mutual recursion through two annotated functions: each future contains the other. This must
// be a compile error (an opaque type cycle), not a hang or a macro panic.
use visible_async::visible_async;

#[visible_async]
async fn ping(n: u32) -> u32 {
    if n == 0 {
        return 0;
    }
    pong(n - 1).await + 1
}

#[visible_async]
async fn pong(n: u32) -> u32 {
    if n == 0 {
        return 0;
    }
    ping(n - 1).await + 1
}

fn main() {}
