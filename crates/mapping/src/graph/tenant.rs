//! Tenant-level Intune bodies the baseline ([`crate::baseline`]) writes besides compliance
//! policies, with the exact v1.0 names: the noncompliance e-mail template
//! (`notificationMessageTemplate`, `POST /deviceManagement/notificationMessageTemplates`), its
//! message (`localizedNotificationMessage`, `POST …/notificationMessageTemplates/{id}/
//! localizedNotificationMessages`), and the tenant compliance settings (`PATCH /deviceManagement`
//! with the whole `deviceManagementSettings` block). Server-set members (`id`,
//! `lastModifiedDateTime`) are never sent.

use serde::{Deserialize, Serialize};

/// `notificationMessageTemplate`: the e-mail a noncompliance `notification` action sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotificationMessageTemplate {
    #[serde(rename = "@odata.type")]
    pub odata_type: String,
    pub display_name: String,
    /// The locale of the default message, e.g. `en-us`.
    pub default_locale: String,
    /// `notificationTemplateBrandingOptions`, a flags enum: comma-separated member names.
    pub branding_options: String,
}

impl NotificationMessageTemplate {
    pub const ODATA_TYPE: &'static str = "#microsoft.graph.notificationMessageTemplate";
}

/// `localizedNotificationMessage`: one language of a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocalizedNotificationMessage {
    #[serde(rename = "@odata.type")]
    pub odata_type: String,
    pub locale: String,
    pub subject: String,
    /// The body; Intune fills `{{UserName}}`-style tokens only in the admin center, so the text
    /// stays plain.
    pub message_template: String,
    pub is_default: bool,
}

impl LocalizedNotificationMessage {
    pub const ODATA_TYPE: &'static str = "#microsoft.graph.localizedNotificationMessage";
}

/// The `PATCH /deviceManagement` body that writes the tenant compliance settings. The three
/// members are non-nullable in Graph: the body always carries all of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviceManagementSettingsPatch {
    #[serde(rename = "@odata.type")]
    pub odata_type: String,
    pub settings: DeviceManagementSettings,
}

impl DeviceManagementSettingsPatch {
    pub const ODATA_TYPE: &'static str = "#microsoft.graph.deviceManagement";
}

/// `deviceManagementSettings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviceManagementSettings {
    /// "Compliance status validity period (days)": Intune's default is 30 (range 1–120).
    pub device_compliance_checkin_threshold_days: i32,
    /// Scheduled noncompliance actions are evaluated (Intune's default: on).
    pub is_scheduled_action_enabled: bool,
    /// "Mark devices with no compliance policy assigned as": `true` = Not compliant.
    pub secure_by_default: bool,
}

impl Default for DeviceManagementSettings {
    /// Intune's defaults (`intune-behavior.md` §7): 30 days, actions on, no-policy = compliant.
    fn default() -> Self {
        DeviceManagementSettings {
            device_compliance_checkin_threshold_days: 30,
            is_scheduled_action_enabled: true,
            secure_by_default: false,
        }
    }
}
