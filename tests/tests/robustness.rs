//! Robustness of the transform: on any input, valid or broken, `visible_async_expand::expand`
//! must neither panic nor fall back to its "internal error" message (which is how a panic
//! caught inside `expand` shows). Broken input must give an ordinary, spanned `compile_error!`.
//!
//! A corpus of small, varied `async fn`s is expanded as written (the output must parse as a
//! file), then every single-token removal and a few hundred deterministic pseudo-random edits
//! (swaps, duplications, insertions, group flattening) of each are expanded too, as are broken
//! attribute arguments. A failure prints the offending input, shrunk to a small reproducer.

use std::cell::{Cell, RefCell};
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::str::FromStr;
use std::sync::Once;
use std::time::Instant;

use proc_macro2::{Group, TokenStream, TokenTree};
use quote::quote;

/// Small but varied functions, as they would appear under `#[visible_async]` (without it).
const CORPUS: &[&str] = &[
    // 0: straight line
    "async fn straight(log: Log) -> u32 { log.push(1); let v = fetch().await; v * 2 }",
    // 1: no await at all
    "async fn no_await(x: u32) -> u32 { x + 1 }",
    // 2: unit, several awaits, shadowing
    "async fn shadow() { let a = one().await; let a = a + two().await; use_it(a); }",
    // 3: await in an `if` condition and both branches
    "async fn branches(flag: bool) -> u8 {
        if check().await { if flag { a().await } else { b().await } } else { 0 }
    }",
    // 4: match with guards and awaits in arms and scrutinee
    "async fn matches(x: Option<u32>) -> u32 {
        match x {
            Some(n) if n > 3 => n + step(n).await,
            Some(0) | None => zero().await,
            Some(n) => match lookup(n).await { Ok(v) => v, Err(_) => 0 },
        }
    }",
    // 5: loop with break value and continue
    "async fn looping() -> u32 {
        let mut i = 0;
        let r = loop {
            i += 1;
            if i % 2 == 0 { continue; }
            if tick(i).await > 10 { break i; }
        };
        r
    }",
    // 6: while with await in the condition
    "async fn while_cond(mut n: u32) { while more(n).await { n -= 1; yield_now().await; } }",
    // 7: for loop over a range, compound assignment with an await on the right
    "async fn summing(n: u32) -> u32 { let mut t = 0; for i in 0..n { t += ready(i).await; } t }",
    // 8: while let over a stream-like source
    "async fn drain(mut rx: Rx) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(b) = rx.next().await { out.push(b); }
        out
    }",
    // 9: let-else
    "async fn let_else(x: Option<u8>) -> u8 {
        let Some(v) = x else { return fallback().await; };
        v + yield_value().await
    }",
    // 10: labeled loops and breaks
    "async fn labeled() -> u32 {
        let mut n = 0;
        'outer: for i in 0..3 {
            'inner: loop {
                n += i;
                if wait(n).await { break 'outer; }
                if n > 5 { continue 'outer; }
                break 'inner;
            }
        }
        n
    }",
    // 11: labeled block with a break value
    "async fn labeled_block(x: u8) -> u8 {
        let v = 'blk: { if x == 0 { break 'blk 1; } let y = get(x).await; y + 1 };
        v
    }",
    // 12: generics with bounds and a where clause
    "async fn generic<T: Clone + Send, U>(t: T, u: U) -> (T, U) where U: Default {
        yield_now().await;
        (t.clone(), u)
    }",
    // 13: lifetimes, elided and named
    "async fn lifetimes<'a>(s: &'a str, t: &str, u: &'_ [u8]) -> &'a str {
        pause().await;
        let _ = (t, u);
        s
    }",
    // 14: impl Trait argument
    "async fn impl_arg(f: impl Fn(u8) -> u8, it: impl Iterator<Item = u8>) -> u8 {
        let s: u8 = it.sum();
        f(s) + later().await
    }",
    // 15: patterns in parameters
    "async fn pattern_params((a, b): (u8, u8), Point { x, y: _ }: Point, _: Guard, mut c: u8) -> u8 {
        c += a;
        yield_now().await;
        c + b + x
    }",
    // 16: await in call arguments, method receivers, nested awaits
    "async fn nested() -> u32 {
        add(first().await, second(third().await).await).await.max(fourth().await)
    }",
    // 17: await in struct literal, array, tuple, index
    "async fn aggregates() -> u32 {
        let p = Point { x: ax().await, y: ay().await };
        let arr = [one().await, two().await, 3];
        let t = (arr[idx().await], p.x);
        t.0 + t.1
    }",
    // 18: short-circuit operators
    "async fn short_circuit(a: bool) -> bool {
        a && check().await || !other().await
    }",
    // 19: the `?` operator
    "async fn try_op(path: String) -> Result<u32, Error> {
        let text = read(&path).await?;
        let n: u32 = text.trim().parse().map_err(Error::from)?;
        Ok(n + extra().await?)
    }",
    // 20: `?` on an Option return
    "async fn try_option(m: Map) -> Option<u32> {
        let v = m.get(1)?;
        let w = lookup(*v).await?;
        Some(w)
    }",
    // 21: formatting and assertion macros with awaits inside
    r#"async fn macros(x: u32) -> String {
        println!("start {x}");
        assert_eq!(value().await, 3, "value was {}", x);
        assert!(check().await);
        let s = format!("{} and {y}", first().await, y = second().await);
        dbg!(s.len());
        s
    }"#,
    // 22: vec! and matches!
    "async fn vec_macro() -> bool {
        let v = vec![a().await, b().await];
        let w = vec![0u8; size().await];
        matches!(v.first(), Some(x) if *x > 1) && w.is_empty()
    }",
    // 23: write! with an await in an argument
    r#"async fn write_macro(mut out: String) -> String {
        use std::fmt::Write;
        write!(out, "{}", num().await).unwrap();
        writeln!(&mut out, "done").unwrap();
        out
    }"#,
    // 24: closures that do not await, async blocks that do
    "async fn closures(v: Vec<u32>) -> u32 {
        let double = |x: u32| x * 2;
        let fut = async move { sleep().await; 7 };
        let sum: u32 = v.iter().map(|x| double(*x)).sum();
        sum + fut.await
    }",
    // 25: return in the middle, early return after an await
    "async fn early(x: u32) -> u32 {
        if x == 0 { return 0; }
        let y = step(x).await;
        if y > 10 { return y; }
        finish(y).await
    }",
    // 26: inner items in the body
    "async fn inner_items() -> u32 {
        const K: u32 = 3;
        fn helper(x: u32) -> u32 { x + K }
        struct Local(u32);
        let l = Local(helper(get().await));
        l.0
    }",
    // 27: unsafe block and casts
    "async fn unsafe_cast(p: *const u8) -> u64 {
        let b = unsafe { *p };
        let c = b as u64 + wait().await as u64;
        c
    }",
    // 28: references and a temporary held across an await
    "async fn temporaries(m: Mutex<u32>) -> u32 {
        let v = *m.lock().unwrap() + get().await;
        v
    }",
    // 29: tuple and slice patterns in let, if let chains
    "async fn patterns(v: Vec<u8>, o: Option<u8>) -> u8 {
        let (a, b) = pair().await;
        if let [first, .., last] = v.as_slice() && *first > a { return *last; }
        if let Some(x) = o { x + b } else { default().await }
    }",
    // 30: await in a match scrutinee inside a loop with a break from a match arm
    "async fn state_loop(mut s: State) -> u32 {
        loop {
            s = match s.next().await {
                State::Done(v) => break v,
                other => other,
            };
        }
    }",
    // 31: deeply nested blocks
    "async fn nested_blocks() -> u8 {
        let a = { let b = { let c = get().await; c + 1 }; b + { more().await } };
        a
    }",
    // 32: ranges, unary operators, comparisons with awaits
    "async fn operators(x: i32) -> bool {
        let r = (lo().await)..=(hi().await);
        -x < neg().await && !r.is_empty() && r.contains(&x)
    }",
    // 33: attributes on statements and expressions, doc comments
    "/// Documented.
    #[inline]
    async fn attributes() -> u8 {
        #[allow(unused_variables)]
        let unused = 5;
        #[cfg(any())]
        let never = 1;
        value().await
    }",
    // 34: public, const generics, explicit return type paths
    "pub(crate) async fn const_generic<const N: usize>(a: [u8; N]) -> ::core::option::Option<u8> {
        yield_now().await;
        a.first().copied()
    }",
    // 35: raw identifiers and an unusual function name
    "async fn r#match(r#type: u8, r#ref: &u8) -> u8 { yield_now().await; r#type + *r#ref }",
    // 36: names that are all underscores and digits
    "async fn _1(x: u8) -> u8 { yield_now().await; x }",
    // 37: non-ASCII identifiers
    "async fn größe(maß: u32) -> u32 { warte().await; maß }",
    // 38: a long chain of awaits in one expression
    "async fn chain() -> u32 {
        a().await.b().await.c().await.d(e().await).await
    }",
    // 39: uninitialised let assigned in branches, used after an await
    "async fn deferred(flag: bool) -> u32 {
        let x;
        if flag { x = one().await; } else { x = 2; }
        yield_now().await;
        x
    }",
    // 40: moves into a function after an await, drop order sensitive locals
    "async fn moves(log: Log) {
        let a = Noisy::new(&log, \"a\");
        let b = Noisy::new(&log, \"b\");
        yield_now().await;
        drop(a);
        consume(b).await;
        log.push(\"end\");
    }",
    // 41: returning a closure, capturing a value computed after an await
    "async fn returns_closure(k: u32) -> impl Fn(u32) -> u32 {
        let base = get().await + k;
        move |x| x + base
    }",
    // 42: compound assignment to places, with the await on the right
    "async fn compound_places(mut p: Point, mut arr: [u32; 3], r: &mut u32) {
        p.x += get().await;
        arr[idx()] += get().await;
        *r += get().await;
        p.y -= arr[0] * get().await;
    }",
    // 43: assignment through an awaited place
    "async fn assign_through(cell: Cell) {
        *ptr(&cell).await = 2;
        get_mut(&cell).await.x = 1;
        slot(&cell).await[0] = 3;
        *ptr(&cell).await += 4;
    }",
    // 44: a name that is only underscores
    "async fn __(x: u8) -> u8 { yield_now().await; x }",
    // 45: comparisons as statements, starting with a unary operator or an index
    "async fn comparisons_as_statements(x: i32, a: bool, arr: [u8; 2]) {
        -x < neg().await;
        !a == b().await;
        arr[0] < get().await;
    }",
    // 46: awaits in match guards, on a local, a field and a value
    "async fn guards(x: Option<u32>, p: Pair) -> u32 {
        let a = match x { Some(n) if check(n).await => n, Some(n) => n + 1, None => 0 };
        let b = match p.left { ref l if peek(l).await > 2 => 1, _ => 2 };
        match make().await { (k, _) if k > 1 && check(k).await => k, _ => a + b }
    }",
    // 47: let chains with awaits in `if` and `while`, and an if-let scrutinee kept across
    "async fn chains(a: Option<u32>, mut it: Iter) -> u32 {
        let mut t = 0;
        while let Some(n) = it.next() && check(n).await { t += n; }
        if let Some(x) = a && check(x).await && let Some(y) = lookup(x) { t += y; } else if t > 2 { t = 1; }
        if let Some(g) = lock().get(0) { step(*g).await; }
        t
    }",
    // 48: cfg'd statements, alternatives, fields, arms, parameters (one copy per assignment)
    "async fn configured(#[cfg(test)] t: u8) -> u32 {
        #[cfg(feature = \"x\")] { return only_x().await; }
        #[cfg(test)] let inner = f(); #[cfg(not(test))] let inner = g();
        let s = S { #[cfg(a)] f: h().await, #[cfg_attr(a, allow(unused))] g: 1 };
        match inner.await { #[cfg(not(a))] 0 => z().await, #[cfg(any())] 1 => y, n => n }
    }",
];

