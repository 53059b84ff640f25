//! The recommended Intune baseline: what a tenant that has just left BMS should have beyond
//! parity (issue 14, Microsoft's "configure more settings" step). This module owns the
//! baseline as data — [`OBJECTS`] (one row per Intune object: type, platform, who gets it) and
//! [`ROWS`] (one row per property: value, why, source, whether v1.0 can carry it) — and turns
//! it into [`Baseline`]: typed request bodies under `baseline/<api>/<collection>/`, kept apart
//! from the parity objects of [`crate::map_export`].
//!
//! What it recommends, and why:
//!
//! - **Minimum OS per platform** at Intune's supported floors. The floors are the assessment
//!   config's dated [`OsFloors`] (`--config`), not numbers of this module.
//! - **Jailbreak and root detection for users of Allow policies**: BMS stored `AllowJailbroken`
//!   only on Block ("conditional access") rules, so Allow policies never enforced it.
//! - **Android Enterprise work-profile compliance with Play Integrity** (basic integrity and
//!   certified device, Google Play services, up-to-date security provider) and root detection.
//! - **Windows device health**: BitLocker, Secure Boot, code integrity (Device Health
//!   Attestation). Firewall and antivirus exist only in beta (or the settings catalog): they are
//!   listed in [`Baseline::not_written`], never sent to v1.0.
//! - **A notice before "noncompliant"**: every baseline compliance policy marks the device
//!   noncompliant only after [`BASELINE_GRACE_HOURS`], and an e-mail from a notification
//!   template goes out at once. The template is its own object (its ID is only known once it
//!   exists), so the action is added afterwards through `scheduleActionsForRules`
//!   ([`NotificationAction`]).
//! - **Tenant setting `secureByDefault`** ("mark devices with no compliance policy assigned as
//!   not compliant"): a `PATCH /deviceManagement` that must write the whole `settings` block
//!   back as read, with only `secureByDefault` changed.
//!
//! Everything here is pure: the CLI writes the bodies, the waves crate orders the steps, and
//! `apply` runs them only when asked.

use crate::graph::tenant::{
    DeviceManagementSettings, DeviceManagementSettingsPatch, LocalizedNotificationMessage,
    NotificationMessageTemplate,
};
use crate::graph::{ComplianceActionItem, GraphType, ScheduledActionForRule};
use crate::naming::file_safe;
use crate::options::{AndroidTarget, MappingOptions};
use crate::record::{Api, TargetPlatform};
use bms2intune_analysis::{OsFloors, Version};
use bms2intune_model::{BmsExport, Guid, PolicyKind};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::borrow::Cow;

/// Hours between "noncompliant" and the `block` action of every baseline compliance policy
/// ([our rule]: three days to update an OS or fix a setting after the e-mail, over a weekend;
/// `intune-behavior.md` §7 allows any grace period up to 8760 hours).
pub const BASELINE_GRACE_HOURS: i32 = 72;

/// Folder of the baseline bodies inside the plan folder.
pub const BASELINE_DIR: &str = "baseline";

/// The locale of the notification message.
const LOCALE: &str = "en-us";

/// Who a baseline object is assigned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    /// Every user a BMS policy reaches: the target groups of every mappable policy, minus the
    /// tenant `ExclusionList`.
    EveryBmsUser,
    /// Users of Allow ("device configuration") policies: their target groups, minus the
    /// `ExclusionList`.
    AllowPolicyUsers,
    /// Not assigned: a tenant-wide object or setting.
    Tenant,
}

/// What kind of request a baseline object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BaselineKind {
    /// `POST /deviceManagement/deviceCompliancePolicies`.
    CompliancePolicy,
    /// `POST /deviceManagement/notificationMessageTemplates`.
    NotificationTemplate,
    /// `POST /deviceManagement/notificationMessageTemplates/{id}/localizedNotificationMessages`.
    NotificationMessage,
    /// `PATCH /deviceManagement` with the whole `settings` block (read, change, write back).
    TenantSettings,
}

impl BaselineKind {
    /// The folder under `baseline/<api>/`.
    pub fn collection(self) -> &'static str {
        match self {
            BaselineKind::CompliancePolicy => "deviceCompliancePolicies",
            BaselineKind::NotificationTemplate => "notificationMessageTemplates",
            BaselineKind::NotificationMessage => "localizedNotificationMessages",
            BaselineKind::TenantSettings => "deviceManagement",
        }
    }

    /// `POST`, or `PATCH` for the tenant settings.
    pub fn method(self) -> &'static str {
        match self {
            BaselineKind::TenantSettings => "PATCH",
            _ => "POST",
        }
    }

    /// The Graph path after `https://graph.microsoft.com/<api>`; `{templateId}` is the ID the
    /// template's create request returned.
    pub fn endpoint(self) -> &'static str {
        match self {
            BaselineKind::CompliancePolicy => "/deviceManagement/deviceCompliancePolicies",
            BaselineKind::NotificationTemplate => "/deviceManagement/notificationMessageTemplates",
            BaselineKind::NotificationMessage => {
                "/deviceManagement/notificationMessageTemplates/{templateId}/localizedNotificationMessages"
            }
            BaselineKind::TenantSettings => "/deviceManagement",
        }
    }
}

