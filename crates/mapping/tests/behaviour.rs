//! Behaviour of the engine beyond single rows: buckets through the engine, ratings for all nine
//! regions, Android type combinations, email profiles, assignments, priority, skipping,
//! Conditional Access, names, determinism.

mod common;

use bms2intune_mapping::transform::minutes_text;
use bms2intune_mapping::{
    map_export, AndroidTarget, Api, Collection, Fidelity, Mapping, MappingOptions, TargetPlatform,
    CLASSIC_CA_POLICIES,
};
use bms2intune_model::bms::Source;
use bms2intune_model::{BmsRule, BmsSetting, Guid, Mode, PolicyKind, SettingValue};
use common::*;
use serde_json::{json, Value};

use BmsSetting::*;
use SettingValue::{Bool, Int, Minutes};

fn map(kind: PolicyKind, values: &[(BmsSetting, SettingValue)]) -> Mapping {
    let bms = export(vec![policy("P", kind, 1, &[guid("g")], settings(values))]);
    map_export(&bms, &MappingOptions::default())
}

fn prop(m: &Mapping, name: &str, collection: &str, property: &str) -> Option<Value> {
    m.recommendations
        .iter()
        .find(|r| r.display_name == name && r.collection.map(|c| c.as_str()) == Some(collection))
        .and_then(|r| r.body.as_ref())
        .and_then(|b| b.get(property).cloned())
}

fn record(
    m: &Mapping,
    platform: TargetPlatform,
    setting: BmsSetting,
) -> &bms2intune_mapping::SettingRecord {
    m.recommendations
        .iter()
        .filter(|r| r.platform == platform)
        .flat_map(|r| &r.settings)
        .find(|s| s.setting == Some(setting))
        .unwrap_or_else(|| panic!("no {setting} record on {platform}"))
}

const C: &str = "deviceCompliancePolicies";
const G: &str = "deviceConfigurations";

#[test]
fn inactivity_bucket_edges_through_the_engine() {
    // (minutes, windows, ios, android)
    let edges: &[(u32, i64, i64, i64)] = &[
        (1, 1, 1, 1),
        (4, 1, 4, 1),
        (5, 5, 5, 5),
        (9, 5, 5, 5),
        (10, 5, 10, 5),
        (14, 5, 10, 5),
        (15, 15, 15, 15),
        (29, 15, 15, 15),
        (30, 15, 15, 30),
        (59, 15, 15, 30),
        (60, 15, 15, 60),
    ];
    for &(m, w, i, a) in edges {
        let block = map(PolicyKind::Block, &[(PasswordTimeout, Minutes(m))]);
        let allow = map(PolicyKind::Allow, &[(PasswordTimeout, Minutes(m))]);
        assert_eq!(
            prop(
                &block,
                "P_O365_W",
                C,
                "passwordMinutesOfInactivityBeforeLock"
            ),
            Some(json!(w)),
            "{m}"
        );
        assert_eq!(
            prop(
                &block,
                "P_O365_i",
                C,
                "passcodeMinutesOfInactivityBeforeLock"
            ),
            Some(json!(i)),
            "{m}"
        );
        assert_eq!(
            prop(
                &block,
                "P_O365_A",
                C,
                "passwordMinutesOfInactivityBeforeLock"
            ),
            Some(json!(a)),
            "{m}"
        );
        assert_eq!(
            prop(
                &block,
                "P_O365_AWP",
                C,
                "passwordMinutesOfInactivityBeforeLock"
            ),
            Some(json!(a)),
            "{m}"
        );
        assert_eq!(
            prop(
                &allow,
                "P_O365_W",
                G,
                "passwordMinutesOfInactivityBeforeScreenTimeout"
            ),
            Some(json!(w)),
            "{m}"
        );
        assert_eq!(
            prop(
                &allow,
                "P_O365_i",
                G,
                "passcodeMinutesOfInactivityBeforeScreenTimeout"
            ),
            Some(json!(i)),
            "{m}"
        );
        assert_eq!(
            prop(
                &allow,
                "P_O365_A",
                G,
                "passwordMinutesOfInactivityBeforeScreenTimeout"
            ),
            Some(json!(a)),
            "{m}"
        );
        for (platform, v) in [
            (TargetPlatform::Windows, w),
            (TargetPlatform::Ios, i),
            (TargetPlatform::AndroidDeviceAdmin, a),
        ] {
            for mapping in [&block, &allow] {
                let r = record(mapping, platform, PasswordTimeout);
                let expected = if platform == TargetPlatform::Ios && v >= 10 {
                    Fidelity::PlatformLimited
                } else if v == m as i64 {
                    Fidelity::Exact
                } else {
                    Fidelity::Approximated
                };
                assert_eq!(r.fidelity, expected, "{m} min on {platform}: {}", r.note);
                if v != m as i64 {
                    let change = format!("{} → {}", minutes_text(m), minutes_text(v as u32));
                    assert!(r.note.contains(&change), "{}", r.note);
                }
            }
        }
        // Allow policies use the ScreenTimeout properties: our rule.
        assert!(record(&allow, TargetPlatform::Windows, PasswordTimeout).our_rule);
        assert!(!record(&block, TargetPlatform::Windows, PasswordTimeout).our_rule);
    }
}

