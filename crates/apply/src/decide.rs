//! The apply state machine. [`Apply::next_action`] decides the next [`Action`] from the plan's steps
//! for one wave, the journal's state and what the tenant reads said so far; [`Apply::on_response`]
//! takes the answer. Each decision is recomputed from that knowledge, so a restart from the
//! journal with nothing read yet reaches the same decisions: every step's state is read from
//! the tenant (a group by `uniqueName`, a policy by the marker in its description, members,
//! assignments, licences), never assumed from the journal, and an intent without an answer
//! turns into reads (bounded re-reads through the replication lag) before any repeat.
//!
//! Order of a run: the pins (tenant, plan hash of a started wave), then every drift check
//! (earlier waves done, groups present, seats, existing objects' `version`, room under the
//! Conditional Access limit, security defaults off), and only then the steps in plan order.
//! Coexistence is a manual step: printed, confirmed by reading
//! `organization.mobileDeviceManagementAuthority`, never set through Graph; the steps that
//! depend on it (licences) wait until it reads `intune`.

// `Err(Decision)` is an early return of the next action (a read to make first), not an error;
// it is returned once per decision, so its size does not matter.
#![allow(clippy::result_large_err)]

use crate::http::{Method, Request, Response};
use crate::journal::{Intent, JournalState, Outcome};
use crate::render::{Line, Sign};
use crate::steps::{marker, PlanHash, PlanView};
use bms2intune_waves::{Step, StepKind};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Conditional Access policies a tenant may hold.
pub const CA_POLICY_LIMIT: usize = 195;
/// Re-reads of an object that may not have replicated yet (404 or missing after a create).
pub const FRESH_OBJECT_RETRIES: u32 = 5;
/// Writes answered with a transient failure (throttled, 5xx, connection lost) that a step may
/// see before the run stops; each is reconciled by reading the tenant, never repeated blindly.
pub const TRANSIENT_RETRIES: u32 = 8;
/// Reads of a group's licence processing state, waiting for Entra to finish a group licence.
pub const LICENCE_POLLS: u32 = 8;
/// Graph adds at most 20 members per request.
pub const MEMBERS_PER_REQUEST: usize = 20;

pub(crate) const ORGANIZATION: &str =
    "/v1.0/organization?$select=id,mobileDeviceManagementAuthority";
pub(crate) const SECURITY_DEFAULTS: &str =
    "/v1.0/policies/identitySecurityDefaultsEnforcementPolicy";
pub(crate) const SUBSCRIBED_SKUS: &str = "/v1.0/subscribedSkus";
pub(crate) const CA_COLLECTION: &str = "/v1.0/identity/conditionalAccess/policies";
const DIRECTORY_OBJECTS: &str = "https://graph.microsoft.com/v1.0/directoryObjects/";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Read the tenant and say what would be done; write nothing.
    DryRun,
    Execute,
}

/// An existing Intune object the plan was made against, which must not have changed.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectedVersion {
    pub display_name: String,
    /// Its Graph path (`/v1.0/deviceManagement/deviceCompliancePolicies/<id>`).
    pub path: String,
    /// Graph's `version` at snapshot time; `None` where Graph has none (settings catalog,
    /// Conditional Access): then only its existence is checked.
    pub version: Option<i64>,
}

/// Everything a run needs besides the journal, read from the plan folder by the shell.
#[derive(Debug, Clone)]
pub struct ApplyInput {
    pub plan: PlanView,
    pub plan_hash: PlanHash,
    pub wave: u32,
    pub mode: Mode,
    /// Members of each wave group (the step target's `group` key) as Entra object ids, from
    /// `waves.csv` (plan.json's lists stop at `listLimit`).
    pub rosters: BTreeMap<String, Vec<String>>,
    /// The request body of each `create-policy` step, by its target `file`.
    pub bodies: BTreeMap<String, Value>,
    pub expected_versions: Vec<ExpectedVersion>,
    /// The signed-in principal's object id, added as owner of every group the run creates,
    /// when the app may only create groups (Group.Create): otherwise it could not change them.
    pub group_owner: Option<String>,
}

/// Whether a write's answer leaves its effect unknown: throttled past the client's retries,
/// a 5xx, or no answer at all (status 0: the connection dropped). The step is reconciled by
/// reading the tenant.
pub fn is_transient(status: u16) -> bool {
    matches!(status, 0 | 429 | 500 | 502 | 503 | 504)
}

/// Why a run stops without doing (more).
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    WrongTenant {
        plan: String,
        found: String,
    },
    PlanChanged {
        wave: u32,
    },
    PrerequisiteMissing {
        step: String,
        wave: u32,
    },
    Drift(Vec<String>),
    MissingInput {
        step: String,
        what: String,
    },
    Unsupported {
        step: String,
        reason: String,
    },
    Failed {
        step: String,
        status: u16,
        message: String,
    },
    LaterWaveApplied {
        wave: u32,
        later: u32,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::WrongTenant { plan, found } => write!(
                f,
                "the plan is for tenant {plan}, but this is tenant {found}: nothing was done"
            ),
            Refusal::PlanChanged { wave } => write!(
                f,
                "plan.json changed since wave {wave} started: finish or roll back the wave with the plan it started with"
            ),
            Refusal::PrerequisiteMissing { step, wave } => write!(
                f,
                "this wave depends on {step} of wave {wave}, which is not done: apply wave {wave} first"
            ),
            Refusal::Drift(items) => {
                write!(f, "the tenant changed since the snapshot; nothing was written:")?;
                for item in items {
                    write!(f, "\n  - {item}")?;
                }
                Ok(())
            }
            Refusal::MissingInput { step, what } => write!(f, "{step}: {what}"),
            Refusal::Unsupported { step, reason } => write!(f, "{step}: {reason}"),
            Refusal::Failed { step, status, message } => {
                write!(f, "{step}: Graph answered {status}: {message}")
            }
            Refusal::LaterWaveApplied { wave, later } => write!(
                f,
                "wave {later} was applied after wave {wave}: roll back wave {later} first"
            ),
        }
    }
}

