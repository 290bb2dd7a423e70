//! Equivalence of locals with the compiler's `async fn`: rebinding, reassignment after an
//! `.await`, partial moves by `let` patterns, and which locals a state keeps.
//!
//! The functions log through an ambient log (`equivalence/ambient.rs`), not a parameter.

#![allow(
    clippy::unused_async,
    unused_assignments,
    clippy::needless_late_init,
    clippy::let_and_return
)]

#[path = "equivalence/ambient.rs"]
mod ambient;

use ambient::{D, note, pend, val, with};
use visible_async::harness::assert_equivalent;
use visible_async::visible_async;

// ----- rebinding and reassignment ----------------------------------------------------------

#[visible_async(compiler = rebind_mut_after_await_rustc)]
async fn rebind_mut_after_await(op: u32) -> u32 {
    core::future::ready(()).await;
    let mut op = op;
    core::future::ready(()).await;
    op += 1;
    op
}

#[visible_async(compiler = shadow_parameter_then_reassign_rustc)]
#[allow(unused_variables)] // the parameter is shadowed at once: that is the case
async fn shadow_parameter_then_reassign(a: D) -> usize {
    let mut a = D::new("n0");
    pend(1).await;
    a = D::new("n1");
    pend(1).await;
    a.len()
}

#[visible_async(compiler = dead_local_reassigned_later_rustc)]
async fn dead_local_reassigned_later(mut a: u32) -> u32 {
    let x = val(1, a).await + val(1, 0).await;
    a = 1;
    x + a
}

#[test]
fn a_mut_rebinding_after_an_await_stays_mutable() {
    assert_equivalent(
        |l| with(l, || rebind_mut_after_await(3)),
        |l| with(l, || rebind_mut_after_await_rustc(3)),
    );
    assert_equivalent(
        |l| with(l, || shadow_parameter_then_reassign(D("p"))),
        |l| with(l, || shadow_parameter_then_reassign_rustc(D("p"))),
    );
}

#[test]
fn a_dead_local_assigned_in_a_later_state() {
    assert_equivalent(
        |l| with(l, || dead_local_reassigned_later(3)),
        |l| with(l, || dead_local_reassigned_later_rustc(3)),
    );
}

// ----- partial moves by `let` patterns -----------------------------------------------------

#[visible_async(compiler = rest_of_a_tuple_rustc)]
async fn rest_of_a_tuple() -> usize {
    let t = (D::new("a"), D::new("b"));
    {
        let (q, _) = t;
        pend(1).await;
        note("inner");
        q.len();
    }
    note("outer");
    pend(1).await;
    1
}

#[visible_async(compiler = rest_between_locals_rustc)]
async fn rest_between_locals() -> usize {
    let first = D::new("first");
    let t = (D::new("t0"), D::new("t1"), D::new("t2"));
    let middle = D::new("middle");
    let (_, q, _) = t;
    pend(1).await;
    note("body");
    q.len() + first.len() + middle.len()
}

struct Pair {
    left: D,
    right: D,
}

#[visible_async(compiler = rest_of_a_struct_rustc)]
async fn rest_of_a_struct() -> usize {
    let p = Pair {
        left: D::new("left"),
        right: D::new("right"),
    };
    let Pair { left, right: _ } = p;
    pend(1).await;
    left.len()
}

#[visible_async(compiler = ref_pattern_does_not_move_rustc)]
async fn ref_pattern_does_not_move() -> usize {
    let t = (D::new("a"), D::new("b"));
    let (ref q, _) = t;
    pend(1).await;
    q.len()
}

#[visible_async(compiler = rest_read_again_rustc)]
async fn rest_read_again() -> usize {
    let t = (D::new("a"), D::new("b"));
    let (q, _) = t;
    let n = t.1.len();
    pend(1).await;
    q.len() + n
}

#[test]
fn the_rest_of_a_partly_moved_local_drops_at_its_scope_end() {
    assert_equivalent(
        |l| with(l, rest_of_a_tuple),
        |l| with(l, rest_of_a_tuple_rustc),
    );
    assert_equivalent(
        |l| with(l, rest_between_locals),
        |l| with(l, rest_between_locals_rustc),
    );
    assert_equivalent(
        |l| with(l, rest_of_a_struct),
        |l| with(l, rest_of_a_struct_rustc),
    );
}

#[test]
fn a_ref_pattern_only_borrows() {
    assert_equivalent(
        |l| with(l, ref_pattern_does_not_move),
        |l| with(l, ref_pattern_does_not_move_rustc),
    );
}

#[test]
#[ignore = "not equivalent yet: a local partly moved by a `let` pattern and read again (`t.1`) is \
            dropped whole at the next `.await` (issue 10, partial moves)"]
fn a_rest_read_after_the_partial_move_stays_in_place() {
    assert_equivalent(
        |l| with(l, rest_read_again),
        |l| with(l, rest_read_again_rustc),
    );
}

// ----- guards --------------------------------------------------------------------------------

#[visible_async(compiler = guarded_arm_awaits_rustc)]
async fn guarded_arm_awaits(a: u32) -> u32 {
    match a.checked_sub(1) {
        Some(k) if k > 1 => {
            pend(1).await;
            k
        }
        _ => 0,
    }
}

