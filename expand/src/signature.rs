//! The function's signature: `async fn f(..) -> T` becomes `fn f(..) -> impl Future<Output = T>`.
//!
//! What an `impl Trait` return type captures depends on the edition of its `impl` token, and
//! that token is this macro's, written in edition 2024: the future captures every lifetime and
//! type parameter in scope (the arguments' elided lifetimes, an enclosing `impl`'s parameters),
//! exactly as the compiler's `async fn` does, in edition 2021 crates too (`tests-2021` checks
//! it).

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
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
    let mut generics = sig.generics.clone();
    if sig.receiver().is_none() {
        outlived_lifetime(&mut inputs, &mut generics);
    }
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

/// With two or more lifetimes in the arguments, gives them names and adds one that they all
/// outlive, `'__future`: `fn pick(a: &u8, b: &u8)` becomes `fn pick<'__l0: '__future, '__l1:
/// '__future, '__future>(a: &'__l0 u8, b: &'__l1 u8)`. A value the state holds
/// may borrow from either argument (`let r = if c { a } else { b };`, or a callee's future
/// with one lifetime for both); its lifetime is then none of the arguments', which the
/// returned `impl Future` could not name (E0700), where rustc's `async fn` hides it in the
/// coroutine. `'__future` names it. Callers see the same function: every lifetime is still
/// inferred. Not for methods: in a trait impl the signature must stay the trait's.
fn outlived_lifetime(inputs: &mut Punctuated<FnArg, syn::Token![,]>, generics: &mut syn::Generics) {
    struct Name(Vec<syn::Lifetime>);
    impl VisitMut for Name {
        fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
            if r.lifetime.is_none() {
                let fresh = syn::Lifetime::new(&format!("'__l{}", self.0.len()), r.and_token.span);
                self.0.push(fresh.clone());
                r.lifetime = Some(fresh);
            }
            syn::visit_mut::visit_type_reference_mut(self, r);
        }
        fn visit_lifetime_mut(&mut self, l: &mut syn::Lifetime) {
            if l.ident == "_" {
                let fresh = syn::Lifetime::new(&format!("'__l{}", self.0.len()), l.apostrophe);
                self.0.push(fresh.clone());
                *l = fresh;
            }
        }
        // Elided lifetimes there are higher-ranked or follow trait-object rules: left alone.
        fn visit_type_fn_ptr_mut(&mut self, _: &mut syn::TypeFnPtr) {}
        fn visit_type_impl_trait_mut(&mut self, _: &mut syn::TypeImplTrait) {}
        fn visit_type_trait_object_mut(&mut self, _: &mut syn::TypeTraitObject) {}
        fn visit_parenthesized_generic_arguments_mut(
            &mut self,
            _: &mut syn::ParenthesizedGenericArguments,
        ) {
        }
    }
    let mut named = inputs.clone();
    let mut name = Name(Vec::new());
    for input in &mut named {
        if let FnArg::Typed(pt) = input {
            name.visit_type_mut(&mut pt.ty);
        }
    }
    let mut lifetimes: Vec<syn::Lifetime> =
        generics.lifetimes().map(|l| l.lifetime.clone()).collect();
    lifetimes.extend(name.0.iter().cloned());
    if lifetimes.len() < 2 {
        return;
    }
    *inputs = named;
    let future = syn::Lifetime::new("'__future", proc_macro2::Span::call_site());
    // Each bound goes where the lifetime's other bounds are (clippy's
    // `multiple_bound_locations`): in the `where` clause if it has some there, else inline.
    let in_where: Vec<syn::Lifetime> = generics
        .where_clause
        .iter()
        .flat_map(|w| &w.predicates)
        .filter_map(|p| match p {
            syn::WherePredicate::Lifetime(l) => Some(l.lifetime.clone()),
            _ => None,
        })
        .collect();
    let mut where_bounds = Vec::new();
    for param in generics.lifetimes_mut() {
        if in_where.contains(&param.lifetime) {
            where_bounds.push(param.lifetime.clone());
        } else {
            param.bounds.push(future.clone());
        }
    }
    // (Lifetimes come before type and const parameters.)
    let mut at = generics.lifetimes().count();
    for fresh in &name.0 {
        generics
            .params
            .insert(at, syn::parse_quote!(#fresh: #future));
        at += 1;
    }
    generics.params.insert(at, syn::parse_quote!(#future));
    if !where_bounds.is_empty() {
        let where_clause = generics.make_where_clause();
        for lifetime in &where_bounds {
            where_clause
                .predicates
                .push(syn::parse_quote!(#lifetime: #future));
        }
    }
}
