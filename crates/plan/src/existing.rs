//! `plan.json` → `existingIntune`: every Intune and Conditional Access policy that already
//! existed when the snapshot was taken, with the Graph endpoint it lives at and its `version`
//! then. The plan's conflicts and impact were computed against exactly these objects, so
//! `apply` re-reads each one and stops when it has changed (another `version`) or gone.
//! Objects imported from a backup without their tenant ID (`backup:<file>`) have no endpoint
//! and are left out. Entries are sorted by endpoint, then ID, for byte-stable output.

use bms2intune_mapping::Api;
use bms2intune_model::{IntuneCollection, IntunePolicy, IntuneState};
use serde::{Deserialize, Serialize};

/// Prefix of the IDs `snapshot import-backup` gives objects a backup stored without one.
pub const BACKUP_ID_PREFIX: &str = "backup:";

/// One existing policy the plan was made against.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExistingPolicy {
    pub id: String,
    pub display_name: String,
    /// The Graph version `endpoint` is read through.
    pub api: Api,
    /// The object's Graph path without the version, e.g.
    /// `/deviceManagement/deviceCompliancePolicies/{id}`.
    pub endpoint: String,
    /// Graph's `version` at snapshot time; `null` for settings-catalog and Conditional Access
    /// policies (Graph has none) and for exports that left it out.
    pub version: Option<i32>,
}

/// The `deviceConfiguration` subtypes Graph v1.0 has (from its CSDL); the others (email
/// profiles, …) exist only in beta, where `collect` reads them, and must be read there.
const V1_CONFIGURATION_TYPES: &[&str] = &[
    "androidCustomConfiguration",
    "androidGeneralDeviceConfiguration",
    "androidWorkProfileCustomConfiguration",
    "androidWorkProfileGeneralDeviceConfiguration",
    "appleDeviceFeaturesConfigurationBase",
    "editionUpgradeConfiguration",
    "iosCertificateProfile",
    "iosCustomConfiguration",
    "iosDeviceFeaturesConfiguration",
    "iosGeneralDeviceConfiguration",
    "iosUpdateConfiguration",
    "macOSCustomConfiguration",
    "macOSDeviceFeaturesConfiguration",
    "macOSGeneralDeviceConfiguration",
    "sharedPCConfiguration",
    "windows10CustomConfiguration",
    "windows10EndpointProtectionConfiguration",
    "windows10EnterpriseModernAppManagementConfiguration",
    "windows10GeneralConfiguration",
    "windows10SecureAssessmentConfiguration",
    "windows10TeamGeneralConfiguration",
    "windows81GeneralConfiguration",
    "windowsDefenderAdvancedThreatProtectionConfiguration",
    "windowsPhone81CustomConfiguration",
    "windowsPhone81GeneralConfiguration",
    "windowsUpdateForBusinessConfiguration",
];

/// The `deviceCompliancePolicy` subtypes Graph v1.0 has (from its CSDL).
const V1_COMPLIANCE_TYPES: &[&str] = &[
    "androidCompliancePolicy",
    "androidWorkProfileCompliancePolicy",
    "iosCompliancePolicy",
    "macOSCompliancePolicy",
    "windows10CompliancePolicy",
    "windows10MobileCompliancePolicy",
    "windows81CompliancePolicy",
    "windowsPhone81CompliancePolicy",
];

/// Which Graph version serves this policy: the settings catalog and subtypes v1.0 lacks are
/// beta-only.
fn api_of(policy: &IntunePolicy) -> Api {
    let v1_types = match policy.collection {
        IntuneCollection::ConfigurationPolicies => return Api::Beta,
        IntuneCollection::DeviceCompliancePolicies => V1_COMPLIANCE_TYPES,
        IntuneCollection::DeviceConfigurations => V1_CONFIGURATION_TYPES,
    };
    if v1_types.contains(&policy.odata_type.as_ref()) {
        Api::V1
    } else {
        Api::Beta
    }
}

