//! Mapping micro-benchmarks (`cargo bench -p bms2intune-mapping`): `map_export` over the BMS
//! export of a synthetic tenant with 8, 100 and 500 policies (the fixed scenario plus team
//! policies with random settings), read through the real PowerShell reader.
//!
//! divan rather than criterion: it compiles in seconds and needs no registration macro;
//! benchmarks run only under `cargo bench`.

use bms2intune_mapping::{map_export, MappingOptions};
use bms2intune_model::BmsExport;
use bms2intune_snapshot::bms::{read_bms, BmsDocuments, BMS_FILES};
use bms2intune_synth::{generate, OptionsError, SynthOptions};
use divan::Bencher;
use std::collections::BTreeMap;

fn main() {
    divan::main();
}

/// The `bms/` part of a synthetic tenant with `policies` policies (setup, not measured).
fn export(policies: u32) -> BmsExport {
    let options = SynthOptions {
        policies,
        ..SynthOptions::with_users(100)
    };
    let mut files = BTreeMap::new();
    generate(
        &options,
        |path: &str, bytes: &[u8]| -> Result<(), OptionsError> {
            if path.starts_with("bms/") {
                files.insert(path.to_string(), bytes.to_vec());
            }
            Ok(())
        },
    )
    .expect("generate");
    let documents = BmsDocuments {
        files: BMS_FILES
            .iter()
            .map(|noun| {
                let bytes = files[&format!("bms/{noun}.json")].clone();
                let text = bms2intune_snapshot::text::decode(bytes).expect("decode");
                (*noun, Some(serde_json::from_str(&text).expect("json")))
            })
            .collect(),
    };
    read_bms(&documents, &mut Vec::new()).expect("read")
}

#[divan::bench(args = [8, 100, 500])]
fn map_policies(bencher: Bencher, policies: u32) {
    let bms = export(policies);
    let options = MappingOptions::default();
    bencher.bench_local(|| map_export(&bms, &options).recommendations.len());
}
