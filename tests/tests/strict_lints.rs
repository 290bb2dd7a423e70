//! Generated code is lint-clean in a strict crate: warnings denied, clippy's pedantic group
//! denied, and a local `mod core` that would capture any relative `core::` path. CI's
//! `cargo clippy --workspace --all-targets -- -D warnings` checks this file; the tests below
//! make sure the functions also run.

#![deny(warnings, clippy::all, clippy::pedantic)]

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use visible_async::harness::{Log, Noisy, assert_equivalent};
use visible_async::leaf::{ready_after, yield_now};
use visible_async::visible_async;

/// Shadows `::core` for relative paths: the expansion must only use absolute ones.
#[allow(dead_code)]
mod core {
    pub struct Future;
    pub mod task {}
    pub mod pin {}
}

/// Straight code, a loop, `?`, a borrow across an `.await`.
#[visible_async(compiler = tally_rustc)]
async fn tally(log: Log, words: Vec<String>) -> Result<usize, String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for word in &words {
        if word.is_empty() {
            return Err(String::from("empty word"));
        }
        yield_now().await;
        *counts.entry(word.as_str()).or_default() += 1;
    }
    let total = ready_after(1, counts.len()).await;
    log.push(format!("{total} distinct"));
    Ok(total)
}

/// A guard that awaits, a `let` chain, a value scrutinee.
#[visible_async(compiler = classify_rustc)]
async fn classify(log: Log, x: Option<u32>) -> u32 {
    let held = Noisy::new(&log, "held");
    let first = match x {
        Some(n) if ready_after(1, n > 2).await => n,
        Some(n) => n + 1,
        None => 0,
    };
    if let Some(n) = x
        && ready_after(1, n % 2 == 0).await
    {
        log.push("even");
    }
    match ready_after(1, (first, held)).await {
        (n, _) if n > 3 => n * 2,
        (n, _) => n,
    }
}

struct Counter {
    log: Log,
    n: u32,
}

impl Counter {
    #[visible_async(compiler = bump_rustc)]
    async fn bump(&mut self, by: u32) -> u32 {
        self.n += by;
        yield_now().await;
        let n = &mut self.n;
        yield_now().await;
        *n += 1;
        self.log.push(format!("now {}", self.n));
        self.n
    }

    #[visible_async(compiler = countdown_rustc)]
    async fn countdown(&self, k: u32) -> u32 {
        if k == 0 {
            return 0;
        }
        let inner: Pin<Box<dyn Future<Output = u32> + '_>> = Box::pin(self.countdown(k - 1));
        inner.await + 1
    }
}

#[test]
fn strict_crate_functions_run() {
    assert_equivalent(
        |l| tally(l, vec!["a".into(), "b".into(), "a".into()]),
        |l| tally_rustc(l, vec!["a".into(), "b".into(), "a".into()]),
    );
    for x in [None, Some(2), Some(5)] {
        assert_equivalent(move |l| classify(l, x), move |l| classify_rustc(l, x));
    }
    assert_equivalent(
        |log| async move {
            let mut c = Counter { log, n: 1 };
            c.bump(2).await + c.countdown(2).await
        },
        |log| async move {
            let mut c = Counter { log, n: 1 };
            c.bump_rustc(2).await + c.countdown_rustc(2).await
        },
    );
}
