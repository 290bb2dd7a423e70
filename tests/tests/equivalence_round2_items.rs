//! Round 2 of the equivalence cases: signatures (generics with where clauses and const
//! generics, `impl Trait` in and out, lifetimes, tuples/arrays/unit outputs, pattern
//! parameters), `unsafe` blocks, shadowing, items in the body, names that look generated, trait
//! impls, auto traits and size.

// Test bodies are written the way users write them, not the way clippy likes them; imports
// serve the cases in `mod pending` too, which are compiled out until the transform handles them.
#![allow(
    clippy::never_loop,
    clippy::drop_non_drop,
    clippy::while_let_on_iterator,
    clippy::await_holding_lock,
    unused_imports,
    dead_code,
    unused_assignments,
    unused_variables,
    unused_unsafe,
    non_snake_case,
    unused_macros,
    clippy::needless_range_loop,
    clippy::needless_return,
    clippy::let_and_return,
    clippy::single_match,
    clippy::redundant_closure_call,
    clippy::redundant_pattern_matching,
    clippy::useless_format,
    clippy::unused_unit,
    clippy::used_underscore_binding,
    clippy::needless_lifetimes,
    clippy::extra_unused_lifetimes,
    clippy::shadow_unrelated
)]

#[path = "equivalence/common.rs"]
mod common;

use core::cell::Cell;
use core::fmt::Debug;
use core::future::Future;
use core::mem::size_of_val;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use common::{ev, holding, noisy_later, tick, val};
use visible_async::auto_traits;
use visible_async::harness::{AutoTraits, Log, Noisy, assert_equivalent};
use visible_async::visible_async;

/// Asserts that both futures have the same auto traits and are `!Unpin`, and returns them.
macro_rules! same_auto_traits {
    ($visible:expr, $compiler:expr) => {{
        let visible = $visible;
        let compiler = $compiler;
        let v = auto_traits!(visible);
        let c = auto_traits!(compiler);
        assert_eq!(v, c, "auto traits differ: visible {v:?}, compiler {c:?}");
        assert!(!v.unpin, "the visible future must be !Unpin");
        v
    }};
}

macro_rules! not_larger {
    ($visible:expr, $compiler:expr) => {{
        let v = size_of_val(&$visible);
        let c = size_of_val(&$compiler);
        assert!(v <= c, "visible {v} bytes > compiler {c} bytes");
        (v, c)
    }};
}

// ----- generics -------------------------------------------------------------------------------

#[visible_async(compiler = const_generic_where_rustc)]
async fn const_generic_where<T, const N: usize>(log: Log, xs: [T; N], sep: &'static str) -> String
where
    T: AsRef<str> + Clone,
{
    let mut out = String::new();
    for (i, x) in xs.into_iter().enumerate() {
        let n = ev(&log, "n", i).await;
        out.push_str(x.as_ref());
        if n + 1 < N {
            out.push_str(sep);
        }
    }
    tick(&log, "t").await;
    format!("{out}/{N}")
}

#[test]
fn const_generic_array_and_where_clause() {
    assert_equivalent(
        |l| const_generic_where(l, ["a", "b", "c"], ","),
        |l| const_generic_where_rustc(l, ["a", "b", "c"], ","),
    );
    assert_equivalent(
        |l| const_generic_where::<String, 0>(l, [], ","),
        |l| const_generic_where_rustc::<String, 0>(l, [], ","),
    );
}

#[visible_async(compiler = generic_default_output_rustc)]
async fn generic_default_output<T: Default + Debug + Clone, U>(log: Log, u: U) -> (T, U)
where
    U: Into<u64> + Copy,
{
    let t = ev(&log, "t", T::default()).await;
    let wide: u64 = u.into();
    tick(&log, &format!("{wide} {t:?}")).await;
    (t.clone(), u)
}

#[test]
fn generic_output_built_from_default_and_a_where_bound() {
    assert_equivalent(
        |l| generic_default_output::<Vec<u8>, u32>(l, 7),
        |l| generic_default_output_rustc::<Vec<u8>, u32>(l, 7),
    );
}

#[visible_async(compiler = impl_trait_in_and_out_rustc)]
async fn impl_trait_in_and_out(
    log: Log,
    items: impl Iterator<Item = u32>,
    f: impl Fn(u32) -> u32,
    name: impl Into<String>,
) -> impl Debug + PartialEq {
    let name = name.into();
    let mut v = Vec::new();
    for x in items {
        v.push(f(ev(&log, "x", x).await));
    }
    (name, v)
}

#[test]
fn impl_trait_arguments_held_across_awaits_and_impl_trait_output() {
    assert_equivalent(
        |l| {
            let f = impl_trait_in_and_out(l, 1..4, |x| x * 2, "n");
            async move { format!("{:?}", f.await) }
        },
        |l| {
            let f = impl_trait_in_and_out_rustc(l, 1..4, |x| x * 2, "n");
            async move { format!("{:?}", f.await) }
        },
    );
}

#[visible_async(compiler = two_lifetimes_rustc)]
async fn two_lifetimes<'a, 'b: 'a>(log: Log, x: &'a str, y: &'b mut Vec<&'b str>) -> &'a str {
    tick(&log, "t").await;
    y.push(if x.len() > 2 { "long" } else { "short" });
    let pick = if ev(&log, "which", y.len()).await > 1 {
        y[0]
    } else {
        x
    };
    tick(&log, "u").await;
    pick
}

