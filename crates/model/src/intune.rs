//! What already exists in Intune and Entra Conditional Access: compliance policies and
//! configuration profiles with their assignments, and CA policies.
//!
//! Existing objects are kept as the Graph JSON they were read as (their settings are Graph
//! properties, keyed by Graph's own names), plus the typed parts every stage needs:
//! type, name and assignment targets.

use crate::guid::Guid;
use serde::Serialize;

/// Which Intune collection an object lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum IntuneCollection {
    DeviceCompliancePolicies,
    DeviceConfigurations,
}

impl IntuneCollection {
    pub fn name(self) -> &'static str {
        match self {
            IntuneCollection::DeviceCompliancePolicies => "deviceCompliancePolicies",
            IntuneCollection::DeviceConfigurations => "deviceConfigurations",
        }
    }
}

/// An assignment target of an Intune object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "groupId", rename_all = "camelCase")]
pub enum AssignmentTarget {
    /// `#microsoft.graph.groupAssignmentTarget`
    Group(Guid),
    /// `#microsoft.graph.exclusionGroupAssignmentTarget`
    ExclusionGroup(Guid),
    /// `#microsoft.graph.allLicensedUsersAssignmentTarget`
    AllLicensedUsers,
    /// `#microsoft.graph.allDevicesAssignmentTarget`
    AllDevices,
}

/// An existing compliance policy or configuration profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntunePolicy {
    pub id: Box<str>,
    pub collection: IntuneCollection,
    /// `@odata.type` without the `#microsoft.graph.` prefix, e.g. `iosCompliancePolicy`.
    pub odata_type: Box<str>,
    pub display_name: Box<str>,
    pub assignments: Vec<AssignmentTarget>,
    /// The object's properties as Graph returned them (without `assignments`).
    pub properties: serde_json::Map<String, serde_json::Value>,
}

/// An existing Conditional Access policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionalAccessPolicy {
    pub id: Box<str>,
    pub display_name: Box<str>,
    pub state: Box<str>,
    pub include_groups: Vec<Guid>,
    pub exclude_groups: Vec<Guid>,
    pub requires_compliant_device: bool,
}

/// Everything that already exists in Intune and Conditional Access.
#[derive(Debug, Clone, Default)]
pub struct IntuneState {
    pub compliance_policies: Vec<IntunePolicy>,
    pub configurations: Vec<IntunePolicy>,
    pub conditional_access: Vec<ConditionalAccessPolicy>,
}
