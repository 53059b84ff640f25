//! The generator's contract: deterministic bytes, a snapshot the reader accepts, and the
//! scenario it promises (every platform, licence mix, nesting, policy quirk).

use bms2intune_model::{
    DevicePlatform, ManagementAgent, MdmAuthority, Mode, Part, PolicyKind, Tenant,
};
use bms2intune_synth::{generate, synthesize, OptionsError, SynthOptions};
use std::collections::BTreeMap;

fn files(options: &SynthOptions) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    generate(
        options,
        |path: &str, bytes: &[u8]| -> Result<(), OptionsError> {
            assert!(
                out.insert(path.to_string(), bytes.to_vec()).is_none(),
                "{path} twice"
            );
            Ok(())
        },
    )
    .unwrap();
    out
}

fn read(options: &SynthOptions) -> Tenant {
    let dir = tempfile::tempdir().unwrap();
    let summary = synthesize(options, dir.path()).unwrap();
    let tenant = bms2intune_snapshot::read_snapshot(dir.path()).unwrap();
    assert_eq!(tenant.directory.users().len() as u64, summary.users);
    assert_eq!(tenant.directory.groups().len() as u64, summary.groups);
    assert_eq!(
        tenant.directory.entra_devices().len() as u64,
        summary.entra_devices
    );
    assert_eq!(
        tenant.directory.managed_devices().len() as u64,
        summary.managed_devices
    );
    tenant
}

#[test]
fn same_options_same_bytes_other_seed_other_bytes() {
    let options = SynthOptions {
        seed: 7,
        ..SynthOptions::with_users(1_200)
    };
    let a = files(&options);
    let b = files(&options);
    assert_eq!(a, b);
    let c = files(&SynthOptions {
        seed: 8,
        ..options.clone()
    });
    assert_eq!(a.len(), c.len(), "the layout depends on the sizes only");
    assert_ne!(
        a["graph/users/page-0001.json"],
        c["graph/users/page-0001.json"]
    );
}

#[test]
fn layout_pages_and_encodings() {
    let f = files(&SynthOptions::with_users(2_500));
    // Pages of 999: 2,500 users are three pages, the last without a nextLink.
    let users: Vec<&String> = f.keys().filter(|k| k.starts_with("graph/users/")).collect();
    assert_eq!(
        users,
        [
            "graph/users/page-0001.json",
            "graph/users/page-0002.json",
            "graph/users/page-0003.json"
        ]
    );
    let page = |name: &str| -> serde_json::Value { serde_json::from_slice(&f[name]).unwrap() };
    assert_eq!(
        page("graph/users/page-0001.json")["value"]
            .as_array()
            .unwrap()
            .len(),
        999
    );
    assert!(page("graph/users/page-0001.json")["@odata.nextLink"].is_string());
    assert!(page("graph/users/page-0003.json")
        .get("@odata.nextLink")
        .is_none());
    // All Employees (2,500 minus guests and disabled accounts) spans several member pages.
    let all_employees = f
        .keys()
        .filter(|k| k.starts_with("graph/groupMembers/") && k.ends_with(".3.json"))
        .count();
    assert_eq!(all_employees, 1);
    // The encodings an admin ends up with.
    let bms = |n: &str| &f[&format!("bms/{n}.json")];
    assert!(bms("DeviceConditionalAccessRule").starts_with(&[0xFF, 0xFE]));
    assert!(bms("DeviceConditionalAccessPolicy").starts_with(&[0xEF, 0xBB, 0xBF]));
    assert!(bms("DeviceConfigurationRule").starts_with(&[0xEF, 0xBB, 0xBF]));
    assert!(bms("DeviceConfigurationPolicy").starts_with(b"["));
    assert!(bms("DeviceTenantPolicy").starts_with(b"{"));
    let ca = String::from_utf8(bms("DeviceConditionalAccessPolicy")[3..].to_vec()).unwrap();
    assert!(ca.contains("\r\n") && ca.contains("\\/Date(") && ca.contains("\"Mode\":  2"));
    let allow = String::from_utf8(bms("DeviceConfigurationRule")[3..].to_vec()).unwrap();
    assert!(allow.contains("\"PasswordTimeout\": \"00:07:00\"") && allow.contains("\"Guid\": \""));
}

