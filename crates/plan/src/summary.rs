//! Counts that describe a snapshot at a glance: what `snapshot check` prints and `plan.json`
//! carries as `snapshot`. A pure function of the read [`Tenant`] (so it lives here, with the
//! document it is part of, rather than in the I/O crate that reads the snapshot); maps are
//! ordered, so output is deterministic.

use bms2intune_model::{Part, PolicyKind, Tenant};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotSummary {
    pub tenant_id: Option<String>,
    pub organization: Option<String>,
    pub bms: BmsSummary,
    /// `None` when the snapshot has no `graph/` data at all.
    pub directory: Option<DirectorySummary>,
    /// Graph parts present, in a fixed order.
    pub graph_parts: Vec<Part>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BmsSummary {
    pub policies: usize,
    pub block_policies: usize,
    pub allow_policies: usize,
    /// Policies by effective mode (`Enforce`, `PendingDeletion`, …).
    pub policies_by_mode: BTreeMap<String, usize>,
    /// Policies that will be migrated (not being deleted).
    pub mappable_policies: usize,
    pub rules: usize,
    pub orphan_rules: usize,
    pub tenant_policy: bool,
    pub tenant_rule: bool,
    pub block_unsupported_devices: Option<bool>,
    pub exclusion_groups: usize,
    pub configured_settings: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectorySummary {
    pub skus: usize,
    pub users: usize,
    pub groups: usize,
    /// Direct membership edges (user, group and device members).
    pub group_memberships: usize,
    pub entra_devices: usize,
    pub managed_devices: usize,
    pub managed_devices_by_platform: BTreeMap<String, usize>,
    pub managed_devices_by_agent: BTreeMap<String, usize>,
    pub intune_compliance_policies: usize,
    pub intune_configuration_profiles: usize,
    pub intune_settings_catalog_policies: usize,
    pub conditional_access_policies: usize,
}

/// Counts the snapshot's policies, rules, directory objects and Intune objects.
pub fn summarize(tenant: &Tenant) -> SnapshotSummary {
    let bms = &tenant.bms;
    let mut policies_by_mode = BTreeMap::new();
    for p in &bms.policies {
        *policies_by_mode
            .entry(p.effective_mode().name().to_owned())
            .or_insert(0) += 1;
    }
    let rules = bms.policies.iter().filter(|p| p.rule.is_some()).count() + bms.orphan_rules.len();
    let bms_summary = BmsSummary {
        policies: bms.policies.len(),
        block_policies: bms
            .policies
            .iter()
            .filter(|p| p.kind == PolicyKind::Block)
            .count(),
        allow_policies: bms
            .policies
            .iter()
            .filter(|p| p.kind == PolicyKind::Allow)
            .count(),
        policies_by_mode,
        mappable_policies: bms.mappable_policies().count(),
        rules,
        orphan_rules: bms.orphan_rules.len(),
        tenant_policy: bms.tenant.policy_present,
        tenant_rule: bms.tenant.rule_present,
        block_unsupported_devices: bms.tenant.block_unsupported_devices,
        exclusion_groups: bms.tenant.exclusion_groups().count(),
        configured_settings: bms
            .policies
            .iter()
            .filter_map(|p| p.rule.as_ref())
            .map(|r| r.settings.configured().count())
            .sum(),
    };
    let directory = (tenant.parts != Default::default()).then(|| {
        let d = &tenant.directory;
        let mut by_platform = BTreeMap::new();
        let mut by_agent = BTreeMap::new();
        for device in d.managed_devices() {
            *by_platform
                .entry(device.platform.label().to_owned())
                .or_insert(0) += 1;
            *by_agent
                .entry(device.management_agent.graph_name().to_owned())
                .or_insert(0) += 1;
        }
        DirectorySummary {
            skus: d.skus().iter().filter(|s| s.subscribed).count(),
            users: d.users().len(),
            groups: d.groups().len(),
            group_memberships: d
                .groups()
                .iter()
                .map(|g| g.member_users.len() + g.member_groups.len() + g.member_devices.len())
                .sum(),
            entra_devices: d.entra_devices().len(),
            managed_devices: d.managed_devices().len(),
            managed_devices_by_platform: by_platform,
            managed_devices_by_agent: by_agent,
            intune_compliance_policies: tenant.intune.compliance_policies.len(),
            intune_configuration_profiles: tenant.intune.configurations.len(),
            intune_settings_catalog_policies: tenant.intune.configuration_policies.len(),
            conditional_access_policies: tenant.intune.conditional_access.len(),
        }
    });
    let org = tenant.directory.organization.as_ref();
    SnapshotSummary {
        tenant_id: org.and_then(|o| o.tenant_id).map(|g| g.to_string()),
        organization: org
            .map(|o| o.display_name.to_string())
            .filter(|n| !n.is_empty()),
        bms: bms_summary,
        directory,
        graph_parts: tenant.parts.present().collect(),
        notes: tenant.notes.clone(),
    }
}

impl SnapshotSummary {
    /// The summary as aligned text for a terminal.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let b = &self.bms;
        if let Some(org) = &self.organization {
            let _ = writeln!(
                out,
                "Tenant            {org} ({})",
                self.tenant_id.as_deref().unwrap_or("unknown ID")
            );
        }
        let _ = writeln!(
            out,
            "BMS policies      {} ({} Block access, {} Allow access)",
            b.policies, b.block_policies, b.allow_policies
        );
        let modes: Vec<String> = b
            .policies_by_mode
            .iter()
            .map(|(m, n)| format!("{m} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "  by mode         {}",
            if modes.is_empty() {
                "-".into()
            } else {
                modes.join(", ")
            }
        );
        let _ = writeln!(out, "  to migrate      {}", b.mappable_policies);
        let _ = writeln!(
            out,
            "BMS rules         {} ({} without a policy), {} configured settings",
            b.rules, b.orphan_rules, b.configured_settings
        );
        let _ = writeln!(
            out,
            "Tenant rule       {}",
            if b.tenant_rule {
                format!(
                    "present; unsupported devices {}; {} exclusion group(s)",
                    match b.block_unsupported_devices {
                        Some(true) => "blocked",
                        Some(false) => "allowed",
                        None => "not configured",
                    },
                    b.exclusion_groups
                )
            } else {
                "absent".into()
            }
        );
        match &self.directory {
            None => {
                let _ = writeln!(
                    out,
                    "Directory         not in the snapshot (no graph/ data)"
                );
            }
            Some(d) => {
                let _ = writeln!(out, "Licences (SKUs)   {}", d.skus);
                let _ = writeln!(out, "Users             {}", d.users);
                let _ = writeln!(
                    out,
                    "Groups            {} ({} direct memberships)",
                    d.groups, d.group_memberships
                );
                let _ = writeln!(out, "Entra devices     {}", d.entra_devices);
                let _ = writeln!(out, "Managed devices   {}", d.managed_devices);
                let list = |m: &BTreeMap<String, usize>| {
                    m.iter()
                        .map(|(k, v)| format!("{k} {v}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let _ = writeln!(
                    out,
                    "  by platform     {}",
                    list(&d.managed_devices_by_platform)
                );
                let _ = writeln!(
                    out,
                    "  by agent        {}",
                    list(&d.managed_devices_by_agent)
                );
                let _ = writeln!(
                    out,
                    "Intune policies   {} compliance, {} configuration, {} settings catalog, {} Conditional Access",
                    d.intune_compliance_policies,
                    d.intune_configuration_profiles,
                    d.intune_settings_catalog_policies,
                    d.conditional_access_policies
                );
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        out
    }
}
