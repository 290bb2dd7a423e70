// Unknown arguments and `compiler` without a name.
use visible_async::leaf::yield_now;
use visible_async::visible_async;

#[visible_async(foo = bar)]
async fn unknown_arg() {
    yield_now().await;
}

#[visible_async(compiler)]
async fn compiler_without_name() {
    yield_now().await;
}

fn main() {}
