//! Renders the fixture plan (the sample tenant's): a snapshot test pins `report.md`; structural
//! tests check that `report.html` is self-contained and has every section; escaping tests feed
//! tenant strings that carry markup through both reports.

mod common;

use bms2intune_analysis::Code;
use bms2intune_report::{render_html, render_markdown};
use common::*;

#[test]
fn markdown_of_the_fixture() {
    insta::assert_snapshot!("report.md", render_markdown(&fixture()).unwrap());
}

#[test]
fn html_has_every_section_in_order() {
    let html = render_html(&fixture()).unwrap();
    let mut last = 0;
    for id in SECTION_IDS {
        let at = html
            .find(&format!("<section id=\"{id}\""))
            .unwrap_or_else(|| panic!("no section {id}"));
        assert!(at > last, "section {id} out of order");
        last = at;
    }
    for policy in [
        "Secure Mobile - Sales",
        "All Mobile Baseline",
        "Contractors (retired)",
    ] {
        assert!(html.contains(policy), "the report names {policy}");
    }
    assert!(html.contains("Blocked"), "the fixture has a blocker");
    assert!(html.contains("and 6 more"), "subjects are capped at 25");
}

#[test]
fn staging_and_simulation_details_are_shown() {
    let html = render_html(&fixture()).unwrap();
    let md = render_markdown(&fixture()).unwrap();
    for text in [
        // Step checks, including the checklist before coexistence.
        "The Apple MDM push certificate is valid for the whole migration",
        // Long dependency lists are cut short.
        "and 40 more",
        // Exit gates: how to measure, and the threshold.
        "Devices &gt; Monitor &gt; Device compliance, filtered to the wave",
        "compliantPercent",
        "≥ 95",
        // The wave's own words on what users see.
        "14 users already hold Intune: their devices move at their next check-in",
        // Licence capacity and the users who wait.
        "17 users wait for licences",
        "diego.siciliani@contoso.com",
        "waits for a licence (seats ran out)",
        // Impact: BMS-only settings, assumed order, user counts per platform.
        "BMS-only:",
        "assumed order",
        "Android Enterprise work profile",
        // Conflicts: the objects, where they come from, the value that applies.
        "new configuration profile, from BMS policy Engineering Devices",
        "existing compliance policy",
    ] {
        assert!(html.contains(text), "report.html shows {text:?}");
    }
    for text in [
        "The Apple MDM push certificate is valid for the whole migration",
        "and 40 more",
        "`compliantPercent` ≥ 95",
        "17 users wait for licences",
        "BMS-only: `FirewallStatus`",
        "(applies)",
    ] {
        assert!(md.contains(text), "report.md shows {text:?}");
    }
    // Device counts of a wave say Windows (8.1 and RT included), target platforms Windows 10/11.
    // (`/` is `&#x2f;` in HTML.)
    assert!(html.contains("16: iOS&#x2f;iPadOS 10, Android 5, Windows 1"));
    assert!(html.contains("<td class=\"plat\">Windows 10&#x2f;11</td>"));
    assert!(md.contains("16: iOS/iPadOS 10, Android 5, Windows 1"));
}

#[test]
fn html_is_self_contained() {
    let html = render_html(&fixture()).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
    ));
    assert!(html.contains("<meta name=\"color-scheme\" content=\"light\">"));
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script", "<img", "<link", "<iframe", "<object", "<embed", "@import", "url(", "src=",
        "http://", "https://",
    ] {
        assert!(!lower.contains(banned), "report.html contains {banned:?}");
    }
    for href in lower.split("href=\"").skip(1) {
        assert!(
            href.starts_with('#'),
            "only in-page links: {}",
            &href[..href.len().min(40)]
        );
    }
    assert!(lower.contains("@media print"));
    assert!(lower.contains("<svg"), "charts are inline SVG");
}

