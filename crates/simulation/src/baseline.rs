//! What the recommended baseline ([`bms2intune_mapping::baseline`]) would do to the devices in
//! the snapshot, apart from parity's impact: which devices would fall out of compliance, on
//! which setting, and which cannot be judged from the snapshot because only the device
//! reports it (jailbreak, Play Integrity, Device Health Attestation).
//!
//! The devices evaluated are those Intune manages after the move: BMS-managed devices whose
//! primary user is in scope, and devices Intune already manages (MDM agents other than BMS's).
//! As in the parity simulation, users the waves leave unplaced (waiting for a seat) are
//! evaluated as if licensed, so nothing is hidden while they wait, and their devices are
//! counted apart ([`BaselineImpact::waiting_devices`]). A baseline compliance policy reaches a device when its
//! groups reach the device's primary user or the device itself, and its platform is the
//! device's. `secureByDefault` makes every evaluated device that no compliance policy reaches
//! (parity, existing or baseline) noncompliant; that count is given with and without the
//! baseline's own policies.
//!
//! One pass over the devices, a few bitset lookups each; per-device strings are made only for
//! the devices that would fall out of compliance.

use crate::engine::device_platform;
use crate::objects::{assigned, SimObject};
use crate::resolve::ObjectKind;
use bms2intune_analysis::devices::is_bms_device;
use bms2intune_analysis::{BitSet, BmsTargets, Membership, Version};
use bms2intune_mapping::baseline::{Baseline, BaselineKind, BaselineObject};
use bms2intune_mapping::TargetPlatform;
use bms2intune_model::{Guid, ManagedDevice, ManagementAgent, Part, Tenant};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;

/// Why a device would be noncompliant, or why that cannot be told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceReason {
    /// The baseline object (its id), or `tenant-settings` for `secureByDefault`.
    pub object: Cow<'static, str>,
    pub property: String,
    /// e.g. `osVersion 16.7.2 is below 18.0`.
    pub detail: String,
}

/// A device the baseline would make noncompliant. Strings borrow from the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineDevice<'t> {
    pub id: Guid,
    pub device_name: Cow<'t, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_principal_name: Option<Cow<'t, str>>,
    pub operating_system: Cow<'t, str>,
    pub os_version: Cow<'t, str>,
    pub reasons: Vec<DeviceReason>,
}

/// Per property of one baseline object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingCount {
    pub property: String,
    /// Devices the snapshot shows failing it.
    pub noncompliant: u64,
    /// Devices only the device itself can judge (reported at check-in).
    pub unknown: u64,
}

/// One baseline compliance policy's effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectImpact {
    pub id: Cow<'static, str>,
    pub display_name: String,
    pub platform: TargetPlatform,
    /// Evaluated devices it reaches.
    pub devices: u64,
    /// Of those, devices the snapshot shows failing at least one of its settings.
    pub noncompliant: u64,
    /// Of the others, devices with a setting only the device can report.
    pub unknown: u64,
    pub by_setting: Vec<SettingCount>,
}

/// `secureByDefault`: evaluated devices no compliance policy reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoPolicyImpact {
    /// With the parity objects and existing policies only (the setting applied alone).
    pub without_baseline: u64,
    /// With the baseline's compliance policies as well.
    pub with_baseline: u64,
    /// Devices an existing policy may reach whose targets the snapshot does not fully know, or
    /// on platforms the simulation does not model (macOS, Linux, …) when the tenant has
    /// compliance policies for such platforms: counted as unknown.
    pub unknown: u64,
}

/// The `baseline.impact` block of `plan.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineImpact<'t> {
    /// Devices Intune manages after the move (those the baseline can touch).
    pub devices_evaluated: u64,
    /// Devices the snapshot shows would become noncompliant with the whole baseline applied.
    pub noncompliant_devices: u64,
    /// Their distinct primary users.
    pub noncompliant_users: u64,
    /// Devices not shown noncompliant but with a setting only the device can report.
    pub unknown_devices: u64,
    /// Of the noncompliant devices, those of users the waves leave unplaced for now.
    pub waiting_devices: u64,
    pub by_object: Vec<ObjectImpact>,
    pub secure_by_default: NoPolicyImpact,
    /// The noncompliant devices, by name (bounded by the plan's list limit).
    pub devices: Vec<BaselineDevice<'t>>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub devices_omitted: u64,
    pub assumptions: Vec<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// How one setting of a baseline object judges a device.
enum Verdict {
    Pass,
    Fail(String),
    Unknown,
}

