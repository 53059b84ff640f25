//! Whatever a snapshot file holds, reading it returns a value or an error, never a panic.

use bms2intune_snapshot::read_snapshot;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Arbitrary JSON, biased towards the property names and shapes the readers look at.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        prop_oneof![
            Just("00:15:00".to_string()),
            Just("5bff73eb-0ba7-461b-b7c9-9b4c173cc266".to_string()),
            Just("/Date(-99999999999999)/".to_string()),
            Just("PendingDeletion".to_string()),
            ".{0,12}",
        ]
        .prop_map(Value::String),
    ];
    let keys = prop_oneof![
        Just("Name".to_string()),
        Just("Policy".to_string()),
        Just("Mode".to_string()),
        Just("Type".to_string()),
        Just("TargetGroups".to_string()),
        Just("PasswordTimeout".to_string()),
        Just("MoviesRating".to_string()),
        Just("ExclusionList".to_string()),
        Just("Ticks".to_string()),
        Just("Guid".to_string()),
        Just("value".to_string()),
        Just("id".to_string()),
        Just("@odata.type".to_string()),
        Just("assignments".to_string()),
        "[A-Za-z]{1,8}",
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

const FILES: [&str; 8] = [
    "bms/DeviceConditionalAccessPolicy.json",
    "bms/DeviceConditionalAccessRule.json",
    "bms/DeviceConfigurationRule.json",
    "bms/DeviceTenantRule.json",
    "graph/users.json",
    "graph/groups.json",
    "graph/managedDevices.json",
    "graph/deviceCompliancePolicies.json",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_json_in_any_file_is_an_error_or_a_tenant(file in 0..FILES.len(), value in json_value()) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("bms")).unwrap();
        std::fs::create_dir_all(dir.path().join("graph")).unwrap();
        std::fs::write(dir.path().join(FILES[file]), value.to_string()).unwrap();
        if let Err(e) = read_snapshot(dir.path()) {
            prop_assert!(e.to_string().starts_with(FILES[file]), "{}", e);
        }
    }

    #[test]
    fn any_bytes_are_an_error_or_a_tenant(file in 0..FILES.len(), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("bms")).unwrap();
        std::fs::create_dir_all(dir.path().join("graph")).unwrap();
        std::fs::write(dir.path().join(FILES[file]), bytes).unwrap();
        let _ = read_snapshot(dir.path());
    }
}
