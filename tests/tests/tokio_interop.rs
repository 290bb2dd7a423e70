//! Visible futures on a real executor: `Send` ones spawned on tokio's multi-threaded runtime,
//! awaiting compiler futures and awaited by them, with tokio's own timers and channels as
//! leaves (they register wakers with the runtime's driver, unlike the harness's leaves).

use std::time::Duration;

use tokio::sync::mpsc;
use visible_async::visible_async;

/// A compiler future awaited inside visible ones.
async fn compiler_double(x: u64) -> u64 {
    tokio::time::sleep(Duration::from_millis(1)).await;
    x * 2
}

#[visible_async(compiler = worker_rustc)]
async fn worker(id: u64, tx: mpsc::Sender<(u64, u64)>) -> u64 {
    let mut total = 0;
    for step in 0..3 {
        tokio::task::yield_now().await;
        let doubled = compiler_double(id * 10 + step).await;
        total += doubled;
        tx.send((id, doubled)).await.expect("receiver alive");
    }
    total
}

#[visible_async]
async fn collect(mut rx: mpsc::Receiver<(u64, u64)>, expected: usize) -> Vec<(u64, u64)> {
    let mut got = Vec::new();
    while let Some(item) = rx.recv().await {
        got.push(item);
        if got.len() == expected {
            break;
        }
    }
    got.sort_unstable();
    got
}

/// A compiler future awaiting a visible one.
async fn compiler_sum(ids: Vec<u64>) -> u64 {
    let (tx, _rx) = mpsc::channel(64);
    let mut sum = 0;
    for id in ids {
        sum += worker(id, tx.clone()).await;
    }
    sum
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("tokio runtime")
}

fn is_send<T: Send + 'static>(value: T) -> T {
    value
}

#[test]
fn send_visible_futures_run_spawned_on_a_multi_threaded_runtime() {
    runtime().block_on(async {
        let (tx, rx) = mpsc::channel(4);
        let collector = tokio::spawn(is_send(collect(rx, 9)));
        let workers: Vec<_> = (1..=3)
            .map(|id| tokio::spawn(is_send(worker(id, tx.clone()))))
            .collect();
        drop(tx);
        let mut totals = Vec::new();
        for handle in workers {
            totals.push(handle.await.expect("worker"));
        }
        let got = collector.await.expect("collector");
        assert_eq!(got.len(), 9);
        assert_eq!(totals, [66, 126, 186]);
        // The compiler's version gives the same totals.
        let (tx, _rx) = mpsc::channel(16);
        assert_eq!(worker_rustc(2, tx).await, 126);
    });
}

#[test]
fn compiler_futures_await_visible_ones_and_the_other_way_round() {
    runtime().block_on(async {
        let sum = tokio::spawn(compiler_sum(vec![1, 2])).await.expect("task");
        assert_eq!(sum, 66 + 126);
    });
}
