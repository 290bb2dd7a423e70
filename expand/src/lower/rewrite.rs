//! User code copied into the expansion: `return`, `?`, `break` and `continue` rewritten for
//! their new place, and bindings renamed where a shadowed value must stay reachable.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{Block, Expr, Pat, Stmt};

use super::{Frame, Key, Lowerer};
use crate::analyse::{NodeId, for_each_binding, node_id};
use crate::macros;

impl Lowerer<'_> {
    pub(super) fn verbatim(&mut self, original: &Expr) -> TokenStream {
        let mut expr = original.clone();
        let errors =
            self.apply_renames(|v| v.visit_expr(original), |v| v.visit_expr_mut(&mut expr));
        self.errors.extend(errors);
        let mut rewrite = Rewrite {
            lowerer: self,
            inner_loops: Vec::new(),
        };
        rewrite.visit_expr_mut(&mut expr);
        expr.to_token_stream()
    }

    pub(super) fn verbatim_block(&mut self, original: &Block) -> TokenStream {
        let mut block = original.clone();
        let errors = self.apply_renames(
            |v| v.visit_block(original),
            |v| v.visit_block_mut(&mut block),
        );
        self.errors.extend(errors);
        let mut rewrite = Rewrite {
            lowerer: self,
            inner_loops: Vec::new(),
        };
        rewrite.visit_block_mut(&mut block);
        block.to_token_stream()
    }

    pub(super) fn verbatim_stmt(&mut self, original: &Stmt) -> TokenStream {
        let mut stmt = original.clone();
        let errors =
            self.apply_renames(|v| v.visit_stmt(original), |v| v.visit_stmt_mut(&mut stmt));
        self.errors.extend(errors);
        let mut rewrite = Rewrite {
            lowerer: self,
            inner_loops: Vec::new(),
        };
        rewrite.visit_stmt_mut(&mut stmt);
        stmt.to_token_stream()
    }

    /// The identifier a binding has in the generated code: its own, or a hidden one if it is
    /// shadowed while alive across an `.await`.
    pub(super) fn binding_ident(&self, key: Key, ident: &syn::Ident) -> syn::Ident {
        match key {
            Key::Binding(b) => self
                .renamed
                .get(&b)
                .cloned()
                .unwrap_or_else(|| ident.clone()),
            _ => ident.clone(),
        }
    }

    /// A pattern as the generated code writes it (renamed bindings).
    pub(super) fn pat_tokens(&self, original: &Pat) -> TokenStream {
        let mut pat = original.clone();
        // (A pattern assigns no field: nothing to report.)
        let _ = self.apply_renames(|v| v.visit_pat(original), |v| v.visit_pat_mut(&mut pat));
        pat.to_token_stream()
    }

    /// Renames, in a copy of user code, the bindings and uses of renamed locals, and makes the
    /// closures that take what they capture `move` (see `Around::capture_refs`): `collect`
    /// walks the original (whose nodes the analysis knows), `apply` the copy in the same order.
    /// Returns the errors found on the way.
    #[must_use]
    fn apply_renames(
        &self,
        collect: impl FnOnce(&mut CollectRenames<'_, '_>),
        apply: impl FnOnce(&mut ApplyRenames),
    ) -> Vec<syn::Error> {
        let mut collector = CollectRenames {
            lowerer: self,
            errors: Vec::new(),
            paths: Vec::new(),
            pats: Vec::new(),
            captures: Vec::new(),
            around: Vec::new(),
            in_move: 0,
            in_closure: 0,
            unhomed: Vec::new(),
            taken: std::collections::HashSet::new(),
        };
        collect(&mut collector);
        let errors = std::mem::take(&mut collector.errors);
        let mut applier = ApplyRenames {
            paths: collector.paths.into_iter().peekable(),
            pats: collector.pats.into_iter(),
            captures: collector.captures.into_iter(),
            around: collector.around.into_iter(),
        };
        apply(&mut applier);
        errors
    }

    /// A field of a local with parts (see `HomeGuard::take_part`) moved or assigned here: the
    /// local's guard, the field's bit, and the fields from the local.
    pub(super) fn part_of(&self, expr: &Expr) -> Option<(syn::Ident, usize, Vec<syn::Member>)> {
        let (b, members) = match expr {
            Expr::Field(_) => {
                let (root, members) = crate::analyse::field_path(expr)?;
                (*self.an.uses.get(&node_id(root))?, members)
            }
            _ => return None,
        };
        let paths = self.parted.get(&b)?;
        let bit = paths.iter().position(|p| *p == members)?;
        Some((self.guards.get(&b)?.clone(), bit, members))
    }

    /// The function that drops what is left of parted local `b` with the fields of the bits it
    /// is given moved out: it moves them out of the value and forgets them; the rest drops when
    /// the value goes out of scope.
    fn drop_rest(&self, b: usize) -> TokenStream {
        let value = super::hidden("__value");
        let moved = super::hidden("__moved");
        let forgets =
            self.parted
                .get(&b)
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(bit, members)| {
                    let mask = 1u64 << bit;
                    quote!(if #moved & #mask != 0 { ::core::mem::forget(#value #(.#members)*); })
                });
        quote!(|#value, #moved: u64| { #(#forgets)* })
    }

    /// The binding that reaches homed local `b`'s home in the generated code (`HomeGuard::home(&mut x).value` is its
    /// value).
    fn access_ident(&self, b: usize) -> syn::Ident {
        self.binding_ident(Key::Binding(b), &self.an.bindings[b].ident)
    }

    /// How user code names binding `b`: renamed, through its home, or as written.
    fn path_fix(&self, b: usize, path: NodeId, inside: Inside) -> PathFix {
        if let Some(guard) = self.guards.get(&b) {
            return if inside.by_move {
                PathFix::Keep
            } else if inside.borrowing {
                PathFix::HomeRef(guard.clone())
            } else if self.an.is_last_use(path) {
                PathFix::Take(guard.clone())
            } else {
                PathFix::Home(self.access_ident(b))
            };
        }
        match self.renamed.get(&b) {
            Some(ident) => PathFix::Rename(ident.clone()),
            None => PathFix::Keep,
        }
    }

    /// Where `break`/`continue` with this label (or none) goes, if it leaves the code being
    /// generated for a loop that resume code replaced with labeled blocks.
    /// Pushes a loop or labeled-block frame and returns its position, for [`Self::broken_at`].
    pub(super) fn push_breakable(&mut self, frame: Frame) -> usize {
        let at = self.frames.len();
        self.broken.remove(&at);
        self.frames.push(frame);
        at
    }

    pub(super) fn broken_at(&self, at: usize) -> bool {
        self.broken.contains(&at)
    }

    /// Records that generated code has a `break` (with this label, or none) out of the frame it
    /// targets.
    pub(super) fn note_break(&mut self, label: Option<&syn::Lifetime>) {
        for (at, frame) in self.frames.iter().enumerate().rev() {
            let matches = match (frame, label) {
                (Frame::Loop { .. }, None) => true,
                (Frame::Loop { label: Some(l), .. } | Frame::Block { label: l }, Some(label)) => {
                    l.ident == label.ident
                }
                _ => false,
            };
            if matches {
                self.broken.insert(at);
                return;
            }
        }
    }

    pub(super) fn resumed_target(
        &self,
        label: Option<&syn::Lifetime>,
    ) -> Option<(syn::Lifetime, syn::Lifetime)> {
        for frame in self.frames.iter().rev() {
            if let Frame::Loop { label: l, resumed } = frame {
                let matches = match label {
                    None => true,
                    Some(label) => l.as_ref().is_some_and(|l| l.ident == label.ident),
                };
                if matches {
                    return resumed.clone();
                }
            }
        }
        None
    }
}

