//! End-user message templates per wave: the notice that devices move to Intune, the mail
//! re-authentication warning and the Android work-profile re-enrolment request. This module owns
//! their wording and the signals in the plan that decide which ones a wave needs: the wave's own
//! `email-profile-reauth` and `android-device-admin` risks when the waves planner listed them,
//! otherwise the tenant-wide findings (an email profile is migrated, Android devices are in the
//! wave). It also owns what the runbook says users will see: the wave's `userImpact` when the
//! plan has it, generic lines otherwise. Placeholders the admin fills in before sending are
//! written `{date}` and `{helpdesk}`.

use crate::values as v;
use bms2intune_analysis::Code;
use bms2intune_mapping::Fidelity;
use bms2intune_plan::PlanDocument;
use bms2intune_waves::{Wave, WaveRisk};
use serde::Serialize;

/// Facts of the whole plan that decide which messages are needed.
#[derive(Debug, Default)]
pub struct Signals {
    /// Managed mail profiles move: users may be asked for their password.
    pub email: bool,
    /// Users with a managed mail profile, when the assessment counted them.
    pub email_users: Option<u64>,
    /// Android device-administrator devices need a work-profile re-enrolment.
    pub android: bool,
    /// Such devices, when the assessment counted them.
    pub android_devices: Option<u64>,
}

