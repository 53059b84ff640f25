//! The Microsoft Graph edge of bms2intune: the only library crate that talks to the network.
//!
//! It owns signing in with the customer's own app registration (`auth`), a request/response
//! core that paces every request against Microsoft's documented per-service limits, retries
//! throttled and transient failures and decodes Graph's error JSON (`client`, `pacing`,
//! `retry`, `error`), the permission preflight (`preflight`) and `collect`, which reads a
//! tenant into the snapshot layout of `docs/snapshot.md` (`collect`, with its `$select` table
//! in `collections`). The pipeline crates never see any of this: they read the snapshot that
//! `collect` writes. Write methods (the apply issue) go through the same core.

// Graph errors carry the request's method, URL, Graph's code and message and both request IDs
// for the admin's support case; they occur once per failed request on a network path, where
// boxing them would save nothing measurable.
#![allow(clippy::result_large_err)]

pub mod auth;
pub mod client;
pub mod collect;
pub mod collections;
pub mod endpoint;
pub mod error;
pub mod pacing;
pub mod preflight;
pub mod retry;
pub mod secret;

pub use auth::{Connection, ConnectionFlags, Credential};
pub use client::{ClientOptions, GraphClient};
pub use endpoint::Endpoints;
pub use error::{AuthError, ConfigError, GraphError};
pub use secret::Secret;

/// Installs ring as rustls' process-wide crypto provider (idempotent). reqwest is built
/// without a provider of its own so that the build needs no cmake or nasm (aws-lc-rs does).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
