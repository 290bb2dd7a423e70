//! The real-code check behind `scripts/real-crates`: published async crates, every `async fn`
//! of theirs annotated with `#[visible_async]`, their own tests run.
//!
//! For each crate: cargo fetches its published source (into cargo's registry cache; nothing
//! is copied into this repository), a copy is made under the work directory, and its tests
//! are run once as published (the baseline). Then every `async fn` with a body in `src/` gets
//! `#[::visible_async::visible_async]`, except entry points (`#[tokio::main]`, `#[tokio::test]`
//! and the like) and methods of `#[async_trait]` impls and traits, which that macro rewrites
//! first. The crate is built; each function that an error points into is left out (its
//! attribute removed, its first error recorded), and the build is tried again, until it
//! builds. Where rustc's error says a method "takes ownership of the receiver `self`", the
//! function gets `consumes(method)` in its attribute instead, as the docs tell a user to do,
//! and the report lists it. Then its tests run again. The report says, per crate,
//! `K/T lowered, tests P passed, F failed`, and lists each function left out with its error;
//! the errors as rustc renders them are in `NAME-VERSION.errors.txt` in the work directory.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use syn::spanned::Spanned;
use syn::visit::Visit;

/// The crates checked by default: a generic library (`bb8`, `deadpool`: connection and object
/// pools), an application with its client (`mini-redis`: server loops with `select!`, a
/// client, edition 2018), locks (`async-lock`) and streams (`tokio-stream`).
pub const DEFAULT_CRATES: &[(&str, &str)] = &[
    ("mini-redis", "0.4.1"),
    ("bb8", "0.9.1"),
    ("deadpool", "0.12.3"),
    ("async-lock", "3.5.0"),
    ("tokio-stream", "0.1.19"),
];

/// The attribute inserted before each annotated function.
const ATTRIBUTE: &str = "#[::visible_async::visible_async] ";

/// How long one `cargo` run may take before it is killed (a hung test counts as a failure).
const CARGO_TIMEOUT: Duration = Duration::from_secs(900);

/// An `async fn` with a body in one of the crate's source files.
#[derive(Clone, Debug)]
pub struct Site {
    /// The file, relative to the crate's root (`src/client.rs`).
    pub file: PathBuf,
    /// The function's name.
    pub name: String,
    /// Lines (1-based, inclusive) the function spans, attributes included.
    pub lines: (usize, usize),
    /// Where the attribute goes: the line (1-based) and column (0-based, in characters) of
    /// the first token after the function's own attributes.
    pub at: (usize, usize),
}

impl Site {
    fn id(&self) -> String {
        format!("{}:{} `{}`", self.file.display(), self.lines.0, self.name)
    }
}

/// Test counts of one `cargo test` run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TestCounts {
    pub passed: usize,
    pub failed: usize,
    /// The run did not finish (a build failure, or killed after the timeout).
    pub incomplete: bool,
}

/// What happened to one crate.
#[derive(Clone, Debug)]
pub struct Report {
    pub name: String,
    pub version: String,
    pub edition: String,
    /// Every annotated-able function.
    pub total: usize,
    /// Functions left out, with the first error that pointed into them.
    pub left_out: Vec<(String, String)>,
    /// Functions lowered with `consumes(..)` in their attribute, and the methods it names.
    pub hinted: Vec<(String, Vec<String>)>,
    /// Errors that no function could be blamed for, if the build never succeeded.
    pub unattributed: Vec<String>,
    pub baseline: TestCounts,
    pub annotated: TestCounts,
}

impl Report {
    /// `mini-redis 0.4.1 (2018): 38/40 lowered, tests 11 passed, 0 failed (as published: 11, 0)`
    #[must_use]
    pub fn line(&self) -> String {
        let lowered = self.total - self.left_out.len();
        let counts = |c: &TestCounts| {
            let mut s = format!("{} passed, {} failed", c.passed, c.failed);
            if c.incomplete {
                s.push_str(", incomplete");
            }
            s
        };
        format!(
            "{} {} ({}): {lowered}/{} lowered, tests {} (as published: {})",
            self.name,
            self.version,
            self.edition,
            self.total,
            counts(&self.annotated),
            counts(&self.baseline),
        )
    }
}

