//! Round 3 of the equivalence cases: unusual syntax and cancellation. `loop { break v }` as
//! operands, `if let .. else if let ..` chains awaiting in every branch, `match` in `match`, blocks
//! as operands, ranges/casts/unary operators on awaited values, `x.await?.y.await?`, labels and
//! label shadowing, `Box<dyn Fn>` held across awaits, `impl Trait` returns, many parameters with
//! patterns, and many `Noisy` values at different depths dropped mid-way.

// Test bodies are written the way users write them, not the way clippy likes them; imports
// serve the cases in `mod pending` too, which are compiled out until the transform handles them.
#![allow(
    clippy::never_loop,
    clippy::useless_vec,
    clippy::while_let_on_iterator,
    clippy::await_holding_lock,
    unused_imports,
    dead_code,
    unused_assignments,
    unused_variables,
    irrefutable_let_patterns,
    clippy::needless_range_loop,
    clippy::needless_return,
    clippy::assign_op_pattern,
    clippy::useless_format,
    clippy::let_and_return,
    clippy::single_match,
    clippy::redundant_closure_call,
    clippy::redundant_pattern_matching,
    clippy::collapsible_else_if,
    clippy::collapsible_if,
    clippy::collapsible_match,
    clippy::nonminimal_bool,
    clippy::while_let_loop,
    clippy::manual_flatten,
    clippy::too_many_arguments,
    clippy::type_complexity,
    clippy::unnecessary_cast,
    double_negations,
    clippy::neg_multiply,
    clippy::bool_comparison,
    clippy::blocks_in_conditions,
    clippy::precedence,
    clippy::identity_op,
    clippy::map_identity,
    clippy::manual_map,
    clippy::option_map_unit_fn,
    clippy::unit_arg,
    clippy::match_single_binding,
    clippy::single_element_loop,
    clippy::almost_swapped,
    clippy::manual_range_contains,
    clippy::int_plus_one,
    clippy::uninlined_format_args,
    clippy::large_enum_variant,
    clippy::manual_unwrap_or,
    clippy::manual_unwrap_or_default,
    clippy::question_mark,
    clippy::needless_question_mark,
    clippy::erasing_op,
    clippy::unnecessary_fold
)]

#[path = "equivalence/common.rs"]
mod common;

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;

use common::{BigError, SmallError, check_small, ev, holding, noisy_later, step, tick, val};
use visible_async::harness::{Log, Noisy, assert_equivalent};
use visible_async::visible_async;

fn noisies(log: &Log, prefix: &str, n: usize) -> Vec<Noisy> {
    (0..n)
        .map(|i| Noisy::new(log, format!("{prefix}{i}")))
        .collect()
}

// ----- loops and blocks as operands --------------------------------------------------------------

#[visible_async(compiler = loop_break_operands_rustc)]
async fn loop_break_operands(log: Log) -> u32 {
    let mut i = 0;
    let a = loop {
        i += 1;
        if ev(&log, "a", i).await > 2 {
            break i;
        }
    } + loop {
        break ev(&log, "b", 10).await;
    } * {
        let t = ev(&log, "c", 2).await;
        t + 1
    };
    a
}

#[test]
fn loop_break_values_as_binary_operands() {
    assert_equivalent(loop_break_operands, loop_break_operands_rustc);
}

#[visible_async(compiler = block_operands_rustc)]
async fn block_operands(log: Log) -> i64 {
    let r = {
        let a = ev(&log, "x", 3i64).await;
        a + 1
    } * { ev(&log, "y", 5i64).await }
        - {
            let _n = Noisy::new(&log, "in block");
            tick(&log, "t").await;
            2
        };
    r
}

#[test]
fn block_expressions_as_operands() {
    assert_equivalent(block_operands, block_operands_rustc);
}

