//! The checks on the BMS policies themselves: `policy-not-targeted`, `policy-pending-deletion`,
//! `duplicate-policies` and `unknown-target-group`.

use super::context::{part_file, plural, Ctx};
use super::vocabulary::{policy_subject, Code, Finding, Subject, SubjectId, SubjectKind};
use bms2intune_model::{BmsPolicy, BmsSetting, Guid, Part, SettingValue};
use std::collections::BTreeMap;

impl<'t> Ctx<'t, '_> {
    pub(super) fn policy_not_targeted(&self) -> Option<Finding<'t>> {
        let directory_known = self.has_part(Part::Groups);
        let members_known = directory_known && self.has_part(Part::GroupMembers);
        let mut reasons: Vec<(Subject, String)> = Vec::new();
        for p in self.tenant.bms.mappable_policies() {
            let reason = match &p.rule {
                None => Some("has no rule".to_string()),
                Some(rule) if rule.targets_nobody() => {
                    Some("targets nobody (00000000-…)".to_string())
                }
                Some(rule) if directory_known => {
                    let mut kinds: Vec<&str> = Vec::new();
                    let mut reaches_someone = false;
                    for id in rule.real_target_groups() {
                        let kind = match self.dir.group(id) {
                            None => "groups not in the directory",
                            Some(g) if self.dir.groups()[g.ix()].unified => "Microsoft 365 groups",
                            Some(g) if members_known && self.membership.is_known_empty(g) => {
                                "empty groups"
                            }
                            Some(_) => {
                                reaches_someone = true;
                                continue;
                            }
                        };
                        if !kinds.contains(&kind) {
                            kinds.push(kind);
                        }
                    }
                    kinds.sort_unstable();
                    (!reaches_someone).then(|| format!("targets only {}", kinds.join(" and ")))
                }
                Some(_) => None,
            };
            if let Some(reason) = reason {
                reasons.push((self.policy(p), reason));
            }
        }
        if reasons.is_empty() {
            return None;
        }
        reasons.sort();
        let list = reasons
            .iter()
            .map(|(s, r)| format!("{} {r}", s.name))
            .collect::<Vec<_>>()
            .join("; ");
        let partial = if members_known {
            String::new()
        } else {
            format!(
                " Empty-group check skipped: {} missing.",
                [Part::Groups, Part::GroupMembers]
                    .into_iter()
                    .filter(|p| !self.has_part(*p))
                    .map(part_file)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        Some(self.finding(
            Code::PolicyNotTargeted,
            format!(
                "{} reach nobody: {list}. They would migrate to Intune policies with no assignment.{partial}",
                plural(reasons.len(), "BMS policy would", "BMS policies would")
            ),
            reasons.into_iter().map(|(s, _)| s).collect(),
            "Delete these policies in BMS if they are no longer needed (fewer policies to review), or target them at \
             the right groups before planning."
                .to_string(),
        ))
    }

    pub(super) fn policy_pending_deletion(&self) -> Option<Finding<'t>> {
        let mut subjects: Vec<Subject<'t>> = self
            .tenant
            .bms
            .policies
            .iter()
            .filter(|p| p.effective_mode().is_deleting())
            .map(|p| self.policy(p))
            .collect();
        subjects.extend(
            self.tenant
                .bms
                .orphan_rules
                .iter()
                .filter(|r| r.mode.is_deleting())
                .map(|r| policy_subject(&r.name, r.policy_guid)),
        );
        if subjects.is_empty() {
            return None;
        }
        Some(self.finding(
            Code::PolicyPendingDeletion,
            format!(
                "{} pending deletion (the policy or its rule is in PendingDeletion or Deleted mode). They are shown \
                 but not migrated.",
                plural(subjects.len(), "BMS policy or rule is", "BMS policies or rules are")
            ),
            subjects,
            "Nothing to do if the deletion was intended. If a policy is still needed, recreate it in BMS before \
             planning, or create its Intune replacement by hand."
                .to_string(),
        ))
    }

    pub(super) fn duplicate_policies(&self) -> Option<Finding<'t>> {
        type Key<'a> = (
            bms2intune_model::PolicyKind,
            Vec<(BmsSetting, &'a SettingValue)>,
        );
        let mut clusters: BTreeMap<Key<'_>, Vec<&BmsPolicy>> = BTreeMap::new();
        for p in self.tenant.bms.mappable_policies() {
            if let Some(rule) = &p.rule {
                clusters
                    .entry((p.kind, rule.settings.configured().collect()))
                    .or_default()
                    .push(p);
            }
        }
        let mut groups: Vec<Vec<String>> = clusters
            .values()
            .filter(|c| c.len() > 1)
            .map(|c| {
                let mut names: Vec<String> = c.iter().map(|p| p.name.clone()).collect();
                names.sort();
                names
            })
            .collect();
        if groups.is_empty() {
            return None;
        }
        groups.sort();
        let subjects: Vec<Subject<'t>> = clusters
            .values()
            .filter(|c| c.len() > 1)
            .flat_map(|c| c.iter().map(|p| self.policy(p)))
            .collect();
        let list = groups
            .iter()
            .map(|g| g.join(" = "))
            .collect::<Vec<_>>()
            .join("; ");
        Some(self.finding(
            Code::DuplicatePolicies,
            format!(
                "{} have the same kind and identical settings: {list}. Each would become its own set of Intune \
                 policies.",
                plural(subjects.len(), "BMS policy", "BMS policies")
            ),
            subjects,
            "Merge each set into one policy targeting all their groups (or delete the extras) before migrating: \
             fewer Intune policies to review and assign."
                .to_string(),
        ))
    }

    pub(super) fn unknown_target_group(&self) -> Option<Finding<'t>> {
        let mut uses: BTreeMap<Guid, Vec<String>> = BTreeMap::new();
        for p in self.tenant.bms.mappable_policies() {
            for id in p.rule.iter().flat_map(|r| r.real_target_groups()) {
                uses.entry(id)
                    .or_default()
                    .push(format!("target of {}", p.name));
            }
        }
        for id in self.tenant.bms.tenant.exclusion_groups() {
            uses.entry(id)
                .or_default()
                .push("ExclusionList".to_string());
        }
        let mut subjects = Vec::new();
        let mut lines = Vec::new();
        for (id, mut used) in uses {
            used.sort();
            used.dedup();
            let (subject, what) = match self.dir.group(id) {
                Some(g) if self.dir.groups()[g.ix()].unified => {
                    (self.group(g), "is a Microsoft 365 group (not allowed)")
                }
                Some(_) => continue,
                None if self.dir.user(id).is_some() => (
                    Subject {
                        kind: SubjectKind::Group,
                        name: "(a user, not a group)".into(),
                        id: SubjectId::Guid(id),
                        ix: None,
                    },
                    "is a user ID",
                ),
                None => (
                    Subject {
                        kind: SubjectKind::Group,
                        name: "(not in directory)".into(),
                        id: SubjectId::Guid(id),
                        ix: None,
                    },
                    "is not in the directory",
                ),
            };
            lines.push(format!("{id} {what}, {}", used.join(", ")));
            subjects.push(subject);
        }
        if subjects.is_empty() {
            return None;
        }
        Some(self.finding(
            Code::UnknownTargetGroup,
            format!(
                "{} used by BMS cannot be resolved to a security group: {}. BMS applies nothing through them, and \
                 their members cannot be counted or carried over to Intune assignments and exclusions.",
                plural(subjects.len(), "group", "groups"),
                lines.join("; ")
            ),
            subjects,
            "Check each ID in Entra ID: re-export graph/groups.json if the group exists, replace deleted groups and \
             Microsoft 365 groups with security groups, and fix the BMS policy or ExclusionList before planning."
                .to_string(),
        ))
    }
}
