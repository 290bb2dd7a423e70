// A reference outliving its referent across an await: rustc's E0597, as for a plain async fn.
use visible_async::leaf::yield_now;
use visible_async::visible_async;

#[visible_async]
async fn dangling() {
    let r;
    {
        let x = 5;
        r = &x;
    }
    yield_now().await;
    println!("{r}");
}

fn main() {}
