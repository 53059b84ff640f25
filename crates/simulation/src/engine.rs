//! The simulation proper: who gets which objects, what each setting was under BMS and what
//! Intune will make of it, per user, device platform and setting.
//!
//! Users are grouped by *signature* — the BMS policy that applies to their devices of a
//! platform, the platform, and the exact set of Intune objects that reach them on it — and each
//! signature is resolved once. The BMS side is read per device (`BmsTargets::device_policy`, the
//! one rule of `bms2intune_analysis::reach`): a user whose devices of one platform get different
//! BMS policies (one phone in a targeted device group, another not) is compared once per policy,
//! each with the Intune objects that reach those devices.
//! A million users with a few dozen distinct signatures cost a few dozen resolutions plus one
//! pass over the users.

use crate::objects::{catalog, Origin, SimObject};
use crate::resolve::{resolve, Contribution, ObjectKind, Rule};
use crate::strictness::{compare, strictness};
pub use crate::uncertain::UncheckedObject;
use crate::uncertain::{unchecked_objects, unknown_if_uncertain};
use bms2intune_analysis::devices::{is_android_enterprise, windows_kind, DevicesByUser};
use bms2intune_analysis::{BitSet, BmsTargets, Membership};
use bms2intune_mapping::{Collection, Fidelity, Mapping, TargetPlatform};
use bms2intune_model::order::NameOrder;
use bms2intune_model::{
    DevicePlatform, Directory, ManagedDevice, Part, SettingValue, Tenant, UserIx,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// Prefix of the setting keys of BMS settings that have no Intune property.
pub const BMS_KEY_PREFIX: &str = "bms:";

/// What happens to one setting of one user's devices of one platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Intune enforces what BMS enforced.
    Unchanged,
    /// Intune enforces a stricter value.
    Stricter,
    /// Intune enforces a looser value.
    Looser,
    /// Intune objects disagree and Intune applies none of their values.
    Conflict,
    /// BMS enforced it and nothing in Intune replaces it.
    Lost,
    /// Not managed under BMS; Intune will enforce it.
    New,
    /// An existing Intune object whose reach is not known (a filter, a Configuration
    /// Manager collection, assignments not exported) may set it: the result cannot be told.
    Unknown,
}

impl Outcome {
    pub const ALL: [Outcome; 7] = [
        Outcome::Unchanged,
        Outcome::Stricter,
        Outcome::Looser,
        Outcome::Conflict,
        Outcome::Lost,
        Outcome::New,
        Outcome::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Unchanged => "unchanged",
            Outcome::Stricter => "stricter",
            Outcome::Looser => "looser",
            Outcome::Conflict => "conflict",
            Outcome::Lost => "lost",
            Outcome::New => "new",
            Outcome::Unknown => "unknown",
        }
    }
}

/// Counts per outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub unchanged: u64,
    pub stricter: u64,
    pub looser: u64,
    pub conflict: u64,
    pub lost: u64,
    pub new: u64,
    pub unknown: u64,
}

impl Counts {
    fn add(&mut self, outcome: Outcome, n: u64) {
        let slot = match outcome {
            Outcome::Unchanged => &mut self.unchanged,
            Outcome::Stricter => &mut self.stricter,
            Outcome::Looser => &mut self.looser,
            Outcome::Conflict => &mut self.conflict,
            Outcome::Lost => &mut self.lost,
            Outcome::New => &mut self.new,
            Outcome::Unknown => &mut self.unknown,
        };
        *slot += n;
    }

    /// Everything but `unchanged`.
    pub fn changed(&self) -> u64 {
        self.stricter + self.looser + self.conflict + self.lost + self.new + self.unknown
    }
}

/// The result for one setting of one signature.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingOutcome {
    pub setting: String,
    pub outcome: Outcome,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// The object whose value applies, by index into [`Simulation::objects`].
    pub winner: Option<u32>,
    pub rule: Option<Rule>,
}

/// Users who share a BMS policy, a platform and the set of Intune objects on it.
#[derive(Debug, Clone)]
pub struct Signature {
    /// Index into `tenant.bms.policies` of the BMS policy that applies today to the devices
    /// compared.
    pub bms_policy: Option<usize>,
    pub platform: TargetPlatform,
    /// Users the waves leave unplaced (no seat in any wave): what happens once they are
    /// licensed, counted apart.
    pub unplaced: bool,
    /// Indexes into [`Simulation::objects`], ascending.
    pub objects: Vec<u32>,
    pub users: u64,
    pub outcomes: Vec<SettingOutcome>,
}

