//! Equivalence of `#[visible_async]` with the compiler's `async fn` when values are borrowed
//! across an `.await`: the borrowed locals live in pinned homes (issue 3's cases).

#![allow(
    clippy::needless_range_loop,
    clippy::useless_vec,
    clippy::ptr_arg,
    clippy::let_and_return,
    unused_variables,
    unused_mut
)]

#[path = "equivalence/common.rs"]
mod common;

use common::{echo, tick};
use visible_async::harness::{Log, Noisy, assert_equivalent};
use visible_async::visible_async;

/// Pending once, then pushes to the buffer it borrows.
async fn fill(log: &Log, buf: &mut Vec<u8>) {
    tick(log, "fill").await;
    buf.push(buf.len() as u8);
}

/// Pending once, then reads the string it borrows.
async fn peek(log: &Log, s: &str) -> usize {
    tick(log, "peek").await;
    s.len()
}

#[visible_async(compiler = seed_self_reference_rustc)]
async fn seed_self_reference(log: Log) -> u8 {
    let x = [7u8; 1024];
    let y = &x;
    tick(&log, "wait").await;
    log.push(format!("y[0] = {}", y[0]));
    y[0]
}

#[test]
fn seed_self_reference_is_equivalent() {
    assert_equivalent(seed_self_reference, seed_self_reference_rustc);
}

#[visible_async(compiler = awaited_future_borrows_rustc)]
async fn awaited_future_borrows(log: Log) -> usize {
    let mut buf = vec![1u8, 2];
    fill(&log, &mut buf).await;
    let s = String::from("hello");
    let n = peek(&log, &s).await;
    buf.push(9);
    log.push(format!("{buf:?} {s} {n}"));
    buf.len() + s.len()
}

#[test]
fn awaited_future_borrowing_a_local_is_equivalent() {
    assert_equivalent(awaited_future_borrows, awaited_future_borrows_rustc);
}

#[visible_async(compiler = borrow_used_after_rustc)]
async fn borrow_used_after(log: Log) -> usize {
    let s = String::from("abc");
    let r = &s;
    let t = peek(&log, r).await;
    log.push(format!("{t}"));
    r.len() + t
}

#[test]
fn borrow_created_before_and_used_after_is_equivalent() {
    assert_equivalent(borrow_used_after, borrow_used_after_rustc);
}

#[visible_async(compiler = for_over_iter_rustc)]
async fn for_over_iter(log: Log) -> u32 {
    let v = vec![1u32, 2, 3];
    let mut total = 0;
    for x in v.iter() {
        total += echo(&log, *x).await;
    }
    for x in &v {
        total += echo(&log, *x).await;
    }
    total + v.len() as u32
}

#[test]
fn for_loops_over_borrowed_vec_are_equivalent() {
    assert_equivalent(for_over_iter, for_over_iter_rustc);
}

#[visible_async(compiler = match_on_ref_rustc)]
async fn match_on_ref(log: Log, input: Option<String>) -> usize {
    let state = input;
    let n = match &state {
        Some(s) => peek(&log, s).await,
        None => echo(&log, 0).await as usize,
    };
    if let Some(s) = &state {
        log.push(format!("still {s}"));
        tick(&log, "in if let").await;
        log.push(format!("after {}", s.len()));
    }
    n
}

#[test]
fn match_and_if_let_on_a_reference_are_equivalent() {
    assert_equivalent(
        |log| match_on_ref(log, Some("four".to_string())),
        |log| match_on_ref_rustc(log, Some("four".to_string())),
    );
    assert_equivalent(
        |log| match_on_ref(log, None),
        |log| match_on_ref_rustc(log, None),
    );
}

#[visible_async(compiler = closure_borrows_rustc)]
async fn closure_borrows(log: Log) -> usize {
    let words = vec!["a".to_string(), "bb".to_string()];
    let count = || words.iter().map(String::len).sum::<usize>();
    tick(&log, "between").await;
    count() + words.len()
}

