//! Who each BMS policy reaches, and which policy BMS actually applies to each user. This module
//! owns BMS targeting semantics (`bms-source.md` §3.2, §6, §9):
//!
//! - Only mappable policies count (`BmsPolicy::is_mappable`: not pending deletion).
//! - A policy reaches the transitive **user** members of its `TargetGroups` and the managed
//!   devices whose Entra device is a transitive member (assigned **device** groups). The
//!   all-zero sentinel targets nobody; groups missing from the directory and Microsoft 365
//!   (Unified) groups, which BMS does not accept, reach nobody here (`unknown-target-group`
//!   reports them). The same holds for `ExclusionList` entries.
//! - Members of the tenant `ExclusionList` groups are exempt from all BMS enforcement: excluded
//!   users, and devices that are excluded themselves or whose primary user is.
//! - Disabled accounts (`accountEnabled = false`) cannot sign in, so BMS never acts for them:
//!   they are left out everywhere.
//! - BMS applies only the **first** matching policy by `Priority` (lowest number; a policy
//!   without a priority comes last, then by name), per device and per user: which one is
//!   decided in [`crate::reach`] (the rule and its source), and read here through
//!   [`BmsTargets::user_policy`], [`BmsTargets::device_policy`] and
//!   [`BmsTargets::policies_reaching_user`]. No stage orders policies itself.
//! - Users **in scope** of the migration are the users some policy reaches, plus the primary
//!   users of devices some policy reaches through a device group: they need an Intune licence
//!   for their devices to switch.

use crate::bitset::BitSet;
use crate::membership::Membership;
use crate::reach::{self, PolicyReach, Reach};
use bms2intune_model::{BmsPolicy, GroupIx, Guid, ManagedDeviceIx, Tenant, UserIx};

/// Whom one mappable BMS policy reaches.
#[derive(Debug, Clone)]
pub struct PolicyTargets {
    /// Index into `tenant.bms.policies`.
    pub policy: usize,
    /// Target security groups found in the directory, in the rule's order (Microsoft 365 groups
    /// left out).
    pub groups: Vec<GroupIx>,
    /// Target group IDs (sentinel excluded) that are not in the directory.
    pub missing: Vec<Guid>,
    /// Users the policy applies to: transitive members, enabled, not excluded.
    pub users: BitSet,
    /// Managed devices reached through device groups, not excluded.
    pub devices: BitSet,
    /// The primary users of `devices` (enabled, not excluded): users the policy reaches
    /// through a device.
    pub device_users: BitSet,
}

/// Every mappable policy's reach, the exclusions, and the users in scope.
#[derive(Debug, Clone)]
pub struct BmsTargets {
    /// Mappable policies in BMS priority order (first = applied first).
    pub policies: Vec<PolicyTargets>,
    /// `ExclusionList` groups found in the directory.
    pub exclusion_groups: Vec<GroupIx>,
    /// Transitive members of the exclusion groups.
    pub excluded_users: BitSet,
    /// Managed devices in the exclusion groups or whose primary user is excluded.
    pub excluded_devices: BitSet,
    /// Users the migration must license: reached by some policy directly or through a device.
    pub in_scope: BitSet,
    /// The policy BMS applies per user and per device.
    reach: Reach,
}

/// The order in which BMS evaluates policies: priority, then name, then export order.
pub fn priority_order(policies: &[BmsPolicy]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..policies.len())
        .filter(|&i| policies[i].is_mappable())
        .collect();
    order.sort_by(|&a, &b| {
        let key = |i: usize| {
            (
                policies[i].priority.unwrap_or(i64::MAX),
                policies[i].name.as_str(),
                i,
            )
        };
        key(a).cmp(&key(b))
    });
    order
}

impl BmsTargets {
    pub fn new(tenant: &Tenant, membership: &Membership) -> BmsTargets {
        let dir = &tenant.directory;
        let resolve = |ids: &mut dyn Iterator<Item = Guid>| {
            let (mut found, mut missing) = (Vec::new(), Vec::new());
            for id in ids {
                match dir.group(id) {
                    // BMS accepts only security groups: a Microsoft 365 group reaches nobody.
                    Some(g) if dir.groups()[g.ix()].unified => {}
                    Some(g) => found.push(g),
                    None => missing.push(id),
                }
            }
            (found, missing)
        };
        let (exclusion_groups, _) = resolve(&mut tenant.bms.tenant.exclusion_groups());
        let excluded_users = membership.users_in_any(&exclusion_groups);
        let mut excluded_devices = membership.managed_devices_in_any(&exclusion_groups);
        for (i, md) in dir.managed_devices().iter().enumerate() {
            if md.user.is_some_and(|u| excluded_users.contains(u.ix())) {
                excluded_devices.insert(i);
            }
        }
        let mut disabled = BitSet::new(dir.users().len());
        for (i, u) in dir.users().iter().enumerate() {
            if !u.account_enabled {
                disabled.insert(i);
            }
        }

        let mut in_scope = BitSet::new(dir.users().len());
        let policies: Vec<PolicyTargets> = priority_order(&tenant.bms.policies)
            .into_iter()
            .map(|p| {
                let rule = tenant.bms.policies[p].rule.as_ref();
                let (groups, missing) =
                    resolve(&mut rule.into_iter().flat_map(|r| r.real_target_groups()));
                let mut users = membership.users_in_any(&groups);
                users.difference_with(&excluded_users);
                users.difference_with(&disabled);
                let mut devices = membership.managed_devices_in_any(&groups);
                devices.difference_with(&excluded_devices);
                in_scope.union_with(&users);
                let mut device_users = BitSet::new(dir.users().len());
                for d in devices.iter() {
                    if let Some(u) = dir.managed_devices()[d]
                        .user
                        .filter(|u| u.ix() < dir.users().len() && !disabled.contains(u.ix()))
                    {
                        device_users.insert(u.ix());
                    }
                }
                in_scope.union_with(&device_users);
                PolicyTargets {
                    policy: p,
                    groups,
                    missing,
                    users,
                    devices,
                    device_users,
                }
            })
            .collect();
        let views: Vec<PolicyReach> = policies
            .iter()
            .map(|p| PolicyReach {
                users: &p.users,
                devices: &p.devices,
                device_users: &p.device_users,
            })
            .collect();
        let reach = reach::resolve(dir, &views, &excluded_devices);
        BmsTargets {
            policies,
            exclusion_groups,
            excluded_users,
            excluded_devices,
            in_scope,
            reach,
        }
    }