/// Which floor of [`OsFloors`] a minimum-OS row uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floor {
    Windows,
    /// The lower of the iOS and iPadOS floors: one policy type covers both.
    IosAndIpados,
    Android,
}

/// The value a row sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowValue {
    True,
    OsFloor(Floor),
}

/// Whether Graph v1.0 can carry a row's property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Availability {
    /// Written to the v1.0 body.
    V1,
    /// Only in Graph beta or the settings catalog: listed, not written.
    BetaOrSettingsCatalog,
}

/// One baseline object: a Graph type for one platform and one audience.
#[derive(Debug, Clone, Copy)]
pub struct ObjectDef {
    /// Stable id, e.g. `windows-health`.
    pub id: &'static str,
    pub display_name: &'static str,
    pub graph_type: GraphType,
    pub platform: TargetPlatform,
    pub scope: Scope,
    /// Why the object exists, in one sentence.
    pub why: &'static str,
}

/// One property of a baseline object.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// Unique: `<object id>/<property>`.
    pub id: &'static str,
    pub object: &'static str,
    pub property: &'static str,
    pub value: RowValue,
    pub availability: Availability,
    pub why: &'static str,
    pub source: &'static str,
}

/// The baseline compliance objects, in output order.
pub const OBJECTS: &[ObjectDef] = &[
    ObjectDef {
        id: "windows-health",
        display_name: "Baseline - Windows health and minimum OS",
        graph_type: GraphType::Windows10CompliancePolicy,
        platform: TargetPlatform::Windows,
        scope: Scope::EveryBmsUser,
        why: "BMS checked only passwords on Windows; Intune can require a supported Windows and a healthy boot chain.",
    },
    ObjectDef {
        id: "ios-minimum-os",
        display_name: "Baseline - iOS minimum OS",
        graph_type: GraphType::IosCompliancePolicy,
        platform: TargetPlatform::Ios,
        scope: Scope::EveryBmsUser,
        why: "Devices below Intune's supported iOS/iPadOS get no guarantee that Intune features work.",
    },
    ObjectDef {
        id: "android-admin-minimum-os",
        display_name: "Baseline - Android device administrator minimum OS",
        graph_type: GraphType::AndroidCompliancePolicy,
        platform: TargetPlatform::AndroidDeviceAdmin,
        scope: Scope::EveryBmsUser,
        why: "Android below 10 is unsupported for every user-based enrolment.",
    },
    ObjectDef {
        id: "android-work-profile-integrity",
        display_name: "Baseline - Android work profile integrity",
        graph_type: GraphType::AndroidWorkProfileCompliancePolicy,
        platform: TargetPlatform::AndroidWorkProfile,
        scope: Scope::EveryBmsUser,
        why: "A work profile is only as safe as the device under it: Play Integrity and root detection tell Intune the \
              OS is genuine.",
    },
    ObjectDef {
        id: "ios-jailbreak-allow",
        display_name: "Baseline - iOS jailbreak detection (Allow policies)",
        graph_type: GraphType::IosCompliancePolicy,
        platform: TargetPlatform::Ios,
        scope: Scope::AllowPolicyUsers,
        why: "BMS Allow policies could not block jailbroken devices (AllowJailbroken exists only on Block rules).",
    },
    ObjectDef {
        id: "android-admin-root-allow",
        display_name: "Baseline - Android root detection (Allow policies)",
        graph_type: GraphType::AndroidCompliancePolicy,
        platform: TargetPlatform::AndroidDeviceAdmin,
        scope: Scope::AllowPolicyUsers,
        why: "BMS Allow policies could not block rooted devices (AllowJailbroken exists only on Block rules).",
    },
];

const FLOOR_SOURCE: &str =
    "intune-behavior.md §1.1 (learn.microsoft.com/intune/fundamentals/ref-supported-platforms); \
                            the floor is the assessment config's osFloors";

