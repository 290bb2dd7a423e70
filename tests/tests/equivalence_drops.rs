//! Equivalence of `#[visible_async]` with the compiler's `async fn`: drop order of locals,
//! temporaries and moved values around awaits, and what cancellation drops.

// Test bodies are written the way users write them, not the way clippy likes them; imports
// serve the cases in `mod pending` too, which are compiled out until the transform handles them.
#![allow(
    clippy::never_loop,
    unused_macros,
    unused_imports,
    dead_code,
    unused_assignments,
    unused_variables,
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

use common::{Token, ev, noisy_later, step, tick};
use visible_async::harness::{Log, Noisy, assert_equivalent};
use visible_async::visible_async;

// ----- locals and scopes ----------------------------------------------------------------------

#[visible_async(compiler = reverse_declaration_order_rustc)]
async fn reverse_declaration_order(log: Log) {
    let _a = Noisy::new(&log, "a");
    tick(&log, "1").await;
    let _b = Noisy::new(&log, "b");
    tick(&log, "2").await;
    let _c = Noisy::new(&log, "c");
    tick(&log, "3").await;
    log.push("end");
}

#[test]
fn locals_drop_in_reverse_declaration_order_at_every_cancellation_point() {
    assert_equivalent(reverse_declaration_order, reverse_declaration_order_rustc);
}

#[visible_async(compiler = nested_scopes_rustc)]
async fn nested_scopes(log: Log) -> usize {
    let outer = Noisy::new(&log, "outer");
    {
        let _inner1 = Noisy::new(&log, "inner1");
        tick(&log, "in block").await;
        {
            let _innermost = Noisy::new(&log, "innermost");
            tick(&log, "in inner block").await;
        }
        log.push("left innermost");
    }
    tick(&log, "after blocks").await;
    outer.name().len()
}

#[test]
fn nested_block_scopes_drop_at_their_ends() {
    assert_equivalent(nested_scopes, nested_scopes_rustc);
}

#[visible_async(compiler = wildcard_let_rustc)]
async fn wildcard_let(log: Log) {
    let _ = Noisy::new(&log, "dropped at once");
    let _held = Noisy::new(&log, "held");
    let _ = noisy_later(&log, "awaited then dropped").await;
    tick(&log, "t").await;
    log.push("end");
}

#[test]
fn let_underscore_drops_at_once_but_named_underscore_holds() {
    assert_equivalent(wildcard_let, wildcard_let_rustc);
}

#[visible_async(compiler = reassignment_rustc)]
async fn reassignment(log: Log) -> usize {
    let mut current = Noisy::new(&log, "v0");
    for i in 1..4 {
        tick(&log, "loop").await;
        current = Noisy::new(&log, format!("v{i}"));
        log.push(format!("assigned v{i}"));
    }
    current.name().len()
}

#[test]
fn reassigning_a_local_drops_the_old_value_at_the_assignment() {
    assert_equivalent(reassignment, reassignment_rustc);
}

#[visible_async(compiler = reassign_from_await_rustc)]
async fn reassign_from_await(log: Log) -> usize {
    let mut n = Noisy::new(&log, "old");
    n = noisy_later(&log, "new").await;
    log.push("after assignment");
    tick(&log, "t").await;
    n.name().len()
}

#[test]
fn assignment_from_an_await_drops_the_old_value_after_it() {
    assert_equivalent(reassign_from_await, reassign_from_await_rustc);
}

// ----- moves ----------------------------------------------------------------------------------

#[visible_async(compiler = moved_before_await_rustc)]
async fn moved_before_await(log: Log) {
    let a = Noisy::new(&log, "a");
    let b = Noisy::new(&log, "b");
    drop(a);
    tick(&log, "t").await;
    log.push("end");
    let _ = &b;
}

#[test]
fn value_moved_before_an_await_is_not_held() {
    assert_equivalent(moved_before_await, moved_before_await_rustc);
}

#[visible_async(compiler = conditionally_moved_rustc)]
async fn conditionally_moved(log: Log, move_it: bool) {
    let a = Noisy::new(&log, "a");
    if move_it {
        drop(a);
    }
    tick(&log, "t").await;
    log.push("end");
}

