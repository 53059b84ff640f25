//! The report's view model: what every section shows, derived once from the plan JSON and
//! shared by the HTML and Markdown templates (so both say the same thing). This module owns the
//! decisions a reader sees — the readiness verdict, the grouping of recommendations under their
//! BMS policy, the order of findings, the runbook phases cut from the ordered steps — and the
//! rule that a section exists only when its key is in the plan. Texts here are plain strings;
//! escaping is the templates' job.

use crate::charts::{self, BarChart, BarInput, Timeline, TimelineInput, WavePhases};
use crate::messages::{self, WaveMessages};
use crate::values::{self as v, FIDELITIES, OUTCOMES, SEVERITIES};
use serde::Serialize;
use serde_json::Value;

/// How many subjects a finding lists before "and N more".
pub const SUBJECTS_SHOWN: usize = 25;
/// How many users a conflict, the impact table or the list of users in no wave names.
pub const USERS_SHOWN: usize = 25;
/// How many rows the impact-by-setting table shows at least, when that many settings change
/// (the settings that turn looser, conflict or are lost are always shown, even beyond it).
pub const SETTINGS_SHOWN: usize = 30;
/// How many steps a step's "after …" lists before "and N more".
pub const DEPENDS_SHOWN: usize = 5;

/// Finding codes shown again in the licences section.
const LICENCE_CODES: [&str; 6] = [
    "license-shortfall",
    "already-licensed-users",
    "licensed-without-replacement",
    "unlicensed-targets",
    "education-sku",
    "mam-only-license",
];

