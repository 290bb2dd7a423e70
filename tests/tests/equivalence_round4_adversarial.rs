//! Round 4: an adversarial corpus for the features added last (methods with every receiver,
//! locals borrowed across an `.await`, `.await` in match guards and `let` chains, drop flags
//! for values moved or assigned on one path only, value scrutinees kept to the end of their
//! `match`). Each case is small, compared side by side with the compiler's `async fn`, and
//! run over inputs that take every branch.

// Test bodies are written the way users write them (values held only for their drops, late
// initialization, a closure called once); `dead_code`: fields held only for their drops, and
// `noisy_pair`, which serves `mod pending` only.
#![allow(
    clippy::match_single_binding,
    clippy::match_like_matches_macro,
    clippy::manual_is_multiple_of,
    clippy::needless_late_init,
    clippy::redundant_closure_call,
    // `v.get(v.len() - 1)` stands for `v.last()`, which the transform once misread
    // (`vec_last_held` covers `last` itself).
    clippy::get_last_with_len,
    // `as_this(mut self)` names what it does to `self`.
    clippy::wrong_self_convention,
    unused_variables,
    unused_assignments,
    dead_code
)]

#[path = "equivalence/common.rs"]
mod common;

use core::future::Future;
use core::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use common::{BigError, check_small, echo, ev, measure, noisy_later, over, tick};
use visible_async::harness::{Log, Noisy, assert_equivalent};
use visible_async::visible_async;

// ----- leaf helpers ------------------------------------------------------------------------------

/// Pending once, then pushes to the buffer it borrows.
async fn fill(log: &Log, buf: &mut Vec<u32>) {
    tick(log, "fill").await;
    buf.push(u32::try_from(buf.len()).unwrap());
}

/// Pending once, then pushes a copy of `from` into `into`: borrows two places at once.
async fn copy_into(log: &Log, into: &mut Vec<String>, from: &str) {
    tick(log, &format!("copy {from}")).await;
    into.push(from.to_string());
}

fn noisy_pair(log: &Log) -> (Noisy, Noisy) {
    (Noisy::new(log, "left"), Noisy::new(log, "right"))
}

fn maybe_noisy(log: &Log, name: &str, some: bool) -> Option<Noisy> {
    some.then(|| Noisy::new(log, name))
}

fn len32(s: &str) -> u32 {
    u32::try_from(s.len()).unwrap()
}

// =================================================================================================
// 1. Methods
// =================================================================================================

struct Acc {
    log: Log,
    name: String,
    n: u32,
    items: Vec<u32>,
    seen: Vec<String>,
}

impl Drop for Acc {
    fn drop(&mut self) {
        self.log.push(format!(
            "drop acc {} n={} items={:?} seen={:?}",
            self.name, self.n, self.items, self.seen
        ));
    }
}

impl Acc {
    const STEP: u32 = 3;

    fn new(log: &Log, name: &str, n: u32) -> Self {
        Self {
            log: log.clone(),
            name: name.to_string(),
            n,
            items: vec![n],
            seen: Vec::new(),
        }
    }

    fn scaled(&self) -> u32 {
        self.n * Self::STEP
    }

    /// `self` in a closure, an `async` block held across an await, format and assertion
    /// macros, `matches!`, `Self::CONST` and `Self::assoc_fn(self)`.
    #[visible_async(compiler = everywhere_rustc)]
    async fn everywhere(&self, k: u32) -> u32 {
        let add = |x: u32| x + self.n;
        let later = async { self.n * 2 };
        tick(&self.log, "everywhere").await;
        self.log.push(format!("{}:{} k={}", self.name, self.n, k));
        assert!(self.n < 1000, "n too big: {}", self.n);
        assert_eq!(self.name.len(), 1, "{}", self.name);
        let in_range = matches!(self.n, 2..=5);
        let doubled = later.await;
        add(k) + doubled + u32::from(in_range) + Self::scaled(self) + Self::STEP
    }

    /// Two fields borrowed at once (one mutably) across awaits, and a future borrowing two
    /// fields.
    #[visible_async(compiler = two_fields_rustc)]
    async fn two_fields(&mut self, k: u32) -> usize {
        let items = &mut self.items;
        let name = &self.name;
        items.push(k);
        tick(&self.log, "two fields").await;
        items.push(len32(name));
        copy_into(&self.log, &mut self.seen, &self.name).await;
        self.n += 1;
        self.items.len() + self.seen.len()
    }

    /// `self` moved into a closure on one path only: the receiver needs a drop flag.
    #[visible_async(compiler = into_closure_on_one_path_rustc)]
    async fn into_closure_on_one_path(self, k: u32) -> u32 {
        let log = self.log.clone();
        tick(&log, "before").await;
        let mut r = 0;
        if k > 1 {
            let f = move || Self::scaled(&self) * k;
            tick(&log, "holding closure").await;
            r = f();
        }
        tick(&log, "after maybe move").await;
        log.push(format!("r {r}"));
        r
    }

    /// A `move` closure using only a `Copy` field of `self`: edition 2021 captures the
    /// field alone, so `self` is not moved and lives to the end.
    #[visible_async(compiler = closure_copies_a_field_rustc)]
    async fn closure_copies_a_field(self, k: u32) -> u32 {
        let log = self.log.clone();
        tick(&log, "before").await;
        let mut r = 0;
        if k > 1 {
            let f = move || self.n * k;
            tick(&log, "holding closure").await;
            r = f();
        }
        tick(&log, "after maybe move").await;
        log.push(format!("r {r}"));
        r
    }

    /// `mut self` assigned a new value on one path.
    #[visible_async(compiler = replace_self_rustc)]
    async fn replace_self(mut self, k: u32) -> u32 {
        self.n += k;
        tick(&self.log, "replace").await;
        if k % 2 == 0 {
            let log = self.log.clone();
            self = Self::new(&log, "b", self.n * 10);
        }
        tick(&self.log, "replaced").await;
        self.n
    }

    /// `self: Box<Self>` lent to another visible method, then reborrowed as `&Self`.
    #[visible_async(compiler = boxed_calls_rustc)]
    async fn boxed_calls(self: Box<Self>, k: u32) -> u32 {
        let a = self.everywhere(k).await;
        let this: &Self = &self;
        tick(&this.log, "boxed").await;
        a + this.n
    }

    /// `self: Pin<&mut Self>` reborrowed with `as_mut().get_mut()` across an await.
    #[visible_async(compiler = pinned_this_rustc)]
    async fn pinned_this(mut self: Pin<&mut Self>, k: u32) -> u32 {
        let this = self.as_mut().get_mut();
        this.n += k;
        tick(&this.log, "pinned this").await;
        this.items.push(this.n);
        let again = self.as_mut().get_mut();
        again.n += 1;
        tick(&self.log, "pinned again").await;
        self.n
    }

    #[visible_async(compiler = rc_self_rustc)]
    async fn rc_self(self: Rc<Self>, k: u32) -> usize {
        let other = Rc::clone(&self);
        tick(&self.log, "rc").await;
        let count = Rc::strong_count(&self);
        drop(other);
        tick(&self.log, "rc dropped other").await;
        count + Rc::strong_count(&self) + k as usize
    }

    /// `self: Arc<Self>` dropped explicitly while a closure keeps a clone.
    #[visible_async(compiler = arc_self_rustc)]
    async fn arc_self(self: Arc<Self>) -> u32 {
        let log = self.log.clone();
        let f = {
            let me = Arc::clone(&self);
            move |x: u32| x + me.n
        };
        tick(&log, "arc").await;
        let r = f(self.n);
        drop(self);
        tick(&log, "arc dropped self").await;
        r + f(1)
    }

    /// Awaits other visible methods on `self` (method and path call forms).
    #[visible_async(compiler = chained_rustc)]
    async fn chained(&mut self, k: u32) -> u32 {
        let a = self.everywhere(k).await;
        self.n += a % 7;
        let b = self.two_fields(a).await;
        let c = Self::everywhere(self, 1).await;
        a + u32::try_from(b).unwrap() + c
    }

    /// `self` reborrowed as `this` across an await, then `self` moved into another local.
    #[visible_async(compiler = this_then_moved_rustc)]
    async fn this_then_moved(mut self, k: u32) -> u32 {
        let this = &mut self;
        this.n += k;
        tick(&this.log, "this").await;
        this.items.push(k);
        let moved = self;
        tick(&moved.log, "moved").await;
        let r = moved.n;
        drop(moved);
        r
    }

    /// A guard awaiting on a value scrutinee that borrows a field; one arm then mutates it.
    #[visible_async(compiler = field_guard_rustc)]
    async fn field_guard(&mut self) -> u32 {
        match self.items.last() {
            Some(&x) if over(&self.log, x, self.n).await => {
                self.n = x;
                x
            }
            Some(&0) => 0,
            Some(_) => {
                self.items.clear();
                1
            }
            None => 2,
        }
    }

    /// A guard awaiting on a place of `self` (`self.n`, `Copy`); the arms assign it.
    #[visible_async(compiler = place_guard_rustc)]
    async fn place_guard(&mut self, limit: u32) -> u32 {
        match self.n {
            n if over(&self.log, n, limit).await => self.n = n - limit,
            0 => self.n = 100,
            _ => self.n += 1,
        }
        tick(&self.log, "after place guard").await;
        self.n
    }
}