/// What the shell does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A read. `attempt` > 0 re-reads an object that may not have replicated yet: wait first.
    Read {
        request: Request,
        attempt: u32,
    },
    /// A write: record `intent` as journal row `seq` before sending `request`, then hand the
    /// answer to `on_response` and record the outcome it returns.
    Write {
        seq: i64,
        step_id: String,
        intent: Intent,
        request: Request,
        /// What the write does, for people (`+ create …`), printed as it is sent.
        line: Line,
    },
    /// Print these instructions for an admin; then call `next_action` again.
    Manual {
        step_id: String,
        title: String,
        instructions: String,
    },
    /// Rollback only: mark journal row `seq` undone; then call `next_action` again.
    MarkUndone {
        seq: i64,
    },
    /// Finished: what was (or, in a dry run, would be) done, step by step.
    Done(Vec<Line>),
    Refused(Refusal),
}

/// Internal: a decision before bookkeeping.
// A decision is returned and consumed at once, one at a time, never stored in bulk: boxing
// the action would buy nothing but an allocation per step.
#[allow(clippy::large_enum_variant)]
enum Decision {
    Act(Action),
    /// Forget the cached read at `path` and read it again (replication lag).
    Reread {
        path: String,
        key: String,
    },
}

enum InFlight {
    Read(String),
    Write {
        seq: i64,
        step_id: String,
        invalidate: Vec<String>,
        check: Check,
    },
}

/// How to judge a write's answer beyond its status.
enum Check {
    Status,
    /// Members: 400 (one already present) or 404 (fresh group) means re-read and retry.
    Members,
    /// A delete: 404 means already gone.
    Gone,
    /// Assign: the answer must hold every posted target.
    Assigned(Vec<Value>),
}

/// The apply state machine for one wave.
pub struct Apply {
    input: ApplyInput,
    journal: JournalState,
    reads: BTreeMap<String, Response>,
    retries: BTreeMap<String, u32>,
    printed: BTreeSet<String>,
    in_flight: Option<InFlight>,
    failure: Option<Refusal>,
}

/// Returns the cached answer to a GET of `$path`, or asks for the read.
macro_rules! read {
    ($self:ident, $path:expr) => {{
        let path: String = $path;
        match $self.reads.get(&path) {
            Some(response) => response,
            None => {
                let attempt = $self.retries.get(&path).copied().unwrap_or(0);
                return Decision::Act(Action::Read {
                    request: Request::get(path),
                    attempt,
                });
            }
        }
    }};
}

const GROUPS_BY_UNIQUE_NAME: &str = "/v1.0/groups(uniqueName=";

pub(crate) fn group_by_unique_name(unique_name: &str) -> String {
    format!(
        "{GROUPS_BY_UNIQUE_NAME}'{}')",
        unique_name.replace('\'', "''")
    )
}

pub(crate) fn group_read(unique_name: &str) -> String {
    format!(
        "{}?$select=id,description,assignedLicenses,licenseProcessingState",
        group_by_unique_name(unique_name)
    )
}

pub(crate) fn members_read(group_id: &str) -> String {
    format!("/v1.0/groups/{group_id}/members?$select=id")
}

pub(crate) fn licence_errors_read(group_id: &str) -> String {
    format!("/v1.0/groups/{group_id}/membersWithLicenseErrors?$select=id,userPrincipalName")
}

pub(crate) fn collection_read(collection: &str) -> String {
    format!("{collection}?$select=id,displayName,description")
}

pub(crate) fn assignments_read(object: &str) -> String {
    format!("{object}/assignments")
}

/// The identity of an assignment target: its type and group.
pub(crate) fn target_key(target: &Value) -> (String, String) {
    let text = |name| {
        target
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    (text("@odata.type"), text("groupId"))
}

pub(crate) fn str_field<'v>(value: &'v Value, name: &str) -> &'v str {
    value.get(name).and_then(Value::as_str).unwrap_or("")
}

/// The objects of a collection answer whose description carries `marker`.
pub(crate) fn marked<'r>(list: &'r Response, marker: &str) -> Vec<&'r Value> {
    list.values()
        .iter()
        .filter(|o| str_field(o, "description").contains(marker))
        .collect()
}

impl Apply {
    pub fn new(input: ApplyInput, journal: JournalState) -> Self {
        Apply {
            input,
            journal,
            reads: BTreeMap::new(),
            retries: BTreeMap::new(),
            printed: BTreeSet::new(),
            in_flight: None,
            failure: None,
        }
    }

    /// The journal as this run sees it (the shell's copy and this one agree).
    pub fn journal(&self) -> &JournalState {
        &self.journal
    }

