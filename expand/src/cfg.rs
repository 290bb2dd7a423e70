//! Configuring the function before the transform: `#[cfg]` and `#[cfg_attr]` inside it.
//!
//! An attribute macro receives its item before rustc evaluates the `#[cfg]`s inside it, and
//! stable Rust has no `cfg_eval` to ask for configured tokens. Lowered as written, code that is
//! configured out would be moved into the state machine and compiled anyway (a cfg'd `let`
//! with an `.await`, or two alternative `let`s under opposite predicates read as a local and
//! its shadow).
//!
//! The macro cannot evaluate a predicate either, but it can let rustc pick: it collects the
//! distinct predicates of the `#[cfg(P)]` and `#[cfg_attr(P, ..)]` attributes in the function
//! (its parameters, generics, and its body down to closures and `async` blocks, but not inside
//! items declared in the body, which rustc configures itself, nor inside macro invocations,
//! whose tokens are configured by their own expansion) and, for each of the 2^k assignments of
//! truth values to the k predicates, configures a copy of the function as rustc would under
//! that assignment (a node whose `cfg` is false goes, a true `cfg` attribute goes, a
//! `cfg_attr` becomes its attributes or nothing) and runs the transform on it. Each copy's
//! output is guarded by the assignment:
//!
//! ```text
//! #[cfg(all(feature = "x", not(test)))]
//! fn f() -> impl Future<Output = u32> { /* the state machine of the copy with x and not test */ }
//! #[cfg(all(not(feature = "x"), not(test)))]
//! fn f() -> impl Future<Output = u32> { /* ... */ }
//! // ... one per assignment; exactly one guard holds.
//! ```
//!
//! A predicate is identified by its token text; `not(P)` is `P` negated, and the constant
//! predicates `all()`, `any()`, `true` and `false` are evaluated here. A function with no
//! `cfg` at all goes through the transform untouched. A `compiler = NAME` twin is emitted once,
//! unconfigured: it is a plain `async fn`, which rustc configures itself. At most
//! [`MAX_PREDICATES`] predicates (64 copies); more is an error at the first one over.
//!
//! `cargo expand` shows only the copy whose guard holds in the configuration it expands with
//! (the others are removed by rustc before it prints).

use std::collections::VecDeque;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Block, Expr, GenericParam, ItemFn, Meta, Pat, Stmt, WherePredicate};

/// At most this many distinct predicates in one function: 2^6 = 64 configured copies.
const MAX_PREDICATES: usize = 6;

/// The expansion of a function with `#[cfg]`s in it: one guarded expansion per assignment of
/// its predicates. `None` when there is nothing to configure (no `cfg` or `cfg_attr` outside
/// nested items and macro tokens), or when the item or the arguments do not parse (the
/// transform reports that itself).
pub(crate) fn expand_configured(args: &TokenStream, item: &TokenStream) -> Option<TokenStream> {
    if !mentions_cfg(item.clone()) {
        return None;
    }
    let parsed = syn::parse2::<ItemFn>(item.clone()).ok()?;
    let parsed_args = crate::args::parse(args.clone()).ok()?;
    let hints = parsed_args.receivers.to_args();
    let twin = parsed_args.compiler;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        copies(&parsed, twin, &hints)
    }));
    match result {
        Ok(None) => None,
        Ok(Some(Ok(tokens))) => Some(tokens),
        Ok(Some(Err(errors))) => Some(crate::fallback(&errors, item)),
        Err(_) => Some(crate::fallback(&[crate::internal_error()], item)),
    }
}

/// Whether the tokens name `cfg` or `cfg_attr` anywhere: a cheap test before parsing.
fn mentions_cfg(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(ident) => ident == "cfg" || ident == "cfg_attr",
        TokenTree::Group(group) => mentions_cfg(group.stream()),
        TokenTree::Punct(_) | TokenTree::Literal(_) => false,
    })
}

