//! Export: Billing History as an Excel workbook, the rows the Date Filter
//! shows, with real Excel dates and currency cells. A plain GET download
//! under the session; the role is checked again here.

use super::History;
use crate::error::AppError;
use crate::server::context::{AppState, Ctx};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::header;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    pub range: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

pub async fn download(State(state): State<AppState>, ctx: Ctx, Query(q): Query<ExportQuery>) -> Response {
    let result = async {
        let history = super::api::history_for(&state, &ctx, &q.range, &q.from, &q.to).await?;
        workbook(&history).map_err(|e| AppError::Internal(crate::error::log_internal(&e)))
    }
    .await;
    match result {
        Ok(bytes) => {
            let name = format!("billing-history-{}.xlsx", state.clock.now().format("%Y-%m-%d"));
            (
                [
                    (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// The columns of the export, in order.
pub const COLUMNS: [&str; 6] = ["Order", "Date (UTC)", "Items", "Payment", "Status", "Total (USD)"];

pub fn workbook(history: &History) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Billing History")?;
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let money = Format::new().set_num_format("\"$\"#,##0.00");
    let money_bold = Format::new().set_num_format("\"$\"#,##0.00").set_bold();
    for (col, title) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &bold)?;
    }
    let mut row = 1u32;
    for order in &history.rows {
        sheet.write_number(row, 0, order.number as f64)?;
        sheet.write_datetime_with_format(row, 1, order.created_at.naive_utc(), &date)?;
        sheet.write_string(row, 2, &order.items)?;
        sheet.write_string(row, 3, &order.payment)?;
        sheet.write_string(row, 4, order.status.label())?;
        // Cents to dollars for the cell only: Excel numbers are floating point.
        sheet.write_number_with_format(row, 5, order.total.0 as f64 / 100.0, &money)?;
        row += 1;
    }
    sheet.write_string_with_format(row + 1, 4, "Paid total", &bold)?;
    sheet.write_number_with_format(row + 1, 5, history.paid_total.0 as f64 / 100.0, &money_bold)?;
    for (col, width) in [(0u16, 8), (1, 17), (2, 48), (3, 22), (4, 11), (5, 13)] {
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}
