//! Generates well-typed `async fn` bodies by construction: every expression is generated for a
//! type, every local in scope is tracked with its type, mutability and whether it was moved,
//! so the result type-checks and borrow-checks as a plain `async fn`.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::features::Features;
use super::rng::Rng;

/// The types the generator works with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Unit,
    U32,
    I64,
    Usize,
    Bool,
    Str,
    D,
    VecU32,
    OptU32,
    ResU32,
    /// `&D`.
    RefD,
    /// `&mut String`.
    MutStr,
    /// `(u32, bool)`.
    Tup,
    /// `Rc<u32>`.
    Rc,
    /// `Cell<u32>`.
    Cell,
}

impl Ty {
    fn rust(self) -> &'static str {
        match self {
            Ty::Unit => "()",
            Ty::U32 => "u32",
            Ty::I64 => "i64",
            Ty::Usize => "usize",
            Ty::Bool => "bool",
            Ty::Str => "String",
            Ty::D => "D",
            Ty::VecU32 => "Vec<u32>",
            Ty::OptU32 => "Option<u32>",
            Ty::ResU32 => "Result<u32, String>",
            Ty::RefD => "&D",
            Ty::MutStr => "&mut String",
            Ty::Tup => "(u32, bool)",
            Ty::Rc => "Rc<u32>",
            Ty::Cell => "Cell<u32>",
        }
    }

    /// Values an `async move` block may copy in.
    fn is_plain_copy(self) -> bool {
        matches!(
            self,
            Ty::U32 | Ty::I64 | Ty::Usize | Ty::Bool | Ty::OptU32 | Ty::Tup
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Init,
    Uninit,
    Moved,
}

#[derive(Clone, Debug)]
struct Local {
    name: String,
    ty: Ty,
    mutable: bool,
    state: State,
    loop_depth: usize,
    cond_depth: usize,
    /// Number of live borrows (`let r = &x`, `for _ in &x`, `while let .. = x.pop()`).
    frozen: usize,
    /// Loop counters and the like: read only, never shadowed.
    fixed: bool,
    /// The local this one borrows (scope, index), released when this one goes out of scope.
    borrows: Option<(usize, usize)>,
}

/// Where an expression stands: decides whether an `.await` may stand there (by feature).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pos {
    Other,
    BinOp,
    Method,
    CallArg,
    Field,
    Cond,
    Scrutinee,
    Guard,
    Let,
    Return,
    Break,
    Index,
    Assign,
    Macro,
}

#[derive(Clone, Debug)]
struct Label {
    name: Option<String>,
    is_loop: bool,
    /// `None`: `break` without a value; `Some(t)`: `break value` of type `t`.
    value: Option<Ty>,
}

/// One generated function with everything needed to write, annotate and call it.
#[derive(Clone, Debug)]
pub struct Program {
    /// The module name (`g17`).
    pub name: String,
    /// Helper `async fn`s the function awaits (plain, never annotated).
    pub helpers: String,
    /// `pub async fn f(..) -> T { .. }`, without attribute.
    pub function: String,
    /// The arguments of a call, `f(<args>)`.
    pub args: String,
    /// The flags whose shapes this function contains.
    pub used: BTreeSet<&'static str>,
}

impl Program {
    /// The attribute `f` gets, without `#[..]`: `D::consume` takes `self`, which its name does
    /// not say, so a function that calls it says so (`consumes(consume)`), as a user would.
    #[must_use]
    pub fn attribute(&self) -> String {
        if self.used.contains("consume_method") {
            "visible_async(compiler = f_rustc, consumes(consume))".to_string()
        } else {
            "visible_async(compiler = f_rustc)".to_string()
        }
    }

    /// The module's source. `annotated`: with `#[visible_async(compiler = f_rustc)]`;
    /// otherwise `f_rustc` is the same plain `async fn` (to find programs rustc rejects).
    #[must_use]
    pub fn module(&self, annotated: bool) -> String {
        let (attr, alias) = if annotated {
            (format!("#[visible_async::{}]", self.attribute()), "")
        } else {
            (String::new(), "use self::f as f_rustc;")
        };
        let args = &self.args;
        format!(
            "// {name}: features {used:?}\nuse crate::common::*;\n\n{helpers}{attr}\n{function}\n{alias}\n\n\
             pub fn run() -> Outcome {{\n    \
             let comparison = visible_async::harness::compare(\n        \
             |log| {{ set_log(log); f({args}) }},\n        \
             |log| {{ set_log(log); f_rustc({args}) }},\n    );\n    \
             set_log(Log::new());\n    \
             let visible = visible_async::auto_traits!(f({args}));\n    \
             let compiler = visible_async::auto_traits!(f_rustc({args}));\n    \
             set_log(Log::new());\n    \
             Outcome::new(&comparison, visible, compiler)\n}}\n",
            name = self.name,
            used = self.used,
            helpers = self.helpers,
            function = self.function,
        )
    }
}

/// Generates the function for module `name` from `seed`.
#[must_use]
pub fn generate(name: &str, seed: u64, features: &Features) -> Program {
    let mut rng = Rng::new(seed);
    let mut used = BTreeSet::new();
    // Helper async fns first.
    let mut helpers = String::new();
    let mut helper_names = Vec::new();
    if features.helper_fns {
        for k in 0..rng.below(3) {
            let mut g = Gen::new(Rng::new(rng.next_u64()), features, Ty::U32, Vec::new());
            g.budget = 4;
            g.ids = 1000 * (k + 1);
            g.declare("a", Ty::U32, false, false);
            let body = g.block(Some(Ty::U32), 2);
            let hname = format!("gh{k}");
            let _ = writeln!(helpers, "async fn {hname}(a: u32) -> u32 {body}\n");
            used.extend(g.used);
            helper_names.push(hname);
        }
    }
    let ret = if features.return_values {
        let mut options = vec![
            Ty::Unit,
            Ty::U32,
            Ty::Usize,
            Ty::I64,
            Ty::Bool,
            Ty::Unit,
            Ty::U32,
        ];
        if features.strings {
            options.push(Ty::Str);
        }
        if features.try_result {
            options.extend([Ty::ResU32, Ty::ResU32]);
        }
        if features.try_option {
            options.extend([Ty::OptU32, Ty::OptU32]);
        }
        rng.pick(&options)
    } else {
        Ty::Unit
    };
    let mut g = Gen::new(Rng::new(rng.next_u64()), features, ret, helper_names);
    if ret != Ty::Unit {
        g.mark("return_values");
    }
    let (params, args) = g.params();
    g.budget = 6 + g.rng.below(14);
    let body = g.block(Some(ret), 3);
    used.extend(g.used);
    let ret_text = if ret == Ty::Unit {
        String::new()
    } else {
        format!(" -> {}", ret.rust())
    };
    Program {
        name: name.to_string(),
        helpers,
        function: format!("pub async fn f({params}){ret_text} {body}"),
        args,
        used,
    }
}

struct Gen<'a> {
    rng: Rng,
    f: &'a Features,
    used: BTreeSet<&'static str>,
    scopes: Vec<Vec<Local>>,
    /// Scopes below this index belong outside the innermost `async move` block.
    barrier: usize,
    loop_depth: usize,
    cond_depth: usize,
    labels: Vec<Label>,
    ret: Ty,
    in_async: bool,
    in_guard: bool,
    /// Making a formatting macro's argument after the first: the earlier ones are borrowed
    /// until the macro is done, so no local may be moved or assigned.
    in_later_format_arg: bool,
    /// The `match` being made has an arm that binds the scrutinee by value and has a guard.
    guarded_binding: bool,
    /// A `D` temporary is alive until the end of the current statement.
    taint: bool,
    budget: usize,
    ids: usize,
    helpers: Vec<String>,
}

impl<'a> Gen<'a> {
    fn new(rng: Rng, f: &'a Features, ret: Ty, helpers: Vec<String>) -> Self {
        Self {
            rng,
            f,
            used: BTreeSet::new(),
            scopes: vec![Vec::new()],
            barrier: 0,
            loop_depth: 0,
            cond_depth: 0,
            labels: Vec::new(),
            ret,
            in_async: false,
            in_guard: false,
            in_later_format_arg: false,
            guarded_binding: false,
            taint: false,
            budget: 0,
            ids: 0,
            helpers,
        }
    }

    fn on(&self, name: &str) -> bool {
        self.f.get(name)
    }

    fn mark(&mut self, name: &'static str) {
        self.used.insert(name);
    }

