//! Shared helpers for the integration tests.
pub mod generator;
pub mod real_crates;
