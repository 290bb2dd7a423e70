//! Equivalence of `#[visible_async]` with the compiler's `async fn`: parameters, generics,
//! laziness, shadowing, panics, `async` blocks, early return.

// Test bodies are written the way users write them, not the way clippy likes them; imports
// serve the cases in `mod pending` too, which are compiled out until the transform handles them.
#![allow(
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

use common::{ev, panic_once, step, val, yield_now_then};
use core::fmt::{Debug, Display};
use core::future::Future;
use visible_async::harness::{Log, Noisy, assert_equivalent};
use visible_async::leaf::{ready_after, yield_now};
use visible_async::visible_async;

// ----- parameters ---------------------------------------------------------------------------

#[visible_async(compiler = lazy_arguments_rustc)]
async fn lazy_arguments(log: Log, a: Noisy, b: Noisy) -> usize {
    log.push("body starts");
    yield_now().await;
    log.push(format!("a={}", a.name()));
    yield_now().await;
    a.name().len() + b.name().len()
}

#[test]
fn arguments_are_moved_in_lazily_and_dropped_after_locals() {
    assert_equivalent(
        |l| lazy_arguments(l.clone(), Noisy::new(&l, "a"), Noisy::new(&l, "b")),
        |l| lazy_arguments_rustc(l.clone(), Noisy::new(&l, "a"), Noisy::new(&l, "b")),
    );
}

#[visible_async(compiler = unused_arguments_rustc)]
async fn unused_arguments(log: Log, _a: Noisy, _b: Noisy) {
    let local = Noisy::new(&log, "local");
    yield_now().await;
    log.push("end");
    let _ = &local;
}

#[test]
fn unused_arguments_live_to_the_end() {
    assert_equivalent(
        |l| unused_arguments(l.clone(), Noisy::new(&l, "a"), Noisy::new(&l, "b")),
        |l| unused_arguments_rustc(l.clone(), Noisy::new(&l, "a"), Noisy::new(&l, "b")),
    );
}

#[visible_async(compiler = mut_param_rustc)]
async fn mut_param(log: Log, mut x: u32) -> u32 {
    x += ready_after(1, 10).await;
    log.push(format!("x={x}"));
    x *= 2;
    yield_now().await;
    x -= 1;
    x
}

#[test]
fn mut_parameter_is_updated_across_awaits() {
    assert_equivalent(|l| mut_param(l, 3), |l| mut_param_rustc(l, 3));
}

#[visible_async(compiler = tuple_param_rustc)]
async fn tuple_param(log: Log, (a, b): (Noisy, Noisy)) -> usize {
    log.push("start");
    yield_now().await;
    drop(b);
    log.push("b dropped");
    yield_now().await;
    a.name().len()
}

#[test]
fn tuple_pattern_parameter_destructures_and_drops_in_order() {
    assert_equivalent(
        |l| tuple_param(l.clone(), (Noisy::new(&l, "a"), Noisy::new(&l, "b"))),
        |l| tuple_param_rustc(l.clone(), (Noisy::new(&l, "a"), Noisy::new(&l, "b"))),
    );
}

#[visible_async(compiler = wild_param_rustc)]
async fn wild_param(log: Log, _: Noisy, b: Noisy) -> usize {
    log.push("start");
    let local = Noisy::new(&log, "local");
    yield_now().await;
    drop(b);
    yield_now().await;
    log.push("end");
    local.name().len()
}

#[test]
fn wild_parameter_is_held_to_the_end() {
    assert_equivalent(
        |l| wild_param(l.clone(), Noisy::new(&l, "wild"), Noisy::new(&l, "b")),
        |l| wild_param_rustc(l.clone(), Noisy::new(&l, "wild"), Noisy::new(&l, "b")),
    );
}

#[visible_async(compiler = two_wild_params_rustc)]
async fn two_wild_params(log: Log, _: Noisy, middle: Noisy, _: Noisy) {
    yield_now().await;
    drop(middle);
    log.push("middle gone");
    yield_now().await;
}

#[test]
fn two_wild_parameters_around_a_named_one() {
    assert_equivalent(
        |l| {
            two_wild_params(
                l.clone(),
                Noisy::new(&l, "w1"),
                Noisy::new(&l, "m"),
                Noisy::new(&l, "w2"),
            )
        },
        |l| {
            two_wild_params_rustc(
                l.clone(),
                Noisy::new(&l, "w1"),
                Noisy::new(&l, "m"),
                Noisy::new(&l, "w2"),
            )
        },
    );
}

