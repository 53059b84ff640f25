//! Property tests: for arbitrary rule settings, every configured setting is recorded on every
//! platform it concerns, no unconfigured setting ever appears, and every body holds only
//! properties its Graph type has.

mod common;

use bms2intune_mapping::table::{platforms_of, RULES};
use bms2intune_mapping::{
    map_export, AndroidTarget, Api, Collection, MappingOptions, TargetPlatform,
};
use bms2intune_model::setting::ValueKind;
use bms2intune_model::{BmsSetting, PolicyKind, RuleSettings, SettingValue};
use common::*;
use proptest::prelude::*;
use proptest::sample::select;
use std::collections::BTreeSet;

/// Properties each v1.0 type accepts in a request body.
#[rustfmt::skip]
const ALLOWED: &[(&str, &[&str])] = &[
// Generated from Microsoft Graph v1.0 metadata (msgraph-metadata schemas/v1.0-Prod.csdl): every
// property (and contained navigation property) of each type, less server-set ones.
    ("windows10CompliancePolicy", &[
        "description", "displayName", "assignments", "deviceSettingStateSummaries", "deviceStatuses",
        "deviceStatusOverview", "scheduledActionsForRule", "userStatuses", "userStatusOverview",
        "bitLockerEnabled", "codeIntegrityEnabled", "earlyLaunchAntiMalwareDriverEnabled",
        "mobileOsMaximumVersion", "mobileOsMinimumVersion", "osMaximumVersion", "osMinimumVersion",
        "passwordBlockSimple", "passwordExpirationDays", "passwordMinimumCharacterSetCount",
        "passwordMinimumLength", "passwordMinutesOfInactivityBeforeLock",
        "passwordPreviousPasswordBlockCount", "passwordRequired", "passwordRequiredToUnlockFromIdle",
        "passwordRequiredType", "requireHealthyDeviceReport", "secureBootEnabled", "storageRequireEncryption",
    ]),
    ("iosCompliancePolicy", &[
        "description", "displayName", "assignments", "deviceSettingStateSummaries", "deviceStatuses",
        "deviceStatusOverview", "scheduledActionsForRule", "userStatuses", "userStatusOverview",
        "deviceThreatProtectionEnabled", "deviceThreatProtectionRequiredSecurityLevel",
        "managedEmailProfileRequired", "osMaximumVersion", "osMinimumVersion", "passcodeBlockSimple",
        "passcodeExpirationDays", "passcodeMinimumCharacterSetCount", "passcodeMinimumLength",
        "passcodeMinutesOfInactivityBeforeLock", "passcodePreviousPasscodeBlockCount", "passcodeRequired",
        "passcodeRequiredType", "securityBlockJailbrokenDevices",
    ]),
    ("androidCompliancePolicy", &[
        "description", "displayName", "assignments", "deviceSettingStateSummaries", "deviceStatuses",
        "deviceStatusOverview", "scheduledActionsForRule", "userStatuses", "userStatusOverview",
        "deviceThreatProtectionEnabled", "deviceThreatProtectionRequiredSecurityLevel",
        "minAndroidSecurityPatchLevel", "osMaximumVersion", "osMinimumVersion", "passwordExpirationDays",
        "passwordMinimumLength", "passwordMinutesOfInactivityBeforeLock",
        "passwordPreviousPasswordBlockCount", "passwordRequired", "passwordRequiredType",
        "securityBlockJailbrokenDevices", "securityDisableUsbDebugging",
        "securityPreventInstallAppsFromUnknownSources", "securityRequireCompanyPortalAppIntegrity",
        "securityRequireGooglePlayServices", "securityRequireSafetyNetAttestationBasicIntegrity",
        "securityRequireSafetyNetAttestationCertifiedDevice", "securityRequireUpToDateSecurityProviders",
        "securityRequireVerifyApps", "storageRequireEncryption",
    ]),
    ("androidWorkProfileCompliancePolicy", &[
        "description", "displayName", "assignments", "deviceSettingStateSummaries", "deviceStatuses",
        "deviceStatusOverview", "scheduledActionsForRule", "userStatuses", "userStatusOverview",
        "deviceThreatProtectionEnabled", "deviceThreatProtectionRequiredSecurityLevel",
        "minAndroidSecurityPatchLevel", "osMaximumVersion", "osMinimumVersion", "passwordExpirationDays",
        "passwordMinimumLength", "passwordMinutesOfInactivityBeforeLock",
        "passwordPreviousPasswordBlockCount", "passwordRequired", "passwordRequiredType",
        "securityBlockJailbrokenDevices", "securityDisableUsbDebugging",
        "securityPreventInstallAppsFromUnknownSources", "securityRequireCompanyPortalAppIntegrity",
        "securityRequireGooglePlayServices", "securityRequireSafetyNetAttestationBasicIntegrity",
        "securityRequireSafetyNetAttestationCertifiedDevice", "securityRequireUpToDateSecurityProviders",
        "securityRequireVerifyApps", "storageRequireEncryption",
    ]),
    ("windows10GeneralConfiguration", &[
        "description", "displayName", "assignments", "deviceSettingStateSummaries", "deviceStatuses",
        "deviceStatusOverview", "userStatuses", "userStatusOverview",
        "accountsBlockAddingNonMicrosoftAccountEmail", "antiTheftModeBlocked",
        "appsAllowTrustedAppsSideloading", "appsBlockWindowsStoreOriginatedApps", "bluetoothAllowedServices",
        "bluetoothBlockAdvertising", "bluetoothBlockDiscoverableMode", "bluetoothBlocked",
        "bluetoothBlockPrePairing", "cameraBlocked", "cellularBlockDataWhenRoaming", "cellularBlockVpn",
        "cellularBlockVpnWhenRoaming", "certificatesBlockManualRootCertificateInstallation",
        "connectedDevicesServiceBlocked", "copyPasteBlocked", "cortanaBlocked", "defenderBlockEndUserAccess",
        "defenderCloudBlockLevel", "defenderDaysBeforeDeletingQuarantinedMalware",
        "defenderDetectedMalwareActions", "defenderFileExtensionsToExclude",
        "defenderFilesAndFoldersToExclude", "defenderMonitorFileActivity", "defenderProcessesToExclude",
        "defenderPromptForSampleSubmission", "defenderRequireBehaviorMonitoring",
        "defenderRequireCloudProtection", "defenderRequireNetworkInspectionSystem",
        "defenderRequireRealTimeMonitoring", "defenderScanArchiveFiles", "defenderScanDownloads",
        "defenderScanIncomingMail", "defenderScanMappedNetworkDrivesDuringFullScan", "defenderScanMaxCpu",
        "defenderScanNetworkFiles", "defenderScanRemovableDrivesDuringFullScan",
        "defenderScanScriptsLoadedInInternetExplorer", "defenderScanType", "defenderScheduledQuickScanTime",
        "defenderScheduledScanTime", "defenderSignatureUpdateIntervalInHours", "defenderSystemScanSchedule",
        "developerUnlockSetting", "deviceManagementBlockFactoryResetOnMobile",
        "deviceManagementBlockManualUnenroll", "diagnosticsDataSubmissionMode",
        "edgeAllowStartPagesModification", "edgeBlockAccessToAboutFlags", "edgeBlockAddressBarDropdown",
        "edgeBlockAutofill", "edgeBlockCompatibilityList", "edgeBlockDeveloperTools", "edgeBlocked",
        "edgeBlockExtensions", "edgeBlockInPrivateBrowsing", "edgeBlockJavaScript",
        "edgeBlockLiveTileDataCollection", "edgeBlockPasswordManager", "edgeBlockPopups",
        "edgeBlockSearchSuggestions", "edgeBlockSendingDoNotTrackHeader",
        "edgeBlockSendingIntranetTrafficToInternetExplorer", "edgeClearBrowsingDataOnExit",
        "edgeCookiePolicy", "edgeDisableFirstRunPage", "edgeEnterpriseModeSiteListLocation",
        "edgeFirstRunUrl", "edgeHomepageUrls", "edgeRequireSmartScreen", "edgeSearchEngine",
        "edgeSendIntranetTrafficToInternetExplorer", "edgeSyncFavoritesWithInternetExplorer",
        "enterpriseCloudPrintDiscoveryEndPoint", "enterpriseCloudPrintDiscoveryMaxLimit",
        "enterpriseCloudPrintMopriaDiscoveryResourceIdentifier", "enterpriseCloudPrintOAuthAuthority",
        "enterpriseCloudPrintOAuthClientIdentifier", "enterpriseCloudPrintResourceIdentifier",
        "experienceBlockDeviceDiscovery", "experienceBlockErrorDialogWhenNoSIM",
        "experienceBlockTaskSwitcher", "gameDvrBlocked", "internetSharingBlocked", "locationServicesBlocked",
        "lockScreenAllowTimeoutConfiguration", "lockScreenBlockActionCenterNotifications",
        "lockScreenBlockCortana", "lockScreenBlockToastNotifications", "lockScreenTimeoutInSeconds",
        "logonBlockFastUserSwitching", "microsoftAccountBlocked", "microsoftAccountBlockSettingsSync",
        "networkProxyApplySettingsDeviceWide", "networkProxyAutomaticConfigurationUrl",
        "networkProxyDisableAutoDetect", "networkProxyServer", "nfcBlocked", "oneDriveDisableFileSync",
        "passwordBlockSimple", "passwordExpirationDays", "passwordMinimumCharacterSetCount",
        "passwordMinimumLength", "passwordMinutesOfInactivityBeforeScreenTimeout",
        "passwordPreviousPasswordBlockCount", "passwordRequired", "passwordRequiredType",
        "passwordRequireWhenResumeFromIdleState", "passwordSignInFailureCountBeforeFactoryReset",
        "personalizationDesktopImageUrl", "personalizationLockScreenImageUrl", "privacyAdvertisingId",
        "privacyAutoAcceptPairingAndConsentPrompts", "privacyBlockInputPersonalization",
        "resetProtectionModeBlocked", "safeSearchFilter", "screenCaptureBlocked", "searchBlockDiacritics",
        "searchDisableAutoLanguageDetection", "searchDisableIndexerBackoff",
        "searchDisableIndexingEncryptedItems", "searchDisableIndexingRemovableDrive",
        "searchEnableAutomaticIndexSizeManangement", "searchEnableRemoteQueries", "settingsBlockAccountsPage",
        "settingsBlockAddProvisioningPackage", "settingsBlockAppsPage", "settingsBlockChangeLanguage",
        "settingsBlockChangePowerSleep", "settingsBlockChangeRegion", "settingsBlockChangeSystemTime",
        "settingsBlockDevicesPage", "settingsBlockEaseOfAccessPage", "settingsBlockEditDeviceName",
        "settingsBlockGamingPage", "settingsBlockNetworkInternetPage", "settingsBlockPersonalizationPage",
        "settingsBlockPrivacyPage", "settingsBlockRemoveProvisioningPackage", "settingsBlockSettingsApp",
        "settingsBlockSystemPage", "settingsBlockTimeLanguagePage", "settingsBlockUpdateSecurityPage",
        "sharedUserAppDataAllowed", "smartScreenBlockPromptOverride",
        "smartScreenBlockPromptOverrideForFiles", "smartScreenEnableAppInstallControl",
        "startBlockUnpinningAppsFromTaskbar", "startMenuAppListVisibility",
        "startMenuHideChangeAccountSettings", "startMenuHideFrequentlyUsedApps", "startMenuHideHibernate",
        "startMenuHideLock", "startMenuHidePowerButton", "startMenuHideRecentJumpLists",
        "startMenuHideRecentlyAddedApps", "startMenuHideRestartOptions", "startMenuHideShutDown",
        "startMenuHideSignOut", "startMenuHideSleep", "startMenuHideSwitchAccount", "startMenuHideUserTile",
        "startMenuLayoutEdgeAssetsXml", "startMenuLayoutXml", "startMenuMode",
        "startMenuPinnedFolderDocuments", "startMenuPinnedFolderDownloads",
        "startMenuPinnedFolderFileExplorer", "startMenuPinnedFolderHomeGroup", "startMenuPinnedFolderMusic",
        "startMenuPinnedFolderNetwork", "startMenuPinnedFolderPersonalFolder",
        "startMenuPinnedFolderPictures", "startMenuPinnedFolderSettings", "startMenuPinnedFolderVideos",
        "storageBlockRemovableStorage", "storageRequireMobileDeviceEncryption",
        "storageRestrictAppDataToSystemVolume", "storageRestrictAppInstallToSystemVolume",
        "tenantLockdownRequireNetworkDuringOutOfBoxExperience", "usbBlocked", "voiceRecordingBlocked",
        "webRtcBlockLocalhostIpAddress", "wiFiBlockAutomaticConnectHotspots", "wiFiBlocked",
        "wiFiBlockManualConfiguration", "wiFiScanInterval", "windowsSpotlightBlockConsumerSpecificFeatures",
        "windowsSpotlightBlocked", "windowsSpotlightBlockOnActionCenter",
        "windowsSpotlightBlockTailoredExperiences", "windowsSpotlightBlockThirdPartyNotifications",
        "windowsSpotlightBlockWelcomeExperience", "windowsSpotlightBlockWindowsTips",
        "windowsSpotlightConfigureOnLockScreen", "windowsStoreBlockAutoUpdate", "windowsStoreBlocked",
        "windowsStoreEnablePrivateStoreOnly", "wirelessDisplayBlockProjectionToThisDevice",
        "wirelessDisplayBlockUserInputFromReceiver", "wirelessDisplayRequirePinForPairing",
    ]),
    ("iosGeneralDeviceConfiguration", &[
        "description", "displayName", "assignments", "deviceSettingStateSummaries", "deviceStatuses",
        "deviceStatusOverview", "userStatuses", "userStatusOverview", "accountBlockModification",
        "activationLockAllowWhenSupervised", "airDropBlocked", "airDropForceUnmanagedDropTarget",
        "airPlayForcePairingPasswordForOutgoingRequests", "appleNewsBlocked", "appleWatchBlockPairing",
        "appleWatchForceWristDetection", "appsSingleAppModeList", "appStoreBlockAutomaticDownloads",
        "appStoreBlocked", "appStoreBlockInAppPurchases", "appStoreBlockUIAppInstallation",
        "appStoreRequirePassword", "appsVisibilityList", "appsVisibilityListType",
        "bluetoothBlockModification", "cameraBlocked", "cellularBlockDataRoaming",
        "cellularBlockGlobalBackgroundFetchWhileRoaming", "cellularBlockPerAppDataModification",
        "cellularBlockPersonalHotspot", "cellularBlockVoiceRoaming",
        "certificatesBlockUntrustedTlsCertificates", "classroomAppBlockRemoteScreenObservation",
        "classroomAppForceUnpromptedScreenObservation", "compliantAppListType", "compliantAppsList",
        "configurationProfileBlockChanges", "definitionLookupBlocked", "deviceBlockEnableRestrictions",
        "deviceBlockEraseContentAndSettings", "deviceBlockNameModification", "diagnosticDataBlockSubmission",
        "diagnosticDataBlockSubmissionModification", "documentsBlockManagedDocumentsInUnmanagedApps",
        "documentsBlockUnmanagedDocumentsInManagedApps", "emailInDomainSuffixes", "enterpriseAppBlockTrust",
        "enterpriseAppBlockTrustModification", "faceTimeBlocked", "findMyFriendsBlocked", "gameCenterBlocked",
        "gamingBlockGameCenterFriends", "gamingBlockMultiplayer", "hostPairingBlocked", "iBooksStoreBlocked",
        "iBooksStoreBlockErotica", "iCloudBlockActivityContinuation", "iCloudBlockBackup",
        "iCloudBlockDocumentSync", "iCloudBlockManagedAppsSync", "iCloudBlockPhotoLibrary",
        "iCloudBlockPhotoStreamSync", "iCloudBlockSharedPhotoStream", "iCloudRequireEncryptedBackup",
        "iTunesBlockExplicitContent", "iTunesBlockMusicService", "iTunesBlockRadio",
        "keyboardBlockAutoCorrect", "keyboardBlockDictation", "keyboardBlockPredictive",
        "keyboardBlockShortcuts", "keyboardBlockSpellCheck", "kioskModeAllowAssistiveSpeak",
        "kioskModeAllowAssistiveTouchSettings", "kioskModeAllowAutoLock",
        "kioskModeAllowColorInversionSettings", "kioskModeAllowRingerSwitch", "kioskModeAllowScreenRotation",
        "kioskModeAllowSleepButton", "kioskModeAllowTouchscreen", "kioskModeAllowVoiceOverSettings",
        "kioskModeAllowVolumeButtons", "kioskModeAllowZoomSettings", "kioskModeAppStoreUrl",
        "kioskModeBuiltInAppId", "kioskModeManagedAppId", "kioskModeRequireAssistiveTouch",
        "kioskModeRequireColorInversion", "kioskModeRequireMonoAudio", "kioskModeRequireVoiceOver",
        "kioskModeRequireZoom", "lockScreenBlockControlCenter", "lockScreenBlockNotificationView",
        "lockScreenBlockPassbook", "lockScreenBlockTodayView", "mediaContentRatingApps",
        "mediaContentRatingAustralia", "mediaContentRatingCanada", "mediaContentRatingFrance",
        "mediaContentRatingGermany", "mediaContentRatingIreland", "mediaContentRatingJapan",
        "mediaContentRatingNewZealand", "mediaContentRatingUnitedKingdom", "mediaContentRatingUnitedStates",
        "messagesBlocked", "networkUsageRules", "notificationsBlockSettingsModification",
        "passcodeBlockFingerprintModification", "passcodeBlockFingerprintUnlock", "passcodeBlockModification",
        "passcodeBlockSimple", "passcodeExpirationDays", "passcodeMinimumCharacterSetCount",
        "passcodeMinimumLength", "passcodeMinutesOfInactivityBeforeLock",
        "passcodeMinutesOfInactivityBeforeScreenTimeout", "passcodePreviousPasscodeBlockCount",
        "passcodeRequired", "passcodeRequiredType", "passcodeSignInFailureCountBeforeWipe", "podcastsBlocked",
        "safariBlockAutofill", "safariBlocked", "safariBlockJavaScript", "safariBlockPopups",
        "safariCookieSettings", "safariManagedDomains", "safariPasswordAutoFillDomains",
        "safariRequireFraudWarning", "screenCaptureBlocked", "siriBlocked", "siriBlockedWhenLocked",
        "siriBlockUserGeneratedContent", "siriRequireProfanityFilter", "spotlightBlockInternetResults",
        "voiceDialingBlocked", "wallpaperBlockModification", "wiFiConnectOnlyToConfiguredNetworks",
    ]),
    ("androidGeneralDeviceConfiguration", &[
        "description", "displayName", "assignments", "deviceSettingStateSummaries", "deviceStatuses",
        "deviceStatusOverview", "userStatuses", "userStatusOverview", "appsBlockClipboardSharing",
        "appsBlockCopyPaste", "appsBlockYouTube", "appsHideList", "appsInstallAllowList",
        "appsLaunchBlockList", "bluetoothBlocked", "cameraBlocked", "cellularBlockDataRoaming",
        "cellularBlockMessaging", "cellularBlockVoiceRoaming", "cellularBlockWiFiTethering",
        "compliantAppListType", "compliantAppsList", "deviceSharingAllowed", "diagnosticDataBlockSubmission",
        "factoryResetBlocked", "googleAccountBlockAutoSync", "googlePlayStoreBlocked", "kioskModeApps",
        "kioskModeBlockSleepButton", "kioskModeBlockVolumeButtons", "locationServicesBlocked", "nfcBlocked",
        "passwordBlockFingerprintUnlock", "passwordBlockTrustAgents", "passwordExpirationDays",
        "passwordMinimumLength", "passwordMinutesOfInactivityBeforeScreenTimeout",
        "passwordPreviousPasswordBlockCount", "passwordRequired", "passwordRequiredType",
        "passwordSignInFailureCountBeforeFactoryReset", "powerOffBlocked", "screenCaptureBlocked",
        "securityRequireVerifyApps", "storageBlockGoogleBackup", "storageBlockRemovableStorage",
        "storageRequireDeviceEncryption", "storageRequireRemovableStorageEncryption", "voiceAssistantBlocked",
        "voiceDialingBlocked", "webBrowserBlockAutofill", "webBrowserBlocked", "webBrowserBlockJavaScript",
        "webBrowserBlockPopups", "webBrowserCookieSettings", "wiFiBlocked",
    ]),
    ("androidWorkProfileGeneralDeviceConfiguration", &[
        "description", "displayName", "assignments", "deviceSettingStateSummaries", "deviceStatuses",
        "deviceStatusOverview", "userStatuses", "userStatusOverview", "passwordBlockFingerprintUnlock",
        "passwordBlockTrustAgents", "passwordExpirationDays", "passwordMinimumLength",
        "passwordMinutesOfInactivityBeforeScreenTimeout", "passwordPreviousPasswordBlockCount",
        "passwordRequiredType", "passwordSignInFailureCountBeforeFactoryReset", "securityRequireVerifyApps",
        "workProfileBlockAddingAccounts", "workProfileBlockCamera", "workProfileBlockCrossProfileCallerId",
        "workProfileBlockCrossProfileContactsSearch", "workProfileBlockCrossProfileCopyPaste",
        "workProfileBlockNotificationsWhileDeviceLocked", "workProfileBlockScreenCapture",
        "workProfileBluetoothEnableContactSharing", "workProfileDataSharingType",
        "workProfileDefaultAppPermissionPolicy", "workProfilePasswordBlockFingerprintUnlock",
        "workProfilePasswordBlockTrustAgents", "workProfilePasswordExpirationDays",
        "workProfilePasswordMinimumLength", "workProfilePasswordMinLetterCharacters",
        "workProfilePasswordMinLowerCaseCharacters", "workProfilePasswordMinNonLetterCharacters",
        "workProfilePasswordMinNumericCharacters", "workProfilePasswordMinSymbolCharacters",
        "workProfilePasswordMinUpperCaseCharacters",
        "workProfilePasswordMinutesOfInactivityBeforeScreenTimeout",
        "workProfilePasswordPreviousPasswordBlockCount", "workProfilePasswordRequiredType",
        "workProfilePasswordSignInFailureCountBeforeFactoryReset", "workProfileRequirePassword",
    ]),
    ("conditionalAccessPolicy", &[
        "conditions", "description", "displayName", "grantControls", "sessionControls", "state",
    ]),
];

