//! Shrinks failing functions: deletes statements while the failure stays the same (same
//! verdict group). Each round puts every candidate of every function into one crate, so a
//! round costs one build.

use std::collections::BTreeSet;

use syn::visit::Visit;
use syn::visit_mut::VisitMut;

use super::program::Program;
use super::runner::{Config, Record, Verdict, run_programs};

/// Counts statements in pre-order.
struct Count(usize);

impl<'ast> Visit<'ast> for Count {
    fn visit_block(&mut self, block: &'ast syn::Block) {
        for stmt in &block.stmts {
            self.0 += 1;
            self.visit_stmt(stmt);
        }
    }
}

/// Loop counters and their exits (`lc3 += 1;`, `if lc3 > 2 { break; }`): deleting them
/// makes a loop that never ends.
fn protected(stmt: &syn::Stmt) -> bool {
    let text = quote::ToTokens::to_token_stream(stmt).to_string();
    let counter = |t: &str| {
        let t = t.strip_prefix("lc").or_else(|| t.strip_prefix('w'));
        t.is_some_and(|t| t.starts_with(|c: char| c.is_ascii_digit()))
    };
    counter(&text) || text.strip_prefix("if ").is_some_and(counter)
}

/// Removes the statements with the given pre-order indices.
struct Remove<'a> {
    targets: &'a BTreeSet<usize>,
    next: usize,
}

impl VisitMut for Remove<'_> {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let mut kept = Vec::new();
        for mut stmt in std::mem::take(&mut block.stmts) {
            let index = self.next;
            self.next += 1;
            if self.targets.contains(&index) && !protected(&stmt) {
                let mut count = Count(0);
                count.visit_stmt(&stmt);
                self.next += count.0;
                continue;
            }
            self.visit_stmt_mut(&mut stmt);
            kept.push(stmt);
        }
        block.stmts = kept;
    }
}

fn statements(function: &str) -> usize {
    syn::parse_str::<syn::ItemFn>(function).map_or(0, |f| {
        let mut count = Count(0);
        count.visit_item_fn(&f);
        count.0
    })
}

fn without(program: &Program, targets: &BTreeSet<usize>, name: &str) -> Option<Program> {
    let mut function = syn::parse_str::<syn::ItemFn>(&program.function).ok()?;
    Remove { targets, next: 0 }.visit_item_fn_mut(&mut function);
    let mut file = syn::parse_file("").ok()?;
    file.items.push(syn::Item::Fn(function));
    Some(Program {
        name: name.to_string(),
        function: prettyplease::unparse(&file),
        ..program.clone()
    })
}

struct Target {
    record: Record,
    group: String,
    current: Program,
    /// A combination of deletions not verified yet, and the best verified single to fall
    /// back to.
    pending: Option<Program>,
    /// The verdict of `current`.
    verdict: Verdict,
    done: bool,
}

/// Shrinks each record (all of one edition per call is fastest; mixed editions work) for at
/// most `rounds` rounds; returns the records with the smallest function found that fails the
/// same way, and its verdict.
#[must_use]
pub fn shrink(config: &Config, records: &[&Record], rounds: usize) -> Vec<Record> {
    let mut targets: Vec<Target> = records
        .iter()
        .filter_map(|r| {
            Some(Target {
                record: (*r).clone(),
                group: r.group()?,
                current: r.program.clone(),
                pending: None,
                verdict: r.verdict.clone(),
                done: false,
            })
        })
        .collect();
    for round in 0..rounds {
        for edition in ["2021", "2024"] {
            // (target, candidate) for each module of this round's crate.
            let mut owners: Vec<(usize, Option<BTreeSet<usize>>)> = Vec::new();
            let mut programs = Vec::new();
            for (t, target) in targets.iter().enumerate() {
                if target.done || target.record.edition != edition {
                    continue;
                }
                let base = target.pending.as_ref().unwrap_or(&target.current);
                if target.pending.is_some() {
                    owners.push((t, None));
                    programs.push(Program {
                        name: format!("g{}", programs.len()),
                        ..base.clone()
                    });
                }
                if !base.helpers.is_empty() {
                    owners.push((t, Some(BTreeSet::new())));
                    programs.push(Program {
                        name: format!("g{}", programs.len()),
                        helpers: String::new(),
                        ..base.clone()
                    });
                }
                for i in 0..statements(&base.function).min(120) {
                    let set = BTreeSet::from([i]);
                    if let Some(p) = without(base, &set, &format!("g{}", programs.len()))
                        .filter(|p| statements(&p.function) < statements(&base.function))
                    {
                        owners.push((t, Some(set)));
                        programs.push(p);
                    }
                }
            }
            if programs.is_empty() {
                continue;
            }
            let verdicts = run_programs(
                config,
                &format!("shrink-{edition}-{round}"),
                edition,
                &programs,
            );
            // Per target: whether the pending combination held, and the good singles.
            type Goods = Vec<(BTreeSet<usize>, Program, Verdict)>;
            let mut results: Vec<(Option<Verdict>, Goods, bool)> =
                targets.iter().map(|_| (None, Vec::new(), false)).collect();
            for (((t, set), program), verdict) in owners.into_iter().zip(programs).zip(verdicts) {
                let same = verdict.group().as_ref() == Some(&targets[t].group);
                let entry = &mut results[t];
                match set {
                    None if same => entry.0 = Some(verdict),
                    Some(set) if same => {
                        if set.is_empty() {
                            entry.2 = true;
                        }
                        entry.1.push((set, program, verdict));
                    }
                    _ => {}
                }
            }
            for (t, (pending_ok, goods, helpers_removable)) in results.into_iter().enumerate() {
                let target = &mut targets[t];
                if target.done || target.record.edition != edition {
                    continue;
                }
                if let Some(pending) = target.pending.take() {
                    if let Some(verdict) = pending_ok {
                        target.current = pending;
                        target.verdict = verdict;
                    } else {
                        // The combination changed the failure: the singles were computed
                        // on it, so start again from the current version with one deletion.
                        continue;
                    }
                }
                if goods.is_empty() {
                    target.done = true;
                    continue;
                }
                let mut union: BTreeSet<usize> = BTreeSet::new();
                for (set, _, _) in &goods {
                    union.extend(set);
                }
                let base_of_round = target.current.clone();
                if let Some((_, p, v)) = goods
                    .iter()
                    .min_by_key(|(_, p, _)| p.function.len() + p.helpers.len())
                {
                    target.current = p.clone();
                    target.verdict = v.clone();
                }
                if goods.len() > 1 {
                    let mut combined = without(&base_of_round, &union, "combined")
                        .unwrap_or_else(|| target.current.clone());
                    if helpers_removable {
                        combined.helpers = String::new();
                    }
                    // Verify the combination next round; the smallest single is the fallback.
                    target.pending = Some(combined);
                }
            }
        }
        if targets.iter().all(|t| t.done) {
            break;
        }
    }
    targets
        .into_iter()
        .map(|t| Record {
            program: Program {
                name: t.record.program.name.clone(),
                ..t.current
            },
            verdict: t.verdict,
            ..t.record
        })
        .collect()
}
