//! Which existing Intune policies reach which users and devices, per platform: what
//! `licensed-without-replacement` checks a BMS device against.

use super::context::Ctx;
use crate::bitset::BitSet;
use bms2intune_model::{
    AssignmentTarget, DevicePlatform, Guid, IntuneCollection, IntunePolicy, ManagedDeviceIx, Part,
    UserIx,
};

/// Which existing Intune policies reach which users and devices, for
/// `licensed-without-replacement`.
pub(super) struct IntuneCoverage {
    policies: Vec<CoveragePolicy>,
    /// Both Intune policy files were in the snapshot.
    pub(super) exported: bool,
    pub(super) missing: Vec<Part>,
}

struct CoveragePolicy {
    platforms: Vec<DevicePlatform>,
    all_users: bool,
    all_devices: bool,
    users: BitSet,
    devices: BitSet,
    excluded_users: BitSet,
    excluded_devices: BitSet,
}

/// The platforms an Intune policy applies to, from its `@odata.type` (settings catalog: its
/// `platforms`).
pub(super) fn intune_platforms(policy: &IntunePolicy) -> Vec<DevicePlatform> {
    let t = match policy.properties.get("platforms").and_then(|p| p.as_str()) {
        Some(platforms) if policy.collection == IntuneCollection::ConfigurationPolicies => {
            platforms.to_ascii_lowercase()
        }
        _ => policy.odata_type.to_ascii_lowercase(),
    };
    if t.starts_with("ios") {
        vec![DevicePlatform::Ios, DevicePlatform::IpadOs]
    } else if t.starts_with("android") || t.starts_with("aosp") {
        vec![DevicePlatform::Android]
    } else if t.starts_with("windows") {
        vec![DevicePlatform::Windows]
    } else if t.starts_with("macos") {
        vec![DevicePlatform::MacOs]
    } else {
        Vec::new()
    }
}

impl IntuneCoverage {
    pub(super) fn new(ctx: &Ctx<'_, '_>) -> IntuneCoverage {
        let dir = ctx.dir;
        let groups = |ids: &mut dyn Iterator<Item = Guid>| {
            ids.filter_map(|id| dir.group(id)).collect::<Vec<_>>()
        };
        // Only what certainly reaches someone covers them: a filtered assignment, a
        // Configuration Manager collection or unexported assignments may miss the user
        // (intune-assignments-unknown says so).
        let certain = |p: &'_ IntunePolicy| -> Vec<AssignmentTarget> {
            p.assignment_list()
                .iter()
                .filter(|a| {
                    a.filter.is_none()
                        || matches!(a.target, AssignmentTarget::ExclusionGroup { .. })
                })
                .map(|a| a.target.clone())
                .collect()
        };
        let policies = ctx
            .tenant
            .intune
            .policies()
            .map(|p| {
                let targets = certain(p);
                let include = groups(&mut targets.iter().filter_map(|a| match a {
                    AssignmentTarget::Group { group_id } => Some(*group_id),
                    _ => None,
                }));
                let exclude = groups(&mut p.excluded_groups());
                CoveragePolicy {
                    platforms: intune_platforms(p),
                    all_users: targets.contains(&AssignmentTarget::AllLicensedUsers),
                    all_devices: targets.contains(&AssignmentTarget::AllDevices),
                    users: ctx.membership.users_in_any(&include),
                    devices: ctx.membership.managed_devices_in_any(&include),
                    excluded_users: ctx.membership.users_in_any(&exclude),
                    excluded_devices: ctx.membership.managed_devices_in_any(&exclude),
                }
            })
            .collect();
        let missing: Vec<Part> = [Part::DeviceCompliancePolicies, Part::DeviceConfigurations]
            .into_iter()
            .filter(|p| !ctx.has_part(*p))
            .collect();
        IntuneCoverage {
            policies,
            exported: missing.is_empty(),
            missing,
        }
    }

    /// Whether some Intune policy for the device's platform reaches the (Intune-licensed) user
    /// or the device.
    pub(super) fn covers(&self, ctx: &Ctx<'_, '_>, user: UserIx, device: ManagedDeviceIx) -> bool {
        let platform = ctx.dir.managed_devices()[device.ix()].platform;
        self.policies.iter().any(|p| {
            let reaches_user = (p.all_users || p.users.contains(user.ix()))
                && !p.excluded_users.contains(user.ix());
            let reaches_device = (p.all_devices || p.devices.contains(device.ix()))
                && !p.excluded_devices.contains(device.ix());
            p.platforms.contains(&platform) && (reaches_user || reaches_device)
        })
    }
}
