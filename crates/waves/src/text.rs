//! The words and numbers a person reads about a wave: its switch window, exit gates and what
//! its users will see. This module owns the timing facts the planner relies on (from
//! `intune-behavior.md` §2 check-in cycles and §4 MDM authority and coexistence) and the
//! gate thresholds, which are this tool's defaults ([our rule]) rather than Microsoft's:
//!
//! - A device moves at its next MDM check-in after the licence (or, for users who already hold
//!   Intune, after coexistence is turned on): Intune notifies online devices at once, and the
//!   maintenance sync runs about every **8 hours**, so plan a **24-hour** window; a device's
//!   policy status can take up to **24 hours** to show in reports; after the MDM authority
//!   change compliance data can take up to **7 days** to be accurate.
//! - Gates: every BMS device of the wave reports to Intune (`managementAgent` `mdm`, none left
//!   on `microsoft365ManagedMdm`) except devices offline for 7 days or more; no device in
//!   conflict or error; at least **95 %** of switched devices compliant (or profiles
//!   succeeded) 24 hours after the last licence; mail and Android re-enrolment resolved where
//!   the wave has them; no user-reported issue open for more than one working day; and a soak
//!   time of **7 days** after the pilot (compliance data settling after the authority change)
//!   and **24 hours** after every other wave.

use crate::types::{ExitGate, SwitchTiming};

/// Online devices check in about every 8 hours (§2).
pub const CHECK_IN_HOURS: u32 = 8;
/// The window to plan for a wave's devices to move.
pub const PLAN_HOURS: u32 = 24;
/// Policy status can take up to 24 hours to show (§2).
pub const STATUS_REPORT_HOURS: u32 = 24;
/// Compliance data can take up to a week to be accurate after the authority change (§4.1).
pub const COMPLIANCE_SETTLE_DAYS: u32 = 7;
/// Compliance (or profile success) required before the next wave, in percent ([our rule]).
pub const COMPLIANCE_GATE_PERCENT: u32 = 95;