    pub fn next_action(&mut self) -> Action {
        if let Some(refusal) = &self.failure {
            return Action::Refused(refusal.clone());
        }
        loop {
            match self.decide() {
                Decision::Reread { path, key } => {
                    *self.retries.entry(key).or_default() += 1;
                    let attempt = self.retries.get(&path).copied().unwrap_or(0) + 1;
                    self.retries.insert(path.clone(), attempt);
                    self.reads.remove(&path);
                }
                Decision::Act(action) => return self.dispatch(action),
            }
        }
    }

    fn dispatch(&mut self, action: Action) -> Action {
        match &action {
            Action::Read { request, .. } => {
                self.in_flight = Some(InFlight::Read(request.path.clone()));
            }
            Action::Write {
                seq,
                step_id,
                intent,
                ..
            } => {
                self.journal
                    .wave_hashes
                    .entry(self.input.wave)
                    .or_insert_with(|| self.input.plan_hash.0.clone());
                self.journal.entries.push(crate::journal::Entry {
                    seq: *seq,
                    wave: self.input.wave,
                    step_id: step_id.clone(),
                    intent: intent.clone(),
                    outcome: None,
                    undone: false,
                });
                // A new write gets its own budget of re-reads through the replication lag.
                self.retries.remove(step_id);
                let (invalidate, check) = effects(intent);
                self.in_flight = Some(InFlight::Write {
                    seq: *seq,
                    step_id: step_id.clone(),
                    invalidate,
                    check,
                });
            }
            Action::Manual { step_id, .. } => {
                self.printed.insert(step_id.clone());
            }
            Action::Refused(refusal) => self.failure = Some(refusal.clone()),
            Action::MarkUndone { .. } | Action::Done(_) => {}
        }
        action
    }

    /// Takes the answer to the last `Read` or `Write`. For a write, returns the journal row
    /// and the outcome to record.
    pub fn on_response(&mut self, response: Response) -> Option<(i64, Outcome)> {
        match self.in_flight.take()? {
            InFlight::Read(path) => {
                self.reads.insert(path, response);
                None
            }
            InFlight::Write {
                seq,
                step_id,
                invalidate,
                check,
            } => {
                forget(&mut self.reads, &invalidate);
                let outcome = outcome_of(&response);
                if let Some(entry) = self.journal.entries.iter_mut().find(|e| e.seq == seq) {
                    entry.outcome = Some(outcome.clone());
                }
                self.judge(&step_id, &response, check);
                Some((seq, outcome))
            }
        }
    }

    fn judge(&mut self, step_id: &str, response: &Response, check: Check) {
        let failed = |response: &Response| Refusal::Failed {
            step: step_id.to_string(),
            status: response.status,
            message: response.error_message(),
        };
        if is_transient(response.status) {
            let tries = self
                .retries
                .entry(format!("transient:{step_id}"))
                .or_default();
            *tries += 1;
            if *tries > TRANSIENT_RETRIES {
                self.failure = Some(failed(response));
            }
            return;
        }
        // The budget is for failures in a row: an answer resets it.
        self.retries.remove(&format!("transient:{step_id}"));
        match check {
            Check::Gone if response.status == 404 => {}
            Check::Members if matches!(response.status, 400 | 404) => {
                let tries = self
                    .retries
                    .entry(format!("members:{step_id}"))
                    .or_default();
                *tries += 1;
                if *tries > FRESH_OBJECT_RETRIES {
                    self.failure = Some(failed(response));
                }
            }
            _ if !response.is_success() => self.failure = Some(failed(response)),
            Check::Assigned(posted) => {
                let got: BTreeSet<_> = response
                    .values()
                    .iter()
                    .map(|a| target_key(a.get("target").unwrap_or(&Value::Null)))
                    .collect();
                if posted.iter().any(|t| !got.contains(&target_key(t))) {
                    self.failure = Some(Refusal::Failed {
                        step: step_id.to_string(),
                        status: response.status,
                        message: "the answer to assign lacks targets that were posted".into(),
                    });
                }
            }
            Check::Status | Check::Members | Check::Gone => {}
        }
    }

    fn refuse(refusal: Refusal) -> Decision {
        Decision::Act(Action::Refused(refusal))
    }

    /// Re-reads `path` while `key` has retries left; else refuses with `why`.
    fn reread_or(&self, path: String, key: String, step: &Step, why: &str) -> Decision {
        if self.retries.get(&key).copied().unwrap_or(0) < FRESH_OBJECT_RETRIES {
            Decision::Reread { path, key }
        } else {
            Self::refuse(Refusal::Failed {
                step: step.id.clone(),
                status: 404,
                message: why.to_string(),
            })
        }
    }

