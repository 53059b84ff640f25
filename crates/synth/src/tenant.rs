//! The shape of the synthetic tenant: who the users are, which groups exist and how they nest,
//! who is a direct member of what, and what each device is.
//!
//! Users and devices are not stored: each is derived on demand from its own random stream
//! (`(seed, kind, index)`), so every writer that needs user 42 sees the same user 42. Only the
//! group member lists are kept (four bytes per membership).

use crate::catalog::{self, Kind, LicenseDef};
use crate::rng::Rng;
use crate::SynthOptions;

/// Random streams, one per kind of object.
const USER_STREAM: u64 = 1 << 40;
const DEVICE_STREAM: u64 = 2 << 40;
const GROUP_STREAM: u64 = 3 << 40;
pub const MISC_STREAM: u64 = 4 << 40;

/// The snapshot's moment: 2025-09-01T07:42:00Z. Every date is before it.
pub const NOW: i64 = 1_756_712_520;
const DAY: i64 = 86_400;

/// Fixed groups, by index.
pub const ALL_EMPLOYEES: usize = 0;
pub const ALL_MOBILE: usize = 1;
pub const FINANCE: usize = 2;
pub const FINANCE_LEADERSHIP: usize = 3;
pub const EXEMPT: usize = 4;
pub const FIELD_DEVICES: usize = 5;
pub const CONTRACTORS: usize = 6;
pub const WAREHOUSE: usize = 7;
pub const CORPORATE_DEVICES: usize = 8;
pub const MARKETING: usize = 9;
pub const INTUNE_PILOT: usize = 10;
pub const INTUNE_IOS: usize = 11;
pub const INTUNE_ANDROID: usize = 12;
/// Region groups: Americas, EMEA and APAC are in BMS - All Mobile; LATAM is not.
pub const REGION0: usize = 13;
pub const ORG0: usize = REGION0 + catalog::REGIONS.len();
pub const MIN_GROUPS: u32 = ORG0 as u32 + 3;

