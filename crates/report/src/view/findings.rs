//! The findings section: every readiness finding, most severe first, with its subjects grouped
//! by kind and cut at [`SUBJECTS_SHOWN`], and the counts per severity.

use super::{non_empty, FidelityCount, SUBJECTS_SHOWN};
use crate::values::{self as v, SEVERITIES};
use bms2intune_analysis::{Code, Finding, Severity, Subject, SubjectKind};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Findings {
    pub list: Vec<FindingView>,
    pub counts: Vec<FidelityCount>,
}

impl Findings {
    /// How many findings have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.list.iter().filter(|f| f.severity == severity).count()
    }
}

#[derive(Debug, Serialize)]
pub struct FindingView {
    pub code: Code,
    pub anchor: String,
    pub severity: Severity,
    pub severity_label: &'static str,
    pub title: String,
    pub detail: Option<String>,
    pub count: Option<String>,
    pub subjects: Vec<SubjectView>,
    /// The listed subjects grouped by kind, kinds in order of first appearance.
    pub subject_groups: Vec<SubjectGroup>,
    /// Subjects not listed (over [`SUBJECTS_SHOWN`]).
    pub more: u64,
    pub remediation: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SubjectGroup {
    /// `users`, `devices`, …
    pub kind: &'static str,
    pub names: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct SubjectView {
    pub kind: Option<SubjectKind>,
    pub name: String,
    pub id: Option<String>,
}

/// `user` → `users`.
fn kind_plural(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::User => "users",
        SubjectKind::Group => "groups",
        SubjectKind::Device => "devices",
        SubjectKind::Policy => "policies",
        SubjectKind::Sku => "skus",
    }
}

fn subject(s: &Subject<'_>) -> SubjectView {
    let id = s.id.with_str(non_empty);
    let name = non_empty(&s.name);
    SubjectView {
        kind: Some(s.kind),
        id: if name.is_some() { id.clone() } else { None },
        name: name.or(id).unwrap_or_default(),
    }
}

fn finding(f: &Finding<'_>) -> FindingView {
    // The plan may list only the first subjects (`subjectsOmitted` says how many not).
    let listed = f.subjects.len() as u64 + f.subjects_omitted;
    let total = f.count.max(listed);
    let shown: Vec<SubjectView> = f
        .subjects
        .iter()
        .take(SUBJECTS_SHOWN)
        .map(subject)
        .collect();
    let mut subject_groups: Vec<SubjectGroup> = Vec::new();
    for s in &shown {
        let kind = s.kind.map_or("", kind_plural);
        match subject_groups.iter_mut().find(|g| g.kind == kind) {
            Some(g) => g.names.push(s.name.clone()),
            None => subject_groups.push(SubjectGroup {
                kind,
                names: vec![s.name.clone()],
            }),
        }
    }
    FindingView {
        code: f.code,
        anchor: String::new(),
        severity_label: v::severity_label(f.severity),
        severity: f.severity,
        title: non_empty(&f.title).unwrap_or_else(|| f.code.as_str().into()),
        detail: non_empty(&f.detail),
        count: Some(f.count.to_string()),
        subjects: shown,
        subject_groups,
        more: total.saturating_sub(f.subjects.len().min(SUBJECTS_SHOWN) as u64),
        remediation: non_empty(&f.remediation),
    }
}

pub fn build(list: &[Finding<'_>]) -> Findings {
    let mut views: Vec<FindingView> = list.iter().map(finding).collect();
    // Most severe first; the plan's order otherwise.
    views.sort_by_key(|f| f.severity);
    for (i, f) in views.iter_mut().enumerate() {
        f.anchor = format!("finding-{}", i + 1);
    }
    let counts = SEVERITIES
        .iter()
        .map(|&(severity, label)| {
            let count = views.iter().filter(|f| f.severity == severity).count() as u64;
            FidelityCount {
                class: format!("sev-{severity}"),
                label: label.to_string(),
                count,
                text: match severity {
                    Severity::Blocker => v::plural(count, "blocker", "blockers"),
                    Severity::Warning => v::plural(count, "warning", "warnings"),
                    Severity::Info => format!("{count} info"),
                },
            }
        })
        .collect();
    Findings {
        list: views,
        counts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_severe_first_subjects_capped() {
        let plan = super::super::sample();
        let f = build(&plan.findings);
        assert!(f.list.windows(2).all(|w| w[0].severity <= w[1].severity));
        assert_eq!(f.list[0].anchor, "finding-1");
        let android = f
            .list
            .iter()
            .find(|x| x.code == Code::AndroidDeviceAdmin)
            .unwrap();
        // 31 devices; the plan lists 30 (list limit), the report names 25.
        assert_eq!(android.subjects.len(), SUBJECTS_SHOWN);
        assert_eq!(android.more, 6);
        assert_eq!(android.subject_groups[0].kind, "devices");
        let n = |s: Severity| plan.findings.iter().filter(|x| x.severity == s).count();
        let counts: Vec<&str> = f.counts.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            counts,
            [
                format!("{} blockers", n(Severity::Blocker)),
                format!("{} warnings", n(Severity::Warning)),
                format!("{} info", n(Severity::Info)),
            ]
        );
    }
}