#[test]
fn a_guarded_arm_that_awaits_reads_its_binding_in_the_guard() {
    for a in 0..4 {
        assert_equivalent(
            |l| with(l, || guarded_arm_awaits(a)),
            |l| with(l, || guarded_arm_awaits_rustc(a)),
        );
    }
}

#[visible_async(compiler = awaiting_guard_on_a_value_rustc)]
async fn awaiting_guard_on_a_value(a: u32) -> u32 {
    match a.checked_sub(1) {
        Some(k) if val(1, k).await > 1 => {
            pend(1).await;
            k
        }
        _ => 0,
    }
}

#[test]
fn an_awaiting_guard_on_a_value_scrutinee() {
    for a in 0..4 {
        assert_equivalent(
            |l| with(l, || awaiting_guard_on_a_value(a)),
            |l| with(l, || awaiting_guard_on_a_value_rustc(a)),
        );
    }
}

// ----- receivers and awaiting arguments ------------------------------------------------------

#[visible_async(compiler = receiver_before_an_awaiting_argument_rustc)]
async fn receiver_before_an_awaiting_argument(a: u32) -> u32 {
    let x = a;
    let y = x.max(val(1, 12).await);
    y
}

#[visible_async(compiler = consumed_receiver_before_an_awaiting_argument_rustc)]
async fn consumed_receiver_before_an_awaiting_argument() -> Vec<(u32, u32)> {
    let v = vec![1, 2];
    let w = v.into_iter().zip(val(1, vec![3, 4]).await).collect();
    w
}

#[test]
fn a_local_receiver_is_kept_across_an_awaiting_argument() {
    assert_equivalent(
        |l| with(l, || receiver_before_an_awaiting_argument(3)),
        |l| with(l, || receiver_before_an_awaiting_argument_rustc(3)),
    );
    assert_equivalent(
        |l| with(l, consumed_receiver_before_an_awaiting_argument),
        |l| with(l, consumed_receiver_before_an_awaiting_argument_rustc),
    );
}

// ----- late initialization from an `.await` -----------------------------------------------------

// Found by the generator: assigning an awaited value to a `let x;` with a drop-flag home wrote
// `x.home().value = ..`, dropping the uninitialized old value (a double free).
#[visible_async(compiler = late_init_from_an_await_on_one_path_rustc)]
async fn late_init_from_an_await_on_one_path(c: bool) -> usize {
    let late;
    if val(1, c).await {
        late = val(1, String::from("awaited")).await;
    } else {
        late = String::from("plain");
    }
    pend(1).await;
    late.len()
}

#[visible_async(compiler = late_init_dropped_unread_rustc)]
async fn late_init_dropped_unread(c: bool) {
    let _late;
    if c {
        _late = val(1, D::new("awaited")).await;
    } else {
        _late = D::new("plain");
    }
    pend(1).await;
    note("end");
}

#[test]
fn a_late_initialized_local_assigned_from_an_await() {
    for c in [true, false] {
        assert_equivalent(
            |l| with(l, || late_init_from_an_await_on_one_path(c)),
            |l| with(l, || late_init_from_an_await_on_one_path_rustc(c)),
        );
        assert_equivalent(
            |l| with(l, || late_init_dropped_unread(c)),
            |l| with(l, || late_init_dropped_unread_rustc(c)),
        );
    }
}

// Found by the generator: the piece of a loop body that suspends before `late` is assigned
// declared `let late;` too, and could not infer its type (E0282).
#[visible_async(compiler = late_init_after_an_await_in_a_loop_rustc)]
#[allow(unused_variables)] // `late` is never read: that is the case
async fn late_init_after_an_await_in_a_loop(mut stack: Vec<u32>) {
    while let Some(x) = stack.pop() {
        let late;
        let text;
        text = val(1, String::from("t")).await;
        late = stack.get(val(1, 3_usize).await % 4).copied();
    }
    pend(1).await;
}

#[test]
fn a_late_initialized_local_assigned_after_an_await_in_a_loop() {
    assert_equivalent(
        |l| with(l, || late_init_after_an_await_in_a_loop(vec![1, 2])),
        |l| with(l, || late_init_after_an_await_in_a_loop_rustc(vec![1, 2])),
    );
}

// Found by the generator: a late-initialized `Copy` local passed by value to an awaited call
// and read after a later `.await` was dropped from the state (E0381).
#[visible_async(compiler = late_copy_passed_by_value_then_read_rustc)]
async fn late_copy_passed_by_value_then_read(typed: bool) -> u32 {
    let late;
    late = val(1, if typed { 6_u32 } else { 7 }).await;
    let n = val(1, format!("{}", val(1, late).await).len()).await;
    u32::min(late, val(1, 7_u32).await) + u32::try_from(n).unwrap_or(0)
}

#[test]
fn a_late_copy_local_passed_by_value_then_read() {
    for typed in [true, false] {
        assert_equivalent(
            |l| with(l, || late_copy_passed_by_value_then_read(typed)),
            |l| with(l, || late_copy_passed_by_value_then_read_rustc(typed)),
        );
    }
}

