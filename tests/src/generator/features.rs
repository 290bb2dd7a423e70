//! The shapes the generator can produce, each behind a named flag.

macro_rules! features {
    ($($(#[doc = $doc:literal])+ $name:ident,)*) => {
        /// Which shapes the generator may produce. Each flag names one shape, so a shape that
        /// breaks the transform can be switched off by name while it is being fixed.
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[allow(clippy::struct_excessive_bools)]
        pub struct Features {
            $($(#[doc = $doc])+ pub $name: bool,)*
        }

        impl Features {
            /// The names of all flags, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name)),*];

            /// Every shape on.
            #[must_use]
            pub fn all() -> Self {
                Self { $($name: true,)* }
            }

            /// Every shape off: straight-line code with leaf awaits only.
            #[must_use]
            pub fn none() -> Self {
                Self { $($name: false,)* }
            }

            /// Sets the flag called `name`; `false` if there is no such flag.
            pub fn set(&mut self, name: &str, on: bool) -> bool {
                match name {
                    $(stringify!($name) => { self.$name = on; true })*
                    _ => false,
                }
            }

            /// Whether the flag called `name` is on (`false` for an unknown name).
            #[must_use]
            pub fn get(&self, name: &str) -> bool {
                match name {
                    $(stringify!($name) => self.$name,)*
                    _ => false,
                }
            }
        }
    };
}

features! {
    /// `if`/`else` statements and expressions.
    if_else,
    /// `match` on integers, booleans and options, with `_` arms.
    matches,
    /// Match guards (without `.await`).
    match_guards,
    /// Match guards that `.await`.
    await_in_guards,
    /// `loop` with `break value`.
    loops,
    /// Labelled loops and blocks, `break 'l value`, `continue 'l`.
    labels,
    /// `while` loops.
    while_loops,
    /// `for` over a range.
    for_range,
    /// `for` over a `Vec` (by value, by reference, a clone).
    for_vec,
    /// `while let Some(x) = stack.pop()`.
    while_let,
    /// `if let`.
    if_let,
    /// `let ... else`.
    let_else,
    /// `?` on `Result` (the function returns `Result<u32, String>`).
    try_result,
    /// `?` on `Option` (the function returns `Option<u32>`).
    try_option,
    /// `return` in the middle of the body.
    early_return,
    /// `.await` as an operand of a binary operator.
    await_in_binop,
    /// `.await` as a method receiver or argument.
    await_in_method,
    /// `.await` as an argument of a function call.
    await_in_call_args,
    /// `.await` in struct, tuple and array fields.
    await_in_fields,
    /// `.await` in `if`/`while` conditions.
    await_in_conditions,
    /// `.await` in match, `if let` and `while let` scrutinees.
    await_in_scrutinee,
    /// `.await` in `let` initializers.
    await_in_let,
    /// `.await` in return values and tail expressions.
    await_in_return,
    /// `.await` in `break` values.
    await_in_break,
    /// `.await` in index expressions.
    await_in_index,
    /// `.await` on the right side of an assignment or compound assignment.
    await_in_assign,
    /// `.await` in the arguments of `format!`, `vec!`, `assert!`.
    await_in_macros,
    /// Drop-logged `D` values as locals.
    d_locals,
    /// `D` temporaries (`D::new("t").len()`, in scrutinees, tails, macro arguments).
    d_temporaries,
    /// A `D` temporary alive across an `.await` later in the same statement.
    temporaries_across_await,
    /// `d.consume()`: a by-value method whose name does not say it consumes (the function
    /// says so in its attribute, `consumes(consume)`).
    consume_method,
    /// A field moved out of a struct local (`let d = two.a;`): the rest stays to the end of the
    /// scope, across later `.await`s.
    partial_moves,
    /// `let r = &d;` borrows held while the code goes on (maybe across awaits).
    borrows,
    /// Shadowing a local by a new `let` of the same name.
    shadowing,
    /// Assignment to `mut` locals (also of a `D`).
    reassignment,
    /// `let x;` assigned later.
    late_init,
    /// Compound assignment (`x ^= e`, `s += "x"`).
    compound_assign,
    /// Parameters of several types.
    params,
    /// Parameter patterns: `(a, _b): (D, D)`, `(x, _): (u32, D)`, `mut x`, `ref x`, `ref mut s`, `_: D`.
    param_patterns,
    /// Return types other than `()`.
    return_values,
    /// Awaiting `async move {}` blocks.
    async_blocks,
    /// Awaiting generated helper `async fn`s.
    helper_fns,
    /// A deliberate `panic!` under a condition.
    deliberate_panic,
    /// `assert!`/`assert_eq!` (always true).
    asserts,
    /// `Rc` and `Cell` locals (not `Send` / not `Sync`).
    non_send,
    /// `Vec<u32>` locals: `push`, indexing, `vec![..]`.
    vecs,
    /// `String` locals: `push_str`, `format!`, clone.
    strings,
}

impl Features {
    /// The set the CI test uses.
    #[must_use]
    pub fn ci() -> Self {
        Self::all()
    }

    /// [`Features::ci`] with the flags named in `VISIBLE_ASYNC_GEN_DISABLE` (comma-separated)
    /// switched off and those in `VISIBLE_ASYNC_GEN_ENABLE` switched on.
    ///
    /// # Panics
    ///
    /// If either variable names an unknown flag.
    #[must_use]
    pub fn ci_from_env() -> Self {
        let mut features = Self::ci();
        for (var, on) in [
            ("VISIBLE_ASYNC_GEN_DISABLE", false),
            ("VISIBLE_ASYNC_GEN_ENABLE", true),
        ] {
            if let Ok(names) = std::env::var(var) {
                for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    assert!(
                        features.set(name, on),
                        "{var}: no feature called {name:?}; known: {:?}",
                        Self::NAMES
                    );
                }
            }
        }
        features
    }

    /// The names of the flags that are off.
    #[must_use]
    pub fn disabled(&self) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .copied()
            .filter(|name| !self.get(name))
            .collect()
    }
}
