//! Reader tests for the `graph/` part: pages and folders of pages, bare arrays, group member
//! files, joins between users, groups and devices, and errors with JSON paths.

use bms2intune_model::{
    Assignment, AssignmentTarget, Assignments, DevicePlatform, Guid, ManagementAgent, MdmAuthority,
    Part,
};
use bms2intune_snapshot::read_snapshot;
use std::path::Path;

const ALICE: &str = "a0000000-0000-4000-8000-000000000001";
const BOB: &str = "a0000000-0000-4000-8000-000000000002";
const SALES: &str = "b0000000-0000-4000-8000-000000000001";
const EMEA: &str = "b0000000-0000-4000-8000-000000000002";
const PHONES: &str = "b0000000-0000-4000-8000-000000000003";
const E3: &str = "05e9a617-0261-4cee-bb44-138d3ef5d965";
const INTUNE_A: &str = "c1ec4a95-1f05-45b3-a911-aa3fa01094f5";

fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn base(dir: &Path) {
    write(dir, "bms/DeviceConfigurationPolicy.json", "[]");
    write(
        dir,
        "graph/organization.json",
        r##"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#organization","value":[{"id":"0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0","displayName":"Contoso Ltd","verifiedDomains":[{"name":"contoso.com","isDefault":true}]}]}"##,
    );
    write(
        dir,
        "graph/subscribedSkus.json",
        &format!(
            r##"{{"value":[{{"skuId":"{E3}","skuPartNumber":"SPE_E3","capabilityStatus":"Enabled","consumedUnits":1,"prepaidUnits":{{"enabled":25,"suspended":0,"warning":0}},"servicePlans":[{{"servicePlanId":"{INTUNE_A}","servicePlanName":"INTUNE_A","provisioningStatus":"Success","appliesTo":"User"}}]}}]}}"##
        ),
    );
    write(
        dir,
        "graph/users/page-0001.json",
        &format!(
            r##"{{"value":[{{"id":"{ALICE}","userPrincipalName":"alice@contoso.com","displayName":"Alice","accountEnabled":true,"usageLocation":"DE","assignedLicenses":[{{"skuId":"{E3}","disabledPlans":[]}}],"assignedPlans":[{{"assignedDateTime":"2024-01-01T00:00:00Z","capabilityStatus":"Enabled","service":"SCO","servicePlanId":"{INTUNE_A}"}}]}}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/users?$skiptoken=X"}}"##
        ),
    );
    write(
        dir,
        "graph/users/page-0002.json",
        &format!(
            r##"[{{"id":"{BOB}","userPrincipalName":"bob@contoso.com","displayName":"Bob","assignedLicenses":[],"assignedPlans":null}}]"##
        ),
    );
    write(
        dir,
        "graph/groups.json",
        &format!(
            r##"{{"value":[{{"id":"{SALES}","displayName":"BMS - Sales","groupTypes":[],"securityEnabled":true,"mailEnabled":false}},{{"id":"{EMEA}","displayName":"Sales EMEA","groupTypes":["Unified"],"securityEnabled":false,"mailEnabled":true}},{{"id":"{PHONES}","displayName":"Kiosk phones","groupTypes":["DynamicMembership"],"securityEnabled":true,"membershipRule":"(device.deviceOSType -eq \"iOS\")"}}]}}"##
        ),
    );
    write(
        dir,
        &format!("graph/groupMembers/{SALES}.json"),
        &format!(
            r##"{{"value":[{{"@odata.type":"#microsoft.graph.user","id":"{ALICE}"}},{{"@odata.type":"#microsoft.graph.group","id":"{EMEA}"}}],"@odata.nextLink":"x"}}"##
        ),
    );
    write(
        dir,
        &format!("graph/groupMembers/{SALES}.2.json"),
        &format!(
            r##"{{"value":[{{"@odata.type":"#microsoft.graph.user","id":"{BOB}"}},{{"@odata.type":"#microsoft.graph.user","id":"a0000000-0000-4000-8000-0000000000ff"}},{{"@odata.type":"#microsoft.graph.servicePrincipal","id":"c0000000-0000-4000-8000-000000000001"}}]}}"##
        ),
    );
    write(
        dir,
        &format!("graph/groupMembers/{EMEA}.json"),
        &format!(r##"[{{"@odata.type":"#microsoft.graph.group","id":"{SALES}"}}]"##),
    );
    write(
        dir,
        &format!("graph/groupMembers/{PHONES}.json"),
        r##"{"value":[{"@odata.type":"#microsoft.graph.device","id":"d0000000-0000-4000-8000-000000000001"}]}"##,
    );
    write(
        dir,
        "graph/devices.json",
        r##"{"value":[{"id":"d0000000-0000-4000-8000-000000000001","deviceId":"e0000000-0000-4000-8000-000000000001","displayName":"Alice iPhone","operatingSystem":"iOS","operatingSystemVersion":"17.5.1","trustType":"Workplace","mdmAppId":"7add3ecd-5b01-452e-b4bf-cdaf9df1d097"}]}"##,
    );
    write(
        dir,
        "graph/managedDevices.json",
        &format!(
            r##"{{"value":[{{"id":"f0000000-0000-4000-8000-000000000001","deviceName":"Alice iPhone","userId":"{ALICE}","userPrincipalName":"alice@contoso.com","operatingSystem":"iOS","osVersion":"17.5.1","managementAgent":"microsoft365ManagedMdm","azureADDeviceId":"e0000000-0000-4000-8000-000000000001","isSupervised":false,"deviceEnrollmentType":"userEnrollment"}},{{"id":"f0000000-0000-4000-8000-000000000002","deviceName":"Kiosk","userId":"","userPrincipalName":"","operatingSystem":"Android","osVersion":"9","managementAgent":"mdm","azureADDeviceId":"00000000-0000-0000-0000-000000000000"}}]}}"##
        ),
    );
    write(
        dir,
        "graph/deviceCompliancePolicies.json",
        &format!(
            r##"{{"value":[{{"@odata.type":"#microsoft.graph.iosCompliancePolicy","id":"9a000000-0000-4000-8000-000000000001","displayName":"iOS Baseline","passcodeMinimumLength":6,"assignments":[{{"id":"x","target":{{"@odata.type":"#microsoft.graph.groupAssignmentTarget","groupId":"{SALES}"}}}},{{"id":"y","target":{{"@odata.type":"#microsoft.graph.exclusionGroupAssignmentTarget","groupId":"{EMEA}"}}}},{{"id":"z","target":{{"@odata.type":"#microsoft.graph.allLicensedUsersAssignmentTarget"}}}}]}}]}}"##
        ),
    );
    write(
        dir,
        "graph/conditionalAccessPolicies.json",
        &format!(
            r##"{{"value":[{{"id":"9b000000-0000-4000-8000-000000000001","displayName":"Require compliant","state":"enabled","conditions":{{"users":{{"includeUsers":["All"],"includeGroups":["{SALES}"],"excludeGroups":[]}}}},"grantControls":{{"operator":"OR","builtInControls":["compliantDevice"]}}}}]}}"##
        ),
    );
}

fn guid(text: &str) -> Guid {
    Guid::parse(text).unwrap()
}

#[test]
fn reads_and_joins_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    let tenant = read_snapshot(dir.path()).unwrap();
    let d = &tenant.directory;

    assert_eq!(
        d.organization.as_ref().unwrap().display_name.as_ref(),
        "Contoso Ltd"
    );
    assert_eq!(d.users().len(), 2, "two pages in users/");
    let alice = d.user(guid(ALICE)).unwrap();
    let user = &d.users()[alice.ix()];
    assert_eq!(user.licenses.len(), 1);
    assert!(user.plans[0].enabled);
    assert_eq!(d.plan_name(user.plans[0].plan), Some("INTUNE_A"));
    assert_eq!(d.skus()[d.sku(guid(E3)).unwrap().ix()].enabled_units, 25);

    let sales = &d.groups()[d.group(guid(SALES)).unwrap().ix()];
    assert_eq!(sales.member_users.len(), 2, "both member pages read");
    assert_eq!(sales.member_groups.len(), 1);
    assert_eq!(sales.unresolved_members, 1);
    let emea = &d.groups()[d.group(guid(EMEA)).unwrap().ix()];
    assert!(emea.unified);
    assert_eq!(
        emea.member_groups,
        [d.group(guid(SALES)).unwrap()],
        "the cycle is kept as data"
    );
    let phones = &d.groups()[d.group(guid(PHONES)).unwrap().ix()];
    assert!(phones.dynamic);
    assert_eq!(phones.member_devices.len(), 1);

    let entra = &d.entra_devices()[0];
    assert_eq!(entra.mdm, MdmAuthority::Office365);
    let phone = &d.managed_devices()[0];
    assert_eq!(phone.platform, DevicePlatform::Ios);
    assert_eq!(
        phone.management_agent,
        ManagementAgent::Microsoft365ManagedMdm
    );
    assert!(phone.is_bms_managed());
    assert_eq!(phone.user, Some(alice));
    assert!(phone.entra_device.is_some());
    let kiosk = &d.managed_devices()[1];
    assert_eq!(kiosk.user, None, "empty userId is userless");
    assert_eq!(kiosk.azure_ad_device_id, None, "all-zero ID means none");

    let policy = &tenant.intune.compliance_policies[0];
    assert_eq!(policy.odata_type.as_ref(), "iosCompliancePolicy");
    assert_eq!(
        policy.assignments,
        Assignments::Exported(vec![
            Assignment::to(AssignmentTarget::Group {
                group_id: guid(SALES)
            }),
            Assignment::to(AssignmentTarget::ExclusionGroup {
                group_id: guid(EMEA)
            }),
            Assignment::to(AssignmentTarget::AllLicensedUsers)
        ])
    );
    assert_eq!(policy.properties["passcodeMinimumLength"], 6);
    assert!(!policy.properties.contains_key("assignments"));
    let ca = &tenant.intune.conditional_access[0];
    assert!(ca.requires_compliant_device);
    assert_eq!(
        ca.include_groups,
        [guid(SALES)],
        "keywords like All are not groups"
    );

    for part in [
        Part::Organization,
        Part::Users,
        Part::GroupMembers,
        Part::ManagedDevices,
        Part::ConditionalAccessPolicies,
    ] {
        assert!(tenant.parts.contains(part), "{part:?}");
    }
    assert!(!tenant.parts.contains(Part::DeviceConfigurations));
}