/// An Intune object named in the output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub display_name: String,
    pub odata_type: String,
    pub kind: ObjectKind,
    #[serde(flatten)]
    pub origin: Origin,
}

impl PartialOrd for Origin {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Origin {
    fn cmp(&self, other: &Self) -> Ordering {
        let key = |o: &Origin| match o {
            Origin::Generated { file, .. } => (0, file.clone()),
            Origin::Existing { id } => (1, id.clone()),
        };
        key(self).cmp(&key(other))
    }
}

/// Two objects that give one setting different values for the same users.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    pub platform: TargetPlatform,
    pub setting: String,
    pub objects: [ObjectRef; 2],
    pub values: [Value; 2],
    /// How Intune resolves it.
    pub resolution: Cow<'static, str>,
    pub rule: Rule,
    /// The value that applies, if any.
    pub applied_value: Option<Value>,
    /// Every user affected, unplaced users included.
    pub affected_users: u64,
    /// Of `affected_users`, those the waves leave unplaced: the conflict reaches them once they
    /// are licensed.
    pub affected_unplaced_users: u64,
    /// Up to ten affected users, by user principal name.
    pub sample_users: Vec<String>,
    pub suggested_fix: String,
}

/// Per platform totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlatformImpact {
    pub platform: TargetPlatform,
    pub users: u64,
    #[serde(flatten)]
    pub counts: Counts,
}

/// Per setting totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingImpact {
    pub platform: TargetPlatform,
    pub setting: String,
    /// True when the stricter/looser order of this setting is our assumption.
    pub order_assumed: bool,
    #[serde(flatten)]
    pub counts: Counts,
}

/// A user with many changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AffectedUser {
    pub id: String,
    pub user_principal_name: String,
    pub display_name: String,
    pub changes: u64,
    pub lost: u64,
    pub conflicts: u64,
}

/// The part of the impact that concerns users the waves leave unplaced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnplacedImpact {
    /// Users a BMS policy reaches whom no wave licenses (yet).
    pub users: u64,
    /// Their share of [`Impact::by_outcome`].
    pub by_outcome: Counts,
}

/// The `impact` block of `plan.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Impact {
    /// Users the move concerns: every user a BMS policy reaches, unplaced users included.
    pub users: u64,
    /// Users the waves leave unplaced, counted apart: their rows show what happens once they
    /// are licensed.
    pub unplaced: UnplacedImpact,
    /// User × platform × BMS policy combinations simulated (a user whose devices of one
    /// platform get different BMS policies counts once per policy).
    pub user_platforms: u64,
    /// Distinct signatures resolved.
    pub signatures: u64,
    pub by_outcome: Counts,
    pub by_platform: Vec<PlatformImpact>,
    pub by_setting: Vec<SettingImpact>,
    pub most_affected_users: Vec<AffectedUser>,
    pub assumptions: Vec<String>,
    /// Existing objects whose reach is unknown: conflicts with them were not checked.
    pub conflicts_unchecked: Vec<UncheckedObject>,
}

/// The whole simulation.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub objects: Vec<SimObject>,
    pub signatures: Vec<Signature>,
    /// `(user, signature)` pairs, sorted by user index.
    pub memberships: Vec<(UserIx, u32)>,
    /// Changed settings per user (index = `UserIx`), for wave planning.
    pub user_changes: Vec<u32>,
    pub impact: Impact,
    pub conflicts: Vec<Conflict>,
}

/// The simulation platform of a managed device; `None` when no migrated policy can reach it
/// (macOS, Windows 8.1/RT/Phone, …).
pub fn device_platform(device: &ManagedDevice) -> Option<TargetPlatform> {
    match device.platform {
        DevicePlatform::Ios | DevicePlatform::IpadOs => Some(TargetPlatform::Ios),
        DevicePlatform::Android => Some(if is_android_enterprise(device) {
            TargetPlatform::AndroidWorkProfile
        } else {
            TargetPlatform::AndroidDeviceAdmin
        }),
        DevicePlatform::Windows => {
            (!windows_kind(device).is_not_migrated()).then_some(TargetPlatform::Windows)
        }
        _ => None,
    }
}

