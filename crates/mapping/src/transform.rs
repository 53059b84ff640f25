//! Value transforms referenced by the mapping table: inactivity and grace-period buckets,
//! clamping to Intune's ranges, character-set counts, the Android required-password-type
//! aggregation of mapping.md §1.1 (and its work-profile translation, §6), and the iOS rating
//! tables of §3.1 (integers from bms-source.md §4). Each function is pure: it takes a BMS value
//! and returns the Intune value with its fidelity and a note that shows before → after.

use crate::record::Fidelity;
use bms2intune_model::setting::{APPS_RATINGS, RATING_REGIONS};
use bms2intune_model::{BmsSetting, RuleSettings, SettingValue};

/// The result of converting one BMS value.
#[derive(Debug, Clone, PartialEq)]
pub enum Conv<T> {
    /// Set the property to `value`.
    Value {
        value: T,
        fidelity: Fidelity,
        note: String,
        our_rule: bool,
    },
    /// Nothing to set: Intune's "not configured" means the same (fidelity exact).
    Unset { note: String },
    /// Nothing set: an admin must decide (fidelity manual).
    Manual { note: String },
}

impl<T> Conv<T> {
    fn exact(value: T, note: impl Into<String>) -> Self {
        Conv::Value {
            value,
            fidelity: Fidelity::Exact,
            note: note.into(),
            our_rule: false,
        }
    }
    fn approx(value: T, note: impl Into<String>) -> Self {
        Conv::Value {
            value,
            fidelity: Fidelity::Approximated,
            note: note.into(),
            our_rule: false,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Minutes: inactivity lock and grace period

/// A set of values Intune accepts for a minutes property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Buckets {
    /// Windows lock after inactivity: 1, 5, 15.
    Windows,
    /// iOS/iPadOS auto-lock: 1–5 (iPhone), 10 and 15 (iPadOS only).
    Ios,
    /// Android lock after inactivity: 1, 5, 15, 30, 60.
    Android,
    /// iOS passcode grace period: 0 (immediately), 1, 5, 15, 60, 240 ([our rule] rounding).
    IosGracePeriod,
}

impl Buckets {
    /// The accepted values, ascending.
    pub fn values(self) -> &'static [u32] {
        match self {
            Buckets::Windows => &[1, 5, 15],
            Buckets::Ios => &[1, 2, 3, 4, 5, 10, 15],
            Buckets::Android => &[1, 5, 15, 30, 60],
            Buckets::IosGracePeriod => &[0, 1, 5, 15, 60, 240],
        }
    }

    fn offers(self) -> &'static str {
        match self {
            Buckets::Windows => "Windows offers 1, 5 or 15 minutes",
            Buckets::Ios => "iOS offers 1–5 minutes (iPhone) and 10 or 15 (iPadOS only)",
            Buckets::Android => "Android offers 1, 5, 15, 30 or 60 minutes",
            Buckets::IosGracePeriod => {
                "Intune offers immediately, 1, 5, 15 minutes, 1 hour or 4 hours"
            }
        }
    }
}

/// Minutes as a short text: `7 min`, `1 h`, `4 h 30 min`.
pub fn minutes_text(m: u32) -> String {
    match (m / 60, m % 60) {
        (0, mins) => format!("{mins} min"),
        (h, 0) => format!("{h} h"),
        (h, mins) => format!("{h} h {mins} min"),
    }
}

/// Rounds `minutes` down to the nearest accepted value (a shorter lock or grace period is
/// stricter). Below the smallest value there is nothing to round to: manual.
pub fn bucket(buckets: Buckets, minutes: u32) -> Conv<i32> {
    let values = buckets.values();
    let Some(&to) = values.iter().rev().find(|&&b| b <= minutes) else {
        return Conv::Manual {
            note: format!(
                "{} is shorter than any value Intune accepts ({}); choose one in Intune",
                minutes_text(minutes),
                buckets.offers()
            ),
        };
    };
    let value = to as i32; // bucket values are small constants
    let changed = to != minutes;
    let ipad_only = buckets == Buckets::Ios && to >= 10;
    let change = format!("{} → {}", minutes_text(minutes), minutes_text(to));
    let mut note = if changed {
        format!(
            "{change}: {}; rounded down (shorter is stricter)",
            buckets.offers()
        )
    } else {
        minutes_text(to)
    };
    if ipad_only {
        note.push_str("; 10 and 15 minutes exist on iPadOS only (iPhone maximum is 5 minutes)");
        return Conv::Value {
            value,
            fidelity: Fidelity::PlatformLimited,
            note,
            our_rule: false,
        };
    }
    if changed {
        Conv::Value {
            value,
            fidelity: Fidelity::Approximated,
            note,
            our_rule: buckets == Buckets::IosGracePeriod,
        }
    } else {
        Conv::exact(value, note)
    }
}