/// Tokens inserted at random places by the mutator: things that change the shape of the
/// control flow the transform must understand.
const SNIPPETS: &[&str] = &[
    ".await",
    "?",
    "break",
    "continue",
    "return",
    "loop",
    "async",
    "move",
    "|",
    "'a",
    ";",
    "let",
    "else",
    "{}",
    "()",
    "x.await",
    "'l: loop { break 'l; }",
    "async {}",
    "yield_now().await;",
    "=",
    "&mut",
    "..",
    "#[cfg(any())]",
    "fn",
    "self",
    "Self::",
    "straight(1).await",
];

/// Broken (and a few odd but valid) attribute arguments.
const BAD_ARGS: &[&str] = &[
    "compiler",
    "compiler =",
    "= twin",
    "compiler = 1",
    "compiler = \"twin\"",
    "compiler = twin,",
    "compiler = twin, compiler = other",
    "compiler = twin compiler = other",
    "compiler = a::b",
    "compiler = r#twin",
    "compiler == twin",
    "(compiler = twin)",
    "[compiler]",
    "{}",
    ",",
    "compiler = twin,,",
    "foo = bar",
    "foo",
    "compiler = self",
    "compiler = _",
    "compiler = 'a",
    "compiler: twin",
    "compiler = twin; extra",
    "#",
    "compiler = <>",
];

