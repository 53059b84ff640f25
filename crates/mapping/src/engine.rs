//! The engine: walks [`crate::table::RULES`] for every mappable BMS policy and platform, turns
//! each configured setting into a [`SettingRecord`], collects the Graph properties per target
//! object, and builds the typed bodies, assignments and notes of each [`Recommendation`]. It
//! also owns the policy-level rules: which policies are skipped, priority-preserving
//! exclusions, the Conditional Access policy per Block policy, and the classic CA statement.
//! Everything is ordered explicitly (policy priority, platform, object), never by hash order.

use crate::graph::conditional_access::{
    ConditionalAccessApplications, ConditionalAccessClientApp, ConditionalAccessConditionSet,
    ConditionalAccessDevicePlatform, ConditionalAccessGrantControl, ConditionalAccessGrantControls,
    ConditionalAccessPlatforms, ConditionalAccessPolicy, ConditionalAccessPolicyState,
    ConditionalAccessUsers, EXCHANGE_ONLINE, SHAREPOINT_ONLINE,
};
use crate::graph::email::{
    AndroidEasEmailProfileConfiguration, IosEasEmailProfileConfiguration,
    Windows10EasEmailProfileConfiguration,
};
use crate::graph::{GraphType, ScheduledActionForRule};
use crate::naming::{self, FileNames};
use crate::options::{MappingOptions, MAX_GRACE_HOURS};
use crate::record::{
    Api, ClassicCaAssignment, ClassicCaStatement, Collection, Fidelity, Mapping, Recommendation,
    SettingRecord, SkippedPolicy, TargetPlatform,
};
use crate::table::{rows_for, Row, Target, Xf};
use crate::transform::{self, android_demand, AndroidType, Conv, Rating, RatingPart, RatingPlan};
use bms2intune_model::bms::{
    ALLOW_RULE_SUFFIX, BLOCK_RULE_SUFFIX, LEGACY_ALLOW_RULE_SUFFIX, LEGACY_BLOCK_RULE_SUFFIX,
};
use bms2intune_model::{
    BmsExport, BmsPolicy, BmsRule, BmsSetting, Guid, Mode, PolicyKind, RuleSettings, SettingValue,
};
use serde_json::{json, Map, Value};

/// The five classic Conditional Access policies behind BMS (mapping.md §5).
pub const CLASSIC_CA_POLICIES: [&str; 5] = [
    "[GraphAggregatorService] Device policy",
    "[Office 365 Exchange Online] Device policy",
    "[Outlook Service for Exchange] Device policy",
    "[Office 365 SharePoint Online] Device policy",
    "[Outlook Service for OneDrive] Device policy",
];

/// The warning every email profile carries (mapping.md §4).
pub const EMAIL_REAUTH_WARNING: &str = "changing this profile, or not assigning it to the same groups as the BMS \
    policy, makes users re-enter their mail password when the device moves to Intune; even a correct profile may \
    prompt once (mapping.md §4)";

/// Maps a BMS export. See the crate documentation.
pub fn map_export(bms: &BmsExport, options: &MappingOptions) -> Mapping {
    let skipped_policies = skipped(bms);
    let mut ordered: Vec<(&BmsPolicy, &BmsRule)> = bms
        .mappable_policies()
        .filter_map(|p| p.rule.as_ref().map(|r| (p, r)))
        .collect();
    // Stable: policies without a Priority keep their export order, after the numbered ones.
    ordered.sort_by_key(|(p, _)| p.priority.unwrap_or(i64::MAX));

    let exclusion = sorted_unique(bms.tenant.exclusion_groups());
    let mut files = FileNames::new();
    let mut recommendations = Vec::new();
    let mut higher: Vec<(&str, Vec<Guid>)> = Vec::new();
    for &(policy, rule) in &ordered {
        let ctx = PolicyCtx::new(policy, rule, &exclusion, &higher, options);
        recommendations.extend(map_policy(&ctx, &mut files));
        higher.push((
            policy.name.as_str(),
            sorted_unique(rule.real_target_groups()),
        ));
    }
    let classic_conditional_access = classic_statement(bms, &ordered, &exclusion);
    Mapping {
        recommendations,
        classic_conditional_access,
        skipped_policies,
    }
}

/// Everything about one policy that every object made from it shares.
struct PolicyCtx<'a> {
    policy: &'a BmsPolicy,
    rule: &'a BmsRule,
    kind: PolicyKind,
    description: Option<String>,
    include: Vec<Guid>,
    exclude: Vec<Guid>,
    exclusion: Vec<Guid>,
    /// Notes on policy state, targets and the exclusion list, shared by every object.
    notes: Vec<String>,
    /// Notes on priority exclusions: for compliance policies and profiles, not for CA.
    priority_notes: Vec<String>,
    options: &'a MappingOptions,
    ratings: RatingPlan,
}

