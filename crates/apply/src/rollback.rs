//! The rollback state machine: undoes, newest first, what the journal says one wave's run did,
//! and only that. Each row is undone by reading the tenant and sending the inverse request
//! until the read shows it undone, then the row is marked undone: a group or policy is deleted
//! only when it was created by the tool (a 201, or an intent whose answer never came or failed
//! transiently) and still carries its
//! marker; members are removed only if the tool added them; an assignment loses only the
//! targets the tool added (targets added by others since stay); a licence is removed from the
//! group it was added to. Anything else (a group that existed before, an object whose marker is
//! gone, the one-way coexistence step) is refused with a line that says so. Every inverse is
//! idempotent, so a crash in the middle is resumed by running rollback again.

use crate::decide::{
    assignments_read, collection_read, group_read, has_licence, is_transient, marked, members_read,
    outcome_of, str_field, target_key, Action, Mode, Refusal, TRANSIENT_RETRIES,
};
use crate::http::{Method, Request, Response};
use crate::journal::{Entry, Intent, JournalState, Outcome};
use crate::render::{Line, Sign};
use crate::steps::PlanView;
use bms2intune_waves::StepKind;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

// A decision is returned and consumed at once, one at a time, never stored in bulk: boxing
// the action would buy nothing but an allocation per step.
#[allow(clippy::large_enum_variant)]
enum Decision {
    Act(Action),
    /// Dry run, or refused: say `line` and go on to the next row.
    Pass {
        seq: i64,
        line: Line,
    },
}

struct InFlight {
    /// `None` for reads.
    write: Option<(i64, String)>,
    path: String,
    invalidate: String,
}

pub struct Rollback {
    wave: u32,
    mode: Mode,
    journal: JournalState,
    /// The run's one-way steps, reported as not undone.
    one_way: Vec<(String, String)>,
    reads: BTreeMap<String, Response>,
    in_flight: Option<InFlight>,
    failure: Option<Refusal>,
    passed: BTreeSet<i64>,
    lines: Vec<Line>,
    /// Inverse requests answered with a transient failure so far.
    transient: u32,
}

macro_rules! read {
    ($self:ident, $path:expr) => {{
        let path: String = $path;
        match $self.reads.get(&path) {
            Some(response) => response,
            None => {
                return Decision::Act(Action::Read {
                    request: Request::get(path),
                    attempt: 0,
                })
            }
        }
    }};
}

impl Rollback {
    pub fn new(plan: &PlanView, wave: u32, mode: Mode, journal: JournalState) -> Self {
        let one_way = plan
            .run_of_wave(wave)
            .steps
            .iter()
            .filter(|s| s.kind == StepKind::EnableCoexistence)
            .map(|s| (s.id.clone(), s.rollback.clone()))
            .collect();
        Rollback {
            wave,
            mode,
            journal,
            one_way,
            reads: BTreeMap::new(),
            in_flight: None,
            failure: None,
            passed: BTreeSet::new(),
            lines: Vec::new(),
            transient: 0,
        }
    }

    pub fn journal(&self) -> &JournalState {
        &self.journal
    }

    pub fn next_action(&mut self) -> Action {
        if let Some(refusal) = &self.failure {
            return Action::Refused(refusal.clone());
        }
        loop {
            match self.decide() {
                Decision::Pass { seq, line } => {
                    self.passed.insert(seq);
                    self.lines.push(line);
                }
                Decision::Act(action) => {
                    match &action {
                        Action::Read { request, .. } => {
                            self.in_flight = Some(InFlight {
                                write: None,
                                path: request.path.clone(),
                                invalidate: String::new(),
                            })
                        }
                        Action::Write {
                            seq,
                            step_id,
                            intent,
                            request,
                            ..
                        } => {
                            let Intent::Undo { of, .. } = intent else {
                                unreachable!("rollback writes only undo intents")
                            };
                            let read_path = self.read_path_of(*of);
                            self.journal.entries.push(Entry {
                                seq: *seq,
                                wave: self.wave,
                                step_id: step_id.clone(),
                                intent: intent.clone(),
                                outcome: None,
                                undone: false,
                            });
                            self.in_flight = Some(InFlight {
                                write: Some((*seq, step_id.clone())),
                                path: request.path.clone(),
                                invalidate: read_path,
                            });
                        }
                        Action::MarkUndone { seq } => {
                            if let Some(e) = self.journal.entries.iter_mut().find(|e| e.seq == *seq)
                            {
                                e.undone = true;
                            }
                        }
                        Action::Refused(r) => self.failure = Some(r.clone()),
                        _ => {}
                    }
                    return action;
                }
            }
        }
    }

