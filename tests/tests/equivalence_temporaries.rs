//! Equivalence of temporaries with the compiler's `async fn`: where rustc's scoping rules put
//! their drops around an `.await` (`compiler/rustc_hir_analysis/src/check/region.rs`).
//!
//! The functions log through an ambient log (`equivalence/ambient.rs`), not a parameter.

#![allow(clippy::unused_async)]

#[path = "equivalence/ambient.rs"]
mod ambient;

use ambient::{D, lv, note, pend, val, with};
use visible_async::harness::assert_equivalent;
use visible_async::visible_async;

// ----- lifetime-extended temporaries -------------------------------------------------------

#[visible_async(compiler = extended_mut_literal_rustc)]
async fn extended_mut_literal() -> i32 {
    let x = &mut 0;
    pend(1).await;
    *x += 1;
    *x
}

#[visible_async(compiler = extended_string_rustc)]
async fn extended_string() -> usize {
    let r = &String::from("x");
    pend(1).await;
    r.len()
}

#[visible_async(compiler = extended_dropped_at_block_end_rustc)]
async fn extended_dropped_at_block_end() -> usize {
    let before = D::new("before");
    let n = {
        let r = &D::new("extended");
        pend(1).await;
        note("in block");
        r.len()
    };
    note("after block");
    pend(1).await;
    n + before.len()
}

#[visible_async(compiler = extended_through_projections_rustc)]
async fn extended_through_projections() -> usize {
    let first = &(D::new("pair0"), D::new("pair1")).0;
    let element = &vec![D::new("v")][0];
    pend(1).await;
    first.len() + element.len()
}

#[visible_async(compiler = extended_awaited_guard_rustc)]
async fn extended_awaited_guard(m: &tokio::sync::Mutex<u32>) -> u32 {
    let a = &*m.lock().await;
    pend(1).await;
    *a + 1
}

#[visible_async(compiler = promoted_literal_rustc)]
async fn promoted_literal() -> u32 {
    let r: &'static u32 = &5;
    pend(1).await;
    *r
}

#[test]
fn lifetime_extended_temporaries_live_across_awaits() {
    assert_equivalent(
        |l| with(l, extended_mut_literal),
        |l| with(l, extended_mut_literal_rustc),
    );
    assert_equivalent(
        |l| with(l, extended_string),
        |l| with(l, extended_string_rustc),
    );
    assert_equivalent(
        |l| with(l, extended_dropped_at_block_end),
        |l| with(l, extended_dropped_at_block_end_rustc),
    );
    assert_equivalent(
        |l| with(l, extended_through_projections),
        |l| with(l, extended_through_projections_rustc),
    );
    assert_equivalent(
        |l| with(l, promoted_literal),
        |l| with(l, promoted_literal_rustc),
    );
}

#[test]
fn a_lifetime_extended_awaited_guard_is_held() {
    let m = tokio::sync::Mutex::new(4);
    let comparison = assert_equivalent(
        |l| with(l, || extended_awaited_guard(&m)),
        |l| with(l, || extended_awaited_guard_rustc(&m)),
    );
    assert_eq!(comparison.visible.run.output, Ok(5));
    assert_eq!(
        visible_async::auto_traits!(extended_awaited_guard(&m)),
        visible_async::auto_traits!(extended_awaited_guard_rustc(&m))
    );
}

#[visible_async(compiler = value_then_extended_rustc)]
async fn value_then_extended() -> usize {
    let n = val(1, 2).await;
    let r = &D::new("late");
    pend(1).await;
    n + r.len()
}

#[test]
fn an_extended_temporary_after_an_await() {
    assert_equivalent(
        |l| with(l, value_then_extended),
        |l| with(l, value_then_extended_rustc),
    );
}

// ----- temporaries of an awaited expression ------------------------------------------------

#[allow(clippy::ptr_arg)] // the issue's shape: a callee taking `&String`
async fn measure(s: &String) -> usize {
    pend(1).await;
    s.len()
}

async fn measure_d(d: &D) -> usize {
    pend(1).await;
    note("measured");
    d.len()
}

#[visible_async(compiler = borrowed_by_the_awaited_future_rustc)]
async fn borrowed_by_the_awaited_future() -> usize {
    let n = measure(&String::from("t")).await;
    n + 1
}

#[visible_async(compiler = borrowed_temporary_dropped_after_the_statement_rustc)]
async fn borrowed_temporary_dropped_after_the_statement() -> usize {
    let n = measure_d(&D::new("t")).await + val(1, 1).await;
    note("after");
    measure_d(&D::new("u")).await;
    note("end");
    n
}

struct Holder {
    #[allow(dead_code)] // held for its drop
    d: D,
    n: u32,
}

#[visible_async(compiler = field_of_a_temporary_rustc)]
async fn field_of_a_temporary() -> u32 {
    let v = val(
        1,
        (Holder {
            d: D::new("h"),
            n: 1,
        })
        .n,
    )
    .await;
    note("after");
    v
}

