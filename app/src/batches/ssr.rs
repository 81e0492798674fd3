//! Batches in the database, and the background job that prepares them and makes their
//! messages. Every step is a transaction that also renews the job's lease on the batch, so a
//! job that dies (a restart, a crash) leaves the batch to the next one exactly where it
//! stopped: no row is prepared twice and no message is made twice.

use sqlx::AnyConnection;

use super::{BatchRow, BatchState, BatchView, Decision, RowProblem, Selection, Source};
use crate::auth::ssr::Operator;
use crate::composer::ssr::{MessageLinks, NewMessage, Timing};
use crate::composer::{check, sending_options, Intent};
use crate::error::{AppError, Field, Problem, Result};
use crate::messages::{Category, Status};
use crate::ssr::{AppState, Db, Placeholders};

/// The most recipients one batch may have.
pub const MAX_ROWS: usize = 10_000;
/// Rows prepared, or messages made, per transaction.
const CHUNK: i64 = 200;
/// How long a job may hold a batch without a sign of life before another takes it over.
const LEASE_MS: i64 = 60_000;
/// Rows per page of the preview.
const PAGE: u32 = 50;

/// What the composer wrote for the batch.
#[derive(Debug, Clone)]
pub struct Settings {
    pub body: String,
    pub template_id: Option<i64>,
    pub procedure: sms::procedure::Procedure,
    pub category: Category,
    pub urgent: bool,
    pub send_at: Option<i64>,
    pub from_number: bool,
}

/// A fresh key for one opening of the serial composer.
pub fn new_key() -> String {
    crate::auth::ssr::new_token()
}

/// The selected rows' ids in the list's order: the ticked ones that are the company's own, or
/// every row matching the list's search.
pub async fn resolve(db: &Db, company_id: i64, selection: &Selection) -> Result<Vec<i64>> {
    let too_many = || {
        AppError::invalid(
            Field::Recipients,
            Problem::TooMany {
                max: MAX_ROWS as u32,
            },
        )
    };
    let ids = match (selection.all, selection.source) {
        (false, source) => {
            if selection.ids.len() > MAX_ROWS {
                return Err(too_many());
            }
            owned(db, company_id, source, &selection.ids).await?
        }
        (true, Source::Subjects) => {
            use crate::address_book::{SubjectKind, SubjectQuery, MAX_PAGE};
            let mut query = SubjectQuery {
                q: selection.q.clone(),
                kind: selection.kind.as_deref().and_then(SubjectKind::parse),
                include_inactive: selection.inactive,
                offset: 0,
                limit: MAX_PAGE,
            };
            let mut ids = Vec::new();
            loop {
                let page = crate::address_book::ssr::search(db, company_id, &query).await?;
                ids.extend(page.rows.iter().map(|s| s.id));
                if !page.has_more || ids.len() > MAX_ROWS {
                    break;
                }
                query.offset += MAX_PAGE;
            }
            ids
        }
        (true, Source::Documents) => {
            let query = crate::documents::DocumentQuery {
                q: selection.q.clone(),
                kind: (selection.kind.as_deref()).and_then(crate::documents::DocumentKind::parse),
                unpaid: selection.unpaid,
                offset: 0,
            };
            let limit = MAX_ROWS as i64 + 1;
            crate::documents::ssr::matching_ids(db, company_id, &query, limit).await?
        }
    };
    if ids.len() > MAX_ROWS {
        return Err(too_many());
    }
    Ok(ids)
}

/// Those of `ids` that are the company's subjects or documents, each once, in the given order.
async fn owned(db: &Db, company_id: i64, source: Source, ids: &[i64]) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let table = match source {
        Source::Subjects => "subjects",
        Source::Documents => "documents",
    };
    let mut found = std::collections::HashSet::new();
    for chunk in ids.chunks(1000) {
        let mut p = Placeholders::new(db.backend);
        let sql = format!(
            "SELECT id FROM {table} WHERE company_id = {} AND id IN ({})",
            p.one(),
            p.list(chunk.len())
        );
        let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(company_id);
        for id in chunk {
            query = query.bind(id);
        }
        found.extend(query.fetch_all(&db.pool).await?);
    }
    let mut seen = std::collections::HashSet::new();
    Ok((ids.iter().copied())
        .filter(|id| found.contains(id) && seen.insert(*id))
        .collect())
}