/// Rewrites code without `.await`s for its new home: `return` completes the future, `?` on an
/// `Option` is spelled out, and `break`/`continue` leaving a resumed loop jump out of the
/// labeled blocks standing in for it.
struct Rewrite<'l, 'a> {
    lowerer: &'l mut Lowerer<'a>,
    /// Loops inside the code being rewritten (their `break`s stay as they are).
    inner_loops: Vec<Option<syn::Lifetime>>,
}

impl Rewrite<'_, '_> {
    fn targets_inner(&self, label: Option<&syn::Lifetime>) -> bool {
        match label {
            None => !self.inner_loops.is_empty(),
            Some(label) => self
                .inner_loops
                .iter()
                .flatten()
                .any(|l| l.ident == label.ident),
        }
    }

    fn in_loop(&mut self, label: Option<&syn::Label>, f: impl FnOnce(&mut Self)) {
        self.inner_loops.push(label.map(|l| l.name.clone()));
        f(self);
        self.inner_loops.pop();
    }
}

impl VisitMut for Rewrite<'_, '_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Closure(_) | Expr::Async(_) | Expr::Const(_) => {}
            Expr::Loop(l) => {
                let label = l.label.clone();
                self.in_loop(label.as_ref(), |r| r.visit_block_mut(&mut l.body));
            }
            Expr::While(w) => {
                self.visit_expr_mut(&mut w.cond);
                let label = w.label.clone();
                self.in_loop(label.as_ref(), |r| r.visit_block_mut(&mut w.body));
            }
            Expr::ForLoop(f) => {
                self.visit_expr_mut(&mut f.expr);
                let label = f.label.clone();
                self.in_loop(label.as_ref(), |r| r.visit_block_mut(&mut f.body));
            }
            Expr::Return(r) => {
                if let Some(e) = &mut r.expr {
                    self.visit_expr_mut(e);
                }
                let value = r
                    .expr
                    .as_ref()
                    .map_or_else(|| quote!(()), ToTokens::to_token_stream);
                let span = r.return_token.span;
                *expr =
                    Expr::Verbatim(quote_spanned!(span=> return ::core::task::Poll::Ready(#value)));
            }
            Expr::Try(t) if self.lowerer.option_try => {
                self.visit_expr_mut(&mut t.expr);
                let operand = t.expr.to_token_stream();
                *expr = Expr::Verbatim(self.lowerer.try_tokens(&operand, t.question_token.span));
            }
            Expr::Break(b) => {
                if let Some(e) = &mut b.expr {
                    self.visit_expr_mut(e);
                }
                if !self.targets_inner(b.label.as_ref()) {
                    self.lowerer.note_break(b.label.as_ref());
                    if let Some((brk, _)) = self.lowerer.resumed_target(b.label.as_ref()) {
                        let value = &b.expr;
                        *expr = Expr::Verbatim(quote!(break #brk #value));
                    }
                }
            }
            Expr::Continue(c) => {
                if !self.targets_inner(c.label.as_ref())
                    && let Some((_, cont)) = self.lowerer.resumed_target(c.label.as_ref())
                {
                    *expr = Expr::Verbatim(quote!(break #cont));
                }
            }
            _ => syn::visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        // The arguments of a known macro are user code too (`vec![x?]`, `format!("{}", return)`).
        let Some(mut args) = macros::parse(mac) else {
            return;
        };
        let tokens = args.rebuild_edited(mac, |e| self.visit_expr_mut(e));
        if let Ok(rebuilt) = syn::parse2::<syn::Macro>(tokens) {
            *mac = rebuilt;
        }
    }

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// Where a path is: inside a `move` closure or `async move` block (homed locals are taken out
/// when it is made, and named as written inside), or inside one that borrows (it reaches them
/// through a reference to their home made before it).
#[derive(Clone, Copy)]
pub(super) struct Inside {
    by_move: bool,
    borrowing: bool,
}

/// What a closure or `async` block needs just before it: the homed locals a `move` one takes
/// out of their homes (`let x = x.take();`), and those one that borrows reaches
/// through their home (`let x = HomeGuard::home(&mut x);`, then `x.value` inside).
#[derive(Default)]
struct Around {
    /// The guard of each homed local a `move` one takes, and the name its code uses for it (the
    /// name as written: a renamed local's guard has a hidden name).
    takes: Vec<(syn::Ident, syn::Ident)>,
    homes: Vec<syn::Ident>,
    /// A closure or block that is not `move` but mentions only homed locals and locals it
    /// takes by value: it is made `move`, so that it owns the references to their homes
    /// instead of borrowing the references (a local of the poll function, which it may
    /// outlive in the state), and owns what it takes.
    capture_refs: bool,
}

/// What becomes of one path expression of user code.
enum PathFix {
    Keep,
    Rename(syn::Ident),
    /// A homed local inside a closure that borrows it: `x.value`, through the reference to
    /// the home made before the closure.
    HomeRef(syn::Ident),
    /// A homed local: `HomeGuard::home(&mut x).value`, its value in the home.
    Home(syn::Ident),
    /// A homed local moved out for the last time: `x.take()` (a method call: as a function call,
    /// `HomeGuard::take(&mut x)` would take its type from the expected one, which a coercion
    /// may make different, `&mut T` passed as `&T`).
    Take(syn::Ident),
    /// A homed local assigned: `HomeGuard::set(&mut x, value)`.
    Set(syn::Ident),
    /// A field moved out of a local with parts: `HomeGuard::take_part(&mut x, bit, drop_rest,
    /// |v| &raw const (*v).field)`.
    TakePart {
        guard: syn::Ident,
        bit: u64,
        drop_rest: TokenStream,
        members: Vec<syn::Member>,
    },
    /// A moved field of a local with parts assigned: `HomeGuard::restore_part(..)`.
    RestorePart {
        guard: syn::Ident,
        bit: u64,
        members: Vec<syn::Member>,
    },
}

/// Collects, in traversal order, what becomes of every path and binding pattern of user code:
/// renamed, or reached through a pinned home; for each known macro the format-string captures
/// to pass explicitly; for each closure and `async` block the homed locals a `move` one
/// captures.
struct CollectRenames<'l, 'a> {
    lowerer: &'l Lowerer<'a>,
    errors: Vec<syn::Error>,
    paths: Vec<PathFix>,
    pats: Vec<Option<syn::Ident>>,
    captures: Vec<Vec<(String, TokenStream)>>,
    around: Vec<Around>,
    /// Depth of `move` closures or `async move` blocks around the current node.
    in_move: u32,
    /// Depth of other closures and `async` blocks around the current node.
    in_closure: u32,
    /// Homed bindings that are not in their homes yet here (in their arm's guard).
    unhomed: Vec<usize>,
    /// Homed bindings that the outermost closure being visited, not `move`, captures by
    /// value (it reads them for the last time, and they are not `Copy` as declared): taken
    /// out of their homes before it, as a `move` one's are.
    taken: std::collections::HashSet<usize>,
}

impl<'ast> syn::visit::Visit<'ast> for CollectRenames<'_, '_> {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let an = self.lowerer.an;
        if let Some(args) = an.macros.get(&node_id(mac)) {
            let mut captures = Vec::new();
            for (name, b) in an.format_uses.get(&node_id(mac)).into_iter().flatten() {
                let value = if let (Some(guard), 0) = (self.lowerer.guards.get(b), self.in_move) {
                    if self.in_closure > 0 {
                        Some(quote!(#guard.value))
                    } else {
                        let home = home_of(guard, guard.span());
                        Some(quote!(#home.value))
                    }
                } else {
                    self.lowerer.renamed.get(b).map(ToTokens::to_token_stream)
                };
                if let Some(value) = value {
                    captures.push((name.clone(), value));
                }
            }
            self.captures.push(captures);
            for e in &args.exprs {
                self.visit_expr(e);
            }
        }
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        match expr {
            Expr::Assign(a) => {
                for attr in &a.attrs {
                    self.visit_attribute(attr);
                }
                let homed = match &*a.left {
                    Expr::Path(p) => self
                        .lowerer
                        .an
                        .uses
                        .get(&node_id(p))
                        .and_then(|b| self.lowerer.guards.get(b))
                        .filter(|_| self.in_move == 0 && self.in_closure == 0),
                    _ => None,
                };
                match (homed, &*a.left) {
                    (Some(guard), Expr::Path(p)) => {
                        self.paths.push(PathFix::Set(guard.clone()));
                        syn::visit::visit_expr_path(self, p);
                    }
                    _ => {
                        if let Some((guard, bit, members)) = self.part(&a.left) {
                            self.paths.push(PathFix::RestorePart {
                                guard,
                                bit: 1 << bit,
                                members,
                            });
                        } else {
                            self.check_not_above_a_part(&a.left);
                            self.visit_expr(&a.left);
                        }
                    }
                }
                self.visit_expr(&a.right);
            }
            Expr::Field(_) if self.lowerer.an.field_moves.contains_key(&node_id(expr)) => {
                match self.part(expr) {
                    Some((guard, bit, members)) => {
                        let b = self.lowerer.an.field_moves[&node_id(expr)].0;
                        self.paths.push(PathFix::TakePart {
                            guard,
                            bit: 1 << bit,
                            drop_rest: self.lowerer.drop_rest(b),
                            members,
                        });
                    }
                    None => syn::visit::visit_expr(self, expr),
                }
            }
            Expr::Closure(c) => {
                let by_move = c.capture.is_some();
                self.moved(by_move, expr, |v| syn::visit::visit_expr_closure(v, c));
            }
            Expr::Async(a) => {
                let by_move = a.capture.is_some();
                self.moved(by_move, expr, |v| syn::visit::visit_expr_async(v, a));
            }
            // The rest of a `let` chain runs before the bindings of its `let`s move to their
            // homes (at the start of the body): there they are plain.
            Expr::Let(l) => {
                syn::visit::visit_expr_let(self, l);
                let an = self.lowerer.an;
                for_each_binding(&l.pat, &mut |pi| {
                    self.unhomed
                        .extend(an.binding_of.get(&node_id(pi)).copied());
                });
            }
            Expr::If(i) => {
                for attr in &i.attrs {
                    self.visit_attribute(attr);
                }
                self.condition(&i.cond);
                self.visit_block(&i.then_branch);
                if let Some((_, els)) = &i.else_branch {
                    self.visit_expr(els);
                }
            }
            Expr::While(w) => {
                for attr in &w.attrs {
                    self.visit_attribute(attr);
                }
                if let Some(label) = &w.label {
                    self.visit_label(label);
                }
                self.condition(&w.cond);
                self.visit_block(&w.body);
            }
            _ => syn::visit::visit_expr(self, expr),
        }
    }

    fn visit_pat(&mut self, pat: &'ast Pat) {
        // A guard runs before its arm's bindings move to their homes: there they are plain.
        if let Pat::Guard(g) = pat {
            let mut bound = Vec::new();
            for_each_binding(&g.pat, &mut |pi| {
                bound.extend(self.lowerer.an.binding_of.get(&node_id(pi)).copied());
            });
            self.visit_pat(&g.pat);
            let depth = self.unhomed.len();
            self.unhomed.extend(bound);
            self.visit_expr(&g.guard);
            self.unhomed.truncate(depth);
        } else {
            syn::visit::visit_pat(self, pat);
        }
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        let fix = match self.lowerer.an.uses.get(&node_id(p)) {
            Some(&b) if self.unhomed.contains(&b) => match self.lowerer.renamed.get(&b) {
                Some(ident) => PathFix::Rename(ident.clone()),
                None => PathFix::Keep,
            },
            Some(&b) if self.taken.contains(&b) => PathFix::Keep,
            Some(&b) => self.lowerer.path_fix(b, node_id(p), self.inside()),
            None => PathFix::Keep,
        };
        self.paths.push(fix);
        syn::visit::visit_expr_path(self, p);
    }

    fn visit_pat_ident(&mut self, pi: &'ast syn::PatIdent) {
        let renamed = self
            .lowerer
            .an
            .binding_of
            .get(&node_id(pi))
            .and_then(|b| self.lowerer.renamed.get(b))
            .cloned();
        self.pats.push(renamed);
        syn::visit::visit_pat_ident(self, pi);
    }
}

impl CollectRenames<'_, '_> {
    /// [`Lowerer::part_of`], where the local is reached through its home (not in a closure,
    /// nor in an arm's guard, where it is plain).
    fn part(&self, expr: &Expr) -> Option<(syn::Ident, usize, Vec<syn::Member>)> {
        if self.in_move > 0 || self.in_closure > 0 {
            return None;
        }
        let (root, _) = crate::analyse::field_path(expr)?;
        let b = *self.lowerer.an.uses.get(&node_id(root))?;
        if self.unhomed.contains(&b) {
            return None;
        }
        self.lowerer.part_of(expr)
    }

    /// An assignment to a field that contains a field moved out one by one (`x.a = ..` after
    /// `x.a.b` moved) would drop the moved field again.
    fn check_not_above_a_part(&mut self, left: &Expr) {
        let Some((root, members)) = crate::analyse::field_path(left) else {
            return;
        };
        let Some(b) = self.lowerer.an.uses.get(&node_id(root)) else {
            return;
        };
        let above = self
            .lowerer
            .parted
            .get(b)
            .into_iter()
            .flatten()
            .any(|path| path.len() > members.len() && path[..members.len()] == members[..]);
        if above && !members.is_empty() {
            self.errors.push(syn::Error::new(
                left.span(),
                "#[visible_async] cannot assign a field after a field inside it was moved out \
                 across an `.await`: assign the moved field itself, or move the whole field out \
                 first (`let mut inner = x.a;`)",
            ));
        }
    }

    /// An `if` or `while` condition: its `let`s' bindings are plain to its end (see
    /// `visit_expr`).
    fn condition(&mut self, cond: &Expr) {
        let depth = self.unhomed.len();
        self.visit_expr(cond);
        self.unhomed.truncate(depth);
    }

    fn inside(&self) -> Inside {
        Inside {
            by_move: self.in_move > 0,
            borrowing: self.in_closure > 0,
        }
    }

    /// A closure or `async` block: a `move` one takes the homed locals it mentions out of
    /// their homes when it is made (it owns them, as in the original); another one reaches
    /// them through a reference to their home, except those it captures by value (see
    /// `taken`), which it takes too.
    fn moved(&mut self, by_move: bool, node: &Expr, visit: impl FnOnce(&mut Self)) {
        let index = self.around.len();
        self.around.push(Around::default());
        let outermost = self.in_move == 0 && self.in_closure == 0;
        let an = self.lowerer.an;
        let mentions = an.mentions(node);
        if outermost && !by_move {
            self.taken = mentions
                .iter()
                .filter(|&&(b, path)| {
                    self.lowerer.guards.contains_key(&b) && an.closure_takes(b, path)
                })
                .map(|&(b, _)| b)
                .collect();
        }
        if by_move {
            self.in_move += 1;
        } else {
            self.in_closure += 1;
        }
        visit(self);
        if by_move {
            self.in_move -= 1;
        } else {
            self.in_closure -= 1;
        }
        if outermost {
            let taken = std::mem::take(&mut self.taken);
            // Made `move` when it only reaches homes and takes values: a local that it reads
            // by value for the last time is then moved in whatever its type (a `Copy` one, a
            // non-`move` closure would borrow, from the poll function's frame).
            let mut around = Around {
                capture_refs: !by_move
                    && !mentions.is_empty()
                    && mentions.iter().all(|&(b, path)| {
                        self.lowerer.guards.contains_key(&b) || an.closure_takes(b, path)
                    }),
                ..Around::default()
            };
            for (b, _) in mentions {
                if let Some(guard) = self.lowerer.guards.get(&b) {
                    if by_move || taken.contains(&b) {
                        let written = self.lowerer.an.bindings[b].ident.clone();
                        if !around.takes.iter().any(|(g, _)| g == guard) {
                            around.takes.push((guard.clone(), written));
                        }
                    } else if !around.homes.contains(guard) {
                        around.homes.push(guard.clone());
                    }
                }
            }
            self.around[index] = around;
        }
    }
}

/// Applies what [`CollectRenames`] found to a copy of the same code.
struct ApplyRenames {
    paths: std::iter::Peekable<std::vec::IntoIter<PathFix>>,
    pats: std::vec::IntoIter<Option<syn::Ident>>,
    captures: std::vec::IntoIter<Vec<(String, TokenStream)>>,
    around: std::vec::IntoIter<Around>,
}

impl VisitMut for ApplyRenames {
    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        // Known macros were parsed by the analysis: parse the copy the same way, rename inside
        // the arguments, and name renamed format captures explicitly (`{x}` with `x = x_shadowed0`).
        let Some(mut args) = macros::parse(mac) else {
            return;
        };
        let captures = self.captures.next().unwrap_or_default();
        let mut tokens = args.rebuild_edited(mac, |e| self.visit_expr_mut(e));
        if !captures.is_empty()
            && let Ok(mut rebuilt) = syn::parse2::<syn::Macro>(tokens.clone())
        {
            let extra = captures.iter().map(|(name, value)| {
                let name = syn::Ident::new(name, proc_macro2::Span::call_site());
                quote!(, #name = #value)
            });
            let inner = rebuilt.tokens.clone();
            rebuilt.tokens = quote!(#inner #(#extra)*);
            tokens = rebuilt.to_token_stream();
        }
        if let Ok(rebuilt) = syn::parse2::<syn::Macro>(tokens) {
            *mac = rebuilt;
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Assign(a) => {
                for attr in &mut a.attrs {
                    self.visit_attribute_mut(attr);
                }
                let set = self
                    .paths
                    .next_if(|f| matches!(f, PathFix::Set(_) | PathFix::RestorePart { .. }));
                if let Some(PathFix::RestorePart {
                    guard,
                    bit,
                    members,
                }) = set
                {
                    self.visit_expr_mut(&mut a.right);
                    let right = &a.right;
                    let (value, place) = (super::hidden("__value"), super::hidden("__place"));
                    // The new value first, then the field written over the moved one (or
                    // assigned, if it was not moved).
                    *expr = syn::parse_quote!({
                        let #value = #right;
                        ::visible_async::__private::HomeGuard::restore_part(
                            &mut #guard,
                            #bit,
                            |#place| &raw mut (*#place) #(.#members)*,
                            #value,
                        )
                    });
                } else if let Some(PathFix::Set(guard)) = set {
                    self.visit_expr_mut(&mut a.right);
                    let right = &a.right;
                    // `x = value` for a homed `x`: drop the old value in the home (if it is
                    // there) and put the new one in.
                    // The new value first (it may read the old one), then the assignment,
                    // called by path: a local declared without a value has a guard whose type
                    // is not known yet, and method calls need it.
                    let value = super::hidden("__value");
                    *expr = syn::parse_quote!({
                        let #value = #right;
                        ::visible_async::__private::HomeGuard::set(&mut #guard, #value)
                    });
                } else {
                    self.visit_expr_mut(&mut a.left);
                    self.visit_expr_mut(&mut a.right);
                }
            }
            Expr::Path(p) => {
                let span = p.span();
                match self.paths.next_if(|f| {
                    matches!(f, PathFix::Home(_) | PathFix::HomeRef(_) | PathFix::Take(_))
                }) {
                    Some(PathFix::Home(mut guard)) => {
                        guard.set_span(guard.span().located_at(span));
                        let home = home_of(&guard, span);
                        *expr = syn::parse_quote_spanned!(span=> #home.value);
                    }
                    Some(PathFix::HomeRef(mut home)) => {
                        home.set_span(home.span().located_at(span));
                        *expr = syn::parse_quote_spanned!(span=> #home.value);
                    }
                    Some(PathFix::Take(mut guard)) => {
                        guard.set_span(guard.span().located_at(span));
                        *expr = syn::parse_quote_spanned!(span=> #guard.take());
                    }
                    _ => syn::visit_mut::visit_expr_mut(self, expr),
                }
            }
            // (The fix for a moved field comes before those of the paths inside it, which it
            // replaces.)
            Expr::Field(_)
                if matches!(self.paths.peek(), Some(PathFix::TakePart { members, .. })
                    if crate::analyse::field_path(expr).is_some_and(|(_, m)| m == *members)) =>
            {
                if let Some(PathFix::TakePart {
                    guard,
                    bit,
                    drop_rest,
                    members,
                }) = self.paths.next()
                {
                    let span = expr.span();
                    let value = super::hidden("__value");
                    *expr = syn::parse_quote_spanned!(span=>
                        ::visible_async::__private::HomeGuard::take_part(
                            &mut #guard,
                            #bit,
                            #drop_rest,
                            |#value| &raw const (*#value) #(.#members)*,
                        )
                    );
                }
            }
            Expr::Closure(_) | Expr::Async(_) => {
                let around = self.around.next().unwrap_or_default();
                syn::visit_mut::visit_expr_mut(self, expr);
                if around.capture_refs {
                    match expr {
                        Expr::Closure(c) => c.capture = Some(syn::Token![move](c.span())),
                        Expr::Async(a) => a.capture = Some(syn::Token![move](a.span())),
                        _ => {}
                    }
                }
                if !around.takes.is_empty() || !around.homes.is_empty() {
                    let takes = around
                        .takes
                        .iter()
                        .map(|(guard, written)| quote!(let #written = #guard.take();));
                    let homes = around.homes.iter().map(|x| {
                        let home = home_of(x, x.span());
                        quote!(let #x = #home;)
                    });
                    *expr = syn::parse_quote!({ #(#takes)* #(#homes)* #expr });
                }
            }
            _ => syn::visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_expr_path_mut(&mut self, p: &mut syn::ExprPath) {
        let fix = self.paths.next().unwrap_or(PathFix::Keep);
        fix_path(p, fix);
        syn::visit_mut::visit_expr_path_mut(self, p);
    }

    fn visit_pat_ident_mut(&mut self, pi: &mut syn::PatIdent) {
        if let Some(Some(ident)) = self.pats.next() {
            pi.ident = ident;
        }
        syn::visit_mut::visit_pat_ident_mut(self, pi);
    }

    fn visit_field_value_mut(&mut self, fv: &mut syn::FieldValue) {
        syn::visit_mut::visit_field_value_mut(self, fv);
        // `S { x }` with `x` renamed (or homed) must become `S { x: renamed }`.
        if fv.colon_token.is_none()
            && let syn::Member::Named(member) = &fv.member
            && !matches!(&fv.expr, Expr::Path(p) if p.path.is_ident(member))
        {
            fv.colon_token = Some(syn::Token![:](member.span()));
        }
    }
}

fn fix_path(p: &mut syn::ExprPath, fix: PathFix) {
    if let PathFix::Rename(ident) = fix
        && let Some(segment) = p.path.segments.first_mut()
    {
        segment.ident = ident;
    }
}

/// `HomeGuard::home(&mut guard)`, the filled home of a homed local, spelled as a function call:
/// a method call on a guard whose value's type later code decides would not resolve (see
/// `visible_async::__private::HomeGuard::home`).
fn home_of(guard: &syn::Ident, span: proc_macro2::Span) -> TokenStream {
    quote_spanned!(span=> ::visible_async::__private::HomeGuard::home(&mut #guard))
}