#[visible_async(compiler = range_cast_unary_rustc)]
async fn range_cast_unary(log: Log) -> (Vec<u64>, i32, bool, u8, i64) {
    let r: Vec<u64> = (ev(&log, "lo", 2u64).await..ev(&log, "hi", 5u64).await).collect();
    let neg = -ev(&log, "neg", 7i32).await;
    let not = !ev(&log, "flag", false).await;
    let cast = ev(&log, "big", 300u32).await as u8;
    let mixed = -(ev(&log, "m", 3u8).await as i64) * !ev(&log, "bits", 0i64).await;
    (r, neg, not, cast, mixed)
}

#[test]
fn ranges_casts_and_unary_operators_on_awaited_values() {
    assert_equivalent(range_cast_unary, range_cast_unary_rustc);
}

#[visible_async(compiler = inclusive_range_loop_rustc)]
async fn inclusive_range_loop(log: Log) -> u32 {
    let mut s = 0;
    for i in ev(&log, "lo", 1u32).await..=ev(&log, "hi", 3u32).await {
        s += i * ev(&log, "mul", 2).await;
    }
    for j in (0..ev(&log, "n", 4u32).await).rev().step_by(2) {
        s += j;
        tick(&log, "j").await;
    }
    s
}

#[test]
fn range_bounds_awaited_as_loop_iterators() {
    assert_equivalent(inclusive_range_loop, inclusive_range_loop_rustc);
}

struct Conn {
    log: Log,
}

impl Conn {
    fn fetch(&self, n: u32) -> common::Ev<Result<Row, BigError>> {
        ev(
            &self.log,
            "fetch",
            if n < 5 {
                Ok(Row {
                    log: self.log.clone(),
                    id: n,
                })
            } else {
                Err(BigError("no row".into()))
            },
        )
    }
}

struct Row {
    log: Log,
    id: u32,
}

impl Row {
    fn load(self) -> common::Ev<Result<u32, SmallError>> {
        ev(
            &self.log,
            "load",
            if self.id < 3 {
                Ok(self.id * 7)
            } else {
                Err(SmallError(self.id))
            },
        )
    }
}

#[visible_async(compiler = chained_await_question_rustc)]
async fn chained_await_question(log: Log, n: u32) -> Result<u32, BigError> {
    let conn = Conn { log: log.clone() };
    let v = conn.fetch(n).await?.load().await?;
    Ok(v + 1)
}

#[test]
fn await_question_method_await_question_chain() {
    for n in [1, 4, 6] {
        assert_equivalent(
            |l| chained_await_question(l, n),
            |l| chained_await_question_rustc(l, n),
        );
    }
}

#[visible_async(compiler = future_of_future_rustc)]
async fn future_of_future(log: Log) -> u32 {
    let l = log.clone();
    let inner = ev(&log, "outer", ev(&l, "inner", 5)).await.await;
    inner + ev(&log, "x", ev(&log, "y", 1)).await.await
}

#[test]
fn await_await_on_a_future_yielding_a_future() {
    assert_equivalent(future_of_future, future_of_future_rustc);
}

// ----- if let / else if let chains -------------------------------------------------------------

#[visible_async(compiler = if_let_chain_rustc)]
async fn if_let_chain(log: Log, a: Option<u32>, b: Result<u32, u32>, c: Option<Noisy>) -> u32 {
    if let Some(x) = ev(&log, "a", a).await {
        x + ev(&log, "then a", 1).await
    } else if let Ok(y) = ev(&log, "b", b).await {
        tick(&log, "then b").await;
        y * 10
    } else if let Some(n) = c {
        let l = noisy_later(&log, "then c").await;
        (n.name().len() + l.name().len()) as u32
    } else {
        ev(&log, "else", 999).await
    }
}

#[test]
fn if_let_else_if_let_chain_awaiting_in_every_branch() {
    assert_equivalent(
        |l| if_let_chain(l, Some(1), Ok(2), None),
        |l| if_let_chain_rustc(l, Some(1), Ok(2), None),
    );
    assert_equivalent(
        |l| if_let_chain(l, None, Ok(2), None),
        |l| if_let_chain_rustc(l, None, Ok(2), None),
    );
    assert_equivalent(
        |l| if_let_chain(l.clone(), None, Err(2), Some(Noisy::new(&l, "c"))),
        |l| if_let_chain_rustc(l.clone(), None, Err(2), Some(Noisy::new(&l, "c"))),
    );
    assert_equivalent(
        |l| if_let_chain(l, None, Err(2), None),
        |l| if_let_chain_rustc(l, None, Err(2), None),
    );
}