#[test]
fn conditionally_moved_value_is_held_when_not_moved() {
    assert_equivalent(
        |l| conditionally_moved(l, true),
        |l| conditionally_moved_rustc(l, true),
    );
    assert_equivalent(
        |l| conditionally_moved(l, false),
        |l| conditionally_moved_rustc(l, false),
    );
}

#[visible_async(compiler = moved_in_match_arm_rustc)]
async fn moved_in_match_arm(log: Log, n: u32) {
    let a = Noisy::new(&log, "a");
    match n {
        0 => drop(a),
        _ => log.push("kept"),
    }
    tick(&log, "t").await;
    log.push("end");
}

#[test]
fn value_moved_in_one_match_arm_only() {
    assert_equivalent(
        |l| moved_in_match_arm(l, 0),
        |l| moved_in_match_arm_rustc(l, 0),
    );
    assert_equivalent(
        |l| moved_in_match_arm(l, 1),
        |l| moved_in_match_arm_rustc(l, 1),
    );
}

#[visible_async(compiler = compared_then_await_rustc)]
async fn compared_then_await(log: Log) -> bool {
    let a = Noisy::new(&log, "a");
    let same = Noisy::new(&log, "probe") == a;
    tick(&log, "t").await;
    log.push("end");
    same
}

#[test]
fn value_on_the_right_of_a_comparison_is_only_borrowed() {
    assert_equivalent(compared_then_await, compared_then_await_rustc);
}

#[visible_async(compiler = moved_into_closure_rustc)]
async fn moved_into_closure(log: Log) -> usize {
    let a = Noisy::new(&log, "a");
    let f = move || a.name().len();
    tick(&log, "t").await;
    let r = f();
    log.push("called");
    r
}

#[test]
fn value_moved_into_a_closure_lives_with_the_closure() {
    assert_equivalent(moved_into_closure, moved_into_closure_rustc);
}

#[visible_async(compiler = moved_into_async_block_rustc)]
async fn moved_into_async_block(log: Log) -> usize {
    let a = Noisy::new(&log, "a");
    let l = log.clone();
    let fut = async move {
        tick(&l, "inside block").await;
        a.name().len()
    };
    tick(&log, "before block").await;
    let r = fut.await;
    log.push("block done");
    r
}

#[test]
fn value_moved_into_an_async_block_awaited_later() {
    assert_equivalent(moved_into_async_block, moved_into_async_block_rustc);
}

#[visible_async(compiler = option_take_rustc)]
async fn option_take(log: Log) -> usize {
    let mut slot = Some(Noisy::new(&log, "slot"));
    let taken = slot.take();
    tick(&log, "t").await;
    drop(taken);
    log.push("taken dropped");
    tick(&log, "t2").await;
    usize::from(slot.is_none())
}

#[test]
fn option_take_moves_out_of_a_place() {
    assert_equivalent(option_take, option_take_rustc);
}

#[visible_async(compiler = vec_pop_rustc)]
async fn vec_pop(log: Log) -> usize {
    let mut v = vec![
        Noisy::new(&log, "v0"),
        Noisy::new(&log, "v1"),
        Noisy::new(&log, "v2"),
    ];
    let mut n = 0;
    while let Some(item) = v.pop() {
        tick(&log, item.name()).await;
        n += 1;
        if n == 2 {
            break;
        }
    }
    n
}

#[test]
fn vec_pop_in_a_loop_cancelled_mid_way() {
    assert_equivalent(vec_pop, vec_pop_rustc);
}

// ----- temporaries ----------------------------------------------------------------------------

#[visible_async(compiler = temporary_in_if_let_scrutinee_rustc)]
async fn temporary_in_if_let_scrutinee(log: Log) -> u32 {
    if let 3 = Noisy::new(&log, "temp").name().len() {
        ev(&log, "then", 1).await
    } else {
        0
    }
}

#[test]
fn temporary_in_an_if_let_scrutinee_lives_through_the_then_block() {
    assert_equivalent(
        temporary_in_if_let_scrutinee,
        temporary_in_if_let_scrutinee_rustc,
    );
}