#[test]
fn self_in_closures_async_blocks_and_macros() {
    for n in [1, 3, 9] {
        assert_equivalent(
            move |log| async move { Acc::new(&log, "a", n).everywhere(2).await },
            move |log| async move { Acc::new(&log, "a", n).everywhere_rustc(2).await },
        );
    }
}

#[test]
fn mut_self_two_fields_borrowed_across_awaits() {
    assert_equivalent(
        |log| async move {
            let mut a = Acc::new(&log, "a", 1);
            let r = a.two_fields(5).await;
            (r, a.two_fields(6).await)
        },
        |log| async move {
            let mut a = Acc::new(&log, "a", 1);
            let r = a.two_fields_rustc(5).await;
            (r, a.two_fields_rustc(6).await)
        },
    );
}

#[test]
fn self_moved_into_a_closure_on_one_path() {
    for k in [0, 1, 2, 5] {
        assert_equivalent(
            move |log| Acc::new(&log, "a", 3).into_closure_on_one_path(k),
            move |log| Acc::new(&log, "a", 3).into_closure_on_one_path_rustc(k),
        );
    }
}

#[test]
#[ignore = "transform bug: `move || self.n * k` is expanded to `{ let __self = __self.take(); move || __self.n * k }`; the closure copies only `.n` (disjoint capture), so visible drops self when the closure is made (\"drop acc a ..\" before \"ready holding closure\"), rustc at the end (after \"r 6\")"]
fn move_closure_copying_a_field_of_self() {
    for k in [0, 2] {
        assert_equivalent(
            move |log| Acc::new(&log, "a", 3).closure_copies_a_field(k),
            move |log| Acc::new(&log, "a", 3).closure_copies_a_field_rustc(k),
        );
    }
}

#[test]
fn mut_self_replaced_on_one_path() {
    for k in [1, 2] {
        assert_equivalent(
            move |log| Acc::new(&log, "a", 3).replace_self(k),
            move |log| Acc::new(&log, "a", 3).replace_self_rustc(k),
        );
    }
}

#[test]
fn boxed_self_calling_another_visible_method() {
    assert_equivalent(
        |log| Box::new(Acc::new(&log, "a", 4)).boxed_calls(1),
        |log| Box::new(Acc::new(&log, "a", 4)).boxed_calls_rustc(1),
    );
}

#[test]
fn pinned_self_reborrowed_across_awaits() {
    assert_equivalent(
        |log| async move {
            let mut a = core::pin::pin!(Acc::new(&log, "a", 2));
            let r = a.as_mut().pinned_this(3).await;
            (r, a.items.clone())
        },
        |log| async move {
            let mut a = core::pin::pin!(Acc::new(&log, "a", 2));
            let r = a.as_mut().pinned_this_rustc(3).await;
            (r, a.items.clone())
        },
    );
}

#[test]
fn rc_and_arc_self() {
    assert_equivalent(
        |log| async move {
            let a = Rc::new(Acc::new(&log, "a", 2));
            let kept = Rc::clone(&a);
            let r = a.rc_self(1).await;
            (r, Rc::strong_count(&kept))
        },
        |log| async move {
            let a = Rc::new(Acc::new(&log, "a", 2));
            let kept = Rc::clone(&a);
            let r = a.rc_self_rustc(1).await;
            (r, Rc::strong_count(&kept))
        },
    );
    assert_equivalent(
        |log| Arc::new(Acc::new(&log, "a", 2)).arc_self(),
        |log| Arc::new(Acc::new(&log, "a", 2)).arc_self_rustc(),
    );
}

#[test]
fn method_awaiting_other_visible_methods_on_self() {
    assert_equivalent(
        |log| async move { Acc::new(&log, "a", 2).chained(4).await },
        |log| async move { Acc::new(&log, "a", 2).chained_rustc(4).await },
    );
}

#[test]
fn self_reborrowed_as_this_then_moved() {
    assert_equivalent(
        |log| Acc::new(&log, "a", 2).this_then_moved(4),
        |log| Acc::new(&log, "a", 2).this_then_moved_rustc(4),
    );
}

#[test]
fn awaiting_guard_on_a_field_borrowing_scrutinee() {
    for items in [vec![], vec![0], vec![1], vec![9]] {
        let a = items.clone();
        let b = items.clone();
        assert_equivalent(
            move |log| {
                let items = a.clone();
                async move {
                    let mut acc = Acc::new(&log, "a", 2);
                    acc.items = items;
                    acc.field_guard().await
                }
            },
            move |log| {
                let items = b.clone();
                async move {
                    let mut acc = Acc::new(&log, "a", 2);
                    acc.items = items;
                    acc.field_guard_rustc().await
                }
            },
        );
    }
}

#[test]
fn awaiting_guard_on_a_place_of_self_assigned_in_arms() {
    for n in [0, 2, 7] {
        assert_equivalent(
            move |log| async move { Acc::new(&log, "a", n).place_guard(3).await },
            move |log| async move { Acc::new(&log, "a", n).place_guard_rustc(3).await },
        );
    }
}

// ----- `Self { .. }` literals and patterns on a struct without `Drop` -----------------------------

struct Shape {
    tag: Noisy,
    w: u32,
    h: u32,
}

impl Shape {
    const UNIT: u32 = 1;

    fn area(&self) -> u32 {
        self.w * self.h
    }

    /// `Self { .. }` destructuring, literals and struct update syntax across awaits.
    #[visible_async(compiler = grow_rustc)]
    async fn grow(self, log: Log, by: u32) -> (String, u32, u32) {
        let Self { tag, w, h } = self;
        tick(&log, "grow").await;
        let bigger = Self {
            tag,
            w: w + by,
            h: h + Self::UNIT,
        };
        tick(&log, "grown").await;
        let last = Self {
            w: bigger.w * 2,
            ..bigger
        };
        (last.tag.name().to_string(), last.w, last.h)
    }

    /// A guard awaiting on `self` matched with `Self { .. }` patterns.
    #[visible_async(compiler = area_or_rustc)]
    async fn area_or(&self, log: &Log) -> u32 {
        let area = Self::area(self);
        match self {
            Self { w: 0, .. } | Self { h: 0, .. } => 0,
            Self { w, h, .. } if over(log, *w * *h, 4).await => area,
            Self { tag, .. } => {
                tick(log, "small").await;
                len32(tag.name())
            }
        }
    }
}

#[test]
fn self_literals_destructuring_and_update_syntax() {
    assert_equivalent(
        |log| {
            let s = Shape {
                tag: Noisy::new(&log, "tag"),
                w: 1,
                h: 2,
            };
            s.grow(log, 3)
        },
        |log| {
            let s = Shape {
                tag: Noisy::new(&log, "tag"),
                w: 1,
                h: 2,
            };
            s.grow_rustc(log, 3)
        },
    );
}

#[test]
fn awaiting_guard_on_self_with_self_patterns() {
    for (w, h) in [(0, 3), (2, 5), (1, 1)] {
        assert_equivalent(
            move |log| async move {
                let s = Shape {
                    tag: Noisy::new(&log, "tag"),
                    w,
                    h,
                };
                s.area_or(&log).await
            },
            move |log| async move {
                let s = Shape {
                    tag: Noisy::new(&log, "tag"),
                    w,
                    h,
                };
                s.area_or_rustc(&log).await
            },
        );
    }
}

// ----- generic and lifetime-carrying impls -------------------------------------------------------

trait Weigh {
    const ZERO: u32;
    fn weight(&self) -> u32;
}

impl Weigh for u32 {
    const ZERO: u32 = 0;
    fn weight(&self) -> u32 {
        *self
    }
}

impl Weigh for String {
    const ZERO: u32 = 1;
    fn weight(&self) -> u32 {
        len32(self)
    }
}

struct Bag<T> {
    log: Log,
    items: Vec<T>,
}

impl<T: Weigh + Clone + core::fmt::Debug> Bag<T> {
    #[visible_async(compiler = heaviest_rustc)]
    async fn heaviest(&self) -> Option<&T> {
        let mut best: Option<&T> = None;
        for item in &self.items {
            tick(&self.log, &format!("weigh {item:?}")).await;
            if best.is_none_or(|b| item.weight() > b.weight()) {
                best = Some(item);
            }
        }
        best
    }

    /// A generic closure parameter, `T::ZERO`, a short-circuit awaiting condition, and
    /// `self.items.remove(i)` after an await.
    #[visible_async(compiler = take_heavy_rustc)]
    async fn take_heavy<F>(&mut self, limit: u32, keep: F) -> Vec<T>
    where
        F: Fn(&T) -> bool,
    {
        let mut taken = Vec::new();
        let mut i = 0;
        while i < self.items.len() {
            let w = self.items[i].weight() + T::ZERO;
            if w > limit && !keep(&self.items[i]) && over(&self.log, w, limit).await {
                taken.push(self.items.remove(i));
                continue;
            }
            i += 1;
        }
        taken
    }
}