    pub fn on_response(&mut self, response: Response) -> Option<(i64, Outcome)> {
        let flight = self.in_flight.take()?;
        let Some((seq, step_id)) = flight.write else {
            self.reads.insert(flight.path, response);
            return None;
        };
        self.reads.remove(&flight.invalidate);
        let outcome = outcome_of(&response);
        if let Some(e) = self.journal.entries.iter_mut().find(|e| e.seq == seq) {
            e.outcome = Some(outcome.clone());
        }
        // A transient failure leaves the inverse's effect unknown: the next read tells.
        if is_transient(response.status) {
            self.transient += 1;
            if self.transient <= TRANSIENT_RETRIES {
                return Some((seq, outcome));
            }
        }
        // A 404 on an inverse means it is already undone.
        if !response.is_success() && response.status != 404 {
            self.failure = Some(Refusal::Failed {
                step: step_id,
                status: response.status,
                message: response.error_message(),
            });
        }
        Some((seq, outcome))
    }

    /// The read that shows whether the row `seq` is undone.
    fn read_path_of(&self, seq: i64) -> String {
        let Some(entry) = self.journal.entries.iter().find(|e| e.seq == seq) else {
            return String::new();
        };
        match &entry.intent {
            Intent::UpsertGroup { unique_name, .. } => group_read(unique_name),
            Intent::CreateObject { collection, .. } => collection_read(collection),
            Intent::AddMembers { group_id, .. } => members_read(group_id),
            Intent::Assign { object, .. } => assignments_read(object),
            Intent::AssignLicense { group_id, .. } => licence_read(group_id),
            Intent::DeleteDuplicate { .. } | Intent::Undo { .. } => String::new(),
        }
    }

    fn decide(&self) -> Decision {
        let undoable = |e: &&Entry| {
            !e.undone
                && !matches!(
                    e.intent,
                    Intent::Undo { .. } | Intent::DeleteDuplicate { .. }
                )
                // An answer lost or failed transiently may hide a write that happened.
                && e.outcome
                    .as_ref()
                    .is_none_or(|o| o.succeeded() || is_transient(o.status))
        };
        if let Some(later) = self
            .journal
            .entries
            .iter()
            .filter(undoable)
            .map(|e| e.wave)
            .filter(|w| *w > self.wave)
            .max()
        {
            return Decision::Act(Action::Refused(Refusal::LaterWaveApplied {
                wave: self.wave,
                later,
            }));
        }
        let newest_left = self
            .journal
            .entries
            .iter()
            .rev()
            .filter(undoable)
            .find(|e| e.wave == self.wave && !self.passed.contains(&e.seq));
        if let Some(entry) = newest_left {
            return self.undo(entry);
        }
        let mut lines = self.lines.clone();
        for (step_id, rollback) in &self.one_way {
            lines.push(Line::new(
                Sign::Refused,
                step_id,
                format!("one-way step, left as is: {rollback}"),
            ));
        }
        Decision::Act(Action::Done(lines))
    }