/// The baseline's properties, object by object.
pub const ROWS: &[Row] = &[
    Row {
        id: "windows-health/osMinimumVersion",
        object: "windows-health",
        property: "osMinimumVersion",
        value: RowValue::OsFloor(Floor::Windows),
        availability: Availability::V1,
        why: "Intune supports Windows 10/11 desktop only; Windows 10 is \"allowed\" since its end of support (14 October \
              2025).",
        source: FLOOR_SOURCE,
    },
    Row {
        id: "windows-health/bitLockerEnabled",
        object: "windows-health",
        property: "bitLockerEnabled",
        value: RowValue::True,
        availability: Availability::V1,
        why: "BMS never required encryption on Windows; BitLocker protects the data on a lost device. Reported by Device \
              Health Attestation after a restart.",
        source: "intune-graph-target.md §1.6 (windows10CompliancePolicy, Device Health Attestation)",
    },
    Row {
        id: "windows-health/secureBootEnabled",
        object: "windows-health",
        property: "secureBootEnabled",
        value: RowValue::True,
        availability: Availability::V1,
        why: "Secure Boot keeps unsigned boot loaders and rootkits from starting before Windows.",
        source: "intune-graph-target.md §1.6 (windows10CompliancePolicy, Device Health Attestation)",
    },
    Row {
        id: "windows-health/codeIntegrityEnabled",
        object: "windows-health",
        property: "codeIntegrityEnabled",
        value: RowValue::True,
        availability: Availability::V1,
        why: "Code integrity refuses unsigned or altered drivers and system files.",
        source: "intune-graph-target.md §1.6 (windows10CompliancePolicy, Device Health Attestation)",
    },
    Row {
        id: "windows-health/activeFirewallRequired",
        object: "windows-health",
        property: "activeFirewallRequired",
        value: RowValue::True,
        availability: Availability::BetaOrSettingsCatalog,
        why: "BMS's FirewallStatus had no Intune target in v1.0: require the firewall with a beta compliance policy or \
              the settings catalog (Endpoint security > Firewall).",
        source: "mapping.md §7 (FirewallStatus); v1.0 windows10CompliancePolicy has no firewall property (graph-v1.0.csdl)",
    },
    Row {
        id: "windows-health/antivirusRequired",
        object: "windows-health",
        property: "antivirusRequired",
        value: RowValue::True,
        availability: Availability::BetaOrSettingsCatalog,
        why: "BMS's AntiVirusStatus had no Intune target in v1.0: require antivirus with a beta compliance policy or \
              the settings catalog (Endpoint security > Antivirus).",
        source: "mapping.md §7 (AntiVirusStatus); v1.0 windows10CompliancePolicy has no antivirus property (graph-v1.0.csdl)",
    },
    Row {
        id: "ios-minimum-os/osMinimumVersion",
        object: "ios-minimum-os",
        property: "osMinimumVersion",
        value: RowValue::OsFloor(Floor::IosAndIpados),
        availability: Availability::V1,
        why: "Intune supports the three newest major iOS/iPadOS versions; older ones are only \"allowed\".",
        source: FLOOR_SOURCE,
    },
    Row {
        id: "android-admin-minimum-os/osMinimumVersion",
        object: "android-admin-minimum-os",
        property: "osMinimumVersion",
        value: RowValue::OsFloor(Floor::Android),
        availability: Availability::V1,
        why: "Every user-based Android enrolment needs Android 10 or later.",
        source: FLOOR_SOURCE,
    },
    Row {
        id: "android-work-profile-integrity/osMinimumVersion",
        object: "android-work-profile-integrity",
        property: "osMinimumVersion",
        value: RowValue::OsFloor(Floor::Android),
        availability: Availability::V1,
        why: "Every user-based Android enrolment needs Android 10 or later.",
        source: FLOOR_SOURCE,
    },
    Row {
        id: "android-work-profile-integrity/securityRequireSafetyNetAttestationBasicIntegrity",
        object: "android-work-profile-integrity",
        property: "securityRequireSafetyNetAttestationBasicIntegrity",
        value: RowValue::True,
        availability: Availability::V1,
        why: "Play Integrity basic integrity: the device is not rooted or emulated and its system is not tampered with.",
        source: "intune-graph-target.md §1.4 (androidWorkProfileCompliancePolicy, Play Integrity)",
    },
    Row {
        id: "android-work-profile-integrity/securityRequireSafetyNetAttestationCertifiedDevice",
        object: "android-work-profile-integrity",
        property: "securityRequireSafetyNetAttestationCertifiedDevice",
        value: RowValue::True,
        availability: Availability::V1,
        why: "Play Integrity device integrity: a Google-certified device build.",
        source: "intune-graph-target.md §1.4 (androidWorkProfileCompliancePolicy, Play Integrity)",
    },
    Row {
        id: "android-work-profile-integrity/securityRequireGooglePlayServices",
        object: "android-work-profile-integrity",
        property: "securityRequireGooglePlayServices",
        value: RowValue::True,
        availability: Availability::V1,
        why: "Play Integrity needs Google Play services; without them the verdict cannot be read.",
        source: "intune-graph-target.md §1.4 (androidWorkProfileCompliancePolicy)",
    },
    Row {
        id: "android-work-profile-integrity/securityRequireUpToDateSecurityProviders",
        object: "android-work-profile-integrity",
        property: "securityRequireUpToDateSecurityProviders",
        value: RowValue::True,
        availability: Availability::V1,
        why: "An up-to-date security provider protects the work apps' TLS connections.",
        source: "intune-graph-target.md §1.4 (androidWorkProfileCompliancePolicy)",
    },
    Row {
        id: "android-work-profile-integrity/securityBlockJailbrokenDevices",
        object: "android-work-profile-integrity",
        property: "securityBlockJailbrokenDevices",
        value: RowValue::True,
        availability: Availability::V1,
        why: "Rooted devices are noncompliant, whatever the user's BMS policy allowed.",
        source: "intune-graph-target.md §1.4 (androidWorkProfileCompliancePolicy)",
    },
    Row {
        id: "ios-jailbreak-allow/securityBlockJailbrokenDevices",
        object: "ios-jailbreak-allow",
        property: "securityBlockJailbrokenDevices",
        value: RowValue::True,
        availability: Availability::V1,
        why: "BMS set AllowJailbroken only on Block rules; Allow-policy users' jailbroken devices were never stopped.",
        source: "mapping.md §1 (AllowJailbroken, Block policies only); bms-source.md §3.1",
    },
    Row {
        id: "android-admin-root-allow/securityBlockJailbrokenDevices",
        object: "android-admin-root-allow",
        property: "securityBlockJailbrokenDevices",
        value: RowValue::True,
        availability: Availability::V1,
        why: "BMS set AllowJailbroken only on Block rules; Allow-policy users' rooted devices were never stopped.",
        source: "mapping.md §1 (AllowJailbroken, Block policies only); bms-source.md §3.1",
    },
];