#[test]
fn generic_impl_methods() {
    assert_equivalent(
        |log| async move {
            let mut bag = Bag {
                log,
                items: vec![3u32, 9, 1, 12, 4],
            };
            let h = bag.heaviest().await.copied();
            let t = bag.take_heavy(3, |x| *x == 9).await;
            (h, t, bag.items)
        },
        |log| async move {
            let mut bag = Bag {
                log,
                items: vec![3u32, 9, 1, 12, 4],
            };
            let h = bag.heaviest_rustc().await.copied();
            let t = bag.take_heavy_rustc(3, |x| *x == 9).await;
            (h, t, bag.items)
        },
    );
    let words = || vec!["ab".to_string(), "abcd".to_string(), "x".to_string()];
    assert_equivalent(
        move |log| async move {
            let mut bag = Bag {
                log,
                items: words(),
            };
            let h = bag.heaviest().await.cloned();
            (h, bag.take_heavy(1, |s| s.is_empty()).await)
        },
        move |log| async move {
            let mut bag = Bag {
                log,
                items: words(),
            };
            let h = bag.heaviest_rustc().await.cloned();
            (h, bag.take_heavy_rustc(1, |s| s.is_empty()).await)
        },
    );
}

struct Cursor<'a> {
    log: Log,
    data: &'a [u32],
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// Returns `&'a` data (not borrowing the cursor) computed across awaits.
    #[visible_async(compiler = next_run_rustc)]
    async fn next_run(&mut self) -> &'a [u32] {
        let start = self.pos;
        while self.pos < self.data.len() && self.data[self.pos] == self.data[start] {
            tick(&self.log, "run").await;
            self.pos += 1;
        }
        &self.data[start..self.pos]
    }

    /// Two lifetimes in the output: the impl's and a parameter's.
    #[visible_async(compiler = find_rustc)]
    async fn find<'k>(&self, key: &'k u32) -> Option<(&'a u32, &'k u32)> {
        for item in self.data {
            if over(&self.log, *item + 1, *key).await {
                return Some((item, key));
            }
        }
        None
    }
}

#[test]
fn lifetime_impl_returning_impl_data() {
    let data = vec![1u32, 1, 2, 3, 3, 3];
    let data = &data;
    assert_equivalent(
        move |log| async move {
            let mut c = Cursor { log, data, pos: 0 };
            let mut runs = Vec::new();
            loop {
                let run = c.next_run().await;
                if run.is_empty() {
                    break;
                }
                runs.push(run);
            }
            let key = 2;
            let found = c.find(&key).await.map(|(a, b)| (*a, *b));
            (runs, found)
        },
        move |log| async move {
            let mut c = Cursor { log, data, pos: 0 };
            let mut runs = Vec::new();
            loop {
                let run = c.next_run_rustc().await;
                if run.is_empty() {
                    break;
                }
                runs.push(run);
            }
            let key = 2;
            let found = c.find_rustc(&key).await.map(|(a, b)| (*a, *b));
            (runs, found)
        },
    );
}

// ----- trait impls with associated items, `Self::Out` and `self: Box<Self>` -----------------------

trait Machine {
    const START: u32;
    type Out: core::fmt::Debug + PartialEq;
    async fn step(&mut self, k: u32) -> Self::Out;
    fn finish(self, extra: u32) -> impl Future<Output = (u32, Self::Out)>;
    async fn boxed(self: Box<Self>) -> u32;
}

struct Mach {
    log: Log,
    n: u32,
    hist: Vec<u32>,
    tag: Noisy,
}

struct VisibleMach(Mach);
struct CompilerMach(Mach);