/// The existing policies of `intune`, sorted by endpoint then ID, without backup-only IDs.
pub fn existing_policies(intune: &IntuneState) -> Vec<ExistingPolicy> {
    let intune_policies = intune.policies().map(|p| ExistingPolicy {
        id: p.id.to_string(),
        display_name: p.display_name.to_string(),
        api: api_of(p),
        endpoint: format!("/deviceManagement/{}/{}", p.collection.name(), p.id),
        version: p.version,
    });
    let conditional_access = intune.conditional_access.iter().map(|p| ExistingPolicy {
        id: p.id.to_string(),
        display_name: p.display_name.to_string(),
        api: Api::V1,
        endpoint: format!("/identity/conditionalAccess/policies/{}", p.id),
        version: None,
    });
    let mut list: Vec<ExistingPolicy> = intune_policies
        .chain(conditional_access)
        .filter(|p| !p.id.starts_with(BACKUP_ID_PREFIX))
        .collect();
    list.sort_by(|a, b| (&a.endpoint, &a.id).cmp(&(&b.endpoint, &b.id)));
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use bms2intune_model::{Assignments, ConditionalAccessPolicy};

    fn policy(
        collection: IntuneCollection,
        id: &str,
        odata_type: &str,
        version: Option<i32>,
    ) -> IntunePolicy {
        IntunePolicy {
            id: id.into(),
            collection,
            odata_type: odata_type.into(),
            display_name: format!("name of {id}").into(),
            version,
            assignments: Assignments::NotExported,
            properties: Default::default(),
            catalog_settings: Vec::new(),
        }
    }

    fn ca(id: &str) -> ConditionalAccessPolicy {
        ConditionalAccessPolicy {
            id: id.into(),
            display_name: "CA".into(),
            state: "enabled".into(),
            include_all_users: true,
            include_users: Vec::new(),
            exclude_users: Vec::new(),
            include_groups: Vec::new(),
            exclude_groups: Vec::new(),
            include_platforms: Vec::new(),
            exclude_platforms: Vec::new(),
            requires_compliant_device: true,
            requires_hybrid_join: false,
            requires_approved_app: false,
            operator: "OR".into(),
        }
    }

    #[test]
    fn every_policy_with_its_endpoint_api_and_version_sorted_without_backup_ids() {
        use IntuneCollection::*;
        let state = IntuneState {
            compliance_policies: vec![
                policy(
                    DeviceCompliancePolicies,
                    "c2",
                    "iosCompliancePolicy",
                    Some(4),
                ),
                policy(
                    DeviceCompliancePolicies,
                    "c1",
                    "aospDeviceOwnerCompliancePolicy",
                    None,
                ),
                policy(
                    DeviceCompliancePolicies,
                    "backup:Compliance/iOS.json",
                    "iosCompliancePolicy",
                    Some(1),
                ),
            ],
            configurations: vec![
                policy(
                    DeviceConfigurations,
                    "d1",
                    "iosEasEmailProfileConfiguration",
                    Some(2),
                ),
                policy(
                    DeviceConfigurations,
                    "d0",
                    "windows10GeneralConfiguration",
                    Some(9),
                ),
            ],
            configuration_policies: vec![policy(
                ConfigurationPolicies,
                "s1",
                "deviceManagementConfigurationPolicy",
                None,
            )],
            conditional_access: vec![ca("ca1"), ca("backup:Conditional Access/x.json")],
        };
        let got: Vec<(String, &str, Option<i32>)> = existing_policies(&state)
            .iter()
            .map(|p| (p.endpoint.clone(), p.api.as_str(), p.version))
            .collect();
        let want = [
            ("/deviceManagement/configurationPolicies/s1", "beta", None),
            (
                "/deviceManagement/deviceCompliancePolicies/c1",
                "beta",
                None,
            ),
            (
                "/deviceManagement/deviceCompliancePolicies/c2",
                "v1.0",
                Some(4),
            ),
            ("/deviceManagement/deviceConfigurations/d0", "v1.0", Some(9)),
            ("/deviceManagement/deviceConfigurations/d1", "beta", Some(2)),
            ("/identity/conditionalAccess/policies/ca1", "v1.0", None),
        ];
        let want: Vec<(String, &str, Option<i32>)> = want
            .iter()
            .map(|(e, a, v)| (e.to_string(), *a, *v))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn entries_serialize_with_the_documented_members() {
        let state = IntuneState {
            compliance_policies: vec![policy(
                IntuneCollection::DeviceCompliancePolicies,
                "c2",
                "iosCompliancePolicy",
                Some(4),
            )],
            ..IntuneState::default()
        };
        let json = serde_json::to_value(existing_policies(&state)).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{
                "id": "c2",
                "displayName": "name of c2",
                "api": "v1.0",
                "endpoint": "/deviceManagement/deviceCompliancePolicies/c2",
                "version": 4,
            }])
        );
        let back: Vec<ExistingPolicy> = serde_json::from_value(json).unwrap();
        assert_eq!(back, existing_policies(&state));
    }
}
