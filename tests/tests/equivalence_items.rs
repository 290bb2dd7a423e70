//! Equivalence of `#[visible_async]` with the compiler's `async fn`: items and `use`s inside the
//! body, names that meet the generated ones, signatures with references, `impl Trait` and
//! lifetimes, attributes, `unsafe` blocks, associated functions.

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
#![allow(clippy::items_after_statements)]

#[path = "equivalence/common.rs"]
mod common;

use common::{ev, step, tick};
use core::fmt::Display;
use core::future::Future;
use visible_async::harness::{Log, Noisy, assert_equivalent};
use visible_async::visible_async;

// ----- items inside the body ------------------------------------------------------------------

#[visible_async(compiler = item_declared_after_use_rustc)]
async fn item_declared_after_use(log: Log) -> u32 {
    tick(&log, "t").await;
    let v = LIMIT + twice(2);
    const LIMIT: u32 = 10;
    fn twice(x: u32) -> u32 {
        x * 2
    }
    v
}

#[test]
fn items_declared_after_their_use_in_the_body() {
    assert_equivalent(item_declared_after_use, item_declared_after_use_rustc);
}

#[visible_async(compiler = impl_block_inside_body_rustc)]
async fn impl_block_inside_body(log: Log) -> u32 {
    struct Counter(u32);
    impl Counter {
        fn bump(&mut self) -> u32 {
            self.0 += 1;
            self.0
        }
    }
    let mut c = Counter(0);
    c.bump();
    tick(&log, "t").await;
    c.bump()
}

#[test]
fn impl_block_inside_the_body() {
    assert_equivalent(impl_block_inside_body, impl_block_inside_body_rustc);
}

// ----- names that meet the generated ones -----------------------------------------------------

#[derive(Debug, PartialEq)]
pub struct MakePoint {
    x: u32,
}

#[visible_async(compiler = label_names_rustc)]
async fn label_names(log: Log) -> u32 {
    let mut n = 0;
    '__poll: for i in 0..3 {
        '__break0: loop {
            n += ev(&log, "i", i).await;
            if n > 2 {
                break '__poll;
            }
            break '__break0;
        }
    }
    n
}

#[test]
fn user_labels_named_like_generated_ones() {
    assert_equivalent(label_names, label_names_rustc);
}

// ----- signatures -----------------------------------------------------------------------------

#[visible_async(compiler = reference_argument_rustc)]
async fn reference_argument(log: Log, s: &str) -> usize {
    tick(&log, "t").await;
    s.split(' ').count()
}

#[test]
fn reference_argument_used_after_an_await() {
    let text = String::from("a b c");
    assert_equivalent(
        |l| reference_argument(l, &text),
        |l| reference_argument_rustc(l, &text),
    );
}

#[visible_async(compiler = returns_borrowed_rustc)]
async fn returns_borrowed<'a>(log: Log, s: &'a str, t: &str) -> &'a str {
    tick(&log, t).await;
    s.split(' ').next().unwrap_or("")
}

#[test]
fn returned_reference_with_a_named_lifetime_and_an_elided_one() {
    let text = String::from("first second");
    assert_equivalent(
        |l| returns_borrowed(l, &text, "tick"),
        |l| returns_borrowed_rustc(l, &text, "tick"),
    );
}

#[visible_async(compiler = mut_reference_argument_rustc)]
async fn mut_reference_argument(log: Log, out: &mut Vec<u32>) -> usize {
    out.push(ev(&log, "a", 1).await);
    tick(&log, "t").await;
    out.push(2);
    out.len()
}

#[test]
fn mutable_reference_argument_written_around_awaits() {
    assert_equivalent(
        |l| {
            let mut v = Vec::new();
            async move { mut_reference_argument(l, &mut v).await }
        },
        |l| {
            let mut v = Vec::new();
            async move { mut_reference_argument_rustc(l, &mut v).await }
        },
    );
}

#[visible_async(compiler = nested_impl_trait_rustc)]
async fn nested_impl_trait(log: Log, items: impl IntoIterator<Item = impl Display>) -> String {
    let mut s = String::new();
    for item in items {
        s.push_str(&ev(&log, "item", item.to_string()).await);
    }
    s
}

#[test]
fn nested_impl_trait_argument() {
    assert_equivalent(
        |l| nested_impl_trait(l, [1, 2, 3]),
        |l| nested_impl_trait_rustc(l, [1, 2, 3]),
    );
}

#[visible_async(compiler = closure_returning_future_rustc)]
async fn closure_returning_future<F, Fut>(log: Log, make: F) -> u32
where
    F: Fn(u32) -> Fut,
    Fut: Future<Output = u32>,
{
    let a = make(1).await;
    log.push(format!("a={a}"));
    make(a).await + make(ev(&log, "x", 5).await).await
}