/// Runs the check for `crates` in `work`, with the `visible-async` crate at `runtime`.
///
/// # Errors
/// When a crate cannot be fetched or copied.
pub fn check(
    runtime: &Path,
    work: &Path,
    crates: &[(String, String)],
) -> Result<Vec<Report>, String> {
    fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    let target = work.join("target");
    let mut reports = Vec::new();
    for (name, version) in crates {
        eprintln!("real-crates: {name} {version}");
        let source = fetch(work, name, version)?;
        let root = work.join(format!("{name}-{version}"));
        if root.exists() {
            fs::remove_dir_all(&root).map_err(|e| format!("{}: {e}", root.display()))?;
        }
        copy_dir(&source, &root)?;
        let edition = prepare_manifest(&root, runtime)?;
        let baseline = run_tests(&root, &target);
        let pristine = read_sources(&root)?;
        let sites = find_sites(&pristine);
        let mut enabled: BTreeSet<usize> = (0..sites.len()).collect();
        let mut left_out = Vec::new();
        let mut unattributed = Vec::new();
        // Methods each function's attribute says take `self` (`consumes(..)`).
        let mut hints: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
        // Every error of every round, rendered, for reading after the run.
        let mut errors_log = String::new();
        loop {
            write_annotated(&root, &pristine, &sites, &enabled, &hints)?;
            let errors = build_errors(&root, &target);
            if errors.is_empty() {
                break;
            }
            let mut blamed = BTreeMap::new();
            // Functions given a new hint this round: built again before anything else is
            // blamed on them (the same error comes once per target that compiles the code).
            let mut hinted = BTreeSet::new();
            for error in &errors {
                let _ = writeln!(errors_log, "{}", error.rendered);
                let Some(i) = blame(&sites, &enabled, error) else {
                    continue;
                };
                // A user told by rustc that a method takes `self` says so in the attribute,
                // as the docs advise: so does this check, once per method.
                if let Some(method) = error.consuming_method()
                    && hints.entry(i).or_default().insert(method)
                {
                    hinted.insert(i);
                }
                if !hinted.contains(&i) {
                    blamed.entry(i).or_insert_with(|| error.summary.clone());
                }
            }
            if blamed.is_empty() && hinted.is_empty() {
                unattributed = errors.iter().map(|e| e.summary.clone()).collect();
                break;
            }
            for (i, summary) in blamed {
                enabled.remove(&i);
                left_out.push((sites[i].id(), summary));
            }
        }
        let log_path = work.join(format!("{name}-{version}.errors.txt"));
        fs::write(&log_path, &errors_log).map_err(|e| format!("{}: {e}", log_path.display()))?;
        let annotated = if unattributed.is_empty() {
            run_tests(&root, &target)
        } else {
            TestCounts {
                incomplete: true,
                ..TestCounts::default()
            }
        };
        let hinted = hints
            .iter()
            .filter(|(i, methods)| enabled.contains(i) && !methods.is_empty())
            .map(|(&i, methods)| (sites[i].id(), methods.iter().cloned().collect()))
            .collect();
        let report = Report {
            hinted,
            name: name.clone(),
            version: version.clone(),
            edition,
            total: sites.len(),
            left_out,
            unattributed,
            baseline,
            annotated,
        };
        eprintln!("real-crates: {}", report.line());
        reports.push(report);
    }
    Ok(reports)
}

/// The whole report, as printed.
#[must_use]
pub fn render(reports: &[Report]) -> String {
    let mut out = String::new();
    for report in reports {
        let _ = writeln!(out, "{}", report.line());
        for (site, methods) in &report.hinted {
            let _ = writeln!(
                out,
                "    lowered with consumes({}): {site}",
                methods.join(", ")
            );
        }
        for (site, error) in &report.left_out {
            let _ = writeln!(out, "    left out {site}: {error}");
        }
        for error in &report.unattributed {
            let _ = writeln!(out, "    build error in no function: {error}");
        }
    }
    out
}

