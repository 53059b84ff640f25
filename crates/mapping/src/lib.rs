//! The bms2intune mapping engine: every BMS device policy becomes the Microsoft Graph request
//! bodies that create its Intune replacement, with a record of what happened to every
//! configured setting.
//!
//! [`map_export`] takes a [`bms2intune_model::BmsExport`] and [`MappingOptions`] and returns a
//! [`Mapping`]:
//!
//! * [`Recommendation`]s, one per Intune object, ordered by policy priority, then platform
//!   (Windows, iOS, Android device administrator, Android work profile, then the Conditional
//!   Access policy), then collection (compliance, configuration, email). Each carries the exact
//!   POST `body` (serialized from the typed structs of [`graph`]), its `file`
//!   (`graph/<api>/<collection>/<name>.json`), its include and exclude groups, and a
//!   [`SettingRecord`] for every configured BMS setting and platform it concerns, with a
//!   [`Fidelity`] (`exact`, `approximated`, `platform-limited`, `manual`, `not-migrated`).
//!   A platform where no setting lands in any object gets a record-only entry (`api: None`).
//! * a [`ClassicCaStatement`]: the five classic Conditional Access policies that must stay, and
//!   which groups they cover;
//! * [`SkippedPolicy`]s: `PendingDeletion`/`Deleted` policies or rules, policies without a rule,
//!   orphan rules.
//!
//! # What goes where (mapping.md §0)
//!
//! Block policies: access requirements → compliance policies (`windows10CompliancePolicy`,
//! `iosCompliancePolicy`, `androidCompliancePolicy`, `androidWorkProfileCompliancePolicy`),
//! configurations → configuration profiles. Allow policies: everything → configuration
//! profiles, never a compliance policy. `MaxPasswordAttemptsBeforeWipe` is always a
//! configuration profile. `RequireEmailProfile` = true → beta email profiles. An object is
//! emitted only when at least one setting lands in it.
//!
//! # Names
//!
//! `<policy>_O365_W` (Windows), `_O365_i` (iOS/iPadOS), `_O365_A` (Android device
//! administrator), and — our choice, Microsoft's map has none — **`_O365_AWP`** for Android
//! Enterprise personally-owned work-profile objects ([`naming::WORK_PROFILE_SUFFIX`]). Email
//! profiles add `_Email`; the Conditional Access policy is `<policy>_OfficeMDM`. A compliance
//! policy and a configuration profile of one platform share the name. The policy `Comment`
//! becomes every object's `description` (omitted when empty).
//!
//! # Assignments
//!
//! Include = the rule's `TargetGroups` (none for the all-zero "applies to no one" sentinel; the
//! object is still created, and a note says why). Exclude = the tenant `ExclusionList`
//! ([our rule]) plus, with `preserve_priority` (default), the target groups of every
//! higher-priority mappable policy, so a user keeps only the first matching policy as under BMS
//! ([our rule]). **Caveat:** Intune does not evaluate an exclusion of a *user* group against a
//! *device*-group assignment or the reverse: priority exclusions only hold when the policies
//! target the same kind of group. The Conditional Access policy excludes only the
//! `ExclusionList`: CA is additive and every Block policy required a compliant device through
//! the same classic policies.
//!
//! # Conditional Access (mapping.md §5, [our rule])
//!
//! Each Block policy also gets a v1.0 `conditionalAccessPolicy`, report-only
//! (`enabledForReportingButNotEnforced`): its groups, minus the `ExclusionList`, on iOS and
//! Android, for Exchange Online and SharePoint Online, client apps `mobileAppsAndDesktopClients`
//! and `exchangeActiveSync` (what the classic policies covered), grant `compliantDevice`. Its
//! recommendation has platform `mobile`.
//!
//! # Modules
//!
//! [`options`] (run options), [`table`] (the mapping rows), [`transform`] (buckets, ratings,
//! Android type), [`engine`] (walks the table, builds objects), [`graph`] (typed bodies),
//! [`naming`] (names and files), [`record`] (result types), [`baseline`] (the recommended
//! Intune baseline beyond parity, written apart under `baseline/`).

pub mod baseline;
pub mod engine;
pub mod graph;
pub mod naming;
pub mod options;
pub mod record;
pub mod table;
pub mod transform;

pub use engine::{map_export, CLASSIC_CA_POLICIES, EMAIL_REAUTH_WARNING};
pub use options::{AndroidTarget, InvalidAndroidTarget, MappingOptions};
pub use record::{
    Api, ClassicCaAssignment, ClassicCaStatement, Collection, Fidelity, Mapping, Recommendation,
    SettingRecord, SkippedPolicy, TargetPlatform,
};