// ---------------------------------------------------------------------------------------------
// Integers

/// An integer clamped to Intune's range `min..=max`. `0` means "no requirement" in BMS, which
/// is Intune's "not configured"; negative values are invalid.
pub fn clamp_int(value: i64, min: i64, max: i64) -> Conv<i32> {
    if value == 0 {
        return Conv::Unset {
            note: "0 means no requirement in BMS; Intune's not configured is the same".into(),
        };
    }
    if value < 0 {
        return Conv::Manual {
            note: format!("{value} is not a valid value; nothing was set"),
        };
    }
    let clamped = value.clamp(min, max);
    let clamped32 = i32::try_from(clamped).unwrap_or(i32::MAX);
    if clamped != value {
        Conv::approx(
            clamped32,
            format!("{value} → {clamped}: outside Intune's range {min}–{max}, clamped"),
        )
    } else {
        Conv::exact(clamped32, "")
    }
}

/// `PasswordMinComplexChars` on Windows: `passwordMinimumCharacterSetCount`, 1 → 2 (Windows has
/// no single-set option), 2–4 the same, more → 4.
pub fn windows_character_sets(n: i64) -> Conv<i32> {
    match n {
        i64::MIN..=0 => Conv::Unset {
            note: format!("{n} character sets means no requirement: not configured"),
        },
        1 => Conv::approx(
            2,
            "1 → 2: Windows has no single-character-set option (2 = digits and lowercase)",
        ),
        2..=4 => Conv::exact(n as i32, ""),
        _ => Conv::approx(4, format!("{n} → 4: there are only 4 character sets")),
    }
}

/// `PasswordMinComplexChars` on iOS: `passcodeMinimumCharacterSetCount` = N (0 → not
/// configured; more than 4 → 4).
pub fn ios_character_sets(n: i64) -> Conv<i32> {
    match n {
        i64::MIN..=0 => Conv::Unset {
            note: format!("{n} means no requirement: not configured"),
        },
        1..=4 => Conv::exact(
            n as i32,
            "the same iOS passcode key BMS set (minimum complex characters)",
        ),
        _ => Conv::approx(4, format!("{n} → 4: Intune accepts 0–4")),
    }
}

// ---------------------------------------------------------------------------------------------
// Android required password type (mapping.md §1.1, §6)

/// Android password types, weakest first (the order of Android's password qualities).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AndroidType {
    DeviceDefault,
    LowSecurityBiometric,
    /// "Required, any type".
    Any,
    Numeric,
    NumericComplex,
    Alphabetic,
    Alphanumeric,
    AlphanumericWithSymbols,
}

impl AndroidType {
    /// The `androidRequiredPasswordType` member.
    pub fn member(self) -> &'static str {
        match self {
            AndroidType::DeviceDefault => "deviceDefault",
            AndroidType::LowSecurityBiometric => "lowSecurityBiometric",
            AndroidType::Any => "any",
            AndroidType::Numeric => "numeric",
            AndroidType::NumericComplex => "numericComplex",
            AndroidType::Alphabetic => "alphabetic",
            AndroidType::Alphanumeric => "alphanumeric",
            AndroidType::AlphanumericWithSymbols => "alphanumericWithSymbols",
        }
    }

    /// The `androidWorkProfileRequiredPasswordType` member (mapping.md §6).
    pub fn work_profile_member(self) -> &'static str {
        match self {
            AndroidType::DeviceDefault => "deviceDefault",
            AndroidType::LowSecurityBiometric => "lowSecurityBiometric",
            AndroidType::Any => "required",
            AndroidType::Numeric => "atLeastNumeric",
            AndroidType::NumericComplex => "numericComplex",
            AndroidType::Alphabetic => "atLeastAlphabetic",
            AndroidType::Alphanumeric => "atLeastAlphanumeric",
            AndroidType::AlphanumericWithSymbols => "alphanumericWithSymbols",
        }
    }
}

