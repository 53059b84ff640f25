//! A fixed-size bitset over `u64` words: the set type of every dense membership computation
//! (users, Entra devices, managed devices). It owns nothing but the bits; indexes out of range
//! are ignored on insert and read as absent, so no input can make it panic.
//!
//! Hand-written rather than a dependency: the assessment needs eight operations, and a million
//! users fit in 15,625 words (125 KB) per set.

/// A set of `usize` values below a fixed capacity, one bit each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BitSet {
    words: Vec<u64>,
    capacity: usize,
}

impl BitSet {
    /// An empty set that can hold `0..capacity`.
    pub fn new(capacity: usize) -> BitSet {
        BitSet {
            words: vec![0; capacity.div_ceil(64)],
            capacity,
        }
    }

    /// How many values the set can hold (`0..capacity`).
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Adds `i`; returns whether it was newly added. Values out of range are ignored.
    pub fn insert(&mut self, i: usize) -> bool {
        if i >= self.capacity {
            return false;
        }
        let (w, b) = (i / 64, 1u64 << (i % 64));
        let new = self.words[w] & b == 0;
        self.words[w] |= b;
        new
    }

    /// Removes `i` (a no-op when absent or out of range).
    pub fn remove(&mut self, i: usize) {
        if i < self.capacity {
            self.words[i / 64] &= !(1u64 << (i % 64));
        }
    }

    pub fn contains(&self, i: usize) -> bool {
        i < self.capacity && self.words[i / 64] & (1u64 << (i % 64)) != 0
    }

    /// `self ∪= other` (over the common capacity).
    pub fn union_with(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= *b;
        }
        self.trim();
    }

    /// `self ∩= other` (values beyond `other`'s capacity are dropped).
    pub fn intersect_with(&mut self, other: &BitSet) {
        let common = other.words.len().min(self.words.len());
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= *b;
        }
        for a in &mut self.words[common..] {
            *a = 0;
        }
    }

    /// `self −= other`.
    pub fn difference_with(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !*b;
        }
    }

    /// Number of values in the set.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// Removes every value.
    pub fn clear(&mut self) {
        self.words.iter_mut().for_each(|w| *w = 0);
    }

    /// The values in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &word)| {
            let mut w = word;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(wi * 64 + bit)
            })
        })
    }

    /// Clears bits at or beyond `capacity` in the last word (kept as an invariant).
    fn trim(&mut self) {
        let rem = self.capacity % 64;
        if rem != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << rem) - 1;
            }
        }
    }
}

impl FromIterator<usize> for BitSet {
    /// Collects into a set whose capacity is one more than the largest value.
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> BitSet {
        let values: Vec<usize> = iter.into_iter().collect();
        let mut set = BitSet::new(values.iter().max().map_or(0, |m| m + 1));
        for v in values {
            set.insert(v);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[test]
    fn basic_operations() {
        let mut s = BitSet::new(130);
        assert!(s.insert(0));
        assert!(s.insert(64));
        assert!(s.insert(129));
        assert!(!s.insert(129));
        assert!(!s.insert(130), "out of range is ignored");
        assert!(!s.contains(130));
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 64, 129]);
        assert_eq!(s.count(), 3);
        s.remove(64);
        s.remove(10_000);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 129]);
        let mut t = BitSet::new(130);
        t.insert(129);
        s.difference_with(&t);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0]);
        s.clear();
        assert!(s.is_empty());
        assert!(BitSet::new(0).is_empty());
    }

    proptest! {
        #[test]
        fn behaves_like_a_btreeset(a in proptest::collection::vec(0usize..300, 0..60),
                                   b in proptest::collection::vec(0usize..300, 0..60)) {
            let (mut sa, mut sb) = (BitSet::new(300), BitSet::new(300));
            a.iter().for_each(|&v| { sa.insert(v); });
            b.iter().for_each(|&v| { sb.insert(v); });
            let (ra, rb): (BTreeSet<usize>, BTreeSet<usize>) = (a.into_iter().collect(), b.into_iter().collect());
            let mut u = sa.clone();
            u.union_with(&sb);
            prop_assert_eq!(u.iter().collect::<Vec<_>>(), ra.union(&rb).copied().collect::<Vec<_>>());
            let mut i = sa.clone();
            i.intersect_with(&sb);
            prop_assert_eq!(i.iter().collect::<Vec<_>>(), ra.intersection(&rb).copied().collect::<Vec<_>>());
            let mut d = sa.clone();
            d.difference_with(&sb);
            prop_assert_eq!(d.iter().collect::<Vec<_>>(), ra.difference(&rb).copied().collect::<Vec<_>>());
            prop_assert_eq!(sa.count(), ra.len());
        }
    }
}
