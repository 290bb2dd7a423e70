// A field moved out of a local across an `.await` is recorded in the local's home; assigning a
// field that contains it would drop the moved field again, so it is a spanned error that says
// what to write instead.
use visible_async::leaf::yield_now;
use visible_async::visible_async;

pub struct Inner {
    pub name: String,
    pub n: u32,
}

pub struct Outer {
    pub inner: Inner,
}

#[visible_async]
async fn reassign_the_containing_field(mut outer: Outer) -> usize {
    let name = outer.inner.name;
    yield_now().await;
    outer.inner = Inner {
        name: String::new(),
        n: 1,
    };
    yield_now().await;
    name.len() + outer.inner.name.len()
}

fn main() {}