#[test]
fn two_lifetimes_and_a_mutable_reference_argument() {
    // The vector lives in an `async` block around each side (same wrapper on both).
    assert_equivalent(
        |l| async move {
            let mut v = vec!["first"];
            two_lifetimes(l, "xyz", &mut v).await.to_string()
        },
        |l| async move {
            let mut v = vec!["first"];
            two_lifetimes_rustc(l, "xyz", &mut v).await.to_string()
        },
    );
}

#[visible_async(compiler = elided_lifetimes_rustc)]
async fn elided_lifetimes(log: Log, a: &str, b: &mut Vec<u32>, c: &[u8]) -> usize {
    b.push(ev(&log, "x", a.len() as u32).await);
    tick(&log, "t").await;
    b.push(c.len() as u32);
    b.iter().sum::<u32>() as usize + a.len()
}

#[test]
fn elided_lifetimes_in_several_reference_arguments() {
    assert_equivalent(
        |l| async move { elided_lifetimes(l, "ab", &mut vec![1], b"xyz").await },
        |l| async move { elided_lifetimes_rustc(l, "ab", &mut vec![1], b"xyz").await },
    );
}

#[visible_async(compiler = tuple_array_unit_outputs_rustc)]
async fn tuple_array_unit_outputs(log: Log) -> ([u8; 3], (u32, String), (), [Noisy; 2]) {
    let a = [ev(&log, "a", 1u8).await, 2, ev(&log, "c", 3).await];
    let unit = tick(&log, "unit").await;
    (
        a,
        (ev(&log, "n", 4).await, String::from("s")),
        unit,
        [noisy_later(&log, "x").await, Noisy::new(&log, "y")],
    )
}

#[test]
fn tuple_array_unit_and_noisy_array_outputs() {
    assert_equivalent(tuple_array_unit_outputs, tuple_array_unit_outputs_rustc);
}

#[visible_async(compiler = pattern_params_rustc)]
async fn pattern_params(log: Log, &x: &u32, [a, b]: [u32; 2], mut n: Noisy) -> u32 {
    tick(&log, "t").await;
    n = noisy_later(&log, "replacement").await;
    x + a * 10 + b * 100 + n.name().len() as u32
}

#[test]
fn reference_array_and_mut_patterns_in_parameters() {
    assert_equivalent(
        |l| pattern_params(l.clone(), &1, [2, 3], Noisy::new(&l, "param")),
        |l| pattern_params_rustc(l.clone(), &1, [2, 3], Noisy::new(&l, "param")),
    );
}

// ----- generic impls and trait impls ----------------------------------------------------------

