//! The mapping as data: one declarative [`Row`] per BMS setting × platform × policy kind ×
//! target object, transcribed from mapping.md (§1 access requirements, §1.1 Android type, §2
//! configurations, §3 PowerShell-only settings, §4 email, §6 work profile, §7 settings with no
//! target). The engine walks [`RULES`]; special cases are the named transforms of
//! [`crate::transform`], referenced through [`Xf`].
//!
//! A setting *concerns* a platform when it has at least one row for it: every configured
//! setting then gets one record per row that matches the policy kind, so nothing configured is
//! ever dropped silently. Android Enterprise work-profile rows (platform `P`) are all
//! [our rule] (mapping.md §6).

use crate::record::{Fidelity, TargetPlatform};
use crate::transform::{Buckets, RatingPart};
use bms2intune_model::{BmsSetting, PolicyKind};

/// Which policy kinds a row applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kinds {
    Block,
    Allow,
    Both,
}

impl Kinds {
    pub fn matches(self, kind: PolicyKind) -> bool {
        matches!(
            (self, kind),
            (Kinds::Both, _)
                | (Kinds::Block, PolicyKind::Block)
                | (Kinds::Allow, PolicyKind::Allow)
        )
    }
}

/// The object a row lands in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// The platform's compliance policy (Block policies' access requirements).
    Compliance,
    /// The platform's configuration profile.
    Configuration,
    /// The platform's email profile (beta).
    Email,
}

impl Target {
    pub const ALL: [Target; 3] = [Target::Compliance, Target::Configuration, Target::Email];
}

/// How the BMS value becomes the Graph value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Xf {
    /// A Boolean setting: when it equals the given value, the property is set to `true`; the
    /// other value is Intune's "not configured" (Intune has no "allow").
    Flag(bool),
    /// Like `Flag`, but the property is set to an enum member.
    FlagTo(bool, &'static str),
    /// An integer clamped to Intune's range; 0 = not configured.
    Int { min: i64, max: i64 },
    /// `PasswordMinComplexChars` → Windows character-set count.
    WindowsCharSets,
    /// `PasswordMinComplexChars` → iOS character-set count.
    IosCharSets,
    /// A TimeSpan rounded down to the accepted minutes.
    Minutes(Buckets),
    /// `passwordRequiredType` of an Android object (`androidRequiredPasswordType`): the
    /// strongest demand of the object's settings (§1.1).
    AndroidType,
    /// `passwordRequiredType` of a work-profile configuration
    /// (`androidWorkProfileRequiredPasswordType`, §6).
    WorkProfileType,
    /// `AppsRating` → `mediaContentRatingApps`.
    AppsRating,
    /// `RegionRatings` → the `mediaContentRating<Country>` property of the region.
    RatingRegion,
    /// `MoviesRating`/`TVShowsRating` → one member of that property.
    Rating(RatingPart),
    /// `RequireEmailProfile` = true → the platform's email profile (§4).
    EmailProfile,
    /// No Intune property: a record only, with the row's fidelity and note.
    NoTarget,
}

/// One mapping rule.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// Unique id: `Setting/Platform/Kinds/Target`.
    pub id: &'static str,
    pub setting: BmsSetting,
    pub platform: TargetPlatform,
    pub kinds: Kinds,
    pub target: Target,
    /// The Graph property set (for ratings: the region's property is computed).
    pub property: Option<&'static str>,
    pub xf: Xf,
    /// A second property set to a fixed enum member whenever the row sets its property.
    pub also: Option<(&'static str, &'static str)>,
    /// Fidelity when the value maps as is (transforms may degrade it).
    pub fidelity: Fidelity,
    pub note: &'static str,
    pub spec: &'static str,
    pub our_rule: bool,
}

impl Row {
    /// Only called through `row!`, which names every argument positionally like a table row.
    #[allow(clippy::too_many_arguments)]
    const fn new(
        id: &'static str,
        setting: BmsSetting,
        platform: TargetPlatform,
        kinds: Kinds,
        target: Target,
        property: Option<&'static str>,
        xf: Xf,
        fidelity: Fidelity,
        spec: &'static str,
    ) -> Row {
        Row {
            id,
            setting,
            platform,
            kinds,
            target,
            property,
            xf,
            also: None,
            fidelity,
            note: "",
            spec,
            // Every Android Enterprise work-profile row is a product decision (mapping.md §6).
            our_rule: matches!(platform, TargetPlatform::AndroidWorkProfile),
        }
    }

