//! See the state machine behind an `async fn`.
//!
//! `#[visible_async]` rewrites an `async fn` into a plain `fn` returning a future whose state is
//! a named enum you can read: one variant per `.await`, holding the values alive across it, and
//! an explicit `poll` that matches on it. This crate is the one users depend on: it re-exports
//! the attribute, runs futures with [`block_on`], and compares a visible future with the
//! compiler's own in [`harness`].

#![forbid(unsafe_op_in_unsafe_fn)]

pub use visible_async_macro::visible_async;

mod executor;
pub mod harness;
pub mod leaf;
pub use executor::block_on;

#[doc(hidden)]
pub mod __private;
