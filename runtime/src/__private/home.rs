//! Pinned homes: where a local lives while something borrows it across an `.await`.
//!
//! The state enum moves its values from variant to variant, so a value that is borrowed across
//! an `.await` (`let r = &x; f().await; r`, `read(&mut buf).await`) cannot live there: the
//! borrow would dangle after the move. Such a local gets a [`Home`] instead, a slot in a struct
//! beside the state that never moves once the future is pinned. In the generated code the
//! local's name stands for a [`HomeGuard`], held in the state wherever the local is alive: it
//! owns the value in the home (and drops it where the local would be dropped), and user code
//! reads the value as `HomeGuard::home(&mut x).value`, a place like any local, so that disjoint
//! fields can be borrowed at once. The generated code calls it as a function, not as a method:
//! a method call on a guard whose value's type is not inferred yet (`let n = s.parse()?;`,
//! typed by later code) would be an error, as rustc's method lookup derefs the guard to that
//! unknown type.
//!
//! The borrows of a homed value have a lifetime the generated code cannot name (the state
//! enum would have to borrow itself), so [`HomeGuard::home`] returns an unbounded one. That is
//! sound only because the original body is borrow-checked as written (the expansion keeps a
//! copy of it as an `async` block that never runs): every borrow of the local in the generated code
//! is one the original makes, which rustc has checked ends before the local is moved, dropped
//! or mutated. Each use makes its own reference, so the state machine itself never reports a
//! borrow conflict that the copy reports again: the user's errors show once.
//!
//! The methods of a guard are safe to call because making one is not: [`HomeGuard::new`] and
//! [`HomeGuard::uninit`] are `unsafe`, and their caller (the generated code) promises to use
//! the guard only as the original body uses the local.
//!
//! Why [`Occupied`] contains `PhantomPinned`: a `&mut Occupied<T>` is then `&mut` to a `!Unpin`
//! type, which the aliasing models (Stacked and Tree Borrows, as Miri implements them) do not
//! treat as unique. Making one for each use does not invalidate the borrows that earlier uses
//! handed out, just as taking `&mut` of a whole pinned future does not.

use core::fmt;
use core::marker::PhantomPinned;
use core::mem::MaybeUninit;
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::ptr::NonNull;

/// A fixed place inside a pinned future for one local that is borrowed across an `.await`.
/// Filled and emptied by a [`HomeGuard`].
pub struct Home<T> {
    slot: MaybeUninit<Occupied<T>>,
}

/// A filled [`Home`]: the generated code reads and borrows the local as `x.value`.
pub struct Occupied<T> {
    pub value: T,
    _pinned: PhantomPinned,
}

// Inside a closure that borrows a homed local, its name is a `&mut Occupied<T>`; where the
// expansion leaves it as written (a macro it does not parse), it still reads as the value.
impl<T> Deref for Occupied<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Occupied<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T> Home<T> {
    /// An empty home.
    ///
    /// # Safety
    /// The home must not be reached before a [`HomeGuard`] fills it, nor after the guard
    /// drops or takes its value: only the generated code, which follows the guard's
    /// lifetime, may reach it.
    #[must_use]
    pub const unsafe fn empty() -> Self {
        Self {
            slot: MaybeUninit::uninit(),
        }
    }
}

/// Owns the value in a [`Home`]: stored in the state wherever the local is alive, and drops
/// the value when dropped, exactly where the local itself would have been dropped.
pub struct HomeGuard<T> {
    home: NonNull<Home<T>>,
    /// Whether the home holds a value (a local may be declared without one, or moved out).
    live: bool,
}

// SAFETY: the guard owns a `T` (as a `Box<T>` would) and gives no shared access to it by
// itself.
unsafe impl<T: Send> Send for HomeGuard<T> {}
// SAFETY: as above; `&HomeGuard<T>` gives no access to the value.
unsafe impl<T: Sync> Sync for HomeGuard<T> {}

