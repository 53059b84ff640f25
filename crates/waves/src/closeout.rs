//! After the last wave: the close-out of BMS, and the optional baseline steps. This module
//! owns their ids, order, dependencies and wording.
//!
//! Close-out (the migration's own steps, after `verify:wave-<last>`):
//!
//! 1. `verify:close-out`: no device is still managed by BMS (Graph: `managedDevices` with
//!    `managementAgent` `microsoft365ManagedMdm`, Entra devices with the Office 365 MDM
//!    `mdmAppId`).
//! 2. Per report-only Conditional Access policy (`<policy>_OfficeMDM`):
//!    `verify:report-only:<file>` — no sign-in the policy would have blocked
//!    (`reportOnlyFailure`, which Graph returns only with `Prefer: include-unknown-enum-members`)
//!    — then `enforce-conditional-access:<file>`, its own step with its own rollback (back to
//!    report-only).
//! 3. `keep-classic-conditional-access`: the classic policies stay; the BMS groups leave them
//!    only when the BMS policies are removed, which is safe once every modern policy is enforced.
//! 4. `remove-bms-policies` (manual): the exact Security & Compliance PowerShell commands.
//!
//! Baseline (`optional: baseline`, run by `apply` only when asked; nothing of the migration
//! depends on them): create the notification template and its message, create each baseline
//! compliance policy, add its notification action (`schedule-actions:<file>`), assign it, and
//! finally `update-tenant-settings:<file>` (`secureByDefault`, read-modify-write).

use crate::types::{GroupRef, Optional, Staging, Step, StepKind, StepTarget};
use bms2intune_mapping::baseline::{Baseline, BaselineKind, BaselineObject};
use bms2intune_mapping::{ClassicCaStatement, Collection, Recommendation};
use bms2intune_model::{BmsExport, Directory, Guid, PolicyKind};

/// Step id of the check that nobody is still managed by BMS.
pub const VERIFY_CLOSE_OUT: &str = "verify:close-out";
/// Step id of keeping the classic Conditional Access policies.
pub const KEEP_CLASSIC_CA: &str = "keep-classic-conditional-access";
/// Step id of removing the BMS policies.
pub const REMOVE_BMS_POLICIES: &str = "remove-bms-policies";
/// Days of sign-ins the report-only gate reads ([our rule]: a full working week and weekend).
pub const REPORT_ONLY_DAYS: u32 = 7;
/// The header without which Graph hides `reportOnlyFailure` behind `unknownFutureValue`.
pub const INCLUDE_UNKNOWN_ENUMS: &str = "Prefer: include-unknown-enum-members";

/// Step id of the report-only gate of a Conditional Access policy file.
pub fn report_only_gate_id(file: &str) -> String {
    format!("verify:report-only:{file}")
}

/// Step id of enforcing a Conditional Access policy file.
pub fn enforce_id(file: &str) -> String {
    format!("enforce-conditional-access:{file}")
}

/// What the close-out and baseline steps are built from.
pub struct CloseOutInputs<'a> {
    pub dir: &'a Directory,
    pub bms: &'a BmsExport,
    pub recommendations: &'a [Recommendation],
    pub classic: &'a ClassicCaStatement,
    /// `verify:wave-<last>`; `None` when there are no waves (then no close-out steps).
    pub last_wave_verify: Option<String>,
    /// Users in scope the plan leaves on BMS.
    pub left_on_bms: u64,
}

fn step(id: String, kind: StepKind, title: String, target: StepTarget) -> Step {
    Step {
        id,
        wave: None,
        optional: None,
        kind,
        title,
        target,
        depends_on: Vec::new(),
        reversible: true,
        manual: false,
        instructions: String::new(),
        user_impact: Vec::new(),
        checks: Vec::new(),
        rollback: String::new(),
    }
}

