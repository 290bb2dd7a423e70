//! Equivalence of parameters with the compiler's `async fn`: no parameters at all, patterns
//! (`ref`, `ref mut`, tuples, `_`), and the order rustc drops them in: after the body's
//! locals, in reverse parameter order, with what a pattern leaves behind (`_`) dropped in its
//! parameter's turn, also when the future is cancelled.
//!
//! The functions log through an ambient log (`equivalence/ambient.rs`), not a parameter.

#![allow(
    clippy::needless_pass_by_value,
    clippy::unused_async,
    clippy::toplevel_ref_arg
)]

#[path = "equivalence/ambient.rs"]
mod ambient;

use ambient::{D, lv, note, pend, val, with};
use visible_async::harness::assert_equivalent;
use visible_async::visible_async;

// ----- no parameters ---------------------------------------------------------------------

#[visible_async(compiler = nothing_rustc)]
async fn nothing() {}

#[visible_async(compiler = one_rustc)]
async fn one() -> u32 {
    1
}

#[visible_async(compiler = no_parameters_awaiting_rustc)]
async fn no_parameters_awaiting() -> u32 {
    val(2, 40).await + 2
}

#[test]
fn no_parameters_and_no_await() {
    assert_equivalent(|l| with(l, nothing), |l| with(l, nothing_rustc));
    let comparison = assert_equivalent(|l| with(l, one), |l| with(l, one_rustc));
    assert_eq!(comparison.visible.run.output, Ok(1));
    assert_eq!(comparison.visible.run.polls, 1);
}

#[test]
fn no_parameters_with_an_await() {
    assert_equivalent(
        |l| with(l, no_parameters_awaiting),
        |l| with(l, no_parameters_awaiting_rustc),
    );
}

// ----- ref and ref mut -------------------------------------------------------------------

#[visible_async(compiler = ref_mut_string_rustc)]
async fn ref_mut_string(ref mut x: String) -> String {
    x.push('!');
    pend(1).await;
    x.push('?');
    x.clone()
}

#[visible_async(compiler = ref_mut_no_await_rustc)]
async fn ref_mut_no_await(ref mut x: String) {
    x.push('!');
    note(x.clone());
}

#[visible_async(compiler = ref_binding_rustc)]
async fn ref_binding(ref x: D, y: D) -> usize {
    pend(1).await;
    note("body");
    x.len() + y.len()
}

#[test]
fn ref_mut_parameter_is_mutated_in_place() {
    let comparison = assert_equivalent(
        |l| with(l, || ref_mut_string("a".into())),
        |l| with(l, || ref_mut_string_rustc("a".into())),
    );
    assert_eq!(comparison.visible.run.output, Ok("a!?".to_string()));
    assert_equivalent(
        |l| with(l, || ref_mut_no_await("b".into())),
        |l| with(l, || ref_mut_no_await_rustc("b".into())),
    );
}

#[test]
fn ref_parameter_borrows_the_argument_across_an_await() {
    assert_equivalent(
        |l| with(l, || ref_binding(D("x"), D("y"))),
        |l| with(l, || ref_binding_rustc(D("x"), D("y"))),
    );
}

// ----- drop order of destructured parameters ----------------------------------------------

#[visible_async(compiler = destructured_no_await_rustc)]
async fn destructured_no_await(x: D, (a, _b): (D, D), y: D) {
    let _ = (&x, &a, &y);
}

#[visible_async(compiler = destructured_awaiting_rustc)]
async fn destructured_awaiting(x: D, (a, _b): (D, D), y: D) -> usize {
    let local = D::new("local");
    pend(1).await;
    note("body");
    x.len() + a.len() + y.len() + local.len()
}

#[test]
fn destructured_parameters_drop_in_reverse_parameter_order() {
    let args = || (D("x"), (D("a"), D("b")), D("y"));
    let comparison = assert_equivalent(
        |l| {
            with(l, || {
                let (x, ab, y) = args();
                destructured_no_await(x, ab, y)
            })
        },
        |l| {
            with(l, || {
                let (x, ab, y) = args();
                destructured_no_await_rustc(x, ab, y)
            })
        },
    );
    assert_eq!(
        comparison.compiler.run.log,
        ["drop y", "drop b", "drop a", "drop x"]
    );
    assert_equivalent(
        |l| {
            with(l, || {
                let (x, ab, y) = args();
                destructured_awaiting(x, ab, y)
            })
        },
        |l| {
            with(l, || {
                let (x, ab, y) = args();
                destructured_awaiting_rustc(x, ab, y)
            })
        },
    );
}

#[visible_async(compiler = wild_part_rustc)]
async fn wild_part((x, _): (D, D)) -> usize {
    pend(1).await;
    note("body");
    x.len()
}

#[visible_async(compiler = wild_parts_around_rustc)]
async fn wild_parts_around(first: D, (_, middle, _): (D, D, D), last: D) -> usize {
    pend(1).await;
    drop(middle);
    note("middle gone");
    pend(1).await;
    first.len() + last.len()
}

