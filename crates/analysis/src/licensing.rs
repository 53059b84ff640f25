//! Licences: which service plans entitle Intune, which SKUs have free Intune seats, and for
//! each user whether they hold Intune, BMS, an Intune plan they could switch on without a new
//! seat, or an Intune licence that looks assigned only for app protection (MAM). This module
//! owns those rules; everything is computed once per tenant into dense per-user flags.
//!
//! Rules (`intune-graph-target.md` §3.4–3.5, `intune-behavior.md` §4.3):
//! - **Intune plan**: a service plan whose name starts with `INTUNE_` (case-sensitive, so
//!   `Intune_Defender` is not one), except `INTUNE_O365` (that is BMS) and the plans that do
//!   not make a user Intune-managed on their own: add-ons on top of Plan 1 (`INTUNE_P2`,
//!   `INTUNE_SUITE`), device-only licences (`INTUNE_A_D`, `INTUNE_A_D_GOV`) and storage
//!   (`INTUNE_STORAGE`). A plan whose name is unknown (users' `assignedPlans` carry only IDs)
//!   is recognised by the well-known IDs of `INTUNE_A`, `INTUNE_A_VL`, `INTUNE_EDU`,
//!   `INTUNE_SMBIZ`, `INTUNE_A_GOV` and `INTUNE_O365`.
//! - **User holds Intune**: an enabled `assignedPlans` entry that is an Intune plan, or an
//!   assigned licence whose SKU includes an Intune plan that the licence does not disable.
//! - **User holds BMS**: the same with `INTUNE_O365`.
//! - **Free seats**: `prepaidUnits.enabled − consumedUnits` (never below zero), counted only for
//!   subscribed SKUs whose `capabilityStatus` is `Enabled` and that include an Intune plan with
//!   `provisioningStatus` `Success`.
//! - **Can switch on Intune without a seat**: the user holds a licence whose SKU includes an
//!   Intune plan that this licence disables (re-enabling the plan consumes no new seat).
//! - **MAM-only heuristic**: a user holding Intune whose every Intune-granting licence is
//!   either a SKU the config lists in `appProtectionOnlySkus`, or *trimmed for app
//!   protection*: (a) the licence disables every plan of its SKU except the Intune ones (BMS
//!   and the hidden `EXCHANGE_S_FOUNDATION` may stay), e.g. EMS E3 reduced to `INTUNE_A`; or
//!   (b) the SKU has productivity plans and the licence disables all of them, leaving only
//!   Intune, BMS and identity/protection plans (`AAD_PREMIUM*`, `MFA_PREMIUM`, `RMS_S_*`,
//!   `ADALLOM_S_DISCOVERY`, `EXCHANGE_S_FOUNDATION`), e.g. Microsoft 365 E3 reduced to Intune
//!   and Entra ID P1. An untrimmed EMS or Microsoft 365 licence is never guessed to be
//!   MAM-only: list it in the config instead.

use crate::config::AssessConfig;
use bms2intune_model::{Directory, Guid, PlanIx, ServicePlan, Sku, SkuIx, UserIx};
use serde::Serialize;

/// What a service plan entitles, for this tool's purposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PlanKind {
    /// Intune Plan 1 or a variant: makes a user Intune-managed.
    Intune,
    /// An `INTUNE_*` plan that does not make a user Intune-managed on its own.
    IntuneAddOn,
    /// `INTUNE_O365`: Basic Mobility and Security.
    Bms,
    /// Identity and protection plans that can stay enabled in a licence trimmed for MAM.
    Identity,
    /// Anything else (productivity, unknown).
    Other,
}

