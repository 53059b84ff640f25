//! Which BMS policy applies, per user and per managed device: the one rule every stage
//! (findings, waves, simulation) reads through [`crate::BmsTargets`], so that none keeps its own
//! fallback order. [`crate::targets`] answers "whom does each policy's groups reach"; this module
//! answers "of the policies that reach this user or device, which one does BMS apply".
//!
//! **The rule.** BMS policies target security groups that hold users or (assigned) devices, and
//! BMS applies to a device only the first applicable policy by priority, never a merge:
//!
//! - A **device** is reached by the policies whose device groups hold it and by the policies
//!   whose user groups hold its primary user. BMS applies the first of them by priority. A
//!   device in the tenant exclusion list, or whose primary user is in it, gets none.
//! - A **user** is reached by the policies whose user groups hold them and by the policies that
//!   reach one of their devices through a device group. The user's policy (the `bms_policy` of
//!   `waves.csv`, the policy behind `email-profile-reauth`) is the first of those by priority;
//!   each device still gets its own, which the simulation compares device by device.
//! - Disabled accounts and excluded users are reached by nothing (`targets`). A device whose
//!   primary user is disabled still gets its device group's policy, but brings nobody in scope.
//!
//! **Source.** Microsoft Learn, "Configure policies in Basic Mobility and Security"
//! (`microsoft-365/admin/security-and-compliance/m365b-devices-basic-mobility-security-policies-configure.md`,
//! ms.date 08/14/2025): policies "are applied to devices"; the deployment groups may be user
//! groups or assigned device groups; "If a policy intentionally or unintentionally applies to
//! the same user based on their group memberships, the first (highest priority) applicable
//! policy is applied to the user, and no more policies are applied (there's no combining or
//! merging of settings from different policies)". No Microsoft page gives device groups
//! precedence over user groups (or the reverse), so the tool does not invent one: the device
//! group's policy applies to a device exactly when it comes first by priority among the
//! policies that reach the device — including when the user is in another, lower-priority
//! policy's user group.
//!
//! **Cost.** One pass per policy over its bitsets, in priority order, fills one `u32` per user
//! and per device: O(policies × (users + devices) / 64 + members). Queries are array lookups.

use crate::bitset::BitSet;
use bms2intune_model::Directory;

/// No policy.
const NONE: u32 = u32::MAX;

/// Whom one policy reaches, as [`resolve`] needs it: its position in priority order is its
/// index in the slice.
pub struct PolicyReach<'a> {
    /// Users reached through user groups (enabled, not excluded).
    pub users: &'a BitSet,
    /// Managed devices reached through device groups (not excluded).
    pub devices: &'a BitSet,
    /// The primary users of `devices` (enabled, not excluded).
    pub device_users: &'a BitSet,
}

/// The first policy (by priority rank) per user and per managed device.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    /// Per user: the first policy reaching the user through a user group.
    user_group_first: Vec<u32>,
    /// Per user: the first policy reaching the user by any path (user groups, or a device in a
    /// device group).
    user_first: Vec<u32>,
    /// Per managed device: the policy BMS applies to it.
    device_first: Vec<u32>,
}

impl Reach {
    /// The rank (index in priority order) of the policy BMS applies to the user, if any.
    pub fn user_policy(&self, user: usize) -> Option<usize> {
        rank(&self.user_first, user)
    }

    /// The rank of the first policy that reaches the user through one of their user groups.
    pub fn user_group_policy(&self, user: usize) -> Option<usize> {
        rank(&self.user_group_first, user)
    }

    /// The rank of the policy BMS applies to the managed device, if any.
    pub fn device_policy(&self, device: usize) -> Option<usize> {
        rank(&self.device_first, device)
    }
}

fn rank(table: &[u32], i: usize) -> Option<usize> {
    table
        .get(i)
        .copied()
        .filter(|&r| r != NONE)
        .map(|r| r as usize)
}

