//! Side-by-side comparison of two futures: a `#[visible_async]` one and the compiler's own.
//!
//! [`compare`] runs both under the same schedule and records everything the equivalence
//! contract covers that can be observed from outside: the output (or panic message), how many
//! polls it took, how the waker was used, the side effects and drops written to a shared
//! [`Log`], what one more poll after the end does, and what is dropped when the future is
//! cancelled after every possible number of polls. [`assert_equivalent`] panics with a readable
//! report when the two differ. [`auto_traits!`](crate::auto_traits) reports `Send`, `Sync` and
//! `Unpin` of a value's type.
//!
//! ```
//! use visible_async::harness::{Log, Noisy, assert_equivalent};
//! use visible_async::leaf::yield_now;
//!
//! async fn written(log: Log) -> usize {
//!     let a = Noisy::new(&log, "a");
//!     yield_now().await;
//!     log.push("resumed");
//!     a.name().len()
//! }
//!
//! let comparison = assert_equivalent(written, |log| async move {
//!     let a = Noisy::new(&log, "a");
//!     yield_now().await;
//!     log.push("resumed");
//!     a.name().len()
//! });
//! assert_eq!(comparison.visible.run.output, Ok(1));
//! assert_eq!(comparison.visible.run.log, ["resumed", "drop a"]);
//! ```

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::sync::atomic::{AtomicUsize, Ordering};
use core::task::{Context, Poll, Waker};
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::Wake;

/// How many polls [`compare`] makes before it gives up on a future that never completes.
const MAX_POLLS: usize = 100_000;

/// How many differing cancellation points the report spells out before summarizing the rest.
const MAX_REPORTED_CANCELLATIONS: usize = 8;

// ---------------------------------------------------------------------------------------------
// Log and Noisy
// ---------------------------------------------------------------------------------------------

/// A shared, thread-safe side-effect log. Clone shares the same log.
///
/// Futures under test push entries to it (`log.push("step 1")`); [`Noisy`] values push
/// `"drop <name>"` when dropped. Entries must not say which side wrote them, so that the two
/// sides' logs compare equal when the futures behave the same.
#[derive(Clone, Default)]
pub struct Log {
    entries: Arc<Mutex<Vec<String>>>,
}

impl Log {
    /// An empty log.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an entry.
    pub fn push(&self, entry: impl Into<String>) {
        self.lock().push(entry.into());
    }

    /// A snapshot of the entries so far.
    #[must_use]
    pub fn entries(&self) -> Vec<String> {
        self.lock().clone()
    }

    /// A snapshot of the entries so far, leaving the log empty.
    #[must_use = "use `entries` to look without clearing, or drop the result explicitly"]
    pub fn take(&self) -> Vec<String> {
        core::mem::take(&mut *self.lock())
    }

    /// The entries, even if a panic happened while another clone held the lock: a log only
    /// ever grows by whole entries, so it is never left half-written.
    fn lock(&self) -> MutexGuard<'_, Vec<String>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for Log {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Log").field(&*self.lock()).finish()
    }
}

/// A value that logs `"drop <name>"` when dropped; the standard probe for drop order.
pub struct Noisy {
    name: String,
    log: Log,
}

impl Noisy {
    /// A value named `name` that will write `"drop <name>"` to `log` when dropped.
    pub fn new(log: &Log, name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            log: log.clone(),
        }
    }

    /// The name given to [`Noisy::new`].
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for Noisy {
    fn drop(&mut self) {
        self.log.push(format!("drop {}", self.name));
    }
}

impl fmt::Debug for Noisy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Noisy").field(&self.name).finish()
    }
}