#[test]
fn closure_capturing_by_reference_called_after_an_await_is_equivalent() {
    assert_equivalent(closure_borrows, closure_borrows_rustc);
}

#[visible_async(compiler = homes_in_a_loop_rustc)]
async fn homes_in_a_loop(log: Log) -> usize {
    let mut total = 0;
    for i in 0..3 {
        let guard = Noisy::new(&log, format!("guard {i}"));
        let name = format!("item {i}");
        let r = &name;
        tick(&log, "in loop").await;
        total += r.len() + guard.name().len();
    }
    total
}

#[test]
fn homes_reused_each_iteration_are_equivalent() {
    assert_equivalent(homes_in_a_loop, homes_in_a_loop_rustc);
}

#[visible_async(compiler = drop_order_with_homes_rustc)]
async fn drop_order_with_homes(log: Log) {
    let a = Noisy::new(&log, "a");
    let b = Noisy::new(&log, "b");
    let rb = &b;
    let c = Noisy::new(&log, "c");
    tick(&log, "wait").await;
    log.push(format!("{} {}", rb.name(), c.name()));
    drop(a);
    tick(&log, "again").await;
}

#[test]
fn homed_values_drop_in_declaration_order_at_every_cancellation_point() {
    assert_equivalent(drop_order_with_homes, drop_order_with_homes_rustc);
}

#[visible_async(compiler = moved_after_borrow_rustc)]
async fn moved_after_borrow(log: Log) -> Vec<u8> {
    let mut buf = Vec::new();
    fill(&log, &mut buf).await;
    fill(&log, &mut buf).await;
    let out = buf;
    tick(&log, "moved").await;
    out
}

#[test]
fn homed_value_moved_out_afterwards_is_equivalent() {
    assert_equivalent(moved_after_borrow, moved_after_borrow_rustc);
}

#[visible_async(compiler = assigned_while_homed_rustc)]
async fn assigned_while_homed(log: Log) -> usize {
    let mut s = Noisy::new(&log, "first");
    let n = peek(&log, s.name()).await;
    s = Noisy::new(&log, "second");
    let m = peek(&log, s.name()).await;
    n + m
}

#[test]
fn homed_value_assigned_a_new_one_is_equivalent() {
    assert_equivalent(assigned_while_homed, assigned_while_homed_rustc);
}

#[visible_async(compiler = move_closure_takes_home_rustc)]
async fn move_closure_takes_home(log: Log) -> usize {
    let s = String::from("owned");
    let n = peek(&log, &s).await;
    let f = move || s.len();
    tick(&log, "after").await;
    f() + n
}

#[test]
fn move_closure_takes_the_value_out_of_its_home() {
    assert_equivalent(move_closure_takes_home, move_closure_takes_home_rustc);
}

#[visible_async(compiler = temporary_borrowed_rustc)]
async fn temporary_borrowed(log: Log) -> usize {
    let s = String::from("xyz");
    let total = s.len() + peek(&log, &s).await;
    total
}

#[test]
fn local_borrowed_by_an_operand_across_an_await_is_equivalent() {
    assert_equivalent(temporary_borrowed, temporary_borrowed_rustc);
}

#[visible_async(compiler = declared_then_assigned_rustc)]
async fn declared_then_assigned(log: Log, long: bool) -> usize {
    let s;
    let t: String;
    if long {
        s = Noisy::new(&log, "long one");
        t = "tt".to_string();
    } else {
        s = Noisy::new(&log, "s");
        t = String::new();
    }
    let n = peek(&log, s.name()).await;
    let m = peek(&log, &t).await;
    n + m
}

#[test]
fn homed_local_declared_without_a_value_is_equivalent() {
    assert_equivalent(
        |log| declared_then_assigned(log, true),
        |log| declared_then_assigned_rustc(log, true),
    );
    assert_equivalent(
        |log| declared_then_assigned(log, false),
        |log| declared_then_assigned_rustc(log, false),
    );
}

