//! Writes `bms/`: the six Security & Compliance PowerShell exports, each in the serialization
//! a different admin session produces (see the Contoso sample's README for the catalogue).

use crate::json::{guid_text, iso, iso_offset, ms_date, powershell_json, Encoding, PsStyle};
use crate::rng::Rng;
use crate::tenant::{self, TenantPlan, MISC_STREAM};
use crate::Sink;
use serde_json::{json, Map, Value};

const BLOCK_SUFFIX: &str = "{914f151c-394b-4da9-9422-f5a2f65dec30}";
const ALLOW_SUFFIX: &str = "{58b50d1c-2b18-461c-8893-3e20c648b136}";

/// Every setting property of a rule, in the order `Get-Device*Rule` lists them.
const SETTING_PROPERTIES: [&str; 56] = [
    "AccountName",
    "AccountUserName",
    "AllowAppStore",
    "AllowAssistantWhileLocked",
    "AllowConvenienceLogon",
    "AllowDiagnosticSubmission",
    "AllowiCloudBackup",
    "AllowiCloudDocSync",
    "AllowiCloudPhotoSync",
    "AllowJailbroken",
    "AllowMove",
    "AllowPassbookWhileLocked",
    "AllowRecentAddressSyncing",
    "AllowScreenshot",
    "AllowSimplePassword",
    "AllowVideoConferencing",
    "AllowVoiceAssistant",
    "AllowVoiceDialing",
    "AntiVirusSignatureStatus",
    "AntiVirusStatus",
    "AppsRating",
    "AutoUpdateStatus",
    "BluetoothEnabled",
    "CameraEnabled",
    "ContentType",
    "DaysToSync",
    "EmailAddress",
    "EnableRemovableStorage",
    "ExchangeActiveSyncHost",
    "FirewallStatus",
    "ForceAppStorePassword",
    "ForceEncryptedBackup",
    "MaxPasswordAttemptsBeforeWipe",
    "MaxPasswordGracePeriod",
    "MoviesRating",
    "PasswordComplexity",
    "PasswordExpirationDays",
    "PasswordHistoryCount",
    "PasswordMinComplexChars",
    "PasswordMinimumLength",
    "PasswordQuality",
    "PasswordRequired",
    "PasswordTimeout",
    "PhoneMemoryEncrypted",
    "RegionRatings",
    "RequireEmailProfile",
    "SmartScreenEnabled",
    "SyncSchedule",
    "SystemSecurityTLS",
    "TVShowsRating",
    "UseOnlyInEmail",
    "UserAccountControlStatus",
    "UseSMIME",
    "UseSSL",
    "WLANEnabled",
    "WorkFoldersSyncUrl",
];

