// Unboxed recursion: the future would contain itself. rustc says E0733; the macro must say
// "box it" at the call.
use visible_async::visible_async;

#[visible_async]
async fn count(n: u32) -> u32 {
    if n == 0 {
        return 0;
    }
    count(n - 1).await + 1
}

fn main() {}