/// Well-known service plan IDs.
pub mod plan_ids {
    use bms2intune_model::Guid;
    pub const INTUNE_A: Guid = Guid(0xc1ec4a95_1f05_45b3_a911_aa3fa01094f5);
    pub const INTUNE_A_VL: Guid = Guid(0x3e170737_c728_4eae_bbb9_3f3360f7184c);
    pub const INTUNE_EDU: Guid = Guid(0xda24caf9_af8e_485c_b7c8_e73336da2693);
    pub const INTUNE_SMBIZ: Guid = Guid(0x8e9ff0ff_aa7a_4b20_83c1_2f636b600ac2);
    pub const INTUNE_A_GOV: Guid = Guid(0xd216f254_796f_4dab_bbfa_710686e646b9);
    pub const INTUNE_O365: Guid = Guid(0x882e1d05_acd1_4ccb_8708_6ee03664b117);
}

/// `INTUNE_*` plans that do not make a user Intune-managed on their own.
pub const INTUNE_NOT_PLAN_1: &[&str] = &[
    "INTUNE_P2",
    "INTUNE_SUITE",
    "INTUNE_A_D",
    "INTUNE_A_D_GOV",
    "INTUNE_STORAGE",
];

/// Plans that may stay enabled in a licence trimmed for app protection.
pub const IDENTITY_PLANS: &[&str] = &[
    "AAD_PREMIUM",
    "AAD_PREMIUM_P2",
    "MFA_PREMIUM",
    "RMS_S_PREMIUM",
    "RMS_S_PREMIUM2",
    "RMS_S_ENTERPRISE",
    "ADALLOM_S_DISCOVERY",
    "EXCHANGE_S_FOUNDATION",
];

/// Education SKUs (`skuPartNumber`) that the 06/25/2024 migration guide says need a support
/// contact before migrating: EMS A3/A5 for faculty, students and student use benefit, and the
/// Intune for Education family (any part number starting `INTUNE_EDU`, and any SKU carrying the
/// `INTUNE_EDU` plan). Part numbers are the community-maintained ones; the guide names only the
/// products.
pub const EDUCATION_SKUS: &[&str] = &[
    "EMS_EDU_FACULTY",
    "EMS_EDU_STUDENT",
    "EMS_EDU_STUUSEBNFT",
    "EMSPREMIUM_EDU_FACULTY",
    "EMSPREMIUM_EDU_STUDENT",
    "EMSPREMIUM_EDU_STUUSEBNFT",
    "INTUNE_EDU",
];

/// Classifies a service plan by name (case-sensitive `INTUNE_` prefix).
pub fn classify_plan_name(name: &str) -> PlanKind {
    if name == "INTUNE_O365" {
        PlanKind::Bms
    } else if name.starts_with("INTUNE_") {
        if INTUNE_NOT_PLAN_1.contains(&name) {
            PlanKind::IntuneAddOn
        } else {
            PlanKind::Intune
        }
    } else if IDENTITY_PLANS.contains(&name) {
        PlanKind::Identity
    } else {
        PlanKind::Other
    }
}

/// Classifies a service plan by name, or by well-known ID when its name is unknown.
pub fn classify_plan(plan: &ServicePlan) -> PlanKind {
    match &plan.name {
        Some(name) => classify_plan_name(name),
        None => classify_plan_id(plan.id),
    }
}

fn classify_plan_id(id: Guid) -> PlanKind {
    use plan_ids::*;
    match id {
        INTUNE_A | INTUNE_A_VL | INTUNE_EDU | INTUNE_SMBIZ | INTUNE_A_GOV => PlanKind::Intune,
        INTUNE_O365 => PlanKind::Bms,
        _ => PlanKind::Other,
    }
}

/// Whether a SKU is an education SKU that needs a support contact first: a part number from
/// [`EDUCATION_SKUS`] or the config, any part number starting `INTUNE_EDU`, or a SKU that
/// includes the Intune for Education plan (`INTUNE_EDU`, as Microsoft 365 A3/A5 do).
pub fn is_education_sku(dir: &Directory, sku: SkuIx, config: &AssessConfig) -> bool {
    let Some(s) = dir.skus().get(sku.ix()) else {
        return false;
    };
    let part_number: &str = &s.part_number;
    EDUCATION_SKUS.contains(&part_number)
        || part_number.starts_with("INTUNE_EDU")
        || config
            .education_skus
            .iter()
            .any(|e| e.eq_ignore_ascii_case(part_number))
        || s.plans.iter().any(|p| {
            dir.service_plans().get(p.plan.ix()).is_some_and(|plan| {
                plan.name
                    .as_deref()
                    .map_or(plan.id == plan_ids::INTUNE_EDU, |n| n == "INTUNE_EDU")
            })
        })
}