    fn decide(&self) -> Decision {
        let plan = &self.input.plan;
        let wave = self.input.wave;
        let plan_tenant = &plan.snapshot.tenant_id;
        if !self.journal.tenant_id.is_empty() && &self.journal.tenant_id != plan_tenant {
            return Self::refuse(Refusal::WrongTenant {
                plan: plan_tenant.clone(),
                found: self.journal.tenant_id.clone(),
            });
        }
        if let Some(started) = self.journal.wave_hashes.get(&wave) {
            if started != &self.input.plan_hash.0 {
                return Self::refuse(Refusal::PlanChanged { wave });
            }
        }
        let org = read!(self, ORGANIZATION.to_string());
        let org = org.values().first().cloned().unwrap_or(Value::Null);
        let found = str_field(&org, "id");
        if !found.eq_ignore_ascii_case(plan_tenant) {
            return Self::refuse(Refusal::WrongTenant {
                plan: plan_tenant.clone(),
                found: found.to_string(),
            });
        }
        let run = plan.run_of_wave(wave);
        if let Some(decision) = self.check_prerequisites(&run.prerequisites) {
            return decision;
        }
        let drift = match self.drift(&run.steps) {
            Ok(drift) => drift,
            Err(decision) => return decision,
        };
        if !drift.is_empty() {
            return Self::refuse(Refusal::Drift(drift));
        }
        let mdm_authority = str_field(&org, "mobileDeviceManagementAuthority");
        let mut lines = Vec::new();
        let mut waiting: BTreeSet<&str> = BTreeSet::new();
        let mut planned: BTreeSet<&str> = BTreeSet::new();
        for step in &run.steps {
            if let Some(dep) = step
                .depends_on
                .iter()
                .find(|d| waiting.contains(d.as_str()))
            {
                waiting.insert(&step.id);
                lines.push(Line::new(
                    Sign::Waiting,
                    &step.id,
                    format!("{} (after {dep})", step.title),
                ));
                continue;
            }
            let state = match self.step_state(step, &planned, mdm_authority) {
                Ok(state) => state,
                Err(decision) => return decision,
            };
            match state {
                StepState::Done(text) => lines.push(Line::new(Sign::AlreadyDone, &step.id, text)),
                StepState::Planned { sign, text } => {
                    planned.insert(&step.id);
                    lines.push(Line::new(sign, &step.id, text));
                }
                StepState::Write {
                    sign,
                    text,
                    intent,
                    request,
                } => match self.input.mode {
                    Mode::DryRun => {
                        planned.insert(&step.id);
                        lines.push(Line::new(sign, &step.id, text));
                    }
                    Mode::Execute => {
                        return Decision::Act(Action::Write {
                            seq: self.journal.next_seq(),
                            step_id: step.id.clone(),
                            intent,
                            request,
                            line: Line::new(sign, &step.id, text),
                        })
                    }
                },
                StepState::Manual { blocks } => {
                    if !self.printed.contains(&step.id) {
                        return Decision::Act(Action::Manual {
                            step_id: step.id.clone(),
                            title: step.title.clone(),
                            instructions: step.instructions.clone(),
                        });
                    }
                    if blocks {
                        waiting.insert(&step.id);
                    }
                    lines.push(Line::new(Sign::Manual, &step.id, step.title.clone()));
                }
            }
        }
        Decision::Act(Action::Done(lines))
    }

    /// Steps of earlier waves this run depends on: their licence steps must read as done.
    fn check_prerequisites(&self, prerequisites: &[&Step]) -> Option<Decision> {
        for step in prerequisites {
            let Some(earlier) = step.wave else { continue };
            for licence in self.input.plan.wave_writes(earlier) {
                if licence.kind != StepKind::AssignLicense {
                    continue;
                }
                let done = match self.group_of(licence) {
                    Ok(Some(group)) => {
                        let sku = licence.target.sku_id.as_deref().unwrap_or("");
                        has_licence(&group, sku)
                    }
                    Ok(None) => false,
                    Err(decision) => return Some(decision),
                };
                if !done {
                    return Some(Self::refuse(Refusal::PrerequisiteMissing {
                        step: step.id.clone(),
                        wave: earlier,
                    }));
                }
            }
        }
        None
    }

    /// The wave group a step works on, read by `uniqueName` (`None`: not there).
    fn group_of(&self, step: &Step) -> Result<Option<Value>, Decision> {
        let Some(unique_name) = self.unique_name_of(step) else {
            return Err(Self::refuse(Refusal::MissingInput {
                step: step.id.clone(),
                what: "no create-group step names this step's group".into(),
            }));
        };
        let path = group_read(&unique_name);
        match self.reads.get(&path) {
            None => Err(Decision::Act(Action::Read {
                request: Request::get(path.clone()),
                attempt: self.retries.get(&path).copied().unwrap_or(0),
            })),
            Some(r) if r.status == 404 => Ok(None),
            Some(r) if r.is_success() => Ok(Some(r.body.clone())),
            Some(r) => Err(Self::refuse(Refusal::Failed {
                step: step.id.clone(),
                status: r.status,
                message: r.error_message(),
            })),
        }
    }

    /// The `uniqueName` of the group a wave-group step works on: the create-group step's
    /// `mailNickname` for the same group key.
    fn unique_name_of(&self, step: &Step) -> Option<String> {
        let key = step.target.group.as_deref()?;
        self.input
            .plan
            .steps
            .iter()
            .find(|s| s.kind == StepKind::CreateGroup && s.target.group.as_deref() == Some(key))
            .and_then(|s| s.target.mail_nickname.clone())
    }