#[test]
fn the_reader_accepts_it_and_the_scenario_is_there() {
    let tenant = read(&SynthOptions::with_users(3_000));
    for part in Part::ALL {
        assert!(tenant.parts.contains(part), "{part:?} missing");
    }
    let bms = &tenant.bms;
    assert_eq!(bms.policies.len(), 8);
    let kinds = |k| bms.policies.iter().filter(|p| p.kind == k).count();
    assert_eq!((kinds(PolicyKind::Block), kinds(PolicyKind::Allow)), (4, 4));
    assert!(
        bms.policies.iter().all(|p| p.rule.is_some()),
        "every rule joined"
    );
    assert_eq!(
        bms.policies
            .iter()
            .filter(|p| p.mode == Mode::PendingDeletion)
            .count(),
        1
    );
    assert!(bms.orphan_rules.is_empty());
    assert!(bms.tenant.rule_present && bms.tenant.block_unsupported_devices == Some(true));

    let dir = &tenant.directory;
    assert_eq!(dir.skus().len(), 10);
    // consumedUnits is what the users hold; nobody is over-assigned.
    for (s, sku) in dir.skus().iter().enumerate() {
        let holders = dir
            .users()
            .iter()
            .filter(|u| u.licenses.iter().any(|l| l.sku.ix() == s))
            .count() as i64;
        assert_eq!(sku.consumed_units, holders, "{}", sku.part_number);
        assert!(
            sku.enabled_units >= sku.consumed_units,
            "{}",
            sku.part_number
        );
    }
    // Nesting with a cycle, a dynamic group, a Microsoft 365 group, a device group.
    assert!(dir.groups().iter().any(|g| g.dynamic));
    assert!(dir.groups().iter().any(|g| g.unified));
    assert!(dir.groups().iter().any(|g| !g.member_devices.is_empty()));
    let cycle = dir.groups().iter().enumerate().any(|(a, g)| {
        g.member_groups.iter().any(|b| {
            dir.groups()[b.ix()]
                .member_groups
                .iter()
                .any(|c| c.ix() == a)
        })
    });
    assert!(cycle);
    // Every platform and the management agents that matter.
    for platform in [
        DevicePlatform::Ios,
        DevicePlatform::IpadOs,
        DevicePlatform::Android,
        DevicePlatform::Windows,
        DevicePlatform::WindowsMobile,
        DevicePlatform::MacOs,
    ] {
        assert!(
            dir.managed_devices().iter().any(|d| d.platform == platform),
            "{platform:?}"
        );
    }
    for agent in [
        ManagementAgent::Microsoft365ManagedMdm,
        ManagementAgent::GoogleCloudDevicePolicyController,
        ManagementAgent::Mdm,
        ManagementAgent::Eas,
    ] {
        assert!(dir
            .managed_devices()
            .iter()
            .any(|d| d.management_agent == agent));
    }
    assert!(dir
        .managed_devices()
        .iter()
        .any(|d| d.user.is_none() && d.is_bms_managed()));
    assert!(dir
        .managed_devices()
        .iter()
        .any(|d| &*d.os_version == "6.3.9600"));
    assert!(dir
        .entra_devices()
        .iter()
        .any(|d| d.mdm == MdmAuthority::Office365));
    // Every managed device is joined to its Entra device.
    assert!(dir
        .managed_devices()
        .iter()
        .all(|d| d.entra_device.is_some()));
    assert!(dir.users().iter().any(|u| !u.account_enabled));
    assert!(dir
        .users()
        .iter()
        .any(|u| u.user_principal_name.contains("#EXT#")));
    assert_eq!(tenant.intune.compliance_policies.len(), 4);
    assert_eq!(tenant.intune.configurations.len(), 4);
    assert_eq!(tenant.intune.conditional_access.len(), 3);
    let catalog = &tenant.intune.configuration_policies;
    assert_eq!(catalog.len(), 1);
    assert_eq!(
        catalog[0].catalog_settings.len(),
        3,
        "forcepin, minlength, allowcloudbackup"
    );
}

#[test]
fn more_policies_and_tiny_tenants() {
    let tenant = read(&SynthOptions {
        users: 1,
        devices_per_user: 0.0,
        groups: SynthOptions::MIN_GROUPS,
        policies: 30,
        seed: 3,
    });
    assert_eq!(tenant.bms.policies.len(), 30);
    assert_eq!(tenant.directory.users().len(), 1);
    assert!(tenant.directory.managed_devices().is_empty());
    let one = read(&SynthOptions {
        policies: 1,
        ..SynthOptions::with_users(10)
    });
    assert_eq!(one.bms.policies.len(), 1);
}

#[test]
fn bad_options_are_refused() {
    for bad in [
        SynthOptions::with_users(0),
        SynthOptions {
            devices_per_user: f64::NAN,
            ..SynthOptions::with_users(10)
        },
        SynthOptions {
            groups: 3,
            ..SynthOptions::with_users(10)
        },
        SynthOptions {
            policies: 0,
            ..SynthOptions::with_users(10)
        },
    ] {
        let err = generate(&bad, |_: &str, _: &[u8]| -> Result<(), OptionsError> {
            panic!("nothing is written for bad options")
        })
        .unwrap_err();
        assert!(err.0.starts_with("--"), "{err}");
    }
}

#[test]
fn synthesize_never_writes_into_a_folder_with_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "a real export").unwrap();
    let err = synthesize(&SynthOptions::with_users(5), dir.path()).unwrap_err();
    assert!(err.to_string().contains("not an empty folder"), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "nothing written");
}
