//! The expansion grows linearly with the number of `.await`s times the body, never
//! exponentially with nesting: code after a join is repeated once per resume point that reaches
//! it, not once per path.

use proc_macro2::TokenStream;
use quote::quote;

fn size(tokens: TokenStream) -> usize {
    tokens
        .into_iter()
        .map(|tt| match tt {
            proc_macro2::TokenTree::Group(g) => 2 + size(g.stream()),
            _ => 1,
        })
        .sum()
}

fn expand(body: &TokenStream) -> (usize, usize) {
    let item = quote!(async fn f(c: bool) -> u32 { let mut n = 0u32; #body n });
    let input = size(item.clone());
    let output = visible_async_expand::expand(TokenStream::new(), item);
    assert!(
        !output.to_string().contains("compile_error"),
        "the expansion failed: {output}"
    );
    (input, size(output))
}

/// `n` statements in a row, each an `if` whose branches await differently: every one is a join.
fn sequential(n: usize) -> TokenStream {
    let stmt = quote! {
        if c { n += a().await; } else { n += b().await; }
        n += 1;
    };
    std::iter::repeat_n(stmt, n).collect()
}

/// `if`s nested `depth` deep, with an `.await` in every branch.
fn nested(depth: usize) -> TokenStream {
    let mut body = quote!(n += a().await;);
    for _ in 0..depth {
        body = quote! {
            if c { #body n += b().await; } else { n += a().await; }
            n += 1;
        };
    }
    body
}

#[test]
fn sequential_joins_grow_at_most_with_awaits_times_body() {
    for n in [2, 4, 8, 16] {
        let (input, output) = expand(&sequential(n));
        let awaits = 2 * n;
        // Each resume point repeats at most the rest of the body, plus a fixed overhead.
        let bound = 40 * input + awaits * input + 2_000;
        println!("sequential n = {n}: {input} tokens in, {output} out");
        assert!(
            output <= bound,
            "n = {n}: {output} tokens from {input} (bound {bound})"
        );
    }
}

#[test]
fn nesting_does_not_grow_exponentially() {
    let (_, at8) = expand(&nested(8));
    let (_, at16) = expand(&nested(16));
    // Doubling the depth doubles the awaits and the body: at most about four times the size
    // (exponential growth would be 256 times).
    println!("nested depth 8: {at8} tokens out, depth 16: {at16}");
    assert!(at16 <= 5 * at8, "depth 8: {at8} tokens, depth 16: {at16}");
}