fn platform_rank(p: TargetPlatform) -> usize {
    TargetPlatform::DEVICE
        .iter()
        .position(|x| *x == p)
        .unwrap_or(usize::MAX)
}

fn setting_value_json(value: &SettingValue) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// What BMS policy `policy` enforces on `platform`, keyed like the Intune side: the values of
/// its generated objects (compliance over configuration), the original BMS number where the
/// mapping rounded it, and `bms:<Property>` for settings Intune cannot take.
fn before_values(
    tenant: &Tenant,
    mapping: &Mapping,
    objects: &[SimObject],
    policy: usize,
    platform: TargetPlatform,
) -> BTreeMap<String, Value> {
    let bms_policy = &tenant.bms.policies[policy];
    let mine = |source: &str| source == bms_policy.name;
    let mut contributions: BTreeMap<&str, Vec<Contribution>> = BTreeMap::new();
    for (i, o) in objects.iter().enumerate() {
        if let Origin::Generated { source_policy, .. } = &o.origin {
            if mine(source_policy) && o.platform == platform {
                for (k, v) in &o.settings {
                    contributions.entry(k).or_default().push(Contribution {
                        object: i as u32,
                        kind: o.kind,
                        value: v,
                    });
                }
            }
        }
    }
    let mut before: BTreeMap<String, Value> = contributions
        .iter()
        .filter_map(|(k, c)| resolve(k, c).value.map(|v| (k.to_string(), v.clone())))
        .collect();
    for r in mapping
        .recommendations
        .iter()
        .filter(|r| mine(&r.source_policy) && r.source_kind == bms_policy.kind)
    {
        if matches!(r.collection, Some(Collection::ConditionalAccessPolicies)) {
            continue;
        }
        for s in r.settings.iter().filter(|s| s.platform == platform) {
            match (&s.target_property, s.fidelity) {
                (Some(property), Fidelity::Approximated) => {
                    let raw = match &s.bms_value {
                        SettingValue::Int(n) => Some(Value::from(*n)),
                        SettingValue::Minutes(m) => Some(Value::from(*m)),
                        _ => None,
                    };
                    if let (Some(raw), Some(true)) =
                        (raw, s.target_value.as_ref().map(Value::is_number))
                    {
                        if before.contains_key(property) {
                            before.insert(property.clone(), raw);
                        }
                    }
                }
                (None, Fidelity::NotMigrated | Fidelity::Manual) => {
                    before.insert(
                        format!("{BMS_KEY_PREFIX}{}", s.bms_property),
                        setting_value_json(&s.bms_value),
                    );
                }
                _ => {}
            }
        }
    }
    before
}

fn outcome_of(
    setting: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    conflicted: bool,
) -> Outcome {
    if conflicted {
        return Outcome::Conflict;
    }
    match (before, after) {
        (Some(_), None) => Outcome::Lost,
        (None, Some(_)) => Outcome::New,
        (None, None) => Outcome::Unchanged,
        (Some(b), Some(a)) => match compare(setting, a, b) {
            Some(Ordering::Equal) => Outcome::Unchanged,
            Some(Ordering::Greater) => Outcome::Stricter,
            Some(Ordering::Less) => Outcome::Looser,
            // Different values with no known order: counted as looser so someone reviews it.
            None => Outcome::Looser,
        },
    }
}

#[derive(Default)]
struct ConflictAcc {
    rule: Option<Rule>,
    values: Option<[Value; 2]>,
    applied: Option<Value>,
    users: u64,
    unplaced_users: u64,
    signatures: Vec<u32>,
}

