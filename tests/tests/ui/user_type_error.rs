// The user's own type and borrow errors: each must show once, at the user's tokens, as rustc
// reports it for the same body in a plain `async fn`.
use visible_async::leaf::yield_now;
use visible_async::visible_async;

#[visible_async]
async fn type_error() -> u32 {
    yield_now().await;
    let x: u32 = "no";
    x
}

#[visible_async]
async fn borrow_error() {
    let mut v = vec![1, 2, 3];
    let first = &v[0];
    yield_now().await;
    v.push(4);
    println!("{first}");
}

fn main() {}