impl PartialEq for Noisy {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

// ---------------------------------------------------------------------------------------------
// Observations
// ---------------------------------------------------------------------------------------------

/// What happened when one future was run to completion (or to a panic).
#[derive(Debug, Clone, PartialEq)]
pub struct Run<T> {
    /// The output, or `Err(panic message)` if a poll panicked.
    pub output: Result<T, String>,
    /// The number of `poll` calls made, including the last one (that returned `Ready` or
    /// panicked); not counting the extra poll behind [`poll_again`](Run::poll_again).
    pub polls: usize,
    /// The number of `wake`/`wake_by_ref` calls made on the waker (or its clones) during those
    /// polls.
    pub wakes: usize,
    /// The number of times `poll` returned `Pending` without having woken the waker during
    /// that poll. Under a real executor such a future relies on someone else to wake it.
    pub stalls: usize,
    /// The [`Log`]'s entries after the future was dropped. The output is still alive at that
    /// point, so its own drop is not in the log.
    pub log: Vec<String>,
    /// The panic message of one more poll after `Ready` or after a panic; `None` if that poll
    /// did not panic.
    pub poll_again: Option<String>,
}

/// The log left when a future was dropped after exactly `polls` polls.
#[derive(Debug, Clone, PartialEq)]
pub struct Cancelled {
    /// How many times the future was polled before it was dropped.
    pub polls: usize,
    /// The [`Log`]'s entries after the drop.
    pub log: Vec<String>,
}

/// Everything observed for one side.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation<T> {
    /// The run to completion.
    pub run: Run<T>,
    /// One entry per cancellation point: dropped after 0, 1, ..., `run.polls` polls.
    pub cancelled: Vec<Cancelled>,
}

/// Both sides and the verdict. Its `Display` is a side-by-side report of every difference.
#[derive(Debug, Clone)]
pub struct Comparison<T> {
    /// What the `#[visible_async]` future did.
    pub visible: Observation<T>,
    /// What the compiler's future did.
    pub compiler: Observation<T>,
    /// The size in bytes of each side's future (not part of the equivalence).
    pub sizes: Sizes,
}

/// The sizes in bytes of the two futures compared, as `size_of_val` gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// The `#[visible_async]` future.
    pub visible: usize,
    /// The compiler's future.
    pub compiler: usize,
}

impl<T: PartialEq> Comparison<T> {
    /// Whether the two sides were observed to behave exactly the same.
    #[must_use]
    pub fn is_equivalent(&self) -> bool {
        self.visible == self.compiler
    }
}

impl<T: fmt::Debug + PartialEq> fmt::Display for Comparison<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (visible, compiler) = (&self.visible, &self.compiler);
        if self.is_equivalent() {
            let run = &visible.run;
            return write!(
                f,
                "the visible future and the compiler's future are equivalent: output {:?} after \
                 {} polls ({} wakes, {} stalls), {} log entries {:?}, poll again: {:?}, \
                 {} cancellation points agree",
                run.output,
                run.polls,
                run.wakes,
                run.stalls,
                run.log.len(),
                run.log,
                run.poll_again,
                visible.cancelled.len(),
            );
        }
        f.write_str("the visible future and the compiler's future differ:")?;
        let (v, c) = (&visible.run, &compiler.run);
        report_field(f, "run.output", &v.output, &c.output)?;
        report_field(f, "run.polls", &v.polls, &c.polls)?;
        report_field(f, "run.wakes", &v.wakes, &c.wakes)?;
        report_field(f, "run.stalls", &v.stalls, &c.stalls)?;
        report_log(f, "run.log", &v.log, &c.log)?;
        report_field(f, "run.poll_again", &v.poll_again, &c.poll_again)?;

        if visible.cancelled.len() != compiler.cancelled.len() {
            write!(
                f,
                "\n  cancelled: the visible future was dropped after 0..={} polls, the \
                 compiler's after 0..={} (their full runs took different numbers of polls)",
                visible.cancelled.len().saturating_sub(1),
                compiler.cancelled.len().saturating_sub(1),
            )?;
        }
        let differing = visible
            .cancelled
            .iter()
            .zip(&compiler.cancelled)
            .enumerate()
            .filter(|(_, (v, c))| v != c);
        let mut reported = 0;
        for (k, (v, c)) in differing {
            if reported == MAX_REPORTED_CANCELLATIONS {
                reported += 1;
                continue;
            }
            reported += 1;
            let name = format!("cancelled[{k}] (dropped after {k} polls)");
            report_field(f, &format!("{name}.polls"), &v.polls, &c.polls)?;
            report_log(f, &format!("{name}.log"), &v.log, &c.log)?;
        }
        if reported > MAX_REPORTED_CANCELLATIONS {
            write!(
                f,
                "\n  ... and {} more differing cancellation points",
                reported - MAX_REPORTED_CANCELLATIONS
            )?;
        }
        Ok(())
    }
}