#[visible_async(compiler = temporary_in_if_condition_rustc)]
async fn temporary_in_if_condition(log: Log) -> u32 {
    if Noisy::new(&log, "temp").name().len() == 4 {
        ev(&log, "then", 1).await
    } else {
        0
    }
}

#[test]
fn temporary_in_an_if_condition_is_dropped_before_the_branch() {
    assert_equivalent(temporary_in_if_condition, temporary_in_if_condition_rustc);
}

#[visible_async(compiler = temporary_in_while_let_rustc)]
async fn temporary_in_while_let(log: Log) -> usize {
    let mut n = 0;
    while let Some(k) = Noisy::new(&log, format!("w{n}"))
        .name()
        .len()
        .checked_sub(n)
    {
        if k == 0 {
            break;
        }
        n += ev(&log, "body", 1usize).await;
    }
    n
}

#[test]
fn temporary_in_a_while_let_scrutinee_lives_through_the_body() {
    assert_equivalent(temporary_in_while_let, temporary_in_while_let_rustc);
}

#[visible_async(compiler = temporary_in_tail_rustc)]
async fn temporary_in_tail(log: Log) -> usize {
    let _local = Noisy::new(&log, "local");
    Noisy::new(&log, "tail temp").name().len() + ev(&log, "a", 1).await
}

#[test]
fn temporary_in_the_tail_expression_around_an_await() {
    assert_equivalent(temporary_in_tail, temporary_in_tail_rustc);
}

#[visible_async(compiler = temporary_after_await_in_let_rustc)]
async fn temporary_after_await_in_let(log: Log) -> usize {
    let _before = Noisy::new(&log, "before");
    let n = ev(&log, "a", 1).await + Noisy::new(&log, "temp").name().len();
    log.push("next");
    n
}

#[test]
fn temporary_created_after_the_await_dies_at_the_end_of_the_statement() {
    assert_equivalent(
        temporary_after_await_in_let,
        temporary_after_await_in_let_rustc,
    );
}

#[visible_async(compiler = awaited_noisy_output_unused_rustc)]
async fn awaited_noisy_output_unused(log: Log) {
    noisy_later(&log, "output").await;
    log.push("next statement");
    let _kept = noisy_later(&log, "kept").await;
    log.push("end");
}

#[test]
fn unused_awaited_output_is_dropped_at_the_end_of_its_statement() {
    assert_equivalent(
        awaited_noisy_output_unused,
        awaited_noisy_output_unused_rustc,
    );
}

#[visible_async(compiler = awaited_output_method_temp_rustc)]
async fn awaited_output_method_temp(log: Log) -> usize {
    let n = noisy_later(&log, "out").await.name().len() + ev(&log, "b", 1).await;
    log.push("statement done");
    n
}

#[test]
#[ignore = "transform bug: the awaited output used as a temporary receiver (`f().await.name().len() + g().await`) is dropped before the second await, rustc holds it to the end of the statement"]
fn awaited_output_used_as_a_temporary_receiver_before_another_await() {
    assert_equivalent(awaited_output_method_temp, awaited_output_method_temp_rustc);
}

// ----- loops and cancellation -----------------------------------------------------------------

#[visible_async(compiler = loop_body_locals_rustc)]
async fn loop_body_locals(log: Log) -> u32 {
    let _outer = Noisy::new(&log, "outer");
    let mut sum = 0;
    for i in 0..3u32 {
        let _a = Noisy::new(&log, format!("a{i}"));
        sum += step(log.clone(), "s", 1, i).await;
        let _b = Noisy::new(&log, format!("b{i}"));
        sum += ev(&log, "e", 1).await;
    }
    sum
}

#[test]
fn loop_body_locals_dropped_each_iteration_and_on_cancellation() {
    assert_equivalent(loop_body_locals, loop_body_locals_rustc);
}

#[visible_async(compiler = iterator_of_noisy_rustc)]
async fn iterator_of_noisy(log: Log) -> usize {
    let mut count = 0;
    let l = log.clone();
    for n in (0..4).map(move |i| Noisy::new(&l, format!("gen{i}"))) {
        tick(&log, n.name()).await;
        count += 1;
    }
    count
}