#[visible_async(compiler = match_in_match_rustc)]
async fn match_in_match(log: Log, a: u8, b: Option<u8>) -> String {
    match ev(&log, "outer", a).await {
        0 => match b {
            Some(0) => "zero zero".to_string(),
            Some(k) => match ev(&log, "inner", k).await {
                1 => {
                    tick(&log, "one").await;
                    "one".into()
                }
                other => format!("k{}", other + ev(&log, "deep", 1).await),
            },
            None => ev(&log, "none", "none".to_string()).await,
        },
        1 | 2 => {
            let n = Noisy::new(&log, "mid");
            match (ev(&log, "pair", b).await, n.name().len()) {
                (Some(x), l) if x as usize == l => "eq".into(),
                (_, l) => format!("{l}"),
            }
        }
        _ => String::new(),
    }
}

#[test]
fn match_nested_in_match_with_awaits_in_scrutinees_and_arms() {
    for (a, b) in [
        (0, Some(0)),
        (0, Some(1)),
        (0, Some(5)),
        (0, None),
        (1, Some(3)),
        (2, None),
        (9, None),
    ] {
        assert_equivalent(
            |l| match_in_match(l, a, b),
            |l| match_in_match_rustc(l, a, b),
        );
    }
}

// ----- labels --------------------------------------------------------------------------------

#[visible_async(compiler = label_shadowing_rustc)]
async fn label_shadowing(log: Log) -> u32 {
    let mut total = 0;
    'a: for i in 0..3u32 {
        let _o = Noisy::new(&log, format!("o{i}"));
        let x = 'b: {
            if ev(&log, "blk", i).await == 1 {
                break 'b 100;
            }
            'c: loop {
                tick(&log, "c").await;
                if i == 2 {
                    break 'a;
                }
                break 'c;
            }
            i
        };
        total += x;
    }
    // The same label names again, in a later loop.
    'a: loop {
        'b: while total < 200 {
            total += ev(&log, "w", 50).await;
            if total > 150 {
                break 'a;
            }
            continue 'b;
        }
        break;
    }
    total
}

#[test]
fn labels_reused_and_labeled_blocks_with_awaits() {
    assert_equivalent(label_shadowing, label_shadowing_rustc);
}

#[visible_async(compiler = labeled_block_value_chain_rustc)]
async fn labeled_block_value_chain(log: Log, k: u32) -> u32 {
    let v = 'outer: {
        let _a = Noisy::new(&log, "a");
        let inner = 'inner: {
            let _b = Noisy::new(&log, "b");
            if ev(&log, "k", k).await == 0 {
                break 'outer 0;
            }
            if k == 1 {
                break 'inner noisy_later(&log, "tmp").await.name().len() as u32;
            }
            tick(&log, "end inner").await;
            k
        };
        inner * ev(&log, "mul", 3).await
    };
    v + 1
}

#[test]
fn labeled_blocks_breaking_outward_with_values() {
    for k in 0..3 {
        assert_equivalent(
            |l| labeled_block_value_chain(l, k),
            |l| labeled_block_value_chain_rustc(l, k),
        );
    }
}

// ----- trait objects and impl Trait ------------------------------------------------------------

#[visible_async(compiler = boxed_fn_across_rustc)]
async fn boxed_fn_across(log: Log) -> Vec<u32> {
    let n = Noisy::new(&log, "captured");
    let f: Box<dyn Fn(u32) -> u32> = Box::new(move |x| x + n.name().len() as u32);
    let mut ops: Vec<Box<dyn FnMut(u32) -> u32>> = Vec::new();
    let mut counter = 0;
    ops.push(Box::new(move |x| {
        counter += 1;
        x * counter
    }));
    ops.push(Box::new(|x| x + 1000));
    let mut out = vec![];
    for i in 0..3 {
        let v = f(ev(&log, "arg", i).await);
        for op in ops.iter_mut() {
            out.push(op(v));
        }
        tick(&log, "round").await;
    }
    out
}

