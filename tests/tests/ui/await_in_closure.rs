// `.await` in a plain (non-async) closure is rustc's E0728, at the user's `.await`.
use visible_async::leaf::yield_now;
use visible_async::visible_async;

#[visible_async]
async fn in_closure() {
    let f = || {
        yield_now().await;
    };
    f();
    yield_now().await;
}

fn main() {}
