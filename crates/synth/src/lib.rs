//! Synthetic tenant snapshots for benchmarks, tests and demos: a deterministic, realistic
//! tenant of any size in the layout of `docs/snapshot.md`.
//!
//! What a snapshot holds (scaled to [`SynthOptions`]):
//!
//! - `bms/`: the six PowerShell exports, each serialized the way a different admin session
//!   would have written it (Windows PowerShell 5.1 with `/Date()/`, numeric enums, TimeSpan
//!   objects and a UTF-16LE BOM file; PowerShell 7 with `-EnumsAsStrings`, ISO dates, TimeSpan
//!   strings, a `{"Guid": …}` target), with overlapping Block and Allow policies, one pending
//!   deletion, one targeting nobody, one targeting an empty group, a duplicate pair, a deleted
//!   target group and a Microsoft 365 group target;
//! - `graph/`: the organization, ten SKUs with their real service plan IDs and consistent
//!   `consumedUnits`/free seats, users with mixed licences (Business Basic/Standard/Premium,
//!   Office 365 E3, Microsoft 365 E3/E5, an education SKU, MAM-only, Intune switched off,
//!   unlicensed, guests, disabled accounts), groups nested four levels deep with one cycle, a
//!   dynamic group, a device group and a Microsoft 365 group, their direct members, Entra and
//!   managed devices on every platform (iOS below 17, Android below 10, Windows 8.1, Windows
//!   Phone, Android device administrator managed by BMS, work profile, userless devices), and
//!   existing Intune compliance and configuration policies and Conditional Access policies.
//!
//! Large collections (users, groups, devices, managed devices, group members) are written as
//! folders of Graph pages of 999 items, one page at a time: memory stays in the tens of
//! megabytes whatever the size. The same options give byte-identical files on every run.
//!
//! The generator is pure: [`generate`] hands each file to a `write(relative_path, bytes)`
//! callback (so the CLI can write through its staged output folder); [`synthesize`] writes
//! into a folder directly.

mod bms;
pub mod catalog;
mod graph;
mod intune;
pub mod json;
pub mod rng;
mod tenant;

use std::fmt;
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthOptions {
    /// Number of users (guests and disabled accounts included).
    pub users: u32,
    /// Average number of devices per user (each device is an Entra device, and a managed
    /// device unless it is only registered).
    pub devices_per_user: f64,
    /// Number of groups, at least [`SynthOptions::MIN_GROUPS`]: the fixed groups the scenario
    /// needs, then departments and teams.
    pub groups: u32,
    /// Number of BMS policies; the first eight are the fixed scenario, more are team policies.
    pub policies: u32,
    /// The seed: same options, same bytes.
    pub seed: u64,
}

impl SynthOptions {
    /// Fewest groups: the scenario's fixed groups plus a department and two teams.
    pub const MIN_GROUPS: u32 = tenant::MIN_GROUPS;
    /// Most users the generator accepts (the model addresses users with `u32`).
    pub const MAX_USERS: u32 = 50_000_000;
    /// Most BMS policies.
    pub const MAX_POLICIES: u32 = 1_000;
    /// Most devices per user.
    pub const MAX_DEVICES_PER_USER: f64 = 20.0;

    /// Options for `users` users with the defaults for the rest: 1.5 devices per user, one
    /// group per 100 users (at least [`Self::MIN_GROUPS`]), 8 BMS policies, seed 1.
    pub fn with_users(users: u32) -> SynthOptions {
        SynthOptions {
            users,
            devices_per_user: 1.5,
            groups: Self::default_groups(users),
            policies: 8,
            seed: 1,
        }
    }

    /// The default number of groups for a tenant of `users` users.
    pub fn default_groups(users: u32) -> u32 {
        (users / 100).max(Self::MIN_GROUPS)
    }

