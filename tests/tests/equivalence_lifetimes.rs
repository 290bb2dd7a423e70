//! Equivalence when a value held across an `.await` borrows from two arguments at once
//! (issue 10, item 1): its lifetime is none of the arguments', and the returned `impl Future`
//! names it through a lifetime they all outlive (E0700 before).

#![allow(clippy::needless_lifetimes)]

#[path = "equivalence/ambient.rs"]
mod ambient;

use ambient::{note, pend, val, with};
use visible_async::harness::assert_equivalent;
use visible_async::visible_async;

#[visible_async(compiler = pick_rustc)]
async fn pick(a: &u8, b: &u8) -> u8 {
    let r = if *a > *b { a } else { b };
    pend(1).await;
    *r
}

/// One lifetime for both arguments, as in `write_all(out, buf)` helpers.
async fn write_all<'a>(out: &'a mut Vec<u8>, buf: &'a [u8]) {
    pend(1).await;
    out.extend_from_slice(buf);
}

#[visible_async(compiler = write_line_rustc)]
async fn write_line(out: &mut Vec<u8>, line: &str) -> usize {
    write_all(out, line.as_bytes()).await;
    write_all(out, b"\n").await;
    note(format!("wrote {}", out.len()));
    out.len()
}

#[visible_async(compiler = longest_named_rustc)]
async fn longest_named<'x, 'y>(x: &'x str, y: &'y str, f: impl Fn(&str) -> usize) -> usize {
    let longer = if x.len() >= y.len() { x } else { y };
    let n = val(1, f(longer)).await;
    n + longer.len()
}

#[test]
fn a_value_borrowing_from_either_of_two_arguments_is_held() {
    // (Constants: promoted to `'static`, so each factory call can lend them.)
    assert_equivalent(
        |l| with(l, || pick(&1, &2)),
        |l| with(l, || pick_rustc(&1, &2)),
    );
    assert_equivalent(
        |l| with(l, || pick(&5, &3)),
        |l| with(l, || pick_rustc(&5, &3)),
    );
}

#[test]
fn a_callee_future_with_one_lifetime_for_two_arguments_is_held() {
    assert_equivalent(
        |l| with(l, || async { write_line(&mut Vec::new(), "line").await }),
        |l| {
            with(l, || async {
                write_line_rustc(&mut Vec::new(), "line").await
            })
        },
    );
}

#[test]
fn named_lifetimes_and_an_fn_argument_with_its_own_elided_lifetime() {
    assert_equivalent(
        |l| with(l, || longest_named("abc", "de", str::len)),
        |l| with(l, || longest_named_rustc("abc", "de", str::len)),
    );
}

#[visible_async(compiler = either_generic_rustc)]
async fn either_generic<T: PartialOrd + Copy + core::fmt::Debug, const N: usize>(
    a: &[T; N],
    b: &[T; N],
) -> T {
    let r = if a[0] > b[0] { a } else { b };
    pend(1).await;
    r[N - 1]
}

#[test]
fn argument_lifetimes_are_named_before_type_and_const_parameters() {
    assert_equivalent(
        |l| with(l, || either_generic(&[1, 2], &[3, 4])),
        |l| with(l, || either_generic_rustc(&[1, 2], &[3, 4])),
    );
}
