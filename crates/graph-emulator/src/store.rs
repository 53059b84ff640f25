//! The emulated tenant's state: every collection as a list of entries whose JSON is kept
//! pre-serialized (compact), an id index per collection, group memberships, and the few
//! singletons (`deviceManagement`). Lists are served by slicing these entries, never by
//! cloning a collection; writes parse one entry, change it and serialize it again.
//!
//! Deleted entries leave a hole (`None`) so positions, which next links carry, stay valid.
//!
//! An object loaded from a snapshot page that is already compact stays in that file: the
//! entry holds its offset and length, and the page is read back when served. A 100,000-user
//! tenant thus costs its indexes in memory, not its JSON; objects written later are inline.

use crate::json::Fields;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Instant;

/// Where an object's compact JSON is.
#[derive(Debug, Clone)]
pub enum Text {
    Inline(Box<str>),
    /// Bytes `offset..offset + len` of snapshot file number `file`.
    File {
        file: u32,
        offset: u64,
        len: u32,
    },
}

/// A run of one snapshot file, read at once, that several entries point into.
pub struct Block {
    file: u32,
    base: u64,
    bytes: Vec<u8>,
}

impl Block {
    /// Bytes read.
    pub fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// The entry's compact JSON, when it lies in this block.
    pub fn text(&self, entry: &Entry) -> Option<&str> {
        let Text::File { file, offset, len } = entry.text else {
            return None;
        };
        if file != self.file || offset < self.base {
            return None;
        }
        let start = usize::try_from(offset - self.base).ok()?;
        let bytes = self.bytes.get(start..start.checked_add(len as usize)?)?;
        std::str::from_utf8(bytes).ok()
    }
}

/// The snapshot files that entries point into, opened once.
#[derive(Debug, Default)]
pub struct Files {
    handles: Vec<std::fs::File>,
}

impl Files {
    pub fn add(&mut self, file: std::fs::File) -> u32 {
        self.handles.push(file);
        (self.handles.len() - 1) as u32
    }

    /// Bytes `offset..offset + len` of file `file`, read at that position (no shared
    /// cursor, so readers on several threads never disturb each other).
    pub fn read_bytes(&self, file: u32, offset: u64, len: usize) -> Option<Vec<u8>> {
        let handle = self.handles.get(file as usize)?;
        let mut buf = vec![0u8; len];
        read_exact_at(handle, &mut buf, offset).ok()?;
        Some(buf)
    }

    fn read(&self, file: u32, offset: u64, len: u32) -> Option<String> {
        String::from_utf8(self.read_bytes(file, offset, len as usize)?).ok()
    }
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &std::fs::File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

/// The collections the emulator serves, named as in a snapshot's `graph/` folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Coll {
    Organization,
    SubscribedSkus,
    Users,
    Groups,
    Devices,
    ManagedDevices,
    CompliancePolicies,
    Configurations,
    ConfigurationPolicies,
    CaPolicies,
}

impl Coll {
    pub const ALL: [Coll; 10] = [
        Coll::Organization,
        Coll::SubscribedSkus,
        Coll::Users,
        Coll::Groups,
        Coll::Devices,
        Coll::ManagedDevices,
        Coll::CompliancePolicies,
        Coll::Configurations,
        Coll::ConfigurationPolicies,
        Coll::CaPolicies,
    ];