#[test]
fn boxed_dyn_fn_and_fnmut_held_across_awaits() {
    assert_equivalent(boxed_fn_across, boxed_fn_across_rustc);
}

fn make_adder(log: &Log, k: u32) -> impl Fn(u32) -> u32 + use<> {
    let n = Noisy::new(log, format!("adder {k}"));
    move |x| x + k + n.name().len() as u32 * 0
}

#[visible_async(compiler = impl_fn_across_rustc)]
async fn impl_fn_across(log: Log) -> u32 {
    let add1 = make_adder(&log, 1);
    let add2 = make_adder(&log, 2);
    let a = add1(ev(&log, "a", 10).await);
    drop(add1);
    let b = add2(ev(&log, "b", 20).await);
    a + b
}

#[test]
fn impl_fn_values_held_and_dropped_across_awaits() {
    assert_equivalent(impl_fn_across, impl_fn_across_rustc);
}

#[visible_async(compiler = returns_iter_rustc)]
async fn returns_iter(log: Log, n: u32) -> std::vec::IntoIter<u32> {
    let mut v = Vec::new();
    for i in 0..n {
        v.push(ev(&log, "i", i).await);
    }
    v.into_iter()
}

#[test]
fn returns_an_iterator_value() {
    assert_equivalent(
        |l| async move { returns_iter(l, 3).await.collect::<Vec<_>>() },
        |l| async move { returns_iter_rustc(l, 3).await.collect::<Vec<_>>() },
    );
}

trait Shape {
    fn area(&self) -> u32;
}
struct Sq(u32, Noisy);
impl Shape for Sq {
    fn area(&self) -> u32 {
        self.0 * self.0
    }
}

#[visible_async(compiler = dyn_shapes_rustc)]
async fn dyn_shapes(log: Log, shapes: Vec<Box<dyn Shape>>) -> u32 {
    let mut total = 0;
    for s in shapes {
        total += s.area() * ev(&log, "w", 2).await;
    }
    total
}

#[test]
fn vec_of_box_dyn_trait_consumed_in_a_loop() {
    let mk = |l: &Log| -> Vec<Box<dyn Shape>> {
        vec![
            Box::new(Sq(2, Noisy::new(l, "sq2"))),
            Box::new(Sq(3, Noisy::new(l, "sq3"))),
        ]
    };
    assert_equivalent(
        |l| dyn_shapes(l.clone(), mk(&l)),
        |l| dyn_shapes_rustc(l.clone(), mk(&l)),
    );
}

// ----- many parameters with patterns -------------------------------------------------------------

struct Pt {
    x: i32,
    y: i32,
}

#[visible_async(compiler = many_params_rustc)]
async fn many_params(
    log: Log,
    (a, b): (u32, u32),
    Pt { x, y: why }: Pt,
    [first, .., last]: [u8; 4],
    mut n: Noisy,
    _: Noisy,
    _unused: Noisy,
    (ref_name, _ignored): (String, Noisy),
    flag: bool,
    opt: Option<Noisy>,
) -> String {
    let s = ev(&log, "sum", a + b).await;
    n = noisy_later(&log, "replacement n").await;
    if flag {
        tick(&log, "flag").await;
    }
    let o = opt.map(|o| o.name().to_string()).unwrap_or_default();
    format!("{s} {x} {why} {first} {last} {} {ref_name} {o}", n.name())
}

fn call_many<F: Future<Output = String>>(
    l: Log,
    flag: bool,
    f: impl Fn(
        Log,
        (u32, u32),
        Pt,
        [u8; 4],
        Noisy,
        Noisy,
        Noisy,
        (String, Noisy),
        bool,
        Option<Noisy>,
    ) -> F,
) -> F {
    f(
        l.clone(),
        (1, 2),
        Pt { x: -3, y: 4 },
        [5, 6, 7, 8],
        Noisy::new(&l, "n"),
        Noisy::new(&l, "underscore"),
        Noisy::new(&l, "_unused"),
        ("name".into(), Noisy::new(&l, "ignored in tuple")),
        flag,
        Some(Noisy::new(&l, "opt")),
    )
}

