//! The inputs that shape the waves: [`WaveOptions`] (the automatic rules' knobs) and the
//! optional `--waves FILE` ([`WavesFile`], TOML), plus every error the planner can return
//! ([`WaveError`]). This module owns the file's syntax and its checks that need no tenant;
//! group names are resolved against the directory later, by the planner, which reports an
//! unknown group with the file, the wave and the group.
//!
//! ```toml
//! [[wave]]
//! name = "Pilot"
//! groups = ["BMS - Sales EMEA", "406b7087-96f3-42b3-9b4b-d11ca7f015da"]
//!
//! [[wave]]
//! name = "Ring 1"
//! percent = 30          # of all users in scope, taken from those not placed yet
//!
//! [[wave]]
//! name = "Rest"
//! rest = true           # everyone left; only the last wave may say so
//! ```

use serde::Deserialize;

/// How waves are chosen. [`Default`] gives the automatic rules of the crate documentation.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveOptions {
    /// A parsed `--waves` file; `None` for the automatic rules.
    pub waves_file: Option<WavesFile>,
    /// Pilot size as a percentage of the users in scope (automatic mode), before the
    /// mandatory members (already-licensed users, platform and policy coverage).
    pub pilot_percent: f64,
    /// Cap on the pilot's optional members (automatic mode).
    pub pilot_max_users: usize,
    /// The rings after the pilot, each a percentage of the users in scope; everyone left goes
    /// into one last ring (automatic mode).
    pub ring_percents: Vec<f64>,
    /// A ring larger than this is split into parts (automatic mode). Entra's first full sync of
    /// a group of more than 100,000 members is slower (`intune-behavior.md` §2).
    pub max_wave_users: usize,
    /// Display-name prefix of the licence groups the plan creates.
    pub group_prefix: String,
}

impl Default for WaveOptions {
    fn default() -> Self {
        WaveOptions {
            waves_file: None,
            pilot_percent: 5.0,
            pilot_max_users: 50,
            ring_percents: vec![10.0, 25.0],
            max_wave_users: 100_000,
            group_prefix: "BMS to Intune".into(),
        }
    }
}

/// A parsed `--waves` file.
#[derive(Debug, Clone, PartialEq)]
pub struct WavesFile {
    /// The file as the user named it, for error messages.
    pub file: String,
    pub waves: Vec<WaveSpec>,
}

/// One `[[wave]]` of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveSpec {
    /// The name given, or `Wave N`.
    pub name: String,
    pub rule: WaveRule,
}

/// Who a wave of the file takes, from the users not placed by earlier waves.
#[derive(Debug, Clone, PartialEq)]
pub enum WaveRule {
    /// Transitive members of these groups (display name or object ID), and the primary users
    /// of devices in them.
    Groups(Vec<String>),
    /// This percentage of all users in scope, in the planner's order.
    Percent(f64),
    /// Everyone left.
    Rest,
}

/// Why no staging could be planned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WaveError {
    /// The file is not valid TOML, or has unknown keys or wrong types.
    #[error("{file}: {message}")]
    Syntax { file: String, message: String },
    /// The file has no `[[wave]]`.
    #[error("{file}: no [[wave]] entries; add at least one, e.g. [[wave]] name = \"Pilot\" groups = [\"…\"]")]
    NoWaves { file: String },
    /// A wave is malformed (no rule, several rules, a bad percentage, `rest` not last, …).
    #[error("{file}: wave {wave} ({name:?}): {message}")]
    InvalidWave {
        file: String,
        wave: usize,
        name: String,
        message: String,
    },
    /// A wave names a group the directory does not have.
    #[error("{file}: wave {wave} ({name:?}): group {group:?} not found in the directory{hint}")]
    UnknownGroup {
        file: String,
        wave: usize,
        name: String,
        group: String,
        /// Extra help (e.g. the snapshot has no groups at all), empty or starting with `; `.
        hint: String,
    },
    /// A display name matches several groups.
    #[error(
        "{file}: wave {wave} ({name:?}): group {group:?} matches {} groups in the directory; name it by ID instead: {}",
        ids.len(),
        ids.join(", ")
    )]
    AmbiguousGroup {
        file: String,
        wave: usize,
        name: String,
        group: String,
        ids: Vec<String>,
    },
    /// The automatic rules' options are out of range.
    #[error("invalid wave options: {0}")]
    InvalidOptions(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    wave: Vec<RawWave>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWave {
    name: Option<String>,
    groups: Option<Vec<String>>,
    percent: Option<f64>,
    rest: Option<bool>,
}

impl WavesFile {
    /// Parses the text of a `--waves` file; `file` is how errors name it.
    pub fn parse(text: &str, file: &str) -> Result<WavesFile, WaveError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| WaveError::Syntax {
            file: file.to_string(),
            message: e.to_string().trim_end().replace('\n', " "),
        })?;
        if raw.wave.is_empty() {
            return Err(WaveError::NoWaves {
                file: file.to_string(),
            });
        }
        let count = raw.wave.len();
        let mut waves = Vec::with_capacity(count);
        for (i, w) in raw.wave.into_iter().enumerate() {
            let name = w
                .name
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| format!("Wave {}", i + 1));
            let invalid = |message: String| WaveError::InvalidWave {
                file: file.to_string(),
                wave: i + 1,
                name: name.clone(),
                message,
            };
            let rest = w.rest.unwrap_or(false);
            let given = usize::from(w.groups.is_some())
                + usize::from(w.percent.is_some())
                + usize::from(rest);
            if given != 1 {
                return Err(invalid(
                    "give exactly one of groups = [\"…\"], percent = N or rest = true".into(),
                ));
            }
            let rule = if let Some(groups) = w.groups {
                let groups: Vec<String> = groups
                    .into_iter()
                    .map(|g| g.trim().to_string())
                    .filter(|g| !g.is_empty())
                    .collect();
                if groups.is_empty() {
                    return Err(invalid("groups is empty".into()));
                }
                WaveRule::Groups(groups)
            } else if let Some(p) = w.percent {
                if !(p > 0.0 && p <= 100.0) {
                    return Err(invalid(format!(
                        "percent must be above 0 and at most 100, found {p}"
                    )));
                }
                WaveRule::Percent(p)
            } else {
                if i + 1 != count {
                    return Err(invalid(
                        "rest = true takes everyone left, so it must be the last wave".into(),
                    ));
                }
                WaveRule::Rest
            };
            waves.push(WaveSpec { name, rule });
        }
        Ok(WavesFile {
            file: file.to_string(),
            waves,
        })
    }
}