/// Applies the rule (module doc) to `policies`, given in BMS priority order;
/// `excluded_devices` are the devices BMS exempts.
pub fn resolve(dir: &Directory, policies: &[PolicyReach], excluded_devices: &BitSet) -> Reach {
    let (users, devices) = (dir.users().len(), dir.managed_devices().len());
    let mut reach = Reach {
        user_group_first: vec![NONE; users],
        user_first: vec![NONE; users],
        device_first: vec![NONE; devices],
    };
    // In priority order, so the first rank written into a slot is the first policy.
    for (r, p) in policies.iter().enumerate() {
        for u in p.users.iter().filter(|&u| u < users) {
            first(&mut reach.user_group_first[u], r);
            first(&mut reach.user_first[u], r);
        }
        for u in p.device_users.iter().filter(|&u| u < users) {
            first(&mut reach.user_first[u], r);
        }
        for d in p.devices.iter().filter(|&d| d < devices) {
            first(&mut reach.device_first[d], r);
        }
    }
    // Then each device's primary user's user-group policy, when it comes first.
    for (d, md) in dir.managed_devices().iter().enumerate() {
        if excluded_devices.contains(d) {
            reach.device_first[d] = NONE;
            continue;
        }
        if let Some(u) = md.user.filter(|u| u.ix() < users) {
            let via_user = reach.user_group_first[u.ix()];
            reach.device_first[d] = reach.device_first[d].min(via_user);
        }
    }
    reach
}

/// Keeps the earliest rank.
fn first(slot: &mut u32, rank: usize) {
    if *slot == NONE {
        *slot = rank as u32;
    }
}

#[cfg(test)]
mod tests {
    use crate::membership::Membership;
    use crate::targets::BmsTargets;
    use crate::testkit::{Dev, Policy, TenantBuilder};
    use bms2intune_model::{ManagedDeviceIx, Tenant, UserIx};

    /// Ann has iPhone 1 (in device group "phones") and iPhone 2; Ann is in user group "staff";
    /// Bob's phone is in "phones" too, but Bob is in the exclusion group; Cy's phone is in
    /// "phones" and Cy's account is disabled.
    fn tenant(
        device_priority: i64,
        user_priority: i64,
    ) -> (Tenant, [UserIx; 3], [ManagedDeviceIx; 4]) {
        let mut t = TenantBuilder::new();
        let (ann, bob, cy) = (t.user("ann"), t.user("bob"), t.user("cy"));
        t.disable(cy);
        let (e1, e3, e4) = (
            t.entra_device("A1"),
            t.entra_device("B1"),
            t.entra_device("C1"),
        );
        let a1 = t.managed(Dev::ios("A1", "18.5").entra(e1).user(ann));
        let a2 = t.managed(Dev::ios("A2", "18.5").user(ann));
        let b1 = t.managed(Dev::ios("B1", "18.5").entra(e3).user(bob));
        let c1 = t.managed(Dev::ios("C1", "18.5").entra(e4).user(cy));
        let phones = t.group_with_devices("phones", &[e1, e3, e4]);
        let staff = t.group("staff", &[ann], &[]);
        let exempt = t.group("exempt", &[bob], &[]);
        t.policy(
            Policy::block("Devices")
                .priority(device_priority)
                .targets(&[phones]),
        );
        t.policy(
            Policy::block("Users")
                .priority(user_priority)
                .targets(&[staff]),
        );
        t.exclude(exempt);
        (t.build(), [ann, bob, cy], [a1, a2, b1, c1])
    }

    /// The policy of each user and device, then how many policies reach Ann.
    fn names(device_priority: i64, user_priority: i64) -> Vec<Option<String>> {
        let (tenant, [ann, bob, cy], devices) = tenant(device_priority, user_priority);
        let m = Membership::new(&tenant.directory);
        let t = BmsTargets::new(&tenant, &m);
        let name = |p: Option<&crate::targets::PolicyTargets>| {
            p.map(|p| tenant.bms.policies[p.policy].name.clone())
        };
        let mut out: Vec<Option<String>> = [ann, bob, cy]
            .iter()
            .map(|&u| name(t.user_policy(u)))
            .collect();
        out.extend(devices.iter().map(|&d| name(t.device_policy(d))));
        out.push(Some(t.policies_reaching_user(ann).count().to_string()));
        out
    }

    fn s(x: &str) -> Option<String> {
        Some(x.to_string())
    }

    #[test]
    fn a_device_group_first_by_priority_wins_on_its_device_only() {
        assert_eq!(
            names(1, 2),
            // ann, bob (excluded), cy (disabled); A1, A2, B1 (user excluded), C1; ann's count
            vec![
                s("Devices"),
                None,
                None,
                s("Devices"),
                s("Users"),
                None,
                s("Devices"),
                s("2")
            ]
        );
    }

    #[test]
    fn a_user_group_first_by_priority_wins_on_every_device_of_the_user() {
        assert_eq!(
            names(2, 1),
            vec![
                s("Users"),
                None,
                None,
                s("Users"),
                s("Users"),
                None,
                s("Devices"),
                s("2")
            ]
        );
    }
}
