//! `waves.csv`, the full wave rosters `bms2intune plan` writes beside `plan.json` (whose own
//! member lists stop at `listLimit`): read once here for `apply` (whom to add to each wave
//! group) and `status` (whose devices to count). Users in no wave (waiting for a seat, empty
//! `wave`) are left out. Errors name the line and column.

use std::collections::BTreeMap;

/// One user of a wave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterUser {
    /// The Entra object id, lower-cased as Graph writes it.
    pub user_id: String,
    pub user_principal_name: String,
    /// How the user gets Intune (`held`, `new-seat`, …: the `license` column).
    pub license: String,
    /// The SKU a new seat comes from (its part number), or empty.
    pub sku: String,
}

/// The users of each wave, in file order. Columns `wave`, `user_id`, `user_principal_name`,
/// `license` and `sku` are read; others are ignored.
pub fn parse(text: &str) -> Result<BTreeMap<u32, Vec<RosterUser>>, String> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("header: {e}"))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("header: no column `{name}`"))
    };
    let (wave, id, upn, license, sku) = (
        column("wave")?,
        column("user_id")?,
        column("user_principal_name")?,
        column("license")?,
        column("sku")?,
    );
    let mut out: BTreeMap<u32, Vec<RosterUser>> = BTreeMap::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| format!("line {line}: {e}"))?;
        let cell = |c: usize| row.get(c).unwrap_or("").trim();
        if cell(wave).is_empty() {
            continue;
        }
        let n: u32 = cell(wave).parse().map_err(|_| {
            format!(
                "line {line}: column `wave`: expected a wave number, found {:?}",
                cell(wave)
            )
        })?;
        if cell(id).is_empty() {
            return Err(format!("line {line}: column `user_id`: empty"));
        }
        out.entry(n).or_default().push(RosterUser {
            user_id: cell(id).to_ascii_lowercase(),
            user_principal_name: cell(upn).to_string(),
            license: cell(license).to_string(),
            sku: cell(sku).to_string(),
        });
    }
    Ok(out)
}
