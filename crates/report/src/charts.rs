//! Geometry of the report's inline SVG charts: horizontal bar charts (findings by severity,
//! devices by platform, settings by fidelity, impact by outcome) and the waves timeline. This
//! module only computes numbers and texts; the HTML template draws the `<svg>` elements, so
//! every label goes through the template's auto-escaping like any other tenant string. Sizes are
//! SVG user units; the SVG scales to the page width through its `viewBox`.

use serde::Serialize;

/// One input bar: a label, a value and a CSS class token (`sev-blocker`, `fid-exact`, …).
pub struct BarInput {
    pub label: String,
    pub value: u64,
    pub class: String,
}

/// A horizontal bar chart, ready to draw.
#[derive(Debug, Serialize)]
pub struct BarChart {
    pub title: String,
    pub width: u32,
    pub height: u32,
    /// Right edge of the label column (labels are right-aligned here).
    pub label_x: u32,
    /// Left edge of the bars.
    pub bar_x: u32,
    /// Width of a full bar (the track drawn behind each bar).
    pub bar_area: u32,
    pub total: u64,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Serialize)]
pub struct Bar {
    /// The label as drawn (shortened to fit).
    pub label: String,
    /// The whole label, for the tooltip and for tables.
    pub full_label: String,
    pub value: u64,
    pub class: String,
    pub y: u32,
    pub height: u32,
    pub width: u32,
    /// Baseline of the label and value texts.
    pub text_y: u32,
    /// Where the value text starts (just right of the bar).
    pub value_x: u32,
    /// Share of the total, rounded, for the value text.
    pub percent: u64,
}

const CHART_WIDTH: u32 = 300;
const LABEL_WIDTH: u32 = 100;
const BAR_AREA: u32 = 118;
const ROW: u32 = 26;
const BAR_HEIGHT: u32 = 16;

/// A bar chart of `inputs` (in the given order). `None` when there is nothing to draw.
pub fn bar_chart(title: &str, inputs: Vec<BarInput>) -> Option<BarChart> {
    if inputs.is_empty() {
        return None;
    }
    let total: u64 = inputs.iter().map(|b| b.value).sum();
    let max = inputs.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let bar_x = LABEL_WIDTH + 8;
    let bars = inputs
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let y = 6 + i as u32 * ROW;
            // A non-zero value always gets a visible sliver.
            let width = if b.value == 0 {
                0
            } else {
                ((b.value * BAR_AREA as u64) / max).max(2) as u32
            };
            Bar {
                label: shorten(&b.label, 16),
                full_label: b.label,
                value: b.value,
                class: b.class,
                y,
                height: BAR_HEIGHT,
                width,
                text_y: y + BAR_HEIGHT - 4,
                value_x: bar_x + width + 6,
                percent: (b.value * 100 + total / 2).checked_div(total).unwrap_or(0),
            }
        })
        .collect::<Vec<_>>();
    let height = 12 + bars.len() as u32 * ROW;
    Some(BarChart {
        title: title.to_string(),
        width: CHART_WIDTH,
        height,
        label_x: LABEL_WIDTH,
        bar_x,
        bar_area: BAR_AREA,
        total,
        bars,
    })
}

/// One row of the waves timeline: tenant-wide preparation, or a wave.
pub struct TimelineInput {
    pub label: String,
    /// Full text for the tooltip (`<title>`).
    pub title: String,
    /// `None` for the tenant-wide row (one "prepare tenant" segment).
    pub wave: Option<WavePhases>,
}

/// What a wave's row shows: the number of steps of each phase and its exit gates.
pub struct WavePhases {
    pub prepare_steps: usize,
    pub licence_steps: usize,
    pub verify_steps: usize,
    pub gates: usize,
    pub switch_window: Option<String>,
}

/// The waves timeline: a sequence chart (not to scale), one row per wave, each wave going
/// through prepare → licence → switch window → verify, and starting after the previous wave's
/// exit gate.
#[derive(Debug, Serialize)]
pub struct Timeline {
    pub width: u32,
    pub height: u32,
    pub label_x: u32,
    pub axis_y: u32,
    pub axis_x1: u32,
    pub axis_x2: u32,
    pub rows: Vec<TimelineRow>,
    pub legend: Vec<LegendItem>,
    pub legend_y: u32,
}

