//! The function's signature: `async fn f(..) -> T` becomes `fn f(..) -> impl Future<Output = T>`.
//!
//! What an `impl Trait` return type captures depends on the edition of its `impl` token, and
//! that token is this macro's, written in edition 2024: the future captures every lifetime and
//! type parameter in scope (the arguments' elided lifetimes, an enclosing `impl`'s parameters),
//! exactly as the compiler's `async fn` does, in edition 2021 crates too (`tests-2021` checks
//! it).

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{FnArg, ItemFn, Pat, ReturnType, Type};

pub struct Signature {
    pub ident: syn::Ident,
    /// The rewritten signature, ready to print before the body.
    pub header: TokenStream,
    /// Whether the function returns `()`.
    pub unit_output: bool,
    /// The output type as written (`()` if none).
    pub output: TokenStream,
    /// Whether the return type contains `impl Trait`: a copy of the body makes its own hidden
    /// type (closures differ), so it cannot be held to the same output.
    pub opaque_output: bool,
    /// Every identifier the function's tokens contain, to keep generated names clear of them.
    pub mentioned: std::collections::HashSet<String>,
}

pub fn signature(item: &ItemFn) -> Signature {
    let sig = &item.sig;
    let mut inputs = sig.inputs.clone();
    for (i, input) in inputs.iter_mut().enumerate() {
        match input {
            // `mut self` stays for the copy of the body that rustc checks, which may mutate it.
            FnArg::Receiver(receiver) => {
                if receiver.mutability.is_some() {
                    receiver.attrs.push(syn::parse_quote!(#[allow(unused_mut)]));
                }
            }
            // The arguments only move into the state: plain names lose `mut`, patterns are
            // taken whole as `__argN` and destructured when the body starts.
            FnArg::Typed(pt) => {
                let name = crate::params::argument_ident(i, &pt.pat);
                *pt.pat = Pat::Ident(syn::PatIdent {
                    attrs: Vec::new(),
                    by_ref: None,
                    mutability: None,
                    ident: name,
                    subpat: None,
                });
            }
        }
    }
    let output = match &sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => ty.to_token_stream(),
    };
    let generics = &sig.generics;
    let where_clause = &generics.where_clause;
    let (vis, constness, unsafety, abi, ident) =
        (&item.vis, &sig.constness, &sig.safety, &sig.abi, &sig.ident);
    // `Inspect` lets callers ask the future where it is; in a trait impl that is a refinement
    // of the trait's return type, which is allowed.
    let header = quote! {
        #[allow(refining_impl_trait)]
        #vis #constness #unsafety #abi fn #ident #generics (#inputs)
            -> impl ::core::future::Future<Output = #output> + ::visible_async::inspect::Inspect
            #where_clause
    };
    let unit_output = match &sig.output {
        ReturnType::Default => true,
        ReturnType::Type(_, ty) => matches!(&**ty, Type::Tuple(t) if t.elems.is_empty()),
    };
    let mut in_output = std::collections::HashSet::new();
    collect_idents(sig.output.to_token_stream(), &mut in_output);
    let opaque_output = in_output.contains("impl");
    let mut mentioned = std::collections::HashSet::new();
    collect_idents(item.to_token_stream(), &mut mentioned);
    Signature {
        ident: sig.ident.clone(),
        header,
        unit_output,
        output,
        opaque_output,
        mentioned,
    }
}

/// Whether `?` must be spelled out: the function does not visibly return a `Result` (whose
/// `?` the poll closure's `Poll<Result<..>>` accepts as it is), e.g. `Option` or an alias.
pub fn spells_out_try(item: &ItemFn) -> bool {
    match &item.sig.output {
        ReturnType::Type(_, ty) => match &**ty {
            Type::Path(p) => p.path.segments.last().is_none_or(|s| s.ident != "Result"),
            _ => true,
        },
        ReturnType::Default => true,
    }
}

fn collect_idents(tokens: TokenStream, out: &mut std::collections::HashSet<String>) {
    for tt in tokens {
        match tt {
            proc_macro2::TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => collect_idents(g.stream(), out),
            _ => {}
        }
    }
}
