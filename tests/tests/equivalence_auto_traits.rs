//! `Send`/`Sync` of a future whose locals were borrowed and then moved (issue 10, item 11).
//!
//! rustc keeps a local that may have been borrowed until its storage ends, even after it is
//! moved out (`locals_live_across_suspend_points` in `rustc_mir_transform`'s coroutine pass:
//! maybe-borrowed locals count while their storage is live). So `let n = *rc; drop(rc);
//! f().await` holds the moved-out `Rc`'s place, and the future is neither `Send` nor `Sync`;
//! `drop(rc); f().await` alone is `Send`. Each case compares both futures side by side and
//! their auto traits.

#![allow(
    clippy::redundant_clone,
    clippy::clone_on_ref_ptr,
    clippy::drop_non_drop
)]

#[path = "equivalence/ambient.rs"]
mod ambient;

use std::cell::Cell;
use std::rc::Rc;

use ambient::{D, note, pend, val, with};
use visible_async::harness::{AutoTraits, assert_equivalent};
use visible_async::{auto_traits, visible_async};

#[visible_async(compiler = deref_then_drop_rustc)]
async fn deref_then_drop(n: usize) -> usize {
    let rc = Rc::new(n);
    let m = *rc;
    drop(rc);
    pend(1).await;
    m
}

#[visible_async(compiler = only_dropped_rustc)]
async fn only_dropped(n: usize) -> usize {
    let rc = Rc::new(n);
    drop(rc);
    pend(1).await;
    n
}

#[visible_async(compiler = cloned_then_moved_rustc)]
async fn cloned_then_moved(n: usize) -> usize {
    let rc = Rc::new(D::new("rc"));
    let other = rc.clone();
    let len = other.len();
    drop(other);
    let moved = rc;
    drop(moved);
    val(1, n + len).await
}

#[visible_async(compiler = formatted_then_moved_rustc)]
async fn formatted_then_moved(c: u32) -> u32 {
    let cell = Cell::new(c);
    note(format!("{cell:?}"));
    drop(cell);
    val(1, c).await
}

#[visible_async(compiler = borrowed_in_a_loop_rustc)]
async fn borrowed_in_a_loop(rounds: u32) -> u32 {
    let mut rc = Rc::new(0);
    let mut total = 0;
    for i in 0..rounds {
        let v = *rc;
        drop(rc);
        total += val(1, v + i).await;
        rc = Rc::new(total);
    }
    total + *rc
}

#[visible_async(compiler = borrowed_in_an_inner_block_rustc)]
async fn borrowed_in_an_inner_block(n: usize) -> usize {
    let m = {
        let rc = Rc::new(n);
        let m = *rc;
        drop(rc);
        m
    };
    // `rc`'s storage ended with its block: nothing of it is kept here.
    val(1, m).await
}

fn both(visible: AutoTraits, compiler: AutoTraits) {
    assert_eq!(visible, compiler, "visible vs compiler auto traits");
}

#[test]
fn a_local_borrowed_and_then_moved_is_kept_for_its_auto_traits() {
    assert_equivalent(
        |l| with(l, || deref_then_drop(4)),
        |l| with(l, || deref_then_drop_rustc(4)),
    );
    let traits = auto_traits!(deref_then_drop(4));
    both(traits, auto_traits!(deref_then_drop_rustc(4)));
    assert!(!traits.send && !traits.sync);
}

#[test]
fn a_local_moved_without_a_borrow_is_not_kept() {
    assert_equivalent(
        |l| with(l, || only_dropped(4)),
        |l| with(l, || only_dropped_rustc(4)),
    );
    let traits = auto_traits!(only_dropped(4));
    both(traits, auto_traits!(only_dropped_rustc(4)));
    assert!(traits.send && traits.sync);
}

#[test]
fn a_receiver_of_a_method_is_borrowed() {
    assert_equivalent(
        |l| with(l, || cloned_then_moved(1)),
        |l| with(l, || cloned_then_moved_rustc(1)),
    );
    both(
        auto_traits!(cloned_then_moved(1)),
        auto_traits!(cloned_then_moved_rustc(1)),
    );
}

#[test]
fn a_formatted_local_is_borrowed() {
    assert_equivalent(
        |l| with(l, || formatted_then_moved(3)),
        |l| with(l, || formatted_then_moved_rustc(3)),
    );
    let traits = auto_traits!(formatted_then_moved(3));
    both(traits, auto_traits!(formatted_then_moved_rustc(3)));
    assert!(traits.send && !traits.sync);
}

#[test]
fn a_local_borrowed_and_moved_in_a_loop_is_kept_in_every_iteration() {
    for rounds in [0, 2] {
        assert_equivalent(
            |l| with(l, || borrowed_in_a_loop(rounds)),
            |l| with(l, || borrowed_in_a_loop_rustc(rounds)),
        );
    }
    let traits = auto_traits!(borrowed_in_a_loop(2));
    both(traits, auto_traits!(borrowed_in_a_loop_rustc(2)));
    assert!(!traits.send && !traits.sync);
}

#[test]
fn a_local_whose_scope_ended_is_not_kept() {
    assert_equivalent(
        |l| with(l, || borrowed_in_an_inner_block(4)),
        |l| with(l, || borrowed_in_an_inner_block_rustc(4)),
    );
    let traits = auto_traits!(borrowed_in_an_inner_block(4));
    both(traits, auto_traits!(borrowed_in_an_inner_block_rustc(4)));
    assert!(traits.send && traits.sync);
}

// A `let` chain's binding that is borrowed and then moved gets a home at the start of the
// body; the rest of the chain, before it, reads it as it is.
#[visible_async(compiler = let_chain_binding_borrowed_then_moved_rustc)]
async fn let_chain_binding_borrowed_then_moved(names: Vec<&'static str>) -> usize {
    let mut items: Vec<D> = names.into_iter().map(D::new).collect();
    let mut total = 0;
    while let Some(item) = items.pop()
        && !item.0.is_empty()
    {
        total += item.len();
        drop(item);
        pend(1).await;
    }
    total
}

#[test]
fn a_let_chain_binding_borrowed_then_moved_is_kept() {
    for names in [vec!["a", "bb"], vec!["", "c"]] {
        assert_equivalent(
            |l| with(l, || let_chain_binding_borrowed_then_moved(names.clone())),
            |l| {
                with(l, || {
                    let_chain_binding_borrowed_then_moved_rustc(names.clone())
                })
            },
        );
    }
}