/// One property of a baseline object, as `plan.json` shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineSetting {
    /// The row id (`<object>/<property>`).
    pub rule: Cow<'static, str>,
    pub property: Cow<'static, str>,
    pub value: Value,
    pub availability: Availability,
    pub why: Cow<'static, str>,
    pub source: Cow<'static, str>,
}

/// The notification action added to a baseline compliance policy once the template exists:
/// `POST {endpoint}` with [`NotificationAction::request_body`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationAction {
    /// The template's body file: its create request returns the `notificationTemplateId`.
    pub template_file: String,
    /// `/deviceManagement/deviceCompliancePolicies/{id}/scheduleActionsForRules`.
    pub endpoint: Cow<'static, str>,
    /// The e-mail goes out this many hours after the device is found noncompliant (0 = at once).
    pub notify_after_hours: i32,
    /// The device is marked noncompliant (the `block` action) after this many hours.
    pub block_after_hours: i32,
}

impl NotificationAction {
    /// The action's body: the policy's whole rule (it replaces the scheduled actions), with the
    /// `block` action kept and the `notification` action added.
    pub fn request_body(&self, template_id: &str) -> Value {
        let mut rules = ScheduledActionForRule::block(self.block_after_hours);
        let notify: ComplianceActionItem =
            ScheduledActionForRule::notification(self.notify_after_hours, template_id);
        rules[0].scheduled_action_configurations.push(notify);
        json!({ "deviceComplianceScheduledActionForRules": rules })
    }
}

/// One baseline object to create (or, for the tenant settings, to change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineObject {
    /// Stable id: the [`ObjectDef`] id, `notification-template`, `notification-message` or
    /// `tenant-settings`.
    pub id: Cow<'static, str>,
    pub kind: BaselineKind,
    pub api: Api,
    pub collection: Cow<'static, str>,
    pub method: Cow<'static, str>,
    pub endpoint: Cow<'static, str>,
    pub odata_type: Cow<'static, str>,
    pub display_name: String,
    /// Relative to the plan folder: `baseline/<api>/<collection>/<name>.json`.
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<TargetPlatform>,
    pub scope: Scope,
    pub include_groups: Vec<Guid>,
    pub exclude_groups: Vec<Guid>,
    /// Why the object exists.
    pub why: String,
    pub settings: Vec<BaselineSetting>,
    /// Files of baseline objects that must exist first (the message needs its template).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requires: Vec<String>,
    /// Compliance policies: the e-mail before "noncompliant".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<NotificationAction>,
    /// Tenant settings: the block to read first and write back whole, and what changes in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_modify_write: Option<ReadModifyWrite>,
    pub notes: Vec<String>,
    /// Exactly the request body (serialized from the typed Graph structs).
    #[serde(skip)]
    pub body: Value,
}

/// How to change part of a Graph singleton without losing the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadModifyWrite {
    /// `GET` this first (after `https://graph.microsoft.com/<api>`).
    pub read: Cow<'static, str>,
    /// The member of the response that is written back whole.
    pub block: Cow<'static, str>,
    /// The only members the tool changes, with their new values.
    pub set: Vec<(String, Value)>,
}

/// The whole baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Baseline {
    /// In order: the notification template and its message, the compliance policies, the
    /// tenant settings.
    pub objects: Vec<BaselineObject>,
    /// Recommended settings Graph v1.0 cannot carry (beta or settings catalog only).
    pub not_written: Vec<BaselineSetting>,
    /// The floors used, with their date and source.
    pub floors: FloorsUsed,
    pub notes: Vec<String>,
}

/// The OS floors the baseline used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FloorsUsed {
    pub windows: String,
    pub ios: String,
    pub android: String,
    pub reviewed: String,
    pub source: String,
}

fn floor_version(floors: &OsFloors, floor: Floor) -> Version {
    match floor {
        Floor::Windows => floors.windows,
        Floor::IosAndIpados => floors.ios.min(floors.ipados),
        Floor::Android => floors.android,
    }
}