/// The beta email profile types (names from the beta resource pages; the v1.0 schema lacks them).
#[rustfmt::skip]
const ALLOWED_BETA: &[(&str, &[&str])] = &[
    ("iosEasEmailProfileConfiguration", &[
        "@odata.type", "displayName", "description", "hostName", "accountName", "usernameSource",
        "usernameAADSource", "userDomainNameSource", "customDomainName", "emailAddressSource",
        "authenticationMethod", "requireSsl", "useOAuth", "durationOfEmailToSync", "easServices",
        "easServicesUserOverrideEnabled", "blockMovingMessagesToOtherEmailAccounts",
        "blockSendingEmailFromThirdPartyApps", "blockSyncingRecentlyUsedEmailAddresses", "requireSmime",
        "smimeEnablePerMessageSwitch",
    ]),
    ("androidEasEmailProfileConfiguration", &[
        "@odata.type", "displayName", "description", "accountName", "authenticationMethod", "syncCalendar",
        "syncContacts", "syncTasks", "syncNotes", "durationOfEmailToSync", "emailAddressSource",
        "emailSyncSchedule", "hostName", "requireSmime", "requireSsl", "usernameSource",
        "userDomainNameSource", "customDomainName",
    ]),
    ("windows10EasEmailProfileConfiguration", &[
        "@odata.type", "displayName", "description", "usernameSource", "usernameAADSource",
        "userDomainNameSource", "customDomainName", "accountName", "syncCalendar", "syncContacts",
        "syncTasks", "durationOfEmailToSync", "emailAddressSource", "emailSyncSchedule", "hostName",
        "requireSsl",
    ]),
];