#[visible_async(compiler = field_of_a_temporary_statement_rustc)]
async fn field_of_a_temporary_statement() {
    val(
        1,
        (Holder {
            d: D::new("h"),
            n: 1,
        })
        .n,
    )
    .await;
    note("after");
}

// Found by the generator (seed 1): the temporaries a held temporary is made of are held
// too, made where they are (after `h1`, around an `.await`), and dropped after it.
#[visible_async(compiler = temporaries_inside_a_held_temporary_rustc)]
async fn temporaries_inside_a_held_temporary() -> u32 {
    val(
        1,
        (Holder {
            d: D::new("h1"),
            n: (Holder {
                d: D::new("h2"),
                n: val(2, 8).await,
            })
            .n,
        })
        .n,
    )
    .await
}

#[visible_async(compiler = borrowed_temporary_inside_a_held_temporary_rustc)]
async fn borrowed_temporary_inside_a_held_temporary() -> usize {
    measure_d(
        &(Holder {
            d: D::new("h"),
            n: u32::try_from(measure_d(&D::new("inner")).await).unwrap_or(0),
        })
        .d,
    )
    .await
}

#[test]
fn temporaries_of_an_awaited_expression_live_to_the_end_of_the_statement() {
    assert_equivalent(
        |l| with(l, borrowed_by_the_awaited_future),
        |l| with(l, borrowed_by_the_awaited_future_rustc),
    );
    assert_equivalent(
        |l| with(l, borrowed_temporary_dropped_after_the_statement),
        |l| with(l, borrowed_temporary_dropped_after_the_statement_rustc),
    );
    assert_equivalent(
        |l| with(l, field_of_a_temporary),
        |l| with(l, field_of_a_temporary_rustc),
    );
    assert_equivalent(
        |l| with(l, field_of_a_temporary_statement),
        |l| with(l, field_of_a_temporary_statement_rustc),
    );
    assert_equivalent(
        |l| with(l, temporaries_inside_a_held_temporary),
        |l| with(l, temporaries_inside_a_held_temporary_rustc),
    );
    assert_equivalent(
        |l| with(l, borrowed_temporary_inside_a_held_temporary),
        |l| with(l, borrowed_temporary_inside_a_held_temporary_rustc),
    );
}

// ----- temporaries before an `.await` in the same statement --------------------------------

#[visible_async(compiler = parenthesized_temporary_rustc)]
async fn parenthesized_temporary() -> usize {
    let n = (D::new("t").len()) + val(1, 2).await + D::new("u").len();
    note("end");
    n
}

#[visible_async(compiler = nested_parentheses_rustc)]
async fn nested_parentheses() -> usize {
    let n = ((D::new("t").len()) * 2) + val(1, 2).await;
    note("end");
    n
}

#[test]
fn a_temporary_in_parentheses_lives_to_the_end_of_the_statement() {
    assert_equivalent(
        |l| with(l, parenthesized_temporary),
        |l| with(l, parenthesized_temporary_rustc),
    );
    assert_equivalent(
        |l| with(l, nested_parentheses),
        |l| with(l, nested_parentheses_rustc),
    );
}

#[visible_async(compiler = temporary_between_two_awaits_rustc)]
async fn temporary_between_two_awaits() -> usize {
    let n = val(1, 3).await + D::new("t").len() + lv("x", 1, 1).await;
    note("end");
    n
}

#[visible_async(compiler = rc_temporary_between_two_awaits_rustc)]
async fn rc_temporary_between_two_awaits() -> usize {
    val(1, 3).await + *std::rc::Rc::new(2usize) + lv("x", 1, 1).await
}

#[visible_async(compiler = temporaries_around_an_inner_await_rustc)]
async fn temporaries_around_an_inner_await() -> usize {
    let n = (D::new("t1").len() + val(1, 1).await + D::new("t2").len()) + lv("x", 1, 1).await;
    note("end");
    n
}

#[test]
fn a_temporary_made_between_two_awaits_is_held_across_the_second() {
    assert_equivalent(
        |l| with(l, temporary_between_two_awaits),
        |l| with(l, temporary_between_two_awaits_rustc),
    );
    assert_equivalent(
        |l| with(l, rc_temporary_between_two_awaits),
        |l| with(l, rc_temporary_between_two_awaits_rustc),
    );
    assert_equivalent(
        |l| with(l, temporaries_around_an_inner_await),
        |l| with(l, temporaries_around_an_inner_await_rustc),
    );
    // rustc holds the `Rc` across the second `.await`: neither future is `Send`.
    assert_eq!(
        visible_async::auto_traits!(rc_temporary_between_two_awaits()),
        visible_async::auto_traits!(rc_temporary_between_two_awaits_rustc())
    );
}

// ----- a temporary receiver of an awaited method ---------------------------------------------

struct Signal(u32);

impl Signal {
    async fn recv(&mut self) -> u32 {
        pend(1).await;
        self.0 += 1;
        self.0
    }