thread_local! {
    /// Set while this thread runs `expand`: the panic hook then records instead of printing.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// The last panic seen while quiet, with its location.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs, once per process, a hook that silences (but records) panics raised inside
/// `expand` on a quiet thread, and keeps the default behaviour everywhere else.
fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                LAST_PANIC.with(|l| *l.borrow_mut() = Some(info.to_string()));
            } else {
                previous(info);
            }
        }));
    });
}

/// What went wrong on one input.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Failure {
    /// `expand` itself panicked (its own `catch_unwind` did not hold).
    Panic(String),
    /// `expand` caught a panic and emitted its internal-error fallback.
    Internal(String),
    /// An expansion without `compile_error!` that is not valid Rust syntax.
    BadSyntax(String),
}

impl Failure {
    fn kind(&self) -> &'static str {
        match self {
            Failure::Panic(_) => "panic",
            Failure::Internal(_) => "internal error",
            Failure::BadSyntax(_) => "unparsable output",
        }
    }

    fn detail(&self) -> &str {
        match self {
            Failure::Panic(s) | Failure::Internal(s) | Failure::BadSyntax(s) => s,
        }
    }
}

/// Runs `expand(args, item)`, catching panics, and classifies the result.
fn run(args: &TokenStream, item: &TokenStream) -> Result<TokenStream, Failure> {
    QUIET.with(|q| q.set(true));
    LAST_PANIC.with(|l| l.borrow_mut().take());
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        visible_async_expand::expand(args.clone(), item.clone())
    }));
    QUIET.with(|q| q.set(false));
    let inner = LAST_PANIC
        .with(|l| l.borrow_mut().take())
        .unwrap_or_else(|| "(no panic message recorded)".to_string());
    let out = result.map_err(|_| Failure::Panic(inner.clone()))?;
    if out.to_string().contains("internal error") {
        return Err(Failure::Internal(inner));
    }
    Ok(out)
}

