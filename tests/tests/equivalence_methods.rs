//! Equivalence of `#[visible_async]` methods with the compiler's: every kind of receiver,
//! inherent and trait impls, generic and lifetime-carrying `impl`s, `Self` in bodies, and a
//! framed connection reading into its own buffer across `.await`s.
//!
//! A method's future may borrow its receiver, so each side runs inside a compiler `async move`
//! block that owns the receiver: both sides get the same wrapper, so output, polls, logs and
//! cancellation are still compared one to one.

#![allow(
    clippy::unused_async,
    clippy::needless_pass_by_ref_mut,
    clippy::let_and_return,
    dead_code
)]

#[path = "equivalence/common.rs"]
mod common;

use core::future::Future;
use core::pin::Pin;

use common::tick;
use visible_async::harness::{Log, assert_equivalent};
use visible_async::visible_async;

struct Counter {
    log: Log,
    name: String,
    n: u32,
}

impl Drop for Counter {
    fn drop(&mut self) {
        self.log
            .push(format!("drop counter {} at {}", self.name, self.n));
    }
}

impl Counter {
    fn new(log: &Log, n: u32) -> Self {
        Self {
            log: log.clone(),
            name: String::from("c"),
            n,
        }
    }

    #[visible_async(compiler = get_rustc)]
    async fn get(&self, by: u32) -> u32 {
        let before = self.n;
        tick(&self.log, "get").await;
        before + by + self.n
    }

    #[visible_async(compiler = bump_rustc)]
    async fn bump(&mut self, by: u32) -> u32 {
        self.n += by;
        tick(&self.log, "bump").await;
        let r = &mut self.n;
        tick(&self.log, "through r").await;
        *r += 1;
        self.n
    }

    #[visible_async(compiler = finish_rustc)]
    async fn finish(self, suffix: &str) -> String {
        tick(&self.log, "finish").await;
        format!("{}{suffix}:{}", self.name, self.n)
    }

    #[visible_async(compiler = consume_mut_rustc)]
    async fn consume_mut(mut self, extra: u32) -> u32 {
        self.n += extra;
        tick(&self.log, "consume").await;
        self.n * 2
    }

    #[visible_async(compiler = boxed_rustc)]
    async fn boxed(self: Box<Self>) -> u32 {
        tick(&self.log, "boxed").await;
        self.n + 1
    }

    #[visible_async(compiler = pinned_rustc)]
    async fn pinned(mut self: Pin<&mut Self>) -> u32 {
        self.n += 5;
        tick(&self.log, "pinned").await;
        self.n
    }

    #[visible_async(compiler = make_rustc)]
    async fn make(log: Log, n: u32) -> Self {
        tick(&log, "make").await;
        let made = Self::new(&log, n);
        made.log.push(format!("made {}", made.n));
        made
    }

    #[visible_async(compiler = captures_rustc)]
    async fn captures(&self) -> u32 {
        let add = |x: u32| x + self.n;
        tick(&self.log, "captures").await;
        self.log.push(format!("{} {}", self.name, self.n));
        let sum = add(1) + Self::helper(self);
        sum
    }

    fn helper(&self) -> u32 {
        self.n * 10
    }

    #[visible_async(compiler = countdown_rustc)]
    async fn countdown(&self, k: u32) -> u32 {
        if k == 0 {
            return 0;
        }
        tick(&self.log, "down").await;
        let inner: Pin<Box<dyn Future<Output = u32> + '_>> = Box::pin(self.countdown(k - 1));
        inner.await + 1
    }
}

#[test]
fn shared_self_is_equivalent() {
    assert_equivalent(
        |log| async move { Counter::new(&log, 3).get(4).await },
        |log| async move { Counter::new(&log, 3).get_rustc(4).await },
    );
}

#[test]
fn mutable_self_reborrowed_across_awaits_is_equivalent() {
    assert_equivalent(
        |log| async move {
            let mut c = Counter::new(&log, 1);
            let a = c.bump(2).await;
            a + c.bump(3).await
        },
        |log| async move {
            let mut c = Counter::new(&log, 1);
            let a = c.bump_rustc(2).await;
            a + c.bump_rustc(3).await
        },
    );
}

#[test]
fn self_by_value_is_dropped_where_rustc_drops_it() {
    assert_equivalent(
        |log| Counter::new(&log, 7).finish("!"),
        |log| Counter::new(&log, 7).finish_rustc("!"),
    );
    assert_equivalent(
        |log| Counter::new(&log, 7).consume_mut(3),
        |log| Counter::new(&log, 7).consume_mut_rustc(3),
    );
}