#[allow(async_fn_in_trait)]
pub trait Service {
    async fn call(log: Log, x: u32) -> u32;
}

pub struct Doubler;

impl Service for Doubler {
    #[visible_async]
    async fn call(log: Log, x: u32) -> u32 {
        let a = ev(&log, "a", x).await;
        tick(&log, "t").await;
        a * 2
    }
}

async fn doubler_by_hand(log: Log, x: u32) -> u32 {
    let a = ev(&log, "a", x).await;
    tick(&log, "t").await;
    a * 2
}

#[test]
fn async_fn_in_a_trait_impl() {
    assert_equivalent(|l| Doubler::call(l, 4), |l| doubler_by_hand(l, 4));
}

// ----- unsafe ---------------------------------------------------------------------------------

unsafe fn unsafe_add(a: u32, b: u32) -> u32 {
    a + b
}

#[visible_async(compiler = unsafe_blocks_rustc)]
async fn unsafe_blocks(log: Log) -> u32 {
    let value = 5u32;
    let ptr: *const u32 = &raw const value;
    let a = unsafe {
        let x = ev(&log, "x", 1).await;
        tick(&log, "in unsafe").await;
        unsafe_add(x, *ptr)
    };
    let b = unsafe { unsafe_add(ev(&log, "y", 2).await, ev(&log, "z", 3).await) };
    unsafe {
        tick(&log, "before the last read").await;
        log.push(format!("read {}", *ptr));
    }
    a * 10 + b
}

#[test]
fn unsafe_code_after_awaits_inside_unsafe_blocks() {
    assert_equivalent(unsafe_blocks, unsafe_blocks_rustc);
}

// ----- shadowing ------------------------------------------------------------------------------

#[visible_async(compiler = shadow_shapes_no_repeat_rustc)]
async fn shadow_shapes_no_repeat(log: Log, p: u32) -> String {
    let x = p + ev(&log, "a", 1).await;
    let s = format!("{x}");
    tick(&log, "t").await;
    let x = match ev(&log, "m", Some(s.len() + x as usize)).await {
        Some(x) if x > 3 => {
            tick(&log, "arm").await;
            x * 2
        }
        Some(x) => x,
        None => 0,
    };
    let mut out = format!("{s}|{x}");
    for x in 0..2 {
        let x = x * 10;
        tick(&log, "loop").await;
        out += &format!(",{x}");
    }
    let c = move |x: usize| format!("{x}+{s}");
    tick(&log, "end").await;
    out + &c(x)
}

#[test]
fn shadowing_in_matches_loops_and_closures_with_one_capture_per_format() {
    assert_equivalent(
        |l| shadow_shapes_no_repeat(l, 5),
        |l| shadow_shapes_no_repeat_rustc(l, 5),
    );
}

// ----- items in the body ----------------------------------------------------------------------

#[visible_async(compiler = macro_rules_redefined_rustc)]
async fn macro_rules_redefined(log: Log) -> u32 {
    macro_rules! m {
        () => {
            1
        };
    }
    let a = m!();
    tick(&log, "t").await;
    macro_rules! m {
        () => {
            2
        };
    }
    let b = m!();
    a * 10 + b
}

#[test]
#[ignore = "transform bug: `macro_rules! m` defined twice in the body (before and after an .await) are both hoisted to the top; the second definition shadows the first everywhere: output 22 instead of 12"]
fn macro_rules_redefined_after_an_await_is_textually_scoped() {
    assert_equivalent(macro_rules_redefined, macro_rules_redefined_rustc);
}

#[visible_async(compiler = generated_looking_names_no_awaitee_rustc)]
async fn generated_looking_names_no_awaitee(log: Log) -> u32 {
    let future = ev(&log, "f", 1).await;
    let __state = 2;
    let __cx = 3;
    let __output = ev(&log, "o", 4).await;
    let __tmp0 = 5;
    let __arg0 = Noisy::new(&log, "arg0");
    let state = 6;
    let cx = ev(&log, "cx", 7).await;
    tick(&log, "t").await;
    future + __state + __cx + __output + __tmp0 + state + cx + __arg0.name().len() as u32
}

