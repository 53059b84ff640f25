//! The one error type of reading a snapshot: which file, where in it, and what was expected.

/// Bad or inconsistent input. Displays as
/// `bms/DeviceConfigurationRule.json: [3].PasswordTimeout: expected a TimeSpan, got "abc"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {}{message}", if path.is_empty() { String::new() } else { format!("{path}: ") })]
pub struct InputError {
    /// The file, relative to the snapshot folder (forward slashes).
    pub file: String,
    /// The JSON path inside the file (`[3].PasswordTimeout`, `value[0].id`), or a line and
    /// column for syntax errors; empty when the whole file is concerned.
    pub path: String,
    pub message: String,
}

impl InputError {
    pub fn new(
        file: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            file: file.into(),
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Describes a JSON value briefly for "got …" messages: strings quoted and cut at 40 chars.
pub fn describe(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let cut: String = s.chars().take(40).collect();
            if cut.len() < s.len() {
                format!("{:?}…", cut)
            } else {
                format!("{s:?}")
            }
        }
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Joins a JSON path and a property name: `[3]` + `Name` = `[3].Name`; `` + `Name` = `Name`.
pub fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Joins a JSON path and an index: `value` + 3 = `value[3]`.
pub fn item(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}