/// Members of one group, direct only.
#[derive(Debug, Default, Clone)]
pub struct Members {
    pub users: Vec<u32>,
    pub groups: Vec<u32>,
    /// `(odata type, id)` of members that are not users, groups or devices of the snapshot:
    /// contacts, and users deleted since.
    pub others: Vec<(&'static str, u128)>,
}

impl Members {
    pub fn len(&self) -> usize {
        self.users.len() + self.groups.len() + self.others.len()
    }
}

#[derive(Debug, Clone)]
pub struct GroupDef {
    pub id: u128,
    pub name: String,
    pub security: bool,
    pub mail: bool,
    pub unified: bool,
    pub rule: Option<&'static str>,
    pub members: Members,
}

/// One user, as derived from its stream.
#[derive(Debug, Clone)]
pub struct UserDef {
    pub id: u128,
    pub display: String,
    pub upn: String,
    pub mail: Option<String>,
    pub guest: bool,
    pub enabled: bool,
    pub licenses: &'static [LicenseDef],
    pub flow_free: bool,
    pub location: Option<&'static str>,
    /// When the licences were assigned (seconds since 1970).
    pub assigned: i64,
}

impl UserDef {
    /// Holds a full Intune plan (not only BMS's INTUNE_O365) that is not switched off.
    pub fn has_intune(&self) -> bool {
        self.licenses.iter().any(|l| {
            l.sku.plans.iter().any(|p| {
                p.name.starts_with("INTUNE_")
                    && p.name != "INTUNE_O365"
                    && !l.disabled.iter().any(|d| d.id == p.id)
            })
        })
    }
}

/// One device, as derived from its stream.
#[derive(Debug, Clone)]
pub struct DeviceDef {
    pub managed_id: u128,
    pub object_id: u128,
    pub device_id: u128,
    pub owner: Option<u32>,
    /// False for an Entra device that is only registered (no MDM).
    pub managed: bool,
    pub agent: &'static str,
    pub enrollment: &'static str,
    pub owner_type: &'static str,
    /// `operatingSystem` of the managed device.
    pub os: &'static str,
    /// `operatingSystem` of the Entra device.
    pub entra_os: &'static str,
    pub version: &'static str,
    pub manufacturer: &'static str,
    pub model: &'static str,
    pub name: String,
    pub mdm_app: Option<u128>,
    pub trust: &'static str,
    pub compliance: &'static str,
    pub enrolled: i64,
    pub last_sync: i64,
    pub supervised: bool,
    pub encrypted: bool,
    pub serial: String,
    pub imei: String,
    pub mac: String,
}

pub const OFFICE365_MDM: u128 = 0x7add3ecd_5b01_452e_b4bf_cdaf9df1d097;
pub const INTUNE_MDM: u128 = 0x0000000a_0000_0000_c000_000000000000;

/// The whole tenant's plan.
pub struct TenantPlan {
    pub options: SynthOptions,
    pub tenant_id: u128,
    pub groups: Vec<GroupDef>,
    /// Every user's object ID, by index.
    pub user_ids: Vec<u128>,
    pub devices: u32,
    /// A group that was deleted from Entra but is still a BMS target.
    pub deleted_group: u128,
    /// Number of departments among the org groups (the rest are teams).
    pub departments: usize,
}

fn name_pair(seed: u64, i: u32) -> (&'static str, &'static str, u32) {
    let f = catalog::FIRST_NAMES.len() as u64;
    let l = catalog::LAST_NAMES.len() as u64;
    let combos = f * l;
    let offset = seed % combos;
    let combo = (u64::from(i) + offset) % combos;
    let round = (u64::from(i) / combos) as u32;
    (
        catalog::FIRST_NAMES[(combo % f) as usize],
        catalog::LAST_NAMES[(combo / f) as usize],
        round,
    )
}

pub const DOMAIN: &str = "northwind.example";
pub const INITIAL_DOMAIN: &str = "northwindtraders.onmicrosoft.com";

impl TenantPlan {
    pub fn new(options: &SynthOptions) -> TenantPlan {
        let seed = options.seed;
        let mut misc = Rng::new(seed, MISC_STREAM);
        let tenant_id = misc.guid();
        let deleted_group = misc.guid();
        let devices = (f64::from(options.users) * options.devices_per_user).round() as u32;
        let org = options.groups as usize - ORG0;
        let departments = (org / 4).max(1);
        let mut plan = TenantPlan {
            options: options.clone(),
            tenant_id,
            groups: Vec::with_capacity(options.groups as usize),
            user_ids: Vec::with_capacity(options.users as usize),
            devices,
            deleted_group,
            departments,
        };
        plan.make_groups();
        plan.assign_members();
        plan
    }

    fn seed(&self) -> u64 {
        self.options.seed
    }

    pub fn user_count(&self) -> u32 {
        self.options.users
    }