/// Writes both values of a field if they differ.
fn report_field<U: fmt::Debug + PartialEq>(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    visible: &U,
    compiler: &U,
) -> fmt::Result {
    if visible == compiler {
        return Ok(());
    }
    write!(
        f,
        "\n  {name} differs:\n    visible:  {visible:?}\n    compiler: {compiler:?}"
    )
}

/// Writes the first differing entry of two logs, then both logs in full, if they differ.
fn report_log(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    visible: &[String],
    compiler: &[String],
) -> fmt::Result {
    if visible == compiler {
        return Ok(());
    }
    let first = visible
        .iter()
        .zip(compiler)
        .position(|(v, c)| v != c)
        .unwrap_or_else(|| visible.len().min(compiler.len()));
    let entry = |log: &[String]| match log.get(first) {
        Some(entry) => format!("{entry:?}"),
        None => String::from("<end of log>"),
    };
    write!(
        f,
        "\n  {name} differs at entry {first}:\n    visible:  {}\n    compiler: {}\
         \n    visible log:  {visible:?}\n    compiler log: {compiler:?}",
        entry(visible),
        entry(compiler),
    )
}

// ---------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------

/// A waker that counts `wake` and `wake_by_ref` calls, its clones included.
#[derive(Debug, Default)]
pub(crate) struct WakeCounter {
    wakes: AtomicUsize,
}

impl WakeCounter {
    /// A fresh counter and a waker that counts into it.
    pub(crate) fn waker() -> (Arc<Self>, Waker) {
        let counter = Arc::new(Self::default());
        let waker = Waker::from(Arc::clone(&counter));
        (counter, waker)
    }

    /// The number of wakes so far.
    pub(crate) fn wakes(&self) -> usize {
        self.wakes.load(Ordering::SeqCst)
    }
}

impl Wake for WakeCounter {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
    }
}

/// Which future is being run, for the harness's own panic messages (never for the log).
#[derive(Clone, Copy)]
enum Side {
    Visible,
    Compiler,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Visible => "visible",
            Side::Compiler => "compiler's",
        })
    }
}

/// The message of a panic payload: a `&'static str` or `String`, or `"<non-string panic>"`.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&'static str>() {
        String::from(*message)
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        String::from("<non-string panic>")
    }
}

/// Polls once, turning a panic into `Err(message)`.
fn poll_caught<F: Future + ?Sized>(
    future: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Result<Poll<F::Output>, String> {
    catch_unwind(AssertUnwindSafe(|| future.poll(cx))).map_err(|payload| panic_message(&*payload))
}

/// Drops the future; a panic while dropping is a harness failure with a clear message.
fn drop_future<F: ?Sized>(side: Side, future: Pin<Box<F>>, polls: usize) {
    if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(future))) {
        panic!(
            "the {side} future panicked while being dropped after {polls} polls: {}",
            panic_message(&*payload)
        );
    }
}

/// Step 1 of [`compare`]: runs a fresh future to completion or to a panic.
fn full_run<T, F, Fut>(side: Side, factory: &F) -> Run<T>
where
    F: Fn(Log) -> Fut,
    Fut: Future<Output = T>,
{
    let log = Log::new();
    let mut future = Box::pin(factory(log.clone()));
    let (counter, counting_waker) = WakeCounter::waker();
    let mut cx = Context::from_waker(&counting_waker);
    let mut polls = 0;
    let mut stalls = 0;
    let output = loop {
        assert!(
            polls < MAX_POLLS,
            "the {side} future was still Pending after {MAX_POLLS} polls; compare needs futures \
             that complete when polled again and again",
        );
        let wakes_before = counter.wakes();
        polls += 1;
        match poll_caught(future.as_mut(), &mut cx) {
            Ok(Poll::Ready(output)) => break Ok(output),
            Ok(Poll::Pending) => {
                if counter.wakes() == wakes_before {
                    stalls += 1;
                }
            }
            Err(message) => break Err(message),
        }
    };
    let wakes = counter.wakes();
    // A future that is polled again and returns `Ready` a second time hands over another
    // output; drop it before the future, so any drop it logs is part of `log`.
    let poll_again = poll_caught(future.as_mut(), &mut cx).err();
    drop_future(side, future, polls + 1);
    Run {
        output,
        polls,
        wakes,
        stalls,
        log: log.entries(),
        poll_again,
    }
}

