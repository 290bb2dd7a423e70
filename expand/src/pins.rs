//! Pinning macros become hidden locals that the state machine keeps in place.
//!
//! `let f = pin!(fut);` (the standard library's, whose temporary the `let` extends),
//! `pin_mut!(f);` (futures, pin-utils) and `tokio::pin!(f);` or `tokio::pin! { let f = fut; }`
//! pin a value in a place of the function and bind a `Pin<&mut _>` to it. The macro cannot see
//! inside them, so they are rewritten, before the analysis, into what they mean:
//!
//! ```text
//! // Input:
//! let f = core::pin::pin!(make());
//! futures::pin_mut!(g);
//! // Output (names starting with `__` are hidden):
//! let mut __pinned0 = make();
//! let f = unsafe { ::visible_async::__private::pin_local(&mut __pinned0) };
//! let mut __pinned1 = g;
//! let mut g = unsafe { ::visible_async::__private::pin_local(&mut __pinned1) };
//! ```
//!
//! No user code names a hidden local, so nothing moves it, and the lowering gives it a pinned
//! home wherever the state keeps it across an `.await` (see `Analysis::is_pinned`): it stays
//! where it was pinned until it is dropped there, which is what `Pin` asks. It is dropped where
//! rustc drops the macro's place, after the binding, at the end of the block.

use syn::visit_mut::VisitMut;
use syn::{Block, Expr, Pat, Stmt};

use crate::lower::hidden;

/// The prefix of the hidden locals made here: the analysis recognizes them by it.
pub const PINNED_PREFIX: &str = "__pinned";

/// The body with its pinning macros rewritten, or `None` if it has none.
pub fn unpin_macros(body: &Block) -> Option<Block> {
    let mut body = body.clone();
    let mut rewrite = Rewrite { count: 0 };
    rewrite.visit_block_mut(&mut body);
    (rewrite.count > 0).then_some(body)
}

struct Rewrite {
    count: usize,
}

impl VisitMut for Rewrite {
    fn visit_block_mut(&mut self, block: &mut Block) {
        syn::visit_mut::visit_block_mut(self, block);
        let mut stmts = Vec::with_capacity(block.stmts.len());
        for stmt in std::mem::take(&mut block.stmts) {
            match self.rewrite(&stmt) {
                Some(replacement) => stmts.extend(replacement),
                None => stmts.push(stmt),
            }
        }
        block.stmts = stmts;
    }
    // Their code is the compiler's: left as written.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

impl Rewrite {
    /// The statements a pinning statement stands for, or `None` if it is not one.
    fn rewrite(&mut self, stmt: &Stmt) -> Option<Vec<Stmt>> {
        match stmt {
            Stmt::Local(local) => {
                let init = local.init.as_ref()?;
                if init.diverge.is_some() {
                    return None;
                }
                let Expr::Macro(m) = &*init.expr else {
                    return None;
                };
                if !is_std_pin(&m.mac.path) {
                    return None;
                }
                let value: Expr = m.mac.parse_body().ok()?;
                Some(self.pinned(&local.attrs, &local.pat, &value))
            }
            Stmt::Macro(m) => self.statement_macro(&m.attrs, &m.mac),
            Stmt::Expr(Expr::Macro(m), Some(_)) => self.statement_macro(&m.attrs, &m.mac),
            _ => None,
        }
    }

    /// `pin_mut!(a, b);`, `tokio::pin!(a);`, `tokio::pin! { let a = f(); }`.
    fn statement_macro(&mut self, attrs: &[syn::Attribute], mac: &syn::Macro) -> Option<Vec<Stmt>> {
        if !is_pinning_statement(mac) {
            return None;
        }
        let name = crate::macros::name(mac);
        let parser = syn::punctuated::Punctuated::<syn::Ident, syn::Token![,]>::parse_terminated;
        if let Ok(names) = mac.parse_body_with(parser) {
            let mut out = Vec::new();
            for name in names {
                let pat: Pat = syn::parse_quote!(mut #name);
                let value: Expr = syn::parse_quote!(#name);
                out.extend(self.pinned(attrs, &pat, &value));
            }
            return (!out.is_empty()).then_some(out);
        }
        if name == "pin_mut" {
            return None;
        }
        let lets = mac.parse_body_with(Block::parse_within).ok()?;
        let mut out = Vec::new();
        for stmt in lets {
            let Stmt::Local(local) = stmt else {
                return None;
            };
            let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
            let pat = match &local.pat {
                Pat::Ident(pi) if pi.mutability.is_none() => {
                    let mut pi = pi.clone();
                    pi.mutability = Some(syn::Token![mut](pi.ident.span()));
                    Pat::Ident(pi)
                }
                pat => pat.clone(),
            };
            out.extend(self.pinned(attrs, &pat, &init.expr));
        }
        (!out.is_empty()).then_some(out)
    }

    /// `let mut __pinnedN = value; let pat = unsafe { pin_local(&mut __pinnedN) };`
    fn pinned(&mut self, attrs: &[syn::Attribute], pat: &Pat, value: &Expr) -> Vec<Stmt> {
        let place = hidden(&format!("{PINNED_PREFIX}{}", self.count));
        self.count += 1;
        vec![
            syn::parse_quote!(#(#attrs)* let mut #place = #value;),
            syn::parse_quote!(
                #(#attrs)* let #pat = unsafe { ::visible_async::__private::pin_local(&mut #place) };
            ),
        ]
    }
}

/// Whether a statement macro is one of the pinning ones rewritten here: `pin_mut!(..)`, or
/// `pin!(..)` as a statement, which is tokio's (the standard one is a value; `core::pin::pin!`
/// as a statement pins a temporary for nothing and is left alone).
pub fn is_pinning_statement(mac: &syn::Macro) -> bool {
    match crate::macros::name(mac).as_str() {
        "pin_mut" => true,
        "pin" => !is_std_pin_path_only(&mac.path),
        _ => false,
    }
}

/// `pin`, `core::pin::pin`, `std::pin::pin` (with or without a leading `::`): the standard
/// library's `pin!`, which takes an expression.
fn is_std_pin(path: &syn::Path) -> bool {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    matches!(
        segments
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        ["pin"] | ["core" | "std", "pin", "pin"]
    )
}

/// A path that is only the standard library's `pin!` (not a bare `pin`, which may be tokio's
/// imported).
fn is_std_pin_path_only(path: &syn::Path) -> bool {
    is_std_pin(path) && path.segments.len() > 1
}
