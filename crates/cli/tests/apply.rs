//! End-to-end tests of `bms2intune apply` and `rollback` against the Graph emulator serving
//! the sample tenant: a dry run changes nothing; `--execute` creates the wave's objects and
//! stops before licences until coexistence reads as done (exit 5); a second run writes
//! nothing; rollback restores the starting state object by object; `apply --execute` killed
//! at random points always resumes to the same state without duplicates; faults and
//! throttling do not change the outcome; a plan for another tenant is refused; no secret or
//! token reaches the journal or the debug log.

mod emulated;

use emulated::{sample, Served};
use graph_emulator::{Config, ThrottleMode};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const SECRET: &str = "Sup3r-Secret-Value~for.apply.tests";

/// The sample's plan, made once per test binary; each test copies it to its own folder (the
/// journal lives beside plan.json).
fn planned() -> &'static Path {
    static PLAN: OnceLock<tempfile::TempDir> = OnceLock::new();
    PLAN.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_bms2intune"))
            .args(["plan", "--snapshot"])
            .arg(sample())
            .arg("--out")
            .arg(dir.path().join("plan"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        dir
    })
    .path()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// A private copy of the sample's plan folder.
fn plan_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan");
    copy_dir(&planned().join("plan"), &plan);
    (dir, plan)
}

impl Served {
    /// The emulator for apply's tests: group licences processed at once.
    fn for_apply(configure: impl FnOnce(&mut Config)) -> Served {
        Served::start(|c| {
            c.license_processing = Duration::ZERO;
            configure(c);
        })
    }

    fn state(&self) -> Value {
        self.emulator().state()
    }

    /// `bms2intune <command> --plan … --wave 1 [extra]` against this emulator.
    fn command(&self, command: &str, plan: &Path, extra: &[&str]) -> Command {
        let mut cmd = self.bms2intune(command, SECRET);
        cmd.arg("--plan")
            .arg(plan.join("plan.json"))
            .args(["--wave", "1"])
            .args(extra);
        cmd
    }