    /// Every drift check, read before any write. Returns the problems found.
    fn drift(&self, steps: &[&Step]) -> Result<Vec<String>, Decision> {
        let mut drift = Vec::new();
        let mut seen_groups = BTreeSet::new();
        for step in steps.iter().filter(|s| s.kind == StepKind::AssignPolicy) {
            for group in step.target.include.iter().chain(&step.target.exclude) {
                if !seen_groups.insert(group.id.as_str()) {
                    continue;
                }
                let path = format!("/v1.0/groups/{}?$select=id", group.id);
                let response = self.cached(path)?;
                if response.status == 404 {
                    drift.push(format!(
                        "group {} ({}) that {} assigns to no longer exists",
                        group.display_name.as_deref().unwrap_or("?"),
                        group.id,
                        step.target.display_name
                    ));
                }
            }
        }
        let mut seats: BTreeMap<&str, (u64, &str)> = BTreeMap::new();
        for step in steps.iter().filter(|s| s.kind == StepKind::AssignLicense) {
            let sku = step.target.sku_id.as_deref().unwrap_or("");
            let already = self.group_of(step)?.is_some_and(|g| has_licence(&g, sku));
            if !already {
                let need = seats
                    .entry(sku)
                    .or_insert((0, step.target.sku_part_number.as_deref().unwrap_or(sku)));
                need.0 += step.target.count.unwrap_or(0);
            }
        }
        if !seats.is_empty() {
            let skus = self.cached(SUBSCRIBED_SKUS.to_string())?;
            for (sku, (need, name)) in &seats {
                let free = skus
                    .values()
                    .iter()
                    .find(|s| str_field(s, "skuId").eq_ignore_ascii_case(sku))
                    .map(|s| {
                        let enabled = s
                            .pointer("/prepaidUnits/enabled")
                            .and_then(Value::as_i64)
                            .unwrap_or(0);
                        let consumed = s.get("consumedUnits").and_then(Value::as_i64).unwrap_or(0);
                        (enabled - consumed).max(0) as u64
                    })
                    .unwrap_or(0);
                if free < *need {
                    drift.push(format!("{name}: {free} free seats, the wave needs {need}"));
                }
            }
        }
        let planned_ca = steps
            .iter()
            .filter(|s| {
                s.kind == StepKind::CreatePolicy
                    && s.target.collection.as_deref() == Some("conditionalAccessPolicies")
            })
            .count();
        if planned_ca > 0 {
            let policies = self.cached(collection_read(CA_COLLECTION))?;
            let ours = format!("[bms2intune plan:{} ", self.journal.plan_id);
            let foreign = policies
                .values()
                .iter()
                .filter(|p| !str_field(p, "description").contains(&ours))
                .count();
            if foreign + planned_ca > CA_POLICY_LIMIT {
                drift.push(format!(
                    "{foreign} Conditional Access policies exist; {planned_ca} more would pass the limit of {CA_POLICY_LIMIT}"
                ));
            }
            let defaults = self.cached(SECURITY_DEFAULTS.to_string())?;
            if defaults.body.get("isEnabled").and_then(Value::as_bool) == Some(true) {
                drift.push("security defaults are on: Conditional Access policies cannot be added until they are turned off".into());
            }
        }
        for expected in &self.input.expected_versions {
            let select = if expected.version.is_some() {
                "id,version"
            } else {
                "id"
            };
            let response = self.cached(format!("{}?$select={select}", expected.path))?;
            let now = response.body.get("version").and_then(Value::as_i64);
            if response.status == 404 {
                drift.push(format!(
                    "{} was deleted since the snapshot",
                    expected.display_name
                ));
            } else if !response.is_success() {
                drift.push(format!(
                    "{} could not be read to check it is unchanged ({} {})",
                    expected.display_name,
                    response.status,
                    response.error_message()
                ));
            } else if let Some(then) = expected.version.filter(|v| Some(*v) != now) {
                drift.push(format!(
                    "{} was edited since the snapshot (version {then} then, {} now)",
                    expected.display_name,
                    now.map_or("unknown".to_string(), |v| v.to_string())
                ));
            }
        }
        Ok(drift)
    }

    fn cached(&self, path: String) -> Result<&Response, Decision> {
        match self.reads.get(&path) {
            Some(response) => Ok(response),
            None => Err(Decision::Act(Action::Read {
                attempt: self.retries.get(&path).copied().unwrap_or(0),
                request: Request::get(path),
            })),
        }
    }