/// Step 2 of [`compare`]: polls a fresh future `polls` times (fewer if it finishes first),
/// drops it, and records the log. The output, if any, is still alive when the log is read.
fn cancel_after<T, F, Fut>(side: Side, factory: &F, polls: usize) -> Cancelled
where
    F: Fn(Log) -> Fut,
    Fut: Future<Output = T>,
{
    let log = Log::new();
    let mut future = Box::pin(factory(log.clone()));
    let (_counter, waker) = WakeCounter::waker();
    let mut cx = Context::from_waker(&waker);
    let mut made = 0;
    let mut output = None;
    while made < polls {
        made += 1;
        match poll_caught(future.as_mut(), &mut cx) {
            Ok(Poll::Pending) => {}
            Ok(Poll::Ready(value)) => {
                output = Some(value);
                break;
            }
            Err(_) => break,
        }
    }
    drop_future(side, future, made);
    let log = log.entries();
    drop(output);
    Cancelled { polls: made, log }
}

/// Runs one side: the full run, then a cancellation after every possible number of polls.
fn observe<T, F, Fut>(side: Side, factory: &F) -> Observation<T>
where
    F: Fn(Log) -> Fut,
    Fut: Future<Output = T>,
{
    let run = full_run(side, factory);
    let cancelled = (0..=run.polls)
        .map(|k| cancel_after(side, factory, k))
        .collect();
    Observation { run, cancelled }
}

/// Runs both factories under the same schedule and compares everything.
///
/// Each factory is called with a fresh [`Log`] for every run and must return a fresh future
/// each time (call the function under test, or build an `async` block, inside it). For each
/// side:
///
/// 1. **Full run.** The future is polled with a counting waker until it returns `Ready` or a
///    poll panics (panics are caught and their message recorded), then polled once more to
///    see whether that panics ([`Run::poll_again`]), then dropped; only then is the log read.
/// 2. **Cancellation.** For every `k` in `0..=polls` of the full run, a fresh future is polled
///    `k` times (stopping early if it finishes) and dropped, and the log is recorded. `k = 0`
///    checks laziness: nothing of the body ran, only the arguments were dropped.
///
/// The schedule polls again right after every `Pending`, whether or not the future woke its
/// waker; [`Run::stalls`] counts the `Pending`s without a wake.
///
/// The default panic hook still prints caught panics to stderr.
///
/// # Panics
///
/// If either future is still `Pending` after 100 000 polls, or panics while being dropped.
/// A panic in a factory itself (before a future exists) propagates.
pub fn compare<T, V, C, FV, FC>(visible: V, compiler: C) -> Comparison<T>
where
    V: Fn(Log) -> FV,
    C: Fn(Log) -> FC,
    FV: Future<Output = T>,
    FC: Future<Output = T>,
    T: PartialEq + fmt::Debug,
{
    Comparison {
        visible: observe(Side::Visible, &visible),
        compiler: observe(Side::Compiler, &compiler),
        sizes: Sizes {
            visible: core::mem::size_of_val(&visible(Log::new())),
            compiler: core::mem::size_of_val(&compiler(Log::new())),
        },
    }
}

/// [`compare`], then panic with the report unless the two sides are equivalent.
///
/// Returns the comparison so the caller can make further assertions (e.g. on
/// `visible.run.polls`). If the environment variable `VISIBLE_ASYNC_SIZES` names a file, a
/// line `FILE:LINE<TAB>visible bytes<TAB>compiler bytes` is appended to it for the caller
/// (`scripts/size-report` makes a report of a whole test run from those).
///
/// # Panics
///
/// If the two sides differ (with the side-by-side report as message), and in the cases where
/// [`compare`] panics.
#[track_caller]
pub fn assert_equivalent<T, V, C, FV, FC>(visible: V, compiler: C) -> Comparison<T>
where
    V: Fn(Log) -> FV,
    C: Fn(Log) -> FC,
    FV: Future<Output = T>,
    FC: Future<Output = T>,
    T: PartialEq + fmt::Debug,
{
    let comparison = compare(visible, compiler);
    assert!(comparison.is_equivalent(), "{comparison}");
    if let Some(path) = std::env::var_os("VISIBLE_ASYNC_SIZES") {
        let at = std::panic::Location::caller();
        let line = format!(
            "{}:{}\t{}\t{}\n",
            at.file(),
            at.line(),
            comparison.sizes.visible,
            comparison.sizes.compiler
        );
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut file| std::io::Write::write_all(&mut file, line.as_bytes()));
        if let Err(e) = written {
            eprintln!("VISIBLE_ASYNC_SIZES: {e}");
        }
    }
    comparison
}