#[test]
fn ten_parameters_with_tuple_struct_slice_and_wildcard_patterns() {
    for flag in [false, true] {
        assert_equivalent(
            |l| call_many(l, flag, many_params),
            |l| call_many(l, flag, many_params_rustc),
        );
    }
}

// ----- cancellation-heavy ------------------------------------------------------------------------

#[visible_async(compiler = noisy_at_every_depth_rustc)]
async fn noisy_at_every_depth(log: Log, _p: Noisy) -> usize {
    let _a = Noisy::new(&log, "a");
    let b = noisy_later(&log, "b").await;
    let mut total = b.name().len();
    {
        let _c = Noisy::new(&log, "c");
        let v = vec![Noisy::new(&log, "v0"), Noisy::new(&log, "v1")];
        tick(&log, "c1").await;
        for (i, item) in v.into_iter().enumerate() {
            let _d = Noisy::new(&log, format!("d{i}"));
            let tmp = (
                Noisy::new(&log, format!("t{i}")),
                noisy_later(&log, &format!("e{i}")).await,
            );
            total += item.name().len() + tmp.1.name().len();
            if i == 0 {
                let _f = Noisy::new(&log, "f");
                tick(&log, "inner").await;
                continue;
            }
            drop(tmp);
            tick(&log, "after drop").await;
        }
        let _g = Noisy::new(&log, "g");
        tick(&log, "c2").await;
    }
    let (h, _i) = (Noisy::new(&log, "h"), noisy_later(&log, "i").await);
    tick(&log, "tail").await;
    drop(b);
    tick(&log, "after b").await;
    total + h.name().len()
}

#[test]
fn noisy_values_at_every_depth_cancelled_at_every_await() {
    assert_equivalent(
        |l| noisy_at_every_depth(l.clone(), Noisy::new(&l, "param")),
        |l| noisy_at_every_depth_rustc(l.clone(), Noisy::new(&l, "param")),
    );
}

#[visible_async(compiler = noisy_temporaries_in_exprs_rustc)]
async fn noisy_temporaries_in_exprs(log: Log) -> usize {
    let x = Noisy::new(&log, "tmp a").name().len() + noisy_later(&log, "b").await.name().len();
    let y = [
        Noisy::new(&log, "arr0"),
        noisy_later(&log, "arr1").await,
        Noisy::new(&log, "arr2"),
    ]
    .len();
    let z = (
        Noisy::new(&log, "tup0"),
        (noisy_later(&log, "tup1").await, Noisy::new(&log, "tup2")),
    )
        .1
        .0
        .name()
        .len();
    x + y + z
}

#[test]
fn noisy_temporaries_in_arrays_and_tuples_around_awaits() {
    assert_equivalent(noisy_temporaries_in_exprs, noisy_temporaries_in_exprs_rustc);
}

#[visible_async(compiler = shadowed_noisy_rustc)]
async fn shadowed_noisy(log: Log) -> String {
    let n = Noisy::new(&log, "n1");
    let n = (n, noisy_later(&log, "n2").await);
    let n = {
        tick(&log, "t").await;
        let (a, b) = n;
        drop(a);
        b
    };
    let n = noisy_later(&log, &format!("{}-3", n.name())).await;
    tick(&log, "end").await;
    n.name().to_string()
}

#[test]
fn shadowed_noisy_bindings_all_alive_until_scope_end() {
    assert_equivalent(shadowed_noisy, shadowed_noisy_rustc);
}

#[visible_async(compiler = option_take_replace_rustc)]
async fn option_take_replace(log: Log) -> usize {
    let mut slot: Option<Noisy> = Some(Noisy::new(&log, "first"));
    let mut seen = 0;
    for i in 0..3 {
        let old = slot.replace(noisy_later(&log, &format!("gen{i}")).await);
        seen += old.map(|o| o.name().len()).unwrap_or(0);
        if i == 1 {
            let taken = slot.take();
            tick(&log, "taken").await;
            drop(taken);
        }
    }
    seen + slot.map_or(0, |s| s.name().len())
}