impl WaveOptions {
    /// Checks the automatic rules' numbers.
    pub fn check(&self) -> Result<(), WaveError> {
        let bad = |p: f64| !(p > 0.0 && p <= 100.0);
        if bad(self.pilot_percent) {
            return Err(WaveError::InvalidOptions(format!(
                "pilot percentage must be above 0 and at most 100, found {}",
                self.pilot_percent
            )));
        }
        if let Some(p) = self.ring_percents.iter().find(|p| bad(**p)) {
            return Err(WaveError::InvalidOptions(format!(
                "ring percentages must be above 0 and at most 100, found {p}"
            )));
        }
        if self.max_wave_users == 0 {
            return Err(WaveError::InvalidOptions(
                "the largest wave must allow at least one user".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_rules() {
        let f = WavesFile::parse(
            "[[wave]]\nname = \"Pilot\"\ngroups = [\"BMS - Sales EMEA\"]\n\n[[wave]]\nname = \"Ring 1\"\npercent = 30\n\n[[wave]]\nrest = true\n",
            "waves.toml",
        )
        .unwrap();
        assert_eq!(f.waves.len(), 3);
        assert_eq!(
            f.waves[0].rule,
            WaveRule::Groups(vec!["BMS - Sales EMEA".into()])
        );
        assert_eq!(f.waves[1].rule, WaveRule::Percent(30.0));
        assert_eq!(f.waves[2].name, "Wave 3");
        assert_eq!(f.waves[2].rule, WaveRule::Rest);
    }

    #[test]
    fn rejects_malformed_waves() {
        let err = |text: &str| WavesFile::parse(text, "w.toml").unwrap_err().to_string();
        assert_eq!(
            err("[[wave]]\nname = \"A\"\npercent = 10\nrest = true\n"),
            "w.toml: wave 1 (\"A\"): give exactly one of groups = [\"…\"], percent = N or rest = true"
        );
        assert!(err("[[wave]]\nname = \"A\"\npercent = 0\n").contains("percent must be above 0"));
        assert!(err("[[wave]]\nname = \"A\"\npercent = 101.5\n").contains("found 101.5"));
        assert!(err("[[wave]]\nrest = true\n[[wave]]\npercent = 5\n").contains("must be the last"));
        assert!(err("[[wave]]\nname = \"A\"\ngroups = []\n").contains("groups is empty"));
        assert!(err("").contains("no [[wave]] entries"));
        let unknown = err("[[wave]]\nname = \"A\"\nusers = [\"x\"]\n");
        assert!(unknown.starts_with("w.toml: "), "{unknown}");
        assert!(unknown.contains("users"), "{unknown}");
        assert!(err("[[wave]\n").starts_with("w.toml: "));
    }

    #[test]
    fn options_are_checked() {
        assert!(WaveOptions::default().check().is_ok());
        let bad = WaveOptions {
            ring_percents: vec![10.0, -1.0],
            ..WaveOptions::default()
        };
        assert!(bad.check().unwrap_err().to_string().contains("-1"));
    }
}