    async fn into_value(self) -> u32 {
        pend(1).await;
        self.0
    }
}

impl Drop for Signal {
    fn drop(&mut self) {
        note(format!("drop signal {}", self.0));
    }
}

fn signal() -> Signal {
    Signal(1)
}

struct Options {
    read: bool,
}

impl Options {
    fn read(&mut self, read: bool) -> &mut Self {
        self.read = read;
        self
    }

    async fn open(&self, path: &str) -> usize {
        pend(1).await;
        path.len() + usize::from(self.read)
    }
}

fn options() -> Options {
    Options { read: false }
}

#[visible_async(compiler = mut_method_on_a_temporary_rustc)]
async fn mut_method_on_a_temporary() -> u32 {
    signal().recv().await
}

#[visible_async(compiler = consuming_method_on_a_temporary_rustc)]
async fn consuming_method_on_a_temporary() -> u32 {
    let n = signal().into_value().await;
    note("after");
    n
}

#[visible_async(compiler = builder_chain_rustc)]
async fn builder_chain(path: &str) -> usize {
    let n = options().read(true).open(path).await;
    n + 1
}

#[test]
fn a_temporary_receiver_lives_with_its_future() {
    assert_equivalent(
        |l| with(l, mut_method_on_a_temporary),
        |l| with(l, mut_method_on_a_temporary_rustc),
    );
    assert_equivalent(
        |l| with(l, consuming_method_on_a_temporary),
        |l| with(l, consuming_method_on_a_temporary_rustc),
    );
    assert_equivalent(
        |l| with(l, || builder_chain("p")),
        |l| with(l, || builder_chain_rustc("p")),
    );
}

// ----- scrutinee temporaries -----------------------------------------------------------------

#[visible_async(compiler = scrutinee_temporary_across_a_loop_rustc)]
#[allow(clippy::match_single_binding)] // the issue's shape
async fn scrutinee_temporary_across_a_loop(v: Vec<u32>) {
    match D::new("t").len() + val(1, 5).await {
        _ => {
            for y in v.iter() {
                pend(1).await;
                note(format!("{y}"));
            }
        }
    }
}

#[test]
fn a_scrutinee_temporary_is_held_across_awaits_in_a_loop_of_its_arm() {
    assert_equivalent(
        |l| with(l, || scrutinee_temporary_across_a_loop(vec![1, 2])),
        |l| with(l, || scrutinee_temporary_across_a_loop_rustc(vec![1, 2])),
    );
}

fn checked(x: u32) -> Result<u32, String> {
    Ok(x)
}

#[visible_async(compiler = tail_temporary_of_an_awaited_expression_rustc)]
async fn tail_temporary_of_an_awaited_expression((p0, _): (u32, D)) -> Result<u32, String> {
    lv(
        "e",
        3,
        checked(
            (Holder {
                d: D::new("h"),
                n: p0,
            })
            .n,
        ),
    )
    .await
}

#[test]
fn a_tail_temporary_of_an_awaited_expression_lives_across_it() {
    assert_equivalent(
        |l| with(l, || tail_temporary_of_an_awaited_expression((3, D("p")))),
        |l| {
            with(l, || {
                tail_temporary_of_an_awaited_expression_rustc((3, D("p")))
            })
        },
    );
}

// ----- temporaries in `format!` arguments ------------------------------------------------------

#[visible_async(compiler = format_temporary_across_two_awaits_rustc)]
async fn format_temporary_across_two_awaits() -> String {
    let s = format!(
        "{} {} {}",
        D::new("t").len(),
        val(1, 1).await,
        val(1, 2).await
    );
    note("after");
    s
}

#[visible_async(compiler = format_temporary_in_a_longer_statement_rustc)]
async fn format_temporary_in_a_longer_statement() -> usize {
    let n = format!("{}{}", D::new("t").len(), val(1, 1).await).len() + D::new("u").len();
    note("after");
    n
}

#[test]
fn format_ends_its_arguments_temporaries() {
    assert_equivalent(
        |l| with(l, format_temporary_across_two_awaits),
        |l| with(l, format_temporary_across_two_awaits_rustc),
    );
    assert_equivalent(
        |l| with(l, format_temporary_in_a_longer_statement),
        |l| with(l, format_temporary_in_a_longer_statement_rustc),
    );
}

// Found by the generator: a `while` condition whose awaiting `match` makes a temporary. The
// resumed condition's suspension named no loop inside its labeled block (E0695), and the next
// iteration, written after it, dropped the state's temporary again (E0382).
#[visible_async(compiler = while_condition_matches_an_awaited_temporary_rustc)]
async fn while_condition_matches_an_awaited_temporary(limit: u32) -> u32 {
    let mut w = 0_u32;
    while w < limit
        && (match val(1, D::new("t").len().checked_sub(1)).await {
            Some(0) => val(1, true).await,
            _ => false,
        })
    {
        w += 1;
    }
    w
}

