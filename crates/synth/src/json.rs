//! JSON output: a compact, allocation-free object writer for the large Graph pages, the two
//! pretty-printers PowerShell uses (`ConvertTo-Json` in Windows PowerShell 5.1 and in
//! PowerShell 7), the file encodings an admin ends up with, and date formatting.

use bms2intune_model::Instant;
use serde_json::Value;

/// Appends `s` as a JSON string literal.
pub fn push_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1F => {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends a GUID in its 8-4-4-4-12 form, unquoted.
pub fn push_guid_raw(out: &mut Vec<u8>, g: u128) {
    for (i, shift) in (0..32).rev().enumerate() {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push(b'-');
        }
        out.push(HEX[((g >> (shift * 4)) & 0xF) as usize]);
    }
}

/// A GUID as text.
pub fn guid_text(g: u128) -> String {
    let mut out = Vec::with_capacity(36);
    push_guid_raw(&mut out, g);
    String::from_utf8(out).unwrap_or_default()
}

/// Appends a decimal integer.
pub fn push_int(out: &mut Vec<u8>, n: i64) {
    let mut buf = itoa_buf(n);
    out.append(&mut buf);
}

fn itoa_buf(n: i64) -> Vec<u8> {
    let mut digits = Vec::with_capacity(20);
    let negative = n < 0;
    let mut v = n.unsigned_abs();
    loop {
        digits.push(b'0' + (v % 10) as u8);
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if negative {
        digits.push(b'-');
    }
    digits.reverse();
    digits
}

/// A compact JSON object being written into a buffer: `{"a":1,"b":"x"}`.
pub struct Obj<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Obj<'a> {
    pub fn begin(out: &'a mut Vec<u8>) -> Obj<'a> {
        out.push(b'{');
        Obj { out, first: true }
    }

    /// Writes the key and returns the buffer for the value.
    pub fn key(&mut self, key: &str) -> &mut Vec<u8> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        let out = self.key(key);
        push_str(out, value);
        self
    }

    pub fn guid(&mut self, key: &str, value: u128) -> &mut Self {
        let out = self.key(key);
        out.push(b'"');
        push_guid_raw(out, value);
        out.push(b'"');
        self
    }

    pub fn int(&mut self, key: &str, value: i64) -> &mut Self {
        let out = self.key(key);
        push_int(out, value);
        self
    }

    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        let out = self.key(key);
        out.extend_from_slice(if value { b"true" } else { b"false" });
        self
    }

    pub fn null(&mut self, key: &str) -> &mut Self {
        self.key(key).extend_from_slice(b"null");
        self
    }

    /// A string, or `null` when `None`.
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.str(key, v),
            None => self.null(key),
        }
    }

    /// Pre-formatted JSON.
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key).extend_from_slice(json.as_bytes());
        self
    }

    pub fn end(self) {
        self.out.push(b'}');
    }
}

/// How a PowerShell export file was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PsStyle {
    /// Windows PowerShell 5.1: four-space indents, two spaces after the colon, nested values
    /// aligned under their key, empty arrays as `[`, blank line, `]`, `'&<>` escaped as
    /// `\u0027` etc., `/Date(…)/` written `\/Date(…)\/`.
    WindowsPowerShell,
    /// PowerShell 7: two-space indents, one space after the colon, `[]`.
    PowerShell7,
}

/// The bytes of a file as the export wrote them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16LeBom,
}

/// Pretty-prints `value` the way `ConvertTo-Json` does in `style`, with `newline` line ends,
/// and encodes it.
pub fn powershell_json(value: &Value, style: PsStyle, crlf: bool, encoding: Encoding) -> Vec<u8> {
    let mut text = String::new();
    let nl = if crlf { "\r\n" } else { "\n" };
    match style {
        PsStyle::WindowsPowerShell => ps51(value, 0, nl, &mut text),
        PsStyle::PowerShell7 => ps7(value, 0, nl, &mut text),
    }
    text.push_str(nl);
    encode(&text, encoding)
}

/// Encodes text as `encoding`.
pub fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => {
            let mut out = vec![0xEF, 0xBB, 0xBF];
            out.extend_from_slice(text.as_bytes());
            out
        }
        Encoding::Utf16LeBom => {
            let mut out = Vec::with_capacity(2 + text.len() * 2);
            out.extend_from_slice(&[0xFF, 0xFE]);
            for unit in text.encode_utf16() {
                out.extend_from_slice(&unit.to_le_bytes());
            }
            out
        }
    }
}

