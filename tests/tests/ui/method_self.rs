// Methods with a `self` receiver are not supported yet.
use visible_async::leaf::yield_now;
use visible_async::visible_async;

struct Counter {
    n: u32,
}

impl Counter {
    #[visible_async]
    async fn get(&self) -> u32 {
        yield_now().await;
        self.n
    }
}

fn main() {}