// Found by the generator: a `match` on a literal whose guard awaits was refused (the resumed
// `match` reads the scrutinee again: a literal reads as it is).
#[visible_async(compiler = awaiting_guard_on_a_literal_rustc)]
async fn awaiting_guard_on_a_literal(c: bool) -> u32 {
    let _d = D::new("d");
    match false {
        true if val(1, c).await => 1,
        false if val(1, c).await => {
            note("arm");
            2
        }
        _ => 3,
    }
}

#[test]
fn an_awaiting_guard_on_a_literal() {
    for c in [true, false] {
        assert_equivalent(
            |l| with(l, || awaiting_guard_on_a_literal(c)),
            |l| with(l, || awaiting_guard_on_a_literal_rustc(c)),
        );
    }
}

// Found by the generator: an `async move` block that takes a shadowed (renamed) local out of
// its pinned home named it as written in its code, not as taken (E0425); and a `Copy` value
// moved into a block in a loop and assigned after it was not kept for the next iteration
// (E0381): the rest of the iteration, then either the next one or the code after the loop.
#[visible_async(compiler = shadowed_by_an_async_block_of_it_rustc)]
async fn shadowed_by_an_async_block_of_it(mut p: u32) -> u32 {
    let Some(n) = val(0, Some(4_u32)).await else {
        return 0;
    };
    if let Some(m) = Some(5_u32) {
        let n = async move {
            let _d = D::new("in the block");
            n + m
        }
        .await;
        for _ in [1_u32, 2] {
            let x = async move { p }.await;
            note(format!("x {x}"));
        }
        p = 17 + n;
    }
    pend(1).await;
    p
}

#[test]
fn a_local_shadowed_by_an_async_block_of_it() {
    assert_equivalent(
        |l| with(l, || shadowed_by_an_async_block_of_it(3)),
        |l| with(l, || shadowed_by_an_async_block_of_it_rustc(3)),
    );
}

// ----- values of loops --------------------------------------------------------------------

// Found by the generator: a `loop` whose only `break` carries an awaited value has type `!`
// in the code before the `.await` (the `break` is only in the resumed code): an operator on
// it did not type-check (E0277 "`!` % i32").
#[visible_async(compiler = loop_value_after_an_await_rustc)]
async fn loop_value_after_an_await() -> u32 {
    let x = ({
        let mut i = 0_u32;
        loop {
            i += 1;
            if i > 3 {
                break val(1, i).await;
            }
        }
    }) % 2;
    note(format!("x {x}"));
    x
}

#[test]
fn a_loop_whose_value_is_awaited_in_its_break() {
    assert_equivalent(
        |l| with(l, loop_value_after_an_await),
        |l| with(l, loop_value_after_an_await_rustc),
    );
}

// ----- assignments from an `.await` ---------------------------------------------------------

// Found by the generator: a `Copy` value overwritten by `x = f().await` was dropped from the
// state before the assignment but kept at its `.await` (E0381 in the arm between). An
// assignment whose right side cannot leave always happens once resumed; one that can
// (`x = f().await?`) may not happen, so the old value is kept up to it.
#[visible_async(compiler = overwritten_from_an_await_in_a_loop_rustc)]
async fn overwritten_from_an_await_in_a_loop(mut p: u32, n: u32) -> u32 {
    let mut stack = vec![4_u32, 5];
    while let Some(x) = stack.pop() {
        if x < 18 {
            for _ in 0..(n % 4) {
                pend(1).await;
            }
        }
        p = async move { val(1, x).await }.await;
    }
    p + val(1, p).await
}

#[visible_async(compiler = overwritten_by_a_question_mark_in_a_loop_rustc)]
async fn overwritten_by_a_question_mark_in_a_loop(mut p: u32, n: u32, d: D) -> Option<usize> {
    let mut stack = vec![4_u32, 5];
    let mut s = D::new("s0");
    while let Some(x) = stack.pop() {
        if x < 18 {
            for _ in 0..(n % 4) {
                pend(1).await;
            }
        }
        p = val(1, Some(x)).await?;
        s = val(1, if x == 4 { None } else { Some(D::new("s1")) }).await?;
    }
    Some(p as usize + d.len() + s.len())
}

#[test]
fn a_value_overwritten_from_an_await_in_a_loop() {
    assert_equivalent(
        |l| with(l, || overwritten_from_an_await_in_a_loop(1, 2)),
        |l| with(l, || overwritten_from_an_await_in_a_loop_rustc(1, 2)),
    );
    assert_equivalent(
        |l| {
            with(l, || {
                overwritten_by_a_question_mark_in_a_loop(1, 2, D::new("d"))
            })
        },
        |l| {
            with(l, || {
                overwritten_by_a_question_mark_in_a_loop_rustc(1, 2, D::new("d"))
            })
        },
    );
}

// A `match` whose guard awaits runs its arms again from that arm when it resumes: a closure or
// `async` block there is an error (see `ui/match_guard_await.rs`), but one in an earlier arm, or
// in the awaiting guard itself, is written once and works.
#[visible_async(compiler = async_blocks_around_an_awaiting_guard_rustc)]
async fn async_blocks_around_an_awaiting_guard(n: usize) -> usize {
    match n {
        7 => async move { val(1, 70).await }.await,
        m if async move { val(1, m > 2).await }.await => {
            note("guarded");
            m
        }
        _ => 0,
    }
}