fn scalar(value: &Value, ps51_escapes: bool) -> String {
    match value {
        Value::String(s) => {
            let mut out = Vec::new();
            push_str(&mut out, s);
            let mut text = String::from_utf8(out).unwrap_or_default();
            if ps51_escapes {
                text = text
                    .replace('\'', "\\u0027")
                    .replace('&', "\\u0026")
                    .replace('<', "\\u003c")
                    .replace('>', "\\u003e");
                if s.starts_with("/Date(") {
                    text = text.replace('/', "\\/");
                }
            }
            text
        }
        Value::Number(n) => {
            // ConvertTo-Json writes whole doubles without a fraction.
            match n.as_f64() {
                Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 1e15 => {
                    format!("{}", f as i64)
                }
                _ => n.to_string(),
            }
        }
        other => other.to_string(),
    }
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Windows PowerShell 5.1; `col` is the column the value starts at.
fn ps51(value: &Value, col: usize, nl: &str, out: &mut String) {
    match value {
        Value::Object(map) => {
            out.push('{');
            out.push_str(nl);
            let n = map.len();
            for (i, (k, v)) in map.iter().enumerate() {
                pad(out, col + 4);
                let key = format!("\"{k}\":  ");
                out.push_str(&key);
                ps51(v, col + 4 + key.chars().count(), nl, out);
                if i + 1 < n {
                    out.push(',');
                }
                out.push_str(nl);
            }
            pad(out, col);
            out.push('}');
        }
        Value::Array(items) if items.is_empty() => {
            out.push('[');
            out.push_str(nl);
            out.push_str(nl);
            pad(out, col);
            out.push(']');
        }
        Value::Array(items) => {
            out.push('[');
            out.push_str(nl);
            for (i, v) in items.iter().enumerate() {
                pad(out, col + 4);
                ps51(v, col + 4, nl, out);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push_str(nl);
            }
            pad(out, col);
            out.push(']');
        }
        other => out.push_str(&scalar(other, true)),
    }
}

/// PowerShell 7 (Newtonsoft.Json indented).
fn ps7(value: &Value, level: usize, nl: &str, out: &mut String) {
    match value {
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push('{');
            out.push_str(nl);
            let n = map.len();
            for (i, (k, v)) in map.iter().enumerate() {
                pad(out, (level + 1) * 2);
                out.push_str(&format!("\"{k}\": "));
                ps7(v, level + 1, nl, out);
                if i + 1 < n {
                    out.push(',');
                }
                out.push_str(nl);
            }
            pad(out, level * 2);
            out.push('}');
        }
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            out.push_str(nl);
            for (i, v) in items.iter().enumerate() {
                pad(out, (level + 1) * 2);
                ps7(v, level + 1, nl, out);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push_str(nl);
            }
            pad(out, level * 2);
            out.push(']');
        }
        other => out.push_str(&scalar(other, false)),
    }
}

/// A synthetic moment, seconds since 1970 (the generator keeps them within a few years of
/// [`crate::tenant::NOW`], far inside the range dates can take).
fn instant(secs: i64) -> Instant {
    Instant::from_unix_seconds(secs).expect("synthetic times lie within a few years of NOW")
}

/// Seconds since 1970 as ISO 8601 UTC (`2025-08-31T15:47:18Z`).
pub fn iso(secs: i64) -> String {
    instant(secs).to_iso_utc()
}

/// Seconds since 1970 as ISO 8601 with a fixed offset in hours (`2025-02-11T02:27:19-08:00`).
pub fn iso_offset(secs: i64, offset_hours: i8) -> String {
    instant(secs).to_iso_at_offset(offset_hours)
}

/// Seconds since 1970 as the `/Date(ms)/` of Windows PowerShell 5.1.
pub fn ms_date(secs: i64) -> String {
    instant(secs).to_powershell()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compact_objects_and_escapes() {
        let mut out = Vec::new();
        let mut o = Obj::begin(&mut out);
        o.str("a", "x\"y\\z\u{1}é")
            .int("n", -42)
            .bool("b", true)
            .null("z")
            .guid("id", 0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
        o.end();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            r#"{"a":"x\"y\\z\u0001é","n":-42,"b":true,"z":null,"id":"01234567-89ab-cdef-0123-456789abcdef"}"#
        );
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["a"], "x\"y\\z\u{1}é");
    }

    #[test]
    fn windows_powershell_layout() {
        let v =
            json!([{"Name": "A's", "List": [], "T": {"Ticks": 1}, "D": "/Date(5)/", "F": 15.0}]);
        let text = String::from_utf8(powershell_json(
            &v,
            PsStyle::WindowsPowerShell,
            false,
            Encoding::Utf8,
        ))
        .unwrap();
        let expected = "[\n    {\n        \"Name\":  \"A\\u0027s\",\n        \"List\":  [\n\n                 ],\n        \"T\":  {\n                  \"Ticks\":  1\n              },\n        \"D\":  \"\\/Date(5)\\/\",\n        \"F\":  15\n    }\n]\n";
        assert_eq!(text, expected);
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back[0]["Name"], "A's");
        assert_eq!(back[0]["D"], "/Date(5)/");
    }

    #[test]
    fn encodings_and_dates() {
        assert_eq!(
            encode("[]", Encoding::Utf16LeBom),
            vec![0xFF, 0xFE, b'[', 0, b']', 0]
        );
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(1_730_826_224), "2024-11-05T17:03:44Z");
        assert_eq!(iso_offset(1_739_269_639, -8), "2025-02-11T02:27:19-08:00");
        assert_eq!(ms_date(1_730_826_224), "/Date(1730826224000)/");
    }
}
