//! `snapshot import-backup`: writes the Graph collection files that a folder of per-object
//! policy exports yields into a snapshot's `graph/`. Files are staged next to their place and
//! moved in only when all were written; an existing file is replaced only when an earlier
//! import wrote it (its name is in the marker `graph/import-backup.json`), so the command never
//! writes over data it did not create.

use anyhow::{bail, Context, Result};
use bms2intune_snapshot::backup::{group_names, import_backup, BackupFormat, Collection};
use serde_json::{json, Value};
use std::path::Path;

/// The marker listing the files an import wrote (and the notes it made).
pub const IMPORT_MARKER: &str = "graph/import-backup.json";

/// What was written, for the summary.
pub struct ImportSummary {
    pub written: Vec<(String, usize)>,
    pub notes: Vec<String>,
    pub used: usize,
}

/// Files an earlier import wrote into `into`, from its marker.
fn earlier_files(into: &Path) -> Vec<String> {
    std::fs::read_to_string(into.join(IMPORT_MARKER))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| {
            v.get("files").and_then(Value::as_array).map(|files| {
                files
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
        })
        .unwrap_or_default()
}

/// Imports `from` (in `format`) into the snapshot folder `into`.
pub fn import_into(
    from: &Path,
    format: BackupFormat,
    format_name: &str,
    into: &Path,
) -> Result<ImportSummary> {
    if into.exists() && !into.is_dir() {
        bail!(crate::BadInput(format!(
            "--into {}: exists and is not a folder",
            into.display()
        )));
    }
    let imported = import_backup(from, format, &group_names(into))?;
    let earlier = earlier_files(into);
    let mut outputs: Vec<(String, Vec<u8>, usize)> = Vec::new();
    for collection in Collection::ALL {
        let Some(objects) = imported.collections.get(&collection) else {
            continue;
        };
        let file = collection.file().to_string();
        if into.join(&file).exists() && !earlier.contains(&file) {
            bail!(crate::BadInput(format!(
                "--into {}: {file} exists and was not written by import-backup; nothing was written (move it away, or import into a new folder)",
                into.display()
            )));
        }
        let mut text = serde_json::to_vec_pretty(&json!({ "value": objects }))?;
        text.push(b'\n');
        outputs.push((file, text, objects.len()));
    }
    if into.join("graph").exists() && !into.join("graph").is_dir() {
        bail!(crate::BadInput(format!(
            "--into {}: graph exists and is not a folder",
            into.display()
        )));
    }
    let marker = json!({
        "tool": "bms2intune snapshot import-backup",
        "from": from.display().to_string(),
        "format": format_name,
        "files": outputs.iter().map(|(f, _, _)| f.clone()).collect::<Vec<_>>(),
        "notes": imported.notes,
    });
    let mut marker_text = serde_json::to_vec_pretty(&marker)?;
    marker_text.push(b'\n');

    // Stage everything, then move it into place.
    std::fs::create_dir_all(into.join("graph"))
        .with_context(|| format!("cannot create {}", into.join("graph").display()))?;
    let staging = into.join(format!(".import-backup.partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir(&staging)
        .with_context(|| format!("cannot create {}", staging.display()))?;
    let result = (|| -> Result<()> {
        for (i, (file, text, _)) in outputs.iter().enumerate() {
            std::fs::write(staging.join(i.to_string()), text)
                .with_context(|| format!("cannot write {file}"))?;
        }
        std::fs::write(staging.join("marker"), &marker_text).context("cannot write the marker")?;
        for (i, (file, _, _)) in outputs.iter().enumerate() {
            std::fs::rename(staging.join(i.to_string()), into.join(file))
                .with_context(|| format!("cannot move {file} into place"))?;
        }
        // Files an earlier import wrote that this one does not produce are its own: removed.
        for old in &earlier {
            if !outputs.iter().any(|(f, _, _)| f == old) && old.starts_with("graph/") {
                let _ = std::fs::remove_file(into.join(old));
            }
        }
        std::fs::rename(staging.join("marker"), into.join(IMPORT_MARKER))
            .context("cannot move the marker into place")?;
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&staging);
    result?;
    Ok(ImportSummary {
        written: outputs.into_iter().map(|(f, _, n)| (f, n)).collect(),
        notes: imported.notes,
        used: imported.used,
    })
}
