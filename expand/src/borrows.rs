//! Which locals need a pinned home: those that something alive across an `.await` may borrow.
//!
//! Without types, "may this value borrow `x`?" is answered from syntax, conservatively: a
//! value borrows `x` if it is made from `&x`, `&mut x` (or a field or element of `x`), a method
//! call on `x` (autoref), a closure or `async` block mentioning `x`, or a local that itself
//! borrows `x`; and the bindings of a pattern borrow what their scrutinee or iterator borrows.
//! Method calls whose results never borrow (`len`, `clone`, `to_string`, comparisons, ...)
//! borrow nothing. Calls borrow what their arguments borrow, and `v.push(&x)` makes `v` borrow
//! `x`. The lowering then gives a home to every local in scope at an `.await` that the awaited
//! future, or a value kept across it, may borrow.

use std::collections::{HashMap, HashSet};

use syn::visit::Visit;
use syn::{Expr, Pat, Stmt};

use crate::analyse::{Analysis, NodeId, for_each_binding, node_id};
use crate::lower::place_root_node;

/// Method names whose result is an owned value that borrows nothing from the receiver.
const OWNED_RESULT: &[&str] = &[
    "as_ptr",
    "capacity",
    "clone",
    "cmp",
    "contains",
    "contains_key",
    "count",
    "ends_with",
    "eq",
    "ge",
    "gt",
    "is_empty",
    "is_none",
    "is_some",
    "is_ok",
    "is_err",
    "le",
    "len",
    "lt",
    "ne",
    "partial_cmp",
    "starts_with",
    "to_owned",
    "to_string",
    "to_vec",
];

/// Method names that store their arguments in the receiver.
const STORING: &[&str] = &[
    "append",
    "extend",
    "get_or_insert",
    "insert",
    "push",
    "push_back",
    "push_front",
    "replace",
    "set",
];

/// Macros whose value owns everything (or is `()`): formatting, printing, assertions.
const OWNED_MACROS: &[&str] = &[
    "format",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "matches",
    "panic",
];

#[derive(Default)]
pub struct Borrows {
    /// Expression node to the locals its value may borrow (only non-empty sets).
    retained: HashMap<NodeId, HashSet<usize>>,
    /// Per binding: the locals its value may borrow.
    carries: HashMap<usize, HashSet<usize>>,
    /// Per `.await` (by index): the locals the awaited future may borrow.
    pub awaitee: HashMap<usize, HashSet<usize>>,
}

impl Borrows {
    /// The locals that the value of expression `node` may borrow.
    pub fn of_expr(&self, node: NodeId) -> HashSet<usize> {
        self.retained.get(&node).cloned().unwrap_or_default()
    }

    /// The locals that binding `b` may borrow.
    pub fn of_binding(&self, b: usize) -> HashSet<usize> {
        self.carries.get(&b).cloned().unwrap_or_default()
    }
}

pub fn borrows(an: &Analysis, body: &syn::Block) -> Borrows {
    let mut w = Walker {
        an,
        out: Borrows::default(),
        changed: false,
    };
    // Twice: a loop may assign a borrow to a local after the code that reads it.
    for _ in 0..2 {
        w.changed = false;
        w.block(body);
        if !w.changed {
            break;
        }
    }
    w.out
}

struct Walker<'a> {
    an: &'a Analysis,
    out: Borrows,
    changed: bool,
}

