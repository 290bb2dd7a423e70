//! The standard macros whose arguments may contain `.await`: formatting, assertions, `vec!`,
//! `dbg!`, `matches!`. Their arguments are split into expressions (which the lowering treats
//! like call arguments) and the fixed parts (format strings, patterns) kept as written.

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::Expr;

/// Macros known to expand to an `.await` of their own: `join!` and friends.
const AWAITING: &[&str] = &["join", "try_join", "select", "select_biased", "poll"];

enum Piece {
    Tokens(TokenStream),
    Expr(usize),
}

/// A parsed call of a known macro.
pub struct MacroArgs {
    /// The argument expressions, in evaluation order.
    pub exprs: Vec<Expr>,
    /// Names captured implicitly by the format string (`{x}`).
    pub format_names: Vec<String>,
    /// Whether the macro takes its arguments by value (`vec!`, `dbg!`) or by reference.
    pub moves: bool,
    pieces: Vec<Piece>,
}

impl MacroArgs {
    /// The macro call again, with `edit` applied to each argument expression.
    pub fn rebuild_edited(
        &mut self,
        mac: &syn::Macro,
        mut edit: impl FnMut(&mut Expr),
    ) -> TokenStream {
        for e in &mut self.exprs {
            edit(e);
        }
        let parts: Vec<TokenStream> = self.exprs.iter().map(ToTokens::to_token_stream).collect();
        self.rebuild(mac, &parts)
    }

