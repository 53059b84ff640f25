//! The `bms/` reader: any bytes in the six export files (decoding, PowerShell value shapes,
//! joining rules to policies) give a `BmsExport` or an `InputError`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parts = bms2intune_fuzz::split(data);
    if let Err(e) = bms2intune_fuzz::read_bms_parts(&parts) {
        // Errors name a file.
        assert!(e.file.starts_with("bms/"), "{e}");
        let _ = e.to_string();
    }
});