fn error_after(relative: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    write(dir.path(), relative, text);
    read_snapshot(dir.path()).unwrap_err().to_string()
}

#[test]
fn graph_errors_name_file_and_path() {
    assert_eq!(
        error_after("graph/users/page-0002.json", r##"[{"id":"a0000000-0000-4000-8000-000000000009","assignedLicenses":[{"skuId":42}]}]"##),
        "graph/users/page-0002.json: [0].assignedLicenses[0].skuId: invalid type: integer `42`, expected a GUID string"
    );
    assert_eq!(
        error_after(
            "graph/users/page-0002.json",
            &format!(r##"[{{"id":"{ALICE}"}}]"##)
        ),
        format!("graph/users/page-0002.json: [0]: user {ALICE} is listed twice")
    );
    // Devices are indexed after their page is read; the error still names the item's path.
    let device = "c0000000-0000-4000-8000-000000000001";
    assert_eq!(
        error_after(
            "graph/devices.json",
            &format!(
                r##"{{"value":[{{"id":"{device}"}},{{"id":"c0000000-0000-4000-8000-000000000002"}},{{"id":"{device}"}}]}}"##
            )
        ),
        format!("graph/devices.json: value[2]: device {device} is listed twice")
    );
    let managed = "d0000000-0000-4000-8000-000000000001";
    assert_eq!(
        error_after(
            "graph/managedDevices.json",
            &format!(r##"[{{"id":"{managed}"}},{{"id":"{managed}"}}]"##)
        ),
        format!("graph/managedDevices.json: [1]: managed device {managed} is listed twice")
    );
    let err = error_after(
        "graph/groups.json",
        r##"{"value":[{"id":"b0000000-0000-4000-8000-000000000001","displayName":"##,
    );
    assert!(err.starts_with("graph/groups.json: line 1 column"), "{err}");
    assert!(err.ends_with("(the file is truncated)"), "{err}");
    assert_eq!(
        error_after("graph/groupMembers/sales.json", "[]"),
        "graph/groupMembers/sales.json: expected a file name <groupId>.json or <groupId>.<page>.json (e.g. 5bff73eb-0ba7-461b-b7c9-9b4c173cc266.2.json)"
    );
    assert_eq!(
        error_after(
            "graph/managedDevices.json",
            r##"{"value":[{"id":"f0000000-0000-4000-8000-000000000001","userId":"not-a-guid"}]}"##
        ),
        r##"graph/managedDevices.json: value[0].userId: expected a GUID, got "not-a-guid""##
    );
    assert_eq!(
        error_after(
            "graph/deviceConfigurations.json",
            r##"{"value":[{"@odata.type":"#microsoft.graph.iosGeneralDeviceConfiguration","id":"1","assignments":[{"target":"#microsoft.graph.groupAssignmentTarget"}]}]}"##
        ),
        "graph/deviceConfigurations.json: value[0]: assignments[0].target: expected an object"
    );
    let dir = tempfile::tempdir().unwrap();
    base(dir.path());
    write(dir.path(), "graph/users.json", "[]");
    assert!(read_snapshot(dir.path())
        .unwrap_err()
        .to_string()
        .contains("both users.json and the folder users/ exist"));
}

#[test]
fn bms_alone_is_enough() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bms/DeviceConfigurationPolicy.json", "[]");
    let tenant = read_snapshot(dir.path()).unwrap();
    assert_eq!(tenant.parts.present().count(), 0);
    assert!(tenant.notes.iter().any(|n| n.contains("no graph/ folder")));
}
