//! Writes batches of generated functions into a cargo crate, compiles them plain (to find
//! programs rustc rejects: generator bugs) and then annotated, runs the comparisons and
//! summarizes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::Instant;

use serde_json::Value;

use super::features::Features;
use super::program::{Program, generate};
use super::rng::Rng;

const COMMON: &str = include_str!("common.rs.in");

/// One batch: `count` functions from `seed`, in one crate of the given edition.
#[derive(Clone, Debug)]
pub struct Batch {
    /// `"2021"` or `"2024"`.
    pub edition: &'static str,
    /// The seed of the batch; function `k` gets a seed derived from it and `k`.
    pub seed: u64,
    /// How many functions.
    pub count: usize,
}

/// Where to work and what to generate.
#[derive(Clone, Debug)]
pub struct Config {
    /// `target/generated`: one crate per batch below it, and the shared `target` dir.
    pub root: PathBuf,
    /// The `runtime/` directory of this workspace (the `visible-async` crate).
    pub runtime: PathBuf,
    /// The workspace's `Cargo.lock`, copied into each crate so no resolution is needed.
    pub lockfile: Option<PathBuf>,
    /// The shapes to generate.
    pub features: Features,
    /// Print progress to stderr.
    pub verbose: bool,
}

/// What happened to one generated function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Plain rustc rejects it: a generator bug.
    Invalid {
        /// The first error's code (`E0382`), or `-`.
        code: String,
        /// The first error's message.
        message: String,
        /// The first error as rustc renders it.
        rendered: String,
    },
    /// The attribute refuses it with a `compile_error!`.
    Refused {
        /// The attribute's message.
        message: String,
    },
    /// It compiles plain but not annotated.
    FailedToCompile {
        /// The first error's code (`E0382`), or `-`.
        code: String,
        /// The first error's message.
        message: String,
        /// The first error as rustc renders it.
        rendered: String,
    },
    /// The comparison found a difference (or the harness panicked / the process crashed).
    Mismatch {
        /// Which observations differ (`log+cancelled`, `send`, `harness panic`, `crash`).
        kind: String,
        /// The side-by-side report.
        report: String,
    },
    /// Equivalent.
    Equivalent,
}

/// One generated function and its verdict.
#[derive(Clone, Debug)]
pub struct Record {
    /// The batch's edition.
    pub edition: &'static str,
    /// The batch's seed.
    pub seed: u64,
    /// The function.
    pub program: Program,
    /// What happened.
    pub verdict: Verdict,
}

/// All records of a run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// One per generated function.
    pub records: Vec<Record>,
}

/// The seed of function `k` of a batch.
#[must_use]
pub fn function_seed(batch_seed: u64, k: usize) -> u64 {
    // Hashed, not offset: generators started from seeds a multiple of SplitMix's increment
    // apart would produce shifted copies of one stream.
    let k = u64::try_from(k).unwrap_or(0);
    let mut rng = Rng::new(batch_seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ k);
    let first = rng.next_u64();
    Rng::new(first ^ rng.next_u64()).next_u64()
}

/// Generates, builds and runs every batch.
///
/// # Panics
///
/// If the crate cannot be written or cargo cannot be started.
#[must_use]
pub fn run(config: &Config, batches: &[Batch]) -> Report {
    let mut report = Report::default();
    for batch in batches {
        let start = Instant::now();
        let records = run_batch(config, batch);
        if config.verbose {
            eprintln!(
                "generated: batch {}-{} ({} functions) took {:.0?}",
                batch.edition,
                batch.seed,
                batch.count,
                start.elapsed()
            );
        }
        report.records.extend(records);
    }
    report
}

struct Crate<'a> {
    config: &'a Config,
    dir: PathBuf,
    name: String,
    edition: &'static str,
}

/// An error of a build: the module it is in (if it could be found) and what it says.
struct BuildError {
    module: Option<usize>,
    code: String,
    message: String,
    rendered: String,
}

