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
//! A local whose fields are moved out one by one (`let body = request.body;`) keeps the rest in
//! its home, as rustc keeps the rest of a partly moved local to the end of its scope: its
//! guard is a `HomeGuard<T, Parts<T>>`. [`HomeGuard::take_part`] reads a field out and
//! records it as moved; when the guard drops the value, it forgets the moved fields and drops
//! the others (a function the generated code writes, which names them), and
//! [`HomeGuard::restore_part`] puts a field back. Whether the field's type is `Copy` does not
//! matter: a copied field is still there, and forgetting a `Copy` value does nothing.
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
/// the value when dropped, exactly where the local itself would have been dropped. `R` says
/// how: whole ([`Whole`]), or what remains of it after fields were moved out ([`Parts`]).
pub struct HomeGuard<T, R: Remains<T> = Whole> {
    home: NonNull<Home<T>>,
    /// Whether the home holds a value (a local may be declared without one, or moved out).
    live: bool,
    remains: R,
}

/// How a [`HomeGuard`] drops its value.
pub trait Remains<T> {
    /// Drops the value at `value`, as much of it as is still there, and forgets that any of
    /// it was moved.
    ///
    /// # Safety
    /// `value` points to an initialized `T` (but for the parts recorded as moved), which is
    /// not used again.
    unsafe fn drop_value(&mut self, value: *mut T);

    /// Forgets that any part was moved (the value was moved out whole).
    fn clear(&mut self);
}

/// A value dropped whole, in place.
pub struct Whole;

impl<T> Remains<T> for Whole {
    #[inline]
    unsafe fn drop_value(&mut self, value: *mut T) {
        // SAFETY: the caller's promise.
        unsafe { core::ptr::drop_in_place(value) }
    }

    #[inline]
    fn clear(&mut self) {}
}

/// A value some fields of which may have been moved out: which ones (a bit each, numbered by
/// the generated code), and the function that drops the rest of a value with those moved.
pub struct Parts<T> {
    moved: u64,
    drop_rest: Option<fn(T, u64)>,
}

impl<T> Remains<T> for Parts<T> {
    unsafe fn drop_value(&mut self, value: *mut T) {
        match (core::mem::take(&mut self.moved), self.drop_rest) {
            // SAFETY: the caller's promise; the function forgets the moved fields (their
            // bits are still there, but they belong to whoever moved them) and drops the rest.
            (moved, Some(drop_rest)) if moved != 0 => drop_rest(unsafe { value.read() }, moved),
            // SAFETY: nothing was moved out: the caller's promise.
            _ => unsafe { core::ptr::drop_in_place(value) },
        }
    }

    #[inline]
    fn clear(&mut self) {
        self.moved = 0;
    }
}

// SAFETY: the guard owns a `T` (as a `Box<T>` would) and gives no shared access to it by
// itself; `R` is a marker or bits and a function pointer.
unsafe impl<T: Send, R: Remains<T> + Send> Send for HomeGuard<T, R> {}
// SAFETY: as above; `&HomeGuard<T>` gives no access to the value.
unsafe impl<T: Sync, R: Remains<T> + Sync> Sync for HomeGuard<T, R> {}

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
            remains: Whole,
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
            remains: Whole,
        }
    }
}

impl<T> HomeGuard<T, Parts<T>> {
    /// [`HomeGuard::new`] for a local whose fields may be moved out one by one.
    ///
    /// # Safety
    /// As for [`HomeGuard::new`]; and [`HomeGuard::take_part`] only for a move of a field the
    /// original makes, [`HomeGuard::restore_part`] only for an assignment to it.
    #[inline]
    pub unsafe fn new_parted(home: Pin<&mut Home<T>>, value: T) -> Self {
        // SAFETY: the caller's promise.
        let whole = unsafe { HomeGuard::new(home, value) };
        whole.parted()
    }

    /// [`HomeGuard::uninit`] for a local whose fields may be moved out one by one.
    ///
    /// # Safety
    /// As for [`HomeGuard::new_parted`].
    #[inline]
    #[must_use]
    pub unsafe fn uninit_parted(home: Pin<&mut Home<T>>) -> Self {
        // SAFETY: the caller's promise.
        let whole = unsafe { HomeGuard::uninit(home) };
        whole.parted()
    }

    /// Moves the field that `field` points to out of the value (`let body = request.body;`),
    /// recording it as moved (`bit`); `drop_rest` drops a value with the fields of the bits it
    /// is given moved out. A `Copy` field is copied, and stays.
    #[inline]
    pub fn take_part<F>(
        &mut self,
        bit: u64,
        drop_rest: fn(T, u64),
        field: impl FnOnce(&T) -> *const F,
    ) -> F {
        self.remains.moved |= bit;
        self.remains.drop_rest = Some(drop_rest);
        // SAFETY: the home holds a value and the field is there: the original moves it here,
        // which rustc checked (the promise made to `new_parted`); from now on the guard does
        // not drop it.
        unsafe { field(&self.home().value).read() }
    }

    /// Assigns a field (`request.body = body;`): written over a moved one, dropping the old
    /// value first if it is still there.
    #[inline]
    pub fn restore_part<F>(&mut self, bit: u64, field: impl FnOnce(&mut T) -> *mut F, value: F) {
        let moved = self.remains.moved & bit != 0;
        self.remains.moved &= !bit;
        let field = field(&mut self.home().value);
        if moved {
            // SAFETY: the field was moved out: its place is free.
            unsafe { field.write(value) };
        } else {
            // SAFETY: the field is initialized (rustc checked the original's assignment).
            unsafe { *field = value };
        }
    }
}

impl<T> HomeGuard<T> {
    /// The same guard, for a local whose fields may be moved out one by one.
    fn parted(self) -> HomeGuard<T, Parts<T>> {
        let this = core::mem::ManuallyDrop::new(self);
        HomeGuard {
            home: this.home,
            live: this.live,
            remains: Parts {
                moved: 0,
                drop_rest: None,
            },
        }
    }
}

impl<T, R: Remains<T>> HomeGuard<T, R> {
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

    /// Moves the value out (`drop(x)`, `return x`, a `move` closure capturing `x`). (After
    /// fields were moved out, the original can only do so if they were `Copy`: they are
    /// there.)
    #[inline]
    pub fn take(&mut self) -> T {
        self.live = false;
        self.remains.clear();
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
            // SAFETY: `live` says the value is initialized (but for the parts `remains`
            // records as moved).
            unsafe {
                self.remains
                    .drop_value(&raw mut home.slot.assume_init_mut().value);
            }
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
impl<T, R: Remains<T>> Deref for HomeGuard<T, R> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: the home holds a value wherever the original reads the local (the promise
        // made to `new`).
        unsafe { &(*self.home.as_ptr()).slot.assume_init_ref().value }
    }
}

impl<T, R: Remains<T>> DerefMut for HomeGuard<T, R> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        &mut self.home().value
    }
}

impl<T: fmt::Debug, R: Remains<T>> fmt::Debug for HomeGuard<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display, R: Remains<T>> fmt::Display for HomeGuard<T, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T, R: Remains<T>> Drop for HomeGuard<T, R> {
    fn drop(&mut self) {
        if self.live {
            self.live = false;
            // SAFETY: the home is alive (see `new`) and holds a value (but for the parts
            // `remains` records as moved) that nothing borrows any more: the local's scope
            // ends here.
            unsafe {
                let value = &raw mut (*self.home.as_ptr()).slot.assume_init_mut().value;
                self.remains.drop_value(value);
            }
        }
    }
}