#[test]
fn a_while_condition_matching_an_awaited_temporary() {
    for limit in [0, 2] {
        assert_equivalent(
            |l| with(l, || while_condition_matches_an_awaited_temporary(limit)),
            |l| {
                with(l, || {
                    while_condition_matches_an_awaited_temporary_rustc(limit)
                })
            },
        );
    }
}

// Found by the generator: a field's base built around an `.await` (`(Holder { n: f().await,
// .. }).n`) is still a temporary of the statement, held across the later `.await`; and an `if`
// or `while` condition, like each operand of `&&`, holds its temporaries to its own end.
#[visible_async(compiler = temporary_built_around_an_await_rustc)]
#[allow(clippy::let_and_return)] // a statement, not a tail: that is the case
async fn temporary_built_around_an_await() -> u32 {
    let x = lv(
        "outer",
        1,
        (Holder {
            d: D::new("h"),
            n: lv("inner", 1, 4_u32).await,
        })
        .n,
    )
    .await;
    x
}

#[visible_async(compiler = condition_temporaries_rustc)]
async fn condition_temporaries(k: u32) -> u32 {
    if lv(
        "if",
        1,
        (Holder {
            d: D::new("h"),
            n: lv("n", 1, k).await,
        })
        .n,
    )
    .await
        % 17
        == 3
    {
        note("then");
    }
    let mut i = 0;
    while lv(
        "while",
        1,
        (Holder {
            d: D::new("w"),
            n: i,
        })
        .n,
    )
    .await
        < k
    {
        i += 1;
        note("body");
    }
    if i > 0 && lv("and", 1, &D::new("r")).await.len() > 0 {
        note("then 2");
    }
    i
}

#[test]
fn temporaries_of_conditions_and_of_values_built_around_an_await() {
    assert_equivalent(
        |l| with(l, temporary_built_around_an_await),
        |l| with(l, temporary_built_around_an_await_rustc),
    );
    for k in [0, 2, 3] {
        assert_equivalent(
            |l| with(l, || condition_temporaries(k)),
            |l| with(l, || condition_temporaries_rustc(k)),
        );
    }
}

// Found by the generator: a field of a value (`(Holder { .. }).n`) made before a later `.await`
// of the same statement, in a macro's arguments or an array, is a temporary to the end of the
// statement; it was dropped when its field was read.
#[visible_async(compiler = field_of_a_value_before_an_await_in_format_rustc)]
async fn field_of_a_value_before_an_await_in_format(p: u32) {
    note(format!(
        "{}-{}",
        (Holder {
            d: D::new("h"),
            n: p
        })
        .n,
        lv("later", 1, false).await
    ));
}

#[visible_async(compiler = field_of_a_value_before_an_awaited_index_rustc)]
async fn field_of_a_value_before_an_awaited_index() -> u32 {
    let v = [
        lv("first", 1, 3_u32).await,
        (Holder {
            d: D::new("h"),
            n: 2_u32,
        })
        .n,
    ][lv("index", 1, 1_usize).await];
    // A tuple's field: its parentheses are the tuple's.
    let w = [(8_u32, false).0, lv("second", 1, 1_u32).await][0];
    v + w
}

#[test]
fn a_field_of_a_value_made_before_an_await() {
    assert_equivalent(
        |l| with(l, || field_of_a_value_before_an_await_in_format(3)),
        |l| with(l, || field_of_a_value_before_an_await_in_format_rustc(3)),
    );
    assert_equivalent(
        |l| with(l, field_of_a_value_before_an_awaited_index),
        |l| with(l, field_of_a_value_before_an_awaited_index_rustc),
    );
}

// Found by the generator: a temporary made before an `.await` inside an awaited expression
// (`t` before `val(1, 3).await`, inside the future `lv("outer", ..)` awaits) ends with its
// statement, also when the statement resumes at the outer `.await`; it lived into the next one.
#[visible_async(compiler = temporary_inside_an_awaited_future_with_an_await_rustc)]
async fn temporary_inside_an_awaited_future_with_an_await() {
    let _d = D::new("d");
    assert_eq!(
        lv(
            "outer",
            1,
            D::new("t").len().checked_sub(0).unwrap_or(val(1, 3).await)
        )
        .await,
        1
    );
    let _next = lv("next", 1, true).await;
}

#[test]
fn a_temporary_inside_an_awaited_future_that_awaits() {
    assert_equivalent(
        |l| with(l, temporary_inside_an_awaited_future_with_an_await),
        |l| with(l, temporary_inside_an_awaited_future_with_an_await_rustc),
    );
}

// Found by the generator: a value made by resumed code and used in place, with an `.await`
// later in the statement (or the `.await` of the future it is part of), is a temporary to the
// end of the statement: a value built around an `.await` whose field is read, a borrowed
// awaited value.
#[visible_async(compiler = resumed_values_used_in_place_rustc)]
async fn resumed_values_used_in_place() -> u32 {
    note(format!(
        "{} {}",
        13_u32,
        lv("outer", 1, D::len(&val(1, D::new("received")).await)).await
    ));
    let x = (Holder {
        d: D::new("h"),
        n: lv("a", 1, 2_u32).await,
    })
    .n + lv("b", 1, 3_u32).await;
    let y = ((Holder {
        d: D::new("i"),
        n: lv("c", 1, 2_u32).await,
    })
    .n)
        .wrapping_add(lv("d", 1, 3_u32).await);
    x + y
}