    /// The macro call again, with each argument expression replaced.
    pub fn rebuild(&self, mac: &syn::Macro, exprs: &[TokenStream]) -> TokenStream {
        let mut body = TokenStream::new();
        for piece in &self.pieces {
            match piece {
                Piece::Tokens(t) => body.extend(t.clone()),
                Piece::Expr(i) => body.extend(exprs[*i].clone()),
            }
        }
        let path = &mac.path;
        let bang = &mac.bang_token;
        match &mac.delimiter {
            syn::MacroDelimiter::Paren(_) => quote!(#path #bang ( #body )),
            syn::MacroDelimiter::Brace(_) => quote!(#path #bang { #body }),
            syn::MacroDelimiter::Bracket(_) => quote!(#path #bang [ #body ]),
        }
    }
}

/// The last segment of a macro's path: `println` for `std::println!`.
pub fn name(mac: &syn::Macro) -> String {
    mac.path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// Whether a macro is one that awaits by itself (`join!`, `select!`, ...).
pub fn is_awaiting(mac: &syn::Macro) -> bool {
    AWAITING.contains(&name(mac).as_str())
}

/// Whether raw tokens contain `.await` (outside closures and async blocks we cannot tell, so
/// any occurrence counts).
pub fn tokens_await(tokens: &TokenStream) -> bool {
    count_awaits(tokens) > 0
}

/// How many `.await`s raw tokens contain.
pub fn count_awaits(tokens: &TokenStream) -> usize {
    let mut count = 0;
    let mut prev_dot = false;
    for tt in tokens.clone() {
        match tt {
            TokenTree::Ident(i) if prev_dot && i == "await" => count += 1,
            TokenTree::Group(g) => count += count_awaits(&g.stream()),
            TokenTree::Punct(p) => {
                prev_dot = p.as_char() == '.';
                continue;
            }
            TokenTree::Ident(_) | TokenTree::Literal(_) => {}
        }
        prev_dot = false;
    }
    count
}

/// Parses the arguments of a known macro; `None` for any other macro or unparsable input.
pub fn parse(mac: &syn::Macro) -> Option<MacroArgs> {
    let name = name(mac);
    // (expressions before the format string, whether a format string follows, moves)
    let (leading, format, moves): (usize, bool, bool) = match name.as_str() {
        "print" | "println" | "eprint" | "eprintln" | "format" | "format_args" | "panic"
        | "unreachable" | "todo" | "unimplemented" => (0, true, false),
        "write" | "writeln" | "assert" | "debug_assert" => (1, true, false),
        "assert_eq" | "assert_ne" | "debug_assert_eq" | "debug_assert_ne" => (2, true, false),
        "vec" | "dbg" => (usize::MAX, false, true),
        "matches" => (1, false, false),
        _ => return None,
    };
    let tokens: Vec<TokenTree> = mac.tokens.clone().into_iter().collect();
    let separator = if name == "vec" && has_top_level(&tokens, ';') {
        ';'
    } else {
        ','
    };
    let parts = split_top_level(&tokens, separator);

    let mut args = MacroArgs {
        exprs: Vec::new(),
        format_names: Vec::new(),
        moves,
        pieces: Vec::new(),
    };
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            args.pieces.push(Piece::Tokens(punct(separator)));
        }
        let stream: TokenStream = part.iter().cloned().collect();
        if name == "matches" && i >= 1 {
            args.pieces.push(Piece::Tokens(stream));
            continue;
        }
        if i == leading
            && format
            && part.len() == 1
            && let TokenTree::Literal(lit) = &part[0]
            && let Ok(syn::Lit::Str(s)) = syn::parse2::<syn::Lit>(lit.to_token_stream())
        {
            args.format_names.extend(format_captures(&s.value()));
            args.pieces.push(Piece::Tokens(stream));
            continue;
        }
        if stream.is_empty() {
            // A trailing separator.
            args.pieces.pop();
            args.pieces.push(Piece::Tokens(punct(separator)));
            continue;
        }
        // Named format arguments: `name = expr`.
        if format
            && i > leading
            && part.len() > 2
            && let (TokenTree::Ident(_), TokenTree::Punct(eq)) = (&part[0], &part[1])
            && eq.as_char() == '='
            && !matches!(&part[2], TokenTree::Punct(p) if p.as_char() == '=')
        {
            let rest: TokenStream = part[2..].iter().cloned().collect();
            let expr: Expr = syn::parse2(rest).ok()?;
            let head: TokenStream = part[..2].iter().cloned().collect();
            args.pieces.push(Piece::Tokens(head));
            args.pieces.push(Piece::Expr(args.exprs.len()));
            args.exprs.push(expr);
            continue;
        }
        let expr: Expr = syn::parse2(stream).ok()?;
        args.pieces.push(Piece::Expr(args.exprs.len()));
        args.exprs.push(expr);
    }
    Some(args)
}

fn punct(c: char) -> TokenStream {
    TokenTree::Punct(proc_macro2::Punct::new(c, proc_macro2::Spacing::Alone)).into()
}

fn has_top_level(tokens: &[TokenTree], c: char) -> bool {
    tokens
        .iter()
        .any(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == c))
}

/// Splits tokens at top-level `sep`s. Commas inside groups are never top level; generic
/// arguments (`f::<A, B>()`) are rare enough in macro arguments to be parsed as written.
fn split_top_level(tokens: &[TokenTree], sep: char) -> Vec<Vec<TokenTree>> {
    let mut parts = vec![Vec::new()];
    let mut angle = 0i32;
    for (i, tt) in tokens.iter().enumerate() {
        if let TokenTree::Punct(p) = tt {
            let c = p.as_char();
            let after_colons =
                i >= 1 && matches!(&tokens[i - 1], TokenTree::Punct(q) if q.as_char() == ':');
            if c == '<' && after_colons {
                angle += 1;
            } else if c == '>' && angle > 0 {
                angle -= 1;
            } else if c == sep && angle == 0 {
                parts.push(Vec::new());
                continue;
            }
        }
        if let Some(last) = parts.last_mut() {
            last.push(tt.clone());
        }
    }
    if parts.len() == 1 && parts[0].is_empty() {
        parts.clear();
    }
    parts
}

/// Identifiers captured by a format string: `{x}`, `{x:?}`, `{x:>width$}`.
fn format_captures(fmt: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = fmt;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if rest.starts_with('{') {
            rest = &rest[1..];
            continue;
        }
        let end = rest.find('}').unwrap_or(rest.len());
        let spec = &rest[..end];
        let (arg, format) = spec.split_once(':').unwrap_or((spec, ""));
        for candidate in std::iter::once(arg.trim()).chain(
            format
                .split('$')
                .filter_map(|s| {
                    let s = s
                        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()?;
                    Some(s)
                })
                .take(format.matches('$').count()),
        ) {
            if candidate.starts_with(|c: char| c.is_alphabetic() || c == '_') {
                names.push(candidate.to_string());
            }
        }
        rest = &rest[end.min(rest.len())..];
    }
    names
}

/// Whether a macro's expansion ends its arguments' temporaries itself: `format!` is
/// `{ let res = format(format_args!(..)); res }` and the printing macros are a block with one
/// statement, so a temporary in their arguments is dropped when the call ends, not at the end
/// of the statement around it.
pub fn ends_its_temporaries(mac: &syn::Macro) -> bool {
    mac.path.segments.last().is_some_and(|segment| {
        matches!(
            segment.ident.to_string().as_str(),
            "format" | "print" | "println" | "eprint" | "eprintln"
        )
    })
}
