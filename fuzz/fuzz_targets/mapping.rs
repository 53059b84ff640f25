//! The mapping over whatever the `bms/` reader accepts: `map_export` never panics, with any
//! options, and is deterministic. The first byte picks the options; the rest is the six
//! export files (see `bms_reader`).
#![no_main]

use bms2intune_mapping::{map_export, AndroidTarget, MappingOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let parts = bms2intune_fuzz::split(rest);
    let Ok(bms) = bms2intune_fuzz::read_bms_parts(&parts) else {
        return;
    };
    let options = MappingOptions {
        android: AndroidTarget::ALL[usize::from(first) % AndroidTarget::ALL.len()],
        grace_hours: [0, 1, 72, 8760][usize::from(first >> 2) % 4],
        preserve_priority: first & 0x10 != 0,
    };
    let mapping = map_export(&bms, &options);
    let json = serde_json::to_string(&mapping).expect("a mapping serializes");
    let again = serde_json::to_string(&map_export(&bms, &options)).expect("serializes");
    assert_eq!(json, again, "map_export is deterministic");
});