#[test]
fn lazily_generated_noisy_items_in_a_for_loop() {
    assert_equivalent(iterator_of_noisy, iterator_of_noisy_rustc);
}

#[visible_async(compiler = vec_into_iter_partial_rustc)]
async fn vec_into_iter_partial(log: Log) -> usize {
    let v = vec![
        Noisy::new(&log, "x0"),
        Noisy::new(&log, "x1"),
        Noisy::new(&log, "x2"),
    ];
    let mut seen = 0;
    for item in v {
        seen += ev(&log, item.name(), 1).await;
        if seen == 2 {
            break;
        }
    }
    log.push("after loop");
    seen
}

#[test]
fn breaking_out_of_a_for_over_a_vec_drops_the_rest_at_the_break() {
    assert_equivalent(vec_into_iter_partial, vec_into_iter_partial_rustc);
}

#[visible_async(compiler = box_and_vec_locals_rustc)]
async fn box_and_vec_locals(log: Log) -> usize {
    let boxed = Box::new(Noisy::new(&log, "boxed"));
    let list = vec![Noisy::new(&log, "l0"), Noisy::new(&log, "l1")];
    let tuple = (Noisy::new(&log, "t0"), 5u8, Noisy::new(&log, "t1"));
    tick(&log, "t").await;
    boxed.name().len() + list.len() + usize::from(tuple.1)
}

#[test]
fn compound_locals_drop_their_contents_in_order() {
    assert_equivalent(box_and_vec_locals, box_and_vec_locals_rustc);
}

// ----- scrutinees, partial moves, panics ------------------------------------------------------

#[visible_async(compiler = awaited_scrutinee_held_through_arm_rustc)]
async fn awaited_scrutinee_held_through_arm(log: Log) -> u32 {
    let r = match noisy_later(&log, "scrutinee").await {
        ref n if n.name().len() > 100 => 0,
        _ => {
            tick(&log, "arm").await;
            1
        }
    };
    log.push("after match");
    r
}

#[test]
fn awaited_scrutinee_value_lives_to_the_end_of_the_match() {
    assert_equivalent(
        awaited_scrutinee_held_through_arm,
        awaited_scrutinee_held_through_arm_rustc,
    );
}

#[visible_async(compiler = if_let_awaited_not_moved_rustc)]
async fn if_let_awaited_not_moved(log: Log) -> u32 {
    let r = if let Some(_) = ev(&log, "opt", Some(Noisy::new(&log, "inside"))).await {
        tick(&log, "then").await;
        1
    } else {
        0
    };
    log.push("after if let");
    r
}

#[test]
fn if_let_scrutinee_not_moved_by_its_pattern_lives_through_the_then_block() {
    assert_equivalent(if_let_awaited_not_moved, if_let_awaited_not_moved_rustc);
}

#[visible_async(compiler = if_let_else_temporary_rustc)]
async fn if_let_else_temporary(log: Log) -> u32 {
    if let Some(_) = Noisy::new(&log, "temp").name().strip_prefix('x') {
        1
    } else {
        tick(&log, "else").await;
        2
    }
}

#[test]
fn if_let_scrutinee_temporary_is_dropped_before_the_else_block() {
    assert_equivalent(if_let_else_temporary, if_let_else_temporary_rustc);
}

#[visible_async(compiler = partial_destructure_rustc)]
async fn partial_destructure(log: Log) -> usize {
    let pair = (Noisy::new(&log, "left"), Noisy::new(&log, "right"));
    let (left, _) = pair;
    tick(&log, "t").await;
    log.push("end");
    left.name().len()
}

#[test]
#[ignore = "transform bug: `let (left, _) = pair;` counts as moving all of `pair`: the field left behind is dropped at the next suspension instead of at scope end"]
fn destructuring_let_that_leaves_a_field_behind() {
    assert_equivalent(partial_destructure, partial_destructure_rustc);
}

#[derive(Debug, PartialEq)]
pub struct TwoNoisy {
    first: Noisy,
    second: Noisy,
}