#[test]
fn option_replace_and_take_of_noisy_across_awaits() {
    assert_equivalent(option_take_replace, option_take_replace_rustc);
}

#[visible_async(compiler = panic_mid_loop_rustc)]
async fn panic_mid_loop(log: Log) -> u32 {
    let _outer = Noisy::new(&log, "outer");
    let mut acc = 0;
    for i in 0..4 {
        let _inner = Noisy::new(&log, format!("inner {i}"));
        acc += ev(&log, "i", i).await;
        if acc > 2 {
            let _p = Noisy::new(&log, "p");
            panic!("acc too big: {acc}");
        }
    }
    acc
}

#[test]
fn panic_in_a_loop_drops_every_level_then_poisons() {
    assert_equivalent(panic_mid_loop, panic_mid_loop_rustc);
}

// ----- misc shapes -------------------------------------------------------------------------------

#[visible_async(compiler = compound_assign_places_rustc)]
async fn compound_assign_places(log: Log) -> (Vec<u32>, [i32; 3], (u8, u8)) {
    let mut v = vec![1, 2, 3];
    let mut arr = [10, 20, 30];
    let mut t = (1u8, 2u8);
    v[ev(&log, "idx", 1).await] += ev(&log, "rhs", 5).await;
    arr[2] -= ev(&log, "sub", 7).await;
    t.1 <<= ev(&log, "shift", 2).await;
    let i = 0;
    v[i] *= ev(&log, "mul", 4).await + v[i];
    (v, arr, t)
}

#[test]
fn compound_assignment_on_indexed_and_field_places() {
    assert_equivalent(compound_assign_places, compound_assign_places_rustc);
}

#[visible_async(compiler = index_plus_await_rustc)]
async fn index_plus_await(log: Log, v: Vec<u32>) -> u32 {
    let a = v[0] + ev(&log, "a", 1).await;
    let b = v[v.len() - 1] * ev(&log, "b", 2).await + v[1];
    let c = v.iter().sum::<u32>() - ev(&log, "c", 3).await;
    a + b + c
}

#[test]
fn indexing_copies_left_operands_before_awaits() {
    assert_equivalent(
        |l| index_plus_await(l, vec![5, 6, 7]),
        |l| index_plus_await_rustc(l, vec![5, 6, 7]),
    );
}

#[visible_async(compiler = struct_update_rustc)]
async fn struct_update(log: Log) -> (u32, u32, String) {
    #[derive(Clone)]
    struct Cfg {
        a: u32,
        b: u32,
        name: String,
    }
    let base = Cfg {
        a: 1,
        b: 2,
        name: "base".into(),
    };
    let c = Cfg {
        b: ev(&log, "b", 20).await,
        name: ev(&log, "n", "x".to_string()).await,
        ..base.clone()
    };
    let d = Cfg {
        a: c.a + ev(&log, "a", 100).await,
        ..base
    };
    (c.a + d.a, c.b + d.b, c.name + &d.name)
}

#[test]
fn struct_update_syntax_with_awaited_fields() {
    assert_equivalent(struct_update, struct_update_rustc);
}

#[visible_async(compiler = tuple_index_method_chain_rustc)]
async fn tuple_index_method_chain(log: Log) -> usize {
    let a = ev(&log, "t", (1u32, "ab".to_string())).await.1.len();
    let b = ev(&log, "v", vec![3u32, 4])
        .await
        .into_iter()
        .map(|x| x as usize)
        .sum::<usize>();
    let c = ev(&log, "s", "hello")
        .await
        .chars()
        .rev()
        .collect::<String>()
        .len();
    a + b + c
}

#[test]
fn field_and_method_chains_on_awaited_values() {
    assert_equivalent(tuple_index_method_chain, tuple_index_method_chain_rustc);
}

