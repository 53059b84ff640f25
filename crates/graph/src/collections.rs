//! What `collect` reads, in one table: each snapshot file of `docs/snapshot.md`'s `graph/`
//! part with its Graph request — API version, path, the exact `$select` (the properties the
//! snapshot reader uses, so responses stay small), `$expand`, `$top` — its layout on disk and
//! the application permission it needs. Change a `$select` here when the reader
//! (`crates/snapshot`) starts reading a new property.

/// How a collection is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One `<name>.json` holding `{"value": [...]}` (every page merged).
    File,
    /// A folder `<name>/` of pages as Graph sent them (`page-000001.json`, …).
    Pages,
}

/// One collection of the snapshot.
#[derive(Debug, Clone, Copy)]
pub struct Collection {
    /// File or folder name under `graph/`.
    pub name: &'static str,
    /// `v1.0` or `beta`.
    pub api: &'static str,
    pub path: &'static str,
    /// `$select` (empty: every property).
    pub select: &'static [&'static str],
    pub expand: Option<&'static str>,
    /// `$top` (directory lists allow up to 999; Conditional Access must never get one: the
    /// list then loses its `@odata.nextLink`).
    pub top: Option<u32>,
    pub layout: Layout,
    /// Needs an active Intune subscription (Intune's Graph endpoints answer only with one).
    pub intune: bool,
}

impl Collection {
    /// The request path with its query, relative to `/{api}`.
    pub fn relative_url(&self) -> String {
        let mut query: Vec<String> = Vec::new();
        if !self.select.is_empty() {
            query.push(format!("$select={}", self.select.join(",")));
        }
        if let Some(e) = self.expand {
            query.push(format!("$expand={e}"));
        }
        if let Some(t) = self.top {
            query.push(format!("$top={t}"));
        }
        if query.is_empty() {
            self.path.to_string()
        } else {
            format!("{}?{}", self.path, query.join("&"))
        }
    }
}

/// Directory page size (the maximum Graph allows).
pub const DIRECTORY_TOP: u32 = 999;

/// Every collection `collect` reads, in the order of `docs/snapshot.md`.
pub const COLLECTIONS: &[Collection] = &[
    Collection {
        name: "organization",
        api: "v1.0",
        path: "/organization",
        select: &["id", "displayName", "verifiedDomains"],
        expand: None,
        top: None,
        layout: Layout::File,
        intune: false,
    },
    Collection {
        name: "subscribedSkus",
        api: "v1.0",
        path: "/subscribedSkus",
        select: &[
            "skuId",
            "skuPartNumber",
            "capabilityStatus",
            "consumedUnits",
            "prepaidUnits",
            "servicePlans",
        ],
        expand: None,
        top: None,
        layout: Layout::File,
        intune: false,
    },
    Collection {
        name: "users",
        api: "v1.0",
        path: "/users",
        select: &[
            "id",
            "displayName",
            "userPrincipalName",
            "mail",
            "accountEnabled",
            "usageLocation",
            "assignedLicenses",
            "assignedPlans",
        ],
        expand: None,
        top: Some(DIRECTORY_TOP),
        layout: Layout::Pages,
        intune: false,
    },
    Collection {
        name: "groups",
        api: "v1.0",
        path: "/groups",
        select: &[
            "id",
            "displayName",
            "groupTypes",
            "securityEnabled",
            "mailEnabled",
            "membershipRule",
        ],
        expand: None,
        top: Some(DIRECTORY_TOP),
        layout: Layout::Pages,
        intune: false,
    },
    Collection {
        name: "devices",
        api: "v1.0",
        path: "/devices",
        select: &[
            "id",
            "deviceId",
            "displayName",
            "operatingSystem",
            "operatingSystemVersion",
            "trustType",
            "isManaged",
            "isCompliant",
            "mdmAppId",
        ],
        expand: None,
        top: Some(DIRECTORY_TOP),
        layout: Layout::Pages,
        intune: false,
    },
    Collection {
        name: "managedDevices",
        api: "v1.0",
        path: "/deviceManagement/managedDevices",
        select: &[
            "id",
            "deviceName",
            "userId",
            "userPrincipalName",
            "operatingSystem",
            "osVersion",
            "managementAgent",
            "deviceEnrollmentType",
            "managedDeviceOwnerType",
            "azureADDeviceId",
            "isSupervised",
            "manufacturer",
            "model",
            "complianceState",
            "lastSyncDateTime",
        ],
        expand: None,
        top: None,
        layout: Layout::Pages,
        intune: true,
    },
    // Intune policies are read whole (no `$select`): conflict analysis compares every
    // property, and apply's drift check the `version`.
    Collection {
        name: "deviceCompliancePolicies",
        api: "v1.0",
        path: "/deviceManagement/deviceCompliancePolicies",
        select: &[],
        expand: Some("assignments"),
        top: None,
        layout: Layout::File,
        intune: true,
    },
    Collection {
        name: "deviceConfigurations",
        api: "v1.0",
        path: "/deviceManagement/deviceConfigurations",
        select: &[],
        expand: Some("assignments"),
        top: None,
        layout: Layout::File,
        intune: true,
    },
    Collection {
        name: "configurationPolicies",
        api: "beta",
        path: "/deviceManagement/configurationPolicies",
        select: &[],
        expand: Some("settings,assignments"),
        top: None,
        layout: Layout::Pages,
        intune: true,
    },
    Collection {
        name: "conditionalAccessPolicies",
        api: "v1.0",
        path: "/identity/conditionalAccess/policies",
        select: &["id", "displayName", "state", "conditions", "grantControls"],
        expand: None,
        top: None,
        layout: Layout::File,
        intune: false,
    },
];

