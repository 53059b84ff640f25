//! One test tenant per finding code: it raises the code with the exact count and subjects, and
//! a variant without the condition does not raise it.

use super::*;
use crate::config::AssessConfig;
use crate::testkit::{user_id, Dev, IntuneTarget, Policy, TenantBuilder};
use bms2intune_model::{BmsSetting, ManagementAgent, Part, SettingValue};

fn run(t: &mut TenantBuilder) -> Assessment<'static> {
    run_with(t, &AssessConfig::default())
}

/// Findings borrow from their tenant; a test tenant is small, so it lives for the test run.
fn run_with(t: &mut TenantBuilder, config: &AssessConfig) -> Assessment<'static> {
    assess(Box::leak(Box::new(t.build())), config)
}

/// `(kind, name)` of a finding's subjects.
fn names(a: &Assessment, code: Code) -> Vec<(SubjectKind, String)> {
    let f = a
        .finding(code)
        .unwrap_or_else(|| panic!("{code} not raised; got {:?}", a.codes()));
    f.subjects
        .iter()
        .map(|s| (s.kind, s.name.to_string()))
        .collect()
}

fn users(list: &[&str]) -> Vec<(SubjectKind, String)> {
    list.iter()
        .map(|n| (SubjectKind::User, format!("{n}@contoso.test")))
        .collect()
}

fn devices(list: &[&str]) -> Vec<(SubjectKind, String)> {
    list.iter()
        .map(|n| (SubjectKind::Device, n.to_string()))
        .collect()
}

fn policies(list: &[&str]) -> Vec<(SubjectKind, String)> {
    list.iter()
        .map(|n| (SubjectKind::Policy, n.to_string()))
        .collect()
}

fn count(a: &Assessment, code: Code) -> u64 {
    a.finding(code).map_or(0, |f| f.count)
}

fn raised(a: &Assessment, code: Code) -> bool {
    a.finding(code).is_some()
}

/// Four users in one targeted group: `a` holds Intune (SPE_E3), `b` and `c` hold only Office 365
/// E3 (BMS), `d` holds SPE_E3 with Intune disabled. SPE_E3 has `e3_seats` enabled, 2 consumed.
fn licence_tenant(e3_seats: i64) -> TenantBuilder {
    let mut t = TenantBuilder::new();
    let e3 = t.sku(
        "SPE_E3",
        &["INTUNE_A", "INTUNE_O365", "EXCHANGE_S_ENTERPRISE"],
        e3_seats,
        2,
    );
    let o365 = t.sku(
        "ENTERPRISEPACK",
        &["INTUNE_O365", "EXCHANGE_S_ENTERPRISE"],
        10,
        10,
    );
    let (a, b, c, d) = (t.user("a"), t.user("b"), t.user("c"), t.user("d"));
    t.license(a, e3, &[]);
    t.license(b, o365, &[]);
    t.license(c, o365, &[]);
    t.license(d, e3, &["INTUNE_A"]);
    let sales = t.group("Sales", &[a, b, c, d], &[]);
    t.policy(Policy::block("Sales policy").priority(1).targets(&[sales]));
    t
}

#[test]
fn license_shortfall() {
    let a = run(&mut licence_tenant(3));
    let f = a.finding(Code::LicenseShortfall).expect("raised");
    assert_eq!(f.severity, Severity::Blocker);
    assert_eq!(f.count, 1, "b and c need a seat, one is free");
    assert_eq!(names(&a, Code::LicenseShortfall), users(&["b", "c"]));
    assert!(f.detail.contains("SPE_E3 1 free of 3"), "{}", f.detail);
    assert!(
        f.detail.contains("needing a new Intune seat: 2"),
        "{}",
        f.detail
    );

    let a = run(&mut licence_tenant(4));
    assert!(
        !raised(&a, Code::LicenseShortfall),
        "two free seats for two users"
    );
}