#[test]
fn values_made_by_resumed_code_used_in_place() {
    assert_equivalent(
        |l| with(l, resumed_values_used_in_place),
        |l| with(l, resumed_values_used_in_place_rustc),
    );
}

// Found by the generator: a `for` head's temporaries live to the end of the loop (rustc
// matches on the iterator): one in a macro's arguments before an `.await` there was missing
// from the states of the body's `.await`s (E0063) and was not dropped at the loop's end.
#[visible_async(compiler = for_head_temporary_in_a_macro_rustc)]
#[allow(clippy::useless_vec)] // a macro's arguments: that is the case
async fn for_head_temporary_in_a_macro(v: Vec<u32>) -> u32 {
    let mut t = 0;
    for x in vec![
        (Holder {
            d: D::new("head"),
            n: 8,
        })
        .n,
        v[(async move { 1_usize }.await) % v.len()],
    ] {
        t += lv("body", 1, x).await;
    }
    note("after the loop");
    t
}

#[test]
fn a_for_head_temporary_in_a_macro() {
    assert_equivalent(
        |l| with(l, || for_head_temporary_in_a_macro(vec![1, 2])),
        |l| with(l, || for_head_temporary_in_a_macro_rustc(vec![1, 2])),
    );
}

// Found by the generator: a `let .. else` drops its initializer's temporaries before the
// `else` block runs; held across an `.await` in the initializer, they were dropped only after
// the `else` block had started (and suspended).
#[visible_async(compiler = let_else_temporaries_before_else_rustc)]
async fn let_else_temporaries_before_else(sub: u32) -> u32 {
    let Some(n) = (Holder {
        d: D::new("scrutinee"),
        n: 7,
    })
    .n
    .checked_sub(lv("sub", 1, sub).await) else {
        note("else");
        return lv("in else", 1, 0).await;
    };
    note("matched");
    n + lv("after", 1, 1).await
}

#[test]
fn let_else_drops_temporaries_before_the_else_block() {
    for sub in [3, 9] {
        assert_equivalent(
            |l| with(l, || let_else_temporaries_before_else(sub)),
            |l| with(l, || let_else_temporaries_before_else_rustc(sub)),
        );
    }
}

// Found by the generator: an `else` block that makes an `async` block, after an initializer
// that can finish in more than one way, is written once, after a join point (each copy would
// be a type of its own: E0308).
#[visible_async(compiler = let_else_after_branching_init_rustc)]
async fn let_else_after_branching_init(c: bool, sub: u32) -> u32 {
    let kept = D::new("kept");
    let Some(n) = (if c {
        lv("then", 1, 7_u32).await
    } else {
        lv("else", 2, 5_u32).await
    })
    .checked_sub(sub) else {
        note("no value");
        return async move { lv("in block", 1, 2_u32).await }.await + kept.len() as u32;
    };
    n + lv("after", 1, 1).await
}

#[test]
fn let_else_block_written_once_after_a_branching_init() {
    for (c, sub) in [(true, 3), (false, 9), (true, 9), (false, 1)] {
        assert_equivalent(
            |l| with(l, || let_else_after_branching_init(c, sub)),
            |l| with(l, || let_else_after_branching_init_rustc(c, sub)),
        );
    }
}

// Found by the generator: each operand of `&&` and `||` is a scope of its own; the
// temporaries it holds across its `.await` drop when it ends. They were held to the end of
// the statement, in a field that the path where the operand did not run lacks (E0559).
#[visible_async(compiler = lazy_operand_temporaries_rustc)]
async fn lazy_operand_temporaries(a: u32) -> bool {
    let n = 1;
    lv(
        "outer",
        1,
        ((Holder {
            d: D::new("in left"),
            n: 1,
        })
        .n + lv("left", 1, a).await
            > 2)
            || n != (Holder {
                d: D::new("in right"),
                n: 3,
            })
            .n + lv("right", 1, a).await,
    )
    .await
}

#[test]
fn lazy_operands_end_their_temporaries() {
    for a in [0, 1, 5] {
        assert_equivalent(
            |l| with(l, || lazy_operand_temporaries(a)),
            |l| with(l, || lazy_operand_temporaries_rustc(a)),
        );
    }
}