fn judge(property: &str, value: &Value, device: &ManagedDevice) -> Verdict {
    match (property, value) {
        ("osMinimumVersion", Value::String(floor)) => {
            match (Version::parse(&device.os_version), Version::parse(floor)) {
                (Some(have), Some(need)) if have < need => Verdict::Fail(format!(
                    "osVersion {} is below {floor}",
                    device.os_version.trim()
                )),
                (Some(_), Some(_)) => Verdict::Pass,
                _ => Verdict::Unknown,
            }
        }
        // Jailbreak, Play Integrity, Device Health Attestation: the snapshot carries no device
        // report for them (Graph's managedDevice has no BitLocker or Secure Boot state in v1.0).
        _ => Verdict::Unknown,
    }
}

/// Whether Intune manages the device after the move.
fn managed_after(device: &ManagedDevice, is_bms: bool, moves: &BitSet) -> bool {
    if is_bms {
        return device.user.is_some_and(|u| moves.contains(u.ix()));
    }
    matches!(
        device.management_agent,
        ManagementAgent::Mdm
            | ManagementAgent::EasMdm
            | ManagementAgent::IntuneClient
            | ManagementAgent::EasIntuneClient
            | ManagementAgent::ConfigurationManagerClientMdm
            | ManagementAgent::ConfigurationManagerClientMdmEas
            | ManagementAgent::GoogleCloudDevicePolicyController
    )
}

struct Reach {
    users: BitSet,
    devices: BitSet,
}

impl Reach {
    fn reaches(&self, d: usize, device: &ManagedDevice) -> bool {
        self.devices.contains(d) || device.user.is_some_and(|u| self.users.contains(u.ix()))
    }
}

/// What the simulation of the baseline needs.
pub struct BaselineInputs<'a, 't> {
    pub tenant: &'t Tenant,
    pub membership: &'a Membership<'t>,
    pub targets: &'a BmsTargets,
    pub baseline: &'a Baseline,
    /// The parity simulation's objects (generated and existing).
    pub parity_objects: &'a [SimObject],
    /// Users the waves leave unplaced: evaluated as if licensed, counted apart.
    pub unplaced: &'a BitSet,
}

