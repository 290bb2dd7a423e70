//! The attribute's arguments: `#[visible_async]`, `#[visible_async(compiler = name)]`, and the
//! receiver hints `consumes(m, ..)` and `borrows(m, ..)`.

use std::collections::HashSet;

use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};

#[derive(Default)]
pub struct Args {
    /// Also emit the untouched `async fn` under this name, for side-by-side comparison.
    pub compiler: Option<syn::Ident>,
    pub receivers: ReceiverHints,
}

/// What the user says of methods the body calls, where the name alone does not tell whether
/// the method takes its receiver by value (the macro has no types): `consumes(apply)` for
/// `fn apply(self, ..)`, `borrows(wait)` for a method with a consuming-looking name that takes
/// `&self` or `&mut self`.
#[derive(Default, Clone)]
pub struct ReceiverHints {
    pub consumes: HashSet<String>,
    pub borrows: HashSet<String>,
}

impl ReceiverHints {
    /// The hints as attribute arguments again (`consumes(a, b), borrows(c)`), for the copies
    /// of a function that `cfg` makes.
    pub fn to_args(&self) -> TokenStream {
        let list = |names: &HashSet<String>| {
            let mut names: Vec<&String> = names.iter().collect();
            names.sort();
            names
                .into_iter()
                .map(|n| syn::Ident::new(n, proc_macro2::Span::call_site()))
                .collect::<Vec<_>>()
        };
        let (consumes, borrows) = (list(&self.consumes), list(&self.borrows));
        let mut out = TokenStream::new();
        if !consumes.is_empty() {
            out.extend(quote::quote!(consumes(#(#consumes),*),));
        }
        if !borrows.is_empty() {
            out.extend(quote::quote!(borrows(#(#borrows),*),));
        }
        out
    }
}

const USAGE: &str = "the arguments are `compiler = NAME` (also emit the plain `async fn` as NAME), \
     `consumes(METHOD, ..)` (methods of the body that take `self` by value) and \
     `borrows(METHOD, ..)` (methods that take `&self` or `&mut self` whatever their names say)";

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let key: syn::Ident = input.parse()?;
            if key == "compiler" {
                input.parse::<syn::Token![=]>().map_err(|_| {
                    syn::Error::new(key.span(), "write `compiler = NAME`: the name under which to also emit the plain `async fn`")
                })?;
                if args.compiler.is_some() {
                    return Err(syn::Error::new(key.span(), "`compiler` is given twice"));
                }
                args.compiler = Some(input.parse()?);
            } else if key == "consumes" || key == "borrows" {
                let names = method_names(&key, input)?;
                let (this, other) = if key == "consumes" {
                    (&mut args.receivers.consumes, &args.receivers.borrows)
                } else {
                    (&mut args.receivers.borrows, &args.receivers.consumes)
                };
                for name in names {
                    let text = name.to_string();
                    if other.contains(&text) {
                        return Err(syn::Error::new(
                            name.span(),
                            format!(
                                "`{text}` is listed in both `consumes` and `borrows`: a method takes its receiver one way or the other"
                            ),
                        ));
                    }
                    this.insert(text);
                }
            } else {
                return Err(syn::Error::new(
                    key.span(),
                    format!("unknown argument `{key}`; {USAGE}"),
                ));
            }
            if !input.is_empty() {
                input.parse::<syn::Token![,]>()?;
            }
        }
        Ok(args)
    }
}

/// The method names of `consumes(a, b)` or `borrows(a)`.
fn method_names(key: &syn::Ident, input: ParseStream<'_>) -> syn::Result<Vec<syn::Ident>> {
    let content;
    syn::parenthesized!(content in input);
    let names = content.parse_terminated(syn::Ident::parse, syn::Token![,])?;
    if names.is_empty() {
        return Err(syn::Error::new(
            key.span(),
            format!("`{key}(..)` lists method names, as in `{key}(send, finish)`"),
        ));
    }
    Ok(names.into_iter().collect())
}

pub fn parse(tokens: TokenStream) -> syn::Result<Args> {
    syn::parse2(tokens)
}