/// The same trait impl, once with the attribute and once without.
macro_rules! impl_machine {
    ($ty:ident $(, $attr:meta)?) => {
        impl Machine for $ty {
            const START: u32 = 10;
            type Out = Vec<u32>;

            $(#[$attr])?
            async fn step(&mut self, k: u32) -> Self::Out {
                let hist = &mut self.0.hist;
                hist.push(k + Self::START);
                tick(&self.0.log, "step").await;
                hist.push(self.0.n);
                match k {
                    n if over(&self.0.log, n, 1).await => self.0.n += n,
                    _ => self.0.n += 100,
                }
                self.0.hist.clone()
            }

            $(#[$attr])?
            async fn finish(self, extra: u32) -> (u32, Self::Out) {
                let Self(mach) = self;
                tick(&mach.log, "finish").await;
                let out: Self::Out = mach.hist.iter().map(|h| h + extra).collect();
                (mach.n + <Self as Machine>::START, out)
            }

            $(#[$attr])?
            async fn boxed(self: Box<Self>) -> u32 {
                let log = self.0.log.clone();
                tick(&log, "boxed").await;
                let n = self.0.n;
                drop(self);
                tick(&log, "boxed dropped").await;
                n
            }
        }
    };
}

impl_machine!(VisibleMach, visible_async);
impl_machine!(CompilerMach);

async fn drive<M: Machine>(mut m: M, k: u32) -> (M::Out, (u32, M::Out)) {
    let a = m.step(k).await;
    let b = m.step(k + 1).await;
    drop(a);
    (b, m.finish(5).await)
}

fn mach(log: Log) -> Mach {
    Mach {
        tag: Noisy::new(&log, "mach"),
        log,
        n: 1,
        hist: Vec::new(),
    }
}

#[test]
fn trait_impl_with_associated_items_and_box_self() {
    for k in [0, 3] {
        assert_equivalent(
            move |log| drive(VisibleMach(mach(log)), k),
            move |log| drive(CompilerMach(mach(log)), k),
        );
    }
    assert_equivalent(
        |log| Box::new(VisibleMach(mach(log))).boxed(),
        |log| Box::new(CompilerMach(mach(log))).boxed(),
    );
}

// =================================================================================================
// 2. Borrows across `.await`
// =================================================================================================

struct Parts {
    nums: Vec<u32>,
    label: String,
    tag: Noisy,
}

#[visible_async(compiler = field_mut_and_read_rustc)]
async fn field_mut_and_read(log: Log, k: u32) -> usize {
    let mut p = Parts {
        nums: vec![1, 2],
        label: String::from("lbl"),
        tag: Noisy::new(&log, "tag"),
    };
    let nums = &mut p.nums;
    let label = &p.label;
    nums.push(k);
    let n = measure(&log, label).await;
    nums.push(u32::try_from(n).unwrap());
    fill(&log, nums).await;
    log.push(format!("{:?} {}", p.nums, p.tag.name()));
    p.nums.len() + label.len()
}

#[test]
fn mutable_borrow_of_one_field_while_reading_another() {
    assert_equivalent(
        |log| field_mut_and_read(log, 7),
        |log| field_mut_and_read_rustc(log, 7),
    );
}

#[visible_async(compiler = slice_iterators_rustc)]
async fn slice_iterators(log: Log, mut v: Vec<u32>) -> (Vec<u32>, u32, u32) {
    for x in v.iter_mut() {
        *x += echo(&log, *x).await;
    }
    let mut chunk_sums = 0;
    for c in v.chunks(2) {
        chunk_sums += echo(&log, c.iter().sum()).await;
    }
    let mut rising = 0;
    for w in v.windows(2) {
        if over(&log, w[1], w[0]).await {
            rising += 1;
        }
    }
    for (i, x) in v.iter().enumerate().rev() {
        if over(&log, *x, 5).await {
            log.push(format!("last big at {i}"));
            break;
        }
    }
    (v, chunk_sums, rising)
}

#[test]
fn iter_mut_chunks_windows_across_awaits() {
    for v in [vec![], vec![1], vec![3, 1, 4, 1, 5]] {
        let a = v.clone();
        let b = v.clone();
        assert_equivalent(
            move |log| slice_iterators(log, a.clone()),
            move |log| slice_iterators_rustc(log, b.clone()),
        );
    }
}

#[visible_async(compiler = labeled_borrow_loops_rustc)]
async fn labeled_borrow_loops(log: Log, stop: u32) -> Vec<u32> {
    let grid = vec![vec![1, 2, 3], vec![4, 5], vec![6, 7, 8], vec![9]];
    let mut out = Vec::new();
    'rows: for row in &grid {
        let guard = Noisy::new(&log, "row guard");
        for x in row {
            let x = echo(&log, *x).await;
            if x == stop {
                break 'rows;
            }
            if x % 3 == 0 {
                continue 'rows;
            }
            if x % 2 == 0 {
                continue;
            }
            out.push(x);
        }
        out.push(0);
    }
    out
}

#[test]
fn borrowed_rows_in_labeled_loops_with_break_and_continue() {
    for stop in [2, 5, 8, 100] {
        assert_equivalent(
            move |log| labeled_borrow_loops(log, stop),
            move |log| labeled_borrow_loops_rustc(log, stop),
        );
    }
}

#[visible_async(compiler = refs_in_vec_rustc)]
async fn refs_in_vec(log: Log, min: usize) -> String {
    let names = vec![String::from("a"), String::from("bcd"), String::from("ef")];
    let mut kept: Vec<&String> = Vec::new();
    for s in &names {
        if measure(&log, s).await >= min {
            kept.push(s);
        }
    }
    tick(&log, "kept").await;
    let mut out = String::new();
    for s in &kept {
        out.push_str(s);
        out.push_str(&measure(&log, s).await.to_string());
    }
    out
}

#[test]
fn references_stored_in_a_vec_across_awaits() {
    for min in [0, 2, 9] {
        assert_equivalent(
            move |log| refs_in_vec(log, min),
            move |log| refs_in_vec_rustc(log, min),
        );
    }
}

#[visible_async(compiler = get_held_rustc)]
async fn get_held(log: Log, i: usize) -> usize {
    let v = vec![Noisy::new(&log, "v0"), Noisy::new(&log, "v1")];
    let first = v.get(i);
    tick(&log, "holding get").await;
    let n = first.map_or(0, |n| n.name().len());
    if let Some(x) = v.get(i + 1) {
        tick(&log, "holding if let get").await;
        log.push(x.name().to_string());
    }
    let end = v.get(v.len() - 1);
    tick(&log, "holding end").await;
    n + end.map_or(0, |l| l.name().len())
}

#[test]
fn option_ref_from_get_held_across_awaits() {
    for i in 0..3 {
        assert_equivalent(
            move |log| get_held(log, i),
            move |log| get_held_rustc(log, i),
        );
    }
}

#[visible_async(compiler = string_slices_rustc)]
async fn string_slices(log: Log, split: usize) -> (usize, String) {
    let s = String::from("hello brave world");
    let (head, tail) = s.split_at(split);
    let words: Vec<&str> = tail.split(' ').collect();
    let first = measure(&log, head).await;
    let mut longest = "";
    for w in &words {
        if measure(&log, w).await > longest.len() {
            longest = w;
        }
    }
    let rest = &s[split..];
    tick(&log, "rest").await;
    (first + rest.len(), longest.to_string())
}

#[test]
fn slices_of_a_local_string_across_awaits() {
    for split in [0, 5, 11] {
        assert_equivalent(
            move |log| string_slices(log, split),
            move |log| string_slices_rustc(log, split),
        );
    }
}

#[visible_async(compiler = closure_mut_borrow_rustc)]
async fn closure_mut_borrow(log: Log) -> (u32, Vec<u32>) {
    let mut count = 0;
    let mut seen = Vec::new();
    let mut note = |x: u32| {
        count += x;
        seen.push(x);
    };
    note(1);
    tick(&log, "closure held").await;
    note(echo(&log, 2).await);
    (count, seen)
}

#[test]
fn closure_borrowing_locals_mutably_across_awaits() {
    assert_equivalent(closure_mut_borrow, closure_mut_borrow_rustc);
}

/// A borrowed local that is also moved on one path: a home and a drop flag at once.
#[visible_async(compiler = borrowed_then_moved_on_a_path_rustc)]
async fn borrowed_then_moved_on_a_path(log: Log, early: bool) {
    let a = Noisy::new(&log, "a");
    let b = Noisy::new(&log, "b");
    let r = if early { &a } else { &b };
    tick(&log, "t").await;
    log.push(r.name().to_string());
    if early {
        drop(a);
    } else {
        drop(b);
    }
    tick(&log, "after").await;
    log.push("end");
}

#[test]
fn borrowed_local_moved_on_one_path_afterwards() {
    for early in [false, true] {
        assert_equivalent(
            move |log| borrowed_then_moved_on_a_path(log, early),
            move |log| borrowed_then_moved_on_a_path_rustc(log, early),
        );
    }
}

// =================================================================================================
// 3. `.await` in match guards
// =================================================================================================

#[visible_async(compiler = tuple_guard_rustc)]
async fn tuple_guard(log: Log, a: Option<u32>, b: Option<u32>) -> u32 {
    let held = Noisy::new(&log, "held");
    match (a, b) {
        (Some(x), Some(y)) if over(&log, x, y).await => x - y,
        (Some(x), _) if over(&log, x, 3).await => x,
        (_, Some(y)) if ev(&log, "y even", y % 2 == 0).await => y * 10,
        (None, None) => 0,
        _ => 1,
    }
}

#[test]
fn awaiting_guards_on_a_tuple_of_locals() {
    for a in [None, Some(1), Some(5)] {
        for b in [None, Some(2), Some(3)] {
            assert_equivalent(
                move |log| tuple_guard(log, a, b),
                move |log| tuple_guard_rustc(log, a, b),
            );
        }
    }
}

#[derive(Clone)]
enum Cmd {
    Put(String, u32),
    Get(String),
    Quit,
}

#[visible_async(compiler = enum_guard_rustc)]
async fn enum_guard(log: Log, cmd: Cmd) -> String {
    let store = Noisy::new(&log, "store");
    let by_ref = match &cmd {
        Cmd::Put(k, v) if measure(&log, k).await > 2 && over(&log, *v, 5).await => {
            format!("big put {k}")
        }
        Cmd::Put(k, _) => format!("put {k}"),
        Cmd::Get(k) if measure(&log, k).await == 0 => String::from("empty get"),
        Cmd::Get(k) => format!("get {k}"),
        Cmd::Quit => String::from("quit"),
    };
    // The same on the place itself, with `ref` bindings.
    let by_place = match cmd {
        Cmd::Put(ref k, v) if over(&log, v, len32(k)).await => v,
        Cmd::Get(ref k) if measure(&log, k).await > 1 => 1,
        _ => 0,
    };
    drop(cmd);
    tick(&log, "after drop").await;
    format!("{by_ref} {by_place}")
}

#[test]
fn awaiting_guards_on_an_enum_by_reference_and_by_place() {
    for cmd in [
        Cmd::Put("key".into(), 9),
        Cmd::Put("key".into(), 1),
        Cmd::Put("k".into(), 9),
        Cmd::Get(String::new()),
        Cmd::Get("abc".into()),
        Cmd::Quit,
    ] {
        let a = cmd.clone();
        let b = cmd;
        assert_equivalent(
            move |log| enum_guard(log, a.clone()),
            move |log| enum_guard_rustc(log, b.clone()),
        );
    }
}

#[visible_async(compiler = at_binding_guard_rustc)]
async fn at_binding_guard(log: Log, x: u32) -> u32 {
    match x {
        n @ 0..=3 if over(&log, n, 1).await => n,
        n @ (4 | 6 | 8) if ev(&log, "even", n != 6).await => n * 2,
        n @ 4..=9 => n * 3,
        n if over(&log, n, 20).await => 20,
        _ => 0,
    }
}

#[test]
fn awaiting_guards_with_at_bindings_and_ranges() {
    for x in [0, 2, 4, 6, 7, 15, 25] {
        assert_equivalent(
            move |log| at_binding_guard(log, x),
            move |log| at_binding_guard_rustc(log, x),
        );
    }
}

#[visible_async(compiler = guard_loop_rustc)]
async fn guard_loop(log: Log, xs: Vec<u32>) -> u32 {
    let mut total = 0;
    'outer: for x in xs {
        let iteration = Noisy::new(&log, format!("iter {x}"));
        match x {
            0 => break,
            n if over(&log, n, 5).await => continue 'outer,
            n if n % 2 == 0 && ev(&log, "even", true).await => {
                total += n;
                continue;
            }
            n => total += n * 10,
        }
        log.push(format!("after match {x}"));
    }
    total
}

#[test]
fn awaiting_guards_in_a_loop_with_break_and_continue() {
    for xs in [vec![1, 2, 7, 4, 0, 3], vec![8, 3]] {
        let a = xs.clone();
        let b = xs.clone();
        assert_equivalent(
            move |log| guard_loop(log, a.clone()),
            move |log| guard_loop_rustc(log, b.clone()),
        );
    }
}

#[visible_async(compiler = nested_match_guard_rustc)]
async fn nested_match_guard(log: Log, x: Option<u32>) -> u32 {
    match x {
        Some(n)
            if match n % 3 {
                0 => over(&log, n, 2).await,
                1 => false,
                _ => ev(&log, "rem 2", n > 4).await,
            } =>
        {
            n
        }
        Some(n)
            if match Some(n) {
                Some(m) if over(&log, m, 0).await => true,
                _ => false,
            } =>
        {
            n + 100
        }
        _ => 0,
    }
}

#[test]
fn nested_awaiting_match_inside_a_guard() {
    for x in [None, Some(0), Some(1), Some(3), Some(5), Some(8)] {
        assert_equivalent(
            move |log| nested_match_guard(log, x),
            move |log| nested_match_guard_rustc(log, x),
        );
    }
}

#[visible_async(compiler = guard_option_q_rustc)]
async fn guard_option_q(log: Log, x: Option<u32>, y: Option<u32>) -> Option<u32> {
    let held = Noisy::new(&log, "held");
    let r = match x? {
        n if ev(&log, "y", y).await? > n => n,
        n if check_small(n, 5).await.ok()? > 2 => n * 2,
        n => n * 3,
    };
    tick(&log, "after match").await;
    Some(r)
}

#[test]
fn awaiting_guards_with_question_mark_on_option() {
    for x in [None, Some(1), Some(3), Some(7)] {
        for y in [None, Some(2)] {
            assert_equivalent(
                move |log| guard_option_q(log, x, y),
                move |log| guard_option_q_rustc(log, x, y),
            );
        }
    }
}

#[visible_async(compiler = guard_result_q_rustc)]
async fn guard_result_q(log: Log, x: u32) -> Result<u32, BigError> {
    let held = Noisy::new(&log, "held");
    match x {
        n if check_small(n, 10).await? > 5 => Ok(n),
        n if {
            let v = check_small(n * 2, 10).await?;
            v > 4
        } =>
        {
            Ok(n * 2)
        }
        n => Err(BigError(format!("plain {n}"))),
    }
}

#[test]
fn awaiting_guards_with_question_mark_and_from() {
    for x in [0, 3, 6, 12] {
        assert_equivalent(
            move |log| guard_result_q(log, x),
            move |log| guard_result_q_rustc(log, x),
        );
    }
}

#[visible_async(compiler = str_scrutinee_guard_rustc)]
async fn str_scrutinee_guard(log: Log, s: String) -> usize {
    let n = match s.as_str() {
        "" => 0,
        t if measure(&log, t).await > 3 => t.len() * 10,
        t if t.starts_with('a') && measure(&log, &t[1..]).await > 0 => 1,
        _ => 2,
    };
    tick(&log, "after").await;
    n + s.len()
}

#[test]
fn awaiting_guards_on_a_borrowed_str_value() {
    for s in ["", "abcde", "ab", "a", "xy"] {
        assert_equivalent(
            move |log| str_scrutinee_guard(log, s.to_string()),
            move |log| str_scrutinee_guard_rustc(log, s.to_string()),
        );
    }
}

/// Only the arms after a guard that awaits (and fails) use `bonus` and `label`.
#[visible_async(compiler = later_arm_uses_param_rustc)]
async fn later_arm_uses_param(log: Log, x: u32, bonus: u32, label: &'static str) -> String {
    match x {
        n if over(&log, n, 2).await => format!("big {n}"),
        n => format!("{label} {}", n + bonus),
    }
}

#[test]
fn arm_after_a_failed_awaiting_guard_uses_a_parameter() {
    for x in [1, 5] {
        assert_equivalent(
            move |log| later_arm_uses_param(log, x, 10, "small"),
            move |log| later_arm_uses_param_rustc(log, x, 10, "small"),
        );
    }
}

/// The arm after a guard that awaits (and fails) awaits too, and then uses `bonus`.
#[visible_async(compiler = later_arm_awaits_rustc)]
async fn later_arm_awaits(log: Log, x: u32, bonus: u32) -> u32 {
    match x {
        n if over(&log, n, 2).await => n,
        n => {
            tick(&log, "later").await;
            n + bonus
        }
    }
}

#[test]
fn arm_after_a_failed_awaiting_guard_awaits_then_uses_a_parameter() {
    for x in [1, 5] {
        assert_equivalent(
            move |log| later_arm_awaits(log, x, 10),
            move |log| later_arm_awaits_rustc(log, x, 10),
        );
    }
}

#[visible_async(compiler = deref_scrutinee_guard_rustc)]
async fn deref_scrutinee_guard(log: Log, start: u32) -> u32 {
    let mut x = start;
    let r = &mut x;
    match *r {
        n if over(&log, n, 3).await => *r += 10,
        0 => *r = 100,
        _ => *r += 1,
    }
    tick(&log, "after").await;
    *r += 1;
    x
}

#[test]
fn awaiting_guard_on_a_deref_place_assigned_in_arms() {
    for start in [0, 2, 5] {
        assert_equivalent(
            move |log| deref_scrutinee_guard(log, start),
            move |log| deref_scrutinee_guard_rustc(log, start),
        );
    }
}

#[visible_async(compiler = noisy_scrutinee_guard_rustc)]
async fn noisy_scrutinee_guard(log: Log, n: u32) -> usize {
    let r = match (Noisy::new(&log, "scrutinee"), n) {
        (ref t, m) if over(&log, m, 2).await => t.name().len() + m as usize,
        (ref t, 0) => {
            tick(&log, "zero arm").await;
            t.name().len()
        }
        (_, m) => m as usize,
    };
    log.push("after match");
    r
}

#[test]
fn awaiting_guard_on_a_value_scrutinee_holding_a_noisy() {
    for n in [0, 1, 5] {
        assert_equivalent(
            move |log| noisy_scrutinee_guard(log, n),
            move |log| noisy_scrutinee_guard_rustc(log, n),
        );
    }
}

// =================================================================================================
// 4. `let` chains with `.await`
// =================================================================================================

#[visible_async(compiler = long_chain_rustc)]
async fn long_chain(log: Log, x: Option<usize>, r: Result<u32, u32>) -> u32 {
    let table = vec![5u32, 1, 9];
    if let Some(i) = x
        && let Ok(limit) = ev(&log, "res", r).await
        && i < table.len()
        && let Some(&cell) = table.get(i)
        && over(&log, cell, limit).await
        && let c @ 1.. = cell - limit
    {
        log.push(format!("then {i} {cell} {c}"));
        c
    } else {
        log.push("else");
        0
    }
}

#[test]
fn long_let_chain_with_awaits_between_lets() {
    for x in [None, Some(0), Some(1), Some(2), Some(7)] {
        for r in [Ok(3), Err(0)] {
            assert_equivalent(
                move |log| long_chain(log, x, r),
                move |log| long_chain_rustc(log, x, r),
            );
        }
    }
}

#[visible_async(compiler = else_if_chains_rustc)]
async fn else_if_chains(log: Log, a: Option<u32>, b: Option<u32>) -> &'static str {
    let held = Noisy::new(&log, "held");
    if let Some(x) = a
        && over(&log, x, 5).await
    {
        "a big"
    } else if let Some(y) = b
        && over(&log, y, 5).await
        && let Some(x) = a
    {
        if x + y > 8 {
            "b big, big sum"
        } else {
            "b big, small sum"
        }
    } else if ev(&log, "third", a.is_some() || b.is_some()).await
        && let Some(z) = a.or(b)
        && z > 0
    {
        "some"
    } else {
        "none"
    }
}