    fn step_state(
        &self,
        step: &Step,
        planned: &BTreeSet<&str>,
        mdm: &str,
    ) -> Result<StepState, Decision> {
        let marker = marker(&self.journal.plan_id, &step.id);
        let missing = |what: &str| {
            Err(Self::refuse(Refusal::MissingInput {
                step: step.id.clone(),
                what: what.to_string(),
            }))
        };
        let t = &step.target;
        match step.kind {
            StepKind::CreateGroup => {
                let Some(nick) = t.mail_nickname.as_deref() else {
                    return missing("the step has no mailNickname");
                };
                if self.group_of(step)?.is_some() {
                    return Ok(StepState::Done(format!("group \"{}\"", t.display_name)));
                }
                let upserted = self.journal.live_of_step(&step.id).any(|e| {
                    matches!(e.intent, Intent::UpsertGroup { .. })
                        && e.outcome.as_ref().is_some_and(Outcome::succeeded)
                });
                if upserted {
                    return Err(self.reread_or(
                        group_read(nick),
                        step.id.clone(),
                        step,
                        "the group created earlier does not show",
                    ));
                }
                let description = format!("{} {marker}", t.description.as_deref().unwrap_or(""));
                let mut body = json!({
                    "displayName": t.display_name,
                    "description": description.trim_start(),
                    "mailEnabled": false,
                    "mailNickname": nick,
                    "securityEnabled": true,
                });
                if let Some(owner) = &self.input.group_owner {
                    body["owners@odata.bind"] = json!([format!("{DIRECTORY_OBJECTS}{owner}")]);
                }
                Ok(StepState::Write {
                    sign: Sign::Create,
                    text: format!("group \"{}\"", t.display_name),
                    intent: Intent::UpsertGroup {
                        unique_name: nick.to_string(),
                        marker,
                    },
                    request: Request::new(Method::Patch, group_by_unique_name(nick), Some(body))
                        .header("Prefer", "create-if-missing"),
                })
            }
            StepKind::AddGroupMembers => {
                let Some(roster) = t.group.as_ref().and_then(|g| self.input.rosters.get(g)) else {
                    return missing("no roster for this group (waves.csv)");
                };
                let Some(group) = self.group_of(step)? else {
                    if self.input.mode == Mode::DryRun && self.creator_planned(step, planned) {
                        return Ok(StepState::Planned {
                            sign: Sign::Add,
                            text: format!("{} members to \"{}\"", roster.len(), t.display_name),
                        });
                    }
                    return Err(self.reread_or(
                        group_read(&self.unique_name_of(step).unwrap_or_default()),
                        step.id.clone(),
                        step,
                        "the wave group does not exist",
                    ));
                };
                let group_id = str_field(&group, "id").to_string();
                let members = self.cached(members_read(&group_id))?;
                if members.status == 404 {
                    return Err(self.reread_or(
                        members_read(&group_id),
                        step.id.clone(),
                        step,
                        "the wave group's members cannot be read",
                    ));
                }
                let present: BTreeSet<&str> = members
                    .values()
                    .iter()
                    .map(|m| str_field(m, "id"))
                    .collect();
                let absent: Vec<&String> = roster
                    .iter()
                    .filter(|u| !present.contains(u.as_str()))
                    .collect();
                if absent.is_empty() {
                    return Ok(StepState::Done(format!(
                        "{} members in \"{}\"",
                        roster.len(),
                        t.display_name
                    )));
                }
                let batch: Vec<String> = absent
                    .iter()
                    .take(MEMBERS_PER_REQUEST)
                    .map(|u| u.to_string())
                    .collect();
                let binds: Vec<String> = batch
                    .iter()
                    .map(|u| format!("{DIRECTORY_OBJECTS}{u}"))
                    .collect();
                Ok(StepState::Write {
                    sign: Sign::Add,
                    text: format!("{} members to \"{}\"", absent.len(), t.display_name),
                    intent: Intent::AddMembers {
                        group_id: group_id.clone(),
                        members: batch,
                    },
                    request: Request::new(
                        Method::Patch,
                        format!("/v1.0/groups/{group_id}"),
                        Some(json!({ "members@odata.bind": binds })),
                    ),
                })
            }
            StepKind::CreatePolicy => {
                let (Some(collection), Some(file)) = (collection_of(step), t.file.as_deref())
                else {
                    return missing("the step has no api, endpoint or file");
                };
                let Some(body) = self.input.bodies.get(file) else {
                    return missing(&format!("no request body for {file}"));
                };
                let list = self.cached(collection_read(&collection))?;
                let found = marked(list, &marker);
                let label = format!(
                    "{} \"{}\"",
                    t.collection.as_deref().unwrap_or("object"),
                    t.display_name
                );
                match found.len() {
                    1 => Ok(StepState::Done(label)),
                    0 => {
                        let unanswered = self.journal.live_of_step(&step.id).any(|e| {
                            matches!(e.intent, Intent::CreateObject { .. })
                                && e.outcome
                                    .as_ref()
                                    .is_none_or(|o| o.succeeded() || is_transient(o.status))
                        });
                        if unanswered
                            && self.retries.get(&step.id).copied().unwrap_or(0)
                                < FRESH_OBJECT_RETRIES
                        {
                            return Err(Decision::Reread {
                                path: collection_read(&collection),
                                key: step.id.clone(),
                            });
                        }
                        let mut body = body.clone();
                        let description = format!("{} {marker}", str_field(&body, "description"));
                        body["description"] = Value::String(description.trim_start().to_string());
                        Ok(StepState::Write {
                            sign: Sign::Create,
                            text: label,
                            intent: Intent::CreateObject {
                                collection: collection.clone(),
                                marker,
                            },
                            request: Request::new(Method::Post, collection, Some(body)),
                        })
                    }
                    _ => {
                        let recorded: BTreeSet<&str> = self
                            .journal
                            .live_of_step(&step.id)
                            .filter_map(|e| e.outcome.as_ref()?.object_id.as_deref())
                            .collect();
                        let keep = found
                            .iter()
                            .position(|o| recorded.contains(str_field(o, "id")))
                            .unwrap_or(0);
                        let extra = found
                            .iter()
                            .enumerate()
                            .find(|(i, _)| *i != keep)
                            .map(|(_, o)| str_field(o, "id"))
                            .unwrap_or("");
                        let object = format!("{collection}/{extra}");
                        Ok(StepState::Write {
                            sign: Sign::Delete,
                            text: format!("duplicate of {label} ({extra})"),
                            intent: Intent::DeleteDuplicate {
                                object: object.clone(),
                            },
                            request: Request::new(Method::Delete, object, None),
                        })
                    }
                }
            }
            StepKind::AssignPolicy => {
                if t.collection.as_deref() == Some("conditionalAccessPolicies") {
                    return Err(Self::refuse(Refusal::Unsupported {
                        step: step.id.clone(),
                        reason: "Conditional Access policies carry their groups in their conditions, not in assign".into(),
                    }));
                }
                let Some(collection) = collection_of(step) else {
                    return missing("the step has no api or endpoint");
                };
                let Some(creator) = self
                    .input
                    .plan
                    .steps
                    .iter()
                    .find(|s| s.kind == StepKind::CreatePolicy && s.target.file == t.file)
                else {
                    return missing("no create-policy step for this file");
                };
                let planned_targets: Vec<Value> = t
                    .include
                    .iter()
                    .map(|g| json!({"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": g.id}))
                    .chain(t.exclude.iter().map(|g| json!({"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", "groupId": g.id})))
                    .collect();
                let groups = format!(
                    "{} include, {} exclude group(s)",
                    t.include.len(),
                    t.exclude.len()
                );
                let label = format!(
                    "{} \"{}\": {groups}",
                    t.collection.as_deref().unwrap_or("object"),
                    t.display_name
                );
                let list = self.cached(collection_read(&collection))?;
                let found = marked(
                    list,
                    &crate::steps::marker(&self.journal.plan_id, &creator.id),
                );
                let [object] = found.as_slice() else {
                    if found.is_empty()
                        && self.input.mode == Mode::DryRun
                        && planned.contains(creator.id.as_str())
                    {
                        return Ok(StepState::Planned {
                            sign: Sign::Assign,
                            text: label,
                        });
                    }
                    return Err(self.reread_or(
                        collection_read(&collection),
                        step.id.clone(),
                        step,
                        "the policy to assign is not (or not once) in the tenant",
                    ));
                };
                let object = format!("{collection}/{}", str_field(object, "id"));
                let existing = self.cached(assignments_read(&object))?;
                if existing.status == 404 {
                    return Err(self.reread_or(
                        assignments_read(&object),
                        step.id.clone(),
                        step,
                        "the policy's assignments cannot be read",
                    ));
                }
                let previous: Vec<Value> = existing
                    .values()
                    .iter()
                    .filter_map(|a| a.get("target").cloned())
                    .collect();
                let have: BTreeSet<_> = previous.iter().map(target_key).collect();
                let add: Vec<&Value> = planned_targets
                    .iter()
                    .filter(|p| !have.contains(&target_key(p)))
                    .collect();
                if add.is_empty() {
                    return Ok(StepState::Done(label));
                }
                let posted: Vec<Value> = previous
                    .iter()
                    .cloned()
                    .chain(add.into_iter().cloned())
                    .collect();
                let assignments: Vec<Value> =
                    posted.iter().map(|t| json!({ "target": t })).collect();
                Ok(StepState::Write {
                    sign: Sign::Assign,
                    text: label,
                    intent: Intent::Assign {
                        object: object.clone(),
                        previous,
                        posted,
                    },
                    request: Request::new(
                        Method::Post,
                        format!("{object}/assign"),
                        Some(json!({ "assignments": assignments })),
                    ),
                })
            }
            StepKind::EnableCoexistence => {
                if mdm.eq_ignore_ascii_case("intune") {
                    Ok(StepState::Done(
                        "coexistence: the Intune MDM authority is set".into(),
                    ))
                } else {
                    Ok(StepState::Manual { blocks: true })
                }
            }
            StepKind::AssignLicense => {
                let Some(sku) = t.sku_id.as_deref() else {
                    return missing("the step has no skuId");
                };
                let label = format!(
                    "{} to \"{}\"",
                    t.sku_part_number.as_deref().unwrap_or(sku),
                    t.display_name
                );
                let Some(group) = self.group_of(step)? else {
                    if self.input.mode == Mode::DryRun && self.creator_planned(step, planned) {
                        return Ok(StepState::Planned {
                            sign: Sign::License,
                            text: label,
                        });
                    }
                    return Err(self.reread_or(
                        group_read(&self.unique_name_of(step).unwrap_or_default()),
                        step.id.clone(),
                        step,
                        "the wave group does not exist",
                    ));
                };
                if has_licence(&group, sku) {
                    return self.licence_processing(step, &group, label);
                }
                let group_id = str_field(&group, "id").to_string();
                Ok(StepState::Write {
                    sign: Sign::License,
                    text: label,
                    intent: Intent::AssignLicense {
                        group_id: group_id.clone(),
                        sku_id: sku.to_string(),
                    },
                    request: Request::new(
                        Method::Post,
                        format!("/v1.0/groups/{group_id}/assignLicense"),
                        Some(
                            json!({"addLicenses": [{"skuId": sku, "disabledPlans": []}], "removeLicenses": []}),
                        ),
                    ),
                })
            }
            // The tenant-wide check before coexistence is what this run just verified step by
            // step; in a dry run it comes after the planned steps.
            StepKind::Verify if step.wave.is_none() => {
                if step.depends_on.iter().any(|d| planned.contains(d.as_str())) {
                    Ok(StepState::Planned {
                        sign: Sign::Waiting,
                        text: step.title.clone(),
                    })
                } else {
                    Ok(StepState::Done(step.title.clone()))
                }
            }
            StepKind::Verify => Ok(StepState::Manual { blocks: false }),
            // The close-out and the optional baseline come after every wave and no wave step
            // depends on them, so no wave's run includes them; a plan edited so that one does
            // is refused rather than half-applied.
            StepKind::ScheduleActions
            | StepKind::UpdateTenantSettings
            | StepKind::EnforceConditionalAccess
            | StepKind::KeepClassicConditionalAccess
            | StepKind::RemoveBmsPolicies => Err(Self::refuse(Refusal::Unsupported {
                step: step.id.clone(),
                reason: "a close-out or baseline step: apply runs waves and does not carry these out yet".into(),
            })),
        }
    }

