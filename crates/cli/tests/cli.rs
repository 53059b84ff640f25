//! End-to-end tests of the `bms2intune` binary on the bundled sample tenant and on broken
//! snapshots: exit codes, messages, and that a failed run leaves no output behind.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_bms2intune"))
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/contoso")
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run bms2intune")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Plans the sample into `out` with extra options, asserts success, returns the output.
fn plan_sample(out: &Path, extra: &[&str]) -> Output {
    let snapshot = sample();
    let mut args = vec![
        "plan",
        "--snapshot",
        snapshot.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

/// `plan.json` of a plan folder.
fn read_plan(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("plan.json")).unwrap()).unwrap()
}

/// Copies a snapshot folder so a test can break one file.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn snapshot_check_prints_the_sample_counts() {
    let o = run(&[
        "snapshot",
        "check",
        "--snapshot",
        sample().to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let bms = &summary["bms"];
    assert_eq!(bms["policies"], 8);
    assert_eq!(bms["blockPolicies"], 4);
    assert_eq!(bms["allowPolicies"], 4);
    assert_eq!(
        bms["policiesByMode"],
        serde_json::json!({"Enforce": 7, "PendingDeletion": 1})
    );
    assert_eq!(bms["mappablePolicies"], 7);
    assert_eq!(bms["rules"], 8);
    assert_eq!(bms["orphanRules"], 0);
    assert_eq!(bms["tenantRule"], true);
    assert_eq!(bms["exclusionGroups"], 1);
    let d = &summary["directory"];
    assert_eq!(d["skus"], 10);
    assert_eq!(d["users"], 72);
    assert_eq!(d["groups"], 17);
    assert_eq!(d["groupMemberships"], 145);
    assert_eq!(d["entraDevices"], 132);
    assert_eq!(d["managedDevices"], 132);
    assert_eq!(
        d["managedDevicesByPlatform"],
        serde_json::json!({"iOS": 46, "iPadOS": 18, "Android": 37, "Windows": 27, "Windows Mobile": 2, "macOS": 2})
    );
    assert_eq!(
        d["managedDevicesByAgent"],
        serde_json::json!({"microsoft365ManagedMdm": 88, "mdm": 36, "googleCloudDevicePolicyController": 5, "eas": 3})
    );
    assert_eq!(d["intuneCompliancePolicies"], 4);
    assert_eq!(d["intuneConfigurationProfiles"], 5);
    assert_eq!(d["intuneSettingsCatalogPolicies"], 2);
    assert_eq!(d["conditionalAccessPolicies"], 4);
    assert_eq!(summary["organization"], "Contoso Ltd");

    let text = run(&[
        "snapshot",
        "check",
        "--snapshot",
        sample().to_str().unwrap(),
    ]);
    assert!(text.status.success());
    let text = stdout(&text);
    assert!(
        text.contains("BMS policies      8 (4 Block access, 4 Allow access)"),
        "{text}"
    );
    assert!(text.contains("Snapshot OK"), "{text}");
}

#[test]
fn plan_writes_plan_json_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        plan_sample(out, &[]);
    }
    let plan_a = std::fs::read(a.join("plan.json")).unwrap();
    assert_eq!(plan_a, std::fs::read(b.join("plan.json")).unwrap());
    let plan: serde_json::Value = serde_json::from_slice(&plan_a).unwrap();
    assert_eq!(plan["snapshot"]["bms"]["policies"], 8);
    // Re-running into the same folder replaces the earlier plan.
    plan_sample(&a, &[]);
}

