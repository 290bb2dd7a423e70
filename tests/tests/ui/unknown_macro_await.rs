// An `.await` inside a macro the transform does not know: it cannot see it, so it must say so
// at the macro.
use visible_async::leaf::yield_now;
use visible_async::visible_async;

macro_rules! my_macro {
    ($e:expr) => {
        $e
    };
}

#[visible_async]
async fn hidden_await() {
    let x = yield_now();
    my_macro!(x.await);
}

fn main() {}
