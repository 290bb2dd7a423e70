//! Temporaries whose lifetime a `let` extends become locals.
//!
//! In `let r = &String::from("x");` the `String` is a temporary that rustc keeps to the end of
//! the block, as if it were a local declared just before `r` (`rustc_hir_analysis`'s
//! `region.rs`, `record_rvalue_scope_if_borrow_expr`: the operand of `&` in a `let`
//! initializer, through `*`, fields and indexing, lives as long as the `let`'s binding). Across
//! an `.await` such a temporary must be held by the state like a local, and be given a pinned
//! home since `r` borrows it; so it is written as one:
//!
//! ```text
//! // Input:
//! let x = &mut 0;
//! let a = &*m.lock().await;
//! // Output (names starting with `__` are hidden):
//! let mut __extended0 = 0;
//! let x = &mut __extended0;
//! let __extended1 = m.lock().await;
//! let a = &*__extended1;
//! ```
//!
//! The temporary is the first thing the initializer evaluates, so the order is unchanged. Only
//! `let`s followed by an `.await` in their block are rewritten, and not `&` of a literal (or
//! an array or tuple of literals), which rustc promotes to a constant instead.

use syn::visit_mut::VisitMut;
use syn::{Block, Expr, Stmt};

use crate::lower::hidden;

/// The body with its extended temporaries as locals, or `None` if none lives across an
/// `.await`.
pub fn extended_as_locals(body: &Block) -> Option<Block> {
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
        let stmts = std::mem::take(&mut block.stmts);
        let awaits_after: Vec<bool> = {
            let mut later = false;
            let mut flags: Vec<bool> = stmts
                .iter()
                .rev()
                .map(|stmt| {
                    let flag = later;
                    later |= mentions_await(stmt);
                    flag
                })
                .collect();
            flags.reverse();
            flags
        };
        for (mut stmt, awaits_after) in stmts.into_iter().zip(awaits_after) {
            let Stmt::Local(local) = &mut stmt else {
                block.stmts.push(stmt);
                continue;
            };
            let hoisted = match &mut local.init {
                Some(init) if init.diverge.is_none() && awaits_after => self.hoist(&mut init.expr),
                _ => None,
            };
            block.stmts.extend(hoisted);
            block.stmts.push(stmt);
        }
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

impl Rewrite {
    /// For an initializer `&V`, `&mut V`, `&*V`, `&V.f`, `&V[i]` (and parentheses) where `V`
    /// is a value rather than a place: replaces `V` by a new local and returns its `let`.
    fn hoist(&mut self, init: &mut Expr) -> Option<Stmt> {
        let (operand, mutable) = match init {
            Expr::Reference(r) => (&mut *r.expr, r.mutability.is_some()),
            Expr::Paren(p) => return self.hoist(&mut p.expr),
            _ => return None,
        };
        let value = innermost_operand(operand);
        if matches!(value, Expr::Path(_)) || (!mutable && promoted(value)) {
            return None;
        }
        let ident = hidden(&format!("__extended{}", self.count));
        self.count += 1;
        let taken = std::mem::replace(value, syn::parse_quote!(#ident));
        let mutability = mutable.then(<syn::Token![mut]>::default);
        Some(syn::parse_quote!(let #mutability #ident = #taken;))
    }
}

/// The expression a chain of `*`, field accesses and indexing starts from.
fn innermost_operand(expr: &mut Expr) -> &mut Expr {
    let projected = match expr {
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => true,
        Expr::Field(_) | Expr::Index(_) | Expr::Paren(_) => true,
        _ => false,
    };
    if !projected {
        return expr;
    }
    match expr {
        Expr::Unary(u) => innermost_operand(&mut u.expr),
        Expr::Field(f) => innermost_operand(&mut f.base),
        Expr::Index(i) => innermost_operand(&mut i.expr),
        Expr::Paren(p) => innermost_operand(&mut p.expr),
        other => other,
    }
}

/// Whether rustc promotes `&expr` to a constant: literals and arrays or tuples of them.
fn promoted(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(_) | Expr::Const(_) => true,
        Expr::Array(a) => a.elems.iter().all(promoted),
        Expr::Tuple(t) => t.elems.iter().all(promoted),
        Expr::Paren(p) => promoted(&p.expr),
        _ => false,
    }
}

/// Whether a statement's tokens have an `.await`, also inside macro arguments (which syn does
/// not parse), closures and `async` blocks: hoisting one temporary too many is harmless.
fn mentions_await(stmt: &Stmt) -> bool {
    crate::desugar::any_token(
        quote::ToTokens::to_token_stream(stmt),
        &|tree| matches!(tree, proc_macro2::TokenTree::Ident(i) if i == "await"),
    )
}