#[test]
fn licences_are_left_out_without_directory_or_licence_findings() {
    let mut plan = fixture();
    plan.snapshot.directory = None;
    plan.findings.retain(|f| {
        !matches!(
            f.code,
            Code::LicenseShortfall
                | Code::AlreadyLicensedUsers
                | Code::LicensedWithoutReplacement
                | Code::UnlicensedTargets
                | Code::EducationSku
                | Code::MamOnlyLicense
        )
    });
    let html = render_html(&plan).unwrap();
    assert!(!html.contains("<section id=\"licences\""));
    assert!(!html.contains("href=\"#licences\""));
    assert!(!html.contains("Managed devices by platform"));
    for id in SECTION_IDS.iter().filter(|id| **id != "licences") {
        assert!(
            html.contains(&format!("<section id=\"{id}\"")),
            "{id} stays"
        );
    }
}

#[test]
fn output_is_deterministic() {
    let plan = fixture();
    assert_eq!(render_html(&plan).unwrap(), render_html(&plan).unwrap());
    assert_eq!(
        render_markdown(&plan).unwrap(),
        render_markdown(&plan).unwrap()
    );
}

#[test]
fn html_escapes_tenant_strings() {
    let html = render_html(&hostile()).unwrap();
    let lower = html.to_ascii_lowercase();
    for tag in ["<script", "<img", "<iframe", "<svg onload"] {
        assert!(!lower.contains(tag), "{tag} must not appear as a tag");
    }
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "the policy name is shown as text"
    );
    assert!(
        html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
        "the finding's detail is shown as text"
    );
    assert!(
        html.contains("Sales | EU `ops` team"),
        "the group name is shown as it is"
    );
}

#[test]
fn markdown_escapes_tenant_strings() {
    let md = render_markdown(&hostile()).unwrap();
    // Outside fenced code blocks (the close-out's PowerShell, shown literally: CommonMark reads
    // no markup inside a fence, and a backslash there would change the command).
    let mut in_fence = false;
    let mut bare = 0;
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if !in_fence {
            bare += line
                .match_indices('<')
                .filter(|(i, _)| !line[..*i].ends_with('\\'))
                .count();
        }
    }
    assert_eq!(
        bare, 0,
        "every < of report.md outside code blocks is escaped"
    );
    assert!(
        md.contains("### \\<script\\>alert(1)\\</script\\>"),
        "policy heading escaped"
    );
    assert!(
        md.contains("\"\\>\\<img src=x onerror=alert(1)\\>"),
        "the finding's detail escaped"
    );
    assert!(
        md.contains("Sales \\| EU \\`ops\\` team"),
        "pipe and backticks escaped"
    );
    assert!(
        md.contains("\\[click\\](javascript:alert(1))"),
        "no link injected"
    );
}

#[test]
fn markdown_renders_tenant_strings_as_text() {
    use pulldown_cmark::{html, Options, Parser};
    let md = render_markdown(&hostile()).unwrap();
    let mut out = String::new();
    html::push_html(
        &mut out,
        Parser::new_ext(&md, Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS),
    );
    let lower = out.to_ascii_lowercase();
    for tag in ["<script", "<img", "<iframe", "<svg", "<a "] {
        assert!(!lower.contains(tag), "rendered report.md has {tag}");
    }
    assert!(
        out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the policy name is text"
    );
    assert!(
        out.contains("Sales | EU `ops` team"),
        "the group name is text, whole"
    );
    // Every table row keeps its column count (a `|` in a tenant string does not split a cell).
    for table in out.split("<table>").skip(1) {
        let table = &table[..table.find("</table>").unwrap()];
        let columns = |row: &str| row.matches("<td").count() + row.matches("<th").count();
        let rows: Vec<&str> = table.split("<tr>").skip(1).collect();
        assert!(
            rows.iter().all(|r| columns(r) == columns(rows[0])),
            "ragged table:\n{table}"
        );
    }
}