#[test]
fn locals_named_like_the_generated_code_except_awaitee() {
    assert_equivalent(
        generated_looking_names_no_awaitee,
        generated_looking_names_no_awaitee_rustc,
    );
}

pub struct GeneratedLookingNames;

#[visible_async(compiler = struct_named_like_enum_rustc)]
async fn struct_named_like_enum(log: Log) -> u32 {
    struct StructNamedLikeEnum(u32);
    let s = StructNamedLikeEnum(ev(&log, "x", 1).await);
    tick(&log, "t").await;
    s.0
}

#[test]
fn a_struct_with_the_name_the_enum_would_get() {
    assert_equivalent(struct_named_like_enum, struct_named_like_enum_rustc);
}

// ----- auto traits ----------------------------------------------------------------------------

#[visible_async(compiler = mutex_guard_across_rustc)]
async fn mutex_guard_across(log: Log, m: &Mutex<u32>) -> u32 {
    let mut g = m.lock().unwrap();
    *g += ev(&log, "x", 1).await;
    *g
}

#[test]
fn mutex_guard_held_across_an_await_is_sync_but_not_send() {
    static M: Mutex<u32> = Mutex::new(1);
    let t = same_auto_traits!(
        mutex_guard_across(Log::new(), &M),
        mutex_guard_across_rustc(Log::new(), &M)
    );
    assert!(!t.send);
    assert_equivalent(
        |l| async move { mutex_guard_across(l, &Mutex::new(1)).await },
        |l| async move { mutex_guard_across_rustc(l, &Mutex::new(1)).await },
    );
}

#[visible_async(compiler = rc_deref_temp_operand_rustc)]
async fn rc_deref_temp_operand(log: Log) -> u32 {
    *Rc::new(5u32) + ev(&log, "x", 1).await
}

#[test]
fn rc_temporary_dereferenced_before_an_await_in_the_same_statement() {
    same_auto_traits!(
        rc_deref_temp_operand(Log::new()),
        rc_deref_temp_operand_rustc(Log::new())
    );
    assert_equivalent(rc_deref_temp_operand, rc_deref_temp_operand_rustc);
}

#[visible_async(compiler = rc_in_move_closure_rustc)]
async fn rc_in_move_closure(log: Log) -> u32 {
    let rc = Rc::new(3u32);
    let f = move || *rc + 1;
    tick(&log, "t").await;
    f()
}

#[test]
fn rc_captured_by_a_closure_held_across_an_await() {
    same_auto_traits!(
        rc_in_move_closure(Log::new()),
        rc_in_move_closure_rustc(Log::new())
    );
}

#[visible_async(compiler = rc_in_async_block_rustc)]
async fn rc_in_async_block(log: Log) -> u32 {
    let rc = Rc::new(3u32);
    let fut = async move { *rc };
    tick(&log, "t").await;
    fut.await
}

#[test]
fn rc_inside_an_async_block_held_across_an_await() {
    same_auto_traits!(
        rc_in_async_block(Log::new()),
        rc_in_async_block_rustc(Log::new())
    );
}

#[visible_async(compiler = cell_scope_ends_before_rustc)]
async fn cell_scope_ends_before(log: Log) -> u32 {
    let v = {
        let c = Cell::new(1u32);
        c.set(c.get() + 1);
        c.get()
    };
    tick(&log, "t").await;
    v
}

#[test]
fn cell_in_a_scope_that_ends_before_the_await() {
    let t = same_auto_traits!(
        cell_scope_ends_before(Log::new()),
        cell_scope_ends_before_rustc(Log::new())
    );
    assert!(t.send && t.sync);
}

#[visible_async(compiler = rc_in_for_iterator_rustc)]
async fn rc_in_for_iterator(log: Log) -> u32 {
    let mut t = 0;
    for r in vec![Rc::new(1u32), Rc::new(2)] {
        t += *r;
        tick(&log, "t").await;
    }
    t
}