    /// Checks a flag and, if it is on, records it as used.
    fn take(&mut self, name: &'static str) -> bool {
        if self.f.get(name) {
            self.used.insert(name);
            true
        } else {
            false
        }
    }

    fn id(&mut self) -> usize {
        self.ids += 1;
        self.ids
    }

    fn fresh(&mut self, prefix: &str) -> String {
        let id = self.id();
        format!("{prefix}{id}")
    }

    fn small(&mut self) -> usize {
        self.rng.below(4)
    }

    // ----- scopes ----------------------------------------------------------------------------

    fn declare(&mut self, name: &str, ty: Ty, mutable: bool, fixed: bool) -> (usize, usize) {
        let local = Local {
            name: name.to_string(),
            ty,
            mutable,
            state: State::Init,
            loop_depth: self.loop_depth,
            cond_depth: self.cond_depth,
            frozen: 0,
            fixed,
            borrows: None,
        };
        let scope = self.scopes.len() - 1;
        self.scopes[scope].push(local);
        (scope, self.scopes[scope].len() - 1)
    }

    fn local(&mut self, at: (usize, usize)) -> &mut Local {
        &mut self.scopes[at.0][at.1]
    }

    fn push_scope(&mut self) {
        self.scopes.push(Vec::new());
    }

    fn pop_scope(&mut self) {
        let scope = self.scopes.pop().unwrap_or_default();
        for local in scope {
            if let Some(at) = local.borrows
                && at.0 < self.scopes.len()
            {
                let target = self.local(at);
                target.frozen = target.frozen.saturating_sub(1);
            }
        }
    }