// ---------------------------------------------------------------------------------------------
// Auto traits
// ---------------------------------------------------------------------------------------------

/// `Send`/`Sync`/`Unpin` of a value's type, as found by [`auto_traits!`](crate::auto_traits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AutoTraits {
    /// Whether the type is `Send`.
    pub send: bool,
    /// Whether the type is `Sync`.
    pub sync: bool,
    /// Whether the type is `Unpin`.
    pub unpin: bool,
}

/// Evaluates to the [`AutoTraits`](crate::harness::AutoTraits) of the type of `$value`.
///
/// Takes a reference to the value (it is not moved) and needs no bound on its type. Works by
/// autoref specialization, so the type must be known at the call site: inside a generic
/// function it reports on the bounds in scope, not on the eventual concrete type.
///
/// Probe futures returned by functions (an `async fn`, a `#[visible_async]` fn, a fn returning
/// `impl Future`), not `async` blocks written in the same function as the probe: rustc decides
/// a coroutine's `Send`/`Sync` only after type-checking the body that defines it, so there the
/// probe assumes `Send`/`Sync` and compilation fails with "future cannot be sent between
/// threads safely" if the block is not (verified on rustc 1.95). `Unpin` is unaffected.
///
/// ```
/// use std::rc::Rc;
/// use visible_async::{auto_traits, harness::AutoTraits};
///
/// let shared = Rc::new(5);
/// assert_eq!(auto_traits!(shared), AutoTraits { send: false, sync: false, unpin: true });
/// assert_eq!(*shared, 5); // not moved
///
/// let future = async {};
/// assert!(!auto_traits!(future).unpin);
/// ```
#[macro_export]
macro_rules! auto_traits {
    ($value:expr) => {{
        #[allow(unused_imports)]
        use $crate::harness::__probe::{
            IsSend as _, IsSync as _, IsUnpin as _, NotSend as _, NotSync as _, NotUnpin as _,
        };
        let probe = &$crate::harness::__probe::probe_of(&$value);
        $crate::harness::AutoTraits {
            send: probe.is_send(),
            sync: probe.is_sync(),
            unpin: probe.is_unpin(),
        }
    }};
}

/// Helpers of [`auto_traits!`](crate::auto_traits). Not a public API.
///
/// For a `probe: &Probe<T>`, `probe.is_send()` finds `IsSend::is_send` (receiver `&Probe<T>`)
/// before `NotSend::is_send` (receiver `&&Probe<T>`, one autoref further), but only if
/// `T: Send`; otherwise method resolution falls through to the `NotSend` fallback.
#[doc(hidden)]
pub mod __probe {
    use core::marker::PhantomData;

    /// Stands for the type `T` without holding a value of it.
    pub struct Probe<T: ?Sized>(PhantomData<T>);

    /// A probe for the type of `value`.
    pub fn probe_of<T: ?Sized>(_value: &T) -> Probe<T> {
        Probe(PhantomData)
    }

    /// Chosen when `T: Send`.
    pub trait IsSend {
        /// `true`.
        fn is_send(&self) -> bool {
            true
        }
    }
    impl<T: ?Sized + Send> IsSend for Probe<T> {}

    /// The fallback when `T` is not `Send`.
    pub trait NotSend {
        /// `false`.
        fn is_send(&self) -> bool {
            false
        }
    }
    impl<T: ?Sized> NotSend for &Probe<T> {}

    /// Chosen when `T: Sync`.
    pub trait IsSync {
        /// `true`.
        fn is_sync(&self) -> bool {
            true
        }
    }
    impl<T: ?Sized + Sync> IsSync for Probe<T> {}

    /// The fallback when `T` is not `Sync`.
    pub trait NotSync {
        /// `false`.
        fn is_sync(&self) -> bool {
            false
        }
    }
    impl<T: ?Sized> NotSync for &Probe<T> {}

    /// Chosen when `T: Unpin`.
    pub trait IsUnpin {
        /// `true`.
        fn is_unpin(&self) -> bool {
            true
        }
    }
    impl<T: ?Sized + Unpin> IsUnpin for Probe<T> {}