#[visible_async(compiler = partly_wild_tuple_param_rustc)]
async fn partly_wild_tuple_param(log: Log, (a, _): (Noisy, Noisy)) -> usize {
    log.push("start");
    yield_now().await;
    log.push("resumed");
    a.name().len()
}

#[test]
#[ignore = "transform bug: the `_` part of a pattern parameter `(a, _)` is dropped at the first suspension instead of at the end"]
fn wild_part_of_a_tuple_parameter_is_held_to_the_end() {
    assert_equivalent(
        |l| partly_wild_tuple_param(l.clone(), (Noisy::new(&l, "a"), Noisy::new(&l, "ignored"))),
        |l| {
            partly_wild_tuple_param_rustc(
                l.clone(),
                (Noisy::new(&l, "a"), Noisy::new(&l, "ignored")),
            )
        },
    );
}

pub struct Pair {
    left: Noisy,
    right: Noisy,
}

#[visible_async(compiler = struct_param_rustc)]
async fn struct_param(log: Log, Pair { left, right }: Pair) -> usize {
    yield_now().await;
    log.push(format!("{} {}", left.name(), right.name()));
    drop(left);
    yield_now().await;
    right.name().len()
}

#[test]
fn struct_pattern_parameter() {
    assert_equivalent(
        |l| {
            struct_param(
                l.clone(),
                Pair {
                    left: Noisy::new(&l, "left"),
                    right: Noisy::new(&l, "right"),
                },
            )
        },
        |l| {
            struct_param_rustc(
                l.clone(),
                Pair {
                    left: Noisy::new(&l, "left"),
                    right: Noisy::new(&l, "right"),
                },
            )
        },
    );
}

#[visible_async(compiler = mut_tuple_param_rustc)]
async fn mut_tuple_param(log: Log, (mut a, b): (u32, Noisy)) -> u32 {
    a += ready_after(1, 1).await;
    log.push(format!("a={a} b={}", b.name()));
    a += ready_after(2, 1).await;
    a
}

#[test]
fn mut_binding_inside_a_pattern_parameter() {
    assert_equivalent(
        |l| mut_tuple_param(l.clone(), (5, Noisy::new(&l, "b"))),
        |l| mut_tuple_param_rustc(l.clone(), (5, Noisy::new(&l, "b"))),
    );
}

// ----- generics and impl Trait ----------------------------------------------------------------

#[visible_async(compiler = generic_rustc)]
async fn generic<T: Debug + Clone, const N: usize>(log: Log, items: [T; N]) -> Vec<T> {
    let mut out = Vec::new();
    for i in 0..N {
        let item = ready_after(i, items[i].clone()).await;
        log.push(format!("{item:?}"));
        out.push(item);
    }
    out
}

#[test]
fn generic_type_and_const_parameters() {
    assert_equivalent(
        |l| generic(l, [1u8, 2, 3]),
        |l| generic_rustc(l, [1u8, 2, 3]),
    );
}

#[visible_async(compiler = impl_trait_args_rustc)]
async fn impl_trait_args(
    log: Log,
    shown: impl Display,
    f: impl Fn(u32) -> u32,
    fut: impl Future<Output = u32>,
) -> u32 {
    log.push(format!("shown {shown}"));
    let got = fut.await;
    log.push(format!("got {got}"));
    let twice = f(ready_after(1, got).await);
    f(twice)
}

#[test]
fn impl_trait_arguments_including_an_awaited_future() {
    assert_equivalent(
        |l| impl_trait_args(l.clone(), "hi", |x| x + 1, step(l, "arg fut", 2, 40)),
        |l| impl_trait_args_rustc(l.clone(), "hi", |x| x + 1, step(l, "arg fut", 2, 40)),
    );
}

#[visible_async(compiler = where_clause_rustc)]
async fn where_clause<T>(log: Log, value: T, times: usize) -> Vec<T>
where
    T: Clone + Debug + PartialEq,
{
    let mut v = Vec::new();
    while v.len() < times {
        v.push(ready_after(v.len(), value.clone()).await);
        log.push(format!("len {}", v.len()));
    }
    v
}

#[test]
fn where_clause_generic() {
    assert_equivalent(
        |l| where_clause(l, String::from("x"), 3),
        |l| where_clause_rustc(l, String::from("x"), 3),
    );
}

