//! Functions and methods whose futures hold references: in edition 2021 their signatures must
//! capture the lifetimes explicitly, or the crate would not compile.

#![deny(warnings)]

use std::future::Future;

use visible_async::harness::{assert_equivalent, Log};
use visible_async::leaf::yield_now;
use visible_async::visible_async;

#[visible_async(compiler = longest_rustc)]
async fn longest<'a>(log: Log, a: &'a str, b: &str) -> &'a str {
    yield_now().await;
    log.push(format!("{a} {b}"));
    if a.len() >= b.len() {
        a
    } else {
        &a[..0]
    }
}

#[visible_async(compiler = first_rustc)]
async fn first(v: &[u32]) -> Option<&u32> {
    yield_now().await;
    v.first()
}

struct Words<'t> {
    log: Log,
    rest: &'t str,
}

impl<'t> Words<'t> {
    #[visible_async(compiler = next_word_rustc)]
    async fn next_word(&mut self) -> Option<&'t str> {
        yield_now().await;
        let text = self.rest.trim_start();
        if text.is_empty() {
            return None;
        }
        let end = text.find(' ').unwrap_or(text.len());
        let (word, rest) = text.split_at(end);
        self.rest = rest;
        self.log.push(word);
        Some(word)
    }

    #[visible_async(compiler = remaining_rustc)]
    async fn remaining(&self) -> &str {
        yield_now().await;
        self.rest
    }

    #[visible_async(compiler = into_rest_rustc)]
    async fn into_rest(self) -> &'t str {
        yield_now().await;
        self.rest
    }
}

struct Holder<T> {
    items: Vec<T>,
}

impl<T: Clone> Holder<T> {
    #[visible_async(compiler = get_rustc)]
    async fn get(&self, i: usize) -> Option<&T> {
        yield_now().await;
        self.items.get(i)
    }

    #[visible_async(compiler = make_rustc)]
    async fn make(items: &[T]) -> Self {
        yield_now().await;
        Self {
            items: items.to_vec(),
        }
    }
}

trait Source {
    fn pull(&mut self) -> impl Future<Output = Option<u32>>;
}

struct Numbers(Vec<u32>);

impl Source for Numbers {
    #[visible_async]
    async fn pull(&mut self) -> Option<u32> {
        yield_now().await;
        self.0.pop()
    }
}

#[test]
fn free_functions_with_references_are_equivalent() {
    assert_equivalent(
        |log| longest(log, "abc", "de"),
        |log| longest_rustc(log, "abc", "de"),
    );
    let v = vec![3, 4];
    assert_equivalent(|_| first(&v), |_| first_rustc(&v));
}

#[test]
fn methods_of_a_lifetime_carrying_impl_are_equivalent() {
    let text = String::from(" a bc  d ");
    let run = |visible: bool| {
        let text = &text;
        move |log: Log| async move {
            let mut words = Words { log, rest: text };
            let mut out = Vec::new();
            loop {
                let word = if visible {
                    words.next_word().await
                } else {
                    words.next_word_rustc().await
                };
                match word {
                    Some(w) => out.push(w),
                    None => break,
                }
            }
            let rest = if visible {
                words.remaining().await.len()
            } else {
                words.remaining_rustc().await.len()
            };
            let tail = if visible {
                words.into_rest().await
            } else {
                words.into_rest_rustc().await
            };
            (out, rest, tail)
        }
    };
    assert_equivalent(run(true), run(false));
}

#[test]
fn generic_impl_and_trait_impl_are_equivalent() {
    let holder = Holder {
        items: vec![String::from("x")],
    };
    assert_equivalent(|_| holder.get(0), |_| holder.get_rustc(0));
    let items = [1u8, 2];
    assert_equivalent(
        |_| async { Holder::make(&items).await.items },
        |_| async { Holder::make_rustc(&items).await.items },
    );
    let mut numbers = Numbers(vec![1, 2]);
    assert_eq!(visible_async::block_on(numbers.pull()), Some(2));
}