/// A configured setting value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum V {
    B(bool),
    I(i64),
    /// A TimeSpan in minutes.
    Min(u32),
    /// An enum: its number and its name.
    E(i64, &'static str),
    S(&'static str),
}

impl V {
    /// As Windows PowerShell 5.1 writes it (numbers for enums, TimeSpan objects), or as
    /// PowerShell 7 with `-EnumsAsStrings` (names, `hh:mm:ss`).
    fn json(self, names: bool) -> Value {
        match self {
            V::B(b) => json!(b),
            V::I(n) => json!(n),
            V::S(s) => json!(s),
            V::E(n, name) => {
                if names {
                    json!(name)
                } else {
                    json!(n)
                }
            }
            V::Min(m) if names => json!(format!("{:02}:{:02}:00", m / 60, m % 60)),
            V::Min(m) => {
                let m64 = f64::from(m);
                json!({
                    "Ticks": i64::from(m) * 600_000_000,
                    "Days": m / 1440,
                    "Hours": (m / 60) % 24,
                    "Milliseconds": 0,
                    "Minutes": m % 60,
                    "Seconds": 0,
                    "TotalDays": m64 / 1440.0,
                    "TotalHours": m64 / 60.0,
                    "TotalMilliseconds": i64::from(m) * 60_000,
                    "TotalMinutes": m,
                    "TotalSeconds": i64::from(m) * 60
                })
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Target {
    /// A group of the snapshot, by index, written as a string.
    Group(usize),
    /// A group written as `{"Guid": …}` (a deserialized GUID object).
    GroupObject(usize),
    /// An ID that is no group of the snapshot.
    Raw(u128),
}

#[derive(Debug, Clone)]
struct PolicyDef {
    name: String,
    block: bool,
    pending: bool,
    priority: i64,
    comment: String,
    targets: Vec<Target>,
    settings: Vec<(&'static str, V)>,
    guid: u128,
    rule_guid: u128,
    version: u128,
    rule_version: u128,
    created: i64,
    changed: i64,
}

fn strict() -> Vec<(&'static str, V)> {
    vec![
        ("PasswordRequired", V::B(true)),
        ("AllowSimplePassword", V::B(false)),
        ("PasswordMinComplexChars", V::I(3)),
        ("PasswordMinimumLength", V::I(8)),
        ("MaxPasswordAttemptsBeforeWipe", V::I(10)),
        ("PasswordTimeout", V::Min(15)),
        ("PasswordExpirationDays", V::I(90)),
        ("PasswordHistoryCount", V::I(5)),
        ("PhoneMemoryEncrypted", V::B(true)),
        ("AllowJailbroken", V::B(false)),
        ("RequireEmailProfile", V::B(true)),
        ("ForceEncryptedBackup", V::B(true)),
        ("AllowiCloudBackup", V::B(false)),
        ("AllowiCloudDocSync", V::B(false)),
        ("AllowScreenshot", V::B(false)),
        ("AllowDiagnosticSubmission", V::B(false)),
        ("ForceAppStorePassword", V::B(true)),
        ("CameraEnabled", V::B(false)),
        ("RegionRatings", V::E(1, "us")),
        ("MoviesRating", V::E(300, "USRatingPG13")),
        ("TVShowsRating", V::E(500, "USRatingTV14")),
        ("AppsRating", V::E(300, "Rating12plus")),
        ("AllowAssistantWhileLocked", V::B(false)),
        ("SystemSecurityTLS", V::B(true)),
    ]
}

fn kiosk() -> Vec<(&'static str, V)> {
    vec![
        ("PasswordRequired", V::B(true)),
        ("PasswordMinimumLength", V::I(4)),
        ("PasswordTimeout", V::Min(1)),
        ("AllowAppStore", V::B(false)),
        ("AllowVideoConferencing", V::B(false)),
        ("CameraEnabled", V::B(false)),
        ("AllowiCloudPhotoSync", V::B(false)),
    ]
}

/// A fixed policy: name, Block?, pending deletion?, comment, targets, settings.
type Scenario = (
    &'static str,
    bool,
    bool,
    &'static str,
    Vec<Target>,
    Vec<(&'static str, V)>,
);

/// The fixed scenario, then team policies with random settings.
fn policies(plan: &TenantPlan) -> Vec<PolicyDef> {
    let mut rng = Rng::new(plan.options.seed, MISC_STREAM | 0xB);
    let emea = tenant::REGION0 + 1;
    let first_department = tenant::ORG0;
    let scenario: Vec<Scenario> = vec![
        (
            "Secure Mobile - EMEA",
            true,
            false,
            "EMEA phones and tablets: block mail until compliant; S/MIME-era email profile.",
            vec![Target::Group(emea)],
            strict(),
        ),
        (
            "Engineering Devices",
            false,
            false,
            "Engineering BYOD. Allow access & report violations.",
            vec![
                Target::GroupObject(first_department),
                Target::Group(tenant::MARKETING),
            ],
            vec![
                ("PasswordRequired", V::B(true)),
                ("PasswordMinimumLength", V::I(6)),
                ("PasswordTimeout", V::Min(7)),
                ("PasswordQuality", V::I(5)),
                ("MaxPasswordGracePeriod", V::Min(90)),
                ("MaxPasswordAttemptsBeforeWipe", V::I(8)),
                ("PasswordExpirationDays", V::I(180)),
                ("PasswordHistoryCount", V::I(3)),
                ("PhoneMemoryEncrypted", V::B(true)),
                ("AllowDiagnosticSubmission", V::B(false)),
                ("EnableRemovableStorage", V::B(false)),
                ("BluetoothEnabled", V::B(false)),
                ("AllowVoiceDialing", V::B(false)),
                ("RegionRatings", V::E(2, "au")),
                ("AppsRating", V::E(600, "Rating17plus")),
                ("AllowConvenienceLogon", V::B(false)),
                ("FirewallStatus", V::S("Required")),
                ("AutoUpdateStatus", V::E(0, "AutomaticUpdatesRequired")),
                ("SmartScreenEnabled", V::B(true)),
                ("UserAccountControlStatus", V::E(2, "NotifyAppChanges")),
            ],
        ),
        (
            "All Mobile Baseline",
            true,
            false,
            "Baseline for every mobile user.",
            vec![Target::Group(tenant::ALL_MOBILE)],
            vec![
                ("PasswordRequired", V::B(true)),
                ("PasswordMinimumLength", V::I(6)),
                ("PasswordTimeout", V::Min(5)),
                ("PhoneMemoryEncrypted", V::B(true)),
                ("AllowJailbroken", V::B(false)),
            ],
        ),
        (
            "Finance Lockdown",
            true,
            false,
            "Finance <restricted data> & leadership.",
            vec![
                Target::Group(tenant::FINANCE),
                Target::Raw(plan.deleted_group),
            ],
            vec![
                ("PasswordRequired", V::B(true)),
                ("AllowSimplePassword", V::B(false)),
                ("PasswordMinComplexChars", V::I(4)),
                ("PasswordMinimumLength", V::I(10)),
                ("MaxPasswordAttemptsBeforeWipe", V::I(6)),
                ("PasswordTimeout", V::Min(2)),
                ("PasswordExpirationDays", V::I(60)),
                ("PasswordHistoryCount", V::I(12)),
                ("PhoneMemoryEncrypted", V::B(true)),
                ("AllowJailbroken", V::B(false)),
                ("RequireEmailProfile", V::B(true)),
                ("AllowScreenshot", V::B(false)),
                ("AllowiCloudBackup", V::B(false)),
                ("ForceEncryptedBackup", V::B(true)),
                ("AllowDiagnosticSubmission", V::B(false)),
            ],
        ),
        (
            "Kiosk Pilot",
            false,
            false,
            "Shared kiosk phones (pilot, no members yet).",
            vec![Target::Group(tenant::FIELD_DEVICES)],
            kiosk(),
        ),
        (
            "Contractors (retired)",
            true,
            true,
            "Contractors - replaced by Entra guest access.",
            vec![Target::Group(tenant::CONTRACTORS)],
            vec![
                ("PasswordRequired", V::B(true)),
                ("PasswordMinimumLength", V::I(4)),
                ("AllowJailbroken", V::B(false)),
            ],
        ),
        (
            "Draft - Executives",
            false,
            false,
            "Draft: not assigned yet.",
            vec![Target::Raw(0)],
            vec![
                ("PasswordRequired", V::B(true)),
                ("PasswordMinimumLength", V::I(12)),
                ("AllowScreenshot", V::B(false)),
            ],
        ),
        (
            "Warehouse Scanners",
            false,
            false,
            "Warehouse handhelds.",
            vec![Target::Group(tenant::WAREHOUSE)],
            kiosk(),
        ),
    ];
    let org = plan.groups.len() - tenant::ORG0;
    let mut out = Vec::new();
    for p in 0..plan.options.policies as usize {
        let created = tenant::NOW - (200 + rng.below(1500) as i64) * 86_400;
        let changed = created + rng.below(150) as i64 * 86_400 + rng.below(86_400) as i64;
        let (name, block, pending, comment, targets, settings) = match scenario.get(p) {
            Some((name, block, pending, comment, targets, settings)) => (
                (*name).to_string(),
                *block,
                *pending,
                (*comment).to_string(),
                targets.clone(),
                settings.clone(),
            ),
            None => {
                let block = p % 2 == 0;
                let count = 1 + rng.index(3);
                let targets: Vec<Target> = (0..count)
                    .map(|_| Target::Group(tenant::ORG0 + rng.index(org)))
                    .collect();
                let first = match &targets[0] {
                    Target::Group(g) => plan.groups[*g].name.clone(),
                    _ => String::new(),
                };
                (
                    format!("Team Policy {:03} - {first}", p + 1),
                    block,
                    false,
                    format!("Device rules for {first} and related teams."),
                    targets,
                    random_settings(&mut rng, block),
                )
            }
        };
        out.push(PolicyDef {
            name,
            block,
            pending,
            priority: p as i64,
            comment,
            targets,
            settings,
            guid: rng.guid(),
            rule_guid: rng.guid(),
            version: rng.guid(),
            rule_version: rng.guid(),
            created,
            changed,
        });
    }
    out
}

fn random_settings(rng: &mut Rng, block: bool) -> Vec<(&'static str, V)> {
    let mut s = vec![
        ("PasswordRequired", V::B(true)),
        ("PasswordMinimumLength", V::I(4 + rng.below(11) as i64)),
    ];
    let mut maybe = |name: &'static str, v: V, rng: &mut Rng| {
        if rng.chance(0.5) {
            s.push((name, v));
        }
    };
    let timeout = *rng.pick(&[1u32, 2, 5, 10, 15, 30]);
    maybe("PasswordTimeout", V::Min(timeout), rng);
    maybe("AllowSimplePassword", V::B(false), rng);
    let chars = 1 + rng.below(4) as i64;
    maybe("PasswordMinComplexChars", V::I(chars), rng);
    let wipe = 4 + rng.below(12) as i64;
    maybe("MaxPasswordAttemptsBeforeWipe", V::I(wipe), rng);
    let days = *rng.pick(&[30i64, 60, 90, 180, 365]);
    maybe("PasswordExpirationDays", V::I(days), rng);
    let history = 1 + rng.below(24) as i64;
    maybe("PasswordHistoryCount", V::I(history), rng);
    maybe("PhoneMemoryEncrypted", V::B(true), rng);
    maybe("ForceEncryptedBackup", V::B(true), rng);
    maybe("AllowiCloudBackup", V::B(false), rng);
    maybe("AllowScreenshot", V::B(false), rng);
    maybe("CameraEnabled", V::B(false), rng);
    maybe("AllowDiagnosticSubmission", V::B(false), rng);
    let bluetooth = rng.chance(0.5);
    maybe("BluetoothEnabled", V::B(bluetooth), rng);
    maybe("AllowAppStore", V::B(false), rng);
    if block {
        maybe("AllowJailbroken", V::B(false), rng);
        if rng.chance(0.2) {
            s.push(("RequireEmailProfile", V::B(true)));
        }
    }
    s
}

const ORG_PATH: &str = "FFO.extest.microsoft.com/Microsoft Exchange Hosted Organizations";
const SERVER: &str = "SN4PR00A002DC01.FFO.extest.microsoft.com";

fn org_id() -> String {
    format!(
        "{ORG_PATH}/{0} - {ORG_PATH}/{0}/Configuration",
        tenant::INITIAL_DOMAIN
    )
}

fn dn(cn: &[&str]) -> String {
    let mut parts: Vec<String> = cn.iter().map(|c| format!("CN={c}")).collect();
    parts.push("CN=Configuration".into());
    parts.push(format!("CN={}", tenant::INITIAL_DOMAIN));
    parts.push(
        "OU=Microsoft Exchange Hosted Organizations,DC=FFO,DC=extest,DC=microsoft,DC=com".into(),
    );
    parts.join(",")
}

/// Dates: Windows PowerShell 5.1 writes `/Date(ms)/`; PowerShell 7 writes ISO 8601 with the
/// local offset (Pacific time here) and `*UTC` with `Z`.
fn dates(m: &mut Map<String, Value>, created: i64, changed: i64, ps51: bool) {
    let local = |t: i64| {
        if ps51 {
            ms_date(t)
        } else {
            iso_offset(t, -7)
        }
    };
    let utc = |t: i64| if ps51 { ms_date(t) } else { iso(t) };
    m.insert("WhenChanged".into(), json!(local(changed)));
    m.insert("WhenCreated".into(), json!(local(created)));
    m.insert("WhenChangedUTC".into(), json!(utc(changed)));
    m.insert("WhenCreatedUTC".into(), json!(utc(created)));
}

fn remoting(m: &mut Map<String, Value>, runspace: u128) {
    m.insert(
        "PSComputerName".into(),
        json!("nam04b.ps.compliance.protection.outlook.com"),
    );
    m.insert("RunspaceId".into(), json!(guid_text(runspace)));
    m.insert("PSShowComputerName".into(), json!(false));
}

/// The common Exchange object properties, from `ObjectVersion` to `ObjectState`.
#[allow(clippy::too_many_arguments)]
fn exchange_props(
    m: &mut Map<String, Value>,
    ps51: bool,
    version: u128,
    identity: &str,
    name: &str,
    cn: &[&str],
    guid: u128,
) {
    if m.contains_key("OneDriveBinding") {
        // Policies: …, OneDriveBinding, ReadOnly, ExternalIdentity, ObjectVersion, Identity, …
        m.insert("ReadOnly".into(), json!(false));
        m.insert("ExternalIdentity".into(), json!(""));
        m.insert("ObjectVersion".into(), json!(guid_text(version)));
    } else {
        // Rules: …, ContentMatchQuery, ObjectVersion, CreatedBy, LastModifiedBy, ReadOnly, …
        m.insert("ObjectVersion".into(), json!(guid_text(version)));
        m.insert("CreatedBy".into(), json!("Daniel Brooks"));
        m.insert("LastModifiedBy".into(), json!("Daniel Brooks"));
        m.insert("ReadOnly".into(), json!(false));
        m.insert("ExternalIdentity".into(), json!(""));
    }
    let full = format!(
        "{ORG_PATH}/{}/Configuration/{identity}",
        tenant::INITIAL_DOMAIN
    );
    m.insert("Identity".into(), json!(full));
    m.insert("Id".into(), json!(full));
    m.insert("Name".into(), json!(name));
    m.insert("DistinguishedName".into(), json!(dn(cn)));
    m.insert("ExchangeVersion".into(), json!("0.20 (15.0.0.0)"));
    let g = guid_text(guid);
    m.insert("ImmutableId".into(), json!(g));
    m.insert("ExchangeObjectId".into(), json!(g));
    m.insert("Guid".into(), json!(g));
    m.insert("OrganizationId".into(), json!(org_id()));
    m.insert("OriginatingServer".into(), json!(SERVER));
    m.insert("IsValid".into(), json!(true));
    m.insert(
        "ObjectState".into(),
        if ps51 { json!(1) } else { json!("Unchanged") },
    );
}

fn policy_json(p: &PolicyDef, ps51: bool, runspace: u128) -> Value {
    let mut m = Map::new();
    if !ps51 {
        m.insert("RunspaceId".into(), json!(guid_text(runspace)));
    }
    let (ty, workload) = match (p.block, ps51) {
        (true, true) => (json!(5), json!(4)),
        (false, true) => (json!(3), json!(4)),
        (true, false) => (json!("DeviceConditionalAccess"), json!("Intune")),
        (false, false) => (json!("DeviceSettings"), json!("Intune")),
    };
    m.insert("Type".into(), ty);
    m.insert("Workload".into(), workload);
    m.insert("Priority".into(), json!(p.priority));
    m.insert("Comment".into(), json!(p.comment));
    m.insert("Enabled".into(), json!(true));
    m.insert("Mode".into(), mode(p.pending, ps51));
    m.insert(
        "DistributionStatus".into(),
        if ps51 { json!(2) } else { json!("Success") },
    );
    m.insert("DistributionResults".into(), json!([]));
    m.insert(
        "LastStatusUpdateTime".into(),
        json!(if ps51 {
            ms_date(p.changed + 180)
        } else {
            iso(p.changed + 180)
        }),
    );
    m.insert("CreatedBy".into(), json!("Daniel Brooks"));
    m.insert("LastModifiedBy".into(), json!("Daniel Brooks"));
    m.insert("OneDriveBinding".into(), json!([]));
    exchange_props(
        &mut m,
        ps51,
        p.version,
        &p.name,
        &p.name,
        &[&p.name],
        p.guid,
    );
    dates(&mut m, p.created, p.changed, ps51);
    if ps51 {
        remoting(&mut m, runspace);
    }
    Value::Object(m)
}

fn mode(pending: bool, ps51: bool) -> Value {
    match (pending, ps51) {
        (true, true) => json!(2),
        (false, true) => json!(0),
        (true, false) => json!("PendingDeletion"),
        (false, false) => json!("Enforce"),
    }
}

fn rule_json(plan: &TenantPlan, p: &PolicyDef, ps51: bool, runspace: u128) -> Value {
    let mut m = Map::new();
    if !ps51 {
        m.insert("RunspaceId".into(), json!(guid_text(runspace)));
    }
    for prop in SETTING_PROPERTIES {
        if !p.block && prop == "AllowJailbroken" {
            continue;
        }
        let value = p
            .settings
            .iter()
            .find(|(k, _)| *k == prop)
            .map_or(Value::Null, |(_, v)| v.json(!ps51));
        m.insert(prop.into(), value);
    }
    let targets: Vec<Value> = p
        .targets
        .iter()
        .map(|t| match t {
            Target::Group(g) => json!(guid_text(plan.groups[*g].id)),
            Target::GroupObject(g) => json!({ "Guid": guid_text(plan.groups[*g].id) }),
            Target::Raw(id) => json!(guid_text(*id)),
        })
        .collect();
    m.insert("TargetGroups".into(), Value::Array(targets));
    m.insert("Policy".into(), json!(guid_text(p.guid)));
    m.insert(
        "Workload".into(),
        if ps51 { json!(4) } else { json!("Intune") },
    );
    m.insert("Comment".into(), json!(""));
    m.insert("Disabled".into(), json!(false));
    m.insert("Mode".into(), mode(p.pending, ps51));
    m.insert("ContentMatchQuery".into(), Value::Null);
    let suffix = if p.block { BLOCK_SUFFIX } else { ALLOW_SUFFIX };
    let name = format!("{}{suffix}", p.name);
    exchange_props(
        &mut m,
        ps51,
        p.rule_version,
        &format!("{}/{name}", p.name),
        &name,
        &[&name, &p.name],
        p.rule_guid,
    );
    dates(&mut m, p.created, p.changed, ps51);
    if ps51 {
        remoting(&mut m, runspace);
    }
    Value::Object(m)
}

pub fn write<E>(plan: &TenantPlan, sink: &mut Sink<E>) -> Result<(), E> {
    let mut rng = Rng::new(plan.options.seed, MISC_STREAM | 0xC);
    let runspace51 = rng.guid();
    let runspace7 = rng.guid();
    let all = policies(plan);
    let (block, allow): (Vec<&PolicyDef>, Vec<&PolicyDef>) = all.iter().partition(|p| p.block);
    let ps51 = PsStyle::WindowsPowerShell;
    let ps7 = PsStyle::PowerShell7;

    let doc = Value::Array(
        block
            .iter()
            .map(|p| policy_json(p, true, runspace51))
            .collect(),
    );
    sink.file(
        "bms/DeviceConditionalAccessPolicy.json",
        &powershell_json(&doc, ps51, true, Encoding::Utf8Bom),
    )?;
    let doc = Value::Array(
        block
            .iter()
            .map(|p| rule_json(plan, p, true, runspace51))
            .collect(),
    );
    sink.file(
        "bms/DeviceConditionalAccessRule.json",
        &powershell_json(&doc, ps51, true, Encoding::Utf16LeBom),
    )?;
    let doc = Value::Array(
        allow
            .iter()
            .map(|p| policy_json(p, false, runspace7))
            .collect(),
    );
    sink.file(
        "bms/DeviceConfigurationPolicy.json",
        &powershell_json(&doc, ps7, false, Encoding::Utf8),
    )?;
    let doc = Value::Array(
        allow
            .iter()
            .map(|p| rule_json(plan, p, false, runspace7))
            .collect(),
    );
    sink.file(
        "bms/DeviceConfigurationRule.json",
        &powershell_json(&doc, ps7, true, Encoding::Utf8Bom),
    )?;

    // The tenant policy (PowerShell 7, one object) and rule (Windows PowerShell 5.1, one
    // object, ASCII).
    let tenant_name = rng.guid();
    let tenant_guid = rng.guid();
    let rule_name = rng.guid();
    let rule_guid = rng.guid();
    let created = tenant::NOW - 1600 * 86_400;
    let changed = tenant::NOW - 800 * 86_400;
    let mut m = Map::new();
    m.insert("RunspaceId".into(), json!(guid_text(runspace7)));
    m.insert("Type".into(), json!("DeviceTenantConditionalAccess"));
    m.insert("Workload".into(), json!("Intune"));
    m.insert("Comment".into(), json!(""));
    m.insert("Enabled".into(), json!(true));
    m.insert("Mode".into(), json!("Enforce"));
    m.insert("DistributionStatus".into(), json!("Success"));
    m.insert("DistributionResults".into(), json!([]));
    m.insert("LastStatusUpdateTime".into(), json!(iso(changed + 192)));
    m.insert("CreatedBy".into(), json!("Daniel Brooks"));
    m.insert("LastModifiedBy".into(), json!("Daniel Brooks"));
    m.insert("OneDriveBinding".into(), json!([]));
    let name = guid_text(tenant_name);
    exchange_props(
        &mut m,
        false,
        rng.guid(),
        &name,
        &name,
        &[&name],
        tenant_guid,
    );
    dates(&mut m, created, changed, false);
    sink.file(
        "bms/DeviceTenantPolicy.json",
        &powershell_json(&Value::Object(m), ps7, false, Encoding::Utf8),
    )?;

    let mut m = Map::new();
    m.insert("BlockUnsupportedDevices".into(), json!(true));
    m.insert(
        "ExclusionList".into(),
        json!([guid_text(plan.groups[tenant::EXEMPT].id)]),
    );
    m.insert("ApplyPolicyTo".into(), json!(2));
    m.insert("Policy".into(), json!(guid_text(tenant_guid)));
    m.insert("Workload".into(), json!(4));
    m.insert("Comment".into(), json!(""));
    m.insert("Disabled".into(), json!(false));
    m.insert("Mode".into(), json!(0));
    m.insert("ContentMatchQuery".into(), Value::Null);
    let rname = guid_text(rule_name);
    exchange_props(
        &mut m,
        true,
        rng.guid(),
        &format!("{name}/{rname}"),
        &rname,
        &[&rname, &name],
        rule_guid,
    );
    dates(&mut m, created, changed, true);
    remoting(&mut m, runspace51);
    sink.file(
        "bms/DeviceTenantRule.json",
        &powershell_json(&Value::Object(m), ps51, true, Encoding::Utf8),
    )?;
    sink.summary.bms_policies = all.len() as u64;
    Ok(())
}
