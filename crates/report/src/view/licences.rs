//! The licences section: the directory's SKU and user counts and the licence findings again,
//! because the licence is what moves a user's devices.

use super::findings::Findings;
use super::{fact, Fact};
use bms2intune_analysis::{Code, Severity};
use bms2intune_plan::PlanDocument;
use serde::Serialize;

/// Finding codes shown again in the licences section.
const LICENCE_CODES: [Code; 6] = [
    Code::LicenseShortfall,
    Code::AlreadyLicensedUsers,
    Code::LicensedWithoutReplacement,
    Code::UnlicensedTargets,
    Code::EducationSku,
    Code::MamOnlyLicense,
];

#[derive(Debug, Serialize)]
pub struct Licences {
    pub facts: Vec<Fact>,
    pub findings: Vec<FindingRef>,
}

#[derive(Debug, Serialize)]
pub struct FindingRef {
    pub code: Code,
    pub anchor: String,
    pub severity: Severity,
    pub severity_label: &'static str,
    pub title: String,
    pub count: String,
}

/// `None` when the snapshot has no directory and no licence finding was raised.
pub fn build(plan: &PlanDocument<'_>, findings: &Findings) -> Option<Licences> {
    let directory = plan.snapshot.directory.as_ref();
    let refs: Vec<FindingRef> = findings
        .list
        .iter()
        .filter(|x| LICENCE_CODES.contains(&x.code))
        .map(|x| FindingRef {
            code: x.code,
            anchor: x.anchor.clone(),
            severity: x.severity,
            severity_label: x.severity_label,
            title: x.title.clone(),
            count: x.count.clone().unwrap_or_default(),
        })
        .collect();
    if directory.is_none() && refs.is_empty() {
        return None;
    }
    let facts = directory
        .map(|d| {
            vec![
                fact("Subscribed SKUs", d.skus, None),
                fact("Users in the directory", d.users, None),
            ]
        })
        .unwrap_or_default();
    Some(Licences {
        facts,
        findings: refs,
    })
}
