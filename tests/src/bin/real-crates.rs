//! `scripts/real-crates`: annotates every `async fn` of published async crates with
//! `#[visible_async]` and runs their own tests (see `visible_async_tests::real_crates`).
//!
//! ```text
//! cargo run -p visible-async-tests --bin real-crates -- [NAME@VERSION ...]
//! ```
//!
//! Works in `target/real-crates` (or `$VISIBLE_ASYNC_REAL_CRATES_DIR`).

use std::path::PathBuf;

use visible_async_tests::real_crates;

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let work = std::env::var_os("VISIBLE_ASYNC_REAL_CRATES_DIR")
        .map_or_else(|| repo.join("target/real-crates"), PathBuf::from);
    let mut crates: Vec<(String, String)> = Vec::new();
    for arg in std::env::args().skip(1) {
        let Some((name, version)) = arg.split_once('@') else {
            eprintln!("real-crates: write crates as NAME@VERSION, not `{arg}`");
            std::process::exit(2);
        };
        crates.push((name.to_string(), version.to_string()));
    }
    if crates.is_empty() {
        crates = real_crates::DEFAULT_CRATES
            .iter()
            .map(|&(n, v)| (n.to_string(), v.to_string()))
            .collect();
    }
    match real_crates::check(&repo.join("runtime"), &work, &crates) {
        Ok(reports) => print!("{}", real_crates::render(&reports)),
        Err(e) => {
            eprintln!("real-crates: {e}");
            std::process::exit(1);
        }
    }
}
