//! Checks that find what the lowering cannot handle, before it runs, so each gets one clear
//! error at the user's tokens.

use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, ItemFn};

use crate::macros;

struct Checker<'a> {
    fn_name: &'a syn::Ident,
    /// The output type as written, for messages.
    output: String,
    errors: Vec<syn::Error>,
    recursive: bool,
}

impl<'ast> Visit<'ast> for Checker<'_> {
    fn visit_expr(&mut self, expr: &'ast Expr) {
        match expr {
            // Their own `.await`s are theirs (and rustc rejects those in plain closures).
            Expr::Closure(_) | Expr::Async(_) => {}
            Expr::Await(a) => {
                if is_self_call(&a.base, self.fn_name) {
                    self.recursive = true;
                } else if let Some(call) = boxed_self_call(&a.base, self.fn_name) {
                    self.errors.push(syn::Error::new(
                        call.span(),
                        format!(
                            "#[visible_async] cannot name the type of a state machine that holds itself: \
                             coerce the box to a trait object, \
                             `let inner: Pin<Box<dyn Future<Output = {}> + '_>> = Box::pin({}(..)); inner.await`",
                            self.output, self.fn_name
                        ),
                    ));
                }
                syn::visit::visit_expr(self, expr);
            }
            Expr::Macro(m) => self.check_macro(&m.mac),
            _ => syn::visit::visit_expr(self, expr),
        }
    }

    fn visit_stmt_macro(&mut self, m: &'ast syn::StmtMacro) {
        self.check_macro(&m.mac);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

impl Checker<'_> {
    fn check_macro(&mut self, mac: &syn::Macro) {
        let name = macros::name(mac);
        if macros::is_awaiting(mac) {
            self.errors.push(syn::Error::new(
                mac.path.span(),
                format!(
                    "`{name}!` expands to its own `.await`, which #[visible_async] cannot see; {}",
                    match name.as_str() {
                        "join" => "use the function form: `futures::future::join(a, b).await`",
                        "try_join" =>
                            "use the function form: `futures::future::try_join(a, b).await`",
                        "select" | "select_biased" => {
                            "use the function form: `futures::future::select(a, b).await`"
                        }
                        _ => "await the future directly, or poll it in a leaf future of your own",
                    }
                ),
            ));
            return;
        }
        match macros::parse(mac) {
            Some(args) => {
                let in_exprs: usize = args
                    .exprs
                    .iter()
                    .map(|e| macros::count_awaits(&quote::ToTokens::to_token_stream(e)))
                    .sum();
                if macros::count_awaits(&mac.tokens) > in_exprs {
                    // E.g. in the guard of `matches!(x, p if f().await)`.
                    self.errors.push(syn::Error::new(
                        mac.path.span(),
                        format!(
                            "#[visible_async] cannot lower an `.await` in the pattern or guard of `{name}!`; \
                             await into a `let` before the macro"
                        ),
                    ));
                }
                for e in &args.exprs {
                    self.visit_expr(e);
                }
            }
            None if macros::tokens_await(&mac.tokens) => self.errors.push(syn::Error::new(
                mac.path.span(),
                format!(
                    "#[visible_async] cannot see an `.await` inside `{name}!`; \
                     await into a `let` before the macro and pass the value"
                ),
            )),
            None => {}
        }
    }
}

/// `Box::pin(f(..))` awaited as it is: the state would hold a box of its own type.
fn boxed_self_call<'e>(expr: &'e Expr, name: &syn::Ident) -> Option<&'e Expr> {
    match expr {
        Expr::Paren(p) => boxed_self_call(&p.expr, name),
        Expr::Call(c) if c.args.len() == 1 => {
            let Expr::Path(p) = &*c.func else { return None };
            let segments: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let boxing = segments.ends_with(&["Box".to_string(), "pin".to_string()]);
            (boxing && is_self_call(&c.args[0], name)).then_some(expr)
        }
        _ => None,
    }
}

/// `f(..)`, `Self::f(..)` or `self.f(..)` naming the function being transformed.
fn is_self_call(expr: &Expr, name: &syn::Ident) -> bool {
    match expr {
        Expr::MethodCall(m) => {
            m.method == *name && matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self"))
        }
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => {
                let segments: Vec<_> = p.path.segments.iter().collect();
                match segments.as_slice() {
                    [only] => only.ident == *name,
                    [first, last] => first.ident == "Self" && last.ident == *name,
                    _ => false,
                }
            }
            _ => false,
        },
        Expr::Paren(p) => is_self_call(&p.expr, name),
        _ => false,
    }
}

/// Everything in the function the lowering cannot handle.
pub fn check(item: &ItemFn) -> Checked {
    let mut errors = Vec::new();
    if item.sig.asyncness.is_none() {
        errors.push(syn::Error::new(
            item.sig.fn_token.span,
            "#[visible_async] goes on an `async fn`: this function is not `async`",
        ));
        return Checked {
            errors,
            recursive: false,
        };
    }
    if let syn::ReturnType::Type(_, ty) = &item.sig.output
        && matches!(&**ty, syn::Type::Never(_))
    {
        errors.push(syn::Error::new(
            ty.span(),
            "#[visible_async] cannot return `!`: `Future<Output = !>` needs the unstable never type; \
             return `core::convert::Infallible` (or the type a caller expects) instead",
        ));
    }
    if let Some(variadic) = &item.sig.variadic {
        errors.push(syn::Error::new(
            variadic.span(),
            "#[visible_async] cannot transform a variadic function",
        ));
    }
    let output = match &item.sig.output {
        syn::ReturnType::Default => "()".to_string(),
        syn::ReturnType::Type(_, ty) => crate::analyse::tokens_text(&**ty),
    };
    let mut checker = Checker {
        fn_name: &item.sig.ident,
        output,
        errors: Vec::new(),
        recursive: false,
    };
    checker.visit_block(&item.block);
    errors.extend(checker.errors);
    errors.extend(macro_locals_used_after_await(item));
    Checked {
        errors,
        recursive: checker.recursive,
    }
}