#[visible_async(compiler = generic_noisy_rustc)]
async fn generic_noisy<A, B>(log: Log, a: A, b: B) -> usize
where
    A: Debug,
    B: Debug,
{
    yield_now().await;
    log.push(format!("{a:?}"));
    drop(a);
    yield_now().await;
    log.push(format!("{b:?}"));
    2
}

#[test]
fn generic_parameters_drop_like_concrete_ones() {
    assert_equivalent(
        |l| generic_noisy(l.clone(), Noisy::new(&l, "a"), Noisy::new(&l, "b")),
        |l| generic_noisy_rustc(l.clone(), Noisy::new(&l, "a"), Noisy::new(&l, "b")),
    );
}

#[visible_async(compiler = dyn_trait_arg_rustc)]
async fn dyn_trait_arg(log: Log, items: Box<dyn Fn(u32) -> u32 + Send>) -> u32 {
    let a = items(ready_after(1, 2).await);
    log.push(format!("a={a}"));
    items(a) + ready_after(1, 1).await
}

#[test]
fn boxed_trait_object_argument() {
    assert_equivalent(
        |l| dyn_trait_arg(l, Box::new(|x| x * 3)),
        |l| dyn_trait_arg_rustc(l, Box::new(|x| x * 3)),
    );
}

// ----- shadowing ------------------------------------------------------------------------------

#[visible_async(compiler = shadow_moved_rustc)]
async fn shadow_moved(log: Log) -> usize {
    let x = Noisy::new(&log, "first");
    let x = (x, Noisy::new(&log, "second"));
    yield_now().await;
    log.push("resumed");
    x.1.name().len()
}

#[test]
fn shadowing_with_a_value_that_moves_the_old_one() {
    assert_equivalent(shadow_moved, shadow_moved_rustc);
}

// ----- async blocks ---------------------------------------------------------------------------

#[visible_async(compiler = async_block_later_rustc)]
async fn async_block_later(log: Log) -> u32 {
    let inner_log = log.clone();
    let fut = async move {
        inner_log.push("block runs");
        yield_now().await;
        inner_log.push("block done");
        5
    };
    log.push("block made");
    yield_now().await;
    log.push("before awaiting block");
    let v = fut.await;
    v + 1
}

#[test]
fn async_block_awaited_later() {
    assert_equivalent(async_block_later, async_block_later_rustc);
}

#[visible_async(compiler = async_block_never_awaited_rustc)]
async fn async_block_never_awaited(log: Log) -> u32 {
    let n = Noisy::new(&log, "captured");
    let fut = async move {
        let _n = n;
        1
    };
    yield_now().await;
    log.push("not awaiting it");
    let _ = &fut;
    2
}

#[test]
fn async_block_never_awaited_drops_its_capture_at_scope_end() {
    assert_equivalent(async_block_never_awaited, async_block_never_awaited_rustc);
}

#[visible_async(compiler = async_blocks_joined_rustc)]
async fn async_blocks_joined(log: Log) -> u32 {
    let l1 = log.clone();
    let l2 = log.clone();
    let a = async move { step(l1, "a", 2, 1).await };
    let b = async move { step(l2, "b", 1, 2).await };
    let b_out = b.await;
    let a_out = a.await;
    a_out * 10 + b_out
}

#[test]
fn two_async_blocks_awaited_in_reverse_order() {
    assert_equivalent(async_blocks_joined, async_blocks_joined_rustc);
}

// ----- panics ---------------------------------------------------------------------------------

#[visible_async(compiler = panic_before_await_rustc)]
async fn panic_before_await(log: Log, n: u32) -> u32 {
    let _a = Noisy::new(&log, "a");
    if n > 2 {
        panic!("too big: {n}");
    }
    yield_now().await;
    n
}

#[test]
fn panic_before_the_first_await() {
    assert_equivalent(
        |l| panic_before_await(l, 3),
        |l| panic_before_await_rustc(l, 3),
    );
}

#[visible_async(compiler = panic_after_await_rustc)]
async fn panic_after_await(log: Log, n: u32) -> u32 {
    let a = Noisy::new(&log, "a");
    let b = ready_after(1, Noisy::new(&log, "b")).await;
    log.push(a.name().to_string());
    let v = ready_after(1, n).await;
    assert!(v < 2, "assertion with {} and {}", b.name(), v);
    v
}

#[test]
fn panic_from_assert_after_awaits() {
    assert_equivalent(
        |l| panic_after_await(l, 3),
        |l| panic_after_await_rustc(l, 3),
    );
}