fn suggested_fix(
    rule: Rule,
    a: &SimObject,
    b: &SimObject,
    setting: &str,
    applied: Option<&Value>,
) -> String {
    let generated_vs_existing = a.is_generated() != b.is_generated();
    let (mine, theirs) = if a.is_generated() { (a, b) } else { (b, a) };
    match rule {
        Rule::ConfigurationConflict if generated_vs_existing => format!(
            "Neither value applies until this is fixed: set {setting} in \"{}\" to the same value as \"{}\", or exclude the migration's target groups from \"{}\" (or remove the setting from one of them).",
            theirs.display_name, mine.display_name, theirs.display_name
        ),
        Rule::ConfigurationConflict => format!(
            "Both objects come from BMS policies whose users overlap: keep --preserve-priority on, or make the BMS target groups disjoint, so {setting} comes from one policy only."
        ),
        Rule::MostRestrictiveCompliance | Rule::UnorderedComplianceConflict => format!(
            "Intune applies {} for {setting}. If the other value is the one you want, align \"{}\" with it; otherwise no action is needed.",
            applied.map_or_else(|| "no value".to_string(), |v| v.to_string()),
            if generated_vs_existing { &theirs.display_name } else { &b.display_name }
        ),
        Rule::ComplianceBeatsConfiguration => format!(
            "The compliance policy's value ({}) applies; remove {setting} from the configuration profile or align it, so the two do not disagree.",
            applied.map_or_else(|| "none".to_string(), |v| v.to_string())
        ),
        Rule::SingleValue => String::new(),
    }
}

/// What [`simulate`] works on: the tenant, the stages' shared results and the plan's wave
/// outcome. Built by the caller once; the simulation borrows it.
#[derive(Clone, Copy)]
pub struct SimulationInput<'a> {
    pub tenant: &'a Tenant,
    /// Transitive group membership of `tenant`'s directory.
    pub membership: &'a Membership<'a>,
    /// Whom the BMS policies reach and which applies (`bms2intune_analysis::targets`).
    pub targets: &'a BmsTargets,
    /// The Intune objects that replace the BMS policies.
    pub mapping: &'a Mapping,
    /// Users the waves leave unplaced (for example because Intune seats run out). They are
    /// simulated as if licensed, so that no change or conflict is hidden while they wait for a
    /// seat, and counted apart ([`Impact::unplaced`], [`Signature::unplaced`]).
    pub unplaced: &'a BitSet,
}

/// Runs the simulation: assigns every user in scope to signatures, resolves each signature
/// once, and totals the outcomes and conflicts.
pub fn simulate(input: &SimulationInput) -> Simulation {
    let objects = catalog(input.tenant, input.membership, input.mapping);
    let assumptions = assumptions(input.tenant.parts.contains(Part::ManagedDevices));
    let grouped = assign_signatures(input, &objects);
    let Grouped {
        mut signatures,
        mut memberships,
        population,
        unplaced_users,
    } = grouped;
    let conflicts = resolve_signatures(input, &objects, &mut signatures);
    memberships.sort_unstable();
    let dir = &input.tenant.directory;
    let per_user = PerUser::count(dir.users().len(), &signatures, &memberships);
    let totals = Totals::of(&signatures);
    let impact = Impact {
        users: population,
        unplaced: Totals::unplaced(unplaced_users, &signatures),
        user_platforms: memberships.len() as u64,
        signatures: signatures.len() as u64,
        by_outcome: totals.by_outcome,
        by_platform: totals.by_platform(),
        by_setting: totals.by_setting(),
        most_affected_users: per_user.most_affected(dir),
        assumptions,
        conflicts_unchecked: unchecked_objects(&objects),
    };
    let conflicts = conflict_list(dir, &objects, &memberships, conflicts);
    Simulation {
        objects,
        signatures,
        memberships,
        user_changes: per_user.changes,
        impact,
        conflicts,
    }
}

/// The statements `impact.assumptions` makes about how the simulation reads the tenant.
fn assumptions(devices_known: bool) -> Vec<String> {
    let mut assumptions = vec![
        "Before = what BMS enforces on the user's devices: per device, the first policy by priority among those targeting the device (device groups) or its primary user (user groups); after = what every Intune object assigned to the user or device enforces, resolved with Intune's rules: compliance vs compliance, the most restrictive value wins; compliance beats configuration; two configuration profiles that disagree are a conflict and neither applies.".to_string(),
        "Every user a BMS policy reaches is simulated as moving to Intune, including users the waves leave unplaced (no seat yet): their rows show what happens once they are licensed and are counted apart (impact.unplaced, the wave column of impact.csv); Windows 8.1/RT/Phone, macOS and other devices no migrated policy reaches are left out here (see the windows-not-migrated finding).".to_string(),
        "Devices of one user and platform that get different BMS policies (one in a targeted device group, one not) are compared separately, one row per BMS policy (the bms_policy column of impact.csv).".to_string(),
        "Microsoft does not define \"most restrictive\" per setting: numbers order by meaning (longer minimum length, shorter lock time and expiry are stricter), password types from simple to complex, and for other settings `true` (block/require) is taken as stricter — settings whose order is our assumption are marked orderAssumed.".to_string(),
        "Existing Intune properties that hold Graph's defaults (false, null, deviceDefault, notConfigured) count as not configured.".to_string(),
    ];
    if !devices_known {
        assumptions.push(
            "graph/managedDevices is missing: each user is simulated on every platform their BMS policy has Intune objects for.".to_string(),
        );
    }
    assumptions
}