/// Simulates the baseline. See the module documentation.
pub fn simulate_baseline<'t>(inp: &BaselineInputs<'_, 't>) -> BaselineImpact<'t> {
    let dir = &inp.tenant.directory;
    let compliance: Vec<&BaselineObject> = inp
        .baseline
        .objects
        .iter()
        .filter(|o| o.kind == BaselineKind::CompliancePolicy && o.platform.is_some())
        .collect();
    let reach: Vec<Reach> = compliance
        .iter()
        .map(|o| {
            let (users, devices) = assigned(
                dir,
                inp.membership,
                &o.include_groups,
                &o.exclude_groups,
                false,
                false,
            );
            Reach { users, devices }
        })
        .collect();
    // Compliance objects of the migration and the tenant, per simulated platform, so each
    // device looks only at its own platform's.
    let parity_compliance: Vec<(TargetPlatform, Vec<&SimObject>)> = TargetPlatform::DEVICE
        .iter()
        .map(|&p| {
            let list: Vec<&SimObject> = inp
                .parity_objects
                .iter()
                .filter(|o| o.kind == ObjectKind::Compliance && o.platform == p)
                .collect();
            (p, list)
        })
        .filter(|(_, list)| !list.is_empty())
        .collect();
    // Existing compliance policies of platforms the simulation does not model (macOS, …).
    let other_platform_policies = inp
        .tenant
        .intune
        .compliance_policies
        .iter()
        .any(|p| crate::objects::platform_of_type(&p.odata_type).is_none());

    let moves = &inp.targets.in_scope;

    let mut by_object: Vec<ObjectImpact> = compliance
        .iter()
        .map(|o| ObjectImpact {
            id: o.id.clone(),
            display_name: o.display_name.clone(),
            platform: o.platform.unwrap_or(TargetPlatform::Mobile),
            devices: 0,
            noncompliant: 0,
            unknown: 0,
            by_setting: o
                .settings
                .iter()
                .map(|s| SettingCount {
                    property: s.property.to_string(),
                    noncompliant: 0,
                    unknown: 0,
                })
                .collect(),
        })
        .collect();
    let mut no_policy = NoPolicyImpact {
        without_baseline: 0,
        with_baseline: 0,
        unknown: 0,
    };
    let mut evaluated = 0u64;
    let mut unknown_devices = 0u64;
    let mut failing: Vec<(usize, Vec<DeviceReason>)> = Vec::new();
    let mut failing_users = BitSet::new(dir.users().len());
    let mut waiting_devices = 0u64;

    for (d, device) in dir.managed_devices().iter().enumerate() {
        if !managed_after(device, is_bms_device(dir, device), moves) {
            continue;
        }
        evaluated += 1;
        let platform = device_platform(device);
        let mut reasons: Vec<DeviceReason> = Vec::new();
        let mut unknown = false;
        let mut baseline_covers = false;
        for (k, o) in compliance.iter().enumerate() {
            if platform != o.platform || !reach[k].reaches(d, device) {
                continue;
            }
            baseline_covers = true;
            let impact = &mut by_object[k];
            impact.devices += 1;
            let (mut failed, mut unsure) = (false, false);
            for (s, setting) in o.settings.iter().enumerate() {
                match judge(&setting.property, &setting.value, device) {
                    Verdict::Pass => {}
                    Verdict::Fail(detail) => {
                        failed = true;
                        impact.by_setting[s].noncompliant += 1;
                        reasons.push(DeviceReason {
                            object: o.id.clone(),
                            property: setting.property.to_string(),
                            detail,
                        });
                    }
                    Verdict::Unknown => {
                        unsure = true;
                        impact.by_setting[s].unknown += 1;
                    }
                }
            }
            if failed {
                impact.noncompliant += 1;
            } else if unsure {
                impact.unknown += 1;
            }
            unknown |= unsure;
        }
        let reaching = |known: bool| {
            platform.is_some_and(|p| {
                parity_compliance
                    .iter()
                    .filter(|(q, _)| *q == p)
                    .flat_map(|(_, list)| list)
                    .filter(|o| o.reach_known() == known)
                    .any(|o| {
                        o.devices.contains(d)
                            || device.user.is_some_and(|u| o.users.contains(u.ix()))
                    })
            })
        };
        if !reaching(true) {
            // A policy whose targets are unknown may reach it, or an existing policy of a
            // platform the simulation does not model: the device can only be judged in Intune.
            if reaching(false) || (platform.is_none() && other_platform_policies) {
                no_policy.unknown += 1;
                unknown = true;
            } else {
                no_policy.without_baseline += 1;
                if !baseline_covers {
                    no_policy.with_baseline += 1;
                    reasons.push(DeviceReason {
                        object: "tenant-settings".into(),
                        property: "settings.secureByDefault".into(),
                        detail: "no compliance policy reaches the device".into(),
                    });
                }
            }
        }
        if !reasons.is_empty() {
            if let Some(u) = device.user.filter(|u| u.ix() < dir.users().len()) {
                failing_users.insert(u.ix());
                if inp.unplaced.contains(u.ix()) {
                    waiting_devices += 1;
                }
            }
            failing.push((d, reasons));
        } else if unknown {
            unknown_devices += 1;
        }
    }

    let rank = dir.managed_device_rank();
    failing.sort_by_key(|(d, _)| rank[*d]);
    let devices: Vec<BaselineDevice<'t>> = failing
        .into_iter()
        .map(|(d, reasons)| {
            let m = &dir.managed_devices()[d];
            BaselineDevice {
                id: m.id,
                device_name: Cow::Borrowed(&m.device_name),
                user_principal_name: m.user_principal_name.as_deref().map(Cow::Borrowed),
                operating_system: Cow::Borrowed(&m.operating_system),
                os_version: Cow::Borrowed(&m.os_version),
                reasons,
            }
        })
        .collect();

    let mut assumptions = vec![
        "Devices evaluated: BMS-managed devices of users in scope and devices Intune already manages. Users the \
         waves leave unplaced are evaluated as if licensed (their devices are counted in waitingDevices): nothing \
         changes for them until their licence."
            .to_string(),
        "Minimum OS versions are compared with the devices' osVersion in the snapshot; jailbreak, Play Integrity, \
         BitLocker, Secure Boot and code integrity are reported by the device itself at check-in, so devices that \
         depend on them are counted as unknown, not as compliant."
            .to_string(),
        "secureByDefault: a device no compliance policy reaches (parity objects, existing policies, baseline) \
         becomes noncompliant."
            .to_string(),
    ];
    if !inp.tenant.parts.contains(Part::ManagedDevices) {
        assumptions.push(
            "graph/managedDevices is missing: no device could be evaluated, so every count is 0."
                .to_string(),
        );
    }
    BaselineImpact {
        devices_evaluated: evaluated,
        noncompliant_devices: devices.len() as u64,
        noncompliant_users: failing_users.count() as u64,
        unknown_devices,
        waiting_devices,
        by_object,
        secure_by_default: no_policy,
        devices,
        devices_omitted: 0,
        assumptions,
    }
}