impl<'a> PolicyCtx<'a> {
    fn new(
        policy: &'a BmsPolicy,
        rule: &'a BmsRule,
        exclusion: &[Guid],
        higher: &[(&str, Vec<Guid>)],
        options: &'a MappingOptions,
    ) -> Self {
        let include = sorted_unique(rule.real_target_groups());
        let mut exclude = exclusion.to_vec();
        let mut notes = Vec::new();
        if policy.enabled == Some(false) {
            notes.push(
                "the BMS policy is disabled (Enabled = false): review before assigning".to_string(),
            );
        }
        if policy.effective_mode() == Mode::Audit {
            notes.push(
                "the BMS policy is in Audit mode: it reported violations without enforcing them"
                    .to_string(),
            );
        }
        if rule.targets_nobody() {
            notes.push(
                "TargetGroups is empty or 00000000-0000-0000-0000-000000000000 (applies to no one): the object is \
                 created but assigned to no group, as in BMS (mapping.md §0)"
                    .to_string(),
            );
        }
        if !exclusion.is_empty() {
            notes.push(format!(
                "[our rule] excludes the tenant ExclusionList ({} group{}), whose members BMS exempted from all \
                 enforcement (mapping.md §0)",
                exclusion.len(),
                if exclusion.len() == 1 { "" } else { "s" }
            ));
        }
        let mut priority_notes = Vec::new();
        if options.preserve_priority {
            let mut names = Vec::new();
            for (name, groups) in higher {
                if !groups.is_empty() {
                    names.push(*name);
                    exclude.extend(groups.iter().copied());
                }
            }
            if !names.is_empty() {
                priority_notes.push(format!(
                    "[our rule] also excludes the groups of higher-priority BMS policies ({}), so a user keeps only \
                     the first matching policy, as in BMS (mapping.md §0); Intune does not apply an exclusion of a \
                     user group to device-group assignments or the reverse, so this holds only when the policies \
                     use the same kind of group",
                    names.join(", ")
                ));
            }
        }
        exclude.sort_unstable();
        exclude.dedup();
        if !include.is_empty() && include.iter().all(|g| exclude.binary_search(g).is_ok()) {
            priority_notes.push(
                "every target group is also excluded (exclusion list or a higher-priority policy): the object \
                 reaches no one; review the assignments"
                    .to_string(),
            );
        }
        let description = policy
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        PolicyCtx {
            policy,
            rule,
            kind: policy.kind,
            description,
            include,
            exclude,
            exclusion: exclusion.to_vec(),
            notes,
            priority_notes,
            options,
            ratings: RatingPlan::of(&rule.settings),
        }
    }

    /// The notes of a compliance policy or profile made from the policy.
    fn object_notes(&self) -> Vec<String> {
        self.notes
            .iter()
            .chain(&self.priority_notes)
            .cloned()
            .collect()
    }

    fn settings(&self) -> &RuleSettings {
        &self.rule.settings
    }
}

fn map_policy(ctx: &PolicyCtx<'_>, files: &mut FileNames) -> Vec<Recommendation> {
    let mut platforms = vec![TargetPlatform::Windows, TargetPlatform::Ios];
    if ctx.options.android.device_admin() {
        platforms.push(TargetPlatform::AndroidDeviceAdmin);
    }
    if ctx.options.android.work_profile() {
        platforms.push(TargetPlatform::AndroidWorkProfile);
    }
    let mut out = Vec::new();
    for platform in platforms {
        out.extend(map_platform(ctx, platform, files));
    }
    if ctx.kind == PolicyKind::Block {
        out.push(conditional_access(ctx, files));
    }
    out
}

/// A record before it is attached to an object.
struct Draft {
    record: SettingRecord,
    home: Target,
    lands: bool,
    set: Vec<(String, Value)>,
}

/// The strongest Android password type demanded by the settings whose rows land in `target`.
fn android_type(
    settings: &RuleSettings,
    platform: TargetPlatform,
    kind: PolicyKind,
    target: Target,
) -> AndroidType {
    if !matches!(
        platform,
        TargetPlatform::AndroidDeviceAdmin | TargetPlatform::AndroidWorkProfile
    ) {
        return AndroidType::DeviceDefault;
    }
    settings
        .configured()
        .filter(|&(s, _)| rows_for(s, platform, kind).any(|r| r.target == target))
        .filter_map(|(s, v)| android_demand(s, v))
        .map(|d| d.at_least)
        .max()
        .unwrap_or(AndroidType::DeviceDefault)
}

