//! Reads a tenant snapshot folder into the typed [`Tenant`] model.
//!
//! This crate owns the input contract described in `docs/snapshot.md`: the `bms/` PowerShell
//! exports with every serialization quirk PowerShell has ([`powershell`], [`text`]), and the
//! optional `graph/` Microsoft Graph responses, streamed page by page ([`page`], [`graph`]).
//! Bad input yields one [`InputError`] naming the file, the JSON path and what was expected;
//! nothing here panics on any input. The file system is touched only in [`read_snapshot`];
//! everything below it works on text.

pub mod backup;
pub mod bms;
pub mod error;
pub mod graph;
mod intune;
pub mod page;
pub mod powershell;
pub mod text;

pub use error::InputError;

use bms2intune_model::{Guid, Part, Tenant};
use std::path::{Path, PathBuf};

/// Reads the snapshot in `root`.
pub fn read_snapshot(root: &Path) -> Result<Tenant, InputError> {
    let shown = root.display().to_string();
    if !root.is_dir() {
        return Err(InputError::new(
            shown,
            "",
            "not a folder (expected a snapshot folder with a bms/ subfolder; see docs/snapshot.md)",
        ));
    }
    let bms_dir = root.join("bms");
    if !bms_dir.is_dir() {
        return Err(InputError::new(
            "bms/",
            "",
            format!("missing: {shown} has no bms/ folder with the PowerShell exports (see docs/snapshot.md)"),
        ));
    }
    let mut tenant = Tenant::default();
    let mut documents = bms::BmsDocuments { files: Vec::new() };
    let mut absent = Vec::new();
    for noun in bms::BMS_FILES {
        let relative = format!("bms/{noun}.json");
        let path = root.join(&relative);
        if !path.is_file() {
            absent.push(relative);
            documents.files.push((noun, None));
            continue;
        }
        let text = read_text(&path, &relative)?;
        let value = if text.trim().is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text).map_err(|e| syntax_error(&relative, &e))?
        };
        documents.files.push((noun, Some(value)));
    }
    if !absent.is_empty() {
        tenant.notes.push(format!(
            "not exported (treated as empty): {}",
            absent.join(", ")
        ));
    }
    tenant.bms = bms::read_bms(&documents, &mut tenant.notes)?;

    let graph_dir = root.join("graph");
    if graph_dir.is_dir() {
        let mut files = FolderGraphFiles {
            root: root.to_path_buf(),
        };
        graph::read_graph(
            &mut files,
            &mut tenant.directory,
            &mut tenant.intune,
            &mut tenant.parts,
            &mut tenant.notes,
        )?;
    } else {
        tenant.notes.push(
            "no graph/ folder: users, licences, groups, devices and existing Intune policies are not assessed".into(),
        );
    }
    Ok(tenant)
}

fn syntax_error(file: &str, e: &serde_json::Error) -> InputError {
    let text = e.to_string();
    let message = text
        .rfind(" at line ")
        .map_or(text.as_str(), |i| &text[..i])
        .to_string();
    let message = if e.is_eof() {
        format!("{message} (the file is truncated)")
    } else {
        message
    };
    InputError::new(
        file,
        format!("line {} column {}", e.line(), e.column()),
        message,
    )
}

fn read_text(path: &Path, relative: &str) -> Result<String, InputError> {
    let bytes = std::fs::read(path)
        .map_err(|e| InputError::new(relative, "", format!("cannot read: {e}")))?;
    text::decode(bytes).map_err(|e| InputError::new(relative, "", e))
}

/// Graph files laid out in a snapshot folder.
struct FolderGraphFiles {
    root: PathBuf,
}

impl FolderGraphFiles {
    /// The `*.json` files of a folder, sorted by name.
    fn json_files(&self, relative_dir: &str) -> Result<Vec<(String, PathBuf)>, InputError> {
        let dir = self.root.join(relative_dir);
        let entries = std::fs::read_dir(&dir).map_err(|e| {
            InputError::new(format!("{relative_dir}/"), "", format!("cannot list: {e}"))
        })?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| {
                InputError::new(format!("{relative_dir}/"), "", format!("cannot list: {e}"))
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.to_ascii_lowercase().ends_with(".json") && entry.path().is_file() {
                files.push((format!("{relative_dir}/{name}"), entry.path()));
            }
        }
        files.sort();
        Ok(files)
    }
}

impl graph::GraphFiles for FolderGraphFiles {
    fn pages(&mut self, part: Part) -> Result<Option<Vec<String>>, InputError> {
        let stem = part.file_stem();
        let file = format!("graph/{stem}.json");
        let dir = format!("graph/{stem}");
        let (has_file, has_dir) = (
            self.root.join(&file).is_file(),
            self.root.join(&dir).is_dir(),
        );
        match (has_file, has_dir) {
            (false, false) => Ok(None),
            (true, true) => Err(InputError::new(
                file,
                "",
                format!("both {stem}.json and the folder {stem}/ exist; keep one (a folder holds several pages)"),
            )),
            (true, false) => Ok(Some(vec![file])),
            (false, true) => Ok(Some(
                self.json_files(&dir)?
                    .into_iter()
                    .map(|(relative, _)| relative)
                    .collect(),
            )),
        }
    }

    fn group_member_pages(&mut self) -> Result<Option<Vec<graph::MemberPage>>, InputError> {
        let dir = "graph/groupMembers";
        if !self.root.join(dir).is_dir() {
            return Ok(None);
        }
        let mut pages = Vec::new();
        for (relative, _) in self.json_files(dir)? {
            let name = relative.rsplit('/').next().unwrap_or_default();
            let stem = &name[..name.len() - ".json".len()];
            let (id, page) = stem.split_once('.').unwrap_or((stem, "1"));
            let (Some(group), Ok(page)) = (Guid::parse(id), page.parse::<u32>()) else {
                return Err(InputError::new(
                    relative,
                    "",
                    "expected a file name <groupId>.json or <groupId>.<page>.json (e.g. 5bff73eb-0ba7-461b-b7c9-9b4c173cc266.2.json)",
                ));
            };
            pages.push((group, page, relative));
        }
        pages.sort_by_key(|page| (page.0, page.1));
        Ok(Some(
            pages
                .into_iter()
                .map(|(group, _, relative)| (relative, group))
                .collect(),
        ))
    }

    fn read(&mut self, file: &str, text: &mut String) -> Result<(), InputError> {
        use std::io::Read;
        let cannot = |e: std::io::Error| InputError::new(file, "", format!("cannot read: {e}"));
        let mut bytes = std::mem::take(text).into_bytes();
        bytes.clear();
        std::fs::File::open(self.root.join(file))
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(cannot)?;
        *text = text::decode(bytes).map_err(|e| InputError::new(file, "", e))?;
        Ok(())
    }
}