#[test]
fn broken_snapshots_exit_2_name_the_file_and_leave_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    copy_dir(&sample(), &snap);

    // A truncated file.
    let users = snap.join("graph/users/page-0002.json");
    let text = std::fs::read_to_string(&users).unwrap();
    std::fs::write(&users, &text[..text.len() / 2]).unwrap();
    let out = dir.path().join("out");
    for args in [
        vec!["snapshot", "check", "--snapshot", snap.to_str().unwrap()],
        vec![
            "plan",
            "--snapshot",
            snap.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.starts_with("error: graph/users/page-0002.json: line "),
            "{err}"
        );
        assert!(err.contains("truncated"), "{err}");
    }
    assert!(!out.exists(), "no --out folder after a failed plan");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["snap"], "no staging folder left behind");

    // A wrong-typed value.
    std::fs::write(&users, text).unwrap();
    let rules = snap.join("bms/DeviceConfigurationRule.json");
    let bytes = std::fs::read(&rules).unwrap();
    let rule_text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let broken = rule_text.replacen("\"PasswordTimeout\":  \"", "\"PasswordTimeout\":  \"abc", 1);
    let broken = if broken == rule_text {
        rule_text.replacen("\"PasswordTimeout\": \"", "\"PasswordTimeout\": \"abc", 1)
    } else {
        broken
    };
    assert_ne!(
        broken, rule_text,
        "the sample has a PasswordTimeout string to break"
    );
    std::fs::write(&rules, broken).unwrap();
    let o = run(&[
        "plan",
        "--snapshot",
        snap.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: bms/DeviceConfigurationRule.json: ["),
        "{err}"
    );
    assert!(
        err.contains("].PasswordTimeout: expected a TimeSpan"),
        "{err}"
    );
    assert!(!out.exists());
}

/// An empty `/Date()/` and a non-ASCII character inside `/Date(…)/` once panicked (exit 101);
/// they are input errors naming the file and the JSON path.
#[test]
fn malformed_powershell_dates_exit_2_with_file_and_path() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    copy_dir(&sample(), &snap);
    let policies = snap.join("bms/DeviceConditionalAccessPolicy.json");
    let original = std::fs::read_to_string(&policies).unwrap();
    let date = r#""WhenChangedUTC":  "\/Date(1730826224000)\/""#;
    assert!(original.contains(date), "the sample has the date to break");
    for (bad, reason) in [
        (r"\/Date()\/", "no milliseconds"),
        (r"\/Date(é1730826224000)\/", "whole number of milliseconds"),
        (r"\/Date(17308é26224000)\/", "whole number of milliseconds"),
    ] {
        let broken = original.replacen(date, &format!(r#""WhenChangedUTC":  "{bad}""#), 1);
        std::fs::write(&policies, broken).unwrap();
        let o = run(&["snapshot", "check", "--snapshot", snap.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.starts_with(
                "error: bms/DeviceConditionalAccessPolicy.json: [0].WhenChangedUTC: expected a date"
            ),
            "{err}"
        );
        assert!(err.contains(reason), "{err}");
    }
}

/// Every file under `dir` with its bytes, to show a folder was left untouched.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(tree(&path));
        } else {
            let bytes = std::fs::read(&path).unwrap();
            files.push((path, bytes));
        }
    }
    files.sort();
    files
}

#[test]
fn plan_refuses_a_foreign_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    // A plan.json alone (say, copied from elsewhere) does not make the folder plan's own.
    std::fs::write(dir.path().join("plan.json"), "{}").unwrap();
    let before = tree(dir.path());
    let o = run(&[
        "plan",
        "--snapshot",
        sample().to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!("error: --out {}: ", dir.path().display())),
        "{err}"
    );
    assert!(err.contains(".bms2intune-plan"), "{err}");
    assert_eq!(tree(dir.path()), before, "the folder is left untouched");
}