    /// The file (or page folder) name in a snapshot's `graph/`.
    pub fn file(self) -> &'static str {
        match self {
            Coll::Organization => "organization",
            Coll::SubscribedSkus => "subscribedSkus",
            Coll::Users => "users",
            Coll::Groups => "groups",
            Coll::Devices => "devices",
            Coll::ManagedDevices => "managedDevices",
            Coll::CompliancePolicies => "deviceCompliancePolicies",
            Coll::Configurations => "deviceConfigurations",
            Coll::ConfigurationPolicies => "configurationPolicies",
            Coll::CaPolicies => "conditionalAccessPolicies",
        }
    }

    /// Navigation properties kept beside the object and returned only with `$expand`.
    pub fn extras(self) -> &'static [&'static str] {
        match self {
            Coll::CompliancePolicies => &["assignments", "scheduledActionsForRule"],
            Coll::Configurations => &["assignments"],
            Coll::ConfigurationPolicies => &["assignments", "settings"],
            _ => &[],
        }
    }

    /// Navigation properties a snapshot holds inside the object (as `$expand` returned them):
    /// served only when expanded. Kept in place so large collections stay file-backed.
    pub fn inline_navs(self) -> &'static [&'static str] {
        match self {
            Coll::Devices => &["registeredOwners"],
            _ => &[],
        }
    }

    /// The entity set's name in `@odata.context`.
    pub fn context(self) -> &'static str {
        match self {
            Coll::CompliancePolicies => "deviceManagement/deviceCompliancePolicies",
            Coll::Configurations => "deviceManagement/deviceConfigurations",
            Coll::ConfigurationPolicies => "deviceManagement/configurationPolicies",
            Coll::ManagedDevices => "deviceManagement/managedDevices",
            Coll::CaPolicies => "identity/conditionalAccess/policies",
            other => other.file(),
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One stored object.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: Box<str>,
    /// The object's compact JSON, without the properties in `extras`.
    pub text: Text,
    pub odata_type: Option<Box<str>>,
    /// Created this long ago only: invisible (404, absent from lists) until then.
    pub visible_from: Option<Instant>,
    /// Navigation properties returned only with `$expand` (assignments, scheduled actions).
    // Boxed: 8 bytes per entry instead of 24, and most of a large tenant's entries have none.
    #[allow(clippy::box_collection)]
    pub extras: Option<Box<Vec<(String, Value)>>>,
}

impl Entry {
    /// Builds an entry from an object, moving `extra_names` out of it.
    pub fn from_value(mut value: Value, extra_names: &[&str]) -> Option<Entry> {
        let object = value.as_object_mut()?;
        let id = object.get("id")?.as_str()?.to_string();
        let odata_type = object
            .get("@odata.type")
            .and_then(Value::as_str)
            .map(Into::into);
        let mut extras = Vec::new();
        for name in extra_names {
            if let Some(v) = object.remove(*name) {
                extras.push((name.to_string(), v));
            }
        }
        Some(Entry {
            id: id.into(),
            text: Text::Inline(value.to_string().into()),
            odata_type,
            visible_from: None,
            extras: (!extras.is_empty()).then(|| Box::new(extras)),
        })
    }

    pub fn visible(&self, now: Instant) -> bool {
        self.visible_from.is_none_or(|t| now >= t)
    }

    pub fn extra(&self, name: &str) -> Option<&Value> {
        self.extras
            .as_ref()?
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    pub fn set_extra(&mut self, name: &str, value: Value) {
        let extras = self.extras.get_or_insert_with(Default::default);
        match extras.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => extras.push((name.to_string(), value)),
        }
    }

    /// Replaces the stored object (keeping its extras).
    pub fn set_value(&mut self, value: &Map<String, Value>) {
        self.text = Text::Inline(serde_json::to_string(value).unwrap_or_default().into());
        self.odata_type = value
            .get("@odata.type")
            .and_then(Value::as_str)
            .map(Into::into);
    }
}

/// One collection: entries in list order, an id index, and every property name seen (so a
/// `$select` that covers them all can serve the stored bytes as they are).
#[derive(Debug, Default)]
pub struct Collection {
    pub entries: Vec<Option<Entry>>,
    pub index: HashMap<Box<str>, usize>,
    pub keys: BTreeSet<Box<str>>,
}

