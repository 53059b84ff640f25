//! End-to-end tests of `bms2intune collect` against the Graph emulator serving the sample
//! tenant: collect then plan gives the same Graph request bodies as planning the sample
//! itself; secrets and tokens never reach the debug log; a failed run leaves no `--out`;
//! missing permissions are listed with exit 2; without `--bms` only the Graph part is written;
//! throttled at the documented limits and failing transiently, the collection still completes.

use graph_emulator::ThrottleMode;
use std::path::Path;
use std::process::{Command, Output};

mod emulated;

use emulated::{sample, Served};

impl Served {
    /// `bms2intune collect` against this emulator, with a client secret from the environment.
    fn collect(&self, extra: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = self.bms2intune("collect", "Sup3r-Secret-Value~for.tests");
        cmd.args(["--tenant-id", &self.tenant()]).args(extra);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn plan(snapshot: &Path, out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_bms2intune"))
        .args([
            "plan",
            "--snapshot",
            snapshot.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Every file under `dir`, relative path → bytes.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn collect_then_plan_gives_the_samples_graph_bodies_and_logs_no_secret() {
    let served = Served::start(|c| c.page_size = Some(25));
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("collected");
    let o = served.collect(
        &[
            "--bms",
            sample().to_str().unwrap(),
            "--out",
            snapshot.to_str().unwrap(),
            "--verbose",
        ],
        &[("BMS2INTUNE_LOG", "debug")],
    );
    let log = stderr(&o);
    assert!(o.status.success(), "{log}");
    // The snapshot has the documented layout.
    for f in [
        "bms/DeviceConditionalAccessPolicy.json",
        "graph/organization.json",
        "graph/users/page-000001.json",
        "graph/users/page-000002.json",
        "graph/conditionalAccessPolicies.json",
    ] {
        assert!(snapshot.join(f).is_file(), "{f}");
    }
    assert!(log.contains("Collected"), "{log}");
    // Debug log: request ids yes, secret and tokens never.
    assert!(
        log.contains("client_request_id") && log.contains("request_id"),
        "{log}"
    );
    assert!(
        !log.contains("Sup3r-Secret-Value"),
        "the client secret reached the log"
    );
    assert!(!log.contains("eyJ"), "a JWT reached the log");
    assert!(
        !log.to_ascii_lowercase().contains("bearer "),
        "an Authorization header reached the log"
    );

    assert_plans_the_samples_graph_bodies(dir.path(), &snapshot);
}

/// `plan` on the collected `snapshot` writes the same `graph/` request bodies, byte for byte,
/// as `plan` on the sample itself (plans go under `work`).
fn assert_plans_the_samples_graph_bodies(work: &Path, snapshot: &Path) {
    let from_collect = work.join("plan-collected");
    let from_sample = work.join("plan-sample");
    plan(snapshot, &from_collect);
    plan(&sample(), &from_sample);
    let a = tree(&from_collect.join("graph"));
    let b = tree(&from_sample.join("graph"));
    assert!(!b.is_empty());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "graph/{k} differs");
    }
}

/// The `id`s in the `value` of each page in `folder`, by the file's first name part (the
/// group of a `groupMembers` page; the collection for `users`' pages).
fn ids_in(
    folder: &Path,
    what: &str,
) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut out = std::collections::BTreeMap::<_, std::collections::BTreeSet<_>>::new();
    for (name, bytes) in tree(folder) {
        let key = match what {
            "groupMembers" => name.split('.').next().unwrap().to_string(),
            _ => what.to_string(),
        };
        let page: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let ids = page["value"].as_array().unwrap().iter();
        out.entry(key)
            .or_default()
            .extend(ids.map(|i| i["id"].as_str().unwrap().to_string()));
    }
    assert!(!out.is_empty(), "{}", folder.display());
    out
}

#[test]
fn throttled_at_the_documented_limits_and_faulty_the_collection_still_completes() {
    // Every fifth request (top-level or inside `$batch`) fails transiently — 500/503/504,
    // dropped connections, pages cut off mid-body — while the emulator enforces Microsoft's
    // documented limits: the retries, the page read ahead and the `$batch` bodies stored as
    // sent must still give a complete, faithful snapshot.
    let served = Served::start(|c| {
        c.throttle = ThrottleMode::Documented;
        c.fault_rate = 0.2;
        c.seed = 7;
        c.page_size = Some(25);
    });
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("collected");
    let o = served.collect(
        &[
            "--bms",
            sample().to_str().unwrap(),
            "--out",
            snapshot.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(snapshot.join("graph/users/page-000002.json").is_file());
    assert_plans_the_samples_graph_bodies(dir.path(), &snapshot);

    // Every group's members and every user, as the sample has them.
    for folder in ["groupMembers", "users"] {
        assert_eq!(
            ids_in(&snapshot.join("graph").join(folder), folder),
            ids_in(&sample().join("graph").join(folder), folder),
            "graph/{folder}"
        );
    }

    // The same files, byte for byte (up to the emulator's address in links), as a quiet
    // emulator gives: no page, group member list or policy lost or garbled on the way.
    let quiet = Served::start(|c| c.page_size = Some(25));
    let reference = dir.path().join("reference");
    let o = quiet.collect(&["--out", reference.to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let graph_files = |root: &Path, url: &str| -> std::collections::BTreeMap<String, String> {
        tree(&root.join("graph"))
            .into_iter()
            .map(|(k, v)| (k, String::from_utf8(v).unwrap().replace(url, "{graph}")))
            .collect()
    };
    let got = graph_files(&snapshot, &served.url());
    let want = graph_files(&reference, &quiet.url());
    assert!(want.keys().any(|k| k.starts_with("groupMembers/")));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (k, v) in &got {
        assert!(v == &want[k], "graph/{k} differs from a quiet collection");
    }
}

#[test]
fn a_failing_connection_leaves_no_output() {
    let served = Served::start(|c| {
        c.fault_rate = 1.0;
        c.seed = 5;
    });
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let o = served.collect(
        &["--out", out.to_str().unwrap(), "--max-attempts", "2"],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing was written"), "{}", stderr(&o));
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no staging folder left"
    );
    drop(served);

    // Faults in the middle of the read (dropped connections, pages cut off) with no retries
    // left: the run fails and the staged pages go away.
    let served = Served::start(|c| {
        c.fault_rate = 0.1;
        c.seed = 11;
        c.page_size = Some(5);
    });
    let o = served.collect(
        &[
            "--bms",
            sample().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--max-attempts",
            "1",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing was written"), "{}", stderr(&o));
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no staging folder left"
    );
}

#[test]
fn missing_permissions_are_listed_with_exit_2() {
    let served = Served::start(|c| c.roles = vec!["User.Read.All".into()]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let o = served.collect(&["--out", out.to_str().unwrap()], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for p in [
        "Organization.Read.All",
        "GroupMember.Read.All",
        "Device.Read.All",
        "DeviceManagementManagedDevices.Read.All",
        "DeviceManagementConfiguration.Read.All",
        "Policy.Read.All",
    ] {
        assert!(err.contains(p), "{p} in {err}");
    }
    assert!(!err.contains("- User.Read.All"), "{err}");
    assert!(!out.exists());
}

#[test]
fn without_bms_only_the_graph_part_is_written_and_said() {
    let served = Served::start(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap");
    let o = served.collect(&["--out", out.to_str().unwrap()], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("Graph part only"), "{}", stderr(&o));
    assert!(out.join("graph/groups/page-000001.json").is_file());
    assert!(!out.join("bms").exists());
    // Bad connection settings are input errors.
    let o = Command::new(env!("CARGO_BIN_EXE_bms2intune"))
        .args([
            "collect",
            "--tenant-id",
            "contoso.onmicrosoft.com",
            "--client-id",
            "abc",
            "--device-code",
        ])
        .args([
            "--graph-url",
            "http://graph.example.com",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("loopback"), "{}", stderr(&o));
}