#[visible_async(compiler = panic_mid_struct_literal_rustc)]
async fn panic_mid_struct_literal(log: Log, fail: bool) -> TwoNoisy {
    let _guard = Noisy::new(&log, "guard");
    TwoNoisy {
        first: Noisy::new(&log, "first"),
        second: {
            tick(&log, "t").await;
            if fail {
                panic!("failed building second");
            }
            Noisy::new(&log, "second")
        },
    }
}

#[test]
fn panic_while_building_a_struct_drops_the_built_fields() {
    assert_equivalent(
        |l| panic_mid_struct_literal(l, true),
        |l| panic_mid_struct_literal_rustc(l, true),
    );
    assert_equivalent(
        |l| panic_mid_struct_literal(l, false),
        |l| panic_mid_struct_literal_rustc(l, false),
    );
}

#[visible_async(compiler = return_drops_hoisted_temps_rustc)]
async fn return_drops_hoisted_temps(log: Log, early: bool) -> u32 {
    let _g = Noisy::new(&log, "g");
    let pair = (Noisy::new(&log, "built"), {
        tick(&log, "t").await;
        if early {
            return 0;
        }
        ev(&log, "value", 5).await
    });
    pair.1
}

#[test]
fn early_return_from_inside_an_operand_drops_the_operands_built_so_far() {
    assert_equivalent(
        |l| return_drops_hoisted_temps(l, true),
        |l| return_drops_hoisted_temps_rustc(l, true),
    );
    assert_equivalent(
        |l| return_drops_hoisted_temps(l, false),
        |l| return_drops_hoisted_temps_rustc(l, false),
    );
}

#[visible_async(compiler = break_drops_hoisted_temps_rustc)]
async fn break_drops_hoisted_temps(log: Log) -> u32 {
    let mut i = 0;
    loop {
        i += 1;
        let v = (Noisy::new(&log, format!("op{i}")), {
            tick(&log, "t").await;
            if i == 2 {
                break;
            }
            if i == 1 {
                continue;
            }
            i
        });
        log.push(format!("built {}", v.1));
    }
    i
}

#[test]
fn break_and_continue_from_inside_an_operand_drop_the_operands_built_so_far() {
    assert_equivalent(break_drops_hoisted_temps, break_drops_hoisted_temps_rustc);
}

#[visible_async(compiler = return_from_for_over_noisy_rustc)]
async fn return_from_for_over_noisy(log: Log) -> usize {
    let _outer = Noisy::new(&log, "outer");
    let items = vec![
        Noisy::new(&log, "x0"),
        Noisy::new(&log, "x1"),
        Noisy::new(&log, "x2"),
    ];
    for item in items {
        tick(&log, item.name()).await;
        if item.name() == "x1" {
            return 1;
        }
    }
    0
}

#[test]
fn return_from_a_for_over_noisy_items_drops_the_rest() {
    assert_equivalent(return_from_for_over_noisy, return_from_for_over_noisy_rustc);
}

// ----- cases the transform does not compile yet (see the `ignore` reasons) ------------------

#[visible_async(compiler = consumed_by_iterator_method_rustc)]
async fn consumed_by_iterator_method(log: Log) -> usize {
    let it = vec![Noisy::new(&log, "i0"), Noisy::new(&log, "i1")].into_iter();
    let last = it.last();
    tick(&log, "t").await;
    last.map_or(0, |n| n.name().len())
}

#[test]
fn iterator_consumed_by_last_before_an_await() {
    assert_equivalent(
        consumed_by_iterator_method,
        consumed_by_iterator_method_rustc,
    );
}

#[visible_async(compiler = conditionally_initialized_rustc)]
async fn conditionally_initialized(log: Log, init: bool) {
    let maybe: Noisy;
    if init {
        maybe = Noisy::new(&log, "maybe");
    }
    tick(&log, "t").await;
    log.push("end");
}

#[test]
fn conditionally_initialized_local_is_dropped_at_scope_end_if_set() {
    assert_equivalent(
        |l| conditionally_initialized(l, true),
        |l| conditionally_initialized_rustc(l, true),
    );
    assert_equivalent(
        |l| conditionally_initialized(l, false),
        |l| conditionally_initialized_rustc(l, false),
    );
}

