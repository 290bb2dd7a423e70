//! Equivalence of `#[visible_async]` with the compiler's `async fn`: `.await` inside the
//! arguments of standard macros (`format!`, `println!`, `write!`, `assert!`, `vec!`, `dbg!`,
//! `matches!`).

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
    clippy::redundant_pattern_matching,
    clippy::eq_op
)]

#[path = "equivalence/common.rs"]
mod common;

use common::{ev, val};
use core::fmt::Write as _;
use visible_async::harness::{Log, Noisy, assert_equivalent};
use visible_async::visible_async;

// ----- macros ---------------------------------------------------------------------------------

// ----- cases the transform does not compile yet (see the `ignore` reasons) ------------------

#[visible_async(compiler = format_with_temporary_rustc)]
async fn format_with_temporary(log: Log) {
    log.push(format!(
        "{}{}",
        Noisy::new(&log, "t").name().len(),
        ev(&log, "a", 1).await
    ));
    log.push("next statement");
}

#[test]
fn format_with_a_temporary_before_an_await() {
    assert_equivalent(format_with_temporary, format_with_temporary_rustc);
}

#[visible_async(compiler = format_in_push_rustc)]
async fn format_in_push(log: Log) -> usize {
    log.push(format!("got {}", ev(&log, "a", 1).await));
    log.push(format!(
        "got {:>5}|{:?}",
        ev(&log, "b", 2).await,
        ev(&log, "c", "c").await
    ));
    log.entries().len()
}

#[test]
fn format_nested_in_a_method_argument() {
    assert_equivalent(format_in_push, format_in_push_rustc);
}

#[visible_async(compiler = matches_macro_rustc)]
async fn matches_macro(log: Log) -> (bool, bool) {
    let a = matches!(ev(&log, "a", Some(3)).await, Some(x) if x > 2);
    let b = matches!(ev(&log, "b", 5).await, 1..=4 | 6);
    (a, b)
}

#[test]
fn matches_macro_with_awaited_scrutinee() {
    assert_equivalent(matches_macro, matches_macro_rustc);
}

#[visible_async(compiler = dbg_macro_rustc)]
async fn dbg_macro(log: Log) -> (u32, (u32, u32)) {
    let a = dbg!(ev(&log, "a", 1).await);
    let b = dbg!(val(&log, "b", 2), ev(&log, "c", 3).await);
    (a, b)
}

#[test]
fn dbg_macro_with_awaits() {
    assert_equivalent(dbg_macro, dbg_macro_rustc);
}

#[visible_async(compiler = vec_macro_rustc)]
async fn vec_macro(log: Log) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let a = vec![
        ev(&log, "a", 1).await,
        val(&log, "b", 2),
        ev(&log, "c", 3).await,
    ];
    let b = vec![ev(&log, "rep", 9).await; 3];
    let c = vec![0; ev(&log, "len", 2).await];
    (a, b, c)
}

#[test]
fn vec_macro_list_and_repeat_forms() {
    assert_equivalent(vec_macro, vec_macro_rustc);
}

#[visible_async(compiler = assert_message_await_rustc)]
async fn assert_message_await(log: Log) -> u32 {
    assert!(
        val(&log, "cond", true),
        "never shown {}",
        ev(&log, "message", 1).await
    );
    assert_eq!(1, 1, "never shown either {}", ev(&log, "message2", 2).await);
    3
}

#[test]
fn await_in_an_assert_message_runs_only_on_failure() {
    assert_equivalent(assert_message_await, assert_message_await_rustc);
}

#[visible_async(compiler = write_macro_rustc)]
async fn write_macro(log: Log) -> String {
    let mut s = String::new();
    write!(s, "{}", ev(&log, "w1", 1).await).unwrap();
    writeln!(s, "-{}-{}", val(&log, "w2", 2), ev(&log, "w3", 3).await).unwrap();
    s
}

