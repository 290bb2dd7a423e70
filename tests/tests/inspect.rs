//! `Inspect`: every visible future says which function it runs, which state it is in, where
//! it is suspended, and how its bytes are laid out; `Debug` prints the first three. None of it
//! needs a bound on the user's types.

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

use visible_async::inspect::{FieldKind, Inspect};
use visible_async::leaf::yield_now;
use visible_async::visible_async;

/// Not `Debug`, not `Clone`, not `Send`: inspection must not care.
struct Opaque(std::rc::Rc<u8>);

#[visible_async]
async fn two_steps(opaque: Opaque) -> u8 {
    let kept = [1u8; 100];
    yield_now().await;
    let borrowed = &kept;
    yield_now().await;
    borrowed[0] + *opaque.0
}

fn poll_once<F: Future>(future: core::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn state_and_await_point_follow_the_polls() {
    let mut future = pin!(two_steps(Opaque(std::rc::Rc::new(2))));
    assert_eq!(future.function_name(), "two_steps");
    assert_eq!(future.state_name(), "Unresumed");
    assert!(future.await_point().is_none());
    assert_eq!(format!("{future:?}"), "two_steps { state: Unresumed, .. }");

    assert!(poll_once(future.as_mut()).is_pending());
    assert_eq!(future.state_name(), "Suspend0");
    let point = future.await_point().expect("suspended");
    assert_eq!(point.expr, "yield_now()");
    assert_eq!(point.file, file!());
    assert_eq!(point.line, 19);
    assert_eq!(
        format!("{future:?}"),
        format!(
            "two_steps {{ state: Suspend0, awaiting: `yield_now().await` at {}:19:17, .. }}",
            file!()
        )
    );

    assert!(poll_once(future.as_mut()).is_pending());
    assert_eq!(future.state_name(), "Suspend1");
    assert_eq!(future.await_point().map(|p| p.line), Some(21));

    assert_eq!(poll_once(future.as_mut()), Poll::Ready(3));
    assert_eq!(future.state_name(), "Returned");
    assert!(future.await_point().is_none());
}

#[test]
fn layout_lists_each_variant_with_its_fields_and_the_homes() {
    let future = two_steps(Opaque(std::rc::Rc::new(2)));
    let layout = future.layout();
    assert_eq!(layout.function, "two_steps");
    assert_eq!(layout.total, core::mem::size_of_val(&future));
    let names: Vec<&str> = layout.variants.iter().map(|v| v.name).collect();
    assert_eq!(names, ["Unresumed", "Suspend0", "Suspend1"]);

    let unresumed = &layout.variants[0];
    assert_eq!(unresumed.fields.len(), 1);
    assert_eq!(unresumed.fields[0].name, "opaque");
    assert_eq!(unresumed.fields[0].kind, FieldKind::Argument);
    assert_eq!(unresumed.fields[0].size, core::mem::size_of::<Opaque>());

    // `kept` is borrowed across the second `.await`: it lives in a pinned home, the state
    // holds its guard, and `borrowed` is a plain reference.
    let suspend1 = &layout.variants[2];
    let kinds: Vec<(&str, FieldKind)> = suspend1.fields.iter().map(|f| (f.name, f.kind)).collect();
    assert!(kinds.contains(&("yield_now()", FieldKind::Awaited)));
    assert!(kinds.contains(&("kept", FieldKind::Guard)));
    assert!(kinds.contains(&("borrowed", FieldKind::Value)));
    assert!(kinds.contains(&("opaque", FieldKind::Value)));
    let borrowed = suspend1
        .fields
        .iter()
        .find(|f| f.name == "borrowed")
        .unwrap();
    assert_eq!(borrowed.size, core::mem::size_of::<&[u8; 100]>());
    assert_eq!(layout.homes.len(), 1);
    assert_eq!(layout.homes[0].name, "kept");
    assert_eq!(layout.homes[0].kind, FieldKind::Home);
    assert!(layout.homes[0].size >= 100);

    let table = layout.to_string();
    assert!(table.starts_with(&format!("two_steps — {} bytes in all", layout.total)));
    assert!(table.contains("pinned homes:"));
}

struct Counter {
    n: u32,
}

impl Counter {
    #[visible_async]
    async fn bump(&mut self) -> u32 {
        yield_now().await;
        self.n += 1;
        self.n
    }
}

#[test]
fn methods_are_inspectable_and_show_self() {
    let mut counter = Counter { n: 0 };
    let mut future = pin!(counter.bump());
    assert!(poll_once(future.as_mut()).is_pending());
    assert_eq!(future.function_name(), "bump");
    let layout = future.layout();
    let suspend0 = &layout.variants[1];
    assert!(suspend0.fields.iter().any(|f| f.name == "self"));
}

// A number cast from a call's result borrows nothing (`n as u64`): the local the call
// borrowed needs no home. (Found in mini-redis, where it made `self` homed, and then a move of
// one of its fields impossible.)
fn measure(s: &str) -> usize {
    s.len()
}

#[visible_async]
async fn cast_result(name: String) -> u64 {
    let count = measure(&name) as u64;
    yield_now().await;
    count
}

#[test]
fn a_number_cast_from_a_borrowing_call_needs_no_home() {
    let future = cast_result(String::from("abc"));
    assert!(future.layout().homes.is_empty());
    assert_eq!(visible_async::block_on(future), 3);
}