#[test]
fn async_blocks_around_an_awaiting_guard_that_are_written_once() {
    for n in [7, 3, 1] {
        assert_equivalent(
            |l| with(l, || async_blocks_around_an_awaiting_guard(n)),
            |l| with(l, || async_blocks_around_an_awaiting_guard_rustc(n)),
        );
    }
}

// Found by the generator: a value moved on one path and given a new value on the other is
// kept across the `.await` with a drop flag (a home); stored by name, it was a use after a
// move on the first path (E0382).
#[visible_async(compiler = moved_or_replaced_param_rustc)]
async fn moved_or_replaced_param(c: bool, mut p: D) -> usize {
    if c {
        drop(p);
    } else {
        p = D::new("replacement");
    }
    pend(1).await;
    note("after");
    3
}

#[visible_async(compiler = moved_or_replaced_then_read_rustc)]
async fn moved_or_replaced_then_read(c: bool) -> usize {
    let mut x = D::new("x");
    if c {
        x = D::new("new x");
    } else {
        drop(x);
        x = D::new("after the move");
    }
    if c {
        note("kept");
    } else {
        drop(x);
        x = D::new("again");
    }
    pend(1).await;
    x.len()
}

#[visible_async(compiler = moved_then_replaced_on_one_path_rustc)]
async fn moved_then_replaced_on_one_path(n: u32) -> bool {
    let mut d = D::new("first");
    drop(d);
    match val(1, n).await {
        4 => d = D::new("replacement"),
        _ => note("not replaced"),
    }
    pend(1).await;
    true
}

#[test]
fn moved_on_one_path_and_replaced_on_the_other() {
    for n in [3, 4] {
        assert_equivalent(
            |l| with(l, || moved_then_replaced_on_one_path(n)),
            |l| with(l, || moved_then_replaced_on_one_path_rustc(n)),
        );
    }
    for c in [true, false] {
        assert_equivalent(
            |l| with(l, || moved_or_replaced_param(c, D::new("p"))),
            |l| with(l, || moved_or_replaced_param_rustc(c, D::new("p"))),
        );
        assert_equivalent(
            |l| with(l, || moved_or_replaced_then_read(c)),
            |l| with(l, || moved_or_replaced_then_read_rustc(c)),
        );
    }
}

// Found by the generator: an assignment in a `for` or `while` body may not happen (the body
// may not run), so the value before the loop is still read after it: it was left out of the
// state of the `.await` in the loop's head (E0284 on the read).
#[visible_async(compiler = replaced_in_a_loop_that_may_not_run_rustc)]
async fn replaced_in_a_loop_that_may_not_run(n: u32) -> usize {
    let mut x = D::new("before");
    let mut y = 9_u32;
    for _ in 0..val(1, n).await {
        pend(1).await;
        x = D::new("in for");
        y = 2;
    }
    let mut w = 0;
    while w < val(1, n).await {
        w += 1;
        pend(1).await;
        x = D::new("in while");
    }
    y += 1;
    x.len() + y as usize
}

#[test]
fn a_loop_body_may_not_run() {
    for n in [0, 2] {
        assert_equivalent(
            |l| with(l, || replaced_in_a_loop_that_may_not_run(n)),
            |l| with(l, || replaced_in_a_loop_that_may_not_run_rustc(n)),
        );
    }
}

// Found by the generator: a dead local assigned from nested `.await`s, shadowing a kept
// binding of the same name, was declared again without its type in the arm between the two
// `.await`s: the kept binding's field (`n: __n_shadowed0`) was taken for a mention (E0282).
#[visible_async(compiler = reassigned_from_nested_awaits_under_a_shadow_rustc)]
async fn reassigned_from_nested_awaits_under_a_shadow(v: Option<u32>) -> u32 {
    let mut w = 0_u32;
    while w < 2 && val(1, true).await {
        w += 1;
        if let Some(n) = v {
            note(n.to_string());
            let mut n: String = D::new("t").len().to_string();
            n = val(0, val(1, n).await).await;
            note(n);
        }
    }
    w
}

#[test]
fn a_dead_local_under_a_shadow_reassigned_from_nested_awaits() {
    for v in [None, Some(3)] {
        assert_equivalent(
            |l| with(l, || reassigned_from_nested_awaits_under_a_shadow(v)),
            |l| with(l, || reassigned_from_nested_awaits_under_a_shadow_rustc(v)),
        );
    }
}

// Found by the generator: after `break f().await` the rest of the loop does not run, so an
// assignment there does not replace the value read after the loop (it was left out of the
// state: E0381).
#[visible_async(compiler = read_after_breaking_with_an_await_rustc)]
async fn read_after_breaking_with_an_await(mut n: u32) -> u32 {
    let mut d = D::new("before");
    let mut count = 0;
    let last = loop {
        count += 1;
        if count > 2 {
            break val(1, count).await;
        }
        n = count;
        d = D::new("in the loop");
    };
    n += 1;
    note(format!("{} {}", d.len(), n));
    last + n
}

