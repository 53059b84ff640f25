//! Whatever a snapshot file holds, reading it returns a value or an error naming that file,
//! never a panic; and a tenant that reads is assessed without a panic (OS versions are parsed
//! there).
//!
//! The generator writes every file the readers look at (all six BMS exports and the Graph
//! files), with the property names they read and values of every field kind — dates
//! (`/Date(…)/` whole, empty, with offsets, with non-ASCII inside; ISO 8601 with and without
//! offsets), TimeSpans (strings and objects), GUIDs (strings, braces, `{"Guid": …}`, lists),
//! enums (names, numbers, numeric strings), OS versions, booleans, integers — mixed with
//! values of the wrong kind and arbitrary JSON.

use bms2intune_model::setting::ValueKind;
use bms2intune_model::BmsSetting;
use bms2intune_snapshot::read_snapshot;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Every file the readers read (a group's members in one fixed `groupMembers/` file).
const FILES: [&str; 17] = [
    "bms/DeviceConditionalAccessPolicy.json",
    "bms/DeviceConditionalAccessRule.json",
    "bms/DeviceConfigurationPolicy.json",
    "bms/DeviceConfigurationRule.json",
    "bms/DeviceTenantPolicy.json",
    "bms/DeviceTenantRule.json",
    "graph/organization.json",
    "graph/subscribedSkus.json",
    "graph/users.json",
    "graph/groups.json",
    "graph/groupMembers/2d8ef87d-e2ba-4402-b0df-8ecd2d94d108.json",
    "graph/devices.json",
    "graph/managedDevices.json",
    "graph/deviceCompliancePolicies.json",
    "graph/deviceConfigurations.json",
    "graph/conditionalAccessPolicies.json",
    "graph/users/page-0001.json",
];

/// The field kinds the readers convert.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Date,
    TimeSpan,
    Guid,
    GuidList,
    Enum(&'static [(&'static str, i64)]),
    Version,
    Bool,
    Int,
    Text,
}

/// Properties the readers look at, with their kind. The BMS settings come from the model's
/// table, so a new setting is covered without touching this test.
fn properties() -> Vec<(String, Kind)> {
    let mut props: Vec<(String, Kind)> = BmsSetting::ALL
        .iter()
        .map(|s| {
            let kind = match s.kind() {
                ValueKind::Bool => Kind::Bool,
                ValueKind::Int | ValueKind::Rating => Kind::Int,
                ValueKind::TimeSpan => Kind::TimeSpan,
                ValueKind::Enum(members) => Kind::Enum(members),
                ValueKind::Text | ValueKind::Loose => Kind::Text,
            };
            (s.property().to_string(), kind)
        })
        .collect();
    let mode = bms2intune_model::Mode::MEMBERS;
    let policy_type: &'static [(&'static str, i64)] =
        &[("DeviceConditionalAccess", 5), ("DeviceSettings", 3)];
    for (name, kind) in [
        ("Name", Kind::Text),
        ("Comment", Kind::Text),
        ("Mode", Kind::Enum(mode)),
        ("Type", Kind::Enum(policy_type)),
        ("Enabled", Kind::Bool),
        ("Priority", Kind::Int),
        ("WhenChanged", Kind::Date),
        ("WhenChangedUTC", Kind::Date),
        ("WhenCreatedUTC", Kind::Date),
        ("LastStatusUpdateTime", Kind::Date),
        ("ExchangeObjectId", Kind::Guid),
        ("Guid", Kind::Guid),
        ("Policy", Kind::Guid),
        ("TargetGroups", Kind::GuidList),
        ("ExclusionList", Kind::GuidList),
        ("id", Kind::Guid),
        ("skuId", Kind::Guid),
        ("servicePlanId", Kind::Guid),
        ("userId", Kind::Guid),
        ("deviceId", Kind::Guid),
        ("azureADDeviceId", Kind::Guid),
        ("displayName", Kind::Text),
        ("userPrincipalName", Kind::Text),
        ("accountEnabled", Kind::Bool),
        ("osVersion", Kind::Version),
        ("operatingSystemVersion", Kind::Version),
        ("operatingSystem", Kind::Text),
        ("managementAgent", Kind::Text),
        ("deviceEnrollmentType", Kind::Text),
        ("lastSyncDateTime", Kind::Date),
        ("@odata.type", Kind::Text),
        ("consumedUnits", Kind::Int),
        ("capabilityStatus", Kind::Text),
    ] {
        props.push((name.to_string(), kind));
    }
    props
}

