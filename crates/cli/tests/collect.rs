//! End-to-end tests of `bms2intune collect` against the Graph emulator serving the sample
//! tenant: collect then plan gives the same Graph request bodies as planning the sample
//! itself; secrets and tokens never reach the debug log; a failed run leaves no `--out`;
//! missing permissions are listed with exit 2; without `--bms` only the Graph part is written.

use graph_emulator::{Config, Emulator};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/contoso")
}

/// An emulator serving the sample on its own runtime (kept alive by the returned value).
struct Served {
    runtime: tokio::runtime::Runtime,
    emulator: Option<Emulator>,
}

impl Served {
    fn start(configure: impl FnOnce(&mut Config)) -> Served {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let mut config = Config::new(sample());
        configure(&mut config);
        let emulator = runtime.block_on(Emulator::start(config)).unwrap();
        Served {
            runtime,
            emulator: Some(emulator),
        }
    }

    fn url(&self) -> String {
        self.emulator.as_ref().unwrap().base_url().to_string()
    }

    fn tenant(&self) -> String {
        self.emulator.as_ref().unwrap().tenant_id()
    }

    /// `bms2intune collect` against this emulator, with a client secret from the environment.
    fn collect(&self, extra: &[&str], env: &[(&str, &str)]) -> Output {
        let url = self.url();
        let tenant = self.tenant();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bms2intune"));
        cmd.args([
            "collect",
            "--tenant-id",
            &tenant,
            "--client-id",
            "0c0ffee0-0000-4000-8000-000000000001",
        ])
        .args(["--graph-url", &url, "--authority-url", &url])
        .args(extra)
        .env_remove("AZURE_CLIENT_SECRET")
        .env_remove("AZURE_CLIENT_CERTIFICATE_PATH")
        .env_remove("AZURE_FEDERATED_TOKEN_FILE")
        .env("AZURE_CLIENT_SECRET", "Sup3r-Secret-Value~for.tests");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(e) = self.emulator.take() {
            self.runtime.block_on(e.stop());
        }
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

    let from_collect = dir.path().join("plan-collected");
    let from_sample = dir.path().join("plan-sample");
    plan(&snapshot, &from_collect);
    plan(&sample(), &from_sample);
    let a = tree(&from_collect.join("graph"));
    let b = tree(&from_sample.join("graph"));
    assert!(!b.is_empty());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "graph/{k} differs");
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