#[test]
fn else_if_let_chains_each_awaiting() {
    for a in [None, Some(0), Some(2), Some(9)] {
        for b in [None, Some(1), Some(7)] {
            assert_equivalent(
                move |log| else_if_chains(log, a, b),
                move |log| else_if_chains_rustc(log, a, b),
            );
        }
    }
}

#[visible_async(compiler = chain_labeled_loops_rustc)]
async fn chain_labeled_loops(log: Log, rows: Vec<Vec<Option<u32>>>) -> u32 {
    let mut total = 0;
    'outer: for row in &rows {
        for cell in row {
            let it = Noisy::new(&log, "cell");
            if let Some(n) = cell
                && over(&log, *n, 4).await
            {
                if *n > 8 {
                    break 'outer;
                }
                continue 'outer;
            } else if let Some(n) = cell
                && *n == 0
            {
                break;
            }
            total += cell.unwrap_or(100);
        }
        total += 1000;
    }
    total
}

#[test]
fn let_chains_in_labeled_loops() {
    let rows = |last: u32| {
        vec![
            vec![Some(1), None, Some(5), Some(2)],
            vec![Some(2), Some(0), Some(3)],
            vec![None, Some(last), Some(1)],
            vec![Some(3)],
        ]
    };
    for last in [2, 9] {
        assert_equivalent(
            move |log| chain_labeled_loops(log, rows(last)),
            move |log| chain_labeled_loops_rustc(log, rows(last)),
        );
    }
}

#[visible_async(compiler = while_chain_rustc)]
async fn while_chain(log: Log, start: Vec<u32>) -> Vec<u32> {
    let mut stack = start;
    let mut out = Vec::new();
    while let Some(top) = stack.pop()
        && ev(&log, "keep going", top != 0).await
        && let Some(half) = top.checked_div(2)
    {
        let body = Noisy::new(&log, "body");
        if half > 0 && over(&log, half, 2).await {
            stack.push(half);
            continue;
        }
        out.push(top);
    }
    out.extend(stack);
    out
}

#[test]
fn while_let_chain_with_awaits_and_continue() {
    for start in [vec![], vec![1, 12, 3], vec![4, 0, 9]] {
        let a = start.clone();
        let b = start.clone();
        assert_equivalent(
            move |log| while_chain(log, a.clone()),
            move |log| while_chain_rustc(log, b.clone()),
        );
    }
}

#[visible_async(compiler = chain_borrows_rustc)]
async fn chain_borrows(log: Log, names: Vec<String>) -> usize {
    if let Some(first) = names.first()
        && measure(&log, first).await > 1
        && let Some(c) = first.chars().next()
        && let Some(last) = names.last()
        && measure(&log, last).await > 0
    {
        tick(&log, "in then").await;
        first.len() + last.len() + c as usize
    } else {
        names.len()
    }
}

#[test]
fn let_chain_bindings_borrowing_a_local_across_awaits() {
    for names in [vec![], vec!["a"], vec!["ab", ""], vec!["ab", "cde"]] {
        let make = move || names.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
        let make = &make;
        assert_equivalent(
            move |log| chain_borrows(log, make()),
            move |log| chain_borrows_rustc(log, make()),
        );
    }
}

