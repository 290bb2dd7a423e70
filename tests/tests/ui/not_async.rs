// The attribute goes on an `async fn`.
use visible_async::visible_async;

#[visible_async]
fn plain(n: u32) -> u32 {
    n + 1
}

fn main() {}
