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
    /// The settings catalog (`/deviceManagement/configurationPolicies`, beta).
    ConfigurationPolicies,
}

impl IntuneCollection {
    pub fn name(self) -> &'static str {
        match self {
            IntuneCollection::DeviceCompliancePolicies => "deviceCompliancePolicies",
            IntuneCollection::DeviceConfigurations => "deviceConfigurations",
            IntuneCollection::ConfigurationPolicies => "configurationPolicies",
        }
    }
}

/// Who an assignment is for: one `deviceAndAppManagementAssignmentTarget` subtype.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum AssignmentTarget {
    /// `#microsoft.graph.groupAssignmentTarget`
    Group { group_id: Guid },
    /// `#microsoft.graph.exclusionGroupAssignmentTarget`
    ExclusionGroup { group_id: Guid },
    /// `#microsoft.graph.allLicensedUsersAssignmentTarget`
    AllLicensedUsers,
    /// `#microsoft.graph.allDevicesAssignmentTarget`
    AllDevices,
    /// `#microsoft.graph.configurationManagerCollectionAssignmentTarget`: a Configuration
    /// Manager collection (co-management), whose members the snapshot cannot know.
    ConfigurationManagerCollection { collection_id: Box<str> },
    /// Any other target: a subtype this version does not know, or a group target whose
    /// `groupId` is not a GUID. Kept and shown; who it reaches is unknown.
    Unevaluable {
        odata_type: Box<str>,
        detail: Box<str>,
    },
}

impl AssignmentTarget {
    /// Whether the tool can tell exactly who this target reaches (filters aside).
    pub fn is_evaluable(&self) -> bool {
        !matches!(
            self,
            AssignmentTarget::ConfigurationManagerCollection { .. }
                | AssignmentTarget::Unevaluable { .. }
        )
    }

    /// A short description for people, e.g. `Configuration Manager collection SMS00001`.
    pub fn describe(&self) -> String {
        self.describe_with(&|_| None)
    }

    /// [`Self::describe`], naming groups with `group_name` (their ID when it has none).
    pub fn describe_with(&self, group_name: &dyn Fn(Guid) -> Option<String>) -> String {
        let group =
            |id: Guid| group_name(id).map_or_else(|| id.to_string(), |n| format!("\"{n}\""));
        match self {
            AssignmentTarget::Group { group_id } => format!("group {}", group(*group_id)),
            AssignmentTarget::ExclusionGroup { group_id } => {
                format!("excluded group {}", group(*group_id))
            }
            AssignmentTarget::AllLicensedUsers => "all licensed users".to_string(),
            AssignmentTarget::AllDevices => "all devices".to_string(),
            AssignmentTarget::ConfigurationManagerCollection { collection_id } => {
                format!("Configuration Manager collection {collection_id}")
            }
            AssignmentTarget::Unevaluable { odata_type, detail } => {
                format!("{odata_type} ({detail})")
            }
        }
    }
}

/// Whether an assignment filter narrows or widens the target
/// (`deviceAndAppManagementAssignmentFilterType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FilterMode {
    /// Only the target's devices that match the filter rule.
    Include,
    /// The target's devices except those that match the filter rule.
    Exclude,
    /// A filter type this version does not know: the subset is unknown all the same.
    Other,
}

/// An assignment filter on a target (`deviceAndAppManagementAssignmentFilterId` / `…Type`;
/// written by Graph beta, and by backup tools that read beta). The filter's rule is not in
/// the snapshot, so a filtered assignment reaches an unknown subset of its target.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignmentFilter {
    pub id: Box<str>,
    pub mode: FilterMode,
}

/// One assignment of an Intune object: a target and, optionally, a filter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub target: AssignmentTarget,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<AssignmentFilter>,
}

impl Assignment {
    /// An assignment without a filter.
    pub fn to(target: AssignmentTarget) -> Assignment {
        Assignment {
            target,
            filter: None,
        }
    }
}

