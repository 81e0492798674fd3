//! The report's queries: one page of a company's sent messages, newest first, by keyset; their
//! parts; the same rows as CSV.

use chrono::{Duration, NaiveDate};

use super::{PartDetail, Report, ReportQuery, ReportRow};
use crate::error::{AppError, Field, Problem, Result};
use crate::i18n::Lang;
use crate::messages::ssr::{preview, PREVIEW_CHARS};
use crate::messages::Status;
use crate::ssr::{contains_pattern, local_time, now_ms, search_words, start_of_day, Db};

pub const PAGE: u32 = 50;
/// A CSV export holds at most this many messages (a busy company's month).
pub const MAX_EXPORT: u32 = 50_000;

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    status: String,
    phone: String,
    subject_code: Option<String>,
    subject_name: Option<String>,
    body: String,
    parts: i64,
    queued_at: i64,
    passed_at: Option<i64>,
    accepted_at: Option<i64>,
    delivered_at: Option<i64>,
    error: Option<String>,
}

/// The period's first and last day, defaults filled in: the last seven days.
fn period(query: &ReportQuery) -> Result<(NaiveDate, NaiveDate)> {
    let day = |text: &str, field: Field| -> Result<Option<NaiveDate>> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::invalid(field, Problem::InvalidDate))
    };
    let today = local_time(now_ms())
        .naive()
        .map(|t| t.date())
        .unwrap_or_default();
    let to = day(&query.to, Field::PeriodTo)?.unwrap_or(today);
    let from = day(&query.from, Field::PeriodFrom)?.unwrap_or(to - Duration::days(6));
    Ok((from, to))
}

/// One page of the report (`limit` rows), or everything up to `limit` for the CSV.
pub async fn report(db: &Db, company_id: i64, query: &ReportQuery, limit: u32) -> Result<Report> {
    let (from, to) = period(query)?;
    let rows = rows(
        db,
        company_id,
        query,
        (from, to),
        limit,
        Some(PREVIEW_CHARS),
    )
    .await?;
    let has_more = rows.len() > limit as usize;
    let mut report_rows = Vec::new();
    for row in rows.into_iter().take(limit as usize) {
        let part_details = match query.parts {
            Some(id) if id == row.id => parts(db, row.id).await?,
            _ => Vec::new(),
        };
        report_rows.push(ReportRow {
            part_details,
            ..report_row(row)
        });
    }
    let next = has_more
        .then(|| report_rows.last())
        .flatten()
        .map(|last| format!("{}.{}", last.queued_at.epoch_ms, last.id));
    Ok(Report {
        from: from.format("%Y-%m-%d").to_string(),
        to: to.format("%Y-%m-%d").to_string(),
        rows: report_rows,
        next,
    })
}

async fn rows(
    db: &Db,
    company_id: i64,
    query: &ReportQuery,
    (from, to): (NaiveDate, NaiveDate),
    limit: u32,
    body_chars: Option<usize>,
) -> Result<Vec<Row>> {
    crate::input::search_query(&query.subject)?;
    // $1 the company, $2 and $3 the period; then what the filters bind, then the limit.
    let mut binds: Vec<String> = Vec::new();
    let mut numbers: Vec<i64> = vec![
        company_id,
        start_of_day(from),
        start_of_day(to + Duration::days(1)),
    ];
    let mut next_param = 3;
    let mut param = || {
        next_param += 1;
        format!("${next_param}")
    };
    let mut filter = String::new();
    if let Some(status) = Status::sent().find(|s| s.as_str() == query.status) {
        filter.push_str(&format!(" AND m.status = {}", param()));
        binds.push(status.as_str().to_string());
    }
    for word in search_words(&query.subject) {
        filter.push_str(&format!(" AND s.search_text LIKE {} ESCAPE '\\'", param()));
        binds.push(contains_pattern(&word));
    }
    // A cursor that does not read (edited by hand) starts at the newest.
    let cursor = query
        .before
        .split_once('.')
        .and_then(|(at, id)| Some((at.parse::<i64>().ok()?, id.parse::<i64>().ok()?)));
    if let Some((at, id)) = cursor {
        let (a, b, c) = (param(), param(), param());
        filter.push_str(&format!(
            " AND (m.queued_at < {a} OR (m.queued_at = {b} AND m.id < {c}))"
        ));
        numbers.extend([at, at, id]);
    }
    let body = match body_chars {
        Some(n) => format!("substr(m.body, 1, {})", n + 1),
        None => "m.body".to_string(),
    };
    let limit_param = param();
    let sql = format!(
        "SELECT m.id, m.status, m.phone, s.code AS subject_code, s.name AS subject_name, \
                {body} AS body, m.parts, m.queued_at, \
                (SELECT MIN(p.submitting_at) FROM message_parts p WHERE p.message_id = m.id) AS passed_at, \
                (SELECT MAX(p.sent_at) FROM message_parts p WHERE p.message_id = m.id) AS accepted_at, \
                CASE WHEN m.status = 'delivered' THEN m.done_at END AS delivered_at, m.error \
         FROM messages m LEFT JOIN subjects s ON s.id = m.subject_id \
         WHERE m.company_id = $1 AND m.status <> 'draft' AND m.queued_at >= $2 AND m.queued_at < $3 \
               {filter} \
         ORDER BY m.queued_at DESC, m.id DESC LIMIT {limit_param}"
    );
    // Binds in the order of their parameters: the company and period, the texts, the cursor.
    let mut sql_query = sqlx::query_as::<_, Row>(&sql)
        .bind(numbers[0])
        .bind(numbers[1])
        .bind(numbers[2]);
    for text in &binds {
        sql_query = sql_query.bind(text);
    }
    for number in &numbers[3..] {
        sql_query = sql_query.bind(*number);
    }
    Ok(sql_query
        .bind(i64::from(limit) + 1)
        .fetch_all(&db.pool)
        .await?)
}

