//! A random program generator that compares `#[visible_async]` against rustc's `async fn`.
//!
//! [`program::generate`] writes a well-typed `async fn` from a seed (only the shapes switched
//! on in [`Features`]); [`runner::run`] writes batches of them into cargo crates under
//! `target/generated/`, compiles them plain (a program rustc rejects is a generator bug,
//! counted as "invalid"), then annotated with `#[visible_async(compiler = f_rustc)]`, and runs
//! `visible_async::harness::compare` and `auto_traits!` on each. `tests/tests/generated.rs`
//! runs it in CI, `scripts/generated` runs thousands.

pub mod features;
pub mod program;
pub mod rng;
pub mod runner;
pub mod shrink;

pub use features::Features;