/// What one configured BMS setting demands of the Android password type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demand {
    pub at_least: AndroidType,
    /// Exact, or approximated when Android cannot express the BMS value.
    pub fidelity: Fidelity,
    pub note: &'static str,
}

/// The §1.1 table: the password type a configured setting demands on Android, if any.
pub fn android_demand(setting: BmsSetting, value: &SettingValue) -> Option<Demand> {
    use AndroidType::*;
    let exact = |t| {
        Some(Demand {
            at_least: t,
            fidelity: Fidelity::Exact,
            note: "",
        })
    };
    match setting {
        BmsSetting::PasswordRequired => (value.as_bool() == Some(true)).then_some(())?,
        BmsSetting::PasswordMinimumLength
        | BmsSetting::PasswordHistoryCount
        | BmsSetting::PasswordExpirationDays => (value.as_int()? > 0).then_some(())?,
        BmsSetting::AllowSimplePassword => {
            return (value.as_bool() == Some(false))
                .then_some(())
                .and_then(|_| exact(NumericComplex));
        }
        BmsSetting::PasswordMinComplexChars => {
            return match value.as_int()? {
                i64::MIN..=0 => None,
                1 => exact(Numeric),
                2 => exact(Alphanumeric),
                3 => Some(Demand {
                    at_least: AlphanumericWithSymbols,
                    fidelity: Fidelity::Approximated,
                    note: "3 character sets → alphanumericWithSymbols: Android merges upper and lower case, so \
                           the nearest type at least as strict also demands a symbol",
                }),
                _ => Some(Demand {
                    at_least: AlphanumericWithSymbols,
                    fidelity: Fidelity::Approximated,
                    note: "4 character sets → alphanumericWithSymbols: Android cannot tell upper from lower case",
                }),
            };
        }
        BmsSetting::PasswordQuality => {
            return match value.as_int()? {
                0 => exact(DeviceDefault),
                1 => exact(Any),
                2 => exact(LowSecurityBiometric),
                3 => exact(Numeric),
                4 => exact(Alphabetic),
                5 => exact(Alphanumeric),
                6 => exact(AlphanumericWithSymbols),
                7 => exact(NumericComplex),
                q if q > 7 => Some(Demand {
                    at_least: AlphanumericWithSymbols,
                    fidelity: Fidelity::Approximated,
                    note: "quality above 7 → alphanumericWithSymbols, Intune's highest type",
                }),
                _ => None,
            };
        }
        _ => return None,
    }
    exact(Numeric)
}

// ---------------------------------------------------------------------------------------------
// iOS ratings (mapping.md §3, §3.1; integers from bms-source.md §4)

/// One rating region: its Graph property and its movie and TV tables
/// (`(BMS integer, BMS name suffix, Graph member)`).
#[derive(Debug, PartialEq, Eq)]
pub struct Region {
    /// `RegionRatings` member, e.g. `us`.
    pub code: &'static str,
    /// `mediaContentRating<Country>`.
    pub property: &'static str,
    pub movies: &'static [(i64, &'static str, &'static str)],
    pub tv: &'static [(i64, &'static str, &'static str)],
}

