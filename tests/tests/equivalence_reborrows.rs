//! Equivalence when a place behind a dereference is borrowed across an `.await` (issue 10,
//! item 4): `&*key` with `key: Arc<K>` borrows `key`, as `&*s` with `s: String` borrows `s`;
//! `&mut *buf` with `buf: &mut Vec<u8>` reborrows through the reference. Without types the
//! transform cannot tell these apart, so it gives the local a pinned home in every case, which
//! rustc accepts whichever it is.

#![allow(clippy::ptr_arg, clippy::borrow_deref_ref, clippy::explicit_auto_deref)]

#[path = "equivalence/ambient.rs"]
mod ambient;

use std::rc::Rc;
use std::sync::Arc;

use ambient::{D, note, pend, val, with};
use visible_async::harness::assert_equivalent;
use visible_async::visible_async;

async fn len_of(key: &String) -> usize {
    pend(1).await;
    key.len()
}

async fn push_to(buf: &mut Vec<u32>) {
    pend(1).await;
    buf.push(buf.len() as u32);
}

#[visible_async(compiler = through_an_arc_rustc)]
async fn through_an_arc(key: Arc<String>) -> usize {
    let n = len_of(&*key).await;
    let r = &*key;
    pend(1).await;
    n + r.len()
}

#[test]
fn a_borrow_through_an_arc_holds_the_arc() {
    assert_equivalent(
        |l| with(l, || through_an_arc(Arc::new(String::from("key")))),
        |l| with(l, || through_an_arc_rustc(Arc::new(String::from("key")))),
    );
}

#[visible_async(compiler = if_let_through_a_box_rustc)]
async fn if_let_through_a_box(current: Box<Option<D>>) -> usize {
    let d = D::new("after");
    let n = if let Some(t) = &*current {
        val(1, t.len()).await
    } else {
        0
    };
    drop(d);
    n
}

#[test]
fn an_if_let_on_a_borrow_through_a_box_holds_the_box() {
    for current in [Some("cur"), None] {
        assert_equivalent(
            |l| with(l, || if_let_through_a_box(Box::new(current.map(D::new)))),
            |l| {
                with(l, || {
                    if_let_through_a_box_rustc(Box::new(current.map(D::new)))
                })
            },
        );
    }
}

#[visible_async(compiler = str_of_a_local_string_rustc)]
async fn str_of_a_local_string(n: u32) -> usize {
    let s = format!("s{n}");
    let r: &str = &*s;
    pend(1).await;
    note(format!("r {r}"));
    r.len()
}

#[test]
fn a_str_borrowed_from_a_local_string_keeps_the_string() {
    assert_equivalent(
        |l| with(l, || str_of_a_local_string(42)),
        |l| with(l, || str_of_a_local_string_rustc(42)),
    );
}

#[visible_async(compiler = reborrow_of_a_mut_reference_rustc)]
async fn reborrow_of_a_mut_reference(mut owned: Vec<u32>) -> usize {
    let v = &mut owned;
    let buf = &mut *v;
    push_to(&mut *buf).await;
    push_to(buf).await;
    push_to(&mut *v).await;
    v.len() + owned.len()
}

#[test]
fn a_reborrow_through_a_mut_reference_still_works() {
    assert_equivalent(
        |l| with(l, || reborrow_of_a_mut_reference(vec![7])),
        |l| with(l, || reborrow_of_a_mut_reference_rustc(vec![7])),
    );
}

#[visible_async(compiler = deref_of_an_rc_field_rustc)]
async fn deref_of_an_rc_field(pair: (Rc<D>, u32)) -> usize {
    let inner: &D = &*pair.0;
    let n = val(1, pair.1).await;
    inner.len() + n as usize
}

#[test]
fn a_borrow_through_a_field_that_is_an_rc_holds_the_tuple() {
    assert_equivalent(
        |l| with(l, || deref_of_an_rc_field((Rc::new(D::new("rc")), 3))),
        |l| with(l, || deref_of_an_rc_field_rustc((Rc::new(D::new("rc")), 3))),
    );
}
