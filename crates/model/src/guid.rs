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
        let text = text.trim();
        let text = text
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix('}'))
            .unwrap_or(text);
        let bytes = text.as_bytes();
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
            let digit = (b as char).to_digit(16)?;
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

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        write!(
            f,
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            (v >> 96) as u32,
            (v >> 80) as u16,
            (v >> 64) as u16,
            (v >> 48) as u16,
            v & 0xffff_ffff_ffff
        )
    }
}

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidGuid;

impl fmt::Display for InvalidGuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected a GUID like 5bff73eb-0ba7-461b-b7c9-9b4c173cc266")
    }
}

impl std::error::Error for InvalidGuid {}

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
