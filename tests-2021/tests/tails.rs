//! Tail-expression temporaries in an edition 2021 crate: rustc drops them after the body's
//! locals (edition 2024 drops them before), with or without an `.await` before the tail.

#![deny(warnings)]

use visible_async::harness::{assert_equivalent, Log};
use visible_async::leaf::yield_now;
use visible_async::visible_async;

struct D(&'static str, Log);

impl D {
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl Drop for D {
    fn drop(&mut self) {
        self.1.push(format!("drop {}", self.0));
    }
}

#[visible_async(compiler = tail_without_await_rustc)]
async fn tail_without_await(log: Log) -> usize {
    let _n = D("n", log.clone());
    D("t", log.clone()).len()
}

#[visible_async(compiler = tail_after_await_rustc)]
async fn tail_after_await(log: Log) -> usize {
    let _kept = D("kept", log.clone());
    yield_now().await;
    let _after = D("after", log.clone());
    D("t", log.clone()).len() + D("u", log.clone()).len()
}

#[visible_async(compiler = tail_with_a_parameter_rustc)]
async fn tail_with_a_parameter(log: Log, p: D) -> usize {
    yield_now().await;
    p.len() + D("t", log.clone()).len()
}

#[visible_async(compiler = tail_with_pattern_parameters_rustc)]
async fn tail_with_pattern_parameters(log: Log, (a, _b): (D, D)) -> usize {
    let _local = D("local", log.clone());
    yield_now().await;
    a.len() + D("t", log.clone()).len()
}

#[visible_async(compiler = tail_of_a_block_rustc)]
async fn tail_of_a_block(log: Log) -> usize {
    let n = {
        let _inner = D("inner", log.clone());
        yield_now().await;
        D("t", log.clone()).len()
    };
    log.push("after the block");
    n
}

#[test]
fn tail_temporaries_drop_after_the_locals() {
    assert_equivalent(tail_without_await, tail_without_await_rustc);
    assert_equivalent(tail_after_await, tail_after_await_rustc);
    assert_equivalent(
        |log: Log| tail_with_a_parameter(log.clone(), D("p", log)),
        |log: Log| tail_with_a_parameter_rustc(log.clone(), D("p", log)),
    );
    assert_equivalent(
        |log: Log| tail_with_pattern_parameters(log.clone(), (D("a", log.clone()), D("b", log))),
        |log: Log| {
            tail_with_pattern_parameters_rustc(log.clone(), (D("a", log.clone()), D("b", log)))
        },
    );
    assert_equivalent(tail_of_a_block, tail_of_a_block_rustc);
}

async fn make(log: Log, name: &'static str) -> D {
    yield_now().await;
    D(name, log)
}

struct Holder {
    #[allow(dead_code)] // held for its drop
    d: D,
    n: usize,
}

// Found by the generator: a tail that reads a field of a temporary (`(Holder { .. }).n`) was
// taken for one without temporaries, and its value completed the future before the locals
// were dropped, as edition 2024 does.
#[visible_async(compiler = tail_reading_a_field_of_a_temporary_rustc)]
async fn tail_reading_a_field_of_a_temporary(log: Log) -> usize {
    let _x = make(log.clone(), "x").await;
    let made = Holder {
        d: D("held", log.clone()),
        n: 2,
    };
    let for_temporary = log.clone();
    (Holder {
        d: D("temporary", for_temporary),
        n: 4,
    })
    .n + made.n
}

#[test]
fn tail_temporaries_of_a_field_read_drop_after_the_locals() {
    assert_equivalent(
        tail_reading_a_field_of_a_temporary,
        tail_reading_a_field_of_a_temporary_rustc,
    );
}

async fn ready_len(n: usize) -> usize {
    yield_now().await;
    n
}

// Found by the generator (seed 2026): temporaries a tail keeps across its own `.await` drop
// after the body's locals in edition 2021, on completion and when cancelled there.
#[visible_async(compiler = tail_temporary_held_across_its_await_rustc)]
async fn tail_temporary_held_across_its_await(log: Log) -> usize {
    let _local = D("local", log.clone());
    ready_len(D("t", log.clone()).len()).await
}

#[visible_async(compiler = tail_temporary_with_pattern_parameters_rustc)]
async fn tail_temporary_with_pattern_parameters(log: Log, (a, _b): (D, D)) -> usize {
    let _local = D("local", log.clone());
    ready_len(D("t", log.clone()).len() + a.len()).await
}

// A field of a temporary read in an awaited call's arguments: held by a hidden local, which
// in edition 2021 is declared before the block's locals so that it drops after them.
#[visible_async(compiler = tail_field_of_a_temporary_across_its_await_rustc)]
async fn tail_field_of_a_temporary_across_its_await(log: Log) -> usize {
    let _local = D("local", log.clone());
    let held = log.clone();
    ready_len((D("held", held), 3).1).await
}

#[test]
fn tail_temporaries_kept_across_the_tails_await_drop_after_the_locals() {
    assert_equivalent(
        tail_temporary_held_across_its_await,
        tail_temporary_held_across_its_await_rustc,
    );
    assert_equivalent(
        |log: Log| {
            tail_temporary_with_pattern_parameters(log.clone(), (D("a", log.clone()), D("b", log)))
        },
        |log: Log| {
            tail_temporary_with_pattern_parameters_rustc(
                log.clone(),
                (D("a", log.clone()), D("b", log)),
            )
        },
    );
    assert_equivalent(
        tail_field_of_a_temporary_across_its_await,
        tail_field_of_a_temporary_across_its_await_rustc,
    );
}

// Found by the generator (seed 2026): in a tail that builds a struct with an awaited field,
// the fields evaluated before the `.await` are operands waiting to be moved, not temporaries
// of the tail: cancelled there, they drop before the locals, in edition 2021 too.
#[visible_async(compiler = tail_struct_with_an_awaited_field_rustc)]
async fn tail_struct_with_an_awaited_field(log: Log) -> usize {
    let local = D("local", log.clone());
    (Holder {
        d: D("field", log.clone()),
        n: ready_len(local.len()).await,
    })
    .n
}

#[test]
fn fields_before_an_await_in_a_tail_drop_before_the_locals_when_cancelled() {
    assert_equivalent(
        tail_struct_with_an_awaited_field,
        tail_struct_with_an_awaited_field_rustc,
    );
}

// Found by the generator (seed 7): `format!` ends its arguments' temporaries itself (it
// expands to a block whose statement holds them), so in a tail they are not the tail's:
// cancelled at an `.await` in its arguments, they drop before the locals, in edition 2021 too.
#[visible_async(compiler = format_temporary_in_a_tail_rustc)]
async fn format_temporary_in_a_tail(log: Log) -> String {
    let local = D("local", log.clone());
    yield_now().await;
    format!(
        "{}/{}",
        local.len(),
        (D("t", log.clone()).len()).wrapping_add(ready_len(2).await)
    )
}

#[test]
fn format_temporaries_in_a_tail_drop_before_the_locals_when_cancelled() {
    assert_equivalent(format_temporary_in_a_tail, format_temporary_in_a_tail_rustc);
}

// Found by the generator (seed 7): in edition 2021 the tail temporaries of a block are the
// enclosing statement's. A block that awaits, whose value is an operand before a later
// `.await`, is bound to a hidden local: its tail's temporaries are now assigned to hidden
// locals declared before it, kept across the later `.await`.
#[visible_async(compiler = block_tail_temporary_before_a_later_await_rustc)]
async fn block_tail_temporary_before_a_later_await(log: Log) -> String {
    format!(
        "{} {}",
        {
            yield_now().await;
            (Holder {
                d: D("h", log.clone()),
                n: 5,
            })
            .n
        },
        ready_len(2).await
    )
}

#[test]
fn a_block_tails_temporaries_live_to_the_end_of_the_statement() {
    assert_equivalent(
        block_tail_temporary_before_a_later_await,
        block_tail_temporary_before_a_later_await_rustc,
    );
}

// The same with the block's `.await` in its tail: what the tail makes before and after its
// `.await` drops after the block's locals and at the end of the statement, also cancelled at
// either `.await`.
#[visible_async(compiler = awaiting_block_tail_before_a_later_await_rustc)]
async fn awaiting_block_tail_before_a_later_await(log: Log) -> String {
    format!(
        "{} {}",
        {
            let local = D("local", log.clone());
            D("t", log.clone()).len()
                + (Holder {
                    d: D("h", log.clone()),
                    n: ready_len(5).await,
                })
                .n
                + local.len()
        },
        ready_len(2).await
    )
}

#[test]
fn an_awaiting_block_tails_temporaries_live_to_the_end_of_the_statement() {
    assert_equivalent(
        awaiting_block_tail_before_a_later_await,
        awaiting_block_tail_before_a_later_await_rustc,
    );
}

// Found by the generator (seed 7): a parameter assigned after the last `.await` (not kept
// across it) is declared again by the resume code; the parameters after it stay where the
// state's pattern binds them, outside the body's block, so they drop after its tail's
// temporaries, as in rustc 2021.
#[visible_async(compiler = parameter_assigned_after_the_last_await_rustc)]
#[allow(unused_assignments)] // `n`'s value is replaced unread: that is the case
async fn parameter_assigned_after_the_last_await(log: Log, mut n: usize, p: D) -> usize {
    yield_now().await;
    n = p.len();
    D("t", log.clone()).len() + n
}

#[test]
fn later_parameters_drop_after_the_tail_temporaries() {
    assert_equivalent(
        |log| parameter_assigned_after_the_last_await(log.clone(), 1, D("p", log)),
        |log| parameter_assigned_after_the_last_await_rustc(log.clone(), 1, D("p", log)),
    );
}

// Found by the generator (seed 11): a block's tail temporaries, kept to the end of the
// statement in edition 2021, across the join point the generated code passes through after
// the block (the statements after it make an `async` block, which must be written once).
fn made(log: &Log, name: &'static str) -> D {
    log.push(format!("new {name}"));
    D(name, log.clone())
}

#[visible_async(compiler = tail_temporaries_across_a_join_rustc)]
#[allow(unused_labels)]
async fn tail_temporaries_across_a_join(log: Log, (_p, _q): (D, D)) -> usize {
    let (n, p) = (
        'value: {
            yield_now().await;
            made(&log, "t").len()
        },
        made(&log, "d"),
    );
    let inner = log.clone();
    if async move {
        yield_now().await;
        inner.push("in the block");
        true
    }
    .await
    {
        log.push("then");
    }
    n + p.len()
}

#[test]
fn tail_temporaries_outlive_the_join_point_after_their_block() {
    let params = |log: &Log| (D("p", log.clone()), D("q", log.clone()));
    assert_equivalent(
        |log| tail_temporaries_across_a_join(log.clone(), params(&log)),
        |log| tail_temporaries_across_a_join_rustc(log.clone(), params(&log)),
    );
}

// Found by the generator (seed 11): a block's tail temporaries in an `if let` scrutinee live
// to the end of the `if let` in edition 2021, across the `.await`s of its body (they were
// dropped at the end of the block).
#[visible_async(compiler = block_tail_in_a_scrutinee_rustc)]
#[allow(unused_parens)] // the parenthesized block is the case
async fn block_tail_in_a_scrutinee(log: Log) -> usize {
    let mut total = 0;
    if let Some(n) = ({
        log.push("in the block");
        made(&log, "t").len().checked_sub(1)
    }) {
        yield_now().await;
        log.push("in the body");
        total += n;
    }
    log.push("after");
    total
}

#[test]
fn tail_temporaries_of_a_scrutinee_block_live_to_the_end_of_the_if_let() {
    assert_equivalent(block_tail_in_a_scrutinee, block_tail_in_a_scrutinee_rustc);
}