#[test]
fn rc_items_of_a_for_loop_held_across_an_await_in_the_body() {
    same_auto_traits!(
        rc_in_for_iterator(Log::new()),
        rc_in_for_iterator_rustc(Log::new())
    );
}

#[visible_async(compiler = cell_ref_argument_rustc)]
async fn cell_ref_argument(log: Log, c: &Cell<u32>) -> u32 {
    c.set(ev(&log, "x", 1).await);
    c.get()
}

#[test]
fn shared_reference_to_a_cell_argument() {
    let cell = Cell::new(0);
    let t = same_auto_traits!(
        cell_ref_argument(Log::new(), &cell),
        cell_ref_argument_rustc(Log::new(), &cell)
    );
    assert!(!t.send);
}

// ----- size -----------------------------------------------------------------------------------

#[visible_async(compiler = big_temp_operand_rustc)]
async fn big_temp_operand(log: Log) -> u32 {
    let a = [1u8; 512].iter().map(|&b| u32::from(b)).sum::<u32>() + ev(&log, "x", 1).await;
    let b = [2u8; 512].len() as u32 + ev(&log, "y", 2).await;
    a + b
}

#[test]
#[ignore = "size (known limitation family, see equivalence_traits): a temporary without drop glue borrowed before an .await in the same statement (`[1u8; 512].iter()...sum() + x.await`) is materialized and kept across it: visible 584 bytes, compiler 80"]
fn size_with_big_temporaries_before_awaits() {
    not_larger!(
        big_temp_operand(Log::new()),
        big_temp_operand_rustc(Log::new())
    );
}

#[test]
fn big_temporaries_before_awaits_behave_the_same() {
    assert_equivalent(big_temp_operand, big_temp_operand_rustc);
}

#[visible_async(compiler = big_locals_in_loop_rustc)]
async fn big_locals_in_loop(log: Log) -> u32 {
    let mut t = 0;
    for i in 0..3u32 {
        let buf = [i as u8; 256];
        t += ev(&log, "x", u32::from(buf[0])).await;
        let other = [i as u16; 128];
        t += ev(&log, "y", u32::from(other[1])).await;
    }
    t
}

#[test]
#[ignore = "size: `ev(&log, ..).await` may borrow `log` as far as the macro can tell, so `log` gets a pinned home and its guard (16 bytes) is kept beside it: visible 96 bytes, compiler 88"]
fn size_with_big_locals_in_a_loop() {
    not_larger!(
        big_locals_in_loop(Log::new()),
        big_locals_in_loop_rustc(Log::new())
    );
}

#[test]
fn big_locals_in_a_loop_behave_the_same() {
    assert_equivalent(big_locals_in_loop, big_locals_in_loop_rustc);
}

#[visible_async(compiler = many_small_points_rustc)]
async fn many_small_points(log: Log, a: u64, b: u64) -> u64 {
    let c = ev(&log, "1", a).await;
    let d = ev(&log, "2", b).await + c;
    let e = ev(&log, "3", d).await * a;
    let f = if e > 10 { ev(&log, "4", e).await } else { b };
    f + ev(&log, "5", c).await
}

#[test]
fn size_with_many_small_suspension_points() {
    not_larger!(
        many_small_points(Log::new(), 1, 2),
        many_small_points_rustc(Log::new(), 1, 2)
    );
}

#[visible_async(compiler = held_async_block_size_rustc)]
async fn held_async_block_size(log: Log) -> usize {
    let l = log.clone();
    let fut = async move {
        let big = [7u8; 300];
        tick(&l, "inner").await;
        big.len()
    };
    tick(&log, "outer").await;
    fut.await
}

#[test]
fn size_with_a_held_async_block() {
    not_larger!(
        held_async_block_size(Log::new()),
        held_async_block_size_rustc(Log::new())
    );
    assert_equivalent(held_async_block_size, held_async_block_size_rustc);
}

// ----- more signatures ------------------------------------------------------------------------