/// Users grouped by signature.
struct Grouped {
    signatures: Vec<Signature>,
    /// `(user, signature)` pairs, in user order.
    memberships: Vec<(UserIx, u32)>,
    /// Users in scope.
    population: u64,
    /// Of them, users the waves leave unplaced.
    unplaced_users: u64,
}

/// The signature key: BMS policy, platform, unplaced, the objects that apply.
type SignatureKey = (Option<usize>, TargetPlatform, bool, Vec<u32>);

/// Assigns every user in scope, per platform they have a device on and per BMS policy those
/// devices get, to a signature: one pass over the users, with buffers reused across users.
fn assign_signatures(input: &SimulationInput, objects: &[SimObject]) -> Grouped {
    let SimulationInput {
        tenant,
        targets,
        unplaced,
        ..
    } = *input;
    let dir = &tenant.directory;
    let devices_known = tenant.parts.contains(Part::ManagedDevices);
    // Each device's platform, once (no map, no per-user allocation); its BMS policy is a
    // lookup in `targets`.
    let platform_of: Vec<Option<TargetPlatform>> =
        dir.managed_devices().iter().map(device_platform).collect();
    let user_devices = DevicesByUser::new(dir, |i, _| platform_of[i].is_some());
    let policy_platforms = |policy: usize| -> Vec<TargetPlatform> {
        let name = &tenant.bms.policies[policy].name;
        let mut platforms: Vec<TargetPlatform> = objects
            .iter()
            .filter(|o| matches!(&o.origin, Origin::Generated { source_policy, .. } if source_policy == name))
            .map(|o| o.platform)
            .collect();
        platforms.sort_by_key(|p| platform_rank(*p));
        platforms.dedup();
        platforms
    };

    let mut signature_index: HashMap<SignatureKey, u32> = HashMap::new();
    let mut grouped = Grouped {
        signatures: Vec::new(),
        memberships: Vec::new(),
        population: 0,
        unplaced_users: 0,
    };
    // The user's devices of one platform, ordered by the BMS policy they get.
    let mut devices: Vec<(Option<usize>, usize)> = Vec::new();
    let mut chunk: Vec<usize> = Vec::new();
    for u in 0..dir.users().len() {
        let user = UserIx(u as u32);
        if !targets.is_in_scope(user) {
            continue;
        }
        grouped.population += 1;
        let waiting = unplaced.contains(u);
        grouped.unplaced_users += u64::from(waiting);
        let own_devices = user_devices.get(user);
        if !devices_known {
            // No device inventory: the user's own policy, on every platform it has objects for.
            let policy = targets.user_policy(user).map(|p| p.policy);
            for platform in policy.map(policy_platforms).unwrap_or_default() {
                let applying = applying_objects(objects, platform, u, &[]);
                let index =
                    grouped.signature(&mut signature_index, (policy, platform, waiting, applying));
                grouped.add(user, index);
            }
            continue;
        }
        for &platform in &TargetPlatform::DEVICE {
            devices.clear();
            devices.extend(
                own_devices
                    .iter()
                    .filter(|d| platform_of[d.ix()] == Some(platform))
                    .map(|&d| (targets.device_policy(d).map(|p| p.policy), d.ix())),
            );
            if devices.is_empty() {
                continue;
            }
            devices.sort_unstable();
            for same_policy in devices.chunk_by(|a, b| a.0 == b.0) {
                chunk.clear();
                chunk.extend(same_policy.iter().map(|&(_, d)| d));
                let applying = applying_objects(objects, platform, u, &chunk);
                let key = (same_policy[0].0, platform, waiting, applying);
                let index = grouped.signature(&mut signature_index, key);
                grouped.add(user, index);
            }
        }
    }
    grouped
}