#[visible_async(compiler = panic_in_awaited_future_rustc)]
async fn panic_in_awaited_future(log: Log) -> u32 {
    let _a = Noisy::new(&log, "a");
    let v = panic_once("inner future panicked").await;
    log.push("after inner future");
    v
}

#[test]
fn panic_inside_the_awaited_future_poisons_the_outer_one() {
    assert_equivalent(panic_in_awaited_future, panic_in_awaited_future_rustc);
}

#[visible_async(compiler = panic_in_arithmetic_rustc)]
async fn panic_in_arithmetic(log: Log, d: u32) -> u32 {
    let _guard = Noisy::new(&log, "guard");
    let n = ready_after(1, 10u32).await;
    log.push("dividing");
    n / d
}

#[test]
fn arithmetic_panic_after_await() {
    assert_equivalent(
        |l| panic_in_arithmetic(l, 0),
        |l| panic_in_arithmetic_rustc(l, 0),
    );
}

#[visible_async(compiler = unreachable_tail_rustc)]
async fn unreachable_tail(log: Log) -> u32 {
    let _g = Noisy::new(&log, "g");
    yield_now().await;
    log.push("about to panic");
    unreachable!("tail {}", 1)
}

#[test]
fn unreachable_as_tail() {
    assert_equivalent(unreachable_tail, unreachable_tail_rustc);
}

// ----- returning ------------------------------------------------------------------------------

#[visible_async(compiler = unit_return_rustc)]
async fn unit_return(log: Log, early: bool) {
    let _a = Noisy::new(&log, "a");
    yield_now().await;
    if early {
        log.push("early");
        return;
    }
    let _b = Noisy::new(&log, "b");
    yield_now().await;
    log.push("late");
}

#[test]
fn early_unit_return() {
    assert_equivalent(|l| unit_return(l, true), |l| unit_return_rustc(l, true));
    assert_equivalent(|l| unit_return(l, false), |l| unit_return_rustc(l, false));
}

#[visible_async(compiler = return_with_await_rustc)]
async fn return_with_await(log: Log) -> u32 {
    let _a = Noisy::new(&log, "a");
    return ready_after(2, 9).await + val(&log, "rhs", 1);
}

#[test]
fn return_of_an_awaiting_expression() {
    assert_equivalent(return_with_await, return_with_await_rustc);
}

#[visible_async(compiler = returns_noisy_rustc)]
async fn returns_noisy(log: Log) -> Noisy {
    let a = Noisy::new(&log, "a");
    let b = ready_after(1, Noisy::new(&log, "b")).await;
    yield_now().await;
    if a.name() == "a" { b } else { a }
}

#[test]
fn output_value_is_moved_out_not_dropped() {
    assert_equivalent(returns_noisy, returns_noisy_rustc);
}

#[visible_async(compiler = no_await_at_all_rustc)]
async fn no_await_at_all(log: Log, a: Noisy) -> usize {
    log.push("only body");
    let b = Noisy::new(&log, "b");
    a.name().len() + b.name().len()
}

#[test]
fn body_without_await() {
    assert_equivalent(
        |l| no_await_at_all(l.clone(), Noisy::new(&l, "a")),
        |l| no_await_at_all_rustc(l.clone(), Noisy::new(&l, "a")),
    );
}

#[visible_async(compiler = many_awaits_in_sequence_rustc)]
async fn many_awaits_in_sequence(log: Log) -> u32 {
    let mut t = 0;
    t += ev(&log, "1", 1).await;
    t += ev(&log, "2", 2).await;
    t += ev(&log, "3", 3).await;
    t += ev(&log, "4", 4).await;
    t += ev(&log, "5", 5).await;
    t += ev(&log, "6", 6).await;
    t += ev(&log, "7", 7).await;
    t += ev(&log, "8", 8).await;
    t += ev(&log, "9", 9).await;
    t += ev(&log, "10", 10).await;
    t
}

#[test]
fn ten_sequential_awaits() {
    assert_equivalent(many_awaits_in_sequence, many_awaits_in_sequence_rustc);
}

#[visible_async(compiler = await_yield_now_then_rustc)]
async fn await_yield_now_then(log: Log) -> u32 {
    let n = yield_now_then(4).await;
    log.push("got");
    n
}

#[test]
fn helper_future_awaits() {
    assert_equivalent(await_yield_now_then, await_yield_now_then_rustc);
}

