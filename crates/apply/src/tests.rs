//! The state machines driven against the in-memory tenant (`fake_tenant`) through the journal
//! on a temp file: dry run, execute, idempotent re-run, rollback, crashes at every point,
//! refusals (tenant, changed plan, drift) and the manual coexistence step.

use crate::decide::{Action, Apply, ApplyInput, ExpectedVersion, Mode, Refusal};
use crate::drive::{drive, Run, RunEnd};
use crate::fake_tenant::{FakeTenant, Sku};
use crate::http::{Method, Response};
use crate::journal::{Intent, Journal};
use crate::render::{render, Line, Sign};
use crate::rollback::Rollback;
use crate::steps::{PlanHash, PlanView};
use bms2intune_waves::StepKind;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const PLAN: &str = include_str!("testdata/plan.json");

struct Setup {
    plan: PlanView,
    hash: PlanHash,
    rosters: BTreeMap<String, Vec<String>>,
    bodies: BTreeMap<String, Value>,
    expected_versions: Vec<ExpectedVersion>,
    _dir: tempfile::TempDir,
    journal: PathBuf,
}

fn setup() -> (Setup, FakeTenant) {
    let plan = PlanView::parse(PLAN).unwrap();
    let raw: Value = serde_json::from_str(PLAN).unwrap();
    let mut rosters = BTreeMap::new();
    let mut bodies = BTreeMap::new();
    let collections: Vec<String> = plan
        .steps
        .iter()
        .filter_map(crate::decide::collection_of)
        .collect();
    let names: Vec<&str> = collections.iter().map(String::as_str).collect();
    let mut tenant = FakeTenant::new(&plan.snapshot.tenant_id, &names);
    for step in &plan.steps {
        let t = &step.target;
        match step.kind {
            StepKind::AddGroupMembers => {
                let filter = t.members.as_ref().unwrap();
                let wave = raw["waves"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|w| w["id"] == json!(t.wave.unwrap()))
                    .unwrap();
                let ids = wave["members"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|m| {
                        m["license"] == json!(filter.license.as_str())
                            && m["sku"].as_str() == filter.sku.as_deref()
                    })
                    .map(|m| m["id"].as_str().unwrap().to_string())
                    .collect();
                rosters.insert(t.group.clone().unwrap(), ids);
            }
            StepKind::CreatePolicy => {
                bodies.insert(
                    t.file.clone().unwrap(),
                    json!({"@odata.type": t.odata_type, "displayName": t.display_name}),
                );
            }
            StepKind::AssignPolicy => {
                for g in t.include.iter().chain(&t.exclude) {
                    if !tenant.groups.iter().any(|x| x.id == g.id) {
                        tenant.add_group(&g.id, g.display_name.as_deref().unwrap_or(""));
                    }
                }
            }
            StepKind::AssignLicense => tenant.skus.push(Sku {
                sku_id: t.sku_id.clone().unwrap(),
                enabled: 10,
                consumed: 0,
            }),
            _ => {}
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("plan.journal.sqlite");
    let setup = Setup {
        hash: PlanHash::of(PLAN.as_bytes()),
        plan,
        rosters,
        bodies,
        expected_versions: Vec::new(),
        _dir: dir,
        journal,
    };
    (setup, tenant)
}

impl Setup {
    fn input(&self, wave: u32, mode: Mode) -> ApplyInput {
        ApplyInput {
            plan: self.plan.clone(),
            plan_hash: self.hash.clone(),
            wave,
            mode,
            rosters: self.rosters.clone(),
            bodies: self.bodies.clone(),
            expected_versions: self.expected_versions.clone(),
            group_owner: None,
        }
    }

    fn open(&self, path: &Path) -> Journal {
        Journal::open(path, &self.plan.snapshot.tenant_id, self.hash.short()).unwrap()
    }

    fn apply(
        &self,
        tenant: &mut FakeTenant,
        wave: u32,
        mode: Mode,
        stop_after: Option<usize>,
    ) -> Run {
        let mut journal = self.open(&self.journal);
        let mut machine = Apply::new(self.input(wave, mode), journal.load().unwrap());
        drive(
            &mut machine,
            &mut journal,
            wave,
            &self.hash.0,
            |r, _| Ok(tenant.handle(r)),
            stop_after,
        )
        .unwrap()
    }

    fn rollback(
        &self,
        tenant: &mut FakeTenant,
        wave: u32,
        mode: Mode,
        stop_after: Option<usize>,
    ) -> Run {
        let mut journal = self.open(&self.journal);
        let mut machine = Rollback::new(&self.plan, wave, mode, journal.load().unwrap());
        drive(
            &mut machine,
            &mut journal,
            wave,
            &self.hash.0,
            |r, _| Ok(tenant.handle(r)),
            stop_after,
        )
        .unwrap()
    }
}

fn lines(run: &Run) -> &[Line] {
    match &run.end {
        RunEnd::Done(lines) => lines,
        other => panic!("expected a finished run, got {other:?}"),
    }
}

fn refusal(run: &Run) -> &Refusal {
    match &run.end {
        RunEnd::Refused(r) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_dry_run_reads_and_changes_nothing() {
    let (s, mut tenant) = setup();
    let before = tenant.clone();
    let run = s.apply(&mut tenant, 1, Mode::DryRun, None);
    assert_eq!(tenant.writes, 0);
    assert_eq!(tenant, before);
    assert_eq!(s.open(&s.journal).load().unwrap().entries, Vec::new());
    insta::assert_snapshot!("dry_run_wave_1", render(lines(&run)));
}

#[test]
fn execute_creates_the_wave_and_a_second_execute_creates_nothing() {
    let (s, mut tenant) = setup();
    let run = s.apply(&mut tenant, 1, Mode::Execute, None);
    assert!(run.writes > 0);
    let group = tenant
        .groups
        .iter()
        .find(|g| g.unique_name.as_deref() == Some("bms2intune-wave-1-ems"))
        .unwrap();
    assert_eq!(group.members.len(), s.rosters["wave-1-ems"].len());
    assert_eq!(group.licences.len(), 1);
    assert!(
        group.description.contains("[bms2intune plan:"),
        "{}",
        group.description
    );
    let policies: usize = tenant.collections.values().map(Vec::len).sum();
    assert_eq!(
        policies,
        s.bodies.len(),
        "one object per create-policy step"
    );
    assert!(tenant
        .collections
        .values()
        .flatten()
        .all(|o| o.body["description"]
            .as_str()
            .unwrap()
            .contains("[bms2intune plan:")));
    let assigned = tenant
        .collections
        .values()
        .flatten()
        .filter(|o| !o.assignments.is_empty())
        .count();
    let assign_steps = s
        .plan
        .steps
        .iter()
        .filter(|st| st.kind == StepKind::AssignPolicy)
        .count();
    assert_eq!(assigned, assign_steps, "every assign-policy step");
    // No group of later waves, no licence of another wave.
    assert!(tenant.groups.iter().all(|g| g
        .unique_name
        .as_deref()
        .is_none_or(|u| u.contains("wave-1"))));
    let once = tenant.canonical();
    let writes = tenant.writes;
    let again = s.apply(&mut tenant, 1, Mode::Execute, None);
    assert_eq!(tenant.writes, writes, "the second run writes nothing");
    assert_eq!(tenant.canonical(), once);
    assert!(
        lines(&again)
            .iter()
            .all(|l| matches!(l.sign, Sign::AlreadyDone | Sign::Manual)),
        "{}",
        render(lines(&again))
    );
}

#[test]
fn assign_posts_the_union_with_existing_assignments_and_records_the_previous_set() {
    let (s, mut tenant) = setup();
    // Someone assigned a created policy by hand between the create and the assign steps.
    let stop = s.apply(&mut tenant, 1, Mode::Execute, None).events;
    let (s2, mut fresh) = setup();
    let mut foreign_target = None;
    for k in 1..stop {
        let mut t = fresh.clone();
        let _ = s2.apply(&mut t, 1, Mode::Execute, Some(k));
        if let Some(o) = t
            .collections
            .get("/v1.0/deviceManagement/deviceCompliancePolicies")
            .and_then(|c| c.first())
        {
            let target = json!({"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "11111111-2222-3333-4444-555555555555"});
            fresh = t.clone();
            fresh
                .collections
                .get_mut("/v1.0/deviceManagement/deviceCompliancePolicies")
                .unwrap()[0]
                .assignments = vec![target.clone()];
            foreign_target = Some((o.id.clone(), target));
            break;
        }
        std::fs::remove_file(&s2.journal).ok();
    }
    let (id, target) = foreign_target.expect("a point where the policy exists");
    s2.apply(&mut fresh, 1, Mode::Execute, None);
    let policy = fresh.collections["/v1.0/deviceManagement/deviceCompliancePolicies"]
        .iter()
        .find(|o| o.id == id)
        .unwrap();
    assert!(
        policy.assignments.contains(&target),
        "the existing target stays"
    );
    assert!(policy.assignments.len() > 1);
    let journal = s2.open(&s2.journal).load().unwrap();
    let previous = journal.entries.iter().find_map(|e| match &e.intent {
        Intent::Assign {
            object, previous, ..
        } if object.ends_with(&id) => Some(previous.clone()),
        _ => None,
    });
    assert_eq!(previous, Some(vec![target.clone()]));
    // Rollback takes away only what the tool added.
    s2.rollback(&mut fresh, 1, Mode::Execute, None);
    assert!(
        fresh.collections["/v1.0/deviceManagement/deviceCompliancePolicies"].is_empty(),
        "the created policy is deleted"
    );
}

#[test]
fn rollback_restores_the_starting_state() {
    let (s, mut tenant) = setup();
    let before = tenant.canonical();
    s.apply(&mut tenant, 1, Mode::Execute, None);
    assert_ne!(tenant.canonical(), before);
    let dry = s.rollback(&mut tenant, 1, Mode::DryRun, None);
    assert!(lines(&dry).iter().any(|l| l.sign == Sign::Delete));
    assert_ne!(tenant.canonical(), before, "a dry rollback changes nothing");
    let run = s.rollback(&mut tenant, 1, Mode::Execute, None);
    assert_eq!(tenant.canonical(), before);
    assert!(
        lines(&run)
            .iter()
            .any(|l| l.sign == Sign::Refused && l.step_id == "enable-coexistence"),
        "the one-way step is named"
    );
    let journal = s.open(&s.journal).load().unwrap();
    assert!(journal
        .entries
        .iter()
        .filter(|e| !matches!(e.intent, Intent::Undo { .. }))
        .all(|e| e.undone));
    // Applying again after the rollback creates the wave again.
    s.apply(&mut tenant, 1, Mode::Execute, None);
    assert!(tenant
        .groups
        .iter()
        .any(|g| g.unique_name.as_deref() == Some("bms2intune-wave-1-ems")));
}

#[test]
fn rollback_refuses_what_the_tool_did_not_create() {
    let (s, mut tenant) = setup();
    s.apply(&mut tenant, 1, Mode::Execute, None);
    let group = tenant
        .groups
        .iter_mut()
        .find(|g| g.unique_name.as_deref() == Some("bms2intune-wave-1-ems"))
        .unwrap();
    group.description = "edited by an admin".into();
    let run = s.rollback(&mut tenant, 1, Mode::Execute, None);
    let refused: Vec<&Line> = lines(&run)
        .iter()
        .filter(|l| l.sign == Sign::Refused)
        .collect();
    assert!(
        refused
            .iter()
            .any(|l| l.text.contains("not created by bms2intune")),
        "{}",
        render(lines(&run))
    );
    assert!(
        tenant
            .groups
            .iter()
            .any(|g| g.unique_name.as_deref() == Some("bms2intune-wave-1-ems")),
        "left in place"
    );
}

#[test]
fn a_plan_for_another_tenant_is_refused_before_anything() {
    let (s, mut tenant) = setup();
    tenant.tenant_id = "99999999-9999-9999-9999-999999999999".into();
    let run = s.apply(&mut tenant, 1, Mode::Execute, None);
    assert!(matches!(refusal(&run), Refusal::WrongTenant { .. }));
    assert_eq!(tenant.writes, 0);
}

#[test]
fn a_changed_plan_is_refused_for_a_started_wave_only() {
    let (mut s, mut tenant) = setup();
    s.apply(&mut tenant, 1, Mode::Execute, Some(3));
    s.hash = PlanHash::of(b"another plan");
    let run = s.apply(&mut tenant, 1, Mode::Execute, None);
    assert_eq!(refusal(&run), &Refusal::PlanChanged { wave: 1 });
    let writes = tenant.writes;
    let other = s.apply(&mut tenant, 2, Mode::DryRun, None);
    assert!(
        !matches!(other.end, RunEnd::Refused(Refusal::PlanChanged { .. })),
        "wave 2 has not started"
    );
    assert_eq!(tenant.writes, writes);
}

fn assert_drift(tenant: &mut FakeTenant, s: &Setup, expect: &str) {
    let run = s.apply(tenant, 1, Mode::Execute, None);
    match refusal(&run) {
        Refusal::Drift(items) => assert!(items.iter().any(|i| i.contains(expect)), "{items:?}"),
        other => panic!("expected drift, got {other:?}"),
    }
    assert_eq!(tenant.writes, 0, "drift stops the run before any write");
}

#[test]
fn drift_stops_the_run_before_any_write() {
    let (s, mut tenant) = setup();
    let gone = tenant.groups.remove(0);
    assert_drift(&mut tenant, &s, &format!("({}) that", gone.id));

    let (s, mut tenant) = setup();
    tenant.skus[0].consumed = tenant.skus[0].enabled;
    assert_drift(&mut tenant, &s, "free seats, the wave needs");

    let (s, mut tenant) = setup();
    tenant.security_defaults = true;
    assert_drift(&mut tenant, &s, "security defaults are on");

    let (s, mut tenant) = setup();
    for i in 0..195 {
        tenant.add_object(
            crate::decide::CA_COLLECTION,
            &format!("ca-{i}"),
            json!({"displayName": format!("CA {i}")}),
            1,
        );
    }
    assert_drift(&mut tenant, &s, "limit of 195");

    let (mut s, mut tenant) = setup();
    let path = "/v1.0/deviceManagement/deviceConfigurations";
    tenant.add_object(
        path,
        "existing-1",
        json!({"displayName": "Existing profile"}),
        4,
    );
    s.expected_versions = vec![ExpectedVersion {
        display_name: "Existing profile".into(),
        path: format!("{path}/existing-1"),
        version: Some(3),
    }];
    assert_drift(
        &mut tenant,
        &s,
        "Existing profile was edited since the snapshot (version 3 then, 4 now)",
    );

    // An object Graph gives no version (settings catalog, Conditional Access) is checked
    // for existence only.
    let (mut s, mut tenant) = setup();
    s.expected_versions = vec![ExpectedVersion {
        display_name: "Existing CA policy".into(),
        path: format!("{}/gone-1", crate::decide::CA_COLLECTION),
        version: None,
    }];
    assert_drift(
        &mut tenant,
        &s,
        "Existing CA policy was deleted since the snapshot",
    );
}

#[test]
fn coexistence_is_a_manual_step_and_licences_wait_for_it() {
    let (s, mut tenant) = setup();
    tenant.mdm_authority = "office365".into();
    let journal = s.open(&s.journal);
    let mut machine = Apply::new(s.input(1, Mode::Execute), journal.load().unwrap());
    let mut manual = Vec::new();
    let mut requests = Vec::new();
    let end = loop {
        match machine.next_action() {
            Action::Read { request, .. } => {
                requests.push(request.clone());
                let r = tenant.handle(&request);
                machine.on_response(r);
            }
            Action::Write { request, .. } => {
                requests.push(request.clone());
                let r = tenant.handle(&request);
                machine.on_response(r);
            }
            Action::Manual { step_id, .. } => manual.push(step_id),
            Action::Done(lines) => break lines,
            other => panic!("{other:?}"),
        }
    };
    assert!(manual.contains(&"enable-coexistence".to_string()));
    assert!(requests
        .iter()
        .all(|r| !r.path.contains("setMobileDeviceManagementAuthority")));
    assert!(
        requests.iter().all(|r| !r.path.ends_with("/assignLicense")),
        "no licence before coexistence reads as done"
    );
    assert!(end
        .iter()
        .any(|l| l.sign == Sign::Waiting && l.step_id.starts_with("assign-license:")));
    // Once the admin has turned it on, the next run assigns the licence.
    tenant.mdm_authority = "intune".into();
    s.apply(&mut tenant, 1, Mode::Execute, None);
    assert!(tenant.groups.iter().any(|g| !g.licences.is_empty()));
    drop(journal);
}

#[test]
fn a_later_wave_needs_the_earlier_one_and_never_touches_its_licences() {
    let (s, mut tenant) = setup();
    let run = s.apply(&mut tenant, 2, Mode::Execute, None);
    assert!(matches!(
        refusal(&run),
        Refusal::PrerequisiteMissing { wave: 1, .. }
    ));
    assert_eq!(tenant.writes, 0);
    s.apply(&mut tenant, 1, Mode::Execute, None);
    let wave1: Vec<_> = tenant
        .groups
        .iter()
        .map(|g| (g.id.clone(), g.licences.clone(), g.members.clone()))
        .collect();
    let run = s.apply(&mut tenant, 2, Mode::Execute, None);
    lines(&run);
    for (id, licences, members) in wave1 {
        let g = tenant.groups.iter().find(|g| g.id == id).unwrap();
        assert_eq!((&g.licences, &g.members), (&licences, &members));
    }
    assert!(tenant.groups.iter().any(|g| g.unique_name.as_deref()
        == Some("bms2intune-wave-2-spb")
        && !g.licences.is_empty()));
    // Rolling back wave 1 while wave 2 stands is refused.
    let run = s.rollback(&mut tenant, 1, Mode::Execute, None);
    assert_eq!(
        refusal(&run),
        &Refusal::LaterWaveApplied { wave: 1, later: 2 }
    );
}

#[test]
fn members_are_added_twenty_per_request_and_only_the_missing_ones() {
    let (mut s, mut tenant) = setup();
    let roster: Vec<String> = (0..45).map(|i| format!("user-{i:02}")).collect();
    s.rosters.insert("wave-1-ems".into(), roster.clone());
    // The group exists with five roster users in it already.
    tenant.add_group("wave-1-group", "BMS to Intune - Wave 1 (Pilot) - EMS");
    let g = tenant.groups.last_mut().unwrap();
    g.unique_name = Some("bms2intune-wave-1-ems".into());
    g.members.extend(roster[..5].iter().cloned());
    let mut run_tenant = tenant.clone();
    let mut journal = s.open(&s.journal);
    let mut machine = Apply::new(s.input(1, Mode::Execute), journal.load().unwrap());
    let mut batches = Vec::new();
    let t = &mut run_tenant;
    drive(
        &mut machine,
        &mut journal,
        1,
        &s.hash.0,
        |r, _| {
            if r.method == Method::Patch && r.path.starts_with("/v1.0/groups/") {
                batches.push(
                    r.body.as_ref().unwrap()["members@odata.bind"]
                        .as_array()
                        .unwrap()
                        .len(),
                );
            }
            Ok(t.handle(r))
        },
        None,
    )
    .unwrap();
    assert_eq!(batches, vec![20, 20]);
    let g = run_tenant
        .groups
        .iter()
        .find(|g| g.unique_name.as_deref() == Some("bms2intune-wave-1-ems"))
        .unwrap();
    assert_eq!(g.members.len(), 45);
}

/// Applies wave 1, interrupted after `crash_at` events, then again to the end; returns the
/// tenant.
fn crash_and_resume(crash_at: usize, lag: u32) -> (FakeTenant, Setup) {
    let (s, mut tenant) = setup();
    tenant.lag = lag;
    let first = s.apply(&mut tenant, 1, Mode::Execute, Some(crash_at));
    assert!(!matches!(first.end, RunEnd::Refused(_)), "{:?}", first.end);
    let second = s.apply(&mut tenant, 1, Mode::Execute, None);
    lines(&second);
    (tenant, s)
}

fn reference() -> (Value, usize) {
    let (s, mut tenant) = setup();
    let run = s.apply(&mut tenant, 1, Mode::Execute, None);
    (tenant.canonical(), run.events)
}

#[test]
fn a_crash_at_every_point_resumes_to_the_same_state_without_duplicates() {
    let (expected, events) = reference();
    assert!(events > 10);
    for crash_at in 1..events {
        let (tenant, s) = crash_and_resume(crash_at, 0);
        assert_eq!(
            tenant.duplicates(),
            Vec::<String>::new(),
            "crash after event {crash_at}"
        );
        assert_eq!(tenant.canonical(), expected, "crash after event {crash_at}");
        // And rollback after a resumed run still restores the start.
        let mut t = tenant;
        s.rollback(&mut t, 1, Mode::Execute, None);
        assert_eq!(
            t.canonical(),
            setup().1.canonical(),
            "rollback after crash at {crash_at}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]
    /// Crash points and replication lag together: a created policy may stay invisible for a
    /// few reads after the crash, and the run still ends with one object per step.
    #[test]
    fn crashes_with_replication_lag_end_in_the_reference_state(crash_at in 1usize..60, lag in 0u32..4) {
        let (expected, events) = reference();
        let crash_at = 1 + crash_at % (events - 1);
        let (tenant, _) = crash_and_resume(crash_at, lag);
        prop_assert_eq!(tenant.duplicates(), Vec::<String>::new());
        prop_assert_eq!(tenant.canonical(), expected);
    }
}

#[test]
fn a_close_out_step_in_a_wave_run_is_refused_before_any_write() {
    let (mut s, mut tenant) = setup();
    let mut step = s.plan.steps[0].clone();
    step.id = "remove-bms-policies".into();
    step.kind = StepKind::RemoveBmsPolicies;
    step.wave = Some(1);
    step.depends_on.clear();
    s.plan.steps.insert(0, step);
    let run = s.apply(&mut tenant, 1, Mode::Execute, None);
    assert!(
        matches!(refusal(&run), Refusal::Unsupported { step, .. } if step == "remove-bms-policies"),
        "got {:?}",
        refusal(&run)
    );
    assert_eq!(tenant.writes, 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    /// Writes that fail transiently, before the tenant processed them (503) or after (the
    /// answer lost: status 0), are reconciled by reading: the run completes in the reference
    /// state with no duplicates, and rollback still restores the start.
    #[test]
    fn transient_write_failures_end_in_the_reference_state(pattern in proptest::collection::vec(0u8..6, 64), lag in 0u32..3) {
        let (expected, _) = reference();
        let (s, mut tenant) = setup();
        tenant.lag = lag;
        let mut journal = s.open(&s.journal);
        let mut machine = Apply::new(s.input(1, Mode::Execute), journal.load().unwrap());
        let mut writes = 0usize;
        let t = &mut tenant;
        let run = drive(&mut machine, &mut journal, 1, &s.hash.0, |r, _| {
            if r.method == Method::Get {
                return Ok(t.handle(r));
            }
            writes += 1;
            // At most every other write fails: a fault rate far above Graph's, without
            // runs of failures longer than the retry budget.
            match if writes.is_multiple_of(2) { pattern[writes % pattern.len()] } else { 2 } {
                0 => Ok(Response::new(503, json!({"error": {"code": "serviceUnavailable", "message": "try later"}}))),
                1 => {
                    t.handle(r);
                    Err("connection reset".into())
                }
                _ => Ok(t.handle(r)),
            }
        }, None).unwrap();
        prop_assert!(matches!(run.end, RunEnd::Done(_)), "{:?}", run.end);
        prop_assert_eq!(tenant.duplicates(), Vec::<String>::new());
        prop_assert_eq!(tenant.canonical(), expected);
        s.rollback(&mut tenant, 1, Mode::Execute, None);
        prop_assert_eq!(tenant.canonical(), setup().1.canonical());
    }
}