#[test]
fn grace_period_buckets() {
    let cases: &[(u32, i64, Fidelity)] = &[
        (0, 0, Fidelity::Exact),
        (1, 1, Fidelity::Exact),
        (3, 1, Fidelity::Approximated),
        (5, 5, Fidelity::Exact),
        (15, 15, Fidelity::Exact),
        (45, 15, Fidelity::Approximated),
        (60, 60, Fidelity::Exact),
        (120, 60, Fidelity::Approximated),
        (240, 240, Fidelity::Exact),
        (7200, 240, Fidelity::Approximated),
    ];
    for &(m, v, f) in cases {
        let out = map(PolicyKind::Block, &[(MaxPasswordGracePeriod, Minutes(m))]);
        assert_eq!(
            prop(&out, "P_O365_i", G, "passcodeMinutesOfInactivityBeforeLock"),
            Some(json!(v)),
            "{m}"
        );
        let r = record(&out, TargetPlatform::Ios, MaxPasswordGracePeriod);
        assert_eq!(r.fidelity, f, "{m}");
        assert_eq!(
            r.our_rule,
            f == Fidelity::Approximated,
            "{m}: rounding is our rule"
        );
    }
}

/// mapping.md §3.1 restated: region, movie (integer, member), TV (integer, member).
type Table = &'static [(i64, &'static str)];
#[rustfmt::skip]
const RATINGS: &[(&str, &str, Table, Table)] = &[
    ("us", "mediaContentRatingUnitedStates",
        &[(100, "general"), (200, "parentalGuidance"), (300, "parentalGuidance13"), (400, "restricted"), (500, "adults")],
        &[(100, "childrenAll"), (200, "childrenAbove7"), (300, "general"), (400, "parentalGuidance"), (500, "childrenAbove14"), (600, "adults")]),
    ("au", "mediaContentRatingAustralia",
        &[(100, "general"), (200, "parentalGuidance"), (350, "mature"), (375, "agesAbove15"), (400, "agesAbove18")],
        &[(100, "preschoolers"), (200, "children"), (300, "general"), (400, "parentalGuidance"), (500, "mature"), (550, "agesAbove15"), (575, "agesAbove15AdultViolence")]),
    ("ca", "mediaContentRatingCanada",
        &[(100, "general"), (200, "parentalGuidance"), (325, "agesAbove14"), (400, "agesAbove18"), (500, "restricted")],
        &[(100, "children"), (200, "childrenAbove8"), (300, "general"), (400, "parentalGuidance"), (500, "agesAbove14"), (600, "agesAbove18")]),
    ("de", "mediaContentRatingGermany",
        &[(75, "general"), (100, "agesAbove6"), (200, "agesAbove12"), (500, "agesAbove16"), (600, "adults")],
        &[(75, "general"), (100, "agesAbove6"), (200, "agesAbove12"), (500, "agesAbove16"), (600, "adults")]),
    ("fr", "mediaContentRatingFrance",
        &[(100, "agesAbove10"), (200, "agesAbove12"), (500, "agesAbove16"), (600, "agesAbove18")],
        &[(100, "agesAbove10"), (200, "agesAbove12"), (500, "agesAbove16"), (600, "agesAbove18")]),
    ("ie", "mediaContentRatingIreland",
        &[(100, "general"), (200, "parentalGuidance"), (300, "agesAbove12"), (350, "agesAbove15"), (375, "agesAbove16"), (400, "adults")],
        &[(100, "general"), (200, "children"), (400, "youngAdults"), (500, "parentalSupervision"), (600, "mature")]),
    ("jp", "mediaContentRatingJapan",
        &[(100, "general"), (200, "parentalGuidance"), (300, "agesAbove15"), (400, "agesAbove18")],
        &[(500, "explicitAllowed")]),
    ("nz", "mediaContentRatingNewZealand",
        &[(100, "general"), (200, "parentalGuidance"), (300, "mature"), (325, "agesAbove13"), (350, "agesAbove15"), (375, "agesAbove16"), (400, "agesAbove18"), (500, "restricted"), (600, "agesAbove16Restricted")],
        &[(200, "general"), (400, "parentalGuidance"), (600, "adults")]),
    ("gb", "mediaContentRatingUnitedKingdom",
        &[(100, "general"), (150, "universalChildren"), (200, "parentalGuidance"), (300, "agesAbove12Video"), (325, "agesAbove12Cinema"), (350, "agesAbove15"), (400, "adults")],
        &[(500, "caution")]),
];

