//! What the end-to-end tests that talk to Graph share: the bundled sample, and the in-repo
//! Graph emulator serving it on its own runtime, stopped when dropped, with a command builder
//! that points `bms2intune` at it with a client secret from the environment (no other Azure
//! credential leaks in from the machine).

#![allow(dead_code)] // each test crate uses its own part

use graph_emulator::{Config, Emulator};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The app registration the tests sign in as (the emulator accepts any unless told).
pub const CLIENT_ID: &str = "0c0ffee0-0000-4000-8000-000000000001";

pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/contoso")
}

/// An emulator serving the sample on its own runtime (kept alive by this value).
pub struct Served {
    pub runtime: tokio::runtime::Runtime,
    emulator: Option<Emulator>,
}

impl Served {
    /// Serves the sample with `Config::new`'s defaults, changed by `configure`.
    pub fn start(configure: impl FnOnce(&mut Config)) -> Served {
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

    pub fn emulator(&self) -> &Emulator {
        self.emulator.as_ref().unwrap()
    }

    pub fn url(&self) -> String {
        self.emulator().base_url().to_string()
    }

    pub fn tenant(&self) -> String {
        self.emulator().tenant_id()
    }

    /// `bms2intune <subcommand>` signed in to this emulator as [`CLIENT_ID`] with `secret`
    /// (from `AZURE_CLIENT_SECRET`); the tenant is left to the command's flags.
    pub fn bms2intune(&self, subcommand: &str, secret: &str) -> Command {
        let url = self.url();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bms2intune"));
        cmd.arg(subcommand)
            .args(["--client-id", CLIENT_ID])
            .args(["--graph-url", &url, "--authority-url", &url])
            .env_remove("AZURE_TENANT_ID")
            .env_remove("AZURE_CLIENT_CERTIFICATE_PATH")
            .env_remove("AZURE_FEDERATED_TOKEN_FILE")
            .env("AZURE_CLIENT_SECRET", secret);
        cmd
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(e) = self.emulator.take() {
            self.runtime.block_on(e.stop());
        }
    }
}
