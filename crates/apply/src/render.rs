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

/// The writes a run sent, one line each with Graph's answer: `+ create  … (201)`; a write
/// whose answer never came says so (the next run reconciles it by reading).
pub fn render_sent(sent: &[(Line, u16)]) -> String {
    let mut out = String::new();
    for (line, status) in sent {
        let answer = match status {
            0 => "no answer".to_string(),
            s => s.to_string(),
        };
        let _ = writeln!(out, "{:<15} {} ({answer})", line.sign.word(), line.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_writes_carry_graphs_answer_or_say_none_came() {
        let sent = [
            (
                Line::new(Sign::Create, "s1", "deviceConfigurations \"A\""),
                201,
            ),
            (Line::new(Sign::License, "s2", "EMS to \"Wave 1\""), 0),
        ];
        assert_eq!(
            render_sent(&sent),
            "+ create        deviceConfigurations \"A\" (201)\n\
             + license       EMS to \"Wave 1\" (no answer)\n"
        );
    }
}