#[test]
fn a_value_read_after_breaking_with_an_await() {
    assert_equivalent(
        |l| with(l, || read_after_breaking_with_an_await(7)),
        |l| with(l, || read_after_breaking_with_an_await_rustc(7)),
    );
}

// Found by the generator: from an `.await` in a guard, the arm's body may not run (the guard
// may be false), so an assignment there does not replace the value read after the `match`
// (it was left out of the guard's state: E0381).
#[visible_async(compiler = assigned_in_an_arm_after_an_awaiting_guard_rustc)]
async fn assigned_in_an_arm_after_an_awaiting_guard(mut n: u32, pass: bool) -> u32 {
    let mut d = D::new("before");
    match Some(n) {
        Some(0) => {}
        Some(_) if val(1, pass).await => {
            n = 9;
            d = D::new("in the arm");
        }
        _ => note("other arm"),
    }
    val(1, 13).await + n + d.len() as u32
}

#[test]
fn an_arm_after_an_awaiting_guard_may_not_run() {
    for (n, pass) in [(5, true), (5, false), (0, true)] {
        assert_equivalent(
            |l| with(l, || assigned_in_an_arm_after_an_awaiting_guard(n, pass)),
            |l| {
                with(l, || {
                    assigned_in_an_arm_after_an_awaiting_guard_rustc(n, pass)
                })
            },
        );
    }
}

// Found by the generator: a value read and then given a new value in the same statement, in
// a loop body (`p = f().await & p`), is not "moved on one path": it was given a home as a
// drop flag, and the assignment through the home borrowed it twice (E0499).
#[visible_async(compiler = replaced_from_itself_in_a_loop_rustc)]
#[allow(clippy::assign_op_pattern, clippy::toplevel_ref_arg)] // the shape that was found
async fn replaced_from_itself_in_a_loop(ref d: D, mut p: u32) -> usize {
    let mut stack = vec![4_u32, 5];
    while let Some(x) = stack.pop() {
        p = val(1, x).await & p;
    }
    val(1, d.len()).await + val(1, p).await as usize
}

#[test]
fn replaced_from_itself_in_a_loop_body() {
    assert_equivalent(
        |l| with(l, || replaced_from_itself_in_a_loop(D::new("d"), 7)),
        |l| with(l, || replaced_from_itself_in_a_loop_rustc(D::new("d"), 7)),
    );
}

// Found by the generator: a value moved on one path and given a new value again in a `loop`
// that can break before the assignment: rustc keeps a drop flag ("this reinitialization might
// get skipped"); a `loop` body was read as running to its end at least once, so the value was
// stored in the state as if certainly there (E0382).
#[visible_async(compiler = reinitialized_in_a_loop_that_can_break_first_rustc)]
async fn reinitialized_in_a_loop_that_can_break_first(mut p: D, moved: bool, laps: u32) -> usize {
    if moved {
        drop(p);
        let mut lap = 0_u32;
        loop {
            lap += 1;
            if lap > laps {
                break;
            }
            p = D::new("again");
        }
    }
    pend(1).await;
    note("after");
    pend(1).await;
    0
}

#[test]
fn reinitialized_in_a_loop_that_can_break_before_the_assignment() {
    for (moved, laps) in [(false, 0), (true, 0), (true, 1), (true, 2)] {
        assert_equivalent(
            |l| {
                with(l, || {
                    reinitialized_in_a_loop_that_can_break_first(D::new("p"), moved, laps)
                })
            },
            |l| {
                with(l, || {
                    reinitialized_in_a_loop_that_can_break_first_rustc(D::new("p"), moved, laps)
                })
            },
        );
    }
}

// Found in a real crate (`async-lock`'s `match state.into() { .. }`, whose scrutinee gets a
// home): a homed local whose type only later code tells. The expansion reached homes with a
// method call on the guard, which rustc cannot look up before the type is known (E0282).
#[visible_async(compiler = homed_locals_typed_by_later_code_rustc)]
async fn homed_locals_typed_by_later_code(s: u32) -> u32 {
    let n = Default::default();
    let r = &n;
    pend(1).await;
    let m: u32 = *r;
    let wide = s.into();
    let mut v = Vec::new();
    val(1, ()).await;
    v.push(m);
    let w: u64 = wide;
    v[0] + w as u32
}

// Also from `async-lock`: a local `FnOnce` called through parentheses, `(init)().await`, is
// moved by the call like `init()`; it was kept in a home and called through a reference
// (E0507).
#[visible_async(compiler = parenthesized_fn_once_callee_rustc)]
async fn parenthesized_fn_once_callee(d: D) -> usize {
    let init = move || async move { d.len() };
    pend(1).await;
    (init)().await + 1
}

#[test]
fn homed_locals_typed_later_and_parenthesized_callees() {
    assert_equivalent(
        |l| with(l, || homed_locals_typed_by_later_code(3)),
        |l| with(l, || homed_locals_typed_by_later_code_rustc(3)),
    );
    assert_equivalent(
        |l| with(l, || parenthesized_fn_once_callee(D::new("d"))),
        |l| with(l, || parenthesized_fn_once_callee_rustc(D::new("d"))),
    );
}

