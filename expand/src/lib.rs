//! The transform behind `#[visible_async]`, on `proc-macro2` tokens so that it can run outside
//! the compiler too (the expand demo, robustness tests).
//!
//! Stages: [`args`] parses the attribute, [`check`] rejects what cannot be lowered, [`analyse`]
//! numbers the `.await`s and decides what each suspension keeps, [`lower`] rebuilds the body
//! as one arm per resume point, and [`emit`] assembles the enum and the poll closure.

mod analyse;
mod args;
mod borrows;
mod cfg;
mod check;
mod desugar;
mod edition;
mod emit;
mod extend;
mod held;
mod lower;
mod macros;
mod params;
mod partial;
mod pins;
mod receiver;
mod signature;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{FnArg, ItemFn, Pat};

use crate::lower::Key;

/// Expands `#[visible_async(args)] item`. Never panics: what cannot be lowered becomes a
/// `compile_error!` next to the untouched original function, so one error shows instead of a
/// cascade and the function stays usable for completion in editors.
#[must_use]
#[allow(clippy::needless_pass_by_value)]
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    // With `#[cfg]`s in it, one configured copy per combination of their predicates (`cfg`).
    if let Some(tokens) = cfg::expand_configured(&args, &item) {
        return tokens;
    }
    match expand_caught(args, item.clone()) {
        Ok(tokens) => tokens,
        Err(errors) => fallback(&errors, &item),
    }
}

/// [`try_expand`], with a panic caught and turned into an internal error.
fn expand_caught(args: TokenStream, item: TokenStream) -> Result<TokenStream, Vec<syn::Error>> {
    std::panic::catch_unwind(|| try_expand(args, item))
        .unwrap_or_else(|_| Err(vec![internal_error()]))
}

fn internal_error() -> syn::Error {
    syn::Error::new(
        proc_macro2::Span::call_site(),
        "#[visible_async] hit an internal error on this function; please report it with the function's source",
    )
}

fn fallback(errors: &[syn::Error], item: &TokenStream) -> TokenStream {
    let errors = errors.iter().map(syn::Error::to_compile_error);
    quote!(#(#errors)* #item)
}

fn try_expand(args: TokenStream, item: TokenStream) -> Result<TokenStream, Vec<syn::Error>> {
    let args = args::parse(args).map_err(|e| vec![e])?;
    let item: ItemFn = syn::parse2(item).map_err(|e| vec![e])?;
    let checked = check::check(&item);
    if !checked.errors.is_empty() {
        return Err(checked.errors);
    }
    if checked.recursive {
        return Ok(quote!(#item));
    }
    // A method's receiver becomes an argument like the others (see `receiver`).
    let method = receiver::as_argument(&item);
    let lowered_item = method.as_ref().unwrap_or(&item);
    // Pattern parameters are bound by `let`s when the body starts, as rustc does.
    let bound = params::bind_in_body(lowered_item);
    let rewritten = method.is_some() || bound.is_some();
    let lowered_item = bound.as_ref().unwrap_or(lowered_item);
    let inputs: Vec<&FnArg> = lowered_item.sig.inputs.iter().collect();
    let unpinned = pins::unpin_macros(&lowered_item.block);
    let source = unpinned.as_ref().unwrap_or(&lowered_item.block);
    let desugared = desugar::desugar(source).or(unpinned.clone());
    let lowered = desugared.as_ref().unwrap_or(&lowered_item.block);
    let extended = extend::extended_as_locals(lowered);
    let desugared = extended.or(desugared);
    let lowered = desugared.as_ref().unwrap_or(&lowered_item.block);
    let held = held::hold_awaited_temporaries(lowered, &args.receivers);
    let desugared = held.or(desugared);
    let lowered = desugared.as_ref().unwrap_or(&lowered_item.block);
    let rests = partial::keep_rests(lowered);
    let desugared = rests.or(desugared);
    let lowered = desugared.as_ref().unwrap_or(&lowered_item.block);
    let an = analyse::analyse(&inputs, lowered, &args.receivers);
    // The body as written, with an analysis of its own, for the copy that rustc checks.
    let written_inputs: Vec<&FnArg> = item.sig.inputs.iter().collect();
    let written = (desugared.is_some() || rewritten)
        .then(|| analyse::analyse(&written_inputs, &item.block, &args.receivers));
    let written = emit::Written {
        body: &item.block,
        an: written.as_ref().unwrap_or(&an),
        inputs: &written_inputs,
        params_bound_in_body: bound.is_some(),
    };

    let mut params = params(lowered_item, &an).ok_or_else(|| vec![internal_error()])?;
    if method.is_some()
        && let Some(receiver) = params.first_mut()
    {
        receiver.value = quote!(self);
        receiver.receiver = true;
    }
    let sig = signature::signature(&item);
    let option_try = signature::spells_out_try(&item);
    let hoisted = lower::hoisted_items(lowered, &an);
    let body = emit::emit(&sig, &an, &params, lowered, &written, option_try, &hoisted)?;

    let attrs = &item.attrs;
    let header = &sig.header;
    let twin = args.compiler.map(|name| {
        let mut twin = item.clone();
        twin.sig.ident = name;
        quote!(#twin)
    });
    Ok(quote! {
        #(#attrs)*
        #header {
            #body
        }
        #twin
    })
}

/// The arguments as `Unresumed` stores them, by name: after `params::bind_in_body` every
/// parameter is a plain name (patterns are bound by `let`s in the body). Anything else is a
/// broken invariant, reported as an internal error.
fn params(item: &ItemFn, an: &analyse::Analysis) -> Option<Vec<emit::Param>> {
    let mut out = Vec::new();
    for input in &item.sig.inputs {
        let FnArg::Typed(pt) = input else { continue };
        let Pat::Ident(pi) = &*pt.pat else {
            return None;
        };
        let &b = an.binding_of.get(&analyse::node_id(pi))?;
        let ident = pi.ident.clone();
        let value = ident.clone();
        out.push(emit::Param {
            key: Key::Binding(b),
            ident,
            mutable: pi.mutability.is_some(),
            value: quote!(#value),
            receiver: false,
        });
    }
    Some(out)
}
