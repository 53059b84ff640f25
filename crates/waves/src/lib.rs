//! Staging the move from Microsoft 365 Basic Mobility and Security (BMS) to Intune: step 3 of
//! Microsoft's guide ("assign the policies in stages") as a plan a change board can approve.
//! A user's Intune licence is what moves their devices, so the order of steps is the whole
//! game: every replacement object is created and assigned first, coexistence (one-way) is
//! turned on next, and only then are licences assigned, wave by wave, each wave gated by
//! measurable checks.
//!
//! [`plan_waves`] is a pure, deterministic function of the tenant and the earlier stages'
//! results (no I/O; the caller reads a `--waves` file and passes its text to
//! [`WavesFile::parse`]). It returns a [`Staging`]: `waves`, `steps`, `waveSelection`,
//! `licenseCapacity`, `unplacedUsers` and `stagingNotes`, meant to be flattened into
//! `plan.json`. [`validate`] checks the invariants on a finished staging.
//!
//! ```ignore
//! let membership = Membership::new(&tenant.directory);
//! let targets = BmsTargets::new(&tenant, &membership);
//! let licensing = Licensing::new(&tenant.directory, &config);
//! let mut options = WaveOptions::default();
//! if let Some(path) = waves_path {
//!     options.waves_file = Some(WavesFile::parse(&std::fs::read_to_string(path)?, &path.display().to_string())?);
//! }
//! let staging = plan_waves(&tenant, &membership, &targets, &licensing, &mapping, &assessment, &options)?;
//! debug_assert!(validate(&staging).is_ok());
//! ```
//!
//! # Who moves, and when
//!
//! The population is every user a BMS policy reaches ([`population`]): transitive members of
//! the target groups and primary users of devices in targeted device groups, minus the tenant
//! `ExclusionList` and disabled accounts. Each user needs either nothing (already holds
//! Intune: `held`), the Intune plan switched on in a licence they hold (`enable-plan`), or a
//! new seat (`new-seat`). Users are ordered by UPN (ASCII case-insensitive), then object ID.
//!
//! Waves are chosen automatically ([`select`]: a pilot with every already-licensed user, one
//! user per device platform and per BMS policy in force, up to 5 % of the users, at most 50;
//! then rings of 10 %, 25 % and the rest) or from a `--waves` file ([`spec`]). Already-licensed
//! users are always in wave 1: they switch the moment coexistence is turned on.
//!
//! Seats ([`seats`]): new seats come from SKUs with free Intune seats, standalone Intune SKUs
//! first, then the SKU with most free seats (ties: part number, SKU ID); each wave takes its
//! seats from one SKU when one has enough. When the seats run out, the wave being planned keeps
//! the users that fit and is the last; every later user is listed in `unplacedUsers` with
//! reason `license-capacity`, and `licenseCapacity.statement` says how many seats to buy (the
//! assessment's `license-shortfall` finding). Nothing is ever over-committed.
//!
//! # Steps
//!
//! Kinds: `create-group`, `add-group-members`, `create-policy`, `assign-policy`,
//! `enable-coexistence`, `assign-license`, `verify`, and after the waves
//! `enforce-conditional-access`, `keep-classic-conditional-access`, `remove-bms-policies`,
//! `schedule-actions`, `update-tenant-settings`. The order ([`steps`], [`closeout`]):
//!
//! 1. tenant-wide (`wave: null`): `create-policy` for every object of the mapping, then
//!    `assign-policy` for each device object (Conditional Access policies carry their groups
//!    in their body and are created report-only), then `create-group` for every licence group,
//!    then `verify:before-coexistence`, then `enable-coexistence` (manual, `reversible: false`);
//! 2. per wave `N`: for each licence group `add-group-members` then `assign-license`; an
//!    `assign-license` for users whose Intune plan only needs switching on; then `verify:wave-N`
//!    with the wave's exit gates. Wave `N + 1` depends on `verify:wave-N`.
//! 3. close-out (`wave: null`, after the last wave's `verify`): `verify:close-out` (nobody left
//!    on BMS), per report-only Conditional Access policy its `verify:report-only:<file>` gate
//!    and `enforce-conditional-access:<file>`, then `keep-classic-conditional-access`, then
//!    `remove-bms-policies` (manual PowerShell, `reversible: false`);
//! 4. the recommended baseline, every step `optional: "baseline"` (added by
//!    [`closeout::add_baseline`]; `apply` runs them only when asked, see
//!    [`closeout::runnable`]): `create-policy` of the notification template and its message,
//!    per baseline compliance policy `create-policy`, `schedule-actions` (its e-mail) and
//!    `assign-policy`, then `update-tenant-settings` (`secureByDefault`).
//!
//! `dependsOn` only names earlier steps; the invariants are listed in [`validate`].
//!
//! ## Step ids (stable, for `apply --step ID`)
//!
//! | kind | id |
//! |---|---|
//! | `create-policy` | `create-policy:<file>`, e.g. `create-policy:graph/v1.0/deviceCompliancePolicies/Sales_O365_i.json` |
//! | `assign-policy` | `assign-policy:<file>` |
//! | `create-group` | `create-group:<group>`; `<group>` is `wave-<N>-<sku part number, lower case, [a-z0-9-]>`, e.g. `create-group:wave-2-intune-a` |
//! | `add-group-members` | `add-group-members:<group>` |
//! | `assign-license` | `assign-license:<group>`, or `assign-license:wave-<N>:enable-plan` |
//! | `enable-coexistence` | `enable-coexistence` |
//! | `verify` | `verify:before-coexistence`, `verify:wave-<N>`, `verify:close-out`, `verify:report-only:<file>` |
//! | `enforce-conditional-access` | `enforce-conditional-access:<file>` |
//! | `keep-classic-conditional-access` | `keep-classic-conditional-access` |
//! | `remove-bms-policies` | `remove-bms-policies` |
//! | `schedule-actions` | `schedule-actions:<file>` (baseline) |
//! | `update-tenant-settings` | `update-tenant-settings:<file>` (baseline) |
//!
//! ## `target` per kind ([`StepTarget`]; every target has `displayName`)
//!
//! - `create-policy`: `file` (body, relative to the plan folder), `api` (`v1.0`/`beta`),
//!   `collection`, `endpoint` (POST path after `https://graph.microsoft.com/<api>`),
//!   `odataType`, `sourcePolicy` (BMS policy name), `platform`.
//! - `assign-policy`: the same, plus `include` and `exclude` (`[{id, displayName}]`: POST
//!   `<endpoint>/<created id>/assign` with a `groupAssignmentTarget` per include and an
//!   `exclusionGroupAssignmentTarget` per exclude) and `notFound` (group IDs of the
//!   recommendation missing from the directory, left out).
//! - `create-group`: `group` (key), `mailNickname`, `description`, `skuPartNumber`, `wave`
//!   (security group, assigned membership, `mailEnabled: false`). `apply` should reuse a group
//!   of the same display name.
//! - `add-group-members`: `group`, `wave`, `members` (`{license: "new-seat", sku}`: the wave's
//!   `members` to add), `count`.
//! - `assign-license`: group licences: `group`, `skuPartNumber`, `skuId`, `wave`, `members`,
//!   `count` (POST `/groups/<id>/assignLicense`); plan switch-on: `wave`, `members`
//!   (`{license: "enable-plan"}`), `count` (per user: remove the Intune plan from the
//!   `disabledPlans` of the licence that has it).
//! - `enable-coexistence`: `setting: "mdmAuthority"`, `value: "intune"` (manual: Intune admin
//!   center > Devices > Add MDM Authority).
//! - `verify`: `wave` and `count` (users) for a wave; the checks are the step's `checks` and the
//!   wave's `exitGates`. `verify:close-out`: `method: GET`, `read` (the query), `count: 0`.
//!   `verify:report-only:<file>`: `read` (sign-ins, `{id}` from the step named in `uses`),
//!   `header` (`Prefer: include-unknown-enum-members`), `setting`/`value`
//!   (`appliedConditionalAccessPolicies.result` = `reportOnlyFailure`), `count: 0`.
//! - `enforce-conditional-access`: `file`, `endpoint` (`…/policies/{id}`), `method: PATCH`,
//!   `uses` (the create step), `setting: "state"`, `value: "enabled"`, `previousValue`
//!   (`enabledForReportingButNotEnforced`, what the rollback writes back).
//! - `remove-bms-policies`: `commands` (Security & Compliance PowerShell, one per line).
//! - `schedule-actions`: `file` (the policy), `endpoint` (`…/{id}/scheduleActionsForRules`),
//!   `uses` (the template's create step); the body is
//!   `NotificationAction::request_body` of the baseline object.
//! - `update-tenant-settings`: `file`, `method: PATCH`, `read` (`/deviceManagement?$select=settings`),
//!   `setting`/`value`: read the block, change that member, write all of it back.
//! - Baseline `create-policy` of the notification message: `uses` (the template's create step,
//!   whose ID fills `{templateId}` in `endpoint`).
//!
//! Each step also carries `title`, `instructions` (what to click or run), `userImpact` (what
//! users see), `checks`, `reversible`, `manual`, `rollback`, and `optional` on the baseline's.
//!
//! # Modules
//!
//! [`types`] (the JSON shape), [`spec`] (options, waves file, errors), [`population`],
//! [`select`] (automatic and file rules), [`seats`] (SKU order and allocation), [`plan`]
//! ([`plan_waves`]), [`risks`] (findings per wave), [`text`] (switch window, gates, user
//! impact), [`steps`], [`closeout`] (after the last wave, and the optional baseline steps),
//! [`validate`].

pub mod closeout;
pub mod plan;
pub mod population;
pub mod risks;
pub mod seats;
pub mod select;
pub mod spec;
pub mod steps;
pub mod text;
pub mod types;
pub mod validate;

pub use plan::plan_waves;
pub use spec::{WaveError, WaveOptions, WaveRule, WaveSpec, WavesFile};
pub use types::{
    Capacity, ExitGate, GroupRef, LicenseNeed, MemberFilter, Optional, Selection, SkuCapacity,
    Staging, Step, StepKind, StepTarget, SwitchTiming, UnplacedReason, UnplacedUser, Wave,
    WaveLicense, WaveMember, WaveRisk,
};
pub use validate::validate;
