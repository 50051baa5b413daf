//! GET /reports/export.xlsx?from=&to=&by=: the report as an Excel file.
//! A plain route (a download, not a server function) behind the same front
//! door as the server functions: the `Ctx` extractor.

use super::{parse_range, store, Report, ReportBy};
use crate::error::AppError;
use crate::server::context::{AppState, Ctx};
use crate::workgroups::Role;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    by: String,
}

pub async fn export(State(state): State<AppState>, ctx: Ctx, Query(q): Query<ExportQuery>) -> Response {
    let Ok((from, to)) = parse_range(&q.from, &q.to, state.clock.now().date_naive()) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "Enter the dates as YYYY-MM-DD, the start on or before the end.").into_response();
    };
    let by = q.by.trim().parse::<ReportBy>().unwrap_or_default();
    let built = async {
        let mut tx = ctx.begin(&state).await?;
        let report = store::report(&mut tx, ctx.workgroup_id, by, from, to, ctx.role.at_least(Role::Manager)).await?;
        tx.commit().await?;
        Ok::<_, AppError>(report)
    }
    .await;
    let report = match built {
        Ok(report) => report,
        Err(e) => return e.into_response(),
    };
    match workbook(&report) {
        Ok(bytes) => {
            let name = format!("tandem-report-by-{}-{}-to-{}.xlsx", by.as_str(), report.from, report.to);
            let mut res = bytes.into_response();
            let headers = res.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                headers.insert(header::CONTENT_DISPOSITION, v);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => AppError::Internal(crate::error::log_internal(&e)).into_response(),
    }
}

/// Dollars for a currency cell: the cents are exact, the spreadsheet's numbers are not integers.
fn dollars(cents: i64) -> f64 {
    cents as f64 / 100.0
}

/// The report as a workbook: the range as real dates, hours as numbers,
/// money (for those who may see it) as currency cells.
pub fn workbook(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Report")?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let money = Format::new().set_num_format("$#,##0.00");
    let hours = Format::new().set_num_format("0.0");
    let bold_money = Format::new().set_bold().set_num_format("$#,##0.00");
    let bold_hours = Format::new().set_bold().set_num_format("0.0");

    sheet.write_string_with_format(0, 0, format!("Tandem report by {}", report.by.label().to_lowercase()), &bold)?;
    sheet.write_string(1, 0, "From")?;
    sheet.write_date_with_format(1, 1, report.from, &date)?;
    sheet.write_string(2, 0, "To")?;
    sheet.write_date_with_format(2, 1, report.to, &date)?;

    let mut headings = vec![report.by.label(), "Tasks completed", "Estimated hours", "Actual hours"];
    if report.shows_money {
        headings.extend(["Estimated cost", "Actual cost"]);
    }
    headings.push("Licenses consumed");
    let head_row = 4;
    for (c, h) in headings.iter().enumerate() {
        sheet.write_string_with_format(head_row, c as u16, *h, &bold)?;
    }
    let lines = report.rows.iter().map(|row| (row, false)).chain(std::iter::once((&report.totals, true)));
    for (r, (row, total)) in (head_row + 1..).zip(lines) {
        let (num_hours, num_money) = if total { (&bold_hours, &bold_money) } else { (&hours, &money) };
        let name = match &row.detail {
            Some(detail) => format!("{} ({detail})", row.name),
            None => row.name.clone(),
        };
        if total {
            sheet.write_string_with_format(r, 0, name, &bold)?;
            sheet.write_number_with_format(r, 1, row.tasks as f64, &bold)?;
        } else {
            sheet.write_string(r, 0, name)?;
            sheet.write_number(r, 1, row.tasks as f64)?;
        }
        sheet.write_number_with_format(r, 2, row.estimated_minutes as f64 / 60.0, num_hours)?;
        sheet.write_number_with_format(r, 3, row.worked_seconds as f64 / 3600.0, num_hours)?;
        let mut c = 4;
        if report.shows_money {
            sheet.write_number_with_format(r, 4, dollars(row.estimated_cost_cents.unwrap_or(0)), num_money)?;
            sheet.write_number_with_format(r, 5, dollars(row.actual_cost_cents.unwrap_or(0)), num_money)?;
            c = 6;
        }
        sheet.write_number(r, c, row.licenses as f64)?;
    }
    sheet.set_column_width(0, 36)?;
    for c in 1..headings.len() as u16 {
        sheet.set_column_width(c, 16)?;
    }
    sheet.set_freeze_panes(head_row + 1, 0)?;
    book.save_to_buffer()
}