/// What [`check`] found.
pub struct Checked {
    pub errors: Vec<syn::Error>,
    /// The body awaits a direct call to itself. The untouched `async fn` is emitted instead, so
    /// that rustc reports it as it would without the attribute: E0733 at the call, "recursion in
    /// an async fn requires boxing", with the fix.
    pub recursive: bool,
}

/// Statement macros that declare locals the transform cannot see (`listener!(event =>
/// listener);`), whose locals are used after an `.await`: the code after the `.await` runs in
/// another arm of the state machine, where the macro's locals do not exist. An error at the
/// macro says so. A name counts as the macro's when it is in the macro's tokens, is written
/// like a local (lowercase), is not bound by any pattern or parameter of the function, and is
/// used later as a value (not called).
fn macro_locals_used_after_await(item: &ItemFn) -> Vec<syn::Error> {
    let mut declared = Declared(std::collections::HashSet::new());
    for input in &item.sig.inputs {
        declared.visit_fn_arg(input);
    }
    declared.visit_block(&item.block);
    let mut find = MacroLocals {
        declared: &declared.0,
        errors: Vec::new(),
    };
    find.visit_block(&item.block);
    find.errors
}

/// Every name a pattern or parameter binds.
struct Declared(std::collections::HashSet<String>);

impl<'ast> Visit<'ast> for Declared {
    fn visit_pat_ident(&mut self, pi: &'ast syn::PatIdent) {
        self.0.insert(pi.ident.to_string());
        syn::visit::visit_pat_ident(self, pi);
    }
    fn visit_receiver(&mut self, _: &'ast syn::Receiver) {
        self.0.insert("self".to_string());
    }
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

struct MacroLocals<'d> {
    declared: &'d std::collections::HashSet<String>,
    errors: Vec<syn::Error>,
}

impl<'ast> Visit<'ast> for MacroLocals<'_> {
    fn visit_block(&mut self, block: &'ast syn::Block) {
        for (i, stmt) in block.stmts.iter().enumerate() {
            let mac = match stmt {
                syn::Stmt::Macro(m) => &m.mac,
                syn::Stmt::Expr(Expr::Macro(m), Some(_)) => &m.mac,
                _ => continue,
            };
            // Known macros declare nothing; pinning macros become visible `let`s (`pins`).
            if macros::parse(mac).is_some() || crate::pins::is_pinning_statement(mac) {
                continue;
            }
            let macro_name = macros::name(mac);
            let mut names = Vec::new();
            lowercase_idents(mac.tokens.clone(), &mut names);
            names.retain(|n| !self.declared.contains(n));
            let mut awaited = false;
            for later in &block.stmts[i + 1..] {
                awaited |= macros::tokens_await(&quote::ToTokens::to_token_stream(later));
                let used = names.iter().find(|n| uses_as_value(later, n));
                if let (true, Some(name)) = (awaited, used) {
                    self.errors.push(syn::Error::new(
                        mac.path.span(),
                        format!(
                            "#[visible_async] cannot see the local `{name}` that `{macro_name}!` declares, and it \
                             is used across an `.await` (the code after it runs in another part of \
                             the state machine, where `{name}` does not exist): declare it with a \
                             `let` of your own, or use it before the next `.await`"
                        ),
                    ));
                    break;
                }
            }
        }
        syn::visit::visit_block(self, block);
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// The identifiers in macro tokens that are written like locals: lowercase, not keywords.
fn lowercase_idents(tokens: proc_macro2::TokenStream, out: &mut Vec<String>) {
    for tree in tokens {
        match tree {
            proc_macro2::TokenTree::Ident(i) => {
                let name = i.to_string();
                let local_like = name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_lowercase() || c == '_')
                    && syn::parse_str::<syn::Ident>(&name).is_ok();
                if local_like && !out.contains(&name) {
                    out.push(name);
                }
            }
            proc_macro2::TokenTree::Group(g) => lowercase_idents(g.stream(), out),
            _ => {}
        }
    }
}

/// Whether a statement uses `name` as a value: a one-segment path that is not called.
fn uses_as_value(stmt: &syn::Stmt, name: &str) -> bool {
    struct Find<'n> {
        name: &'n str,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Find<'_> {
        fn visit_expr(&mut self, expr: &'ast Expr) {
            match expr {
                Expr::Call(c) => {
                    if !matches!(&*c.func, Expr::Path(_)) {
                        self.visit_expr(&c.func);
                    }
                    for arg in &c.args {
                        self.visit_expr(arg);
                    }
                }
                Expr::Path(p) if p.qself.is_none() && p.path.is_ident(self.name) => {
                    self.found = true;
                }
                _ => syn::visit::visit_expr(self, expr),
            }
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut find = Find { name, found: false };
    find.visit_stmt(stmt);
    find.found
}