/// The objects of `platform` assigned to user `u` or to one of `devices`, ascending.
fn applying_objects(
    objects: &[SimObject],
    platform: TargetPlatform,
    u: usize,
    devices: &[usize],
) -> Vec<u32> {
    objects
        .iter()
        .enumerate()
        .filter(|(_, o)| {
            o.platform == platform
                && (o.users.contains(u) || devices.iter().any(|d| o.devices.contains(*d)))
        })
        .map(|(i, _)| i as u32)
        .collect()
}

impl Grouped {
    fn add(&mut self, user: UserIx, signature: u32) {
        self.signatures[signature as usize].users += 1;
        self.memberships.push((user, signature));
    }

    /// The index of the signature with `key`, created when new. Most users share a signature:
    /// look up first, clone the key only when new.
    fn signature(&mut self, index: &mut HashMap<SignatureKey, u32>, key: SignatureKey) -> u32 {
        if let Some(&i) = index.get(&key) {
            return i;
        }
        let i = self.signatures.len() as u32;
        self.signatures.push(Signature {
            bms_policy: key.0,
            platform: key.1,
            unplaced: key.2,
            objects: key.3.clone(),
            users: 0,
            outcomes: Vec::new(),
        });
        index.insert(key, i);
        i
    }
}

/// Conflicting pairs of objects, per platform and setting, as found while resolving.
type ConflictMap = BTreeMap<(TargetPlatform, String, u32, u32), ConflictAcc>;

/// Resolves each signature once: fills its `outcomes` and collects the disagreements between
/// objects (at least one of them generated) into conflicts.
fn resolve_signatures(
    input: &SimulationInput,
    objects: &[SimObject],
    signatures: &mut [Signature],
) -> ConflictMap {
    let mut before_cache: HashMap<(usize, TargetPlatform), BTreeMap<String, Value>> =
        HashMap::new();
    let mut conflicts = ConflictMap::new();
    for (s, sig) in signatures.iter_mut().enumerate() {
        let before = match sig.bms_policy {
            Some(p) => before_cache
                .entry((p, sig.platform))
                .or_insert_with(|| {
                    before_values(input.tenant, input.mapping, objects, p, sig.platform)
                })
                .clone(),
            None => BTreeMap::new(),
        };
        resolve_signature(objects, sig, s as u32, &before, &mut conflicts);
    }
    conflicts
}

/// Compares `before` with what the signature's objects enforce, setting by setting.
fn resolve_signature(
    objects: &[SimObject],
    sig: &mut Signature,
    s: u32,
    before: &BTreeMap<String, Value>,
    conflicts: &mut ConflictMap,
) {
    let mut contributions: BTreeMap<&str, Vec<Contribution>> = BTreeMap::new();
    for &o in &sig.objects {
        let object = &objects[o as usize];
        for (k, v) in &object.settings {
            contributions.entry(k).or_default().push(Contribution {
                object: o,
                kind: object.kind,
                value: v,
            });
        }
    }
    let mut keys: Vec<&str> = before
        .keys()
        .map(String::as_str)
        .chain(contributions.keys().copied())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        let resolution = contributions.get(key).map(|c| resolve(key, c));
        let conflicted = resolution.as_ref().is_some_and(|r| {
            matches!(
                r.rule,
                Rule::ConfigurationConflict | Rule::UnorderedComplianceConflict
            )
        });
        let after = resolution.as_ref().and_then(|r| r.value);
        let outcome = outcome_of(key, before.get(key), after, conflicted);
        let outcome = unknown_if_uncertain(outcome, objects, contributions.get(key));
        if let Some(r) = &resolution {
            for &(a, b, rule) in &r.disagreements {
                if !objects[a as usize].is_generated() && !objects[b as usize].is_generated() {
                    continue;
                }
                if !objects[a as usize].reach_known() || !objects[b as usize].reach_known() {
                    // Listed in `conflicts_unchecked`, not as a conflict.
                    continue;
                }
                let (x, y) = if a <= b { (a, b) } else { (b, a) };
                let acc = conflicts
                    .entry((sig.platform, key.to_string(), x, y))
                    .or_default();
                acc.rule = Some(rule);
                let value_of = |o: u32| {
                    objects[o as usize]
                        .settings
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, v)| v.clone())
                        .unwrap_or(Value::Null)
                };
                acc.values = Some([value_of(x), value_of(y)]);
                acc.applied = r.value.cloned();
                acc.users += sig.users;
                if sig.unplaced {
                    acc.unplaced_users += sig.users;
                }
                acc.signatures.push(s);
            }
        }
        sig.outcomes.push(SettingOutcome {
            setting: key.to_string(),
            outcome,
            before: before.get(key).cloned(),
            after: after.cloned(),
            winner: resolution.as_ref().and_then(|r| r.winner),
            rule: resolution.as_ref().map(|r| r.rule),
        });
    }
}