fn graph_type(platform: TargetPlatform, target: Target) -> Option<GraphType> {
    use TargetPlatform as P;
    Some(match (platform, target) {
        (P::Windows, Target::Compliance) => GraphType::Windows10CompliancePolicy,
        (P::Windows, Target::Configuration) => GraphType::Windows10GeneralConfiguration,
        (P::Windows, Target::Email) => GraphType::Windows10EasEmailProfileConfiguration,
        (P::Ios, Target::Compliance) => GraphType::IosCompliancePolicy,
        (P::Ios, Target::Configuration) => GraphType::IosGeneralDeviceConfiguration,
        (P::Ios, Target::Email) => GraphType::IosEasEmailProfileConfiguration,
        (P::AndroidDeviceAdmin, Target::Compliance) => GraphType::AndroidCompliancePolicy,
        (P::AndroidDeviceAdmin, Target::Configuration) => {
            GraphType::AndroidGeneralDeviceConfiguration
        }
        (P::AndroidDeviceAdmin, Target::Email) => GraphType::AndroidEasEmailProfileConfiguration,
        (P::AndroidWorkProfile, Target::Compliance) => {
            GraphType::AndroidWorkProfileCompliancePolicy
        }
        (P::AndroidWorkProfile, Target::Configuration) => {
            GraphType::AndroidWorkProfileGeneralDeviceConfiguration
        }
        _ => return None,
    })
}

fn target_index(t: Target) -> usize {
    match t {
        Target::Compliance => 0,
        Target::Configuration => 1,
        Target::Email => 2,
    }
}

fn map_platform(
    ctx: &PolicyCtx<'_>,
    platform: TargetPlatform,
    files: &mut FileNames,
) -> Vec<Recommendation> {
    let settings = ctx.settings();
    let types = Target::ALL.map(|t| android_type(settings, platform, ctx.kind, t));
    let mut drafts = Vec::new();
    for (setting, value) in settings.configured() {
        for row in rows_for(setting, platform, ctx.kind) {
            drafts.push(apply(row, value, ctx, types[target_index(row.target)]));
        }
    }
    if drafts.is_empty() {
        return Vec::new();
    }

    // An object exists when at least one setting lands in it (and the platform has that type).
    let present = Target::ALL.map(|t| {
        graph_type(platform, t).is_some() && drafts.iter().any(|d| d.lands && d.home == t)
    });
    let fallback = [Target::Configuration, Target::Compliance, Target::Email]
        .into_iter()
        .find(|&t| present[target_index(t)]);
    let mut per_target: [Vec<Draft>; 3] = Default::default();
    let mut record_only = Vec::new();
    for d in drafts {
        let slot = if present[target_index(d.home)] {
            Some(d.home)
        } else {
            fallback
        };
        match slot {
            Some(t) => per_target[target_index(t)].push(d),
            None => record_only.push(d.record),
        }
    }

    let mut out = Vec::new();
    for (target, drafts) in Target::ALL.into_iter().zip(per_target) {
        if drafts.is_empty() {
            continue;
        }
        let Some(gtype) = graph_type(platform, target) else {
            continue;
        };
        out.push(build_object(
            ctx,
            platform,
            target,
            gtype,
            types[target_index(target)],
            drafts,
            files,
        ));
    }
    if !record_only.is_empty() {
        let mut notes = ctx.object_notes();
        notes.extend(platform_notes(platform));
        notes.push(
            "record only: no configured setting has an Intune property on this platform, so no object is created"
                .to_string(),
        );
        out.push(Recommendation {
            api: None,
            collection: None,
            odata_type: None,
            display_name: naming::object_name(&ctx.policy.name, platform),
            file: None,
            source_policy: ctx.policy.name.clone(),
            source_kind: ctx.kind,
            platform,
            include_groups: ctx.include.clone(),
            exclude_groups: ctx.exclude.clone(),
            notes,
            settings: record_only,
            body: None,
        });
    }
    out
}

fn platform_notes(platform: TargetPlatform) -> Option<String> {
    match platform {
        TargetPlatform::Windows => Some(
            "Windows 10/11 desktop only: Windows 8.1, RT and Phone get nothing; BMS never enforced Conditional \
             Access on Windows (mapping.md §0)"
                .to_string(),
        ),
        TargetPlatform::AndroidDeviceAdmin => Some(
            "Android device administrator, what BMS enrolled: Intune ended device administrator support on GMS \
             devices on 31 Dec 2024 (mapping.md §6)"
                .to_string(),
        ),
        TargetPlatform::AndroidWorkProfile => Some(format!(
            "[our rule] Android Enterprise personally-owned work profile (suffix {}): devices BMS enrolled as \
             device administrator must re-enrol with a work profile to receive it (mapping.md §6)",
            naming::WORK_PROFILE_SUFFIX
        )),
        TargetPlatform::Ios | TargetPlatform::Mobile => None,
    }
}