#[test]
fn boxed_and_pinned_self_are_equivalent() {
    assert_equivalent(
        |log| Box::new(Counter::new(&log, 2)).boxed(),
        |log| Box::new(Counter::new(&log, 2)).boxed_rustc(),
    );
    assert_equivalent(
        |log| async move {
            let mut c = core::pin::pin!(Counter::new(&log, 2));
            c.as_mut().pinned().await + c.n
        },
        |log| async move {
            let mut c = core::pin::pin!(Counter::new(&log, 2));
            c.as_mut().pinned_rustc().await + c.n
        },
    );
}

#[test]
fn associated_function_returning_self_is_equivalent() {
    assert_equivalent(
        |log| async move { Counter::make(log, 9).await.n },
        |log| async move { Counter::make_rustc(log, 9).await.n },
    );
}

#[test]
fn closures_and_macros_reading_self_are_equivalent() {
    assert_equivalent(
        |log| async move { Counter::new(&log, 4).captures().await },
        |log| async move { Counter::new(&log, 4).captures_rustc().await },
    );
}

#[test]
fn boxed_recursion_through_self_is_equivalent() {
    assert_equivalent(
        |log| async move { Counter::new(&log, 0).countdown(3).await },
        |log| async move { Counter::new(&log, 0).countdown_rustc(3).await },
    );
}

// ----- a framed connection: `&mut self` reading into its own buffer ------------------------------

/// Delivers its chunks one per read, each after one `Pending`.
struct Stream {
    log: Log,
    chunks: Vec<Vec<u8>>,
}

impl Stream {
    async fn read_into(&mut self, buffer: &mut Vec<u8>) -> Result<usize, String> {
        tick(&self.log, "read").await;
        if self.chunks.is_empty() {
            return Ok(0);
        }
        let chunk = self.chunks.remove(0);
        if chunk == b"!" {
            return Err(String::from("connection reset"));
        }
        buffer.extend_from_slice(&chunk);
        Ok(chunk.len())
    }
}

/// Frames are bytes up to a `;`.
struct Connection {
    stream: Stream,
    buffer: Vec<u8>,
}

impl Connection {
    fn parse_frame(&mut self) -> Result<Option<String>, String> {
        let Some(end) = self.buffer.iter().position(|&b| b == b';') else {
            return Ok(None);
        };
        let frame: Vec<u8> = self.buffer.drain(..=end).collect();
        String::from_utf8(frame[..end].to_vec())
            .map(Some)
            .map_err(|e| e.to_string())
    }

    #[visible_async(compiler = read_frame_rustc)]
    async fn read_frame(&mut self) -> Result<Option<String>, String> {
        loop {
            if let Some(frame) = self.parse_frame()? {
                return Ok(Some(frame));
            }
            if 0 == self.stream.read_into(&mut self.buffer).await? {
                if self.buffer.is_empty() {
                    return Ok(None);
                }
                return Err(String::from("connection closed mid-frame"));
            }
        }
    }
}

fn connection(log: &Log, chunks: &[&str]) -> Connection {
    Connection {
        stream: Stream {
            log: log.clone(),
            chunks: chunks.iter().map(|c| c.as_bytes().to_vec()).collect(),
        },
        buffer: Vec::new(),
    }
}

#[test]
fn framed_connection_reading_into_its_own_buffer_is_equivalent() {
    for chunks in [
        &["he", "llo;wor", "ld;"][..],
        &["a;b;", ""][..],
        &["abc"][..],
        &["ab", "!"][..],
    ] {
        assert_equivalent(
            move |log| async move {
                let mut conn = connection(&log, chunks);
                let mut frames = Vec::new();
                while let Some(frame) = conn.read_frame().await? {
                    frames.push(frame);
                }
                Ok::<_, String>(frames)
            },
            move |log| async move {
                let mut conn = connection(&log, chunks);
                let mut frames = Vec::new();
                while let Some(frame) = conn.read_frame_rustc().await? {
                    frames.push(frame);
                }
                Ok::<_, String>(frames)
            },
        );
    }
}

// ----- generic and lifetime-carrying impls -------------------------------------------------------

struct Holder<T> {
    log: Log,
    items: Vec<T>,
}

impl<T: Clone + core::fmt::Debug> Holder<T> {
    #[visible_async(compiler = first_rustc)]
    async fn first(&self) -> Option<&T> {
        tick(&self.log, "first").await;
        self.items.first()
    }

    #[visible_async(compiler = push_all_rustc)]
    async fn push_all<I: IntoIterator<Item = T>>(&mut self, more: I) -> usize
    where
        I::IntoIter: Send,
    {
        for item in more {
            tick(&self.log, &format!("push {item:?}")).await;
            self.items.push(item);
        }
        self.items.len()
    }
}