/// Outcome counts in total, per platform and per setting, weighted by users.
struct Totals {
    by_outcome: Counts,
    by_platform: BTreeMap<usize, (u64, Counts)>,
    by_setting: BTreeMap<(usize, String), Counts>,
}

impl Totals {
    fn of(signatures: &[Signature]) -> Totals {
        let mut t = Totals {
            by_outcome: Counts::default(),
            by_platform: BTreeMap::new(),
            by_setting: BTreeMap::new(),
        };
        for sig in signatures {
            let platform = t
                .by_platform
                .entry(platform_rank(sig.platform))
                .or_default();
            platform.0 += sig.users;
            for o in &sig.outcomes {
                t.by_outcome.add(o.outcome, sig.users);
                platform.1.add(o.outcome, sig.users);
                t.by_setting
                    .entry((platform_rank(sig.platform), o.setting.clone()))
                    .or_default()
                    .add(o.outcome, sig.users);
            }
        }
        t
    }

    /// The `users` unplaced users' share of the outcomes.
    fn unplaced(users: u64, signatures: &[Signature]) -> UnplacedImpact {
        let mut unplaced = UnplacedImpact {
            users,
            by_outcome: Counts::default(),
        };
        for sig in signatures.iter().filter(|s| s.unplaced) {
            for o in &sig.outcomes {
                unplaced.by_outcome.add(o.outcome, sig.users);
            }
        }
        unplaced
    }

    fn by_platform(&self) -> Vec<PlatformImpact> {
        self.by_platform
            .iter()
            .map(|(&rank, &(users, counts))| PlatformImpact {
                platform: TargetPlatform::DEVICE[rank],
                users,
                counts,
            })
            .collect()
    }

    fn by_setting(&self) -> Vec<SettingImpact> {
        self.by_setting
            .iter()
            .map(|((rank, setting), &counts)| SettingImpact {
                platform: TargetPlatform::DEVICE[*rank],
                order_assumed: !setting.starts_with(BMS_KEY_PREFIX)
                    && strictness(setting).assumption,
                setting: setting.clone(),
                counts,
            })
            .collect()
    }
}

/// Changed, lost and conflicting settings per user (index = `UserIx`).
struct PerUser {
    changes: Vec<u32>,
    lost: Vec<u32>,
    conflicts: Vec<u32>,
}

impl PerUser {
    fn count(users: usize, signatures: &[Signature], memberships: &[(UserIx, u32)]) -> PerUser {
        let mut p = PerUser {
            changes: vec![0; users],
            lost: vec![0; users],
            conflicts: vec![0; users],
        };
        for &(user, s) in memberships {
            for o in &signatures[s as usize].outcomes {
                match o.outcome {
                    Outcome::Lost => p.lost[user.ix()] += 1,
                    Outcome::Conflict => p.conflicts[user.ix()] += 1,
                    _ => {}
                }
                if o.outcome != Outcome::Unchanged {
                    p.changes[user.ix()] += 1;
                }
            }
        }
        p
    }

    /// The 20 users with the most changes (then by UPN and ID): select, then sort only them.
    fn most_affected(&self, dir: &Directory) -> Vec<AffectedUser> {
        let upn_rank = dir.user_rank(NameOrder::Exact);
        let by_changes = |&u: &usize| (std::cmp::Reverse(self.changes[u]), upn_rank[u]);
        let mut ranked: Vec<usize> = (0..dir.users().len())
            .filter(|&u| self.changes[u] > 0)
            .collect();
        if ranked.len() > 20 {
            ranked.select_nth_unstable_by_key(20, by_changes);
            ranked.truncate(20);
        }
        ranked.sort_unstable_by_key(by_changes);
        ranked
            .into_iter()
            .take(20)
            .map(|u| AffectedUser {
                id: dir.users()[u].id.to_string(),
                user_principal_name: dir.users()[u].user_principal_name.to_string(),
                display_name: dir.users()[u].display_name.to_string(),
                changes: self.changes[u] as u64,
                lost: self.lost[u] as u64,
                conflicts: self.conflicts[u] as u64,
            })
            .collect()
    }
}

