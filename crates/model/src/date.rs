//! Every date the tool reads or writes, in one place, on `jiff`: an [`Instant`] (a moment,
//! always handed on as ISO 8601 in UTC) read from either shape PowerShell's `ConvertTo-Json`
//! writes — `/Date(ms)/` or `/Date(ms+hhmm)/` (Windows PowerShell 5.1) and ISO 8601 with or
//! without an offset (PowerShell 7, Graph) — and a calendar [`Day`] (`YYYY-MM-DD`, the
//! assessment config's dates). Parsing never panics: anything else is an error message saying
//! what was wrong, which the reader turns into an input error naming the file and JSON path.

use jiff::civil;
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A moment in time. Displays as ISO 8601 in UTC: `2023-05-02T10:14:07Z`, with a fraction
/// of a second only when it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(Timestamp);

impl Instant {
    /// Seconds since 1970-01-01 UTC; `None` outside years -9999..=9999.
    pub fn from_unix_seconds(seconds: i64) -> Option<Instant> {
        Timestamp::from_second(seconds).ok().map(Instant)
    }

    /// Milliseconds since 1970-01-01 UTC; `None` outside years -9999..=9999.
    pub fn from_unix_millis(millis: i64) -> Option<Instant> {
        Timestamp::from_millisecond(millis).ok().map(Instant)
    }

    /// Reads a date as PowerShell or Graph write it: `/Date(ms)/` and `/Date(ms±hhmm)/` (the
    /// number is milliseconds since 1970 in UTC; the offset only says where the writer was),
    /// or ISO 8601 — with an offset (`Z`, `+02:00`), which is normalised to UTC, or without
    /// one (a date alone or a date and time), which is read as UTC. Leading and trailing
    /// spaces are ignored. The error says what is wrong, not what was given.
    pub fn parse(text: &str) -> Result<Instant, String> {
        let text = text.trim();
        if let Some(inner) = text.strip_prefix("/Date(") {
            let inner = inner
                .strip_suffix(")/")
                .ok_or("a \"/Date(\" without its closing \")/\"")?;
            return parse_powershell_millis(inner);
        }
        parse_iso(text)
    }

    /// Seconds since 1970-01-01 UTC (a fraction of a second is dropped).
    pub fn unix_seconds(self) -> i64 {
        self.0.as_second()
    }

    /// ISO 8601 in UTC (`2023-05-02T10:14:07Z`), the form every output uses.
    pub fn to_iso_utc(self) -> String {
        self.0.to_string()
    }

    /// ISO 8601 at a fixed offset of whole hours (`2025-02-11T02:27:19-08:00`), as PowerShell 7
    /// writes a local time; offsets beyond ±25 hours are clamped.
    pub fn to_iso_at_offset(self, offset_hours: i8) -> String {
        let offset = Offset::constant(offset_hours.clamp(-25, 25));
        self.0.display_with_offset(offset).to_string()
    }

    /// The `/Date(ms)/` of Windows PowerShell 5.1 (before JSON escaping of the slashes).
    pub fn to_powershell(self) -> String {
        format!("/Date({})/", self.0.as_millisecond())
    }