fn ratings(region: &'static str, movies: Option<i64>, tv: Option<i64>) -> Mapping {
    let mut values = vec![(RegionRatings, SettingValue::Enum(region))];
    if let Some(n) = movies {
        values.push((MoviesRating, SettingValue::Rating(n)));
    }
    if let Some(n) = tv {
        values.push((TvShowsRating, SettingValue::Rating(n)));
    }
    map(PolicyKind::Allow, &values)
}

#[test]
fn ratings_for_all_nine_regions() {
    for &(region, property, movies, tv) in RATINGS {
        let everywhere: &[(i64, &str)] = &[(0, "allBlocked"), (1000, "allAllowed")];
        for &(n, member) in movies.iter().chain(everywhere) {
            let m = ratings(region, Some(n), None);
            assert_eq!(
                prop(&m, "P_O365_i", G, property),
                Some(json!({"movieRating": member, "tvRating": "allAllowed"})),
                "{region} movie {n}"
            );
            let r = record(&m, TargetPlatform::Ios, MoviesRating);
            assert_eq!(
                r.target_property.as_deref(),
                Some(format!("{property}.movieRating").as_str())
            );
            assert_eq!(r.fidelity, Fidelity::Exact);
        }
        for &(n, member) in tv.iter().chain(everywhere) {
            let m = ratings(region, None, Some(n));
            assert_eq!(
                prop(&m, "P_O365_i", G, property),
                Some(json!({"movieRating": "allAllowed", "tvRating": member})),
                "{region} tv {n}"
            );
            assert_eq!(
                record(&m, TargetPlatform::Ios, TvShowsRating).fidelity,
                Fidelity::Exact
            );
        }
        // Both together.
        let m = ratings(region, Some(movies[0].0), Some(tv[0].0));
        assert_eq!(
            prop(&m, "P_O365_i", G, property),
            Some(json!({"movieRating": movies[0].1, "tvRating": tv[0].1}))
        );
        // An integer the region does not define: manual, no property for it.
        let m = ratings(region, Some(777), Some(tv[0].0));
        let r = record(&m, TargetPlatform::Ios, MoviesRating);
        assert_eq!(r.fidelity, Fidelity::Manual, "{region}");
        assert!(r.target_property.is_none());
        assert!(r.note.contains("777"), "{}", r.note);
        assert_eq!(
            prop(&m, "P_O365_i", G, property),
            Some(json!({"movieRating": "allAllowed", "tvRating": tv[0].1})),
            "{region}: the known part is still sent"
        );
        let m = ratings(region, Some(777), None);
        assert_eq!(
            record(&m, TargetPlatform::Ios, MoviesRating).fidelity,
            Fidelity::Manual
        );
        assert!(
            m.recommendations.iter().all(|r| r.body.is_none()),
            "{region}: nothing resolvable, no object"
        );
    }
    // The region decides the table: 350 is AU mature but GB agesAbove15.
    assert_eq!(
        prop(
            &ratings("au", Some(350), None),
            "P_O365_i",
            G,
            "mediaContentRatingAustralia"
        ),
        Some(json!({"movieRating": "mature", "tvRating": "allAllowed"}))
    );
    assert_eq!(
        prop(
            &ratings("gb", Some(350), None),
            "P_O365_i",
            G,
            "mediaContentRatingUnitedKingdom"
        ),
        Some(json!({"movieRating": "agesAbove15", "tvRating": "allAllowed"}))
    );
    // A rating without a region: manual.
    let m = map(
        PolicyKind::Allow,
        &[(MoviesRating, SettingValue::Rating(300))],
    );
    assert_eq!(
        record(&m, TargetPlatform::Ios, MoviesRating).fidelity,
        Fidelity::Manual
    );
}

#[test]
fn apps_rating_all_members() {
    let cases = [
        ("AllowAll", "allAllowed"),
        ("DontAllow", "allBlocked"),
        ("Rating4plus", "agesAbove4"),
        ("Rating9plus", "agesAbove9"),
        ("Rating12plus", "agesAbove12"),
        ("Rating17plus", "agesAbove17"),
    ];
    for (name, member) in cases {
        let m = map(PolicyKind::Block, &[(AppsRating, SettingValue::Enum(name))]);
        assert_eq!(
            prop(&m, "P_O365_i", G, "mediaContentRatingApps"),
            Some(json!(member)),
            "{name}"
        );
    }
}

