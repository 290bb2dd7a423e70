// The user's own warnings survive (issue 10, item 14): an annotated function is linted where
// the same plain `async fn` is, and only there. Denied here so that they show as errors; the
// plain twin below gets the same ones on the same kind of tokens.
#![deny(unused_variables, unused_mut, unused_braces)]

use visible_async::leaf::yield_now;
use visible_async::visible_async;

async fn one() -> u32 {
    yield_now().await;
    1
}

#[visible_async]
async fn annotated(a: Option<u32>, unused_arg: u32, mut needless_arg: u32) -> u32 {
    let unused = 5;
    let mut needless = 1;
    yield_now().await;
    if let Some(x) = async { a }.await { x + one().await + needless } else { 0 }
}

async fn plain(a: Option<u32>, unused_arg: u32, mut needless_arg: u32) -> u32 {
    let unused = 5;
    let mut needless = 1;
    yield_now().await;
    if let Some(x) = async { a }.await { x + one().await + needless } else { 0 }
}

fn main() {
    let _ = (annotated(None, 1, 2), plain(None, 1, 2));
}
