//! A fast non-cryptographic hasher for the engine's small internal maps (names, paths,
//! the catalog). The keys are identifiers and paths of the linted code, never chosen to
//! attack us in a way that matters: a collision costs a few comparisons, not correctness.
//! SipHash showed up in profiles at a few percent of the whole lint.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The FxHash mixing step (rustc's), eight bytes at a time.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` with [`FxHasher`].
pub(crate) type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_keys_stay_distinct() {
        let mut m: FxHashMap<&str, usize> = FxHashMap::default();
        for (i, k) in ["a", "b", "std::thread::sleep", "std::thread::sleep_ms", ""]
            .iter()
            .enumerate()
        {
            m.insert(k, i);
        }
        assert_eq!(m.len(), 5);
        assert_eq!(m["std::thread::sleep_ms"], 3);
    }
}