/// Whether the output contains a `compile_error!` (a reported, spanned error).
fn has_compile_error(out: &TokenStream) -> bool {
    fn walk(ts: TokenStream) -> bool {
        ts.into_iter().any(|tt| match tt {
            TokenTree::Ident(i) => i == "compile_error",
            TokenTree::Group(g) => walk(g.stream()),
            _ => false,
        })
    }
    walk(out.clone())
}

/// Like [`run`], and also requires an expansion without errors to be valid syntax.
fn run_checked(args: &TokenStream, item: &TokenStream) -> Result<TokenStream, Failure> {
    let out = run(args, item)?;
    if !has_compile_error(&out)
        && let Err(e) = syn::parse2::<syn::File>(out.clone())
    {
        // The output is long; the (shrunk) input in the report is what reproduces it.
        return Err(Failure::BadSyntax(format!(
            "the expansion does not parse: {e} (print `expand(quote!(), input)` to see it)"
        )));
    }
    Ok(out)
}

fn tokens(src: &str) -> TokenStream {
    TokenStream::from_str(src).unwrap_or_else(|e| panic!("corpus does not lex: {e}\n{src}"))
}

// ---- Token-tree surgery -------------------------------------------------------------------

/// Every token position in the tree, as the index path from the top-level stream.
fn positions(ts: &TokenStream) -> Vec<Vec<usize>> {
    fn walk(ts: &TokenStream, prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        for (i, tt) in ts.clone().into_iter().enumerate() {
            prefix.push(i);
            out.push(prefix.clone());
            if let TokenTree::Group(g) = &tt {
                walk(&g.stream(), prefix, out);
            }
            prefix.pop();
        }
    }
    let mut out = Vec::new();
    walk(ts, &mut Vec::new(), &mut out);
    out
}