    /// The next request that undoes `entry`, or its mark once the tenant shows it undone.
    fn undo(&self, entry: &Entry) -> Decision {
        let seq = entry.seq;
        let done = Decision::Act(Action::MarkUndone { seq });
        let refuse = |text: String| Decision::Pass {
            seq,
            line: Line::new(Sign::Refused, &entry.step_id, text),
        };
        let inverse =
            |sign: Sign, text: String, method: Method, path: String, body: Option<Value>| {
                if self.mode == Mode::DryRun {
                    return Decision::Pass {
                        seq,
                        line: Line::new(sign, &entry.step_id, text),
                    };
                }
                Decision::Act(Action::Write {
                    seq: self.journal.next_seq(),
                    step_id: entry.step_id.clone(),
                    intent: Intent::Undo {
                        of: seq,
                        method: method.as_str().to_string(),
                        path: path.clone(),
                    },
                    request: Request::new(method, path, body),
                    line: Line::new(sign, &entry.step_id, text),
                })
            };
        match &entry.intent {
            Intent::UpsertGroup {
                unique_name,
                marker,
            } => {
                let group = read!(self, group_read(unique_name));
                if group.status == 404 {
                    return done;
                }
                let created = entry
                    .outcome
                    .as_ref()
                    .is_none_or(|o| o.created || is_transient(o.status));
                if !created || !str_field(&group.body, "description").contains(marker.as_str()) {
                    return refuse(format!("group {unique_name} was not created by bms2intune (it existed before, or its marker is gone): left in place"));
                }
                let id = str_field(&group.body, "id");
                inverse(
                    Sign::Delete,
                    format!("group {unique_name}"),
                    Method::Delete,
                    format!("/v1.0/groups/{id}"),
                    None,
                )
            }
            Intent::CreateObject { collection, marker } => {
                let list = read!(self, collection_read(collection));
                match marked(list, marker).first() {
                    None => done,
                    Some(object) => {
                        let id = str_field(object, "id");
                        let name = str_field(object, "displayName");
                        inverse(
                            Sign::Delete,
                            format!("\"{name}\" ({id})"),
                            Method::Delete,
                            format!("{collection}/{id}"),
                            None,
                        )
                    }
                }
            }
            Intent::AddMembers { group_id, members } => {
                let current = read!(self, members_read(group_id));
                if current.status == 404 {
                    return done;
                }
                let present: BTreeSet<&str> = current
                    .values()
                    .iter()
                    .map(|m| str_field(m, "id"))
                    .collect();
                match members.iter().find(|m| present.contains(m.as_str())) {
                    None => done,
                    Some(member) => inverse(
                        Sign::Remove,
                        format!("member {member} from group {group_id}"),
                        Method::Delete,
                        format!("/v1.0/groups/{group_id}/members/{member}/$ref"),
                        None,
                    ),
                }
            }
            Intent::Assign {
                object,
                previous,
                posted,
            } => {
                let current = read!(self, assignments_read(object));
                if current.status == 404 {
                    return done;
                }
                let before: BTreeSet<_> = previous.iter().map(target_key).collect();
                let added: BTreeSet<_> = posted
                    .iter()
                    .map(target_key)
                    .filter(|k| !before.contains(k))
                    .collect();
                let targets: Vec<&Value> = current
                    .values()
                    .iter()
                    .filter_map(|a| a.get("target"))
                    .collect();
                if !targets.iter().any(|t| added.contains(&target_key(t))) {
                    return done;
                }
                let kept: Vec<Value> = targets
                    .into_iter()
                    .filter(|t| !added.contains(&target_key(t)))
                    .map(|t| json!({ "target": t }))
                    .collect();
                inverse(
                    Sign::Restore,
                    format!(
                        "assignments of {object}: {} target(s) the tool added removed",
                        added.len()
                    ),
                    Method::Post,
                    format!("{object}/assign"),
                    Some(json!({ "assignments": kept })),
                )
            }
            Intent::AssignLicense { group_id, sku_id } => {
                let group = read!(self, licence_read(group_id));
                if group.status == 404 || !has_licence(&group.body, sku_id) {
                    return done;
                }
                inverse(
                    Sign::Remove,
                    format!("licence {sku_id} from group {group_id}"),
                    Method::Post,
                    format!("/v1.0/groups/{group_id}/assignLicense"),
                    Some(json!({ "addLicenses": [], "removeLicenses": [sku_id] })),
                )
            }
            Intent::DeleteDuplicate { .. } | Intent::Undo { .. } => done,
        }
    }
}

fn licence_read(group_id: &str) -> String {
    format!("/v1.0/groups/{group_id}?$select=id,assignedLicenses")
}
