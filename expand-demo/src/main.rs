//! `cargo run -p expand-demo`: prints each demo function, the state machine `#[visible_async]`
//! makes of it, and a run beside the compiler's own future.
//!
//! `cargo run -p expand-demo -- FILE.rs [FN] [--edition=2021]`: prints the expansion of every
//! `async fn` in a file of yours (or only `FN`), without running it, for the edition given
//! (default 2024: the transform reads the flag from the command line, as it reads rustc's).

mod demos;
use expand_demo::pretty;

use std::fmt::Debug;
use std::future::Future;

use visible_async::auto_traits;
use visible_async::harness::{Log, compare};
use visible_async::inspect::Inspect;

const DEMOS: &str = include_str!("demos.rs");

fn main() {
    // `--edition` is for the transform, which reads it from the command line itself.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--edition="))
        .collect();
    if !args.is_empty() {
        if let Err(message) = expand_file(&args) {
            eprintln!("expand-demo: {message}");
            std::process::exit(1);
        }
        return;
    }
    // The runs below poll futures after they finished, to show that both panic the same way;
    // the harness reports those panics, so the default hook's printing is noise here.
    std::panic::set_hook(Box::new(|_| {}));
    let file = match syn::parse_file(DEMOS) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("expand-demo: cannot parse the demo source: {e}");
            std::process::exit(1);
        }
    };
    for item in &file.items {
        let syn::Item::Fn(f) = item else { continue };
        let Some(attr) = f.attrs.iter().find(|a| a.path().is_ident("visible_async")) else {
            continue;
        };
        let args = match &attr.meta {
            syn::Meta::List(list) => list.tokens.clone(),
            _ => proc_macro2::TokenStream::new(),
        };
        let mut plain = f.clone();
        plain.attrs.retain(|a| !a.path().is_ident("visible_async"));
        let expanded = visible_async_expand::expand(args, quote::quote!(#plain));
        let name = f.sig.ident.to_string();
        println!("==================== {name} ====================");
        println!(
            "--- source ---\n{}",
            prettyplease::unparse(&file_of(&quote::quote!(#plain)))
        );
        println!(
            "--- expansion ---\n{}",
            pretty::unparse(&file_of(&expanded))
        );
        run(&name);
        println!();
    }
}

/// `FILE.rs [FN]`: the expansion of the file's `async fn`s (or of `FN`).
fn expand_file(args: &[String]) -> Result<(), String> {
    let [path, rest @ ..] = args else {
        return Err("usage: expand-demo [FILE.rs [FN] [--edition=YEAR]]".to_string());
    };
    if rest.len() > 1 {
        return Err("usage: expand-demo [FILE.rs [FN] [--edition=YEAR]]".to_string());
    }
    let wanted = rest.first();
    let source = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let file = syn::parse_file(&source).map_err(|e| {
        let at = e.span().start();
        format!("{path}:{}:{}: not valid Rust: {e}", at.line, at.column + 1)
    })?;
    let mut found = false;
    for f in &functions(&file.items) {
        let name = f.sig.ident.to_string();
        if wanted.is_some_and(|w| *w != name) {
            continue;
        }
        if f.sig.asyncness.is_none() {
            if wanted.is_some() {
                return Err(format!("`{name}` in {path} is not an `async fn`"));
            }
            continue;
        }
        found = true;
        let mut plain = f.clone();
        plain.attrs.retain(|a| !a.path().is_ident("visible_async"));
        let expanded =
            visible_async_expand::expand(proc_macro2::TokenStream::new(), quote::quote!(#plain));
        let expanded: syn::File = syn::parse2(expanded)
            .map_err(|e| format!("the expansion of `{name}` does not parse: {e}"))?;
        println!("==================== {name} ====================");
        println!("{}", pretty::unparse(&expanded));
    }
    match (found, wanted) {
        (true, _) => Ok(()),
        (false, Some(name)) => Err(format!("no function `{name}` in {path}")),
        (false, None) => Err(format!("no `async fn` in {path}")),
    }
}

/// The functions of a file: free ones and methods (of `impl` blocks and of modules), in order.
fn functions(items: &[syn::Item]) -> Vec<syn::ItemFn> {
    let mut out = Vec::new();
    for item in items {
        match item {
            syn::Item::Fn(f) => out.push(f.clone()),
            syn::Item::Impl(imp) => {
                for item in &imp.items {
                    if let syn::ImplItem::Fn(m) = item {
                        out.push(syn::ItemFn {
                            attrs: m.attrs.clone(),
                            vis: m.vis.clone(),
                            modifiers: m.modifiers.clone(),
                            sig: m.sig.clone(),
                            block: Box::new(m.block.clone()),
                        });
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    out.extend(functions(items));
                }
            }
            _ => {}
        }
    }
    out
}

fn file_of(tokens: &proc_macro2::TokenStream) -> syn::File {
    syn::parse2(tokens.clone()).unwrap_or_else(|e| {
        eprintln!("expand-demo: the expansion does not parse: {e}");
        std::process::exit(1)
    })
}

fn run(name: &str) {
    match name {
        "trivial" => show(demos::trivial, demos::trivial_rustc),
        "example" => show(demos::example, demos::example_rustc),
        "sum" => show(|l| demos::sum(l, 3), |l| demos::sum_rustc(l, 3)),
        "parse_both" => show(
            |l| demos::parse_both(l, "4", "x"),
            |l| demos::parse_both_rustc(l, "4", "x"),
        ),
        "rc_across_await" => {
            let visible = auto_traits!(demos::rc_across_await(Log::new()));
            let compiler = auto_traits!(demos::rc_across_await_rustc(Log::new()));
            println!("auto traits: visible {visible:?}, compiler {compiler:?}");
            show(demos::rc_across_await, demos::rc_across_await_rustc);
        }
        "countdown" => show(|l| demos::countdown(l, 3), |l| demos::countdown_rustc(l, 3)),
        "dinner" => show(demos::dinner, demos::dinner_rustc),
        "drinks" => show(demos::drinks, demos::drinks_rustc),
        _ => println!("(no run for {name})"),
    }
}

/// The states a fresh visible future goes through when polled to completion: where it starts,
/// then the state after each poll.
fn states<T, V, FV>(visible: &V) -> Vec<String>
where
    V: Fn(Log) -> FV,
    FV: Future<Output = T> + Inspect,
{
    let mut future = std::pin::pin!(visible(Log::new()));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let mut seen = vec![future.state_name().to_string()];
    // A bound, in case a demo never finishes.
    for _ in 0..1000 {
        let ready = future.as_mut().poll(&mut cx).is_ready();
        let state = match future.await_point() {
            Some(point) => format!("{} (at `{}.await`)", future.state_name(), point.expr),
            None => future.state_name().to_string(),
        };
        seen.push(state);
        if ready {
            break;
        }
    }
    seen
}

fn show<T, V, C, FV, FC>(visible: V, compiler: C)
where
    V: Fn(Log) -> FV,
    C: Fn(Log) -> FC,
    FV: Future<Output = T> + Inspect,
    FC: Future<Output = T>,
    T: PartialEq + Debug,
{
    println!("--- layout ---");
    print!("{}", visible(Log::new()).layout());
    println!(
        "  the compiler's future for the same body: {} bytes",
        std::mem::size_of_val(&compiler(Log::new()))
    );
    println!("--- states: where it starts, then after each poll ---");
    println!("  {}", states(&visible).join(" -> "));
    println!("--- run beside the compiler's future ---");
    let c = compare(visible, compiler);
    println!(
        "visible : output {:?} after {} polls, log {:?}",
        c.visible.run.output, c.visible.run.polls, c.visible.run.log
    );
    println!(
        "compiler: output {:?} after {} polls, log {:?}",
        c.compiler.run.output, c.compiler.run.polls, c.compiler.run.log
    );
    println!(
        "{}",
        if c.is_equivalent() {
            "equivalent: same output, polls, side effects, drops and cancellation"
        } else {
            "DIFFERENT:"
        }
    );
    if !c.is_equivalent() {
        println!("{c}");
    }
}