/// Rebuilds `ts` with the token at `path` replaced by `f(token)` (zero or more tokens).
fn edit(
    ts: &TokenStream,
    path: &[usize],
    f: &mut dyn FnMut(TokenTree) -> Vec<TokenTree>,
) -> TokenStream {
    let Some((&here, rest)) = path.split_first() else {
        return ts.clone();
    };
    let mut out = Vec::new();
    for (i, tt) in ts.clone().into_iter().enumerate() {
        if i != here {
            out.push(tt);
        } else if rest.is_empty() {
            out.extend(f(tt));
        } else if let TokenTree::Group(g) = tt {
            let mut group = Group::new(g.delimiter(), edit(&g.stream(), rest, f));
            group.set_span(g.span());
            out.push(TokenTree::Group(group));
        } else {
            out.push(tt);
        }
    }
    out.into_iter().collect()
}

/// The stream whose tokens `path` indexes into (the parent of the last step).
fn stream_at(ts: &TokenStream, parent: &[usize]) -> TokenStream {
    let mut current = ts.clone();
    for &i in parent {
        match current.clone().into_iter().nth(i) {
            Some(TokenTree::Group(g)) => current = g.stream(),
            _ => return TokenStream::new(),
        }
    }
    current
}

/// Replaces the stream at `parent` (the top level when empty) with `new`.
fn replace_stream(ts: &TokenStream, parent: &[usize], new: TokenStream) -> TokenStream {
    if parent.is_empty() {
        return new;
    }
    let mut new = Some(new);
    edit(ts, parent, &mut |tt| match tt {
        TokenTree::Group(g) => {
            let mut group = Group::new(g.delimiter(), new.take().unwrap_or_default());
            group.set_span(g.span());
            vec![TokenTree::Group(group)]
        }
        other => vec![other],
    })
}

fn remove(ts: &TokenStream, path: &[usize]) -> TokenStream {
    edit(ts, path, &mut |_| Vec::new())
}

/// A tiny deterministic PRNG (xorshift64*), so that every run tries the same mutants.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        #[allow(clippy::cast_possible_truncation)]
        let r = (self.next() % n.max(1) as u64) as usize;
        r
    }
}

