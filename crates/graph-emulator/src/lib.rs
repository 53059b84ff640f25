//! graph-emulator: a local Microsoft Graph that serves a bms2intune snapshot as Graph would,
//! so every test of the Graph client, `collect` and `apply` runs without a tenant.
//!
//! It issues tokens (client secret, verified certificate assertions, device code), serves
//! `/v1.0` and `/beta` with paging, `$select`, `$expand`, `$batch`, throttles at Microsoft's
//! documented limits, injects transient failures from a seeded generator, and accepts the
//! writes `apply` makes (validated against a generated subset of the v1.0 schema). State is
//! in memory. Start it in-process with [`Emulator::start`] or as the `graph-emulator` binary.

mod api;
mod app;
mod auth;
mod batch;
mod config;
mod device_status;
mod json;
mod jwt;
mod licensing;
mod odata;
mod owners;
mod principals;
mod reply;
mod schema;
mod server;
mod snapshot;
mod store;
mod throttle;
mod util;
mod writes;

pub use config::{Config, ThrottleMode, DEFAULT_ROLES};
pub use server::{Emulator, StartError};
pub use snapshot::LoadError;
pub use throttle::{Limit, Service, LIMITS};

/// Validates a create body for one of the collections the emulator writes
/// (`deviceCompliancePolicy`, `deviceConfiguration`, `conditionalAccessPolicy`, `group`) as
/// Graph v1.0 would; `Err` holds Graph's message.
pub fn validate_v1_body(entity_type: &str, body: &serde_json::Value) -> Result<String, String> {
    let t = schema::validate(entity_type, body, schema::Mode::Create)?;
    if entity_type == "deviceCompliancePolicy" && !schema::has_one_block_action(body) {
        return Err("Compliance policy must have one and only one block scheduled action".into());
    }
    Ok(t)
}