fn value_of(kind: ValueKind) -> BoxedStrategy<SettingValue> {
    let text = "[ -~]{0,12}".prop_map(SettingValue::Text);
    match kind {
        ValueKind::Bool => any::<bool>().prop_map(SettingValue::Bool).boxed(),
        ValueKind::Int => prop_oneof![4 => -3i64..30, 1 => any::<i64>()].prop_map(SettingValue::Int).boxed(),
        ValueKind::TimeSpan => prop_oneof![4 => 0u32..300, 1 => any::<u32>()].prop_map(SettingValue::Minutes).boxed(),
        ValueKind::Enum(table) => {
            select(table.iter().map(|(n, _)| *n).collect::<Vec<_>>()).prop_map(SettingValue::Enum).boxed()
        }
        ValueKind::Rating => prop_oneof![
            3 => select(vec![0i64, 75, 100, 150, 200, 300, 325, 350, 375, 400, 500, 550, 575, 600, 1000]),
            1 => any::<i64>(),
        ]
        .prop_map(SettingValue::Rating)
        .boxed(),
        ValueKind::Text => text.boxed(),
        ValueKind::Loose => prop_oneof![
            any::<bool>().prop_map(SettingValue::Bool),
            any::<i64>().prop_map(SettingValue::Int),
            text,
        ]
        .boxed(),
    }
}