/// One random edit: swap two sibling tokens, duplicate a token, insert a snippet after a
/// token, replace a token with a snippet, or flatten a group into its contents.
fn mutate(ts: &TokenStream, rng: &mut XorShift) -> TokenStream {
    let all = positions(ts);
    if all.is_empty() {
        return tokens(SNIPPETS[rng.below(SNIPPETS.len())]);
    }
    let path = all[rng.below(all.len())].clone();
    match rng.below(5) {
        0 => {
            let (last, parent) = path.split_last().expect("non-empty path");
            let mut siblings: Vec<TokenTree> = stream_at(ts, parent).into_iter().collect();
            let other = rng.below(siblings.len());
            siblings.swap(*last, other);
            replace_stream(ts, parent, siblings.into_iter().collect())
        }
        1 => edit(ts, &path, &mut |tt| vec![tt.clone(), tt]),
        2 => {
            let snippet = tokens(SNIPPETS[rng.below(SNIPPETS.len())]);
            edit(ts, &path, &mut |tt| {
                std::iter::once(tt).chain(snippet.clone()).collect()
            })
        }
        3 => {
            let snippet = tokens(SNIPPETS[rng.below(SNIPPETS.len())]);
            edit(ts, &path, &mut |_| snippet.clone().into_iter().collect())
        }
        _ => edit(ts, &path, &mut |tt| match tt {
            TokenTree::Group(g) => g.stream().into_iter().collect(),
            other => vec![other],
        }),
    }
}

/// Every token stream in the tree (the top level and each group's contents), by path.
fn streams(ts: &TokenStream) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for path in positions(ts) {
        let (last, parent) = path.split_last().expect("non-empty path");
        if let Some(TokenTree::Group(_)) = stream_at(ts, parent).into_iter().nth(*last) {
            out.push(path);
        }
    }
    out
}

/// Shrinks a failing item while the same kind of failure persists: first whole runs of
/// sibling tokens (statements, arguments), then single tokens, so the report shows a small
/// reproducer.
fn shrink(args: &TokenStream, item: &TokenStream, failure: &Failure) -> TokenStream {
    let mut current = item.clone();
    let mut budget = 4000;
    'again: loop {
        for run_len in [16, 8, 4, 3, 2, 1] {
            for parent in streams(&current).into_iter().rev() {
                let siblings: Vec<TokenTree> = stream_at(&current, &parent).into_iter().collect();
                let mut start = 0;
                while start + run_len <= siblings.len() {
                    if budget == 0 {
                        return current;
                    }
                    budget -= 1;
                    let kept: TokenStream = siblings[..start]
                        .iter()
                        .chain(&siblings[start + run_len..])
                        .cloned()
                        .collect();
                    let candidate = replace_stream(&current, &parent, kept);
                    if let Err(f) = run_checked(args, &candidate)
                        && f.kind() == failure.kind()
                    {
                        current = candidate;
                        continue 'again;
                    }
                    start += 1;
                }
            }
        }
        return current;
    }
}

/// Collects failures, keeping the first few of each distinct panic message.
#[derive(Default)]
struct Report {
    calls: usize,
    failures: Vec<(String, Failure)>,
    count: usize,
}

impl Report {
    fn check(&mut self, what: &str, args: &TokenStream, item: &TokenStream) {
        self.calls += 1;
        if let Err(failure) = run_checked(args, item) {
            self.count += 1;
            let key = signature(&failure);
            let seen = self.failures.iter().any(|(_, f)| signature(f) == key);
            if !seen && self.failures.len() < 12 {
                let small = shrink(args, item, &failure);
                self.failures.push((
                    format!(
                        "{what}\n    args:  {args}\n    input: {item}\n    shrunk input: {small}"
                    ),
                    failure,
                ));
            }
        }
    }

    fn assert_clean(&self, name: &str) {
        let mut message = String::new();
        for (i, (what, failure)) in self.failures.iter().enumerate() {
            let _ = writeln!(
                message,
                "\n#{i} {} on {what}\n    detail: {}",
                failure.kind(),
                failure.detail()
            );
        }
        assert!(
            self.count == 0,
            "{name}: {} of {} calls failed; distinct failures:{message}",
            self.count,
            self.calls
        );
        eprintln!("{name}: {} calls, all clean", self.calls);
    }
}

