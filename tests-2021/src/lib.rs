//! Edition 2021 differs from 2024 in what `impl Trait` in return position captures: only the
//! lifetimes it names. An `async fn` captures everything in both, so the signature
//! `#[visible_async]` writes must too. This crate is compiled as edition 2021; its tests run
//! the same functions as `tests/` does under 2024.