fn report_row(row: Row) -> ReportRow {
    let body = match preview(row.body) {
        (start, false) => format!("{start}…"),
        (whole, true) => whole,
    };
    ReportRow {
        id: row.id,
        status: Status::parse(&row.status).unwrap_or(Status::Pending),
        phone: row.phone,
        subject: row.subject_code.zip(row.subject_name),
        body,
        parts: row.parts as u32,
        queued_at: local_time(row.queued_at),
        passed_at: row.passed_at.map(local_time),
        accepted_at: row.accepted_at.map(local_time),
        delivered_at: row.delivered_at.map(local_time),
        error: row.error,
        part_details: Vec::new(),
    }
}

#[derive(sqlx::FromRow)]
struct PartRow {
    seq: i64,
    status: String,
    gateway_message_id: Option<String>,
    attempts: i64,
    sent_at: Option<i64>,
    done_at: Option<i64>,
    error: Option<String>,
}

async fn parts(db: &Db, message_id: i64) -> Result<Vec<PartDetail>> {
    let rows: Vec<PartRow> = sqlx::query_as(
        "SELECT seq, status, gateway_message_id, attempts, sent_at, done_at, error \
         FROM message_parts WHERE message_id = $1 ORDER BY seq",
    )
    .bind(message_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|part| PartDetail {
            number: part.seq as u32 + 1,
            status: Status::parse(&part.status).unwrap_or(Status::Pending),
            gateway_id: part.gateway_message_id,
            attempts: part.attempts as u32,
            accepted_at: part.sent_at.map(local_time),
            done_at: part.done_at.map(local_time),
            error: part.error,
        })
        .collect())
}

/// The report's rows (every page, whole texts) as CSV for a spreadsheet: UTF-8 with a byte
/// order mark (so Excel reads the Polish letters), `;`-separated as Polish Excel expects, every
/// cell quoted, and a cell beginning with `=`, `+`, `-` or `@` prefixed with `'` so a
/// spreadsheet does not run it as a formula.
pub async fn csv(db: &Db, company_id: i64, query: &ReportQuery, lang: Lang) -> Result<String> {
    let t = lang.of(&super::texts::PL, &super::texts::EN);
    let status_name = lang
        .of(&crate::messages::texts::PL, &crate::messages::texts::EN)
        .status_name;
    let query = ReportQuery {
        before: String::new(),
        ..query.clone()
    };
    let rows = rows(db, company_id, &query, period(&query)?, MAX_EXPORT, None).await?;
    let time = |at: Option<i64>| at.map(|ms| local_time(ms).format(lang)).unwrap_or_default();
    let mut csv = crate::spreadsheet::Csv::new();
    let header = [
        t.col_status,
        t.col_phone,
        t.col_subject,
        t.col_body,
        t.col_queued,
        t.col_passed,
        t.col_accepted,
        t.col_delivered,
        t.col_error,
    ];
    csv.line(header);
    for row in rows.into_iter().take(MAX_EXPORT as usize) {
        let status = Status::parse(&row.status).unwrap_or(Status::Pending);
        let subject = match (row.subject_code, row.subject_name) {
            (Some(code), Some(name)) => format!("{code} — {name}"),
            _ => String::new(),
        };
        csv.line([
            status_name(status).to_string(),
            sms::format_display(&row.phone),
            subject,
            row.body,
            time(Some(row.queued_at)),
            time(row.passed_at),
            time(row.accepted_at),
            time(row.delivered_at),
            row.error.unwrap_or_default(),
        ]);
    }
    Ok(csv.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_defaults_to_the_last_seven_days_and_bad_dates_are_named() {
        let query = ReportQuery {
            to: "2026-12-02".into(),
            ..ReportQuery::default()
        };
        let (from, to) = period(&query).unwrap();
        assert_eq!(
            (from.to_string(), to.to_string()),
            ("2026-11-26".into(), "2026-12-02".into())
        );
        let bad = ReportQuery {
            from: "2026-13-01".into(),
            ..ReportQuery::default()
        };
        assert_eq!(
            period(&bad),
            Err(AppError::invalid(Field::PeriodFrom, Problem::InvalidDate))
        );
    }
}
