//! Equivalence of closures and `async` blocks that borrow locals and are kept across an
//! `.await`: the locals they borrow live in pinned homes, and the closure, made `move` over
//! references to those homes, can be held in the state (issue 10, item 2).
//!
//! The functions log through an ambient log (`equivalence/ambient.rs`), not a parameter.

#![allow(clippy::unused_async)]

#[path = "equivalence/ambient.rs"]
mod ambient;

use ambient::{D, note, pend, val, with};
use visible_async::harness::assert_equivalent;
use visible_async::visible_async;

async fn twice(n: u32) -> u32 {
    pend(1).await;
    n * 2
}

// A local bound to a literal and a typed parameter, read by a closure kept across an `.await`:
// a closure that is not `move` borrows them even where it reads them for the last time.
#[visible_async(compiler = closure_reading_a_literal_local_rustc)]
async fn closure_reading_a_literal_local(a: u32) -> u32 {
    let k = 3;
    let f = |x: u32| x * k + a;
    let y = twice(f(1)).await;
    f(y)
}

#[visible_async(compiler = closure_mutating_a_local_rustc)]
async fn closure_mutating_a_local(by: u32) -> u32 {
    let mut count: u32 = 0;
    let mut add = |n: u32| count += n;
    add(1);
    pend(1).await;
    add(by);
    count
}

#[visible_async(compiler = closure_borrowing_a_drop_value_rustc)]
async fn closure_borrowing_a_drop_value() -> usize {
    let name = D::new("name");
    let describe = |extra: usize| name.len() + extra;
    let n = val(1, describe(1)).await;
    note("between");
    describe(n)
}

#[visible_async(compiler = async_block_borrowing_a_local_rustc)]
async fn async_block_borrowing_a_local() -> usize {
    let text = String::from("hello");
    let d = D::new("d");
    let later = async { text.len() + d.len() };
    pend(1).await;
    later.await
}

#[test]
fn closures_that_borrow_locals_across_awaits() {
    for a in [0, 5] {
        assert_equivalent(
            |l| with(l, || closure_reading_a_literal_local(a)),
            |l| with(l, || closure_reading_a_literal_local_rustc(a)),
        );
        assert_equivalent(
            |l| with(l, || closure_mutating_a_local(a)),
            |l| with(l, || closure_mutating_a_local_rustc(a)),
        );
    }
    assert_equivalent(
        |l| with(l, closure_borrowing_a_drop_value),
        |l| with(l, closure_borrowing_a_drop_value_rustc),
    );
}

#[test]
fn async_blocks_that_borrow_locals_awaited_later() {
    assert_equivalent(
        |l| with(l, async_block_borrowing_a_local),
        |l| with(l, async_block_borrowing_a_local_rustc),
    );
}

/// A pool whose start borrows it, as `bb8::Builder::build` has it.
struct Pool {
    inner: D,
}

impl Pool {
    async fn start(&self) -> Result<(), ()> {
        pend(1).await;
        Ok(())
    }
}

// Found by scripts/real-crates in bb8: `pool.start().await.map(|()| pool)`. The awaited future
// borrows `pool`, which gets a home; the closure, not `move`, takes `pool` by value (its last
// use): it was reached through the home's reference (E0507); now it is taken out first, as a
// `move` closure's captures are.
#[visible_async(compiler = closure_taking_a_homed_local_rustc)]
async fn closure_taking_a_homed_local() -> Result<usize, ()> {
    let pool = Pool {
        inner: D::new("pool"),
    };
    pool.start().await.map(|()| pool).map(|p| p.inner.len())
}

#[test]
fn a_closure_that_takes_a_homed_local_by_value() {
    assert_equivalent(
        |l| with(l, closure_taking_a_homed_local),
        |l| with(l, closure_taking_a_homed_local_rustc),
    );
}