#[visible_async(compiler = while_let_pop_push_rustc)]
async fn while_let_pop_push(log: Log) -> Vec<u32> {
    let mut stack = vec![1u32];
    let mut out = vec![];
    while let Some(top) = stack.pop() {
        out.push(top);
        if top < 20 {
            stack.push(ev(&log, "l", top * 2).await);
            stack.push(ev(&log, "r", top * 3).await);
        }
    }
    out
}

#[test]
fn while_let_stack_worklist_with_awaits() {
    assert_equivalent(while_let_pop_push, while_let_pop_push_rustc);
}

#[visible_async(compiler = let_else_chain_rustc)]
async fn let_else_chain(log: Log, input: Vec<Option<Result<u32, String>>>) -> Result<u32, String> {
    let mut sum = 0;
    for item in input {
        let Some(r) = item else {
            tick(&log, "skip").await;
            continue;
        };
        let Ok(v) = ev(&log, "r", r).await else {
            return Err(ev(&log, "err", "bad".to_string()).await);
        };
        sum += v;
    }
    Ok(sum)
}

#[test]
fn let_else_with_continue_and_return_in_else_branches() {
    assert_equivalent(
        |l| let_else_chain(l, vec![Some(Ok(1)), None, Some(Ok(2))]),
        |l| let_else_chain_rustc(l, vec![Some(Ok(1)), None, Some(Ok(2))]),
    );
    assert_equivalent(
        |l| let_else_chain(l, vec![Some(Ok(1)), Some(Err("x".into())), Some(Ok(2))]),
        |l| let_else_chain_rustc(l, vec![Some(Ok(1)), Some(Err("x".into())), Some(Ok(2))]),
    );
}

#[visible_async(compiler = closures_between_awaits_rustc)]
async fn closures_between_awaits(log: Log) -> u32 {
    let double = |x: u32| x * 2;
    let a = double(ev(&log, "a", 3).await);
    let add = move |y: u32| y + a;
    let b = add(ev(&log, "b", 4).await);
    let c = (|z: u32| z + 1)(ev(&log, "c", 5).await);
    double(a) + b + c
}

#[test]
fn non_capturing_and_move_closures_called_with_awaited_args() {
    assert_equivalent(closures_between_awaits, closures_between_awaits_rustc);
}

#[visible_async(compiler = matches_and_macros_rustc)]
async fn matches_and_macros(log: Log) -> (bool, Vec<u32>, String) {
    let m = matches!(ev(&log, "m", Some(3)).await, Some(x) if x > 2);
    let v = vec![ev(&log, "v0", 1).await, 2, ev(&log, "v2", 3).await];
    let s = format!("{}-{}", ev(&log, "f0", 'a').await, v.len());
    assert_eq!(v.len(), 3);
    (m, v, s)
}

#[test]
fn awaits_inside_matches_vec_and_format_macros() {
    assert_equivalent(matches_and_macros, matches_and_macros_rustc);
}

#[visible_async(compiler = question_in_operand_rustc)]
async fn question_in_operand(log: Log, a: u32, b: u32) -> Result<u32, BigError> {
    let _n = Noisy::new(&log, "n");
    let r = check_small(a, 10).await? * 2 + check_small(b, 10).await? + {
        let _m = Noisy::new(&log, "m");
        check_small(a + b, 15).await?
    };
    Ok(r)
}

#[test]
fn question_marks_in_several_operands() {
    for (a, b) in [(1, 2), (11, 2), (1, 12), (8, 9)] {
        assert_equivalent(
            |l| question_in_operand(l, a, b),
            |l| question_in_operand_rustc(l, a, b),
        );
    }
}

// ----- more shapes -------------------------------------------------------------------------------

#[derive(Debug, PartialEq)]
struct Wrapper(u32);

impl Wrapper {
    fn new(v: u32) -> Self {
        Wrapper(v + 1000)
    }
}

#[visible_async(compiler = ctor_in_tail_and_let_rustc)]
async fn ctor_in_tail_and_let(log: Log) -> (Wrapper, Option<Wrapper>) {
    let a = Wrapper(ev(&log, "a", 1).await);
    let b = Some(Wrapper(ev(&log, "b", 2).await));
    (a, b)
}