    const fn note(mut self, note: &'static str) -> Row {
        self.note = note;
        self
    }

    const fn ours(mut self) -> Row {
        self.our_rule = true;
        self
    }

    const fn also(mut self, property: &'static str, member: &'static str) -> Row {
        self.also = Some((property, member));
        self
    }
}

const W: TargetPlatform = TargetPlatform::Windows;
const I: TargetPlatform = TargetPlatform::Ios;
const A: TargetPlatform = TargetPlatform::AndroidDeviceAdmin;
const P: TargetPlatform = TargetPlatform::AndroidWorkProfile;
const C: Target = Target::Compliance;
const G: Target = Target::Configuration;
const E: Target = Target::Email;

use Fidelity::{Approximated, Exact, Manual, NotMigrated, PlatformLimited};
use Kinds::{Allow, Block, Both};

/// `row!(Setting, Platform, Kinds, Target, property, transform, Fidelity, "spec")`.
macro_rules! row {
    ($s:ident, $p:ident, $k:ident, $t:ident, $prop:expr, $xf:expr, $f:ident, $spec:literal) => {
        Row::new(
            concat!(
                stringify!($s),
                "/",
                stringify!($p),
                "/",
                stringify!($k),
                "/",
                stringify!($t)
            ),
            BmsSetting::$s,
            $p,
            $k,
            $t,
            $prop,
            $xf,
            $f,
            $spec,
        )
    };
}