fn row_value(row: &Row, floors: &OsFloors) -> Value {
    match row.value {
        RowValue::True => Value::Bool(true),
        RowValue::OsFloor(f) => Value::String(floor_version(floors, f).to_string()),
    }
}

fn platform_enabled(platform: TargetPlatform, android: AndroidTarget) -> bool {
    match platform {
        TargetPlatform::AndroidDeviceAdmin => android.device_admin(),
        TargetPlatform::AndroidWorkProfile => android.work_profile(),
        _ => true,
    }
}

fn sorted_unique(mut groups: Vec<Guid>) -> Vec<Guid> {
    groups.sort();
    groups.dedup();
    groups
}

fn file_of(kind: BaselineKind, name: &str) -> String {
    format!(
        "{BASELINE_DIR}/{}/{}/{}.json",
        Api::V1.as_str(),
        kind.collection(),
        file_safe(name)
    )
}

/// The groups each [`Scope`] is assigned to: (include, exclude).
fn scope_groups(bms: &BmsExport, scope: Scope) -> (Vec<Guid>, Vec<Guid>) {
    let exclude = sorted_unique(bms.tenant.exclusion_groups().collect());
    let include = match scope {
        Scope::Tenant => return (Vec::new(), Vec::new()),
        Scope::EveryBmsUser => bms
            .mappable_policies()
            .filter_map(|p| p.rule.as_ref())
            .flat_map(|r| r.real_target_groups())
            .collect(),
        Scope::AllowPolicyUsers => bms
            .mappable_policies()
            .filter(|p| p.kind == PolicyKind::Allow)
            .filter_map(|p| p.rule.as_ref())
            .flat_map(|r| r.real_target_groups())
            .collect(),
    };
    let include = sorted_unique(include);
    // An excluded group that is also included: Intune lets the exclusion win, as BMS did.
    (include, exclude)
}

/// Builds the baseline for a BMS export. `floors` are the assessment config's dated OS floors;
/// `options.android` decides which Android objects exist, as for parity.
pub fn recommend(bms: &BmsExport, floors: &OsFloors, options: &MappingOptions) -> Baseline {
    let template_name = "Baseline - Noncompliance notice";
    let template_file = file_of(BaselineKind::NotificationTemplate, template_name);
    let grace_days = BASELINE_GRACE_HOURS / 24;
    let mut objects = vec![notification_template(template_name, &template_file)];
    objects.push(notification_message(
        template_name,
        &template_file,
        grace_days,
    ));

    let mut not_written = Vec::new();
    let mut notes = Vec::new();
    for def in OBJECTS {
        if !platform_enabled(def.platform, options.android) {
            continue;
        }
        let (include, exclude) = scope_groups(bms, def.scope);
        if include.is_empty() {
            notes.push(format!(
                "\"{}\" is left out: {}.",
                def.display_name,
                match def.scope {
                    Scope::AllowPolicyUsers => "no Allow policy targets a group",
                    _ => "no BMS policy targets a group",
                }
            ));
            continue;
        }
        let mut settings = Vec::new();
        for row in ROWS.iter().filter(|r| r.object == def.id) {
            let setting = BaselineSetting {
                rule: row.id.into(),
                property: row.property.into(),
                value: row_value(row, floors),
                availability: row.availability,
                why: row.why.into(),
                source: row.source.into(),
            };
            match row.availability {
                Availability::V1 => settings.push(setting),
                Availability::BetaOrSettingsCatalog => not_written.push(setting),
            }
        }
        objects.push(compliance_object(
            def,
            settings,
            include,
            exclude,
            &template_file,
        ));
    }
    objects.push(tenant_settings());

    if floors.ios != floors.ipados {
        notes.push(format!(
            "The iOS and iPadOS floors differ ({} and {}): one iosCompliancePolicy covers both, so the lower one is used.",
            floors.ios, floors.ipados
        ));
    }
    notes.push(format!(
        "Every baseline compliance policy e-mails the user as soon as a device is noncompliant and marks it noncompliant \
         {BASELINE_GRACE_HOURS} hours ({grace_days} days) later; the parity objects keep --grace-hours."
    ));
    Baseline {
        objects,
        not_written,
        floors: FloorsUsed {
            windows: floors.windows.to_string(),
            ios: floor_version(floors, Floor::IosAndIpados).to_string(),
            android: floors.android.to_string(),
            reviewed: floors.reviewed.to_string(),
            source: floors.source.clone(),
        },
        notes,
    }
}