#[test]
fn write_and_writeln_with_awaits() {
    assert_equivalent(write_macro, write_macro_rustc);
}

#[visible_async(compiler = assert_fails_rustc)]
async fn assert_fails(log: Log) -> u32 {
    let _g = Noisy::new(&log, "g");
    assert_eq!(
        ev(&log, "l", 4).await,
        ev(&log, "r", 5).await,
        "left {} right {}",
        4,
        5
    );
    1
}

#[test]
fn failing_assert_eq_with_awaited_operands() {
    assert_equivalent(assert_fails, assert_fails_rustc);
}

#[visible_async(compiler = assert_macros_rustc)]
async fn assert_macros(log: Log) -> u32 {
    assert!(ev(&log, "cond", true).await);
    assert!(ev(&log, "cond2", 3).await > 2, "message {}", 1);
    assert_eq!(ev(&log, "l", 4).await, val(&log, "r", 4));
    assert_ne!(val(&log, "l2", 4), ev(&log, "r2", 5).await);
    debug_assert_eq!(ev(&log, "d", 1).await, 1);
    7
}

#[test]
fn assertions_with_awaits_that_pass() {
    assert_equivalent(assert_macros, assert_macros_rustc);
}

#[visible_async(compiler = print_macros_rustc)]
async fn print_macros(log: Log) -> u32 {
    println!(
        "value {} and {}",
        ev(&log, "p1", 1).await,
        ev(&log, "p2", 2).await
    );
    eprintln!("err {}", ev(&log, "e", 3).await);
    print!("{}", ev(&log, "np", 4).await);
    println!();
    5
}

#[test]
fn println_eprintln_print_with_awaits() {
    assert_equivalent(print_macros, print_macros_rustc);
}

#[visible_async(compiler = format_macro_rustc)]
async fn format_macro(log: Log) -> String {
    let name = "n";
    let s = format!(
        "{}-{}-{name}-{x}",
        ev(&log, "a", 1).await,
        val(&log, "b", 2),
        x = ev(&log, "x", 3).await
    );
    log.push(s.clone());
    s
}

#[test]
fn format_with_awaits_and_named_and_captured_arguments() {
    assert_equivalent(format_macro, format_macro_rustc);
}

#[path = "equivalence/ambient.rs"]
mod ambient;

/// An `async` block or closure must be written once in the expansion, or each copy would be a
/// type of its own (E0308 "a different `async` block"): in a macro's arguments inside a loop
/// (a loop-head join state), in the `then` block of an `if l && r.await`, in the branches
/// of an `if` or the body of a `while` whose condition awaits more than once, and in the
/// condition of a `while` (a loop-head join state too).
mod async_blocks_made_once {
    use super::ambient::{lv, note, pend, val, with};
    use visible_async::harness::assert_equivalent;
    use visible_async::visible_async;

    #[visible_async(compiler = in_format_rustc)]
    async fn in_format() {
        for i in 0..2u32 {
            note(format!(
                "{}",
                async move {
                    pend(1).await;
                    i
                }
                .await
            ));
        }
    }

    #[visible_async(compiler = closure_in_format_rustc)]
    async fn closure_in_format() -> usize {
        let mut total = 0;
        for i in 0..2usize {
            total += format!("{}-{}", val(1, i).await, (|x: usize| x + i)(1)).len();
        }
        total
    }

    #[test]
    fn an_async_block_awaited_in_format_args_in_a_loop() {
        assert_equivalent(|l| with(l, in_format), |l| with(l, in_format_rustc));
        assert_equivalent(
            |l| with(l, closure_in_format),
            |l| with(l, closure_in_format_rustc),
        );
    }

    #[visible_async(compiler = after_an_awaiting_and_rustc)]
    async fn after_an_awaiting_and(c: bool) -> usize {
        if c && val(1, true).await {
            let n = val(1, async move { 6_usize }.await).await;
            return n;
        }
        1
    }

