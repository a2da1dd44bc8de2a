//! Data-flow helpers for the flow rules (`sequential_await_in_loop`, `sequential_awaits`,
//! `immediately_awaited_task`, `dropped_task`, `lock_across_await`, `busy_wait`).
//!
//! Everything here is a pure function over syn trees: which variables an expression or a
//! statement binds, reads, assigns or borrows mutably ([`vars`]), whether an awaited
//! operation is ordering-sensitive ([`order`]), which variables a loop carries from one
//! iteration to the next ([`loops`]) and how long a lock guard lives inside a block
//! ([`guards`]). The helpers are deliberately *conservative in one direction*: when in
//! doubt they over-approximate reads, writes and side effects, so that the rules built on
//! them stay silent rather than raise a false positive.
//!
//! This module knows nothing about name resolution, async context or diagnostics: the
//! rules pass in what the engine resolved, and decide what to report.

#![cfg_attr(not(test), allow(dead_code))] // until the flow rules land

pub(crate) mod guards;
pub(crate) mod loops;
pub(crate) mod order;
pub(crate) mod vars;
