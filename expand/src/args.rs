//! The attribute's arguments: `#[visible_async]` or `#[visible_async(compiler = name)]`.

use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};

#[derive(Default)]
pub struct Args {
    /// Also emit the untouched `async fn` under this name, for side-by-side comparison.
    pub compiler: Option<syn::Ident>,
}

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
            } else {
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "unknown argument `{key}`; the one argument is `compiler = NAME`, which also emits the plain `async fn` as NAME"
                    ),
                ));
            }
            if !input.is_empty() {
                input.parse::<syn::Token![,]>()?;
            }
        }
        Ok(args)
    }
}

pub fn parse(tokens: TokenStream) -> syn::Result<Args> {
    syn::parse2(tokens)
}
