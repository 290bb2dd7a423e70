// Unknown arguments, `compiler` without a name, and receiver hints that say nothing or
// contradict each other.
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

#[visible_async(consumes())]
async fn no_method_named() {
    yield_now().await;
}

#[visible_async(consumes(send), borrows(finish, send))]
async fn both_ways() {
    yield_now().await;
}

fn main() {}
