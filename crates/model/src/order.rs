//! Name order: each user's and managed device's rank when sorted by name, then ID.
//!
//! Findings, waves and `impact.csv` list users by UPN and devices by name. Comparing the names
//! themselves means chasing a pointer per comparison into strings spread over the heap; at a
//! million users that is most of the cost of every such sort. A rank table is computed once
//! (the names' first 16 bytes as an integer key, the full names only to break ties) and then
//! every sort compares `u32`s. Ranks reproduce the string order exactly.

use crate::Guid;
use std::cmp::Ordering;

/// How names compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameOrder {
    /// Byte by byte (`str`'s `Ord`).
    Exact,
    /// Byte by byte after ASCII lowercasing (`to_ascii_lowercase`), as people expect UPNs
    /// sorted.
    AsciiCaseless,
}

impl NameOrder {
    fn byte(self, b: u8) -> u8 {
        match self {
            NameOrder::Exact => b,
            NameOrder::AsciiCaseless => b.to_ascii_lowercase(),
        }
    }

    /// The first 16 bytes as a big-endian integer (zero-padded): integer order is the string
    /// order, up to ties that the full comparison breaks.
    fn prefix(self, name: &str) -> u128 {
        let mut key = [0u8; 16];
        for (k, &b) in key.iter_mut().zip(name.as_bytes()) {
            *k = self.byte(b);
        }
        u128::from_be_bytes(key)
    }

    /// Compares two names in this order.
    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match self {
            NameOrder::Exact => a.cmp(b),
            NameOrder::AsciiCaseless => a
                .bytes()
                .map(|c| c.to_ascii_lowercase())
                .cmp(b.bytes().map(|c| c.to_ascii_lowercase())),
        }
    }
}

/// `rank[i]` = the position of item `i` when the items are sorted by (`name(i)`, `id(i)`) in
/// `order`; items with the same name and ID (which a valid snapshot has not) keep their index
/// order.
pub fn rank_by_name<'a>(
    len: usize,
    order: NameOrder,
    name: impl Fn(usize) -> &'a str,
    id: impl Fn(usize) -> Guid,
) -> Box<[u32]> {
    /// A name of at most 16 bytes is all in its prefix: with its length, it compares without
    /// touching the string (device names repeat a lot: "Galaxy S23").
    const SHORT: usize = 16;
    struct Key {
        prefix: u128,
        /// The name's length when it is short, `u32::MAX` when not.
        short_len: u32,
        id: Guid,
        index: u32,
    }
    let mut keys: Vec<Key> = (0..len)
        .map(|i| {
            let n = name(i);
            Key {
                prefix: order.prefix(n),
                short_len: if n.len() <= SHORT {
                    n.len() as u32
                } else {
                    u32::MAX
                },
                id: id(i),
                index: i as u32,
            }
        })
        .collect();
    keys.sort_unstable_by(|a, b| {
        a.prefix
            .cmp(&b.prefix)
            .then_with(|| {
                if a.short_len != u32::MAX && b.short_len != u32::MAX {
                    a.short_len.cmp(&b.short_len)
                } else {
                    order.compare(name(a.index as usize), name(b.index as usize))
                }
            })
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.index.cmp(&b.index))
    });
    let mut rank = vec![0u32; len].into_boxed_slice();
    for (position, key) in keys.iter().enumerate() {
        rank[key.index as usize] = position as u32;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sorted_by_rank(names: &[String], order: NameOrder) -> Vec<usize> {
        let rank = rank_by_name(names.len(), order, |i| &names[i], |i| Guid(i as u128 % 3));
        let mut ix: Vec<usize> = (0..names.len()).collect();
        ix.sort_by_key(|&i| rank[i]);
        ix
    }

    fn sorted_by_strings(names: &[String], order: NameOrder) -> Vec<usize> {
        let mut ix: Vec<usize> = (0..names.len()).collect();
        ix.sort_by(|&a, &b| {
            let key = |i: usize| match order {
                NameOrder::Exact => names[i].clone(),
                NameOrder::AsciiCaseless => names[i].to_ascii_lowercase(),
            };
            key(a)
                .cmp(&key(b))
                .then_with(|| (a as u128 % 3).cmp(&(b as u128 % 3)))
                .then_with(|| a.cmp(&b))
        });
        ix
    }

    #[test]
    fn long_shared_prefixes_and_case() {
        let names: Vec<String> = [
            "alex.wilber.longname@contoso.com",
            "alex.wilber.longname@contoso.co",
            "Alex.wilber.longname@contoso.com",
            "alex",
            "",
            "alex\0",
            "ALEX",
            "bob@contoso.com",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for order in [NameOrder::Exact, NameOrder::AsciiCaseless] {
            assert_eq!(
                sorted_by_rank(&names, order),
                sorted_by_strings(&names, order)
            );
        }
    }

    proptest! {
        #[test]
        fn ranks_reproduce_the_string_order(names in proptest::collection::vec("[a-cA-C.@\u{e9}\u{0}]{0,20}", 0..60)) {
            for order in [NameOrder::Exact, NameOrder::AsciiCaseless] {
                prop_assert_eq!(sorted_by_rank(&names, order), sorted_by_strings(&names, order));
            }
        }
    }
}