#[visible_async(compiler = chain_value_bindings_rustc)]
async fn chain_value_bindings(log: Log, a: bool, b: bool, c: bool) -> usize {
    let r = if let Some(x) = maybe_noisy(&log, "x", a)
        && ev(&log, "mid", b).await
        && let Some(y) = maybe_noisy(&log, "y", c)
    {
        tick(&log, "then").await;
        x.name().len() + y.name().len()
    } else {
        tick(&log, "else").await;
        0
    };
    log.push("after if");
    r
}

#[test]
fn let_chain_binding_noisy_values_by_value() {
    for a in [false, true] {
        for b in [false, true] {
            for c in [false, true] {
                assert_equivalent(
                    move |log| chain_value_bindings(log, a, b, c),
                    move |log| chain_value_bindings_rustc(log, a, b, c),
                );
            }
        }
    }
}

#[visible_async(compiler = chain_question_rustc)]
async fn chain_question(log: Log, a: Option<u32>) -> Result<u32, BigError> {
    let held = Noisy::new(&log, "held");
    let r = if let Some(x) = a
        && check_small(x, 10).await? > 3
        && let Ok(y) = check_small(x * 2, 10).await
    {
        y
    } else {
        0
    };
    tick(&log, "after").await;
    Ok(r)
}

#[test]
fn let_chain_with_question_mark() {
    for a in [None, Some(1), Some(4), Some(7), Some(12)] {
        assert_equivalent(
            move |log| chain_question(log, a),
            move |log| chain_question_rustc(log, a),
        );
    }
}

// =================================================================================================
// 5. Drop flags
// =================================================================================================

#[visible_async(compiler = conditional_init_rustc)]
async fn conditional_init(log: Log, c: bool) -> usize {
    let x;
    let y: Noisy;
    if c {
        x = Noisy::new(&log, "x");
        log.push(x.name().to_string());
    } else {
        y = Noisy::new(&log, "y");
    }
    tick(&log, "t").await;
    log.push("end");
    usize::from(c)
}

#[test]
fn declared_then_initialized_on_one_path() {
    for c in [false, true] {
        assert_equivalent(
            move |log| conditional_init(log, c),
            move |log| conditional_init_rustc(log, c),
        );
    }
}

#[visible_async(compiler = moved_then_break_rustc)]
async fn moved_then_break(log: Log, at: u32) -> u32 {
    let a = Noisy::new(&log, "a");
    let mut i = 0;
    loop {
        if i == at {
            drop(a);
            break;
        }
        if i > 3 {
            break;
        }
        tick(&log, "loop").await;
        i += 1;
    }
    tick(&log, "after loop").await;
    i
}

#[test]
fn moved_in_a_loop_then_break() {
    for at in [0, 2, 9] {
        assert_equivalent(
            move |log| moved_then_break(log, at),
            move |log| moved_then_break_rustc(log, at),
        );
    }
}

#[visible_async(compiler = moved_then_continue_rustc)]
async fn moved_then_continue(log: Log, n: u32) -> Vec<String> {
    let mut kept = Vec::new();
    for i in 0..n {
        let item = Noisy::new(&log, format!("item {i}"));
        if i % 3 == 0 {
            kept.push(item);
            continue;
        }
        if i % 3 == 1 {
            tick(&log, "before drop").await;
            drop(item);
            continue;
        }
        tick(&log, "holding").await;
        log.push(item.name().to_string());
    }
    tick(&log, "end").await;
    kept.iter().map(|k| k.name().to_string()).collect()
}

#[test]
fn moved_then_continue_per_iteration() {
    assert_equivalent(
        |log| moved_then_continue(log, 5),
        |log| moved_then_continue_rustc(log, 5),
    );
}

#[visible_async(compiler = reassigned_after_maybe_move_rustc)]
async fn reassigned_after_maybe_move(log: Log, c: bool) -> usize {
    let mut a = Noisy::new(&log, "a1");
    if c {
        drop(a);
    }
    tick(&log, "t1").await;
    a = Noisy::new(&log, "a2");
    tick(&log, "t2").await;
    a.name().len()
}

#[test]
fn assigned_after_a_move_on_one_path() {
    for c in [false, true] {
        assert_equivalent(
            move |log| reassigned_after_maybe_move(log, c),
            move |log| reassigned_after_maybe_move_rustc(log, c),
        );
    }
}

#[visible_async(compiler = moved_into_closure_on_a_path_rustc)]
async fn moved_into_closure_on_a_path(log: Log, c: bool) -> usize {
    let a = Noisy::new(&log, "a");
    let mut n = 0;
    if c {
        let f = move || a.name().len();
        n = f();
    }
    tick(&log, "t").await;
    log.push(format!("n {n}"));
    n
}

#[test]
fn moved_into_a_move_closure_on_one_path() {
    for c in [false, true] {
        assert_equivalent(
            move |log| moved_into_closure_on_a_path(log, c),
            move |log| moved_into_closure_on_a_path_rustc(log, c),
        );
    }
}

#[visible_async(compiler = moved_around_question_rustc)]
async fn moved_around_question(log: Log, x: u32) -> Result<usize, BigError> {
    let a = Noisy::new(&log, "a");
    let b = Noisy::new(&log, "b");
    if x == 1 {
        drop(b);
    }
    let v = check_small(x, 5).await?;
    if v > 2 {
        drop(a);
    }
    tick(&log, "t").await;
    Ok(v as usize)
}

#[test]
fn moved_on_paths_around_a_question_mark() {
    for x in [0, 1, 3, 7] {
        assert_equivalent(
            move |log| moved_around_question(log, x),
            move |log| moved_around_question_rustc(log, x),
        );
    }
}

#[visible_async(compiler = assigned_from_either_rustc)]
async fn assigned_from_either(log: Log, c: bool) -> String {
    let a = Noisy::new(&log, "a");
    let b = Noisy::new(&log, "b");
    let x;
    if c {
        x = a;
    } else {
        x = b;
    }
    tick(&log, "t").await;
    x.name().to_string()
}

#[test]
fn late_init_from_one_of_two_locals() {
    for c in [false, true] {
        assert_equivalent(
            move |log| assigned_from_either(log, c),
            move |log| assigned_from_either_rustc(log, c),
        );
    }
}

#[visible_async(compiler = moved_in_if_expression_rustc)]
async fn moved_in_if_expression(log: Log, c: bool) -> usize {
    let a = Noisy::new(&log, "a");
    let opt = if c { Some(a) } else { None };
    tick(&log, "t").await;
    opt.map_or(0, |n| n.name().len())
}

#[test]
fn moved_in_an_if_expression() {
    for c in [false, true] {
        assert_equivalent(
            move |log| moved_in_if_expression(log, c),
            move |log| moved_in_if_expression_rustc(log, c),
        );
    }
}

#[visible_async(compiler = moved_in_short_circuit_rustc)]
async fn moved_in_short_circuit(log: Log, c: bool) -> bool {
    let b = Noisy::new(&log, "b");
    let r = c && {
        drop(b);
        true
    };
    tick(&log, "t").await;
    log.push("end");
    r
}

#[test]
#[ignore = "transform bug: a local moved only in the right operand of `&&` (`c && { drop(b); true }`) counts as moved on every path: with c = false visible drops b before the await ([\"drop b\", \"ready t\", \"end\"]), rustc keeps it to the end ([\"ready t\", \"end\", \"drop b\"])"]
fn moved_in_the_right_operand_of_a_short_circuit() {
    for c in [false, true] {
        assert_equivalent(
            move |log| moved_in_short_circuit(log, c),
            move |log| moved_in_short_circuit_rustc(log, c),
        );
    }
}

#[visible_async(compiler = assigned_in_loop_rustc)]
async fn assigned_in_loop(log: Log, at: u32) -> u32 {
    let found: Noisy;
    let mut i = 0;
    for j in 0..3 {
        i = j;
        if j == at {
            found = Noisy::new(&log, "found");
            log.push(found.name().to_string());
            break;
        }
        tick(&log, "search").await;
    }
    tick(&log, "after loop").await;
    log.push("end");
    i
}

#[test]
fn assigned_in_a_loop_on_one_iteration_then_break() {
    for at in [0, 1, 9] {
        assert_equivalent(
            move |log| assigned_in_loop(log, at),
            move |log| assigned_in_loop_rustc(log, at),
        );
    }
}

#[visible_async(compiler = moved_in_awaiting_guard_arm_rustc)]
async fn moved_in_awaiting_guard_arm(log: Log, x: u32) -> u32 {
    let a = Noisy::new(&log, "a");
    let r = match x {
        n if over(&log, n, 3).await => {
            drop(a);
            n
        }
        n => n + 1,
    };
    tick(&log, "after").await;
    r
}

#[test]
fn moved_in_the_arm_of_an_awaiting_guard() {
    for x in [1, 5] {
        assert_equivalent(
            move |log| moved_in_awaiting_guard_arm(log, x),
            move |log| moved_in_awaiting_guard_arm_rustc(log, x),
        );
    }
}

// =================================================================================================
// 6. Value scrutinees
// =================================================================================================

#[visible_async(compiler = match_on_awaited_rustc)]
async fn match_on_awaited(log: Log, long: bool) -> usize {
    let r = match noisy_later(&log, if long { "longer" } else { "s" }).await {
        n if n.name().len() > 3 => {
            tick(&log, "long arm").await;
            n.name().len()
        }
        n => {
            let len = n.name().len();
            drop(n);
            tick(&log, "short arm").await;
            len
        }
    };
    log.push("after match");
    r
}