impl Crate<'_> {
    fn target_dir(&self) -> PathBuf {
        self.config.root.join("target")
    }

    fn write_module(&self, k: usize, program: &Program, annotated: bool) {
        let path = self.dir.join("src").join(format!("g{k}.rs"));
        fs::write(&path, program.module(annotated)).expect("write module");
    }

    fn format_modules(&self, active: &[usize]) {
        let files: Vec<PathBuf> = active
            .iter()
            .map(|k| self.dir.join("src").join(format!("g{k}.rs")))
            .collect();
        // Formatting is for the reader of the failure listing; skip it if rustfmt is missing.
        let _ = Command::new("rustfmt")
            .args(["--edition", self.edition])
            .args(&files)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    fn write_main(&self, active: &[usize]) {
        let mut main = String::from(
            "#![allow(warnings)]\n// Generated by visible-async-tests' generator.\nmod common;\n",
        );
        for k in active {
            let _ = writeln!(main, "mod g{k};");
        }
        main.push_str(
            "\nfn main() {\n    std::panic::set_hook(Box::new(|_| {}));\n    \
             let from: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(0);\n    \
             let runs: &[(&str, fn() -> common::Outcome)] = &[\n",
        );
        for k in active {
            let _ = writeln!(main, "        (\"g{k}\", g{k}::run),");
        }
        main.push_str(
            "    ];\n    for (name, run) in runs.iter().skip(from) {\n        \
             println!(\"{name} start\");\n        \
             let _ = std::io::Write::flush(&mut std::io::stdout());\n        \
             match std::panic::catch_unwind(run) {\n            \
             Ok(common::Outcome::Equivalent) => println!(\"{name} equivalent\"),\n            \
             Ok(common::Outcome::Mismatch { kind, report }) => {\n                \
             println!(\"{name} MISMATCH {kind}\");\n                \
             for line in report.lines() { println!(\"    {line}\"); }\n            }\n            \
             Err(payload) => {\n                \
             let message = payload.downcast_ref::<&str>().map(|s| s.to_string())\n                    \
             .or_else(|| payload.downcast_ref::<String>().cloned())\n                    \
             .unwrap_or_default();\n                \
             println!(\"{name} MISMATCH harness panic\");\n                \
             for line in message.lines() { println!(\"    {line}\"); }\n            }\n        }\n        \
             let _ = std::io::Write::flush(&mut std::io::stdout());\n    }\n}\n",
        );
        fs::write(self.dir.join("src/main.rs"), main).expect("write main.rs");
    }

    /// Builds (`check` or `build`) the crate with the `active` modules; the errors found.
    fn build(&self, subcommand: &str, active: &[usize]) -> Vec<BuildError> {
        self.write_main(active);
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .arg(subcommand)
            .args(["--message-format=json", "--offline", "--quiet"])
            .arg("--manifest-path")
            .arg(self.dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", self.target_dir())
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("CARGO_BUILD_TARGET")
            .stderr(Stdio::piped())
            .output()
            .expect("run cargo");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let mut errors = Vec::new();
        for line in stdout.lines() {
            let Ok(json) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if json["reason"] != "compiler-message" {
                continue;
            }
            let message = &json["message"];
            if message["level"] != "error" {
                continue;
            }
            let text = message["message"].as_str().unwrap_or_default().to_string();
            if text.starts_with("aborting due to") || message["spans"].as_array().is_none() {
                continue;
            }
            let rendered = message["rendered"].as_str().unwrap_or_default().to_string();
            errors.push(BuildError {
                module: module_of(message),
                code: message["code"]["code"].as_str().unwrap_or("-").to_string(),
                message: text,
                rendered,
            });
        }
        if !output.status.success() && errors.is_empty() {
            errors.push(BuildError {
                module: None,
                code: "-".into(),
                message: format!(
                    "cargo {subcommand} failed without a compiler error: {}",
                    String::from_utf8_lossy(&output.stderr)
                ),
                rendered: String::new(),
            });
        }
        errors
    }

    /// Builds until clean: each module with an error is reported and dropped. Errors that
    /// cannot be mapped to a module are found by bisection.
    fn build_until_clean(
        &self,
        subcommand: &str,
        active: &mut Vec<usize>,
    ) -> BTreeMap<usize, BuildError> {
        let mut failed = BTreeMap::new();
        loop {
            if active.is_empty() {
                return failed;
            }
            let errors = self.build(subcommand, active);
            if errors.is_empty() {
                return failed;
            }
            let mut mapped = false;
            let mut unmapped = None;
            for error in errors {
                match error.module {
                    Some(k) if active.contains(&k) => {
                        mapped = true;
                        failed.entry(k).or_insert(error);
                    }
                    _ => {
                        unmapped.get_or_insert(error);
                    }
                }
            }
            if !mapped {
                let culprit = self.bisect(subcommand, active);
                let mut error = unmapped.unwrap_or(BuildError {
                    module: None,
                    code: "-".into(),
                    message: "unknown error".into(),
                    rendered: String::new(),
                });
                error.module = Some(culprit);
                failed.insert(culprit, error);
            }
            active.retain(|k| !failed.contains_key(k));
        }
    }

    /// One module of `active` whose build fails (the set as a whole fails).
    fn bisect(&self, subcommand: &str, active: &[usize]) -> usize {
        let mut set = active.to_vec();
        while set.len() > 1 {
            let (a, b) = set.split_at(set.len() / 2);
            set = if self.build(subcommand, a).is_empty() {
                b.to_vec()
            } else {
                a.to_vec()
            };
        }
        set[0]
    }

    /// Runs the binary; one verdict per module that ran.
    fn run_binary(&self, active: &[usize]) -> BTreeMap<usize, Verdict> {
        let binary = self.target_dir().join("debug").join(&self.name);
        let mut verdicts = BTreeMap::new();
        let mut from = 0;
        while from < active.len() {
            let output = run_with_timeout(&binary, from, &self.dir);
            let stdout = String::from_utf8_lossy(&output.stdout);
            let mut current: Option<(usize, String, String)> = None;
            let mut started = None;
            let finish = |current: &mut Option<(usize, String, String)>,
                          verdicts: &mut BTreeMap<usize, Verdict>| {
                if let Some((k, kind, report)) = current.take() {
                    verdicts.insert(k, Verdict::Mismatch { kind, report });
                }
            };
            for line in stdout.lines() {
                if let Some(rest) = line.strip_prefix("    ") {
                    if let Some((_, _, report)) = current.as_mut() {
                        report.push_str(rest);
                        report.push('\n');
                    }
                    continue;
                }
                finish(&mut current, &mut verdicts);
                let (name, rest) = line.split_once(' ').unwrap_or((line, ""));
                let Some(k) = name.strip_prefix('g').and_then(|k| k.parse().ok()) else {
                    continue;
                };
                if rest == "start" {
                    started = Some(k);
                } else if rest == "equivalent" {
                    verdicts.insert(k, Verdict::Equivalent);
                } else if let Some(kind) = rest.strip_prefix("MISMATCH ") {
                    current = Some((k, kind.to_string(), String::new()));
                }
            }
            finish(&mut current, &mut verdicts);
            match started {
                Some(k) if !verdicts.contains_key(&k) => {
                    // The process died in this function (abort, stack overflow).
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    let tail: Vec<&str> = stderr.lines().rev().take(10).collect();
                    let report = tail.into_iter().rev().collect::<Vec<_>>().join("\n");
                    verdicts.insert(
                        k,
                        Verdict::Mismatch {
                            kind: format!("crash ({})", output.status),
                            report,
                        },
                    );
                    from = active
                        .iter()
                        .position(|&a| a == k)
                        .map_or(active.len(), |p| p + 1);
                }
                _ => break,
            }
        }
        for &k in active {
            verdicts.entry(k).or_insert_with(|| Verdict::Mismatch {
                kind: "did not run".into(),
                report: String::new(),
            });
        }
        verdicts
    }
}

/// What a run of the generated binary printed, and how it ended.
struct RunOutput {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    status: String,
}

/// Runs `binary from`, killing it if it prints nothing for a minute (a function that never
/// finishes: the function being run when it was killed is reported as a crash). The clock
/// restarts with each line, so a loaded machine slows the run down without cutting it short.
fn run_with_timeout(binary: &Path, from: usize, dir: &Path) -> RunOutput {
    let out_path = dir.join("run.stdout");
    let err_path = dir.join("run.stderr");
    let stdout = fs::File::create(&out_path).expect("create run.stdout");
    let stderr = fs::File::create(&err_path).expect("create run.stderr");
    let mut child = Command::new(binary)
        .arg(from.to_string())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .expect("run the generated binary");
    let quiet_limit = std::time::Duration::from_secs(60);
    let mut last_output = (0, Instant::now());
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status.to_string();
        }
        let printed = fs::metadata(&out_path).map_or(0, |m| m.len());
        if printed != last_output.0 {
            last_output = (printed, Instant::now());
        }
        if last_output.1.elapsed() > quiet_limit {
            let _ = child.kill();
            let _ = child.wait();
            break "timeout: nothing printed for 60s".to_string();
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    RunOutput {
        stdout: fs::read(&out_path).unwrap_or_default(),
        stderr: fs::read(&err_path).unwrap_or_default(),
        status,
    }
}

/// The module (`src/g17.rs` → 17) an error points at: its primary spans, the macro expansions
/// they come from, its children's spans, then the rendered text.
fn module_of(message: &Value) -> Option<usize> {
    fn from_file(file: &str) -> Option<usize> {
        let name = file.rsplit('/').next()?;
        name.strip_prefix('g')?.strip_suffix(".rs")?.parse().ok()
    }
    fn from_span(span: &Value) -> Option<usize> {
        if let Some(k) = span["file_name"].as_str().and_then(from_file) {
            return Some(k);
        }
        let expansion = &span["expansion"];
        if expansion.is_object() {
            return from_span(&expansion["span"]);
        }
        None
    }
    let spans = message["spans"].as_array()?;
    let primary = spans.iter().filter(|s| s["is_primary"] == true);
    let others = spans.iter().filter(|s| s["is_primary"] != true);
    for span in primary.chain(others) {
        if let Some(k) = from_span(span) {
            return Some(k);
        }
    }
    for child in message["children"].as_array().into_iter().flatten() {
        for span in child["spans"].as_array().into_iter().flatten() {
            if let Some(k) = from_span(span) {
                return Some(k);
            }
        }
    }
    let rendered = message["rendered"].as_str()?;
    let at = rendered.find("src/g")?;
    let rest = &rendered[at + 4..];
    let end = rest.find(".rs")?;
    from_file(&format!("{}.rs", &rest[..end]))
}

/// Whether the attribute refuses the function (a `compile_error!`), with the message.
fn refusal(program: &Program) -> Option<String> {
    let args = proc_macro2::TokenStream::from_str("compiler = f_rustc").ok()?;
    let item = proc_macro2::TokenStream::from_str(&program.function).ok()?;
    let out = visible_async_expand::expand(args, item).to_string();
    let at = out.find("compile_error")?;
    let rest = &out[at..];
    let start = rest.find('"')? + 1;
    let mut message = String::new();
    let mut chars = rest[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    message.push(if n == 'n' { '\n' } else { n });
                }
            }
            '"' => break,
            c => message.push(c),
        }
    }
    Some(message)
}

