//! End-user message templates per wave: the notice that devices move to Intune, the mail
//! re-authentication warning and the Android work-profile re-enrolment request. This module owns
//! their wording and the signals in the plan that decide which ones a wave needs: the wave's own
//! `email-profile-reauth` and `android-device-admin` risks when the waves planner listed them,
//! otherwise the tenant-wide findings (an email profile is migrated, Android devices are in the
//! wave). It also owns what the runbook says users will see: the wave's `userImpact` when the
//! plan has it, generic lines otherwise. Placeholders the admin fills in before sending are
//! written `{date}` and `{helpdesk}`.

use crate::values as v;
use serde::Serialize;
use serde_json::Value;

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
    pub fn of(plan: &Value) -> Signals {
        let findings = v::get(plan, "findings").and_then(Value::as_array);
        let finding = |code: &str| {
            findings.and_then(|f| {
                f.iter()
                    .find(|x| v::text(x, "code").as_deref() == Some(code))
            })
        };
        let recs = v::list(plan, "recommendations");
        let email_profile = recs.iter().any(|r| {
            v::text(r, "odataType").is_some_and(|t| t.contains("EmailProfile"))
                || v::list(r, "settings").iter().any(|s| {
                    v::text(s, "bmsProperty").as_deref() == Some("RequireEmailProfile")
                        && v::text(s, "fidelity").as_deref() != Some("not-migrated")
                })
        });
        let email_finding = finding("email-profile-reauth");
        let android_finding = finding("android-device-admin");
        let work_profile = recs
            .iter()
            .any(|r| v::text(r, "platform").as_deref() == Some("androidWorkProfile"));
        Signals {
            email: email_finding.is_some() || email_profile,
            email_users: email_finding.and_then(|f| v::count(f, "count")),
            android: android_finding.is_some() || (findings.is_none() && work_profile),
            android_devices: android_finding.and_then(|f| v::count(f, "count")),
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

/// Android devices in a wave: `None` when the wave does not say.
fn wave_android(wave: &Value) -> Option<u64> {
    v::object(wave, "devicesByPlatform").map(|m| {
        m.iter()
            .filter(|(k, _)| k.to_ascii_lowercase().contains("android"))
            .filter_map(|(_, n)| v::as_count(n))
            .sum()
    })
}

/// The wave's risk with this finding code. `None` when the wave's risks carry no codes (an
/// older or hand-written plan: the caller falls back on other signals); `Some(None)` when they
/// do and none has this code, so the wave does not have that risk.
fn wave_risk<'a>(wave: &'a Value, code: &str) -> Option<Option<&'a Value>> {
    let risks = v::list(wave, "risks");
    risks.iter().any(|r| v::get(r, "code").is_some()).then(|| {
        risks
            .iter()
            .find(|r| v::text(r, "code").as_deref() == Some(code))
    })
}

/// Whether a wave needs the Android message, and how many devices it concerns. The wave's
/// `android-device-admin` risk decides when the wave lists coded risks; otherwise the wave's
/// Android devices (any Android device, as the plan does not say which are device
/// administrator) with the tenant-wide finding.
fn android_in(wave: Option<&Value>, signals: &Signals) -> Option<Option<u64>> {
    match wave.and_then(|w| wave_risk(w, "android-device-admin")) {
        Some(Some(r)) => Some(v::count(r, "devices").or_else(|| v::count(r, "count"))),
        Some(None) => None,
        None => {
            let devices = wave.and_then(wave_android);
            (signals.android && devices.is_none_or(|n| n > 0))
                .then(|| devices.or(signals.android_devices))
        }
    }
}

/// Whether a wave needs the mail message, and its users when the wave counts them (from the
/// wave's `email-profile-reauth` risk; without coded risks, the tenant-wide signal).
fn mail_in(wave: Option<&Value>, signals: &Signals) -> Option<Option<u64>> {
    match wave.and_then(|w| wave_risk(w, "email-profile-reauth")) {
        Some(Some(r)) => Some(v::count(r, "users").or_else(|| v::count(r, "count"))),
        Some(None) => None,
        None => signals.email.then_some(None),
    }
}

