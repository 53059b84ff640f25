//! Simulates the move before anything changes: for each user, device platform and setting,
//! what BMS enforces today and what Intune will enforce after the switch, and which Intune
//! objects will conflict.
//!
//! The simulation is a pure function of the tenant, the mapping's recommendations and group
//! membership. Users who share group memberships and device platforms share one result, so a
//! million-user tenant is simulated once per distinct signature, not once per user.

pub mod resolve;
pub mod strictness;