fn run_batch(config: &Config, batch: &Batch) -> Vec<Record> {
    let programs: Vec<Program> = (0..batch.count)
        .map(|k| {
            generate(
                &format!("g{k}"),
                function_seed(batch.seed, k),
                &config.features,
            )
        })
        .collect();
    let verdicts = run_programs(
        config,
        &format!("{}-{}", batch.edition, batch.seed),
        batch.edition,
        &programs,
    );
    programs
        .into_iter()
        .zip(verdicts)
        .map(|(program, verdict)| Record {
            edition: batch.edition,
            seed: batch.seed,
            program,
            verdict,
        })
        .collect()
}

/// Writes `programs` as modules `g0..` of a crate `config.root/<dir_name>`, builds it plain,
/// then annotated, and runs it: one verdict per program.
///
/// # Panics
///
/// If the crate cannot be written or cargo cannot be started.
#[must_use]
pub fn run_programs(
    config: &Config,
    dir_name: &str,
    edition: &'static str,
    programs: &[Program],
) -> Vec<Verdict> {
    let name = format!("gen-{dir_name}");
    let dir = config.root.join(dir_name);
    let krate = Crate {
        config,
        dir: dir.clone(),
        name: name.clone(),
        edition,
    };
    let _ = fs::remove_dir_all(dir.join("src"));
    fs::create_dir_all(dir.join("src")).expect("create the generated crate");
    let runtime = config.runtime.display();
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"{edition}\"\npublish = false\n\n\
             [dependencies]\nvisible-async = {{ path = \"{runtime}\" }}\n\n\
             # Not a member of the visible-async workspace.\n[workspace]\n\n\
             [profile.dev]\ndebug = 0\n"
        ),
    )
    .expect("write Cargo.toml");
    if let Some(lock) = &config.lockfile
        && !dir.join("Cargo.lock").exists()
    {
        let _ = fs::copy(lock, dir.join("Cargo.lock"));
    }
    fs::write(dir.join("src/common.rs"), COMMON).expect("write common.rs");

    let mut verdicts: BTreeMap<usize, Verdict> = BTreeMap::new();

    // Pass 1: plain async fns only; what rustc rejects is a generator bug.
    let mut active: Vec<usize> = (0..programs.len()).collect();
    for &k in &active {
        krate.write_module(k, &programs[k], false);
    }
    krate.format_modules(&active);
    for (k, e) in krate.build_until_clean("check", &mut active) {
        verdicts.insert(
            k,
            Verdict::Invalid {
                code: e.code,
                message: e.message,
                rendered: e.rendered,
            },
        );
    }

    // Refused by the attribute (found by running the transform in process).
    active.retain(|&k| match refusal(&programs[k]) {
        Some(message) => {
            verdicts.insert(k, Verdict::Refused { message });
            false
        }
        None => true,
    });

    // Pass 2: annotated.
    for &k in &active {
        krate.write_module(k, &programs[k], true);
    }
    krate.format_modules(&active);
    for (k, e) in krate.build_until_clean("build", &mut active) {
        verdicts.insert(
            k,
            Verdict::FailedToCompile {
                code: e.code,
                message: e.message,
                rendered: e.rendered,
            },
        );
    }
    verdicts.extend(krate.run_binary(&active));
    (0..programs.len())
        .map(|k| {
            verdicts.remove(&k).unwrap_or(Verdict::Mismatch {
                kind: "lost".into(),
                report: String::new(),
            })
        })
        .collect()
}