#[visible_async(compiler = moved_in_loop_then_reinit_rustc)]
async fn moved_in_loop_then_reinit(log: Log) {
    let mut a = Noisy::new(&log, "a0");
    for i in 1..3 {
        drop(a);
        tick(&log, "t").await;
        a = Noisy::new(&log, format!("a{i}"));
    }
    log.push("end");
}

#[test]
fn value_moved_and_reinitialized_in_a_loop() {
    assert_equivalent(moved_in_loop_then_reinit, moved_in_loop_then_reinit_rustc);
}

#[visible_async(compiler = shadowed_string_len_rustc)]
async fn shadowed_string_len(log: Log, s: String) -> usize {
    let s = s.len();
    tick(&log, "t").await;
    s
}

#[test]
fn shadowing_a_parameter_with_its_length() {
    assert_equivalent(
        |l| shadowed_string_len(l, String::from("abc")),
        |l| shadowed_string_len_rustc(l, String::from("abc")),
    );
}

#[visible_async(compiler = shadowed_alive_rustc)]
async fn shadowed_alive(log: Log) -> usize {
    let a = Noisy::new(&log, "first a");
    let a = Noisy::new(&log, format!("second a after {}", a.name().len()));
    tick(&log, "t").await;
    a.name().len()
}

#[test]
fn shadowed_value_is_still_dropped_at_scope_end() {
    assert_equivalent(shadowed_alive, shadowed_alive_rustc);
}

#[visible_async(compiler = late_init_in_loop_rustc)]
async fn late_init_in_loop(log: Log) -> u32 {
    let result;
    let mut tries = 0;
    loop {
        tries += 1;
        let v = ev(&log, "try", tries).await;
        if v > 2 {
            result = v * 10;
            break;
        }
    }
    result + tries
}

#[test]
fn local_initialized_inside_a_loop_after_an_await() {
    assert_equivalent(late_init_in_loop, late_init_in_loop_rustc);
}

macro_rules! consume {
    ($e:expr) => {
        drop($e)
    };
}

#[visible_async(compiler = declared_then_assigned_rustc)]
async fn declared_then_assigned(log: Log) -> usize {
    let late;
    let _first = Noisy::new(&log, "first");
    tick(&log, "t").await;
    late = Noisy::new(&log, "late");
    tick(&log, "t2").await;
    late.name().len()
}

#[test]
fn local_declared_before_an_await_and_assigned_after() {
    assert_equivalent(declared_then_assigned, declared_then_assigned_rustc);
}

#[cfg(any())]
mod pending {
    use super::*;

    #[visible_async(compiler = consumed_by_user_macro_rustc)]
    async fn consumed_by_user_macro(log: Log) {
        let a = Noisy::new(&log, "a");
        consume!(a);
        tick(&log, "t").await;
        log.push("end");
    }

    #[test]
    #[ignore = "transform bug: a value moved by a user macro (`consume!(a)` expanding to `drop(a)`) counts as a use: stored after the move, E0382"]
    fn value_consumed_by_a_user_macro_before_an_await() {
        assert_equivalent(consumed_by_user_macro, consumed_by_user_macro_rustc);
    }

    #[visible_async(compiler = moved_out_of_box_rustc)]
    async fn moved_out_of_box(log: Log) -> usize {
        let boxed = Box::new(Noisy::new(&log, "inside box"));
        let inner = *boxed;
        tick(&log, "t").await;
        inner.name().len()
    }

    #[test]
    #[ignore = "transform bug: moving out of a box (`let inner = *boxed;`) is not a move for the analysis (deref is a place): `boxed` is stored across the await, E0382"]
    fn value_moved_out_of_a_box_with_deref() {
        assert_equivalent(moved_out_of_box, moved_out_of_box_rustc);
    }

    #[visible_async(compiler = field_moved_out_rustc)]
    async fn field_moved_out(log: Log) -> usize {
        let pair = (Noisy::new(&log, "left"), Noisy::new(&log, "right"));
        let left = pair.0;
        tick(&log, "t").await;
        log.push("end");
        left.name().len()
    }

    #[test]
    #[ignore = "transform bug: a partial move out of a local (`let left = pair.0;`) is not a move for the analysis: `pair` is stored across the await, E0382 use of partially moved value"]
    fn partially_moved_tuple_keeps_the_rest_alive() {
        assert_equivalent(field_moved_out, field_moved_out_rustc);
    }