    fn make_groups(&mut self) {
        let mut rng = Rng::new(self.seed(), GROUP_STREAM);
        let security = |name: &str| (name.to_string(), true, false, false);
        let mut fixed: Vec<(String, bool, bool, bool)> = vec![
            security("All Employees"),
            security("BMS - All Mobile"),
            security("BMS - Finance"),
            security("BMS - Finance Leadership"),
            security("BMS Exempt - Executives"),
            security("BMS - Field Devices"),
            security("BMS - Contractors"),
            security("BMS - Warehouse"),
            security("Corporate Devices"),
            ("Marketing Team".to_string(), false, true, true),
            security("Intune - Pilot"),
            security("Intune - iOS Users"),
            security("Intune - Android Enterprise"),
        ];
        for (r, region) in catalog::REGIONS.iter().enumerate() {
            if r + 1 == catalog::REGIONS.len() {
                fixed.push(security(&format!("Region - {region} (not in BMS)")));
            } else {
                fixed.push(security(&format!("BMS - {region}")));
            }
        }
        debug_assert_eq!(fixed.len(), ORG0);
        for (name, security, mail, unified) in fixed {
            self.groups.push(GroupDef {
                id: rng.guid(),
                name,
                security,
                mail,
                unified,
                rule: None,
                members: Members::default(),
            });
        }
        self.groups[ALL_EMPLOYEES].rule =
            Some("(user.accountEnabled -eq true) and (user.userType -eq \"Member\")");
        let org = self.options.groups as usize - ORG0;
        for k in 0..org {
            let name = if k < self.departments {
                let dept = catalog::DEPARTMENTS[k % catalog::DEPARTMENTS.len()];
                let city =
                    catalog::CITIES[(k / catalog::DEPARTMENTS.len()) % catalog::CITIES.len()];
                format!("{dept} - {city} {:04}", k + 1)
            } else {
                let t = k - self.departments;
                let dept = catalog::DEPARTMENTS[t % catalog::DEPARTMENTS.len()];
                format!("Team {:05} - {dept}", t + 1)
            };
            self.groups.push(GroupDef {
                id: rng.guid(),
                name,
                security: true,
                mail: false,
                unified: false,
                rule: None,
                members: Members::default(),
            });
        }
        // Nesting: All Mobile ⊃ regions (but the last) ⊃ departments ⊃ teams; the Intune pilot
        // nests the first department; Finance ⇄ Finance Leadership is a cycle.
        let regions = catalog::REGIONS.len();
        for r in 0..regions - 1 {
            self.groups[ALL_MOBILE]
                .members
                .groups
                .push((REGION0 + r) as u32);
        }
        for d in 0..self.departments {
            self.groups[REGION0 + d % regions]
                .members
                .groups
                .push((ORG0 + d) as u32);
        }
        for t in 0..org - self.departments {
            let d = t % self.departments;
            self.groups[ORG0 + d]
                .members
                .groups
                .push((ORG0 + self.departments + t) as u32);
        }
        self.groups[INTUNE_PILOT].members.groups.push(ORG0 as u32);
        self.groups[FINANCE]
            .members
            .groups
            .push(FINANCE_LEADERSHIP as u32);
        self.groups[FINANCE_LEADERSHIP]
            .members
            .groups
            .push(FINANCE as u32);
        // Members that are not in the snapshot: a contact and a deleted user.
        self.groups[MARKETING]
            .members
            .others
            .push(("#microsoft.graph.orgContact", rng.guid()));
        self.groups[FINANCE]
            .members
            .others
            .push(("#microsoft.graph.user", rng.guid()));
    }

    fn assign_members(&mut self) {
        let org = self.groups.len() - ORG0;
        let users = self.options.users;
        for i in 0..users {
            let u = self.user(i);
            self.user_ids.push(u.id);
            let mut rng = Rng::new(self.seed(), USER_STREAM | 0x80_0000_0000 | u64::from(i));
            let add = |g: usize, groups: &mut Vec<GroupDef>| groups[g].members.users.push(i);
            if u.guest {
                if rng.chance(0.3) {
                    add(ORG0 + rng.index(org), &mut self.groups);
                }
                continue;
            }
            if u.enabled {
                add(ALL_EMPLOYEES, &mut self.groups);
            }
            let primary = rng.index(org);
            add(ORG0 + primary, &mut self.groups);
            if rng.chance(0.25) {
                let second = rng.index(org);
                if second != primary {
                    add(ORG0 + second, &mut self.groups);
                }
            }
            for (group, p) in [
                (ALL_MOBILE, 0.005),
                (FINANCE, 0.03),
                (FINANCE_LEADERSHIP, 0.002),
                (EXEMPT, 0.0005),
                (CONTRACTORS, 0.01),
                (WAREHOUSE, 0.015),
                (MARKETING, 0.02),
                (INTUNE_PILOT, 0.01),
                (INTUNE_IOS, 0.02),
                (INTUNE_ANDROID, 0.01),
            ] {
                if rng.chance(p) {
                    add(group, &mut self.groups);
                }
            }
        }
        if self.groups[EXEMPT].members.users.is_empty() {
            self.groups[EXEMPT].members.users.push(0);
        }
        // Graph lists members in its own order (by object ID), unrelated to the order of
        // `GET /users`: readers must not rely on member lists arriving sorted.
        let ids = &self.user_ids;
        for g in &mut self.groups {
            g.members.users.sort_unstable_by_key(|&u| ids[u as usize]);
        }
    }

