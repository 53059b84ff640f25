//! The modern Conditional Access policy body (`POST /identity/conditionalAccess/policies`,
//! Graph v1.0) that replaces a Block policy's classic "require compliant device" enforcement
//! (mapping.md §5, [our rule]): the `conditionalAccessPolicy` entity and the complex types it
//! needs, with the v1.0 enum members.

use super::graph_enum;
use serde::{Deserialize, Serialize};

/// Exchange Online's application ID.
pub const EXCHANGE_ONLINE: &str = "00000002-0000-0ff1-ce00-000000000000";
/// SharePoint Online's application ID.
pub const SHAREPOINT_ONLINE: &str = "00000003-0000-0ff1-ce00-000000000000";

/// `conditionalAccessPolicy`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConditionalAccessPolicy {
    #[serde(rename = "@odata.type")]
    pub odata_type: String,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub state: ConditionalAccessPolicyState,
    pub conditions: ConditionalAccessConditionSet,
    pub grant_controls: ConditionalAccessGrantControls,
}

impl ConditionalAccessPolicy {
    pub const ODATA_TYPE: &'static str = "#microsoft.graph.conditionalAccessPolicy";
}

graph_enum! {
    /// `conditionalAccessPolicyState`.
    ConditionalAccessPolicyState { Enabled, Disabled, EnabledForReportingButNotEnforced }
}

/// `conditionalAccessConditionSet` (the parts this tool sets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConditionalAccessConditionSet {
    pub users: ConditionalAccessUsers,
    pub applications: ConditionalAccessApplications,
    pub platforms: ConditionalAccessPlatforms,
    pub client_app_types: Vec<ConditionalAccessClientApp>,
}

/// `conditionalAccessUsers`. Empty lists are omitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConditionalAccessUsers {
    /// `["None"]` when the BMS policy targets nobody (Graph needs at least one include).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include_users: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_groups: Vec<String>,
}

/// `conditionalAccessApplications`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConditionalAccessApplications {
    pub include_applications: Vec<String>,
}

/// `conditionalAccessPlatforms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConditionalAccessPlatforms {
    pub include_platforms: Vec<ConditionalAccessDevicePlatform>,
}

graph_enum! {
    /// `conditionalAccessDevicePlatform`.
    ConditionalAccessDevicePlatform {
        Android,
        #[serde(rename = "iOS")]
        IOs,
        Windows, WindowsPhone,
        #[serde(rename = "macOS")]
        MacOs,
        Linux, All,
    }
}

graph_enum! {
    /// `conditionalAccessClientApp`.
    ConditionalAccessClientApp { All, Browser, MobileAppsAndDesktopClients, ExchangeActiveSync, EasSupported, Other }
}

/// `conditionalAccessGrantControls`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConditionalAccessGrantControls {
    pub operator: String,
    pub built_in_controls: Vec<ConditionalAccessGrantControl>,
}

graph_enum! {
    /// `conditionalAccessGrantControl`.
    ConditionalAccessGrantControl {
        Block, Mfa, CompliantDevice, DomainJoinedDevice, ApprovedApplication, CompliantApplication, PasswordChange,
    }
}