#[visible_async(compiler = shadowed_param_rustc)]
async fn shadowed_param(log: Log, p: Noisy) -> usize {
    let p = Noisy::new(&log, format!("shadow of {}", p.name()));
    tick(&log, "t").await;
    p.name().len()
}

#[test]
fn shadowed_noisy_parameter_drops_after_the_shadowing_local() {
    assert_equivalent(
        |l| shadowed_param(l.clone(), Noisy::new(&l, "param")),
        |l| shadowed_param_rustc(l.clone(), Noisy::new(&l, "param")),
    );
}

#[visible_async(compiler = impl_output_lifetime_rustc)]
async fn impl_output_lifetime<'a>(log: Log, s: &'a str) -> impl Debug + 'a {
    tick(&log, "t").await;
    s.split(',').collect::<Vec<_>>()
}

#[test]
fn impl_trait_output_with_a_lifetime_bound() {
    assert_equivalent(
        |l| {
            let f = impl_output_lifetime(l, "a,b");
            async move { format!("{:?}", f.await) }
        },
        |l| {
            let f = impl_output_lifetime_rustc(l, "a,b");
            async move { format!("{:?}", f.await) }
        },
    );
}

#[visible_async(compiler = unsized_ref_rustc)]
async fn unsized_ref<T: ?Sized + Debug>(log: Log, t: &T) -> String {
    tick(&log, "t").await;
    format!("{t:?}")
}

#[test]
fn reference_to_an_unsized_generic_parameter() {
    assert_equivalent(
        |l| unsized_ref::<[u8]>(l, &[1, 2]),
        |l| unsized_ref_rustc::<[u8]>(l, &[1, 2]),
    );
}

#[visible_async(compiler = box_dyn_closure_rustc)]
async fn box_dyn_closure(log: Log) -> usize {
    let f: Box<dyn Fn(usize) -> usize + Send> = Box::new(|x| x * 2);
    let n = ev(&log, "x", 3).await;
    let g = move || f(n);
    tick(&log, "t").await;
    g()
}

#[test]
fn boxed_trait_object_closure_moved_into_a_closure() {
    assert_equivalent(box_dyn_closure, box_dyn_closure_rustc);
}

#[visible_async(compiler = generic_future_factory_rustc)]
async fn generic_future_factory<F, Fut>(log: Log, f: F) -> u32
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let mut t = 0;
    for i in 0..3 {
        t += f(ev(&log, "i", i).await).await;
    }
    t
}

#[test]
fn generic_future_factory_called_in_a_loop() {
    assert_equivalent(
        |l| generic_future_factory(l, |x| visible_async::leaf::ready_after(1, x * 2)),
        |l| generic_future_factory_rustc(l, |x| visible_async::leaf::ready_after(1, x * 2)),
    );
}

#[visible_async(compiler = raw_pointer_dead_before_rustc)]
async fn raw_pointer_dead_before(log: Log) -> bool {
    let p: *const u8 = core::ptr::null();
    let v = p.is_null();
    tick(&log, "t").await;
    v
}

#[test]
#[ignore = "transform bug: a raw pointer local (Copy, no drop glue, !Send) last used before the .await is kept in the SuspendN: the visible future is neither Send nor Sync, rustc's is both (contract 7)"]
fn raw_pointer_last_used_before_the_await_does_not_make_the_future_not_send() {
    let t = same_auto_traits!(
        raw_pointer_dead_before(Log::new()),
        raw_pointer_dead_before_rustc(Log::new())
    );
    assert!(t.send);
}

#[test]
fn raw_pointer_case_behaves_the_same() {
    assert_equivalent(raw_pointer_dead_before, raw_pointer_dead_before_rustc);
}

fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[visible_async(compiler = tmp_named_locals_rustc)]
async fn tmp_named_locals(log: Log) -> usize {
    let tmp0 = Noisy::new(&log, "tmp0");
    let iter0 = Noisy::new(&log, "iter0");
    let mut t = add(val(&log, "a", 1), ev(&log, "b", 2).await) as usize;
    for i in 0..2 {
        t += ev(&log, "i", i).await;
    }
    t + tmp0.name().len() + iter0.name().len()
}