#[test]
fn generic_impl_methods_are_equivalent() {
    let holder = |log: &Log| Holder {
        log: log.clone(),
        items: vec![String::from("a")],
    };
    assert_equivalent(
        move |log| async move {
            let mut h = holder(&log);
            let n = h.push_all(["b".to_string(), "c".to_string()]).await;
            (n, h.first().await.cloned())
        },
        move |log| async move {
            let mut h = holder(&log);
            let n = h.push_all_rustc(["b".to_string(), "c".to_string()]).await;
            (n, h.first_rustc().await.cloned())
        },
    );
}

/// Splits its input on spaces, returning words that borrow the input, not the parser.
struct Words<'a> {
    log: Log,
    rest: &'a str,
}

impl<'a> Words<'a> {
    #[visible_async(compiler = next_word_rustc)]
    async fn next_word(&mut self) -> Option<&'a str> {
        tick(&self.log, "word").await;
        let text = self.rest.trim_start();
        if text.is_empty() {
            return None;
        }
        let end = text.find(' ').unwrap_or(text.len());
        let (word, rest) = text.split_at(end);
        self.rest = rest;
        Some(word)
    }
}

#[test]
fn lifetime_carrying_impl_is_equivalent() {
    let text = String::from("  one two  three ");
    let text = &text;
    assert_equivalent(
        move |log| async move {
            let mut words = Words { log, rest: text };
            let mut out = Vec::new();
            while let Some(w) = words.next_word().await {
                out.push(w);
            }
            out
        },
        move |log| async move {
            let mut words = Words { log, rest: text };
            let mut out = Vec::new();
            while let Some(w) = words.next_word_rustc().await {
                out.push(w);
            }
            out
        },
    );
}

// ----- trait impls: `async fn` in the trait, and `fn -> impl Future` -----------------------------

trait Source {
    async fn pull(&mut self) -> Option<u32>;
    fn total(&self, extra: u32) -> impl Future<Output = u32>;
}

struct Numbers {
    log: Log,
    left: Vec<u32>,
}

struct VisibleNumbers(Numbers);
struct CompilerNumbers(Numbers);

/// The same trait impl, once with the attribute and once without.
macro_rules! impl_source {
    ($ty:ident $(, $attr:meta)?) => {
        impl Source for $ty {
            $(#[$attr])?
            async fn pull(&mut self) -> Option<u32> {
                tick(&self.0.log, "pull").await;
                let next = self.0.left.pop();
                if let Some(n) = next {
                    self.0.log.push(format!("pulled {n}"));
                }
                next
            }

            $(#[$attr])?
            async fn total(&self, extra: u32) -> u32 {
                tick(&self.0.log, "total").await;
                self.0.left.iter().sum::<u32>() + extra
            }
        }
    };
}

impl_source!(VisibleNumbers, visible_async);
impl_source!(CompilerNumbers);

async fn drain(mut source: impl Source) -> (Vec<u32>, u32) {
    let mut pulled = Vec::new();
    let total = source.total(100).await;
    while let Some(n) = source.pull().await {
        pulled.push(n);
    }
    (pulled, total)
}

#[test]
fn trait_impl_methods_are_equivalent() {
    let numbers = |log: Log| Numbers {
        log,
        left: vec![1, 2, 3],
    };
    assert_equivalent(
        move |log| drain(VisibleNumbers(numbers(log))),
        move |log| drain(CompilerNumbers(numbers(log))),
    );
}

// ----- consuming methods by their conventional names ---------------------------------------------

struct Builder {
    log: Log,
    parts: Vec<&'static str>,
}

struct Transaction {
    log: Log,
    done: bool,
}

impl Builder {
    fn build(self) -> String {
        self.log.push("built");
        self.parts.join("-")
    }
}

impl Transaction {
    async fn commit(mut self) -> usize {
        tick(&self.log, "commit").await;
        self.done = true;
        1
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        self.log
            .push(format!("drop transaction, done: {}", self.done));
    }
}

#[visible_async(compiler = build_then_commit_rustc)]
async fn build_then_commit(log: Log) -> (String, usize) {
    let builder = Builder {
        log: log.clone(),
        parts: vec!["a", "b"],
    };
    let tx = Transaction {
        log: log.clone(),
        done: false,
    };
    let built = builder.build();
    tick(&log, "between").await;
    let n = tx.commit().await;
    tick(&log, "after").await;
    (built, n)
}

#[test]
fn builders_and_transactions_consumed_before_an_await_are_equivalent() {
    assert_equivalent(build_then_commit, build_then_commit_rustc);
}