#[test]
fn android_required_type_combinations() {
    use PolicyKind::{Allow, Block};
    // (kind, settings, DA compliance, DA config, WP compliance, WP config)
    let t = Some;
    type Case = (
        PolicyKind,
        Vec<(BmsSetting, SettingValue)>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
    );
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        (Block, vec![(PasswordRequired, Bool(true))], t("numeric"), None, t("numeric"), None),
        (Block, vec![(PasswordMinimumLength, Int(6))], t("numeric"), None, t("numeric"), None),
        (Block, vec![(PasswordHistoryCount, Int(6))], t("numeric"), None, t("numeric"), None),
        (Block, vec![(PasswordExpirationDays, Int(6))], t("numeric"), None, t("numeric"), None),
        (Block, vec![(AllowSimplePassword, Bool(false))], t("numericComplex"), None, t("numericComplex"), None),
        (Block, vec![(PasswordMinComplexChars, Int(1))], t("numeric"), None, t("numeric"), None),
        (Block, vec![(PasswordMinComplexChars, Int(2))], t("alphanumeric"), None, t("alphanumeric"), None),
        (Block, vec![(PasswordMinComplexChars, Int(3))], t("alphanumericWithSymbols"), None, t("alphanumericWithSymbols"), None),
        (Block, vec![(PasswordMinComplexChars, Int(4))], t("alphanumericWithSymbols"), None, t("alphanumericWithSymbols"), None),
        // prevent-simple with one character set: numericComplex
        (Block, vec![(AllowSimplePassword, Bool(false)), (PasswordMinComplexChars, Int(1))], t("numericComplex"), None, t("numericComplex"), None),
        (Block, vec![(PasswordRequired, Bool(true)), (AllowSimplePassword, Bool(false)), (PasswordMinComplexChars, Int(2))], t("alphanumeric"), None, t("alphanumeric"), None),
        // PasswordQuality is configuration-only, even on Block policies
        (Block, vec![(PasswordRequired, Bool(true)), (PasswordQuality, Int(7))], t("numeric"), t("numericComplex"), t("numeric"), t("numericComplex")),
        (Allow, vec![(PasswordQuality, Int(1))], None, t("any"), None, t("required")),
        (Allow, vec![(PasswordQuality, Int(2))], None, t("lowSecurityBiometric"), None, t("lowSecurityBiometric")),
        (Allow, vec![(PasswordQuality, Int(3))], None, t("numeric"), None, t("atLeastNumeric")),
        (Allow, vec![(PasswordQuality, Int(5))], None, t("alphanumeric"), None, t("atLeastAlphanumeric")),
        (Allow, vec![(PasswordQuality, Int(6))], None, t("alphanumericWithSymbols"), None, t("alphanumericWithSymbols")),
        (Allow, vec![(PasswordQuality, Int(9))], None, t("alphanumericWithSymbols"), None, t("alphanumericWithSymbols")),
        (Allow, vec![(PasswordQuality, Int(1)), (PasswordRequired, Bool(true))], None, t("numeric"), None, t("atLeastNumeric")),
        (Allow, vec![(PasswordQuality, Int(4)), (AllowSimplePassword, Bool(false))], None, t("alphabetic"), None, t("atLeastAlphabetic")),
        (Allow, vec![(PasswordMinComplexChars, Int(2)), (PasswordQuality, Int(4))], None, t("alphanumeric"), None, t("atLeastAlphanumeric")),
        // deviceDefault and "allow simple" demand nothing
        (Allow, vec![(PasswordQuality, Int(0))], None, None, None, None),
        (Block, vec![(AllowSimplePassword, Bool(true))], None, None, None, None),
    ];
    for (kind, values, dac, dag, wpc, wpg) in cases {
        let m = map(kind, &values);
        let label = format!("{kind:?} {values:?}");
        assert_eq!(
            prop(&m, "P_O365_A", C, "passwordRequiredType"),
            dac.map(|s| json!(s)),
            "{label}: DA compliance"
        );
        assert_eq!(
            prop(&m, "P_O365_A", G, "passwordRequiredType"),
            dag.map(|s| json!(s)),
            "{label}: DA config"
        );
        assert_eq!(
            prop(&m, "P_O365_AWP", C, "passwordRequiredType"),
            wpc.map(|s| json!(s)),
            "{label}: WP compliance"
        );
        assert_eq!(
            prop(&m, "P_O365_AWP", G, "passwordRequiredType"),
            wpg.map(|s| json!(s)),
            "{label}: WP config"
        );
    }
}