impl Collection {
    /// Adds or replaces an entry; the keys of an inline entry are noted (a file-backed one's
    /// were noted by the loader).
    pub fn insert(&mut self, entry: Entry) {
        if let Text::Inline(json) = &entry.text {
            let json = json.clone();
            self.note_keys(&json);
        }
        match self.index.get(&entry.id) {
            Some(&pos) => self.entries[pos] = Some(entry),
            None => {
                self.index.insert(entry.id.clone(), self.entries.len());
                self.entries.push(Some(entry));
            }
        }
    }

    pub fn note_keys(&mut self, json: &str) {
        if let Ok(fields) = serde_json::from_str::<Fields>(json) {
            for (key, _) in fields.0 {
                if !self.keys.contains(key.as_ref()) {
                    self.keys.insert(key.as_ref().into());
                }
            }
        }
    }

    pub fn note_map_keys(&mut self, object: &Map<String, Value>) {
        for key in object.keys() {
            if !self.keys.contains(key.as_str()) {
                self.keys.insert(key.as_str().into());
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.position(id).and_then(|p| self.entries[p].as_ref())
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Entry> {
        let pos = self.position(id)?;
        self.entries[pos].as_mut()
    }

    /// Finds an id case-insensitively, as Graph does for GUIDs.
    fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied().or_else(|| {
            let lower = id.to_ascii_lowercase();
            self.index.get(lower.as_str()).copied()
        })
    }

    pub fn remove(&mut self, id: &str) -> Option<Entry> {
        let pos = self.position(id)?;
        let entry = self.entries[pos].take();
        if let Some(e) = &entry {
            self.index.remove(&e.id);
        }
        entry
    }

    pub fn live(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().flatten()
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }
}

/// What kind of directory object a member is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    User,
    Group,
    Device,
    Other,
}

impl Kind {
    pub fn odata_type(self) -> &'static str {
        match self {
            Kind::User => "#microsoft.graph.user",
            Kind::Group => "#microsoft.graph.group",
            Kind::Device => "#microsoft.graph.device",
            Kind::Other => "#microsoft.graph.directoryObject",
        }
    }

    pub fn from_odata_type(t: &str) -> Option<Kind> {
        match t
            .trim_start_matches('#')
            .trim_start_matches("microsoft.graph.")
        {
            "user" => Some(Kind::User),
            "group" => Some(Kind::Group),
            "device" => Some(Kind::Device),
            _ => None,
        }
    }

    pub fn coll(self) -> Option<Coll> {
        match self {
            Kind::User => Some(Coll::Users),
            Kind::Group => Some(Coll::Groups),
            Kind::Device => Some(Coll::Devices),
            Kind::Other => None,
        }
    }
}

/// A group's direct members, in the order Graph lists them, with a set for membership tests.
#[derive(Debug, Default, Clone)]
pub struct Members {
    pub order: Vec<(Box<str>, Kind)>,
    pub set: HashSet<Box<str>>,
}

impl Members {
    pub fn add(&mut self, id: &str, kind: Kind) -> bool {
        if self.set.contains(id) {
            return false;
        }
        self.set.insert(id.into());
        self.order.push((id.into(), kind));
        true
    }

    pub fn remove(&mut self, id: &str) -> bool {
        if !self.set.remove(id) {
            return false;
        }
        self.order.retain(|(m, _)| m.as_ref() != id);
        true
    }
}

/// What kind of object owns a group: a directory object of the store, or a service principal
/// (served by `principals.rs`, not stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerKind {
    Directory(Kind),
    ServicePrincipal,
}

/// A group-based licence change waiting to be processed (Graph does it asynchronously).
#[derive(Debug, Clone)]
pub struct LicenseJob {
    pub group_id: String,
    pub due: Instant,
}

