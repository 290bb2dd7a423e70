//! Equivalence of method calls whose receiver mode the name does not tell: builders and
//! requests that take `self` under their own names, stated with `consumes(..)`; a method with
//! a consuming-looking name that takes `&mut self`, stated with `borrows(..)`; and the
//! function-call form, which moves as written and needs no hint.
//!
//! The functions log through an ambient log (`equivalence/ambient.rs`), not a parameter.

#![allow(clippy::unused_async, clippy::needless_pass_by_value)]

#[path = "equivalence/ambient.rs"]
mod ambient;

use ambient::{D, note, pend, val, with};
use visible_async::harness::assert_equivalent;
use visible_async::visible_async;

/// A request built by consuming methods, as HTTP clients' builders are.
struct Request {
    body: D,
    headers: u32,
}

impl Request {
    fn new(name: &'static str) -> Self {
        Request {
            body: D::new(name),
            headers: 0,
        }
    }
    fn header(mut self, n: u32) -> Self {
        self.headers += n;
        self
    }
    fn label(&self) -> &'static str {
        "req"
    }
    async fn send(self) -> usize {
        pend(1).await;
        note(format!("sent {} with {}", self.body.0, self.headers));
        self.body.len() + self.headers as usize
    }
}

/// A child process: `wait` takes `&mut self`, although its name is read as consuming.
struct Child {
    _d: D,
    exited: bool,
}

impl Child {
    async fn wait(&mut self) -> u32 {
        pend(1).await;
        self.exited = true;
        7
    }
}

#[visible_async(compiler = builder_across_awaits_rustc, consumes(header, send))]
async fn builder_across_awaits(extra: u32) -> usize {
    let req = Request::new("body");
    let label = req.label();
    let n = val(1, extra).await;
    let req = req.header(n);
    pend(1).await;
    let req = req.header(1);
    req.send().await + label.len()
}

#[visible_async(compiler = consumed_then_replaced_rustc, consumes(consume))]
async fn consumed_then_replaced(mut d: D, consume: bool) -> usize {
    let mut total = val(1, 0_usize).await;
    if consume {
        total += d.consume();
        pend(1).await;
        d = D::new("replacement");
    }
    pend(1).await;
    total + d.len()
}

#[visible_async(compiler = consumed_parameter_rustc, consumes(consume))]
async fn consumed_parameter(d: D, keep: D) -> usize {
    pend(1).await;
    let n = d.consume();
    pend(1).await;
    n + keep.len()
}

#[visible_async(compiler = wait_borrows_rustc, borrows(wait))]
async fn wait_borrows() -> u32 {
    let mut child = Child {
        _d: D::new("child"),
        exited: false,
    };
    let code = child.wait().await;
    pend(1).await;
    note(format!("exited {}", child.exited));
    code
}

#[visible_async(compiler = called_as_a_function_rustc)]
async fn called_as_a_function() -> usize {
    let req = Request::new("plain");
    let label = req.label();
    pend(1).await;
    let req = Request::header(req, 2);
    pend(1).await;
    Request::send(req).await + label.len()
}

#[test]
fn a_builder_consumed_across_awaits() {
    for extra in [0, 3] {
        assert_equivalent(
            |l| with(l, || builder_across_awaits(extra)),
            |l| with(l, || builder_across_awaits_rustc(extra)),
        );
    }
}

#[test]
fn a_local_consumed_on_one_path_and_replaced() {
    for consume in [false, true] {
        assert_equivalent(
            |l| with(l, || consumed_then_replaced(D::new("d"), consume)),
            |l| with(l, || consumed_then_replaced_rustc(D::new("d"), consume)),
        );
    }
}

#[test]
fn a_parameter_consumed_between_awaits() {
    assert_equivalent(
        |l| with(l, || consumed_parameter(D::new("d"), D::new("keep"))),
        |l| with(l, || consumed_parameter_rustc(D::new("d"), D::new("keep"))),
    );
}

#[test]
fn a_consuming_looking_name_that_borrows() {
    assert_equivalent(|l| with(l, wait_borrows), |l| with(l, wait_borrows_rustc));
}

#[test]
fn consuming_methods_called_as_functions() {
    assert_equivalent(
        |l| with(l, called_as_a_function),
        |l| with(l, called_as_a_function_rustc),
    );
}

// Found by scripts/real-crates in deadpool: a function with a `#[cfg]` inside is expanded
// once per configuration, and those copies lost the attribute's hints (E0507 again).
#[visible_async(compiler = hinted_with_a_cfg_inside_rustc, consumes(header))]
async fn hinted_with_a_cfg_inside(n: u32) -> usize {
    let req = Request::new("cfg");
    let label = req.label();
    pend(1).await;
    #[cfg(not(target_arch = "wasm32"))]
    {
        note("native");
    }
    let req = req.header(n);
    req.headers as usize + label.len()
}

#[test]
fn hints_reach_every_configured_copy() {
    assert_equivalent(
        |l| with(l, || hinted_with_a_cfg_inside(2)),
        |l| with(l, || hinted_with_a_cfg_inside_rustc(2)),
    );
}