/// What is known of an object's assignments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "assignments", rename_all = "camelCase")]
pub enum Assignments {
    /// The export carried the object's assignments (possibly none: assigned to nobody).
    Exported(Vec<Assignment>),
    /// The export carried no `assignments` (no `$expand=assignments`, or a backup tool that
    /// writes objects without them): who it reaches is unknown.
    NotExported,
}

/// Why the tool cannot tell exactly who an object reaches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Unknown {
    /// The export carried no assignments.
    AssignmentsNotExported,
    /// A target whose members the snapshot cannot know (Configuration Manager collection,
    /// unknown subtype).
    UnevaluableTarget(String),
    /// An assignment filter (its rule is not evaluated).
    Filter(String),
}

impl Unknown {
    pub fn describe(&self) -> String {
        match self {
            Unknown::AssignmentsNotExported => "assignments not exported".to_string(),
            Unknown::UnevaluableTarget(t) => format!("target not evaluated: {t}"),
            Unknown::Filter(f) => format!("assignment filter not evaluated: {f}"),
        }
    }
}

/// One configured setting of a settings-catalog policy, flattened from its setting instance
/// tree: the definition ID and its value (a choice's option ID as a string, or a simple
/// setting's integer or string).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogSetting {
    pub definition_id: Box<str>,
    pub value: serde_json::Value,
}

/// An existing compliance policy, configuration profile or settings-catalog policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IntunePolicy {
    pub id: Box<str>,
    pub collection: IntuneCollection,
    /// `@odata.type` without the `#microsoft.graph.` prefix, e.g. `iosCompliancePolicy`
    /// (`deviceManagementConfigurationPolicy` for the settings catalog).
    pub odata_type: Box<str>,
    /// `displayName` (`name` for the settings catalog).
    pub display_name: Box<str>,
    /// Graph's `version` (`Edm.Int32`, raised by the service on every change) at snapshot
    /// time: compliance policies and configuration profiles carry it; settings-catalog
    /// policies have none, nor does an export that left it out (`None`). Apply compares it to
    /// the tenant's to notice objects changed since the plan was made. It also stays in
    /// `properties`, as Graph returned it.
    pub version: Option<i32>,
    pub assignments: Assignments,
    /// The object's properties as Graph returned them (without `assignments` and, for the
    /// settings catalog, without `settings`).
    pub properties: serde_json::Map<String, serde_json::Value>,
    /// Settings catalog only: every configured setting, in the export's order.
    pub catalog_settings: Vec<CatalogSetting>,
}

impl IntunePolicy {
    /// The exported assignments (none when they were not exported).
    pub fn assignment_list(&self) -> &[Assignment] {
        match &self.assignments {
            Assignments::Exported(list) => list,
            Assignments::NotExported => &[],
        }
    }