/// Looks a collection up by name.
pub fn collection(name: &str) -> &'static Collection {
    COLLECTIONS
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no collection {name} in COLLECTIONS"))
}

/// Configuration profiles that exist only in beta (email profiles) are missing from the v1.0
/// list; `collect` adds them from this beta list.
pub const BETA_CONFIGURATIONS: Collection = Collection {
    name: "deviceConfigurations",
    api: "beta",
    path: "/deviceManagement/deviceConfigurations",
    select: &[],
    expand: Some("assignments"),
    top: None,
    layout: Layout::File,
    intune: true,
};

/// `groupMembers/<groupId>.json`: a group's direct members (`@odata.type` comes with every
/// directory object).
pub fn group_members_url(group_id: &str) -> String {
    format!("/groups/{group_id}/members?$select=id&$top={DIRECTORY_TOP}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_select_expand_and_top_but_never_top_on_conditional_access() {
        assert_eq!(
            collection("groups").relative_url(),
            "/groups?$select=id,displayName,groupTypes,securityEnabled,mailEnabled,membershipRule&$top=999"
        );
        assert_eq!(
            collection("deviceCompliancePolicies").relative_url(),
            "/deviceManagement/deviceCompliancePolicies?$expand=assignments"
        );
        // Compliance policies and configuration profiles are read whole: `version` (which
        // apply's drift check compares) comes with every property.
        for name in ["deviceCompliancePolicies", "deviceConfigurations"] {
            let c = collection(name);
            assert!(
                c.select.is_empty() || c.select.contains(&"version"),
                "{name}"
            );
        }
        assert!(BETA_CONFIGURATIONS.select.is_empty());
        let ca = collection("conditionalAccessPolicies");
        assert!(ca.top.is_none() && !ca.relative_url().contains("$top"));
        assert_eq!(
            group_members_url("g1"),
            "/groups/g1/members?$select=id&$top=999"
        );
        let names: Vec<&str> = COLLECTIONS.iter().map(|c| c.name).collect();
        assert_eq!(names.len(), 10);
    }
}
