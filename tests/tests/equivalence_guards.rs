//! Equivalence of `#[visible_async]` with the compiler's `async fn` for `.await` inside
//! `match` guards: the scrutinee stays in a pinned home while the guard is suspended, and the
//! resumed `match` binds the arm's pattern again.

#![allow(
    clippy::match_same_arms,
    clippy::needless_range_loop,
    clippy::ptr_arg,
    unused_variables
)]

#[path = "equivalence/common.rs"]
mod common;

use common::{ev, measure, over};
use visible_async::harness::{Log, Noisy, assert_equivalent};
use visible_async::visible_async;

#[visible_async(compiler = copy_binding_rustc)]
async fn copy_binding(log: Log, x: Option<u32>) -> u32 {
    match x {
        None => 0,
        Some(n) if over(&log, n, 2).await => n * 10,
        Some(n) => n,
    }
}

#[test]
fn guard_with_a_copied_binding_is_equivalent() {
    for x in [None, Some(1), Some(5)] {
        assert_equivalent(
            move |log| copy_binding(log, x),
            move |log| copy_binding_rustc(log, x),
        );
    }
}

#[visible_async(compiler = borrowed_binding_rustc)]
async fn borrowed_binding(log: Log, v: Option<String>) -> usize {
    let tail = Noisy::new(&log, "tail");
    match v {
        Some(ref s) if measure(&log, s).await > 3 => s.len() * 100,
        Some(ref s) if measure(&log, s).await > 1 => s.len() * 10,
        Some(_) => 1,
        None => 0,
    }
}

#[test]
fn guard_whose_future_borrows_the_scrutinee_is_equivalent() {
    for v in [None, Some("a"), Some("abc"), Some("abcde")] {
        let v = v.map(String::from);
        let w = v.clone();
        assert_equivalent(
            move |log| borrowed_binding(log, v.clone()),
            move |log| borrowed_binding_rustc(log, w.clone()),
        );
    }
}

#[visible_async(compiler = by_value_binding_borrowed_rustc)]
async fn by_value_binding_borrowed(log: Log, words: Vec<String>) -> usize {
    let mut total = 0;
    for i in 0..words.len() {
        total += match words[i] {
            ref w if w.is_empty() => 0,
            ref w if measure(&log, w).await == 2 => 2,
            _ => 1,
        };
    }
    total
}

#[test]
fn guard_on_an_element_in_a_loop_is_equivalent() {
    let words = || vec![String::new(), "ab".into(), "abc".into(), "xy".into()];
    assert_equivalent(
        move |log| by_value_binding_borrowed(log, words()),
        move |log| by_value_binding_borrowed_rustc(log, words()),
    );
}

struct Request {
    id: u32,
    body: Option<String>,
}

#[visible_async(compiler = field_scrutinee_rustc)]
async fn field_scrutinee(log: Log, request: Request) -> String {
    let label = match request.body {
        Some(ref text) if measure(&log, text).await > 2 => format!("long {}", request.id),
        Some(ref text) => format!("short {text}"),
        None => String::from("empty"),
    };
    log.push(label.clone());
    label
}

#[test]
fn guard_on_a_field_of_a_local_is_equivalent() {
    for body in [None, Some("ab"), Some("abcd")] {
        let make = move || Request {
            id: 7,
            body: body.map(String::from),
        };
        assert_equivalent(
            move |log| field_scrutinee(log, make()),
            move |log| field_scrutinee_rustc(log, make()),
        );
    }
}

fn zero(_: &Noisy) -> u32 {
    0
}

#[visible_async(compiler = guard_temporaries_rustc)]
async fn guard_temporaries(log: Log, x: u32) -> u32 {
    let kept = Noisy::new(&log, "kept");
    let out = match x {
        n if over(&log, n + zero(&Noisy::new(&log, "guard temporary")), 1).await => {
            log.push("arm one");
            n + ev(&log, "in arm", 1).await
        }
        n if ev(&log, "second guard", n % 2 == 0).await => n,
        _ => 99,
    };
    log.push(format!("after {out}"));
    out
}

#[test]
fn guard_temporaries_and_awaits_in_arms_are_equivalent() {
    for x in [0, 1, 2, 3] {
        assert_equivalent(
            move |log| guard_temporaries(log, x),
            move |log| guard_temporaries_rustc(log, x),
        );
    }
}

#[visible_async(compiler = guard_kept_local_rustc)]
async fn guard_kept_local(log: Log, x: (u32, u32)) -> u32 {
    match x {
        (a, b)
            if {
                let note = Noisy::new(&log, "note");
                let first = over(&log, a, b).await;
                log.push(format!("first {first}"));
                first && over(&log, b, 0).await
            } =>
        {
            a - b
        }
        (a, b) => a + b,
    }
}

