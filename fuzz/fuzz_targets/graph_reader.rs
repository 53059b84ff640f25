//! The `graph/` reader: any bytes in the Graph files (pages, member files, Intune and
//! Conditional Access policies) give a directory or an `InputError`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parts = bms2intune_fuzz::split(data);
    match bms2intune_fuzz::read_graph_parts(&parts) {
        Ok((directory, _)) => {
            // Cross-references stay inside their collections.
            for g in directory.groups() {
                assert!(g.member_users.iter().all(|u| u.ix() < directory.users().len()));
                assert!(g.member_groups.iter().all(|c| c.ix() < directory.groups().len()));
            }
            for d in directory.managed_devices() {
                assert!(d.user.is_none_or(|u| u.ix() < directory.users().len()));
            }
        }
        Err(e) => {
            assert!(e.file.starts_with("graph/"), "{e}");
            let _ = e.to_string();
        }
    }
});
