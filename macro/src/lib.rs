//! The `#[visible_async]` attribute. All the work happens in `visible-async-expand`; this crate
//! only hands the tokens over and back. Users depend on `visible-async`, which re-exports it.

use proc_macro::TokenStream;

/// Rewrites an `async fn` into a plain `fn` returning a visible state machine.
///
/// See the `visible-async` crate for what the expansion looks like and what is supported.
#[proc_macro_attribute]
pub fn visible_async(args: TokenStream, item: TokenStream) -> TokenStream {
    visible_async_expand::expand(args.into(), item.into()).into()
}
