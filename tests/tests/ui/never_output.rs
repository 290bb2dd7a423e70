// `async fn f() -> !` needs `Future<Output = !>`, which is unstable: a clear error.
use visible_async::leaf::yield_now;
use visible_async::visible_async;

#[visible_async]
async fn forever() -> ! {
    loop {
        yield_now().await;
    }
}

fn main() {}