fn guid_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u128>().prop_map(|n| {
            let h = format!("{n:032x}");
            format!(
                "{}-{}-{}-{}-{}",
                &h[..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..]
            )
        }),
        Just("5bff73eb-0ba7-461b-b7c9-9b4c173cc266".to_string()),
        Just("{5bff73eb-0ba7-461b-b7c9-9b4c173cc266}".to_string()),
        Just("00000000-0000-0000-0000-000000000000".to_string()),
        Just("5bff73eb-0ba7-461b-b7c9-9b4c173cc26é".to_string()),
        ".{0,40}",
    ]
}

fn date() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(|ms| format!("/Date({ms})/")),
        (-62_135_596_800_000i64..253_402_300_799_999).prop_map(|ms| format!("/Date({ms})/")),
        (any::<i64>(), "[+-]", "[0-9é]{0,5}").prop_map(|(ms, s, o)| format!("/Date({ms}{s}{o})/")),
        Just("/Date()/".to_string()),
        Just("/Date(é)/".to_string()),
        ".{0,6}".prop_map(|inner| format!("/Date({inner})/")),
        "/Date\\(.{0,6}",
        (
            0u32..12000,
            0u32..14,
            0u32..33,
            0u32..25,
            0u32..61,
            0u32..62,
            prop_oneof![
                Just("Z"),
                Just(""),
                Just("+02:00"),
                Just("-11:30"),
                Just("+25:00"),
                Just(".1234567Z"),
                Just("é")
            ]
        )
            .prop_map(|(y, mo, d, h, mi, s, off)| format!(
                "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{off}"
            )),
        ".{0,12}",
    ]
    .prop_map(Value::String)
}

fn timespan() -> impl Strategy<Value = Value> {
    let part = prop_oneof![
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        Just(json!(null)),
        Just(json!("15")),
    ];
    prop_oneof![
        (0u64..100, 0u64..30, 0u64..70, 0u64..70, "[0-9]{0,9}")
            .prop_map(|(d, h, m, s, f)| { json!(format!("{d}.{h:02}:{m:02}:{s:02}.{f}")) }),
        "-?[0-9]{0,3}:[0-9é]{0,3}(:[0-9]{0,3})?".prop_map(Value::String),
        (
            prop_oneof![
                Just("Ticks"),
                Just("TotalMinutes"),
                Just("TotalSeconds"),
                Just("Days"),
                Just("Hours"),
                Just("Minutes"),
                Just("Seconds")
            ],
            part
        )
            .prop_map(|(k, v)| json!({ k: v })),
    ]
}