    /// Checks the options; the message names the offending option as the CLI spells it.
    pub fn validate(&self) -> Result<(), OptionsError> {
        let fail = |m: String| Err(OptionsError(m));
        if self.users == 0 || self.users > Self::MAX_USERS {
            return fail(format!(
                "--users must be between 1 and {}, got {}",
                Self::MAX_USERS,
                self.users
            ));
        }
        if !self.devices_per_user.is_finite()
            || self.devices_per_user < 0.0
            || self.devices_per_user > Self::MAX_DEVICES_PER_USER
        {
            return fail(format!(
                "--devices-per-user must be between 0 and {}, got {}",
                Self::MAX_DEVICES_PER_USER,
                self.devices_per_user
            ));
        }
        if self.groups < Self::MIN_GROUPS || self.groups > self.users.max(Self::MIN_GROUPS) * 10 {
            return fail(format!(
                "--groups must be between {} and 10 per user, got {}",
                Self::MIN_GROUPS,
                self.groups
            ));
        }
        if self.policies == 0 || self.policies > Self::MAX_POLICIES {
            return fail(format!(
                "--policies must be between 1 and {}, got {}",
                Self::MAX_POLICIES,
                self.policies
            ));
        }
        Ok(())
    }
}

/// Invalid [`SynthOptions`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OptionsError(pub String);

impl From<OptionsError> for std::io::Error {
    fn from(e: OptionsError) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, e)
    }
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SynthSummary {
    pub users: u64,
    pub groups: u64,
    /// Direct membership edges written to `groupMembers/` (users, groups, devices, others).
    pub member_edges: u64,
    pub entra_devices: u64,
    pub managed_devices: u64,
    /// Managed devices whose management agent is BMS (`microsoft365ManagedMdm`).
    pub bms_managed_devices: u64,
    pub bms_policies: u64,
    pub intune_policies: u64,
    pub files: u64,
    pub bytes: u64,
}

impl fmt::Display for SynthSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} users, {} groups ({} direct memberships), {} Entra devices, {} managed devices ({} managed by BMS), {} BMS policies, {} Intune policies: {} files, {} bytes",
            self.users,
            self.groups,
            self.member_edges,
            self.entra_devices,
            self.managed_devices,
            self.bms_managed_devices,
            self.bms_policies,
            self.intune_policies,
            self.files,
            self.bytes
        )
    }
}

/// The caller's `write(relative path, bytes)`.
type Write<'a, E> = &'a mut dyn FnMut(&str, &[u8]) -> Result<(), E>;

/// Counts what goes through the caller's `write`.
pub(crate) struct Sink<'a, E> {
    write: Write<'a, E>,
    pub summary: SynthSummary,
}

impl<E> Sink<'_, E> {
    pub fn file(&mut self, relative: &str, bytes: &[u8]) -> Result<(), E> {
        self.summary.files += 1;
        self.summary.bytes += bytes.len() as u64;
        (self.write)(relative, bytes)
    }
}

/// Generates the snapshot described by `options`, handing every file to `write` as
/// `(relative path with forward slashes, bytes)`, e.g. `("graph/users/page-0001.json", …)`.
/// Files are produced one at a time (the largest is one Graph page of 999 objects, a few
/// megabytes); nothing else is kept in memory but group member lists.
pub fn generate<E: From<OptionsError>>(
    options: &SynthOptions,
    mut write: impl FnMut(&str, &[u8]) -> Result<(), E>,
) -> Result<SynthSummary, E> {
    options.validate()?;
    let mut sink = Sink {
        write: &mut write,
        summary: SynthSummary::default(),
    };
    let plan = tenant::TenantPlan::new(options);
    bms::write(&plan, &mut sink)?;
    graph::write(&plan, &mut sink)?;
    intune::write(&plan, &mut sink)?;
    Ok(sink.summary)
}

/// Generates the snapshot into the folder `out`, which must be absent or empty (created if
/// needed): it never writes over files it did not make. The command line's `synth --out`
/// also replaces its own earlier output, recognised by a marker file.
pub fn synthesize(options: &SynthOptions, out: &Path) -> std::io::Result<SynthSummary> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{}: not an empty folder", out.display()),
        ));
    }
    let mut made = std::collections::HashSet::new();
    generate(
        options,
        |relative: &str, bytes: &[u8]| -> std::io::Result<()> {
            let path = out.join(relative);
            if let Some(dir) = path.parent() {
                if made.insert(dir.to_path_buf()) {
                    std::fs::create_dir_all(dir)?;
                }
            }
            std::fs::write(&path, bytes)
        },
    )
}