#[test]
fn match_on_an_awaited_value_bound_by_value() {
    for long in [false, true] {
        assert_equivalent(
            move |log| match_on_awaited(log, long),
            move |log| match_on_awaited_rustc(log, long),
        );
    }
}

#[visible_async(compiler = if_let_value_rustc)]
async fn if_let_value(log: Log, some: bool) -> usize {
    let r = if let Some(ref n) = maybe_noisy(&log, "x", some) {
        tick(&log, "then").await;
        n.name().len()
    } else {
        tick(&log, "else").await;
        0
    };
    log.push("between");
    let s = if let Some(n) = maybe_noisy(&log, "y", !some) {
        tick(&log, "then 2").await;
        n.name().len()
    } else {
        tick(&log, "else 2").await;
        0
    };
    log.push("after");
    r + s
}

#[test]
fn if_let_on_a_value_with_awaits_in_both_branches() {
    for some in [false, true] {
        assert_equivalent(
            move |log| if_let_value(log, some),
            move |log| if_let_value_rustc(log, some),
        );
    }
}

#[visible_async(compiler = while_let_pop_rustc)]
async fn while_let_pop(log: Log, stop: &'static str) -> usize {
    let mut q = vec![
        Noisy::new(&log, "q0"),
        Noisy::new(&log, "q1"),
        Noisy::new(&log, "q2"),
    ];
    let mut n = 0;
    while let Some(item) = q.pop() {
        tick(&log, "item").await;
        if item.name() == stop {
            break;
        }
        n += item.name().len();
    }
    tick(&log, "done").await;
    n + q.len()
}

#[test]
fn while_let_on_a_popped_value_with_break() {
    for stop in ["q1", "none"] {
        assert_equivalent(
            move |log| while_let_pop(log, stop),
            move |log| while_let_pop_rustc(log, stop),
        );
    }
}

#[visible_async(compiler = while_let_awaited_rustc)]
async fn while_let_awaited(log: Log) -> u32 {
    let mut it = vec![1u32, 2, 3].into_iter();
    let mut total = 0;
    while let Some(x) = ev(&log, "next", it.next()).await {
        let n = Noisy::new(&log, "body");
        total += echo(&log, x).await;
    }
    total
}

#[test]
fn while_let_on_an_awaited_value() {
    assert_equivalent(while_let_awaited, while_let_awaited_rustc);
}

#[visible_async(compiler = tuple_scrutinee_by_value_rustc)]
async fn tuple_scrutinee_by_value(log: Log, k: u32) -> usize {
    let r = match (Noisy::new(&log, "t"), ev(&log, "n", k).await) {
        (t, n) if n > 1 => {
            tick(&log, "arm").await;
            t.name().len() + n as usize
        }
        (t, n) => {
            drop(t);
            tick(&log, "moved arm").await;
            n as usize
        }
    };
    log.push("after match");
    r
}

#[test]
fn tuple_scrutinee_holding_a_value_across_its_own_await() {
    for k in [0, 2] {
        assert_equivalent(
            move |log| tuple_scrutinee_by_value(log, k),
            move |log| tuple_scrutinee_by_value_rustc(log, k),
        );
    }
}

#[visible_async(compiler = scrutinee_temporary_rustc)]
async fn scrutinee_temporary(log: Log) -> usize {
    let r = match Noisy::new(&log, "temp").name().len() {
        n => {
            tick(&log, "arm").await;
            n
        }
    };
    log.push("after match");
    r
}

#[test]
fn temporary_inside_a_scrutinee_lives_to_the_end_of_the_match() {
    assert_equivalent(scrutinee_temporary, scrutinee_temporary_rustc);
}

#[visible_async(compiler = match_borrowing_scrutinee_then_mutate_rustc)]
async fn match_borrowing_scrutinee_then_mutate(log: Log, mut v: Vec<u32>) -> Vec<u32> {
    match v.last() {
        Some(&x) => {
            tick(&log, "some").await;
            v.push(x + 1);
        }
        None => {
            tick(&log, "none").await;
            v.push(0);
        }
    }
    if let Some(&x) = v.first() {
        tick(&log, "if let").await;
        v.push(x * 10);
    }
    v
}

#[test]
fn value_scrutinee_borrowing_a_local_mutated_in_the_arm() {
    for v in [vec![], vec![4]] {
        let a = v.clone();
        let b = v.clone();
        assert_equivalent(
            move |log| match_borrowing_scrutinee_then_mutate(log, a.clone()),
            move |log| match_borrowing_scrutinee_then_mutate_rustc(log, b.clone()),
        );
    }
}

#[visible_async(compiler = for_into_iter_break_rustc)]
async fn for_into_iter_break(log: Log, stop: &'static str) -> usize {
    let mut n = 0;
    for item in vec![
        Noisy::new(&log, "i0"),
        Noisy::new(&log, "i1"),
        Noisy::new(&log, "i2"),
    ] {
        tick(&log, "item").await;
        if item.name() == stop {
            break;
        }
        n += 1;
    }
    tick(&log, "after for").await;
    n
}

#[test]
fn for_over_a_value_vec_with_break() {
    for stop in ["i1", "none"] {
        assert_equivalent(
            move |log| for_into_iter_break(log, stop),
            move |log| for_into_iter_break_rustc(log, stop),
        );
    }
}

#[visible_async(compiler = user_scrutinee_name_rustc)]
async fn user_scrutinee_name(log: Log, x: Option<u32>) -> u32 {
    let __scrutinee = 5u32;
    match x {
        Some(n) => {
            tick(&log, "some").await;
            n + __scrutinee
        }
        None => __scrutinee,
    }
}

#[test]
fn user_local_named_like_the_generated_scrutinee() {
    for x in [None, Some(2)] {
        assert_equivalent(
            move |log| user_scrutinee_name(log, x),
            move |log| user_scrutinee_name_rustc(log, x),
        );
    }
}

// =================================================================================================
// Cases that did not compile with the transform when this corpus was written (each comment says
// how); they do now. The ones that still do not are in `pending`, at the end.
// =================================================================================================

mod once_pending {
    use super::*;

    impl Acc {
        // Was, when this corpus was written: error[E0425]: cannot find value `this` in this scope
        // (a homed local shadowed by a later homed local of the same name: the first is renamed
        // `this_shadowed0`, but its home is filled from the unrenamed `this`).
        #[visible_async(compiler = as_this_rustc)]
        async fn as_this(mut self, k: u32) -> u32 {
            let this = &mut self;
            this.n += k;
            tick(&this.log, "this").await;
            this.items.push(k);
            let this = self;
            tick(&this.log, "moved into this").await;
            let r = this.n;
            drop(this);
            r
        }
    }

    #[test]
    fn self_reborrowed_then_moved_into_a_shadowing_this() {
        assert_equivalent(
            |log| Acc::new(&log, "a", 2).as_this(4),
            |log| Acc::new(&log, "a", 2).as_this_rustc(4),
        );
    }

    // Was, when this corpus was written: error[E0425]: cannot find value `a` in this scope
    // (same as `as_this`: a drop-flagged `a` shadowed by a second `a` kept across the await; the
    // first's home is filled from `a` instead of `a_shadowed0`).
    #[visible_async(compiler = shadowed_maybe_moved_rustc)]
    async fn shadowed_maybe_moved(log: Log, c: bool) {
        let a = Noisy::new(&log, "a1");
        if c {
            drop(a);
        }
        let a = Noisy::new(&log, "a2");
        tick(&log, "t").await;
        log.push(a.name().to_string());
    }

    #[test]
    fn maybe_moved_local_shadowed_before_an_await() {
        for c in [false, true] {
            assert_equivalent(
                move |log| shadowed_maybe_moved(log, c),
                move |log| shadowed_maybe_moved_rustc(log, c),
            );
        }
    }

    // Was, when this corpus was written: error[E0597]: `min` does not live long enough
    // (`min`, used only by the awaiting guard's future, is stored into the later arm's suspend
    // state from code where it is not bound: the poll closure captures the fn parameter).
    #[visible_async(compiler = param_only_in_guard_rustc)]
    async fn param_only_in_guard(log: Log, x: u32, min: u32) -> u32 {
        match x {
            n if over(&log, n, min).await => n,
            n => {
                tick(&log, "later").await;
                n
            }
        }
    }

    // Was, when this corpus was written: error[E0597]: `min` does not live long enough
    // (`min`, used by the awaiting guard and by the next arm, is not kept in the guard's
    // suspend state; the resumed arm reads the fn parameter through the poll closure).
    #[visible_async(compiler = param_in_guard_and_later_arm_rustc)]
    async fn param_in_guard_and_later_arm(log: Log, x: u32, min: u32) -> u32 {
        match x {
            n if over(&log, n, min).await => n,
            n => n + min,
        }
    }

    #[test]
    fn parameter_used_by_an_awaiting_guard() {
        for x in [1, 5] {
            assert_equivalent(
                move |log| param_only_in_guard(log, x, 2),
                move |log| param_only_in_guard_rustc(log, x, 2),
            );
            assert_equivalent(
                move |log| param_in_guard_and_later_arm(log, x, 2),
                move |log| param_in_guard_and_later_arm_rustc(log, x, 2),
            );
        }
    }

