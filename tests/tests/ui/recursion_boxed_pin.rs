// `Box::pin(self_call(..)).await` as it is: the state machine would hold a box of its own type,
// which cannot be named (rustc would say E0720, "cannot resolve opaque type"); the macro says
// to coerce the box to a trait object, which works (see equivalence tests).
use visible_async::visible_async;

#[visible_async]
async fn fib(n: u32) -> u64 {
    if n < 2 {
        return u64::from(n);
    }
    Box::pin(fib(n - 1)).await + Box::pin(fib(n - 2)).await
}

fn main() {}