    /// The locals a name lookup can reach, innermost first.
    fn visible(&self) -> Vec<(usize, usize)> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (s, scope) in self.scopes.iter().enumerate().rev() {
            for (i, local) in scope.iter().enumerate().rev() {
                if seen.insert(local.name.clone()) {
                    out.push((s, i));
                }
            }
        }
        out
    }

    fn readable(&self, at: (usize, usize)) -> bool {
        let l = &self.scopes[at.0][at.1];
        l.state == State::Init && (at.0 >= self.barrier || l.ty.is_plain_copy())
    }

    fn movable(&self, at: (usize, usize)) -> bool {
        let l = &self.scopes[at.0][at.1];
        l.state == State::Init
            && at.0 >= self.barrier
            && l.frozen == 0
            && !l.fixed
            && l.loop_depth == self.loop_depth
            && !self.everything_borrowed()
    }

    fn mutable(&self, at: (usize, usize)) -> bool {
        let l = &self.scopes[at.0][at.1];
        l.mutable
            && at.0 >= self.barrier
            && l.frozen == 0
            && !l.fixed
            && !self.everything_borrowed()
    }

    /// In a guard (the scrutinee is borrowed) or a later argument of a formatting macro (the
    /// earlier ones are): nothing may be moved or assigned.
    fn everything_borrowed(&self) -> bool {
        self.in_guard || self.in_later_format_arg
    }

    /// A formatting macro's argument after the first.
    fn later_format_arg(&mut self, ty: Ty, d: usize) -> String {
        let saved = std::mem::replace(&mut self.in_later_format_arg, true);
        let e = self.expr(ty, Pos::Macro, d);
        self.in_later_format_arg = saved;
        e
    }

    fn find(&mut self, pred: impl Fn(&Self, (usize, usize)) -> bool) -> Option<(usize, usize)> {
        let candidates: Vec<_> = self
            .visible()
            .into_iter()
            .filter(|&at| pred(self, at))
            .collect();
        if candidates.is_empty() {
            None
        } else {
            Some(candidates[self.rng.below(candidates.len())])
        }
    }

    fn find_readable(&mut self, ty: Ty) -> Option<(usize, usize)> {
        self.find(|g, at| g.scopes[at.0][at.1].ty == ty && g.readable(at))
    }

    fn find_movable(&mut self, ty: Ty) -> Option<(usize, usize)> {
        self.find(|g, at| g.scopes[at.0][at.1].ty == ty && g.movable(at))
    }

    fn name_of(&self, at: (usize, usize)) -> String {
        self.scopes[at.0][at.1].name.clone()
    }

    /// A name for a new local: fresh, or (shadowing) the name of a visible local.
    fn new_name(&mut self, prefix: &str) -> String {
        if self.on("shadowing") && self.rng.chance(25) {
            let reuse = self.find(|g, at| {
                let l = &g.scopes[at.0][at.1];
                !l.fixed && l.state != State::Uninit
            });
            if let Some(at) = reuse {
                self.mark("shadowing");
                return self.name_of(at);
            }
        }
        self.fresh(prefix)
    }

    // ----- awaits ----------------------------------------------------------------------------

    fn await_ok(&self, pos: Pos) -> bool {
        if self.taint && !self.on("temporaries_across_await") {
            return false;
        }
        let flag = match pos {
            Pos::Other => return true,
            Pos::BinOp => "await_in_binop",
            Pos::Method => "await_in_method",
            Pos::CallArg => "await_in_call_args",
            Pos::Field => "await_in_fields",
            Pos::Cond => "await_in_conditions",
            Pos::Scrutinee => "await_in_scrutinee",
            Pos::Guard => "await_in_guards",
            Pos::Let => "await_in_let",
            Pos::Return => "await_in_return",
            Pos::Break => "await_in_break",
            Pos::Index => "await_in_index",
            Pos::Assign => "await_in_assign",
            Pos::Macro => "await_in_macros",
        };
        self.on(flag)
    }

    fn mark_await(&mut self, pos: Pos) {
        if self.taint {
            self.mark("temporaries_across_await");
        }
        let flag = match pos {
            Pos::Other => return,
            Pos::BinOp => "await_in_binop",
            Pos::Method => "await_in_method",
            Pos::CallArg => "await_in_call_args",
            Pos::Field => "await_in_fields",
            Pos::Cond => "await_in_conditions",
            Pos::Scrutinee => "await_in_scrutinee",
            Pos::Guard => "await_in_guards",
            Pos::Let => "await_in_let",
            Pos::Return => "await_in_return",
            Pos::Break => "await_in_break",
            Pos::Index => "await_in_index",
            Pos::Assign => "await_in_assign",
            Pos::Macro => "await_in_macros",
        };
        self.mark(flag);
    }

    /// A `D` temporary is created here (alive to the end of the statement).
    fn temporary(&mut self) {
        self.mark("d_temporaries");
        self.taint = true;
    }

    /// An awaited leaf future of type `ty` (the caller checked `await_ok`).
    fn await_leaf(&mut self, ty: Ty, pos: Pos, depth: usize) -> String {
        self.mark_await(pos);
        let n = self.small();
        let tag = self.fresh("e");
        let d = depth.saturating_sub(1);
        if ty == Ty::U32 && !self.helpers.is_empty() && self.rng.chance(15) && self.on("helper_fns")
        {
            self.mark("helper_fns");
            let h = self.rng.below(self.helpers.len());
            let h = self.helpers[h].clone();
            let arg = self.expr(Ty::U32, Pos::CallArg, d);
            return format!("{h}({arg}).await");
        }
        if ty.is_plain_copy() && self.rng.chance(15) && self.take("async_blocks") {
            return self.async_block(ty, d);
        }
        if ty == Ty::D && self.rng.chance(40) {
            let name = self.fresh("d");
            return format!("make_d(\"{name}\", {n}).await");
        }
        if ty == Ty::Unit && self.rng.chance(30) {
            return "yield_now().await".to_string();
        }
        let inner = match ty {
            Ty::Unit => "()".to_string(),
            _ => self.expr(ty, Pos::CallArg, d),
        };
        format!("lf(\"{tag}\", {n}, {inner}).await")
    }

    fn async_block(&mut self, ty: Ty, depth: usize) -> String {
        let saved = (
            self.barrier,
            self.in_async,
            std::mem::take(&mut self.labels),
            self.loop_depth,
            self.cond_depth,
        );
        self.barrier = self.scopes.len();
        self.in_async = true;
        self.loop_depth += 1;
        self.cond_depth += 1;
        let body = self.block(Some(ty), depth);
        self.barrier = saved.0;
        self.in_async = saved.1;
        self.labels = saved.2;
        self.loop_depth = saved.3;
        self.cond_depth = saved.4;
        format!("async move {body}.await")
    }

    // ----- expressions -----------------------------------------------------------------------

    fn expr(&mut self, ty: Ty, pos: Pos, depth: usize) -> String {
        if self.await_ok(pos) && self.rng.chance(if depth == 0 { 35 } else { 20 }) {
            return self.await_leaf(ty, pos, depth);
        }
        match ty {
            Ty::Unit => "()".to_string(),
            Ty::U32 => self.e_u32(pos, depth),
            Ty::I64 => self.e_i64(pos, depth),
            Ty::Usize => self.e_usize(pos, depth),
            Ty::Bool => self.e_bool(pos, depth),
            Ty::Str => self.e_str(pos, depth),
            Ty::D => self.e_d(pos, depth),
            Ty::VecU32 => self.e_vec(pos, depth),
            Ty::OptU32 => self.e_opt(pos, depth),
            Ty::ResU32 => self.e_res(pos, depth),
            Ty::Rc => {
                if let Some(at) = self.find_movable(Ty::Rc).filter(|_| self.rng.chance(30)) {
                    self.local(at).state = State::Moved;
                    return self.name_of(at);
                }
                let e = self.expr(Ty::U32, Pos::CallArg, depth.saturating_sub(1));
                format!("Rc::new({e})")
            }
            Ty::Cell => {
                let e = self.expr(Ty::U32, Pos::CallArg, depth.saturating_sub(1));
                format!("Cell::new({e})")
            }
            Ty::RefD | Ty::MutStr | Ty::Tup => unreachable!("never generated as values"),
        }
    }

    /// Control-flow expressions shared by all types; `None` if none applies.
    fn control(&mut self, ty: Ty, depth: usize) -> Option<String> {
        if depth < 2 || self.budget == 0 {
            return None;
        }
        let d = depth - 1;
        match self.rng.below(6) {
            0 if self.take("if_else") => {
                let cond = self.expr(Ty::Bool, Pos::Cond, d);
                let a = self.branch(Some(ty), d);
                let b = self.branch(Some(ty), d);
                Some(format!("(if {cond} {a} else {b})"))
            }
            1 if self.take("matches") => Some(format!("({})", self.match_(Some(ty), d))),
            2 => Some(format!("({})", self.block(Some(ty), d))),
            3 if self.take("loops") => Some(self.loop_expr(ty, d)),
            4 if self.take("labels") => Some(self.labelled_block(ty, d)),
            5 if !self.in_async
                && ((self.ret == Ty::OptU32 && self.on("try_option"))
                    || (self.ret == Ty::ResU32 && self.on("try_result")))
                && ty == Ty::U32 =>
            {
                let inner = self.ret;
                self.mark(if inner == Ty::OptU32 {
                    "try_option"
                } else {
                    "try_result"
                });
                let e = self.expr(inner, Pos::Other, d);
                Some(format!("({e})?"))
            }
            _ => None,
        }
    }

    fn literal(&mut self, ty: Ty) -> String {
        match ty {
            Ty::U32 => format!("{}_u32", self.rng.below(20)),
            Ty::I64 => format!("{}_i64", i64::try_from(self.rng.below(20)).unwrap_or(0) - 5),
            Ty::Usize => format!("{}_usize", self.rng.below(20)),
            Ty::Bool => self.rng.pick(&["true", "false"]).to_string(),
            _ => unreachable!("no literal for {ty:?}"),
        }
    }

    fn copy_read(&mut self, ty: Ty) -> Option<String> {
        self.find_readable(ty).map(|at| self.name_of(at))
    }

    fn e_u32(&mut self, pos: Pos, depth: usize) -> String {
        if depth > 0
            && !self.in_async
            && self.rng.chance(8)
            && ((self.ret == Ty::OptU32 && self.on("try_option"))
                || (self.ret == Ty::ResU32 && self.on("try_result")))
        {
            let inner = self.ret;
            self.mark(if inner == Ty::OptU32 {
                "try_option"
            } else {
                "try_result"
            });
            let e = self.expr(inner, Pos::Other, depth - 1);
            return format!("({e})?");
        }
        if depth == 0 || self.rng.chance(20) {
            if self.rng.chance(60) {
                if let Some(x) = self.copy_read(Ty::U32) {
                    return x;
                }
                if let Some(t) = self.copy_read(Ty::Tup) {
                    return format!("{t}.0");
                }
            }
            return self.literal(Ty::U32);
        }
        if let Some(e) = self.control(Ty::U32, depth) {
            return e;
        }
        let d = depth - 1;
        let _ = pos;
        match self.rng.below(15) {
            0 | 1 => {
                let op = self.rng.pick(&["^", "|", "&"]);
                let a = self.expr(Ty::U32, Pos::BinOp, d);
                let b = self.expr(Ty::U32, Pos::BinOp, d);
                format!("({a} {op} {b})")
            }
            2 => {
                let a = self.expr(Ty::U32, Pos::BinOp, d);
                let b = self.expr(Ty::U32, Pos::BinOp, d);
                format!("(({a} % 1000) + ({b} % 1000))")
            }
            3 | 4 => {
                let m =
                    self.rng
                        .pick(&["wrapping_add", "wrapping_mul", "wrapping_sub", "min", "max"]);
                let r = self.expr(Ty::U32, Pos::Method, d);
                let a = self.expr(Ty::U32, Pos::Method, d);
                format!("({r}).{m}({a})")
            }
            5 => {
                let f = self
                    .rng
                    .pick(&["u32::max", "u32::min", "plus", "std::cmp::max"]);
                let a = self.expr(Ty::U32, Pos::CallArg, d);
                let b = self.expr(Ty::U32, Pos::CallArg, d);
                format!("{f}({a}, {b})")
            }
            6 => {
                let e = self.expr(Ty::Usize, Pos::Other, d);
                format!("(({e}) as u32)")
            }
            7 => {
                let a = self.expr(Ty::U32, Pos::Field, d);
                let b = self.expr(Ty::Bool, Pos::Field, d);
                format!("({a}, {b}).0")
            }
            8 => {
                let a = self.expr(Ty::U32, Pos::Field, d);
                let b = self.expr(Ty::U32, Pos::Field, d);
                format!("(Pair {{ a: {a}, b: {b} }}).sum()")
            }
            9 => {
                let a = self.expr(Ty::U32, Pos::Field, d);
                let b = self.expr(Ty::U32, Pos::Field, d);
                let c = self.expr(Ty::U32, Pos::Field, d);
                let i = self.expr(Ty::Usize, Pos::Index, d);
                format!("[{a}, {b}, {c}][({i}) % 3]")
            }
            10 if self.on("vecs") => {
                if let Some(at) = self.find_readable(Ty::VecU32) {
                    let v = self.name_of(at);
                    let i = self.expr(Ty::Usize, Pos::Index, d);
                    format!("{v}[({i}) % {v}.len()]")
                } else {
                    self.literal(Ty::U32)
                }
            }
            11 if self.on("d_temporaries") => {
                let name = self.fresh("h");
                self.temporary();
                let n = self.expr(Ty::U32, Pos::Field, d);
                format!("(Holder {{ d: D::new(\"{name}\"), n: {n} }}).n")
            }
            12 if self.on("non_send") => {
                if let Some(at) = self.find_readable(Ty::Rc) {
                    self.mark("non_send");
                    format!("(*{})", self.name_of(at))
                } else if let Some(at) = self.find_readable(Ty::Cell) {
                    self.mark("non_send");
                    format!("{}.get()", self.name_of(at))
                } else {
                    self.literal(Ty::U32)
                }
            }
            13 => {
                let e = self.expr(Ty::OptU32, Pos::Method, d);
                let x = self.expr(Ty::U32, Pos::Method, d);
                format!("({e}).unwrap_or({x})")
            }
            _ => {
                let a = self.expr(Ty::U32, Pos::BinOp, d);
                format!("({a} % 7)")
            }
        }
    }

    fn e_i64(&mut self, _pos: Pos, depth: usize) -> String {
        if depth == 0 || self.rng.chance(25) {
            if self.rng.chance(50)
                && let Some(x) = self.copy_read(Ty::I64)
            {
                return x;
            }
            return format!("({})", self.literal(Ty::I64));
        }
        if let Some(e) = self.control(Ty::I64, depth) {
            return e;
        }
        let d = depth - 1;
        match self.rng.below(4) {
            0 => {
                let e = self.expr(Ty::U32, Pos::CallArg, d);
                format!("i64::from({e})")
            }
            1 => {
                let a = self.expr(Ty::I64, Pos::Method, d);
                let b = self.expr(Ty::I64, Pos::Method, d);
                format!("({a}).wrapping_sub({b})")
            }
            2 => {
                let a = self.expr(Ty::I64, Pos::BinOp, d);
                let b = self.expr(Ty::I64, Pos::BinOp, d);
                format!("(({a} % 100) - ({b} % 100))")
            }
            _ => {
                let e = self.expr(Ty::Usize, Pos::Other, d);
                format!("(({e}) as i64)")
            }
        }
    }

    fn e_usize(&mut self, _pos: Pos, depth: usize) -> String {
        if depth == 0 || self.rng.chance(20) {
            if self.rng.chance(50)
                && let Some(x) = self.copy_read(Ty::Usize)
            {
                return x;
            }
            return self.literal(Ty::Usize);
        }
        if let Some(e) = self.control(Ty::Usize, depth) {
            return e;
        }
        let d = depth - 1;
        match self.rng.below(9) {
            0 | 1 => {
                // A borrow of a local: D, &D, String, &mut String, Vec.
                let at = self.find(|g, at| {
                    matches!(
                        g.scopes[at.0][at.1].ty,
                        Ty::D | Ty::RefD | Ty::Str | Ty::MutStr | Ty::VecU32
                    ) && g.readable(at)
                });
                match at {
                    Some(at) => {
                        let name = self.name_of(at);
                        if self.scopes[at.0][at.1].ty == Ty::D && self.rng.chance(30) {
                            format!("{name}.by_ref().len()")
                        } else {
                            format!("{name}.len()")
                        }
                    }
                    None => self.literal(Ty::Usize),
                }
            }
            2 | 3 if self.on("d_temporaries") => {
                if self.rng.chance(40) && self.await_ok(Pos::Method) {
                    self.mark_await(Pos::Method);
                    let name = self.fresh("t");
                    let n = self.small();
                    let e = format!("make_d(\"{name}\", {n}).await.len()");
                    self.temporary();
                    e
                } else {
                    let name = self.fresh("t");
                    self.temporary();
                    if self.rng.chance(30) {
                        format!("D::new(\"{name}\").by_ref().len()")
                    } else {
                        format!("(D::new(\"{name}\").len())")
                    }
                }
            }
            4 if self.on("consume_method") && self.on("d_locals") => {
                if let Some(at) = self.find_movable(Ty::D) {
                    self.mark("consume_method");
                    self.local(at).state = State::Moved;
                    format!("{}.consume()", self.name_of(at))
                } else {
                    let e = self.expr(Ty::D, Pos::Method, d);
                    self.mark("consume_method");
                    format!("({e}).consume()")
                }
            }
            5 => {
                let e = self.expr(Ty::U32, Pos::Other, d);
                format!("(({e}) as usize)")
            }
            6 => {
                let a = self.expr(Ty::Usize, Pos::Method, d);
                let b = self.expr(Ty::Usize, Pos::Method, d);
                format!("({a}).wrapping_add({b})")
            }
            7 if self.on("strings") => {
                self.mark("strings");
                let a = self.expr(Ty::U32, Pos::Macro, d);
                let b = self.later_format_arg(Ty::Bool, d);
                format!("format!(\"{{}}-{{}}\", {a}, {b}).len()")
            }
            _ => self.literal(Ty::Usize),
        }
    }

    fn e_bool(&mut self, _pos: Pos, depth: usize) -> String {
        if depth == 0 || self.rng.chance(20) {
            if self.rng.chance(50) {
                if let Some(x) = self.copy_read(Ty::Bool) {
                    return x;
                }
                if let Some(t) = self.copy_read(Ty::Tup) {
                    return format!("{t}.1");
                }
            }
            return self.literal(Ty::Bool);
        }
        if let Some(e) = self.control(Ty::Bool, depth) {
            return e;
        }
        let d = depth - 1;
        match self.rng.below(9) {
            0 | 1 => {
                let op = self.rng.pick(&["<", ">", "==", "!=", "<="]);
                let a = self.expr(Ty::U32, Pos::BinOp, d);
                let b = self.expr(Ty::U32, Pos::BinOp, d);
                format!("({a} {op} {b})")
            }
            2 => {
                let a = self.expr(Ty::Usize, Pos::BinOp, d);
                let b = self.expr(Ty::Usize, Pos::BinOp, d);
                format!("({a} < {b})")
            }
            3 => {
                let e = self.expr(Ty::Bool, Pos::Other, d);
                format!("!{e}")
            }
            4 | 5 => {
                let op = self.rng.pick(&["&&", "||"]);
                let a = self.expr(Ty::Bool, Pos::BinOp, d);
                let b = self.expr(Ty::Bool, Pos::BinOp, d);
                format!("({a} {op} {b})")
            }
            6 if self.on("vecs") => match self.find_readable(Ty::VecU32) {
                Some(at) => {
                    let v = self.name_of(at);
                    let x = self.expr(Ty::U32, Pos::Method, d);
                    format!("{v}.contains(&{x})")
                }
                None => self.literal(Ty::Bool),
            },
            7 => {
                let e = self.expr(Ty::OptU32, Pos::Macro, d);
                format!("matches!({e}, Some(_))")
            }
            _ => {
                let e = self.expr(Ty::I64, Pos::BinOp, d);
                format!("({e} > 0_i64)")
            }
        }
    }

    fn e_str(&mut self, _pos: Pos, depth: usize) -> String {
        let d = depth.saturating_sub(1);
        if depth > 0
            && let Some(e) = self.control(Ty::Str, depth)
        {
            return e;
        }
        match self.rng.below(6) {
            0 if depth > 0 => {
                let a = self.expr(Ty::U32, Pos::Macro, d);
                let b = self.later_format_arg(Ty::Usize, d);
                format!("format!(\"{{}}/{{}}\", {a}, {b})")
            }
            1 => {
                if let Some(at) = self.find_movable(Ty::Str) {
                    self.local(at).state = State::Moved;
                    self.name_of(at)
                } else {
                    let s = self.fresh("s");
                    format!("String::from(\"{s}\")")
                }
            }
            2 => {
                let at = self.find(|g, at| {
                    matches!(g.scopes[at.0][at.1].ty, Ty::Str | Ty::MutStr) && g.readable(at)
                });
                match at {
                    Some(at) => format!("{}.clone()", self.name_of(at)),
                    None => "String::from(\"c\")".to_string(),
                }
            }
            3 if self.on("d_locals") => match self.find_readable(Ty::D) {
                Some(at) => format!("{}.name()", self.name_of(at)),
                None => "String::new()".to_string(),
            },
            4 if self.on("d_temporaries") => {
                let name = self.fresh("t");
                self.temporary();
                format!("D::new(\"{name}\").name()")
            }
            _ => {
                let s = self.fresh("s");
                format!("String::from(\"{s}\")")
            }
        }
    }

    fn e_d(&mut self, _pos: Pos, depth: usize) -> String {
        if depth > 0
            && self.rng.chance(30)
            && let Some(e) = self.control(Ty::D, depth)
        {
            return e;
        }
        if self.rng.chance(40)
            && let Some(at) = self.find_movable(Ty::D)
        {
            self.local(at).state = State::Moved;
            return self.name_of(at);
        }
        let name = self.fresh("d");
        format!("D::new(\"{name}\")")
    }

    fn e_vec(&mut self, _pos: Pos, depth: usize) -> String {
        let d = depth.saturating_sub(1);
        match self.rng.below(4) {
            0 => {
                if let Some(at) = self.find_movable(Ty::VecU32) {
                    self.local(at).state = State::Moved;
                    self.name_of(at)
                } else {
                    "vec![4_u32, 5]".to_string()
                }
            }
            1 => match self.find_readable(Ty::VecU32) {
                Some(at) => format!("{}.clone()", self.name_of(at)),
                None => "vec![1_u32]".to_string(),
            },
            _ => {
                let n = 1 + self.rng.below(3);
                let items: Vec<String> =
                    (0..n).map(|_| self.expr(Ty::U32, Pos::Macro, d)).collect();
                format!("vec![{}]", items.join(", "))
            }
        }
    }

    fn e_opt(&mut self, _pos: Pos, depth: usize) -> String {
        let d = depth.saturating_sub(1);
        if depth > 0
            && self.rng.chance(20)
            && let Some(e) = self.control(Ty::OptU32, depth)
        {
            return e;
        }
        match self.rng.below(8) {
            0 => "None::<u32>".to_string(),
            1 if self.on("d_locals") => match self.find_readable(Ty::D) {
                Some(at) => format!("{}.maybe()", self.name_of(at)),
                None => "Some(2_u32)".to_string(),
            },
            2 if self.on("d_temporaries") => {
                let name = self.fresh("t");
                self.temporary();
                format!("D::new(\"{name}\").maybe()")
            }
            3 if self.on("vecs") => match self.find_readable(Ty::VecU32) {
                Some(at) => {
                    let v = self.name_of(at);
                    let i = self.expr(Ty::Usize, Pos::Index, d);
                    format!("{v}.get(({i}) % 4).copied()")
                }
                None => "Some(3_u32)".to_string(),
            },
            4 => {
                if let Some(x) = self.copy_read(Ty::OptU32) {
                    x
                } else {
                    "Some(1_u32)".to_string()
                }
            }
            5 => {
                let a = self.expr(Ty::U32, Pos::Method, d);
                let b = self.expr(Ty::U32, Pos::Method, d);
                format!("({a}).checked_sub({b})")
            }
            _ => {
                let e = self.expr(Ty::U32, Pos::CallArg, d);
                format!("Some({e})")
            }
        }
    }

    fn e_res(&mut self, _pos: Pos, depth: usize) -> String {
        let d = depth.saturating_sub(1);
        match self.rng.below(6) {
            0 => {
                let s = self.fresh("err");
                format!("Err::<u32, String>(String::from(\"{s}\"))")
            }
            1 | 2 => {
                let e = self.expr(Ty::U32, Pos::CallArg, d);
                format!("checked({e})")
            }
            _ => {
                let e = self.expr(Ty::U32, Pos::CallArg, d);
                format!("Ok::<u32, String>({e})")
            }
        }
    }

    // ----- blocks and control flow -----------------------------------------------------------

    /// `{ stmts; tail }` in a new scope.
    fn block(&mut self, tail: Option<Ty>, depth: usize) -> String {
        self.push_scope();
        let mut out = String::from("{\n");
        let n = if self.budget == 0 {
            0
        } else if self.scopes.len() == 2 {
            // The function's own body.
            self.budget / 2 + 2
        } else {
            1 + self.rng.below(self.budget.min(4))
        };
        for _ in 0..n {
            let s = self.stmt(depth);
            out.push_str(&s);
            out.push('\n');
        }
        if let Some(ty) = tail
            && ty != Ty::Unit
        {
            let e = self.expr(ty, Pos::Return, depth);
            out.push_str(&e);
            out.push('\n');
        }
        self.pop_scope();
        out.push('}');
        out
    }

    /// A block on a conditional path.
    fn branch(&mut self, tail: Option<Ty>, depth: usize) -> String {
        self.cond_depth += 1;
        let b = self.block(tail, depth);
        self.cond_depth -= 1;
        b
    }

    /// A loop body: a new loop depth (no moves of outer locals) and a conditional path.
    fn with_loop<T>(&mut self, label: Label, body: impl FnOnce(&mut Self) -> T) -> T {
        self.labels.push(label);
        self.loop_depth += 1;
        self.cond_depth += 1;
        let out = body(self);
        self.cond_depth -= 1;
        self.loop_depth -= 1;
        self.labels.pop();
        out
    }

    fn maybe_label(&mut self) -> Option<String> {
        if self.rng.chance(40) && self.take("labels") {
            Some(self.fresh("'l"))
        } else {
            None
        }
    }

    fn label_prefix(label: Option<&String>) -> String {
        label.map(|l| format!("{l}: ")).unwrap_or_default()
    }

    /// `{ let mut lc = 0; loop { lc += 1; if lc > N { break value; } .. } }`
    fn loop_expr(&mut self, ty: Ty, depth: usize) -> String {
        let counter = self.fresh("lc");
        let limit = 1 + self.rng.below(3);
        let label = self.maybe_label();
        self.push_scope();
        self.declare(&counter, Ty::U32, false, true);
        let value = (ty != Ty::Unit).then_some(ty);
        let prefix = Self::label_prefix(label.as_ref());
        let body = self.with_loop(
            Label {
                name: label,
                is_loop: true,
                value,
            },
            |g| {
                let exit = match value {
                    Some(ty) => format!(" {}", g.expr(ty, Pos::Break, depth)),
                    None => String::new(),
                };
                let rest = g.block(None, depth);
                format!(
                    "{counter} += 1;\nif {counter} > {limit} {{ break{exit}; }}\n{}",
                    &rest[1..rest.len() - 1]
                )
            },
        );
        self.pop_scope();
        format!("({{ let mut {counter} = 0_u32;\n{prefix}loop {{\n{body}}} }})")
    }

    /// `'l: { .. if c { break 'l value; } .. value }`
    fn labelled_block(&mut self, ty: Ty, depth: usize) -> String {
        let label = self.fresh("'b");
        self.labels.push(Label {
            name: Some(label.clone()),
            is_loop: false,
            value: (ty != Ty::Unit).then_some(ty),
        });
        self.cond_depth += 1;
        let body = self.block(Some(ty), depth);
        self.cond_depth -= 1;
        self.labels.pop();
        format!("({label}: {body})")
    }

    /// A match statement (`ty` None) or expression.
    fn match_(&mut self, ty: Option<Ty>, depth: usize) -> String {
        let d = depth.saturating_sub(1);
        let scrutinee_ty = self
            .rng
            .pick(&[Ty::U32, Ty::U32, Ty::Usize, Ty::Bool, Ty::OptU32]);
        let scrutinee = self.expr(scrutinee_ty, Pos::Scrutinee, d);
        let outer_guarded_binding = std::mem::take(&mut self.guarded_binding);
        let mut arms = String::new();
        let arm = |g: &mut Self, pattern: &str, bind: Option<(&str, Ty)>, guard: bool| {
            g.push_scope();
            if let Some((name, ty)) = bind {
                g.declare(name, ty, false, false);
            }
            let guard = if guard && g.take("match_guards") {
                g.guarded_binding |= bind.is_some();
                g.in_guard = true;
                let e = g.expr(Ty::Bool, Pos::Guard, d);
                g.in_guard = false;
                format!(" if {e}")
            } else {
                String::new()
            };
            let body = g.branch(ty, d);
            g.pop_scope();
            format!("{pattern}{guard} => {body}\n")
        };
        match scrutinee_ty {
            Ty::U32 | Ty::Usize => {
                let k = self.rng.below(3);
                let mut values: Vec<usize> = (0..8).collect();
                for _ in 0..=k {
                    let v = values.remove(self.rng.below(values.len()));
                    let pattern = if self.rng.chance(30) {
                        let w = values.remove(self.rng.below(values.len()));
                        format!("{v} | {w}")
                    } else {
                        v.to_string()
                    };
                    let a = arm(self, &pattern, None, false);
                    arms.push_str(&a);
                }
                if self.rng.chance(60) {
                    let n = self.fresh("n");
                    let a = arm(self, &n.clone(), Some((&n, scrutinee_ty)), true);
                    arms.push_str(&a);
                }
                if self.rng.chance(50) {
                    let n = self.fresh("n");
                    let a = arm(self, &n.clone(), Some((&n, scrutinee_ty)), false);
                    arms.push_str(&a);
                } else {
                    let a = arm(self, "_", None, false);
                    arms.push_str(&a);
                }
            }
            Ty::Bool => {
                // A guarded `true` arm needs a catch-all after it.
                let guarded = self.rng.chance(50);
                let a = arm(self, "true", None, guarded);
                arms.push_str(&a);
                let last = if !guarded && self.rng.chance(50) {
                    "false"
                } else {
                    "_"
                };
                let a = arm(self, last, None, false);
                arms.push_str(&a);
            }
            _ => {
                let a = arm(self, "Some(0)", None, false);
                arms.push_str(&a);
                let n = self.fresh("n");
                let a = arm(self, &format!("Some({n})"), Some((&n, Ty::U32)), true);
                arms.push_str(&a);
                if self.rng.chance(50) {
                    let a = arm(self, "None", None, false);
                    arms.push_str(&a);
                }
                let a = arm(self, "_", None, false);
                arms.push_str(&a);
            }
        }
        // rustc 1.95 (and nightly 1.97) miscompile a by-value binding with an awaiting guard
        // on a place indexed by the builtin operator (`match a[i] { n if f().await => n, .. }`
        // reads a wrong element, or out of bounds): the compiler's future is not a reference
        // there (see the runtime docs). Such a scrutinee is made a value.
        let scrutinee = if std::mem::replace(&mut self.guarded_binding, outer_guarded_binding)
            && scrutinee.trim_end().ends_with(']')
        {
            format!("{{ {scrutinee} }}")
        } else {
            scrutinee
        };
        format!("match {scrutinee} {{\n{arms}}}")
    }

    // ----- statements ------------------------------------------------------------------------

    fn stmt(&mut self, depth: usize) -> String {
        self.budget = self.budget.saturating_sub(1);
        let saved = self.taint;
        let s = self.stmt_inner(depth);
        self.taint = saved;
        s
    }

    fn let_types(&self) -> Vec<Ty> {
        let mut tys = vec![Ty::U32, Ty::U32, Ty::I64, Ty::Usize, Ty::Bool, Ty::OptU32];
        if self.on("d_locals") {
            tys.extend([Ty::D, Ty::D]);
        }
        if self.on("strings") {
            tys.push(Ty::Str);
        }
        if self.on("vecs") {
            tys.push(Ty::VecU32);
        }
        if self.on("non_send") {
            tys.extend([Ty::Rc, Ty::Cell]);
        }
        tys
    }

    fn stmt_inner(&mut self, depth: usize) -> String {
        let d = depth.saturating_sub(1);
        let compound = depth > 0 && self.budget > 0;
        for _ in 0..20 {
            let choice = self.rng.below(30);
            let s = match choice {
                0 | 1 => {
                    let s = self.fresh("s");
                    Some(format!("log(\"{s}\");"))
                }
                2..=5 => Some(self.let_stmt(d)),
                6 | 7 if self.on("reassignment") => self.assign_stmt(d),
                8 if self.on("compound_assign") => self.compound_stmt(d),
                9 | 10 if compound && self.on("if_else") => {
                    self.mark("if_else");
                    let cond = self.expr(Ty::Bool, Pos::Cond, d);
                    let a = self.branch(None, d);
                    if self.rng.chance(50) {
                        let b = self.branch(None, d);
                        Some(format!("if {cond} {a} else {b}"))
                    } else {
                        Some(format!("if {cond} {a}"))
                    }
                }
                11 if compound && self.on("matches") => {
                    self.mark("matches");
                    Some(self.match_(None, d))
                }
                12 if compound && self.on("loops") => {
                    self.mark("loops");
                    Some(format!("{};", self.loop_expr(Ty::Unit, d)))
                }
                13 if compound && self.on("while_loops") => Some(self.while_stmt(d)),
                14 if compound && self.on("for_range") => Some(self.for_range(d)),
                15 if compound && self.on("for_vec") && self.on("vecs") => Some(self.for_vec(d)),
                16 if compound && self.on("while_let") && self.on("vecs") => {
                    Some(self.while_let(d))
                }
                17 if compound && self.on("if_let") => Some(self.if_let(d)),
                18 if self.on("let_else") && !self.in_async => Some(self.let_else(d)),
                19 => {
                    let e = self.expr(Ty::Usize, Pos::Other, d);
                    Some(format!("{e};"))
                }
                20 if self.on("d_locals") => self.consume_stmt(d),
                21 if self.on("borrows") && self.on("d_locals") => self.borrow_stmt(),
                22 if self.on("late_init") => Some(self.late_init(d)),
                23 if compound && !self.labels.is_empty() => self.break_stmt(d),
                24 if compound && self.on("early_return") && !self.in_async => {
                    self.mark("early_return");
                    let cond = self.expr(Ty::Bool, Pos::Cond, d);
                    self.cond_depth += 1;
                    let r = self.return_value(d);
                    self.cond_depth -= 1;
                    Some(format!("if {cond} {{ return{r}; }}"))
                }
                25 if self.on("deliberate_panic") && self.rng.chance(30) => {
                    self.mark("deliberate_panic");
                    let e = self.expr(Ty::U32, Pos::Cond, d);
                    let p = self.fresh("p");
                    Some(format!("if ({e}) % 17 == 3 {{ panic!(\"{p}\"); }}"))
                }
                26 if self.on("asserts") => {
                    self.mark("asserts");
                    let e = self.expr(Ty::U32, Pos::Macro, d);
                    let a = self.fresh("a");
                    if self.rng.chance(50) {
                        let x = self.expr(Ty::U32, Pos::Macro, d);
                        Some(format!("assert!((({e}) | 1) != 0, \"{a} {{}}\", {x});"))
                    } else {
                        Some(format!("assert_eq!(({e}) % 1, 0, \"{a}\");"))
                    }
                }
                27 => {
                    let a = self.expr(Ty::U32, Pos::Macro, d);
                    let b = self.later_format_arg(Ty::Usize, d);
                    let f = self.fresh("f");
                    Some(format!("log(format!(\"{f} {{}} {{}}\", {a}, {b}));"))
                }
                28 => {
                    if self.await_ok(Pos::Other) {
                        Some(format!("{};", self.await_leaf(Ty::Unit, Pos::Other, d)))
                    } else {
                        None
                    }
                }
                29 if compound => {
                    let b = self.block(None, d);
                    Some(b)
                }
                _ => None,
            };
            if let Some(s) = s {
                return s;
            }
        }
        let s = self.fresh("s");
        format!("log(\"{s}\");")
    }

    fn let_stmt(&mut self, d: usize) -> String {
        let tys = self.let_types();
        let ty = self.rng.pick(&tys);
        if ty == Ty::D {
            self.mark("d_locals");
        }
        if matches!(ty, Ty::Rc | Ty::Cell) {
            self.mark("non_send");
        }
        if ty == Ty::Str {
            self.mark("strings");
        }
        if ty == Ty::VecU32 {
            self.mark("vecs");
        }
        if self.rng.chance(10) && self.on("d_locals") {
            // let _ = ..; drops at once; let (a, b) = (..); destructures.
            if self.rng.chance(50) {
                self.mark("d_locals");
                let e = self.expr(Ty::D, Pos::Let, d);
                return format!("let _ = {e};");
            }
            self.mark("d_locals");
            let a = self.expr(Ty::U32, Pos::Field, d);
            let b = self.expr(Ty::D, Pos::Field, d);
            let an = self.new_name("a");
            let mut bn = self.new_name("d");
            if bn == an {
                bn = self.fresh("d");
            }
            self.declare(&an, Ty::U32, false, false);
            self.declare(&bn, Ty::D, false, false);
            return format!("let ({an}, {bn}) = ({a}, {b});");
        }
        let init = self.expr(ty, Pos::Let, d);
        let mutable = matches!(
            ty,
            Ty::D | Ty::Str | Ty::VecU32 | Ty::U32 | Ty::Usize | Ty::I64
        ) && (self.on("reassignment") || self.on("compound_assign"))
            && self.rng.chance(50);
        let name = self.new_name(match ty {
            Ty::D => "d",
            Ty::Str => "st",
            Ty::VecU32 => "v",
            _ => "x",
        });
        self.declare(&name, ty, mutable, false);
        let m = if mutable { "mut " } else { "" };
        let decl = if self.rng.chance(30) {
            format!("let {m}{name}: {} = {init};", ty.rust())
        } else {
            format!("let {m}{name} = {init};")
        };
        decl + &borrow_cell(ty, &name)
    }

    fn assign_stmt(&mut self, d: usize) -> Option<String> {
        let at = self.find(|g, at| {
            let l = &g.scopes[at.0][at.1];
            g.mutable(at)
                && matches!(
                    l.ty,
                    Ty::U32 | Ty::Usize | Ty::I64 | Ty::D | Ty::Str | Ty::VecU32
                )
                && l.state != State::Uninit
        })?;
        self.mark("reassignment");
        let ty = self.scopes[at.0][at.1].ty;
        let e = self.expr(ty, Pos::Assign, d);
        let (loop_depth, cond_depth) = {
            let l = &self.scopes[at.0][at.1];
            (l.loop_depth, l.cond_depth)
        };
        if loop_depth == self.loop_depth && cond_depth == self.cond_depth {
            self.local(at).state = State::Init;
        }
        Some(format!("{} = {e};", self.name_of(at)))
    }

    fn compound_stmt(&mut self, d: usize) -> Option<String> {
        let at = self.find(|g, at| {
            let l = &g.scopes[at.0][at.1];
            l.state == State::Init
                && ((g.mutable(at)
                    && matches!(l.ty, Ty::U32 | Ty::Usize | Ty::I64 | Ty::Str | Ty::VecU32))
                    || (l.ty == Ty::MutStr
                        && at.0 >= g.barrier
                        && l.frozen == 0
                        && !g.everything_borrowed())
                    || (l.ty == Ty::Cell && at.0 >= g.barrier))
        })?;
        let name = self.name_of(at);
        let ty = self.scopes[at.0][at.1].ty;
        // The right side must not move the target.
        self.local(at).frozen += 1;
        let s = match ty {
            Ty::Str | Ty::MutStr => {
                self.mark("strings");
                if ty == Ty::Str && self.rng.chance(50) {
                    self.mark("compound_assign");
                    let e = self.expr(Ty::Str, Pos::Assign, d);
                    format!("{name} += &{e};")
                } else {
                    let e = self.expr(Ty::U32, Pos::Macro, d);
                    format!("{name}.push_str(&format!(\"<{{}}>\", {e}));")
                }
            }
            Ty::VecU32 => {
                self.mark("vecs");
                let e = self.expr(Ty::U32, Pos::Method, d);
                format!("{name}.push({e});")
            }
            Ty::Cell => {
                self.mark("non_send");
                let e = self.expr(Ty::U32, Pos::Method, d);
                format!("{name}.set({e});")
            }
            _ => {
                self.mark("compound_assign");
                let op = self.rng.pick(&["^=", "|=", "&="]);
                if self.rng.chance(20) {
                    format!("{name} %= 7;")
                } else {
                    let e = self.expr(ty, Pos::Assign, d);
                    let e = if ty == Ty::I64 {
                        format!("({e}) % 1000")
                    } else {
                        e
                    };
                    format!("{name} {op} {e};")
                }
            }
        };
        self.local(at).frozen -= 1;
        Some(s)
    }

    fn while_stmt(&mut self, d: usize) -> String {
        self.mark("while_loops");
        let counter = self.fresh("w");
        let limit = 1 + self.rng.below(3);
        let label = self.maybe_label();
        let prefix = Self::label_prefix(label.as_ref());
        self.push_scope();
        self.declare(&counter, Ty::U32, false, true);
        // No unlabelled break/continue in a `while` condition (E0590): a nameless non-loop
        // entry hides the enclosing loops from unlabelled exits.
        let cond = self.with_loop(
            Label {
                name: None,
                is_loop: false,
                value: None,
            },
            |g| g.expr(Ty::Bool, Pos::Cond, d),
        );
        let body = self.with_loop(
            Label {
                name: label,
                is_loop: true,
                value: None,
            },
            |g| g.block(None, d),
        );
        self.pop_scope();
        format!(
            "let mut {counter} = 0_u32;\n{prefix}while {counter} < {limit} && {cond} {{\n{counter} += 1;\n{}}}",
            &body[1..body.len() - 1]
        )
    }

    fn for_range(&mut self, d: usize) -> String {
        self.mark("for_range");
        let i = self.fresh("i");
        let end = if self.rng.chance(30) {
            let e = self.expr(Ty::U32, Pos::Other, d);
            format!("(({e}) % 4)")
        } else {
            format!("{}_u32", self.rng.below(4))
        };
        let label = self.maybe_label();
        let prefix = Self::label_prefix(label.as_ref());
        let body = self.with_loop(
            Label {
                name: label,
                is_loop: true,
                value: None,
            },
            |g| {
                g.push_scope();
                g.declare(&i, Ty::U32, false, false);
                let b = g.block(None, d);
                g.pop_scope();
                b
            },
        );
        format!("{prefix}for {i} in 0_u32..{end} {body}")
    }

    fn for_vec(&mut self, d: usize) -> String {
        self.mark("for_vec");
        self.mark("vecs");
        let x = self.fresh("x");
        let label = self.maybe_label();
        let prefix = Self::label_prefix(label.as_ref());
        let mut frozen = None;
        let (pattern, iter) = match self.rng.below(4) {
            0 if self.find_readable(Ty::VecU32).is_some() => {
                let at = self.find_readable(Ty::VecU32).unwrap_or((0, 0));
                self.local(at).frozen += 1;
                frozen = Some(at);
                (format!("&{x}"), format!("&{}", self.name_of(at)))
            }
            1 => (x.clone(), self.expr(Ty::VecU32, Pos::Other, d)),
            _ => {
                let v = self.e_vec(Pos::Other, d);
                (x.clone(), v)
            }
        };
        let body = self.with_loop(
            Label {
                name: label,
                is_loop: true,
                value: None,
            },
            |g| {
                g.push_scope();
                g.declare(&x, Ty::U32, false, false);
                let b = g.block(None, d);
                g.pop_scope();
                b
            },
        );
        if let Some(at) = frozen {
            self.local(at).frozen -= 1;
        }
        format!("{prefix}for {pattern} in {iter} {body}")
    }

    fn while_let(&mut self, d: usize) -> String {
        self.mark("while_let");
        self.mark("vecs");
        let stack = self.fresh("stack");
        let init = self.e_vec(Pos::Let, d);
        let x = self.fresh("x");
        let label = self.maybe_label();
        let prefix = Self::label_prefix(label.as_ref());
        self.push_scope();
        let at = self.declare(&stack, Ty::VecU32, true, true);
        self.local(at).frozen += 1;
        let (scrutinee, body) = self.with_loop(
            Label {
                name: label,
                is_loop: true,
                value: None,
            },
            |g| {
                let pop = format!("{stack}.pop()");
                let scrutinee = if g.await_ok(Pos::Scrutinee) && g.rng.chance(40) {
                    g.mark_await(Pos::Scrutinee);
                    let n = g.small();
                    let tag = g.fresh("e");
                    format!("lf(\"{tag}\", {n}, {pop}).await")
                } else {
                    pop
                };
                g.push_scope();
                g.declare(&x, Ty::U32, false, false);
                let b = g.block(None, d);
                g.pop_scope();
                (scrutinee, b)
            },
        );
        self.pop_scope();
        format!("let mut {stack} = {init};\n{prefix}while let Some({x}) = {scrutinee} {body}")
    }

    fn if_let(&mut self, d: usize) -> String {
        self.mark("if_let");
        let n = self.fresh("n");
        let (pattern, scrutinee) = if self.rng.chance(60) {
            (
                format!("Some({n})"),
                self.expr(Ty::OptU32, Pos::Scrutinee, d),
            )
        } else {
            (format!("Ok({n})"), self.expr(Ty::ResU32, Pos::Scrutinee, d))
        };
        self.push_scope();
        self.declare(&n, Ty::U32, false, false);
        let a = self.branch(None, d);
        self.pop_scope();
        if self.rng.chance(50) {
            let b = self.branch(None, d);
            format!("if let {pattern} = {scrutinee} {a} else {b}")
        } else {
            format!("if let {pattern} = {scrutinee} {a}")
        }
    }

    fn let_else(&mut self, d: usize) -> String {
        self.mark("let_else");
        let n = self.new_name("n");
        let scrutinee = self.expr(Ty::OptU32, Pos::Let, d);
        self.cond_depth += 1;
        let exit = if self.labels.iter().any(|l| l.is_loop) && self.rng.chance(30) {
            self.loop_exit(d)
                .unwrap_or_else(|| format!("return{}", self.return_value(d)))
        } else {
            format!("return{}", self.return_value(d))
        };
        self.cond_depth -= 1;
        self.declare(&n, Ty::U32, false, false);
        format!("let Some({n}) = {scrutinee} else {{ {exit}; }};")
    }

    /// ` value` for `return`, or nothing for `()`.
    fn return_value(&mut self, d: usize) -> String {
        if self.ret == Ty::Unit {
            String::new()
        } else {
            let ty = self.ret;
            format!(" {}", self.expr(ty, Pos::Return, d))
        }
    }

    /// `break ['l] [value]` or `continue ['l]` to one of the enclosing loops/blocks.
    fn loop_exit(&mut self, d: usize) -> Option<String> {
        // Unlabelled break/continue reach the innermost loop, unless a labelled block is
        // in between (E0695).
        let innermost_loop = self.labels.iter().rposition(|l| l.is_loop);
        let unlabelled_ok =
            innermost_loop.is_some_and(|i| self.labels[i + 1..].iter().all(|l| l.is_loop));
        let mut targets = Vec::new();
        for (i, l) in self.labels.iter().enumerate() {
            if l.name.is_some() || (Some(i) == innermost_loop && unlabelled_ok) {
                targets.push(i);
            }
        }
        if targets.is_empty() {
            return None;
        }
        let i = self.rng.pick(&targets);
        let label = self.labels[i].clone();
        let unlabelled = Some(i) == innermost_loop
            && unlabelled_ok
            && (label.name.is_none() || self.rng.chance(50));
        let name = match &label.name {
            Some(n) if !unlabelled => {
                self.mark("labels");
                format!(" {n}")
            }
            _ => String::new(),
        };
        if label.is_loop && self.rng.chance(40) {
            return Some(format!("continue{name}"));
        }
        let value = match label.value {
            Some(ty) => format!(" {}", self.expr(ty, Pos::Break, d)),
            None => String::new(),
        };
        Some(format!("break{name}{value}"))
    }

    fn break_stmt(&mut self, d: usize) -> Option<String> {
        let cond = self.expr(Ty::Bool, Pos::Cond, d);
        self.cond_depth += 1;
        let exit = self.loop_exit(d);
        self.cond_depth -= 1;
        Some(format!("if {cond} {{ {}; }}", exit?))
    }

    fn consume_stmt(&mut self, d: usize) -> Option<String> {
        self.mark("d_locals");
        if self.on("partial_moves") && self.rng.chance(20) {
            return Some(self.partial_move_stmt(d));
        }
        if self.rng.chance(50) {
            let at = self.find_movable(Ty::D)?;
            self.local(at).state = State::Moved;
            let name = self.name_of(at);
            if self.rng.chance(50) && self.take("consume_method") {
                Some(format!("{name}.consume();"))
            } else {
                Some(format!("drop({name});"))
            }
        } else if self.rng.chance(50) {
            let name = self.new_name("d");
            let e = self.expr(Ty::D, Pos::Let, d);
            let mutable = self.on("reassignment") && self.rng.chance(50);
            self.declare(&name, Ty::D, mutable, false);
            let m = if mutable { "mut " } else { "" };
            Some(format!("let {m}{name} = {e};"))
        } else {
            // A D temporary in a statement with a later await.
            self.temporary();
            let t = self.fresh("t");
            let e = self.expr(Ty::Usize, Pos::BinOp, d);
            Some(format!("let _ = (D::new(\"{t}\").len()) + {e};"))
        }
    }

    /// `let two = Two { a, b }; let d = two.a;`: `d` is a new local, the rest of `two` is
    /// dropped at the end of the scope.
    fn partial_move_stmt(&mut self, d: usize) -> String {
        self.mark("partial_moves");
        let a = self.expr(Ty::D, Pos::Field, d);
        let b = self.expr(Ty::D, Pos::Field, d);
        let two = self.fresh("two");
        let moved = self.fresh("d");
        let field = if self.rng.chance(50) { "a" } else { "b" };
        self.declare(&moved, Ty::D, false, false);
        format!("let {two} = Two {{ a: {a}, b: {b} }};\nlet {moved} = {two}.{field};")
    }

    fn borrow_stmt(&mut self) -> Option<String> {
        let at = self.find(|g, at| {
            g.scopes[at.0][at.1].ty == Ty::D && g.readable(at) && at.0 >= g.barrier
        })?;
        self.mark("borrows");
        let target = self.name_of(at);
        self.local(at).frozen += 1;
        let name = self.new_name("r");
        let r = self.declare(&name, Ty::RefD, false, false);
        self.local(r).borrows = Some(at);
        if self.rng.chance(50) {
            Some(format!("let {name} = &{target};"))
        } else {
            Some(format!("let {name} = {target}.by_ref();"))
        }
    }

    fn late_init(&mut self, d: usize) -> String {
        self.mark("late_init");
        let tys = self.let_types();
        let ty = self.rng.pick(&tys);
        let name = self.fresh("late");
        let at = self.declare(&name, ty, false, false);
        self.local(at).state = State::Uninit;
        let annotation = if self.rng.chance(50) {
            format!(": {}", ty.rust())
        } else {
            String::new()
        };
        let mut out = format!("let {name}{annotation};\n");
        if self.rng.chance(40) && self.on("if_else") && d > 0 {
            self.mark("if_else");
            let cond = self.expr(Ty::Bool, Pos::Cond, d);
            self.cond_depth += 1;
            let a = self.expr(ty, Pos::Assign, d);
            let b = self.expr(ty, Pos::Assign, d);
            self.cond_depth -= 1;
            let _ = write!(
                out,
                "if {cond} {{ {name} = {a}; }} else {{ {name} = {b}; }}"
            );
        } else {
            for _ in 0..self.rng.below(2) {
                let s = self.stmt(d.saturating_sub(1));
                out.push_str(&s);
                out.push('\n');
            }
            let e = self.expr(ty, Pos::Assign, d);
            let _ = write!(out, "{name} = {e};");
        }
        out.push_str(&borrow_cell(ty, &name));
        self.local(at).state = State::Init;
        out
    }

    // ----- signature -------------------------------------------------------------------------

    /// The parameters (declared in scope 0) and the arguments of a call.
    fn params(&mut self) -> (String, String) {
        let mut params = Vec::new();
        let mut args = Vec::new();
        if !self.on("params") {
            return (String::new(), String::new());
        }
        let n = self.rng.below(5);
        for k in 0..n {
            let name = format!("p{k}");
            let choice = self.rng.below(16);
            let patterned = choice >= 10;
            if patterned && !self.on("param_patterns") {
                continue;
            }
            if patterned {
                self.mark("param_patterns");
            } else {
                self.mark("params");
            }
            let d_ok = self.on("d_locals");
            let (param, arg) = match choice {
                0 | 1 => {
                    self.declare(&name, Ty::U32, false, false);
                    (format!("{name}: u32"), format!("{}_u32", self.rng.below(9)))
                }
                2 => {
                    self.declare(&name, Ty::I64, false, false);
                    (format!("{name}: i64"), "-4_i64".to_string())
                }
                3 => {
                    self.declare(&name, Ty::Bool, false, false);
                    let b = self.rng.pick(&["true", "false"]);
                    (format!("{name}: bool"), b.to_string())
                }
                4 if d_ok => {
                    self.declare(&name, Ty::D, false, false);
                    (format!("{name}: D"), format!("D::new(\"{name}\")"))
                }
                5 if self.on("strings") => {
                    self.declare(&name, Ty::Str, false, false);
                    (
                        format!("{name}: String"),
                        format!("String::from(\"{name}\")"),
                    )
                }
                6 if self.on("vecs") => {
                    self.declare(&name, Ty::VecU32, false, false);
                    (format!("{name}: Vec<u32>"), "vec![1_u32, 2, 3]".to_string())
                }
                7 => {
                    self.declare(&name, Ty::Tup, false, false);
                    (format!("{name}: (u32, bool)"), "(6_u32, true)".to_string())
                }
                8 if d_ok && self.on("reassignment") => {
                    self.declare(&name, Ty::D, true, false);
                    (format!("mut {name}: D"), format!("D::new(\"{name}\")"))
                }
                9 if self.on("strings") => {
                    self.declare(&name, Ty::Str, true, false);
                    (
                        format!("mut {name}: String"),
                        format!("String::from(\"{name}\")"),
                    )
                }
                10 if d_ok => {
                    let b = format!("_q{k}");
                    self.declare(&name, Ty::D, false, false);
                    self.declare(&b, Ty::D, false, true);
                    (
                        format!("({name}, {b}): (D, D)"),
                        format!("(D::new(\"{name}a\"), D::new(\"{name}b\"))"),
                    )
                }
                11 if d_ok => {
                    self.declare(&name, Ty::U32, false, false);
                    (
                        format!("({name}, _): (u32, D)"),
                        format!("(3_u32, D::new(\"{name}\"))"),
                    )
                }
                12 => {
                    self.declare(&name, Ty::U32, true, false);
                    (format!("mut {name}: u32"), "5_u32".to_string())
                }
                13 if d_ok => {
                    self.declare(&name, Ty::RefD, false, false);
                    (format!("ref {name}: D"), format!("D::new(\"{name}\")"))
                }
                14 if self.on("strings") => {
                    self.declare(&name, Ty::MutStr, false, false);
                    (
                        format!("ref mut {name}: String"),
                        format!("String::from(\"{name}\")"),
                    )
                }
                15 if d_ok => ("_: D".to_string(), format!("D::new(\"{name}\")")),
                _ => {
                    self.declare(&name, Ty::U32, false, false);
                    (format!("{name}: u32"), "1_u32".to_string())
                }
            };
            params.push(param);
            args.push(arg);
        }
        (params.join(", "), args.join(", "))
    }
}

/// A statement that borrows a `Cell` local once it has its value (nothing for other types).
/// rustc keeps a local that has been borrowed until its scope ends; one never used again whose
/// type has no drop glue (`Cell<u32>`) it does not keep at all, which a macro cannot know (a
/// documented difference: ours stays in the state, so the future is not `Sync`).
fn borrow_cell(ty: Ty, name: &str) -> String {
    if ty == Ty::Cell {
        format!(" {name}.set({name}.get());")
    } else {
        String::new()
    }
}