#[visible_async(compiler = nested_wild_rustc)]
async fn nested_wild(((a, _), _): ((D, D), D)) -> usize {
    pend(2).await;
    a.len()
}

#[test]
fn the_wild_part_of_a_parameter_is_kept_to_the_end() {
    let comparison = assert_equivalent(
        |l| with(l, || wild_part((D("x"), D("u")))),
        |l| with(l, || wild_part_rustc((D("x"), D("u")))),
    );
    assert_eq!(
        comparison.compiler.run.log,
        ["ready pend", "body", "drop x", "drop u"]
    );
    assert_equivalent(
        |l| {
            with(l, || {
                wild_parts_around(D("f"), (D("w1"), D("m"), D("w2")), D("l"))
            })
        },
        |l| {
            with(l, || {
                wild_parts_around_rustc(D("f"), (D("w1"), D("m"), D("w2")), D("l"))
            })
        },
    );
    assert_equivalent(
        |l| with(l, || nested_wild(((D("a"), D("b")), D("c")))),
        |l| with(l, || nested_wild_rustc(((D("a"), D("b")), D("c")))),
    );
}

#[visible_async(compiler = wild_whole_rustc)]
async fn wild_whole(_: D, kept: D, _: D) -> usize {
    pend(1).await;
    drop(kept);
    note("kept gone");
    pend(1).await;
    0
}

#[test]
fn wild_parameters_are_held_in_their_turn() {
    assert_equivalent(
        |l| with(l, || wild_whole(D("w1"), D("k"), D("w2"))),
        |l| with(l, || wild_whole_rustc(D("w1"), D("k"), D("w2"))),
    );
}

#[visible_async(compiler = plain_parameter_partly_moved_rustc)]
async fn plain_parameter_partly_moved(before: D, pair: (D, D), after: D) -> usize {
    let (q, _) = pair;
    pend(1).await;
    note("body");
    q.len() + before.len() + after.len()
}

#[test]
fn a_plain_parameter_partly_moved_keeps_its_rest_in_its_turn() {
    assert_equivalent(
        |l| {
            with(l, || {
                plain_parameter_partly_moved(D("b"), (D("q"), D("r")), D("a"))
            })
        },
        |l| {
            with(l, || {
                plain_parameter_partly_moved_rustc(D("b"), (D("q"), D("r")), D("a"))
            })
        },
    );
}

#[visible_async(compiler = mut_and_pattern_rustc)]
async fn mut_and_pattern(mut n: u32, (a, b): (u32, u32), mut s: String) -> String {
    n += a;
    pend(1).await;
    n += b;
    s.push_str(&n.to_string());
    s
}

#[test]
fn mut_parameters_beside_patterns() {
    assert_equivalent(
        |l| with(l, || mut_and_pattern(1, (2, 3), "n=".into())),
        |l| with(l, || mut_and_pattern_rustc(1, (2, 3), "n=".into())),
    );
}

// Found by the generator: with the body's only `.await` in a macro's arguments, the part a
// pattern parameter leaves (`_` in `(n, _)`) was dropped at that `.await`.
#[visible_async(compiler = left_part_with_the_await_in_a_macro_rustc)]
async fn left_part_with_the_await_in_a_macro((n, _): (u32, D), tail: D) -> usize {
    let mut v = vec![n.wrapping_sub(lv("in vec!", 1, n).await)];
    v.push(1);
    v.len() + tail.len()
}

#[test]
fn the_left_part_of_a_parameter_with_the_await_in_a_macro() {
    assert_equivalent(
        |l| {
            with(l, || {
                left_part_with_the_await_in_a_macro((3, D::new("left")), D::new("tail"))
            })
        },
        |l| {
            with(l, || {
                left_part_with_the_await_in_a_macro_rustc((3, D::new("left")), D::new("tail"))
            })
        },
    );
}

// Found by the generator (seed 7): a pattern parameter whose first part lives in a pinned home
// (borrowed across an `.await`): its guard was declared after the pattern's other bindings,
// so it dropped first, when the future returned early or was cancelled.
#[visible_async(compiler = pattern_parameter_with_a_homed_part_rustc)]
async fn pattern_parameter_with_a_homed_part((a, b): (D, D), c: D, early: bool) -> usize {
    let r = a.by_ref();
    if early {
        return c.len();
    }
    pend(1).await;
    r.len() + b.len()
}

#[test]
fn a_pattern_parameter_with_a_homed_part_drops_in_the_patterns_order() {
    for early in [false, true] {
        assert_equivalent(
            |l| {
                with(l, || {
                    pattern_parameter_with_a_homed_part(
                        (D::new("a"), D::new("b")),
                        D::new("c"),
                        early,
                    )
                })
            },
            |l| {
                with(l, || {
                    pattern_parameter_with_a_homed_part_rustc(
                        (D::new("a"), D::new("b")),
                        D::new("c"),
                        early,
                    )
                })
            },
        );
    }
}
