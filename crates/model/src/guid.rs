//! GUIDs as 128-bit integers: parsed once, compared and hashed as numbers, printed in the
//! lowercase hyphenated form Graph and PowerShell use.

use std::fmt;
use std::str::FromStr;

/// A GUID (Entra object ID, BMS policy identity, SKU ID, …) stored as its 128-bit value.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Guid(pub u128);

impl Guid {
    /// `00000000-0000-0000-0000-000000000000`: in BMS `TargetGroups` it means "applies to no
    /// one", in `ExclusionList` "nobody excluded".
    pub const NIL: Guid = Guid(0);

    pub fn is_nil(self) -> bool {
        self.0 == 0
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, optionally in braces, any case.
    pub fn parse(text: &str) -> Option<Guid> {
        // Graph and PowerShell write the bare 36-character form: take it without trimming.
        let bytes = text.as_bytes();
        let bytes = if bytes.len() == 36 {
            bytes
        } else {
            let text = text.trim();
            text.strip_prefix('{')
                .and_then(|t| t.strip_suffix('}'))
                .unwrap_or(text)
                .as_bytes()
        };
        if bytes.len() != 36 {
            return None;
        }
        let mut value: u128 = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                if b != b'-' {
                    return None;
                }
                continue;
            }
            let digit = HEX_VALUE[b as usize];
            if digit > 15 {
                return None;
            }
            value = (value << 4) | digit as u128;
        }
        Some(Guid(value))
    }

    /// Builds a GUID deterministically from a name (FNV-1a based, version-4 layout bits set).
    /// Used for synthetic and test tenants, never for real tenant data.
    pub fn from_name(name: &str) -> Guid {
        let mut h1: u64 = 0xcbf29ce484222325;
        let mut h2: u64 = 0x84222325cbf29ce4;
        for &b in name.as_bytes() {
            h1 = (h1 ^ b as u64).wrapping_mul(0x100000001b3);
            h2 = (h2 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        let mut v = ((h1 as u128) << 64) | h2 as u128;
        v = (v & !(0xf << 76)) | (0x4 << 76);
        v = (v & !(0x3 << 62)) | (0x2 << 62);
        Guid(v)
    }
}

impl Guid {
    /// The lowercase hyphenated text, on the stack: for writers that want a `&str` without
    /// allocating (plans print millions of GUIDs).
    pub fn text(self) -> GuidText {
        // By hand: `write!` with five width specifiers costs several times more.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 36];
        let mut n = 0;
        for (i, shift) in (0..32).rev().enumerate() {
            if matches!(i, 8 | 12 | 16 | 20) {
                out[n] = b'-';
                n += 1;
            }
            out[n] = HEX[((self.0 >> (shift * 4)) & 0xF) as usize];
            n += 1;
        }
        GuidText(out)
    }
}

/// A GUID's text, see [`Guid::text`].
#[derive(Clone, Copy)]
pub struct GuidText([u8; 36]);

impl GuidText {
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits and hyphens are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.text().as_str())
    }
}

/// Hex digit values by byte; 0xFF for non-digits.
const HEX_VALUE: [u8; 256] = {
    let mut table = [0xFFu8; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// A hasher for maps keyed by [`Guid`]: one multiply-fold of the 128 bits instead of SipHash.
/// Directory GUIDs are random, and a snapshot is the admin's own export, so HashDoS
/// resistance buys nothing here while lookups happen millions of times per plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct GuidHasher(u64);

impl std::hash::Hasher for GuidHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write_u128(&mut self, v: u128) {
        // Folded multiply (as in foldhash/wyhash): mixes every input bit into the high and low
        // halves that hashbrown uses for buckets and tags.
        let folded = (v as u64) ^ ((v >> 64) as u64).rotate_left(32) ^ self.0;
        let wide = u128::from(folded ^ 0x243F_6A88_85A3_08D3) * 0x9E37_79B9_7F4A_7C15;
        self.0 = (wide as u64) ^ ((wide >> 64) as u64);
    }

    fn write(&mut self, bytes: &[u8]) {
        // Not reached for `Guid` keys; kept correct for any other use.
        for chunk in bytes.chunks(16) {
            let mut buf = [0u8; 16];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.write_u128(u128::from_le_bytes(buf));
        }
    }
}

/// `BuildHasher` for [`GuidHasher`]: `HashMap<Guid, V, GuidHashing>`.
pub type GuidHashing = std::hash::BuildHasherDefault<GuidHasher>;

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Guid {
    type Err = InvalidGuid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Guid::parse(s).ok_or(InvalidGuid)
    }
}

/// The text was not a GUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("expected a GUID like 5bff73eb-0ba7-461b-b7c9-9b4c173cc266")]
pub struct InvalidGuid;

impl serde::Serialize for Guid {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Guid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Guid;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a GUID string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Guid, E> {
                Guid::parse(v).ok_or_else(|| E::custom(format!("expected a GUID, got {v:?}")))
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_plain_braced_and_uppercase() {
        let g = Guid::parse("5bff73eb-0ba7-461b-b7c9-9b4c173cc266").unwrap();
        assert_eq!(g.to_string(), "5bff73eb-0ba7-461b-b7c9-9b4c173cc266");
        assert_eq!(
            Guid::parse("{5BFF73EB-0BA7-461B-B7C9-9B4C173CC266}"),
            Some(g)
        );
        assert!(Guid::parse("00000000-0000-0000-0000-000000000000")
            .unwrap()
            .is_nil());
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "abc",
            "5bff73eb0ba7461bb7c99b4c173cc266",
            "5bff73eb-0ba7-461b-b7c9-9b4c173cc26g",
            "5bff73eb-0ba7-461b-b7c9+9b4c173cc266",
            "{5bff73eb-0ba7-461b-b7c9-9b4c173cc266",
        ] {
            assert_eq!(Guid::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn hasher_spreads_sequential_ids() {
        use std::hash::BuildHasher;
        let build = GuidHashing::default();
        let mut seen = std::collections::HashSet::new();
        for i in 0..10_000u128 {
            let h = build.hash_one(Guid(0xa000_0000_0000_4000_8000_0000_0000_0000 + i));
            // hashbrown picks buckets from the low bits and tags from the top seven.
            seen.insert(h & 0xFFFF);
        }
        assert!(seen.len() > 8_000, "{}", seen.len());
        assert_eq!(
            format!("{:>38}", Guid(1)),
            "  00000000-0000-0000-0000-000000000001"
        );
    }

    proptest! {
        #[test]
        fn display_round_trips(v in any::<u128>()) {
            let g = Guid(v);
            prop_assert_eq!(Guid::parse(&g.to_string()), Some(g));
        }

        #[test]
        fn parse_never_panics(s in ".{0,40}") {
            let _ = Guid::parse(&s);
        }
    }
}
