//! The demo's library side: printing an expansion as rustfmt would, for the `expand-demo`
//! binary and for the snapshot tests of expansions (`tests/tests/snapshots.rs`).

pub mod pretty;

/// The expansion of `#[visible_async(args)]` on `item`, formatted; `Err` if it does not
/// parse as Rust (which would be a bug of the transform).
///
/// # Errors
///
/// If the expansion is not a valid file.
pub fn expand_pretty(
    args: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> Result<String, String> {
    let expanded = visible_async_expand::expand(args, item);
    let file: syn::File =
        syn::parse2(expanded).map_err(|e| format!("the expansion does not parse: {e}"))?;
    Ok(pretty::unparse(&file))
}
