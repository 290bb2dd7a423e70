// A method is checked as rustc checks the `async fn`: assigning to a field that a borrow kept
// across the `.await` still reads gives rustc's own E0506, once, at the user's tokens.
use visible_async::leaf::yield_now;
use visible_async::visible_async;

struct Counter {
    n: u32,
}

impl Counter {
    #[visible_async]
    async fn get(&mut self) -> u32 {
        let r = &self.n;
        self.n += 1;
        yield_now().await;
        *r
    }
}

fn main() {}