    /// Group IDs of the include targets (filtered or not).
    pub fn included_groups(&self) -> impl Iterator<Item = Guid> + '_ {
        self.assignment_list()
            .iter()
            .filter_map(|a| match a.target {
                AssignmentTarget::Group { group_id } => Some(group_id),
                _ => None,
            })
    }

    /// Group IDs of the exclusion targets.
    pub fn excluded_groups(&self) -> impl Iterator<Item = Guid> + '_ {
        self.assignment_list()
            .iter()
            .filter_map(|a| match a.target {
                AssignmentTarget::ExclusionGroup { group_id } => Some(group_id),
                _ => None,
            })
    }

    /// Whether some assignment targets all licensed users / all devices.
    pub fn targets_all_users(&self) -> bool {
        self.assignment_list()
            .iter()
            .any(|a| a.target == AssignmentTarget::AllLicensedUsers)
    }
    pub fn targets_all_devices(&self) -> bool {
        self.assignment_list()
            .iter()
            .any(|a| a.target == AssignmentTarget::AllDevices)
    }

    /// Why who this object reaches is not exactly known; empty when it is. Exclusion groups
    /// are exact (Intune evaluates them before filters), so only include targets count.
    pub fn unknowns(&self) -> Vec<Unknown> {
        self.unknowns_with(&|_| None)
    }

    /// [`Self::unknowns`], naming groups with `group_name`.
    pub fn unknowns_with(&self, group_name: &dyn Fn(Guid) -> Option<String>) -> Vec<Unknown> {
        let list = match &self.assignments {
            Assignments::NotExported => return vec![Unknown::AssignmentsNotExported],
            Assignments::Exported(list) => list,
        };
        let mut unknowns = Vec::new();
        for a in list {
            if !a.target.is_evaluable() {
                unknowns.push(Unknown::UnevaluableTarget(
                    a.target.describe_with(group_name),
                ));
            } else if let Some(filter) = &a.filter {
                if !matches!(a.target, AssignmentTarget::ExclusionGroup { .. }) {
                    let mode = match filter.mode {
                        FilterMode::Include => "include",
                        FilterMode::Exclude => "exclude",
                        FilterMode::Other => "unknown type",
                    };
                    unknowns.push(Unknown::Filter(format!(
                        "{mode} filter {} on {}",
                        filter.id,
                        a.target.describe_with(group_name)
                    )));
                }
            }
        }
        unknowns
    }

    /// Whether who this object reaches is exactly known.
    pub fn reach_known(&self) -> bool {
        self.unknowns().is_empty()
    }
}

/// An existing Conditional Access policy: the parts that decide whom it requires a managed
/// device or app of.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionalAccessPolicy {
    pub id: Box<str>,
    pub display_name: Box<str>,
    /// `enabled`, `disabled` or `enabledForReportingButNotEnforced`.
    pub state: Box<str>,
    /// `conditions.users.includeUsers` contains `All`.
    pub include_all_users: bool,
    pub include_users: Vec<Guid>,
    pub exclude_users: Vec<Guid>,
    pub include_groups: Vec<Guid>,
    pub exclude_groups: Vec<Guid>,
    /// `conditions.platforms.includePlatforms` (`all`, `iOS`, `android`, `windows`, …);
    /// empty when the policy has no platform condition (every platform).
    pub include_platforms: Vec<Box<str>>,
    pub exclude_platforms: Vec<Box<str>>,
    /// `grantControls.builtInControls` contains `compliantDevice`.
    pub requires_compliant_device: bool,
    /// … `domainJoinedDevice` (Microsoft Entra hybrid joined).
    pub requires_hybrid_join: bool,
    /// … `approvedApplication` or `compliantApplication`.
    pub requires_approved_app: bool,
    /// `grantControls.operator`: `AND` or `OR`.
    pub operator: Box<str>,
}

impl ConditionalAccessPolicy {
    /// Enforced (`enabled`).
    pub fn is_enabled(&self) -> bool {
        self.state.eq_ignore_ascii_case("enabled")
    }
    /// Report-only (`enabledForReportingButNotEnforced`).
    pub fn is_report_only(&self) -> bool {
        self.state
            .eq_ignore_ascii_case("enabledForReportingButNotEnforced")
    }
    /// Whether its grant asks for a compliant or hybrid-joined device or an approved app.
    pub fn requires_managed_device_or_app(&self) -> bool {
        self.requires_compliant_device || self.requires_hybrid_join || self.requires_approved_app
    }
}

/// Everything that already exists in Intune and Conditional Access.
#[derive(Debug, Clone, Default)]
pub struct IntuneState {
    pub compliance_policies: Vec<IntunePolicy>,
    pub configurations: Vec<IntunePolicy>,
    /// Settings-catalog policies (`configurationPolicies`).
    pub configuration_policies: Vec<IntunePolicy>,
    pub conditional_access: Vec<ConditionalAccessPolicy>,
}

impl IntuneState {
    /// Every existing Intune policy: compliance, configuration, then settings catalog, each in
    /// snapshot order.
    pub fn policies(&self) -> impl Iterator<Item = &IntunePolicy> {
        self.compliance_policies
            .iter()
            .chain(&self.configurations)
            .chain(&self.configuration_policies)
    }
}