    /// A group licence is processed asynchronously: in a run that writes, wait (bounded) for
    /// the group's `licenseProcessingState` to read complete, then report the members Entra
    /// could not license. A dry run only says where processing stands.
    fn licence_processing(
        &self,
        step: &Step,
        group: &Value,
        label: String,
    ) -> Result<StepState, Decision> {
        let state = group
            .pointer("/licenseProcessingState/state")
            .and_then(Value::as_str)
            .unwrap_or("ProcessingComplete");
        if !state.eq_ignore_ascii_case("ProcessingComplete") {
            let key = format!("licence:{}", step.id);
            let polls = self.retries.get(&key).copied().unwrap_or(0);
            if self.input.mode == Mode::Execute && polls < LICENCE_POLLS {
                return Err(Decision::Reread {
                    path: group_read(&self.unique_name_of(step).unwrap_or_default()),
                    key,
                });
            }
            return Ok(StepState::Planned {
                sign: Sign::Waiting,
                text: format!(
                    "{label}: Entra is still processing the group licence ({state}); `bms2intune status` shows the result"
                ),
            });
        }
        let group_id = str_field(group, "id");
        let errors = self.cached(licence_errors_read(group_id))?;
        let names: Vec<&str> = errors
            .values()
            .iter()
            .map(|m| match str_field(m, "userPrincipalName") {
                "" => str_field(m, "id"),
                upn => upn,
            })
            .collect();
        if names.is_empty() {
            return Ok(StepState::Done(label));
        }
        const SHOWN: usize = 10;
        let more = names.len().saturating_sub(SHOWN);
        Ok(StepState::Planned {
            sign: Sign::Warning,
            text: format!(
                "{label}: {} member(s) could not be licensed (no free seat, conflicting plans or no usage location): {}{}",
                names.len(),
                names[..names.len().min(SHOWN)].join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            ),
        })
    }

