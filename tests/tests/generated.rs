//! Random programs: each generated `async fn` is compiled as `#[visible_async]` and as a plain
//! `async fn` and compared through the harness (see `visible_async_tests::generator`).
//!
//! `generated_programs_match_the_known_list` (in CI): 150 functions per edition from seed 1,
//! every one equivalent except those listed in `tests/generated-known.txt`, which says why
//! each is not yet; a listed one that becomes equivalent fails the test too, until it is
//! taken off the list (`VISIBLE_ASYNC_GEN_BLESS=1` rewrites it).
//!
//! `generated_programs_are_equivalent` (ignored; `scripts/generated` runs it): two batches
//! (edition 2021 and 2024) of `VISIBLE_ASYNC_GEN_COUNT` functions each (default 150) from
//! `VISIBLE_ASYNC_GEN_SEED` (default 1), all of which must be equivalent; a count above 250
//! is split into batches of 250. `VISIBLE_ASYNC_GEN_DISABLE=flag,flag` switches shapes off (names in
//! `generator::Features`). `VISIBLE_ASYNC_GEN_REPORT_ONLY=1` prints without failing
//! (`scripts/generated` uses it); `VISIBLE_ASYNC_GEN_SHRINK=ROUNDS` also shrinks one function
//! of each failure group (deleting statements while it fails the same way) into
//! `target/generated/shrunk-SEED-COUNT.txt`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use visible_async_tests::generator::Features;
use visible_async_tests::generator::runner::{self, Batch, Config, Report};

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

/// Where the generated crates go, and how they find this workspace.
fn config(features: Features) -> Config {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf);
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = manifest.parent().unwrap_or(manifest);
    Config {
        root: target.join("generated"),
        runtime: workspace.join("runtime"),
        lockfile: Some(workspace.join("Cargo.lock")),
        features,
        verbose: true,
    }
}

/// `count` functions per edition from `seed` (the 2024 batches from `seed + 1000`, so that
/// the programs differ), in batches of at most 250; the summary is printed and the listing of
/// every failure written next to the crates.
fn run(config: &Config, seed: u64, count: usize) -> (Report, String) {
    let per_batch = 250;
    let mut batches = Vec::new();
    for edition in ["2021", "2024"] {
        let mut left = count;
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
    let report = runner::run(config, &batches);
    let listing = config.root.join(format!("failures-{seed}-{count}.txt"));
    let summary = report.write_listing(&listing);
    println!("{summary}");
    (report, summary)
}

/// A record's name in `generated-known.txt`: `2021-1/g30`.
fn record_id(record: &runner::Record) -> String {
    format!("{}-{}/{}", record.edition, record.seed, record.program.name)
}

const KNOWN: &str = "generated-known.txt";

#[test]
fn generated_programs_match_the_known_list() {
    let config = config(Features::ci());
    let (report, summary) = run(&config, 1, 150);
    let [_, invalid, ..] = report.counts();
    assert_eq!(
        invalid, 0,
        "the generator wrote programs rustc rejects (a generator bug):\n{summary}"
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(KNOWN);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let known: BTreeMap<String, String> = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| match line.split_once(' ') {
            Some((id, why)) => (id.to_string(), why.trim().to_string()),
            None => (line.trim().to_string(), String::new()),
        })
        .collect();
    let failing: BTreeMap<String, String> = report
        .records
        .iter()
        .filter_map(|r| r.group().map(|group| (record_id(r), group)))
        .collect();
    // A batch whose run stopped early leaves programs without a verdict: a problem of the
    // run, never something to list.
    let unrun: Vec<&String> = failing
        .iter()
        .filter(|(_, group)| group.contains("did not run"))
        .map(|(id, _)| id)
        .collect();
    assert!(
        unrun.is_empty(),
        "these generated programs did not run (their batch's run stopped early; see run.stderr \
         in its crate under {}): {unrun:?}",
        config.root.display()
    );
    if std::env::var_os("VISIBLE_ASYNC_GEN_BLESS").is_some() {
        let comments: String = text
            .lines()
            .take_while(|line| line.starts_with('#'))
            .map(|line| format!("{line}\n"))
            .collect();
        // A listed program keeps what the list says of it; a new one gets its failure group.
        let entries: String = failing
            .iter()
            .map(|(id, group)| format!("{id} {}\n", known.get(id).unwrap_or(group)))
            .collect();
        std::fs::write(&path, comments + &entries).expect("write the known list");
        return;
    }
    let new: Vec<String> = failing
        .iter()
        .filter(|(id, _)| !known.contains_key(*id))
        .map(|(id, group)| format!("  {id} {group}"))
        .collect();
    let fixed: Vec<&String> = known
        .keys()
        .filter(|id| !failing.contains_key(*id))
        .collect();
    assert!(
        new.is_empty(),
        "generated programs that are not equivalent and not in tests/{KNOWN} (their sources \
         and reports are in {}):\n{}",
        config.root.join("failures-1-150.txt").display(),
        new.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "now equivalent, take them off tests/{KNOWN} (or rewrite it with \
         VISIBLE_ASYNC_GEN_BLESS=1): {fixed:?}"
    );
}

#[test]
#[ignore = "thousands of programs with a chosen seed: `scripts/generated COUNT SEED` runs it \
            (CI runs `generated_programs_match_the_known_list`)"]
fn generated_programs_are_equivalent() {
    let seed = env_number("VISIBLE_ASYNC_GEN_SEED", 1);
    let count = usize::try_from(env_number("VISIBLE_ASYNC_GEN_COUNT", 150)).unwrap_or(150);
    let features = Features::ci_from_env();
    let config = config(features.clone());
    let (report, summary) = run(&config, seed, count);
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
        let path = config.root.join(format!("shrunk-{seed}-{count}.txt"));
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