    /// User `i` (`i < users`).
    pub fn user(&self, i: u32) -> UserDef {
        let mut rng = Rng::new(self.seed(), USER_STREAM | u64::from(i));
        let (first, last, round) = name_pair(self.seed(), i);
        let guest = i > 0 && rng.chance(0.01);
        let enabled = rng.chance(if guest { 0.99 } else { 0.97 });
        let local = format!("{}.{}", catalog::mail_part(first), catalog::mail_part(last));
        let local = if round > 0 {
            format!("{local}{}", round + 1)
        } else {
            local
        };
        let display = format!("{first} {last}");
        let (upn, mail, licenses, location) = if guest {
            let home = *rng.pick(&["fabrikam.com", "adatum.com", "tailspintoys.com"]);
            (
                format!("{local}_{home}#EXT#@{INITIAL_DOMAIN}",),
                Some(format!("{local}@{home}")),
                &[][..],
                None,
            )
        } else {
            let mix = rng.weighted_pick(catalog::LICENSE_MIXES);
            let location = *rng.weighted_pick(catalog::USAGE_LOCATIONS);
            let upn = format!("{local}@{DOMAIN}");
            (upn.clone(), Some(upn), *mix, location)
        };
        let flow_free = !guest && rng.chance(0.06);
        let assigned = NOW - (30 + rng.below(6 * 365) as i64) * DAY + rng.below(DAY as u64) as i64;
        UserDef {
            id: rng.guid(),
            display,
            upn,
            mail,
            guest,
            enabled,
            licenses,
            flow_free,
            location,
            assigned,
        }
    }