/// What users of a wave see when their licence arrives: the wave's own `userImpact` when the
/// plan has it, otherwise generic lines from the signals.
pub fn what_users_see(wave: Option<&Value>, signals: &Signals) -> Vec<String> {
    let planned = wave.map(|w| v::texts(w, "userImpact")).unwrap_or_default();
    if !planned.is_empty() {
        return planned;
    }
    let window = wave
        .and_then(|w| v::get(w, "switchWindow"))
        .map(v::display)
        .filter(|s| !s.is_empty());
    let mut out = vec![format!(
        "Devices move to Intune at their next check-in, without re-enrolment. Switch window: {}.",
        window.as_deref().unwrap_or("usually within 8 hours")
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
    waves: &[Value],
    organization: Option<&str>,
    signals: &Signals,
) -> Vec<WaveMessages> {
    let org = Org(organization);
    waves
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let id = v::text(w, "id");
            let name = v::text(w, "name");
            let wave = match (&id, &name) {
                (Some(i), Some(n)) => format!("Wave {i} · {n}"),
                (Some(i), None) => format!("Wave {i}"),
                (None, Some(n)) => n.clone(),
                (None, None) => format!("Wave {}", i + 1),
            };
            let window = v::get(w, "switchWindow")
                .map(v::display)
                .filter(|s| !s.is_empty());
            let mut messages = vec![notice(&org, &wave, window.as_deref(), v::get(w, "users"))];
            if let Some(users) = mail_in(Some(w), signals) {
                messages.push(mail(&org, users, signals));
            }
            if let Some(devices) = android_in(Some(w), signals) {
                messages.push(android(&org, devices));
            }
            WaveMessages {
                wave,
                anchor: format!("messages-{}", i + 1),
                user_impact: v::texts(w, "userImpact"),
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

fn notice(org: &Org, wave: &str, window: Option<&str>, users: Option<&Value>) -> Message {
    let name = org.name();
    let audience = match users.and_then(v::as_count) {
        Some(n) => format!("Every user in {wave} ({})", v::plural(n, "user", "users")),
        None => format!("Every user in {wave}"),
    };
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
    use serde_json::json;

    #[test]
    fn messages_follow_the_signals() {
        let plan = json!({
            "findings": [
                {"code": "email-profile-reauth", "count": 12},
                {"code": "android-device-admin", "count": 4},
            ],
        });
        let s = Signals::of(&plan);
        assert!(s.email && s.android);
        let waves = [
            json!({"id": 1, "devicesByPlatform": {"iOS": 3}}),
            json!({"id": 2, "devicesByPlatform": {"Android": 2}}),
        ];
        let m = for_waves(&waves, Some("Contoso"), &s);
        let kinds = |i: usize| m[i].messages.iter().map(|x| x.kind).collect::<Vec<_>>();
        assert_eq!(kinds(0), ["notice", "mail-reauth"]);
        assert_eq!(kinds(1), ["notice", "mail-reauth", "android-reenrol"]);
        assert!(m[1].messages[2].audience.contains("2 devices"));
    }

    #[test]
    fn coded_wave_risks_decide_per_wave() {
        let s = Signals::of(&json!({
            "findings": [
                {"code": "email-profile-reauth", "count": 12},
                {"code": "android-device-admin", "count": 4},
            ],
        }));
        let waves = [
            // Android devices, but none is device administrator: no Android message.
            json!({"id": 1, "devicesByPlatform": {"android": 3}, "risks": [
                {"code": "email-profile-reauth", "severity": "info", "count": 6, "users": 6, "devices": 0},
            ], "userImpact": ["6 users may be asked for their mail password."]}),
            json!({"id": 2, "devicesByPlatform": {"android": 5, "ios": 1}, "risks": [
                {"code": "android-device-admin", "severity": "warning", "count": 2, "users": 0, "devices": 2},
            ]}),
        ];
        let m = for_waves(&waves, Some("Contoso"), &s);
        let kinds = |i: usize| m[i].messages.iter().map(|x| x.kind).collect::<Vec<_>>();
        assert_eq!(kinds(0), ["notice", "mail-reauth"]);
        assert!(m[0].messages[1].audience.contains("(6 users)"));
        assert_eq!(kinds(1), ["notice", "android-reenrol"]);
        assert!(m[1].messages[1].audience.contains("(2 devices)"));
        assert_eq!(
            m[0].user_impact,
            ["6 users may be asked for their mail password."]
        );
        assert_eq!(
            what_users_see(Some(&waves[0]), &s),
            ["6 users may be asked for their mail password."],
            "the plan's words first"
        );
        let generic = what_users_see(Some(&waves[1]), &s);
        assert!(generic[0].starts_with("Devices move to Intune"));
        assert!(generic.iter().any(|l| l.contains("work profile")));
        assert!(!generic.iter().any(|l| l.contains("mail password")));
    }

    #[test]
    fn no_signals_only_the_notice() {
        let s = Signals::of(&json!({"findings": []}));
        let m = for_waves(&[json!({"name": "Pilot"})], None, &s);
        assert_eq!(m[0].wave, "Pilot");
        assert_eq!(m[0].messages.len(), 1);
        assert!(m[0].messages[0]
            .subject
            .starts_with("Your phone and tablet"));
    }
}
