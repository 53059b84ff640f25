//! Tenant readiness assessment for a move from Microsoft 365 Basic Mobility and Security (BMS)
//! to Microsoft Intune: Microsoft's "Prepare" step, done by the tool.
//!
//! This crate is a functional core over the typed model: it reads a [`Tenant`] and an
//! [`AssessConfig`] and returns an [`Assessment`] of stable, evidence-backed findings. It does
//! no I/O (the caller reads the optional config file and passes its text to
//! [`AssessConfig::parse`]). Its parts:
//!
//! - [`membership`]: transitive group expansion over dense indexes and bitsets;
//! - [`targets`]: whom each BMS policy reaches;
//! - [`reach`]: which policy BMS applies per user and per device (the one rule every stage
//!   reads);
//! - [`licensing`]: Intune and BMS entitlements per user, free Intune seats;
//! - [`devices`]: device classification (BMS-managed, Windows kind, Android device
//!   administrator, user affinity);
//! - [`findings`]: the finding codes and their checks, run by [`assess`];
//! - [`render`]: the terminal table ([`render_table`]);
//! - [`config`]: dated OS floors and tenant-specific lists.
//!
//! The README ("Readiness findings") lists every code, its severity and what to do.
//!
//! [`Tenant`]: bms2intune_model::Tenant

pub mod bitset;
pub mod config;
pub mod devices;
pub mod findings;
pub mod licensing;
pub mod membership;
pub mod reach;
pub mod render;
pub mod targets;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;

pub use bitset::BitSet;
pub use config::{AssessConfig, ConfigError, Date, OsFloors, Version};
pub use findings::{
    assess, assess_with, Assessment, Code, Finding, ProposedGroup, Severity, Subject, SubjectId,
    SubjectKind, Summary,
};
pub use licensing::Licensing;
pub use membership::Membership;
pub use render::render_table;
pub use targets::BmsTargets;