fn compliance_object(
    def: &ObjectDef,
    settings: Vec<BaselineSetting>,
    include: Vec<Guid>,
    exclude: Vec<Guid>,
    template_file: &str,
) -> BaselineObject {
    let mut properties = Map::new();
    properties.insert("@odata.type".into(), def.graph_type.odata_type().into());
    properties.insert("displayName".into(), def.display_name.into());
    properties.insert("description".into(), def.why.into());
    for s in &settings {
        properties.insert(s.property.to_string(), s.value.clone());
    }
    properties.insert(
        "scheduledActionsForRule".into(),
        serde_json::to_value(ScheduledActionForRule::block(BASELINE_GRACE_HOURS))
            .unwrap_or(Value::Null),
    );
    // Every row is checked against its typed struct by the tests; a failure here is a bug in
    // the table, shown in the body rather than a panic.
    let body = def
        .graph_type
        .body(properties)
        .unwrap_or_else(|e| json!({ "error": e.to_string() }));
    let kind = BaselineKind::CompliancePolicy;
    let mut notes = vec![format!(
        "Marks devices noncompliant {BASELINE_GRACE_HOURS} hours after the e-mail of \"{}\" (added once the template \
         exists: POST …/{{id}}/scheduleActionsForRules).",
        "Baseline - Noncompliance notice"
    )];
    if def.scope == Scope::AllowPolicyUsers {
        notes.push(
            "Users in both an Allow and a Block policy get it too, although BMS applied only their first policy."
                .into(),
        );
    }
    BaselineObject {
        id: def.id.into(),
        kind,
        api: Api::V1,
        collection: kind.collection().into(),
        method: kind.method().into(),
        endpoint: kind.endpoint().into(),
        odata_type: def.graph_type.odata_type().into(),
        display_name: def.display_name.into(),
        file: file_of(kind, def.display_name),
        platform: Some(def.platform),
        scope: def.scope,
        include_groups: include,
        exclude_groups: exclude,
        why: def.why.into(),
        settings,
        requires: Vec::new(),
        notification: Some(NotificationAction {
            template_file: template_file.to_string(),
            endpoint: "/deviceManagement/deviceCompliancePolicies/{id}/scheduleActionsForRules"
                .into(),
            notify_after_hours: 0,
            block_after_hours: BASELINE_GRACE_HOURS,
        }),
        read_modify_write: None,
        notes,
        body,
    }
}

fn tenant_object(
    id: &'static str,
    kind: BaselineKind,
    odata_type: &'static str,
    display_name: &str,
    why: &str,
    body: Value,
) -> BaselineObject {
    BaselineObject {
        id: id.into(),
        kind,
        api: Api::V1,
        collection: kind.collection().into(),
        method: kind.method().into(),
        endpoint: kind.endpoint().into(),
        odata_type: odata_type.into(),
        display_name: display_name.to_string(),
        file: file_of(kind, display_name),
        platform: None,
        scope: Scope::Tenant,
        include_groups: Vec::new(),
        exclude_groups: Vec::new(),
        why: why.to_string(),
        settings: Vec::new(),
        requires: Vec::new(),
        notification: None,
        read_modify_write: None,
        notes: Vec::new(),
        body,
    }
}

fn notification_template(name: &str, file: &str) -> BaselineObject {
    let body = NotificationMessageTemplate {
        odata_type: NotificationMessageTemplate::ODATA_TYPE.into(),
        display_name: name.into(),
        default_locale: LOCALE.into(),
        branding_options: "includeCompanyLogo,includeCompanyName,includeContactInformation".into(),
    };
    let mut o = tenant_object(
        "notification-template",
        BaselineKind::NotificationTemplate,
        NotificationMessageTemplate::ODATA_TYPE,
        name,
        "A notification action needs a message template: its ID becomes each baseline policy's notificationTemplateId \
         (intune-behavior.md §7, actions for noncompliance).",
        serde_json::to_value(body).unwrap_or(Value::Null),
    );
    debug_assert_eq!(o.file, file);
    o.notes
        .push("Create it before the baseline compliance policies' notification actions.".into());
    o
}

fn notification_message(
    template_name: &str,
    template_file: &str,
    grace_days: i32,
) -> BaselineObject {
    let body = LocalizedNotificationMessage {
        odata_type: LocalizedNotificationMessage::ODATA_TYPE.into(),
        locale: LOCALE.into(),
        subject: "Your device needs attention to keep company access".into(),
        message_template: format!(
            "Your device no longer meets a security requirement of your organization, for example its operating \
             system version. Open the Company Portal app to see what to change. If it is not fixed within {grace_days} \
             days, the device can no longer open company email and files."
        ),
        is_default: true,
    };
    let mut o = tenant_object(
        "notification-message",
        BaselineKind::NotificationMessage,
        LocalizedNotificationMessage::ODATA_TYPE,
        &format!("{template_name} ({LOCALE})"),
        "The template's text, in its default locale.",
        serde_json::to_value(body).unwrap_or(Value::Null),
    );
    o.requires.push(template_file.to_string());
    o
}

