//! What a `#[visible_async]` future can tell about itself, with no bound on the user's types:
//! which function it runs, which state it is in, which `.await` it is suspended at, and how
//! its bytes are laid out.
//!
//! ```
//! use visible_async::inspect::Inspect;
//! use visible_async::leaf::yield_now;
//! use visible_async::visible_async;
//!
//! #[visible_async]
//! async fn fill(n: usize) -> usize {
//!     let buffer = vec![0u8; n];
//!     yield_now().await;
//!     buffer.len()
//! }
//!
//! let future = fill(3);
//! assert_eq!(future.function_name(), "fill");
//! assert_eq!(future.state_name(), "Unresumed");
//! assert_eq!(format!("{future:?}"), "fill { state: Unresumed, .. }");
//! println!("{}", future.layout()); // a table of the variants and their fields' sizes
//! ```

use core::fmt;

/// Where a state machine is suspended: the awaited expression and its place in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AwaitPoint {
    /// The awaited expression as written, e.g. `event()`.
    pub expr: &'static str,
    /// The source file, as `file!()` gives it.
    pub file: &'static str,
    /// 1-based line of the `.await`.
    pub line: u32,
    /// 1-based column of the `.await`.
    pub column: u32,
}

impl fmt::Display for AwaitPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}.await` at {}:{}:{}",
            self.expr, self.file, self.line, self.column
        )
    }
}

/// Implemented by the future every `#[visible_async]` function returns (its return type says
/// `impl Future<Output = T> + Inspect`). `Debug` prints the function, the state and, while
/// suspended, the `.await`.
pub trait Inspect: fmt::Debug {
    /// The name of the `async fn`.
    fn function_name(&self) -> &'static str;
    /// The current state: `Unresumed`, `SuspendN`, `JoinN`, `Returned` or `Panicked`.
    fn state_name(&self) -> &'static str;
    /// The `.await` the future is suspended at, if it is.
    fn await_point(&self) -> Option<&'static AwaitPoint>;
    /// The variants of the state and the size of each field, and the pinned homes.
    fn layout(&self) -> Layout;
}

/// What a field of the state holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// An argument, in `Unresumed`.
    Argument,
    /// The future being awaited.
    Awaited,
    /// A value alive across the `.await`.
    Value,
    /// The guard of a value that lives in a pinned home (the home's size is counted apart).
    Guard,
    /// A pinned home, beside the state.
    Home,
}

/// One field of a variant (or one pinned home).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldLayout {
    /// The local's name (the awaited expression for [`FieldKind::Awaited`]).
    pub name: &'static str,
    /// `size_of` its type.
    pub size: usize,
    /// What it holds.
    pub kind: FieldKind,
}

/// One variant of the state enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VariantLayout {
    /// `Unresumed`, `SuspendN`, `JoinN` (`Returned` and `Panicked` hold nothing).
    pub name: &'static str,
    /// Its fields, in declaration order.
    pub fields: &'static [FieldLayout],
}

impl VariantLayout {
    /// The sum of the fields' sizes (the variant's size before padding and the tag).
    #[must_use]
    pub fn fields_size(&self) -> usize {
        self.fields.iter().map(|f| f.size).sum()
    }
}

/// The layout of a visible future: see [`Inspect::layout`]. `Display` prints it as a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// The name of the `async fn`.
    pub function: &'static str,
    /// `size_of` the whole future.
    pub total: usize,
    /// `size_of` the state enum alone.
    pub state: usize,
    /// The variants that hold something.
    pub variants: &'static [VariantLayout],
    /// The pinned homes beside the state.
    pub homes: &'static [FieldLayout],
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} — {} bytes in all", self.function, self.total)?;
        writeln!(
            f,
            "  state enum: {} bytes (its largest variant, plus the tag and padding)",
            self.state
        )?;
        for variant in self.variants {
            writeln!(
                f,
                "    {:<12} {:>6} bytes",
                variant.name,
                variant.fields_size()
            )?;
            for field in variant.fields {
                let what = match field.kind {
                    FieldKind::Argument => "argument",
                    FieldKind::Awaited => "the future being awaited",
                    FieldKind::Value => "held across the .await",
                    FieldKind::Guard => "guard of its pinned home",
                    FieldKind::Home => "pinned home",
                };
                writeln!(f, "      {:<24} {:>6}  {what}", field.name, field.size)?;
            }
        }
        if !self.homes.is_empty() {
            let size: usize = self.homes.iter().map(|h| h.size).sum();
            writeln!(f, "  pinned homes: {size} bytes")?;
            for home in self.homes {
                writeln!(f, "      {:<24} {:>6}", home.name, home.size)?;
            }
        }
        Ok(())
    }
}