/// Replaces what stands between backticks by `_`, so messages group by shape.
fn normalize(message: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in message.lines().next().unwrap_or_default().chars() {
        if c == '`' {
            if inside {
                out.push_str("_`");
            } else {
                out.push('`');
            }
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    out
}

impl Verdict {
    /// The group this failure belongs to; `None` if equivalent.
    #[must_use]
    pub fn group(&self) -> Option<String> {
        match self {
            Verdict::Equivalent => None,
            Verdict::Invalid { code, message, .. } => {
                Some(format!("invalid {code}: {}", normalize(message)))
            }
            Verdict::Refused { message } => Some(format!("refused: {}", normalize(message))),
            Verdict::FailedToCompile { code, message, .. } => Some(format!(
                "does not compile when annotated {code}: {}",
                normalize(message)
            )),
            Verdict::Mismatch { kind, .. } => Some(format!("mismatch: {kind}")),
        }
    }
}

impl Record {
    /// The group this record's failure belongs to; `None` if equivalent.
    #[must_use]
    pub fn group(&self) -> Option<String> {
        self.verdict.group()
    }

    /// The function's source (helpers and `f`), formatted, and how it is called.
    #[must_use]
    pub fn source(&self) -> String {
        let text = format!(
            "{}#[{}]\n{}\n",
            self.program.helpers,
            self.program.attribute(),
            self.program.function
        );
        let formatted = syn::parse_file(&text).map_or(text, |file| prettyplease::unparse(&file));
        format!(
            "// edition {}, batch seed {}, {} (features {:?})\n// called as f({})\n{formatted}",
            self.edition, self.seed, self.program.name, self.program.used, self.program.args
        )
    }
}

impl Report {
    /// Counts of each verdict: generated, invalid, refused, failed to compile, mismatched,
    /// equivalent.
    #[must_use]
    pub fn counts(&self) -> [usize; 6] {
        let mut counts = [self.records.len(), 0, 0, 0, 0, 0];
        for r in &self.records {
            let i = match r.verdict {
                Verdict::Invalid { .. } => 1,
                Verdict::Refused { .. } => 2,
                Verdict::FailedToCompile { .. } => 3,
                Verdict::Mismatch { .. } => 4,
                Verdict::Equivalent => 5,
            };
            counts[i] += 1;
        }
        counts
    }

    /// Whether every valid program compiled annotated and was equivalent.
    #[must_use]
    pub fn all_equivalent(&self) -> bool {
        let [_, _, refused, failed, mismatched, _] = self.counts();
        refused + failed + mismatched == 0
    }

    /// The failing records by group.
    #[must_use]
    pub fn groups(&self) -> BTreeMap<String, Vec<&Record>> {
        let mut groups: BTreeMap<String, Vec<&Record>> = BTreeMap::new();
        for r in &self.records {
            if let Some(g) = r.group() {
                groups.entry(g).or_default().push(r);
            }
        }
        groups
    }

    /// The one-line summary and the failure groups with their sizes.
    #[must_use]
    pub fn summary(&self) -> String {
        let [generated, invalid, refused, failed, mismatched, equivalent] = self.counts();
        let mut out = format!(
            "generated {generated}, invalid {invalid}, refused {refused}, failed to compile \
             {failed}, mismatched {mismatched}, equivalent {equivalent}\n"
        );
        for (group, records) in self.groups() {
            let names: Vec<String> = records
                .iter()
                .take(6)
                .map(|r| format!("{}-{}/{}", r.edition, r.seed, r.program.name))
                .collect();
            let _ = writeln!(
                out,
                "  {:>4} x {group}  (e.g. {})",
                records.len(),
                names.join(", ")
            );
        }
        // Which features the failing functions use, against all functions.
        let failing: Vec<&Record> = self
            .records
            .iter()
            .filter(|r| {
                matches!(
                    r.verdict,
                    Verdict::Refused { .. }
                        | Verdict::FailedToCompile { .. }
                        | Verdict::Mismatch { .. }
                )
            })
            .collect();
        if !failing.is_empty() {
            let mut used: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
            for r in &self.records {
                let fails = failing.iter().any(|f| std::ptr::eq(*f, r));
                for &name in &r.program.used {
                    let e = used.entry(name).or_default();
                    e.1 += 1;
                    if fails {
                        e.0 += 1;
                    }
                }
            }
            let absent: BTreeSet<&str> = Features::NAMES
                .iter()
                .copied()
                .filter(|n| !used.contains_key(n))
                .collect();
            let _ = writeln!(
                out,
                "  features of failing functions (failing/using): {}",
                used.iter()
                    .map(|(n, (f, a))| format!("{n} {f}/{a}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if !absent.is_empty() {
                let _ = writeln!(out, "  features never generated: {absent:?}");
            }
        }
        out
    }

    /// Every failing function's source with its error or report, by group.
    #[must_use]
    pub fn listing(&self) -> String {
        let mut out = String::new();
        for (group, records) in self.groups() {
            let _ = writeln!(out, "=== {group} ({} functions)\n", records.len());
            for r in records {
                let detail = match &r.verdict {
                    Verdict::Invalid { rendered, .. }
                    | Verdict::FailedToCompile { rendered, .. } => rendered.clone(),
                    Verdict::Refused { message } => message.clone(),
                    Verdict::Mismatch { report, .. } => report.clone(),
                    Verdict::Equivalent => String::new(),
                };
                let _ = writeln!(out, "{}", r.source());
                for line in detail.lines() {
                    let _ = writeln!(out, "// | {line}");
                }
                out.push('\n');
            }
        }
        out
    }

    /// Writes the listing to `path` and returns the summary with the path.
    ///
    /// # Panics
    ///
    /// If the file cannot be written.
    #[must_use]
    pub fn write_listing(&self, path: &Path) -> String {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create the listing's directory");
        }
        fs::write(path, self.listing()).expect("write the listing");
        format!("{}failing sources: {}\n", self.summary(), path.display())
    }
}