#[visible_async(compiler = borrowed_parameters_rustc)]
async fn borrowed_parameters(log: Log, name: String, (a, b): (Noisy, String)) -> usize {
    let n = peek(&log, &name).await;
    let m = peek(&log, a.name()).await;
    let k = peek(&log, &b).await;
    n + m + k + name.len()
}

#[test]
fn parameters_borrowed_across_an_await_are_equivalent() {
    let pair = |log: &Log| (Noisy::new(log, "a"), "bee".to_string());
    assert_equivalent(
        |log| {
            let p = pair(&log);
            borrowed_parameters(log, "nm".to_string(), p)
        },
        |log| {
            let p = pair(&log);
            borrowed_parameters_rustc(log, "nm".to_string(), p)
        },
    );
}

#[visible_async(compiler = loop_binding_borrowed_rustc)]
async fn loop_binding_borrowed(log: Log, names: Vec<String>) -> usize {
    let mut total = 0;
    for name in names {
        let r = &name;
        tick(&log, "step").await;
        total += r.len();
    }
    total
}

#[test]
fn for_loop_binding_borrowed_across_an_await_is_equivalent() {
    let names = || vec!["a".to_string(), "bb".to_string(), "ccc".to_string()];
    assert_equivalent(
        |log| loop_binding_borrowed(log, names()),
        |log| loop_binding_borrowed_rustc(log, names()),
    );
}

struct Holder {
    s: String,
    n: usize,
}

#[visible_async(compiler = homed_in_format_and_struct_rustc)]
async fn homed_in_format_and_struct(log: Log) -> (String, usize) {
    let s = String::from("held");
    let n = peek(&log, &s).await;
    log.push(format!("{s} {s:?} {n}"));
    let h = Holder { s, n };
    (h.s, h.n)
}

#[test]
fn homed_local_in_a_format_capture_and_struct_shorthand_is_equivalent() {
    assert_equivalent(homed_in_format_and_struct, homed_in_format_and_struct_rustc);
}

struct Connection {
    incoming: Vec<u8>,
    buffer: Vec<u8>,
}

/// Pending once, then moves the incoming bytes into the buffer (two disjoint `&mut`s).
async fn read_into(log: &Log, incoming: &mut Vec<u8>, buffer: &mut Vec<u8>) -> usize {
    tick(log, "read").await;
    let n = incoming.len();
    buffer.append(incoming);
    n
}

#[visible_async(compiler = disjoint_fields_rustc)]
async fn disjoint_fields(log: Log) -> usize {
    let mut conn = Connection {
        incoming: vec![1, 2, 3],
        buffer: Vec::new(),
    };
    let n = read_into(&log, &mut conn.incoming, &mut conn.buffer).await;
    conn.incoming.push(4);
    let m = read_into(&log, &mut conn.incoming, &mut conn.buffer).await;
    log.push(format!("{n} {m} {:?}", conn.buffer));
    conn.buffer.len()
}

#[test]
fn disjoint_fields_of_a_homed_local_borrowed_at_once_are_equivalent() {
    assert_equivalent(disjoint_fields, disjoint_fields_rustc);
}

// ----- references that are dead before an .await, whose referent changes -------------------------
// rustc does not hold them; the state machine holds values to drop them at the end of their
// scope, and a reference moved after its referent was freed is undefined behavior (Miri checks
// these under both models): such values live in a pinned home, dropped in place.

#[visible_async(compiler = dead_reference_into_a_reallocated_vec_rustc)]
async fn dead_reference_into_a_reallocated_vec(log: Log) -> usize {
    let mut v = vec![1u32, 2];
    let first = v.first().unwrap();
    log.push(format!("first {first}"));
    v.extend(0..100);
    tick(&log, "after extend").await;
    let mut words = vec![String::from("a")];
    let iter = words.iter();
    log.push(format!("{}", iter.len()));
    words.push(String::from("b"));
    tick(&log, "after push").await;
    v.len() + words.len()
}

#[test]
fn dead_references_whose_referent_is_freed_before_an_await() {
    assert_equivalent(
        dead_reference_into_a_reallocated_vec,
        dead_reference_into_a_reallocated_vec_rustc,
    );
}
