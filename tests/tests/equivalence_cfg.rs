//! Equivalence with the compiler's `async fn` when the body has `#[cfg]` and `#[cfg_attr]` in
//! it: statements, `let`s, match arms, struct-literal fields, parameters, closures, methods.
//! The macro sees the function before rustc configures it, so it emits one copy per
//! combination of the predicates, each guarded by its `#[cfg(all(..))]` (`expand/src/cfg.rs`).
//!
//! Code under a false predicate calls functions that do not exist in that configuration
//! (`missing()`, `only_with_probe()` without the feature): if it were lowered, this file would
//! not compile. CI runs this file with and without `--features cfg-probe`.
//!
//! The functions have no `log` parameter, like real code: they log to a thread-local log that
//! each factory sets before calling them ([`with`]).

#![allow(
    clippy::needless_return,
    clippy::let_and_return,
    clippy::unused_async,
    clippy::non_minimal_cfg, // `cfg(all())` is one of the subjects
    unused_variables,
    unused_mut,
    dead_code
)]

use std::cell::RefCell;

use visible_async::harness::{Log, assert_equivalent};
use visible_async::leaf::yield_now;
use visible_async::{block_on, visible_async};

thread_local! {
    static LOG: RefCell<Log> = RefCell::new(Log::new());
}

/// Makes `log` the ambient log, then calls `make`: a factory for the harness.
fn with<T>(log: Log, make: impl FnOnce() -> T) -> T {
    LOG.with(|cell| *cell.borrow_mut() = log);
    make()
}

/// Writes to the ambient log.
fn note(entry: impl Into<String>) {
    let entry = entry.into();
    LOG.with(|cell| cell.borrow().push(entry));
}