const fn p(name: &'static str) -> Option<&'static str> {
    Some(name)
}

const NONE: Option<&'static str> = None;

const JAILBREAK_ON_ALLOW: &str = "AllowJailbroken exists only on Block (conditional access) rules, so an Allow rule \
                                  carrying it is unexpected; only a compliance policy can act on jailbroken devices: \
                                  decide whether this policy should become a Block policy";
const WINDOWS_ONLY: &str =
    "a Windows-only BMS setting with no Graph v1.0 property (mapping.md §7); configure it \
                            with Endpoint security or the settings catalog if it is still wanted";
const LEGACY_EAS: &str = "a legacy Exchange ActiveSync profile field (mapping.md §7); the email profile (§4) uses \
                          Microsoft's fixed values (outlook.office365.com, user principal name) instead";
const WP_NO_EQUIVALENT: &str =
    "androidWorkProfileGeneralDeviceConfiguration has no equivalent setting";

/// The mapping table.
#[rustfmt::skip]
pub static RULES: &[Row] = &[
    // ---- §1 Access requirements ------------------------------------------------------------
    row!(PasswordRequired, W, Block, C, p("passwordRequired"), Xf::Flag(true), Exact, "mapping.md §1 PasswordRequired"),
    row!(PasswordRequired, W, Allow, G, p("passwordRequired"), Xf::Flag(true), Exact, "mapping.md §1 PasswordRequired"),
    row!(PasswordRequired, I, Block, C, p("passcodeRequired"), Xf::Flag(true), Exact, "mapping.md §1 PasswordRequired"),
    row!(PasswordRequired, I, Allow, G, p("passcodeRequired"), Xf::Flag(true), Exact, "mapping.md §1 PasswordRequired"),
    row!(PasswordRequired, A, Block, C, p("passwordRequired"), Xf::Flag(true), Exact, "mapping.md §1 PasswordRequired, §1.1"),
    row!(PasswordRequired, A, Allow, G, p("passwordRequired"), Xf::Flag(true), Exact, "mapping.md §1 PasswordRequired, §1.1"),
    row!(PasswordRequired, P, Block, C, p("passwordRequired"), Xf::Flag(true), Exact, "mapping.md §1 PasswordRequired, §1.1, §6"),
    row!(PasswordRequired, P, Allow, G, p("passwordRequiredType"), Xf::WorkProfileType, Exact, "mapping.md §1 PasswordRequired, §1.1, §6")
        .note("the work-profile configuration has no passwordRequired: a required type expresses it"),
    row!(AllowSimplePassword, W, Block, C, p("passwordBlockSimple"), Xf::Flag(false), Exact, "mapping.md §1 AllowSimplePassword"),
    row!(AllowSimplePassword, W, Allow, G, p("passwordBlockSimple"), Xf::Flag(false), Exact, "mapping.md §1 AllowSimplePassword"),
    row!(AllowSimplePassword, I, Block, C, p("passcodeBlockSimple"), Xf::Flag(false), Exact, "mapping.md §1 AllowSimplePassword"),
    row!(AllowSimplePassword, I, Allow, G, p("passcodeBlockSimple"), Xf::Flag(false), Exact, "mapping.md §1 AllowSimplePassword"),
    row!(AllowSimplePassword, A, Block, C, p("passwordRequiredType"), Xf::AndroidType, Exact, "mapping.md §1 AllowSimplePassword, §1.1"),
    row!(AllowSimplePassword, A, Allow, G, p("passwordRequiredType"), Xf::AndroidType, Exact, "mapping.md §1 AllowSimplePassword, §1.1"),
    row!(AllowSimplePassword, P, Block, C, p("passwordRequiredType"), Xf::AndroidType, Exact, "mapping.md §1 AllowSimplePassword, §1.1, §6"),
    row!(AllowSimplePassword, P, Allow, G, p("passwordRequiredType"), Xf::WorkProfileType, Exact, "mapping.md §1 AllowSimplePassword, §1.1, §6"),
    row!(PasswordMinComplexChars, W, Block, C, p("passwordMinimumCharacterSetCount"), Xf::WindowsCharSets, Exact, "mapping.md §1 PasswordMinComplexChars")
        .also("passwordRequiredType", "alphanumeric"),
    row!(PasswordMinComplexChars, W, Allow, G, p("passwordMinimumCharacterSetCount"), Xf::WindowsCharSets, Exact, "mapping.md §1 PasswordMinComplexChars")
        .also("passwordRequiredType", "alphanumeric"),
    row!(PasswordMinComplexChars, I, Block, C, p("passcodeMinimumCharacterSetCount"), Xf::IosCharSets, Exact, "mapping.md §1 PasswordMinComplexChars")
        .also("passcodeRequiredType", "alphanumeric"),
    row!(PasswordMinComplexChars, I, Allow, G, p("passcodeMinimumCharacterSetCount"), Xf::IosCharSets, Exact, "mapping.md §1 PasswordMinComplexChars")
        .also("passcodeRequiredType", "alphanumeric"),
    row!(PasswordMinComplexChars, A, Block, C, p("passwordRequiredType"), Xf::AndroidType, Exact, "mapping.md §1 PasswordMinComplexChars, §1.1"),
    row!(PasswordMinComplexChars, A, Allow, G, p("passwordRequiredType"), Xf::AndroidType, Exact, "mapping.md §1 PasswordMinComplexChars, §1.1"),
    row!(PasswordMinComplexChars, P, Block, C, p("passwordRequiredType"), Xf::AndroidType, Exact, "mapping.md §1 PasswordMinComplexChars, §1.1, §6"),
    row!(PasswordMinComplexChars, P, Allow, G, p("passwordRequiredType"), Xf::WorkProfileType, Exact, "mapping.md §1 PasswordMinComplexChars, §1.1, §6"),
    row!(PasswordMinimumLength, W, Block, C, p("passwordMinimumLength"), Xf::Int { min: 4, max: 16 }, Exact, "mapping.md §1 PasswordMinimumLength"),
    row!(PasswordMinimumLength, W, Allow, G, p("passwordMinimumLength"), Xf::Int { min: 4, max: 16 }, Exact, "mapping.md §1 PasswordMinimumLength"),
    row!(PasswordMinimumLength, I, Block, C, p("passcodeMinimumLength"), Xf::Int { min: 4, max: 14 }, Exact, "mapping.md §1 PasswordMinimumLength"),
    row!(PasswordMinimumLength, I, Allow, G, p("passcodeMinimumLength"), Xf::Int { min: 4, max: 14 }, Exact, "mapping.md §1 PasswordMinimumLength"),
    row!(PasswordMinimumLength, A, Block, C, p("passwordMinimumLength"), Xf::Int { min: 4, max: 16 }, Exact, "mapping.md §1 PasswordMinimumLength, §1.1"),
    row!(PasswordMinimumLength, A, Allow, G, p("passwordMinimumLength"), Xf::Int { min: 4, max: 16 }, Exact, "mapping.md §1 PasswordMinimumLength, §1.1"),
    row!(PasswordMinimumLength, P, Block, C, p("passwordMinimumLength"), Xf::Int { min: 4, max: 16 }, Exact, "mapping.md §1 PasswordMinimumLength, §1.1, §6"),
    row!(PasswordMinimumLength, P, Allow, G, p("passwordMinimumLength"), Xf::Int { min: 4, max: 16 }, Exact, "mapping.md §1 PasswordMinimumLength, §1.1, §6"),
    row!(MaxPasswordAttemptsBeforeWipe, W, Both, G, p("passwordSignInFailureCountBeforeFactoryReset"), Xf::Int { min: 1, max: 999 }, Exact, "mapping.md §1 MaxPasswordAttemptsBeforeWipe")
        .note("always a configuration profile: it is not a compliance criterion"),
    row!(MaxPasswordAttemptsBeforeWipe, I, Both, G, p("passcodeSignInFailureCountBeforeWipe"), Xf::Int { min: 2, max: 11 }, Exact, "mapping.md §1 MaxPasswordAttemptsBeforeWipe")
        .note("always a configuration profile: it is not a compliance criterion"),
    row!(MaxPasswordAttemptsBeforeWipe, A, Both, G, p("passwordSignInFailureCountBeforeFactoryReset"), Xf::Int { min: 1, max: 16 }, Exact, "mapping.md §1 MaxPasswordAttemptsBeforeWipe")
        .note("always a configuration profile: it is not a compliance criterion"),
    row!(MaxPasswordAttemptsBeforeWipe, P, Both, G, p("passwordSignInFailureCountBeforeFactoryReset"), Xf::Int { min: 1, max: 16 }, Exact, "mapping.md §1 MaxPasswordAttemptsBeforeWipe, §6")
        .note("always a configuration profile: it is not a compliance criterion"),
    row!(PasswordTimeout, W, Block, C, p("passwordMinutesOfInactivityBeforeLock"), Xf::Minutes(Buckets::Windows), Exact, "mapping.md §1 PasswordTimeout"),
    row!(PasswordTimeout, W, Allow, G, p("passwordMinutesOfInactivityBeforeScreenTimeout"), Xf::Minutes(Buckets::Windows), Exact, "mapping.md §1 PasswordTimeout (Allow policies)")
        .ours(),
    row!(PasswordTimeout, I, Block, C, p("passcodeMinutesOfInactivityBeforeLock"), Xf::Minutes(Buckets::Ios), Exact, "mapping.md §1 PasswordTimeout"),
    row!(PasswordTimeout, I, Allow, G, p("passcodeMinutesOfInactivityBeforeScreenTimeout"), Xf::Minutes(Buckets::Ios), Exact, "mapping.md §1 PasswordTimeout (Allow policies)")
        .ours(),
    row!(PasswordTimeout, A, Block, C, p("passwordMinutesOfInactivityBeforeLock"), Xf::Minutes(Buckets::Android), Exact, "mapping.md §1 PasswordTimeout"),
    row!(PasswordTimeout, A, Allow, G, p("passwordMinutesOfInactivityBeforeScreenTimeout"), Xf::Minutes(Buckets::Android), Exact, "mapping.md §1 PasswordTimeout (Allow policies)")
        .ours(),
    row!(PasswordTimeout, P, Block, C, p("passwordMinutesOfInactivityBeforeLock"), Xf::Minutes(Buckets::Android), Exact, "mapping.md §1 PasswordTimeout, §6"),
    row!(PasswordTimeout, P, Allow, G, p("passwordMinutesOfInactivityBeforeScreenTimeout"), Xf::Minutes(Buckets::Android), Exact, "mapping.md §1 PasswordTimeout (Allow policies), §6"),
    row!(PasswordExpirationDays, W, Block, C, p("passwordExpirationDays"), Xf::Int { min: 1, max: 730 }, Exact, "mapping.md §1 PasswordExpirationDays"),
    row!(PasswordExpirationDays, W, Allow, G, p("passwordExpirationDays"), Xf::Int { min: 1, max: 730 }, Exact, "mapping.md §1 PasswordExpirationDays"),
    row!(PasswordExpirationDays, I, Block, C, p("passcodeExpirationDays"), Xf::Int { min: 1, max: 730 }, Exact, "mapping.md §1 PasswordExpirationDays")
        .note("Intune caps iOS expiration at 730 days"),
    row!(PasswordExpirationDays, I, Allow, G, p("passcodeExpirationDays"), Xf::Int { min: 1, max: 730 }, Exact, "mapping.md §1 PasswordExpirationDays")
        .note("Intune caps iOS expiration at 730 days"),
    row!(PasswordExpirationDays, A, Block, C, p("passwordExpirationDays"), Xf::Int { min: 1, max: 365 }, Exact, "mapping.md §1 PasswordExpirationDays, §1.1"),
    row!(PasswordExpirationDays, A, Allow, G, p("passwordExpirationDays"), Xf::Int { min: 1, max: 365 }, Exact, "mapping.md §1 PasswordExpirationDays, §1.1"),
    row!(PasswordExpirationDays, P, Block, C, p("passwordExpirationDays"), Xf::Int { min: 1, max: 365 }, Exact, "mapping.md §1 PasswordExpirationDays, §1.1, §6"),
    row!(PasswordExpirationDays, P, Allow, G, p("passwordExpirationDays"), Xf::Int { min: 1, max: 365 }, Exact, "mapping.md §1 PasswordExpirationDays, §1.1, §6"),
    row!(PasswordHistoryCount, W, Block, C, p("passwordPreviousPasswordBlockCount"), Xf::Int { min: 1, max: 24 }, Exact, "mapping.md §1 PasswordHistoryCount"),
    row!(PasswordHistoryCount, W, Allow, G, p("passwordPreviousPasswordBlockCount"), Xf::Int { min: 1, max: 50 }, Exact, "mapping.md §1 PasswordHistoryCount"),
    row!(PasswordHistoryCount, I, Block, C, p("passcodePreviousPasscodeBlockCount"), Xf::Int { min: 1, max: 24 }, Exact, "mapping.md §1 PasswordHistoryCount"),
    row!(PasswordHistoryCount, I, Allow, G, p("passcodePreviousPasscodeBlockCount"), Xf::Int { min: 1, max: 24 }, Exact, "mapping.md §1 PasswordHistoryCount"),
    row!(PasswordHistoryCount, A, Block, C, p("passwordPreviousPasswordBlockCount"), Xf::Int { min: 1, max: 24 }, Exact, "mapping.md §1 PasswordHistoryCount, §1.1"),
    row!(PasswordHistoryCount, A, Allow, G, p("passwordPreviousPasswordBlockCount"), Xf::Int { min: 1, max: 24 }, Exact, "mapping.md §1 PasswordHistoryCount, §1.1"),
    row!(PasswordHistoryCount, P, Block, C, p("passwordPreviousPasswordBlockCount"), Xf::Int { min: 1, max: 24 }, Exact, "mapping.md §1 PasswordHistoryCount, §1.1, §6"),
    row!(PasswordHistoryCount, P, Allow, G, p("passwordPreviousPasswordBlockCount"), Xf::Int { min: 1, max: 24 }, Exact, "mapping.md §1 PasswordHistoryCount, §1.1, §6"),
    row!(PhoneMemoryEncrypted, A, Block, C, p("storageRequireEncryption"), Xf::Flag(true), Exact, "mapping.md §1 PhoneMemoryEncrypted"),
    row!(PhoneMemoryEncrypted, A, Allow, G, p("storageRequireDeviceEncryption"), Xf::Flag(true), Exact, "mapping.md §1 PhoneMemoryEncrypted"),
    row!(PhoneMemoryEncrypted, P, Block, C, p("storageRequireEncryption"), Xf::Flag(true), Exact, "mapping.md §1 PhoneMemoryEncrypted, §6"),
    row!(PhoneMemoryEncrypted, P, Allow, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §1 PhoneMemoryEncrypted, §6")
        .note("androidWorkProfileGeneralDeviceConfiguration has no encryption setting; only a work-profile compliance policy (storageRequireEncryption) can require it"),
    row!(AllowJailbroken, I, Block, C, p("securityBlockJailbrokenDevices"), Xf::Flag(false), Exact, "mapping.md §1 AllowJailbroken"),
    row!(AllowJailbroken, A, Block, C, p("securityBlockJailbrokenDevices"), Xf::Flag(false), Exact, "mapping.md §1 AllowJailbroken"),
    row!(AllowJailbroken, P, Block, C, p("securityBlockJailbrokenDevices"), Xf::Flag(false), PlatformLimited, "mapping.md §1 AllowJailbroken, §6")
        .note("Intune honours it for device administrator; on work-profile devices rooting is detected through Play Integrity (securityRequireSafetyNetAttestationBasicIntegrity), which you may want to add"),
    row!(AllowJailbroken, I, Allow, G, NONE, Xf::NoTarget, Manual, "mapping.md §0, §1 AllowJailbroken").note(JAILBREAK_ON_ALLOW),
    row!(AllowJailbroken, A, Allow, G, NONE, Xf::NoTarget, Manual, "mapping.md §0, §1 AllowJailbroken").note(JAILBREAK_ON_ALLOW),
    row!(AllowJailbroken, P, Allow, G, NONE, Xf::NoTarget, Manual, "mapping.md §0, §1 AllowJailbroken, §6").note(JAILBREAK_ON_ALLOW),
    row!(RequireEmailProfile, W, Both, E, NONE, Xf::EmailProfile, Exact, "mapping.md §1 RequireEmailProfile, §4"),
    row!(RequireEmailProfile, I, Both, E, NONE, Xf::EmailProfile, Exact, "mapping.md §1 RequireEmailProfile, §4"),
    row!(RequireEmailProfile, I, Block, C, p("managedEmailProfileRequired"), Xf::Flag(true), Exact, "mapping.md §1 RequireEmailProfile")
        .note("the device must use the email profile deployed by Intune"),
    row!(RequireEmailProfile, A, Both, E, NONE, Xf::EmailProfile, PlatformLimited, "mapping.md §1 RequireEmailProfile, §4")
        .note("Samsung Knox native mail only (BMS supported it on Knox only)"),
    row!(RequireEmailProfile, P, Both, G, NONE, Xf::NoTarget, Manual, "mapping.md §1 RequireEmailProfile, §4, §6")
        .note("no work-profile email profile is generated: deploy Outlook through managed Google Play with an app configuration policy"),
    // ---- §2 Configurations -----------------------------------------------------------------
    row!(ForceEncryptedBackup, I, Both, G, p("iCloudRequireEncryptedBackup"), Xf::Flag(true), Exact, "mapping.md §2 ForceEncryptedBackup"),
    row!(AllowICloudBackup, I, Both, G, p("iCloudBlockBackup"), Xf::Flag(false), PlatformLimited, "mapping.md §2 AllowiCloudBackup")
        .note("supervised iOS only"),
    row!(AllowICloudDocSync, I, Both, G, p("iCloudBlockDocumentSync"), Xf::Flag(false), PlatformLimited, "mapping.md §2 AllowiCloudDocSync")
        .note("supervised iOS only"),
    row!(AllowICloudPhotoSync, I, Both, G, p("iCloudBlockPhotoStreamSync"), Xf::Flag(false), Exact, "mapping.md §2 AllowiCloudPhotoSync"),
    row!(AllowScreenshot, W, Both, G, p("screenCaptureBlocked"), Xf::Flag(false), PlatformLimited, "mapping.md §2 AllowScreenshot")
        .note("Windows Mobile only"),
    row!(AllowScreenshot, I, Both, G, p("screenCaptureBlocked"), Xf::Flag(false), Exact, "mapping.md §2 AllowScreenshot"),
    row!(AllowScreenshot, A, Both, G, p("screenCaptureBlocked"), Xf::Flag(false), PlatformLimited, "mapping.md §2 AllowScreenshot")
        .note("Samsung Knox only"),
    row!(AllowScreenshot, P, Both, G, p("workProfileBlockScreenCapture"), Xf::Flag(false), Approximated, "mapping.md §2 AllowScreenshot, §6")
        .note("blocks screen capture in the work profile only"),
    row!(AllowVideoConferencing, I, Both, G, p("faceTimeBlocked"), Xf::Flag(false), PlatformLimited, "mapping.md §2 AllowVideoConferencing")
        .note("supervised iOS only"),
    row!(AllowDiagnosticSubmission, W, Both, G, p("diagnosticsDataSubmissionMode"), Xf::FlagTo(false, "none"), Exact, "mapping.md §2 AllowDiagnosticSubmission")
        .note("none is Windows' \"Security\" level"),
    row!(AllowDiagnosticSubmission, I, Both, G, p("diagnosticDataBlockSubmission"), Xf::Flag(false), Exact, "mapping.md §2 AllowDiagnosticSubmission"),
    row!(AllowDiagnosticSubmission, A, Both, G, p("diagnosticDataBlockSubmission"), Xf::Flag(false), PlatformLimited, "mapping.md §2 AllowDiagnosticSubmission")
        .note("Samsung Knox only"),
    row!(AllowDiagnosticSubmission, P, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §2 AllowDiagnosticSubmission, §6").note(WP_NO_EQUIVALENT),
    row!(AllowAppStore, W, Both, G, p("windowsStoreBlocked"), Xf::Flag(false), PlatformLimited, "mapping.md §2 AllowAppStore")
        .note("Windows Mobile only"),
    row!(AllowAppStore, I, Both, G, p("appStoreBlocked"), Xf::Flag(false), PlatformLimited, "mapping.md §2 AllowAppStore")
        .note("supervised iOS only"),
    row!(AllowAppStore, A, Both, G, p("googlePlayStoreBlocked"), Xf::Flag(false), PlatformLimited, "mapping.md §2 AllowAppStore")
        .note("Samsung Knox only"),
    row!(AllowAppStore, P, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §2 AllowAppStore, §6")
        .note("the work profile's store is managed Google Play, controlled by app approval"),
    row!(ForceAppStorePassword, I, Both, G, p("appStoreRequirePassword"), Xf::Flag(true), Exact, "mapping.md §2 ForceAppStorePassword")
        .note("Apple requires the password for purchases, not for store access"),
    row!(EnableRemovableStorage, W, Both, G, p("storageBlockRemovableStorage"), Xf::Flag(false), Exact, "mapping.md §2 EnableRemovableStorage"),
    row!(EnableRemovableStorage, A, Both, G, p("storageBlockRemovableStorage"), Xf::Flag(false), PlatformLimited, "mapping.md §2 EnableRemovableStorage")
        .note("Samsung Knox only"),
    row!(EnableRemovableStorage, P, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §2 EnableRemovableStorage, §6").note(WP_NO_EQUIVALENT),
    row!(BluetoothEnabled, W, Both, G, p("bluetoothBlocked"), Xf::Flag(false), Exact, "mapping.md §2 BluetoothEnabled"),
    row!(BluetoothEnabled, A, Both, G, p("bluetoothBlocked"), Xf::Flag(false), PlatformLimited, "mapping.md §2 BluetoothEnabled")
        .note("Samsung Knox only"),
    row!(BluetoothEnabled, P, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §2 BluetoothEnabled, §6").note(WP_NO_EQUIVALENT),
    // ---- §3 PowerShell-only settings -------------------------------------------------------
    row!(CameraEnabled, W, Both, G, p("cameraBlocked"), Xf::Flag(false), Exact, "mapping.md §3 CameraEnabled"),
    row!(CameraEnabled, I, Both, G, p("cameraBlocked"), Xf::Flag(false), PlatformLimited, "mapping.md §3 CameraEnabled")
        .note("needs a supervised device from iOS 13"),
    row!(CameraEnabled, A, Both, G, p("cameraBlocked"), Xf::Flag(false), Exact, "mapping.md §3 CameraEnabled"),
    row!(CameraEnabled, P, Both, G, p("workProfileBlockCamera"), Xf::Flag(false), Approximated, "mapping.md §3 CameraEnabled, §6")
        .note("blocks the camera in the work profile only"),
    row!(AllowVoiceDialing, I, Both, G, p("voiceDialingBlocked"), Xf::Flag(false), Exact, "mapping.md §3 AllowVoiceDialing"),
    row!(AllowVoiceAssistant, I, Both, G, p("siriBlocked"), Xf::Flag(false), Exact, "mapping.md §3 AllowVoiceAssistant"),
    row!(AllowAssistantWhileLocked, I, Both, G, p("siriBlockedWhenLocked"), Xf::Flag(false), Exact, "mapping.md §3 AllowAssistantWhileLocked"),
    row!(AllowPassbookWhileLocked, I, Both, G, p("lockScreenBlockPassbook"), Xf::Flag(false), Exact, "mapping.md §3 AllowPassbookWhileLocked"),
    row!(SystemSecurityTls, I, Both, G, p("certificatesBlockUntrustedTlsCertificates"), Xf::Flag(true), Exact, "mapping.md §3 SystemSecurityTLS"),
    row!(MaxPasswordGracePeriod, I, Both, G, p("passcodeMinutesOfInactivityBeforeLock"), Xf::Minutes(Buckets::IosGracePeriod), Exact, "mapping.md §3 MaxPasswordGracePeriod")
        .note("minutes after the screen locks before the passcode is required"),
    row!(PasswordQuality, A, Both, G, p("passwordRequiredType"), Xf::AndroidType, Exact, "mapping.md §1.1 PasswordQuality, §3"),
    row!(PasswordQuality, P, Both, G, p("passwordRequiredType"), Xf::WorkProfileType, Exact, "mapping.md §1.1 PasswordQuality, §3, §6"),
    row!(PasswordComplexity, W, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7 PasswordComplexity")
        .note("undocumented BMS setting (internally a password type); no Intune target"),
    row!(PasswordComplexity, I, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7 PasswordComplexity")
        .note("undocumented BMS setting (internally a password type); no Intune target"),
    row!(PasswordComplexity, A, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7 PasswordComplexity")
        .note("undocumented BMS setting (internally a password type); no Intune target"),
    row!(PasswordComplexity, P, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7 PasswordComplexity, §6")
        .note("undocumented BMS setting (internally a password type); no Intune target"),
    row!(RegionRatings, I, Both, G, NONE, Xf::RatingRegion, Exact, "mapping.md §3 RegionRatings, §3.1"),
    row!(MoviesRating, I, Both, G, NONE, Xf::Rating(RatingPart::Movies), Exact, "mapping.md §3 MoviesRating, §3.1"),
    row!(TvShowsRating, I, Both, G, NONE, Xf::Rating(RatingPart::Tv), Exact, "mapping.md §3 TVShowsRating, §3.1"),
    row!(AppsRating, I, Both, G, p("mediaContentRatingApps"), Xf::AppsRating, Exact, "mapping.md §3 AppsRating"),
    // ---- §7 Windows-only settings with no target -------------------------------------------
    row!(AllowConvenienceLogon, W, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(WINDOWS_ONLY),
    row!(UserAccountControlStatus, W, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(WINDOWS_ONLY),
    row!(FirewallStatus, W, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(WINDOWS_ONLY),
    row!(AutoUpdateStatus, W, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(WINDOWS_ONLY),
    row!(AntiVirusStatus, W, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(WINDOWS_ONLY),
    row!(AntiVirusSignatureStatus, W, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(WINDOWS_ONLY),
    row!(SmartScreenEnabled, W, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(WINDOWS_ONLY),
    row!(WorkFoldersSyncUrl, W, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(WINDOWS_ONLY),
    row!(WlanEnabled, W, Both, G, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(WINDOWS_ONLY),
    // ---- §7 Legacy Exchange ActiveSync profile fields (BMS email profiles: iOS, Samsung Knox) --
    row!(AccountName, I, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(AccountName, A, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(AccountUserName, I, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(AccountUserName, A, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(EmailAddress, I, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(EmailAddress, A, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(ExchangeActiveSyncHost, I, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(ExchangeActiveSyncHost, A, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(UseSsl, I, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(UseSsl, A, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(AllowMove, I, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(AllowMove, A, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(AllowRecentAddressSyncing, I, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(AllowRecentAddressSyncing, A, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(DaysToSync, I, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(DaysToSync, A, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(ContentType, I, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(ContentType, A, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(UseSmime, I, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(UseSmime, A, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(SyncSchedule, I, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(SyncSchedule, A, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(UseOnlyInEmail, I, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
    row!(UseOnlyInEmail, A, Both, E, NONE, Xf::NoTarget, NotMigrated, "mapping.md §7").note(LEGACY_EAS),
];

/// The rows of one setting for one platform and policy kind, in table order.
pub fn rows_for(
    setting: BmsSetting,
    platform: TargetPlatform,
    kind: PolicyKind,
) -> impl Iterator<Item = &'static Row> {
    RULES
        .iter()
        .filter(move |r| r.setting == setting && r.platform == platform && r.kinds.matches(kind))
}

/// The platforms a setting concerns for a policy kind (those with at least one row).
pub fn platforms_of(setting: BmsSetting, kind: PolicyKind) -> Vec<TargetPlatform> {
    TargetPlatform::DEVICE
        .into_iter()
        .filter(|&p| rows_for(setting, p, kind).next().is_some())
        .collect()
}