/// What a wave needs to be described.
pub struct WaveFacts {
    pub id: u32,
    pub held: u64,
    pub licensed_now: u64,
    pub devices: u64,
    pub has_compliance: bool,
    pub email_users: u64,
    pub android_da_devices: u64,
    pub windows_not_migrated: u64,
    pub unsupported_os: u64,
    /// Users of the wave an enabled Conditional Access policy requires a compliant device
    /// (or approved app) of (`existing-ca-requires-compliance`).
    pub ca_compliance_users: u64,
    pub last: bool,
    /// Users left on BMS after the last wave (seats short or not in the waves file).
    pub left_on_bms: u64,
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The switch window in one sentence: it reads after "Expected:" in the user notice and in
/// the report's wave table.
pub fn switch_window() -> String {
    format!(
        "next check-in, within about {CHECK_IN_HOURS} hours if the device is online (allow {PLAN_HOURS} hours; a device \
         that is switched off moves when it next connects)"
    )
}

pub fn switch_timing(facts: &WaveFacts) -> SwitchTiming {
    SwitchTiming {
        trigger: if facts.held > 0 {
            "coexistence-or-license".into()
        } else {
            "license".into()
        },
        typical_hours: CHECK_IN_HOURS,
        plan_hours: PLAN_HOURS,
        status_report_hours: STATUS_REPORT_HOURS,
        compliance_settle_days: (facts.id == 1).then_some(COMPLIANCE_SETTLE_DAYS),
    }
}

/// The measurable checks before the next wave.
pub fn exit_gates(f: &WaveFacts) -> Vec<ExitGate> {
    struct G<'a> {
        id: &'a str,
        description: String,
        how: String,
        metric: Option<&'a str>,
        min: Option<u32>,
        max: Option<u32>,
    }
    let mut gates: Vec<G> = Vec::new();
    if f.id == 1 {
        gates.push(G {
            id: "mdm-authority",
            description: "The MDM authority shows Intune: coexistence is on.".into(),
            how: "Intune admin center > Tenant administration > Tenant status.".into(),
            metric: None,
            min: None,
            max: None,
        });
    }
    gates.push(G {
        id: "devices-switched",
        description: format!(
            "All {} of the wave report to Intune; devices offline for 7 days or more are handed to the helpdesk.",
            plural(f.devices, "BMS-managed device", "BMS-managed devices")
        ),
        how: "Devices > All devices, column Managed by (Intune, not Microsoft 365); or Graph managedDevices: \
              managementAgent mdm, none left on microsoft365ManagedMdm."
            .into(),
        metric: Some("bmsManagedDevicesLeft"),
        min: None,
        max: Some(0),
    });
    gates.push(G {
        id: "no-conflicts",
        description: "No device of the wave is in Conflict or Error for a migrated policy.".into(),
        how: "Each migrated policy's Device status; Devices > Monitor > Assignment failures."
            .into(),
        metric: Some("devicesInConflictOrError"),
        min: None,
        max: Some(0),
    });
    gates.push(if f.has_compliance {
        G {
            id: "compliance",
            description: format!(
                "At least {COMPLIANCE_GATE_PERCENT} % of the wave's switched devices are Compliant \
                 {STATUS_REPORT_HOURS} hours after the last licence."
            ),
            how: "Devices > Monitor > Device compliance, filtered to the wave's users; Not evaluated and In grace \
                  period count as not compliant."
                .into(),
            metric: Some("compliantPercent"),
            min: Some(COMPLIANCE_GATE_PERCENT),
            max: None,
        }
    } else {
        G {
            id: "compliance",
            description: format!(
                "At least {COMPLIANCE_GATE_PERCENT} % of the wave's switched devices show Succeeded for every \
                 migrated profile {STATUS_REPORT_HOURS} hours after the last licence."
            ),
            how: "Each migrated configuration profile's Device status, filtered to the wave's users.".into(),
            metric: Some("profileSucceededPercent"),
            min: Some(COMPLIANCE_GATE_PERCENT),
            max: None,
        }
    });
    if f.email_users > 0 {
        gates.push(G {
            id: "mail",
            description: format!(
                "The {} with a BMS-managed mail profile {} mail again.",
                plural(f.email_users, "user", "users"),
                if f.email_users == 1 { "syncs" } else { "sync" }
            ),
            how: "The Intune email profile shows Succeeded for them, and no mail ticket from the wave is open for \
                  more than one working day."
                .into(),
            metric: Some("openMailTickets"),
            min: None,
            max: Some(0),
        });
    }
    if f.android_da_devices > 0 {
        gates.push(G {
            id: "android-reenrolment",
            description: if f.android_da_devices == 1 {
                "The Android device-administrator device is re-enrolled with a work profile, or has an owner and \
                 an agreed date."
                    .into()
            } else {
                format!(
                    "The {} Android device-administrator devices are re-enrolled with a work profile, or each has an \
                     owner and an agreed date.",
                    f.android_da_devices
                )
            },
            how: "Devices > All devices filtered to Android: enrolment type work profile. Intune no longer supports \
                  device administrator on devices with Google Mobile Services."
                .into(),
            metric: Some("androidDeviceAdminUnresolved"),
            min: None,
            max: Some(0),
        });
    }
    if f.ca_compliance_users > 0 {
        gates.push(G {
            id: "conditional-access",
            description: format!(
                "The {} that existing Conditional Access requires a compliant device of {} signed in from their \
                 switched devices without being blocked.",
                plural(f.ca_compliance_users, "user", "users"),
                if f.ca_compliance_users == 1 { "has" } else { "have" }
            ),
            how: "Entra admin center > Sign-in logs filtered to the wave's users: no failure from the policies named \
                  in the existing-ca-requires-compliance finding."
                .into(),
            metric: Some("caBlockedUsers"),
            min: None,
            max: Some(0),
        });
    }
    gates.push(G {
        id: "helpdesk",
        description: "No user-reported issue from the wave is open for more than one working day."
            .into(),
        how: "The helpdesk queue for the wave (mail, access, lost settings).".into(),
        metric: Some("openTickets"),
        min: None,
        max: Some(0),
    });
    gates.push(if f.id == 1 {
        G {
            id: "soak",
            description: format!(
                "At least {COMPLIANCE_SETTLE_DAYS} days since coexistence was turned on."
            ),
            how: "Compliance data can take up to a week to be accurate after the MDM authority change.".into(),
            metric: Some("hoursSinceCoexistence"),
            min: Some(COMPLIANCE_SETTLE_DAYS * 24),
            max: None,
        }
    } else {
        G {
            id: "soak",
            description: format!("At least {STATUS_REPORT_HOURS} hours since the wave's last licence."),
            how: "Every online device has checked in (about every 8 hours) and reported (up to 24 hours).".into(),
            metric: Some("hoursSinceLastLicense"),
            min: Some(STATUS_REPORT_HOURS),
            max: None,
        }
    });
    if f.last {
        gates.push(if f.left_on_bms > 0 {
            G {
                id: "close",
                description: format!(
                    "{} on BMS: the BMS policies stay until they move.",
                    plural(f.left_on_bms, "user stays", "users stay")
                ),
                how: "Buy the missing seats and run the plan again for the next waves.".into(),
                metric: None,
                min: None,
                max: None,
            }
        } else {
            G {
                id: "close",
                description: "Everyone in scope is on Intune: delete the BMS policies.".into(),
                how: "Microsoft recommends deleting them so they cannot be reassigned by mistake; keep the classic \
                      Conditional Access policies."
                    .into(),
                metric: None,
                min: None,
                max: None,
            }
        });
    }
    gates
        .into_iter()
        .map(|g| ExitGate {
            id: g.id.into(),
            description: g.description,
            how: g.how,
            metric: g.metric.map(Into::into),
            min: g.min,
            max: g.max,
        })
        .collect()
}