#[test]
fn generic_closure_returning_futures() {
    assert_equivalent(
        |l| {
            let l2 = l.clone();
            closure_returning_future(l, move |x| step(l2.clone(), "made", 1, x * 2))
        },
        |l| {
            let l2 = l.clone();
            closure_returning_future_rustc(l, move |x| step(l2.clone(), "made", 1, x * 2))
        },
    );
}

#[visible_async(compiler = impl_display_output_rustc)]
async fn impl_display_output(log: Log, n: u32) -> String {
    let v: Box<dyn Display + Send> = if ev(&log, "c", n > 1).await {
        Box::new(n)
    } else {
        Box::new("small")
    };
    v.to_string()
}

#[test]
fn boxed_trait_object_local_across_await() {
    assert_equivalent(
        |l| impl_display_output(l, 3),
        |l| impl_display_output_rustc(l, 3),
    );
}

#[visible_async(compiler = explicit_unit_rustc)]
async fn explicit_unit(log: Log) -> () {
    tick(&log, "t").await;
    log.push("end");
}

#[test]
fn explicit_unit_return_type() {
    assert_equivalent(explicit_unit, explicit_unit_rustc);
}

#[visible_async(compiler = unit_tail_after_loop_rustc)]
async fn unit_tail_after_loop(log: Log) {
    let mut i = 0;
    while i < 2 {
        tick(&log, "t").await;
        i += 1;
    }
}

#[test]
fn unit_function_ending_in_a_loop_with_await() {
    assert_equivalent(unit_tail_after_loop, unit_tail_after_loop_rustc);
}

#[visible_async(compiler = pub_crate_fn_rustc)]
pub(crate) async fn pub_crate_fn(log: Log) -> u8 {
    tick(&log, "t").await;
    1
}

#[test]
fn visibility_is_kept() {
    assert_equivalent(pub_crate_fn, pub_crate_fn_rustc);
}

/// Documented.
#[visible_async(compiler = documented_rustc)]
#[inline]
#[allow(unused_variables)]
async fn documented(log: Log, unused: u32) -> u8 {
    tick(&log, "t").await;
    2
}

#[test]
fn attributes_and_docs_on_the_function() {
    assert_equivalent(|l| documented(l, 1), |l| documented_rustc(l, 1));
}

// ----- statements and blocks ------------------------------------------------------------------

#[visible_async(compiler = attributes_on_statements_rustc)]
async fn attributes_on_statements(log: Log) -> u32 {
    #[allow(unused_mut)]
    let mut a = ev(&log, "a", 1).await;
    #[allow(clippy::let_and_return)]
    let b = {
        #[allow(unused_variables)]
        let unused = ev(&log, "u", 0).await;
        a + 1
    };
    b
}

#[test]
fn attributes_on_statements_with_awaits() {
    assert_equivalent(attributes_on_statements, attributes_on_statements_rustc);
}

#[visible_async(compiler = unsafe_block_await_rustc)]
async fn unsafe_block_await(log: Log) -> u32 {
    let v = [1u32, 2, 3];
    let x = unsafe {
        let i = ev(&log, "i", 2usize).await;
        *v.get_unchecked(i)
    };
    x + unsafe { *v.get_unchecked(ev(&log, "j", 0usize).await) }
}

#[test]
fn awaits_inside_unsafe_blocks() {
    assert_equivalent(unsafe_block_await, unsafe_block_await_rustc);
}

#[visible_async(compiler = statement_starting_with_block_rustc)]
async fn statement_starting_with_block(log: Log) -> u32 {
    let mut n = 0;
    {
        n += ev(&log, "a", 1).await;
    }
    if n > 0 {
        n += ev(&log, "b", 2).await;
    }
    match n {
        3 => n += ev(&log, "c", 3).await,
        _ => {}
    }
    n
}

#[test]
fn statements_that_start_with_a_block_if_or_match() {
    assert_equivalent(
        statement_starting_with_block,
        statement_starting_with_block_rustc,
    );
}

#[visible_async(compiler = awaited_async_block_rustc)]
async fn awaited_async_block(log: Log) -> u32 {
    let l = log.clone();
    let v = async move { ev(&l, "inside", 1).await + 1 }.await;
    v + async { 2 }.await
}

#[test]
fn async_blocks_awaited_in_place() {
    assert_equivalent(awaited_async_block, awaited_async_block_rustc);
}

#[visible_async(compiler = closure_in_loop_after_await_rustc)]
async fn closure_in_loop_after_await(log: Log) -> u32 {
    let mut total = 0;
    for i in 0..3u32 {
        tick(&log, "t").await;
        let add = move |x: u32| x + i;
        total = add(total);
        tick(&log, "u").await;
        total = add(total);
    }
    total
}

#[test]
fn closure_created_in_a_loop_body_after_an_await_and_held_across_another() {
    assert_equivalent(
        closure_in_loop_after_await,
        closure_in_loop_after_await_rustc,
    );
}

// ----- associated functions -------------------------------------------------------------------

#[derive(Debug, PartialEq)]
pub struct Account {
    balance: u32,
}