#[test]
fn locals_named_like_hidden_temporaries_and_iterators() {
    assert_equivalent(tmp_named_locals, tmp_named_locals_rustc);
}

// ----- cases the transform does not compile yet (see the `ignore` reasons) ------------------

#[visible_async(compiler = cell_ref_dead_before_rustc)]
async fn cell_ref_dead_before(log: Log) -> u32 {
    let cell = Cell::new(1u32);
    let r = &cell;
    r.set(r.get() + 1);
    let v = cell.get();
    drop(cell);
    tick(&log, "t").await;
    v
}

#[test]
fn reference_to_a_cell_last_used_before_the_await() {
    let t = same_auto_traits!(
        cell_ref_dead_before(Log::new()),
        cell_ref_dead_before_rustc(Log::new())
    );
    assert!(t.send);
}

#[visible_async(compiler = dead_reference_local_rustc)]
async fn dead_reference_local(log: Log) -> usize {
    let s = String::from("a");
    let r = &s;
    log.push(r.clone());
    tick(&log, "t").await;
    s.len()
}

#[test]
fn reference_local_not_used_after_the_await() {
    assert_equivalent(dead_reference_local, dead_reference_local_rustc);
}

#[visible_async(compiler = future_param_shadowed_rustc)]
async fn future_param_shadowed(log: Log, fut: impl Future<Output = Noisy>, n: u32) -> usize {
    let n = n + ev(&log, "n", 1).await;
    let fut = fut.await;
    let n = format!("{n}-{}", fut.name());
    tick(&log, "t").await;
    n.len()
}

#[test]
fn parameters_shadowed_by_their_awaited_values() {
    assert_equivalent(
        |l| future_param_shadowed(l.clone(), noisy_later(&l, "from param"), 5),
        |l| future_param_shadowed_rustc(l.clone(), noisy_later(&l, "from param"), 5),
    );
}

#[visible_async(compiler = shadow_every_shape_rustc)]
async fn shadow_every_shape(log: Log, x: u32) -> String {
    let x = x + ev(&log, "a", 1).await;
    let s = format!("{x}");
    let x = format!("{x}{x:?}{x:>4}");
    tick(&log, "t").await;
    let x = match ev(&log, "m", Some(x.len())).await {
        Some(x) if x > 3 => {
            tick(&log, "arm").await;
            x * 2
        }
        Some(x) => x,
        None => 0,
    };
    let mut out = format!("{s}|{x}");
    for x in 0..2 {
        let x = x * 10;
        tick(&log, "loop").await;
        out += &format!(",{x}");
    }
    let c = move |x: usize| format!("{x}+{s}");
    tick(&log, "end").await;
    out + &c(x)
}

#[test]
fn shadowing_in_params_matches_loops_closures_and_format_captures() {
    assert_equivalent(
        |l| shadow_every_shape(l, 5),
        |l| shadow_every_shape_rustc(l, 5),
    );
}

#[visible_async(compiler = camel_clash_rustc)]
async fn camel_clash(log: Log) -> usize {
    let a = Noisy::new(&log, "a");
    let a_ = Noisy::new(&log, "a_");
    let a1 = Noisy::new(&log, "a1");
    tick(&log, "t").await;
    a.name().len() + a_.name().len() + a1.name().len()
}

#[test]
fn locals_whose_camel_case_type_parameter_names_collide() {
    assert_equivalent(camel_clash, camel_clash_rustc);
}

#[visible_async(compiler = generated_looking_names_rustc)]
async fn generated_looking_names(log: Log) -> u32 {
    let future = ev(&log, "f", 1).await;
    let __state = 2;
    let __cx = 3;
    let __output = ev(&log, "o", 4).await;
    let __tmp0 = 5;
    let __awaitee = Noisy::new(&log, "awaitee");
    let state = 6;
    let cx = ev(&log, "cx", 7).await;
    tick(&log, "t").await;
    future + __state + __cx + __output + __tmp0 + state + cx + __awaitee.name().len() as u32
}