/// The close-out steps, in order (empty without waves).
pub fn close_out_steps(inp: &CloseOutInputs) -> Vec<Step> {
    let Some(last) = &inp.last_wave_verify else {
        return Vec::new();
    };
    let mut steps = vec![verify_close_out(last, inp.left_on_bms)];
    let mut enforced = Vec::new();
    for r in inp
        .recommendations
        .iter()
        .filter(|r| r.collection == Some(Collection::ConditionalAccessPolicies) && r.file.is_some())
    {
        let file = r.file.clone().unwrap_or_default();
        steps.push(report_only_gate(r, &file));
        steps.push(enforce(r, &file));
        enforced.push(enforce_id(&file));
    }
    steps.push(keep_classic(inp.classic, enforced));
    steps.push(remove_bms(inp.bms, inp.left_on_bms));
    steps
}

fn verify_close_out(last: &str, left_on_bms: u64) -> Step {
    let mut s = step(
        VERIFY_CLOSE_OUT.into(),
        StepKind::Verify,
        "Verify that no user is still managed by BMS".into(),
        StepTarget {
            display_name: "Devices still managed by Basic Mobility and Security".into(),
            method: Some("GET".into()),
            read: Some(
                "/deviceManagement/managedDevices?$filter=managementAgent eq 'microsoft365ManagedMdm'&$select=id,\
                 deviceName,userPrincipalName,operatingSystem"
                    .into(),
            ),
            count: Some(0),
            ..StepTarget::default()
        },
    );
    s.depends_on = vec![last.to_string()];
    s.instructions = format!(
        "GET https://graph.microsoft.com/v1.0{} must return no device, and GET \
         https://graph.microsoft.com/v1.0/devices?$filter=mdmAppId eq '7add3ecd-5b01-452e-b4bf-cdaf9df1d097' \
         (Office 365 MDM) neither. A device still listed belongs to a user without an Intune licence, or has no \
         primary user (ask Microsoft support to move it, or retire and re-enrol it).{}",
        s.target.read.as_deref().unwrap_or_default(),
        if left_on_bms > 0 {
            format!(
                " This plan leaves {left_on_bms} user{} on BMS (unplacedUsers): this check fails until they are \
                 licensed; plan again once the seats exist.",
                if left_on_bms == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    );
    s.checks = vec![
        "No managed device has managementAgent microsoft365ManagedMdm.".into(),
        "No Entra device has mdmAppId 7add3ecd-5b01-452e-b4bf-cdaf9df1d097 (Office 365 MDM)."
            .into(),
    ];
    s.rollback = "Nothing to undo: this step only checks.".into();
    s
}

fn report_only_gate(r: &Recommendation, file: &str) -> Step {
    let mut s = step(
        report_only_gate_id(file),
        StepKind::Verify,
        format!(
            "Check the sign-ins \"{}\" would have blocked in report-only mode",
            r.display_name
        ),
        StepTarget {
            display_name: r.display_name.clone(),
            file: Some(file.to_string()),
            method: Some("GET".into()),
            read: Some(format!(
                "/auditLogs/signIns?$filter=appliedConditionalAccessPolicies/any(p:p/id eq '{{id}}') and \
                 createdDateTime ge {{now - {REPORT_ONLY_DAYS} days}}"
            )),
            header: Some(INCLUDE_UNKNOWN_ENUMS.into()),
            uses: Some(format!("create-policy:{file}")),
            setting: Some("appliedConditionalAccessPolicies.result".into()),
            value: Some("reportOnlyFailure".into()),
            count: Some(0),
            ..StepTarget::default()
        },
    );
    s.depends_on = vec![VERIFY_CLOSE_OUT.into()];
    s.instructions = format!(
        "Read the last {REPORT_ONLY_DAYS} days of sign-ins that evaluated \"{}\" ({{id}} = the ID its create step \
         returned) with the header \"{INCLUDE_UNKNOWN_ENUMS}\": without it Graph returns unknownFutureValue instead of \
         the report-only results. Count the sign-ins whose appliedConditionalAccessPolicies entry for the policy has \
         result reportOnlyFailure: each is a sign-in the policy would have blocked once enforced. Or Entra admin \
         center > Monitoring > Sign-in logs > Report-only tab, filter on the policy, result \"Report-only: Failure\". \
         Needs AuditLog.Read.All and Policy.Read.All (and Entra ID P1 for sign-in logs).",
        r.display_name
    );
    s.checks = vec![
        format!(
            "0 sign-ins with result reportOnlyFailure for \"{}\" in the last {REPORT_ONLY_DAYS} days, or each one \
             explained (a device to fix, a user to exclude).",
            r.display_name
        ),
        "Sign-ins with reportOnlySuccess show compliant devices getting through.".into(),
    ];
    s.rollback = "Nothing to undo: this step only checks.".into();
    s
}

fn enforce(r: &Recommendation, file: &str) -> Step {
    let mut s = step(
        enforce_id(file),
        StepKind::EnforceConditionalAccess,
        format!(
            "Enforce the Conditional Access policy \"{}\"",
            r.display_name
        ),
        StepTarget {
            display_name: r.display_name.clone(),
            file: Some(file.to_string()),
            api: Some("v1.0".into()),
            collection: Some(Collection::ConditionalAccessPolicies.as_str().into()),
            endpoint: Some(format!(
                "{}/{{id}}",
                Collection::ConditionalAccessPolicies.endpoint()
            )),
            source_policy: Some(r.source_policy.clone()),
            method: Some("PATCH".into()),
            uses: Some(format!("create-policy:{file}")),
            setting: Some("state".into()),
            value: Some("enabled".into()),
            previous_value: Some("enabledForReportingButNotEnforced".into()),
            ..StepTarget::default()
        },
    );
    s.depends_on = vec![report_only_gate_id(file)];
    s.instructions = format!(
        "PATCH https://graph.microsoft.com/v1.0/identity/conditionalAccess/policies/{{id}} with {{\"state\": \
         \"enabled\"}} (or Entra admin center > Protection > Conditional Access > \"{}\" > Enable policy: On). Only \
         after its report-only check passes. Needs a Conditional Access Administrator.",
        r.display_name
    );
    s.user_impact = vec![format!(
        "Users of \"{}\" whose device is not compliant can no longer open Exchange Online or SharePoint Online from \
         mobile apps and desktop clients on iOS and Android.",
        r.source_policy
    )];
    s.checks = vec![format!(
        "\"{}\" shows state enabled; sign-ins show result success or failure for it (no longer report-only).",
        r.display_name
    )];
    s.rollback = format!(
        "PATCH the policy back to {{\"state\": \"enabledForReportingButNotEnforced\"}} (report-only): \"{}\" stops \
         blocking at once; the classic policies still apply to the BMS groups until the BMS policies are removed.",
        r.display_name
    );
    s
}

fn keep_classic(classic: &ClassicCaStatement, enforced: Vec<String>) -> Step {
    let mut s = step(
        KEEP_CLASSIC_CA.into(),
        StepKind::KeepClassicConditionalAccess,
        "Keep the classic Conditional Access policies".into(),
        StepTarget {
            display_name: "Classic Conditional Access policies behind BMS".into(),
            ..StepTarget::default()
        },
    );
    s.manual = true;
    s.depends_on = if enforced.is_empty() {
        vec![VERIFY_CLOSE_OUT.into()]
    } else {
        enforced
    };
    s.instructions = format!(
        "Do not delete or change the classic policies ({}). They are not in Graph, Microsoft documents no way to \
         remove them, and other services may rely on them. Until every <policy>_OfficeMDM policy is enforced they \
         are what requires a compliant device for the BMS Block policies' groups; removing the BMS policies (next \
         step) takes those groups off them, so remove the BMS policies only after this step.",
        classic.policies.join(", ")
    );
    s.checks = vec![
        "Entra admin center > Protection > Conditional Access > Classic policies still lists them."
            .into(),
        "Every <policy>_OfficeMDM policy shows state On (enforced), not Report-only.".into(),
    ];
    s.rollback = "Nothing to undo: this step changes nothing.".into();
    s
}

/// A PowerShell single-quoted string: every quote PowerShell accepts as a single quote
/// (', ‘, ’, ‚, ‛) is doubled, so a tenant string can never end the literal.
pub fn powershell_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// The identity to pass to `-Identity`: the name, or the GUID when the name holds a line break
/// or other control character that would make the command unreadable.
fn identity(name: &str, guid: Option<Guid>) -> String {
    match guid {
        Some(g) if name.chars().any(char::is_control) => powershell_quote(&g.to_string()),
        _ => powershell_quote(name),
    }
}

/// The exact Security & Compliance PowerShell commands that remove the BMS policies and the
/// orphan rules (`bms-source.md` §2.1, §3.1): a policy's removal removes its rule.
pub fn removal_commands(bms: &BmsExport) -> Vec<String> {
    let mut lines = vec![
        "Connect-IPPSSession -UserPrincipalName <admin UPN>".to_string(),
        "Get-DevicePolicy | Format-Table Name, Type, Mode, Priority".to_string(),
    ];
    for p in bms.mappable_policies() {
        let cmdlet = match p.kind {
            PolicyKind::Block => "Remove-DeviceConditionalAccessPolicy",
            PolicyKind::Allow => "Remove-DeviceConfigurationPolicy",
        };
        lines.push(format!(
            "{cmdlet} -Identity {} -Confirm:$false",
            identity(&p.name, p.guid)
        ));
    }
    for r in bms.orphan_rules.iter().filter(|r| !r.mode.is_deleting()) {
        let cmdlet = if r
            .settings
            .get(bms2intune_model::BmsSetting::AllowJailbroken)
            .is_some()
            || r.name.ends_with(bms2intune_model::bms::BLOCK_RULE_SUFFIX)
            || r.name
                .ends_with(bms2intune_model::bms::LEGACY_BLOCK_RULE_SUFFIX)
        {
            "Remove-DeviceConditionalAccessRule"
        } else {
            "Remove-DeviceConfigurationRule"
        };
        lines.push(format!(
            "{cmdlet} -Identity {} -Confirm:$false",
            identity(&r.name, None)
        ));
    }
    lines.push("Get-DevicePolicy | Format-Table Name, Type, Mode".to_string());
    lines
}

fn remove_bms(bms: &BmsExport, left_on_bms: u64) -> Step {
    let commands = removal_commands(bms);
    let mut s = step(
        REMOVE_BMS_POLICIES.into(),
        StepKind::RemoveBmsPolicies,
        "Remove the BMS policies and rules that are no longer needed".into(),
        StepTarget {
            display_name: "Basic Mobility and Security policies".into(),
            count: Some(bms.mappable_policies().count() as u64),
            commands,
            ..StepTarget::default()
        },
    );
    s.manual = true;
    s.reversible = false;
    s.depends_on = vec![KEEP_CLASSIC_CA.into()];
    s.instructions = format!(
        "Graph has no BMS API: run the commands below in Security & Compliance PowerShell (ExchangeOnlineManagement \
         module) as an admin who can run the Device* cmdlets. Removing a policy removes its rule (Mode \
         PendingDeletion for a few minutes, then gone) and takes its groups off the classic Conditional Access \
         policies. BMS keeps the last remaining policy in PendingDeletion until another policy exists: that one \
         is harmless once nobody is managed by BMS. The organization-wide DeviceTenantPolicy and DeviceTenantRule \
         stay: they hold the classic policies' settings.{}",
        if left_on_bms > 0 {
            " Users are still on BMS in this plan: remove only the policies that no longer reach anyone."
        } else {
            ""
        }
    );
    s.user_impact = vec![
        "None for users on Intune: BMS policies stopped applying to them when they got their Intune licence; until \
         now the policies only stayed visible in the Microsoft 365 admin center."
            .into(),
    ];
    s.checks = vec![
        "Get-DevicePolicy lists no policy of type DeviceConditionalAccess or DeviceSettings, or only in \
         PendingDeletion."
            .into(),
    ];
    s.rollback = "Cannot be undone by the tool: recreate a policy with New-DeviceConditionalAccessPolicy or \
                  New-DeviceConfigurationPolicy and its rule from the export in the snapshot's bms/ folder."
        .into();
    s
}

/// What happens to the BMS policies during and after the move, in plain words, for the
/// reports (`intune-behavior.md` §4.2, §6; `bms-source.md` §1).
pub fn what_happens_to_bms(bms: &BmsExport, left_on_bms: u64) -> Vec<String> {
    let policies = bms.mappable_policies().count();
    let mut lines = vec![
        format!(
            "During the move, each user's Intune licence decides: from their next check-in their devices are managed by Intune, and the BMS polic{} no longer appl{} to them. Users without the licence keep BMS as today.",
            if policies == 1 { "y" } else { "ies" },
            if policies == 1 { "ies" } else { "y" }
        ),
        "The BMS policies themselves do not change or disappear: they stay visible in the Microsoft 365 admin center (and in Get-DevicePolicy) until someone deletes them, and they would apply again to a user who lost the Intune licence."
            .to_string(),
        "The classic Conditional Access policies behind BMS stay as well: keep them until the modern <policy>_OfficeMDM policies are enforced; they are not in Graph and are never deleted by this plan."
            .to_string(),
    ];
    lines.push(if left_on_bms > 0 {
        format!(
            "After the last wave of this plan, {left_on_bms} user{} still {} BMS: the BMS policies must stay until they are licensed.",
            if left_on_bms == 1 { "" } else { "s" },
            if left_on_bms == 1 { "depends on" } else { "depend on" }
        )
    } else {
        "After the last wave nobody depends on BMS: the close-out checks that no device is left, enforces the modern          Conditional Access policies one by one, and lists the PowerShell commands that remove the BMS policies."
            .to_string()
    });
    lines
}

fn group_refs(dir: &Directory, ids: &[Guid]) -> Vec<GroupRef> {
    ids.iter()
        .map(|&id| GroupRef {
            id: id.to_string(),
            display_name: dir
                .group(id)
                .map(|g| dir.groups()[g.ix()].display_name.to_string()),
        })
        .collect()
}

fn baseline_target(o: &BaselineObject) -> StepTarget {
    StepTarget {
        display_name: o.display_name.clone(),
        file: Some(o.file.clone()),
        api: Some(o.api.as_str().into()),
        collection: Some(o.collection.to_string()),
        endpoint: Some(o.endpoint.to_string()),
        odata_type: Some(o.odata_type.to_string()),
        platform: o.platform.map(|p| p.as_str().into()),
        ..StepTarget::default()
    }
}

/// The baseline steps (all `optional: baseline`), after the close-out check when `staging` has
/// one.
pub fn baseline_steps(dir: &Directory, baseline: &Baseline, staging: &Staging) -> Vec<Step> {
    let after: Vec<String> = staging
        .steps
        .iter()
        .filter(|s| s.id == VERIFY_CLOSE_OUT)
        .map(|s| s.id.clone())
        .collect();
    let objects = &baseline.objects;
    let file_of = |kind: BaselineKind| {
        objects
            .iter()
            .find(|o| o.kind == kind)
            .map(|o| o.file.clone())
    };
    let template = file_of(BaselineKind::NotificationTemplate);
    let message = file_of(BaselineKind::NotificationMessage);
    let mut steps = Vec::new();
    let mut assigned = Vec::new();
    for o in objects {
        let create = format!("create-policy:{}", o.file);
        match o.kind {
            BaselineKind::NotificationTemplate | BaselineKind::NotificationMessage => {
                let mut s = step(
                    create,
                    StepKind::CreatePolicy,
                    format!("Create the noncompliance e-mail \"{}\"", o.display_name),
                    baseline_target(o),
                );
                if o.kind == BaselineKind::NotificationMessage {
                    s.target.uses = template.as_ref().map(|t| format!("create-policy:{t}"));
                    s.depends_on = s.target.uses.iter().cloned().collect();
                } else {
                    s.depends_on = after.clone();
                }
                s.instructions = format!(
                    "POST https://graph.microsoft.com/{}{} with the body in {} ({{templateId}} = the ID the template's \
                     create step returned), or Intune admin center > Devices > Compliance > Notifications.",
                    o.api, o.endpoint, o.file
                );
                s.checks = vec![format!(
                    "\"{}\" exists with its English message.",
                    o.display_name
                )];
                s.rollback = "Delete the template: no compliance policy sends it yet.".into();
                steps.push(s);
            }
            BaselineKind::CompliancePolicy => {
                let mut s = step(
                    create.clone(),
                    StepKind::CreatePolicy,
                    format!("Create baseline compliance policy \"{}\"", o.display_name),
                    baseline_target(o),
                );
                s.depends_on = after.clone();
                s.instructions = format!(
                    "POST https://graph.microsoft.com/{}{} with the body in {}. It is created unassigned: nothing \
                     changes on any device. {}",
                    o.api, o.endpoint, o.file, o.why
                );
                s.checks = vec![format!(
                    "\"{}\" exists in Intune admin center > Devices > Compliance.",
                    o.display_name
                )];
                s.rollback = format!(
                    "Delete the policy (DELETE https://graph.microsoft.com/{}{}/{{id}}): it was not assigned yet.",
                    o.api, o.endpoint
                );
                steps.push(s);

                let schedule = format!("schedule-actions:{}", o.file);
                if let (Some(n), Some(message)) = (&o.notification, &message) {
                    let mut s = step(
                        schedule.clone(),
                        StepKind::ScheduleActions,
                        format!(
                            "Add the e-mail before \"noncompliant\" to \"{}\"",
                            o.display_name
                        ),
                        StepTarget {
                            endpoint: Some(n.endpoint.to_string()),
                            uses: Some(format!("create-policy:{}", n.template_file)),
                            ..baseline_target(o)
                        },
                    );
                    s.depends_on = vec![create.clone(), format!("create-policy:{message}")];
                    s.instructions = format!(
                        "POST https://graph.microsoft.com/{}{} ({{id}} = the policy) with {}, where \
                         {{templateId}} is the ID of \"Baseline - Noncompliance notice\". The action replaces the \
                         policy's scheduled actions, so the block action is sent again. Or in the admin center: the \
                         policy > Properties > Actions for noncompliance > Send email to end user, immediately.",
                        o.api,
                        n.endpoint,
                        n.request_body("{templateId}")
                    );
                    s.checks = vec![format!(
                        "\"{}\" lists two actions: Send email (immediately) and Mark device noncompliant ({} days).",
                        o.display_name,
                        n.block_after_hours / 24
                    )];
                    s.rollback = format!("POST {} again with the block action alone.", n.endpoint);
                    steps.push(s);
                }
                let assign = format!("assign-policy:{}", o.file);
                let mut s = step(
                    assign.clone(),
                    StepKind::AssignPolicy,
                    format!("Assign baseline compliance policy \"{}\"", o.display_name),
                    StepTarget {
                        include: group_refs(dir, &o.include_groups),
                        exclude: group_refs(dir, &o.exclude_groups),
                        ..baseline_target(o)
                    },
                );
                s.depends_on = vec![if steps.last().is_some_and(|p| p.id == schedule) {
                    schedule
                } else {
                    create
                }];
                s.instructions = format!(
                    "POST https://graph.microsoft.com/{}{}/{{id}}/assign with a groupAssignmentTarget per included \
                     group{}.",
                    o.api,
                    o.endpoint,
                    if o.exclude_groups.is_empty() {
                        ""
                    } else {
                        " and an exclusionGroupAssignmentTarget per excluded group"
                    }
                );
                s.user_impact = vec![format!(
                    "Devices that fail it get the e-mail at once and are marked noncompliant {} hours later \
                     (see the baseline's impact in the report).",
                    o.notification.as_ref().map_or(0, |n| n.block_after_hours)
                )];
                s.checks = vec![format!(
                    "\"{}\" shows the assignments above; its device status report lists the devices the plan \
                     expects to fail.",
                    o.display_name
                )];
                s.rollback = "Remove the assignments (assign with an empty list): devices stop evaluating it at \
                              their next check-in."
                    .into();
                assigned.push(assign);
                steps.push(s);
            }
            BaselineKind::TenantSettings => {
                let rmw = o.read_modify_write.as_ref();
                let mut s = step(
                    format!("update-tenant-settings:{}", o.file),
                    StepKind::UpdateTenantSettings,
                    "Mark devices without a compliance policy as not compliant".into(),
                    StepTarget {
                        method: Some(o.method.to_string()),
                        read: rmw.map(|r| r.read.to_string()),
                        setting: Some("settings.secureByDefault".into()),
                        value: Some("true".into()),
                        ..baseline_target(o)
                    },
                );
                let mut deps = after.clone();
                deps.extend(assigned.iter().cloned());
                s.depends_on = deps;
                s.instructions = format!(
                    "GET https://graph.microsoft.com/{}{}, set settings.secureByDefault to true and PATCH \
                     https://graph.microsoft.com/{}{} with the whole settings block as read (the file {} shows \
                     Intune's defaults for the other members; the tenant's values win). Or Intune admin center > \
                     Devices > Compliance > Compliance settings > Mark devices with no compliance policy assigned as: \
                     Not compliant.",
                    o.api,
                    rmw.map_or("/deviceManagement?$select=settings", |r| &r.read),
                    o.api,
                    o.endpoint,
                    o.file
                );
                s.user_impact = vec![
                    "Devices no compliance policy reaches become noncompliant at their next evaluation and lose \
                     access where Conditional Access requires a compliant device."
                        .into(),
                ];
                s.checks = vec![
                    "Compliance settings show \"Not compliant\"; the report \"Devices without compliance policy\" is \
                     empty or explained."
                        .into(),
                ];
                s.rollback =
                    "PATCH the settings block exactly as it was read before the change.".into();
                steps.push(s);
            }
        }
    }
    for s in &mut steps {
        s.optional = Some(Optional::Baseline);
    }
    steps
}

/// Appends the baseline's steps to a finished staging (after its close-out steps). The
/// migration's steps are unchanged: nothing depends on the baseline.
pub fn add_baseline(staging: &mut Staging, dir: &Directory, baseline: &Baseline) {
    let steps = baseline_steps(dir, baseline, staging);
    staging.steps.extend(steps);
}

/// The steps `apply` runs: every step, minus the optional ones not asked for.
pub fn runnable<'s>(steps: &'s [Step], with: &[Optional]) -> Vec<&'s Step> {
    steps
        .iter()
        .filter(|s| s.optional.is_none_or(|o| with.contains(&o)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powershell_quotes_cannot_be_escaped() {
        assert_eq!(powershell_quote("Sales"), "'Sales'");
        assert_eq!(powershell_quote("O'Brien"), "'O''Brien'");
        assert_eq!(powershell_quote("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
        assert_eq!(
            powershell_quote("x'; Remove-Item *"),
            "'x''; Remove-Item *'"
        );
    }

    #[test]
    fn a_name_with_a_line_break_is_removed_by_guid() {
        assert_eq!(
            identity("Evil\nName", Some(Guid(1))),
            "'00000000-0000-0000-0000-000000000001'"
        );
        assert_eq!(identity("Fine", Some(Guid(1))), "'Fine'");
    }
}