#[test]
fn already_licensed_users_with_group_split() {
    let a = run(&mut licence_tenant(3));
    let f = a.finding(Code::AlreadyLicensedUsers).expect("raised");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.count, 1);
    assert_eq!(names(&a, Code::AlreadyLicensedUsers), users(&["a"]));
    let groups: Vec<(&str, Vec<&str>)> = f
        .proposed_groups
        .iter()
        .map(|g| {
            (
                g.key.as_str(),
                g.members.iter().map(|m| m.name.as_ref()).collect(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        vec![
            ("group1", vec!["a@contoso.test"]),
            (
                "group2",
                vec!["b@contoso.test", "c@contoso.test", "d@contoso.test"]
            )
        ]
    );

    let mut t = TenantBuilder::new();
    let o365 = t.sku("ENTERPRISEPACK", &["INTUNE_O365"], 10, 1);
    let b = t.user("b");
    t.license(b, o365, &[]);
    let g = t.group("Sales", &[b], &[]);
    t.policy(Policy::block("P").targets(&[g]));
    assert!(!raised(&run(&mut t), Code::AlreadyLicensedUsers));
}

fn replacement_tenant(full_cover: bool) -> TenantBuilder {
    let mut t = TenantBuilder::new();
    let e3 = t.sku("SPE_E3", &["INTUNE_A", "INTUNE_O365"], 10, 3);
    let o365 = t.sku("ENTERPRISEPACK", &["INTUNE_O365"], 10, 1);
    let (a, b, c, d) = (t.user("a"), t.user("b"), t.user("c"), t.user("d"));
    for u in [a, b, c] {
        t.license(u, e3, &[]);
    }
    t.license(d, o365, &[]);
    t.managed(Dev::ios("A-IPHONE", "18.2").user(a));
    t.managed(Dev::ios("B-IPHONE", "18.2").user(b));
    t.managed(Dev::android("C-PIXEL", "14").user(c));
    t.managed(Dev::ios("D-IPHONE", "18.2").user(d));
    let sales = t.group("Sales", &[a, b, c, d], &[]);
    let pilot = t.group("Pilot", &[b], &[]);
    let c_only = t.group("C only", &[c], &[]);
    t.policy(Policy::block("Sales policy").targets(&[sales]));
    t.intune_compliance(
        "iosCompliancePolicy",
        "Pilot iOS",
        &[IntuneTarget::Group(pilot)],
    );
    if full_cover {
        t.intune_configuration(
            "iosGeneralDeviceConfiguration",
            "iOS all",
            &[IntuneTarget::AllUsers],
        );
        t.intune_configuration(
            "androidGeneralDeviceConfiguration",
            "Android all",
            &[IntuneTarget::AllUsers],
        );
    } else {
        // Reaches every licensed user but c.
        t.intune_configuration(
            "androidGeneralDeviceConfiguration",
            "Android all but c",
            &[IntuneTarget::AllUsers, IntuneTarget::Exclude(c_only)],
        );
    }
    t
}

#[test]
fn licensed_without_replacement() {
    let a = run(&mut replacement_tenant(false));
    let f = a.finding(Code::LicensedWithoutReplacement).expect("raised");
    assert_eq!(f.severity, Severity::Blocker);
    assert_eq!(f.count, 2);
    assert_eq!(
        names(&a, Code::LicensedWithoutReplacement),
        users(&["a", "c"]),
        "b is covered; d is not licensed"
    );
    assert!(f.detail.contains("2 devices"), "{}", f.detail);

    assert!(!raised(
        &run(&mut replacement_tenant(true)),
        Code::LicensedWithoutReplacement
    ));
}

#[test]
fn licensed_without_replacement_assumes_no_intune_policies_when_not_exported() {
    let mut t = replacement_tenant(true);
    t.without(Part::DeviceCompliancePolicies)
        .without(Part::DeviceConfigurations);
    let mut tenant = t.build();
    tenant.intune = Default::default();
    let a = assess(&tenant, &AssessConfig::default());
    let f = a.finding(Code::LicensedWithoutReplacement).expect("raised");
    assert_eq!(f.count, 3);
    assert!(
        f.detail
            .contains("assumed that no Intune policy exists yet"),
        "{}",
        f.detail
    );
}

#[test]
fn unlicensed_targets() {
    let build = |licence_c: bool| {
        let mut t = TenantBuilder::new();
        let e3 = t.sku("SPE_E3", &["INTUNE_A", "INTUNE_O365"], 10, 1);
        let o365 = t.sku("ENTERPRISEPACK", &["INTUNE_O365"], 10, 2);
        let (a, b, c, off, vip) = (
            t.user("a"),
            t.user("b"),
            t.user("c"),
            t.user("off"),
            t.user("vip"),
        );
        t.license(a, e3, &[]);
        t.license(b, o365, &[]);
        if licence_c {
            t.license(c, o365, &[]);
        }
        t.disable(off);
        let g = t.group("All staff", &[a, b, c, off, vip], &[]);
        let excluded = t.group("VIP", &[vip], &[]);
        t.exclude(excluded);
        t.policy(Policy::allow("Baseline").targets(&[g]));
        t
    };
    let a = run(&mut build(false));
    assert_eq!(
        a.finding(Code::UnlicensedTargets)
            .map(|f| (f.severity, f.count)),
        Some((Severity::Warning, 1))
    );
    assert_eq!(
        names(&a, Code::UnlicensedTargets),
        users(&["c"]),
        "disabled and excluded users are not targets"
    );
    assert!(!raised(&run(&mut build(true)), Code::UnlicensedTargets));
}

fn os_tenant() -> TenantBuilder {
    let mut t = TenantBuilder::new();
    let u = t.user("u");
    t.managed(Dev::ios("IPHONE-17", "17.5.1").user(u));
    t.managed(Dev::ipados("IPAD-18", "18.1").user(u));
    t.managed(Dev::android("GALAXY-9", "9").user(u));
    t.managed(Dev::android("GALAXY-X", "").user(u));
    t.managed(Dev::windows("PC-WIN10", "10.0.19045.3803").user(u));
    t.managed(Dev::windows("PC-WIN11", "10.0.22631.4317").user(u));
    t.managed(Dev::windows("PC-WIN81", "6.3.9600").user(u));
    t.managed(Dev::macos("MAC-15", "15.1").user(u));
    t.managed(
        Dev::ios("INTUNE-IPHONE-16", "16.7")
            .user(u)
            .agent(ManagementAgent::Mdm),
    );
    t
}

#[test]
fn unsupported_os() {
    let a = run(&mut os_tenant());
    let f = a.finding(Code::UnsupportedOs).expect("raised");
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.count, 3);
    assert_eq!(
        names(&a, Code::UnsupportedOs),
        devices(&["GALAXY-9", "IPHONE-17", "PC-WIN10"])
    );
    assert!(f.detail.contains("iOS below 18.0: 1"), "{}", f.detail);
    assert!(
        f.detail
            .contains("Windows 10 (\"allowed\", no longer supported since 2025-10-14): 1"),
        "{}",
        f.detail
    );
    assert!(
        f.detail.contains("1 device had no readable OS version"),
        "{}",
        f.detail
    );

    let mut config = AssessConfig::parse(
        "asOf = \"2025-06-01\"\n[osFloors]\nios = \"17.0\"\nipados = \"17.0\"\nandroid = \"9.0\"\nmacos = \"14.0\"\n",
    )
    .unwrap();
    assert!(
        !raised(&run_with(&mut os_tenant(), &config), Code::UnsupportedOs),
        "older floors, before Windows 10 EOS"
    );
    config.as_of = crate::config::REFERENCE_DATE;
    assert_eq!(
        count(&run_with(&mut os_tenant(), &config), Code::UnsupportedOs),
        1,
        "Windows 10 only"
    );
}

#[test]
fn windows_not_migrated() {
    let mut t = TenantBuilder::new();
    let u = t.user("u");
    t.managed(Dev::windows("PC-81", "6.3.9600").user(u));
    t.managed(Dev::new("SURFACE-RT", "Windows RT", "6.3.9600").user(u));
    t.managed(Dev::new("LUMIA", "Windows Phone", "8.10.14219").user(u));
    t.managed(Dev::windows("PC-10", "10.0.19045").user(u));
    t.managed(
        Dev::windows("OLD-INTUNE", "6.3.9600")
            .user(u)
            .agent(ManagementAgent::Mdm),
    );
    let a = run(&mut t);
    let f = a.finding(Code::WindowsNotMigrated).expect("raised");
    assert_eq!((f.severity, f.count), (Severity::Warning, 3));
    assert_eq!(
        names(&a, Code::WindowsNotMigrated),
        devices(&["LUMIA", "PC-81", "SURFACE-RT"])
    );
    assert!(
        !raised(&a, Code::UnsupportedOs)
            || !names(&a, Code::UnsupportedOs)
                .iter()
                .any(|(_, n)| n == "PC-81")
    );

    let mut t = TenantBuilder::new();
    let u = t.user("u");
    t.managed(Dev::windows("PC-11", "10.0.26100").user(u));
    assert!(!raised(&run(&mut t), Code::WindowsNotMigrated));
}

#[test]
fn android_device_admin() {
    let build = |modern: bool| {
        let mut t = TenantBuilder::new();
        let u = t.user("u");
        let bms = Dev::android("BMS-GALAXY", "14").user(u);
        let intune_da = Dev::android("INTUNE-DA", "13")
            .user(u)
            .agent(ManagementAgent::Mdm);
        let huawei = Dev::android("HUAWEI-P40", "10")
            .user(u)
            .manufacturer("HUAWEI");
        let work_profile = Dev::android("WORK-PROFILE", "14")
            .user(u)
            .agent(ManagementAgent::GoogleCloudDevicePolicyController);
        for dev in [bms, intune_da, huawei] {
            t.managed(if modern {
                dev.agent(ManagementAgent::GoogleCloudDevicePolicyController)
            } else {
                dev
            });
        }
        t.managed(work_profile);
        t
    };
    let config = AssessConfig {
        non_gms_manufacturers: vec!["Huawei".into()],
        ..AssessConfig::default()
    };
    let a = run_with(&mut build(false), &config);
    let f = a.finding(Code::AndroidDeviceAdmin).expect("raised");
    assert_eq!((f.severity, f.count), (Severity::Warning, 2));
    assert_eq!(
        names(&a, Code::AndroidDeviceAdmin),
        devices(&["BMS-GALAXY", "INTUNE-DA"])
    );
    assert!(f.detail.contains("1 device without GMS"), "{}", f.detail);
    assert_eq!(
        count(&run(&mut build(false)), Code::AndroidDeviceAdmin),
        3,
        "GMS assumed without config"
    );
    assert!(!raised(
        &run_with(&mut build(true), &config),
        Code::AndroidDeviceAdmin
    ));
}

#[test]
fn no_user_affinity() {
    let build = |with_users: bool| {
        let mut t = TenantBuilder::new();
        let u = t.user("u");
        let kiosk = Dev::ios("KIOSK-IPAD", "18.0");
        let bulk = Dev::ios("BULK-IPAD", "18.0")
            .user(u)
            .enrollment("appleBulkWithoutUser");
        let e = t.entra_device("O365-MDM-PHONE");
        let by_entra = Dev::android("O365-MDM-PHONE", "14")
            .agent(ManagementAgent::Mdm)
            .entra(e);
        let intune = Dev::ios("INTUNE-IPAD", "18.0").agent(ManagementAgent::Mdm);
        let gone = Dev::ios("LEAVER-IPHONE", "18.0").upn("leaver@contoso.test");
        if with_users {
            for d in [kiosk, by_entra] {
                t.managed(d.user(u));
            }
        } else {
            t.managed(kiosk);
            t.managed(bulk);
            t.managed(by_entra);
        }
        t.managed(intune);
        t.managed(gone);
        t.managed(Dev::ios("OWNED", "18.0").user(u));
        t
    };
    let a = run(&mut build(false));
    let f = a.finding(Code::NoUserAffinity).expect("raised");
    assert_eq!((f.severity, f.count), (Severity::Warning, 3));
    assert_eq!(
        names(&a, Code::NoUserAffinity),
        devices(&["BULK-IPAD", "KIOSK-IPAD", "O365-MDM-PHONE"])
    );
    assert!(!raised(&run(&mut build(true)), Code::NoUserAffinity));
}

fn targeting_tenant() -> TenantBuilder {
    let mut t = TenantBuilder::new();
    let u = t.user("u");
    let real = t.group("Real", &[u], &[]);
    let empty = t.group("Empty", &[], &[]);
    let empty_parent = t.group("Empty parent", &[], &[]);
    t.nest(empty_parent, empty);
    t.policy(Policy::block("Nobody").target_ids(&[bms2intune_model::Guid::NIL]));
    t.policy(Policy::block("NoRule").without_rule());
    t.policy(Policy::block("EmptyOnly").targets(&[empty_parent]));
    t.policy(Policy::block("Ghost").target_ids(&[bms2intune_model::Guid::from_name("ghost")]));
    let team = t.unified_group("Team", &[u]);
    t.policy(Policy::block("M365 and empty").targets(&[team, empty]));
    t.policy(Policy::block("Mixed").targets(&[empty, real]));
    t.policy(Policy::block("Real").targets(&[real]));
    t.policy(
        Policy::block("Deleted nobody")
            .target_ids(&[bms2intune_model::Guid::NIL])
            .pending_deletion(),
    );
    t
}

#[test]
fn policy_not_targeted() {
    let a = run(&mut targeting_tenant());
    let f = a.finding(Code::PolicyNotTargeted).expect("raised");
    assert_eq!((f.severity, f.count), (Severity::Info, 5));
    assert_eq!(
        names(&a, Code::PolicyNotTargeted),
        policies(&["EmptyOnly", "Ghost", "M365 and empty", "NoRule", "Nobody"])
    );
    assert!(
        f.detail
            .contains("M365 and empty targets only Microsoft 365 groups and empty groups"),
        "{}",
        f.detail
    );
    assert!(
        f.detail
            .contains("Ghost targets only groups not in the directory"),
        "{}",
        f.detail
    );

    // Without the directory only the sentinel and missing rules are checked.
    let mut t = targeting_tenant();
    t.without(Part::Groups).without(Part::GroupMembers);
    let mut tenant = t.build();
    for g in 0..tenant.directory.groups().len() {
        tenant
            .directory
            .update_group(bms2intune_model::GroupIx(g as u32), |g| {
                g.members_known = false
            });
    }
    let a = assess(&tenant, &AssessConfig::default());
    assert_eq!(
        names(&a, Code::PolicyNotTargeted),
        policies(&["NoRule", "Nobody"])
    );
    assert!(a
        .finding(Code::PolicyNotTargeted)
        .unwrap()
        .detail
        .contains("Empty-group check skipped"));

    let mut t = TenantBuilder::new();
    let u = t.user("u");
    let real = t.group("Real", &[u], &[]);
    t.policy(Policy::block("Real").targets(&[real]));
    assert!(!raised(&run(&mut t), Code::PolicyNotTargeted));
}

#[test]
fn policy_pending_deletion() {
    let mut t = TenantBuilder::new();
    let g = t.group("G", &[], &[]);
    t.policy(Policy::block("Going").targets(&[g]).pending_deletion());
    t.policy(
        Policy::allow("Rule going")
            .targets(&[g])
            .rule_pending_deletion(),
    );
    t.policy(Policy::allow("Staying").targets(&[g]));
    let a = run(&mut t);
    let f = a.finding(Code::PolicyPendingDeletion).expect("raised");
    assert_eq!((f.severity, f.count), (Severity::Info, 2));
    assert_eq!(
        names(&a, Code::PolicyPendingDeletion),
        policies(&["Going", "Rule going"])
    );

    let mut t = TenantBuilder::new();
    t.policy(Policy::allow("Staying"));
    assert!(!raised(&run(&mut t), Code::PolicyPendingDeletion));
}

#[test]
fn duplicate_policies() {
    let build = |b_differs: bool| {
        let mut t = TenantBuilder::new();
        let strict = |p: Policy| {
            p.setting(BmsSetting::PasswordRequired, SettingValue::Bool(true))
                .setting(BmsSetting::PasswordMinimumLength, SettingValue::Int(6))
        };
        let (g1, g2) = (t.group("G1", &[], &[]), t.group("G2", &[], &[]));
        t.policy(strict(Policy::block("A")).targets(&[g1]));
        let b = strict(Policy::block("B")).targets(&[g2]);
        t.policy(if b_differs {
            b.setting(BmsSetting::AllowSimplePassword, SettingValue::Bool(false))
        } else {
            b
        });
        t.policy(strict(Policy::allow("C allow")).targets(&[g1]));
        t.policy(strict(Policy::block("E deleted")).pending_deletion());
        t.policy(
            Policy::block("D").setting(BmsSetting::PasswordRequired, SettingValue::Bool(false)),
        );
        t
    };
    let a = run(&mut build(false));
    let f = a.finding(Code::DuplicatePolicies).expect("raised");
    assert_eq!((f.severity, f.count), (Severity::Info, 2));
    assert_eq!(names(&a, Code::DuplicatePolicies), policies(&["A", "B"]));
    assert!(f.detail.contains("A = B"), "{}", f.detail);
    assert!(!raised(&run(&mut build(true)), Code::DuplicatePolicies));
}

#[test]
fn overlapping_bms_policies() {
    let build = |disjoint: bool| {
        let mut t = TenantBuilder::new();
        let (a, b, c, d) = (t.user("a"), t.user("b"), t.user("c"), t.user("d"));
        let (m1, m2) = if disjoint {
            (vec![a], vec![b])
        } else {
            (vec![a, c, d], vec![a, b, c, d])
        };
        let g1 = t.group("G1", &m1, &[]);
        let g2 = t.group("G2", &m2, &[]);
        let g3 = t.group("G3", &[c], &[]);
        let vip = t.group("VIP", &[d], &[]);
        t.exclude(vip);
        t.policy(Policy::block("P1").priority(1).targets(&[g1]));
        t.policy(Policy::allow("P2").priority(2).targets(&[g2]));
        t.policy(Policy::allow("P3").priority(3).targets(&[g3]));
        t
    };
    let a = run(&mut build(false));
    let f = a.finding(Code::OverlappingBmsPolicies).expect("raised");
    assert_eq!((f.severity, f.count), (Severity::Warning, 2));
    assert_eq!(names(&a, Code::OverlappingBmsPolicies), users(&["a", "c"]));
    assert!(
        f.detail.contains("1 in P1 + P2 (BMS applies P1)"),
        "{}",
        f.detail
    );
    assert!(f.detail.contains("1 in P1 + P2 + P3"), "{}", f.detail);
    assert!(!raised(
        &run(&mut build(true)),
        Code::OverlappingBmsPolicies
    ));
}

#[test]
fn unknown_target_group() {
    let build = |clean: bool| {
        let mut t = TenantBuilder::new();
        let u = t.user("someone");
        let known = t.group("Known", &[u], &[]);
        let m365 = t.unified_group("Team site", &[u]);
        let ghost = bms2intune_model::Guid::from_name("ghost");
        let mut p = Policy::block("P").targets(&[known]);
        if !clean {
            p = p.target_ids(&[ghost, user_id("someone")]).targets(&[m365]);
            t.exclude_id(bms2intune_model::Guid::from_name("ghost-exclusion"));
        }
        t.exclude_id(bms2intune_model::Guid::NIL);
        t.policy(p);
        t.policy(
            Policy::block("Deleted")
                .target_ids(&[bms2intune_model::Guid::from_name("old")])
                .pending_deletion(),
        );
        t
    };
    let a = run(&mut build(false));
    let f = a.finding(Code::UnknownTargetGroup).expect("raised");
    assert_eq!((f.severity, f.count), (Severity::Warning, 4));
    let got = names(&a, Code::UnknownTargetGroup);
    let expected: Vec<(SubjectKind, String)> = vec![
        (SubjectKind::Group, "(a user, not a group)".into()),
        (SubjectKind::Group, "(not in directory)".into()),
        (SubjectKind::Group, "(not in directory)".into()),
        (SubjectKind::Group, "Team site".into()),
    ];
    assert_eq!(got, expected);
    assert!(f.detail.contains("ExclusionList"), "{}", f.detail);
    assert!(!raised(&run(&mut build(true)), Code::UnknownTargetGroup));
}

#[test]
fn education_sku() {
    let build = |edu: bool| {
        let mut t = TenantBuilder::new();
        t.sku("SPE_E3", &["INTUNE_A"], 10, 0);
        t.sku("M365EDU_A1", &["EXCHANGE_S_STANDARD", "INTUNE_O365"], 10, 0);
        if edu {
            t.sku("EMS_EDU_FACULTY", &["INTUNE_A"], 10, 0);
            t.sku("INTUNE_EDU", &["INTUNE_EDU"], 10, 0);
            t.sku("M365EDU_A3_FACULTY", &["INTUNE_A", "INTUNE_EDU"], 10, 0);
        }
        t
    };
    let a = run(&mut build(true));
    let f = a.finding(Code::EducationSku).expect("raised");
    assert_eq!((f.severity, f.count), (Severity::Warning, 3));
    let sku = |n: &str| (SubjectKind::Sku, n.to_string());
    assert_eq!(
        names(&a, Code::EducationSku),
        vec![
            sku("EMS_EDU_FACULTY"),
            sku("INTUNE_EDU"),
            sku("M365EDU_A3_FACULTY")
        ],
        "the last one by its INTUNE_EDU plan"
    );
    let config = AssessConfig {
        education_skus: vec!["M365EDU_A1".into()],
        ..AssessConfig::default()
    };
    assert_eq!(
        count(&run_with(&mut build(true), &config), Code::EducationSku),
        4
    );
    assert!(!raised(&run(&mut build(false)), Code::EducationSku));
}

#[test]
fn mam_only_license() {
    let build = |trim_m: bool| {
        let mut t = TenantBuilder::new();
        let e3 = t.sku(
            "SPE_E3",
            &[
                "INTUNE_A",
                "INTUNE_O365",
                "AAD_PREMIUM",
                "EXCHANGE_S_ENTERPRISE",
            ],
            10,
            4,
        );
        let spb = t.sku("SPB", &["INTUNE_SMBIZ", "EXCHANGE_S_STANDARD"], 10, 1);
        let (m, full, both, outside) = (
            t.user("m"),
            t.user("full"),
            t.user("both"),
            t.user("outside"),
        );
        t.license(
            m,
            e3,
            if trim_m {
                &["EXCHANGE_S_ENTERPRISE"]
            } else {
                &[]
            },
        );
        t.license(full, e3, &[]);
        t.license(both, e3, &["EXCHANGE_S_ENTERPRISE"]);
        t.license(both, spb, &[]);
        t.license(outside, e3, &["EXCHANGE_S_ENTERPRISE"]);
        let g = t.group("Staff", &[m, full, both], &[]);
        t.policy(Policy::block("P").targets(&[g]));
        t
    };
    let a = run(&mut build(true));
    let f = a.finding(Code::MamOnlyLicense).expect("raised");
    assert_eq!((f.severity, f.count), (Severity::Warning, 1));
    assert_eq!(names(&a, Code::MamOnlyLicense), users(&["m"]));
    assert!(!raised(&run(&mut build(false)), Code::MamOnlyLicense));
    let listed = AssessConfig {
        app_protection_only_skus: vec!["SPE_E3".into()],
        ..AssessConfig::default()
    };
    assert_eq!(
        names(&run_with(&mut build(false), &listed), Code::MamOnlyLicense),
        users(&["full", "m"])
    );
}

#[test]
fn email_profile_reauth() {
    let build = |mail: bool| {
        let mut t = TenantBuilder::new();
        let (a, b, c, d) = (t.user("a"), t.user("b"), t.user("c"), t.user("d"));
        let g0 = t.group("G0", &[d], &[]);
        let g1 = t.group("G1", &[a, b, d], &[]);
        let g2 = t.group("G2", &[b, c], &[]);
        t.policy(Policy::allow("Legacy").priority(0).targets(&[g0]));
        t.policy(
            Policy::block("Mail")
                .priority(1)
                .targets(&[g1])
                .setting(BmsSetting::RequireEmailProfile, SettingValue::Bool(mail)),
        );
        t.policy(
            Policy::block("No mail")
                .priority(2)
                .targets(&[g2])
                .setting(BmsSetting::RequireEmailProfile, SettingValue::Bool(false)),
        );
        t.managed(Dev::ios("A-IPHONE", "18.1").user(a));
        t.managed(Dev::android("A-PHONE", "14").user(a));
        t.managed(Dev::ios("C-IPHONE", "18.1").user(c));
        t
    };
    let a = run(&mut build(true));
    let f = a.finding(Code::EmailProfileReauth).expect("raised");
    assert_eq!((f.severity, f.count), (Severity::Info, 2));
    assert_eq!(
        names(&a, Code::EmailProfileReauth),
        users(&["a", "b"]),
        "d's effective policy is Legacy"
    );
    assert!(
        f.detail.contains("2 devices managed by BMS (1 iOS/iPadOS"),
        "{}",
        f.detail
    );
    assert!(!raised(&run(&mut build(false)), Code::EmailProfileReauth));
}

#[test]
fn missing_graph_data_is_reported_once_per_code() {
    let mut t = targeting_tenant();
    for part in Part::ALL {
        t.without(part);
    }
    let mut tenant = t.build();
    tenant.directory = Default::default();
    let a = assess(&tenant, &AssessConfig::default());
    let skipped: Vec<&str> = a
        .findings
        .iter()
        .filter(|f| f.code == Code::NotAssessed)
        .filter_map(|f| f.assessed_code.map(|c| c.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            "license-shortfall",
            "already-licensed-users",
            "licensed-without-replacement",
            "unlicensed-targets",
            "unsupported-os",
            "windows-not-migrated",
            "android-device-admin",
            "no-user-affinity",
            "overlapping-bms-policies",
            "unknown-target-group",
            "education-sku",
            "mam-only-license",
            "email-profile-reauth",
            "existing-ca-requires-compliance",
            "stale-devices",
        ]
    );
    let shortfall = a
        .findings
        .iter()
        .find(|f| f.assessed_code == Some(Code::LicenseShortfall))
        .unwrap();
    assert_eq!(
        shortfall.missing,
        vec![
            "graph/users.json",
            "graph/groups.json",
            "graph/groupMembers/",
            "graph/subscribedSkus.json"
        ]
    );
    assert_eq!(
        (
            shortfall.severity,
            shortfall.count,
            shortfall.subjects.len()
        ),
        (Severity::Info, 0, 0)
    );
    // bms/-only checks still run.
    assert!(raised(&a, Code::PolicyNotTargeted));
    assert!(raised(&a, Code::PolicyPendingDeletion));
}

#[test]
fn output_is_sorted_and_deterministic() {
    let build = || {
        let mut t = licence_tenant(1);
        let u = t.user("z");
        t.managed(Dev::ios("Z-OLD", "15.0").user(u));
        t.without(Part::SubscribedSkus);
        t
    };
    let a = run(&mut build());
    let b = run(&mut build());
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    let keys: Vec<(Severity, Code)> = a.findings.iter().map(|f| (f.severity, f.code)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    for f in &a.findings {
        let mut s = f.subjects.clone();
        s.sort();
        assert_eq!(s, f.subjects, "{}", f.code);
    }
    let json = serde_json::to_value(&a).unwrap();
    let first = &json["findings"][0];
    for key in [
        "code",
        "severity",
        "title",
        "detail",
        "count",
        "subjects",
        "remediation",
    ] {
        assert!(first.get(key).is_some(), "{key} in {first}");
    }
    assert_eq!(json["asOf"], "2026-05-13");
}

#[test]
fn table_is_aligned_with_a_total_line() {
    let a = run(&mut licence_tenant(3));
    let table = crate::render_table(&a);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("SEVERITY  CODE"), "{table}");
    assert!(
        lines[1].starts_with("blocker   license-shortfall"),
        "{table}"
    );
    let title_col = lines[0].find("TITLE").unwrap();
    for line in &lines[1..lines.len() - 1] {
        assert_eq!(
            line.char_indices().nth(title_col - 1).map(|(_, c)| c),
            Some(' '),
            "{table}"
        );
    }
    assert_eq!(
        *lines.last().unwrap(),
        format!(
            "{} findings: 1 blocker, 1 warning, 0 info (as of 2026-05-13)",
            a.findings.len()
        )
    );
}

#[test]
fn hostile_indexes_do_not_panic() {
    let mut t = licence_tenant(3);
    let u = t.user("x");
    t.managed(Dev::ios("X", "18").user(u));
    let mut tenant = t.build();
    let dir = &mut tenant.directory;
    use bms2intune_model::{EntraDeviceIx, GroupIx, ManagedDeviceIx, UserIx};
    dir.update_group(GroupIx(0), |g| {
        g.member_users.push(UserIx(9_999));
        g.member_groups.push(GroupIx(9_999));
        g.member_devices.push(EntraDeviceIx(9_999));
    });
    dir.update_managed_device(ManagedDeviceIx(0), |d| {
        d.user = Some(UserIx(9_999));
        d.entra_device = Some(EntraDeviceIx(9_999));
    });
    dir.update_user(UserIx(0), |u| {
        let mut licenses = u.licenses.to_vec();
        licenses.push(bms2intune_model::directory::AssignedLicense {
            sku: bms2intune_model::SkuIx(9_999),
            disabled_plans: Box::new([bms2intune_model::PlanIx(9_999)]),
        });
        u.licenses = licenses.into();
    });
    let a = assess(&tenant, &AssessConfig::default());
    assert!(!a.findings.is_empty());
    let _ = crate::render_table(&a);
}