// Found by the generator: a loop whose body makes an `async` block is written at the join
// point at its head, after the arms of the body's `.await`s; those arms did not know yet that
// their state holds the head's temporary, and left it out of the next state (E0063/E0559).
// The lowering runs again with the states the previous round found.
#[visible_async(compiler = for_head_temporary_with_a_joined_body_rustc)]
#[allow(clippy::useless_vec)] // a macro's arguments: that is the case
async fn for_head_temporary_with_a_joined_body(v: Vec<u32>) -> u32 {
    pend(1).await;
    let mut t = 0;
    for x in vec![
        (Holder {
            d: D::new("head"),
            n: 8,
        })
        .n,
        v[(async move { 1_usize }.await) % v.len()],
    ] {
        t += lv("body", 1, async move { x }.await).await;
        note("end of iteration");
    }
    note("after the loop");
    t
}

#[test]
fn a_for_head_temporary_with_a_joined_body() {
    assert_equivalent(
        |l| with(l, || for_head_temporary_with_a_joined_body(vec![1, 2])),
        |l| {
            with(l, || {
                for_head_temporary_with_a_joined_body_rustc(vec![1, 2])
            })
        },
    );
}

// Found by the generator: a temporary in a `for` head (a struct literal whose field is read)
// lives to the end of the loop, across the body's `.await`s; made after an `.await` in the
// head, it was dropped when the iterator had been made.
#[visible_async(compiler = for_head_struct_temporary_rustc)]
async fn for_head_struct_temporary(n: u32) -> u32 {
    let mut t = 0;
    for i in 0..(Holder {
        d: D::new("head"),
        n: lv("n", 1, n).await,
    })
    .n
    {
        t += lv("body", 1, i).await;
    }
    note("after the loop");
    t
}

#[test]
fn a_for_head_struct_temporary_lives_to_the_end_of_the_loop() {
    for n in [0, 2] {
        assert_equivalent(
            |l| with(l, || for_head_struct_temporary(n)),
            |l| with(l, || for_head_struct_temporary_rustc(n)),
        );
    }
}

// Found by the generator: a `for` head with a `match` whose arm awaits, on a method call of a
// temporary (`match D::new(..).maybe()`): the arm of the body's `.await` did not count the
// scrutinee's temporary among the head's, and left it out of the next state (E0063).
#[visible_async(compiler = for_head_match_on_a_temporary_rustc)]
async fn for_head_match_on_a_temporary(p: u32) -> u32 {
    let mut t = 0;
    for i in 0_u32..((match D::new("scrutinee").len() {
        9 => {
            pend(1).await;
            p
        }
        n => n as u32,
    }) % 4)
    {
        t += lv("body", 1, i).await;
    }
    t
}

#[test]
fn a_for_head_match_on_a_temporary() {
    assert_equivalent(
        |l| with(l, || for_head_match_on_a_temporary(1)),
        |l| with(l, || for_head_match_on_a_temporary_rustc(1)),
    );
}

// ----- awaited values as receivers ---------------------------------------------------------

/// A counter made by an `async fn`, with a method that awaits through `&mut self`.
struct Counter(D, u32);

impl Counter {
    async fn bump(&mut self) -> u32 {
        pend(1).await;
        self.1 += 1;
        self.1
    }
    fn name(&self) -> &D {
        &self.0
    }
}

async fn make_counter(name: &'static str) -> Counter {
    pend(1).await;
    Counter(D::new(name), 1)
}

async fn length_of(d: &D) -> usize {
    pend(1).await;
    d.len()
}

// An awaited value borrowed as a receiver is a temporary of its statement: rustc keeps it to
// the end of the statement, across the later `.await`s, which may borrow it
// (`make().await.bump().await` borrows it for `bump`'s future).
#[visible_async(compiler = awaited_receiver_of_an_awaited_method_rustc)]
async fn awaited_receiver_of_an_awaited_method() -> u32 {
    let a = make_counter("c1").await.bump().await;
    make_counter("c2").await.bump().await;
    a
}

#[visible_async(compiler = awaited_receiver_borrowed_by_the_future_rustc)]
async fn awaited_receiver_borrowed_by_the_future() -> usize {
    let n = length_of(make_counter("c").await.name()).await;
    note("after");
    n
}

#[visible_async(compiler = awaited_receiver_before_an_await_rustc)]
async fn awaited_receiver_before_an_await() -> usize {
    let n = val(1, make_counter("c1").await.name().len()).await + 1;
    let m = make_counter("c2").await.name().len() + lv("x", 1, 2_usize).await;
    n + m
}

#[visible_async(compiler = awaited_receiver_consumed_rustc, consumes(consume))]
async fn awaited_receiver_consumed() -> usize {
    let n = val(1, val(1, D::new("d")).await.consume()).await;
    note("after");
    n
}

#[test]
fn awaited_values_as_receivers_live_to_the_end_of_the_statement() {
    assert_equivalent(
        |l| with(l, awaited_receiver_of_an_awaited_method),
        |l| with(l, awaited_receiver_of_an_awaited_method_rustc),
    );
    assert_equivalent(
        |l| with(l, awaited_receiver_borrowed_by_the_future),
        |l| with(l, awaited_receiver_borrowed_by_the_future_rustc),
    );
    assert_equivalent(
        |l| with(l, awaited_receiver_before_an_await),
        |l| with(l, awaited_receiver_before_an_await_rustc),
    );
    assert_equivalent(
        |l| with(l, awaited_receiver_consumed),
        |l| with(l, awaited_receiver_consumed_rustc),
    );
}