impl Account {
    #[visible_async(compiler = open_rustc)]
    async fn open(log: Log, deposit: u32) -> Self {
        let bonus = ev(&log, "bonus", 5).await;
        Self {
            balance: deposit + bonus,
        }
    }
}

#[test]
fn associated_function_without_self_returning_self() {
    assert_equivalent(|l| Account::open(l, 10), |l| Account::open_rustc(l, 10));
}

// ----- cases the transform does not compile yet (see the `ignore` reasons) ------------------

#[visible_async(compiler = hidden_looking_names_rustc)]
async fn hidden_looking_names(log: Log) -> u32 {
    let __state = 1;
    let __cx = 2;
    let __output = ev(&log, "o", 3).await;
    let future = 4;
    let __tmp0 = __state + ev(&log, "p", __cx).await;
    let __iter0 = 5;
    __output + future + __tmp0 + __iter0
}

#[test]
fn user_locals_named_like_generated_ones() {
    assert_equivalent(hidden_looking_names, hidden_looking_names_rustc);
}

#[visible_async(compiler = make_point_rustc)]
async fn make_point(log: Log) -> MakePoint {
    let x = ev(&log, "x", 3).await;
    MakePoint { x }
}

#[test]
fn function_returning_the_type_its_state_enum_would_be_named_after() {
    assert_equivalent(make_point, make_point_rustc);
}

#[visible_async(compiler = noisy_rustc)]
async fn noisy(log: Log) -> usize {
    let n = Noisy::new(&log, "n");
    tick(&log, "t").await;
    n.name().len()
}

#[test]
fn function_whose_state_enum_name_is_a_type_the_body_uses() {
    assert_equivalent(noisy, noisy_rustc);
}

#[visible_async(compiler = macro_rules_inside_body_rustc)]
async fn macro_rules_inside_body(log: Log) -> u32 {
    macro_rules! double {
        ($e:expr) => {
            $e * 2
        };
    }
    let a = double!(1);
    tick(&log, "t").await;
    double!(a)
}

#[test]
fn macro_rules_inside_the_body_used_after_an_await() {
    assert_equivalent(macro_rules_inside_body, macro_rules_inside_body_rustc);
}

#[visible_async(compiler = use_inside_body_rustc)]
async fn use_inside_body(log: Log) -> String {
    use core::fmt::Write as _;
    let mut s = String::new();
    write!(s, "a").unwrap();
    tick(&log, "t").await;
    write!(s, "b").unwrap();
    s
}

#[test]
fn use_declaration_inside_the_body_reaches_code_after_an_await() {
    assert_equivalent(use_inside_body, use_inside_body_rustc);
}

#[visible_async(compiler = const_and_struct_items_rustc)]
async fn const_and_struct_items(log: Log) -> u32 {
    const BASE: u32 = 100;
    #[derive(Debug)]
    struct Local {
        v: u32,
    }
    let l = Local {
        v: ev(&log, "v", BASE).await,
    };
    tick(&log, "t").await;
    log.push(format!("{l:?}"));
    l.v + BASE
}

#[test]
fn const_and_struct_items_in_the_body() {
    assert_equivalent(const_and_struct_items, const_and_struct_items_rustc);
}

#[visible_async(compiler = nested_fn_item_rustc)]
async fn nested_fn_item(log: Log) -> u32 {
    fn helper(x: u32) -> u32 {
        x * 3
    }
    let a = helper(ev(&log, "a", 1).await);
    tick(&log, "t").await;
    helper(a)
}

#[test]
fn nested_fn_item_used_after_awaits() {
    assert_equivalent(nested_fn_item, nested_fn_item_rustc);
}

#[visible_async(compiler = async_block_after_join_rustc)]
async fn async_block_after_join(log: Log, c: bool) -> u32 {
    if c {
        tick(&log, "maybe").await;
    }
    let l = log.clone();
    let fut = async move { ev(&l, "inner", 5).await };
    tick(&log, "t").await;
    fut.await
}

#[test]
fn async_block_defined_after_a_join_point_and_awaited_later() {
    assert_equivalent(
        |l| async_block_after_join(l, true),
        |l| async_block_after_join_rustc(l, true),
    );
    assert_equivalent(
        |l| async_block_after_join(l, false),
        |l| async_block_after_join_rustc(l, false),
    );
}

#[visible_async(compiler = closure_after_join_rustc)]
async fn closure_after_join(log: Log, c: bool) -> u32 {
    if c {
        tick(&log, "maybe").await;
    }
    let offset = 10;
    let f = move |x: u32| x + offset;
    tick(&log, "t").await;
    f(1)
}

#[test]
fn closure_defined_after_a_join_point_and_used_after_an_await() {
    assert_equivalent(
        |l| closure_after_join(l, true),
        |l| closure_after_join_rustc(l, true),
    );
    assert_equivalent(
        |l| closure_after_join(l, false),
        |l| closure_after_join_rustc(l, false),
    );
}