/// The nine regions.
pub const REGIONS: &[Region] = &[
    Region {
        code: "us",
        property: "mediaContentRatingUnitedStates",
        movies: &[
            (100, "G", "general"),
            (200, "PG", "parentalGuidance"),
            (300, "PG13", "parentalGuidance13"),
            (400, "R", "restricted"),
            (500, "NC17", "adults"),
        ],
        tv: &[
            (100, "TVY", "childrenAll"),
            (200, "TVY7", "childrenAbove7"),
            (300, "TVG", "general"),
            (400, "TVPG", "parentalGuidance"),
            (500, "TV14", "childrenAbove14"),
            (600, "TVMA", "adults"),
        ],
    },
    Region {
        code: "au",
        property: "mediaContentRatingAustralia",
        movies: &[
            (100, "G", "general"),
            (200, "PG", "parentalGuidance"),
            (350, "M", "mature"),
            (375, "MA15plus", "agesAbove15"),
            (400, "R18plus", "agesAbove18"),
        ],
        tv: &[
            (100, "P", "preschoolers"),
            (200, "C", "children"),
            (300, "G", "general"),
            (400, "PG", "parentalGuidance"),
            (500, "M", "mature"),
            (550, "MA15plus", "agesAbove15"),
            (575, "Av15plus", "agesAbove15AdultViolence"),
        ],
    },
    Region {
        code: "ca",
        property: "mediaContentRatingCanada",
        movies: &[
            (100, "G", "general"),
            (200, "PG", "parentalGuidance"),
            (325, "14A", "agesAbove14"),
            (400, "18A", "agesAbove18"),
            (500, "R", "restricted"),
        ],
        tv: &[
            (100, "C", "children"),
            (200, "C8", "childrenAbove8"),
            (300, "G", "general"),
            (400, "PG", "parentalGuidance"),
            (500, "14plus", "agesAbove14"),
            (600, "18plus", "agesAbove18"),
        ],
    },
    Region {
        code: "de",
        property: "mediaContentRatingGermany",
        movies: GERMANY,
        tv: GERMANY,
    },
    Region {
        code: "fr",
        property: "mediaContentRatingFrance",
        movies: FRANCE,
        tv: FRANCE,
    },
    Region {
        code: "ie",
        property: "mediaContentRatingIreland",
        movies: &[
            (100, "G", "general"),
            (200, "PG", "parentalGuidance"),
            (300, "12", "agesAbove12"),
            (350, "15", "agesAbove15"),
            (375, "16", "agesAbove16"),
            (400, "18", "adults"),
        ],
        tv: &[
            (100, "GA", "general"),
            (200, "Ch", "children"),
            (400, "YA", "youngAdults"),
            (500, "PS", "parentalSupervision"),
            (600, "MA", "mature"),
        ],
    },
    Region {
        code: "jp",
        property: "mediaContentRatingJapan",
        movies: &[
            (100, "G", "general"),
            (200, "PG12", "parentalGuidance"),
            (300, "Rdash15", "agesAbove15"),
            (400, "Rdash18", "agesAbove18"),
        ],
        tv: &[(500, "ExplicitAllowed", "explicitAllowed")],
    },
    Region {
        code: "nz",
        property: "mediaContentRatingNewZealand",
        movies: &[
            (100, "G", "general"),
            (200, "PG", "parentalGuidance"),
            (300, "M", "mature"),
            (325, "R13", "agesAbove13"),
            (350, "R15", "agesAbove15"),
            (375, "R16", "agesAbove16"),
            (400, "R18", "agesAbove18"),
            (500, "R", "restricted"),
            (600, "RP16", "agesAbove16Restricted"),
        ],
        tv: &[
            (200, "G", "general"),
            (400, "PGR", "parentalGuidance"),
            (600, "AO", "adults"),
        ],
    },
    Region {
        code: "gb",
        property: "mediaContentRatingUnitedKingdom",
        movies: &[
            (100, "U", "general"),
            (150, "Uc", "universalChildren"),
            (200, "PG", "parentalGuidance"),
            (300, "12", "agesAbove12Video"),
            (325, "12A", "agesAbove12Cinema"),
            (350, "15", "agesAbove15"),
            (400, "18", "adults"),
        ],
        tv: &[(500, "Caution", "caution")],
    },
];

/// Germany: movies and TV share one table.
const GERMANY: &[(i64, &str, &str)] = &[
    (75, "ab0Jahren", "general"),
    (100, "ab6Jahren", "agesAbove6"),
    (200, "ab12Jahren", "agesAbove12"),
    (500, "ab16Jahren", "agesAbove16"),
    (600, "ab18Jahren", "adults"),
];

/// France: movies and TV share one table.
const FRANCE: &[(i64, &str, &str)] = &[
    (100, "10minus", "agesAbove10"),
    (200, "12minus", "agesAbove12"),
    (500, "16minus", "agesAbove16"),
    (600, "18minus", "agesAbove18"),
];

/// `DontAllow`: every region's "block all".
pub const RATING_DONT_ALLOW: i64 = 0;
/// `AllowAll`: every region's "allow all".
pub const RATING_ALLOW_ALL: i64 = 1000;

/// The region of a `RegionRatings` value (enum name or stored integer).
pub fn region(value: &SettingValue) -> Option<&'static Region> {
    let code = match value {
        SettingValue::Enum(name) => {
            RATING_REGIONS
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))?
                .0
        }
        SettingValue::Int(n) => RATING_REGIONS.iter().find(|(_, v)| v == n)?.0,
        SettingValue::Text(t) => {
            RATING_REGIONS
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(t))?
                .0
        }
        _ => return None,
    };
    REGIONS.iter().find(|r| r.code == code)
}

/// Which part of a region's rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingPart {
    Movies,
    Tv,
}

