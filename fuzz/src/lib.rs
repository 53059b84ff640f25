//! Shared plumbing of the fuzz targets: one fuzz input holds several snapshot files, separated
//! by [`SEPARATOR`] (a byte sequence no export contains), so the fuzzer can mutate a rule and
//! the policy it joins at once. The seeds in `seeds/` are built the same way.

use bms2intune_model::{BmsExport, Directory, Guid, IntuneState, Part, Parts};
use bms2intune_snapshot::bms::{read_bms, BmsDocuments, BMS_FILES};
use bms2intune_snapshot::graph::{read_graph, GraphFiles, MemberPage};
use bms2intune_snapshot::{text, InputError};

/// Separates the files of one input.
pub const SEPARATOR: &[u8] = b"\n\x00\xff--file--\xff\x00\n";

/// Splits an input into its files.
pub fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(i) = rest
        .windows(SEPARATOR.len())
        .position(|w| w == SEPARATOR)
    {
        parts.push(&rest[..i]);
        rest = &rest[i + SEPARATOR.len()..];
    }
    parts.push(rest);
    parts
}

/// Reads the `bms/` files in `parts` (in [`BMS_FILES`] order; an empty part is an absent
/// file) the way `read_snapshot` does: decode, parse, join.
pub fn read_bms_parts(parts: &[&[u8]]) -> Result<BmsExport, InputError> {
    let mut files = Vec::new();
    for (i, noun) in BMS_FILES.iter().enumerate() {
        let bytes = parts.get(i).copied().unwrap_or_default();
        if bytes.is_empty() {
            files.push((*noun, None));
            continue;
        }
        let name = format!("bms/{noun}.json");
        let decoded = text::decode(bytes.to_vec()).map_err(|e| InputError::new(&name, "", e))?;
        let value = if decoded.trim().is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&decoded)
                .map_err(|e| InputError::new(&name, "", e.to_string()))?
        };
        files.push((*noun, Some(value)));
    }
    read_bms(&BmsDocuments { files }, &mut Vec::new())
}

/// The Graph files a fuzz input can fill, in part order (two member files of fixed groups).
pub const GRAPH_FILES: [&str; 11] = [
    "graph/organization.json",
    "graph/subscribedSkus.json",
    "graph/users/page-0001.json",
    "graph/groups.json",
    "graph/groupMembers/2d8ef87d-e2ba-4402-b0df-8ecd2d94d108.json",
    "graph/groupMembers/87d86916-0054-44dd-a5fe-dde04e594d84.json",
    "graph/devices.json",
    "graph/managedDevices/page-0001.json",
    "graph/deviceCompliancePolicies.json",
    "graph/deviceConfigurations.json",
    "graph/conditionalAccessPolicies.json",
];

/// `GraphFiles` over the parts of a fuzz input (an empty part is an absent file).
pub struct FuzzGraph<'a> {
    files: Vec<(&'static str, &'a [u8])>,
}

impl<'a> FuzzGraph<'a> {
    pub fn new(parts: &[&'a [u8]]) -> FuzzGraph<'a> {
        FuzzGraph {
            files: GRAPH_FILES
                .iter()
                .zip(parts.iter().copied())
                .filter(|(_, bytes)| !bytes.is_empty())
                .map(|(name, bytes)| (*name, bytes))
                .collect(),
        }
    }
}

impl GraphFiles for FuzzGraph<'_> {
    fn pages(&mut self, part: Part) -> Result<Option<Vec<String>>, InputError> {
        let stem = part.file_stem();
        let names: Vec<String> = self
            .files
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| {
                *name == format!("graph/{stem}.json")
                    || name.starts_with(&format!("graph/{stem}/"))
            })
            .map(str::to_string)
            .collect();
        Ok((!names.is_empty()).then_some(names))
    }

    fn group_member_pages(&mut self) -> Result<Option<Vec<MemberPage>>, InputError> {
        let pages: Vec<MemberPage> = self
            .files
            .iter()
            .filter_map(|(name, _)| {
                let id = name.strip_prefix("graph/groupMembers/")?.strip_suffix(".json")?;
                Some((name.to_string(), Guid::parse(id)?))
            })
            .collect();
        Ok((!pages.is_empty()).then_some(pages))
    }

    fn read(&mut self, file: &str, out: &mut String) -> Result<(), InputError> {
        let bytes = self
            .files
            .iter()
            .find(|(name, _)| *name == file)
            .map(|(_, b)| *b)
            .ok_or_else(|| InputError::new(file, "", "not listed"))?;
        *out = text::decode(bytes.to_vec()).map_err(|e| InputError::new(file, "", e))?;
        Ok(())
    }
}

/// Reads the Graph parts of a fuzz input into a fresh directory.
pub fn read_graph_parts(parts: &[&[u8]]) -> Result<(Directory, IntuneState), InputError> {
    let mut directory = Directory::default();
    let mut intune = IntuneState::default();
    let mut seen = Parts::default();
    read_graph(
        &mut FuzzGraph::new(parts),
        &mut directory,
        &mut intune,
        &mut seen,
        &mut Vec::new(),
    )?;
    Ok((directory, intune))
}