    #[visible_async(compiler = while_an_awaiting_and_rustc)]
    async fn while_an_awaiting_and(limit: u32) -> usize {
        let mut w = 0_u32;
        let mut total = 0;
        while w < limit && val(1, true).await {
            w += 1;
            total += async move { 12_usize }.await;
        }
        total
    }

    #[visible_async(compiler = branches_of_a_twice_awaiting_condition_rustc)]
    async fn branches_of_a_twice_awaiting_condition(c: bool) -> usize {
        let n = if (val(1, c).await || val(1, true).await) && lv("x", 1, c).await {
            note("then");
            async move { 1 }.await
        } else if val(1, c).await {
            2
        } else {
            note("else");
            val(1, async move { 3 }.await).await
        };
        n
    }

    #[visible_async(compiler = body_of_a_twice_awaiting_while_rustc)]
    async fn body_of_a_twice_awaiting_while(limit: u32) -> usize {
        let mut i = 0;
        let mut n = 0;
        'outer: while val(1, i < limit).await && val(1, true).await {
            i += 1;
            if i == 2 {
                continue 'outer;
            }
            n += async move { 1 }.await;
        }
        n
    }

    #[visible_async(compiler = async_block_in_a_while_condition_rustc)]
    async fn async_block_in_a_while_condition(limit: u32) -> u32 {
        let mut w = 0_u32;
        while w < limit
            && async move {
                note("condition");
                val(1, true).await
            }
            .await
        {
            w += 1;
            if w == 2 {
                continue;
            }
            pend(1).await;
        }
        w
    }

    #[test]
    fn an_async_block_after_a_condition_that_awaits_twice() {
        for limit in [0, 1, 3] {
            assert_equivalent(
                |l| with(l, || async_block_in_a_while_condition(limit)),
                |l| with(l, || async_block_in_a_while_condition_rustc(limit)),
            );
        }
        for c in [true, false] {
            assert_equivalent(
                |l| with(l, || branches_of_a_twice_awaiting_condition(c)),
                |l| with(l, || branches_of_a_twice_awaiting_condition_rustc(c)),
            );
        }
        for limit in [0, 1, 3] {
            assert_equivalent(
                |l| with(l, || body_of_a_twice_awaiting_while(limit)),
                |l| with(l, || body_of_a_twice_awaiting_while_rustc(limit)),
            );
        }
    }

    #[test]
    fn an_async_block_in_the_then_block_of_an_awaiting_and() {
        for c in [true, false] {
            assert_equivalent(
                |l| with(l, || after_an_awaiting_and(c)),
                |l| with(l, || after_an_awaiting_and_rustc(c)),
            );
        }
        for limit in [0, 3] {
            assert_equivalent(
                |l| with(l, || while_an_awaiting_and(limit)),
                |l| with(l, || while_an_awaiting_and_rustc(limit)),
            );
        }
    }
}

/// `?` and `return` in the arguments of a known macro leave the future, as in the body.
mod control_flow_in_arguments {
    use super::ambient::{D, val, with};
    use visible_async::harness::assert_equivalent;
    use visible_async::visible_async;

    #[visible_async(compiler = question_mark_in_vec_rustc)]
    #[allow(clippy::needless_late_init)] // assigned in both branches: that is the case
    async fn question_mark_in_vec(input: Option<u32>) -> Option<u32> {
        let v: Vec<u32>;
        if D::new("c").len() > 0 {
            v = vec![input.map(|n| n + u32::try_from(D::new("t").len()).unwrap_or(0))?];
        } else {
            v = vec![1];
        }
        Some(v[val(1, 4_usize).await % v.len()])
    }

    #[visible_async(compiler = return_in_format_rustc)]
    #[allow(unreachable_code)] // the `return` leaves before the string is made: that is the case
    async fn return_in_format(early: bool) -> usize {
        val(1, ()).await;
        let s = format!("{}", if early { return 1 } else { 2 });
        s.len() + val(1, 3).await
    }