fn kind_value(kind: Kind) -> BoxedStrategy<Value> {
    match kind {
        Kind::Date => date().boxed(),
        Kind::TimeSpan => timespan().boxed(),
        Kind::Guid => prop_oneof![
            guid_text().prop_map(Value::String),
            guid_text().prop_map(|g| json!({ "Guid": g })),
        ]
        .boxed(),
        Kind::GuidList => prop_oneof![
            prop::collection::vec(guid_text(), 0..4).prop_map(|gs| json!(gs)),
            prop::collection::vec(guid_text(), 0..4).prop_map(|gs| json!(gs.join(","))),
            guid_text().prop_map(|g| json!([{ "Guid": g }])),
        ]
        .boxed(),
        Kind::Enum(members) => prop_oneof![
            prop::sample::select(members.to_vec()).prop_map(|(name, _)| json!(name)),
            prop::sample::select(members.to_vec()).prop_map(|(name, _)| json!(name.to_lowercase())),
            prop::sample::select(members.to_vec()).prop_map(|(_, n)| json!(n.to_string())),
            any::<i64>().prop_map(|n| json!(n)),
        ]
        .boxed(),
        Kind::Version => prop_oneof![
            prop::collection::vec(any::<u64>(), 0..8).prop_map(|parts| json!(parts
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join("."))),
            Just(json!("8.1 (Build 9600)")),
            Just(json!("10.0.19045.3803")),
            Just(json!("99999999999999")),
            "[0-9.é ]{0,12}".prop_map(Value::String),
        ]
        .boxed(),
        Kind::Bool => prop_oneof![
            any::<bool>().prop_map(Value::Bool),
            Just(json!("True")),
            Just(json!("no"))
        ]
        .boxed(),
        Kind::Int => prop_oneof![
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| json!(f)),
            "[0-9-]{0,20}".prop_map(Value::String),
        ]
        .boxed(),
        Kind::Text => ".{0,12}".prop_map(Value::String).boxed(),
    }
}

/// Arbitrary JSON of any shape, for the wrong-kind paths.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 12, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[A-Za-z]{1,8}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// One object: the fields every reader requires (a name, an id, a Graph type), which the
/// random fields may overwrite, and known properties with values of their kind (or, now and
/// then, of any kind).
fn record() -> impl Strategy<Value = Value> {
    let props = properties();
    let field = prop::sample::select(props).prop_flat_map(|(name, kind)| {
        let value = prop_oneof![8 => kind_value(kind), 1 => any_json(), 1 => Just(Value::Null)];
        (Just(name), value)
    });
    let odata_type = prop::sample::select(vec![
        "#microsoft.graph.iosCompliancePolicy",
        "#microsoft.graph.windows10CompliancePolicy",
        "#microsoft.graph.androidWorkProfileGeneralDeviceConfiguration",
        "#microsoft.graph.user",
        "#microsoft.graph.device",
        "#microsoft.graph.group",
    ]);
    (
        "[A-Za-z é]{1,8}",
        guid_text(),
        odata_type,
        prop::collection::vec(field, 0..12),
    )
        .prop_map(|(name, id, odata_type, fields)| {
            let mut map = Map::new();
            map.insert("Name".into(), json!(name));
            map.insert("id".into(), json!(id));
            map.insert("@odata.type".into(), json!(odata_type));
            for (k, v) in fields {
                map.insert(k, v);
            }
            Value::Object(map)
        })
}

/// A file's content: one object, an array of objects, a Graph page, or arbitrary JSON.
fn document() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => prop::collection::vec(record(), 1..5).prop_map(Value::Array),
        4 => prop::collection::vec(record(), 1..5).prop_map(|v| json!({ "value": v })),
        2 => record(),
        1 => any_json(),
    ]
}

fn write_snapshot(files: &[(usize, Value)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (file, value) in files {
        let path = dir.path().join(FILES[*file]);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, value.to_string()).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("bms")).unwrap();
    dir
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn any_field_in_any_file_is_an_error_naming_it_or_a_tenant(
        files in prop::collection::vec((0..FILES.len(), document()), 1..6)
    ) {
        // A later document for the same file replaces the earlier one.
        let dir = write_snapshot(&files);
        match read_snapshot(dir.path()) {
            Err(e) => {
                let text = e.to_string();
                prop_assert!(
                    files.iter().any(|(f, _)| text.starts_with(FILES[*f])),
                    "{}", text
                );
            }
            Ok(tenant) => {
                let config = bms2intune_analysis::AssessConfig::default();
                let assessment = bms2intune_analysis::assess(&tenant, &config);
                let _ = assessment.findings.len();
            }
        }
    }

    #[test]
    fn any_bytes_are_an_error_or_a_tenant(file in 0..FILES.len(), bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILES[file]);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::create_dir_all(dir.path().join("bms")).unwrap();
        std::fs::write(path, bytes).unwrap();
        let _ = read_snapshot(dir.path());
    }
}