/// What the wave's users see.
pub fn user_impact(f: &WaveFacts) -> Vec<String> {
    let mut out = Vec::new();
    if f.held > 0 {
        out.push(format!(
            "{} already {} Intune: their devices move at their next check-in after coexistence is turned on, \
             before any licence of this wave is assigned.",
            plural(f.held, "user", "users"),
            if f.held == 1 { "holds" } else { "hold" },
        ));
    }
    if f.licensed_now > 0 {
        out.push(format!(
            "The devices of {} move to Intune at their next check-in after the licence, without re-enrolment: within \
             about {CHECK_IN_HOURS} hours when online. BMS settings are removed and the Intune policies apply; some \
             rules may be stricter (see the plan's impact).",
            plural(f.licensed_now, "user", "users")
        ));
    }
    if f.email_users > 0 {
        out.push(format!(
            "{} a BMS-managed mail profile: it is replaced by the Intune email profile, and they may be asked once \
             for their mail password.",
            plural(f.email_users, "user has", "users have")
        ));
    }
    if f.android_da_devices > 0 {
        out.push(format!(
            "{} enrolled as device administrator: their users must set up a work profile in Company Portal to keep \
             work mail (Intune no longer supports device administrator on devices with Google Mobile Services).",
            plural(f.android_da_devices, "Android device is", "Android devices are")
        ));
    }
    if f.windows_not_migrated > 0 {
        out.push(format!(
            "{} (Windows 8.1, RT or Phone) get no Intune policy: their BMS settings are removed with nothing in \
             their place.",
            plural(f.windows_not_migrated, "device", "devices")
        ));
    }
    if f.unsupported_os > 0 {
        out.push(format!(
            "{} below Intune's supported OS versions: they may keep working but are not supported; update or \
             replace them.",
            plural(f.unsupported_os, "device runs", "devices run")
        ));
    }
    out
}