fn build_object(
    ctx: &PolicyCtx<'_>,
    platform: TargetPlatform,
    target: Target,
    gtype: GraphType,
    android: AndroidType,
    drafts: Vec<Draft>,
    files: &mut FileNames,
) -> Recommendation {
    let display_name = match target {
        Target::Email => naming::email_name(&ctx.policy.name, platform),
        _ => naming::object_name(&ctx.policy.name, platform),
    };
    let (api, collection) = match target {
        Target::Compliance => (Api::V1, Collection::DeviceCompliancePolicies),
        Target::Configuration => (Api::V1, Collection::DeviceConfigurations),
        Target::Email => (Api::Beta, Collection::DeviceConfigurations),
    };
    let mut notes = ctx.object_notes();
    notes.extend(platform_notes(platform));

    let body = match target {
        Target::Email => email_body(platform, &display_name, ctx.description.clone()),
        _ => {
            let mut props = Map::new();
            props.insert(
                "@odata.type".into(),
                Value::String(gtype.odata_type().into()),
            );
            props.insert("displayName".into(), Value::String(display_name.clone()));
            if let Some(d) = &ctx.description {
                props.insert("description".into(), Value::String(d.clone()));
            }
            for d in drafts.iter().filter(|d| d.lands && d.home == target) {
                for (k, v) in &d.set {
                    props.insert(k.clone(), v.clone());
                }
            }
            if android > AndroidType::DeviceDefault {
                let member = if gtype == GraphType::AndroidWorkProfileGeneralDeviceConfiguration {
                    android.work_profile_member()
                } else {
                    android.member()
                };
                props.insert("passwordRequiredType".into(), Value::String(member.into()));
            }
            if gtype.is_compliance() {
                let hours = ctx.options.grace_hours.min(MAX_GRACE_HOURS);
                if hours != ctx.options.grace_hours {
                    notes.push(format!(
                        "grace period {} h → {MAX_GRACE_HOURS} h: Graph accepts at most {MAX_GRACE_HOURS} hours",
                        ctx.options.grace_hours
                    ));
                }
                let actions = ScheduledActionForRule::block(hours as i32);
                props.insert(
                    "scheduledActionsForRule".into(),
                    serde_json::to_value(actions).unwrap_or(Value::Null),
                );
            }
            gtype.body(props)
        }
    };
    if target == Target::Email {
        notes.push(format!("Warning: {EMAIL_REAUTH_WARNING}"));
    }
    let body = match body {
        Ok(b) => Some(b),
        Err(e) => {
            // A table row naming a property its type lacks; the tests check every row, so this
            // is a bug, reported rather than panicking.
            notes.push(format!(
                "internal error: the body could not be built ({e}); nothing is written"
            ));
            None
        }
    };
    let file = body
        .as_ref()
        .map(|_| files.claim(api, collection, &display_name));
    Recommendation {
        api: Some(api),
        collection: Some(collection),
        odata_type: Some(gtype.odata_type().to_string()),
        display_name,
        file,
        source_policy: ctx.policy.name.clone(),
        source_kind: ctx.kind,
        platform,
        include_groups: ctx.include.clone(),
        exclude_groups: ctx.exclude.clone(),
        notes,
        settings: drafts.into_iter().map(|d| d.record).collect(),
        body,
    }
}

fn email_body(
    platform: TargetPlatform,
    name: &str,
    description: Option<String>,
) -> Result<Value, serde_json::Error> {
    let name = name.to_string();
    match platform {
        TargetPlatform::Windows => serde_json::to_value(
            Windows10EasEmailProfileConfiguration::office365(name, description),
        ),
        TargetPlatform::Ios => serde_json::to_value(IosEasEmailProfileConfiguration::office365(
            name,
            description,
        )),
        _ => serde_json::to_value(AndroidEasEmailProfileConfiguration::office365(
            name,
            description,
        )),
    }
}

/// What applying a row produced, before it becomes a record.
struct Applied {
    fidelity: Fidelity,
    note: String,
    our_rule: bool,
    lands: bool,
    target_property: Option<String>,
    target_value: Option<Value>,
    set: Vec<(String, Value)>,
}

impl Applied {
    fn nothing(fidelity: Fidelity, note: String) -> Applied {
        Applied {
            fidelity,
            note,
            our_rule: false,
            lands: false,
            target_property: None,
            target_value: None,
            set: Vec::new(),
        }
    }

    fn unset(note: String) -> Applied {
        Applied::nothing(Fidelity::Exact, note)
    }