    /// Every policy that reaches `user`, through a user group or through one of their devices
    /// in a device group, in BMS priority order.
    pub fn policies_reaching_user(
        &self,
        user: UserIx,
    ) -> impl Iterator<Item = &PolicyTargets> + '_ {
        self.policies
            .iter()
            .filter(move |p| p.users.contains(user.ix()) || p.device_users.contains(user.ix()))
    }

    /// The policy BMS applies to `user`: the first by priority of
    /// [`policies_reaching_user`](Self::policies_reaching_user) (`crate::reach`).
    pub fn user_policy(&self, user: UserIx) -> Option<&PolicyTargets> {
        self.reach
            .user_policy(user.ix())
            .and_then(|r| self.policies.get(r))
    }

    /// The policy BMS applies to a managed device: the first by priority of the policies
    /// holding it in a device group and those holding its primary user in a user group; none
    /// for an excluded device (`crate::reach`).
    pub fn device_policy(&self, device: ManagedDeviceIx) -> Option<&PolicyTargets> {
        self.reach
            .device_policy(device.ix())
            .and_then(|r| self.policies.get(r))
    }

    pub fn is_in_scope(&self, user: UserIx) -> bool {
        self.in_scope.contains(user.ix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{Dev, Policy, TenantBuilder};

    #[test]
    fn first_policy_by_priority_wins_and_exclusions_apply() {
        let mut t = TenantBuilder::new();
        let (a, b, c, off) = (t.user("a"), t.user("b"), t.user("c"), t.user("off"));
        t.disable(off);
        let sales = t.group("sales", &[a, b, off], &[]);
        let all = t.group("all", &[a, b, c], &[]);
        let vip = t.group("vip", &[c], &[]);
        t.policy(Policy::allow("Broad").priority(2).targets(&[all]));
        t.policy(Policy::block("Sales").priority(1).targets(&[sales]));
        t.policy(
            Policy::block("Old")
                .priority(0)
                .targets(&[all])
                .pending_deletion(),
        );
        t.exclude(vip);
        let tenant = t.build();
        let m = Membership::new(&tenant.directory);
        let targets = BmsTargets::new(&tenant, &m);
        let names: Vec<&str> = targets
            .policies
            .iter()
            .map(|p| tenant.bms.policies[p.policy].name.as_str())
            .collect();
        assert_eq!(
            names,
            vec!["Sales", "Broad"],
            "pending deletion is not mappable"
        );
        let eff = |u| {
            targets
                .user_policy(u)
                .map(|p| tenant.bms.policies[p.policy].name.as_str())
        };
        assert_eq!(eff(a), Some("Sales"));
        assert_eq!(eff(c), None, "excluded");
        assert_eq!(eff(off), None, "disabled");
        assert_eq!(targets.policies_reaching_user(b).count(), 2);
        assert_eq!(
            targets.in_scope.iter().collect::<Vec<_>>(),
            vec![a.ix(), b.ix()]
        );
    }

    #[test]
    fn device_groups_bring_their_users_into_scope() {
        let mut t = TenantBuilder::new();
        let (owner, other) = (t.user("owner"), t.user("other"));
        let e = t.entra_device("KIOSK");
        let d = t.managed(Dev::android("KIOSK", "13").entra(e).user(owner));
        let devices = t.group_with_devices("kiosks", &[e]);
        let nobody = t.group("nobody", &[], &[]);
        let team = t.unified_group("Team", &[other]);
        t.policy(Policy::block("M365").priority(3).targets(&[team]));
        t.policy(Policy::block("Kiosk").priority(1).targets(&[devices]));
        t.policy(
            Policy::block("Unknown")
                .priority(2)
                .target_ids(&[Guid::from_name("missing"), Guid::NIL])
                .targets(&[nobody]),
        );
        let tenant = t.build();
        let m = Membership::new(&tenant.directory);
        let targets = BmsTargets::new(&tenant, &m);
        assert!(targets.is_in_scope(owner));
        assert!(
            !targets.is_in_scope(other),
            "a Microsoft 365 group reaches nobody"
        );
        assert!(targets.policies[2].groups.is_empty() && targets.policies[2].users.is_empty());
        assert_eq!(
            targets
                .device_policy(d)
                .map(|p| tenant.bms.policies[p.policy].name.as_str()),
            Some("Kiosk")
        );
        assert_eq!(targets.policies_reaching_user(owner).count(), 1);
        assert_eq!(
            targets.policies[1].missing,
            vec![Guid::from_name("missing")]
        );
        assert_eq!(targets.policies[1].groups, vec![nobody]);
    }
}