// Found by the generator: an awaited receiver inside an index inside `format!`'s arguments,
// with a later `.await` in the arguments. The `format!` call ends its arguments' temporaries;
// the held receiver was not registered where the index was read again, so it lived on to
// the end of the resumed code.
#[visible_async(compiler = awaited_receiver_in_a_format_index_rustc)]
async fn awaited_receiver_in_a_format_index(v: Vec<u32>) -> usize {
    note(format!(
        "{} {}",
        v[val(1, D::new("t")).await.len() % v.len()],
        lv("x", 2, 5_usize).await
    ));
    pend(1).await;
    v.len()
}

#[test]
fn an_awaited_receiver_in_an_index_in_format_args_drops_with_the_call() {
    assert_equivalent(
        |l| with(l, || awaited_receiver_in_a_format_index(vec![1, 2, 3])),
        |l| {
            with(l, || {
                awaited_receiver_in_a_format_index_rustc(vec![1, 2, 3])
            })
        },
    );
}

// Found by the generator (seed 2026): what a resumed scrutinee or `for` head makes in place
// lives to the end of the `match` or the loop, across the `.await`s of its guards and body.
#[visible_async(compiler = awaited_scrutinee_receiver_across_a_guard_rustc)]
async fn awaited_scrutinee_receiver_across_a_guard(n: usize) -> u32 {
    match val(1, D::new("t")).await.len() {
        5 => 1,
        k if lv("guard", 1, k + n > 1).await => 2,
        _ => 3,
    }
}

#[allow(clippy::useless_vec)] // the temporary is in a macro's arguments
#[visible_async(compiler = resumed_for_head_temporary_across_the_body_rustc)]
async fn resumed_for_head_temporary_across_the_body() -> u32 {
    let mut total = 0;
    for x in vec![(D::new("h"), val(1, 2_u32).await).1, 3] {
        total += lv("x", 1, x).await;
    }
    total
}

// The same temporary reaches a loop's join point from the head's resume code and from the
// loop's own back edge, which is lowered first: the join's state holds it on both.
#[allow(clippy::useless_vec)] // the temporary is in a macro's arguments
#[visible_async(compiler = head_temporary_at_a_join_in_the_body_rustc)]
async fn head_temporary_at_a_join_in_the_body() -> u32 {
    let mut total = 0;
    for x in vec![[7_u32, val(2, 10_u32).await][0], (D::new("h"), 12_u32).1] {
        let mut n = 0_u32;
        loop {
            n += 1;
            if n > 2 {
                break;
            }
            if async { true }.await {
                total += 1;
            }
        }
        total += lv("x", 1, x).await;
    }
    total
}

// `matches!` inside `format!`: the temporaries held across its `.await` drop with the
// `format!` call, not at the end of the enclosing statement.
#[visible_async(compiler = matches_inside_format_rustc)]
async fn matches_inside_format() -> usize {
    note(format!(
        "{} {}",
        val(1, 1).await,
        format!("{}", matches!(lv("m", 1, D::new("t").len()).await, 1)).len()
    ));
    pend(1).await;
    1
}

// A `?` in an operand before a later one's temporaries: it leaves before they are made.
#[visible_async(compiler = try_before_a_later_operands_temporary_rustc)]
async fn try_before_a_later_operands_temporary(first: Option<u32>) -> Option<u32> {
    note(format!(
        "{} {}",
        (val(1, first).await?).wrapping_add(u32::from(D::new("t").len() > 0)),
        lv("x", 1, 2).await
    ));
    Some(1)
}

#[test]
fn temporaries_made_in_place_by_resumed_code_live_as_long_as_rustc_keeps_them() {
    for n in [0, 1, 2] {
        assert_equivalent(
            |l| with(l, || awaited_scrutinee_receiver_across_a_guard(n)),
            |l| with(l, || awaited_scrutinee_receiver_across_a_guard_rustc(n)),
        );
    }
    assert_equivalent(
        |l| with(l, resumed_for_head_temporary_across_the_body),
        |l| with(l, resumed_for_head_temporary_across_the_body_rustc),
    );
    assert_equivalent(
        |l| with(l, head_temporary_at_a_join_in_the_body),
        |l| with(l, head_temporary_at_a_join_in_the_body_rustc),
    );
    assert_equivalent(
        |l| with(l, matches_inside_format),
        |l| with(l, matches_inside_format_rustc),
    );
    for first in [None, Some(3)] {
        assert_equivalent(
            |l| with(l, || try_before_a_later_operands_temporary(first)),
            |l| with(l, || try_before_a_later_operands_temporary_rustc(first)),
        );
    }
}