#[derive(Debug, Serialize)]
pub struct TimelineRow {
    pub label: String,
    pub title: String,
    pub y: u32,
    pub text_y: u32,
    pub segments: Vec<Segment>,
    /// The exit-gate diamond at the end of the wave (points of the polygon).
    pub gate: Option<Gate>,
}

#[derive(Debug, Serialize)]
pub struct Segment {
    pub class: String,
    pub x: u32,
    pub width: u32,
    pub height: u32,
    /// Shown inside the segment when it fits, else empty (the legend names the phases).
    pub label: String,
    pub text_x: u32,
    /// Tooltip.
    pub title: String,
}

#[derive(Debug, Serialize)]
pub struct Gate {
    pub points: String,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub struct LegendItem {
    pub class: String,
    pub label: String,
    pub x: u32,
    pub text_x: u32,
}

const TIMELINE_WIDTH: u32 = 900;
const TIMELINE_LABEL: u32 = 170;
const TIMELINE_ROW: u32 = 40;
const SEGMENT_HEIGHT: u32 = 24;
/// Phases of a wave: (class, label, width in units).
const PHASES: [(&str, &str, u32); 4] = [
    ("ph-prepare", "Prepare", 3),
    ("ph-licence", "Licence", 2),
    ("ph-switch", "Switch", 3),
    ("ph-verify", "Verify", 2),
];
const TENANT_UNITS: u32 = 3;

/// Lays out the timeline. `None` without rows.
pub fn timeline(inputs: Vec<TimelineInput>) -> Option<Timeline> {
    if inputs.is_empty() {
        return None;
    }
    let wave_units: u32 = PHASES.iter().map(|p| p.2).sum();
    let units: u32 = inputs
        .iter()
        .map(|r| {
            if r.wave.is_some() {
                wave_units
            } else {
                TENANT_UNITS
            }
        })
        .sum();
    let area = TIMELINE_WIDTH - TIMELINE_LABEL - 24;
    let unit = |u: u32| u * area / units.max(1);
    let x0 = TIMELINE_LABEL + 12;
    let mut cursor = 0u32;
    let mut rows = Vec::new();
    for (i, input) in inputs.into_iter().enumerate() {
        let y = 10 + i as u32 * TIMELINE_ROW;
        let mut segments = Vec::new();
        let mut gate = None;
        match &input.wave {
            None => {
                let x = x0 + unit(cursor);
                let width = unit(cursor + TENANT_UNITS) - unit(cursor);
                segments.push(segment(
                    "ph-tenant",
                    "Tenant-wide",
                    "Tenant-wide steps".into(),
                    x,
                    width,
                ));
                cursor += TENANT_UNITS;
            }
            Some(w) => {
                for (class, label, u) in PHASES {
                    let x = x0 + unit(cursor);
                    let width = unit(cursor + u) - unit(cursor);
                    let title = match class {
                        "ph-prepare" => format!(
                            "Prepare: {}",
                            crate::values::plural(w.prepare_steps as u64, "step", "steps")
                        ),
                        "ph-licence" => format!(
                            "Licence: {}",
                            crate::values::plural(w.licence_steps as u64, "step", "steps")
                        ),
                        "ph-switch" => match &w.switch_window {
                            Some(s) => format!("Switch window: {s}"),
                            None => "Switch window: devices move at their next check-in".into(),
                        },
                        _ => format!(
                            "Verify: {}, {}",
                            crate::values::plural(w.verify_steps as u64, "step", "steps"),
                            crate::values::plural(w.gates as u64, "exit gate", "exit gates")
                        ),
                    };
                    segments.push(segment(class, label, title, x, width));
                    cursor += u;
                }
                let gx = x0 + unit(cursor);
                let cy = y + SEGMENT_HEIGHT / 2;
                gate = Some(Gate {
                    points: format!(
                        "{},{} {},{} {},{} {},{}",
                        gx,
                        cy - 9,
                        gx + 9,
                        cy,
                        gx,
                        cy + 9,
                        gx - 9,
                        cy
                    ),
                    title: format!(
                        "Exit gate: {} before the next wave",
                        crate::values::plural(w.gates as u64, "check", "checks")
                    ),
                });
            }
        }
        rows.push(TimelineRow {
            label: shorten(&input.label, 24),
            title: input.title,
            y,
            text_y: y + SEGMENT_HEIGHT / 2 + 4,
            segments,
            gate,
        });
    }
    let axis_y = 10 + rows.len() as u32 * TIMELINE_ROW + 4;
    let legend_y = axis_y + 26;
    let mut legend = Vec::new();
    let mut lx = 12;
    for (class, label) in [
        ("ph-tenant", "Tenant-wide"),
        ("ph-prepare", "Prepare groups and policies"),
        ("ph-licence", "Assign licences"),
        ("ph-switch", "Devices switch"),
        ("ph-verify", "Verify"),
        ("gate", "Exit gate"),
    ] {
        legend.push(LegendItem {
            class: class.into(),
            label: label.into(),
            x: lx,
            text_x: lx + 16,
        });
        // About 6.5 units per character at the chart font, then a gap.
        lx += 16 + (label.chars().count() as u32 * 13) / 2 + 16;
    }
    Some(Timeline {
        width: TIMELINE_WIDTH,
        height: legend_y + 14,
        label_x: TIMELINE_LABEL,
        axis_y,
        axis_x1: x0,
        axis_x2: x0 + area,
        rows,
        legend,
        legend_y,
    })
}

fn segment(class: &str, label: &str, title: String, x: u32, width: u32) -> Segment {
    // About 6.5 units per character at the 11px chart font.
    let fits = (label.len() as u32 * 13) / 2 + 10 <= width;
    Segment {
        class: class.into(),
        x,
        width: width.saturating_sub(2),
        height: SEGMENT_HEIGHT,
        label: if fits { label.into() } else { String::new() },
        text_x: x + 6,
        title,
    }
}

/// At most `max` characters, with `…` when cut.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value() {
        let chart = bar_chart(
            "t",
            vec![
                BarInput {
                    label: "a".into(),
                    value: 10,
                    class: "x".into(),
                },
                BarInput {
                    label: "b".into(),
                    value: 5,
                    class: "x".into(),
                },
                BarInput {
                    label: "c".into(),
                    value: 0,
                    class: "x".into(),
                },
            ],
        )
        .unwrap();
        assert_eq!(chart.bars[0].width, BAR_AREA);
        assert_eq!(chart.bars[1].width, BAR_AREA / 2);
        assert_eq!(chart.bars[2].width, 0);
        assert_eq!(chart.bars[0].percent, 67);
        assert_eq!(chart.total, 15);
        assert!(bar_chart("t", vec![]).is_none());
    }

    #[test]
    fn timeline_puts_waves_in_sequence() {
        let wave = || WavePhases {
            prepare_steps: 2,
            licence_steps: 1,
            verify_steps: 1,
            gates: 2,
            switch_window: None,
        };
        let t = timeline(vec![
            TimelineInput {
                label: "Tenant".into(),
                title: "Tenant".into(),
                wave: None,
            },
            TimelineInput {
                label: "Wave 1".into(),
                title: "Wave 1".into(),
                wave: Some(wave()),
            },
            TimelineInput {
                label: "Wave 2".into(),
                title: "Wave 2".into(),
                wave: Some(wave()),
            },
        ])
        .unwrap();
        assert_eq!(t.rows.len(), 3);
        let end_of = |r: &TimelineRow| r.segments.last().map(|s| s.x + s.width).unwrap();
        assert!(t.rows[1].segments[0].x >= end_of(&t.rows[0]));
        assert!(t.rows[2].segments[0].x >= end_of(&t.rows[1]));
        assert!(end_of(&t.rows[2]) <= t.width);
        assert!(t.rows[1].gate.is_some() && t.rows[0].gate.is_none());
    }

    #[test]
    fn shorten_cuts_long_labels() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }
}
