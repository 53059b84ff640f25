//! The checks on whom the BMS policies reach (`targets`): `overlapping-bms-policies` (users
//! reached by more than one policy) and `email-profile-reauth` (users whose effective policy
//! manages the mail profile).

use super::context::{plural, Ctx};
use super::vocabulary::{Code, Finding};
use bms2intune_model::{BmsSetting, DevicePlatform, Part};
use std::collections::BTreeMap;

impl<'t> Ctx<'t, '_> {
    pub(super) fn overlapping_bms_policies(&self) -> Option<Finding<'t>> {
        let mut combos: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
        let mut users = Vec::new();
        for u in self.in_scope_users() {
            let mut it = self.targets.policies_reaching_user(u);
            let (Some(first), Some(second)) = (it.next(), it.next()) else {
                continue;
            };
            let mut combo = vec![first.policy, second.policy];
            combo.extend(it.map(|p| p.policy));
            *combos.entry(combo).or_default() += 1;
            users.push(u);
        }
        if users.is_empty() {
            return None;
        }
        let mut lines: Vec<(usize, String)> = combos
            .iter()
            .map(|(combo, n)| {
                let names = combo
                    .iter()
                    .map(|&p| self.policy_name(p))
                    .collect::<Vec<_>>();
                (
                    *n,
                    format!("{n} in {} (BMS applies {})", names.join(" + "), names[0]),
                )
            })
            .collect();
        lines.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        Some(self.finding(
            Code::OverlappingBmsPolicies,
            format!(
                "{} are targeted by more than one BMS policy: {}. BMS applies only the first by priority; Intune \
                 applies every assigned policy and resolves conflicts per setting (compliance: the most restrictive \
                 wins; configuration profiles: the conflict is shown and left for an admin to fix), so these users may get \
                 stricter or conflicting settings after the move.",
                plural(users.len(), "user", "users"),
                lines.into_iter().map(|(_, l)| l).collect::<Vec<_>>().join("; ")
            ),
            users.iter().map(|&u| self.user(u)).collect(),
            "Before migrating, make the target groups disjoint (exclude higher-priority policy groups from the \
             lower ones in Intune assignments), or accept the merged result after reviewing it in the plan."
                .to_string(),
        ))
    }

    pub(super) fn email_profile_reauth(&self) -> Option<Finding<'t>> {
        let mut users = Vec::new();
        let (mut devices, mut apple) = (0usize, 0usize);
        let mut by_policy: BTreeMap<usize, usize> = BTreeMap::new();
        for u in self.in_scope_users() {
            let Some(p) = self.targets.user_policy(u) else {
                continue;
            };
            let policy = &self.tenant.bms.policies[p.policy];
            let manages_mail = policy
                .rule
                .as_ref()
                .and_then(|r| r.settings.bool(BmsSetting::RequireEmailProfile))
                == Some(true);
            if !manages_mail {
                continue;
            }
            users.push(u);
            *by_policy.entry(p.policy).or_default() += 1;
            for d in self.bms_devices_by_user.get(u) {
                devices += 1;
                let platform = self.dir.managed_devices()[d.ix()].platform;
                if matches!(platform, DevicePlatform::Ios | DevicePlatform::IpadOs) {
                    apple += 1;
                }
            }
        }
        if users.is_empty() {
            return None;
        }
        let policies = by_policy
            .iter()
            .map(|(p, n)| format!("{} ({n})", self.policy_name(*p)))
            .collect::<Vec<_>>()
            .join(", ");
        let device_text = if self.has_part(Part::ManagedDevices) {
            format!(
                " They have {} managed by BMS ({apple} iOS/iPadOS, where BMS manages the mail profile).",
                plural(devices, "device", "devices")
            )
        } else {
            " Device counts need graph/managedDevices.json.".to_string()
        };
        Some(self.finding(
            Code::EmailProfileReauth,
            format!(
                "{} get their effective BMS policy with \"Require managed email profile\" on: {policies}. The BMS \
                 email profile is removed at the switch; with the replacement Intune email profile assigned, users \
                 may still be asked to enter their password again.{device_text}",
                plural(users.len(), "user", "users")
            ),
            users.iter().map(|&u| self.user(u)).collect(),
            "Assign the replacement Intune email profile (same groups, unchanged settings) before each wave and tell \
             these users to expect a password prompt in their mail app after the switch."
                .to_string(),
        ))
    }
}