#[test]
fn locals_named_like_the_generated_code() {
    assert_equivalent(generated_looking_names, generated_looking_names_rustc);
}

pub struct Holder<T> {
    value: T,
    label: String,
}

impl<T: Clone + Debug> Holder<T> {
    #[visible_async(compiler = make_rustc)]
    async fn make(log: Log, value: T) -> Self {
        let label = format!("{:?}", ev(&log, "v", value.clone()).await);
        tick(&log, "t").await;
        Self { value, label }
    }
}

impl<T: Clone + Debug> PartialEq for Holder<T> {
    fn eq(&self, other: &Self) -> bool {
        self.label == other.label
    }
}

impl<T: Clone + Debug> Debug for Holder<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.label)
    }
}

#[test]
fn associated_function_of_a_generic_impl_returning_self() {
    let c = assert_equivalent(
        |l| Holder::<u32>::make(l, 5),
        |l| Holder::<u32>::make_rustc(l, 5),
    );
    let _ = c;
}

#[cfg(any())]
mod pending {
    use super::*;

    #[visible_async(compiler = same_item_name_in_two_blocks_rustc)]
    async fn same_item_name_in_two_blocks(log: Log) -> u32 {
        let a = {
            fn helper() -> u32 {
                1
            }
            const K: u32 = 10;
            tick(&log, "a").await;
            helper() + K
        };
        let b = {
            fn helper() -> u32 {
                2
            }
            const K: u32 = 20;
            tick(&log, "b").await;
            helper() + K
        };
        a * 100 + b
    }

    #[test]
    #[ignore = "transform bug: items of blocks with .awaits are hoisted to the function's top: `fn helper`/`const K` declared in two different blocks collide, E0428 defined multiple times"]
    fn items_with_the_same_name_in_two_blocks() {
        assert_equivalent(
            same_item_name_in_two_blocks,
            same_item_name_in_two_blocks_rustc,
        );
    }

    #[visible_async(compiler = inner_item_shadows_outer_rustc)]
    async fn inner_item_shadows_outer(log: Log) -> u32 {
        fn value() -> u32 {
            1
        }
        let outer = value();
        let inner = {
            fn value() -> u32 {
                2
            }
            tick(&log, "t").await;
            value()
        };
        tick(&log, "u").await;
        outer * 10 + inner + value()
    }

    #[test]
    #[ignore = "transform bug: an inner block's `fn value` (block with an .await) is hoisted next to the body's own `fn value`: E0428, although rustc accepts the inner item shadowing the outer one"]
    fn item_in_an_inner_block_shadows_one_of_the_body() {
        assert_equivalent(inner_item_shadows_outer, inner_item_shadows_outer_rustc);
    }

    #[visible_async(compiler = shadow_alive_format_capture_rustc)]
    async fn shadow_alive_format_capture(log: Log) -> String {
        let v = Noisy::new(&log, "first");
        let v = (v, noisy_later(&log, "second").await);
        tick(&log, "t").await;
        let w = format!("{v:?}");
        let v = v.1;
        tick(&log, "u").await;
        format!("{w} {v:?} {}", v.name())
    }

    #[test]
    #[ignore = "transform bug (known partial-move family): `let v = v.1;` moves one field of a tuple local; the old `v` is still stored across the next .await: E0382 use of partially moved value"]
    fn shadowing_that_moves_the_old_value_into_the_new_one() {
        assert_equivalent(
            shadow_alive_format_capture,
            shadow_alive_format_capture_rustc,
        );
    }

    #[visible_async(compiler = never_returns_rustc)]
    async fn never_returns(log: Log) -> ! {
        tick(&log, "t").await;
        panic!("never returns")
    }

    #[test]
    #[ignore = "transform bug: `async fn f() -> !` compiles with rustc, but the visible signature spells `impl Future<Output = !>`: E0658 the `!` type is experimental"]
    fn never_type_output() {
        assert_equivalent(never_returns, never_returns_rustc);
    }
}