impl Walker<'_> {
    fn add_carries(&mut self, b: usize, set: &HashSet<usize>) {
        let entry = self.out.carries.entry(b).or_default();
        for &x in set {
            self.changed |= entry.insert(x);
        }
    }

    fn bind_pat(&mut self, pat: &Pat, set: &HashSet<usize>) {
        if set.is_empty() {
            return;
        }
        // A binding by value under a `&` pattern (`Some(&n)`) copies the referent out: it
        // does not hold the borrow.
        let mut copied = HashSet::new();
        let mut find = DerefBound(&mut copied);
        find.visit_pat(pat);
        let mut bound = Vec::new();
        for_each_binding(pat, &mut |pi| {
            if let Some(&b) = self.an.binding_of.get(&node_id(pi))
                && !copied.contains(&node_id(pi))
            {
                bound.push(b);
            }
        });
        for b in bound {
            self.add_carries(b, set);
        }
    }

    /// The local a place expression (`x`, `x.a`, `x[i]`, `*x`) is part of, with what it
    /// borrows. A place behind a dereference borrows the local too: without its type, `*x`
    /// may be the contents of an owner (`&*key` with `key: Arc<K>`, `&*s` with `s: String`)
    /// as well as a reborrow through a reference, and a home serves both.
    fn place_borrow(&self, expr: &Expr) -> Option<HashSet<usize>> {
        let root = borrowed_root(expr)?;
        let &b = self.an.uses.get(&root)?;
        let mut set = self.out.of_binding(b);
        set.insert(b);
        Some(set)
    }

    fn block(&mut self, block: &syn::Block) -> HashSet<usize> {
        let mut tail = HashSet::new();
        for (i, stmt) in block.stmts.iter().enumerate() {
            let last = i + 1 == block.stmts.len();
            match stmt {
                Stmt::Local(local) => {
                    if let Some(init) = &local.init {
                        let mut set = self.expr(&init.expr);
                        if has_ref_binding(&local.pat)
                            && let Some(place) = self.place_borrow(&init.expr)
                        {
                            set.extend(place);
                        }
                        self.bind_pat(&local.pat, &set);
                        if let Some((_, diverge)) = &init.diverge {
                            self.expr(diverge);
                        }
                    }
                }
                Stmt::Expr(expr, semi) => {
                    let set = self.expr(expr);
                    if last && semi.is_none() {
                        tail = set;
                    }
                }
                Stmt::Macro(m) => {
                    self.mac(&m.mac);
                }
                Stmt::Item(_) => {}
            }
        }
        tail
    }

    fn record(&mut self, expr: &Expr, set: HashSet<usize>) -> HashSet<usize> {
        if !set.is_empty() {
            self.out.retained.insert(node_id(expr), set.clone());
        }
        set
    }

    fn exprs<'e>(&mut self, exprs: impl IntoIterator<Item = &'e Expr>) -> HashSet<usize> {
        let mut set = HashSet::new();
        for e in exprs {
            set.extend(self.expr(e));
        }
        set
    }

    /// What a call's arguments may lend it. A `&mut` local passed by name and used again
    /// later is reborrowed, not moved (`fill(buf)` with `buf: &mut Vec<u8>`): the result may
    /// borrow its referent through the local.
    fn call_args<'e>(&mut self, args: impl IntoIterator<Item = &'e Expr>) -> HashSet<usize> {
        let mut set = HashSet::new();
        for arg in args {
            set.extend(self.expr(arg));
            if let Expr::Path(p) = arg
                && let Some(&b) = self.an.uses.get(&node_id(p))
                && self.an.is_mut_ref(b)
                && !self.an.is_last_use(node_id(p))
            {
                set.insert(b);
            }
        }
        set
    }

    /// What the value of `expr` may borrow; records it, and the bindings made inside.
    fn expr(&mut self, expr: &Expr) -> HashSet<usize> {
        let set = self.expr_inner(expr);
        self.record(expr, set)
    }

    #[allow(clippy::too_many_lines)]
    fn expr_inner(&mut self, expr: &Expr) -> HashSet<usize> {
        match expr {
            Expr::Path(p) => self
                .an
                .uses
                .get(&node_id(p))
                .map(|&b| self.out.of_binding(b))
                .unwrap_or_default(),
            Expr::Reference(r) => {
                let inner = self.expr(&r.expr);
                match self.place_borrow(&r.expr) {
                    Some(place) => place.union(&inner).copied().collect(),
                    None => inner,
                }
            }
            Expr::RawAddr(r) => {
                let inner = self.expr(&r.expr);
                self.place_borrow(&r.expr).unwrap_or(inner)
            }
            Expr::MethodCall(m) => {
                let receiver = self.expr(&m.receiver);
                let args = self.call_args(&m.args);
                // `v.push(&x)`: a collection may keep what the arguments borrow.
                if STORING.contains(&m.method.to_string().as_str())
                    && let Some(root) = place_root_node(&m.receiver)
                    && let Some(&b) = self.an.uses.get(&root)
                {
                    self.add_carries(b, &args);
                }
                if OWNED_RESULT.contains(&m.method.to_string().as_str()) {
                    return HashSet::new();
                }
                let mut set = args;
                set.extend(receiver);
                if !self.an.consumes(m)
                    && let Some(place) = self.place_borrow(&m.receiver)
                {
                    set.extend(place);
                }
                set
            }
            Expr::Call(c) => {
                self.expr(&c.func);
                let args = self.call_args(&c.args);
                // `Vec::push(&mut v, &x)`: a mutably borrowed argument may keep the others.
                for arg in &c.args {
                    if let Expr::Reference(r) = arg
                        && r.mutability.is_some()
                        && let Some(root) = place_root_node(&r.expr)
                        && let Some(&b) = self.an.uses.get(&root)
                    {
                        self.add_carries(b, &args);
                    }
                }
                args
            }
            Expr::Assign(a) => {
                let right = self.expr(&a.right);
                self.expr(&a.left);
                if let Some(root) = place_root_node(&a.left)
                    && let Some(&b) = self.an.uses.get(&root)
                {
                    self.add_carries(b, &right);
                }
                HashSet::new()
            }
            Expr::Binary(b) => {
                self.expr(&b.left);
                self.expr(&b.right);
                HashSet::new()
            }
            Expr::Unary(u) => self.expr(&u.expr),
            Expr::Field(f) => self.expr(&f.base),
            Expr::Index(i) => {
                self.expr(&i.index);
                self.expr(&i.expr)
            }
            // A cast to a number or a raw pointer holds no borrow (`n as u64`); a cast to a
            // reference (`&x as &dyn Debug`) keeps the operand's.
            Expr::Cast(c) => {
                let set = self.expr(&c.expr);
                if casts_to_plain_value(&c.ty) {
                    HashSet::new()
                } else {
                    set
                }
            }
            Expr::Paren(p) => self.expr(&p.expr),
            Expr::Group(g) => self.expr(&g.expr),
            Expr::Await(a) => {
                let set = self.expr(&a.base);
                if let Some(&k) = self.an.await_index.get(&node_id(a)) {
                    self.out.awaitee.insert(k, set.clone());
                }
                set
            }
            Expr::Try(t) => self.expr(&t.expr),
            Expr::Tuple(t) => self.exprs(&t.elems),
            Expr::Array(a) => self.exprs(&a.elems),
            Expr::Repeat(r) => {
                self.expr(&r.len);
                self.expr(&r.expr)
            }
            Expr::Struct(s) => {
                let mut set = self.exprs(s.fields.iter().map(|f| &f.expr));
                if let Some(rest) = &s.rest {
                    set.extend(self.expr(rest));
                }
                set
            }
            Expr::Range(r) => self.exprs(r.start.iter().chain(r.end.iter()).map(|e| &**e)),
            Expr::Block(b) => self.block(&b.block),
            Expr::Unsafe(u) => self.block(&u.block),
            Expr::If(i) => {
                self.expr(&i.cond);
                let mut set = self.block(&i.then_branch);
                if let Some((_, e)) = &i.else_branch {
                    set.extend(self.expr(e));
                }
                set
            }
            Expr::Let(l) => {
                self.scrutinee_bind(&l.expr, &[&*l.pat]);
                HashSet::new()
            }
            Expr::Match(m) => {
                let pats: Vec<&Pat> = m.arms.iter().map(|a| &a.pat).collect();
                self.scrutinee_bind(&m.expr, &pats);
                let mut set = HashSet::new();
                for arm in &m.arms {
                    if let Pat::Guard(g) = &arm.pat {
                        self.expr(&g.guard);
                    }
                    set.extend(self.expr(&arm.body));
                }
                set
            }
            Expr::While(w) => {
                self.expr(&w.cond);
                self.block(&w.body);
                HashSet::new()
            }
            Expr::Loop(l) => {
                self.block(&l.body);
                HashSet::new()
            }
            Expr::ForLoop(f) => {
                let set = self.expr(&f.expr);
                self.bind_pat(&f.pat, &set);
                self.block(&f.body);
                HashSet::new()
            }
            Expr::Closure(c) => {
                self.expr(&c.body);
                self.captures(expr, c.capture.is_some())
            }
            Expr::Async(a) => {
                self.block(&a.block);
                self.captures(expr, a.capture.is_some())
            }
            Expr::Return(r) => {
                if let Some(e) = &r.expr {
                    self.expr(e);
                }
                HashSet::new()
            }
            Expr::Break(b) => {
                if let Some(e) = &b.expr {
                    self.expr(e);
                }
                HashSet::new()
            }
            Expr::Macro(m) => self.mac(&m.mac),
            _ => HashSet::new(),
        }
    }

    /// The bindings of `pats` borrow what the scrutinee borrows, and the scrutinee itself if
    /// they bind by `ref`.
    fn scrutinee_bind(&mut self, scrutinee: &Expr, pats: &[&Pat]) {
        let set = self.expr(scrutinee);
        for pat in pats {
            let mut set = set.clone();
            if has_ref_binding(pat)
                && let Some(place) = self.place_borrow(scrutinee)
            {
                set.extend(place);
            }
            self.bind_pat(pat, &set);
        }
    }

    /// What a closure or `async` block borrows: the locals it captures by reference (it
    /// mentions them and, unless `move`, does not consume them: a closure that consumes a
    /// local captures it by value, but one that reads a `Copy` value for the last time still
    /// borrows it), and what every value it captures borrows.
    fn captures(&self, node: &Expr, by_move: bool) -> HashSet<usize> {
        let mentions = self.an.mentions(node);
        let consumed: HashSet<usize> = mentions
            .iter()
            .filter(|&&(b, path)| self.an.closure_takes(b, path))
            .map(|&(b, _)| b)
            .collect();
        let mut set = HashSet::new();
        for &(b, _) in &mentions {
            if !by_move && !consumed.contains(&b) {
                set.insert(b);
            }
            set.extend(self.out.of_binding(b));
        }
        set
    }

    fn mac(&mut self, mac: &syn::Macro) -> HashSet<usize> {
        let Some(args) = self.an.macros.get(&node_id(mac)) else {
            return HashSet::new();
        };
        let set = self.exprs(&args.exprs);
        if OWNED_MACROS.contains(&crate::macros::name(mac).as_str()) {
            HashSet::new()
        } else {
            set
        }
    }
}