// Found by the generator (seed 2026): a local moved before a loop and assigned in it after an
// `.await` holds a value at that `.await` from the second iteration on, which the next
// assignment drops: rustc keeps it there (with a drop flag), so the state must too.
#[visible_async(compiler = moved_then_assigned_in_a_loop_rustc)]
async fn moved_then_assigned_in_a_loop(mut p: D) -> u32 {
    drop(p);
    for i in 0..3_u32 {
        pend(1).await;
        note(format!("iteration {i}"));
        p = D::new("in loop");
    }
    p = D::new("after");
    u32::try_from(p.len()).unwrap_or(0)
}

#[test]
fn a_value_assigned_in_an_earlier_iteration_is_kept_across_the_await() {
    assert_equivalent(
        |l| with(l, || moved_then_assigned_in_a_loop(D::new("p"))),
        |l| with(l, || moved_then_assigned_in_a_loop_rustc(D::new("p"))),
    );
}

// Found by the generator (seed 2026): the outer `x` is assigned the value of a block that
// declares its own `x` and awaits. An arm that suspends inside the block declared the outer
// one untyped because the inner one's name appeared in it (E0282).
#[visible_async(compiler = outer_assigned_from_a_block_shadowing_it_rustc)]
async fn outer_assigned_from_a_block_shadowing_it() -> i64 {
    let mut x = -4_i64;
    note(format!("{x}"));
    x = {
        let x = D::new("inner");
        val(2, -1_i64).await - val(1, i64::try_from(x.len()).unwrap_or(0)).await
    };
    x
}

#[test]
fn a_block_that_shadows_the_local_it_is_assigned_to() {
    assert_equivalent(
        |l| with(l, outer_assigned_from_a_block_shadowing_it),
        |l| with(l, outer_assigned_from_a_block_shadowing_it_rustc),
    );
}

// Found by the generator (E0381 inside the expansion): a loop whose body makes an `async`
// block starts each iteration at a join point. A local given a value before the loop and
// assigned, then moved, in every iteration was kept at the head (its assignment in the body,
// which may `break` before it, was read as on one path only) but not at the `.await` after
// its move, so the back edge stored an uninitialized local.
#[visible_async(
    compiler = assigned_then_moved_in_a_loop_with_an_async_block_rustc,
    consumes(consume)
)]
async fn assigned_then_moved_in_a_loop_with_an_async_block() -> u32 {
    let mut n = 5_usize;
    let mut d = D::new("before");
    let mut i = 0_u32;
    let mut sum = 0;
    loop {
        i += 1;
        if i > 2 {
            break;
        }
        let v = vec![async move { val(1, i).await }.await];
        n = v.len();
        d = D::new("in");
        sum += val(
            1,
            u32::try_from(n).unwrap_or(0) + u32::try_from(d.consume()).unwrap_or(0),
        )
        .await;
    }
    sum
}

#[test]
fn a_local_assigned_then_moved_in_each_iteration_of_a_loop_that_makes_an_async_block() {
    assert_equivalent(
        |l| with(l, assigned_then_moved_in_a_loop_with_an_async_block),
        |l| with(l, assigned_then_moved_in_a_loop_with_an_async_block_rustc),
    );
}

// Found by the generator (E0282): `let x;`, declared where a resumed piece of the body may
// assign `x`, is kept only where that piece mentions `x`; a `let Some(x) = .. else` in an
// inner block, which binds a new `x`, was counted as a mention of the outer one.
#[visible_async(compiler = outer_local_shadowed_by_let_else_in_a_block_rustc)]
async fn outer_local_shadowed_by_let_else_in_a_block(mut p: u32) -> u32 {
    p = {
        pend(1).await;
        let Some(p) = Some(7_u32) else {
            return 0;
        };
        val(1, p).await * 2
    };
    if let Some(p) = Some(p) {
        note(format!("{p}"));
    }
    p
}

#[test]
fn an_outer_local_shadowed_by_let_else_in_an_inner_block() {
    for p in [0, 3] {
        assert_equivalent(
            |l| with(l, || outer_local_shadowed_by_let_else_in_a_block(p)),
            |l| with(l, || outer_local_shadowed_by_let_else_in_a_block_rustc(p)),
        );
    }
}

// Found by the generator (seed 7): a value moved in the `else` block of a `let .. else`, or
// in an `if` block that returns, is not moved on the paths after it: it is kept to the end of
// its scope, not dropped at the next `.await`.
#[visible_async(compiler = moved_only_on_a_path_that_returns_rustc, consumes(consume))]
async fn moved_only_on_a_path_that_returns(p: D, q: D, c: bool) -> usize {
    let Some(n) = val(1, (!c).then_some(1_usize)).await else {
        return p.consume();
    };
    if n > 5 {
        drop(q);
        return 0;
    }
    val(1, n).await
}

#[test]
fn a_value_moved_on_a_path_that_returns_is_kept_on_the_others() {
    for c in [false, true] {
        assert_equivalent(
            |l| {
                with(l, || {
                    moved_only_on_a_path_that_returns(D::new("p"), D::new("q"), c)
                })
            },
            |l| {
                with(l, || {
                    moved_only_on_a_path_that_returns_rustc(D::new("p"), D::new("q"), c)
                })
            },
        );
    }
}

