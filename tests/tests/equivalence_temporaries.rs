//! Equivalence of temporaries with the compiler's `async fn`: where rustc's scoping rules put
//! their drops around an `.await` (`compiler/rustc_hir_analysis/src/check/region.rs`).
//!
//! The functions log through an ambient log (`equivalence/ambient.rs`), not a parameter.

#![allow(clippy::unused_async)]

#[path = "equivalence/ambient.rs"]
mod ambient;

use ambient::{D, note, pend, val, with};
use visible_async::harness::assert_equivalent;
use visible_async::visible_async;

// ----- lifetime-extended temporaries -------------------------------------------------------

#[visible_async(compiler = extended_mut_literal_rustc)]
async fn extended_mut_literal() -> i32 {
    let x = &mut 0;
    pend(1).await;
    *x += 1;
    *x
}

#[visible_async(compiler = extended_string_rustc)]
async fn extended_string() -> usize {
    let r = &String::from("x");
    pend(1).await;
    r.len()
}

#[visible_async(compiler = extended_dropped_at_block_end_rustc)]
async fn extended_dropped_at_block_end() -> usize {
    let before = D::new("before");
    let n = {
        let r = &D::new("extended");
        pend(1).await;
        note("in block");
        r.len()
    };
    note("after block");
    pend(1).await;
    n + before.len()
}

#[visible_async(compiler = extended_through_projections_rustc)]
async fn extended_through_projections() -> usize {
    let first = &(D::new("pair0"), D::new("pair1")).0;
    let element = &vec![D::new("v")][0];
    pend(1).await;
    first.len() + element.len()
}

#[visible_async(compiler = extended_awaited_guard_rustc)]
async fn extended_awaited_guard(m: &tokio::sync::Mutex<u32>) -> u32 {
    let a = &*m.lock().await;
    pend(1).await;
    *a + 1
}

#[visible_async(compiler = promoted_literal_rustc)]
async fn promoted_literal() -> u32 {
    let r: &'static u32 = &5;
    pend(1).await;
    *r
}

#[test]
fn lifetime_extended_temporaries_live_across_awaits() {
    assert_equivalent(
        |l| with(l, extended_mut_literal),
        |l| with(l, extended_mut_literal_rustc),
    );
    assert_equivalent(
        |l| with(l, extended_string),
        |l| with(l, extended_string_rustc),
    );
    assert_equivalent(
        |l| with(l, extended_dropped_at_block_end),
        |l| with(l, extended_dropped_at_block_end_rustc),
    );
    assert_equivalent(
        |l| with(l, extended_through_projections),
        |l| with(l, extended_through_projections_rustc),
    );
    assert_equivalent(
        |l| with(l, promoted_literal),
        |l| with(l, promoted_literal_rustc),
    );
}

#[test]
fn a_lifetime_extended_awaited_guard_is_held() {
    let m = tokio::sync::Mutex::new(4);
    let comparison = assert_equivalent(
        |l| with(l, || extended_awaited_guard(&m)),
        |l| with(l, || extended_awaited_guard_rustc(&m)),
    );
    assert_eq!(comparison.visible.run.output, Ok(5));
    assert_eq!(
        visible_async::auto_traits!(extended_awaited_guard(&m)),
        visible_async::auto_traits!(extended_awaited_guard_rustc(&m))
    );
}

#[visible_async(compiler = value_then_extended_rustc)]
async fn value_then_extended() -> usize {
    let n = val(1, 2).await;
    let r = &D::new("late");
    pend(1).await;
    n + r.len()
}

#[test]
fn an_extended_temporary_after_an_await() {
    assert_equivalent(
        |l| with(l, value_then_extended),
        |l| with(l, value_then_extended_rustc),
    );
}
