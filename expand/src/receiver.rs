//! Methods. `self` can only name the receiver of the function it is declared by, and the
//! state machine's code runs in a closure that owns its values, so the receiver becomes an
//! ordinary argument, `__self`, stored in `Unresumed` like the others, and every `self` of the
//! body (outside nested items, which have their own) is written `__self`.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use syn::visit_mut::VisitMut;
use syn::{FnArg, ItemFn, Pat};

/// The name the receiver has in the generated code.
const NAME: &str = "__self";

pub fn self_ident(at: Span) -> syn::Ident {
    syn::Ident::new(NAME, Span::mixed_site().located_at(at))
}

/// A name as the user wrote it, for docs: `self` for the receiver.
pub fn shown(name: &str) -> &str {
    if name == NAME { "self" } else { name }
}

/// Tokens as the user wrote them, for docs: `self` for the receiver.
pub fn as_written(tokens: TokenStream) -> TokenStream {
    map_idents(tokens, &|ident, _| {
        (*ident == NAME).then(|| syn::Ident::new("self", ident.span()))
    })
}

/// The function with its receiver turned into an argument `__self: T` (`mut` for `mut self`)
/// and its body reading `__self` for `self`; `None` if it has no receiver.
pub fn as_argument(item: &ItemFn) -> Option<ItemFn> {
    let receiver = item.sig.receiver()?;
    let ident = self_ident(receiver.self_token.span);
    let ty: syn::Type = match &receiver.kind {
        syn::ReceiverKind::Reference(and, lifetime, mutability) => {
            syn::parse_quote!(#and #lifetime #mutability Self)
        }
        syn::ReceiverKind::Typed(_, ty) => (**ty).clone(),
        _ => syn::parse_quote!(Self),
    };
    // `mut self` and `mut self: T`; for `&mut self` the `mut` is the reference's.
    let mutability = receiver.mutability;
    let argument = FnArg::Typed(syn::PatType {
        attrs: receiver.attrs.clone(),
        pat: Box::new(Pat::Ident(syn::PatIdent {
            attrs: Vec::new(),
            by_ref: None,
            mutability,
            ident,
            subpat: None,
        })),
        colon_token: syn::Token![:](receiver.self_token.span),
        ty: Box::new(ty),
    });
    let mut item = item.clone();
    if let Some(first) = item.sig.inputs.first_mut() {
        *first = argument;
    }
    RenameSelf.visit_block_mut(&mut item.block);
    Some(item)
}

/// Writes `__self` for every `self` that names the receiver.
struct RenameSelf;

impl VisitMut for RenameSelf {
    fn visit_expr_path_mut(&mut self, p: &mut syn::ExprPath) {
        if p.qself.is_none()
            && p.path.leading_colon.is_none()
            && p.path.segments.len() == 1
            && p.path.segments[0].ident == "self"
        {
            let at = p.path.segments[0].ident.span();
            p.path.segments[0].ident = self_ident(at);
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        mac.tokens = rename_tokens(std::mem::take(&mut mac.tokens));
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// `self` in a macro's tokens, unless it starts a path (`self::item`).
fn rename_tokens(tokens: TokenStream) -> TokenStream {
    map_idents(tokens, &|ident, next| {
        let starts_path = matches!(next, Some(TokenTree::Punct(p)) if p.as_char() == ':');
        (*ident == "self" && !starts_path).then(|| self_ident(ident.span()))
    })
}

/// Replaces identifiers in tokens, groups included: `f` sees each identifier and the token
/// after it, and gives the replacement, if any.
fn map_idents(
    tokens: TokenStream,
    f: &impl Fn(&syn::Ident, Option<&TokenTree>) -> Option<syn::Ident>,
) -> TokenStream {
    let mut out: Vec<TokenTree> = Vec::new();
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        out.push(match tt {
            TokenTree::Ident(ident) => TokenTree::Ident(f(&ident, iter.peek()).unwrap_or(ident)),
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), map_idents(g.stream(), f));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            other => other,
        });
    }
    out.into_iter().collect()
}
