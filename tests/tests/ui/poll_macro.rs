// `futures::poll!` expands to its own `.await`: the same error as `join!`.
use visible_async::leaf::yield_now;
use visible_async::visible_async;

#[visible_async]
async fn peek() -> bool {
    let mut f = Box::pin(yield_now());
    futures::poll!(f.as_mut()).is_ready()
}

fn main() {}