/// Creates the batch of `key`, or finds the one made by an earlier request with it, and
/// returns its id. Its rows are prepared by the background job (`work`).
pub async fn create(
    db: &Db,
    operator: &Operator,
    key: &str,
    selection: &Selection,
    settings: &Settings,
) -> Result<i64> {
    if let Some(id) = by_key(&db.pool, operator.company_id, key).await? {
        return Ok(id);
    }
    if settings.body.trim().is_empty() {
        return Err(AppError::invalid(Field::Body, Problem::Required));
    }
    if key.is_empty() || key.len() > 64 {
        return Err(AppError::invalid(Field::Recipients, Problem::Unavailable));
    }
    let ids = resolve(db, operator.company_id, selection).await?;
    if ids.is_empty() {
        return Err(AppError::invalid(Field::Recipients, Problem::Required));
    }
    let now = crate::ssr::now_ms();
    if settings.send_at.is_some_and(|at| at <= now) {
        return Err(AppError::invalid(Field::SendAt, Problem::InThePast));
    }
    let mut tx = db.begin_write().await?;
    if let Some(template_id) = settings.template_id {
        crate::templates::ssr::get(&mut tx, operator.company_id, template_id).await?;
    }
    // Another request with this key may have won the race since the first look.
    if let Some(id) = by_key(&mut *tx, operator.company_id, key).await? {
        return Ok(id);
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO batches (company_id, operator_id, request_key, source, procedure, \
                              template_id, body, category, urgent, chosen_send_at, from_number, \
                              state, total, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'preparing', $12, $13) \
         RETURNING id",
    )
    .bind(operator.company_id)
    .bind(operator.id)
    .bind(key)
    .bind(selection.source.as_str())
    .bind(settings.procedure.id())
    .bind(settings.template_id)
    .bind(&settings.body)
    .bind(settings.category.as_str())
    .bind(i64::from(settings.urgent))
    .bind(settings.send_at)
    .bind(i64::from(settings.from_number))
    .bind(ids.len() as i64)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let column = match selection.source {
        Source::Subjects => "subject_id",
        Source::Documents => "document_id",
    };
    for (n, chunk) in ids.chunks(500).enumerate() {
        let mut p = Placeholders::new(db.backend);
        let rows: Vec<String> = (0..chunk.len())
            .map(|_| format!("({})", p.list(3)))
            .collect();
        let sql = format!(
            "INSERT INTO batch_rows (batch_id, seq, {column}) VALUES {}",
            rows.join(", ")
        );
        let mut insert = sqlx::query(&sql);
        for (i, row_id) in chunk.iter().enumerate() {
            insert = insert.bind(id).bind((n * 500 + i) as i64).bind(row_id);
        }
        insert.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    tracing::info!(
        batch_id = id,
        operator_id = operator.id,
        rows = ids.len(),
        "batch created"
    );
    Ok(id)
}

async fn by_key<'c, E>(conn: E, company_id: i64, key: &str) -> Result<Option<i64>>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    Ok(
        sqlx::query_scalar("SELECT id FROM batches WHERE company_id = $1 AND request_key = $2")
            .bind(company_id)
            .bind(key)
            .fetch_optional(conn)
            .await?,
    )
}

#[derive(sqlx::FromRow)]
struct Batch {
    id: i64,
    company_id: i64,
    operator_id: i64,
    source: String,
    procedure: String,
    template_id: Option<i64>,
    body: String,
    category: String,
    urgent: i64,
    chosen_send_at: Option<i64>,
    send_at: Option<i64>,
    from_number: i64,
    sender: Option<String>,
    without_polish: i64,
    state: String,
    total: i64,
}

impl Batch {
    fn state(&self) -> BatchState {
        BatchState::parse(&self.state).unwrap_or(BatchState::Discarded)
    }

    fn category(&self) -> Category {
        Category::parse(&self.category).unwrap_or_default()
    }
}

const BATCH: &str = "SELECT id, company_id, operator_id, source, procedure, template_id, body, \
        category, urgent, chosen_send_at, send_at, from_number, sender, without_polish, state, \
        total FROM batches";