#[test]
fn tuple_struct_constructors_with_awaited_args_in_straight_line_code() {
    assert_equivalent(ctor_in_tail_and_let, ctor_in_tail_and_let_rustc);
}

#[visible_async(compiler = returns_impl_iterator_rustc)]
async fn returns_impl_iterator(log: Log, n: u32) -> impl Iterator<Item = u32> {
    let k = ev(&log, "k", n).await;
    (0..k).map(|x| x * 2)
}

#[test]
fn async_fn_returning_impl_iterator() {
    assert_equivalent(
        |l| async move { returns_impl_iterator(l, 3).await.collect::<Vec<_>>() },
        |l| async move { returns_impl_iterator_rustc(l, 3).await.collect::<Vec<_>>() },
    );
}

#[visible_async(compiler = generic_display_rustc)]
async fn generic_display<T: std::fmt::Display, F: Fn(&T) -> String>(
    log: Log,
    items: Vec<T>,
    f: F,
) -> String {
    let mut s = String::new();
    for it in items {
        let shown = f(&it);
        s += &ev(&log, "show", shown).await;
        s.push_str(&it.to_string());
    }
    s
}

#[test]
fn generic_items_and_a_closure_parameter() {
    assert_equivalent(
        |l| generic_display(l, vec![1, 2], |x: &i32| format!("<{x}>")),
        |l| generic_display_rustc(l, vec![1, 2], |x: &i32| format!("<{x}>")),
    );
}

#[visible_async(compiler = array_repeat_and_slices_rustc)]
async fn array_repeat_and_slices(log: Log) -> (usize, u32) {
    let arr = [ev(&log, "fill", 3u32).await; 4];
    let n = arr[1..].len() + ev(&log, "n", 1).await;
    let m = arr.iter().fold(0, |a, b| a + b) * ev(&log, "m", 2).await;
    (n, m)
}

#[test]
fn array_repeat_expression_and_slices_around_awaits() {
    assert_equivalent(array_repeat_and_slices, array_repeat_and_slices_rustc);
}

#[visible_async(compiler = nested_option_match_ctor_rustc)]
async fn nested_option_match_ctor(log: Log, k: u8) -> Result<Option<u32>, String> {
    match k {
        0 => Ok(None),
        1 => Ok(Some(ev(&log, "one", 1).await)),
        _ => Err(ev(&log, "err", "e".to_string()).await),
    }
}

#[test]
fn std_constructors_with_awaited_args_in_match_arms() {
    for k in 0..3 {
        assert_equivalent(
            |l| nested_option_match_ctor(l, k),
            |l| nested_option_match_ctor_rustc(l, k),
        );
    }
}

#[visible_async(compiler = assoc_fn_in_branch_rustc)]
async fn assoc_fn_in_branch(log: Log, c: bool) -> (Wrapper, Box<u32>) {
    let w = if c {
        Wrapper::new(ev(&log, "w", 1).await)
    } else {
        Wrapper(0)
    };
    let b = if c {
        Box::new(ev(&log, "b", 2).await)
    } else {
        Box::new(0)
    };
    (w, b)
}

#[test]
fn associated_fn_calls_with_awaited_args_in_branches() {
    for c in [false, true] {
        assert_equivalent(
            |l| assoc_fn_in_branch(l, c),
            |l| assoc_fn_in_branch_rustc(l, c),
        );
    }
}

#[visible_async(compiler = return_in_operand_rustc)]
async fn return_in_operand(log: Log, k: u32) -> u32 {
    let _n = Noisy::new(&log, "n");
    let x = ev(&log, "a", 1).await
        + if k == 0 {
            return ev(&log, "early", 99).await;
        } else {
            k
        }
        + ev(&log, "b", 2).await;
    x
}

#[test]
fn return_from_inside_a_binary_operand_after_an_await() {
    for k in [0, 5] {
        assert_equivalent(
            |l| return_in_operand(l, k),
            |l| return_in_operand_rustc(l, k),
        );
    }
}