#[test]
fn guard_with_locals_kept_across_its_awaits_is_equivalent() {
    for x in [(1, 2), (3, 0), (5, 2)] {
        assert_equivalent(
            move |log| guard_kept_local(log, x),
            move |log| guard_kept_local_rustc(log, x),
        );
    }
}

#[visible_async(compiler = guard_returns_early_rustc)]
async fn guard_returns_early(log: Log, x: Option<u32>) -> Result<u32, String> {
    let value = match x {
        Some(n)
            if ev(
                &log,
                "check",
                if n == 0 {
                    Err("zero".to_string())
                } else {
                    Ok(n > 3)
                },
            )
            .await? =>
        {
            n
        }
        Some(n) => return Ok(n + 100),
        None => 0,
    };
    Ok(value)
}

#[test]
fn guard_with_question_mark_and_return_is_equivalent() {
    for x in [None, Some(0), Some(2), Some(9)] {
        assert_equivalent(
            move |log| guard_returns_early(log, x),
            move |log| guard_returns_early_rustc(log, x),
        );
    }
}

// An arm whose body makes a closure or an `async` block, in a `match` whose guard awaits: the
// resumed `match` runs the arms again, so the body is written once, after a join point the
// arm passes through (two copies of an `async` block would be two types). Found refused by
// the generator. Bodies of arms before, at and after the awaiting guard; by-reference and
// copied bindings; a body that is not a block.
#[visible_async(compiler = closures_in_arms_of_an_awaiting_guard_rustc)]
async fn closures_in_arms_of_an_awaiting_guard(log: Log, x: Option<u32>) -> u32 {
    let label = Noisy::new(&log, "label");
    let r = match x {
        Some(0) => async move { 100 }.await,
        Some(k) if ev(&log, "guard", k > 2).await => {
            let tag = Noisy::new(&log, "tag");
            let n = async move { k + 1 }.await;
            ev(&log, "body", n).await + tag.name().len() as u32
        }
        Some(k) => {
            let scale = move |y: u32| y * k;
            scale(ev(&log, "scaled", 2).await)
        }
        None => async { 7 }.await,
    };
    r + label.name().len() as u32
}

#[test]
fn closures_and_async_blocks_in_arms_of_a_match_whose_guard_awaits() {
    for x in [None, Some(0), Some(1), Some(3)] {
        assert_equivalent(
            |l| closures_in_arms_of_an_awaiting_guard(l, x),
            |l| closures_in_arms_of_an_awaiting_guard_rustc(l, x),
        );
    }
}

#[path = "equivalence/ambient.rs"]
mod ambient;

// Found by the generator (seed 7; the second case of issue 9, item 12): a guard that awaits,
// on an arm whose body makes an `async` block and keeps the arm's binding in a pinned home.
// The binding is bound again when the `match` resumes, so the guard's state does not hold it;
// it held the bare value where the state has the home's guard (E0308, "expected
// `HomeGuard<_>`").
mod homed_binding_of_an_awaiting_guard {
    use super::ambient::{D, note, val, with};
    use visible_async::harness::assert_equivalent;
    use visible_async::visible_async;

    #[visible_async(compiler = arm_with_an_async_block_after_an_awaiting_guard_rustc)]
    async fn arm_with_an_async_block_after_an_awaiting_guard(v: Vec<u32>, pass: bool) -> usize {
        let d = D::new("d");
        match v.first().copied() {
            Some(_n) if val(1, pass).await => {
                note(format!("{}", async move { val(1, 1).await }.await));
                d.len()
            }
            _ => 2,
        }
    }

    #[test]
    fn the_guard_does_not_hold_the_binding() {
        for pass in [false, true] {
            assert_equivalent(
                |l| {
                    with(l, || {
                        arm_with_an_async_block_after_an_awaiting_guard(vec![1], pass)
                    })
                },
                |l| {
                    with(l, || {
                        arm_with_an_async_block_after_an_awaiting_guard_rustc(vec![1], pass)
                    })
                },
            );
        }
    }
}

// Found by the generator (seed 7): a scrutinee that is a path but not a local (a unit variant
// with generics, a constant) is read again as written when a suspended guard resumes, and a
// field of a parenthesized struct literal is bound first, like any value (both were refused
// with an error about computed indexes).
const LIMIT: u32 = 3;

struct Holder {
    /// Dropped at the end of the `match`, which the log shows.
    #[allow(dead_code)]
    noisy: Noisy,
    n: u32,
}