    /// The calendar day in UTC.
    pub fn utc_day(self) -> Day {
        Day(self.0.to_zoned(TimeZone::UTC).date())
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for Instant {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `ms` or `ms±hhmm`, the inside of `/Date(…)/`.
fn parse_powershell_millis(inner: &str) -> Result<Instant, String> {
    // The offset starts at the first sign after the number's own sign.
    let number_end = inner
        .char_indices()
        .skip(1)
        .find(|(_, c)| *c == '+' || *c == '-')
        .map_or(inner.len(), |(i, _)| i);
    let (number, offset) = inner.split_at(number_end);
    if number.is_empty() {
        return Err("no milliseconds inside \"/Date(…)/\"".into());
    }
    let digits = number.strip_prefix('-').unwrap_or(number);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("\"/Date(…)/\" must hold a whole number of milliseconds".into());
    }
    if !offset.is_empty() {
        let offset_digits = &offset[1..];
        if offset_digits.len() != 4 || !offset_digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("the offset inside \"/Date(…)/\" must be +hhmm or -hhmm".into());
        }
    }
    number
        .parse::<i64>()
        .ok()
        .and_then(Instant::from_unix_millis)
        .ok_or_else(|| "the milliseconds inside \"/Date(…)/\" are out of range".into())
}

/// ISO 8601: with an offset (normalised to UTC) or without one (read as UTC).
fn parse_iso(text: &str) -> Result<Instant, String> {
    if let Ok(timestamp) = text.parse::<Timestamp>() {
        return Ok(Instant(timestamp));
    }
    // No offset: a civil date and time (or a date alone, at midnight), taken as UTC.
    let civil: civil::DateTime = text
        .parse()
        .map_err(|_| "not an ISO 8601 date (such as 2023-05-02T10:14:07Z)".to_string())?;
    civil
        .to_zoned(TimeZone::UTC)
        .map(|zoned| Instant(zoned.timestamp()))
        .map_err(|_| "the date is out of range".into())
}

/// A calendar day, `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(civil::Date);

impl Day {
    /// A day known when the program is written; an invalid day does not compile.
    pub const fn new(year: i16, month: i8, day: i8) -> Day {
        Day(civil::Date::constant(year, month, day))
    }

    /// Reads `YYYY-MM-DD`, or a full ISO 8601 date and time, which counts as its day in UTC.
    pub fn parse(text: &str) -> Result<Day, String> {
        let text = text.trim();
        let is_plain_day = text.len() == 10 && text.is_ascii();
        if is_plain_day {
            return text
                .parse::<civil::Date>()
                .map(Day)
                .map_err(|_| "not a calendar day (YYYY-MM-DD)".into());
        }
        Instant::parse(text)
            .map(Instant::utc_day)
            .map_err(|_| "not a date (YYYY-MM-DD)".into())
    }

    /// Whole days from `earlier` to this day (negative when `earlier` is later).
    pub fn days_since(self, earlier: Day) -> i64 {
        // A span between two civil dates is in days (its largest unit by default).
        i64::from((self.0 - earlier.0).get_days())
    }

    pub fn year(self) -> i16 {
        self.0.year()
    }

    pub fn month(self) -> i8 {
        self.0.month()
    }

    pub fn day(self) -> i8 {
        self.0.day()
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            self.0.month(),
            self.0.day()
        )
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        d.deserialize_any(DayVisitor)
    }
}

struct DayVisitor;