/// Whether a pattern binds something by `ref` or `ref mut`.
pub fn has_ref_binding(pat: &Pat) -> bool {
    let mut found = false;
    for_each_binding(pat, &mut |pi| found |= pi.by_ref.is_some());
    found
}

/// Collects the by-value bindings under `&` patterns.
struct DerefBound<'s>(&'s mut HashSet<NodeId>);

impl<'ast> Visit<'ast> for DerefBound<'_> {
    fn visit_pat_reference(&mut self, r: &'ast syn::PatReference) {
        for_each_binding(&r.pat, &mut |pi| {
            if pi.by_ref.is_none() {
                self.0.insert(node_id(pi));
            }
        });
    }
}

/// Whether `as TYPE` makes a value that borrows nothing: a primitive number, `bool`, `char`,
/// or a raw pointer.
fn casts_to_plain_value(ty: &syn::Type) -> bool {
    const PRIMITIVES: &[&str] = &[
        "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
        "f32", "f64", "bool", "char",
    ];
    match ty {
        syn::Type::Ptr(_) => true,
        syn::Type::Paren(p) => casts_to_plain_value(&p.elem),
        syn::Type::Path(p) => {
            p.qself.is_none()
                && p.path
                    .get_ident()
                    .is_some_and(|i| PRIMITIVES.contains(&i.to_string().as_str()))
        }
        _ => false,
    }
}

/// The local a place is part of, through fields, elements and dereferences: `x` in `*x`,
/// `(*x.a).b`, `x[i].c`.
fn borrowed_root(expr: &Expr) -> Option<NodeId> {
    match expr {
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => borrowed_root(&u.expr),
        Expr::Field(f) => borrowed_root(&f.base),
        Expr::Index(i) => borrowed_root(&i.expr),
        Expr::Paren(p) => borrowed_root(&p.expr),
        _ => place_root_node(expr),
    }
}