#[test]
fn email_profiles_per_platform() {
    let m = map(PolicyKind::Block, &[(RequireEmailProfile, Bool(true))]);
    let names: Vec<_> = m
        .recommendations
        .iter()
        .filter(|r| r.api == Some(Api::Beta))
        .map(|r| r.display_name.as_str())
        .collect();
    assert_eq!(
        names,
        ["P_O365_W_Email", "P_O365_i_Email", "P_O365_A_Email"]
    );
    for r in m
        .recommendations
        .iter()
        .filter(|r| r.api == Some(Api::Beta))
    {
        assert_eq!(r.collection, Some(Collection::DeviceConfigurations));
        assert!(r
            .file
            .as_deref()
            .unwrap()
            .starts_with("graph/beta/deviceConfigurations/"));
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("re-enter their mail password")),
            "{:?}",
            r.notes
        );
        assert!(r.settings[0].note.contains("re-enter their mail password"));
    }
    let beta = |name: &str| {
        m.recommendations
            .iter()
            .find(|r| r.display_name == name)
            .unwrap()
            .body
            .clone()
            .unwrap()
    };
    assert_eq!(
        beta("P_O365_i_Email"),
        json!({
            "@odata.type": "#microsoft.graph.iosEasEmailProfileConfiguration",
            "displayName": "P_O365_i_Email",
            "description": "P comment",
            "hostName": "outlook.office365.com",
            "accountName": "Office 365 email",
            "usernameAADSource": "userPrincipalName",
            "emailAddressSource": "userPrincipalName",
            "authenticationMethod": "usernameAndPassword",
            "requireSsl": true,
            "blockMovingMessagesToOtherEmailAccounts": false,
            "blockSendingEmailFromThirdPartyApps": false,
            "blockSyncingRecentlyUsedEmailAddresses": false,
            "requireSmime": false
        })
    );
    assert_eq!(
        beta("P_O365_A_Email"),
        json!({
            "@odata.type": "#microsoft.graph.androidEasEmailProfileConfiguration",
            "displayName": "P_O365_A_Email",
            "description": "P comment",
            "hostName": "outlook.office365.com",
            "accountName": "Office 365 email",
            "usernameSource": "userPrincipalName",
            "emailAddressSource": "userPrincipalName",
            "authenticationMethod": "usernameAndPassword",
            "requireSsl": true,
            "requireSmime": false,
            "syncContacts": true,
            "syncCalendar": true,
            "syncTasks": true,
            "syncNotes": false
        })
    );
    assert_eq!(
        beta("P_O365_W_Email"),
        json!({
            "@odata.type": "#microsoft.graph.windows10EasEmailProfileConfiguration",
            "displayName": "P_O365_W_Email",
            "description": "P comment",
            "hostName": "outlook.office365.com",
            "accountName": "Office 365 email",
            "usernameAADSource": "userPrincipalName",
            "emailAddressSource": "userPrincipalName",
            "requireSsl": true,
            "syncContacts": true,
            "syncCalendar": true,
            "syncTasks": true
        })
    );
    // Block policies also require the managed profile in iOS compliance; Allow policies do not.
    assert_eq!(
        prop(&m, "P_O365_i", C, "managedEmailProfileRequired"),
        Some(json!(true))
    );
    let allow = map(PolicyKind::Allow, &[(RequireEmailProfile, Bool(true))]);
    assert!(allow
        .recommendations
        .iter()
        .all(|r| r.collection != Some(Collection::DeviceCompliancePolicies)));
    assert_eq!(
        allow
            .recommendations
            .iter()
            .filter(|r| r.api == Some(Api::Beta))
            .count(),
        3
    );
}

#[test]
fn allow_policies_never_produce_compliance_policies() {
    let bms = export(vec![policy(
        "Relaxed",
        PolicyKind::Allow,
        1,
        &[guid("a")],
        rich_allow(),
    )]);
    let m = map_export(&bms, &MappingOptions::default());
    assert!(!m.recommendations.is_empty());
    assert!(m
        .recommendations
        .iter()
        .all(|r| r.collection != Some(Collection::DeviceCompliancePolicies)));
    assert!(m
        .recommendations
        .iter()
        .all(|r| r.collection != Some(Collection::ConditionalAccessPolicies)));
}

#[test]
fn compliance_bodies_carry_one_block_action_with_the_grace_period() {
    let bms = export(vec![policy(
        "Strict",
        PolicyKind::Block,
        1,
        &[guid("a")],
        rich_block(),
    )]);
    for (hours, sent) in [(0u32, 0i64), (24, 24), (100_000, 8760)] {
        let options = MappingOptions {
            grace_hours: hours,
            ..MappingOptions::default()
        };
        let m = map_export(&bms, &options);
        let compliance: Vec<_> = m
            .recommendations
            .iter()
            .filter(|r| r.collection == Some(Collection::DeviceCompliancePolicies))
            .collect();
        assert_eq!(compliance.len(), 4);
        for r in compliance {
            let body = r.body.as_ref().unwrap();
            assert_eq!(
                body["scheduledActionsForRule"],
                json!([{"ruleName": "PasswordRequired", "scheduledActionConfigurations": [{
                    "actionType": "block", "gracePeriodHours": sent, "notificationTemplateId": "", "notificationMessageCCList": []
                }]}])
            );
            assert_eq!(
                r.notes.iter().any(|n| n.contains("grace period")),
                hours > 8760
            );
        }
    }
}

