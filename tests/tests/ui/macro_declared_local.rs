// A statement macro that declares a local (like `event_listener::listener!`) hides it from
// the transform: used only before the next `.await` it works; used across one, the code that
// uses it runs in another part of the state machine, and a spanned error at the macro says so.
use visible_async::leaf::yield_now;
use visible_async::visible_async;

macro_rules! declare {
    ($name:ident = $value:expr) => {
        let $name = $value;
    };
}

#[visible_async]
async fn used_before_the_await(a: u32) -> u32 {
    declare!(early = a + 1);
    let n = early * 2;
    yield_now().await;
    n
}

#[visible_async]
async fn used_across_the_await(a: u32) -> u32 {
    declare!(late = a + 2);
    yield_now().await;
    late
}

fn main() {}
