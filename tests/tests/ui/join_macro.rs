// `join!` expands to its own `.await`, which the macro cannot see: a spanned error with the
// hint to use `futures::future::join`.
use visible_async::leaf::yield_now;
use visible_async::visible_async;

#[visible_async]
async fn joins() {
    let a = yield_now();
    let b = yield_now();
    futures::join!(a, b);
}

fn main() {}