    #[test]
    fn question_mark_and_return_in_macro_arguments() {
        for input in [Some(3), None] {
            assert_equivalent(
                |l| with(l, || question_mark_in_vec(input)),
                |l| with(l, || question_mark_in_vec_rustc(input)),
            );
        }
        for early in [true, false] {
            assert_equivalent(
                |l| with(l, || return_in_format(early)),
                |l| with(l, || return_in_format_rustc(early)),
            );
        }
    }
}

/// `assert!`'s message arguments are evaluated only when the assertion fails, `.await`s
/// included.
mod assert_messages {
    use super::ambient::{D, lv, note, pend, val, with};
    use visible_async::harness::assert_equivalent;
    use visible_async::visible_async;

    #[visible_async(compiler = awaiting_message_rustc)]
    async fn awaiting_message(v: Vec<u32>) -> u32 {
        assert!(
            v[val(0, 1usize).await] > 0,
            "a8 {}",
            lv("e9", 2, 17u32).await
        );
        13
    }

    #[visible_async(compiler = failing_with_an_awaiting_message_rustc)]
    async fn failing_with_an_awaiting_message(v: Vec<u32>) -> u32 {
        assert!(v.is_empty(), "a8 {}", lv("e9", 2, 17u32).await);
        13
    }

    #[visible_async(compiler = debug_assert_with_an_awaiting_message_rustc)]
    async fn debug_assert_with_an_awaiting_message(v: Vec<u32>) -> u32 {
        debug_assert!(v.is_empty(), "a8 {}", lv("e9", 1, 17u32).await);
        13
    }

    #[visible_async(compiler = failing_assert_eq_rustc)]
    async fn failing_assert_eq(v: Vec<u32>) -> u32 {
        assert_eq!(v.len(), 3, "length {}", lv("e9", 1, 17u32).await);
        13
    }

    #[visible_async(compiler = failing_assert_ne_rustc)]
    async fn failing_assert_ne(v: Vec<u32>) -> u32 {
        assert_ne!(v[0], 1, "first {}", lv("e9", 1, 17u32).await);
        13
    }

    #[test]
    fn assert_message_arguments_run_only_on_failure() {
        let v = || vec![1, 2];
        let comparison = assert_equivalent(
            |l| with(l, || awaiting_message(v())),
            |l| with(l, || awaiting_message_rustc(v())),
        );
        assert_eq!(comparison.compiler.run.polls, 1);
        assert_equivalent(
            |l| with(l, || failing_with_an_awaiting_message(v())),
            |l| with(l, || failing_with_an_awaiting_message_rustc(v())),
        );
        assert_equivalent(
            |l| with(l, || debug_assert_with_an_awaiting_message(v())),
            |l| with(l, || debug_assert_with_an_awaiting_message_rustc(v())),
        );
        // The panic messages are compared too: std's, with the message.
        assert_equivalent(
            |l| with(l, || failing_assert_eq(v())),
            |l| with(l, || failing_assert_eq_rustc(v())),
        );
        assert_equivalent(
            |l| with(l, || failing_assert_ne(v())),
            |l| with(l, || failing_assert_ne_rustc(v())),
        );
        for c in [true, false] {
            assert_equivalent(
                |l| with(l, || assert_in_a_format_argument(c)),
                |l| with(l, || assert_in_a_format_argument_rustc(c)),
            );
        }
    }

    // Found by the generator: an `assert!` in a block in another macro's arguments evaluated
    // its message whether or not it failed.
    #[visible_async(compiler = assert_in_a_format_argument_rustc)]
    async fn assert_in_a_format_argument(c: bool) -> String {
        format!("{}", {
            assert!(val(1, c).await, "message {}", lv("message", 1, 1_u32).await);
            5
        })
    }

