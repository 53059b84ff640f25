//! The words of every kind of step: one function per kind builds its [`Step`] — title,
//! target, instructions, user impact, checks and rollback — from the id and dependencies the
//! ordering in the parent module chose. Nothing here decides the order.

use super::IntuneObject;
use crate::types::{
    GroupRef, LicenseNeed, MemberFilter, Step, StepKind, StepTarget, Wave, WaveLicense,
};
use bms2intune_mapping::{Collection, Recommendation};
use bms2intune_model::Directory;

fn object_noun(r: &Recommendation) -> &'static str {
    match r.collection {
        Some(Collection::DeviceCompliancePolicies) => "compliance policy",
        Some(Collection::ConditionalAccessPolicies) => "Conditional Access policy",
        _ if r
            .odata_type
            .as_deref()
            .is_some_and(|t| t.contains("EmailProfile")) =>
        {
            "email profile"
        }
        _ => "configuration profile",
    }
}

fn admin_center_path(r: &Recommendation) -> &'static str {
    match r.collection {
        Some(Collection::DeviceCompliancePolicies) => "Intune admin center > Devices > Compliance",
        Some(Collection::ConditionalAccessPolicies) => {
            "Entra admin center > Protection > Conditional Access > Policies"
        }
        _ => "Intune admin center > Devices > Configuration",
    }
}

fn group_ref(dir: &Directory, id: bms2intune_model::Guid) -> Option<GroupRef> {
    if dir.groups().is_empty() {
        // No groups in the snapshot: keep the ID, the name is unknown.
        return Some(GroupRef {
            id: id.to_string(),
            display_name: None,
        });
    }
    dir.group(id).map(|g| GroupRef {
        id: id.to_string(),
        display_name: Some(dir.groups()[g.ix()].display_name.to_string()),
    })
}