    fn run(&self, command: &str, plan: &Path, extra: &[&str]) -> Output {
        self.command(command, plan, extra).output().unwrap()
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// The state without what differs between equal runs: object ids (created objects get new
/// ones), timestamps, and the ids of created groups where they are referenced.
fn normalized(state: &Value) -> Value {
    fn strip(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(k, _)| {
                        k.as_str() != "id"
                            && k.as_str() != "assignedByGroup"
                            && !k.ends_with("DateTime")
                    })
                    .map(|(k, v)| (k.clone(), strip(v)))
                    .collect(),
            ),
            Value::Array(a) => {
                let mut items: Vec<Value> = a.iter().map(strip).collect();
                items.sort_by_key(|x| x.to_string());
                Value::Array(items)
            }
            other => other.clone(),
        }
    }
    let names: BTreeMap<&str, &str> = state["collections"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["id"].as_str().unwrap_or(""),
                g["displayName"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let members: BTreeMap<String, Value> = state["groupMembers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(g, m)| (names.get(g.as_str()).unwrap_or(&"?").to_string(), m.clone()))
        .collect();
    serde_json::json!({
        "collections": strip(&state["collections"]),
        "groupMembers": members,
    })
}

/// Where two states differ, as JSON pointers with both values (at most 20), for failures.
fn differences(a: &Value, b: &Value) -> String {
    fn walk(a: &Value, b: &Value, at: String, out: &mut Vec<String>) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    let (l, r) = (
                        x.get(k).unwrap_or(&Value::Null),
                        y.get(k).unwrap_or(&Value::Null),
                    );
                    walk(l, r, format!("{at}/{k}"), out);
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (i, (l, r)) in x.iter().zip(y).enumerate() {
                    let key = l
                        .get("id")
                        .and_then(Value::as_str)
                        .map_or(i.to_string(), String::from);
                    walk(l, r, format!("{at}/{key}"), out);
                }
            }
            _ if a != b => {
                let short = |v: &Value| v.to_string().chars().take(300).collect::<String>();
                out.push(format!("{at}: {} != {}", short(a), short(b)));
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(a, b, String::new(), &mut out);
    out.truncate(20);
    out.join("\n")
}

/// Objects that carry the same bms2intune marker more than once.
fn duplicates(state: &Value) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for list in state["collections"].as_object().unwrap().values() {
        for o in list.as_array().into_iter().flatten() {
            let d = o["description"].as_str().unwrap_or("");
            if let Some(at) = d.find("[bms2intune plan:") {
                *seen.entry(d[at..].to_string()).or_default() += 1;
            }
        }
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(m, n)| format!("{m} x{n}"))
        .collect()
}

/// What rollback cannot give back: the MDM authority (coexistence is one-way) and Entra's
/// record of service plans a removed licence had (`assignedPlans` keeps them as `Deleted`).
fn restorable(state: &Value) -> Value {
    let mut s = state.clone();
    for org in s["collections"]["organization"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
    {
        org.as_object_mut()
            .unwrap()
            .remove("mobileDeviceManagementAuthority");
    }
    for user in s["collections"]["users"].as_array_mut().unwrap().iter_mut() {
        user.as_object_mut().unwrap().remove("assignedPlans");
    }
    s
}

/// The number of the wave run's create-policy steps: parity's objects (`graph/`), not the
/// optional baseline's (`baseline/`), which no wave depends on.
fn created_objects(plan: &Path) -> usize {
    let p: Value =
        serde_json::from_str(&std::fs::read_to_string(plan.join("plan.json")).unwrap()).unwrap();
    p["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            s["kind"] == "create-policy"
                && s["wave"].is_null()
                && s["target"]["file"]
                    .as_str()
                    .is_some_and(|f| f.starts_with("graph/"))
        })
        .count()
}

fn marked_objects(state: &Value) -> usize {
    state["collections"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|l| l.as_array().into_iter().flatten())
        .filter(|o| {
            o["description"]
                .as_str()
                .is_some_and(|d| d.contains("[bms2intune plan:"))
        })
        .count()
}

#[test]
fn dry_run_execute_second_execute_and_rollback_walk_through_a_wave() {
    // Small pages: every list apply reads (policies, groups, members) takes several.
    let served = Served::for_apply(|c| c.page_size = Some(5));
    let (_dir, plan) = plan_copy();
    let start = served.state();

    let dry = served.run("apply", &plan, &[]);
    assert_eq!(code(&dry), 0, "{}", text(&dry));
    assert!(text(&dry).contains("+ create"), "{}", text(&dry));
    assert!(text(&dry).contains("Dry run: nothing was changed"));
    assert_eq!(served.state(), start, "a dry run changes nothing");
    assert!(
        !plan.join("apply-journal.sqlite").exists(),
        "a dry run writes no journal"
    );

    // The first run creates and assigns everything, then waits for the manual coexistence
    // step: no licence yet.
    let first = served.run("apply", &plan, &["--execute"]);
    assert_eq!(code(&first), 5, "{}", text(&first));
    assert!(
        text(&first).contains("Turn on coexistence"),
        "{}",
        text(&first)
    );
    let after_first = served.state();
    let objects = created_objects(&plan);
    assert_eq!(
        marked_objects(&after_first),
        objects + 1,
        "policies and the wave group"
    );
    assert_eq!(
        after_first["collections"]["subscribedSkus"], start["collections"]["subscribedSkus"],
        "no seat is used before coexistence"
    );

    served.emulator().set_mdm_authority("intune");
    let second = served.run("apply", &plan, &["--execute"]);
    assert_eq!(code(&second), 0, "{}", text(&second));
    let done = served.state();
    assert_ne!(
        done["collections"]["subscribedSkus"], start["collections"]["subscribedSkus"],
        "the wave's licences are assigned"
    );
    assert_eq!(duplicates(&done), Vec::<String>::new());

    let again = served.run("apply", &plan, &["--execute"]);
    assert_eq!(code(&again), 0, "{}", text(&again));
    assert!(text(&again).contains("0 write(s) sent"), "{}", text(&again));
    assert_eq!(served.state(), done, "a second run creates nothing");

    let dry_back = served.run("rollback", &plan, &[]);
    assert_eq!(code(&dry_back), 0, "{}", text(&dry_back));
    assert!(text(&dry_back).contains("- delete"), "{}", text(&dry_back));
    assert_eq!(served.state(), done, "a rollback dry run changes nothing");

    let back = served.run("rollback", &plan, &["--execute"]);
    assert_eq!(code(&back), 0, "{}", text(&back));
    assert!(
        text(&back).contains("one-way step"),
        "coexistence is reported as not undone: {}",
        text(&back)
    );
    let (now, then) = (restorable(&served.state()), restorable(&start));
    assert!(
        now == then,
        "rollback restores every object it touched:\n{}",
        differences(&now, &then)
    );
}

#[test]
fn a_plan_for_another_tenant_is_refused_before_anything() {
    let served = Served::for_apply(|_| {});
    let (_dir, plan) = plan_copy();
    let path = plan.join("plan.json");
    let text_before = std::fs::read_to_string(&path).unwrap();
    let tenant = served.emulator().tenant_id();
    std::fs::write(
        &path,
        text_before.replace(&tenant, "11111111-2222-4333-8444-555555555555"),
    )
    .unwrap();
    let start = served.state();
    let o = served.run("apply", &plan, &["--execute", "--tenant-id", &tenant]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("11111111-2222-4333-8444-555555555555"));
    assert!(text(&o).contains("nothing was done"), "{}", text(&o));
    assert_eq!(served.state(), start);
}

/// Runs `apply --execute` on a tenant whose coexistence is already on, to the end.
fn apply_to_the_end(served: &Served, plan: &Path) -> Output {
    let o = served.run("apply", plan, &["--execute"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    o
}

fn reference_state() -> Value {
    static REFERENCE: OnceLock<Value> = OnceLock::new();
    REFERENCE
        .get_or_init(|| {
            let served = Served::for_apply(|_| {});
            served.emulator().set_mdm_authority("intune");
            let (_dir, plan) = plan_copy();
            apply_to_the_end(&served, &plan);
            normalized(&served.state())
        })
        .clone()
}

#[test]
fn transient_faults_and_throttling_do_not_change_the_outcome() {
    let expected = reference_state();
    let served = Served::for_apply(|c| {
        c.fault_rate = 0.1;
        c.throttle = ThrottleMode::Documented;
        c.seed = 7;
    });
    served.emulator().set_mdm_authority("intune");
    let (_dir, plan) = plan_copy();
    // A run may stop on a read that keeps failing; the same command resumes it.
    let mut last = None;
    for _ in 0..5 {
        let o = served.run("apply", &plan, &["--execute"]);
        let ok = o.status.success();
        last = Some(o);
        if ok {
            break;
        }
    }
    let last = last.unwrap();
    assert_eq!(code(&last), 0, "{}", text(&last));
    let state = served.state();
    assert_eq!(duplicates(&state), Vec::<String>::new());
    let now = normalized(&state);
    assert!(now == expected, "{}", differences(&now, &expected));
}

/// A small deterministic generator for the kill points.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

/// How many crash runs go side by side.
const CRASH_LANES: usize = 5;

/// One crash run on a fresh emulator: `apply --execute` killed after `delay` ms (if still
/// running), then run again to the end; the state must equal `expected` with no duplicate.
/// Whether the first run was killed.
fn kill_and_resume(delay: u64, expected: &Value, run: usize) -> bool {
    let served = Served::for_apply(|_| {});
    served.emulator().set_mdm_authority("intune");
    let (_dir, plan) = plan_copy();
    let mut child = served
        .command("apply", &plan, &["--execute"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(delay));
    let killed = child.try_wait().unwrap().is_none();
    if killed {
        child.kill().unwrap();
    }
    let _ = child.wait();
    let o = apply_to_the_end(&served, &plan);
    let state = served.state();
    assert_eq!(
        duplicates(&state),
        Vec::<String>::new(),
        "run {run}, killed after {delay} ms: {}",
        text(&o)
    );
    let now = normalized(&state);
    assert!(
        &now == expected,
        "run {run}, killed after {delay} ms:\n{}",
        differences(&now, expected)
    );
    killed
}

#[test]
fn apply_killed_at_random_points_always_resumes_to_the_same_state() {
    let expected = reference_state();
    // How long an uninterrupted run takes here: the kills spread over it.
    let timing = Served::for_apply(|_| {});
    timing.emulator().set_mdm_authority("intune");
    let (_d, plan) = plan_copy();
    let started = Instant::now();
    apply_to_the_end(&timing, &plan);
    let span = started.elapsed().as_millis() as u64;
    drop(timing);

    // The kill points, drawn up front so the runs can go side by side: most of a run is
    // spent waiting on Conditional Access's one request per second, not on the CPU.
    let mut rng = Lcg(2026);
    let runs: u64 = 30;
    let delays: Vec<u64> = (0..runs).map(|_| rng.below(span + 1)).collect();
    let killed = std::sync::atomic::AtomicU64::new(0);
    std::thread::scope(|scope| {
        for lane in 0..CRASH_LANES {
            let (delays, expected, killed) = (&delays, &expected, &killed);
            scope.spawn(move || {
                for run in (lane..delays.len()).step_by(CRASH_LANES) {
                    if kill_and_resume(delays[run], expected, run) {
                        killed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let killed = killed.into_inner();
    assert!(
        killed >= runs / 2,
        "most runs must be killed mid-way ({killed} of {runs})"
    );
}

#[test]
fn secrets_and_tokens_never_reach_the_journal_or_the_debug_log() {
    let served = Served::for_apply(|_| {});
    served.emulator().set_mdm_authority("intune");
    let (_dir, plan) = plan_copy();
    let o = served
        .command("apply", &plan, &["--execute"])
        .env("BMS2INTUNE_LOG", "trace")
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", text(&o));
    let log = text(&o);
    assert!(log.contains("graph"), "the debug log was written: {log}");
    let mut journal = Vec::new();
    for name in [
        "apply-journal.sqlite",
        "apply-journal.sqlite-wal",
        "apply-journal.sqlite-shm",
    ] {
        if let Ok(bytes) = std::fs::read(plan.join(name)) {
            journal.extend(bytes);
        }
    }
    assert!(!journal.is_empty());
    let journal = String::from_utf8_lossy(&journal);
    for (what, haystack) in [("log", log.as_str()), ("journal", journal.as_ref())] {
        assert!(!haystack.contains(SECRET), "the secret is in the {what}");
        // Access tokens are JWTs: a base64url JSON header starts with "eyJ".
        assert!(
            !haystack.contains("eyJ0eXAi") && !haystack.contains("eyJhbGci"),
            "a token is in the {what}"
        );
    }
}

/// The README's walkthrough section, by its heading.
const WALKTHROUGH: &str = "### Walkthrough on the sample, against the Graph emulator";

/// The `sh` blocks of the README's walkthrough, in order, as lines.
fn walkthrough_blocks() -> Vec<Vec<String>> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let start = readme
        .find(WALKTHROUGH)
        .expect("the README has the walkthrough");
    let section = &readme[start + WALKTHROUGH.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in section.lines() {
        match (&mut current, line.trim()) {
            (None, "```sh") => current = Some(Vec::new()),
            (Some(_), "```") => blocks.push(current.take().unwrap()),
            (Some(block), l) if !l.is_empty() && !l.starts_with('#') => block.push(l.into()),
            _ => {}
        }
    }
    blocks
}

/// The command and the exit code its trailing `# exits with N` states (0 without).
fn with_exit_code(line: &str) -> (&str, i32) {
    match line.split_once("  #") {
        Some((command, comment)) => {
            let code = comment
                .split(|c: char| !c.is_ascii_digit())
                .find(|p| !p.is_empty())
                .and_then(|d| d.parse().ok())
                .unwrap_or(0);
            (command.trim(), code)
        }
        None => (line.trim(), 0),
    }
}

#[test]
fn the_readme_walkthrough_runs_as_written() {
    const README_URL: &str = "http://127.0.0.1:8080";
    let blocks = walkthrough_blocks();
    assert_eq!(blocks.len(), 2, "the emulator's block, then the admin's");
    let emulator = &blocks[0][0];
    assert!(
        emulator.contains("-p graph-emulator")
            && emulator.contains("--snapshot examples/contoso")
            && emulator.contains("--listen 127.0.0.1:8080")
            && emulator.contains("--throttle off"),
        "the test starts the emulator the README shows: {emulator}"
    );
    // The emulator the README starts, in process, on a free port (its URL replaces the
    // README's in every command); the CLI's default licence processing time included.
    let served = Served::start(|c| c.license_processing = Duration::from_secs(1));
    let url = served.emulator().base_url().to_string();
    let start = served.state();
    let work = tempfile::tempdir().unwrap();
    copy_dir(&sample(), &work.path().join("examples/contoso"));

    let mut env: Vec<(String, String)> = Vec::new();
    let mut ran = Vec::new();
    for line in &blocks[1] {
        let (command, expected) = with_exit_code(line);
        let command = command.replace(README_URL, &url);
        let output = if let Some(assignments) = command.strip_prefix("export ") {
            for pair in assignments.split_whitespace() {
                let (k, v) = pair.split_once('=').expect("NAME=value");
                env.push((k.into(), v.into()));
            }
            continue;
        } else if let Some(args) = command.strip_prefix("bms2intune ") {
            Command::new(env!("CARGO_BIN_EXE_bms2intune"))
                .args(args.split_whitespace())
                .envs(env.iter().map(|(k, v)| (k, v)))
                .env_remove("AZURE_TENANT_ID")
                .env_remove("AZURE_CLIENT_CERTIFICATE_PATH")
                .env_remove("AZURE_FEDERATED_TOKEN_FILE")
                .current_dir(work.path())
                .output()
                .unwrap()
        } else {
            assert!(
                command.starts_with("curl "),
                "unexpected command: {command}"
            );
            Command::new("sh")
                .args(["-c", &format!("{command} --silent --show-error --fail")])
                .output()
                .unwrap()
        };
        assert_eq!(code(&output), expected, "`{line}`:\n{}", text(&output));
        ran.push(text(&output));
    }
    assert_eq!(ran.len(), 9, "the walkthrough's commands after `export`");
    assert!(
        ran[1].contains("Dry run: nothing was changed"),
        "{}",
        ran[1]
    );
    // plan, dry run, execute (waits), curl, execute, execute again, status, rollback dry run,
    // rollback.
    assert!(ran[2].contains("Sent:\n+ create"), "{}", ran[2]);
    assert!(
        ran[4].contains("+ license") && ran[4].contains("(202)"),
        "{}",
        ran[4]
    );
    assert!(ran[5].contains("0 write(s) sent"), "{}", ran[5]);
    assert!(ran[6].contains("devices-switched"), "{}", ran[6]);
    assert!(ran[7].contains("- delete"), "{}", ran[7]);
    let (now, then) = (restorable(&served.state()), restorable(&start));
    assert!(
        now == then,
        "the walkthrough's rollback leaves the tenant as it was:\n{}",
        differences(&now, &then)
    );
}