    /// The fallback when `T` is not `Unpin`.
    pub trait NotUnpin {
        /// `false`.
        fn is_unpin(&self) -> bool {
            false
        }
    }
    impl<T: ?Sized> NotUnpin for &Probe<T> {}
}

#[cfg(test)]
mod tests {
    use super::{AutoTraits, Log, Noisy, assert_equivalent, compare, panic_message};
    use crate::leaf::yield_now;
    use core::cell::Cell;
    use core::future::Future;
    use core::marker::PhantomPinned;
    use core::pin::Pin;
    use core::task::{Context, Poll};
    use std::rc::Rc;

    const COMPLETED: &str = "`async fn` resumed after completion";
    const PANICKED: &str = "`async fn` resumed after panicking";

    fn strings(entries: &[&str]) -> Vec<String> {
        entries.iter().map(|&entry| String::from(entry)).collect()
    }

    async fn two_locals(log: Log) -> usize {
        log.push("start");
        let a = Noisy::new(&log, "a");
        let b = Noisy::new(&log, "b");
        yield_now().await;
        log.push("end");
        a.name().len() + b.name().len()
    }

    #[test]
    fn log_push_entries_take_and_clones_share() {
        let log = Log::new();
        let clone = log.clone();
        log.push("one");
        clone.push(String::from("two"));
        assert_eq!(log.entries(), ["one", "two"]);
        assert_eq!(format!("{log:?}"), r#"Log(["one", "two"])"#);
        assert_eq!(clone.take(), ["one", "two"]);
        assert!(log.entries().is_empty());
    }

    #[test]
    fn noisy_logs_its_drop_and_compares_by_name() {
        let log = Log::new();
        let a = Noisy::new(&log, "a");
        let other_log = Log::new();
        assert_eq!(a, Noisy::new(&other_log, "a"));
        assert_ne!(a, Noisy::new(&other_log, "b"));
        assert_eq!(other_log.take(), ["drop a", "drop b"]);
        assert_eq!(format!("{a:?}"), r#"Noisy("a")"#);
        assert_eq!(a.name(), "a");
        assert!(log.entries().is_empty());
        drop(a);
        assert_eq!(log.entries(), ["drop a"]);
    }

    #[test]
    fn identical_async_blocks_are_equivalent() {
        let body = |log: Log| async move {
            log.push("start");
            let a = Noisy::new(&log, "a");
            yield_now().await;
            log.push("end");
            a.name().len()
        };
        let comparison = assert_equivalent(body, |log: Log| async move {
            log.push("start");
            let a = Noisy::new(&log, "a");
            yield_now().await;
            log.push("end");
            a.name().len()
        });
        let run = &comparison.visible.run;
        assert_eq!(run.output, Ok(1));
        assert_eq!((run.polls, run.wakes, run.stalls), (2, 1, 0));
        assert_eq!(run.log, ["start", "end", "drop a"]);
        assert_eq!(run.poll_again.as_deref(), Some(COMPLETED));
        let cancelled: Vec<_> = comparison
            .visible
            .cancelled
            .iter()
            .map(|c| (c.polls, c.log.clone()))
            .collect();
        assert_eq!(
            cancelled,
            [
                (0, strings(&[])),
                (1, strings(&["start", "drop a"])),
                (2, strings(&["start", "end", "drop a"])),
            ]
        );
        assert!(comparison.to_string().contains("equivalent"));
    }

    #[test]
    fn async_fn_and_async_block_are_equivalent() {
        assert_equivalent(two_locals, |log: Log| async move {
            log.push("start");
            let a = Noisy::new(&log, "a");
            let b = Noisy::new(&log, "b");
            yield_now().await;
            log.push("end");
            a.name().len() + b.name().len()
        });
    }

    #[test]
    fn different_outputs_are_reported() {
        let comparison = compare(|_log: Log| async move { 1 }, |_log: Log| async move { 2 });
        assert!(!comparison.is_equivalent());
        let report = comparison.to_string();
        assert!(report.contains("run.output"), "{report}");
        assert!(report.contains("visible:  Ok(1)"), "{report}");
        assert!(report.contains("compiler: Ok(2)"), "{report}");
        assert!(
            !report.contains("run.polls"),
            "only differing fields are reported: {report}"
        );
    }

    #[test]
    fn different_drop_orders_are_reported_with_the_logs() {
        let comparison = compare(
            |log: Log| async move {
                let _a = Noisy::new(&log, "a");
                let _b = Noisy::new(&log, "b");
                yield_now().await;
            },
            |log: Log| async move {
                let _b = Noisy::new(&log, "b");
                let _a = Noisy::new(&log, "a");
                yield_now().await;
            },
        );
        assert!(!comparison.is_equivalent());
        assert_eq!(comparison.visible.run.log, ["drop b", "drop a"]);
        assert_eq!(comparison.compiler.run.log, ["drop a", "drop b"]);
        let report = comparison.to_string();
        assert!(report.contains("run.log differs at entry 0"), "{report}");
        assert!(report.contains(r#"visible:  "drop b""#), "{report}");
        assert!(report.contains(r#"compiler: "drop a""#), "{report}");
        assert!(
            report.contains(r#"visible log:  ["drop b", "drop a"]"#),
            "{report}"
        );
        assert!(
            report.contains(r#"compiler log: ["drop a", "drop b"]"#),
            "{report}"
        );
        // Cancelled after one poll (suspended at the yield), the order differs too.
        assert!(
            report.contains("cancelled[1] (dropped after 1 polls).log"),
            "{report}"
        );
        // Dropped before the first poll, nothing ran: no difference there.
        assert!(!report.contains("cancelled[0]"), "{report}");
    }

    #[test]
    fn different_poll_counts_are_reported() {
        let comparison = compare(
            |log: Log| async move {
                yield_now().await;
                yield_now().await;
                log.push("done");
            },
            |log: Log| async move {
                yield_now().await;
                log.push("done");
            },
        );
        assert!(!comparison.is_equivalent());
        assert_eq!(
            comparison.visible.run.output,
            comparison.compiler.run.output
        );
        assert_eq!(comparison.visible.run.log, comparison.compiler.run.log);
        assert_eq!(
            (comparison.visible.run.polls, comparison.compiler.run.polls),
            (3, 2)
        );
        let report = comparison.to_string();
        assert!(report.contains("run.polls differs"), "{report}");
        assert!(
            report.contains("dropped after 0..=3 polls, the compiler's after 0..=2"),
            "{report}"
        );
        assert!(!report.contains("run.output"), "{report}");
    }

    #[test]
    fn eager_side_effect_shows_in_cancellation_before_the_first_poll() {
        let comparison = compare(
            |log: Log| {
                let argument = Noisy::new(&log, "argument");
                async move {
                    log.push("body");
                    drop(argument);
                }
            },
            |log: Log| {
                let argument = Noisy::new(&log, "argument");
                log.push("body"); // not lazy
                async move {
                    drop(argument);
                }
            },
        );
        assert!(!comparison.is_equivalent());
        assert_eq!(comparison.visible.cancelled[0].log, ["drop argument"]);
        assert_eq!(
            comparison.compiler.cancelled[0].log,
            ["body", "drop argument"]
        );
        let report = comparison.to_string();
        assert!(
            report.contains("cancelled[0] (dropped after 0 polls).log differs"),
            "{report}"
        );
    }

    async fn panics_on_second_poll(log: Log) -> u8 {
        let _held = Noisy::new(&log, "held");
        yield_now().await;
        log.push("resumed");
        panic!("boom at poll 2");
    }

    #[test]
    fn panic_is_captured_and_async_fn_poll_again_panics() {
        let comparison = assert_equivalent(panics_on_second_poll, panics_on_second_poll);
        let run = &comparison.visible.run;
        assert_eq!(run.output, Err(String::from("boom at poll 2")));
        assert_eq!(run.polls, 2);
        // Unwinding out of the body dropped the local during the panicking poll.
        assert_eq!(run.log, ["resumed", "drop held"]);
        assert_eq!(run.poll_again.as_deref(), Some(PANICKED));
        assert_eq!(comparison.visible.cancelled.len(), 3);
        assert_eq!(
            comparison.visible.cancelled[2].log,
            ["resumed", "drop held"]
        );
    }

    #[test]
    fn async_block_poll_again_uses_the_async_fn_message() {
        // Verified on rustc 1.95: `async` blocks and closures panic with the same
        // "`async fn` resumed after ..." strings as `async fn`s.
        fn explode(message: &str) -> u8 {
            panic!("{message}")
        }
        let run = compare(
            |_log: Log| async move {
                yield_now().await;
                explode("formatted panic")
            },
            |_log: Log| async move {
                yield_now().await;
                explode("formatted panic")
            },
        )
        .visible
        .run;
        assert_eq!(run.output, Err(String::from("formatted panic")));
        assert_eq!(run.poll_again.as_deref(), Some(PANICKED));
    }

    /// `Pending` once without waking, then `Ready(())`; polling again returns `Ready` again.
    struct Stall {
        stalled: bool,
    }

    impl Future for Stall {
        type Output = ();

        fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
            if self.stalled {
                Poll::Ready(())
            } else {
                self.stalled = true;
                Poll::Pending
            }
        }
    }

    #[test]
    fn wakes_stalls_and_missing_poll_again_panic_are_reported() {
        let comparison = compare(
            |_log: Log| async move { yield_now().await },
            |_log: Log| Stall { stalled: false },
        );
        assert!(!comparison.is_equivalent());
        let (v, c) = (&comparison.visible.run, &comparison.compiler.run);
        assert_eq!((v.polls, v.wakes, v.stalls), (2, 1, 0));
        assert_eq!((c.polls, c.wakes, c.stalls), (2, 0, 1));
        assert_eq!(v.poll_again.as_deref(), Some(COMPLETED));
        assert_eq!(c.poll_again, None);
        let report = comparison.to_string();
        for field in ["run.wakes", "run.stalls", "run.poll_again"] {
            assert!(report.contains(field), "{field} missing from {report}");
        }
    }

    #[test]
    fn panic_payloads_become_messages() {
        assert_eq!(panic_message(&"static"), "static");
        assert_eq!(panic_message(&String::from("owned")), "owned");
        assert_eq!(panic_message(&42_u32), "<non-string panic>");
        let run = compare(
            |_log: Log| async move { std::panic::panic_any::<u32>(7) },
            |_log: Log| async move { std::panic::panic_any::<u32>(7) },
        )
        .visible
        .run;
        assert_eq!(run.output, Err(String::from("<non-string panic>")));
    }

    #[test]
    #[should_panic(expected = "run.output differs")]
    fn assert_equivalent_panics_with_the_report() {
        assert_equivalent(
            |_log: Log| async move { 'v' },
            |_log: Log| async move { 'c' },
        );
    }

    #[test]
    #[cfg_attr(miri, ignore = "100 000 polls are slow under Miri")]
    #[should_panic(expected = "the visible future was still Pending after 100000 polls")]
    fn never_ready_future_hits_the_poll_cap() {
        let _ = compare(
            |_log: Log| core::future::pending::<()>(),
            |_log: Log| core::future::ready(()),
        );
    }

    // These futures come from functions of their own: a future's auto traits cannot be probed
    // inside the body that defines its `async` block (see the `auto_traits!` docs).
    async fn holds_rc_across_await() -> i32 {
        let rc = Rc::new(1);
        yield_now().await;
        *rc
    }

    async fn holds_rc_not_across_await() -> i32 {
        let value = *Rc::new(1);
        yield_now().await;
        value
    }

    #[test]
    fn auto_traits_probe() {
        let rc = Rc::new(1);
        assert_eq!(
            auto_traits!(rc),
            AutoTraits {
                send: false,
                sync: false,
                unpin: true
            }
        );
        assert_eq!(*rc, 1, "the value is borrowed, not moved");
        assert_eq!(
            auto_traits!(Cell::new(1)),
            AutoTraits {
                send: true,
                sync: false,
                unpin: true
            }
        );
        assert_eq!(
            auto_traits!(5_u32),
            AutoTraits {
                send: true,
                sync: true,
                unpin: true
            }
        );
        assert_eq!(
            auto_traits!(PhantomPinned),
            AutoTraits {
                send: true,
                sync: true,
                unpin: false
            }
        );
        // Compiler futures: `!Unpin`; `!Send` when an `Rc` lives across an await.
        assert_eq!(
            auto_traits!(holds_rc_across_await()),
            AutoTraits {
                send: false,
                sync: false,
                unpin: false
            }
        );
        assert_eq!(
            auto_traits!(holds_rc_not_across_await()),
            AutoTraits {
                send: true,
                sync: true,
                unpin: false
            }
        );
        assert_eq!(
            auto_traits!(two_locals(Log::new())),
            AutoTraits {
                send: true,
                sync: true,
                unpin: false
            }
        );
    }
}
