//! The edition of the crate being compiled, where the transform must decide a rule that
//! depends on it itself rather than leave it to rustc: a block's tail-expression temporaries
//! drop before the block's locals from edition 2024 on, after them before
//! (`region.rs`, `resolve_block`). Where the generated code keeps a block as a block, its
//! span carries the user's edition and rustc decides; where the block is spread over several
//! states (its tail awaits), the state's fields are ordered here.
//!
//! A proc macro runs inside the compiler, whose command line (`--edition=2021`, as cargo
//! passes it) is this process's arguments. Run elsewhere (the expand demo, tests,
//! rust-analyzer's macro server), there is no such flag: the transform follows edition 2024.

use std::sync::OnceLock;

/// Whether a block's tail temporaries outlive its locals (editions 2015 to 2021).
pub fn tail_temporaries_outlive_locals() -> bool {
    static BEFORE_2024: OnceLock<bool> = OnceLock::new();
    *BEFORE_2024
        .get_or_init(|| compiler_edition(std::env::args()).is_some_and(|edition| edition < 2024))
}

/// The edition on a rustc command line: `--edition=YEAR` or `--edition YEAR`; rustc's default,
/// 2015, for a rustc command line without one (`--crate-name` marks it as rustc's).
fn compiler_edition(args: impl Iterator<Item = String>) -> Option<u32> {
    let args: Vec<String> = args.collect();
    let flag = args.iter().enumerate().find_map(|(i, arg)| {
        arg.strip_prefix("--edition=")
            .map(str::to_string)
            .or_else(|| (arg == "--edition").then(|| args.get(i + 1).cloned())?)
    });
    match flag {
        Some(edition) => edition.parse().ok(),
        None => args.iter().any(|a| a == "--crate-name").then_some(2015),
    }
}

#[cfg(test)]
mod tests {
    use super::compiler_edition;

    fn edition(line: &str) -> Option<u32> {
        compiler_edition(line.split(' ').map(str::to_string))
    }

    #[test]
    fn reads_the_edition_flag_in_both_spellings() {
        assert_eq!(
            edition("rustc --crate-name a --edition=2021 src/lib.rs"),
            Some(2021)
        );
        assert_eq!(
            edition("rustc --edition 2024 --crate-name a src/lib.rs"),
            Some(2024)
        );
    }

    #[test]
    fn a_rustc_line_without_the_flag_is_edition_2015() {
        assert_eq!(edition("rustc --crate-name a src/lib.rs"), Some(2015));
    }

    #[test]
    fn outside_the_compiler_there_is_no_edition() {
        assert_eq!(edition("target/debug/expand-demo examples/a.rs f"), None);
        assert_eq!(
            edition("rustc --crate-name a --edition=future src/lib.rs"),
            None
        );
    }
}