impl Signals {
    pub fn of(plan: &PlanDocument<'_>) -> Signals {
        let finding = |code: Code| plan.findings.iter().find(|f| f.code == code);
        let email_profile = plan.recommendations.iter().any(|r| {
            r.odata_type
                .as_deref()
                .is_some_and(|t| t.contains("EmailProfile"))
                || r.settings.iter().any(|s| {
                    s.bms_property == "RequireEmailProfile" && s.fidelity != Fidelity::NotMigrated
                })
        });
        let email_finding = finding(Code::EmailProfileReauth);
        let android_finding = finding(Code::AndroidDeviceAdmin);
        Signals {
            email: email_finding.is_some() || email_profile,
            email_users: email_finding.map(|f| f.count),
            android: android_finding.is_some(),
            android_devices: android_finding.map(|f| f.count),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct WaveMessages {
    pub wave: String,
    pub anchor: String,
    /// What the wave's users will see, as the plan words it (`userImpact` of the wave); empty
    /// when the plan does not say.
    pub user_impact: Vec<String>,
    pub messages: Vec<Message>,
}

#[derive(Debug, Serialize)]
pub struct Message {
    /// `notice`, `mail-reauth` or `android-reenrol`.
    pub kind: &'static str,
    pub title: &'static str,
    pub audience: String,
    pub send: &'static str,
    pub subject: String,
    pub body: Vec<String>,
}

/// Android devices in a wave (any Android device: the wave does not say which are device
/// administrator).
fn wave_android(wave: &Wave<'_>) -> u64 {
    wave.devices_by_platform
        .iter()
        .filter(|(k, _)| k.to_ascii_lowercase().contains("android"))
        .map(|(_, n)| n)
        .sum()
}

/// The wave's risk with this finding code. `None` when the wave lists no risks (the caller
/// falls back on other signals); `Some(None)` when it does and none has this code, so the wave
/// does not have that risk.
fn wave_risk<'a>(wave: &'a Wave<'_>, code: Code) -> Option<Option<&'a WaveRisk>> {
    (!wave.risks.is_empty()).then(|| wave.risks.iter().find(|r| r.code == code))
}

/// Whether a wave needs the Android message, and how many devices it concerns. The wave's
/// `android-device-admin` risk decides when the wave lists risks; otherwise the wave's Android
/// devices with the tenant-wide finding.
fn android_in(wave: Option<&Wave<'_>>, signals: &Signals) -> Option<Option<u64>> {
    match wave.and_then(|w| wave_risk(w, Code::AndroidDeviceAdmin)) {
        Some(Some(r)) => Some(Some(r.devices)),
        Some(None) => None,
        None => {
            let devices = wave.map(wave_android);
            (signals.android && devices.is_none_or(|n| n > 0))
                .then(|| devices.or(signals.android_devices))
        }
    }
}

/// Whether a wave needs the mail message, and its users when the wave counts them (from the
/// wave's `email-profile-reauth` risk; without risks, the tenant-wide signal).
fn mail_in(wave: Option<&Wave<'_>>, signals: &Signals) -> Option<Option<u64>> {
    match wave.and_then(|w| wave_risk(w, Code::EmailProfileReauth)) {
        Some(Some(r)) => Some(Some(r.users)),
        Some(None) => None,
        None => signals.email.then_some(None),
    }
}

/// What users of a wave see when their licence arrives: the wave's own `userImpact` when the
/// plan has it, otherwise generic lines from the signals.
pub fn what_users_see(wave: Option<&Wave<'_>>, signals: &Signals) -> Vec<String> {
    let planned: Vec<String> = wave
        .map(|w| {
            w.user_impact
                .iter()
                .filter(|l| !l.is_empty())
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    if !planned.is_empty() {
        return planned;
    }
    let window = wave
        .map(|w| w.switch_window.as_str())
        .filter(|s| !s.is_empty());
    let mut out = vec![format!(
        "Devices move to Intune at their next check-in, without re-enrolment. Switch window: {}.",
        window.unwrap_or("usually within 8 hours")
    )];
    if mail_in(wave, signals).is_some() {
        out.push(
            "Users with a managed mail profile may be asked once for their mail password.".into(),
        );
    }
    if android_in(wave, signals).is_some() {
        out.push(
            "Android device-administrator users must set up a work profile in Company Portal to keep work mail."
                .into(),
        );
    }
    out
}

/// The messages of each wave.
pub fn for_waves(
    waves: &[Wave<'_>],
    organization: Option<&str>,
    signals: &Signals,
) -> Vec<WaveMessages> {
    let org = Org(organization);
    waves
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let wave = if w.name.is_empty() {
                format!("Wave {}", w.id)
            } else {
                format!("Wave {} · {}", w.id, w.name)
            };
            let window = Some(w.switch_window.as_str()).filter(|s| !s.is_empty());
            let mut messages = vec![notice(&org, &wave, window, w.users)];
            if let Some(users) = mail_in(Some(w), signals) {
                messages.push(mail(&org, users, signals));
            }
            if let Some(devices) = android_in(Some(w), signals) {
                messages.push(android(&org, devices));
            }
            WaveMessages {
                wave,
                anchor: format!("messages-{}", i + 1),
                user_impact: w
                    .user_impact
                    .iter()
                    .filter(|l| !l.is_empty())
                    .cloned()
                    .collect(),
                messages,
            }
        })
        .collect()
}

/// The organization's name in a message, or a neutral wording when the plan does not know it.
struct Org<'a>(Option<&'a str>);

impl Org<'_> {
    /// `Contoso: text`, or `Text` without a name.
    fn subject(&self, text: &str) -> String {
        match self.0 {
            Some(o) => format!("{o}: {text}"),
            None => {
                let mut chars = text.chars();
                chars
                    .next()
                    .map(|c| c.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            }
        }
    }

    fn name(&self) -> &str {
        self.0.unwrap_or("your organization")
    }
}

fn notice(org: &Org, wave: &str, window: Option<&str>, users: u64) -> Message {
    let name = org.name();
    let audience = format!(
        "Every user in {wave} ({})",
        v::plural(users, "user", "users")
    );
    Message {
        kind: "notice",
        title: "Your devices move to Microsoft Intune",
        audience,
        send: "5 working days before the wave's licences are assigned",
        subject: org.subject("your phone and tablet move to Microsoft Intune on {date}"),
        body: vec![
            "Hello,".into(),
            format!(
                "On {{date}}, {name} moves the management of your phones, tablets and work PCs from Basic Mobility \
                 and Security to Microsoft Intune. You are in {wave}."
            ),
            format!(
                "You don't need to do anything to move: your device moves on its own the next time it checks in. \
                 Expected: {}. Your mail, apps and data stay where they are.",
                window.unwrap_or("usually within 8 hours")
            ),
            "If your device asks you to set a new PIN or a longer password, follow the prompt: a few security \
             rules may be slightly stricter."
                .into(),
            "Questions? Contact {helpdesk}.".into(),
        ],
    }
}

/// `wave_users`: the wave's users with a managed mail profile, when the wave counts them.
fn mail(org: &Org, wave_users: Option<u64>, signals: &Signals) -> Message {
    let name = org.name();
    let audience = match (wave_users, signals.email_users) {
        (Some(n), _) => format!(
            "Users of this wave with a managed mail profile ({})",
            v::plural(n, "user", "users")
        ),
        (None, Some(n)) => format!(
            "Users of this wave with a managed mail profile ({} in the tenant)",
            v::plural(n, "user", "users")
        ),
        (None, None) => "Users of this wave with a managed mail profile".into(),
    };
    Message {
        kind: "mail-reauth",
        title: "Mail re-authentication",
        audience,
        send: "With the wave notice, and again on the day",
        subject: org.subject("you may be asked for your mail password on your phone"),
        body: vec![
            "Hello,".into(),
            format!(
                "When your device moves to Microsoft Intune on {{date}}, the work mail account that {name} set up on \
                 your phone or tablet is replaced by a new one with the same settings, named \"Office 365 email\"."
            ),
            format!(
                "Your device may ask you once for the password of that account. Enter your usual {name} password: \
                 mail, calendar and contacts sync again within a few minutes."
            ),
            "If mail stops syncing and you are not asked, open the account in your device's mail settings and \
             enter your password again, or contact {helpdesk}."
                .into(),
        ],
    }
}

fn android(org: &Org, devices: Option<u64>) -> Message {
    let audience = match devices {
        Some(n) => format!(
            "Users of this wave with an Android device-administrator device ({})",
            v::plural(n, "device", "devices")
        ),
        None => "Users of this wave with an Android device managed as device administrator".into(),
    };
    Message {
        kind: "android-reenrol",
        title: "Android re-enrolment (work profile)",
        audience,
        send: "2 weeks before the wave: setting up a work profile takes the user about 10 minutes",
        subject: org.subject("action needed — set up a work profile on your Android device by {date}"),
        body: vec![
            "Hello,".into(),
            "Your Android device is managed with an older method (device administrator) that Microsoft Intune no \
             longer supports on devices with Google services."
                .into(),
            "To keep work mail and apps on it, set up a work profile: open the Intune Company Portal app, tap the \
             notice that asks you to update your device's management, and follow the steps. It takes about 10 \
             minutes. Your personal apps, photos and data stay as they are, and stay private."
                .into(),
            "Until the work profile is set up, work mail may stop on this device after {date}.".into(),
            "Need help? Contact {helpdesk}.".into(),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bms2intune_analysis::Severity;

    fn risk(code: Code, users: u64, devices: u64) -> WaveRisk {
        WaveRisk {
            code,
            severity: code.severity(),
            title: code.title().into(),
            count: users + devices,
            users,
            devices,
        }
    }

    /// Two waves of the sample with the given devices and risks, and no words of their own.
    fn waves(devices: [&[(&str, u64)]; 2], risks: [Vec<WaveRisk>; 2]) -> Vec<Wave<'static>> {
        let plan: PlanDocument<'static> =
            serde_json::from_str(include_str!("../tests/fixtures/plan.json")).unwrap();
        let template = plan.staging.waves[0].clone();
        devices
            .into_iter()
            .zip(risks)
            .enumerate()
            .map(|(i, (d, r))| Wave {
                id: i as u32 + 1,
                devices_by_platform: d.iter().map(|(k, n)| (k.to_string(), *n)).collect(),
                risks: r,
                user_impact: vec![],
                ..template.clone()
            })
            .collect()
    }

    fn signals() -> Signals {
        Signals {
            email: true,
            email_users: Some(12),
            android: true,
            android_devices: Some(4),
        }
    }

    fn kinds(m: &WaveMessages) -> Vec<&'static str> {
        m.messages.iter().map(|x| x.kind).collect()
    }

    #[test]
    fn without_wave_risks_the_tenant_signals_decide() {
        let w = waves([&[("ios", 3)], &[("android", 2)]], [vec![], vec![]]);
        let m = for_waves(&w, Some("Contoso"), &signals());
        assert_eq!(kinds(&m[0]), ["notice", "mail-reauth"]);
        assert_eq!(kinds(&m[1]), ["notice", "mail-reauth", "android-reenrol"]);
        assert!(m[1].messages[2].audience.contains("2 devices"));
        assert!(m[0].messages[1]
            .audience
            .contains("(12 users in the tenant)"));
    }

    #[test]
    fn wave_risks_decide_per_wave() {
        let mail = risk(Code::EmailProfileReauth, 6, 0);
        assert_eq!(mail.severity, Severity::Info);
        let mut w = waves(
            [&[("android", 3)], &[("android", 5), ("ios", 1)]],
            [vec![mail], vec![risk(Code::AndroidDeviceAdmin, 0, 2)]],
        );
        w[0].user_impact = vec!["6 users may be asked for their mail password.".into()];
        let m = for_waves(&w, Some("Contoso"), &signals());
        // Android devices in wave 1, but none is device administrator: no Android message.
        assert_eq!(kinds(&m[0]), ["notice", "mail-reauth"]);
        assert!(m[0].messages[1].audience.contains("(6 users)"));
        assert_eq!(kinds(&m[1]), ["notice", "android-reenrol"]);
        assert!(m[1].messages[1].audience.contains("(2 devices)"));
        assert_eq!(
            m[0].user_impact,
            ["6 users may be asked for their mail password."]
        );
        assert_eq!(
            what_users_see(Some(&w[0]), &signals()),
            ["6 users may be asked for their mail password."],
            "the plan's words first"
        );
        let generic = what_users_see(Some(&w[1]), &signals());
        assert!(generic[0].starts_with("Devices move to Intune"));
        assert!(generic.iter().any(|l| l.contains("work profile")));
        assert!(!generic.iter().any(|l| l.contains("mail password")));
    }

    #[test]
    fn no_signals_only_the_notice() {
        let mut w = waves([&[], &[]], [vec![], vec![]]);
        w[0].name = String::new();
        let m = for_waves(&w, None, &Signals::default());
        assert_eq!(m[0].wave, "Wave 1");
        assert_eq!(m[0].messages.len(), 1);
        assert!(m[0].messages[0]
            .subject
            .starts_with("Your phone and tablet"));
    }

    #[test]
    fn the_sample_needs_every_message() {
        let plan: PlanDocument<'static> =
            serde_json::from_str(include_str!("../tests/fixtures/plan.json")).unwrap();
        let s = Signals::of(&plan);
        assert!(s.email && s.android);
        assert_eq!(s.email_users, Some(19));
        assert_eq!(s.android_devices, Some(31));
    }
}