// Found by the generator (seed 7): a parameter moved out (`let mut q = p;`) and assigned
// again after the last `.await` is declared again by the resume code, after the locals it
// takes from the state: it dropped before them, where rustc drops parameters last.
#[visible_async(compiler = parameter_moved_then_assigned_after_an_await_rustc)]
async fn parameter_moved_then_assigned_after_an_await(mut p: D) -> usize {
    let q = p;
    let n = val(1, q.len()).await;
    p = D::new("again");
    n + p.len()
}

#[test]
fn a_parameter_assigned_again_after_the_last_await_drops_after_the_locals() {
    assert_equivalent(
        |l| {
            with(l, || {
                parameter_moved_then_assigned_after_an_await(D::new("p"))
            })
        },
        |l| {
            with(l, || {
                parameter_moved_then_assigned_after_an_await_rustc(D::new("p"))
            })
        },
    );
}

// Found by the generator (seed 7): from the head of a loop, its body may not run (or may
// `break` before an assignment in it): a value assigned in the body and read after the loop
// is kept at the head, and one assigned before every read in the body is not.
#[visible_async(compiler = assigned_in_a_loop_read_after_it_rustc)]
async fn assigned_in_a_loop_read_after_it(mut p: u32, n: u32) -> u32 {
    let mut total = 0;
    for _ in 0..2 {
        for i in 0..n {
            p = val(1, i).await;
            note(format!("{}", async move { val(1, i).await }.await));
        }
        total += val(1, p).await;
    }
    total
}

#[test]
fn a_value_assigned_in_a_loop_and_read_after_it_is_kept_at_its_head() {
    for n in [0, 2] {
        assert_equivalent(
            |l| with(l, || assigned_in_a_loop_read_after_it(7, n)),
            |l| with(l, || assigned_in_a_loop_read_after_it_rustc(7, n)),
        );
    }
}

// Found by the generator (seed 7): what a panicking path moves (an `assert!` message that
// awaits) is not moved on the paths that go on; the code the resume code writes after the
// panic, unreachable, still stores what later states keep (E0425 inside the expansion).
#[visible_async(compiler = awaiting_assert_message_in_a_loop_rustc)]
async fn awaiting_assert_message_in_a_loop(n: u32) -> u32 {
    let mut t = 0;
    for i in 0..n {
        let d = D::new("d");
        assert!(i < 10, "{}", val(1, i).await);
        t += val(1, 1).await;
        drop(d);
    }
    t
}

#[test]
fn a_value_moved_by_an_awaiting_assert_message_is_kept_on_the_other_path() {
    assert_equivalent(
        |l| with(l, || awaiting_assert_message_in_a_loop(2)),
        |l| with(l, || awaiting_assert_message_in_a_loop_rustc(2)),
    );
}

// Found by the generator (seed 7): from the head of an inner loop the code after it runs
// next, then the outer loop's next iteration: a value read early in the outer iteration but
// assigned after the inner loop is not needed at the inner loop's head (E0381 inside the
// expansion, where the head kept what the state before it had not).
#[visible_async(compiler = read_before_an_inner_loop_assigned_after_it_rustc)]
async fn read_before_an_inner_loop_assigned_after_it(mut p: u32, skip: bool) -> u32 {
    let mut rounds = 0;
    while rounds < 2 {
        rounds += 1;
        if skip {
            let Some(_) = Some(1) else {
                return val(1, p).await;
            };
        } else {
            note(format!("p {p}"));
        }
        let mut stack = vec![4_u32, 5];
        while let Some(x) = stack.pop() {
            note(format!("{}", async move { x }.await));
        }
        p = rounds;
    }
    val(1, p).await
}

#[test]
fn a_value_read_before_an_inner_loop_and_assigned_after_it_is_not_kept_at_its_head() {
    for skip in [false, true] {
        assert_equivalent(
            |l| with(l, || read_before_an_inner_loop_assigned_after_it(5, skip)),
            |l| {
                with(l, || {
                    read_before_an_inner_loop_assigned_after_it_rustc(5, skip)
                })
            },
        );
    }
}

// Found by the generator (seed 7): after a `return` in a loop inside `if let`, the resume
// code's unreachable rest declares only what a later state stores, not the `if let`'s
// hidden scrutinee (E0282 inside the expansion: a declaration nothing gives a type).
#[visible_async(compiler = return_in_a_loop_inside_if_let_rustc)]
async fn return_in_a_loop_inside_if_let(n: u32) -> u32 {
    let mut t = 0;
    if let Ok(k) = Ok::<u32, ()>(n) {
        let mut stack = vec![4_u32, 5];
        while let Some(x) = stack.pop() {
            let Some(m) = val(1, x.checked_sub(k)).await else {
                return val(1, k).await;
            };
            t += m + x;
        }
        t += val(1, 1).await;
    } else {
        note("none");
    }
    t
}

#[test]
fn a_return_in_a_loop_inside_if_let_leaves_the_scrutinee_undeclared() {
    for n in [0, 5] {
        assert_equivalent(
            |l| with(l, || return_in_a_loop_inside_if_let(n)),
            |l| with(l, || return_in_a_loop_inside_if_let_rustc(n)),
        );
    }
}