    #[visible_async(compiler = consumed_by_unknown_method_rustc)]
    async fn consumed_by_unknown_method(log: Log) -> usize {
        let t = Token::new(&log, "token");
        let len = t.spend();
        tick(&log, "t").await;
        len
    }

    #[test]
    #[ignore = "transform bug: a value consumed by a `self` method whose name is not in the list of consuming names (`t.spend()`) is stored across the await after the move: E0382"]
    fn value_consumed_by_a_self_method_with_an_unusual_name() {
        assert_equivalent(consumed_by_unknown_method, consumed_by_unknown_method_rustc);
    }
}

#[visible_async(compiler = shadowed_in_format_captures_rustc)]
async fn shadowed_in_format_captures(log: Log, s: String) -> usize {
    log.push(format!("before {s}"));
    let s = s.trim().to_string();
    tick(&log, "t").await;
    log.push(format!("after {s}"));
    let n = Noisy::new(&log, "n");
    let n = Noisy::new(&log, format!("{}+", n.name()));
    log.push(format!("{n:?}"));
    tick(&log, "u").await;
    s.len() + n.name().len()
}

#[test]
fn shadowed_values_used_in_format_captures_are_kept() {
    assert_equivalent(
        |l| shadowed_in_format_captures(l, " x ".to_string()),
        |l| shadowed_in_format_captures_rustc(l, " x ".to_string()),
    );
}

// ----- drop flags: values moved or assigned on one path only ------------------------------------

#[visible_async(compiler = moved_on_a_path_that_returns_rustc)]
async fn moved_on_a_path_that_returns(log: Log, leave: bool) -> u32 {
    let a = Noisy::new(&log, "a");
    let b = Noisy::new(&log, "b");
    if leave {
        drop(a);
        return 0;
    }
    tick(&log, "t").await;
    log.push("end");
    drop(b);
    1
}

#[test]
fn value_moved_on_a_path_that_returns_is_held_on_the_other() {
    for leave in [false, true] {
        assert_equivalent(
            move |l| moved_on_a_path_that_returns(l, leave),
            move |l| moved_on_a_path_that_returns_rustc(l, leave),
        );
    }
}

#[visible_async(compiler = moved_in_some_iterations_rustc)]
async fn moved_in_some_iterations(log: Log) {
    for i in 0..4 {
        let item = Noisy::new(&log, format!("item {i}"));
        if i % 2 == 0 {
            drop(item);
        }
        tick(&log, "t").await;
        log.push(format!("end of {i}"));
    }
}

#[test]
fn value_moved_in_some_iterations_only_is_equivalent() {
    assert_equivalent(moved_in_some_iterations, moved_in_some_iterations_rustc);
}

#[visible_async(compiler = moved_by_match_arm_calls_rustc)]
async fn moved_by_match_arm_calls(log: Log, which: u8, n: u64) -> u64 {
    let kept = Noisy::new(&log, "kept");
    let total = match which {
        0 => {
            drop(kept);
            n
        }
        1 => n * 2,
        _ => return n,
    };
    tick(&log, "t").await;
    // `n` is `u64`: moved in the arms or not, nothing to drop, nothing extra held.
    total + 1
}

#[test]
fn value_moved_by_one_match_arm_and_copied_scalars_are_equivalent() {
    for which in 0..3 {
        assert_equivalent(
            move |l| moved_by_match_arm_calls(l, which, 5),
            move |l| moved_by_match_arm_calls_rustc(l, which, 5),
        );
    }
}

#[visible_async(compiler = declared_then_assigned_unused_rustc)]
#[allow(clippy::needless_late_init)] // the late initialization is the subject
async fn declared_then_assigned_unused(log: Log) {
    let late;
    late = Noisy::new(&log, "late");
    tick(&log, "t").await;
    log.push("end");
}

#[test]
fn local_declared_then_assigned_and_not_used_again_lives_to_scope_end() {
    assert_equivalent(
        declared_then_assigned_unused,
        declared_then_assigned_unused_rustc,
    );
}
