//! Partial moves by a `let` pattern keep the rest where rustc keeps it.
//!
//! `let (q, _) = t;` moves `t.0` into `q` and leaves `t.1` in `t`, which rustc drops at the
//! end of `t`'s scope, with `t`'s other remains, also when the future is cancelled. A state
//! machine cannot hold a partly moved `t`, so the parts a pattern leaves behind are moved into
//! hidden locals declared right after `t`: they are dropped where `t` would have been, and in
//! field order, like the remains of a partly moved value.
//!
//! ```text
//! // Input:
//! let t = (a(), b());
//! ...
//! let (q, _) = t;
//! // Output (names starting with `__` are hidden):
//! let t = (a(), b());
//! let __t_rest0;
//! ...
//! let (q, __t_part0) = t;
//! __t_rest0 = __t_part0;
//! ```
//!
//! Only `_` in a pattern's fields is rewritten: the fields that `..` skips cannot be named
//! without their type. Bodies without an `.await` are left alone (they run as written).

use std::collections::HashMap;

use quote::ToTokens;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{Block, Expr, Pat, Stmt};

use crate::lower::hidden;

/// The body with the parts that `let` patterns leave behind in locals kept, or `None` if it
/// has no such pattern (or no `.await`).
pub fn keep_rests(body: &Block) -> Option<Block> {
    // Tokens, not syntax: an `.await` in a macro's arguments counts.
    if !crate::macros::tokens_await(&body.to_token_stream()) {
        return None;
    }
    let mut find = Find::default();
    find.visit_block(body);
    find.keep_last_mentions();
    if find.partial.is_empty() {
        return None;
    }
    let mut body = body.clone();
    let mut apply = Apply {
        partial: find.partial,
        blocks: 0,
        lets: 0,
        names: 0,
        pending: HashMap::new(),
    };
    apply.visit_block_mut(&mut body);
    Some(body)
}

/// Whether a parameter named `name` is partly moved by a `let` pattern of the body: then the
/// parameters are bound in the body (see `params`), so its remains have a declaration to
/// follow.
pub fn moves_param_partly(body: &Block, name: &str) -> bool {
    let mut find = Find::default();
    find.scopes.push(vec![(name.to_string(), Decl::Param)]);
    find.visit_block(body);
    find.keep_last_mentions();
    find.partial.values().any(|decl| *decl == Decl::Param)
}

/// Where a name in scope was declared.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Decl {
    /// By `let NAME`: the block (in visiting order) and the statement's index in it.
    Let(usize, usize),
    /// A parameter.
    Param,
    /// By another pattern: not rewritten.
    Other,
}

#[derive(Default)]
struct Find {
    /// Names in scope, innermost last.
    scopes: Vec<Vec<(String, Decl)>>,
    blocks: usize,
    lets: usize,
    /// `let`s (in visiting order, counted after their initializer) that partly move a local,
    /// to the local's declaration.
    partial: HashMap<usize, Decl>,
    /// Where each of those is, in the order of mentions.
    partial_at: HashMap<usize, usize>,
    /// Mentions of locals by name so far, and the last one of each declaration.
    mentions: usize,
    last_mention: HashMap<Decl, usize>,
}