#[test]
fn pending_deletion_and_ruleless_policies_produce_nothing() {
    let mut pending = policy("Pending", PolicyKind::Block, 1, &[guid("a")], rich_block());
    pending.mode = Mode::PendingDeletion;
    let mut rule_deleted = policy(
        "RuleDeleted",
        PolicyKind::Allow,
        2,
        &[guid("b")],
        rich_allow(),
    );
    rule_deleted.rule.as_mut().unwrap().mode = Mode::Deleted;
    let mut ruleless = policy("NoRule", PolicyKind::Allow, 3, &[guid("c")], rich_allow());
    ruleless.rule = None;
    let live = policy(
        "Live",
        PolicyKind::Allow,
        4,
        &[guid("d")],
        settings(&[(CameraEnabled, Bool(false))]),
    );
    let mut bms = export(vec![pending, rule_deleted, ruleless, live]);
    bms.orphan_rules.push(BmsRule {
        name: format!("Lost{}", bms2intune_model::bms::BLOCK_RULE_SUFFIX),
        policy_guid: None,
        mode: Mode::Enforce,
        target_groups: vec![],
        settings: rich_block(),
        source: Source {
            file: "x".into(),
            index: 0,
        },
    });
    let m = map_export(&bms, &MappingOptions::default());
    assert!(m.recommendations.iter().all(|r| r.source_policy == "Live"));
    let skipped: Vec<(&str, Mode)> = m
        .skipped_policies
        .iter()
        .map(|s| (s.name.as_str(), s.mode))
        .collect();
    assert_eq!(
        skipped,
        [
            ("Pending", Mode::PendingDeletion),
            ("RuleDeleted", Mode::Deleted),
            ("NoRule", Mode::Enforce),
            ("Lost", Mode::Enforce)
        ]
    );
    assert!(m.skipped_policies.iter().all(|s| !s.reason.is_empty()));
    assert_eq!(m.skipped_policies[3].kind, Some(PolicyKind::Block));
    // The pending Block policy is not a classic CA assignment either.
    assert!(m.classic_conditional_access.by_policy.is_empty());
}

#[test]
fn an_allow_policy_without_settings_is_reported_as_skipped() {
    let bms = export(vec![policy(
        "Empty",
        PolicyKind::Allow,
        1,
        &[guid("a")],
        settings(&[]),
    )]);
    let m = map_export(&bms, &MappingOptions::default());
    assert!(m.recommendations.is_empty());
    assert_eq!(m.skipped_policies.len(), 1);
    assert_eq!(m.skipped_policies[0].name, "Empty");
}

#[test]
fn nil_target_means_no_include_groups() {
    let bms = export(vec![policy(
        "Nobody",
        PolicyKind::Block,
        1,
        &[Guid::NIL],
        rich_block(),
    )]);
    let m = map_export(&bms, &MappingOptions::default());
    assert!(!m.recommendations.is_empty());
    for r in &m.recommendations {
        assert!(r.include_groups.is_empty(), "{}", r.display_name);
        assert!(
            r.notes.iter().any(|n| n.contains("applies to no one")),
            "{}: {:?}",
            r.display_name,
            r.notes
        );
    }
    let ca = body(&m, "Nobody_OfficeMDM", "conditionalAccessPolicies");
    assert_eq!(ca["conditions"]["users"], json!({"includeUsers": ["None"]}));
}

#[test]
fn exclusion_list_and_priority_exclusions() {
    let (g1, g2, g3, ex) = (guid("g1"), guid("g2"), guid("g3"), guid("excluded"));
    let camera = || settings(&[(CameraEnabled, Bool(false))]);
    let mut bms = export(vec![
        // Out of order on purpose: the engine orders by Priority.
        policy("Third", PolicyKind::Block, 3, &[g3], camera()),
        policy("First", PolicyKind::Allow, 1, &[g1], camera()),
        policy("Second", PolicyKind::Block, 2, &[g2, g1], camera()),
    ]);
    bms.tenant.exclusion_list = vec![ex, Guid::NIL];
    let m = map_export(&bms, &MappingOptions::default());
    let order: Vec<&str> = m
        .recommendations
        .iter()
        .map(|r| r.source_policy.as_str())
        .collect();
    let mut dedup = order.clone();
    dedup.dedup();
    assert_eq!(dedup, ["First", "Second", "Third"]);

    let sorted = |mut v: Vec<Guid>| {
        v.sort();
        v
    };
    let first = find(&m, "First_O365_W", "deviceConfigurations");
    assert_eq!(first.exclude_groups, vec![ex]);
    let second = find(&m, "Second_O365_W", "deviceConfigurations");
    assert_eq!(second.include_groups, sorted(vec![g1, g2]));
    assert_eq!(second.exclude_groups, sorted(vec![ex, g1]));
    assert!(second.notes.iter().any(|n| n.contains("higher-priority")
        && n.contains("First")
        && n.contains("device-group")));
    let third = find(&m, "Third_O365_W", "deviceConfigurations");
    assert_eq!(third.exclude_groups, sorted(vec![ex, g1, g2]));
    // Conditional Access: the exclusion list only.
    let ca = find(&m, "Third_OfficeMDM", "conditionalAccessPolicies");
    assert_eq!(ca.exclude_groups, vec![ex]);
    assert_eq!(
        ca.body.as_ref().unwrap()["conditions"]["users"]["excludeGroups"],
        json!([ex.to_string()])
    );

    let off = map_export(
        &bms,
        &MappingOptions {
            preserve_priority: false,
            ..MappingOptions::default()
        },
    );
    assert_eq!(
        find(&off, "Third_O365_W", "deviceConfigurations").exclude_groups,
        vec![ex]
    );
    // The classic statement lists the Block policies' groups and the exclusion list.
    let classic = &m.classic_conditional_access;
    assert_eq!(classic.policies, CLASSIC_CA_POLICIES.to_vec());
    assert_eq!(classic.assigned_groups, sorted(vec![g1, g2, g3]));
    assert_eq!(classic.excluded_groups, vec![ex]);
    assert_eq!(
        classic
            .by_policy
            .iter()
            .map(|a| a.policy.as_str())
            .collect::<Vec<_>>(),
        ["Second", "Third"]
    );
    assert!(classic.statement.contains("do not delete them"));
    for name in CLASSIC_CA_POLICIES {
        assert!(classic.statement.contains(name));
    }
}

