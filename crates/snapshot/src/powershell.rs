//! Reads the value shapes `ConvertTo-Json` produces: enums as numbers or names, TimeSpans as
//! objects or strings, GUIDs as strings or `{"Guid": …}`, `/Date(…)/` or ISO dates, and the
//! loose scalars of the Windows-only fields. Each function takes the JSON value and returns the
//! typed value or a message saying what was expected and what was found.

use crate::error::describe;
use bms2intune_model::setting::ValueKind;
use bms2intune_model::{Guid, Instant, SettingValue};
use serde_json::Value;

/// Reads a boolean: `true`/`false`, or the strings PowerShell may write for them.
pub fn boolean(value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(format!("expected true or false, got {}", describe(other))),
    }
}

/// Reads a whole number: a JSON integer, a float with no fraction, or a numeric string.
pub fn integer(value: &Value) -> Result<i64, String> {
    let parsed = match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| format!("expected a whole number, got {}", describe(value)))
}

/// Reads a string (`null` is handled by the caller).
pub fn string(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        other => Err(format!("expected a string, got {}", describe(other))),
    }
}

/// Reads a GUID written as a string (braces allowed) or as `{"Guid": "…"}`.
pub fn guid(value: &Value) -> Result<Guid, String> {
    match value {
        Value::String(s) => Guid::parse(s),
        Value::Object(map) => map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Guid"))
            .and_then(|(_, v)| v.as_str())
            .and_then(Guid::parse),
        _ => None,
    }
    .ok_or_else(|| format!("expected a GUID, got {}", describe(value)))
}

/// Reads a GUID list: an array of GUIDs, one GUID, or a comma-separated string; `null` is
/// empty. Errors carry the index of the bad element.
pub fn guid_list(value: &Value) -> Result<Vec<Guid>, (Option<usize>, String)> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| guid(v).map_err(|e| (Some(i), e)))
            .collect(),
        Value::String(s) if s.contains(',') => s
            .split(',')
            .map(|part| {
                Guid::parse(part).ok_or_else(|| {
                    (
                        None,
                        format!("expected a GUID list, got {}", describe(value)),
                    )
                })
            })
            .collect(),
        other => guid(other).map(|g| vec![g]).map_err(|e| (None, e)),
    }
}

/// Reads an enum written as its number or its name (case-insensitive); returns the canonical
/// name from `members`.
pub fn enum_member(
    value: &Value,
    members: &'static [(&'static str, i64)],
    what: &str,
) -> Result<&'static str, String> {
    let found = match value {
        Value::Number(_) => integer(value)
            .ok()
            .and_then(|n| members.iter().find(|(_, v)| *v == n)),
        Value::String(s) => {
            let s = s.trim();
            members
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(s))
                .or_else(|| {
                    s.parse::<i64>()
                        .ok()
                        .and_then(|n| members.iter().find(|(_, v)| *v == n))
                })
        }
        _ => None,
    };
    found.map(|(name, _)| *name).ok_or_else(|| {
        let names: Vec<&str> = members.iter().map(|(n, _)| *n).collect();
        format!(
            "expected {what} ({} or its number), got {}",
            names.join(", "),
            describe(value)
        )
    })
}

/// Reads a .NET TimeSpan and returns whole minutes (BMS stores minutes; seconds are dropped).
/// Accepts the serialized object (`Ticks`, `TotalMinutes`, or `Days`/`Hours`/`Minutes`) and the
/// `[-][d.]hh:mm[:ss[.fffffff]]` string.
pub fn timespan_minutes(value: &Value) -> Result<u32, String> {
    let expected = || {
        format!(
            "expected a TimeSpan (a string like \"00:15:00\" or an object with Ticks), got {}",
            describe(value)
        )
    };
    let seconds: f64 = match value {
        Value::String(s) => parse_timespan(s).ok_or_else(expected)?,
        Value::Object(map) => {
            let field = |name: &str| {
                map.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .and_then(|(_, v)| v.as_f64())
            };
            if let Some(ticks) = field("Ticks") {
                ticks / 10_000_000.0
            } else if let Some(total) = field("TotalMinutes") {
                total * 60.0
            } else if let Some(total) = field("TotalSeconds") {
                total
            } else {
                let parts = [
                    ("Days", 86_400.0),
                    ("Hours", 3_600.0),
                    ("Minutes", 60.0),
                    ("Seconds", 1.0),
                ];
                let mut any = false;
                let mut sum = 0.0;
                for (name, scale) in parts {
                    if let Some(v) = field(name) {
                        any = true;
                        sum += v * scale;
                    }
                }
                if !any {
                    return Err(expected());
                }
                sum
            }
        }
        _ => return Err(expected()),
    };
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(format!(
            "expected a TimeSpan of zero or more, got {}",
            describe(value)
        ));
    }
    let minutes = (seconds / 60.0 + 1e-9).floor();
    if minutes > u32::MAX as f64 {
        return Err(format!("TimeSpan too large: {}", describe(value)));
    }
    Ok(minutes as u32)
}

