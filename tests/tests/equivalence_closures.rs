//! Equivalence of closures and `async` blocks that borrow locals and are kept across an
//! `.await`: the locals they borrow live in pinned homes, and the closure, made `move` over
//! references to those homes, can be held in the state (issue 10, item 2).
//!
//! The functions log through an ambient log (`equivalence/ambient.rs`), not a parameter.

#![allow(clippy::unused_async)]

#[path = "equivalence/ambient.rs"]
mod ambient;

use ambient::{D, lv, note, pend, val, with};
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

// Found by the generator (E0308, "no two async blocks, even if identical, have the same
// type"): the code after an expression that awaits on some of its paths was written once per
// path, so an `async` block or closure later in the statement was two types for one field.
// The paths now meet at a join point right after the expression, with its value.
#[visible_async(compiler = async_block_after_a_two_path_await_rustc)]
async fn async_block_after_a_two_path_await(c: bool) -> String {
    let d = D::new("d");
    let s = format!(
        "{} {}",
        if c {
            lv("a", 1, D::new("x")).await.len()
        } else {
            val(2, 3).await
        },
        async { val(1, 1).await }.await
    );
    let n = (d.by_ref().len() + if c { val(1, 3).await } else { 7 })
        .max(async { lv("b", 1, 2).await }.await);
    let t = (match c {
        true => lv("m", 1, D::new("y")).await.len(),
        false => 0,
    }) + [1_usize].iter().map(|x| x + 1).sum::<usize>()
        + val(1, 2).await;
    let u = (c && val(1, true).await) || async { lv("q", 2, false).await }.await;
    match (if c {
        lv("s", 1, D::new("sc")).await
    } else {
        D::new("sd")
    })
    .len()
    {
        2 => note(format!("{}", async { val(1, 2).await }.await)),
        n => note(format!("{n}")),
    }
    format!("{s} {n} {t} {u}")
}

#[test]
fn an_async_block_after_an_expression_that_awaits_on_some_paths() {
    for c in [false, true] {
        assert_equivalent(
            |l| with(l, || async_block_after_a_two_path_await(c)),
            |l| with(l, || async_block_after_a_two_path_await_rustc(c)),
        );
    }
}

// Found by the generator (seed 7): the same with an `if` whose condition awaits, which the
// transform first rewrites to a block ending in the `if`: the block's value is the operand.
#[visible_async(compiler = async_block_after_an_if_with_an_awaiting_condition_rustc)]
async fn async_block_after_an_if_with_an_awaiting_condition(c: bool) -> String {
    format!(
        "{} {}",
        if val(1, c).await { val(1, 1).await } else { 2 },
        async { val(1, 3).await }.await
    )
}

#[test]
fn an_async_block_after_an_if_whose_condition_awaits() {
    for c in [false, true] {
        assert_equivalent(
            |l| with(l, || async_block_after_an_if_with_an_awaiting_condition(c)),
            |l| {
                with(l, || {
                    async_block_after_an_if_with_an_awaiting_condition_rustc(c)
                })
            },
        );
    }
}

// A closure or `async` block kept across an `.await` that reads a local by value for the last
// time takes it, whatever its type: it is made `move` (a non-`move` one would borrow a `Copy`
// value from the poll function's frame, E0373 inside the expansion). Found on real code:
// `async { a }.await` with `a: Option<u32>`, and `let k = a.min(1); let f = |x| x * k;`.
#[visible_async(compiler = async_block_reads_a_copy_parameter_rustc)]
async fn async_block_reads_a_copy_parameter(a: Option<u32>) -> u32 {
    let first = async { a }.await;
    pend(1).await;
    first.unwrap_or(0) + val(1, 2).await
}

#[visible_async(compiler = closure_reads_an_untyped_copy_local_rustc)]
async fn closure_reads_an_untyped_copy_local(a: u32) -> u32 {
    let k = a.min(3);
    let scale = |x: u32| x * k;
    let d = D::new("kept");
    pend(1).await;
    note(format!("{}", d.len()));
    scale(val(1, 2).await)
}

#[test]
fn a_closure_kept_across_an_await_takes_what_it_reads_by_value() {
    for a in [None, Some(4)] {
        assert_equivalent(
            |l| with(l, || async_block_reads_a_copy_parameter(a)),
            |l| with(l, || async_block_reads_a_copy_parameter_rustc(a)),
        );
    }
    assert_equivalent(
        |l| with(l, || closure_reads_an_untyped_copy_local(5)),
        |l| with(l, || closure_reads_an_untyped_copy_local_rustc(5)),
    );
}