    // Found by the generator (seed 11): what the message moves (`p.consume()`) is moved only
    // when the assertion fails; the parameter was dropped at the condition's `.await`, as if
    // moved, instead of at the end of the body.
    #[visible_async(compiler = message_moving_a_parameter_rustc, consumes(consume))]
    async fn message_moving_a_parameter(p: D) -> usize {
        assert!(val(1, 3_u32).await > 1, "a3 {}", p.consume());
        note("after");
        pend(1).await;
        2
    }

    #[test]
    fn a_message_moves_only_when_the_assertion_fails() {
        assert_equivalent(
            |l| with(l, || message_moving_a_parameter(D("p"))),
            |l| with(l, || message_moving_a_parameter_rustc(D("p"))),
        );
    }
}

// Found by the generator: an `if` whose condition awaits only in a known macro's arguments
// (`assert_eq!(f().await, ..)`), with an `async` block in its branch: the condition was not
// seen to await, so it was not bound first, and the branch was written once per way the
// condition finishes (two types for one `async` block: E0308).
#[visible_async(compiler = condition_awaiting_in_a_macro_rustc)]
#[allow(clippy::blocks_in_conditions)] // a block in the condition: that is the case
async fn condition_awaiting_in_a_macro(log: Log, n: u32) -> u32 {
    let mut t = 0;
    if {
        let mut i = 0_u32;
        loop {
            i += 1;
            if i > n {
                break true;
            }
            assert_ne!(ev(&log, "in the condition", i).await, 0, "never");
        }
    } {
        let inner = log.clone();
        t += async move { ev(&inner, "in the block", 5_u32).await }.await;
    }
    t
}

#[test]
fn a_condition_that_awaits_in_a_macro() {
    for n in [0, 2] {
        assert_equivalent(
            move |log| condition_awaiting_in_a_macro(log, n),
            move |log| condition_awaiting_in_a_macro_rustc(log, n),
        );
    }
}

// Found by the generator: a loop that awaits, in a statement that makes an `async` block after
// it (here in `format!`'s arguments): the code after a `break` out of the loop was written in
// the arm that entered the loop and in the arm of its `.await` (two types for one `async`
// block: E0308). The loop now starts from a join point at its head, so that code exists once.
#[visible_async(compiler = loop_then_async_block_in_one_statement_rustc)]
async fn loop_then_async_block_in_one_statement(log: Log, n: u32) -> usize {
    let inner = log.clone();
    format!(
        "{} {}",
        {
            let mut i = 0;
            loop {
                i += 1;
                if i > n {
                    break i;
                }
                ev(&log, "in the loop", i).await;
            }
        },
        async move { ev(&inner, "in the block", 16_u32).await }.await
    )
    .len()
}

#[test]
fn a_loop_then_an_async_block_in_one_statement() {
    for n in [0, 2] {
        assert_equivalent(
            move |log| loop_then_async_block_in_one_statement(log, n),
            move |log| loop_then_async_block_in_one_statement_rustc(log, n),
        );
    }
}

// Found by the generator (seed 7): temporaries in a known macro's arguments inside an awaited
// call (`f(matches!(t().m(), ..)).await`): a `match` scrutinee's and an array's temporaries
// are the statement's, so rustc keeps them across the `.await`; they were dropped before it.
mod temporaries_in_arguments_of_an_awaited_call {
    use super::ambient::{D, lv, note, with};
    use visible_async::harness::assert_equivalent;
    use visible_async::visible_async;

    #[visible_async(compiler = matches_and_vec_in_an_awaited_call_rustc)]
    async fn matches_and_vec_in_an_awaited_call() -> usize {
        if lv("cond", 2, matches!(D::new("t").by_ref().len(), 1)).await {
            note("one");
        }
        let v = lv("v", 1, vec![D::new("u").len()]).await;
        v.len()
    }

    #[test]
    fn they_live_across_the_await() {
        assert_equivalent(
            |l| with(l, matches_and_vec_in_an_awaited_call),
            |l| with(l, matches_and_vec_in_an_awaited_call_rustc),
        );
    }
}
