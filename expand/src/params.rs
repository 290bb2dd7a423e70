//! Parameters with patterns, the way rustc lowers them for an `async fn`.
//!
//! rustc moves every argument into the future whole and binds the patterns when the body
//! starts, one parameter after the other, as `let` statements of the outermost block
//! (`rustc_ast_lowering`, `lower_maybe_coroutine_body`):
//!
//! ```text
//! // Input:
//! async fn f(x: D, (a, _b): (D, D), ref mut s: String, _: D) { body }
//! // Output (names starting with `__` are hidden):
//! fn f(x: D, __arg1: (D, D), __arg2: String, __arg3: D) {
//!     let x = x;
//!     let __arg1 = __arg1;
//!     let (a, _b) = __arg1;
//!     let mut __arg2 = __arg2;
//!     let ref mut s = __arg2;
//!     let __arg3 = __arg3;
//!     let _ = __arg3;
//!     { body }
//! }
//! ```
//!
//! So the bindings are dropped after the body's own locals, in reverse parameter order, and
//! what a pattern leaves in its argument (the `_` of `(x, _)`, or all of `_: D`) stays there to
//! the end: the lowering treats these `let`s like any other (a partial move keeps the rest, a
//! `ref` binding borrows the argument, which may give it a pinned home). A function whose
//! parameters are all plain names is left alone, unless the body partly moves one: there the
//! order is already rustc's.

use syn::{Block, FnArg, ItemFn, Pat, Stmt};

use crate::lower::hidden;

/// The function with pattern parameters bound by `let`s at the start of its body, or `None` if
/// every parameter is a plain name.
pub fn bind_in_body(item: &ItemFn) -> Option<ItemFn> {
    let typed = item.sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(pt) => Some(pt),
        FnArg::Receiver(_) => None,
    });
    // A plain parameter that a `let` pattern partly moves needs a `let` too, for its remains
    // to be declared after (see `partial`).
    let partly_moved = |pt: &syn::PatType| match &*pt.pat {
        Pat::Ident(pi) => crate::partial::moves_param_partly(&item.block, &pi.ident.to_string()),
        _ => false,
    };
    if typed
        .clone()
        .all(|pt| is_plain(&pt.pat) && !partly_moved(pt))
    {
        return None;
    }
    let mut item = item.clone();
    let mut lets: Vec<Stmt> = Vec::new();
    for (i, input) in item.sig.inputs.iter_mut().enumerate() {
        let FnArg::Typed(pt) = input else { continue };
        let pat = (*pt.pat).clone();
        let argument = argument_ident(i, &pat);
        // `ref mut` bindings borrow the argument mutably.
        let mutability = has_ref_mut(&pat).then(<syn::Token![mut]>::default);
        *pt.pat = Pat::Ident(syn::PatIdent {
            attrs: Vec::new(),
            by_ref: None,
            mutability: None,
            ident: argument.clone(),
            subpat: None,
        });
        if !is_plain(&pat) {
            // The argument itself first, as rustc writes it: what the pattern leaves in it is
            // dropped in this parameter's turn.
            let mutability = &mutability;
            lets.push(syn::parse_quote!(let #mutability #argument = #argument;));
        }
        lets.push(syn::parse_quote!(let #pat = #argument;));
    }
    let body = &item.block;
    let block: Block = syn::parse_quote!({
        #(#lets)*
        #body
    });
    *item.block = block;
    Some(item)
}

/// The name the `i`-th parameter has in the signature: its own if it is a plain name, else a
/// hidden `__argN` (the signature, the state machine and the checked copy agree on it).
pub fn argument_ident(i: usize, pat: &Pat) -> syn::Ident {
    match pat {
        Pat::Ident(pi) if is_plain(pat) => pi.ident.clone(),
        _ => hidden(&format!("__arg{i}")),
    }
}

/// A parameter the function can bind directly: a name, maybe `mut`, not `ref`.
pub fn is_plain(pat: &Pat) -> bool {
    matches!(pat, Pat::Ident(pi)
        if pi.by_ref.is_none() && pi.subpat.is_none() && crate::analyse::is_binding(pi))
}

pub fn has_ref_mut(pat: &Pat) -> bool {
    let mut found = false;
    crate::analyse::for_each_binding(pat, &mut |pi| {
        found |= pi.by_ref.is_some() && pi.mutability.is_some();
    });
    found
}
