// A method that takes `self` under a name that does not say so, on a local that a borrow
// keeps in a pinned home: the macro reads the call as borrowing, and rustc reports the move
// at the user's call, with its note that the method takes ownership of the receiver. The fix
// is `#[visible_async(consumes(send))]` (see `consuming_method_hinted` in the tests).
use visible_async::leaf::yield_now;
use visible_async::visible_async;

struct Request(String);

impl Request {
    fn tag(&self) -> &'static str {
        "t"
    }
    fn send(self) -> usize {
        self.0.len()
    }
}

#[visible_async]
async fn unhinted() -> usize {
    let req = Request(String::from("r"));
    let tag = req.tag();
    yield_now().await;
    let n = req.send();
    yield_now().await;
    n + tag.len()
}

fn main() {}