/// The whole emulated tenant.
#[derive(Debug, Default)]
pub struct Store {
    pub tenant_id: String,
    pub domains: Vec<String>,
    colls: Vec<Collection>,
    pub files: Files,
    pub members: HashMap<Box<str>, Members>,
    /// Each group's owners (`owners@odata.bind`), in the order they were added.
    pub owners: HashMap<Box<str>, Vec<(Box<str>, OwnerKind)>>,
    /// `identitySecurityDefaultsEnforcementPolicy.isEnabled`.
    pub security_defaults: bool,
    pub device_management: Map<String, Value>,
    pub license_jobs: Vec<LicenseJob>,
    /// Licences a group gave a user that the user did not hold before (group, user, SKU in
    /// lower case): what Entra takes away again when the user leaves the group, the group
    /// loses the licence or is deleted.
    pub group_grants: std::collections::BTreeSet<(Box<str>, Box<str>, String)>,
}

impl Store {
    pub fn new(tenant_id: String) -> Store {
        Store {
            tenant_id,
            colls: Coll::ALL.iter().map(|_| Collection::default()).collect(),
            ..Store::default()
        }
    }

    /// An entry's compact JSON.
    pub fn text<'a>(&self, entry: &'a Entry) -> Cow<'a, str> {
        match &entry.text {
            Text::Inline(s) => Cow::Borrowed(s),
            Text::File { file, offset, len } => Cow::Owned(
                self.files
                    .read(*file, *offset, *len)
                    .unwrap_or_else(|| serde_json::json!({"id": entry.id.as_ref()}).to_string()),
            ),
        }
    }

    /// The snapshot bytes behind `entries` in one read, when they all lie in one file close
    /// together (a page of a loaded collection); `None` otherwise.
    pub fn block(&self, entries: &[&Entry]) -> Option<Block> {
        let mut file_of = None;
        let (mut lo, mut hi, mut total) = (u64::MAX, 0u64, 0u64);
        for e in entries {
            let Text::File { file, offset, len } = e.text else {
                return None;
            };
            if *file_of.get_or_insert(file) != file {
                return None;
            }
            lo = lo.min(offset);
            hi = hi.max(offset + u64::from(len));
            total += u64::from(len);
        }
        let file = file_of?;
        // Entries far apart (a collection rewritten out of order): read them one by one.
        if hi - lo > total.saturating_mul(2) + (1 << 20) {
            return None;
        }
        let bytes = self.files.read_bytes(file, lo, (hi - lo) as usize)?;
        Some(Block {
            file,
            base: lo,
            bytes,
        })
    }

    /// An entry's object, parsed.
    pub fn value(&self, entry: &Entry) -> Map<String, Value> {
        serde_json::from_str(&self.text(entry)).unwrap_or_default()
    }

    /// The object with this id in `c`, parsed.
    pub fn value_of(&self, c: Coll, id: &str) -> Option<Map<String, Value>> {
        self.coll(c).get(id).map(|e| self.value(e))
    }

    pub fn coll(&self, c: Coll) -> &Collection {
        &self.colls[c.index()]
    }

    pub fn coll_mut(&mut self, c: Coll) -> &mut Collection {
        &mut self.colls[c.index()]
    }

    /// The kind of directory object `id` is, if the directory has it.
    pub fn kind_of(&self, id: &str) -> Option<Kind> {
        [Kind::User, Kind::Group, Kind::Device]
            .into_iter()
            .find(|k| k.coll().is_some_and(|c| self.coll(c).get(id).is_some()))
    }

    /// The users in `group_id` and, transitively, in its nested groups (cycles tolerated).
    pub fn transitive_members(&self, group_id: &str) -> Vec<(Box<str>, Kind)> {
        let mut seen_groups: HashSet<&str> = HashSet::new();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut out = Vec::new();
        let mut stack = vec![group_id];
        while let Some(g) = stack.pop() {
            if !seen_groups.insert(g) {
                continue;
            }
            if let Some(m) = self.members.get(g) {
                for (id, kind) in &m.order {
                    if seen.insert(id) {
                        out.push((id.clone(), *kind));
                    }
                    if *kind == Kind::Group {
                        stack.push(id);
                    }
                }
            }
        }
        out
    }
}