#[visible_async(compiler = shadow_copy_rustc)]
async fn shadow_copy(log: Log) -> u32 {
    let x = 1;
    yield_now().await;
    let x = x + ready_after(1, 10).await;
    log.push(format!("x={x}"));
    let x = x * 2;
    yield_now().await;
    x
}

#[test]
fn shadowing_a_copy_value() {
    assert_equivalent(shadow_copy, shadow_copy_rustc);
}

#[visible_async(compiler = raw_ident_param_rustc)]
async fn raw_ident_param(log: Log, r#type: u32, r#match: Noisy) -> u32 {
    yield_now().await;
    log.push(r#match.name().to_string());
    r#type + 1
}

#[test]
fn raw_identifier_parameters() {
    assert_equivalent(
        |l| raw_ident_param(l.clone(), 4, Noisy::new(&l, "m")),
        |l| raw_ident_param_rustc(l.clone(), 4, Noisy::new(&l, "m")),
    );
}

// ----- immediate futures, IntoFuture, unsafe fn -----------------------------------------------

#[visible_async(compiler = immediately_ready_rustc)]
async fn immediately_ready(log: Log) -> u32 {
    let _g = Noisy::new(&log, "g");
    let a = ready_after(0, 1).await;
    log.push("a");
    let b = async { 2 }.await + ready_after(0, 3).await;
    log.push("b");
    let c = core::future::ready(4).await;
    a + b + c
}

#[test]
fn immediately_ready_futures_take_no_extra_polls() {
    let c = assert_equivalent(immediately_ready, immediately_ready_rustc);
    assert_eq!(c.visible.run.polls, 1);
}

pub struct Later {
    log: Log,
    value: u32,
}

impl core::future::IntoFuture for Later {
    type Output = u32;
    type IntoFuture = visible_async::leaf::ReadyAfter<u32>;

    fn into_future(self) -> Self::IntoFuture {
        self.log.push(format!("into_future {}", self.value));
        ready_after(1, self.value)
    }
}

#[visible_async(compiler = await_into_future_rustc)]
async fn await_into_future(log: Log) -> u32 {
    let later = Later {
        log: log.clone(),
        value: 5,
    };
    log.push("made");
    let a = later.await;
    a + Later {
        log: log.clone(),
        value: val(&log, "field", 6),
    }
    .await
}

#[test]
fn awaiting_an_into_future_value_converts_it_at_the_await() {
    assert_equivalent(await_into_future, await_into_future_rustc);
}

#[visible_async(compiler = unsafe_async_fn_rustc)]
async unsafe fn unsafe_async_fn(log: Log, p: *const u32) -> u32 {
    yield_now().await;
    log.push("reading");
    // SAFETY: the callers pass a pointer to a live `u32`.
    unsafe { *p }
}

#[test]
fn unsafe_async_fn_matches() {
    static VALUE: u32 = 9;
    let p: *const u32 = &VALUE;
    let p = p as usize;
    // SAFETY: `p` points to a static.
    assert_equivalent(
        |l| unsafe { unsafe_async_fn(l, p as *const u32) },
        |l| unsafe { unsafe_async_fn_rustc(l, p as *const u32) },
    );
}

#[visible_async(compiler = many_awaits_in_a_loop_rustc)]
async fn many_awaits_in_a_loop(log: Log) -> u32 {
    let mut t = 0;
    for i in 0..3 {
        t += ev(&log, "a", i).await;
        t += ev(&log, "b", i).await;
        t += ev(&log, "c", i).await;
        t += ev(&log, "d", i).await;
        t += ev(&log, "e", i).await;
        t += ev(&log, "f", i).await;
    }
    t
}

#[test]
fn six_awaits_in_one_loop_body() {
    assert_equivalent(many_awaits_in_a_loop, many_awaits_in_a_loop_rustc);
}

// ----- cases the transform does not compile yet ----------------------------------------------

#[visible_async(compiler = shadow_in_block_rustc)]
async fn shadow_in_block(log: Log) -> usize {
    let x = Noisy::new(&log, "outer");
    {
        let x = Noisy::new(&log, "inner");
        yield_now().await;
        log.push(format!("inner is {}", x.name()));
    }
    yield_now().await;
    x.name().len()
}

#[test]
fn shadowing_in_an_inner_block() {
    assert_equivalent(shadow_in_block, shadow_in_block_rustc);
}
