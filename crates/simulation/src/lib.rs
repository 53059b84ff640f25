//! Simulates the move before anything changes: for each user, device platform and setting,
//! what BMS enforces today and what Intune will enforce after the switch, and which Intune
//! objects will conflict (issue 5; `intune-behavior.md` §3, §4).
//!
//! The simulation is a pure function of the tenant, group membership, the BMS targets and the
//! mapping's recommendations ([`simulate`]). Users who share a BMS policy, a platform and the
//! set of Intune objects that reach them share one result ([`engine::Signature`]), so a
//! million-user tenant is resolved once per distinct signature, not once per user.
//!
//! Modules: [`strictness`] (which value is more restrictive; assumptions labelled),
//! [`resolve`] (Intune's per-setting conflict rules), [`objects`] (generated and existing
//! objects with their assignments), [`settings_catalog`] (the covered settings-catalog
//! definitions, as Graph properties), [`engine`] (signatures, outcomes, conflicts, totals),
//! [`baseline`] (the recommended baseline's impact, apart from parity's: devices that would
//! fall out of compliance).

pub mod baseline;
pub mod engine;
pub mod objects;
pub mod resolve;
pub mod settings_catalog;
pub mod strictness;
pub mod uncertain;

pub use engine::{
    simulate, AffectedUser, Conflict, Counts, Impact, ImpactRow, ObjectRef, Outcome,
    PlatformImpact, SettingImpact, SettingOutcome, Signature, Simulation, SimulationInput,
    UncheckedObject, UnplacedImpact,
};
pub use objects::{Origin, SimObject};
pub use resolve::{ObjectKind, Rule};
