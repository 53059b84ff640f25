//! Apply, verify and roll back one wave of `plan.json` → `steps`, without sockets.
//!
//! Shaped like quinn-proto: [`Apply`] and [`Rollback`] are state machines that say what to do
//! next ([`Action`]: a Graph read, a journaled write, a manual step to print, a journal mark,
//! done or refused) and take the tenant's answer back as plain data ([`Response`]). They never
//! touch the network or the disk. [`journal`] is the only SQLite code; [`drive`] is the small
//! loop a shell runs between a machine, the journal and a transport; [`status`] judges a wave
//! from plain data. The Graph shells that supply the transport and the `apply`, `rollback` and
//! `status` commands are in the CLI crate (`crates/cli/src/apply.rs`, `status.rs`).

pub mod decide;
pub mod drive;
pub mod http;
pub mod journal;
pub mod render;
pub mod rollback;
pub mod roster;
pub mod status;
pub mod steps;

#[cfg(test)]
mod fake_tenant;
#[cfg(test)]
mod tests;

pub use decide::{Action, Apply, ApplyInput, ExpectedVersion, Mode, Refusal};
pub use http::{Method, Request, Response};
pub use journal::{Entry, Intent, Journal, JournalError, JournalState, Outcome};
pub use render::{Line, Sign};
pub use rollback::Rollback;
pub use steps::{PlanHash, PlanView};
