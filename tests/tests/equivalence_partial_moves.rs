//! Equivalence of partial moves with the compiler's `async fn`: a field moved out of a local
//! (`let body = request.body;`) that is alive across a later `.await`. rustc keeps what is left
//! of the local to the end of its scope, drops it there field by field (also when the future
//! is cancelled), and lets the moved field be assigned again; the state machine keeps the
//! local in a pinned home that knows which fields are gone (issue 10, item 7).
//!
//! The functions log through an ambient log (`equivalence/ambient.rs`), not a parameter.

#![allow(clippy::unused_async)]

#[path = "equivalence/ambient.rs"]
mod ambient;

use ambient::{D, note, pend, val, with};
use std::sync::Arc;
use visible_async::harness::assert_equivalent;
use visible_async::visible_async;

pub struct Request {
    pub head: D,
    pub body: D,
    pub id: u32,
}

fn request() -> Request {
    Request {
        head: D::new("head"),
        body: D::new("body"),
        id: 7,
    }
}

#[visible_async(compiler = body_moved_out_of_a_parameter_rustc)]
async fn body_moved_out_of_a_parameter(request: Request) -> usize {
    let body = request.body;
    pend(1).await;
    note("after the await");
    let n = body.len();
    drop(body);
    pend(1).await;
    n + request.head.len()
}

#[visible_async(compiler = copy_field_read_then_whole_move_rustc)]
async fn copy_field_read_then_whole_move(request: Request) -> u32 {
    let id = request.id;
    pend(1).await;
    let again = request.id;
    drop(request);
    note("dropped");
    pend(1).await;
    id + again
}

#[test]
fn a_field_moved_out_of_a_parameter_leaves_the_rest_to_the_end() {
    assert_equivalent(
        |l| with(l, || body_moved_out_of_a_parameter(request())),
        |l| with(l, || body_moved_out_of_a_parameter_rustc(request())),
    );
    assert_equivalent(
        |l| with(l, || copy_field_read_then_whole_move(request())),
        |l| with(l, || copy_field_read_then_whole_move_rustc(request())),
    );
}

async fn publish(channel: &D, message: D) -> usize {
    pend(1).await;
    note("published");
    channel.len() + message.len()
}

pub struct Publish {
    pub channel: D,
    pub message: D,
}

#[visible_async(compiler = borrow_one_field_move_another_rustc)]
async fn borrow_one_field_move_another(p: Publish) -> usize {
    let n = publish(&p.channel, p.message).await;
    pend(1).await;
    n
}

#[test]
fn a_call_borrows_one_field_and_moves_another() {
    let make = || Publish {
        channel: D::new("channel"),
        message: D::new("message"),
    };
    assert_equivalent(
        |l| with(l, || borrow_one_field_move_another(make())),
        |l| with(l, || borrow_one_field_move_another_rustc(make())),
    );
}

pub struct Subscribe {
    pub channels: Vec<D>,
    pub client: D,
}

#[visible_async(compiler = loop_over_a_moved_field_rustc)]
async fn loop_over_a_moved_field(s: Subscribe) -> usize {
    let mut total = 0;
    for channel in s.channels {
        total += val(1, channel.len()).await;
    }
    note("subscribed");
    total + s.client.len()
}

#[test]
fn a_for_loop_consumes_a_field() {
    let make = || Subscribe {
        channels: vec![D::new("one"), D::new("two")],
        client: D::new("client"),
    };
    assert_equivalent(
        |l| with(l, || loop_over_a_moved_field(make())),
        |l| with(l, || loop_over_a_moved_field_rustc(make())),
    );
}

pub struct Entry {
    pub owned_key: String,
    pub guard: D,
}

impl Entry {
    #[visible_async(compiler = into_shared_rustc)]
    async fn into_shared(self) -> Arc<String> {
        pend(1).await;
        let key = Arc::new(self.owned_key);
        pend(1).await;
        note("shared");
        key
    }
}

#[test]
fn a_field_of_self_by_value() {
    let make = || Entry {
        owned_key: "k".to_string(),
        guard: D::new("guard"),
    };
    assert_equivalent(
        |l| with(l, || make().into_shared()),
        |l| with(l, || make().into_shared_rustc()),
    );
}

#[visible_async(compiler = moved_on_one_path_rustc)]
async fn moved_on_one_path(request: Request, take: bool) -> usize {
    let n = if take {
        let body = request.body;
        body.len()
    } else {
        0
    };
    pend(1).await;
    note("after the await");
    n + request.head.len()
}

#[visible_async(compiler = moved_then_assigned_again_rustc)]
async fn moved_then_assigned_again(mut request: Request, again: bool) -> usize {
    let old = request.body;
    pend(1).await;
    drop(old);
    if again {
        request.body = D::new("new body");
    }
    pend(1).await;
    note("end");
    request.head.len()
}

#[visible_async(compiler = moved_in_each_iteration_rustc)]
async fn moved_in_each_iteration(mut request: Request) -> usize {
    let mut total = 0;
    for _ in 0..2 {
        let body = request.body;
        total += val(1, body.len()).await;
        request.body = D::new("next body");
    }
    total
}

#[test]
fn a_field_moved_on_some_paths_or_assigned_again() {
    for flag in [false, true] {
        assert_equivalent(
            |l| with(l, || moved_on_one_path(request(), flag)),
            |l| with(l, || moved_on_one_path_rustc(request(), flag)),
        );
        assert_equivalent(
            |l| with(l, || moved_then_assigned_again(request(), flag)),
            |l| with(l, || moved_then_assigned_again_rustc(request(), flag)),
        );
    }
    assert_equivalent(
        |l| with(l, || moved_in_each_iteration(request())),
        |l| with(l, || moved_in_each_iteration_rustc(request())),
    );
}

pub struct Outer {
    pub inner: Request,
    pub tag: D,
}

#[visible_async(compiler = nested_field_moved_rustc)]
async fn nested_field_moved() -> usize {
    let outer = Outer {
        inner: request(),
        tag: D::new("tag"),
    };
    let head = outer.inner.head;
    pend(1).await;
    note("after the await");
    head.len() + outer.tag.len()
}

#[test]
fn a_field_of_a_field_is_moved() {
    assert_equivalent(
        |l| with(l, nested_field_moved),
        |l| with(l, nested_field_moved_rustc),
    );
}

// Found by the generator (seed 13): a field read by value inside another field expression
// (`(8, p.1).0`) is the one read out of the home, not the expression around it (E0308 inside
// the expansion).
#[visible_async(compiler = field_inside_a_field_expression_rustc)]
async fn field_inside_a_field_expression(p: (u32, bool)) -> u32 {
    let x = (8_u32, p.1).0;
    pend(1).await;
    x + u32::from(p.1) + p.0
}

#[test]
fn a_field_read_inside_another_field_expression() {
    assert_equivalent(
        |l| with(l, || field_inside_a_field_expression((3, true))),
        |l| with(l, || field_inside_a_field_expression_rustc((3, true))),
    );
}
