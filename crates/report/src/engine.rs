//! The template engine: a [`minijinja`] environment holding the embedded templates
//! (`templates/*.html`, `*.md`, `*.css`, compiled into the binary with `include_str!`), with
//! lenient handling of missing values and auto-escaping of everything a template prints:
//! HTML escaping for `*.html` (minijinja's own), and Markdown escaping for `*.md` (our
//! formatter, [`markdown_escape`]). Templates never mark view data as safe; the `md` and `code`
//! filters exist for Markdown and escape themselves.

use crate::ReportError;
use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, Output, State, UndefinedBehavior};
use std::sync::OnceLock;

pub const HTML_TEMPLATE: &str = "report.html";
pub const MARKDOWN_TEMPLATE: &str = "report.md";

const TEMPLATES: [(&str, &str); 3] = [
    (HTML_TEMPLATE, include_str!("../templates/report.html")),
    ("style.css", include_str!("../templates/style.css")),
    (MARKDOWN_TEMPLATE, include_str!("../templates/report.md")),
];

const MARKDOWN: &str = "markdown";

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Chainable);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else if name.ends_with(".md") {
                AutoEscape::Custom(MARKDOWN.into())
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(format_value);
        env.set_syntax(
            SyntaxConfig::builder()
                .trim_blocks(true)
                .lstrip_blocks(true)
                .build()
                .expect("the default delimiters are valid"),
        );
        env.add_filter("md", |s: &str| Value::from_safe_string(markdown_escape(s)));
        env.add_filter("code", |s: &str| Value::from_safe_string(markdown_code(s)));
        // One line inside a fenced code block: literal text, never escaped (a backslash would
        // change a command), kept on its line; our lines never start with a fence.
        env.add_filter("raw_code", |s: &str| {
            Value::from_safe_string(s.replace("\r\n", " ").replace(['\r', '\n'], " "))
        });
        env.add_filter("plural", |n: u64, one: &str, many: &str| {
            crate::values::plural(n, one, many)
        });
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .expect("the embedded templates parse (checked by the tests)");
        }
        env
    })
}

/// Prints a value: `none` and undefined print nothing; in Markdown templates, strings that are
/// not marked safe are escaped; otherwise minijinja's escaping (HTML in `*.html`).
fn format_value(out: &mut Output, state: &mut State, value: &Value) -> Result<(), Error> {
    if value.is_none() || value.is_undefined() {
        return Ok(());
    }
    match state.auto_escape() {
        AutoEscape::Custom(name) if name == MARKDOWN => {
            let text = value.to_string();
            let escaped = if value.is_safe() {
                text
            } else {
                markdown_escape(&text)
            };
            out.write_str(&escaped)
                .map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string()))
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// Renders a template with the view as its context.
pub fn render<T: serde::Serialize>(
    template: &'static str,
    view: &T,
) -> Result<String, ReportError> {
    let env = environment();
    let wrap = |source| ReportError::Template { template, source };
    let tmpl = env.get_template(template).map_err(wrap)?;
    let mut text = tmpl.render(Value::from(Serde(view))).map_err(wrap)?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Escapes a tenant string for Markdown (CommonMark and GitHub tables): backslash-escapes the
/// characters that start markup (`\ ` * _ [ ] < > | # ~`), and a leading `-`, `+`, `=` or
/// `1.`-style list marker; turns line breaks into spaces so a string stays in its table cell or
/// paragraph. A policy named `<script>` is then shown as text by any Markdown renderer.
pub fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let one_line = s.replace("\r\n", " ").replace(['\r', '\n'], " ");
    // Where a block marker would start (leading spaces are ASCII, so chars = bytes there).
    let trimmed = one_line.trim_start_matches([' ', '\t']);
    let lead = one_line.len() - trimmed.len();
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    let marker_at = if trimmed.starts_with(['-', '+', '=']) {
        Some(lead)
    } else if digits > 0 && trimmed[digits..].starts_with(['.', ')']) {
        Some(lead + digits)
    } else {
        None
    };
    for (i, c) in one_line.chars().enumerate() {
        if Some(i) == marker_at
            || matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~'
            )
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A Markdown code span holding `s` as literal text: a backtick fence longer than any run of
/// backticks inside, `|` escaped for GitHub tables, line breaks as spaces.
fn markdown_code(s: &str) -> String {
    let text = s
        .replace("\r\n", " ")
        .replace(['\r', '\n'], " ")
        .replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escape_defuses_markup() {
        assert_eq!(
            markdown_escape("<script>alert(1)</script>"),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(
            markdown_escape("a|b `c` *d* _e_ [f](g)"),
            "a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g)"
        );
        assert_eq!(markdown_escape("two\nlines"), "two lines");
        assert_eq!(markdown_escape("- item"), "\\- item");
        assert_eq!(markdown_escape("12. item"), "12\\. item");
        assert_eq!(markdown_escape("# title"), "\\# title");
        assert_eq!(markdown_escape("Sales - EU"), "Sales - EU");
        assert_eq!(markdown_escape("2024 plan"), "2024 plan");
    }

    #[test]
    fn markdown_code_spans() {
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x"), "`` `x ``");
        assert_eq!(markdown_code("a|b"), "`a\\|b`");
    }

    #[test]
    fn templates_parse_and_never_mark_data_safe() {
        let env = environment();
        for (name, source) in TEMPLATES {
            env.get_template(name).unwrap();
            assert!(
                !source.contains("|safe") && !source.contains("| safe"),
                "{name} uses |safe"
            );
        }
    }
}