    /// Device `k` (`k < devices`).
    pub fn device(&self, k: u32) -> DeviceDef {
        let mut rng = Rng::new(self.seed(), DEVICE_STREAM | u64::from(k));
        let managed_id = rng.guid();
        let object_id = rng.guid();
        let device_id = rng.guid();
        let userless = rng.chance(0.04);
        let owner = if userless {
            None
        } else {
            Some(rng.below(u64::from(self.options.users)) as u32)
        };
        let kind = *rng.weighted_pick(catalog::KINDS);
        let bms = "microsoft365ManagedMdm";
        let compliance = *rng.weighted_pick(catalog::COMPLIANCE_STATES);
        let mut d = DeviceDef {
            managed_id,
            object_id,
            device_id,
            owner,
            managed: true,
            agent: "mdm",
            enrollment: "userEnrollment",
            owner_type: "personal",
            os: "iOS",
            entra_os: "iPhone",
            version: "",
            manufacturer: "Apple",
            model: "",
            name: String::new(),
            mdm_app: Some(INTUNE_MDM),
            trust: "Workplace",
            compliance,
            enrolled: NOW - (60 + rng.below(5 * 365) as i64) * DAY,
            last_sync: NOW
                - if rng.chance(0.05) {
                    (90 + rng.below(700) as i64) * DAY
                } else {
                    rng.below(30 * DAY as u64) as i64
                },
            supervised: false,
            encrypted: true,
            serial: serial(&mut rng, 12),
            imei: String::new(),
            mac: hex(&mut rng, 12),
        };
        let suffix = hex(&mut rng, 4).to_ascii_uppercase();
        match kind {
            Kind::IPhone | Kind::IPad => {
                let ipad = kind == Kind::IPad;
                d.os = if ipad { "iPadOS" } else { "iOS" };
                d.entra_os = if ipad { "iPad" } else { "iPhone" };
                d.version = *rng.weighted_pick(catalog::IOS_VERSIONS);
                let (label, model) = if ipad {
                    let m = *rng.pick(catalog::IPAD_MODELS);
                    (m, m)
                } else {
                    *rng.pick(catalog::IPHONE_MODELS)
                };
                d.model = model;
                d.name = format!("{label} {suffix}");
                if userless {
                    d.enrollment = "appleBulkWithoutUser";
                    d.owner_type = "company";
                    d.supervised = true;
                    d.name = format!("NW-IPAD-{suffix}");
                } else {
                    d.imei = digits(&mut rng, 15);
                    d.agent = *rng.weighted_pick(&[(bms, 60), ("mdm", 33), ("eas", 7)]);
                }
            }
            Kind::Android => {
                let (maker, model, label) = *rng.pick(catalog::ANDROID_MODELS);
                d.os = "Android";
                d.entra_os = "Android";
                d.manufacturer = maker;
                d.model = model;
                d.version = *rng.weighted_pick(catalog::ANDROID_VERSIONS);
                d.name = format!("{label} {suffix}");
                d.imei = digits(&mut rng, 15);
                d.encrypted = rng.chance(0.8);
                if userless {
                    // A shared scanner whose enrolling user was removed: still BMS-managed.
                    d.agent = bms;
                    d.owner_type = "company";
                    d.name = format!("{label} (shared {suffix})");
                } else {
                    d.agent = *rng.weighted_pick(&[
                        (bms, 50),
                        ("mdm", 10),
                        ("googleCloudDevicePolicyController", 32),
                        ("eas", 8),
                    ]);
                    if d.agent == "googleCloudDevicePolicyController" {
                        d.entra_os = "AndroidForWork";
                    }
                }
            }
            Kind::Windows => {
                let (maker, model) = *rng.pick(catalog::WINDOWS_MODELS);
                d.os = "Windows";
                d.entra_os = "Windows";
                d.manufacturer = maker;
                d.model = model;
                d.version = *rng.weighted_pick(catalog::WINDOWS_VERSIONS);
                d.name = format!("DESKTOP-{}", serial(&mut rng, 7));
                if d.version.starts_with("6.3") {
                    d.agent = *rng.weighted_pick(&[(bms, 3), ("eas", 1)]);
                } else if userless {
                    d.agent = "mdm";
                    d.enrollment = "windowsBulkUserless";
                    d.owner_type = "company";
                    d.trust = "AzureAd";
                    d.name = format!("NW-KIOSK-{suffix}");
                } else {
                    d.agent = *rng.weighted_pick(&[("mdm", 65), (bms, 25), ("eas", 10)]);
                    if d.agent == "mdm" {
                        d.enrollment = "windowsAzureADJoin";
                        d.owner_type = "company";
                        d.trust = "AzureAd";
                    }
                    // Some Windows PCs are only registered in Entra, not enrolled anywhere.
                    d.managed = !rng.chance(0.1);
                }
            }
            Kind::MacOs => {
                d.os = "macOS";
                d.entra_os = "MacMDM";
                d.model = "MacBookPro18,3";
                d.version = *rng.weighted_pick(catalog::MACOS_VERSIONS);
                d.name = format!("MacBook Pro {suffix}");
            }
            Kind::WindowsPhone | Kind::WindowsMobile => {
                let phone = kind == Kind::WindowsPhone;
                d.os = if phone {
                    "Windows Phone"
                } else {
                    "Windows Mobile"
                };
                d.entra_os = "WindowsPhone";
                d.manufacturer = if phone {
                    "NOKIA"
                } else {
                    "Microsoft Corporation"
                };
                d.model = if phone { "Lumia 930" } else { "Lumia 950" };
                d.version = if phone {
                    "8.10.14219.0"
                } else {
                    "10.0.15063.1868"
                };
                d.name = format!("{} {suffix}", d.model);
                d.agent = *rng.weighted_pick(&[(bms, 7), ("eas", 3)]);
            }
        }
        match d.agent {
            "microsoft365ManagedMdm" => {
                d.mdm_app = Some(OFFICE365_MDM);
                d.enrollment = "userEnrollment";
                d.owner_type = "personal";
                d.trust = "Workplace";
            }
            "eas" => {
                d.mdm_app = None;
                d.enrollment = "unknown";
                d.encrypted = false;
                d.compliance = "unknown";
            }
            _ => {}
        }
        if !d.managed {
            d.mdm_app = None;
        }
        d
    }
}

fn hex(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b"0123456789abcdef"[rng.index(16)]))
        .collect()
}

fn serial(rng: &mut Rng, n: usize) -> String {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    (0..n)
        .map(|_| char::from(CHARS[rng.index(CHARS.len())]))
        .collect()
}

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}