#[visible_async(compiler = guard_on_paths_and_literals_rustc)]
async fn guard_on_paths_and_literals(log: Log, k: u32) -> u32 {
    let a = match None::<u32> {
        Some(0) => 1,
        Some(n) if ev(&log, "none", n > 1).await => n,
        _ => 2,
    };
    let b = match LIMIT {
        0 => 0,
        n if ev(&log, "limit", n > k).await => n,
        n => n + 10,
    };
    let c = match (Holder {
        noisy: Noisy::new(&log, "held"),
        n: k,
    })
    .n
    {
        0 => 0,
        n if ev(&log, "field", n > 1).await => n * 2,
        n => n,
    };
    a + b + c
}

#[test]
fn guards_awaiting_on_paths_and_struct_literal_fields() {
    for k in [0, 1, 5] {
        assert_equivalent(
            |log| guard_on_paths_and_literals(log, k),
            |log| guard_on_paths_and_literals_rustc(log, k),
        );
    }
}

// Found by the generator (seed 1 and seed 11; refused before): a guard that awaits on an
// element at a computed index. The `match` reads its scrutinee again when the guard resumes,
// so the index is computed once, first, and kept (its temporaries live to the end of the
// `match`, as the scrutinee's do); indexes are computed base first.
mod computed_index_under_an_awaiting_guard {
    use super::ambient::{D, note, val, with};
    use visible_async::harness::assert_equivalent;
    use visible_async::visible_async;

    fn at(name: &'static str, i: usize) -> usize {
        note(format!("index {name}"));
        i
    }

    #[visible_async(compiler = element_at_a_computed_index_rustc)]
    async fn element_at_a_computed_index(v: Vec<u32>, i: usize) -> u32 {
        match v[at("i", i) + 1] {
            n if val(1, n > 2).await => n,
            n if val(1, n > 1).await => n + 10,
            _ => 0,
        }
    }

    #[visible_async(compiler = index_with_a_temporary_rustc)]
    async fn index_with_a_temporary(v: Vec<u32>) -> u32 {
        let n = match v[D::new("t").len() % 2] {
            n if val(1, n > 2).await => n,
            _ => 0,
        };
        note("after");
        n
    }

    #[visible_async(compiler = nested_computed_indexes_rustc)]
    async fn nested_computed_indexes(m: Vec<Vec<u32>>) -> u32 {
        match m[at("row", 1)][at("column", 0)] {
            n if val(1, n > 0).await => n,
            _ => 0,
        }
    }

    #[test]
    fn a_computed_index_is_computed_once_before_the_guard() {
        for i in 0..2 {
            assert_equivalent(
                |l| with(l, || element_at_a_computed_index(vec![1, 2, 3], i)),
                |l| with(l, || element_at_a_computed_index_rustc(vec![1, 2, 3], i)),
            );
        }
        assert_equivalent(
            |l| with(l, || index_with_a_temporary(vec![1, 5])),
            |l| with(l, || index_with_a_temporary_rustc(vec![1, 5])),
        );
        assert_equivalent(
            |l| with(l, || nested_computed_indexes(vec![vec![1], vec![4, 2]])),
            |l| {
                with(l, || {
                    nested_computed_indexes_rustc(vec![vec![1], vec![4, 2]])
                })
            },
        );
    }
}

// rustc itself gets this shape wrong (1.95.0 stable and 1.97 nightly): a by-value binding,
// with a guard that awaits, of an element indexed by the builtin operator reads another
// element after the guard resumes, or out of bounds (a segfault with a local index). The
// generator found it (seed 1, 2021-1/g92); the compiler's future is no reference here, so the
// visible one is checked against the value the code means.
mod rustc_miscompiles_an_indexed_guard_binding {
    use super::ambient::{val, with};
    use visible_async::block_on;
    use visible_async::harness::Log;
    use visible_async::visible_async;

    #[visible_async]
    async fn element_of_a_local_array(p: u32) -> u32 {
        let a = [8_u32, 13, p];
        let i = 2;
        match a[i] {
            n if val(1, true).await => n,
            _ => 0,
        }
    }

    #[visible_async]
    async fn element_of_an_array_value(p: u32) -> u32 {
        match [8_u32, val(1, 13_u32).await, p][14 % 3] {
            n if val(1, n > 1).await => n,
            _ => 0,
        }
    }

    #[test]
    fn the_visible_future_reads_the_element_the_code_names() {
        assert_eq!(
            with(Log::new(), || block_on(element_of_a_local_array(3))),
            3
        );
        assert_eq!(
            with(Log::new(), || block_on(element_of_an_array_value(3))),
            3
        );
    }
}
