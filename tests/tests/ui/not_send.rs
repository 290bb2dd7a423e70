// An `Rc` alive across an await makes the future `!Send`; the error must name the `Rc`.
use std::rc::Rc;

use visible_async::leaf::yield_now;
use visible_async::visible_async;

#[visible_async]
async fn holds_rc() -> u32 {
    let shared = Rc::new(5);
    yield_now().await;
    *shared
}

fn require_send<T: Send>(_: T) {}

fn main() {
    require_send(holds_rc());
}