/// The conflicts, with up to ten sample users each, most users first.
fn conflict_list(
    dir: &Directory,
    objects: &[SimObject],
    memberships: &[(UserIx, u32)],
    conflicts: ConflictMap,
) -> Vec<Conflict> {
    let mut sig_users: HashMap<u32, Vec<UserIx>> = HashMap::new();
    for &(user, s) in memberships {
        let list = sig_users.entry(s).or_default();
        if list.len() < 10 {
            list.push(user);
        }
    }
    let mut conflict_list: Vec<Conflict> = conflicts
        .into_iter()
        .filter_map(|((platform, setting, a, b), acc)| {
            let rule = acc.rule?;
            let values = acc.values?;
            let (oa, ob) = (&objects[a as usize], &objects[b as usize]);
            let mut sample: Vec<String> = acc
                .signatures
                .iter()
                .flat_map(|s| sig_users.get(s).into_iter().flatten())
                .map(|u| dir.users()[u.ix()].user_principal_name.to_string())
                .collect();
            sample.sort();
            sample.dedup();
            sample.truncate(10);
            let to_ref = |o: &SimObject| ObjectRef {
                display_name: o.display_name.clone(),
                odata_type: o.odata_type.clone(),
                kind: o.kind,
                origin: o.origin.clone(),
            };
            Some(Conflict {
                platform,
                suggested_fix: suggested_fix(rule, oa, ob, &setting, acc.applied.as_ref()),
                setting,
                objects: [to_ref(oa), to_ref(ob)],
                values,
                resolution: rule.explain().into(),
                rule,
                applied_value: acc.applied,
                affected_users: acc.users,
                affected_unplaced_users: acc.unplaced_users,
                sample_users: sample,
            })
        })
        .collect();
    conflict_list.sort_by(|a, b| {
        b.affected_users
            .cmp(&a.affected_users)
            .then_with(|| platform_rank(a.platform).cmp(&platform_rank(b.platform)))
            .then_with(|| a.setting.cmp(&b.setting))
            .then_with(|| a.objects.cmp(&b.objects))
    });
    conflict_list
}

/// One line of `impact.csv`: a user × platform × setting that changes.
#[derive(Debug, Clone)]
pub struct ImpactRow<'a> {
    pub user: UserIx,
    pub platform: TargetPlatform,
    /// Index into `tenant.bms.policies` of the BMS policy the `before` value comes from.
    pub bms_policy: Option<usize>,
    /// The user waits for a seat: the row shows what happens once they are licensed.
    pub unplaced: bool,
    pub outcome: &'a SettingOutcome,
    pub winner: Option<&'a SimObject>,
}

impl Simulation {
    /// Every changed user × platform × setting, ordered by user principal name, platform, BMS
    /// policy (in snapshot order) and setting.
    pub fn changed_rows<'a>(
        &'a self,
        tenant: &'a Tenant,
    ) -> impl Iterator<Item = ImpactRow<'a>> + 'a {
        // By UPN, then ID (the directory's rank table), then platform.
        let rank = tenant.directory.user_rank(NameOrder::Exact);
        let mut order: Vec<(UserIx, u32)> = self.memberships.clone();
        order.sort_by_key(|&(user, s)| {
            let sig = &self.signatures[s as usize];
            (
                rank[user.ix()],
                platform_rank(sig.platform),
                sig.bms_policy.map_or(usize::MAX, |p| p),
            )
        });
        order.into_iter().flat_map(move |(user, s)| {
            let sig = &self.signatures[s as usize];
            sig.outcomes
                .iter()
                .filter(|o| o.outcome != Outcome::Unchanged)
                .map(move |o| ImpactRow {
                    user,
                    platform: sig.platform,
                    bms_policy: sig.bms_policy,
                    unplaced: sig.unplaced,
                    outcome: o,
                    winner: o.winner.map(|w| &self.objects[w as usize]),
                })
        })
    }
}