impl<T> HomeGuard<T> {
    /// Moves `value` into `home` and returns the guard that owns it there.
    ///
    /// # Safety
    /// `home` must stay where it is, and must not be filled again, for as long as the guard
    /// exists: the generated code keeps guards in the state, which is dropped before the
    /// homes. The guard's methods must be called only as the body as written uses the local,
    /// under rustc's borrow check of that body: [`HomeGuard::home`] only where the local is
    /// initialized and its references only while the original's borrows live,
    /// [`HomeGuard::take`] only for a move the original makes, [`HomeGuard::set`] only for an
    /// assignment it makes.
    #[inline]
    pub unsafe fn new(home: Pin<&mut Home<T>>, value: T) -> Self {
        // SAFETY: the home does not move while the guard exists (the caller's promise); the
        // pointer is only used through the guard.
        let home = unsafe { Pin::get_unchecked_mut(home) };
        home.slot.write(Occupied {
            value,
            _pinned: PhantomPinned,
        });
        Self {
            home: NonNull::from(home),
            live: true,
        }
    }

    /// A guard for a local declared without a value (`let x;`); [`HomeGuard::set`] fills it.
    ///
    /// # Safety
    /// As for [`HomeGuard::new`].
    #[inline]
    #[must_use]
    pub unsafe fn uninit(home: Pin<&mut Home<T>>) -> Self {
        // SAFETY: as in `new`.
        let home = unsafe { Pin::get_unchecked_mut(home) };
        Self {
            home: NonNull::from(home),
            live: false,
        }
    }

    /// The filled home: user code reads the local as `HomeGuard::home(&mut x).value`. The lifetime is
    /// unbounded; the promise made to [`HomeGuard::new`] bounds it.
    #[inline]
    #[must_use]
    pub fn home<'e>(&mut self) -> &'e mut Occupied<T> {
        // SAFETY: the pointer came from a pinned `&mut Home<T>` that outlives the guard, and the
        // slot holds a value (the promise made to `new`); a `&mut` to the `!Unpin` `Occupied`
        // does not assert uniqueness over earlier borrows of the value (see the module docs).
        unsafe { (*self.home.as_ptr()).slot.assume_init_mut() }
    }

    /// Moves the value out (`drop(x)`, `return x`, a `move` closure capturing `x`).
    #[inline]
    pub fn take(&mut self) -> T {
        self.live = false;
        // SAFETY: the home holds a value, or `T` is `Copy` and the bits are still there (the
        // promise made to `new`); `live` is now false, so the value is not dropped again.
        unsafe { (*self.home.as_ptr()).slot.assume_init_read().value }
    }

    /// Assigns a new value (`x = value`), dropping the old one if there is one.
    #[inline]
    pub fn set(&mut self, value: T) {
        // SAFETY: the home is alive (see `new`); nothing borrows the old value, if any (the
        // promise made to `new`).
        let home = unsafe { &mut *self.home.as_ptr() };
        if self.live {
            // SAFETY: `live` says the value is initialized.
            unsafe { home.slot.assume_init_drop() };
        }
        home.slot.write(Occupied {
            value,
            _pinned: PhantomPinned,
        });
        self.live = true;
    }
}

// Where the expansion leaves a homed local's name as written (inside a macro it does not
// parse, the guard of `matches!`), the guard still reads as the value: `&x` coerces, methods
// auto-deref, `{:?}` formats the value.
impl<T> Deref for HomeGuard<T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: the home holds a value wherever the original reads the local (the promise
        // made to `new`).
        unsafe { &(*self.home.as_ptr()).slot.assume_init_ref().value }
    }
}

impl<T> DerefMut for HomeGuard<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.home().value
    }
}

impl<T: fmt::Debug> fmt::Debug for HomeGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for HomeGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T> Drop for HomeGuard<T> {
    fn drop(&mut self) {
        if self.live {
            self.live = false;
            // SAFETY: the home is alive (see `new`) and holds a value that nothing borrows any
            // more: the local's scope ends here.
            unsafe { (*self.home.as_ptr()).slot.assume_init_drop() };
        }
    }
}