/// The configured copies; `hints` are the attribute's receiver hints, which every copy keeps
/// (`compiler = NAME` makes one twin for all of them instead).
fn copies(
    item: &ItemFn,
    twin: Option<syn::Ident>,
    hints: &TokenStream,
) -> Option<Result<TokenStream, Vec<syn::Error>>> {
    let mut collect = Configure::new(Vec::new(), None);
    collect.configure_fn(&mut item.clone());
    if !collect.errors.is_empty() {
        return Some(Err(collect.errors));
    }
    if !collect.seen {
        return None;
    }
    let preds = collect.preds;
    if let Some(over) = preds.get(MAX_PREDICATES) {
        return Some(Err(vec![syn::Error::new_spanned(
            &over.tokens,
            format!(
                "this function has {} distinct `#[cfg]` predicates; #[visible_async] makes one copy \
                 of the function per combination of them and allows at most {MAX_PREDICATES} \
                 ({} copies): move the cfg-dependent code into a helper function, or put it under \
                 fewer predicates (one `#[cfg]`'d block instead of several)",
                preds.len(),
                1usize << MAX_PREDICATES,
            ),
        )]));
    }
    let mut out = TokenStream::new();
    for assignment in 0..(1usize << preds.len()) {
        // The first copy has every predicate true.
        let values: Vec<bool> = (0..preds.len())
            .map(|i| assignment & (1 << i) == 0)
            .collect();
        let mut copy = item.clone();
        let mut apply = Configure::new(preds.clone(), Some(values.clone()));
        apply.configure_fn(&mut copy);
        if !apply.errors.is_empty() {
            return Some(Err(apply.errors));
        }
        let guard = guard(&preds, &values);
        match crate::expand_caught(hints.clone(), copy.to_token_stream()) {
            // Without `compiler = NAME` the transform emits exactly one item.
            Ok(tokens) => out.extend(quote!(#guard #tokens)),
            Err(errors) => {
                for error in errors.into_iter().flatten() {
                    let error = error.to_compile_error();
                    out.extend(quote!(#guard #error));
                }
                out.extend(quote!(#guard #copy));
            }
        }
    }
    if let Some(name) = twin {
        let mut twin = item.clone();
        twin.sig.ident = name;
        out.extend(quote!(#twin));
    }
    Some(Ok(out))
}

/// `#[cfg(all(P1, not(P2), ..))]` for one assignment; nothing when there are no predicates
/// (only constant ones were used).
fn guard(preds: &[Pred], values: &[bool]) -> TokenStream {
    if preds.is_empty() {
        return TokenStream::new();
    }
    let terms = preds.iter().zip(values).map(|(pred, &value)| {
        let tokens = &pred.tokens;
        if value {
            quote!(#tokens)
        } else {
            quote!(not(#tokens))
        }
    });
    quote!(#[cfg(all(#(#terms),*))])
}

/// A distinct predicate: its normalized text, and its tokens as first written.
#[derive(Clone)]
struct Pred {
    key: String,
    tokens: TokenStream,
}

/// What a `cfg` predicate says: a constant, or a predicate (maybe negated).
#[derive(Clone, Copy)]
enum Cond {
    Const(bool),
    Pred { index: usize, negated: bool },
}

/// Configures a function: collecting its predicates (`values: None`, every predicate taken
/// as true so that everything is visited), or applying one assignment of them.
struct Configure {
    preds: Vec<Pred>,
    values: Option<Vec<bool>>,
    errors: Vec<syn::Error>,
    /// Whether any `cfg` or `cfg_attr` was seen.
    seen: bool,
}

impl Configure {
    fn new(preds: Vec<Pred>, values: Option<Vec<bool>>) -> Self {
        Self {
            preds,
            values,
            errors: Vec::new(),
            seen: false,
        }
    }

    /// The parameters, generics and body; the function's own attributes stay as written (they
    /// are emitted on the output, where rustc evaluates them).
    fn configure_fn(&mut self, item: &mut ItemFn) {
        self.visit_signature_mut(&mut item.sig);
        self.visit_block_mut(&mut item.block);
    }

    fn holds(&self, cond: Cond) -> bool {
        match cond {
            Cond::Const(value) => value,
            Cond::Pred { index, negated } => self
                .values
                .as_ref()
                .is_none_or(|values| values.get(index).copied().unwrap_or(true) != negated),
        }
    }

    /// Configures the attributes of a node that can be removed: expands the `cfg_attr`s
    /// whose predicate holds (in place, recursively) and drops the others, removes the
    /// `cfg`s. Whether the node stays (all its `cfg`s hold).
    fn keep(&mut self, attrs: &mut Vec<Attribute>) -> bool {
        if !attrs.iter().any(is_conditional) {
            return true;
        }
        self.seen = true;
        let mut queue: VecDeque<Attribute> = std::mem::take(attrs).into();
        let mut keep = true;
        while let Some(attr) = queue.pop_front() {
            if attr.path().is_ident("cfg") {
                if let Some(cond) = self.cfg(&attr) {
                    keep &= self.holds(cond);
                }
            } else if attr.path().is_ident("cfg_attr") {
                if let Some((cond, expanded)) = self.cfg_attr(&attr)
                    && self.holds(cond)
                {
                    for attr in expanded.into_iter().rev() {
                        queue.push_front(attr);
                    }
                }
            } else {
                attrs.push(attr);
            }
        }
        keep
    }

    fn keep_some(&mut self, attrs: Option<&mut Vec<Attribute>>) -> bool {
        attrs.is_none_or(|attrs| self.keep(attrs))
    }

    /// The condition of `#[cfg(P)]`, or `None` after recording an error.
    fn cfg(&mut self, attr: &Attribute) -> Option<Cond> {
        let Meta::List(list) = &attr.meta else {
            self.errors.push(syn::Error::new_spanned(
                attr,
                "write `#[cfg(PREDICATE)]`, like `#[cfg(feature = \"x\")]`",
            ));
            return None;
        };
        self.condition(list.tokens.clone(), attr)
    }

    /// The condition and the attributes of `#[cfg_attr(P, A, B, ..)]`, or `None` after
    /// recording an error.
    fn cfg_attr(&mut self, attr: &Attribute) -> Option<(Cond, Vec<Attribute>)> {
        let mut parts = match &attr.meta {
            Meta::List(list) => split_commas(list.tokens.clone()).into_iter(),
            _ => Vec::new().into_iter(),
        };
        let Some(predicate) = parts.next() else {
            self.errors.push(syn::Error::new_spanned(
                attr,
                "write `#[cfg_attr(PREDICATE, ATTRIBUTE, ..)]`, like `#[cfg_attr(test, allow(unused))]`",
            ));
            return None;
        };
        let cond = self.condition(predicate, attr)?;
        let mut attrs = Vec::new();
        for part in parts {
            let Ok(meta) = syn::parse2::<Meta>(part.clone()) else {
                let at: &dyn ToTokens = if part.is_empty() { attr } else { &part };
                self.errors.push(syn::Error::new_spanned(
                    at,
                    "each attribute after the predicate of `cfg_attr` must be one attribute, like `allow(unused)`",
                ));
                return None;
            };
            attrs.push(Attribute {
                pound_token: attr.pound_token,
                style: attr.style,
                bracket_token: attr.bracket_token,
                meta,
            });
        }
        Some((cond, attrs))
    }

    /// Reads one predicate, registering it (without its `not`s) if it is new.
    fn condition(&mut self, tokens: TokenStream, attr: &Attribute) -> Option<Cond> {
        let mut negated = false;
        let mut tokens = tokens;
        loop {
            let Some(tts) = single_predicate(tokens) else {
                self.errors.push(syn::Error::new_spanned(
                    attr,
                    "a `cfg` predicate is one of `NAME`, `NAME = \"VALUE\"`, `all(..)`, `any(..)` or \
                     `not(..)`; combine several with `all(..)` or `any(..)`",
                ));
                return None;
            };
            match tts.as_slice() {
                [TokenTree::Ident(name), TokenTree::Group(group)]
                    if group.delimiter() == Delimiter::Parenthesis =>
                {
                    if name == "not" {
                        negated = !negated;
                        tokens = group.stream();
                        continue;
                    }
                    if group.stream().is_empty() && (name == "all" || name == "any") {
                        return Some(Cond::Const((name == "all") != negated));
                    }
                }
                [TokenTree::Ident(name)] if name == "true" || name == "false" => {
                    return Some(Cond::Const((name == "true") != negated));
                }
                _ => {}
            }
            let key = normalize(tts.iter().cloned());
            let index = if let Some(index) = self.preds.iter().position(|p| p.key == key) {
                index
            } else {
                self.preds.push(Pred {
                    key,
                    tokens: tts.into_iter().collect(),
                });
                self.preds.len() - 1
            };
            return Some(Cond::Pred { index, negated });
        }
    }

    /// A `cfg` or `cfg_attr` where the node cannot be removed (an attribute on an expression
    /// that is not a statement or a list element, on a pattern, ..): its predicate becomes the
    /// constant it has in this copy, `all()` or `any()`, and rustc does the rest (including its
    /// own error for a false `cfg` there).
    fn rewrite_in_place(&mut self, attr: &mut Attribute) {
        if attr.path().is_ident("cfg") {
            self.seen = true;
            if let Some(cond) = self.cfg(attr)
                && let Meta::List(list) = &mut attr.meta
            {
                list.tokens = constant(self.holds(cond));
            }
        } else if attr.path().is_ident("cfg_attr") {
            self.seen = true;
            if let Some((cond, mut expanded)) = self.cfg_attr(attr) {
                let holds = self.holds(cond);
                if holds {
                    for inner in &mut expanded {
                        self.rewrite_in_place(inner);
                    }
                }
                let metas = expanded.iter().map(|attr| &attr.meta);
                let constant = constant(holds);
                if let Meta::List(list) = &mut attr.meta {
                    list.tokens = quote!(#constant, #(#metas),*);
                }
            }
        }
    }
}

fn is_conditional(attr: &Attribute) -> bool {
    attr.path().is_ident("cfg") || attr.path().is_ident("cfg_attr")
}

/// `all()` (true) or `any()` (false).
fn constant(value: bool) -> TokenStream {
    if value { quote!(all()) } else { quote!(any()) }
}

/// The tokens of one predicate, without a trailing comma; `None` if empty or several.
fn single_predicate(tokens: TokenStream) -> Option<Vec<TokenTree>> {
    let mut parts = split_commas(tokens).into_iter();
    let first = parts.next()?;
    if parts.next().is_some() || first.is_empty() {
        return None;
    }
    Some(first.into_iter().collect())
}

/// Splits at top-level commas; a trailing comma makes no empty last part.
fn split_commas(tokens: TokenStream) -> Vec<TokenStream> {
    let mut parts = vec![TokenStream::new()];
    for tt in tokens {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' => parts.push(TokenStream::new()),
            _ => {
                if let Some(last) = parts.last_mut() {
                    last.extend([tt]);
                }
            }
        }
    }
    if parts.last().is_some_and(TokenStream::is_empty) {
        parts.pop();
    }
    parts
}

/// The text of tokens with their spacing made uniform, to identify a predicate.
fn normalize(tokens: impl IntoIterator<Item = TokenTree>) -> String {
    let mut out = String::new();
    for tt in tokens {
        match tt {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                out.push_str(&normalize(group.stream()));
                out.push_str(close);
                out.push(' ');
            }
            TokenTree::Punct(punct) => {
                out.push(punct.as_char());
                if punct.spacing() == Spacing::Alone {
                    out.push(' ');
                }
            }
            TokenTree::Ident(ident) => {
                out.push_str(&ident.to_string());
                out.push(' ');
            }
            TokenTree::Literal(literal) => {
                out.push_str(&literal.to_string());
                out.push(' ');
            }
        }
    }
    out
}

impl VisitMut for Configure {
    // Removable nodes: statements, match arms, struct-literal and struct-pattern fields,
    // elements of arrays, tuples and argument lists, parameters of the function and of
    // closures, generic parameters and `where` predicates.
    fn visit_block_mut(&mut self, block: &mut Block) {
        block.stmts.retain_mut(|stmt| {
            let attrs = match stmt {
                Stmt::Local(local) => Some(&mut local.attrs),
                Stmt::Item(item) => item_attrs(item),
                Stmt::Expr(expr, _) => expr_attrs(expr),
                Stmt::Macro(mac) => Some(&mut mac.attrs),
            };
            self.keep_some(attrs)
        });
        visit_mut::visit_block_mut(self, block);
    }

    fn visit_expr_match_mut(&mut self, node: &mut syn::ExprMatch) {
        node.arms.retain_mut(|arm| self.keep(&mut arm.attrs));
        visit_mut::visit_expr_match_mut(self, node);
    }

    fn visit_expr_struct_mut(&mut self, node: &mut syn::ExprStruct) {
        node.fields.retain(|field| self.keep(&mut field.attrs));
        visit_mut::visit_expr_struct_mut(self, node);
    }

    fn visit_pat_struct_mut(&mut self, node: &mut syn::PatStruct) {
        node.fields.retain(|field| self.keep(&mut field.attrs));
        visit_mut::visit_pat_struct_mut(self, node);
    }

    fn visit_expr_array_mut(&mut self, node: &mut syn::ExprArray) {
        node.elems.retain(|e| self.keep_some(expr_attrs(e)));
        visit_mut::visit_expr_array_mut(self, node);
    }

    fn visit_expr_tuple_mut(&mut self, node: &mut syn::ExprTuple) {
        node.elems.retain(|e| self.keep_some(expr_attrs(e)));
        // `(a, #[cfg(no)] b)` is the 1-tuple `(a,)`, not `(a)`.
        if node.elems.len() == 1 && !node.elems.trailing_punct() {
            node.elems
                .push_punct(syn::Token![,](proc_macro2::Span::call_site()));
        }
        visit_mut::visit_expr_tuple_mut(self, node);
    }

    fn visit_expr_call_mut(&mut self, node: &mut syn::ExprCall) {
        node.args.retain(|e| self.keep_some(expr_attrs(e)));
        visit_mut::visit_expr_call_mut(self, node);
    }

    fn visit_expr_method_call_mut(&mut self, node: &mut syn::ExprMethodCall) {
        node.args.retain(|e| self.keep_some(expr_attrs(e)));
        visit_mut::visit_expr_method_call_mut(self, node);
    }

    fn visit_expr_closure_mut(&mut self, node: &mut syn::ExprClosure) {
        node.inputs.retain(|pat| self.keep_some(pat_attrs(pat)));
        visit_mut::visit_expr_closure_mut(self, node);
    }

    fn visit_signature_mut(&mut self, node: &mut syn::Signature) {
        node.inputs.retain(|arg| {
            self.keep(match arg {
                syn::FnArg::Receiver(receiver) => &mut receiver.attrs,
                syn::FnArg::Typed(typed) => &mut typed.attrs,
            })
        });
        visit_mut::visit_signature_mut(self, node);
    }

    fn visit_generics_mut(&mut self, node: &mut syn::Generics) {
        node.params.retain(|param| {
            self.keep(match param {
                GenericParam::Lifetime(p) => &mut p.attrs,
                GenericParam::Type(p) => &mut p.attrs,
                GenericParam::Const(p) => &mut p.attrs,
            })
        });
        if let Some(clause) = &mut node.where_clause {
            clause.predicates.retain(|predicate| {
                self.keep_some(match predicate {
                    WherePredicate::Lifetime(p) => Some(&mut p.attrs),
                    WherePredicate::Type(p) => Some(&mut p.attrs),
                    #[allow(unreachable_patterns)]
                    _ => None,
                })
            });
        }
        visit_mut::visit_generics_mut(self, node);
    }

    // Everything else.
    fn visit_attribute_mut(&mut self, attr: &mut Attribute) {
        self.rewrite_in_place(attr);
    }

    // Items declared in the body are configured by rustc (and not lowered): only their own
    // attributes, as statements, are configured here.
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}

    // Macro tokens are configured by the macro's own expansion.
    fn visit_macro_mut(&mut self, _: &mut syn::Macro) {}
}

fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<Attribute>> {
    use syn::Item;
    match item {
        Item::Const(i) => Some(&mut i.attrs),
        Item::Enum(i) => Some(&mut i.attrs),
        Item::ExternCrate(i) => Some(&mut i.attrs),
        Item::Fn(i) => Some(&mut i.attrs),
        Item::ForeignMod(i) => Some(&mut i.attrs),
        Item::Impl(i) => Some(&mut i.attrs),
        Item::Macro(i) => Some(&mut i.attrs),
        Item::Mod(i) => Some(&mut i.attrs),
        Item::Static(i) => Some(&mut i.attrs),
        Item::Struct(i) => Some(&mut i.attrs),
        Item::Trait(i) => Some(&mut i.attrs),
        Item::TraitAlias(i) => Some(&mut i.attrs),
        Item::Type(i) => Some(&mut i.attrs),
        Item::Union(i) => Some(&mut i.attrs),
        Item::Use(i) => Some(&mut i.attrs),
        _ => None,
    }
}

fn expr_attrs(expr: &mut Expr) -> Option<&mut Vec<Attribute>> {
    match expr {
        Expr::Array(e) => Some(&mut e.attrs),
        Expr::Assign(e) => Some(&mut e.attrs),
        Expr::Async(e) => Some(&mut e.attrs),
        Expr::Await(e) => Some(&mut e.attrs),
        Expr::Binary(e) => Some(&mut e.attrs),
        Expr::Block(e) => Some(&mut e.attrs),
        Expr::Break(e) => Some(&mut e.attrs),
        Expr::Call(e) => Some(&mut e.attrs),
        Expr::Cast(e) => Some(&mut e.attrs),
        Expr::Closure(e) => Some(&mut e.attrs),
        Expr::Const(e) => Some(&mut e.attrs),
        Expr::Continue(e) => Some(&mut e.attrs),
        Expr::Field(e) => Some(&mut e.attrs),
        Expr::ForLoop(e) => Some(&mut e.attrs),
        Expr::Group(e) => Some(&mut e.attrs),
        Expr::If(e) => Some(&mut e.attrs),
        Expr::Index(e) => Some(&mut e.attrs),
        Expr::Infer(e) => Some(&mut e.attrs),
        Expr::Let(e) => Some(&mut e.attrs),
        Expr::Lit(e) => Some(&mut e.attrs),
        Expr::Loop(e) => Some(&mut e.attrs),
        Expr::Macro(e) => Some(&mut e.attrs),
        Expr::Match(e) => Some(&mut e.attrs),
        Expr::MethodCall(e) => Some(&mut e.attrs),
        Expr::Paren(e) => Some(&mut e.attrs),
        Expr::Path(e) => Some(&mut e.attrs),
        Expr::Range(e) => Some(&mut e.attrs),
        Expr::RawAddr(e) => Some(&mut e.attrs),
        Expr::Reference(e) => Some(&mut e.attrs),
        Expr::Repeat(e) => Some(&mut e.attrs),
        Expr::Return(e) => Some(&mut e.attrs),
        Expr::Struct(e) => Some(&mut e.attrs),
        Expr::Try(e) => Some(&mut e.attrs),
        Expr::TryBlock(e) => Some(&mut e.attrs),
        Expr::Tuple(e) => Some(&mut e.attrs),
        Expr::Unary(e) => Some(&mut e.attrs),
        Expr::Unsafe(e) => Some(&mut e.attrs),
        Expr::While(e) => Some(&mut e.attrs),
        Expr::Yield(e) => Some(&mut e.attrs),
        _ => None,
    }
}

fn pat_attrs(pat: &mut Pat) -> Option<&mut Vec<Attribute>> {
    match pat {
        Pat::Ident(p) => Some(&mut p.attrs),
        Pat::Type(p) => Some(&mut p.attrs),
        Pat::Tuple(p) => Some(&mut p.attrs),
        Pat::TupleStruct(p) => Some(&mut p.attrs),
        Pat::Struct(p) => Some(&mut p.attrs),
        Pat::Slice(p) => Some(&mut p.attrs),
        Pat::Reference(p) => Some(&mut p.attrs),
        Pat::Wild(p) => Some(&mut p.attrs),
        Pat::Or(p) => Some(&mut p.attrs),
        Pat::Paren(p) => Some(&mut p.attrs),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(item: &TokenStream) -> Option<String> {
        expand_configured(&TokenStream::new(), item).map(|t| t.to_string())
    }

    #[test]
    fn nothing_to_configure_changes_nothing() {
        assert!(
            expand(&quote!(
                async fn f() -> u32 {
                    g().await
                }
            ))
            .is_none()
        );
        // Only in a nested item, in macro tokens, or in the function's own attributes.
        assert!(
            expand(&quote! {
                #[cfg_attr(test, allow(unused))]
                async fn f() -> u32 {
                    fn helper() { #[cfg(test)] let _x = 1; }
                    if cfg!(test) { println!("{}", #[cfg(test)] 1); }
                    g().await
                }
            })
            .is_none()
        );
    }

    #[test]
    fn one_copy_per_assignment() {
        let out = expand(&quote! {
            async fn f() -> u32 {
                #[cfg(feature = "x")] let a = g().await;
                #[cfg(not(feature = "x"))] let a = h().await;
                #[cfg(test)] let _b = 1;
                a
            }
        })
        .unwrap();
        for guard in [
            "# [cfg (all (feature = \"x\" , test))]",
            "# [cfg (all (not (feature = \"x\") , test))]",
            "# [cfg (all (feature = \"x\" , not (test)))]",
            "# [cfg (all (not (feature = \"x\") , not (test)))]",
        ] {
            assert_eq!(out.matches(guard).count(), 1, "{guard} in {out}");
        }
        assert!(!out.contains("compile_error"), "{out}");
    }

    #[test]
    fn constant_predicates_make_one_unguarded_copy() {
        let out = expand(&quote! {
            async fn f() -> u32 {
                #[cfg(any())] let a = missing().await;
                #[cfg(all())] let a = g().await;
                a
            }
        })
        .unwrap();
        assert!(!out.contains("missing"), "{out}");
        assert!(!out.contains("cfg"), "{out}");
    }

    #[test]
    fn cfg_attr_expands_recursively() {
        let mut item: ItemFn = syn::parse_quote! {
            async fn f() {
                #[cfg_attr(a, cfg_attr(b, allow(unused)), inline)]
                let x = 1;
                #[cfg_attr(a, cfg(b))]
                let y = 2;
            }
        };
        let mut collect = Configure::new(Vec::new(), None);
        collect.configure_fn(&mut item.clone());
        assert_eq!(collect.preds.len(), 2);
        let mut apply = Configure::new(collect.preds, Some(vec![true, false]));
        apply.configure_fn(&mut item);
        let text = item.to_token_stream().to_string();
        assert_eq!(
            text,
            quote!(
                async fn f() {
                    #[inline]
                    let x = 1;
                }
            )
            .to_string()
        );
    }

    #[test]
    fn parameters_generics_and_where_predicates() {
        let mut item: ItemFn = syn::parse_quote! {
            async fn f<#[cfg(a)] T, U>(#[cfg(not(a))] x: U, #[cfg(a)] t: T) -> u32
            where
                #[cfg(a)]
                T: Clone,
                U: Copy,
            {
                g().await
            }
        };
        let mut collect = Configure::new(Vec::new(), None);
        collect.configure_fn(&mut item.clone());
        assert_eq!(collect.preds.len(), 1);
        let mut apply = Configure::new(collect.preds, Some(vec![false]));
        apply.configure_fn(&mut item);
        assert_eq!(
            item.to_token_stream().to_string(),
            quote!(
                async fn f<U>(x: U) -> u32
                where
                    U: Copy,
                {
                    g().await
                }
            )
            .to_string()
        );
    }

    #[test]
    fn too_many_predicates_is_an_error() {
        let out = expand(&quote! {
            async fn f() {
                #[cfg(a)] g().await;
                #[cfg(b)] g().await;
                #[cfg(c)] g().await;
                #[cfg(d)] g().await;
                #[cfg(e)] g().await;
                #[cfg(not(f))] g().await;
                #[cfg(h)] g().await;
            }
        })
        .unwrap();
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("7 distinct"), "{out}");
    }

    #[test]
    fn malformed_cfgs_are_errors() {
        for item in [
            quote!(
                async fn f() {
                    #[cfg]
                    g().await;
                }
            ),
            quote!(
                async fn f() {
                    #[cfg(a, b)]
                    g().await;
                }
            ),
            quote!(
                async fn f() {
                    #[cfg()]
                    g().await;
                }
            ),
            quote!(
                async fn f() {
                    #[cfg_attr]
                    g().await;
                }
            ),
            quote!(
                async fn f() {
                    #[cfg_attr(a, , b)]
                    g().await;
                }
            ),
        ] {
            let out = expand(&item).unwrap();
            assert!(out.contains("compile_error"), "{item}: {out}");
        }
    }
}