impl<'ast> Visit<'ast> for Find {
    fn visit_block(&mut self, block: &'ast Block) {
        let id = self.blocks;
        self.blocks += 1;
        self.scopes.push(Vec::new());
        for (i, stmt) in block.stmts.iter().enumerate() {
            self.visit_stmt(stmt);
            if let Stmt::Local(local) = stmt {
                match plain_name(&local.pat) {
                    Some(name) => self.declare(name, Decl::Let(id, i)),
                    None => self.declare_pat(&local.pat),
                }
            }
        }
        self.scopes.pop();
    }
    fn visit_local(&mut self, local: &'ast syn::Local) {
        let Some(init) = &local.init else {
            self.lets += 1;
            return;
        };
        self.visit_expr(&init.expr);
        let id = self.lets;
        self.lets += 1;
        if init.diverge.is_none()
            && crate::analyse::moves_out(&local.pat)
            && has_wild(&local.pat)
            && let Expr::Path(p) = &*init.expr
            && p.qself.is_none()
            && let Some(ident) = p.path.get_ident()
            && let Some(decl) = self.lookup(&ident.to_string())
            && decl != Decl::Other
        {
            self.partial.insert(id, decl);
            self.partial_at.insert(id, self.mentions);
        }
    }
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if let Some(ident) = p.path.get_ident() {
            self.mention(&ident.to_string());
        }
    }
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.mention_tokens(mac.tokens.clone());
    }
    // Bindings of other patterns (arms, `for`, `if let`) shadow too, conservatively for the
    // rest of the block.
    fn visit_pat(&mut self, pat: &'ast Pat) {
        self.declare_pat(pat);
    }
    // Closures and `async` blocks are not rewritten, but what they mention counts.
    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        self.mention_tokens(closure.body.to_token_stream());
    }
    fn visit_expr_async(&mut self, block: &'ast syn::ExprAsync) {
        self.mention_tokens(block.block.to_token_stream());
    }
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

impl Find {
    /// Keeps only the partial moves after which the local is not mentioned again: its moved
    /// parts are then never read, so moving the rest out too changes nothing but where the
    /// rest is dropped. (`let (q, _) = t; t.1.len()` stays as written.)
    fn keep_last_mentions(&mut self) {
        let (at, last) = (&self.partial_at, &self.last_mention);
        self.partial.retain(|id, decl| {
            last.get(decl)
                .is_none_or(|&m| at.get(id).is_some_and(|&a| m <= a))
        });
    }

    fn mention(&mut self, name: &str) {
        self.mentions += 1;
        if let Some(decl) = self.lookup(name) {
            self.last_mention.insert(decl, self.mentions);
        }
    }

    fn mention_tokens(&mut self, tokens: proc_macro2::TokenStream) {
        for tree in tokens {
            match tree {
                proc_macro2::TokenTree::Ident(ident) => self.mention(&ident.to_string()),
                proc_macro2::TokenTree::Group(group) => self.mention_tokens(group.stream()),
                _ => {}
            }
        }
    }

    fn declare(&mut self, name: String, decl: Decl) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((name, decl));
        }
    }

    fn declare_pat(&mut self, pat: &Pat) {
        let mut names = Vec::new();
        crate::analyse::for_each_binding(pat, &mut |pi| names.push(pi.ident.to_string()));
        for name in names {
            self.declare(name, Decl::Other);
        }
    }

    fn lookup(&self, name: &str) -> Option<Decl> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(n, _)| n == name)
            .map(|&(_, decl)| decl)
    }
}

/// Rewrites, visiting in the same order as [`Find`].
struct Apply {
    partial: HashMap<usize, Decl>,
    blocks: usize,
    lets: usize,
    names: usize,
    /// Hidden locals to declare after a statement of a block that is still being visited,
    /// by block: (statement index, locals).
    pending: HashMap<Decl, Vec<(usize, Vec<syn::Ident>)>>,
}