/// Logs `drop NAME` when dropped.
struct D(&'static str);

impl D {
    fn new(name: &'static str) -> Self {
        note(format!("new {name}"));
        D(name)
    }
}

impl Drop for D {
    fn drop(&mut self) {
        note(format!("drop {}", self.0));
    }
}

/// Pending once, logging when it starts and ends.
async fn leaf<T>(name: &'static str, value: T) -> T {
    note(format!("start {name}"));
    yield_now().await;
    note(format!("end {name}"));
    value
}

#[cfg(feature = "cfg-probe")]
async fn only_with_probe() -> u32 {
    leaf("probe", 100).await
}

#[cfg(not(feature = "cfg-probe"))]
async fn only_without_probe() -> u32 {
    leaf("no probe", 200).await
}

const PROBE: bool = cfg!(feature = "cfg-probe");

// ----- statements ---------------------------------------------------------------------------

#[visible_async(compiler = block_returns_rustc)]
async fn block_returns() -> u32 {
    let _a = D::new("a");
    #[cfg(feature = "cfg-probe")]
    {
        return only_with_probe().await;
    }
    #[cfg(not(feature = "cfg-probe"))]
    {
        let _b = D::new("b");
        return only_without_probe().await;
    }
}

#[test]
fn cfg_block_statement_returning_an_awaited_value() {
    let c = assert_equivalent(|l| with(l, block_returns), |l| with(l, block_returns_rustc));
    assert_eq!(c.visible.run.output, Ok(if PROBE { 100 } else { 200 }));
}

#[visible_async(compiler = cfg_lets_rustc)]
async fn cfg_lets() -> u32 {
    let mut total = leaf("first", 1).await;
    #[cfg(debug_assertions)]
    let extra = leaf("debug", 10).await;
    #[cfg(not(debug_assertions))]
    let extra = leaf("release", 20).await;
    total += extra;
    #[cfg(not(test))]
    let never = missing().await;
    #[cfg(feature = "cfg-probe")]
    let probe = only_with_probe().await;
    #[cfg(feature = "cfg-probe")]
    {
        total += probe;
    }
    total
}

#[test]
fn cfg_lets_with_awaits() {
    let c = assert_equivalent(|l| with(l, cfg_lets), |l| with(l, cfg_lets_rustc));
    let extra = if cfg!(debug_assertions) { 10 } else { 20 };
    assert_eq!(
        c.visible.run.output,
        Ok(1 + extra + if PROBE { 100 } else { 0 })
    );
}

#[visible_async(compiler = alternatives_rustc)]
async fn alternatives() -> u32 {
    let _d = D::new("d");
    #[cfg(test)]
    let inner = leaf("test", 1);
    #[cfg(not(test))]
    let inner = missing();
    #[cfg(feature = "cfg-probe")]
    let second = leaf("probe", 10);
    #[cfg(not(feature = "cfg-probe"))]
    let second = leaf("no probe", 20);
    inner.await + second.await
}

#[test]
fn alternatives_under_opposite_cfgs_are_one_local() {
    let c = assert_equivalent(|l| with(l, alternatives), |l| with(l, alternatives_rustc));
    assert_eq!(c.visible.run.output, Ok(if PROBE { 11 } else { 21 }));
}

#[visible_async(compiler = tail_alternatives_rustc)]
async fn tail_alternatives() -> u32 {
    leaf("start", ()).await;
    #[cfg(debug_assertions)]
    {
        leaf("debug", 1).await
    }
    #[cfg(not(debug_assertions))]
    {
        leaf("release", 2).await
    }
}

#[test]
fn cfg_block_that_becomes_the_tail() {
    let c = assert_equivalent(
        |l| with(l, tail_alternatives),
        |l| with(l, tail_alternatives_rustc),
    );
    assert_eq!(
        c.visible.run.output,
        Ok(if cfg!(debug_assertions) { 1 } else { 2 })
    );
}

// ----- liveness: a move under a cfg ---------------------------------------------------------

#[visible_async(compiler = moved_under_cfg_rustc)]
async fn moved_under_cfg() {
    let a = D::new("a");
    let b = D::new("b");
    let c = D::new("c");
    #[cfg(feature = "cfg-probe")]
    drop(a);
    #[cfg(debug_assertions)]
    drop(b);
    #[cfg(any())]
    drop(c);
    leaf("t", ()).await;
    note("end");
}

#[test]
fn a_move_under_a_cfg_decides_what_lives_across_the_await() {
    let c = assert_equivalent(
        |l| with(l, moved_under_cfg),
        |l| with(l, moved_under_cfg_rustc),
    );
    let log = c.visible.run.log.join(", ");
    // Dropped before the `.await` exactly when its `drop` is configured in.
    assert_eq!(
        log.find("drop a").unwrap() < log.find("start t").unwrap(),
        PROBE
    );
    assert!(log.find("drop b").unwrap() < log.find("start t").unwrap() || !cfg!(debug_assertions));
    assert!(log.find("drop c").unwrap() > log.find("end").unwrap());
}

// ----- match arms, struct-literal fields, lists ---------------------------------------------

#[visible_async(compiler = cfg_arms_rustc)]
async fn cfg_arms(n: u32) -> u32 {
    match n {
        #[cfg(feature = "cfg-probe")]
        0 => only_with_probe().await,
        #[cfg(any())]
        1 => missing().await,
        #[cfg(all())]
        2 => leaf("two", 2).await,
        #[cfg(not(test))]
        3 => missing().await,
        m => leaf("other", m).await + 1,
    }
}

#[test]
fn cfg_match_arms_with_awaits() {
    for n in 0..5 {
        let c = assert_equivalent(
            move |l| with(l, || cfg_arms(n)),
            move |l| with(l, || cfg_arms_rustc(n)),
        );
        let expected = match n {
            0 if PROBE => 100,
            2 => 2,
            m => m + 1,
        };
        assert_eq!(c.visible.run.output, Ok(expected), "n = {n}");
    }
}

#[derive(Debug, PartialEq)]
struct Config {
    name: &'static str,
    #[cfg(feature = "cfg-probe")]
    probe: u32,
    #[cfg(test)]
    in_test: u32,
}

#[visible_async(compiler = struct_fields_rustc)]
async fn struct_fields() -> Config {
    let _held = D::new("held");
    Config {
        name: leaf("name", "n").await,
        #[cfg(feature = "cfg-probe")]
        probe: only_with_probe().await,
        #[cfg(not(test))]
        in_test: missing().await,
        #[cfg(test)]
        in_test: leaf("in test", 3).await,
    }
}

#[test]
fn cfg_on_struct_literal_fields() {
    assert_equivalent(|l| with(l, struct_fields), |l| with(l, struct_fields_rustc));
}

fn sum(xs: &[u32]) -> u32 {
    xs.iter().sum()
}

#[visible_async(compiler = cfg_list_elements_rustc)]
async fn cfg_list_elements() -> (u32, usize, (u32,)) {
    let total = sum(&[
        leaf("one", 1).await,
        #[cfg(feature = "cfg-probe")]
        only_with_probe().await,
        #[cfg(not(test))]
        missing().await,
    ]);
    let len = [
        1,
        #[cfg(test)]
        2,
        #[cfg(any())]
        missing().await,
    ]
    .len();
    let single = (
        leaf("single", 5).await,
        #[cfg(not(test))]
        missing().await,
    );
    (total, len, single)
}

#[test]
fn cfg_on_array_tuple_and_argument_elements() {
    let c = assert_equivalent(
        |l| with(l, cfg_list_elements),
        |l| with(l, cfg_list_elements_rustc),
    );
    assert_eq!(
        c.visible.run.output,
        Ok((if PROBE { 101 } else { 1 }, 2, (5,)))
    );
}

// ----- cfg_attr -----------------------------------------------------------------------------

#[visible_async(compiler = cfg_attrs_rustc)]
async fn cfg_attrs() -> u32 {
    #[cfg_attr(test, allow(unused_variables))]
    let unused = leaf("unused", 1).await;
    #[cfg_attr(not(test), allow(unused))]
    let used = leaf("used", 2).await;
    // A `cfg_attr` that expands to a `cfg`, and one nested in another.
    #[cfg_attr(all(), cfg(any()))]
    let gone = missing().await;
    #[cfg_attr(test, cfg_attr(not(test), allow(unused)), cfg(not(test)))]
    let maybe = missing().await;
    #[cfg_attr(feature = "cfg-probe", cfg(feature = "cfg-probe"))]
    let probe = leaf("probe attr", 3).await;
    used
}

#[test]
fn cfg_attr_keeps_its_effect() {
    assert_equivalent(|l| with(l, cfg_attrs), |l| with(l, cfg_attrs_rustc));
}

// ----- parameters, closures, async blocks ---------------------------------------------------

#[visible_async(compiler = cfg_param_rustc)]
async fn cfg_param(
    #[cfg(feature = "cfg-probe")] probe: D,
    #[cfg(not(test))] never: Never,
    #[cfg(test)] in_test: D,
    kept: D,
) -> usize {
    leaf("p", ()).await;
    #[cfg(feature = "cfg-probe")]
    drop(probe);
    leaf("q", ()).await;
    kept.0.len()
}

#[test]
fn cfg_on_parameters() {
    assert_equivalent(
        |l| {
            with(l, || {
                cfg_param(
                    #[cfg(feature = "cfg-probe")]
                    D::new("probe"),
                    D::new("in test"),
                    D::new("kept"),
                )
            })
        },
        |l| {
            with(l, || {
                cfg_param_rustc(
                    #[cfg(feature = "cfg-probe")]
                    D::new("probe"),
                    D::new("in test"),
                    D::new("kept"),
                )
            })
        },
    );
}

#[visible_async(compiler = cfg_in_closures_rustc)]
async fn cfg_in_closures() -> u32 {
    let add = |x: u32| {
        #[cfg(test)]
        note("closure in test");
        #[cfg(not(test))]
        missing();
        x + 1
    };
    let inner = async {
        #[cfg(feature = "cfg-probe")]
        let v = only_with_probe().await;
        #[cfg(not(feature = "cfg-probe"))]
        let v = only_without_probe().await;
        v
    };
    add(inner.await) + leaf("after", 1).await
}

#[test]
fn cfg_in_closures_and_async_blocks() {
    let c = assert_equivalent(
        |l| with(l, cfg_in_closures),
        |l| with(l, cfg_in_closures_rustc),
    );
    assert_eq!(c.visible.run.output, Ok(if PROBE { 102 } else { 202 }));
}

// ----- methods ------------------------------------------------------------------------------

struct Counter {
    base: u32,
}

impl Counter {
    #[visible_async(compiler = bump_rustc)]
    async fn bump(&self) -> u32 {
        #[cfg(test)]
        let step = leaf("step", 2).await;
        #[cfg(not(test))]
        let step = missing().await;
        #[cfg(feature = "cfg-probe")]
        let step = step + only_with_probe().await;
        self.base + step
    }
}

#[test]
fn cfg_in_a_method() {
    let c = assert_equivalent(
        |l| {
            with(l, || async {
                let counter = Counter { base: 1 };
                counter.bump().await
            })
        },
        |l| {
            with(l, || async {
                let counter = Counter { base: 1 };
                counter.bump_rustc().await
            })
        },
    );
    assert_eq!(c.visible.run.output, Ok(if PROBE { 103 } else { 3 }));
}

// ----- only constant predicates -------------------------------------------------------------

#[visible_async(compiler = constants_rustc)]
async fn constants() -> u32 {
    #[cfg(any())]
    let a = missing().await;
    #[cfg(all())]
    let a = leaf("all", 1).await;
    #[cfg(not(any()))]
    let b = leaf("not any", 2).await;
    a + b
}

#[test]
fn constant_predicates() {
    assert_equivalent(|l| with(l, constants), |l| with(l, constants_rustc));
    assert_eq!(block_on(with(Log::new(), constants)), 3);
}

// `missing()` and the type `Never` are defined nowhere: code naming them is always configured out.