    fn manual(note: String) -> Applied {
        Applied::nothing(Fidelity::Manual, note)
    }

    fn set(property: &str, value: Value, fidelity: Fidelity, note: String) -> Applied {
        Applied {
            fidelity,
            note,
            our_rule: false,
            lands: true,
            target_property: Some(property.to_string()),
            target_value: Some(value.clone()),
            set: vec![(property.to_string(), value)],
        }
    }

    fn from_conv(row: &Row, conv: Conv<i32>) -> Applied {
        let Some(property) = row.property else {
            return Applied::manual("internal: row without a property".into());
        };
        match conv {
            Conv::Value {
                value,
                fidelity,
                note,
                our_rule,
            } => {
                let mut a = Applied::set(property, json!(value), row.fidelity.max(fidelity), note);
                a.our_rule = our_rule;
                a
            }
            Conv::Unset { note } => Applied::unset(note),
            Conv::Manual { note } => Applied::manual(note),
        }
    }
}

/// The note for a Boolean whose value requires nothing in Intune.
fn inverse_note(setting: BmsSetting, value: &SettingValue) -> String {
    let prop = setting.property();
    if value.as_bool() == Some(true)
        && (prop.starts_with("Allow") || prop.starts_with("Enable") || prop.ends_with("Enabled"))
    {
        format!(
            "{prop} = true allows it; Intune has no \"allow\" setting: not configured is the same"
        )
    } else {
        format!("{prop} = {value} requires nothing; Intune's not configured (property omitted) is the same")
    }
}

fn wrong_kind(setting: BmsSetting, value: &SettingValue) -> Applied {
    Applied::manual(format!(
        "{} has an unexpected value {value:?}; nothing was set",
        setting.property()
    ))
}

fn apply(
    row: &'static Row,
    value: &SettingValue,
    ctx: &PolicyCtx<'_>,
    android: AndroidType,
) -> Draft {
    let setting = row.setting;
    let mut a = match row.xf {
        Xf::Flag(when) | Xf::FlagTo(when, _) => match (value.as_bool(), row.property) {
            (Some(b), Some(prop)) if b == when => {
                let v = match row.xf {
                    Xf::FlagTo(_, member) => Value::String(member.into()),
                    _ => Value::Bool(true),
                };
                Applied::set(prop, v, row.fidelity, String::new())
            }
            (Some(_), _) => Applied::unset(inverse_note(setting, value)),
            (None, _) => wrong_kind(setting, value),
        },
        Xf::Int { min, max } => match value.as_int() {
            Some(n) => Applied::from_conv(row, transform::clamp_int(n, min, max)),
            None => wrong_kind(setting, value),
        },
        Xf::WindowsCharSets => match value.as_int() {
            Some(n) => Applied::from_conv(row, transform::windows_character_sets(n)),
            None => wrong_kind(setting, value),
        },
        Xf::IosCharSets => match value.as_int() {
            Some(n) => Applied::from_conv(row, transform::ios_character_sets(n)),
            None => wrong_kind(setting, value),
        },
        Xf::Minutes(buckets) => match value.as_minutes() {
            Some(m) => Applied::from_conv(row, transform::bucket(buckets, m)),
            None => wrong_kind(setting, value),
        },
        Xf::AndroidType | Xf::WorkProfileType => apply_android_type(row, value, android),
        Xf::AppsRating => match (transform::apps_rating(value), row.property) {
            (Some(member), Some(prop)) => Applied::set(prop, Value::String(member.into()), row.fidelity, format!("{value} → {member}")),
            _ => Applied::manual(format!("AppsRating {value} is not a known rating; choose one in Intune")),
        },
        Xf::RatingRegion => apply_region(&ctx.ratings),
        Xf::Rating(part) => apply_rating(&ctx.ratings, part),
        Xf::EmailProfile => match value.as_bool() {
            Some(true) => Applied {
                fidelity: row.fidelity,
                note: format!(
                    "creates the beta email profile {} (host {}, user name and address from the user principal \
                     name); warning: {EMAIL_REAUTH_WARNING}",
                    naming::email_name(&ctx.policy.name, row.platform),
                    crate::graph::email::HOST_NAME
                ),
                our_rule: false,
                lands: true,
                target_property: None,
                target_value: None,
                set: Vec::new(),
            },
            Some(false) => Applied::unset("RequireEmailProfile = false: no email profile is required".into()),
            None => wrong_kind(setting, value),
        },
        Xf::NoTarget => Applied::nothing(row.fidelity, String::new()),
    };

    // Android rows that are not the type itself still raise the type (§1.1): say so.
    let mut demand_note = String::new();
    if a.lands && !matches!(row.xf, Xf::AndroidType | Xf::WorkProfileType) {
        if let Some(d) = android_demand(setting, value) {
            if matches!(
                row.platform,
                TargetPlatform::AndroidDeviceAdmin | TargetPlatform::AndroidWorkProfile
            ) {
                demand_note = format!(
                    "also demands passwordRequiredType ≥ {} (the object requires {}, mapping.md §1.1)",
                    type_member(row, d.at_least),
                    type_member(row, android)
                );
            }
        }
    }
    if let Some((prop, member)) = row.also {
        if a.lands {
            a.set.push((prop.to_string(), Value::String(member.into())));
            if !demand_note.is_empty() {
                demand_note.push_str("; ");
            }
            demand_note.push_str(&format!("also sets {prop} = {member}"));
        }
    }

    let our_rule = row.our_rule || a.our_rule;
    let parts: Vec<&str> = [a.note.as_str(), row.note, demand_note.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let mut note = parts.join("; ");
    if note.is_empty() {
        note = match (a.fidelity, &a.target_property) {
            (Fidelity::Exact, Some(_)) => "same meaning, same value".to_string(),
            _ => format!("see {}", row.spec),
        };
    }
    if our_rule {
        note = format!("[our rule] {note}");
    }
    Draft {
        record: SettingRecord {
            bms_property: setting.property().to_string(),
            bms_value: value.clone(),
            platform: row.platform,
            target_property: a.target_property,
            target_value: a.target_value,
            fidelity: a.fidelity,
            note: note.trim_end().to_string(),
            rule: row.id.into(),
            spec: row.spec.into(),
            our_rule,
            setting: Some(setting),
        },
        home: row.target,
        lands: a.lands,
        set: a.set,
    }
}

fn type_member(row: &Row, t: AndroidType) -> &'static str {
    if row.xf == Xf::WorkProfileType
        || (row.platform == TargetPlatform::AndroidWorkProfile
            && row.target == Target::Configuration)
    {
        t.work_profile_member()
    } else {
        t.member()
    }
}

