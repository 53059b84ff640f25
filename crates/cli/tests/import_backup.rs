//! `snapshot import-backup` end to end: the sample tenant's own Intune and Conditional Access
//! objects, split into one file per object as IntuneManagement writes them, import back into
//! a snapshot that then assesses exactly like the sample; unusable files are noted; a file the
//! command did not write is never replaced.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/contoso")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bms2intune"))
        .args(args)
        .output()
        .expect("run bms2intune")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

const COLLECTIONS: [(&str, &str); 4] = [
    ("deviceCompliancePolicies", "CompliancePolicies"),
    ("deviceConfigurations", "DeviceConfiguration"),
    ("configurationPolicies", "SettingsCatalog"),
    ("conditionalAccessPolicies", "ConditionalAccess"),
];

/// The sample's objects as an IntuneManagement export folder.
fn backup_of_the_sample(backup: &Path) {
    for (file, folder) in COLLECTIONS {
        let text = std::fs::read_to_string(sample().join(format!("graph/{file}.json"))).unwrap();
        let page: serde_json::Value = serde_json::from_str(&text).unwrap();
        for object in page["value"].as_array().unwrap() {
            let name = object
                .get("displayName")
                .or_else(|| object.get("name"))
                .and_then(|n| n.as_str())
                .unwrap()
                .replace(['/', '\\'], "_");
            let path = backup.join(folder).join(format!("{name}.json"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, serde_json::to_vec_pretty(object).unwrap()).unwrap();
        }
    }
    std::fs::create_dir_all(backup.join("Applications")).unwrap();
    std::fs::write(
        backup.join("Applications/Outlook.json"),
        r##"{"@odata.type": "#microsoft.graph.iosStoreApp"}"##,
    )
    .unwrap();
    std::fs::write(
        backup.join("DeviceConfiguration/half.json"),
        "{\"displayName\":",
    )
    .unwrap();
}

fn assessment(snapshot: &Path) -> serde_json::Value {
    let o = run(&["assess", "--snapshot", snapshot.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // The order of existing objects (file names here, the sample's order there) is the only
    // difference the import may make: compare codes, severities and counts.
    let findings: Vec<(String, String, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["count"].as_u64().unwrap(),
            )
        })
        .collect();
    json["findings"] = serde_json::to_value(findings).unwrap();
    json
}

#[test]
fn the_sample_round_trips_through_an_intune_management_backup() {
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup");
    backup_of_the_sample(&backup);
    let snapshot = dir.path().join("snapshot");
    copy_dir(&sample(), &snapshot);
    for (file, _) in COLLECTIONS {
        std::fs::remove_file(snapshot.join(format!("graph/{file}.json"))).unwrap();
    }
    let args = [
        "snapshot",
        "import-backup",
        "--from",
        backup.to_str().unwrap(),
        "--format",
        "intunemanagement",
        "--into",
        snapshot.to_str().unwrap(),
    ];
    let o = run(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("Imported 15 object(s)"), "{out}");
    assert!(out.contains("graph/configurationPolicies.json  2"), "{out}");
    assert!(
        out.contains("note: Applications: not a compliance"),
        "{out}"
    );
    assert!(
        out.contains("note: DeviceConfiguration/half.json: not JSON"),
        "{out}"
    );
    assert_eq!(assessment(&snapshot), assessment(&sample()));

    // Running it again replaces its own files.
    let again = run(&args);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(assessment(&snapshot), assessment(&sample()));
}

#[test]
fn a_file_it_did_not_write_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup");
    backup_of_the_sample(&backup);
    let snapshot = dir.path().join("snapshot");
    copy_dir(&sample(), &snapshot);
    let before = std::fs::read(snapshot.join("graph/deviceConfigurations.json")).unwrap();
    let o = run(&[
        "snapshot",
        "import-backup",
        "--from",
        backup.to_str().unwrap(),
        "--format",
        "intunemanagement",
        "--into",
        snapshot.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "graph/deviceCompliancePolicies.json exists and was not written by import-backup"
        ),
        "{err}"
    );
    assert_eq!(
        std::fs::read(snapshot.join("graph/deviceConfigurations.json")).unwrap(),
        before
    );
    assert!(!snapshot.join("graph/import-backup.json").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&snapshot)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".import-backup")
        })
        .collect();
    assert!(leftovers.is_empty());
}