fn tenant_settings() -> BaselineObject {
    let settings = DeviceManagementSettings {
        secure_by_default: true,
        ..DeviceManagementSettings::default()
    };
    let body = DeviceManagementSettingsPatch {
        odata_type: DeviceManagementSettingsPatch::ODATA_TYPE.into(),
        settings,
    };
    let mut o = tenant_object(
        "tenant-settings",
        BaselineKind::TenantSettings,
        DeviceManagementSettingsPatch::ODATA_TYPE,
        "Baseline - Mark devices without a compliance policy as not compliant",
        "Intune's default marks a device that no compliance policy reaches as compliant; with Conditional Access \
         requiring a compliant device, Microsoft advises \"Not compliant\" (intune-behavior.md §7).",
        serde_json::to_value(body).unwrap_or(Value::Null),
    );
    o.settings.push(BaselineSetting {
        rule: "tenant-settings/secureByDefault".into(),
        property: "settings.secureByDefault".into(),
        value: Value::Bool(true),
        availability: Availability::V1,
        why: "Devices no compliance policy reaches (a platform nothing covers, a user outside every group) stop \
              counting as compliant."
            .into(),
        source: "intune-behavior.md §7 (Mark devices with no compliance policy assigned as); graph-v1.0.csdl \
                 deviceManagementSettings.secureByDefault"
            .into(),
    });
    o.read_modify_write = Some(ReadModifyWrite {
        read: "/deviceManagement?$select=settings".into(),
        block: "settings".into(),
        set: vec![("secureByDefault".into(), Value::Bool(true))],
    });
    o.notes.push(
        "Read the settings block first and send all of it back with only secureByDefault changed: the file holds \
         Intune's defaults for the other two members (30 days, scheduled actions on), which a tenant may have changed."
            .into(),
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use bms2intune_model::bms::{BmsPolicy, BmsRule, Mode, Source, TenantSettings};
    use bms2intune_model::RuleSettings;
    use std::collections::BTreeSet;

    fn guid(n: u128) -> Guid {
        Guid(n)
    }

    fn policy(name: &str, kind: PolicyKind, priority: i64, groups: &[u128]) -> BmsPolicy {
        let source = Source {
            file: "bms/test.json".into(),
            index: 0,
        };
        BmsPolicy {
            name: name.into(),
            kind,
            guid: None,
            comment: None,
            enabled: Some(true),
            mode: Mode::Enforce,
            priority: Some(priority),
            when_changed: None,
            rule: Some(BmsRule {
                name: name.into(),
                policy_guid: None,
                mode: Mode::Enforce,
                target_groups: groups.iter().map(|g| guid(*g)).collect(),
                settings: RuleSettings::default(),
                source: source.clone(),
            }),
            source,
        }
    }

    fn export(policies: Vec<BmsPolicy>, exclusion: &[u128]) -> BmsExport {
        BmsExport {
            policies,
            tenant: TenantSettings {
                exclusion_list: exclusion.iter().map(|g| guid(*g)).collect(),
                ..TenantSettings::default()
            },
            ..BmsExport::default()
        }
    }

    #[test]
    fn every_row_names_a_property_of_its_typed_body() {
        let ids: BTreeSet<&str> = ROWS.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), ROWS.len(), "row ids are unique");
        for row in ROWS {
            let def = OBJECTS.iter().find(|d| d.id == row.object).expect("object");
            assert_eq!(row.id, format!("{}/{}", row.object, row.property));
            let mut props = Map::new();
            props.insert("@odata.type".into(), def.graph_type.odata_type().into());
            props.insert("displayName".into(), "x".into());
            props.insert(row.property.into(), row_value(row, &OsFloors::default()));
            let typed = def.graph_type.body(props);
            match row.availability {
                Availability::V1 => assert!(typed.is_ok(), "{}: {:?}", row.id, typed),
                // Beta-only names must stay out of the v1.0 structs.
                Availability::BetaOrSettingsCatalog => assert!(typed.is_err(), "{}", row.id),
            }
            assert!(!row.why.is_empty() && !row.source.is_empty(), "{}", row.id);
        }
    }

    #[test]
    fn floors_come_from_the_config() {
        let bms = export(vec![policy("Sales", PolicyKind::Block, 1, &[1])], &[]);
        let floors = OsFloors {
            ios: Version::new(&[17, 0]),
            ipados: Version::new(&[16, 4]),
            android: Version::new(&[11]),
            ..OsFloors::default()
        };
        let b = recommend(&bms, &floors, &MappingOptions::default());
        let ios = b.objects.iter().find(|o| o.id == "ios-minimum-os").unwrap();
        assert_eq!(ios.body["osMinimumVersion"], json!("16.4"));
        let awp = b
            .objects
            .iter()
            .find(|o| o.id == "android-work-profile-integrity")
            .unwrap();
        assert_eq!(awp.body["osMinimumVersion"], json!("11"));
        assert!(b.notes.iter().any(|n| n.contains("lower one")));
    }

    #[test]
    fn jailbreak_objects_only_for_allow_policies() {
        let block_only = export(vec![policy("Sales", PolicyKind::Block, 1, &[1])], &[]);
        let b = recommend(
            &block_only,
            &OsFloors::default(),
            &MappingOptions::default(),
        );
        assert!(b.objects.iter().all(|o| o.scope != Scope::AllowPolicyUsers));
        assert!(b.notes.iter().any(|n| n.contains("no Allow policy")));

        let mixed = export(
            vec![
                policy("Sales", PolicyKind::Block, 1, &[1]),
                policy("Eng", PolicyKind::Allow, 2, &[2, 3]),
            ],
            &[9],
        );
        let b = recommend(&mixed, &OsFloors::default(), &MappingOptions::default());
        let jb = b
            .objects
            .iter()
            .find(|o| o.id == "ios-jailbreak-allow")
            .unwrap();
        assert_eq!(jb.include_groups, vec![guid(2), guid(3)]);
        assert_eq!(jb.exclude_groups, vec![guid(9)]);
        assert_eq!(jb.body["securityBlockJailbrokenDevices"], json!(true));
        let every = b.objects.iter().find(|o| o.id == "windows-health").unwrap();
        assert_eq!(every.include_groups, vec![guid(1), guid(2), guid(3)]);
    }

    #[test]
    fn android_objects_follow_the_android_option() {
        let bms = export(vec![policy("Eng", PolicyKind::Allow, 1, &[2])], &[]);
        let opts = MappingOptions {
            android: AndroidTarget::WorkProfile,
            ..MappingOptions::default()
        };
        let b = recommend(&bms, &OsFloors::default(), &opts);
        assert!(b
            .objects
            .iter()
            .all(|o| o.platform != Some(TargetPlatform::AndroidDeviceAdmin)));
        assert!(b
            .objects
            .iter()
            .any(|o| o.platform == Some(TargetPlatform::AndroidWorkProfile)));
    }

    #[test]
    fn compliance_bodies_have_one_block_after_the_grace_and_a_notification_plan() {
        let bms = export(vec![policy("Eng", PolicyKind::Allow, 1, &[2])], &[]);
        let b = recommend(&bms, &OsFloors::default(), &MappingOptions::default());
        let template = &b.objects[0];
        assert_eq!(template.kind, BaselineKind::NotificationTemplate);
        assert_eq!(b.objects[1].requires, vec![template.file.clone()]);
        for o in b
            .objects
            .iter()
            .filter(|o| o.kind == BaselineKind::CompliancePolicy)
        {
            let actions = &o.body["scheduledActionsForRule"][0]["scheduledActionConfigurations"];
            assert_eq!(actions.as_array().unwrap().len(), 1);
            assert_eq!(actions[0]["actionType"], json!("block"));
            assert_eq!(actions[0]["gracePeriodHours"], json!(BASELINE_GRACE_HOURS));
            let n = o.notification.as_ref().unwrap();
            assert_eq!(n.template_file, template.file);
            let req = n.request_body("tmpl-id");
            let items =
                &req["deviceComplianceScheduledActionForRules"][0]["scheduledActionConfigurations"];
            assert_eq!(items[0]["actionType"], json!("block"));
            assert_eq!(items[1]["actionType"], json!("notification"));
            assert_eq!(items[1]["notificationTemplateId"], json!("tmpl-id"));
            assert_eq!(items[1]["gracePeriodHours"], json!(0));
            assert!(o
                .file
                .starts_with("baseline/v1.0/deviceCompliancePolicies/"));
            assert!(o.body.get("error").is_none(), "{}", o.body);
        }
    }

    #[test]
    fn tenant_settings_write_the_whole_block_and_change_one_member() {
        let b = recommend(
            &export(Vec::new(), &[]),
            &OsFloors::default(),
            &MappingOptions::default(),
        );
        let t = b.objects.last().unwrap();
        assert_eq!(t.kind, BaselineKind::TenantSettings);
        assert_eq!(t.method, "PATCH");
        assert_eq!(
            t.body,
            json!({"@odata.type": "#microsoft.graph.deviceManagement", "settings": {
                "deviceComplianceCheckinThresholdDays": 30, "isScheduledActionEnabled": true, "secureByDefault": true}})
        );
        let rmw = t.read_modify_write.as_ref().unwrap();
        assert_eq!(rmw.block, "settings");
        assert_eq!(rmw.set, vec![("secureByDefault".to_string(), json!(true))]);
        // No policy targets anybody: no compliance objects, but template and settings remain.
        assert!(b
            .objects
            .iter()
            .all(|o| o.kind != BaselineKind::CompliancePolicy));
    }

    #[test]
    fn files_are_unique_and_under_the_baseline_folder() {
        let bms = export(
            vec![
                policy("Sales", PolicyKind::Block, 1, &[1]),
                policy("Eng", PolicyKind::Allow, 2, &[2]),
            ],
            &[],
        );
        let b = recommend(&bms, &OsFloors::default(), &MappingOptions::default());
        let files: BTreeSet<String> = b.objects.iter().map(|o| o.file.to_lowercase()).collect();
        assert_eq!(files.len(), b.objects.len());
        assert!(b
            .objects
            .iter()
            .all(|o| o.file.starts_with("baseline/v1.0/")));
        assert_eq!(b.not_written.len(), 2);
        assert!(b
            .not_written
            .iter()
            .all(|s| s.availability == Availability::BetaOrSettingsCatalog));
        // Beta-only properties never reach a v1.0 body.
        let windows = b.objects.iter().find(|o| o.id == "windows-health").unwrap();
        assert!(windows.body.get("activeFirewallRequired").is_none());
        assert_eq!(windows.body["bitLockerEnabled"], json!(true));
    }
}