fn apply_android_type(row: &Row, value: &SettingValue, object_type: AndroidType) -> Applied {
    let setting = row.setting;
    let Some(demand) = android_demand(setting, value) else {
        return match value {
            SettingValue::Bool(_) => Applied::unset(inverse_note(setting, value)),
            SettingValue::Int(0) => Applied::unset(format!(
                "{} = 0 demands no password type",
                setting.property()
            )),
            _ => Applied::manual(format!(
                "{} = {value} is not a value BMS defines; nothing was set",
                setting.property()
            )),
        };
    };
    if object_type == AndroidType::DeviceDefault {
        return Applied::unset(format!(
            "{} = {value} → deviceDefault, which is Intune's not configured",
            setting.property()
        ));
    }
    let demanded = type_member(row, demand.at_least);
    let result = type_member(row, object_type);
    let mut note = if demand.at_least == object_type {
        format!("demands {demanded}; the strongest demand of this object (mapping.md §1.1)")
    } else {
        format!("demands at least {demanded}; the object requires {result}, the strongest demand of its settings (mapping.md §1.1)")
    };
    if !demand.note.is_empty() {
        note = format!("{}; {note}", demand.note);
    }
    Applied {
        fidelity: row.fidelity.max(demand.fidelity),
        note,
        our_rule: false,
        lands: true,
        target_property: Some("passwordRequiredType".into()),
        target_value: Some(Value::String(result.into())),
        set: Vec::new(), // the object sets passwordRequiredType once, from the strongest demand
    }
}

fn apply_region(plan: &RatingPlan) -> Applied {
    let Some(region) = plan.region else {
        return Applied::manual(
            "RegionRatings is not one of the nine regions Intune knows; set ratings in Intune"
                .into(),
        );
    };
    if !plan.sets_property() {
        return Applied::unset(format!(
            "region {} with no resolvable MoviesRating or TVShowsRating: nothing to restrict ({} not sent)",
            region.code, region.property
        ));
    }
    let value = json!({
        "movieRating": plan.member(RatingPart::Movies),
        "tvRating": plan.member(RatingPart::Tv),
    });
    Applied::set(
        region.property,
        value,
        Fidelity::Exact,
        format!(
            "region {} → {}; an unset movie or TV rating is sent as allAllowed",
            region.code, region.property
        ),
    )
}

