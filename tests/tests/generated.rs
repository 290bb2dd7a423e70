//! Random programs: each generated `async fn` is compiled as `#[visible_async]` and as a plain
//! `async fn` and compared through the harness (see `visible_async_tests::generator`).
//!
//! Two batches (edition 2021 and 2024) of `VISIBLE_ASYNC_GEN_COUNT` functions each (default
//! 150) from `VISIBLE_ASYNC_GEN_SEED` (default 1); a count above 250 is split into batches of
//! 250. `VISIBLE_ASYNC_GEN_DISABLE=flag,flag` switches shapes off (names in
//! `generator::Features`). `VISIBLE_ASYNC_GEN_REPORT_ONLY=1` prints without failing
//! (`scripts/generated` uses it); `VISIBLE_ASYNC_GEN_SHRINK=ROUNDS` also shrinks one function
//! of each failure group (deleting statements while it fails the same way) into
//! `target/generated/shrunk-SEED-COUNT.txt`.

use std::path::{Path, PathBuf};

use visible_async_tests::generator::Features;
use visible_async_tests::generator::runner::{self, Batch, Config};

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

#[test]
#[ignore = "not equivalent yet: on seeds 1 and 1001, 257 of 300 programs are equivalent (issue 9); \
            run it with `cargo test -p visible-async-tests --test generated -- --ignored` or \
            `scripts/generated`"]
fn generated_programs_are_equivalent() {
    let seed = env_number("VISIBLE_ASYNC_GEN_SEED", 1);
    let count = usize::try_from(env_number("VISIBLE_ASYNC_GEN_COUNT", 150)).unwrap_or(150);
    let features = Features::ci_from_env();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf);
    let root = target.join("generated");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = manifest.parent().unwrap_or(manifest);
    let config = Config {
        root: root.clone(),
        runtime: workspace.join("runtime"),
        lockfile: Some(workspace.join("Cargo.lock")),
        features: features.clone(),
        verbose: true,
    };
    let per_batch = 250;
    let mut batches = Vec::new();
    for edition in ["2021", "2024"] {
        let mut left = count;
        // Different programs in each edition.
        let mut batch_seed = if edition == "2021" { seed } else { seed + 1000 };
        while left > 0 {
            let n = left.min(per_batch);
            batches.push(Batch {
                edition,
                seed: batch_seed,
                count: n,
            });
            left -= n;
            batch_seed += 1;
        }
    }
    let report = runner::run(&config, &batches);
    let listing = root.join(format!("failures-{seed}-{count}.txt"));
    let summary = report.write_listing(&listing);
    println!("{summary}");
    if !features.disabled().is_empty() {
        println!("features off: {:?}", features.disabled());
    }
    if let Some(rounds) = std::env::var("VISIBLE_ASYNC_GEN_SHRINK")
        .ok()
        .and_then(|r| r.parse().ok())
    {
        // One representative (the smallest) per failure group, shrunk.
        let representatives: Vec<_> = report
            .groups()
            .into_values()
            .filter_map(|records| {
                records
                    .into_iter()
                    .min_by_key(|r| r.program.function.len() + r.program.helpers.len())
            })
            .collect();
        let shrunk =
            visible_async_tests::generator::shrink::shrink(&config, &representatives, rounds);
        let shrunk = runner::Report { records: shrunk };
        let path = root.join(format!("shrunk-{seed}-{count}.txt"));
        std::fs::write(&path, shrunk.listing()).expect("write the shrunk listing");
        println!(
            "shrunk representatives of each failure group: {}",
            path.display()
        );
    }
    let [_, invalid, ..] = report.counts();
    if std::env::var_os("VISIBLE_ASYNC_GEN_REPORT_ONLY").is_some() {
        return;
    }
    assert_eq!(
        invalid, 0,
        "the generator wrote programs rustc rejects (a generator bug):\n{summary}"
    );
    assert!(
        report.all_equivalent(),
        "generated programs differ from rustc's async fn:\n{summary}"
    );
}