    fn creator_planned(&self, step: &Step, planned: &BTreeSet<&str>) -> bool {
        let key = step.target.group.as_deref();
        self.input.plan.steps.iter().any(|s| {
            s.kind == StepKind::CreateGroup
                && s.target.group.as_deref() == key
                && planned.contains(s.id.as_str())
        })
    }
}

enum StepState {
    Done(String),
    Write {
        sign: Sign,
        text: String,
        intent: Intent,
        request: Request,
    },
    /// Dry run only: a write on an object that a step planned earlier in the run creates.
    Planned {
        sign: Sign,
        text: String,
    },
    /// A manual step; `blocks` when later steps must wait for it.
    Manual {
        blocks: bool,
    },
}

/// `/<api><endpoint>` of a policy step.
pub(crate) fn collection_of(step: &Step) -> Option<String> {
    Some(format!(
        "/{}{}",
        step.target.api.as_deref()?,
        step.target.endpoint.as_deref()?
    ))
}

pub(crate) fn has_licence(group: &Value, sku: &str) -> bool {
    group
        .get("assignedLicenses")
        .and_then(Value::as_array)
        .is_some_and(|l| {
            l.iter()
                .any(|a| str_field(a, "skuId").eq_ignore_ascii_case(sku))
        })
}

/// The cached reads a write makes stale (by path prefix), and how to judge its answer.
fn effects(intent: &Intent) -> (Vec<String>, Check) {
    match intent {
        Intent::UpsertGroup { unique_name, .. } => (vec![group_read(unique_name)], Check::Status),
        Intent::CreateObject { collection, .. } => {
            (vec![collection_read(collection)], Check::Status)
        }
        Intent::DeleteDuplicate { object } => {
            let collection = object.rsplit_once('/').map_or("", |(c, _)| c);
            (vec![collection_read(collection)], Check::Gone)
        }
        Intent::AddMembers { group_id, .. } => (vec![members_read(group_id)], Check::Members),
        Intent::Assign { object, posted, .. } => (
            vec![assignments_read(object)],
            Check::Assigned(posted.clone()),
        ),
        // Wave groups are read by uniqueName, so every such read may now be stale.
        Intent::AssignLicense { group_id, .. } => (
            vec![
                GROUPS_BY_UNIQUE_NAME.to_string(),
                licence_errors_read(group_id),
            ],
            Check::Status,
        ),
        Intent::Undo { path, .. } => (vec![path.clone()], Check::Status),
    }
}

/// Forgets every cached read whose path starts with one of `prefixes`.
pub(crate) fn forget(reads: &mut BTreeMap<String, Response>, prefixes: &[String]) {
    reads.retain(|path, _| !prefixes.iter().any(|p| path.starts_with(p.as_str())));
}

pub(crate) fn outcome_of(response: &Response) -> Outcome {
    let object_id = response
        .body
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string);
    Outcome {
        status: response.status,
        created: response.status == 201,
        object_id,
        request_id: response.request_id(),
        error: (!response.is_success()).then(|| response.error_message()),
    }
}