/// What identifies one bug: the panic's location and message, or the parse error.
fn signature(failure: &Failure) -> String {
    let lines: Vec<&str> = failure.detail().lines().take(2).collect();
    format!("{}: {}", failure.kind(), lines.join(" "))
}

// ---- The tests ------------------------------------------------------------------------------

/// The corpus expands, with and without `compiler = NAME`, to valid syntax with no error.
#[test]
fn corpus_expands_to_valid_items() {
    install_quiet_hook();
    let mut problems = Vec::new();
    for (i, src) in CORPUS.iter().enumerate() {
        for args in [quote!(), quote!(compiler = twin)] {
            match run_checked(&args, &tokens(src)) {
                Err(f) => problems.push(format!(
                    "corpus[{i}] with args `{args}`: {}: {}",
                    f.kind(),
                    f.detail()
                )),
                Ok(out) => {
                    let file = syn::parse2::<syn::File>(out.clone());
                    match file {
                        Err(e) => problems.push(format!("corpus[{i}]: output does not parse: {e}")),
                        Ok(_) if has_compile_error(&out) => {
                            problems
                                .push(format!("corpus[{i}] with args `{args}` is rejected: {out}"));
                        }
                        Ok(_) => {}
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// Every single-token removal and a few hundred random edits of each corpus function expand
/// without a panic or an internal error.
#[test]
fn mutated_functions_never_panic() {
    const MAX_REMOVALS: usize = 150;
    const RANDOM_EDITS: usize = 12;
    install_quiet_hook();
    let start = Instant::now();
    let mut report = Report::default();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for (i, src) in CORPUS.iter().enumerate() {
        let item = tokens(src);
        let all = positions(&item);
        // Evenly spaced when a function has more positions than the cap.
        let step = all.len().div_ceil(MAX_REMOVALS).max(1);
        for path in all.iter().step_by(step) {
            report.check(
                &format!("corpus[{i}] without token {path:?}"),
                &quote!(),
                &remove(&item, path),
            );
        }
        for j in 0..RANDOM_EDITS {
            let mut mutant = mutate(&item, &mut rng);
            // Every other edit stacks a second (and third) one.
            for _ in 0..(j % 3) {
                mutant = mutate(&mutant, &mut rng);
            }
            report.check(&format!("corpus[{i}] random edit {j}"), &quote!(), &mutant);
        }
    }
    eprintln!("mutated functions: {:?}", start.elapsed());
    report.assert_clean("mutated_functions_never_panic");
}

/// Broken attribute arguments, and edits of valid ones, give errors, never a panic.
#[test]
fn broken_arguments_never_panic() {
    install_quiet_hook();
    let start = Instant::now();
    let mut report = Report::default();
    let items: Vec<TokenStream> = CORPUS.iter().map(|s| tokens(s)).collect();
    for (i, args) in BAD_ARGS.iter().enumerate() {
        let args = tokens(args);
        report.check(&format!("BAD_ARGS[{i}]"), &args, &items[i % items.len()]);
    }
    let valid = quote!(compiler = twin);
    let mut rng = XorShift(0xD1B5_4A32_D192_ED03);
    for path in positions(&valid) {
        report.check("args without a token", &remove(&valid, &path), &items[0]);
    }
    for j in 0..60 {
        let mut args = mutate(&valid, &mut rng);
        if j % 2 == 1 {
            args = mutate(&args, &mut rng);
        }
        report.check(
            &format!("args random edit {j}"),
            &args,
            &items[j % items.len()],
        );
    }
    // Function tokens as arguments, and both broken at once.
    for (i, item) in items.iter().enumerate().take(10) {
        report.check(&format!("corpus[{i}] as args"), item, &items[0]);
        let broken = mutate(item, &mut rng);
        report.check(
            &format!("corpus[{i}] both broken"),
            &mutate(&valid, &mut rng),
            &broken,
        );
    }
    eprintln!("broken arguments: {:?}", start.elapsed());
    report.assert_clean("broken_arguments_never_panic");
}