#[test]
fn conditional_access_per_block_policy() {
    let bms = export(vec![
        policy("Strict", PolicyKind::Block, 1, &[guid("a")], rich_block()),
        policy("Relaxed", PolicyKind::Allow, 2, &[guid("b")], rich_allow()),
    ]);
    let m = map_export(&bms, &MappingOptions::default());
    let ca: Vec<_> = m
        .recommendations
        .iter()
        .filter(|r| r.collection == Some(Collection::ConditionalAccessPolicies))
        .collect();
    assert_eq!(ca.len(), 1);
    let ca = ca[0];
    assert_eq!(ca.display_name, "Strict_OfficeMDM");
    assert_eq!(ca.platform, TargetPlatform::Mobile);
    assert_eq!(
        ca.file.as_deref(),
        Some("graph/v1.0/conditionalAccessPolicies/Strict_OfficeMDM.json")
    );
    let body = ca.body.as_ref().unwrap();
    assert_eq!(body["state"], "enabledForReportingButNotEnforced");
    assert_eq!(
        body["conditions"]["platforms"]["includePlatforms"],
        json!(["iOS", "android"])
    );
    assert_eq!(
        body["conditions"]["applications"]["includeApplications"],
        json!([
            "00000002-0000-0ff1-ce00-000000000000",
            "00000003-0000-0ff1-ce00-000000000000"
        ])
    );
    assert_eq!(
        body["grantControls"],
        json!({"operator": "OR", "builtInControls": ["compliantDevice"]})
    );
    assert!(ca
        .settings
        .iter()
        .all(|s| s.our_rule && s.note.starts_with("[our rule] ")));
}

#[test]
fn android_target_option() {
    let bms = export(vec![policy(
        "P",
        PolicyKind::Block,
        1,
        &[guid("a")],
        rich_block(),
    )]);
    let platforms = |android| {
        let m = map_export(
            &bms,
            &MappingOptions {
                android,
                ..MappingOptions::default()
            },
        );
        let mut p: Vec<TargetPlatform> = m.recommendations.iter().map(|r| r.platform).collect();
        p.dedup();
        p
    };
    use TargetPlatform::*;
    assert_eq!(
        platforms(AndroidTarget::Both),
        [Windows, Ios, AndroidDeviceAdmin, AndroidWorkProfile, Mobile]
    );
    assert_eq!(
        platforms(AndroidTarget::DeviceAdmin),
        [Windows, Ios, AndroidDeviceAdmin, Mobile]
    );
    assert_eq!(
        platforms(AndroidTarget::WorkProfile),
        [Windows, Ios, AndroidWorkProfile, Mobile]
    );
}

#[test]
fn only_platforms_with_a_landing_setting_get_objects() {
    let m = map(PolicyKind::Allow, &[(ForceEncryptedBackup, Bool(true))]);
    let names: Vec<_> = objects(&m).map(|r| r.display_name.as_str()).collect();
    assert_eq!(names, ["P_O365_i"]);
    // A Windows-only setting without target: a record-only entry, no object.
    let m = map(
        PolicyKind::Allow,
        &[(FirewallStatus, SettingValue::Text("Required".into()))],
    );
    assert_eq!(objects(&m).count(), 0);
    assert_eq!(m.recommendations.len(), 1);
    let r = &m.recommendations[0];
    assert_eq!(
        (r.api, r.collection, r.file.as_deref(), r.platform),
        (None, None, None, TargetPlatform::Windows)
    );
    assert_eq!(r.settings[0].fidelity, Fidelity::NotMigrated);
}

