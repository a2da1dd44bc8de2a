//! Port of "Synchronous Example of Sleeping" (`countsync.py`): the same three counts
//! with a blocking sleep and no event loop. Each `count()` finishes before the next
//! starts (`One Two` three times) and the program takes three units.
//!
//! There is no async code here, so the blocking sleep is fine: this is the baseline
//! `countasync` is compared with, not a pitfall.

mod common;

use std::path::Path;
use std::time::Instant;

fn count() {
    println!("One");
    std::thread::sleep(common::units(1.0));
    println!("Two");
}

fn main_sync() {
    for _ in 0..3 {
        count();
    }
}

fn main() {
    let s = Instant::now();
    main_sync();
    let elapsed = common::in_units(s.elapsed());
    let file = Path::new(file!()).file_name().unwrap().to_string_lossy();
    println!("{file} exec in {elapsed:0.2} seconds.");
}
