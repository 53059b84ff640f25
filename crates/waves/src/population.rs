//! The people to move: every user the BMS policies reach (`BmsTargets::in_scope`: transitive
//! members of the target groups and primary users of devices in targeted device groups; not
//! excluded, not disabled), each with what they need to be licensed, the BMS policy that
//! applies to them today and their BMS-managed devices. This module owns the planner's user
//! order — UPN (ASCII case-insensitive), then object ID — which every wave inherits, so the
//! same snapshot always gives the same waves.

use bms2intune_analysis::devices::{is_bms_device, DevicesByUser};
use bms2intune_analysis::{BmsTargets, Licensing};
use bms2intune_model::order::NameOrder;
use bms2intune_model::{DevicePlatform, Guid, ManagedDeviceIx, Tenant, UserIx};

use crate::types::LicenseNeed;

/// One user to move.
#[derive(Debug, Clone)]
pub struct Person<'t> {
    pub user: UserIx,
    pub id: Guid,
    pub upn: &'t str,
    pub need: LicenseNeed,
    /// Index into `tenant.bms.policies` of the policy BMS applies to the user: the first by
    /// priority of those reaching them through user groups or devices
    /// (`BmsTargets::user_policy`).
    pub policy: Option<usize>,
}

/// The users to move, in the planner's order.
#[derive(Debug, Clone)]
pub struct Population<'t> {
    pub people: Vec<Person<'t>>,
    /// Position in `people` per `UserIx` (`u32::MAX` when not in scope).
    position: Vec<u32>,
    /// Each person's BMS-managed devices that BMS does not exempt.
    devices: DevicesByUser,
}

/// The platform key of `devicesByPlatform`: the report's spellings (`ios` covers iPadOS).
pub fn platform_key(platform: DevicePlatform) -> &'static str {
    match platform {
        DevicePlatform::Ios | DevicePlatform::IpadOs => "ios",
        DevicePlatform::Android => "android",
        DevicePlatform::Windows => "windows",
        DevicePlatform::WindowsMobile => "windowsMobile",
        DevicePlatform::MacOs => "macOS",
        DevicePlatform::Linux => "linux",
        DevicePlatform::Other => "other",
    }
}

/// The platforms that get replacement objects (Windows 10/11, iOS/iPadOS, Android): the pilot
/// tries each of them.
pub const MIGRATED_PLATFORMS: [&str; 3] = ["android", "ios", "windows"];

/// A human label of a platform key.
pub fn platform_label(key: &str) -> &str {
    match key {
        "ios" => "iOS/iPadOS",
        "android" => "Android",
        "windows" => "Windows",
        "windowsMobile" => "Windows Mobile/Phone",
        "macOS" => "macOS",
        "linux" => "Linux",
        "other" => "other",
        k => k,
    }
}

impl<'t> Population<'t> {
    pub fn new(tenant: &'t Tenant, targets: &BmsTargets, licensing: &Licensing) -> Population<'t> {
        let dir = &tenant.directory;
        let devices = DevicesByUser::new(dir, |i, md| {
            md.user.is_some_and(|u| targets.is_in_scope(u))
                && is_bms_device(dir, md)
                && !targets.excluded_devices.contains(i)
        });
        let mut people: Vec<Person> = targets
            .in_scope
            .iter()
            .filter(|&u| u < dir.users().len())
            .map(|u| {
                let user = UserIx(u as u32);
                let need = if licensing.has_intune(user) {
                    LicenseNeed::Held
                } else if licensing.can_enable_intune(user) {
                    LicenseNeed::EnablePlan
                } else {
                    LicenseNeed::NewSeat
                };
                let policy = targets.user_policy(user).map(|p| p.policy);
                Person {
                    user,
                    id: dir.users()[u].id,
                    upn: &dir.users()[u].user_principal_name,
                    need,
                    policy,
                }
            })
            .collect();
        // UPN (ASCII case ignored), then ID: by the directory's rank table, not by strings.
        let rank = dir.user_rank(NameOrder::AsciiCaseless);
        people.sort_unstable_by_key(|p| rank[p.user.ix()]);
        let mut position = vec![u32::MAX; dir.users().len()];
        for (i, p) in people.iter().enumerate() {
            position[p.user.ix()] = i as u32;
        }
        Population {
            people,
            position,
            devices,
        }
    }

    /// The position of a user in `people`, if in scope.
    pub fn position(&self, user: UserIx) -> Option<usize> {
        self.position
            .get(user.ix())
            .filter(|&&p| p != u32::MAX)
            .map(|&p| p as usize)
    }

    /// Person `i`'s BMS-managed devices that BMS does not exempt, ascending.
    pub fn devices(&self, i: usize) -> &[ManagedDeviceIx] {
        self.devices.get(self.people[i].user)
    }

    /// The devices of everyone in scope.
    pub fn all_devices(&self) -> &[ManagedDeviceIx] {
        self.devices.all()
    }

    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }
}