/// The published source of `name` `version`, fetched by cargo: its directory in cargo's
/// registry cache.
fn fetch(work: &Path, name: &str, version: &str) -> Result<PathBuf, String> {
    let dir = work.join(format!("fetch-{name}-{version}"));
    fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"fetch\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{name} = \"={version}\"\n\n[workspace]\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    fs::write(dir.join("src/lib.rs"), "").map_err(|e| e.to_string())?;
    let output = Command::new("cargo")
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "fetching {name} {version}: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let metadata: Value = serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    let package = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == name && p["version"] == version)
        .ok_or_else(|| format!("{name} {version} is not in cargo's metadata"))?;
    let manifest = PathBuf::from(package["manifest_path"].as_str().unwrap_or_default());
    manifest
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("no directory for {}", manifest.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest)?;
        } else {
            fs::copy(&path, &dest).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Makes the copy its own workspace and gives it the `visible-async` dependency; returns the
/// crate's edition.
fn prepare_manifest(root: &Path, runtime: &Path) -> Result<String, String> {
    let path = root.join("Cargo.toml");
    let mut manifest = fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let edition = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("edition = "))
        .map_or("2015".to_string(), |e| e.trim_matches('"').to_string());
    let _ = write!(
        manifest,
        "\n[dependencies.visible-async]\npath = {:?}\n",
        runtime.display().to_string()
    );
    if !manifest.lines().any(|l| l.trim() == "[workspace]") {
        manifest.push_str("\n[workspace]\n");
    }
    fs::write(&path, manifest).map_err(|e| e.to_string())?;
    Ok(edition)
}

/// Every `.rs` file under `src/`, by path relative to the crate's root.
fn read_sources(root: &Path) -> Result<BTreeMap<PathBuf, String>, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) -> Result<(), String> {
        for entry in fs::read_dir(dir).map_err(|e| e.to_string())? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).map_err(|e| e.to_string())?;
                let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                out.insert(relative, text);
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    walk(root, &root.join("src"), &mut out)?;
    Ok(out)
}

/// The `async fn`s with bodies in the sources (files syn cannot parse are skipped).
#[must_use]
pub fn find_sites(sources: &BTreeMap<PathBuf, String>) -> Vec<Site> {
    let mut sites = Vec::new();
    for (file, text) in sources {
        let Ok(parsed) = syn::parse_file(text) else {
            continue;
        };
        let mut find = FindSites {
            file,
            sites: &mut sites,
            in_async_trait: 0,
        };
        find.visit_file(&parsed);
    }
    sites
}

struct FindSites<'a> {
    file: &'a Path,
    sites: &'a mut Vec<Site>,
    /// Depth of `#[async_trait]` impls and traits around the current item.
    in_async_trait: usize,
}

impl FindSites<'_> {
    fn site(
        &mut self,
        attrs: &[syn::Attribute],
        first: proc_macro2::Span,
        sig: &syn::Signature,
        whole: proc_macro2::Span,
    ) {
        let entry_point = attrs.iter().any(|a| {
            a.path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "main" || s.ident == "test")
        });
        if sig.asyncness.is_none() || entry_point || self.in_async_trait > 0 {
            return;
        }
        let start = first.start();
        self.sites.push(Site {
            file: self.file.to_path_buf(),
            name: sig.ident.to_string(),
            lines: (whole.start().line, whole.end().line),
            at: (start.line, start.column),
        });
    }
}

/// The span of an item's first token after its outer attributes (`#[..]`, doc comments).
fn after_attributes(item: &impl quote::ToTokens) -> proc_macro2::Span {
    let mut tokens = item.to_token_stream().into_iter().peekable();
    while let Some(proc_macro2::TokenTree::Punct(p)) = tokens.peek() {
        if p.as_char() != '#' {
            break;
        }
        tokens.next();
        tokens.next();
    }
    tokens
        .next()
        .map_or_else(proc_macro2::Span::call_site, |t| t.span())
}

