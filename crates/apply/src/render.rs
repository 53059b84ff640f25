//! Dry-run and progress output: one Terraform-style line per step or inverse action
//! (`+ create`, `~ assign`, `= already done`, `! manual`, `- delete`), in run order, so an
//! approver reads exactly what a run would do. Tenant strings are printed as they are: this
//! is terminal text, not HTML.

use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    Create,
    Add,
    Assign,
    License,
    AlreadyDone,
    Manual,
    Waiting,
    Warning,
    Delete,
    Remove,
    Restore,
    Refused,
}

impl Sign {
    pub fn word(self) -> &'static str {
        match self {
            Sign::Create => "+ create",
            Sign::Add => "+ add",
            Sign::Assign => "~ assign",
            Sign::License => "+ license",
            Sign::AlreadyDone => "= already done",
            Sign::Manual => "! manual",
            Sign::Waiting => "… waiting",
            Sign::Warning => "! warning",
            Sign::Delete => "- delete",
            Sign::Remove => "- remove",
            Sign::Restore => "~ restore",
            Sign::Refused => "x refused",
        }
    }
}

/// One line of a run's plan or record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub sign: Sign,
    pub step_id: String,
    pub text: String,
}

impl Line {
    pub fn new(sign: Sign, step_id: &str, text: impl Into<String>) -> Self {
        Line {
            sign,
            step_id: step_id.to_string(),
            text: text.into(),
        }
    }
}

/// The lines as text, the sign words aligned.
pub fn render(lines: &[Line]) -> String {
    let mut out = String::new();
    for line in lines {
        let _ = writeln!(out, "{:<15} {}", line.sign.word(), line.text);
    }
    out
}