// ----- jumps over assignments ------------------------------------------------------------------

// Found by the generator (seed 11): an assignment that a `break`, `continue` or labelled
// `break` after the `.await` can jump over may not replace the value, which is still read
// after the jump: the state keeps it (E0381 inside the expansion, a value left behind).
#[visible_async(compiler = break_value_skips_an_assignment_rustc)]
async fn break_value_skips_an_assignment() -> u32 {
    let mut x = val(1, 1_u32).await;
    let found = loop {
        let tries = x;
        if tries > 3 {
            break val(1, true).await;
        }
        if val(1, tries == 1).await {
            break val(1, false).await;
        }
        x = tries + 1;
    };
    if found { x + 100 } else { x }
}

#[visible_async(compiler = continue_skips_an_assignment_rustc)]
async fn continue_skips_an_assignment() -> u32 {
    let mut x: u32 = 1;
    let mut i = 0;
    let mut total = 0;
    while i < 3 {
        i += 1;
        total += x;
        pend(1).await;
        if i == 1 {
            continue;
        }
        x = i;
    }
    total
}

#[visible_async(compiler = labelled_break_skips_assignments_rustc)]
async fn labelled_break_skips_assignments(skip: bool) -> usize {
    let mut x: usize = 1;
    let mut d = D::new("first");
    pend(1).await;
    'assign: {
        if skip {
            break 'assign;
        }
        x = 2;
        d = D::new("second");
    }
    pend(1).await;
    x + d.len()
}

#[visible_async(compiler = break_to_an_outer_loop_skips_an_assignment_rustc)]
#[allow(clippy::never_loop)] // the outer loop is there to be left by a labelled `break`
async fn break_to_an_outer_loop_skips_an_assignment(early: bool) -> u32 {
    let mut x: u32 = 1;
    'outer: loop {
        for i in 0..3 {
            pend(1).await;
            if early && i == 1 {
                break 'outer;
            }
            x = i;
        }
        x += 10;
        break;
    }
    x
}

#[test]
fn a_jump_after_an_await_can_skip_an_assignment() {
    assert_equivalent(
        |l| with(l, break_value_skips_an_assignment),
        |l| with(l, break_value_skips_an_assignment_rustc),
    );
    assert_equivalent(
        |l| with(l, continue_skips_an_assignment),
        |l| with(l, continue_skips_an_assignment_rustc),
    );
    for flag in [false, true] {
        assert_equivalent(
            |l| with(l, || labelled_break_skips_assignments(flag)),
            |l| with(l, || labelled_break_skips_assignments_rustc(flag)),
        );
        assert_equivalent(
            |l| with(l, || break_to_an_outer_loop_skips_an_assignment(flag)),
            |l| with(l, || break_to_an_outer_loop_skips_an_assignment_rustc(flag)),
        );
    }
}

// Found by the generator (seed 11): a local that is dead across an `.await` is declared again
// without a value in the resume code, with the type written on it; without it nothing there
// says the type (E0284 inside the expansion on `x = x`).
#[visible_async(compiler = typed_local_declared_again_without_a_value_rustc)]
#[allow(dead_code, clippy::self_assignment)] // `x = x` is the case (rustc's lint is under `dead_code`)
async fn typed_local_declared_again_without_a_value(wait: bool) {
    let mut x: i64 = 4_i64.wrapping_sub(3);
    let mut n = 0;
    while n < 2
        && ({
            x = x;
            true
        })
    {
        n += 1;
        if wait {
            pend(1).await;
        }
        x = val(2, 8_i64).await.wrapping_sub(-5);
    }
}

#[test]
fn a_typed_local_declared_again_keeps_its_type() {
    for wait in [false, true] {
        assert_equivalent(
            |l| with(l, || typed_local_declared_again_without_a_value(wait)),
            |l| with(l, || typed_local_declared_again_without_a_value_rustc(wait)),
        );
    }
}

// Found by the generator (seed 13): leaving an inner loop, the code goes on in the outer one,
// whose next iteration reads the local before the assignment that follows the outer loop (the
// rest of the path is the outer loop's, not the code after it; E0381 inside the expansion).
#[visible_async(compiler = inner_loop_left_into_the_next_outer_iteration_rustc)]
async fn inner_loop_left_into_the_next_outer_iteration((first, _): (u32, D), mut p: u32) -> u32 {
    p = {
        let mut n = 0_u32;
        loop {
            n += 1;
            if n > 1 {
                break first + 1;
            }
            for _ in 0..p % 4 {
                note("for");
            }
            let mut stack = vec![2_u32];
            while let Some(x) = stack.pop() {
                val(1, x).await;
            }
        }
    };
    p
}

#[test]
fn leaving_an_inner_loop_goes_on_in_the_outer_one() {
    assert_equivalent(
        |l| {
            with(l, || {
                inner_loop_left_into_the_next_outer_iteration((3, D("p")), 5)
            })
        },
        |l| {
            with(l, || {
                inner_loop_left_into_the_next_outer_iteration_rustc((3, D("p")), 5)
            })
        },
    );
}