// Found by the generator (seed 2026): an operand whose `.await` runs on some paths only
// (`c || f().await`), inside a value used in place across a later `.await`. The value is
// held on both paths, and the operands before the conditional one are still there to be
// kept if it suspends.
#[visible_async(compiler = conditional_await_inside_a_held_tuple_rustc)]
async fn conditional_await_inside_a_held_tuple(c: bool) -> bool {
    lv("outer", 2, (2_u32, (c || lv("inner", 1, false).await)).1).await
}

#[visible_async(compiler = conditional_await_after_a_moved_operand_rustc)]
async fn conditional_await_after_a_moved_operand(c: bool) -> bool {
    lv(
        "outer",
        2,
        (D::new("t"), (c || lv("inner", 1, false).await)).1,
    )
    .await
}

#[test]
fn an_operand_that_suspends_on_some_paths_keeps_what_comes_before_it() {
    for c in [false, true] {
        assert_equivalent(
            |l| with(l, || conditional_await_inside_a_held_tuple(c)),
            |l| with(l, || conditional_await_inside_a_held_tuple_rustc(c)),
        );
        assert_equivalent(
            |l| with(l, || conditional_await_after_a_moved_operand(c)),
            |l| with(l, || conditional_await_after_a_moved_operand_rustc(c)),
        );
    }
}

// Found by the generator (seed 7): a `return` whose value awaits, in a block with locals of
// its own. Its temporaries, taken from the state by the resume code, were bound outside that
// block, so returning dropped them after its locals; rustc drops a statement's temporaries
// first.
#[visible_async(compiler = return_that_awaits_in_a_block_with_locals_rustc)]
async fn return_that_awaits_in_a_block_with_locals(c: bool) -> usize {
    let d = D::new("d");
    if c {
        let e = D::new("e");
        return (D::new("t").len()).max(lv("x", 1, e.len()).await);
    }
    d.len()
}

#[test]
fn a_returning_statement_drops_its_temporaries_before_the_blocks_locals() {
    for c in [false, true] {
        assert_equivalent(
            |l| with(l, || return_that_awaits_in_a_block_with_locals(c)),
            |l| with(l, || return_that_awaits_in_a_block_with_locals_rustc(c)),
        );
    }
}

// ----- temporaries of a `for` loop's head ---------------------------------------------------------

// Found by the generator (seed 11): what a `for` head makes in place lives to the end of the
// loop (rustc's `match` on the iterator), across the `.await`s of its body; it was dropped
// when the iterator was made.
#[visible_async(compiler = for_head_temporaries_live_through_the_loop_rustc)]
async fn for_head_temporaries_live_through_the_loop() -> u32 {
    let mut total = 0;
    for x in [
        D::new("a").len() as u32,
        (Holder {
            d: D::new("h"),
            n: 2,
        })
        .n,
    ] {
        pend(1).await;
        total += x;
    }
    note("after");
    total
}

#[test]
fn temporaries_of_a_for_head_live_until_the_loop_ends() {
    assert_equivalent(
        |l| with(l, for_head_temporaries_live_through_the_loop),
        |l| with(l, for_head_temporaries_live_through_the_loop_rustc),
    );
}

// ----- evaluation order around kept temporaries -------------------------------------------------

// Found by the generator (seed 11): keeping a later operand's temporary to the end of the
// statement made it before the operands to its left ran (`new t` before `new d`).
#[visible_async(compiler = kept_temporary_after_a_consumed_operand_rustc, consumes(consume))]
#[allow(clippy::nonminimal_bool)]
async fn kept_temporary_after_a_consumed_operand() -> bool {
    val(0, D::new("d").consume() < D::new("t").len()).await
}

#[visible_async(compiler = kept_temporary_after_a_call_argument_rustc)]
async fn kept_temporary_after_a_call_argument() -> usize {
    fn pair(a: D, n: usize) -> usize {
        a.len() + n
    }
    val(1, pair(D::new("a"), D::new("bb").len())).await
}

// Found by the generator (seed 11): a temporary inside an index kept across a later `.await`
// of the statement was never made (E0425 inside the expansion).
#[visible_async(compiler = temporary_in_an_index_before_an_await_rustc)]
async fn temporary_in_an_index_before_an_await(v: Vec<u32>, s: String) -> String {
    format!(
        "{} {}",
        v[D::new("t").len() % v.len()],
        val(1, s.len()).await
    )
}

#[test]
fn operands_run_in_order_around_kept_temporaries() {
    assert_equivalent(
        |l| with(l, kept_temporary_after_a_consumed_operand),
        |l| with(l, kept_temporary_after_a_consumed_operand_rustc),
    );
    assert_equivalent(
        |l| with(l, kept_temporary_after_a_call_argument),
        |l| with(l, kept_temporary_after_a_call_argument_rustc),
    );
    assert_equivalent(
        |l| {
            with(l, || {
                temporary_in_an_index_before_an_await(vec![1, 2, 3], "s".into())
            })
        },
        |l| {
            with(l, || {
                temporary_in_an_index_before_an_await_rustc(vec![1, 2, 3], "s".into())
            })
        },
    );
}