impl RatingPart {
    /// The member of the complex value: `movieRating` or `tvRating`.
    pub fn field(self) -> &'static str {
        match self {
            RatingPart::Movies => "movieRating",
            RatingPart::Tv => "tvRating",
        }
    }

    /// The BMS property.
    pub fn setting(self) -> BmsSetting {
        match self {
            RatingPart::Movies => BmsSetting::MoviesRating,
            RatingPart::Tv => BmsSetting::TvShowsRating,
        }
    }
}

/// A rating integer resolved in a region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rating {
    /// The Graph member and a readable BMS name.
    Known {
        member: &'static str,
        bms_name: String,
    },
    /// Not a rating of this region.
    Unknown(i64),
}

/// Resolves a rating integer in a region (the region decides the table).
pub fn rating(region: &Region, part: RatingPart, n: i64) -> Rating {
    match n {
        RATING_DONT_ALLOW => {
            return Rating::Known {
                member: "allBlocked",
                bms_name: "DontAllow".into(),
            }
        }
        RATING_ALLOW_ALL => {
            return Rating::Known {
                member: "allAllowed",
                bms_name: "AllowAll".into(),
            }
        }
        _ => {}
    }
    let table = match part {
        RatingPart::Movies => region.movies,
        RatingPart::Tv => region.tv,
    };
    let prefix = region.code.to_ascii_uppercase();
    match table.iter().find(|(v, _, _)| *v == n) {
        Some((_, suffix, member)) => Rating::Known {
            member,
            bms_name: format!("{prefix}Rating{suffix}"),
        },
        None => Rating::Unknown(n),
    }
}

/// The complete rating plan of a rule: the region and the resolved movie and TV parts
/// (`None` = not configured).
#[derive(Debug, Clone, PartialEq)]
pub struct RatingPlan {
    pub region: Option<&'static Region>,
    pub movies: Option<Rating>,
    pub tv: Option<Rating>,
}

impl RatingPlan {
    pub fn of(settings: &RuleSettings) -> RatingPlan {
        let region = settings.get(BmsSetting::RegionRatings).and_then(region);
        let part = |p: RatingPart| {
            let n = settings.get(p.setting())?.as_int()?;
            region.map(|r| rating(r, p, n))
        };
        RatingPlan {
            region,
            movies: part(RatingPart::Movies),
            tv: part(RatingPart::Tv),
        }
    }

    /// The resolved part, if configured and resolvable.
    pub fn part(&self, part: RatingPart) -> Option<&Rating> {
        match part {
            RatingPart::Movies => self.movies.as_ref(),
            RatingPart::Tv => self.tv.as_ref(),
        }
    }

    /// The member sent for a part: the resolved one, or `allAllowed` when it is not configured
    /// or unknown (both members of the complex value are required).
    pub fn member(&self, part: RatingPart) -> &'static str {
        match self.part(part) {
            Some(Rating::Known { member, .. }) => member,
            _ => "allAllowed",
        }
    }

    /// Whether the complex property is sent: at least one part resolved.
    pub fn sets_property(&self) -> bool {
        self.region.is_some()
            && [RatingPart::Movies, RatingPart::Tv]
                .iter()
                .any(|p| matches!(self.part(*p), Some(Rating::Known { .. })))
    }
}