#[test]
fn names_files_and_descriptions() {
    let mut p = policy(
        r#"HR: "Mobile" <EU>/UK?"#,
        PolicyKind::Block,
        1,
        &[guid("a")],
        rich_block(),
    );
    p.comment = None;
    let twin = policy(
        r#"HR: "Mobile" <EU>/UK*"#,
        PolicyKind::Block,
        2,
        &[guid("b")],
        rich_block(),
    );
    let m = map_export(&export(vec![p, twin]), &MappingOptions::default());
    let files: Vec<&str> = m
        .recommendations
        .iter()
        .filter_map(|r| r.file.as_deref())
        .collect();
    let mut unique: Vec<String> = files.iter().map(|f| f.to_lowercase()).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        files.len(),
        "files must be unique: {files:#?}"
    );
    assert!(
        files.contains(&"graph/v1.0/deviceCompliancePolicies/HR_ _Mobile_ _EU__UK__O365_W.json")
    );
    assert!(files
        .contains(&"graph/v1.0/deviceCompliancePolicies/HR_ _Mobile_ _EU__UK__O365_W (2).json"));
    for r in objects(&m) {
        let body = r.body.as_ref().unwrap();
        assert_eq!(body["displayName"], json!(r.display_name));
        let file = r.file.as_deref().unwrap();
        let stem = file.rsplit('/').next().unwrap();
        assert!(
            !stem.contains([':', '*', '?', '"', '<', '>', '|', '\\']),
            "{file}"
        );
        assert_eq!(
            file.split('/').take(3).collect::<Vec<_>>(),
            [
                "graph",
                r.api.unwrap().as_str(),
                r.collection.unwrap().as_str()
            ]
        );
        if r.source_policy.ends_with('?') {
            assert!(
                body.get("description").is_none(),
                "no comment → no description"
            );
        } else {
            assert!(body["description"].is_string());
        }
    }
}

#[test]
fn output_is_deterministic() {
    let build = || {
        let mut bms = export(vec![
            policy(
                "B",
                PolicyKind::Block,
                2,
                &[guid("z"), guid("a"), guid("z")],
                rich_block(),
            ),
            policy("A", PolicyKind::Allow, 1, &[guid("m")], rich_allow()),
        ]);
        bms.tenant.exclusion_list = vec![guid("x2"), guid("x1")];
        bms
    };
    let render = |m: &Mapping| {
        let bodies: Vec<_> = m
            .recommendations
            .iter()
            .map(|r| (&r.file, &r.body))
            .collect();
        format!(
            "{}\n{}",
            serde_json::to_string_pretty(m).unwrap(),
            serde_json::to_string_pretty(&bodies).unwrap()
        )
    };
    let a = render(&map_export(&build(), &MappingOptions::default()));
    let b = render(&map_export(&build(), &MappingOptions::default()));
    assert_eq!(a, b);
    let m = map_export(&build(), &MappingOptions::default());
    for r in &m.recommendations {
        assert!(
            r.include_groups.windows(2).all(|w| w[0] < w[1]),
            "sorted and unique"
        );
        assert!(
            r.exclude_groups.windows(2).all(|w| w[0] < w[1]),
            "sorted and unique"
        );
    }
}

#[test]
fn records_are_in_setting_order_and_serialize_as_plan_json_expects() {
    let bms = export(vec![policy(
        "Strict",
        PolicyKind::Block,
        1,
        &[guid("a")],
        rich_block(),
    )]);
    let m = map_export(&bms, &MappingOptions::default());
    for r in &m.recommendations {
        let idx: Vec<usize> = r
            .settings
            .iter()
            .filter_map(|s| s.setting)
            .map(|s| s.index())
            .collect();
        assert!(
            idx.windows(2).all(|w| w[0] <= w[1]),
            "{}: {idx:?}",
            r.display_name
        );
    }
    let json = serde_json::to_value(&m.recommendations[0]).unwrap();
    for key in [
        "api",
        "collection",
        "odataType",
        "displayName",
        "file",
        "sourcePolicy",
        "sourceKind",
        "platform",
        "includeGroups",
        "excludeGroups",
        "settings",
    ] {
        assert!(json.get(key).is_some(), "{key}");
    }
    assert!(json.get("body").is_none());
    let s = &json["settings"][0];
    for key in [
        "bmsProperty",
        "bmsValue",
        "platform",
        "targetProperty",
        "targetValue",
        "fidelity",
        "note",
        "rule",
        "spec",
        "ourRule",
    ] {
        assert!(s.get(key).is_some(), "{key}");
    }
    assert_eq!(json["api"], "v1.0");
    assert_eq!(json["sourceKind"], "block");
    let fidelities: Vec<String> = Fidelity::ALL
        .iter()
        .map(|f| {
            serde_json::to_value(f)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        fidelities,
        [
            "exact",
            "approximated",
            "platform-limited",
            "manual",
            "not-migrated"
        ]
    );
    let platforms: Vec<Value> = [
        TargetPlatform::Windows,
        TargetPlatform::Ios,
        TargetPlatform::AndroidDeviceAdmin,
        TargetPlatform::AndroidWorkProfile,
        TargetPlatform::Mobile,
    ]
    .iter()
    .map(|p| serde_json::to_value(p).unwrap())
    .collect();
    assert_eq!(
        platforms,
        [
            json!("windows"),
            json!("ios"),
            json!("androidDeviceAdmin"),
            json!("androidWorkProfile"),
            json!("mobile")
        ]
    );
}
