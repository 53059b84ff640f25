//! Writes the bodies of the rich fixtures to `$BMS2INTUNE_MAPOUT` (when set), for checking
//! with a Graph schema checker during development.
mod common;
use bms2intune_mapping::{map_export, MappingOptions};
use bms2intune_model::{Guid, PolicyKind};
use common::*;

#[test]
fn dump_rich_fixtures() {
    let Ok(dir) = std::env::var("BMS2INTUNE_MAPOUT") else {
        return;
    };
    let mut bms = export(vec![
        policy(
            "Strict",
            PolicyKind::Block,
            1,
            &[guid("sales")],
            rich_block(),
        ),
        policy(
            "Relaxed",
            PolicyKind::Allow,
            2,
            &[guid("staff")],
            rich_allow(),
        ),
        policy("Nobody", PolicyKind::Block, 3, &[Guid::NIL], rich_block()),
    ]);
    bms.tenant.exclusion_list = vec![guid("break-glass")];
    let m = map_export(&bms, &MappingOptions::default());
    let dir = std::path::Path::new(&dir);
    write_bodies(&m, dir);
    std::fs::write(
        dir.join("plan.json"),
        serde_json::to_string_pretty(&m).unwrap(),
    )
    .unwrap();
}
