//! The licence checks: `license-shortfall`, `already-licensed-users` (with the proposed Group 1 /
//! Group 2 split), `licensed-without-replacement`, `unlicensed-targets`, `mam-only-license` and
//! `education-sku`.

use super::context::{part_file, plural, Ctx};
use super::coverage::IntuneCoverage;
use super::vocabulary::{Code, Finding, ProposedGroup, Subject};
use crate::licensing::is_education_sku;
use bms2intune_model::{SkuIx, UserIx};

impl<'t> Ctx<'t, '_> {
    pub(super) fn license_shortfall(&self) -> Option<Finding<'t>> {
        let (mut licensed, mut can_enable, mut need) = (0usize, 0usize, Vec::new());
        for u in self.in_scope_users() {
            if self.licensing.has_intune(u) {
                licensed += 1;
            } else if self.licensing.can_enable_intune(u) {
                can_enable += 1;
            } else {
                need.push(u);
            }
        }
        let free = self.licensing.free_intune_seats();
        let short = (need.len() as i64).saturating_sub(free);
        if short <= 0 {
            return None;
        }
        let skus = if self.licensing.intune_skus.is_empty() {
            "no subscribed SKU includes an Intune plan".to_string()
        } else {
            self.licensing
                .intune_skus
                .iter()
                .map(|s| format!("{} {} free of {}", s.part_number, s.free, s.enabled))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let in_scope = licensed + can_enable + need.len();
        let mut f = self.finding(
            Code::LicenseShortfall,
            format!(
                "Users in scope of BMS policies: {in_scope}. Already Intune-licensed: {licensed}; Intune plan only \
                 switched off in a licence they hold (switching it on needs no new seat): {can_enable}; needing a \
                 new Intune seat: {}. Free Intune seats: {free} ({skus}). Short by {short}.",
                need.len()
            ),
            need.iter().map(|&u| self.user(u)).collect(),
            format!(
                "Buy or free up at least {short} Intune-capable seats (Intune Plan 1, EMS E3/E5, Microsoft 365 \
                 E3/E5/F3 or Business Premium) before the switch. Assign them only after the replacement Intune \
                 policies are in place: a licence switches the user's devices at the next check-in."
            ),
        );
        f.count = short as u64;
        Some(f)
    }

    pub(super) fn already_licensed_users(&self) -> Option<Finding<'t>> {
        let (group1, group2): (Vec<UserIx>, Vec<UserIx>) = self
            .in_scope_users()
            .partition(|&u| self.licensing.has_intune(u));
        if group1.is_empty() {
            return None;
        }
        let subjects = |users: &[UserIx]| {
            let mut s: Vec<Subject<'t>> = users.iter().map(|&u| self.user(u)).collect();
            self.sort_subjects(&mut s);
            s
        };
        let group1_members = subjects(&group1);
        let mut f = self.finding(
            Code::AlreadyLicensedUsers,
            format!(
                "{} of the {} in BMS targets already hold an Intune licence. When coexistence is turned on (the \
                 Intune MDM authority is added), their devices move to Intune at the next check-in: the BMS \
                 settings are removed and only Intune policies assigned to them apply.",
                group1.len(),
                plural(group1.len() + group2.len(), "user", "users")
            ),
            group1_members.clone(),
            "Split the BMS target groups in two. Group 1 (Intune-licensed) gets the replacement Intune policies \
             before coexistence is turned on; Group 2 (not yet licensed) stays under BMS and is licensed wave by \
             wave once its replacement policies are assigned. Keep BMS policies assigned only to users without \
             Intune licences."
                .to_string(),
        );
        f.proposed_groups = vec![
            ProposedGroup {
                key: "group1".into(),
                display_name: "BMS migration - Group 1 (Intune-licensed)".into(),
                description: "Users in BMS targets who already hold Intune: they switch as soon as coexistence is on. \
                              Assign the replacement Intune policies to this group first."
                    .into(),
                members: group1_members,
                members_omitted: 0,
            },
            ProposedGroup {
                key: "group2".into(),
                display_name: "BMS migration - Group 2 (BMS until licensed)".into(),
                description: "Users in BMS targets without Intune: they stay on BMS until licensed. License them \
                              after the replacement policies are assigned to this group."
                    .into(),
                members: subjects(&group2),
                members_omitted: 0,
            },
        ];
        Some(f)
    }

    pub(super) fn licensed_without_replacement(&self) -> Option<Finding<'t>> {
        let intune = IntuneCoverage::new(self);
        let mut users = Vec::new();
        let mut devices = 0usize;
        for (u, list) in self.bms_devices_by_user.iter() {
            if !self.targets.is_in_scope(u) || !self.licensing.has_intune(u) {
                continue;
            }
            let uncovered = list.iter().filter(|&&d| !intune.covers(self, u, d)).count();
            if uncovered > 0 {
                users.push(u);
                devices += uncovered;
            }
        }
        if users.is_empty() {
            return None;
        }
        let assumption = if intune.exported {
            String::new()
        } else {
            format!(
                " {} missing: assumed that no Intune policy exists yet.",
                intune
                    .missing
                    .iter()
                    .map(|p| part_file(*p))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )
        };
        Some(self.finding(
            Code::LicensedWithoutReplacement,
            format!(
                "{} hold Intune and have {} still managed by BMS with no Intune compliance policy or configuration \
                 profile for the device's platform assigned to them. At the next check-in after coexistence is on, \
                 these devices lose every BMS setting and the managed email profile, with nothing in their place.{assumption}",
                plural(users.len(), "user", "users"),
                plural(devices, "device", "devices")
            ),
            users.iter().map(|&u| self.user(u)).collect(),
            "Create the replacement Intune policies (the plan's compliance policies and configuration profiles, \
             including the email profile) and assign them to these users before turning on coexistence, or remove \
             their Intune licence until then."
                .to_string(),
        ))
    }

    pub(super) fn unlicensed_targets(&self) -> Option<Finding<'t>> {
        let users: Vec<UserIx> = self
            .in_scope_users()
            .filter(|&u| !self.licensing.has_intune(u) && !self.licensing.has_bms(u))
            .collect();
        if users.is_empty() {
            return None;
        }
        Some(self.finding(
            Code::UnlicensedTargets,
            format!(
                "{} in BMS targets hold no licence with BMS (INTUNE_O365) or Intune. BMS does not manage their \
                 devices today, so the policies don't reach them in practice; after the move they are managed only \
                 once they get an Intune licence, and then have to enrol.",
                plural(users.len(), "user", "users")
            ),
            users.iter().map(|&u| self.user(u)).collect(),
            "Decide per user: license them for Intune with the rest of their wave (they count in the seat need), or \
             remove them from the BMS target groups if they should not be managed."
                .to_string(),
        ))
    }

    pub(super) fn mam_only_license(&self) -> Option<Finding<'t>> {
        let users: Vec<UserIx> = self
            .in_scope_users()
            .filter(|&u| self.licensing.is_mam_only(u))
            .collect();
        if users.is_empty() {
            return None;
        }
        let listed = if self.config.app_protection_only_skus.is_empty() {
            String::new()
        } else {
            format!(
                " or a SKU listed as app-protection-only ({})",
                self.config.app_protection_only_skus.join(", ")
            )
        };
        Some(self.finding(
            Code::MamOnlyLicense,
            format!(
                "{} in BMS targets hold Intune only through a licence trimmed to Intune and identity plans{listed}, \
                 which looks assigned for app protection (MAM). Any Intune licence switches the user's enrolled \
                 devices from BMS to Intune once coexistence is on, whatever it was assigned for.",
                plural(users.len(), "user", "users")
            ),
            users.iter().map(|&u| self.user(u)).collect(),
            "Treat these users like Group 1: assign the replacement Intune policies to them before coexistence, or \
             remove the Intune plan until their wave. Microsoft advises not to assign Intune licences for MAM \
             before the migration."
                .to_string(),
        ))
    }

    pub(super) fn education_sku(&self) -> Option<Finding<'t>> {
        let skus: Vec<SkuIx> = (0..self.dir.skus().len())
            .map(|i| SkuIx(i as u32))
            .filter(|s| {
                let sku = &self.dir.skus()[s.ix()];
                sku.subscribed && is_education_sku(self.dir, *s, self.config)
            })
            .collect();
        if skus.is_empty() {
            return None;
        }
        Some(self.finding(
            Code::EducationSku,
            format!(
                "The tenant subscribes to {}: EMS A3/A5 for faculty or students, or a product that includes \
                 Intune for Education. Microsoft's migration guide (06/25/2024) says to contact support before \
                 migrating tenants with these products; the 01/22/2026 guide no longer lists them, so review them \
                 by hand.",
                plural(skus.len(), "education SKU", "education SKUs")
            ),
            skus.iter().map(|&s| self.sku(s)).collect(),
            "Open a Microsoft support request describing the BMS-to-Intune move and these SKUs before licensing \
             anyone or turning on coexistence."
                .to_string(),
        ))
    }
}