    // Was, when this corpus was written: error[E0505]: cannot move out of `r` because it is borrowed (and E0499 on `*r`, E0505 on
    // `r2`): a `&mut` local passed by name to the awaited call (`fill(&log, r2).await`, which
    // rustc reborrows implicitly) is moved into the future and also stored in the state.
    #[visible_async(compiler = reborrow_chain_rustc)]
    async fn reborrow_chain(log: Log, k: u32) -> Vec<u32> {
        let mut v = vec![k];
        let r = &mut v;
        {
            let r2 = &mut *r;
            r2.push(1);
            fill(&log, r2).await;
            r2.push(2);
        }
        fill(&log, r).await;
        let r3: &mut Vec<u32> = r;
        tick(&log, "r3").await;
        r3.push(3);
        let total: u32 = r3.iter().sum();
        v.push(total);
        v
    }

    #[test]
    fn reborrows_through_mut_locals() {
        assert_equivalent(
            |log| reborrow_chain(log, 4),
            |log| reborrow_chain_rustc(log, 4),
        );
    }

    // Was, when this corpus was written: error[E0381]: used binding is possibly-uninitialized
    // (a local assigned on some iterations of a loop whose body awaits is not kept across the
    // await: the resumed loop re-declares it as `let mut last;`).
    #[visible_async(compiler = conditionally_reassigned_in_loop_rustc)]
    async fn conditionally_reassigned_in_loop(log: Log, limit: u32) -> u32 {
        let mut last = 100;
        for x in 0..4 {
            if over(&log, x, limit).await {
                last = x;
            }
        }
        last
    }

    #[test]
    fn local_reassigned_on_some_iterations_of_an_awaiting_loop() {
        for limit in [1, 9] {
            assert_equivalent(
                move |log| conditionally_reassigned_in_loop(log, limit),
                move |log| conditionally_reassigned_in_loop_rustc(log, limit),
            );
        }
    }

    // Was, when this corpus was written: error[E0381]: used binding isn't initialized
    // (same as above for a `let` chain: `r` assigned in the body of an `if let .. && f().await?`
    // is not kept across the chain's awaits).
    #[visible_async(compiler = assigned_in_let_chain_body_rustc)]
    async fn assigned_in_let_chain_body(log: Log, a: Option<u32>) -> Result<u32, BigError> {
        let held = Noisy::new(&log, "held");
        let mut r = 0;
        if let Some(x) = a
            && check_small(x, 10).await? > 3
            && let Ok(y) = check_small(x * 2, 10).await
        {
            r = y;
        }
        tick(&log, "after").await;
        Ok(r)
    }

    #[test]
    fn local_assigned_in_the_body_of_an_awaiting_let_chain() {
        for a in [None, Some(1), Some(4), Some(7), Some(12)] {
            assert_equivalent(
                move |log| assigned_in_let_chain_body(log, a),
                move |log| assigned_in_let_chain_body_rustc(log, a),
            );
        }
    }

    // Was, when this corpus was written: error[E0597]: `v` does not live long enough (and E0505, cannot move out of `v`)
    // (`v.last()` on a `Vec` is read as consuming `v`, by the iterator method's name, so the
    // borrow it returns is not seen: `v` gets no pinned home and is stored beside `last`.
    // When `v` has a home for another reason, the expansion is `v.take().last()`: E0716.)
    #[visible_async(compiler = vec_last_held_rustc)]
    async fn vec_last_held(log: Log) -> usize {
        let v = vec![Noisy::new(&log, "v0"), Noisy::new(&log, "v1")];
        let last = v.last();
        tick(&log, "holding last").await;
        last.map_or(0, |l| l.name().len()) + v.len()
    }

    #[test]
    fn vec_last_held_across_an_await() {
        assert_equivalent(vec_last_held, vec_last_held_rustc);
    }

    // Was, when this corpus was written: error[E0507]: cannot move out of a mutable reference
    // (in a `match` with an `.await` in one arm, the moves of drop-flagged locals in the other
    // arms, `0 => drop(a)`, `1 => keep.push(a)`, `2 => { keep.push(b); }`, are left as
    // `drop(a.home().value)` instead of taking the value out of the home).
    #[visible_async(compiler = moved_in_arms_rustc)]
    async fn moved_in_arms(log: Log, k: u8) -> usize {
        let a = Noisy::new(&log, "a");
        let b = Noisy::new(&log, "b");
        let mut keep = Vec::new();
        match k {
            0 => drop(a),
            1 => keep.push(a),
            2 => {
                keep.push(b);
            }
            _ => {
                let moved = (a, b);
                tick(&log, "in arm").await;
            }
        }
        tick(&log, "after match").await;
        log.push("end");
        keep.len()
    }

    #[test]
    fn moved_by_different_match_arms() {
        for k in 0..4 {
            assert_equivalent(
                move |log| moved_in_arms(log, k),
                move |log| moved_in_arms_rustc(log, k),
            );
        }
    }
}

// Cases the transform cannot compile yet (each compiles and runs as a plain `async fn`).
#[cfg(any())]
mod pending {
    use super::*;

    impl Acc {
        // error[E0610]: `u32` is a primitive type and therefore doesn't have fields
        // (a user local named `__self` shadows the generated receiver `__self`: `self.n` becomes
        // `__self.n` on the user's `u32`).
        #[visible_async(compiler = dunder_names_rustc)]
        async fn dunder_names(&self, k: u32) -> u32 {
            let __self = k + 1;
            let __state = self.n;
            tick(&self.log, "dunder").await;
            let __cx = __self * 2;
            let __output = __state + __cx;
            let __awaitee = echo(&self.log, __output).await;
            __awaitee + self.n
        }
    }

    #[test]
    fn user_local_named_like_the_generated_receiver() {
        assert_equivalent(
            |log| async move { Acc::new(&log, "a", 2).dunder_names(4).await },
            |log| async move { Acc::new(&log, "a", 2).dunder_names_rustc(4).await },
        );
    }

    // error[E0499]: cannot borrow value as mutable more than once at a time
    // (a `match &mut opt` whose guard awaits: the first arm's `v: &mut Vec` is kept across the
    // arm's await, borrowing the homed scrutinee for the state's lifetime, which conflicts with
    // the second arm's `Some(v)`).
    #[visible_async(compiler = match_mut_ref_guard_rustc)]
    async fn match_mut_ref_guard(log: Log, opt: Option<Vec<u32>>) -> Option<Vec<u32>> {
        let mut opt = opt;
        match &mut opt {
            Some(v) if v.len() > 1 && over(&log, v[0], 2).await => {
                v.push(1);
                tick(&log, "arm").await;
                v.push(2);
            }
            Some(v) => v.push(9),
            None => tick(&log, "none").await,
        }
        opt
    }

    #[test]
    fn match_on_a_mut_reference_with_awaiting_guard() {
        for opt in [None, Some(vec![5]), Some(vec![1, 2]), Some(vec![5, 6])] {
            let a = opt.clone();
            let b = opt.clone();
            assert_equivalent(
                move |log| match_mut_ref_guard(log, a.clone()),
                move |log| match_mut_ref_guard_rustc(log, b.clone()),
            );
        }
    }

    // error[E0716]: temporary value dropped while borrowed
    // (a by-value binding in one arm makes the expansion `match __scrutinee.take() { .. }`; the
    // `ref a, ref b` of the other arm then borrow that temporary across the arm's await).
    #[visible_async(compiler = match_pair_rustc)]
    async fn match_pair(log: Log, k: u32) -> usize {
        let r = match noisy_pair(&log) {
            (a, b) if k == 0 => {
                drop(b);
                tick(&log, "arm 0").await;
                a.name().len()
            }
            (ref a, ref b) => {
                tick(&log, "arm 1").await;
                a.name().len() + b.name().len()
            }
        };
        log.push("after match");
        r
    }

    #[test]
    fn match_on_a_fresh_pair_moved_or_borrowed() {
        for k in [0, 1] {
            assert_equivalent(
                move |log| match_pair(log, k),
                move |log| match_pair_rustc(log, k),
            );
        }
    }

    // error[E0716]: temporary value dropped while borrowed
    // (same as `match_pair`, with the by-value binding a mere `Copy` `n: u32` next to `ref t`).
    #[visible_async(compiler = tuple_scrutinee_with_ref_rustc)]
    async fn tuple_scrutinee_with_ref(log: Log, k: u32) -> usize {
        let r = match (Noisy::new(&log, "t"), ev(&log, "n", k).await) {
            (ref t, n) if n > 1 => {
                tick(&log, "arm").await;
                t.name().len() + n as usize
            }
            (_, n) => {
                tick(&log, "other arm").await;
                n as usize
            }
        };
        log.push("after match");
        r
    }

    #[test]
    fn ref_and_copy_bindings_of_a_value_scrutinee() {
        for k in [0, 2] {
            assert_equivalent(
                move |log| tuple_scrutinee_with_ref(log, k),
                move |log| tuple_scrutinee_with_ref_rustc(log, k),
            );
        }
    }
}