/// `synth --out` on a folder it did not create — here a copy of a real snapshot with its
/// README — fails naming the folder and leaves every file as it was; on its own earlier
/// output it replaces it.
#[test]
fn synth_writes_only_into_an_empty_folder_or_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export");
    copy_dir(&sample(), &export);
    assert!(export.join("README.md").is_file());
    let before = tree(&export);
    let synth = |out: &Path| {
        run(&[
            "synth",
            "--users",
            "20",
            "--seed",
            "1",
            "--out",
            out.to_str().unwrap(),
        ])
    };
    let o = synth(&export);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(&format!("error: --out {}: ", export.display())),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&export), before, "the export is left untouched");

    // An empty folder is fine, and so is synth's own earlier output.
    let own = dir.path().join("own");
    std::fs::create_dir(&own).unwrap();
    let o = synth(&own);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(own.join(".bms2intune-snapshot").is_file());
    std::fs::write(own.join("stray.txt"), "from the earlier run").unwrap();
    let o = synth(&own);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!own.join("stray.txt").exists(), "replaced as a whole");

    // A plan never replaces a snapshot, nor a snapshot a plan.
    let o = run(&[
        "plan",
        "--snapshot",
        own.to_str().unwrap(),
        "--out",
        own.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(own.join("bms").is_dir());
}

#[test]
fn help_and_version() {
    let o = run(&["--help"]);
    assert!(o.status.success());
    let help = stdout(&o);
    assert!(help.contains("Basic Mobility and Security"));
    assert!(help.contains("plan"));
    let o = run(&["--version"]);
    assert!(stdout(&o).starts_with("bms2intune "));
    let o = run(&["plan"]);
    assert_eq!(o.status.code(), Some(2), "usage errors exit 2");
}

#[test]
fn assess_prints_findings_and_gates_with_exit_3() {
    let snap = sample();
    let o = run(&["assess", "--snapshot", snap.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(table.contains("license-shortfall"), "{table}");
    assert!(
        table.contains("20 findings: 2 blockers, 12 warnings, 6 info"),
        "{table}"
    );

    let o = run(&[
        "assess",
        "--snapshot",
        snap.to_str().unwrap(),
        "--fail-on",
        "blocker",
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("--fail-on"), "{}", stderr(&o));

    let o = run(&["assess", "--snapshot", snap.to_str().unwrap(), "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 20);
}

#[test]
fn a_bad_config_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bms2intune.toml");
    std::fs::write(&config, "asOf = \"yesterday\"\n").unwrap();
    let o = run(&[
        "assess",
        "--snapshot",
        sample().to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!("error: {}", config.display())),
        "{}",
        stderr(&o)
    );
}

#[test]
fn plan_writes_every_output_and_still_writes_when_gated() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run(&[
        "plan",
        "--snapshot",
        sample().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--fail-on",
        "blocker",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    for file in [
        "plan.json",
        "report.html",
        "report.md",
        "findings.csv",
        "waves.csv",
        "impact.csv",
    ] {
        assert!(out.join(file).is_file(), "{file}");
    }
    let plan = read_plan(&out);
    let recommendations = plan["recommendations"].as_array().unwrap();
    for r in recommendations.iter().filter(|r| !r["file"].is_null()) {
        let file = r["file"].as_str().unwrap();
        assert!(out.join(file).is_file(), "{file}");
    }
    assert!(plan["conflicts"].as_array().is_some_and(|c| !c.is_empty()));
    assert!(plan["impact"]["byOutcome"]["lost"].as_u64().unwrap() > 0);
    let impact = std::fs::read_to_string(out.join("impact.csv")).unwrap();
    assert!(impact.starts_with(
        "user_principal_name,user_id,platform,setting,outcome,before,after,applied_by,rule,bms_policy,wave\r\n"
    ));
    assert!(impact.lines().count() > 1);
    // The sample's seats run out: users waiting for one still get their rows, marked unplaced,
    // and are counted apart.
    let unplaced_rows = impact.lines().filter(|l| l.ends_with(",unplaced")).count();
    assert!(unplaced_rows > 0);
    assert!(plan["impact"]["unplaced"]["users"].as_u64().unwrap() > 0);
    let err = stderr(&o);
    assert!(err.contains("Impact: "), "{err}");
    assert!(err.contains("unplaced user(s), once licensed"), "{err}");

    // The Android target option picks the objects.
    let da = dir.path().join("da");
    plan_sample(&da, &["--android", "device-admin"]);
    let plan = read_plan(&da);
    let names: Vec<&str> = plan["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["displayName"].as_str())
        .collect();
    assert!(names.iter().any(|n| n.ends_with("_O365_A")));
    assert!(!names.iter().any(|n| n.ends_with("_O365_AWP")));
}

#[test]
fn plan_stages_waves_and_rejects_an_unknown_group_in_a_waves_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    plan_sample(&out, &[]);
    let plan = read_plan(&out);
    let waves = plan["waves"].as_array().unwrap();
    assert!(waves.len() >= 2, "the sample plans at least two waves");
    assert_eq!(waves[0]["id"], 1);
    // The migration's own steps (the optional baseline steps come after the close-out).
    let kinds: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s.get("optional").is_none())
        .filter_map(|s| s["kind"].as_str())
        .collect();
    let coexistence = kinds
        .iter()
        .position(|k| *k == "enable-coexistence")
        .unwrap();
    let first_license = kinds.iter().position(|k| *k == "assign-license").unwrap();
    let last_policy = kinds.iter().rposition(|k| *k == "assign-policy").unwrap();
    assert!(last_policy < coexistence && coexistence < first_license);

    let waves_file = dir.path().join("waves.toml");
    std::fs::write(&waves_file, "[[wave]]\nname = \"Pilot\"\ngroups = [\"BMS - Sales EMEA\"]\n\n[[wave]]\nname = \"Ring 1\"\ngroups = [\"BMS - Finanse\"]\n").unwrap();
    let bad = dir.path().join("bad");
    let o = run(&[
        "plan",
        "--snapshot",
        sample().to_str().unwrap(),
        "--out",
        bad.to_str().unwrap(),
        "--waves",
        waves_file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(r#"wave 2 ("Ring 1"): group "BMS - Finanse" not found in the directory"#),
        "{err}"
    );
    assert!(!bad.exists());
}

#[test]
fn the_sample_report_names_every_bms_policy_and_loads_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    plan_sample(&out, &[]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let markdown = std::fs::read_to_string(out.join("report.md")).unwrap();
    let tenant = bms2intune_snapshot::read_snapshot(&sample()).unwrap();
    for policy in &tenant.bms.policies {
        let escaped = policy
            .name
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\'', "&#x27;");
        assert!(
            html.contains(&escaped),
            "report.html names {:?}",
            policy.name
        );
        assert!(
            markdown.contains(&bms2intune_report::markdown_escape(&policy.name)),
            "report.md names {:?}",
            policy.name
        );
    }
    let lower = html.to_ascii_lowercase();
    for needle in [
        "<script",
        "<link",
        "<img",
        "<iframe",
        "@import",
        "src=\"http",
        "href=\"http",
        "url(http",
    ] {
        assert!(
            !lower.contains(needle),
            "report.html must load nothing: found {needle}"
        );
    }
    assert!(lower.contains("content-security-policy"));
}

#[test]
fn synth_writes_a_deterministic_snapshot_that_plans() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let o = run(&[
            "synth",
            "--users",
            "200",
            "--seed",
            "3",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let users = |p: &Path| std::fs::read(p.join("graph/users/page-0001.json")).unwrap();
    assert_eq!(users(&a), users(&b), "same seed, same bytes");
    let o = run(&[
        "snapshot",
        "check",
        "--snapshot",
        a.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["directory"]["users"], 200);
    let plan = dir.path().join("plan");
    let o = run(&[
        "plan",
        "--snapshot",
        a.to_str().unwrap(),
        "--out",
        plan.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&[
        "synth",
        "--users",
        "0",
        "--seed",
        "3",
        "--out",
        dir.path().join("c").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--users"), "{}", stderr(&o));
}

/// `--list-limit` bounds every per-user list of plan.json and says how much it left out, while
/// findings.csv and waves.csv still list everyone (byte-identical to an unbounded plan's).
#[test]
fn list_limit_bounds_plan_json_but_not_the_csv_tables() {
    let dir = tempfile::tempdir().unwrap();
    let (all, bounded) = (dir.path().join("all"), dir.path().join("bounded"));
    plan_sample(&all, &["--list-limit", "0"]);
    plan_sample(&bounded, &["--list-limit", "2"]);
    let (full, cut) = (read_plan(&all), read_plan(&bounded));
    assert!(full["listLimit"].is_null());
    assert_eq!(cut["listLimit"], 2);
    let omitted = |v: &serde_json::Value, key: &str| v[key].as_u64().unwrap_or(0) as usize;
    let len = |v: &serde_json::Value| v.as_array().unwrap().len();
    let mut cut_short = 0;
    for (f, g) in full["findings"]
        .as_array()
        .unwrap()
        .iter()
        .zip(cut["findings"].as_array().unwrap())
    {
        assert_eq!(f["code"], g["code"]);
        assert!(len(&g["subjects"]) <= 2);
        assert_eq!(
            len(&g["subjects"]) + omitted(g, "subjectsOmitted"),
            len(&f["subjects"])
        );
        assert_eq!(
            f["subjects"].as_array().unwrap()[..len(&g["subjects"])],
            g["subjects"].as_array().unwrap()[..]
        );
        cut_short += omitted(g, "subjectsOmitted");
        for (pf, pg) in f["proposedGroups"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(g["proposedGroups"].as_array().into_iter().flatten())
        {
            assert_eq!(
                len(&pg["members"]) + omitted(pg, "membersOmitted"),
                len(&pf["members"])
            );
        }
    }
    assert!(
        cut_short > 0,
        "the sample has findings with more than 2 subjects"
    );
    let mut wave_users = 0;
    for (w, v) in full["waves"]
        .as_array()
        .unwrap()
        .iter()
        .zip(cut["waves"].as_array().unwrap())
    {
        assert!(len(&v["members"]) <= 2);
        assert_eq!(
            len(&v["members"]) + omitted(v, "membersOmitted"),
            len(&w["members"])
        );
        assert_eq!(v["users"], w["users"]);
        wave_users += len(&w["members"]);
    }
    let unplaced = len(&full["unplacedUsers"]);
    assert_eq!(
        len(&cut["unplacedUsers"]) + omitted(&cut, "unplacedUsersOmitted"),
        unplaced
    );
    for file in ["findings.csv", "waves.csv", "impact.csv"] {
        assert_eq!(
            std::fs::read(all.join(file)).unwrap(),
            std::fs::read(bounded.join(file)).unwrap(),
            "{file}"
        );
    }
    // waves.csv: a header, then every wave member and every unplaced user.
    let waves = std::fs::read_to_string(bounded.join("waves.csv")).unwrap();
    assert_eq!(waves.lines().count(), 1 + wave_users + unplaced);
    let subjects: usize = full["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| len(&f["subjects"]).max(1))
        .sum();
    let findings = std::fs::read_to_string(bounded.join("findings.csv")).unwrap();
    assert_eq!(findings.lines().count(), 1 + subjects);
    // The report counts what the plan left out, and points to the full tables.
    let md = std::fs::read_to_string(bounded.join("report.md")).unwrap();
    assert!(md.contains("all in findings.csv"));
    assert!(md.contains(&format!("and {} more (all in waves.csv)", unplaced - 2)));
}

/// `plan.json` reads back into the typed document the report renders from
/// (`PlanDocument<'static>`), writes out byte for byte the same, and renders the same reports:
/// the document's Rust types describe every field the CLI writes.
#[test]
fn plan_json_reads_back_into_the_typed_document() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    plan_sample(&out, &["--list-limit", "5"]);
    let text = std::fs::read_to_string(out.join("plan.json")).unwrap();
    let plan: bms2intune_plan::PlanDocument<'static> = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string_pretty(&plan).unwrap() + "\n", text);
    assert_eq!(
        bms2intune_report::render_markdown(&plan).unwrap(),
        std::fs::read_to_string(out.join("report.md")).unwrap()
    );
    assert_eq!(
        bms2intune_report::render_html(&plan).unwrap(),
        std::fs::read_to_string(out.join("report.html")).unwrap()
    );
}

/// `findings.csv` has one row per finding and subject (one for a finding without subjects),
/// most severe first, with the finding's severity, code and count from the plan.
#[test]
fn findings_csv_lists_every_subject_of_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("all");
    plan_sample(&out, &["--list-limit", "0"]);
    let text = std::fs::read_to_string(out.join("plan.json")).unwrap();
    let plan: bms2intune_plan::PlanDocument<'static> = serde_json::from_str(&text).unwrap();
    let mut findings: Vec<_> = plan.findings.iter().collect();
    findings.sort_by_key(|f| f.severity);
    let mut expected = vec![bms2intune_report::FINDINGS_CSV_HEADER.join(",")];
    for (n, f) in (1..).zip(&findings) {
        let head = format!("{n},{},{},{}", f.severity, f.code.as_str(), f.count);
        if f.subjects.is_empty() {
            expected.push(format!("{head},,,"));
        }
        for s in &f.subjects {
            expected.push(format!("{head},{},{},{}", s.kind.as_str(), s.id, s.name));
        }
    }
    let csv = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    let lines: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert_eq!(lines, expected, "the sample's names need no CSV quoting");
}

#[test]
fn plan_writes_the_baseline_apart_and_closes_out_after_the_last_wave() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    plan_sample(&out, &[]);
    let plan = read_plan(&out);

    // Baseline bodies live under baseline/<api>/<collection>/, one per object, never in graph/.
    let objects = plan["baseline"]["objects"].as_array().unwrap();
    assert!(objects.len() >= 6);
    for o in objects {
        let file = o["file"].as_str().unwrap();
        assert!(file.starts_with("baseline/v1.0/"), "{file}");
        let body: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join(file)).unwrap()).unwrap();
        assert_eq!(body["@odata.type"], o["odataType"]);
    }
    let mut graph_files = Vec::new();
    let mut stack = vec![out.join("graph")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                graph_files.push(p.file_name().unwrap().to_string_lossy().to_string());
            }
        }
    }
    assert!(
        graph_files.iter().all(|f| !f.starts_with("Baseline - ")),
        "{graph_files:?}"
    );
    assert!(
        plan["baseline"]["impact"]["devicesEvaluated"]
            .as_u64()
            .unwrap()
            > 0
    );
    let csv = std::fs::read_to_string(out.join("baseline.csv")).unwrap();
    assert!(csv.starts_with("device_id,device_name,user_principal_name,"));
    assert_eq!(
        csv.lines().count() as u64 - 1,
        plan["baseline"]["impact"]["devices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["reasons"].as_array().unwrap().len() as u64)
            .sum::<u64>()
    );

    // The baseline is never part of the migration's steps: only optional steps touch
    // baseline/ files, and no migration step depends on an optional one.
    let steps = plan["steps"].as_array().unwrap();
    let optional: std::collections::HashSet<&str> = steps
        .iter()
        .filter(|s| s["optional"] == "baseline")
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(!optional.is_empty());
    for s in steps {
        let file = s["target"]["file"].as_str().unwrap_or("");
        let is_optional = s.get("optional").is_some();
        assert_eq!(
            file.starts_with("baseline/"),
            is_optional && !file.is_empty(),
            "{}",
            s["id"]
        );
        if !is_optional {
            for d in s["dependsOn"].as_array().unwrap() {
                assert!(
                    !optional.contains(d.as_str().unwrap()),
                    "{} depends on {d}",
                    s["id"]
                );
            }
        }
    }

    // Close-out: after every wave's steps, starting from the last wave's gate.
    let ids: Vec<&str> = steps.iter().map(|s| s["id"].as_str().unwrap()).collect();
    let last_wave = plan["waves"].as_array().unwrap().last().unwrap()["id"]
        .as_u64()
        .unwrap();
    let close = ids.iter().position(|i| *i == "verify:close-out").unwrap();
    let last_wave_step = steps.iter().rposition(|s| !s["wave"].is_null()).unwrap();
    assert!(close > last_wave_step);
    assert_eq!(
        steps[close]["dependsOn"][0],
        format!("verify:wave-{last_wave}")
    );
    let remove = ids
        .iter()
        .position(|i| *i == "remove-bms-policies")
        .unwrap();
    let commands = steps[remove]["target"]["commands"].as_array().unwrap();
    assert!(commands
        .iter()
        .any(|c| c == "Remove-DeviceConditionalAccessPolicy -Identity 'Secure Mobile - Sales' -Confirm:$false"));
    assert_eq!(
        &plan["closeOut"]["removalCommands"],
        &steps[remove]["target"]["commands"]
    );

    // The reports say what happens to BMS policies, and show the baseline apart.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("After the move: BMS policies"));
    assert!(md.contains("they stay visible in the Microsoft 365 admin center"));
    assert!(md.contains("### Impact of the baseline"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"baseline\"") && html.contains("id=\"closeout\""));
}
