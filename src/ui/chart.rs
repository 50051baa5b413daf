//! Charts drawn on the server as SVG: readable without JavaScript, sized by
//! attributes and coloured by classes (the stylesheet), never inline styles.
//! Each chart carries its figures as text, and a sentence for screen readers.

use leptos::prelude::*;

/// One row of a bar chart: a label and one value per series, with the
/// figures as they are shown ("12", "3.5 h", "$1,200.00").
#[derive(Debug, Clone, PartialEq)]
pub struct ChartRow {
    pub label: String,
    pub values: Vec<i64>,
    pub shown: Vec<String>,
}

impl ChartRow {
    pub fn one(label: impl Into<String>, value: i64, shown: impl Into<String>) -> Self {
        ChartRow { label: label.into(), values: vec![value], shown: vec![shown.into()] }
    }
}

const WIDTH: i64 = 640;
const LABEL_W: i64 = 190;
const FIGURE_W: i64 = 90;
const BAR_H: i64 = 16;
const GAP: i64 = 10;

fn scale(value: i64, max: i64, span: i64) -> i64 {
    if max <= 0 || value <= 0 {
        0
    } else {
        (value.saturating_mul(span) / max).max(2)
    }
}

/// The sentence a screen reader reads for a chart.
fn describe(title: &str, series: &[&str], rows: &[ChartRow]) -> String {
    let rows: Vec<String> = rows
        .iter()
        .map(|r| {
            let figures: Vec<String> = r
                .shown
                .iter()
                .enumerate()
                .map(|(i, s)| if series.len() > 1 { format!("{} {s}", series.get(i).copied().unwrap_or("")) } else { s.clone() })
                .collect();
            format!("{}: {}", r.label, figures.join(", "))
        })
        .collect();
    format!("{title}. {}.", rows.join("; "))
}

/// Horizontal bars, one group per row, one bar per series.
#[component]
pub fn BarChart(title: String, series: Vec<&'static str>, rows: Vec<ChartRow>, testid: &'static str) -> impl IntoView {
    let label = describe(&title, &series, &rows);
    let per_row = series.len().max(1) as i64;
    let group_h = per_row * BAR_H + GAP;
    let legend_h = if series.len() > 1 { 22 } else { 0 };
    let height = legend_h + rows.len() as i64 * group_h + GAP;
    let max = rows.iter().flat_map(|r| r.values.iter().copied()).max().unwrap_or(0);
    let span = WIDTH - LABEL_W - FIGURE_W;
    let legend = (series.len() > 1).then(|| {
        series
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let x = LABEL_W + i as i64 * 160;
                view! {
                    <rect x=x y=4 width=12 height=12 class=format!("chart-bar series-{i}")/>
                    <text x=x + 18 y=14 class="chart-legend">{name.to_string()}</text>
                }
            })
            .collect_view()
    });
    let groups = rows
        .into_iter()
        .enumerate()
        .map(|(r, row)| {
            let top = legend_h + GAP + r as i64 * group_h;
            let label_y = top + per_row * BAR_H / 2 + 4;
            let bars = row
                .values
                .iter()
                .zip(row.shown.iter())
                .enumerate()
                .map(|(i, (value, shown))| {
                    let y = top + i as i64 * BAR_H;
                    let w = scale(*value, max, span);
                    view! {
                        <rect x=LABEL_W y=y + 1 width=w height=BAR_H - 2 class=format!("chart-bar series-{i}")/>
                        <text x=LABEL_W + w + 6 y=y + BAR_H - 4 class="chart-figure">{shown.clone()}</text>
                    }
                })
                .collect_view();
            view! {
                <g class="chart-row">
                    <text x=LABEL_W - 8 y=label_y class="chart-label">{row.label}</text>
                    {bars}
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption>{title}</figcaption>
            <svg class="chart-svg" viewBox=format!("0 0 {WIDTH} {height}") width=WIDTH height=height role="img" aria-label=label>
                {legend}
                {groups}
            </svg>
        </figure>
    }
}

/// Vertical columns, one per row (such as one per week).
#[component]
pub fn ColumnChart(title: String, rows: Vec<ChartRow>, testid: &'static str) -> impl IntoView {
    let label = describe(&title, &[], &rows);
    let height: i64 = 200;
    let (top, bottom) = (20, 26);
    let span = height - top - bottom;
    let max = rows.iter().flat_map(|r| r.values.iter().copied()).max().unwrap_or(0);
    let n = rows.len().max(1) as i64;
    let slot = (WIDTH - 20) / n;
    let columns = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let value = row.values.first().copied().unwrap_or(0);
            let shown = row.shown.first().cloned().unwrap_or_default();
            let h = scale(value, max, span);
            let x = 10 + i as i64 * slot;
            let mid = x + slot / 2;
            view! {
                <g class="chart-column">
                    <rect x=x + 6 y=top + span - h width=slot - 12 height=h class="chart-bar series-0"/>
                    <text x=mid y=top + span - h - 5 class="chart-figure centered">{shown}</text>
                    <text x=mid y=height - 8 class="chart-label centered">{row.label}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption>{title}</figcaption>
            <svg class="chart-svg" viewBox=format!("0 0 {WIDTH} {height}") width=WIDTH height=height role="img" aria-label=label>
                <line x1=10 y1=top + span x2=WIDTH - 10 y2=top + span class="chart-axis"/>
                {columns}
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_stay_visible() {
        assert_eq!(scale(10, 10, 300), 300);
        assert_eq!(scale(5, 10, 300), 150);
        assert_eq!(scale(1, 1000, 300), 2);
        assert_eq!(scale(0, 10, 300), 0);
        assert_eq!(scale(3, 0, 300), 0);
    }

    #[test]
    fn charts_read_as_sentences() {
        let rows = vec![ChartRow { label: "Acme".into(), values: vec![3, 4], shown: vec!["3 h".into(), "4 h".into()] }];
        assert_eq!(describe("Hours", &["Estimated", "Actual"], &rows), "Hours. Acme: Estimated 3 h, Actual 4 h.");
    }
}