impl<'de> serde::de::Visitor<'de> for DayVisitor {
    type Value = Day;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date YYYY-MM-DD")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Day, E> {
        Day::parse(v)
            .map_err(|reason| E::custom(format!("expected a date YYYY-MM-DD, got {v:?}: {reason}")))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Day, A::Error> {
        // TOML hands an unquoted date over as a map with one private key and a string value.
        let Some((_key, value)) = map.next_entry::<String, String>()? else {
            return Err(serde::de::Error::custom(
                "expected a date YYYY-MM-DD, got an empty table",
            ));
        };
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        self.visit_str(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> Result<String, String> {
        Instant::parse(text).map(Instant::to_iso_utc)
    }

    #[test]
    fn powershell_dates_are_utc_milliseconds() {
        assert_eq!(
            iso("/Date(1683022447000)/").unwrap(),
            "2023-05-02T10:14:07Z"
        );
        assert_eq!(
            iso("/Date(1683022447000+0200)/").unwrap(),
            "2023-05-02T10:14:07Z"
        );
        assert_eq!(
            iso("/Date(1683022447000-0530)/").unwrap(),
            "2023-05-02T10:14:07Z"
        );
        assert_eq!(
            iso("/Date(1683022447123)/").unwrap(),
            "2023-05-02T10:14:07.123Z"
        );
        assert_eq!(iso("/Date(0)/").unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(iso("/Date(-1000)/").unwrap(), "1969-12-31T23:59:59Z");
        // DateTime.MinValue, as Windows PowerShell writes it.
        assert_eq!(
            iso("/Date(-62135596800000)/").unwrap(),
            "0001-01-01T00:00:00Z"
        );
    }

    #[test]
    fn malformed_powershell_dates_are_errors_not_panics() {
        for bad in [
            "/Date()/",
            "/Date(-)/",
            "/Date(+0200)/",
            "/Date(é)/",
            "/Date(1é)/",
            "/Date(-é)/",
            "/Date(12+é)/",
            "/Date(12+02)/",
            "/Date(12+02000)/",
            "/Date(1.5)/",
            "/Date(99999999999999999999)/",
            "/Date(-999999999999999)/",
            "/Date(12",
            "/Date(",
        ] {
            assert!(iso(bad).is_err(), "{bad}");
        }
        assert_eq!(
            iso("/Date()/").unwrap_err(),
            "no milliseconds inside \"/Date(…)/\""
        );
    }

    #[test]
    fn iso_dates_are_normalised_to_utc() {
        assert_eq!(iso("2023-05-02T10:14:07Z").unwrap(), "2023-05-02T10:14:07Z");
        assert_eq!(
            iso("2023-05-02T12:14:07+02:00").unwrap(),
            "2023-05-02T10:14:07Z"
        );
        assert_eq!(
            iso("2023-05-01T23:14:07.1234567-11:00").unwrap(),
            "2023-05-02T10:14:07.1234567Z"
        );
        assert_eq!(
            iso(" 2023-05-02T10:14:07 ").unwrap(),
            "2023-05-02T10:14:07Z"
        );
        assert_eq!(iso("2023-05-02").unwrap(), "2023-05-02T00:00:00Z");
        for bad in [
            "yesterday",
            "",
            "2023-13-02",
            "2023-02-30T00:00:00Z",
            "2023-05-02Té",
            "２０２３-05-02",
        ] {
            assert!(iso(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn writes_every_shape_synth_needs() {
        let t = Instant::from_unix_seconds(1_739_269_639).unwrap();
        assert_eq!(t.to_iso_utc(), "2025-02-11T10:27:19Z");
        assert_eq!(t.to_iso_at_offset(-8), "2025-02-11T02:27:19-08:00");
        assert_eq!(t.to_iso_at_offset(1), "2025-02-11T11:27:19+01:00");
        assert_eq!(t.to_powershell(), "/Date(1739269639000)/");
        assert_eq!(Instant::parse(&t.to_powershell()), Ok(t));
        assert_eq!(Instant::parse(&t.to_iso_at_offset(-8)), Ok(t));
    }

    #[test]
    fn days_are_validated() {
        assert_eq!(Day::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(Day::parse("2025-02-29").is_err());
        assert!(Day::parse("14/10/2025").is_err());
        assert!(Day::parse("2025-1-014").is_err());
        assert_eq!(Day::parse("2025-10-14T00:00:00Z").unwrap().day(), 14);
        assert_eq!(Day::parse("2025-10-14T23:00:00-05:00").unwrap().day(), 15);
        assert_eq!(Day::parse("2025-10-14 08:00").unwrap().day(), 14);
        assert!(Day::new(2025, 10, 14) < Day::new(2026, 5, 13));
        assert_eq!(Day::new(2025, 3, 1).days_since(Day::new(2025, 2, 28)), 1);
        assert_eq!(
            Day::new(2024, 3, 1).days_since(Day::new(2024, 2, 28)),
            2,
            "leap year"
        );
        assert_eq!(Day::new(2026, 1, 1).days_since(Day::new(2025, 1, 1)), 365);
        assert_eq!(Day::new(2025, 1, 1).days_since(Day::new(2026, 1, 1)), -365);
        assert_eq!(
            // The whole range (19,999 proleptic years) fits: no overflow at the ends.
            Day::new(9999, 12, 31).days_since(Day::new(-9999, 1, 1)),
            7_304_483
        );
        assert_eq!(
            serde_json::from_str::<Day>("\"2025-10-14\"").unwrap(),
            Day::new(2025, 10, 14)
        );
        assert!(serde_json::from_str::<Day>("\"2025-10-32\"").is_err());
    }
}