fn apply_rating(plan: &RatingPlan, part: RatingPart) -> Applied {
    let what = match part {
        RatingPart::Movies => "movie",
        RatingPart::Tv => "TV",
    };
    let Some(region) = plan.region else {
        return Applied::manual(format!(
            "{} needs RegionRatings: the same integer means different ratings in different regions (bms-source.md §4)",
            part.setting().property()
        ));
    };
    match plan.part(part) {
        Some(Rating::Known { member, bms_name }) => Applied {
            fidelity: Fidelity::Exact,
            note: format!("{bms_name} → {member}"),
            our_rule: false,
            lands: true,
            target_property: Some(format!("{}.{}", region.property, part.field())),
            target_value: Some(Value::String((*member).into())),
            set: Vec::new(), // the RegionRatings record sets the whole complex value
        },
        Some(Rating::Unknown(n)) => Applied::manual(format!(
            "{n} is not a {what} rating of region {} (bms-source.md §4); {} choose the rating in Intune",
            region.code,
            if plan.sets_property() {
                format!("{}.{} is sent as allAllowed:", region.property, part.field())
            } else {
                "nothing is sent:".to_string()
            }
        )),
        None => Applied::manual(format!("{} could not be read", part.setting().property())),
    }
}

fn conditional_access(ctx: &PolicyCtx<'_>, files: &mut FileNames) -> Recommendation {
    let display_name = naming::conditional_access_name(&ctx.policy.name);
    let include_groups: Vec<String> = ctx.include.iter().map(Guid::to_string).collect();
    let body = ConditionalAccessPolicy {
        odata_type: ConditionalAccessPolicy::ODATA_TYPE.to_string(),
        display_name: display_name.clone(),
        description: ctx.description.clone(),
        state: ConditionalAccessPolicyState::EnabledForReportingButNotEnforced,
        conditions: ConditionalAccessConditionSet {
            users: ConditionalAccessUsers {
                include_users: if include_groups.is_empty() {
                    vec!["None".to_string()]
                } else {
                    Vec::new()
                },
                include_groups,
                exclude_groups: ctx.exclusion.iter().map(Guid::to_string).collect(),
            },
            applications: ConditionalAccessApplications {
                include_applications: vec![
                    EXCHANGE_ONLINE.to_string(),
                    SHAREPOINT_ONLINE.to_string(),
                ],
            },
            platforms: ConditionalAccessPlatforms {
                include_platforms: vec![
                    ConditionalAccessDevicePlatform::IOs,
                    ConditionalAccessDevicePlatform::Android,
                ],
            },
            client_app_types: vec![
                ConditionalAccessClientApp::MobileAppsAndDesktopClients,
                ConditionalAccessClientApp::ExchangeActiveSync,
            ],
        },
        grant_controls: ConditionalAccessGrantControls {
            operator: "OR".to_string(),
            built_in_controls: vec![ConditionalAccessGrantControl::CompliantDevice],
        },
    };
    let mut notes = ctx.notes.clone();
    if ctx.include.is_empty() {
        notes.push(
            "includeUsers is [\"None\"]: Graph needs an include, and the BMS policy targets no one"
                .to_string(),
        );
    }
    notes.push(
        "[our rule] report-only (enabledForReportingButNotEnforced): the classic Conditional Access policies keep \
         enforcing until you turn this on; it excludes only the tenant ExclusionList, not higher-priority \
         policies' groups, because every Block policy required a compliant device through the same classic policies"
            .to_string(),
    );
    let record = SettingRecord {
        bms_property: "Type".to_string(),
        bms_value: SettingValue::Text("DeviceConditionalAccess".to_string()),
        platform: TargetPlatform::Mobile,
        target_property: Some("grantControls.builtInControls".to_string()),
        target_value: Some(json!(["compliantDevice"])),
        fidelity: Fidelity::Manual,
        note: "[our rule] a Block policy's groups were assigned to the classic policies requiring a compliant device \
               for Exchange Online and SharePoint Online on iOS and Android; this modern policy does the same \
               (mobile apps and desktop clients, Exchange ActiveSync) and is created report-only: enable it when \
               the compliance policies are in place (mapping.md §5)"
            .to_string(),
        rule: "ConditionalAccess/Mobile/Block/CA".into(),
        spec: "mapping.md §5".into(),
        our_rule: true,
        setting: None,
    };
    let body = serde_json::to_value(&body).ok();
    let file = body.as_ref().map(|_| {
        files.claim(
            Api::V1,
            Collection::ConditionalAccessPolicies,
            &display_name,
        )
    });
    Recommendation {
        api: Some(Api::V1),
        collection: Some(Collection::ConditionalAccessPolicies),
        odata_type: Some(ConditionalAccessPolicy::ODATA_TYPE.to_string()),
        display_name,
        file,
        source_policy: ctx.policy.name.clone(),
        source_kind: ctx.kind,
        platform: TargetPlatform::Mobile,
        include_groups: ctx.include.clone(),
        exclude_groups: ctx.exclusion.clone(),
        notes,
        settings: vec![record],
        body,
    }
}