fn names(groups: &[GroupRef]) -> String {
    groups
        .iter()
        .map(|g| match &g.display_name {
            Some(n) => format!("\"{n}\""),
            None => g.id.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The label of a wave in titles: `wave 2 (Ring 1)`.
fn wave_label(w: &Wave) -> String {
    format!("wave {} ({})", w.id, w.name)
}

/// Creates one Intune object, unassigned (a Conditional Access policy report-only).
pub(super) fn create_policy(id: String, object: &IntuneObject) -> Step {
    let IntuneObject {
        recommendation: r,
        api,
        collection,
        file,
    } = *object;
    let noun = object_noun(r);
    let ca = object.is_conditional_access();
    let instructions = if ca {
        format!(
            "POST https://graph.microsoft.com/{api}{} with the body in {file} (or build it in {}). It is created \
             report-only: it blocks nobody. Turn it on only after the last wave, once its report-only results \
             are as expected. Needs a Conditional Access Administrator.",
            collection.endpoint(),
            admin_center_path(r)
        )
    } else {
        format!(
            "POST https://graph.microsoft.com/{api}{} with the body in {file} (or build it in {} with the settings \
             the report lists for {}). It is created unassigned: nothing changes on any device.",
            collection.endpoint(),
            admin_center_path(r),
            r.display_name
        )
    };
    Step {
        id,
        wave: None,
        optional: None,
        kind: StepKind::CreatePolicy,
        title: format!(
            "Create {noun} \"{}\"{}",
            r.display_name,
            if ca { " (report-only)" } else { "" }
        ),
        target: StepTarget {
            display_name: r.display_name.clone(),
            file: Some(file.to_string()),
            api: Some(api.as_str().into()),
            collection: Some(collection.as_str().into()),
            endpoint: Some(collection.endpoint().into()),
            odata_type: r.odata_type.clone(),
            source_policy: Some(r.source_policy.clone()),
            platform: Some(r.platform.as_str().into()),
            ..StepTarget::default()
        },
        depends_on: Vec::new(),
        reversible: true,
        manual: false,
        instructions,
        user_impact: Vec::new(),
        checks: vec![format!(
            "\"{}\" exists in {} with the expected settings.",
            r.display_name,
            admin_center_path(r)
        )],
        rollback: if ca {
            "Delete the policy: in report-only mode it enforced nothing.".into()
        } else {
            format!(
                "Delete the object (DELETE https://graph.microsoft.com/{api}{}/{{id}}): it was not assigned yet.",
                collection.endpoint()
            )
        },
    }
}

/// The groups of `ids` the directory has, and the IDs it does not have.
fn resolve_groups(
    dir: &Directory,
    ids: &[bms2intune_model::Guid],
    not_found: &mut Vec<String>,
) -> Vec<GroupRef> {
    ids.iter()
        .filter_map(|&id| {
            let g = group_ref(dir, id);
            if g.is_none() {
                not_found.push(id.to_string());
            }
            g
        })
        .collect()
}

/// Assigns one device object to its BMS policy's groups, with the exclusions.
pub(super) fn assign_policy(
    id: String,
    depends_on: Vec<String>,
    object: &IntuneObject,
    dir: &Directory,
) -> Step {
    let IntuneObject {
        recommendation: r,
        api,
        collection,
        file,
    } = *object;
    let mut not_found = Vec::new();
    let include = resolve_groups(dir, &r.include_groups, &mut not_found);
    let exclude = resolve_groups(dir, &r.exclude_groups, &mut not_found);
    let mut instructions = format!(
        "POST https://graph.microsoft.com/{api}{}/{{id}}/assign with {} (or {} > \"{}\" > Properties > \
         Assignments). Include: {}.",
        collection.endpoint(),
        if exclude.is_empty() {
            "a groupAssignmentTarget per included group"
        } else {
            "a groupAssignmentTarget per included group and an exclusionGroupAssignmentTarget per excluded group"
        },
        admin_center_path(r),
        r.display_name,
        if include.is_empty() {
            "none".into()
        } else {
            names(&include)
        }
    );
    if !exclude.is_empty() {
        instructions.push_str(&format!(" Exclude: {}.", names(&exclude)));
    }
    if !not_found.is_empty() {
        instructions.push_str(&format!(
            " Left out, not in the directory (see unknown-target-group): {}.",
            not_found.join(", ")
        ));
    }
    instructions.push_str(
        " BMS-managed devices are not affected until their user is licensed (or already holds Intune and \
         coexistence is on).",
    );
    Step {
        id,
        wave: None,
        optional: None,
        kind: StepKind::AssignPolicy,
        title: format!(
            "Assign {} \"{}\" to the groups of \"{}\"",
            object_noun(r),
            r.display_name,
            r.source_policy
        ),
        target: StepTarget {
            display_name: r.display_name.clone(),
            file: Some(file.to_string()),
            api: Some(api.as_str().into()),
            collection: Some(collection.as_str().into()),
            endpoint: Some(collection.endpoint().into()),
            odata_type: r.odata_type.clone(),
            source_policy: Some(r.source_policy.clone()),
            platform: Some(r.platform.as_str().into()),
            include,
            exclude,
            not_found,
            ..StepTarget::default()
        },
        depends_on,
        reversible: true,
        manual: false,
        instructions,
        user_impact: vec![
            "Devices already managed by Intune whose users are in these groups get the object at their next \
             check-in (see the plan's conflicts)."
                .into(),
        ],
        checks: vec![format!(
            "\"{}\" shows the assignments above (Properties > Assignments).",
            r.display_name
        )],
        rollback: "Remove the assignments (assign with an empty list). Devices drop the settings at their next \
                   check-in; a compliance policy stays in effect until then."
            .into(),
    }
}

/// The manual check before the one-way switch.
pub(super) fn verify_before_coexistence(
    id: String,
    depends_on: Vec<String>,
    checks: Vec<String>,
) -> Step {
    Step {
        id,
        wave: None,
        optional: None,
        kind: StepKind::Verify,
        title: "Check that everything is in place before turning on coexistence".into(),
        target: StepTarget {
            display_name: "Tenant readiness".into(),
            ..StepTarget::default()
        },
        depends_on,
        reversible: true,
        manual: true,
        instructions: "Go through each check below. Turning on coexistence cannot be undone, and it moves every \
                       already-licensed user at once: do not continue while a check fails."
            .into(),
        user_impact: Vec::new(),
        checks,
        rollback: "Nothing to undo: this step only checks.".into(),
    }
}

/// Turns on coexistence (the Intune MDM authority); `held` users already hold Intune.
pub(super) fn enable_coexistence(id: String, depends_on: Vec<String>, held: u64) -> Step {
    Step {
        id,
        wave: None,
        optional: None,
        kind: StepKind::EnableCoexistence,
        title: "Turn on coexistence: add the Intune MDM authority".into(),
        target: StepTarget {
            display_name: "Intune MDM authority (coexistence with BMS)".into(),
            setting: Some("mdmAuthority".into()),
            value: Some("intune".into()),
            ..StepTarget::default()
        },
        depends_on,
        reversible: false,
        manual: true,
        instructions: "Intune admin center > Devices > Add MDM Authority > Intune MDM Authority > Add (Global \
                       Administrator or Intune Administrator; there is no Graph request for it). The tenant's MDM \
                       authority changes from Office 365 to Intune and coexistence starts: from now on each user's \
                       licence decides who manages their devices. Intune asks every enrolled device to check in; \
                       online devices can take up to 8 hours."
            .into(),
        user_impact: if held > 0 {
            vec![
                format!(
                    "The {} who already {} Intune move now: their BMS devices switch to Intune at the next check-in \
                     (up to 8 hours).",
                    plural(held, "user", "users"),
                    if held == 1 { "holds" } else { "hold" }
                ),
                "Everyone else stays on BMS until their wave's licence.".into(),
            ]
        } else {
            vec!["Nobody moves yet: every user in scope stays on BMS until their wave's licence.".into()]
        },
        checks: vec![
            "Tenant administration > Tenant status shows MDM authority Intune.".into(),
        ],
        rollback: "Cannot be undone: the MDM authority never goes back to Office 365. To keep a user on BMS, remove \
                   their Intune licence before this step."
            .into(),
    }
}

/// The members of a wave who get a new seat of one SKU, for its licence group.
fn new_seat_members(l: &WaveLicense) -> Option<MemberFilter> {
    Some(MemberFilter {
        license: LicenseNeed::NewSeat,
        sku: Some(l.sku_part_number.clone()),
    })
}

/// Fills a wave's licence group with the wave's users who need a seat of its SKU.
pub(super) fn add_group_members(
    id: String,
    depends_on: Vec<String>,
    w: &Wave,
    l: &WaveLicense,
) -> Step {
    Step {
        id,
        wave: Some(w.id),
        optional: None,
        kind: StepKind::AddGroupMembers,
        title: format!(
            "Add the {} of {} who get {} to \"{}\"",
            plural(l.seats, "user", "users"),
            wave_label(w),
            l.sku_part_number,
            l.group_display_name
        ),
        target: StepTarget {
            display_name: l.group_display_name.clone(),
            group: Some(l.group.clone()),
            wave: Some(w.id),
            members: new_seat_members(l),
            count: Some(l.seats),
            ..StepTarget::default()
        },
        depends_on,
        reversible: true,
        manual: false,
        instructions: format!(
            "Add exactly the wave's members with license new-seat and sku {} (plan.json, wave {}, members): \
             Entra admin center > Groups > \"{}\" > Members > Add members; or POST \
             https://graph.microsoft.com/v1.0/groups/{{id}}/members/$ref per user (or PATCH the group with \
             members@odata.bind, up to 20 per request). Nothing changes for users until the licence is \
             assigned to the group.",
            l.sku_part_number, w.id, l.group_display_name
        ),
        user_impact: Vec::new(),
        checks: vec![format!(
            "\"{}\" has exactly {}.",
            l.group_display_name,
            plural(l.seats, "member", "members")
        )],
        rollback: "Remove the members: no licence is assigned to the group yet.".into(),
    }
}

/// Assigns the SKU to a wave's licence group: its members' devices move to Intune.
pub(super) fn assign_group_license(
    id: String,
    depends_on: Vec<String>,
    w: &Wave,
    l: &WaveLicense,
) -> Step {
    Step {
        id,
        wave: Some(w.id),
        optional: None,
        kind: StepKind::AssignLicense,
        title: format!(
            "Assign {} to \"{}\" ({})",
            l.sku_part_number,
            l.group_display_name,
            plural(l.seats, "seat", "seats")
        ),
        target: StepTarget {
            display_name: l.group_display_name.clone(),
            group: Some(l.group.clone()),
            sku_part_number: Some(l.sku_part_number.clone()),
            sku_id: Some(l.sku_id.clone()),
            wave: Some(w.id),
            members: new_seat_members(l),
            count: Some(l.seats),
            ..StepTarget::default()
        },
        depends_on,
        reversible: true,
        manual: false,
        instructions: format!(
            "Entra admin center > Groups > \"{}\" > Licenses > Assignments > {}; or POST \
             https://graph.microsoft.com/v1.0/groups/{{id}}/assignLicense with addLicenses [{{\"skuId\": \
             \"{}\", \"disabledPlans\": []}}] and removeLicenses []. Keep the Intune plan on (other plans of \
             the SKU may be switched off). Then watch the group's licence errors (conflicting service plans, \
             not enough licences) until every member holds it. Group-based licensing has its own Entra ID \
             licence prerequisite; without it, assign the SKU to each listed user directly. Members without \
             a usage location inherit the tenant's.",
            l.group_display_name, l.sku_part_number, l.sku_id
        ),
        user_impact: w.user_impact.clone(),
        checks: vec![format!(
            "Every member of \"{}\" holds {} (no licence error on the group).",
            l.group_display_name, l.sku_part_number
        )],
        rollback: license_rollback(&format!(
            "Remove {} from the group (assignLicense with removeLicenses [\"{}\"])",
            l.sku_part_number, l.sku_id
        )),
    }
}

/// Switches the Intune plan on for a wave's users whose licence has it off (no new seat).
pub(super) fn enable_intune_plan(id: String, depends_on: Vec<String>, w: &Wave) -> Step {
    Step {
        id,
        wave: Some(w.id),
        optional: None,
        kind: StepKind::AssignLicense,
        title: format!(
            "Switch on the Intune plan for the {} of {} whose licence has it switched off",
            plural(w.enable_plan, "user", "users"),
            wave_label(w)
        ),
        target: StepTarget {
            display_name: format!("Users of wave {} with the Intune plan switched off", w.id),
            wave: Some(w.id),
            members: Some(MemberFilter {
                license: LicenseNeed::EnablePlan,
                sku: None,
            }),
            count: Some(w.enable_plan),
            ..StepTarget::default()
        },
        depends_on,
        reversible: true,
        manual: false,
        instructions: format!(
            "For each of the wave's members with license enable-plan (plan.json, wave {}): Microsoft 365 admin \
             center > Users > Active users > the user > Licenses and apps > switch Microsoft Intune on in the \
             licence that includes it; or POST https://graph.microsoft.com/v1.0/users/{{id}}/assignLicense \
             with that licence's disabledPlans minus the Intune plan. No new seat is used.",
            w.id
        ),
        user_impact: w.user_impact.clone(),
        checks: vec!["Each of these users shows Microsoft Intune switched on in their licence.".into()],
        rollback: license_rollback("Switch the Intune plan off again in the same licence"),
    }
}

/// Verifies a wave's exit gates before the `next` wave (or the end of the migration).
pub(super) fn verify_wave(
    id: String,
    depends_on: Vec<String>,
    w: &Wave,
    next: Option<&Wave>,
) -> Step {
    Step {
        id,
        wave: Some(w.id),
        optional: None,
        kind: StepKind::Verify,
        title: format!(
            "Verify {} before {}",
            wave_label(w),
            match next {
                None => "closing the migration".to_string(),
                Some(next) => format!("wave {}", next.id),
            }
        ),
        target: StepTarget {
            display_name: format!("Wave {} ({})", w.id, w.name),
            wave: Some(w.id),
            count: Some(w.users),
            ..StepTarget::default()
        },
        depends_on,
        reversible: true,
        manual: true,
        instructions: format!(
            "Check every exit gate of wave {}. {} If a gate fails, fix the cause and check again, or roll back \
             this wave's licence steps.",
            w.id,
            if next.is_none() {
                "This is the last wave."
            } else {
                "The next wave starts only when all of them pass."
            }
        ),
        user_impact: Vec::new(),
        checks: w
            .exit_gates
            .iter()
            .map(|g| format!("{} ({})", g.description, g.how.trim_end_matches('.')))
            .collect(),
        rollback: "Nothing to undo: this step only checks. To undo the wave, roll back its licence steps.".into(),
    }
}

fn license_rollback(action: &str) -> String {
    format!(
        "{action}. The users' devices go back to BMS at their next check-in: coexistence decides per user from the \
         licence, but Microsoft does not document the way back step by step, so try it with one pilot user first. \
         Intune settings are removed, BMS policies apply again, and users may have to re-enter their mail password."
    )
}

/// Creates a wave's licence group, empty.
pub(super) fn create_group(id: String, w: &Wave, l: &WaveLicense) -> Step {
    let nickname = mail_nickname(&l.group);
    Step {
        id,
        wave: None,
        optional: None,
        kind: StepKind::CreateGroup,
        title: format!("Create the licence group \"{}\"", l.group_display_name),
        target: StepTarget {
            display_name: l.group_display_name.clone(),
            group: Some(l.group.clone()),
            mail_nickname: Some(nickname.clone()),
            description: Some(format!(
                "Wave {} ({}) of the move from BMS to Intune: members get {} through group-based licensing, which \
                 moves their devices to Intune.",
                w.id, w.name, l.sku_part_number
            )),
            sku_part_number: Some(l.sku_part_number.clone()),
            wave: Some(w.id),
            ..StepTarget::default()
        },
        depends_on: Vec::new(),
        reversible: true,
        manual: false,
        instructions: format!(
            "Entra admin center > Groups > New group: type Security, membership Assigned, name \"{}\"; or POST \
             https://graph.microsoft.com/v1.0/groups with displayName, mailNickname \"{nickname}\", securityEnabled \
             true, mailEnabled false. If a group of that name exists already (a re-run), reuse it.",
            l.group_display_name
        ),
        user_impact: Vec::new(),
        checks: Vec::new(),
        rollback: "Delete the group: nothing is assigned to it yet.".into(),
    }
}

/// A `mailNickname` Graph accepts: ASCII letters, digits and `-`, at most 64 characters.
pub fn mail_nickname(key: &str) -> String {
    let mut s: String = format!("bms2intune-{key}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    s.truncate(64);
    s
}