/// Whether one Intune-granting licence looks assigned for app protection only (see the module
/// documentation for the rules).
fn looks_app_protection_only(
    dir: &Directory,
    kinds: &[PlanKind],
    sku: &Sku,
    disabled: &[PlanIx],
    config: &AssessConfig,
) -> bool {
    let kind = |p: PlanIx| kinds.get(p.ix()).copied().unwrap_or(PlanKind::Other);
    let off = |p: PlanIx| disabled.contains(&p);
    if config
        .app_protection_only_skus
        .iter()
        .any(|s| s.eq_ignore_ascii_case(&sku.part_number))
    {
        return true;
    }
    // (a) Everything but Intune switched off (BMS and the hidden EXCHANGE_S_FOUNDATION may stay).
    let keeps = |p: PlanIx| {
        matches!(
            kind(p),
            PlanKind::Intune | PlanKind::IntuneAddOn | PlanKind::Bms
        ) || dir.plan_name(p) == Some("EXCHANGE_S_FOUNDATION")
    };
    let intune_only = sku.plans.iter().any(|p| !keeps(p.plan))
        && sku.plans.iter().all(|p| keeps(p.plan) || off(p.plan));
    // (b) Every productivity plan switched off, identity and protection plans kept.
    let protection_only = sku.plans.iter().any(|p| kind(p.plan) == PlanKind::Other)
        && sku
            .plans
            .iter()
            .all(|p| kind(p.plan) != PlanKind::Other || off(p.plan));
    intune_only || protection_only
}

/// Seats of one SKU that counts for Intune.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkuSeats {
    pub sku: SkuIx,
    pub part_number: String,
    pub enabled: i64,
    pub consumed: i64,
    /// `enabled − consumed`, never below zero.
    pub free: i64,
}

const HAS_INTUNE: u8 = 1;
const HAS_BMS: u8 = 2;
const MAM_ONLY: u8 = 4;
const CAN_ENABLE_INTUNE: u8 = 8;

/// Licence facts of a whole tenant.
#[derive(Debug, Clone)]
pub struct Licensing {
    plan_kinds: Vec<PlanKind>,
    sku_intune: Vec<bool>,
    user_flags: Vec<u8>,
    /// The SKUs whose seats count for Intune, in `subscribedSkus` order.
    pub intune_skus: Vec<SkuSeats>,
}

