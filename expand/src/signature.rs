//! The function's signature: `async fn f(..) -> T` becomes
//! `fn f(..) -> impl Future<Output = T> + use<..>`, capturing every lifetime and type parameter
//! as the compiler's `async fn` does, in edition 2021 and 2024 crates alike.
//!
//! `use<..>` can only name parameters, so elided lifetimes (`&str`, `'_`) get names
//! (`'__life0`) and `impl Trait` arguments become type parameters (`__Impl0`).

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{FnArg, GenericParam, ItemFn, Pat, ReturnType, Type};

pub struct Signature {
    pub ident: syn::Ident,
    /// The rewritten signature, ready to print before the body.
    pub header: TokenStream,
    /// Whether the function returns `()`.
    pub unit_output: bool,
    /// Whether the return type contains `impl Trait`: a copy of the body makes its own hidden
    /// type (closures differ), so it cannot be held to the same output.
    pub opaque_output: bool,
    /// Every identifier the function's tokens contain, to keep generated names clear of them.
    pub mentioned: std::collections::HashSet<String>,
}

/// Names elided lifetimes and turns `impl Trait` arguments into type parameters.
struct NameHidden {
    lifetimes: Vec<syn::Lifetime>,
    impls: Vec<(
        syn::Ident,
        syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]>,
    )>,
}

impl NameHidden {
    fn fresh_lifetime(&mut self, span: Span) -> syn::Lifetime {
        let lifetime = syn::Lifetime::new(&format!("'__life{}", self.lifetimes.len()), span);
        self.lifetimes.push(lifetime.clone());
        lifetime
    }
}

impl VisitMut for NameHidden {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(self.fresh_lifetime(r.and_token.span));
        }
        syn::visit_mut::visit_type_reference_mut(self, r);
    }

    fn visit_lifetime_mut(&mut self, lifetime: &mut syn::Lifetime) {
        if lifetime.ident == "_" {
            *lifetime = self.fresh_lifetime(lifetime.apostrophe);
        }
    }

    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::ImplTrait(it) = ty {
            let mut bounds = it.bounds.clone();
            for bound in &mut bounds {
                self.visit_type_param_bound_mut(bound);
            }
            let ident = format_ident!("__Impl{}", self.impls.len());
            self.impls.push((ident.clone(), bounds));
            *ty = syn::parse_quote!(#ident);
            return;
        }
        syn::visit_mut::visit_type_mut(self, ty);
    }

    // Lifetimes inside `fn(&T)` types and `Fn(&T)` bounds belong to those, not to us.
    fn visit_type_fn_ptr_mut(&mut self, _: &mut syn::TypeFnPtr) {}
    fn visit_parenthesized_generic_arguments_mut(
        &mut self,
        _: &mut syn::ParenthesizedGenericArguments,
    ) {
    }
}

pub fn signature(item: &ItemFn) -> Signature {
    let sig = &item.sig;
    let mut inputs = sig.inputs.clone();
    let mut hidden = NameHidden {
        lifetimes: Vec::new(),
        impls: Vec::new(),
    };
    for (i, input) in inputs.iter_mut().enumerate() {
        if let FnArg::Typed(pt) = input {
            hidden.visit_type_mut(&mut pt.ty);
            // The arguments only move into the state: plain names lose `mut`, patterns are
            // taken whole as `__argN` and destructured when the body starts.
            let name = match &*pt.pat {
                Pat::Ident(pi)
                    if pi.by_ref.is_none()
                        && pi.subpat.is_none()
                        && crate::analyse::is_binding(pi) =>
                {
                    pi.ident.clone()
                }
                _ => crate::lower::hidden(&format!("__arg{i}")),
            };
            *pt.pat = Pat::Ident(syn::PatIdent {
                attrs: Vec::new(),
                by_ref: None,
                mutability: None,
                ident: name,
                subpat: None,
            });
        }
    }
    let mut generics = sig.generics.clone();
    for lifetime in &hidden.lifetimes {
        generics
            .params
            .push(GenericParam::Lifetime(syn::LifetimeParam::new(
                lifetime.clone(),
            )));
    }
    for (ident, bounds) in &hidden.impls {
        generics.params.push(syn::parse_quote!(#ident: #bounds));
    }
    // Lifetimes first, as Rust requires.
    let mut params: Vec<GenericParam> = generics.params.iter().cloned().collect();
    params.sort_by_key(|p| !matches!(p, GenericParam::Lifetime(_)));
    generics.params = params.into_iter().collect();

    let captures = generics.params.iter().map(|p| match p {
        GenericParam::Lifetime(l) => l.lifetime.to_token_stream(),
        GenericParam::Type(t) => t.ident.to_token_stream(),
        GenericParam::Const(c) => c.ident.to_token_stream(),
    });
    let output = match &sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => ty.to_token_stream(),
    };
    let (_, _, where_clause) = generics.split_for_impl();
    let params_decl = if generics.params.is_empty() {
        TokenStream::new()
    } else {
        let p = generics.params.iter();
        quote!(<#(#p),*>)
    };
    let (vis, constness, unsafety, abi, ident) =
        (&item.vis, &sig.constness, &sig.safety, &sig.abi, &sig.ident);
    let future = quote!(::core::future::Future<Output = #output>);
    // Without lifetimes, the default capture rules of both editions capture every type
    // parameter in scope, including an enclosing `impl`'s, which `use<..>` could not name.
    // With lifetimes, edition 2021 would not capture them: `use<..>` lists everything.
    let has_lifetimes = generics
        .params
        .iter()
        .any(|p| matches!(p, GenericParam::Lifetime(_)));
    let captures = if has_lifetimes {
        quote!(+ use<#(#captures),*>)
    } else {
        TokenStream::new()
    };
    let header = quote! {
        #vis #constness #unsafety #abi fn #ident #params_decl (#inputs)
            -> impl #future #captures
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