#[derive(Debug, Serialize)]
pub struct View {
    pub title: String,
    pub organization: Option<String>,
    pub tenant_id: Option<String>,
    pub tool: Option<String>,
    pub format_version: Option<String>,
    pub toc: Vec<TocEntry>,
    pub summary: Summary,
    pub licences: Option<Licences>,
    pub policies: Option<Policies>,
    pub findings: Option<Findings>,
    pub impact: Option<Impact>,
    pub conflicts: Option<Conflicts>,
    pub waves: Option<Waves>,
    pub runbook: Option<Runbook>,
    pub messages: Option<Vec<WaveMessages>>,
    pub signoff: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct TocEntry {
    pub num: usize,
    pub id: &'static str,
    pub title: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Fact {
    pub label: String,
    pub value: String,
    pub detail: Option<String>,
}

fn fact(label: &str, value: impl ToString, detail: Option<String>) -> Fact {
    Fact {
        label: label.into(),
        value: value.to_string(),
        detail,
    }
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub verdict: Verdict,
    pub facts: Vec<Fact>,
    pub charts: Vec<BarChart>,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Verdict {
    pub label: &'static str,
    /// `blocked`, `warn`, `ready` or `unknown`.
    pub class: &'static str,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct Licences {
    pub facts: Vec<Fact>,
    pub skus: Vec<SkuRow>,
    pub findings: Vec<FindingRef>,
}

#[derive(Debug, Serialize)]
pub struct SkuRow {
    pub name: String,
    pub enabled: String,
    pub consumed: String,
    pub free: String,
    pub intune: String,
}

#[derive(Debug, Serialize)]
pub struct FindingRef {
    pub code: String,
    pub anchor: String,
    pub severity: String,
    pub severity_label: String,
    pub title: String,
    pub count: String,
}

#[derive(Debug, Serialize)]
pub struct Policies {
    pub list: Vec<PolicyView>,
    pub skipped: Vec<Skipped>,
    pub classic_ca: Option<ClassicCa>,
    pub objects: u64,
    pub settings: u64,
}

#[derive(Debug, Serialize)]
pub struct PolicyView {
    pub name: String,
    pub anchor: String,
    pub kind: String,
    pub description: Option<String>,
    pub include_groups: Vec<String>,
    pub exclude_groups: Vec<String>,
    pub settings: u64,
    pub fidelity: Vec<FidelityCount>,
    pub objects: Vec<ObjectView>,
}

#[derive(Debug, Serialize)]
pub struct FidelityCount {
    pub class: String,
    pub label: String,
    pub count: u64,
    /// `3 warnings`, `8 exact`.
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct ObjectView {
    pub display_name: String,
    /// `compliance policy`, `configuration profile`, `email profile`, `Conditional Access policy`.
    pub kind: Option<String>,
    pub description: Option<String>,
    pub odata_type: Option<String>,
    /// `POST <api> <collection>` destination, e.g. `v1.0 deviceCompliancePolicies`.
    pub destination: Option<String>,
    pub platform: String,
    pub file: Option<String>,
    pub include_groups: Vec<String>,
    pub exclude_groups: Vec<String>,
    pub notes: Vec<String>,
    /// True for a record-only entry (no object is created; it holds settings records).
    pub record_only: bool,
    pub settings: Vec<SettingView>,
}

#[derive(Debug, Serialize)]
pub struct SettingView {
    pub bms_property: String,
    pub bms_value: String,
    pub platform: String,
    pub target_property: Option<String>,
    pub target_value: Option<String>,
    pub fidelity: String,
    pub fidelity_label: String,
    pub note: Option<String>,
    pub spec: Option<String>,
    pub our_rule: bool,
}

#[derive(Debug, Serialize)]
pub struct Skipped {
    pub name: String,
    pub kind: Option<String>,
    pub mode: Option<String>,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct ClassicCa {
    pub statement: Option<String>,
    pub policies: Vec<String>,
    pub assigned_groups: Vec<String>,
    pub by_policy: Vec<(String, Vec<String>)>,
    pub excluded_groups: Vec<String>,
    pub block_unsupported_devices: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Findings {
    pub list: Vec<FindingView>,
    pub counts: Vec<FidelityCount>,
}

#[derive(Debug, Serialize)]
pub struct FindingView {
    pub code: String,
    pub anchor: String,
    pub severity: String,
    pub severity_label: String,
    pub title: String,
    pub detail: Option<String>,
    pub count: Option<String>,
    pub subjects: Vec<SubjectView>,
    /// The listed subjects grouped by kind, kinds in order of first appearance.
    pub subject_groups: Vec<SubjectGroup>,
    /// Subjects not listed (over [`SUBJECTS_SHOWN`]).
    pub more: u64,
    pub remediation: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SubjectGroup {
    /// `users`, `devices`, … (empty when the subjects carry no kind).
    pub kind: String,
    pub names: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct SubjectView {
    pub kind: Option<String>,
    pub name: String,
    pub id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Impact {
    /// `40 users · 62 user × platform pairs`, when the simulation counted them.
    pub scope: Option<String>,
    pub outcomes: Vec<OutcomeCount>,
    pub chart: Option<BarChart>,
    pub columns: Vec<&'static str>,
    /// The settings that change for someone, most changes first: every one that turns looser,
    /// conflicts or is lost, then the others up to [`SETTINGS_SHOWN`] rows.
    pub by_setting: Vec<ImpactRow>,
    /// Settings that change (only stricter or new) but are not listed.
    pub settings_more: u64,
    /// Settings unchanged for everyone (not listed).
    pub settings_unchanged: u64,
    /// Some listed row has an assumed stricter/looser order.
    pub any_assumed: bool,
    pub by_platform: Vec<ImpactRow>,
    /// The by-platform rows carry a user count.
    pub platform_users: bool,
    pub most_affected: Vec<AffectedUser>,
    pub more_affected: u64,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct OutcomeCount {
    pub key: String,
    pub label: String,
    pub meaning: String,
    pub count: u64,
}

#[derive(Debug, Serialize)]
pub struct ImpactRow {
    /// The setting (without its `bms:` prefix) or the platform.
    pub name: String,
    pub platform: Option<String>,
    /// A BMS setting with no Intune property (`bms:` keys of the simulation).
    pub bms_only: bool,
    /// Whether its stricter/looser order is our assumption (`orderAssumed`).
    pub order_assumed: bool,
    pub users: Option<String>,
    /// One cell per entry of `Impact::columns`, empty when zero or unknown.
    pub cells: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct AffectedUser {
    /// Display name, or the UPN / ID when there is none.
    pub name: String,
    /// The UPN, when it is not already the name.
    pub upn: Option<String>,
    pub changes: String,
    pub lost: String,
    pub conflicts: String,
}

#[derive(Debug, Serialize)]
pub struct Conflicts {
    pub list: Vec<ConflictView>,
    /// Existing policies whose targets are unknown, conflicts with which were not checked:
    /// `name (reasons)`.
    pub unchecked: Vec<String>,
    /// How Intune resolves them, neither-applies first.
    pub by_rule: Vec<RuleCount>,
}

#[derive(Debug, Serialize)]
pub struct RuleCount {
    pub label: String,
    pub count: u64,
    /// Badge class: `out-conflict` when neither value applies, `neutral` otherwise.
    pub class: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ConflictView {
    pub setting: String,
    pub platform: Option<String>,
    /// The objects that disagree, in the plan's order.
    pub sides: Vec<ConflictSide>,
    pub resolution: Option<String>,
    /// What the devices get: the applied value, or that neither applies.
    pub applied: Option<String>,
    /// The rule as a CSS-safe token (`configuration-conflict`, …).
    pub rule: Option<String>,
    pub affected: Option<String>,
    pub affected_names: Vec<String>,
    /// Affected users not named.
    pub affected_more: u64,
    pub suggested_fix: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ConflictSide {
    pub name: String,
    /// `new configuration profile, from BMS policy Sales` / `existing compliance policy`.
    pub about: Option<String>,
    /// `new` (this plan creates it), `existing`, or none.
    pub origin: Option<&'static str>,
    pub value: String,
    /// Its value is the one Intune applies.
    pub applies: bool,
}

#[derive(Debug, Serialize)]
pub struct Waves {
    pub list: Vec<WaveView>,
    pub timeline: Option<Timeline>,
    /// `automatic` or `from the waves file x.toml`.
    pub selection_mode: Option<String>,
    pub selection_rules: Vec<String>,
    pub capacity: Option<Capacity>,
    pub unplaced: Option<Unplaced>,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Capacity {
    /// `17 users wait for licences` when the waves leave users out for lack of seats.
    pub headline: Option<String>,
    pub statement: Option<String>,
    pub facts: Vec<Fact>,
    /// `EMS: 3 planned of 3 free`, in the planner's order.
    pub skus: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Unplaced {
    pub count: u64,
    /// `17 users wait for licences`, `3 users are in no wave of the waves file`.
    pub headline: String,
    pub list: Vec<UnplacedView>,
    pub more: u64,
}

#[derive(Debug, Serialize)]
pub struct UnplacedView {
    pub user: String,
    pub reason: String,
    pub policy: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct WaveView {
    pub id: String,
    pub anchor: String,
    pub name: String,
    pub label: String,
    pub users: Option<String>,
    /// Why these users are in the wave.
    pub selection: Option<String>,
    /// `2 new seats (EMS 2) · 14 already hold Intune`.
    pub licences: Option<String>,
    /// Licence capacity cut this wave short.
    pub limited: bool,
    pub devices: Vec<(String, u64)>,
    pub devices_total: u64,
    pub risks: Vec<Risk>,
    pub switch_window: Option<String>,
    pub exit_gates: Vec<Gate>,
    pub steps: usize,
}

#[derive(Debug, Serialize)]
pub struct Gate {
    pub text: String,
    /// Where and how to measure it.
    pub how: Option<String>,
    /// The metric the threshold is on, when it has one.
    pub metric: Option<String>,
    /// `≥ 95`, `= 0`, `≤ 3`, `between 1 and 5`.
    pub bound: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Risk {
    pub severity: Option<String>,
    pub severity_label: Option<String>,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct Runbook {
    pub phases: Vec<Phase>,
    pub irreversible: usize,
}

#[derive(Debug, Serialize)]
pub struct Phase {
    pub title: String,
    pub anchor: String,
    pub steps: Vec<StepView>,
    /// What users see when this phase runs: the wave's `userImpact` (or generic lines from the
    /// same signals as the messages), and lines that several of its steps share.
    pub user_impact: Vec<String>,
    /// Checks before the next wave: the wave's exit gates, after its last phase, when no
    /// `verify` step of the wave lists them.
    pub gates: Vec<Gate>,
}

#[derive(Debug, Serialize)]
pub struct StepView {
    pub id: String,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub target: Option<String>,
    pub detail: Option<String>,
    /// The first [`DEPENDS_SHOWN`] steps it runs after.
    pub depends_on: Vec<String>,
    /// Steps it runs after that are not listed.
    pub depends_more: u64,
    /// `Some(false)` for one-way steps.
    pub reversible: Option<bool>,
    /// Done by hand (no Graph request).
    pub manual: bool,
    /// What users see when this step runs, beyond what the phase says.
    pub user_impact: Vec<String>,
    /// What to check once it is done.
    pub checks: Vec<String>,
    /// A wave's `verify` step: the wave's exit gates, with how to measure them.
    pub gates: Vec<Gate>,
    pub rollback: Option<String>,
}

/// Builds the view of a plan (a JSON object). Never fails: anything unreadable is left out.
pub fn build(root: &Value) -> View {
    let snapshot = v::get(root, "snapshot");
    let organization = snapshot.and_then(|s| v::text(s, "organization"));
    let tenant_id = snapshot.and_then(|s| v::text(s, "tenantId"));
    let tool = v::get(root, "tool").map(|t| {
        let name = v::text(t, "name").unwrap_or_else(|| "bms2intune".into());
        match v::text(t, "version") {
            Some(ver) => format!("{name} {ver}"),
            None => name,
        }
    });
    let signals = messages::Signals::of(root);

    let findings = v::get(root, "findings").map(|f| findings(v::as_list(f)));
    let unchecked = v::get(root, "impact").map_or(&[][..], |i| v::list(i, "conflictsUnchecked"));
    let conflicts = v::get(root, "conflicts").map(|c| conflicts(v::as_list(c), unchecked));
    let waves_raw = v::get(root, "waves").map(v::as_list);
    let steps_raw = v::get(root, "steps").map(v::as_list);
    let waves = waves_raw.map(|w| waves(root, w, steps_raw.unwrap_or(&[])));
    let runbook = steps_raw.map(|s| runbook(s, waves_raw.unwrap_or(&[]), &signals));
    let messages = waves_raw.map(|w| messages::for_waves(w, organization.as_deref(), &signals));
    let policies = (v::get(root, "recommendations").is_some()
        || v::get(root, "skippedPolicies").is_some()
        || v::get(root, "classicConditionalAccess").is_some())
    .then(|| policies(root));
    let licences = licences(root, findings.as_ref());
    let impact = v::get(root, "impact").map(impact);
    let summary = summary(
        root,
        findings.as_ref(),
        conflicts.as_ref().map(|c| c.list.len()),
        waves.as_ref(),
    );
    let signoff = signoff(
        &summary.verdict,
        policies.is_some(),
        conflicts.is_some(),
        waves.as_ref(),
        &signals,
    );

    let mut toc = vec![TocEntry {
        num: 1,
        id: "summary",
        title: "Summary",
    }];
    let present = [
        ("licences", "Licences", licences.is_some()),
        ("policies", "Policies: BMS → Intune", policies.is_some()),
        ("findings", "Findings", findings.is_some()),
        ("impact", "Impact", impact.is_some()),
        ("conflicts", "Conflicts", conflicts.is_some()),
        ("waves", "Waves", waves.is_some()),
        ("runbook", "Runbook", runbook.is_some()),
        ("messages", "Messages to users", messages.is_some()),
        ("signoff", "Sign-off", true),
    ];
    for &(id, title, _) in present.iter().filter(|p| p.2) {
        toc.push(TocEntry {
            num: toc.len() + 1,
            id,
            title,
        });
    }

    let mut policies = policies;
    if let Some(p) = policies.as_mut() {
        name_groups(root, p);
    }
    View {
        title: match &organization {
            Some(o) => format!("BMS to Intune migration plan: {o}"),
            None => "BMS to Intune migration plan".into(),
        },
        organization,
        tenant_id,
        tool,
        format_version: v::text(root, "formatVersion"),
        toc,
        summary,
        licences,
        policies,
        findings,
        impact,
        conflicts,
        waves,
        runbook,
        messages,
        signoff,
    }
}

/// Shows group IDs as `Name (id)` where `plan.json` → `groups` knows the name, so readers see
/// "BMS - Sales" rather than a GUID. Unknown IDs stay as they are.
fn name_groups(root: &Value, policies: &mut Policies) {
    let names: std::collections::HashMap<String, String> = v::list(root, "groups")
        .iter()
        .filter_map(|g| Some((v::text(g, "id")?, v::text(g, "displayName")?)))
        .filter(|(_, name)| !name.is_empty())
        .collect();
    if names.is_empty() {
        return;
    }
    let name = |ids: &mut Vec<String>| {
        for id in ids.iter_mut() {
            if let Some(n) = names.get(id.as_str()) {
                *id = format!("{n} ({id})");
            }
        }
    };
    for policy in &mut policies.list {
        name(&mut policy.include_groups);
        name(&mut policy.exclude_groups);
        for object in &mut policy.objects {
            name(&mut object.include_groups);
            name(&mut object.exclude_groups);
        }
    }
    if let Some(ca) = policies.classic_ca.as_mut() {
        name(&mut ca.assigned_groups);
        name(&mut ca.excluded_groups);
        for (_, groups) in &mut ca.by_policy {
            name(groups);
        }
    }
}

fn summary(
    root: &Value,
    findings: Option<&Findings>,
    conflicts: Option<usize>,
    waves: Option<&Waves>,
) -> Summary {
    let snapshot = v::get(root, "snapshot").cloned().unwrap_or(Value::Null);
    let bms = v::get(&snapshot, "bms").cloned().unwrap_or(Value::Null);
    let directory = v::get(&snapshot, "directory")
        .cloned()
        .unwrap_or(Value::Null);
    let sev = |s: &str| findings.map_or(0, |f| f.list.iter().filter(|x| x.severity == s).count());
    let (blockers, warnings) = (sev("blocker"), sev("warning"));
    let not_assessed = findings.map_or(0, |f| {
        f.list.iter().filter(|x| x.code == "not-assessed").count()
    });
    let conflicts_n = conflicts.unwrap_or(0);
    let verdict = match findings {
        None => Verdict {
            label: "Not assessed",
            class: "unknown",
            reason: "The readiness assessment has not run: the plan has no findings yet.".into(),
        },
        Some(f) if blockers > 0 => {
            let titles: Vec<&str> = f
                .list
                .iter()
                .filter(|x| x.severity == "blocker")
                .take(3)
                .map(|x| x.title.as_str())
                .collect();
            Verdict {
                label: "Blocked",
                class: "blocked",
                reason: format!(
                    "{} must be resolved before the first wave: {}{}.",
                    v::plural(blockers as u64, "blocker", "blockers"),
                    titles.join("; "),
                    if blockers > titles.len() { "; …" } else { "" }
                ),
            }
        }
        Some(_) if warnings > 0 || conflicts_n > 0 || not_assessed > 0 => {
            let mut parts = Vec::new();
            if warnings > 0 {
                parts.push(v::plural(warnings as u64, "warning", "warnings"));
            }
            if conflicts_n > 0 {
                parts.push(v::plural(conflicts_n as u64, "conflict", "conflicts"));
            }
            if not_assessed > 0 {
                parts.push(v::plural(
                    not_assessed as u64,
                    "check that could not be assessed",
                    "checks that could not be assessed",
                ));
            }
            Verdict {
                label: "Ready with warnings",
                class: "warn",
                reason: format!(
                    "No blockers. Review {} before the first wave.",
                    parts.join(" and ")
                ),
            }
        }
        Some(_) => Verdict {
            label: "Ready",
            class: "ready",
            reason: "No blockers, warnings or conflicts.".into(),
        },
    };

    let mut facts = Vec::new();
    if let Some(n) = v::count(&bms, "policies") {
        let mut detail = Vec::new();
        if let Some(m) = v::count(&bms, "mappablePolicies") {
            detail.push(format!("{m} to migrate"));
        }
        if let (Some(b), Some(a)) = (
            v::count(&bms, "blockPolicies"),
            v::count(&bms, "allowPolicies"),
        ) {
            detail.push(format!("{b} block, {a} allow"));
        }
        facts.push(fact(
            "BMS policies",
            n,
            (!detail.is_empty()).then(|| detail.join(" · ")),
        ));
    }
    let recs = v::list(root, "recommendations");
    if v::get(root, "recommendations").is_some() {
        let objects = recs.iter().filter(|r| v::get(r, "api").is_some()).count();
        let settings: usize = recs.iter().map(|r| v::list(r, "settings").len()).sum();
        facts.push(fact(
            "Intune objects",
            objects,
            Some(format!(
                "{} recorded",
                v::plural(settings as u64, "setting", "settings")
            )),
        ));
    }
    if let Some(u) = v::count(&directory, "users") {
        facts.push(fact(
            "Users",
            u,
            v::count(&directory, "groups").map(|g| v::plural(g, "group", "groups")),
        ));
    }
    if let Some(d) = v::count(&directory, "managedDevices") {
        facts.push(fact(
            "Managed devices",
            d,
            v::count(&directory, "entraDevices").map(|e| format!("{e} in Entra ID")),
        ));
    }
    if findings.is_some() {
        facts.push(fact("Blockers", blockers, None));
        facts.push(fact(
            "Warnings",
            warnings,
            Some(format!("{} info", sev("info"))),
        ));
    }
    if let Some(c) = conflicts {
        let unchecked =
            v::get(root, "impact").map_or(0, |i| v::list(i, "conflictsUnchecked").len());
        facts.push(fact(
            "Conflicts",
            c,
            Some(if unchecked == 0 {
                "with existing Intune policies".into()
            } else {
                format!(
                    "with existing Intune policies; {} not checked: targets unknown",
                    v::plural(unchecked as u64, "policy", "policies")
                )
            }),
        ));
    }
    if let Some(w) = waves {
        let mut detail: Vec<String> = w
            .list
            .first()
            .and_then(|w| w.users.as_ref())
            .map(|u| format!("pilot: {u} users"))
            .into_iter()
            .collect();
        if let Some(u) = &w.unplaced {
            detail.push(u.headline.clone());
        }
        facts.push(fact(
            "Waves",
            w.list.len(),
            (!detail.is_empty()).then(|| detail.join(" · ")),
        ));
    }

    let mut charts = Vec::new();
    if let Some(f) = findings {
        let inputs = SEVERITIES
            .iter()
            .map(|(k, label)| BarInput {
                label: label.to_string(),
                value: f.list.iter().filter(|x| x.severity == *k).count() as u64,
                class: format!("sev-{k}"),
            })
            .collect();
        charts.extend(charts::bar_chart("Findings by severity", inputs));
    }
    if let Some(by) = v::object(&directory, "managedDevicesByPlatform") {
        let mut inputs: Vec<BarInput> = by
            .iter()
            .filter_map(|(k, n)| {
                v::as_count(n).map(|n| BarInput {
                    label: v::device_platform_label(k),
                    value: n,
                    class: "plat".into(),
                })
            })
            .collect();
        inputs.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
        charts.extend(charts::bar_chart("Managed devices by platform", inputs));
    }
    if v::get(root, "recommendations").is_some() {
        let all: Vec<&Value> = recs.iter().flat_map(|r| v::list(r, "settings")).collect();
        let inputs = fidelity_counts(all.iter().copied(), true)
            .into_iter()
            .map(|c| BarInput {
                label: c.label,
                value: c.count,
                class: c.class,
            })
            .collect();
        charts.extend(charts::bar_chart("Settings by fidelity", inputs));
    }
    Summary {
        verdict,
        facts,
        charts,
        notes: v::texts(&snapshot, "notes"),
    }
}

/// Counts of setting records per fidelity grade, known grades first (all of them when
/// `with_zero`), then unknown spellings.
fn fidelity_counts<'a>(
    settings: impl Iterator<Item = &'a Value>,
    with_zero: bool,
) -> Vec<FidelityCount> {
    let mut known = [0u64; FIDELITIES.len()];
    let mut other: Vec<(String, u64)> = Vec::new();
    for s in settings {
        let f = v::text(s, "fidelity").unwrap_or_else(|| "unknown".into());
        match FIDELITIES.iter().position(|(k, _)| *k == f) {
            Some(i) => known[i] += 1,
            None => match other.iter_mut().find(|(k, _)| *k == f) {
                Some(e) => e.1 += 1,
                None => other.push((f, 1)),
            },
        }
    }
    let mut out: Vec<FidelityCount> = FIDELITIES
        .iter()
        .zip(known)
        .filter(|(_, n)| with_zero || *n > 0)
        .map(|((k, l), n)| FidelityCount {
            class: format!("fid-{k}"),
            label: l.to_string(),
            count: n,
            text: format!("{n} {}", l.to_lowercase()),
        })
        .collect();
    out.extend(other.into_iter().map(|(k, n)| FidelityCount {
        class: "fid-other".into(),
        text: format!("{n} {k}"),
        label: k,
        count: n,
    }));
    out
}

fn licences(root: &Value, findings: Option<&Findings>) -> Option<Licences> {
    let directory = v::get(root, "snapshot").and_then(|s| v::get(s, "directory"));
    let explicit = v::get(root, "licences").or_else(|| v::get(root, "licenses"));
    let refs: Vec<FindingRef> = findings
        .map(|f| {
            f.list
                .iter()
                .filter(|x| LICENCE_CODES.contains(&x.code.as_str()))
                .map(|x| FindingRef {
                    code: x.code.clone(),
                    anchor: x.anchor.clone(),
                    severity: x.severity.clone(),
                    severity_label: x.severity_label.clone(),
                    title: x.title.clone(),
                    count: x.count.clone().unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    if directory.is_none() && explicit.is_none() && refs.is_empty() {
        return None;
    }
    let mut facts = Vec::new();
    if let Some(d) = directory {
        if let Some(n) = v::count(d, "skus") {
            facts.push(fact("Subscribed SKUs", n, None));
        }
        if let Some(n) = v::count(d, "users") {
            facts.push(fact("Users in the directory", n, None));
        }
    }
    let mut skus = Vec::new();
    if let Some(l) = explicit {
        for (k, val) in l.as_object().into_iter().flatten() {
            if !val.is_array() && !val.is_object() && !val.is_null() {
                facts.push(fact(&humanize(k), v::display(val), None));
            }
        }
        for s in v::list(l, "skus") {
            let n = |k: &[&str]| v::text_any(s, k).unwrap_or_default();
            skus.push(SkuRow {
                name: v::text_any(s, &["skuPartNumber", "name", "displayName", "skuId"])
                    .unwrap_or_else(|| "?".into()),
                enabled: n(&["enabled", "prepaidUnits"]),
                consumed: n(&["consumed", "consumedUnits"]),
                free: n(&["free", "available"]),
                intune: match v::get_any(s, &["includesIntune", "intune"]).and_then(Value::as_bool)
                {
                    Some(true) => "yes".into(),
                    Some(false) => "no".into(),
                    None => String::new(),
                },
            });
        }
    }
    Some(Licences {
        facts,
        skus,
        findings: refs,
    })
}

/// `seatsNeeded` → `Seats needed`.
fn humanize(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else if i == 0 {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn policies(root: &Value) -> Policies {
    let recs = v::list(root, "recommendations");
    let mut order: Vec<String> = Vec::new();
    for r in recs {
        let name = v::text(r, "sourcePolicy").unwrap_or_else(|| "(no source policy)".into());
        if !order.contains(&name) {
            order.push(name);
        }
    }
    let list = order
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mine: Vec<&Value> = recs
                .iter()
                .filter(|r| {
                    v::text(r, "sourcePolicy").unwrap_or_else(|| "(no source policy)".into())
                        == *name
                })
                .collect();
            let kind =
                mine.iter()
                    .find_map(|r| v::text(r, "sourceKind"))
                    .map(|k| match k.as_str() {
                        "block" => "Block access".to_string(),
                        "allow" => "Allow access".to_string(),
                        other => other.to_string(),
                    });
            let description = mine
                .iter()
                .find_map(|r| v::text_any(r, &["sourceDescription", "description", "comment"]));
            let union = |key: &str| {
                let mut out: Vec<String> = Vec::new();
                for r in &mine {
                    for g in v::texts(r, key) {
                        if !out.contains(&g) {
                            out.push(g);
                        }
                    }
                }
                out
            };
            let all_settings = mine.iter().flat_map(|r| v::list(r, "settings"));
            PolicyView {
                name: name.clone(),
                anchor: format!("policy-{}", i + 1),
                kind: kind.unwrap_or_default(),
                description,
                include_groups: union("includeGroups"),
                exclude_groups: union("excludeGroups"),
                settings: mine
                    .iter()
                    .map(|r| v::list(r, "settings").len() as u64)
                    .sum(),
                fidelity: fidelity_counts(all_settings, false),
                objects: mine.iter().map(|r| object(r)).collect(),
            }
        })
        .collect();
    let skipped = v::list(root, "skippedPolicies")
        .iter()
        .map(|s| Skipped {
            name: v::text_any(s, &["name", "policy"]).unwrap_or_else(|| v::display(s)),
            kind: v::text(s, "kind").map(|k| match k.as_str() {
                "block" => "Block access".into(),
                "allow" => "Allow access".into(),
                _ => k,
            }),
            mode: v::text(s, "mode"),
            reason: v::text(s, "reason").unwrap_or_default(),
        })
        .collect();
    let classic_ca = v::get(root, "classicConditionalAccess").map(|c| {
        if let Some(s) = c.as_str() {
            return ClassicCa {
                statement: Some(s.to_string()),
                policies: vec![],
                assigned_groups: vec![],
                by_policy: vec![],
                excluded_groups: vec![],
                block_unsupported_devices: None,
            };
        }
        ClassicCa {
            statement: v::text_any(c, &["statement", "text"]),
            policies: v::texts(c, "policies"),
            assigned_groups: v::texts(c, "assignedGroups"),
            by_policy: v::list(c, "byPolicy")
                .iter()
                .map(|p| {
                    (
                        v::text(p, "policy").unwrap_or_default(),
                        v::texts(p, "groups"),
                    )
                })
                .collect(),
            excluded_groups: v::texts(c, "excludedGroups"),
            block_unsupported_devices: v::boolean(c, "blockUnsupportedDevices")
                .map(|b| if b { "blocked" } else { "allowed" }.to_string()),
        }
    });
    Policies {
        list,
        skipped,
        classic_ca,
        objects: recs.iter().filter(|r| v::get(r, "api").is_some()).count() as u64,
        settings: recs
            .iter()
            .map(|r| v::list(r, "settings").len() as u64)
            .sum(),
    }
}

fn object(r: &Value) -> ObjectView {
    let api = v::text(r, "api");
    let collection = v::text(r, "collection");
    let platform = v::text(r, "platform")
        .map(|p| v::platform_label(&p))
        .unwrap_or_default();
    let odata_type = v::text(r, "odataType").unwrap_or_default();
    let kind = match collection.as_deref() {
        _ if odata_type.contains("EmailProfile") => Some("email profile".to_string()),
        Some("deviceCompliancePolicies") => Some("compliance policy".into()),
        Some("deviceConfigurations") => Some("configuration profile".into()),
        Some("conditionalAccessPolicies") => Some("Conditional Access policy".into()),
        Some(other) => Some(other.to_string()),
        None => None,
    };
    ObjectView {
        display_name: v::text(r, "displayName").unwrap_or_else(|| "(unnamed)".into()),
        kind,
        description: v::text(r, "description"),
        odata_type: v::text(r, "odataType"),
        destination: match (&api, &collection) {
            (Some(a), Some(c)) => Some(format!("{a} {c}")),
            (None, Some(c)) => Some(c.clone()),
            (Some(a), None) => Some(a.clone()),
            (None, None) => None,
        },
        platform,
        file: v::text(r, "file"),
        include_groups: v::texts(r, "includeGroups"),
        exclude_groups: v::texts(r, "excludeGroups"),
        notes: v::texts(r, "notes"),
        record_only: api.is_none() && v::get(r, "odataType").is_none(),
        settings: v::list(r, "settings")
            .iter()
            .map(|s| {
                let fidelity = v::text(s, "fidelity").unwrap_or_else(|| "unknown".into());
                SettingView {
                    bms_property: v::text(s, "bmsProperty").unwrap_or_default(),
                    bms_value: v::get(s, "bmsValue").map(v::display).unwrap_or_default(),
                    platform: v::text(s, "platform")
                        .map(|p| v::platform_label(&p))
                        .unwrap_or_default(),
                    target_property: v::text(s, "targetProperty"),
                    target_value: v::get(s, "targetValue").map(v::display),
                    fidelity_label: v::fidelity_label(&fidelity),
                    fidelity: v::token(&fidelity),
                    note: v::text(s, "note"),
                    spec: v::text(s, "spec"),
                    our_rule: v::boolean(s, "ourRule").unwrap_or(false),
                }
            })
            .collect(),
    }
}

fn findings(list: &[Value]) -> Findings {
    let mut views: Vec<FindingView> = list
        .iter()
        .map(|f| {
            let severity = v::text(f, "severity").unwrap_or_else(|| "info".into());
            let subjects = v::list(f, "subjects");
            // The plan may list only the first subjects (`subjectsOmitted` says how many not).
            let listed = subjects.len() as u64 + v::count(f, "subjectsOmitted").unwrap_or(0);
            let total = v::count(f, "count").unwrap_or(listed).max(listed);
            let shown: Vec<SubjectView> =
                subjects.iter().take(SUBJECTS_SHOWN).map(subject).collect();
            let mut subject_groups: Vec<SubjectGroup> = Vec::new();
            for s in &shown {
                let kind = s.kind.as_deref().map(kind_plural).unwrap_or_default();
                match subject_groups.iter_mut().find(|g| g.kind == kind) {
                    Some(g) => g.names.push(s.name.clone()),
                    None => subject_groups.push(SubjectGroup {
                        kind,
                        names: vec![s.name.clone()],
                    }),
                }
            }
            FindingView {
                code: v::text(f, "code").unwrap_or_default(),
                anchor: String::new(),
                severity_label: v::severity_label(&severity),
                severity: v::token(&severity),
                title: v::text_any(f, &["title", "code"])
                    .unwrap_or_else(|| "(untitled finding)".into()),
                detail: v::text(f, "detail"),
                count: v::get(f, "count")
                    .map(|c| v::as_count(c).map_or_else(|| v::display(c), |n| n.to_string())),
                subjects: shown,
                subject_groups,
                more: total.saturating_sub(subjects.len().min(SUBJECTS_SHOWN) as u64),
                remediation: v::text(f, "remediation"),
            }
        })
        .collect();
    // Most severe first; the plan's order otherwise.
    views.sort_by_key(|f| v::severity_rank(&f.severity));
    for (i, f) in views.iter_mut().enumerate() {
        f.anchor = format!("finding-{}", i + 1);
    }
    let counts = SEVERITIES
        .iter()
        .map(|(k, l)| {
            let count = views.iter().filter(|f| f.severity == *k).count() as u64;
            FidelityCount {
                class: format!("sev-{k}"),
                label: l.to_string(),
                count,
                text: match *k {
                    "blocker" => v::plural(count, "blocker", "blockers"),
                    "warning" => v::plural(count, "warning", "warnings"),
                    _ => format!("{count} {k}"),
                },
            }
        })
        .collect();
    Findings {
        list: views,
        counts,
    }
}

/// `user` → `users`.
fn kind_plural(kind: &str) -> String {
    match kind {
        "policy" => "policies".into(),
        k if k.ends_with('s') => k.into(),
        k => format!("{k}s"),
    }
}

fn subject(s: &Value) -> SubjectView {
    if !s.is_object() {
        return SubjectView {
            kind: None,
            name: v::display(s),
            id: None,
        };
    }
    let id = v::text(s, "id");
    let name = v::text_any(s, &["name", "displayName", "userPrincipalName"]);
    SubjectView {
        kind: v::text(s, "kind"),
        id: if name.is_some() { id.clone() } else { None },
        name: name.or(id).unwrap_or_else(|| v::display(s)),
    }
}

fn impact(imp: &Value) -> Impact {
    let by_outcome = v::object(imp, "byOutcome");
    let mut outcomes: Vec<OutcomeCount> = OUTCOMES
        .iter()
        .map(|(k, l, m)| OutcomeCount {
            key: k.to_string(),
            label: l.to_string(),
            meaning: m.to_string(),
            count: by_outcome
                .and_then(|o| o.get(*k))
                .and_then(v::as_count)
                .unwrap_or(0),
        })
        .collect();
    for (k, n) in by_outcome.into_iter().flatten() {
        if !OUTCOMES.iter().any(|o| o.0 == k) {
            outcomes.push(OutcomeCount {
                key: v::token(k),
                label: k.clone(),
                meaning: String::new(),
                count: v::as_count(n).unwrap_or(0),
            });
        }
    }
    let chart = by_outcome.and_then(|_| {
        charts::bar_chart(
            "Effective settings by outcome",
            outcomes
                .iter()
                .map(|o| BarInput {
                    label: o.label.clone(),
                    value: o.count,
                    class: format!("out-{}", o.key),
                })
                .collect(),
        )
    });
    // A row's counts: flat in the row (the simulation's shape) or under `counts`/`byOutcome`.
    let counts = |row: &Value| -> Vec<u64> {
        let counts = v::get_any(row, &["counts", "byOutcome"]).unwrap_or(row);
        OUTCOMES
            .iter()
            .map(|(k, _, _)| v::get(counts, k).and_then(v::as_count).unwrap_or(0))
            .collect()
    };
    let cells = |n: &[u64]| -> Vec<String> {
        n.iter()
            .map(|&n| if n == 0 { String::new() } else { n.to_string() })
            .collect()
    };
    // Outcome positions in `OUTCOMES`.
    let at = |key: &str| OUTCOMES.iter().position(|o| o.0 == key).unwrap_or(0);
    let (stricter, looser, conflict, lost, new, unknown) = (
        at("stricter"),
        at("looser"),
        at("conflict"),
        at("lost"),
        at("new"),
        at("unknown"),
    );
    struct Ranked {
        /// Changes to what BMS enforced (stricter, looser, conflict, lost).
        enforced: u64,
        new: u64,
        /// Turns looser, conflicts, is lost or cannot be told: always listed.
        must: bool,
        row: ImpactRow,
    }
    let mut settings: Vec<Ranked> = v::list(imp, "bySetting")
        .iter()
        .map(|r| {
            let n = counts(r);
            let key = v::text_any(r, &["setting", "bmsProperty", "targetProperty", "name"])
                .unwrap_or_default();
            let (bms_only, name) = match key.strip_prefix("bms:") {
                Some(p) => (true, p.to_string()),
                None => (false, key),
            };
            Ranked {
                enforced: n[stricter] + n[looser] + n[conflict] + n[lost],
                new: n[new],
                must: n[looser] + n[conflict] + n[lost] + n[unknown] > 0,
                row: ImpactRow {
                    name,
                    platform: v::text(r, "platform").map(|p| v::platform_label(&p)),
                    bms_only,
                    order_assumed: v::boolean(r, "orderAssumed").unwrap_or(false),
                    users: None,
                    cells: cells(&n),
                },
            }
        })
        .collect();
    let total = settings.len();
    settings.retain(|r| r.enforced + r.new > 0);
    let settings_unchanged = (total - settings.len()) as u64;
    // Most changes to what BMS enforced first, then most new values; the plan's order
    // (platform, then setting) among equals.
    settings.sort_by(|a, b| b.enforced.cmp(&a.enforced).then(b.new.cmp(&a.new)));
    let must = settings.iter().filter(|r| r.must).count();
    let mut budget = SETTINGS_SHOWN.saturating_sub(must);
    let mut settings_more = 0u64;
    let mut by_setting = Vec::new();
    for r in settings {
        if r.must {
            by_setting.push(r.row);
        } else if budget > 0 {
            budget -= 1;
            by_setting.push(r.row);
        } else {
            settings_more += 1;
        }
    }

    let platform_row = |name: String, r: &Value| ImpactRow {
        name,
        platform: None,
        bms_only: false,
        order_assumed: false,
        users: v::get(r, "users")
            .map(|u| v::as_count(u).map_or_else(|| v::display(u), |n| n.to_string())),
        cells: cells(&counts(r)),
    };
    let by_platform: Vec<ImpactRow> = match v::get(imp, "byPlatform") {
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, r)| platform_row(v::platform_label(k), r))
            .collect(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|r| {
                let name = v::text_any(r, &["platform", "name"])
                    .map(|p| v::platform_label(&p))
                    .unwrap_or_default();
                platform_row(name, r)
            })
            .collect(),
        _ => vec![],
    };

    let users = v::list(imp, "mostAffectedUsers");
    let number = |u: &Value, keys: &[&str]| {
        v::get_any(u, keys)
            .map(|c| v::as_count(c).map_or_else(|| v::display(c), |n| n.to_string()))
            .unwrap_or_default()
    };
    let most_affected = users
        .iter()
        .take(USERS_SHOWN)
        .map(|u| {
            let upn = v::text(u, "userPrincipalName");
            let name = v::text(u, "displayName")
                .or_else(|| v::get_any(u, &["user", "name"]).map(v::reference))
                .or_else(|| upn.clone())
                .or_else(|| v::text(u, "id"))
                .unwrap_or_else(|| v::reference(u));
            AffectedUser {
                upn: upn.filter(|x| *x != name),
                name,
                changes: number(u, &["changes", "count", "settings"]),
                lost: number(u, &["lost"]),
                conflicts: number(u, &["conflicts", "conflict"]),
            }
        })
        .collect();
    let scope = match (v::count(imp, "users"), v::count(imp, "userPlatforms")) {
        (Some(u), Some(p)) => Some(format!(
            "{} on {}",
            v::plural(u, "user", "users"),
            v::plural(p, "user × platform pair", "user × platform pairs")
        )),
        (Some(u), None) => Some(v::plural(u, "user", "users")),
        _ => None,
    };
    let mut notes = v::texts(imp, "assumptions");
    notes.extend(v::texts(imp, "notes"));
    Impact {
        scope,
        outcomes,
        chart,
        columns: OUTCOMES.iter().map(|o| o.1).collect(),
        any_assumed: by_setting.iter().any(|r| r.order_assumed),
        by_setting,
        settings_more,
        settings_unchanged,
        platform_users: by_platform.iter().any(|r| r.users.is_some()),
        by_platform,
        most_affected,
        more_affected: users.len().saturating_sub(USERS_SHOWN) as u64,
        notes,
    }
}

/// How Intune resolves a conflict, by `rule`: (rank, label). Neither-applies first.
fn conflict_rule(rule: &str) -> (usize, String) {
    match rule {
        "configuration-conflict" => (
            0,
            "neither value applies (two configuration profiles disagree)".into(),
        ),
        "compliance-beats-configuration" => (
            1,
            "the compliance policy's value applies over the configuration profile's".into(),
        ),
        "most-restrictive-compliance" => {
            (2, "the most restrictive compliance value applies".into())
        }
        other => (3, other.to_string()),
    }
}

fn conflicts(list: &[Value], unchecked: &[Value]) -> Conflicts {
    let mut views: Vec<(usize, ConflictView)> = list
        .iter()
        .map(|c| {
            let rank = v::text(c, "rule").map_or(3, |r| conflict_rule(&r).0);
            (rank, conflict(c))
        })
        .collect();
    // Neither-applies first; the plan's order otherwise.
    views.sort_by_key(|(rank, _)| *rank);
    let mut by_rule: Vec<(usize, String, u64)> = Vec::new();
    for c in list {
        if let Some(rule) = v::text(c, "rule") {
            let (rank, label) = conflict_rule(&rule);
            match by_rule.iter_mut().find(|r| r.1 == label) {
                Some(r) => r.2 += 1,
                None => by_rule.push((rank, label, 1)),
            }
        }
    }
    by_rule.sort_by_key(|r| r.0);
    Conflicts {
        list: views.into_iter().map(|(_, c)| c).collect(),
        unchecked: unchecked
            .iter()
            .map(|o| {
                let name = v::text(o, "displayName").unwrap_or_default();
                match v::texts(o, "reasons").join("; ") {
                    r if r.is_empty() => name,
                    r => format!("{name} ({r})"),
                }
            })
            .collect(),
        by_rule: by_rule
            .into_iter()
            .map(|(rank, label, count)| RuleCount {
                label,
                count,
                class: if rank == 0 { "out-conflict" } else { "neutral" },
            })
            .collect(),
    }
}

/// `configuration` → `configuration profile`.
fn object_kind(kind: &str) -> String {
    match kind {
        "configuration" => "configuration profile".into(),
        "compliance" => "compliance policy".into(),
        "conditionalAccess" => "Conditional Access policy".into(),
        other => other.to_string(),
    }
}

fn conflict(c: &Value) -> ConflictView {
    let objects = v::list(c, "objects");
    let values = v::list(c, "values");
    let applied = c.as_object().and_then(|o| o.get("appliedValue"));
    let rule = v::text(c, "rule");
    let sides = (0..objects.len().max(values.len()))
        .map(|i| {
            let o = objects.get(i);
            let value = values.get(i);
            let origin = o
                .and_then(|o| v::text(o, "origin"))
                .map(|x| match x.as_str() {
                    "generated" | "new" => "new",
                    _ => "existing",
                });
            let kind = o.and_then(|o| v::text(o, "kind")).map(|k| object_kind(&k));
            let about = match (origin, kind) {
                (Some(origin), Some(kind)) => Some(format!("{origin} {kind}")),
                (Some(origin), None) => Some(format!("{origin} object")),
                (None, Some(kind)) => Some(kind),
                (None, None) => None,
            }
            .map(|a| match o.and_then(|o| v::text(o, "sourcePolicy")) {
                Some(p) => format!("{a}, from BMS policy {p}"),
                None => a,
            });
            ConflictSide {
                name: o
                    .map(|o| {
                        if o.is_object() {
                            v::text_any(o, &["displayName", "name", "id"])
                                .unwrap_or_else(|| v::display(o))
                        } else {
                            v::display(o)
                        }
                    })
                    .unwrap_or_else(|| "?".into()),
                about,
                origin,
                value: value.map(v::display).unwrap_or_default(),
                applies: matches!((value, applied), (Some(x), Some(a)) if !a.is_null() && x == a),
            }
        })
        .collect();
    let affected = v::get(c, "affectedUsers");
    let samples: Vec<String> = match affected {
        Some(Value::Array(a)) => a.iter().map(v::reference).collect(),
        _ => v::texts(c, "sampleUsers"),
    };
    let total = affected
        .and_then(v::as_count)
        .unwrap_or(samples.len() as u64)
        .max(samples.len() as u64);
    let shown = samples.len().min(USERS_SHOWN);
    ConflictView {
        setting: v::text_any(c, &["setting", "targetProperty", "bmsProperty"])
            .unwrap_or_else(|| "(setting)".into()),
        platform: v::text(c, "platform").map(|p| v::platform_label(&p)),
        sides,
        resolution: v::text(c, "resolution"),
        // `null` (neither applies) is what the resolution says already.
        applied: applied.filter(|a| !a.is_null()).map(v::display),
        rule: rule.as_deref().map(v::token),
        affected: affected
            .and_then(v::as_count)
            .map(|n| v::plural(n, "user", "users")),
        affected_names: samples.into_iter().take(USERS_SHOWN).collect(),
        affected_more: total.saturating_sub(shown as u64),
        suggested_fix: v::text_any(c, &["suggestedFix", "fix"]),
    }
}

/// `Wave 1 · Pilot` (or the name alone when it already says the number).
fn wave_label(w: &Value) -> (String, String, String) {
    let id = v::text(w, "id").unwrap_or_default();
    let name = v::text(w, "name").unwrap_or_default();
    let label = match (id.is_empty(), name.is_empty()) {
        (false, false) => format!("Wave {id} · {name}"),
        (false, true) => format!("Wave {id}"),
        (true, false) => name.clone(),
        (true, true) => "Wave".into(),
    };
    (id, name, label)
}

fn steps_of<'a>(steps: &'a [Value], wave_id: &str) -> impl Iterator<Item = &'a Value> + 'a {
    let wave_id = wave_id.to_string();
    steps
        .iter()
        .filter(move |s| v::text(s, "wave").is_some_and(|w| w == wave_id))
}

fn waves(root: &Value, list: &[Value], steps: &[Value]) -> Waves {
    let views: Vec<WaveView> = list
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let (id, name, label) = wave_label(w);
            let mut devices: Vec<(String, u64)> = v::object(w, "devicesByPlatform")
                .into_iter()
                .flatten()
                .filter_map(|(k, n)| v::as_count(n).map(|n| (v::device_platform_label(k), n)))
                .collect();
            devices.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            WaveView {
                anchor: format!("wave-{}", i + 1),
                users: v::get(w, "users")
                    .map(|u| v::as_count(u).map_or_else(|| v::display(u), |n| n.to_string())),
                selection: v::text(w, "selection"),
                licences: wave_licences(w),
                limited: v::boolean(w, "limitedByLicenses").unwrap_or(false),
                devices_total: devices.iter().map(|d| d.1).sum(),
                devices,
                risks: v::list(w, "risks").iter().map(risk).collect(),
                switch_window: v::get(w, "switchWindow")
                    .map(switch_window)
                    .filter(|s| !s.is_empty()),
                exit_gates: gates(w),
                steps: steps_of(steps, &id).count(),
                id,
                name,
                label,
            }
        })
        .collect();
    let mut rows = Vec::new();
    if steps.iter().any(|s| v::get(s, "wave").is_none()) {
        let n = steps.iter().filter(|s| v::get(s, "wave").is_none()).count() as u64;
        rows.push(TimelineInput {
            label: "Tenant-wide".into(),
            title: format!("Tenant-wide: {}", v::plural(n, "step", "steps")),
            wave: None,
        });
    }
    for (w, raw) in views.iter().zip(list) {
        let kinds = |ks: &[&str]| {
            steps_of(steps, &w.id)
                .filter(|s| v::text(s, "kind").is_some_and(|k| ks.contains(&k.as_str())))
                .count()
        };
        rows.push(TimelineInput {
            label: w.label.clone(),
            title: w.label.clone(),
            wave: Some(WavePhases {
                prepare_steps: kinds(&[
                    "create-group",
                    "add-group-members",
                    "create-policy",
                    "assign-policy",
                ]),
                licence_steps: kinds(&["assign-license", "enable-coexistence"]),
                verify_steps: kinds(&["verify"]),
                gates: v::list(raw, "exitGates").len(),
                switch_window: w.switch_window.clone(),
            }),
        });
    }
    let selection = v::get(root, "waveSelection");
    let unplaced = v::get(root, "unplacedUsers").map(|u| {
        let omitted = v::count(root, "unplacedUsersOmitted").unwrap_or(0);
        let blocked = v::get(root, "licenseCapacity").and_then(|c| v::count(c, "blockedUsers"));
        unplaced(v::as_list(u), omitted, blocked)
    });
    Waves {
        list: views,
        timeline: charts::timeline(rows),
        selection_mode: selection.and_then(|s| v::text(s, "mode")).map(|m| {
            match (m.as_str(), selection.and_then(|s| v::text(s, "file"))) {
                ("file", Some(f)) => format!("from the waves file {f}"),
                ("file", None) => "from a waves file".into(),
                _ => m,
            }
        }),
        selection_rules: selection.map(|s| v::texts(s, "rules")).unwrap_or_default(),
        capacity: v::get(root, "licenseCapacity").map(|c| capacity(c, unplaced.as_ref())),
        unplaced: unplaced.filter(|u| u.count > 0),
        notes: v::texts(root, "stagingNotes"),
    }
}

/// `2 new seats (EMS 2) · 14 already hold Intune · 1 Intune plan switched on`.
fn wave_licences(w: &Value) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(n) = v::count(w, "seatsNeeded").filter(|n| *n > 0) {
        let skus: Vec<String> = v::list(w, "licenses")
            .iter()
            .filter_map(|l| {
                let sku = v::text_any(l, &["skuPartNumber", "skuId"])?;
                Some(match v::count(l, "seats") {
                    Some(s) => format!("{sku} {s}"),
                    None => sku,
                })
            })
            .collect();
        let seats = v::plural(n, "new seat", "new seats");
        parts.push(if skus.is_empty() {
            seats
        } else {
            format!("{seats} ({})", skus.join(", "))
        });
    }
    if let Some(n) = v::count(w, "alreadyLicensed").filter(|n| *n > 0) {
        parts.push(format!("{n} already hold Intune"));
    }
    if let Some(n) = v::count(w, "enablePlan").filter(|n| *n > 0) {
        parts.push(format!(
            "{} switched on",
            v::plural(n, "Intune plan", "Intune plans")
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn capacity(c: &Value, unplaced: Option<&Unplaced>) -> Capacity {
    let mut facts = Vec::new();
    for (key, label) in [
        ("seatsNeeded", "New seats needed"),
        ("freeSeats", "Free Intune seats"),
        ("seatsPlanned", "Seats the waves use"),
        ("shortfall", "Seats to buy"),
        ("alreadyLicensed", "Already hold Intune"),
        ("enablePlan", "Plan to switch on"),
    ] {
        if let Some(n) = v::count(c, key) {
            if n > 0 || !matches!(key, "shortfall" | "enablePlan" | "alreadyLicensed") {
                facts.push(fact(label, n, None));
            }
        }
    }
    let skus = v::list(c, "skus")
        .iter()
        .filter_map(|s| {
            let name = v::text_any(s, &["skuPartNumber", "skuId"])?;
            Some(match (v::count(s, "planned"), v::count(s, "free")) {
                (Some(p), Some(f)) => format!("{name}: {p} planned of {f} free"),
                (None, Some(f)) => format!("{name}: {f} free"),
                _ => name,
            })
        })
        .collect();
    let waiting = v::count(c, "blockedUsers").filter(|n| *n > 0);
    Capacity {
        headline: unplaced
            .filter(|u| u.count > 0)
            .map(|u| u.headline.clone())
            .or_else(|| waiting.map(waiting_headline)),
        statement: v::text(c, "statement"),
        facts,
        skus,
    }
}

/// `17 users wait for licences`.
fn waiting_headline(n: u64) -> String {
    format!("{} for licences", v::plural(n, "user waits", "users wait"))
}

/// The users in no wave. `omitted` are left out of `list` by the plan's list limit; then the
/// capacity's `blockedUsers` tells how many of all of them wait for licences.
fn unplaced(list: &[Value], omitted: u64, blocked: Option<u64>) -> Unplaced {
    let reason = |u: &Value| v::text(u, "reason").unwrap_or_default();
    let count_reason = |r: &str| list.iter().filter(|u| reason(u) == r).count() as u64;
    let total = list.len() as u64 + omitted;
    let waiting = match blocked {
        Some(b) if omitted > 0 => b.min(total),
        _ => count_reason("license-capacity"),
    };
    let other = total - waiting;
    let mut parts = Vec::new();
    if waiting > 0 {
        parts.push(waiting_headline(waiting));
    }
    if other > 0 {
        // With the whole list at hand, name the reason only when every other user has it.
        if omitted > 0 || count_reason("not-in-waves-file") == other {
            parts.push(format!(
                "{} in no wave of the waves file",
                v::plural(other, "user is", "users are")
            ));
        } else {
            parts.push(format!(
                "{} in no wave",
                v::plural(other, "user is", "users are")
            ));
        }
    }
    Unplaced {
        count: total,
        headline: parts.join("; "),
        list: list
            .iter()
            .take(USERS_SHOWN)
            .map(|u| UnplacedView {
                user: v::text_any(u, &["userPrincipalName", "displayName", "id"])
                    .unwrap_or_else(|| v::display(u)),
                reason: match reason(u).as_str() {
                    "license-capacity" => "waits for a licence (seats ran out)".into(),
                    "not-in-waves-file" => "in no wave of the waves file".into(),
                    other => other.to_string(),
                },
                policy: v::text(u, "bmsPolicy"),
            })
            .collect(),
        more: total.saturating_sub(list.len().min(USERS_SHOWN) as u64),
    }
}

fn risk(r: &Value) -> Risk {
    if !r.is_object() {
        return Risk {
            severity: None,
            severity_label: None,
            text: v::display(r),
        };
    }
    let severity = v::text(r, "severity");
    let mut text = v::text_any(r, &["title", "text", "detail", "description", "code"])
        .unwrap_or_else(|| v::display(r));
    let users = v::count(r, "users").filter(|n| *n > 0);
    let devices = v::count(r, "devices").filter(|n| *n > 0);
    let what = match (users, devices) {
        (Some(u), Some(d)) => Some(format!(
            "{}, {}",
            v::plural(u, "user", "users"),
            v::plural(d, "device", "devices")
        )),
        (Some(u), None) => Some(v::plural(u, "user", "users")),
        (None, Some(d)) => Some(v::plural(d, "device", "devices")),
        (None, None) => v::count(r, "count").map(|n| n.to_string()),
    };
    if let Some(w) = what {
        text = format!("{text} ({w})");
    }
    Risk {
        severity_label: severity.as_deref().map(v::severity_label),
        severity: severity.as_deref().map(v::token),
        text,
    }
}

fn switch_window(s: &Value) -> String {
    if !s.is_object() {
        return v::display(s);
    }
    if let Some(t) = v::text_any(s, &["description", "label", "text"]) {
        return t;
    }
    match (
        v::text_any(s, &["from", "start", "minHours"]),
        v::text_any(s, &["to", "end", "maxHours", "hours"]),
    ) {
        (Some(a), Some(b)) if s.get("maxHours").is_some() || s.get("hours").is_some() => {
            format!("{a}–{b} hours")
        }
        (Some(a), Some(b)) => format!("{a} → {b}"),
        (None, Some(b)) if s.get("maxHours").is_some() || s.get("hours").is_some() => {
            format!("up to {b} hours")
        }
        _ => v::display(s),
    }
}

/// The exit gates of a wave.
fn gates(w: &Value) -> Vec<Gate> {
    v::list(w, "exitGates")
        .iter()
        .map(gate)
        .filter(|g| !g.text.is_empty())
        .collect()
}

fn gate(g: &Value) -> Gate {
    if !g.is_object() {
        return Gate {
            text: v::display(g),
            how: None,
            metric: None,
            bound: None,
        };
    }
    let text = v::text_any(g, &["description", "title", "check", "text", "name", "id"])
        .unwrap_or_else(|| v::display(g));
    let min = v::text(g, "min");
    let max = v::text(g, "max");
    let bound = match (min, max) {
        (Some(a), Some(b)) if a == b => Some(format!("= {a}")),
        (Some(a), Some(b)) => Some(format!("between {a} and {b}")),
        (Some(a), None) => Some(format!("≥ {a}")),
        (None, Some(b)) if b == "0" => Some("= 0".into()),
        (None, Some(b)) => Some(format!("≤ {b}")),
        (None, None) => v::text_any(g, &["threshold", "target"]).map(|t| format!("≥ {t}")),
    };
    Gate {
        text,
        how: v::text(g, "how"),
        metric: v::text(g, "metric").filter(|_| bound.is_some()),
        bound,
    }
}

/// Human label of a step kind.
fn kind_label(kind: &str) -> String {
    match kind {
        "create-group" => "Create group",
        "add-group-members" => "Add members",
        "create-policy" => "Create policy",
        "assign-policy" => "Assign policy",
        "enable-coexistence" => "Enable coexistence",
        "assign-license" => "Assign licence",
        "verify" => "Verify",
        other => other,
    }
    .to_string()
}

fn runbook(steps: &[Value], waves: &[Value], signals: &messages::Signals) -> Runbook {
    let find_wave = |id: &str| {
        waves
            .iter()
            .find(|w| v::text(w, "id").as_deref() == Some(id))
    };
    // Phases: runs of consecutive steps of the same wave (or tenant-wide).
    let mut phases: Vec<Phase> = Vec::new();
    let mut current: Option<Option<String>> = None;
    for s in steps {
        let wave = v::text(s, "wave");
        if current.as_ref() != Some(&wave) {
            let title = match (&wave, wave.as_deref().and_then(find_wave)) {
                (None, _) => "Tenant-wide".to_string(),
                (Some(_), Some(w)) => wave_label(w).2,
                (Some(id), None) => format!("Wave {id}"),
            };
            phases.push(Phase {
                title,
                anchor: format!("runbook-{}", phases.len() + 1),
                steps: vec![],
                user_impact: vec![],
                gates: vec![],
            });
            current = Some(wave.clone());
        }
        let phase = phases.last_mut().expect("a phase was pushed");
        let kind = v::text(s, "kind").unwrap_or_default();
        if kind == "assign-license" && phase.user_impact.is_empty() {
            phase.user_impact =
                messages::what_users_see(wave.as_deref().and_then(find_wave), signals);
        }
        // A wave's verify step checks the wave's exit gates: show them, with how to measure
        // them, in place of the checks that repeat them.
        let verify_wave = (kind == "verify")
            .then(|| {
                v::get(s, "target")
                    .and_then(|t| v::text(t, "wave"))
                    .or_else(|| wave.clone())
            })
            .flatten()
            .and_then(|id| find_wave(&id));
        let gates = verify_wave.map(gates).unwrap_or_default();
        let checks = v::texts(s, "checks")
            .into_iter()
            .filter(|c| !gates.iter().any(|g| c.starts_with(&g.text)))
            .collect();
        let depends = v::texts(s, "dependsOn");
        let title = v::text_any(s, &["title", "kind"]).unwrap_or_default();
        phase.steps.push(StepView {
            id: v::text(s, "id").unwrap_or_default(),
            kind_label: kind_label(&kind),
            kind: v::token(&kind),
            // Not when the title names it already.
            target: v::get(s, "target")
                .map(v::reference)
                .filter(|t| !t.is_empty() && !title.contains(t.as_str())),
            title,
            detail: v::text_any(s, &["detail", "instructions", "description"]),
            depends_more: depends.len().saturating_sub(DEPENDS_SHOWN) as u64,
            depends_on: depends.into_iter().take(DEPENDS_SHOWN).collect(),
            reversible: v::boolean(s, "reversible"),
            manual: v::boolean(s, "manual").unwrap_or(false),
            user_impact: v::texts(s, "userImpact"),
            checks,
            gates,
            rollback: v::text(s, "rollback"),
        });
    }
    // Lines several steps of a phase share go to the phase ("What users will see"); a step
    // keeps only what the phase does not say.
    for phase in &mut phases {
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for s in &phase.steps {
            for l in &s.user_impact {
                match seen.iter_mut().find(|(x, _)| *x == l) {
                    Some(e) => e.1 += 1,
                    None => seen.push((l, 1)),
                }
            }
        }
        let shared: Vec<String> = seen
            .into_iter()
            .filter(|(l, n)| *n > 1 && !phase.user_impact.iter().any(|x| x == l))
            .map(|(l, _)| l.to_string())
            .collect();
        phase.user_impact.extend(shared);
        let phase_lines = phase.user_impact.clone();
        for s in &mut phase.steps {
            s.user_impact.retain(|l| !phase_lines.contains(l));
        }
    }
    // The exit gates of a wave go after its last phase, unless a verify step lists them.
    for w in waves {
        let label = wave_label(w).2;
        if let Some(p) = phases.iter_mut().rev().find(|p| p.title == label) {
            if !p.steps.iter().any(|s| !s.gates.is_empty()) {
                p.gates = gates(w);
            }
        }
    }
    let irreversible = phases
        .iter()
        .flat_map(|p| &p.steps)
        .filter(|s| s.reversible == Some(false))
        .count();
    Runbook {
        phases,
        irreversible,
    }
}

fn signoff(
    verdict: &Verdict,
    policies: bool,
    conflicts: bool,
    waves: Option<&Waves>,
    signals: &messages::Signals,
) -> Vec<String> {
    let mut out = vec![match verdict.class {
        "blocked" => {
            "Every blocker finding is resolved, or the plan is re-run and shows none.".to_string()
        }
        "unknown" => "The readiness assessment has run and its findings were reviewed.".to_string(),
        _ => "Every warning finding was reviewed and accepted or fixed.".to_string(),
    }];
    if policies {
        out.push("Each policy's settings, and every approximated, manual or not-migrated one, were reviewed.".into());
        out.push("The classic Conditional Access device policies stay: nobody deletes or \"migrates\" them.".into());
    }
    if conflicts {
        out.push("Every conflict with an existing Intune policy has a decided fix.".into());
    }
    if let Some(w) = waves {
        out.push(
            "The pilot group and the wave schedule are agreed, with an owner for each exit gate."
                .into(),
        );
        out.push("Enabling coexistence is understood as a one-way step.".into());
        if let Some(u) = &w.unplaced {
            out.push(format!(
                "It is accepted that {} stay on BMS after the planned waves ({}).",
                v::plural(u.count, "user", "users"),
                u.headline
            ));
        }
    }
    if signals.email || signals.android {
        out.push(
            "Each wave's users were sent their messages (see Messages to users) in time.".into(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn group_ids_are_shown_with_their_names() {
        let g = "87d86916-0054-44dd-a5fe-dde04e594d84";
        let view = build(&json!({
            "recommendations": [{"displayName": "P_O365_i", "sourcePolicy": "P", "includeGroups": [g], "excludeGroups": ["unknown-id"], "settings": []}],
            "groups": [{"id": g, "displayName": "BMS - Sales", "kind": "security"}]
        }));
        let policy = &view.policies.unwrap().list[0];
        assert_eq!(policy.include_groups, [format!("BMS - Sales ({g})")]);
        assert_eq!(policy.exclude_groups, ["unknown-id"]);
        assert_eq!(
            policy.objects[0].include_groups,
            [format!("BMS - Sales ({g})")]
        );
    }

    fn view(plan: Value) -> View {
        build(&plan)
    }

    #[test]
    fn sections_follow_the_keys_of_the_plan() {
        let v = view(json!({"formatVersion": 1, "snapshot": {"bms": {"policies": 2}}}));
        assert!(
            v.policies.is_none()
                && v.findings.is_none()
                && v.waves.is_none()
                && v.runbook.is_none()
        );
        assert!(v.licences.is_none(), "no directory, no licence data");
        assert_eq!(v.summary.verdict.label, "Not assessed");
        let v = view(json!({"findings": [], "recommendations": []}));
        assert!(v.findings.is_some() && v.policies.is_some());
        assert_eq!(v.summary.verdict.label, "Ready");
    }

    #[test]
    fn verdict_follows_the_worst_finding() {
        let v = view(
            json!({"findings": [{"severity": "warning", "title": "w"}, {"severity": "blocker", "title": "b"}]}),
        );
        assert_eq!(v.summary.verdict.label, "Blocked");
        assert!(v
            .summary
            .verdict
            .reason
            .contains("1 blocker must be resolved"));
        assert_eq!(v.findings.unwrap().list[0].title, "b", "blockers first");
        let v = view(json!({"findings": [{"severity": "info"}], "conflicts": [{}]}));
        assert_eq!(v.summary.verdict.label, "Ready with warnings");
        let v = view(json!({"findings": [{"severity": "info", "code": "not-assessed"}]}));
        assert_eq!(v.summary.verdict.label, "Ready with warnings");
        assert!(v
            .summary
            .verdict
            .reason
            .contains("1 check that could not be assessed"));
    }

    #[test]
    fn subjects_are_capped() {
        let subjects: Vec<Value> = (0..30)
            .map(|i| json!({"kind": "user", "id": i.to_string(), "name": format!("u{i}")}))
            .collect();
        let v =
            view(json!({"findings": [{"severity": "info", "count": 40, "subjects": subjects}]}));
        let f = &v.findings.unwrap().list[0];
        assert_eq!(f.subjects.len(), SUBJECTS_SHOWN);
        assert_eq!(f.more, 15);
    }

    #[test]
    fn partial_and_odd_inner_fields_do_not_fail() {
        let v = view(json!({
            "recommendations": [null, 3, {"settings": [null, {"fidelity": 7}]}],
            "findings": [null, "text", {"subjects": "x", "count": "many"}],
            "impact": {"byOutcome": null, "bySetting": [null], "byPlatform": 1},
            "conflicts": [null, {"objects": "x"}],
            "waves": [null, {"id": 1, "risks": [null, 1], "exitGates": "x", "devicesByPlatform": [1]}],
            "steps": [null, {"wave": 1}, {"wave": null, "reversible": "no"}],
            "classicConditionalAccess": "Keep the five classic policies.",
            "skippedPolicies": [{"name": "X"}],
        }));
        assert_eq!(v.runbook.unwrap().phases.len(), 3);
        assert_eq!(
            v.policies.unwrap().classic_ca.unwrap().statement.as_deref(),
            Some("Keep the five classic policies.")
        );
    }

    #[test]
    fn runbook_phases_follow_the_step_order() {
        let v = view(json!({
            "waves": [{"id": 1, "name": "Pilot", "exitGates": ["all devices checked in"]}],
            "steps": [
                {"id": "s1", "wave": null, "kind": "create-policy"},
                {"id": "s2", "wave": null, "kind": "enable-coexistence", "reversible": false},
                {"id": "s3", "wave": 1, "kind": "assign-license", "dependsOn": ["s1", "s2"]},
            ],
        }));
        let r = v.runbook.unwrap();
        assert_eq!(
            r.phases
                .iter()
                .map(|p| p.title.as_str())
                .collect::<Vec<_>>(),
            ["Tenant-wide", "Wave 1 · Pilot"]
        );
        assert_eq!(r.phases[1].gates[0].text, "all devices checked in");
        assert_eq!(r.irreversible, 1);
    }

    #[test]
    fn steps_show_checks_gates_and_short_dependencies() {
        let deps: Vec<String> = (0..45).map(|i| format!("create-policy:p{i}")).collect();
        let v = view(json!({
            "waves": [{"id": 1, "name": "Pilot", "userImpact": ["2 users move."], "exitGates": [
                {"id": "compliance", "description": "95 % compliant.", "how": "Device compliance report.", "metric": "compliantPercent", "min": 95},
                {"id": "left", "description": "No BMS device left.", "how": "All devices.", "metric": "bmsManagedDevicesLeft", "max": 0},
                {"id": "mdm", "description": "MDM authority is Intune.", "how": "Tenant status."},
            ]}],
            "steps": [
                {"id": "create-policy:p0", "wave": null, "kind": "create-policy", "title": "Create \"P0\"", "target": {"displayName": "P0"}, "checks": ["P0 exists."]},
                {"id": "assign-policy:p0", "wave": null, "kind": "assign-policy", "title": "Assign P0", "userImpact": ["Intune devices get it."]},
                {"id": "assign-policy:p1", "wave": null, "kind": "assign-policy", "title": "Assign P1", "userImpact": ["Intune devices get it."]},
                {"id": "verify:before-coexistence", "wave": null, "kind": "verify", "manual": true, "dependsOn": deps, "checks": ["Objects exist."]},
                {"id": "enable-coexistence", "wave": null, "kind": "enable-coexistence", "reversible": false, "userImpact": ["Licensed users move now."]},
                {"id": "assign-license:wave-1", "wave": 1, "kind": "assign-license", "userImpact": ["2 users move."]},
                {"id": "verify:wave-1", "wave": 1, "kind": "verify", "target": {"displayName": "Wave 1", "wave": 1},
                 "checks": ["95 % compliant. (Device compliance report)", "No BMS device left. (All devices)", "MDM authority is Intune. (Tenant status)", "Also this."]},
            ],
        }));
        let r = v.runbook.unwrap();
        let tenant = &r.phases[0];
        assert_eq!(tenant.steps[0].checks, ["P0 exists."]);
        assert_eq!(tenant.steps[0].target, None, "the title names the target");
        assert_eq!(
            tenant.user_impact,
            ["Intune devices get it."],
            "shared lines go to the phase"
        );
        assert!(tenant.steps[1].user_impact.is_empty());
        assert_eq!(tenant.steps[4].user_impact, ["Licensed users move now."]);
        let verify = &tenant.steps[3];
        assert_eq!(verify.depends_on.len(), DEPENDS_SHOWN);
        assert_eq!(verify.depends_more, 40);
        assert!(verify.manual);
        let wave = &r.phases[1];
        assert_eq!(wave.user_impact, ["2 users move."], "the wave's own words");
        assert!(
            wave.steps[0].user_impact.is_empty(),
            "said by the phase already"
        );
        let gates = &wave.steps[1].gates;
        assert_eq!(gates.len(), 3);
        assert_eq!(gates[0].how.as_deref(), Some("Device compliance report."));
        assert_eq!(gates[0].metric.as_deref(), Some("compliantPercent"));
        assert_eq!(gates[0].bound.as_deref(), Some("≥ 95"));
        assert_eq!(gates[1].bound.as_deref(), Some("= 0"));
        assert_eq!(
            (gates[2].metric.as_deref(), gates[2].bound.as_deref()),
            (None, None)
        );
        assert_eq!(
            wave.steps[1].checks,
            ["Also this."],
            "checks that repeat a gate are left out"
        );
        assert!(wave.gates.is_empty(), "the verify step shows them");
    }

    #[test]
    fn waves_show_capacity_and_unplaced_users() {
        let unplaced: Vec<Value> = (0..30)
            .map(|i| json!({"id": i.to_string(), "userPrincipalName": format!("u{i}@x"), "license": "new-seat", "reason": "license-capacity", "bmsPolicy": "Sales"}))
            .collect();
        let v = view(json!({
            "waves": [{"id": 1, "name": "Pilot", "users": 3, "devicesByPlatform": {"windows": 2, "windowsMobile": 1},
                       "seatsNeeded": 2, "alreadyLicensed": 1, "licenses": [{"skuPartNumber": "EMS", "seats": 2}],
                       "limitedByLicenses": true,
                       "risks": [{"code": "android-device-admin", "severity": "warning", "title": "DA", "count": 5, "users": 0, "devices": 5}]}],
            "steps": [],
            "licenseCapacity": {"freeSeats": 2, "seatsNeeded": 32, "shortfall": 30, "statement": "Buy 30 seats.",
                                "skus": [{"skuPartNumber": "EMS", "free": 2, "planned": 2}]},
            "unplacedUsers": unplaced,
            "stagingNotes": ["A note."],
        }));
        let w = v.waves.unwrap();
        let wave = &w.list[0];
        assert_eq!(
            wave.devices,
            [
                ("Windows".to_string(), 2),
                ("Windows Mobile/Phone".to_string(), 1)
            ]
        );
        assert_eq!(
            wave.licences.as_deref(),
            Some("2 new seats (EMS 2) · 1 already hold Intune")
        );
        assert!(wave.limited);
        assert_eq!(wave.risks[0].text, "DA (5 devices)");
        let cap = w.capacity.unwrap();
        assert_eq!(cap.headline.as_deref(), Some("30 users wait for licences"));
        assert_eq!(cap.statement.as_deref(), Some("Buy 30 seats."));
        assert_eq!(cap.skus, ["EMS: 2 planned of 2 free"]);
        let u = w.unplaced.unwrap();
        assert_eq!((u.count, u.list.len(), u.more), (30, USERS_SHOWN, 5));
        assert_eq!(u.list[0].user, "u0@x");
        assert_eq!(w.notes, ["A note."]);
        let waves = v.summary.facts.iter().find(|f| f.label == "Waves").unwrap();
        assert_eq!(
            waves.detail.as_deref(),
            Some("pilot: 3 users · 30 users wait for licences")
        );
    }

    #[test]
    fn impact_lists_the_settings_that_change() {
        let mut rows: Vec<Value> = (0..40)
            .map(|i| json!({"platform": "windows", "setting": format!("new{i:02}"), "orderAssumed": true, "unchanged": 1, "new": 40 - i}))
            .collect();
        rows.push(json!({"platform": "ios", "setting": "same", "unchanged": 9}));
        rows.push(json!({"platform": "androidDeviceAdmin", "setting": "passwordRequiredType", "orderAssumed": false, "looser": 1}));
        rows.push(json!({"platform": "windows", "setting": "bms:FirewallStatus", "lost": 2}));
        rows.push(json!({"platform": "ios", "setting": "passcodeMinimumLength", "stricter": 3}));
        let v = view(
            json!({"impact": {"users": 4, "userPlatforms": 6, "bySetting": rows,
            "byPlatform": [{"platform": "windows", "users": 3, "unchanged": 5, "new": 2}],
            "mostAffectedUsers": [{"id": "1", "userPrincipalName": "a@x", "displayName": "A", "changes": 3, "lost": 1, "conflicts": 0}]}}),
        );
        let i = v.impact.unwrap();
        assert_eq!(
            i.scope.as_deref(),
            Some("4 users on 6 user × platform pairs")
        );
        assert_eq!(i.by_setting.len(), SETTINGS_SHOWN);
        assert_eq!(i.settings_unchanged, 1);
        assert_eq!(i.settings_more, 43 - SETTINGS_SHOWN as u64);
        let names: Vec<&str> = i.by_setting.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            &names[..4],
            [
                "passcodeMinimumLength",
                "FirewallStatus",
                "passwordRequiredType",
                "new00"
            ]
        );
        assert!(i.by_setting[1].bms_only && !i.by_setting[0].bms_only);
        assert!(i.by_setting[3].order_assumed && i.any_assumed);
        assert_eq!(
            i.by_setting[2].platform.as_deref(),
            Some("Android device administrator")
        );
        assert_eq!(i.by_platform[0].users.as_deref(), Some("3"));
        assert_eq!(i.by_platform[0].name, "Windows 10/11");
        let u = &i.most_affected[0];
        assert_eq!(
            (u.name.as_str(), u.upn.as_deref(), u.lost.as_str()),
            ("A", Some("a@x"), "1")
        );
    }

    #[test]
    fn conflicts_name_their_objects_and_the_applied_value() {
        let v = view(json!({"conflicts": [
            {"platform": "windows", "setting": "passwordMinimumLength", "rule": "most-restrictive-compliance",
             "objects": [
                {"displayName": "Sales_O365_W", "kind": "compliance", "origin": "generated", "sourcePolicy": "Sales"},
                {"displayName": "Corp", "kind": "compliance", "origin": "existing", "id": "x"}],
             "values": [6, 12], "appliedValue": 12, "affectedUsers": 7, "sampleUsers": ["a@x", "b@x"]},
            {"platform": "ios", "setting": "cameraBlocked", "rule": "configuration-conflict",
             "objects": [{"displayName": "N", "kind": "configuration", "origin": "generated"}, {"displayName": "E", "kind": "configuration", "origin": "existing"}],
             "values": [true, false], "appliedValue": null, "affectedUsers": 1, "sampleUsers": ["a@x"]},
        ]}));
        let c = v.conflicts.unwrap();
        assert_eq!(c.list[0].setting, "cameraBlocked", "neither-applies first");
        assert_eq!(c.list[0].applied, None);
        assert_eq!(c.by_rule[0].class, "out-conflict");
        let m = &c.list[1];
        assert_eq!(
            m.sides[0].about.as_deref(),
            Some("new compliance policy, from BMS policy Sales")
        );
        assert_eq!(
            m.sides[1].about.as_deref(),
            Some("existing compliance policy")
        );
        assert!(!m.sides[0].applies && m.sides[1].applies);
        assert_eq!(m.applied.as_deref(), Some("12"));
        assert_eq!(m.affected.as_deref(), Some("7 users"));
        assert_eq!((m.affected_names.len(), m.affected_more), (2, 5));
    }

    #[test]
    fn humanize_keys() {
        assert_eq!(humanize("seatsNeeded"), "Seats needed");
    }
}