fn classic_statement(
    bms: &BmsExport,
    ordered: &[(&BmsPolicy, &BmsRule)],
    exclusion: &[Guid],
) -> ClassicCaStatement {
    let by_policy: Vec<ClassicCaAssignment> = ordered
        .iter()
        .filter(|(p, _)| p.kind == PolicyKind::Block)
        .map(|(p, r)| ClassicCaAssignment {
            policy: p.name.clone(),
            groups: sorted_unique(r.real_target_groups()),
        })
        .collect();
    let assigned_groups = sorted_unique(by_policy.iter().flat_map(|a| a.groups.iter().copied()));
    let names = CLASSIC_CA_POLICIES.join(", ");
    let mut statement = format!(
        "Keep the five classic Conditional Access policies ({names}); do not delete them. They are not in Microsoft \
         Graph, so this tool cannot change them: they keep requiring a compliant (enrolled) iOS or Android device \
         for Exchange Online and SharePoint Online "
    );
    if by_policy.is_empty() {
        statement.push_str("for the groups of Block policies; this export has no Block policy to migrate, so no group is assigned to them by a migrated policy.");
    } else {
        let groups = if assigned_groups.is_empty() {
            "no group (every Block policy targets no one)".to_string()
        } else {
            assigned_groups
                .iter()
                .map(Guid::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        statement.push_str(&format!(
            "for the target groups of the Block policies ({}): {groups}.",
            by_policy
                .iter()
                .map(|a| a.policy.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if exclusion.is_empty() {
        statement.push_str(" No group is excluded from them (ExclusionList is empty).");
    } else {
        statement.push_str(&format!(
            " The tenant ExclusionList is excluded from all five: {}.",
            exclusion
                .iter()
                .map(Guid::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    match bms.tenant.block_unsupported_devices {
        Some(true) => statement.push_str(" BlockUnsupportedDevices is on: [GraphAggregatorService] Device policy blocks devices BMS does not support."),
        Some(false) => statement.push_str(" BlockUnsupportedDevices is off: unsupported devices are allowed."),
        None => {}
    }
    statement
        .push_str(" The modern <policy>_OfficeMDM policies are created report-only next to them.");
    ClassicCaStatement {
        policies: CLASSIC_CA_POLICIES.iter().map(|&p| p.into()).collect(),
        statement,
        assigned_groups,
        by_policy,
        excluded_groups: exclusion.to_vec(),
        block_unsupported_devices: bms.tenant.block_unsupported_devices,
    }
}

fn skipped(bms: &BmsExport) -> Vec<SkippedPolicy> {
    let mut out = Vec::new();
    for p in &bms.policies {
        let reason = if p.mode.is_deleting() {
            format!(
                "the policy is {}: it is being removed from BMS, so nothing is migrated",
                p.mode.name()
            )
        } else if let Some(r) = p.rule.as_ref().filter(|r| r.mode.is_deleting()) {
            format!(
                "its rule is {}: it is being removed from BMS, so nothing is migrated",
                r.mode.name()
            )
        } else if p.rule.is_none() {
            "the policy has no rule (no settings and no target groups), so there is nothing to migrate".to_string()
        } else if p.kind == PolicyKind::Allow
            && p.rule.as_ref().is_some_and(|r| r.settings.is_empty())
        {
            "the Allow policy configures no setting, so no Intune object is needed".to_string()
        } else {
            continue;
        };
        out.push(SkippedPolicy {
            name: p.name.clone(),
            kind: Some(p.kind),
            mode: p.effective_mode(),
            reason,
        });
    }
    for r in &bms.orphan_rules {
        let kind = if r.name.ends_with(BLOCK_RULE_SUFFIX)
            || r.name.ends_with(LEGACY_BLOCK_RULE_SUFFIX)
        {
            Some(PolicyKind::Block)
        } else if r.name.ends_with(ALLOW_RULE_SUFFIX) || r.name.ends_with(LEGACY_ALLOW_RULE_SUFFIX)
        {
            Some(PolicyKind::Allow)
        } else {
            None
        };
        out.push(SkippedPolicy {
            name: r.policy_name_prefix().to_string(),
            kind,
            mode: r.mode,
            reason: format!(
                "rule {} belongs to no exported policy, so it is not migrated",
                r.name
            ),
        });
    }
    out
}

fn sorted_unique(groups: impl IntoIterator<Item = Guid>) -> Vec<Guid> {
    let mut v: Vec<Guid> = groups.into_iter().filter(|g| !g.is_nil()).collect();
    v.sort_unstable();
    v.dedup();
    v
}