fn rule_settings() -> impl Strategy<Value = RuleSettings> {
    let parts: Vec<_> = BmsSetting::ALL
        .iter()
        .map(|s| proptest::option::weighted(0.35, value_of(s.kind())))
        .collect();
    parts.prop_map(|values| {
        let mut s = RuleSettings::new();
        for (setting, v) in BmsSetting::ALL.iter().zip(values) {
            if let Some(v) = v {
                s.set(*setting, v);
            }
        }
        s
    })
}

fn enabled(platform: TargetPlatform, android: AndroidTarget) -> bool {
    match platform {
        TargetPlatform::AndroidDeviceAdmin => android.device_admin(),
        TargetPlatform::AndroidWorkProfile => android.work_profile(),
        _ => true,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_configured_setting_is_recorded_and_bodies_are_schema_clean(
        settings in rule_settings(),
        block in any::<bool>(),
        android in select(AndroidTarget::ALL.to_vec()),
        grace in any::<u32>(),
    ) {
        let kind = if block { PolicyKind::Block } else { PolicyKind::Allow };
        let options = MappingOptions { android, grace_hours: grace, preserve_priority: true };
        let bms = export(vec![policy("Prop", kind, 1, &[guid("g")], settings.clone())]);
        let m = map_export(&bms, &options);

        // Every configured setting, on every platform it concerns.
        let seen: BTreeSet<(BmsSetting, TargetPlatform)> = m
            .recommendations
            .iter()
            .flat_map(|r| r.settings.iter().filter_map(move |s| s.setting.map(|x| (x, s.platform))))
            .collect();
        for (setting, _) in settings.configured() {
            let platforms: Vec<_> = platforms_of(setting, kind).into_iter().filter(|p| enabled(*p, android)).collect();
            prop_assert!(!platforms.is_empty(), "{} concerns no platform", setting);
            for p in platforms {
                prop_assert!(seen.contains(&(setting, p)), "{} missing on {}", setting, p);
            }
        }
        // No unconfigured setting ever appears; every record names a real row.
        let ids: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
        for r in &m.recommendations {
            prop_assert!(enabled(r.platform, android));
            for s in &r.settings {
                match s.setting {
                    Some(setting) => {
                        prop_assert_eq!(settings.get(setting), Some(&s.bms_value));
                        prop_assert!(ids.contains(s.rule.as_ref()), "unknown rule {}", s.rule);
                    }
                    None => prop_assert_eq!(r.collection, Some(Collection::ConditionalAccessPolicies)),
                }
                prop_assert_eq!(s.our_rule, s.note.starts_with("[our rule] "));
            }
        }
        // Allow policies: no compliance policy, no Conditional Access.
        if kind == PolicyKind::Allow {
            prop_assert!(m.recommendations.iter().all(|r| matches!(r.collection, None | Some(Collection::DeviceConfigurations))));
        }
        // Bodies hold only properties of their type, and something besides the header.
        for r in &m.recommendations {
            let Some(body) = &r.body else {
                prop_assert!(r.api.is_none(), "{} has no body", r.display_name);
                continue;
            };
            let obj = body.as_object().unwrap();
            let odata = obj["@odata.type"].as_str().unwrap().trim_start_matches("#microsoft.graph.");
            prop_assert_eq!(Some(odata), r.odata_type.as_deref().map(|t| t.trim_start_matches("#microsoft.graph.")));
            let table = if r.api == Some(Api::Beta) { ALLOWED_BETA } else { ALLOWED };
            let allowed = table.iter().find(|(t, _)| *t == odata).map(|(_, p)| *p).unwrap_or(&[]);
            for key in obj.keys() {
                prop_assert!(key == "@odata.type" || allowed.contains(&key.as_str()), "{}.{} is not a property", odata, key);
            }
            let header = ["@odata.type", "displayName", "description", "scheduledActionsForRule"];
            prop_assert!(obj.keys().any(|k| !header.contains(&k.as_str())), "{} is empty", r.display_name);
            if r.collection == Some(Collection::DeviceCompliancePolicies) {
                let actions = &obj["scheduledActionsForRule"][0]["scheduledActionConfigurations"];
                prop_assert_eq!(actions.as_array().map(Vec::len), Some(1));
                prop_assert_eq!(&actions[0]["actionType"], "block");
                prop_assert!(actions[0]["gracePeriodHours"].as_i64().unwrap() <= 8760);
            }
            for v in obj.values() {
                if let Some(n) = v.as_i64() {
                    prop_assert!(i32::try_from(n).is_ok());
                }
            }
        }
        // Deterministic.
        let again = map_export(&bms, &options);
        prop_assert_eq!(serde_json::to_string(&m).unwrap(), serde_json::to_string(&again).unwrap());
        let bodies = |m: &bms2intune_mapping::Mapping| m.recommendations.iter().map(|r| r.body.clone()).collect::<Vec<_>>();
        prop_assert_eq!(bodies(&m), bodies(&again));
    }
}

/// One policy of an arbitrary export: kind, policy and rule modes, priority, targets (from a
/// small pool, with the all-zero "no one" GUID), settings; or no rule at all.
fn arbitrary_policy(index: usize) -> impl Strategy<Value = bms2intune_model::BmsPolicy> {
    use bms2intune_model::{Guid, Mode};
    let mode = || {
        prop_oneof![
            6 => Just(Mode::Enforce),
            1 => Just(Mode::Audit),
            1 => Just(Mode::PendingDeletion),
            1 => Just(Mode::Deleted),
        ]
    };
    let pool = vec![guid("g1"), guid("g2"), guid("g3"), Guid::NIL];
    (
        any::<bool>(),
        mode(),
        mode(),
        proptest::option::weighted(0.9, 0i64..4),
        proptest::collection::vec(select(pool), 0..3),
        rule_settings(),
        proptest::bool::weighted(0.9),
    )
        .prop_map(
            move |(block, policy_mode, rule_mode, priority, groups, settings, has_rule)| {
                let kind = if block {
                    PolicyKind::Block
                } else {
                    PolicyKind::Allow
                };
                let mut p = policy(&format!("P{index}"), kind, 0, &groups, settings);
                p.priority = priority;
                p.mode = policy_mode;
                match &mut p.rule {
                    Some(rule) if has_rule => rule.mode = rule_mode,
                    _ => p.rule = None,
                }
                p
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Several overlapping policies, some being deleted, some without a rule, tied priorities:
    /// no panic; every mappable policy's configured settings are recorded on every platform
    /// they concern; every other policy is listed as skipped; and the result is deterministic.
    #[test]
    fn whole_exports_lose_no_setting_and_skip_only_what_is_deleted(
        policies in (1usize..6).prop_flat_map(|n| (0..n).map(arbitrary_policy).collect::<Vec<_>>()),
        android in select(AndroidTarget::ALL.to_vec()),
        preserve_priority in any::<bool>(),
    ) {
        let options = MappingOptions { android, grace_hours: 24, preserve_priority };
        let bms = export(policies);
        let m = map_export(&bms, &options);
        for p in &bms.policies {
            let skipped = m.skipped_policies.iter().any(|s| s.name == p.name);
            if !p.is_mappable() {
                prop_assert!(skipped, "{} is being deleted but not listed as skipped", p.name);
                prop_assert!(m.recommendations.iter().all(|r| r.source_policy != p.name));
                continue;
            }
            let Some(rule) = &p.rule else { continue };
            let seen: BTreeSet<(BmsSetting, TargetPlatform)> = m
                .recommendations
                .iter()
                .filter(|r| r.source_policy == p.name)
                .flat_map(|r| r.settings.iter().filter_map(move |s| s.setting.map(|x| (x, s.platform))))
                .collect();
            for (setting, _) in rule.settings.configured() {
                for platform in platforms_of(setting, p.kind).into_iter().filter(|pl| enabled(*pl, android)) {
                    prop_assert!(seen.contains(&(setting, platform)), "{}: {} missing on {}", p.name, setting, platform);
                }
            }
        }
        let again = map_export(&bms, &options);
        prop_assert_eq!(serde_json::to_string(&m).unwrap(), serde_json::to_string(&again).unwrap());
    }
}
