//! Pinned homes: where a local lives while something borrows it across an `.await`.
//!
//! The state enum moves its values from variant to variant, so a value that is borrowed across
//! an `.await` (`let r = &x; f().await; r`, `read(&mut buf).await`) cannot live there: the
//! borrow would dangle after the move. Such a local gets a [`Home`] instead, a slot in a struct
//! beside the state that never moves once the future is pinned. The state holds a
//! [`HomeGuard`], which owns the value in the home (it drops it where the local would be
//! dropped), and the code of each resume point reaches the value through an `&mut Occupied<T>`:
//! `x.value` in the expansion, a place like any local, so that disjoint fields can be borrowed
//! at once (`x.value.stream.read(&mut x.value.buffer)`).
//!
//! The borrows of a homed value have a lifetime the generated code cannot name (the state
//! enum would have to borrow itself), so it is erased here. That is sound only because the
//! original body is borrow-checked as written (the expansion keeps an unreachable copy of it
//! as an `async` block): every borrow of the local in the generated code is one the original
//! makes, which rustc has checked ends before the local is moved, dropped or mutated.
//!
//! Why [`Occupied`] contains `PhantomPinned`: a `&mut Occupied<T>` is then `&mut` to a `!Unpin` type,
//! which the aliasing models (Stacked and Tree Borrows, as Miri implements them) do not treat
//! as unique. Creating one on each resume does not invalidate the borrows that the previous
//! resume point handed out, just as taking `&mut` of a whole pinned future does not.

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

// Where the expansion leaves a homed local's name as written (inside a macro it does not
// parse, the guard of `matches!`), `&x` still reaches the value by deref coercion.
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
    /// homes.
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

    /// The filled home, for the code of one resume point to reach the value (`x.value`).
    ///
    /// # Safety
    /// The home must hold a value wherever the reference is used, and the lifetime is
    /// unbounded: the caller ties it to uses that the original body's borrow check allows.
    #[inline]
    #[must_use]
    pub unsafe fn home<'e>(&self) -> &'e mut Occupied<T> {
        // SAFETY: the pointer came from a pinned `&mut Home<T>` that outlives the guard; a
        // `&mut` to the `!Unpin` `Occupied` does not assert uniqueness over earlier borrows of
        // the value (see the module docs). The slot is initialized: the caller's promise.
        unsafe { (*self.home.as_ptr()).slot.assume_init_mut() }
    }

    /// Moves the value out (`drop(x)`, `return x`, a `move` closure capturing `x`).
    ///
    /// # Safety
    /// The home must hold a value, unless `T` is `Copy` (a copy leaves the bits in place);
    /// the original body's borrow check guarantees that for the generated code.
    #[inline]
    pub unsafe fn take(&mut self) -> T {
        self.live = false;
        // SAFETY: the caller's promise; `live` is now false, so the value is not dropped again.
        unsafe { (*self.home.as_ptr()).slot.assume_init_read().value }
    }

    /// Assigns a new value (`x = value`), dropping the old one if there is one.
    ///
    /// # Safety
    /// Nothing may borrow the old value: the original body's borrow check guarantees that for
    /// an assignment it makes.
    #[inline]
    pub unsafe fn set(&mut self, value: T) {
        // SAFETY: the home is alive (see `new`); the old value, if any, is not borrowed.
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