/// `AppsRating` → `ratingAppsType` member.
pub fn apps_rating(value: &SettingValue) -> Option<&'static str> {
    let name = match value {
        SettingValue::Enum(name) => *name,
        SettingValue::Int(n) => APPS_RATINGS.iter().find(|(_, v)| v == n)?.0,
        SettingValue::Text(t) => {
            APPS_RATINGS
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(t))?
                .0
        }
        _ => return None,
    };
    Some(match name {
        "AllowAll" => "allAllowed",
        "DontAllow" => "allBlocked",
        "Rating4plus" => "agesAbove4",
        "Rating9plus" => "agesAbove9",
        "Rating12plus" => "agesAbove12",
        "Rating17plus" => "agesAbove17",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_of(c: Conv<i32>) -> (i32, Fidelity) {
        match c {
            Conv::Value {
                value, fidelity, ..
            } => (value, fidelity),
            other => panic!("expected a value, got {other:?}"),
        }
    }

    #[test]
    fn bucket_edges_per_platform() {
        use Fidelity::*;
        // (minutes, windows, ios, android)
        type Expected = (i32, Fidelity);
        let cases: &[(u32, Expected, Expected, Expected)] = &[
            (1, (1, Exact), (1, Exact), (1, Exact)),
            (4, (1, Approximated), (4, Exact), (1, Approximated)),
            (5, (5, Exact), (5, Exact), (5, Exact)),
            (9, (5, Approximated), (5, Approximated), (5, Approximated)),
            (
                10,
                (5, Approximated),
                (10, PlatformLimited),
                (5, Approximated),
            ),
            (
                14,
                (5, Approximated),
                (10, PlatformLimited),
                (5, Approximated),
            ),
            (15, (15, Exact), (15, PlatformLimited), (15, Exact)),
            (
                29,
                (15, Approximated),
                (15, PlatformLimited),
                (15, Approximated),
            ),
            (30, (15, Approximated), (15, PlatformLimited), (30, Exact)),
            (
                59,
                (15, Approximated),
                (15, PlatformLimited),
                (30, Approximated),
            ),
            (60, (15, Approximated), (15, PlatformLimited), (60, Exact)),
            (
                u32::MAX,
                (15, Approximated),
                (15, PlatformLimited),
                (60, Approximated),
            ),
        ];
        for &(m, w, i, a) in cases {
            assert_eq!(value_of(bucket(Buckets::Windows, m)), w, "windows {m}");
            assert_eq!(value_of(bucket(Buckets::Ios, m)), i, "ios {m}");
            assert_eq!(value_of(bucket(Buckets::Android, m)), a, "android {m}");
        }
        for m in 2..=3 {
            assert_eq!(value_of(bucket(Buckets::Ios, m)), (m as i32, Exact));
            assert_eq!(value_of(bucket(Buckets::Windows, m)), (1, Approximated));
        }
        for b in [Buckets::Windows, Buckets::Ios, Buckets::Android] {
            assert!(matches!(bucket(b, 0), Conv::Manual { .. }));
        }
    }

    #[test]
    fn approximations_show_before_and_after() {
        let Conv::Value { note, .. } = bucket(Buckets::Windows, 7) else {
            panic!()
        };
        assert!(note.starts_with("7 min → 5 min"), "{note}");
    }

    #[test]
    fn grace_period_buckets() {
        use Fidelity::*;
        let cases: &[(u32, i32, Fidelity, bool)] = &[
            (0, 0, Exact, false),
            (1, 1, Exact, false),
            (2, 1, Approximated, true),
            (5, 5, Exact, false),
            (14, 5, Approximated, true),
            (15, 15, Exact, false),
            (59, 15, Approximated, true),
            (60, 60, Exact, false),
            (239, 60, Approximated, true),
            (240, 240, Exact, false),
            (7200, 240, Approximated, true),
        ];
        for &(m, v, f, ours) in cases {
            match bucket(Buckets::IosGracePeriod, m) {
                Conv::Value {
                    value,
                    fidelity,
                    our_rule,
                    ..
                } => {
                    assert_eq!((value, fidelity, our_rule), (v, f, ours), "{m}")
                }
                other => panic!("{m}: {other:?}"),
            }
        }
    }

    #[test]
    fn clamping() {
        assert_eq!(value_of(clamp_int(6, 4, 14)), (6, Fidelity::Exact));
        assert_eq!(value_of(clamp_int(2, 4, 14)), (4, Fidelity::Approximated));
        assert_eq!(
            value_of(clamp_int(i64::MAX, 4, 14)),
            (14, Fidelity::Approximated)
        );
        assert!(matches!(clamp_int(0, 4, 14), Conv::Unset { .. }));
        assert!(matches!(clamp_int(-3, 4, 14), Conv::Manual { .. }));
    }

    #[test]
    fn character_sets() {
        assert_eq!(
            value_of(windows_character_sets(1)),
            (2, Fidelity::Approximated)
        );
        for n in 2..=4 {
            assert_eq!(
                value_of(windows_character_sets(n)),
                (n as i32, Fidelity::Exact)
            );
        }
        for n in 1..=4 {
            assert_eq!(value_of(ios_character_sets(n)), (n as i32, Fidelity::Exact));
        }
        assert_eq!(
            value_of(windows_character_sets(9)),
            (4, Fidelity::Approximated)
        );
        assert_eq!(value_of(ios_character_sets(9)), (4, Fidelity::Approximated));
        assert!(matches!(windows_character_sets(0), Conv::Unset { .. }));
        assert!(matches!(ios_character_sets(0), Conv::Unset { .. }));
    }

    #[test]
    fn android_demands_follow_section_1_1() {
        use AndroidType::*;
        let d = |s, v| android_demand(s, &v).map(|d| d.at_least);
        assert_eq!(
            d(BmsSetting::PasswordRequired, SettingValue::Bool(true)),
            Some(Numeric)
        );
        assert_eq!(
            d(BmsSetting::PasswordRequired, SettingValue::Bool(false)),
            None
        );
        assert_eq!(
            d(BmsSetting::PasswordMinimumLength, SettingValue::Int(6)),
            Some(Numeric)
        );
        assert_eq!(
            d(BmsSetting::PasswordMinimumLength, SettingValue::Int(0)),
            None
        );
        assert_eq!(
            d(BmsSetting::PasswordHistoryCount, SettingValue::Int(3)),
            Some(Numeric)
        );
        assert_eq!(
            d(BmsSetting::PasswordExpirationDays, SettingValue::Int(30)),
            Some(Numeric)
        );
        assert_eq!(
            d(BmsSetting::AllowSimplePassword, SettingValue::Bool(false)),
            Some(NumericComplex)
        );
        assert_eq!(
            d(BmsSetting::AllowSimplePassword, SettingValue::Bool(true)),
            None
        );
        let chars = [
            (1, Numeric),
            (2, Alphanumeric),
            (3, AlphanumericWithSymbols),
            (4, AlphanumericWithSymbols),
        ];
        for (n, t) in chars {
            assert_eq!(
                d(BmsSetting::PasswordMinComplexChars, SettingValue::Int(n)),
                Some(t),
                "{n}"
            );
        }
        let quality = [
            (0, DeviceDefault),
            (1, Any),
            (2, LowSecurityBiometric),
            (3, Numeric),
            (4, Alphabetic),
            (5, Alphanumeric),
            (6, AlphanumericWithSymbols),
            (7, NumericComplex),
            (8, AlphanumericWithSymbols),
            (i64::MAX, AlphanumericWithSymbols),
        ];
        for (q, t) in quality {
            assert_eq!(
                d(BmsSetting::PasswordQuality, SettingValue::Int(q)),
                Some(t),
                "{q}"
            );
        }
        assert_eq!(d(BmsSetting::PasswordQuality, SettingValue::Int(-1)), None);
        assert_eq!(
            d(BmsSetting::CameraEnabled, SettingValue::Bool(false)),
            None
        );
        assert!(
            Numeric < NumericComplex && NumericComplex < Alphabetic && Alphabetic < Alphanumeric
        );
        assert!(Alphanumeric < AlphanumericWithSymbols && DeviceDefault < Any && Any < Numeric);
    }

    #[test]
    fn work_profile_translation() {
        use AndroidType::*;
        let cases = [
            (DeviceDefault, "deviceDefault"),
            (LowSecurityBiometric, "lowSecurityBiometric"),
            (Any, "required"),
            (Numeric, "atLeastNumeric"),
            (NumericComplex, "numericComplex"),
            (Alphabetic, "atLeastAlphabetic"),
            (Alphanumeric, "atLeastAlphanumeric"),
            (AlphanumericWithSymbols, "alphanumericWithSymbols"),
        ];
        for (t, m) in cases {
            assert_eq!(t.work_profile_member(), m);
        }
    }

    #[test]
    fn regions_cover_the_nine() {
        assert_eq!(REGIONS.len(), 9);
        for (code, n) in RATING_REGIONS {
            assert!(region(&SettingValue::Enum(code)).is_some());
            assert_eq!(region(&SettingValue::Int(*n)).map(|r| r.code), Some(*code));
        }
    }

    #[test]
    fn apps_ratings() {
        let cases = [
            ("AllowAll", "allAllowed"),
            ("DontAllow", "allBlocked"),
            ("Rating4plus", "agesAbove4"),
            ("Rating9plus", "agesAbove9"),
            ("Rating12plus", "agesAbove12"),
            ("Rating17plus", "agesAbove17"),
        ];
        for (name, member) in cases {
            assert_eq!(apps_rating(&SettingValue::Enum(name)), Some(member));
        }
        assert_eq!(apps_rating(&SettingValue::Int(300)), Some("agesAbove12"));
        assert_eq!(apps_rating(&SettingValue::Enum("Bogus")), None);
    }
}