/// Parses `[-][d.]hh:mm[:ss[.fffffff]]` (and `d.hh:mm:ss`) into seconds.
fn parse_timespan(text: &str) -> Option<f64> {
    let text = text.trim();
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut fields = text.split(':');
    let head = fields.next()?;
    let minutes = fields.next()?;
    let seconds = fields.next();
    if fields.next().is_some() {
        return None;
    }
    let (days, hours) = match head.split_once('.') {
        Some((d, h)) => (digits(d)?, digits(h)?),
        None => (0, digits(head)?),
    };
    let minutes = digits(minutes)?;
    let seconds = match seconds {
        None => 0.0,
        Some(s) => {
            let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
            let whole = digits(whole)? as f64;
            if !frac.is_empty() && !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let frac = if frac.is_empty() {
                0.0
            } else {
                format!("0.{frac}").parse::<f64>().ok()?
            };
            whole + frac
        }
    };
    if hours > 23 || minutes > 59 || seconds >= 60.0 {
        return None;
    }
    let total = days as f64 * 86_400.0 + hours as f64 * 3_600.0 + minutes as f64 * 60.0 + seconds;
    Some(if negative { -total } else { total })
}

fn digits(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 9 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Reads a date written as `/Date(ms)/` (Windows PowerShell 5.1) or ISO 8601 (PowerShell 7),
/// normalised to UTC by [`Instant::parse`].
pub fn date(value: &Value) -> Result<Instant, String> {
    let text = value.as_str().ok_or_else(|| {
        format!(
            "expected a date (ISO 8601 or \"/Date(…)/\"), got {}",
            describe(value)
        )
    })?;
    Instant::parse(text).map_err(|reason| {
        format!(
            "expected a date (ISO 8601 or \"/Date(…)/\"), got {}: {reason}",
            describe(value)
        )
    })
}

/// Reads the value of a BMS setting of the given kind. `Ok(None)` = not configured (`null`,
/// or an empty string for text).
pub fn setting_value(
    value: &Value,
    kind: ValueKind,
    property: &str,
) -> Result<Option<SettingValue>, String> {
    if value.is_null() {
        return Ok(None);
    }
    let parsed = match kind {
        ValueKind::Bool => SettingValue::Bool(boolean(value)?),
        ValueKind::Int => SettingValue::Int(integer(value)?),
        ValueKind::TimeSpan => SettingValue::Minutes(timespan_minutes(value)?),
        ValueKind::Enum(members) => {
            SettingValue::Enum(enum_member(value, members, &format!("a {property} value"))?)
        }
        ValueKind::Rating => SettingValue::Rating(rating(value, property)?),
        ValueKind::Text => match value {
            Value::String(s) if s.trim().is_empty() => return Ok(None),
            Value::String(s) => SettingValue::Text(s.clone()),
            other => return Err(format!("expected a string, got {}", describe(other))),
        },
        ValueKind::Loose => match value {
            Value::Bool(b) => SettingValue::Bool(*b),
            Value::Number(_) => SettingValue::Int(integer(value)?),
            Value::String(s) if s.trim().is_empty() => return Ok(None),
            Value::String(s) => SettingValue::Text(s.clone()),
            other => {
                return Err(format!(
                    "expected a boolean, number or string, got {}",
                    describe(other)
                ))
            }
        },
    };
    Ok(Some(parsed))
}

/// Reads an iOS media rating: its stored integer, or an enum name such as `USRatingPG13`
/// (names share integers across regions; the integer is what BMS stores).
fn rating(value: &Value, property: &str) -> Result<i64, String> {
    if let Ok(n) = integer(value) {
        if (0..=1000).contains(&n) {
            return Ok(n);
        }
    }
    let table = if property.eq_ignore_ascii_case("MoviesRating") {
        MOVIE_RATINGS
    } else {
        TV_RATINGS
    };
    if let Value::String(name) = value {
        let name = name.trim();
        if let Some(n) = COMMON_RATINGS
            .iter()
            .chain(table)
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
        {
            return Ok(n);
        }
    }
    Err(format!(
        "expected a {property} value (an integer 0–1000 or a name such as USRatingPG13), got {}",
        describe(value)
    ))
}

const COMMON_RATINGS: &[(&str, i64)] = &[("DontAllow", 0), ("AllowAll", 1000)];

/// Movie rating enum names (bms-source.md §4) and their stored integers.
const MOVIE_RATINGS: &[(&str, i64)] = &[
    ("USRatingG", 100),
    ("USRatingPG", 200),
    ("USRatingPG13", 300),
    ("USRatingR", 400),
    ("USRatingNC17", 500),
    ("AURatingG", 100),
    ("AURatingPG", 200),
    ("AURatingM", 350),
    ("AURatingMA15plus", 375),
    ("AURatingR18plus", 400),
    ("CARatingG", 100),
    ("CARatingPG", 200),
    ("CARating14A", 325),
    ("CARating18A", 400),
    ("CARatingR", 500),
    ("DERatingab0Jahren", 75),
    ("DERatingab6Jahren", 100),
    ("DERatingab12Jahren", 200),
    ("DERatingab16Jahren", 500),
    ("DERatingab18Jahren", 600),
    ("FRRating10minus", 100),
    ("FRRating12minus", 200),
    ("FRRating16minus", 500),
    ("FRRating18minus", 600),
    ("IERatingG", 100),
    ("IERatingPG", 200),
    ("IERating12", 300),
    ("IERating15", 350),
    ("IERating16", 375),
    ("IERating18", 400),
    ("JPRatingG", 100),
    ("JPRatingPG12", 200),
    ("JPRatingRdash15", 300),
    ("JPRatingRdash18", 400),
    ("NZRatingG", 100),
    ("NZRatingPG", 200),
    ("NZRatingM", 300),
    ("NZRatingR13", 325),
    ("NZRatingR15", 350),
    ("NZRatingR16", 375),
    ("NZRatingR18", 400),
    ("NZRatingR", 500),
    ("NZRatingRP16", 600),
    ("GBRatingU", 100),
    ("GBRatingUc", 150),
    ("GBRatingPG", 200),
    ("GBRating12", 300),
    ("GBRating12A", 325),
    ("GBRating15", 350),
    ("GBRating18", 400),
];

/// TV rating enum names (bms-source.md §4) and their stored integers.
const TV_RATINGS: &[(&str, i64)] = &[
    ("USRatingTVY", 100),
    ("USRatingTVY7", 200),
    ("USRatingTVG", 300),
    ("USRatingTVPG", 400),
    ("USRatingTV14", 500),
    ("USRatingTVMA", 600),
    ("AURatingP", 100),
    ("AURatingC", 200),
    ("AURatingG", 300),
    ("AURatingPG", 400),
    ("AURatingM", 500),
    ("AURatingMA15plus", 550),
    ("AURatingAv15plus", 575),
    ("CARatingC", 100),
    ("CARatingC8", 200),
    ("CARatingG", 300),
    ("CARatingPG", 400),
    ("CARating14plus", 500),
    ("CARating18plus", 600),
    ("DERatingab0Jahren", 75),
    ("DERatingab6Jahren", 100),
    ("DERatingab12Jahren", 200),
    ("DERatingab16Jahren", 500),
    ("DERatingab18Jahren", 600),
    ("FRRating10minus", 100),
    ("FRRating12minus", 200),
    ("FRRating16minus", 500),
    ("FRRating18minus", 600),
    ("IERatingGA", 100),
    ("IERatingCh", 200),
    ("IERatingYA", 400),
    ("IERatingPS", 500),
    ("IERatingMA", 600),
    ("JPRatingExplicitAllowed", 500),
    ("NZRatingG", 200),
    ("NZRatingPGR", 400),
    ("NZRatingAO", 600),
    ("GBRatingCaution", 500),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timespans_in_every_shape() {
        assert_eq!(timespan_minutes(&json!("00:15:00")), Ok(15));
        assert_eq!(timespan_minutes(&json!("00:15")), Ok(15));
        assert_eq!(timespan_minutes(&json!("5.00:00:00")), Ok(7200));
        assert_eq!(timespan_minutes(&json!("01:00:59.9990000")), Ok(60));
        assert_eq!(
            timespan_minutes(&json!({"Ticks": 9_000_000_000i64, "TotalMinutes": 15.0})),
            Ok(15)
        );
        assert_eq!(timespan_minutes(&json!({"TotalMinutes": 4.0})), Ok(4));
        assert_eq!(
            timespan_minutes(&json!({"Days": 0, "Hours": 1, "Minutes": 5, "Seconds": 30})),
            Ok(65)
        );
        // TotalMinutes as a float that is a hair under the whole number still counts.
        assert_eq!(
            timespan_minutes(&json!({"TotalMinutes": 14.999999999999998})),
            Ok(15)
        );
        for bad in [
            json!("abc"),
            json!("1:2:3:4"),
            json!("00:61:00"),
            json!(15),
            json!({"Foo": 1}),
            json!("-00:05:00"),
            json!(true),
        ] {
            let err = timespan_minutes(&bad).unwrap_err();
            assert!(err.contains("TimeSpan"), "{bad}: {err}");
        }
        assert_eq!(
            timespan_minutes(&json!("abc")).unwrap_err(),
            r#"expected a TimeSpan (a string like "00:15:00" or an object with Ticks), got "abc""#
        );
    }

    #[test]
    fn enums_by_number_or_name() {
        let members = bms2intune_model::Mode::MEMBERS;
        assert_eq!(
            enum_member(&json!(2), members, "a Mode"),
            Ok("PendingDeletion")
        );
        assert_eq!(
            enum_member(&json!("pendingdeletion"), members, "a Mode"),
            Ok("PendingDeletion")
        );
        assert_eq!(
            enum_member(&json!("2"), members, "a Mode"),
            Ok("PendingDeletion")
        );
        assert!(enum_member(&json!(9), members, "a Mode")
            .unwrap_err()
            .contains("Enforce, Audit"));
    }

    #[test]
    fn guids_as_strings_or_objects() {
        let g = "5bff73eb-0ba7-461b-b7c9-9b4c173cc266";
        assert_eq!(guid(&json!(g)).unwrap().to_string(), g);
        assert_eq!(guid(&json!({"Guid": g})).unwrap().to_string(), g);
        assert_eq!(guid_list(&json!([g, {"Guid": g}])).unwrap().len(), 2);
        assert_eq!(guid_list(&json!(null)).unwrap(), vec![]);
        assert_eq!(guid_list(&json!(g)).unwrap().len(), 1);
        assert_eq!(guid_list(&json!([g, "nope"])).unwrap_err().0, Some(1));
    }

    #[test]
    fn dates_iso_or_dotnet() {
        let iso = |v: Value| date(&v).map(|d| d.to_string());
        assert_eq!(
            iso(json!("/Date(1683022447000)/")).unwrap(),
            "2023-05-02T10:14:07Z"
        );
        assert_eq!(
            iso(json!("/Date(1683022447000+0200)/")).unwrap(),
            "2023-05-02T10:14:07Z"
        );
        assert_eq!(iso(json!("/Date(0)/")).unwrap(), "1970-01-01T00:00:00Z");
        assert_eq!(
            iso(json!("2023-05-02T12:14:07+02:00")).unwrap(),
            "2023-05-02T10:14:07Z"
        );
        assert!(iso(json!("yesterday")).is_err());
        assert!(iso(json!(5)).is_err());
        assert_eq!(
            iso(json!("/Date()/")).unwrap_err(),
            r#"expected a date (ISO 8601 or "/Date(…)/"), got "/Date()/": no milliseconds inside "/Date(…)/""#
        );
        assert!(iso(json!("/Date(é)/")).is_err());
    }

    #[test]
    fn setting_values_are_tri_state() {
        assert_eq!(setting_value(&json!(null), ValueKind::Bool, "X"), Ok(None));
        assert_eq!(
            setting_value(&json!(false), ValueKind::Bool, "X"),
            Ok(Some(SettingValue::Bool(false)))
        );
        assert_eq!(setting_value(&json!(""), ValueKind::Text, "X"), Ok(None));
        assert_eq!(
            setting_value(&json!("Required"), ValueKind::Loose, "X"),
            Ok(Some(SettingValue::Text("Required".into())))
        );
        assert_eq!(
            setting_value(&json!(1), ValueKind::Loose, "X"),
            Ok(Some(SettingValue::Int(1)))
        );
        assert!(setting_value(&json!("yes"), ValueKind::Bool, "X").is_err());
    }

    #[test]
    fn ratings_by_integer_or_name() {
        assert_eq!(rating(&json!(300), "MoviesRating"), Ok(300));
        assert_eq!(rating(&json!("USRatingPG13"), "MoviesRating"), Ok(300));
        assert_eq!(rating(&json!("AURatingMA15plus"), "MoviesRating"), Ok(375));
        assert_eq!(rating(&json!("AURatingMA15plus"), "TVShowsRating"), Ok(550));
        assert_eq!(rating(&json!("AllowAll"), "TVShowsRating"), Ok(1000));
        assert!(rating(&json!("PG"), "MoviesRating").is_err());
    }
}
