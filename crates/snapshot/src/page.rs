//! Streams the items of one Graph response file into a callback, without collecting them:
//! a page `{"value": [...], "@odata.nextLink": ...}` or a bare array. Errors carry the JSON path
//! of the offending value (`value[3].assignedLicenses[0].skuId`).
//!
//! Items may borrow from the text (`T: Deserialize<'de>`), so fields that are only looked at
//! cost no allocation. Path tracking (`serde_path_to_error`) costs about a tenth of the parse,
//! so it is paid only on failure: the text is parsed untracked first and, if that fails,
//! parsed again with tracking to name the path, the sink replaying its earlier verdicts.

use crate::error::InputError;
use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use std::fmt;
use std::marker::PhantomData;

/// Deserializes every item of `text` as `T` and hands it to `sink` with its index. A sink
/// error is reported at that item's path.
pub fn for_each_item<'de, T, F>(
    file: &str,
    text: &'de str,
    mut sink: F,
) -> Result<usize, InputError>
where
    T: Deserialize<'de>,
    F: FnMut(T, usize) -> Result<(), String>,
{
    if text.trim().is_empty() {
        return Ok(0);
    }
    // Fast path: no path tracking; remember which item the sink refused, and why.
    let mut refused: Option<(usize, String)> = None;
    let mut count = 0usize;
    let fast = {
        let mut recording = |item: T, index: usize| {
            sink(item, index).inspect_err(|message| refused = Some((index, message.clone())))
        };
        let mut json = serde_json::Deserializer::from_str(text);
        Root {
            sink: &mut recording,
            count: &mut count,
            _t: PhantomData,
        }
        .deserialize(&mut json)
        .and_then(|()| json.end())
    };
    let fast_err = match fast {
        Ok(()) => return Ok(count),
        Err(e) => e,
    };
    // Slow path: the same parse with path tracking; the sink accepts every item but the one
    // it refused, so the error (and its path) is the one the fast path met.
    let replay = |_: T, index: usize| match &refused {
        Some((i, message)) if *i == index => Err(message.clone()),
        _ => Ok(()),
    };
    let mut json = serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let mut replay = replay;
    let mut ignored = 0usize;
    let result = {
        let de = serde_path_to_error::Deserializer::new(&mut json, &mut track);
        Root {
            sink: &mut replay,
            count: &mut ignored,
            _t: PhantomData,
        }
        .deserialize(de)
    };
    let err = match result.and_then(|()| json.end()) {
        Ok(()) => fast_err,
        Err(err) => err,
    };
    let path = track.path().to_string();
    let mut message = strip_position(&err);
    if err.is_eof() {
        message.push_str(" (the file is truncated)");
    }
    let path = if err.is_syntax() || err.is_eof() {
        format!("line {} column {}", err.line(), err.column())
    } else if path == "." || path.is_empty() {
        if err.line() > 0 {
            format!("line {} column {}", err.line(), err.column())
        } else {
            String::new()
        }
    } else {
        path
    };
    Err(InputError::new(file, path, message))
}

/// The error `for_each_item` would have reported had its sink refused item `index` of `text`
/// with `message`: for checks made after a page is read (batched lookups), with the same path.
pub fn refuse_item(file: &str, text: &str, index: usize, message: String) -> InputError {
    let mut message = Some(message);
    let refused = for_each_item::<serde::de::IgnoredAny, _>(file, text, |_, i| match i == index {
        true => Err(message.take().unwrap_or_default()),
        false => Ok(()),
    });
    match refused {
        Err(e) => e,
        // The page no longer has that item (cannot happen for the text just read).
        Ok(_) => InputError::new(file, format!("[{index}]"), message.unwrap_or_default()),
    }
}

/// serde_json appends " at line L column C" to messages; the path (or, for syntax errors, the
/// position put in its place) already says where.
fn strip_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

struct Root<'a, T, F> {
    sink: &'a mut F,
    count: &'a mut usize,
    _t: PhantomData<T>,
}

impl<'de, T, F> DeserializeSeed<'de> for Root<'_, T, F>
where
    T: Deserialize<'de>,
    F: FnMut(T, usize) -> Result<(), String>,
{
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de, T, F> Visitor<'de> for Root<'_, T, F>
where
    T: Deserialize<'de>,
    F: FnMut(T, usize) -> Result<(), String>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Graph page {\"value\": [...]} or an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        Items {
            sink: self.sink,
            count: self.count,
            _t: PhantomData,
        }
        .visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen_value = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "value" && !seen_value {
                seen_value = true;
                map.next_value_seed(Items {
                    sink: &mut *self.sink,
                    count: &mut *self.count,
                    _t: PhantomData,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !seen_value {
            return Err(serde::de::Error::custom(
                "expected a Graph page with a \"value\" array",
            ));
        }
        Ok(())
    }
}

struct Items<'a, T, F> {
    sink: &'a mut F,
    count: &'a mut usize,
    _t: PhantomData<T>,
}

impl<'de, T, F> DeserializeSeed<'de> for Items<'_, T, F>
where
    T: Deserialize<'de>,
    F: FnMut(T, usize) -> Result<(), String>,
{
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_seq(self)
    }
}

impl<'de, T, F> Visitor<'de> for Items<'_, T, F>
where
    T: Deserialize<'de>,
    F: FnMut(T, usize) -> Result<(), String>,
{
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of Graph objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        while let Some(item) = seq.next_element_seed(Element {
            sink: &mut *self.sink,
            index,
            _t: PhantomData,
        })? {
            let () = item;
            index += 1;
        }
        *self.count += index;
        Ok(())
    }
}

/// One array element: deserialized, then handed to the sink while the path tracker still
/// points at it, so a sink error names the element.
struct Element<'a, T, F> {
    sink: &'a mut F,
    index: usize,
    _t: PhantomData<T>,
}

impl<'de, T, F> DeserializeSeed<'de> for Element<'_, T, F>
where
    T: Deserialize<'de>,
    F: FnMut(T, usize) -> Result<(), String>,
{
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        let value = T::deserialize(de)?;
        (self.sink)(value, self.index).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Thing {
        #[allow(dead_code)]
        id: u32,
    }

    fn count(text: &str) -> Result<usize, InputError> {
        for_each_item::<Thing, _>("graph/things.json", text, |_, _| Ok(()))
    }

    #[test]
    fn pages_and_arrays() {
        assert_eq!(
            count(r#"{"@odata.context":"x","value":[{"id":1},{"id":2}],"@odata.nextLink":"y"}"#)
                .unwrap(),
            2
        );
        assert_eq!(count(r#"[{"id":1}]"#).unwrap(), 1);
        assert_eq!(count("  ").unwrap(), 0);
    }

    #[test]
    fn errors_name_the_path() {
        let err = count(r#"{"value":[{"id":1},{"id":"x"}]}"#).unwrap_err();
        assert_eq!(err.path, "value[1].id");
        assert!(err.message.contains("expected u32"), "{}", err.message);
        let err = count(r#"{"value":[{"id":1},"#).unwrap_err();
        assert!(err.path.starts_with("line 1 column"), "{err}");
        let err = count(r#"{"items":[]}"#).unwrap_err();
        assert!(err.message.contains("\"value\""), "{err}");
        let err = for_each_item::<Thing, _>("f", r#"[{"id":1},{"id":2}]"#, |t, _| {
            if t.id == 2 {
                Err("duplicate".into())
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert_eq!(err.path, "[1]");
        assert_eq!(err.message, "duplicate");
    }
}
