//! Loads a snapshot's `graph/` folder (docs/snapshot.md) into a `Store`: each collection from
//! `<name>.json` or a page folder `<name>/` (pages in file-name order), each file a Graph page
//! `{"value": [...]}` or a bare array; group members from `groupMembers/<groupId>.json`,
//! `<groupId>.2.json`, …; security defaults from `identitySecurityDefaultsEnforcementPolicy
//! .json` (off without it). The objects are kept as Graph returned them (minified); only the
//! navigation properties returned with `$expand` are moved beside them.

use crate::json::Fields;
use crate::store::{Coll, Entry, Kind, Store, Text};
use crate::util::{is_minified, minify};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// A snapshot that cannot be served: the file and what is wrong with it.
#[derive(Debug)]
pub struct LoadError {
    pub file: PathBuf,
    pub message: String,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for LoadError {}

fn err(file: &Path, message: impl Into<String>) -> LoadError {
    LoadError {
        file: file.to_path_buf(),
        message: message.into(),
    }
}

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(borrow, default)]
    value: Vec<&'a RawValue>,
}

/// Reads a file as text (UTF-8 with or without BOM); also returns the BOM's length.
fn read_text(file: &Path) -> Result<(String, u64), LoadError> {
    let mut bytes = fs::read(file).map_err(|e| err(file, format!("cannot read: {e}")))?;
    let bom = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
        3
    } else {
        0
    };
    String::from_utf8(bytes)
        .map(|t| (t, bom))
        .map_err(|_| err(file, "not UTF-8 text"))
}

/// Calls `each` with every item (raw JSON) of one page file and its byte offset in the file.
fn for_each_item(
    file: &Path,
    each: &mut dyn FnMut(&RawValue, u64) -> Result<(), String>,
) -> Result<(), LoadError> {
    let (text, bom) = read_text(file)?;
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Ok(());
    }
    let items: Vec<&RawValue> = if trimmed.starts_with('[') {
        serde_json::from_str(&text).map_err(|e| err(file, e.to_string()))?
    } else {
        serde_json::from_str::<Page>(&text)
            .map_err(|e| err(file, e.to_string()))?
            .value
    };
    for (i, item) in items.into_iter().enumerate() {
        let offset = (item.get().as_ptr() as usize - text.as_ptr() as usize) as u64 + bom;
        each(item, offset).map_err(|m| err(file, format!("value[{i}]: {m}")))?;
    }
    Ok(())
}