async fn load(conn: &mut AnyConnection, company_id: i64, id: i64) -> Result<Batch> {
    sqlx::query_as(&format!("{BATCH} WHERE id = $1 AND company_id = $2"))
        .bind(id)
        .bind(company_id)
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// The batch with its progress, its cost and one page of rows, those that cannot be sent first.
pub async fn view(db: &Db, operator: &Operator, id: i64, offset: u32) -> Result<BatchView> {
    let mut conn = db.pool.acquire().await?;
    let batch = load(&mut conn, operator.company_id, id).await?;
    #[derive(sqlx::FromRow)]
    struct Sums {
        prepared: i64,
        made: i64,
        valid: i64,
        invalid: i64,
        min_parts: Option<i64>,
        max_parts: Option<i64>,
        total_parts: Option<i64>,
        plain_parts: Option<i64>,
    }
    let sums: Sums = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(prepared), 0) AS BIGINT) AS prepared, \
                CAST(COALESCE(SUM(made), 0) AS BIGINT) AS made, \
                CAST(COALESCE(SUM(CASE WHEN prepared = 1 AND problem IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS valid, \
                CAST(COALESCE(SUM(CASE WHEN problem IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS invalid, \
                MIN(CASE WHEN problem IS NULL THEN parts END) AS min_parts, \
                MAX(CASE WHEN problem IS NULL THEN parts END) AS max_parts, \
                CAST(SUM(CASE WHEN problem IS NULL THEN parts END) AS BIGINT) AS total_parts, \
                CAST(SUM(CASE WHEN problem IS NULL THEN plain_parts END) AS BIGINT) AS plain_parts \
         FROM batch_rows WHERE batch_id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    #[derive(sqlx::FromRow)]
    struct Row {
        seq: i64,
        code: Option<String>,
        name: Option<String>,
        number: Option<String>,
        phone: Option<String>,
        text: Option<String>,
        parts: Option<i64>,
        problem: Option<String>,
        detail: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.seq, s.code, s.name, d.number, r.phone, r.text, r.parts, r.problem, r.detail \
         FROM batch_rows r \
         LEFT JOIN documents d ON d.id = r.document_id \
         LEFT JOIN subjects s ON s.id = COALESCE(r.subject_id, d.subject_id) \
         WHERE r.batch_id = $1 AND r.prepared = 1 \
         ORDER BY CASE WHEN r.problem IS NULL THEN 1 ELSE 0 END, r.seq \
         LIMIT $2 OFFSET $3",
    )
    .bind(id)
    .bind(i64::from(PAGE) + 1)
    .bind(i64::from(offset))
    .fetch_all(&mut *conn)
    .await?;
    let page = crate::layout::Paged::of(rows, PAGE);
    let rows = (page.rows.into_iter())
        .map(|row| BatchRow {
            seq: row.seq,
            subject: row
                .code
                .map(|code| format!("{code} — {}", row.name.unwrap_or_default())),
            document: row.number,
            phone: row.phone.unwrap_or_default(),
            text: row.text.unwrap_or_default(),
            parts: row.parts.unwrap_or_default() as u32,
            problem: row
                .problem
                .as_deref()
                .map(|p| problem_of(p, row.detail.as_deref())),
        })
        .collect();
    let credits_left = crate::credits::ssr::balance(&mut conn, operator.account_id)
        .await?
        .available;
    let count = |n: Option<i64>| n.unwrap_or_default() as u32;
    Ok(BatchView {
        id,
        source: Source::parse(&batch.source).unwrap_or(Source::Subjects),
        state: batch.state(),
        category: batch.category(),
        total: batch.total as u32,
        prepared: sums.prepared as u32,
        made: sums.made as u32,
        valid: sums.valid as u32,
        invalid: sums.invalid as u32,
        min_parts: count(sums.min_parts),
        max_parts: count(sums.max_parts),
        total_parts: count(sums.total_parts),
        plain_parts: count(sums.plain_parts),
        without_polish: batch.without_polish != 0,
        credits_left,
        rows,
        offset,
        has_more: page.has_more,
    })
}

/// The problem as stored: a code, and for macros their problems as JSON.
fn problem_code(problem: &RowProblem) -> (&'static str, Option<String>) {
    match problem {
        RowProblem::NoSubject => ("no_subject", None),
        RowProblem::NoPhone => ("no_phone", None),
        RowProblem::InvalidPhone => ("invalid_phone", None),
        RowProblem::OptedOut => ("opted_out", None),
        RowProblem::Unfilled(problems) => ("unfilled", serde_json::to_string(problems).ok()),
        RowProblem::Duplicate => ("duplicate", None),
        RowProblem::TooLong => ("too_long", None),
    }
}

fn problem_of(code: &str, detail: Option<&str>) -> RowProblem {
    match code {
        "no_subject" => RowProblem::NoSubject,
        "no_phone" => RowProblem::NoPhone,
        "invalid_phone" => RowProblem::InvalidPhone,
        "opted_out" => RowProblem::OptedOut,
        "duplicate" => RowProblem::Duplicate,
        "too_long" => RowProblem::TooLong,
        _ => RowProblem::Unfilled(
            detail
                .and_then(|d| serde_json::from_str(d).ok())
                .unwrap_or_default(),
        ),
    }
}

/// The operator's word on a prepared batch. Sending holds the credits of all its valid rows at
/// once (or is refused, the batch staying as it was, when the pool has too few); a second
/// word on a batch already on its way changes nothing, so a double click sends once.
pub async fn decide(
    db: &Db,
    operator: &Operator,
    id: i64,
    decision: Decision,
    now: i64,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let batch = load(&mut tx, operator.company_id, id).await?;
    let company_id = operator.company_id;
    match (batch.state(), decision) {
        (BatchState::Discarded, _) => return Err(AppError::NotFound),
        (BatchState::Preparing, Decision::Discard) | (BatchState::Ready, _) => {}
        (BatchState::Preparing, _) => {
            return Err(AppError::invalid(Field::Recipients, Problem::Unavailable))
        }
        // Already decided: the same word again (a double click, a retry) is already done.
        _ => return Ok(()),
    }
    let (state, without_polish) = match decision {
        Decision::Send { without_polish } => ("sending", without_polish),
        Decision::SaveDrafts => ("saving", false),
        Decision::Discard => ("discarded", false),
    };
    let (sender, send_at) = match decision {
        Decision::Send { .. } => {
            let sender = match batch.from_number != 0 {
                true => None,
                false => crate::sender_names::ssr::sender_of(&mut tx, company_id).await?,
            };
            let timing = Timing {
                category: batch.category(),
                urgent: batch.urgent != 0,
                send_at: batch.chosen_send_at,
                now,
                from_number: batch.from_number != 0,
            };
            (
                sender,
                crate::composer::ssr::send_at(&mut tx, company_id, timing).await?,
            )
        }
        _ => (None, None),
    };
    // The claim first: of two simultaneous words only one finds the batch still waiting.
    let claimed = sqlx::query(
        "UPDATE batches SET state = $1, without_polish = $2, sender = $3, send_at = $4, \
                            lease_until = NULL \
         WHERE id = $5 AND company_id = $6 AND state = $7",
    )
    .bind(state)
    .bind(i64::from(without_polish))
    .bind(&sender)
    .bind(send_at)
    .bind(id)
    .bind(company_id)
    .bind(&batch.state)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(());
    }
    if let Decision::Send { .. } = decision {
        let column = match without_polish {
            true => "plain_parts",
            false => "parts",
        };
        let credits: i64 = sqlx::query_scalar(&format!(
            "SELECT CAST(COALESCE(SUM({column}), 0) AS BIGINT) FROM batch_rows \
             WHERE batch_id = $1 AND problem IS NULL"
        ))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if credits == 0 {
            return Err(AppError::invalid(Field::Recipients, Problem::Required));
        }
        let about = crate::credits::ssr::About {
            company_id: Some(company_id),
            operator_id: Some(operator.id),
            ..Default::default()
        };
        crate::credits::ssr::hold(&mut tx, operator.account_id, credits as u32, about, now).await?;
    }
    tx.commit().await?;
    tracing::info!(
        batch_id = id,
        operator_id = operator.id,
        state,
        "batch decided"
    );
    Ok(())
}

/// Runs the background job now, beside the request that gave it work.
pub fn start_work(state: &AppState) {
    tokio::spawn(work(state.db.clone(), state.outbox.clone()));
}

/// The background job: takes each batch that needs work and no other job holds, and works on
/// it until it is prepared or its messages are made. Run at start (batches a stopped server
/// left), after each request that gives it work, and now and then (batches a crashed server
/// left on a shared database).
pub async fn work(db: Db, outbox: std::sync::Arc<tokio::sync::Notify>) {
    loop {
        match work_once(&db, &outbox).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                tracing::error!(error = %e, "batch job failed");
                return;
            }
        }
    }
}

/// Takes one batch and works on it to its next resting state; false when none needs work.
pub async fn work_once(db: &Db, outbox: &tokio::sync::Notify) -> Result<bool> {
    work_chunks(db, outbox, usize::MAX).await
}

/// `work_once`, stopping after `chunks` steps with the lease still held, as a job that dies
/// there would (the tests' crash).
pub async fn work_chunks(db: &Db, outbox: &tokio::sync::Notify, chunks: usize) -> Result<bool> {
    let Some((batch, lease)) = claim(db).await? else {
        return Ok(false);
    };
    let operator = operator_of(db, &batch).await?;
    let mut lease = lease;
    for _ in 0..chunks {
        let step = match batch.state() {
            BatchState::Preparing => prepare_chunk(db, &operator, &batch, lease).await?,
            BatchState::Sending | BatchState::Saving => {
                let step = make_chunk(db, &batch, lease).await?;
                if batch.state() == BatchState::Sending {
                    outbox.notify_one();
                }
                step
            }
            _ => Step::Finished,
        };
        match step {
            Step::More(renewed) => lease = renewed,
            // Another job took the batch over (this one was too slow): it carries on.
            Step::LeaseLost => return Ok(true),
            Step::Finished => return Ok(true),
        }
    }
    Ok(true)
}

enum Step {
    More(i64),
    LeaseLost,
    Finished,
}

async fn claim(db: &Db) -> Result<Option<(Batch, i64)>> {
    let now = crate::ssr::now_ms();
    let lease = now + LEASE_MS;
    let id: Option<i64> = sqlx::query_scalar(
        "UPDATE batches SET lease_until = $1 \
         WHERE id = (SELECT id FROM batches \
                     WHERE state IN ('preparing', 'sending', 'saving') \
                       AND (lease_until IS NULL OR lease_until < $2) \
                     ORDER BY id LIMIT 1) \
           AND (lease_until IS NULL OR lease_until < $2) \
         RETURNING id",
    )
    .bind(lease)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    let Some(id) = id else { return Ok(None) };
    let batch = sqlx::query_as(&format!("{BATCH} WHERE id = $1"))
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    Ok(Some((batch, lease)))
}

/// Renews the job's lease in the step's transaction: the step commits only while it is ours.
async fn renew(conn: &mut AnyConnection, batch_id: i64, lease: i64) -> Result<Option<i64>> {
    let renewed = crate::ssr::now_ms() + LEASE_MS;
    let kept =
        sqlx::query("UPDATE batches SET lease_until = $1 WHERE id = $2 AND lease_until = $3")
            .bind(renewed)
            .bind(batch_id)
            .bind(lease)
            .execute(conn)
            .await?
            .rows_affected();
    Ok((kept == 1).then_some(renewed))
}

/// The operator who made the batch, with the company it was made in.
async fn operator_of(db: &Db, batch: &Batch) -> Result<Operator> {
    Ok(sqlx::query_as(
        "SELECT o.id, o.account_id, c.id AS company_id, o.login, o.name, o.role, \
                c.name AS company_name, o.must_change_password \
         FROM operators o JOIN companies c ON c.account_id = o.account_id \
         WHERE o.id = $1 AND c.id = $2",
    )
    .bind(batch.operator_id)
    .bind(batch.company_id)
    .fetch_one(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
struct RowRef {
    seq: i64,
    subject_id: Option<i64>,
    document_id: Option<i64>,
}

/// One row as prepared.
struct Prepared {
    phone: String,
    text: String,
    parts: u32,
    plain_parts: u32,
    problem: Option<RowProblem>,
}

async fn prepare_chunk(db: &Db, operator: &Operator, batch: &Batch, lease: i64) -> Result<Step> {
    let mut tx = db.begin_write().await?;
    let Some(lease) = renew(&mut tx, batch.id, lease).await? else {
        return Ok(Step::LeaseLost);
    };
    let rows: Vec<RowRef> = sqlx::query_as(
        "SELECT seq, subject_id, document_id FROM batch_rows \
         WHERE batch_id = $1 AND prepared = 0 ORDER BY seq LIMIT $2",
    )
    .bind(batch.id)
    .bind(CHUNK)
    .fetch_all(&mut *tx)
    .await?;
    if rows.is_empty() {
        return rest(tx, batch.id, BatchState::Ready).await;
    }
    for row in rows {
        let prepared = prepare_row(&mut tx, operator, batch, &row).await?;
        let (problem, detail) = match &prepared.problem {
            Some(problem) => {
                let (code, detail) = problem_code(problem);
                (Some(code), detail)
            }
            None => (None, None),
        };
        sqlx::query(
            "UPDATE batch_rows SET prepared = 1, phone = $1, text = $2, parts = $3, \
                                   plain_parts = $4, problem = $5, detail = $6 \
             WHERE batch_id = $7 AND seq = $8",
        )
        .bind(&prepared.phone)
        .bind(&prepared.text)
        .bind(i64::from(prepared.parts))
        .bind(i64::from(prepared.plain_parts))
        .bind(problem)
        .bind(detail)
        .bind(batch.id)
        .bind(row.seq)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Step::More(lease))
}

/// Leaves the batch at its next resting state, its lease given up, in the step's transaction.
async fn rest(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    batch_id: i64,
    state: BatchState,
) -> Result<Step> {
    sqlx::query("UPDATE batches SET state = $1, lease_until = NULL WHERE id = $2")
        .bind(state.as_str())
        .bind(batch_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(batch_id, state = state.as_str(), "batch at rest");
    Ok(Step::Finished)
}

/// The row's filled text, its SMS count, and whatever stops it from being sent.
async fn prepare_row(
    conn: &mut AnyConnection,
    operator: &Operator,
    batch: &Batch,
    row: &RowRef,
) -> Result<Prepared> {
    let subject_id = match (row.subject_id, row.document_id) {
        (Some(id), _) => Some(id),
        (None, Some(document_id)) => {
            sqlx::query_scalar::<_, Option<i64>>("SELECT subject_id FROM documents WHERE id = $1")
                .bind(document_id)
                .fetch_optional(&mut *conn)
                .await?
                .flatten()
        }
        (None, None) => None,
    };
    let phone: Option<String> = match subject_id {
        Some(id) => sqlx::query_scalar::<_, Option<String>>(
            "SELECT sms_phone FROM subjects WHERE id = $1 AND company_id = $2",
        )
        .bind(id)
        .bind(batch.company_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(Option::unwrap_or_default),
        None => None,
    };
    let links = MessageLinks {
        subject_id,
        document_id: row.document_id,
        template_id: batch.template_id,
        procedure: sms::procedure::Procedure::from_id(&batch.procedure),
        ..MessageLinks::default()
    };
    // The first reason in this order is the one shown: who, which number, then the text.
    let mut unfilled = None;
    let text = match phone {
        // The subject is gone (or the document has none): nothing to fill its macros from.
        None => batch.body.clone(),
        Some(_) => {
            match crate::composer::ssr::fill_macros(conn, operator, &batch.body, &links).await {
                Ok(text) => text,
                Err(AppError::Invalid {
                    problem: Problem::UnfilledMacros(problems),
                    ..
                }) => {
                    unfilled = Some(RowProblem::Unfilled(problems));
                    batch.body.clone()
                }
                Err(e) => return Err(e),
            }
        }
    };
    let options = sending_options();
    let analysis = sms::analyze(&text, &options);
    let plain = sms::transliterate(&text, &options);
    let (e164, mut problem) = match phone {
        None => (String::new(), Some(RowProblem::NoSubject)),
        Some(phone) if phone.trim().is_empty() => (phone, Some(RowProblem::NoPhone)),
        Some(phone) => match crate::phone::ssr::validate(&phone) {
            Err(_) => (phone, Some(RowProblem::InvalidPhone)),
            Ok(e164) => {
                let too_long = check(&e164, &text, Intent::Send).is_err();
                let problem = unfilled.or(too_long.then_some(RowProblem::TooLong));
                (e164, problem)
            }
        },
    };
    if problem.is_none()
        && crate::replies::ssr::refuses(conn, batch.company_id, &e164, batch.category()).await?
    {
        problem = Some(RowProblem::OptedOut);
    }
    if problem.is_none() {
        let earlier: Option<i64> = sqlx::query_scalar(
            "SELECT seq FROM batch_rows \
             WHERE batch_id = $1 AND phone = $2 AND seq < $3 AND prepared = 1 AND problem IS NULL \
             LIMIT 1",
        )
        .bind(batch.id)
        .bind(&e164)
        .bind(row.seq)
        .fetch_optional(&mut *conn)
        .await?;
        if earlier.is_some() {
            problem = Some(RowProblem::Duplicate);
        }
    }
    Ok(Prepared {
        phone: e164,
        text,
        parts: analysis.segments,
        plain_parts: plain.parts_after.min(analysis.segments),
        problem,
    })
}

#[derive(sqlx::FromRow)]
struct MadeRow {
    seq: i64,
    subject_id: Option<i64>,
    document_id: Option<i64>,
    phone: Option<String>,
    text: Option<String>,
    problem: Option<String>,
}

/// Makes the next chunk of the batch's messages: queued ones from its valid rows (their
/// credits were held when the operator sent the batch), or a draft from every row.
async fn make_chunk(db: &Db, batch: &Batch, lease: i64) -> Result<Step> {
    let sending = batch.state() == BatchState::Sending;
    let mut tx = db.begin_write().await?;
    let Some(lease) = renew(&mut tx, batch.id, lease).await? else {
        return Ok(Step::LeaseLost);
    };
    let only_valid = match sending {
        true => " AND r.problem IS NULL",
        false => "",
    };
    let rows: Vec<MadeRow> = sqlx::query_as(&format!(
        "SELECT r.seq, COALESCE(r.subject_id, d.subject_id) AS subject_id, r.document_id, \
                r.phone, r.text, r.problem \
         FROM batch_rows r LEFT JOIN documents d ON d.id = r.document_id \
         WHERE r.batch_id = $1 AND r.made = 0{only_valid} ORDER BY r.seq LIMIT $2"
    ))
    .bind(batch.id)
    .bind(CHUNK)
    .fetch_all(&mut *tx)
    .await?;
    if rows.is_empty() {
        let finished = match sending {
            true => BatchState::Sent,
            false => BatchState::Saved,
        };
        return rest(tx, batch.id, finished).await;
    }
    let now = crate::ssr::now_ms();
    for row in rows {
        let message_id = make_message(&mut tx, batch, &row, now).await?;
        sqlx::query(
            "UPDATE batch_rows SET made = 1, message_id = $1 WHERE batch_id = $2 AND seq = $3",
        )
        .bind(message_id)
        .bind(batch.id)
        .bind(row.seq)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Step::More(lease))
}

/// The row's message, or `None` for a row that cannot even be a draft (too long).
async fn make_message(
    conn: &mut AnyConnection,
    batch: &Batch,
    row: &MadeRow,
    now: i64,
) -> Result<Option<i64>> {
    let sending = batch.state() == BatchState::Sending;
    let text = row.text.clone().unwrap_or_default();
    let text = match sending && batch.without_polish != 0 {
        true => sms::transliterate(&text, &sending_options()).text,
        false => text,
    };
    // A draft keeps the number only when it is a valid one; the operator types another.
    let phone = match row.problem.as_deref() {
        Some("no_phone" | "invalid_phone" | "no_subject") => String::new(),
        _ => row.phone.clone().unwrap_or_default(),
    };
    let intent = match sending {
        true => Intent::Send,
        false => Intent::Draft,
    };
    let Ok(message) = check(&phone, &text, intent) else {
        return Ok(None);
    };
    let links = MessageLinks {
        subject_id: row.subject_id,
        document_id: row.document_id,
        template_id: batch.template_id,
        procedure: sms::procedure::Procedure::from_id(&batch.procedure),
        ..MessageLinks::default()
    };
    let new = NewMessage {
        company_id: batch.company_id,
        operator_id: batch.operator_id,
        message: &message,
        status: match sending {
            true => Status::Pending,
            false => Status::Draft,
        },
        links,
        category: batch.category(),
        send_at: batch.send_at.filter(|_| sending),
        sender: batch.sender.as_deref().filter(|_| sending),
        now,
    };
    let id = crate::composer::ssr::insert(conn, &new).await?;
    if sending {
        crate::messages::ssr::insert_parts(conn, id, message.analysis.segments).await?;
    }
    Ok(Some(id))
}
