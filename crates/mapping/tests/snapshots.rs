//! Snapshots of the request bodies (and setting records) made from a rich Block policy and a
//! rich Allow policy. Review changes with `cargo insta review`, or accept them with
//! `INSTA_UPDATE=always` and read the `.snap` files.

mod common;

use bms2intune_mapping::{map_export, Mapping, MappingOptions};
use bms2intune_model::PolicyKind;
use common::*;
use std::collections::BTreeMap;

fn mapping(kind: PolicyKind) -> Mapping {
    let (name, settings) = match kind {
        PolicyKind::Block => ("Strict", rich_block()),
        PolicyKind::Allow => ("Relaxed", rich_allow()),
    };
    let mut bms = export(vec![policy(name, kind, 1, &[guid("sales")], settings)]);
    bms.tenant.exclusion_list = vec![guid("break-glass")];
    map_export(&bms, &MappingOptions::default())
}

fn bodies(m: &Mapping) -> BTreeMap<String, serde_json::Value> {
    m.recommendations
        .iter()
        .filter_map(|r| Some((r.file.clone()?, r.body.clone()?)))
        .collect()
}

/// One line per record: platform, BMS value, Graph target, fidelity.
fn records(m: &Mapping) -> Vec<String> {
    m.recommendations
        .iter()
        .flat_map(|r| {
            r.settings.iter().map(move |s| {
                format!(
                    "{} | {} = {} -> {} = {} | {}{}",
                    r.display_name,
                    s.bms_property,
                    serde_json::to_string(&s.bms_value).unwrap(),
                    s.target_property.as_deref().unwrap_or("-"),
                    s.target_value
                        .as_ref()
                        .map_or("-".to_string(), |v| v.to_string()),
                    s.fidelity,
                    if s.our_rule { " [our rule]" } else { "" },
                )
            })
        })
        .collect()
}

#[test]
fn rich_block_policy_bodies() {
    let m = mapping(PolicyKind::Block);
    insta::assert_json_snapshot!("rich_block_bodies", bodies(&m));
    insta::assert_json_snapshot!("rich_block_records", records(&m));
}

#[test]
fn rich_allow_policy_bodies() {
    let m = mapping(PolicyKind::Allow);
    insta::assert_json_snapshot!("rich_allow_bodies", bodies(&m));
    insta::assert_json_snapshot!("rich_allow_records", records(&m));
}