fn is_async_trait(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "async_trait")
    })
}

impl<'ast> Visit<'ast> for FindSites<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.site(&f.attrs, after_attributes(f), &f.sig, f.span());
        syn::visit::visit_item_fn(self, f);
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.site(&f.attrs, after_attributes(f), &f.sig, f.span());
        syn::visit::visit_impl_item_fn(self, f);
    }
    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if f.default.is_some() {
            self.site(&f.attrs, after_attributes(f), &f.sig, f.span());
        }
        syn::visit::visit_trait_item_fn(self, f);
    }
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let marked = is_async_trait(&i.attrs);
        self.in_async_trait += usize::from(marked);
        syn::visit::visit_item_impl(self, i);
        self.in_async_trait -= usize::from(marked);
    }
    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        let marked = is_async_trait(&t.attrs);
        self.in_async_trait += usize::from(marked);
        syn::visit::visit_item_trait(self, t);
        self.in_async_trait -= usize::from(marked);
    }
}

/// Writes every source file with the attribute before each enabled site.
fn write_annotated(
    root: &Path,
    pristine: &BTreeMap<PathBuf, String>,
    sites: &[Site],
    enabled: &BTreeSet<usize>,
    hints: &BTreeMap<usize, BTreeSet<String>>,
) -> Result<(), String> {
    for (file, text) in pristine {
        let mut inserts: Vec<(usize, String)> = enabled
            .iter()
            .filter(|&&i| &sites[i].file == file)
            .filter_map(|&i| {
                let offset = byte_offset(text, sites[i].at)?;
                Some((offset, attribute(hints.get(&i))))
            })
            .collect();
        inserts.sort_unstable();
        let mut out = text.clone();
        for (offset, attribute) in inserts.into_iter().rev() {
            out.insert_str(offset, &attribute);
        }
        fs::write(root.join(file), out).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The attribute for a function, with the methods it says take `self`.
fn attribute(consumes: Option<&BTreeSet<String>>) -> String {
    match consumes {
        Some(methods) if !methods.is_empty() => {
            let list: Vec<&str> = methods.iter().map(String::as_str).collect();
            format!(
                "#[::visible_async::visible_async(consumes({}))] ",
                list.join(", ")
            )
        }
        _ => ATTRIBUTE.to_string(),
    }
}

/// The byte offset of a (1-based line, 0-based character column) position.
fn byte_offset(text: &str, (line, column): (usize, usize)) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let rest = text.get(start..)?;
    let within = rest
        .char_indices()
        .nth(column)
        .map_or(rest.len(), |(i, _)| i);
    Some(start + within)
}

/// One build error: where its spans point (in the crate's own files) and a one-line summary.
struct BuildError {
    places: Vec<(PathBuf, usize)>,
    summary: String,
    /// As rustc renders it.
    rendered: String,
    /// The messages of its notes and helps.
    notes: Vec<String>,
    /// The source after its primary span, on the same line (`.send(req).await?;` after the
    /// receiver a move out of a reference points at).
    after_primary: String,
}

impl BuildError {
    /// The method rustc says takes its receiver by value (its note "`Type::method` takes
    /// ownership of the receiver `self`"), which the function's attribute can then state.
    fn consuming_method(&self) -> Option<String> {
        self.notes
            .iter()
            .find_map(|note| {
                let path = note
                    .strip_prefix('`')?
                    .split_once("` takes ownership of the receiver `self`")?
                    .0;
                let method = path.rsplit("::").next()?;
                // Only a method of a type (`Type::method`), not a trait's (`into_iter` of `for`).
                (path.contains("::") && syn::parse_str::<syn::Ident>(method).is_ok())
                    .then(|| method.to_string())
            })
            .or_else(|| self.moved_receiver_method())
    }

    /// For "cannot move out of a mutable reference" at a method call's receiver without that
    /// note (an `async fn` method: `cmd.apply(dst).await`), the method called on it.
    fn moved_receiver_method(&self) -> Option<String> {
        if !self
            .summary
            .starts_with("E0507: cannot move out of a mutable reference")
        {
            return None;
        }
        let call = self.after_primary.strip_prefix('.')?;
        let name: String = call
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        (call[name.len()..].starts_with('(') && syn::parse_str::<syn::Ident>(&name).is_ok())
            .then_some(name)
    }
}

/// Builds the crate and its tests; the errors, empty if it builds.
fn build_errors(root: &Path, target: &Path) -> Vec<BuildError> {
    let mut command = Command::new("cargo");
    command
        .args(["test", "--no-run", "--message-format=json"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target);
    let Some(run) = run_with_timeout(command) else {
        return vec![BuildError {
            places: Vec::new(),
            summary: "the build did not finish in time".to_string(),
            rendered: String::new(),
            notes: Vec::new(),
            after_primary: String::new(),
        }];
    };
    let mut errors = Vec::new();
    for line in run.stdout.lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let diagnostic = &message["message"];
        let mut places = Vec::new();
        collect_places(diagnostic, &mut places);
        let code = diagnostic["code"]["code"].as_str().unwrap_or("error");
        let text = diagnostic["message"].as_str().unwrap_or_default();
        if text.starts_with("aborting due to") || text.starts_with("could not compile") {
            continue;
        }
        let after_primary = diagnostic["spans"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|span| span["is_primary"] == true)
            .and_then(|span| {
                let line = span["text"][0]["text"].as_str()?;
                let end = usize::try_from(span["text"][0]["highlight_end"].as_u64()?).ok()?;
                line.chars()
                    .skip(end.saturating_sub(1))
                    .collect::<String>()
                    .into()
            })
            .unwrap_or_default();
        let notes = diagnostic["children"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["message"].as_str().map(str::to_string))
            .collect();
        errors.push(BuildError {
            places,
            summary: format!("{code}: {text}"),
            rendered: diagnostic["rendered"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            notes,
            after_primary,
        });
    }
    if errors.is_empty() && !run.success {
        errors.push(BuildError {
            places: Vec::new(),
            summary: run
                .stderr
                .lines()
                .last()
                .unwrap_or("build failed")
                .to_string(),
            rendered: run.stderr.clone(),
            notes: Vec::new(),
            after_primary: String::new(),
        });
    }
    errors
}

/// Every place a diagnostic's spans (and the macro calls they come from, and its children's)
/// point at.
fn collect_places(diagnostic: &Value, out: &mut Vec<(PathBuf, usize)>) {
    for span in diagnostic["spans"].as_array().into_iter().flatten() {
        let mut span = span;
        loop {
            if let (Some(file), Some(line)) =
                (span["file_name"].as_str(), span["line_start"].as_u64())
            {
                out.push((PathBuf::from(file), usize::try_from(line).unwrap_or(0)));
            }
            match span.get("expansion").and_then(|e| e.get("span")) {
                Some(call) if !call.is_null() => span = call,
                _ => break,
            }
        }
    }
    for child in diagnostic["children"].as_array().into_iter().flatten() {
        collect_places(child, out);
    }
}

/// The enabled site an error points into (the innermost, if they nest): its primary places
/// first, then the others.
fn blame(sites: &[Site], enabled: &BTreeSet<usize>, error: &BuildError) -> Option<usize> {
    error.places.iter().find_map(|(file, line)| {
        enabled
            .iter()
            .copied()
            .filter(|&i| {
                &sites[i].file == file && (sites[i].lines.0..=sites[i].lines.1).contains(line)
            })
            .min_by_key(|&i| sites[i].lines.1 - sites[i].lines.0)
    })
}

/// Runs the crate's tests; the totals of every "test result" line.
fn run_tests(root: &Path, target: &Path) -> TestCounts {
    let mut command = Command::new("cargo");
    command
        .args(["test", "--no-fail-fast"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target);
    let Some(run) = run_with_timeout(command) else {
        return TestCounts {
            incomplete: true,
            ..TestCounts::default()
        };
    };
    let mut counts = TestCounts::default();
    let mut any = false;
    for line in run.stdout.lines() {
        let Some(rest) = line.strip_prefix("test result: ") else {
            continue;
        };
        any = true;
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(kind), Some(n)) = (words.next(), words.next()) else {
                continue;
            };
            let n: usize = n.parse().unwrap_or(0);
            match kind {
                "passed" => counts.passed += n,
                "failed" => counts.failed += n,
                _ => {}
            }
        }
    }
    counts.incomplete = !any;
    counts
}

struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs a command to completion, or kills it after [`CARGO_TIMEOUT`] (`None`).
fn run_with_timeout(mut command: Command) -> Option<Run> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let read = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = read(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let stderr = read(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status);
        }
        if started.elapsed() > CARGO_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    status.map(|status| Run {
        success: status.success(),
        stdout,
        stderr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_async_fns_with_bodies_but_not_entry_points_or_async_trait_methods() {
        let source = "
pub async fn free() {}
fn not_async() {}
#[tokio::main]
async fn main() {}
struct S;
impl S {
    /// Docs.
    pub(crate) async fn method(&self) {}
}
#[async_trait::async_trait]
impl T for S {
    async fn rewritten(&self) {}
}
trait U {
    async fn required(&self);
    async fn provided(&self) {}
}
";
        let sources = BTreeMap::from([(PathBuf::from("src/lib.rs"), source.to_string())]);
        let sites = find_sites(&sources);
        let names: Vec<&str> = sites.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["free", "method", "provided"]);
        assert_eq!(sites[0].at, (2, 0));
        assert_eq!(sites[1].at, (9, 4));
        assert_eq!(sites[1].lines, (8, 9));
    }

    #[test]
    fn the_attribute_goes_after_the_function_s_own_attributes() {
        let text = "impl S {\n    /// Docs.\n    pub async fn m(&self) {}\n}\n";
        let sources = BTreeMap::from([(PathBuf::from("src/lib.rs"), text.to_string())]);
        let sites = find_sites(&sources);
        let offset = byte_offset(text, sites[0].at).unwrap();
        let mut out = text.to_string();
        out.insert_str(offset, ATTRIBUTE);
        assert_eq!(
            out,
            "impl S {\n    /// Docs.\n    #[::visible_async::visible_async] pub async fn m(&self) {}\n}\n"
        );
    }

    #[test]
    fn a_note_that_a_method_takes_self_names_the_method() {
        let error = |note: &str| BuildError {
            places: Vec::new(),
            summary: String::new(),
            rendered: String::new(),
            notes: vec![note.to_string()],
            after_primary: String::new(),
        };
        let moved = BuildError {
            places: Vec::new(),
            summary: "E0507: cannot move out of a mutable reference".to_string(),
            rendered: String::new(),
            notes: Vec::new(),
            after_primary: ".apply(dst).await?;".to_string(),
        };
        assert_eq!(moved.consuming_method(), Some("apply".to_string()));
        let method = |note| error(note).consuming_method();
        assert_eq!(
            method(
                "`api::Builder::<M>::build_inner` takes ownership of the receiver `self`, which moves value"
            ),
            Some("build_inner".to_string())
        );
        assert_eq!(
            method("`into_iter` takes ownership of the receiver `self`, which moves value"),
            None
        );
        assert_eq!(method("consider cloning the value"), None);
        assert_eq!(
            attribute(Some(&BTreeSet::from(["b".to_string(), "a".to_string()]))),
            "#[::visible_async::visible_async(consumes(a, b))] "
        );
    }

    #[test]
    fn byte_offsets_count_characters_not_bytes() {
        let text = "// é\nlet é = 1;\n";
        assert_eq!(byte_offset(text, (2, 4)), Some("// é\nlet ".len()));
        assert_eq!(byte_offset(text, (2, 5)), Some("// é\nlet é".len()));
    }
}
