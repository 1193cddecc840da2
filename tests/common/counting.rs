//! A global allocator that counts, per thread (so parallel tests don't
//! disturb each other), the allocations made and the bytes requested and
//! held. Included by the binaries that measure allocations.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

// Per thread: allocating calls; bytes asked for (a `realloc` asks for its
// new size); bytes held (allocated minus freed).
thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    static REQUESTED: Cell<usize> = const { Cell::new(0) };
    static HELD: Cell<isize> = const { Cell::new(0) };
}

pub struct Counting;
#[global_allocator]
static GLOBAL: Counting = Counting;

fn count(requested: usize, held: isize) {
    // `try_with`: the thread-locals may already be gone while a thread exits.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    let _ = REQUESTED.try_with(|n| n.set(n.get() + requested));
    let _ = HELD.try_with(|n| n.set(n.get() + held));
}

// SAFETY: every method forwards to `System` with the caller's arguments, so
// `System`'s guarantees hold; counting touches only const-initialised
// thread-local `Cell`s, which neither allocate nor unwind.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size(), layout.size() as isize);
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size(), layout.size() as isize);
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size, new_size as isize - layout.size() as isize);
        // SAFETY: `ptr` and `layout` come from this allocator, i.e. from `System`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = HELD.try_with(|n| n.set(n.get() - layout.size() as isize));
        // SAFETY: `ptr` and `layout` come from this allocator, i.e. from `System`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

pub fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}
pub fn held() -> isize {
    HELD.with(Cell::get)
}

/// Allocations made and bytes requested on this thread while running `f`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub allocations: usize,
    pub bytes: usize,
}

pub fn cost_of<T>(f: impl FnOnce() -> T) -> (T, Cost) {
    let (allocations, bytes) = (allocations(), REQUESTED.with(Cell::get));
    let out = f();
    let bytes = REQUESTED.with(Cell::get) - bytes;
    (out, Cost { allocations: self::allocations() - allocations, bytes })
}