/// The page files of a collection: `<name>.json`, or every `*.json` in `<name>/` sorted.
fn pages(graph: &Path, name: &str) -> Result<Vec<PathBuf>, LoadError> {
    let file = graph.join(format!("{name}.json"));
    if file.is_file() {
        return Ok(vec![file]);
    }
    let dir = graph.join(name);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map_err(|e| err(&dir, format!("cannot list: {e}")))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// Loads `root/graph` (a snapshot folder) or `root` itself when it has no `graph/` but holds
/// Graph files directly. `tenant_id` is used when the snapshot has no `organization.json`.
pub fn load(root: &Path, tenant_id: Option<&str>) -> Result<Store, LoadError> {
    if !root.is_dir() {
        return Err(err(root, "not a folder"));
    }
    let graph = if root.join("graph").is_dir() {
        root.join("graph")
    } else {
        root.to_path_buf()
    };
    let mut store = Store::new(String::new());
    for coll in Coll::ALL {
        for file in pages(&graph, coll.file())? {
            let extras = coll.extras();
            let mut handle: Option<u32> = None;
            let mut each = |raw: &RawValue, offset: u64| -> Result<(), String> {
                let plain = extras.is_empty() && coll != Coll::Groups && coll != Coll::Organization;
                let entry = if plain && is_minified(raw.get()) {
                    // Served from the file itself: only the offset stays in memory.
                    let file_no = match handle {
                        Some(h) => h,
                        None => {
                            let f =
                                fs::File::open(&file).map_err(|e| format!("cannot open: {e}"))?;
                            let h = store.files.add(f);
                            handle = Some(h);
                            h
                        }
                    };
                    let text = Text::File {
                        file: file_no,
                        offset,
                        len: raw.get().len() as u32,
                    };
                    entry_from_text(raw.get(), text, store.coll_mut(coll))?
                } else if plain {
                    let text = minify(raw.get());
                    entry_from_text(
                        &text,
                        Text::Inline(text.as_str().into()),
                        store.coll_mut(coll),
                    )?
                } else {
                    let text = minify(raw.get());
                    let mut value: Value =
                        serde_json::from_str(&text).map_err(|e| e.to_string())?;
                    if coll == Coll::Groups {
                        if let Some(members) =
                            value.as_object_mut().and_then(|o| o.remove("members"))
                        {
                            let id = value.get("id").and_then(Value::as_str).unwrap_or_default();
                            inline_members(&mut store, id, &members);
                        }
                    }
                    if coll == Coll::Organization {
                        if let Some(o) = value.as_object_mut() {
                            o.entry("mobileDeviceManagementAuthority")
                                .or_insert_with(|| Value::from("office365"));
                        }
                    }
                    Entry::from_value(value, extras)
                        .ok_or("an object with a string \"id\" was expected")?
                };
                store.coll_mut(coll).insert(entry);
                Ok(())
            };
            for_each_item(&file, &mut each)?;
        }
    }
    let org = store
        .coll(Coll::Organization)
        .live()
        .next()
        .map(|e| store.value(e));
    store.tenant_id = match (&org, tenant_id) {
        (Some(o), _) => o
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        (None, Some(t)) => t.to_string(),
        (None, None) => "00000000-0000-0000-0000-000000000001".to_string(),
    };
    if let Some(o) = &org {
        store.domains = o
            .get("verifiedDomains")
            .and_then(Value::as_array)
            .map(|ds| {
                ds.iter()
                    .filter_map(|d| d.get("name").and_then(Value::as_str))
                    .map(str::to_ascii_lowercase)
                    .collect()
            })
            .unwrap_or_default();
    }
    load_members(&graph, &mut store)?;
    store.security_defaults = security_defaults(&graph)?;
    store.device_management = serde_json::json!({
        "id": format!("{}", store.tenant_id),
        "subscriptionState": "active",
        "settings": {
            "deviceComplianceCheckinThresholdDays": 30,
            "isScheduledActionEnabled": true,
            "secureByDefault": false
        }
    })
    .as_object()
    .cloned()
    .unwrap_or_default();
    Ok(store)
}

/// `identitySecurityDefaultsEnforcementPolicy.json` (what `GET /policies/
/// identitySecurityDefaultsEnforcementPolicy` returns): its `isEnabled`. A snapshot without
/// the file has security defaults off.
fn security_defaults(graph: &Path) -> Result<bool, LoadError> {
    let file = graph.join("identitySecurityDefaultsEnforcementPolicy.json");
    if !file.is_file() {
        return Ok(false);
    }
    let (text, _) = read_text(&file)?;
    let value: Value = serde_json::from_str(&text).map_err(|e| err(&file, e.to_string()))?;
    match value.get("isEnabled") {
        Some(Value::Bool(b)) => Ok(*b),
        _ => Err(err(&file, "isEnabled: expected true or false")),
    }
}

/// An entry straight from its minified text (no `Value` tree): reads `id` and `@odata.type`.
fn entry_from_text(
    json: &str,
    text: Text,
    collection: &mut crate::store::Collection,
) -> Result<Entry, String> {
    let (id, odata_type) = {
        let fields: Fields = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut id = None;
        let mut odata_type = None;
        for (k, v) in &fields.0 {
            match k.as_ref() {
                "id" => id = serde_json::from_str::<String>(v.get()).ok(),
                "@odata.type" => odata_type = serde_json::from_str::<String>(v.get()).ok(),
                _ => {}
            }
            if !collection.keys.contains(k.as_ref()) {
                collection.keys.insert(k.as_ref().into());
            }
        }
        (
            id.ok_or("an object with a string \"id\" was expected")?,
            odata_type,
        )
    };
    Ok(Entry {
        id: id.into(),
        text,
        odata_type: odata_type.map(Into::into),
        visible_from: None,
        extras: None,
    })
}

fn inline_members(store: &mut Store, group: &str, members: &Value) {
    for m in members.as_array().into_iter().flatten() {
        if let Some(id) = m.get("id").and_then(Value::as_str) {
            let kind = m
                .get("@odata.type")
                .and_then(Value::as_str)
                .and_then(Kind::from_odata_type)
                .unwrap_or(Kind::User);
            store.members.entry(group.into()).or_default().add(id, kind);
        }
    }
}

/// `groupMembers/<groupId>.json`, `<groupId>.2.json`, …: pages in page order per group.
fn load_members(graph: &Path, store: &mut Store) -> Result<(), LoadError> {
    let dir = graph.join("groupMembers");
    if !dir.is_dir() {
        return Ok(());
    }
    let mut files: Vec<(String, u32, PathBuf)> = fs::read_dir(&dir)
        .map_err(|e| err(&dir, format!("cannot list: {e}")))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.strip_suffix(".json")?.to_string();
            let (group, page) = match name.split_once('.') {
                Some((g, n)) => (g.to_string(), n.parse().ok()?),
                None => (name, 1),
            };
            Some((group, page, p))
        })
        .collect();
    files.sort();
    for (group, _, file) in files {
        let mut found: Vec<(String, Option<Kind>)> = Vec::new();
        for_each_item(&file, &mut |raw, _| {
            #[derive(Deserialize)]
            struct M {
                id: String,
                #[serde(rename = "@odata.type")]
                odata_type: Option<String>,
            }
            let m: M = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
            found.push((
                m.id,
                m.odata_type.as_deref().and_then(Kind::from_odata_type),
            ));
            Ok(())
        })?;
        for (id, kind) in found {
            let kind = kind.or_else(|| store.kind_of(&id)).unwrap_or(Kind::Other);
            store
                .members
                .entry(group.as_str().into())
                .or_default()
                .add(&id, kind);
        }
    }
    Ok(())
}