impl Licensing {
    pub fn new(dir: &Directory, config: &AssessConfig) -> Licensing {
        let plan_kinds: Vec<PlanKind> = dir.service_plans().iter().map(classify_plan).collect();
        let kind = |p: PlanIx| plan_kinds.get(p.ix()).copied().unwrap_or(PlanKind::Other);
        let sku_intune: Vec<bool> = dir
            .skus()
            .iter()
            .map(|s| s.plans.iter().any(|p| kind(p.plan) == PlanKind::Intune))
            .collect();
        let intune_skus = dir
            .skus()
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.subscribed
                    && &*s.capability_status == "Enabled"
                    && s.plans.iter().any(|p| {
                        kind(p.plan) == PlanKind::Intune && &*p.provisioning_status == "Success"
                    })
            })
            .map(|(i, s)| SkuSeats {
                sku: SkuIx(i as u32),
                part_number: s.part_number.to_string(),
                enabled: s.enabled_units,
                consumed: s.consumed_units,
                free: s.enabled_units.saturating_sub(s.consumed_units).max(0),
            })
            .collect();

        let user_flags = dir
            .users()
            .iter()
            .map(|user| {
                let mut flags = 0u8;
                for p in user.plans.iter().filter(|p| p.enabled) {
                    match kind(p.plan) {
                        PlanKind::Intune => flags |= HAS_INTUNE,
                        PlanKind::Bms => flags |= HAS_BMS,
                        _ => {}
                    }
                }
                let mut intune_licences = 0usize;
                let mut mam_licences = 0usize;
                for licence in user.licenses.iter() {
                    let Some(sku) = dir.skus().get(licence.sku.ix()) else {
                        continue;
                    };
                    let disabled = |p: PlanIx| licence.disabled_plans.contains(&p);
                    let mut grants_intune = false;
                    for p in &sku.plans {
                        match (kind(p.plan), disabled(p.plan)) {
                            (PlanKind::Intune, false) => grants_intune = true,
                            (PlanKind::Intune, true) => flags |= CAN_ENABLE_INTUNE,
                            (PlanKind::Bms, false) => flags |= HAS_BMS,
                            _ => {}
                        }
                    }
                    if grants_intune {
                        flags |= HAS_INTUNE;
                        intune_licences += 1;
                        if looks_app_protection_only(
                            dir,
                            &plan_kinds,
                            sku,
                            &licence.disabled_plans,
                            config,
                        ) {
                            mam_licences += 1;
                        }
                    }
                }
                if flags & HAS_INTUNE != 0 {
                    flags &= !CAN_ENABLE_INTUNE;
                }
                if intune_licences > 0 && mam_licences == intune_licences {
                    flags |= MAM_ONLY;
                }
                flags
            })
            .collect();
        Licensing {
            plan_kinds,
            sku_intune,
            user_flags,
            intune_skus,
        }
    }

    /// What a service plan entitles.
    pub fn plan_kind(&self, plan: PlanIx) -> PlanKind {
        self.plan_kinds
            .get(plan.ix())
            .copied()
            .unwrap_or(PlanKind::Other)
    }

    /// Whether a SKU includes an Intune plan (whatever its seats or status).
    pub fn sku_includes_intune(&self, sku: SkuIx) -> bool {
        self.sku_intune.get(sku.ix()).copied().unwrap_or(false)
    }

    fn flag(&self, user: UserIx, flag: u8) -> bool {
        self.user_flags
            .get(user.ix())
            .is_some_and(|f| f & flag != 0)
    }

    /// The user is Intune-licensed: their devices switch to Intune once coexistence is on.
    pub fn has_intune(&self, user: UserIx) -> bool {
        self.flag(user, HAS_INTUNE)
    }

    /// The user holds BMS (`INTUNE_O365`).
    pub fn has_bms(&self, user: UserIx) -> bool {
        self.flag(user, HAS_BMS)
    }

    /// The user's Intune entitlement looks assigned only for app protection.
    pub fn is_mam_only(&self, user: UserIx) -> bool {
        self.flag(user, MAM_ONLY)
    }

    /// The user lacks Intune but holds a licence whose Intune plan is only disabled: switching
    /// the plan on needs no new seat.
    pub fn can_enable_intune(&self, user: UserIx) -> bool {
        self.flag(user, CAN_ENABLE_INTUNE)
    }

    /// Free seats across every SKU that counts for Intune.
    pub fn free_intune_seats(&self) -> i64 {
        self.intune_skus
            .iter()
            .map(|s| s.free)
            .fold(0i64, i64::saturating_add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::TenantBuilder;

    #[test]
    fn plan_names_are_classified_case_sensitively() {
        for name in [
            "INTUNE_A",
            "INTUNE_A_VL",
            "INTUNE_EDU",
            "INTUNE_SMBIZ",
            "INTUNE_A_GOV",
            "INTUNE_FUTURE",
        ] {
            assert_eq!(classify_plan_name(name), PlanKind::Intune, "{name}");
        }
        assert_eq!(classify_plan_name("INTUNE_O365"), PlanKind::Bms);
        assert_eq!(classify_plan_name("INTUNE_P2"), PlanKind::IntuneAddOn);
        assert_eq!(classify_plan_name("INTUNE_A_D"), PlanKind::IntuneAddOn);
        assert_eq!(classify_plan_name("Intune_Defender"), PlanKind::Other);
        assert_eq!(classify_plan_name("intune_a"), PlanKind::Other);
        assert_eq!(classify_plan_name("AAD_PREMIUM"), PlanKind::Identity);
        assert_eq!(classify_plan_id(plan_ids::INTUNE_A), PlanKind::Intune);
        assert_eq!(classify_plan_id(plan_ids::INTUNE_O365), PlanKind::Bms);
    }

    #[test]
    fn users_seats_and_mam() {
        let mut t = TenantBuilder::new();
        let e3 = t.sku(
            "SPE_E3",
            &[
                "INTUNE_A",
                "INTUNE_O365",
                "EXCHANGE_S_ENTERPRISE",
                "AAD_PREMIUM",
            ],
            10,
            4,
        );
        let o365 = t.sku(
            "ENTERPRISEPACK",
            &["INTUNE_O365", "EXCHANGE_S_ENTERPRISE"],
            50,
            50,
        );
        let p2 = t.sku("INTUNE_P2_ADDON", &["INTUNE_P2"], 100, 0);
        let full = t.user("full");
        t.license(full, e3, &[]);
        let bms = t.user("bms");
        t.license(bms, o365, &[]);
        let trimmed = t.user("trimmed");
        t.license(trimmed, e3, &["EXCHANGE_S_ENTERPRISE"]);
        let disabled = t.user("disabled");
        t.license(disabled, e3, &["INTUNE_A"]);
        let ems = t.sku(
            "EMS",
            &[
                "INTUNE_A",
                "AAD_PREMIUM",
                "MFA_PREMIUM",
                "EXCHANGE_S_FOUNDATION",
            ],
            5,
            2,
        );
        let ems_mam = t.user("ems-mam");
        t.license(
            ems_mam,
            ems,
            &["AAD_PREMIUM", "MFA_PREMIUM", "EXCHANGE_S_FOUNDATION"],
        );
        let ems_full = t.user("ems-full");
        t.license(ems_full, ems, &["MFA_PREMIUM"]);
        let addon = t.user("addon");
        t.license(addon, p2, &[]);
        let by_plan = t.user("by-plan");
        t.assigned_plan(by_plan, "INTUNE_A", true);
        let tenant = t.build();
        let l = Licensing::new(&tenant.directory, &AssessConfig::default());
        assert!(l.has_intune(full) && l.has_bms(full) && !l.is_mam_only(full));
        assert!(!l.has_intune(bms) && l.has_bms(bms));
        assert!(l.has_intune(trimmed) && l.is_mam_only(trimmed));
        assert!(!l.has_intune(disabled) && l.can_enable_intune(disabled) && l.has_bms(disabled));
        assert!(
            !l.has_intune(addon) && !l.has_bms(addon),
            "an add-on alone is not Intune"
        );
        assert!(l.has_intune(by_plan));
        assert!(l.is_mam_only(ems_mam), "EMS reduced to INTUNE_A");
        assert!(
            l.has_intune(ems_full) && !l.is_mam_only(ems_full),
            "EMS with identity plans kept"
        );
        assert_eq!(
            l.free_intune_seats(),
            9,
            "SPE_E3 and EMS count; INTUNE_P2 alone does not"
        );
        assert_eq!(l.intune_skus.len(), 2);

        let listed = AssessConfig {
            app_protection_only_skus: vec!["spe_e3".into()],
            ..AssessConfig::default()
        };
        let l = Licensing::new(&tenant.directory, &listed);
        assert!(l.is_mam_only(full));
    }
}
