//! The typed model of one tenant, as every later stage sees it.
//!
//! This crate owns the vocabulary of bms2intune: BMS policies, rules and their tri-state
//! settings ([`bms`], [`setting`]), the directory with its users, groups, licences and devices
//! ([`directory`]), and what already exists in Intune ([`intune`]). It does no I/O: the
//! `snapshot` crate fills it from files, and `mapping`, `analysis` and `plan` read it.
//!
//! Identifiers are parsed once into [`Guid`] (a `u128`), and every collection is a dense `Vec`
//! addressed by a typed index ([`UserIx`], [`GroupIx`], …), so a million-user tenant stays
//! compact and joins are array lookups rather than string-keyed map probes.

pub mod bms;
pub mod date;
pub mod directory;
pub mod guid;
pub mod intune;
pub mod order;
pub mod setting;
pub mod tenant;

pub use bms::{BmsExport, BmsPolicy, BmsRule, Mode, PolicyKind, TenantSettings};
pub use date::{Day, Instant};
pub use directory::{
    DevicePlatform, Directory, EntraDevice, EntraDeviceIx, Group, GroupIx, ManagedDevice,
    ManagedDeviceIx, ManagementAgent, MdmAuthority, PlanIx, ServicePlan, Sku, SkuIx, User, UserIx,
};
pub use guid::{Guid, GuidText};
pub use intune::{
    Assignment, AssignmentFilter, AssignmentTarget, Assignments, CatalogSetting,
    ConditionalAccessPolicy, FilterMode, IntuneCollection, IntunePolicy, IntuneState, Unknown,
};
pub use setting::{BmsSetting, RuleSettings, SettingValue, ValueKind};
pub use tenant::{Part, Parts, Tenant};