impl VisitMut for Apply {
    fn visit_block_mut(&mut self, block: &mut Block) {
        let id = self.blocks;
        self.blocks += 1;
        let mut out = Vec::with_capacity(block.stmts.len());
        // Original statement index to its index in `out`.
        let mut at = Vec::with_capacity(block.stmts.len());
        for mut stmt in std::mem::take(&mut block.stmts) {
            self.visit_stmt_mut(&mut stmt);
            at.push(out.len());
            let moved = match &mut stmt {
                Stmt::Local(local) => self.rewrite(local),
                _ => Vec::new(),
            };
            out.push(stmt);
            out.extend(moved);
        }
        let mut rests: Vec<(usize, Vec<syn::Ident>)> = self
            .pending
            .iter_mut()
            .filter_map(|(decl, list)| match *decl {
                Decl::Let(block, index) if block == id => Some((index, std::mem::take(list))),
                _ => None,
            })
            .flat_map(|(index, list)| list.into_iter().map(move |(_, idents)| (index, idents)))
            .collect();
        // Later positions first, so that earlier insertion points stay valid.
        rests.sort_by_key(|(index, _)| std::cmp::Reverse(*index));
        for (index, idents) in rests {
            let position = at[index] + 1;
            // Each at the same place: they end up in reverse field order, so that they drop
            // in field order.
            for ident in idents {
                out.insert(position, syn::parse_quote!(let #ident;));
            }
        }
        block.stmts = out;
    }
    fn visit_local_mut(&mut self, local: &mut syn::Local) {
        if let Some(init) = &mut local.init {
            self.visit_expr_mut(&mut init.expr);
        }
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

impl Apply {
    /// Rewrites a `let` that partly moves a local (`let (q, _) = t;` → `let (q, __t_part0) =
    /// t;`) and returns the statements that move the parts into the hidden locals declared
    /// after the local.
    fn rewrite(&mut self, local: &mut syn::Local) -> Vec<Stmt> {
        let id = self.lets;
        self.lets += 1;
        let Some(&decl) = self.partial.get(&id) else {
            return Vec::new();
        };
        let name = match local.init.as_ref().map(|init| &*init.expr) {
            Some(Expr::Path(p)) => p.path.get_ident().map(ToString::to_string),
            _ => None,
        }
        .unwrap_or_default();
        let mut parts = Vec::new();
        replace_wild(&mut local.pat, &mut |_| {
            let n = self.names;
            self.names += 1;
            let part = hidden(&format!("__{name}_part{n}"));
            let rest = hidden(&format!("__{name}_rest{n}"));
            parts.push((rest, part.clone()));
            part
        });
        let moved = parts
            .iter()
            .map(|(rest, part)| syn::parse_quote!(#rest = #part;))
            .collect();
        let rests: Vec<syn::Ident> = parts.into_iter().map(|(rest, _)| rest).collect();
        self.pending.entry(decl).or_default().push((id, rests));
        moved
    }
}

/// The name a `let` pattern binds, if it is a single plain binding (`x`, `mut x`, `x: T`).
fn plain_name(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => Some(pi.ident.to_string()),
        Pat::Type(pt) => plain_name(&pt.pat),
        _ => None,
    }
}

/// Whether a pattern has a `_` in a field of a tuple, tuple struct or struct, or an element
/// of an array or slice.
pub fn has_wild(pat: &Pat) -> bool {
    let mut found = false;
    let mut probe = pat.clone();
    replace_wild(&mut probe, &mut |span| {
        found = true;
        syn::Ident::new("_probe", span)
    });
    found
}

/// Replaces each `_` of a pattern's fields (not inside `|` alternatives or references) by a
/// binding of the identifier `make` returns.
fn replace_wild(pat: &mut Pat, make: &mut impl FnMut(proc_macro2::Span) -> syn::Ident) {
    let fields: Vec<&mut Pat> = match pat {
        Pat::Tuple(t) => t.elems.iter_mut().collect(),
        Pat::TupleStruct(t) => t.elems.iter_mut().collect(),
        Pat::Struct(s) => s.fields.iter_mut().map(|f| &mut *f.pat).collect(),
        Pat::Slice(s) => s.elems.iter_mut().collect(),
        Pat::Paren(p) => vec![&mut *p.pat],
        Pat::Type(t) => vec![&mut *t.pat],
        _ => Vec::new(),
    };
    for field in fields {
        if let Pat::Wild(w) = field {
            let ident = make(w.underscore_token.span);
            *field = Pat::Ident(syn::PatIdent {
                attrs: Vec::new(),
                by_ref: None,
                mutability: None,
                ident,
                subpat: None,
            });
        } else {
            replace_wild(field, make);
        }
    }
}
