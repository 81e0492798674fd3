//! Message storage: the list, the outbox the dispatcher drains, and delivery reports.
//! Every change of status appends to `message_events`, the message's history.

use std::collections::{HashMap, HashSet};

use sqlx::{Any, AnyConnection, Transaction};

use super::{MessageQuery, MessageRow, Status, StatusFilter};
use crate::credits::ssr::Close;
use crate::error::{AppError, Result};
use crate::layout::Paged;
use crate::ssr::{local_time, now_ms, Backend, Binds, Db, Placeholders};

/// Rows the list shows at once.
pub const LIST_PAGE: u32 = 50;
/// The list carries the start of each text (a message may be ten SMS long, and a page of them
/// would weigh much); the whole text of one message is asked for with `show`.
pub const PREVIEW_CHARS: usize = 160;

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    created_at: i64,
    status: String,
    date: i64,
    phone: String,
    body: String,
    parts: i64,
    error: Option<String>,
    category: String,
    send_at: Option<i64>,
    sender: Option<String>,
    subject_code: Option<String>,
    subject_name: Option<String>,
}

/// A page of the company's messages matching `query`, newest first (by when each was written),
/// after the cursor `query.before`; one waiting for its time at `now` is shown as scheduled.
/// Each condition has an index that leads with the company and ends with the id, so a page
/// reads about as many rows as it shows however long the company's history.
pub async fn list(
    db: &Db,
    company_id: i64,
    query: &MessageQuery,
    show: Option<i64>,
    now: i64,
) -> Result<Paged<MessageRow>> {
    crate::input::search_query(&query.q)?;
    let (from, to) = query.period()?;
    let mut binds = Binds::new(db.backend);
    let show_param = binds.int(show.unwrap_or(0));
    let company = binds.int(company_id);
    let mut sql = format!(
        "SELECT m.id, m.created_at, m.status, \
                COALESCE(m.submitted_at, m.queued_at, m.updated_at) AS date, \
                m.phone, CASE WHEN m.id = {show_param} THEN m.body \
                              ELSE substr(m.body, 1, {}) END AS body, \
                m.parts, m.error, m.category, m.send_at, m.sender, \
                s.code AS subject_code, s.name AS subject_name \
         FROM messages m LEFT JOIN subjects s ON s.id = m.subject_id \
         WHERE m.company_id = {company}",
        PREVIEW_CHARS + 1
    );
    match query.status {
        StatusFilter::All => {}
        StatusFilter::Sent => sql.push_str(" AND m.status <> 'draft'"),
        StatusFilter::Drafts => sql.push_str(" AND m.status = 'draft'"),
        StatusFilter::Is(status) => {
            sql.push_str(&format!(" AND m.status = {}", binds.text(status.as_str())));
        }
    }
    if let Some(subject_id) = query.subject_id {
        sql.push_str(&format!(" AND m.subject_id = {}", binds.int(subject_id)));
    }
    if let Some(from) = from {
        sql.push_str(&format!(" AND m.created_at >= {}", binds.int(from)));
    }
    if let Some(to) = to {
        sql.push_str(&format!(" AND m.created_at < {}", binds.int(to)));
    }
    // A word is in the text, the number, or the subject's code or name (without Polish letters).
    for word in query.q.split_whitespace() {
        let pattern = crate::ssr::contains_pattern(word);
        let folded = crate::ssr::contains_pattern(&crate::ssr::search_words(word).join(" "));
        let (text, number, subject) = (
            binds.text(&pattern),
            binds.text(&pattern),
            binds.text(folded),
        );
        sql.push_str(&format!(
            " AND (LOWER(m.body) LIKE {text} ESCAPE '\\' OR m.phone LIKE {number} ESCAPE '\\' \
                   OR COALESCE(s.search_text, '') LIKE {subject} ESCAPE '\\')"
        ));
    }
    // A cursor that does not read (edited by hand) starts at the newest.
    // Written so that the first bound limits the index range: an OR alone made SQLite read
    // every newer message to find the page.
    if let Some((at, id)) = query.cursor() {
        let (a, b, c) = (binds.int(at), binds.int(at), binds.int(id));
        sql.push_str(&format!(
            " AND m.created_at <= {a} AND (m.created_at < {b} OR m.id < {c})"
        ));
    }
    let limit = binds.int(i64::from(LIST_PAGE) + 1);
    sql.push_str(&format!(
        " ORDER BY m.created_at DESC, m.id DESC LIMIT {limit}"
    ));
    let select = binds.query_as::<ListRow>(&sql);
    let rows = select.fetch_all(&db.pool).await?;
    let page = Paged::of(rows, LIST_PAGE);
    let rows = (page.rows.into_iter())
        .map(|row| {
            let (body, complete) = if show == Some(row.id) {
                (row.body, true)
            } else {
                preview(row.body)
            };
            let status = Status::parse(&row.status).unwrap_or(Status::Pending);
            let waiting = status == Status::Pending && row.send_at.is_some_and(|at| at > now);
            MessageRow {
                id: row.id,
                cursor: format!("{}.{}", row.created_at, row.id),
                status,
                scheduled_for: row.send_at.filter(|_| waiting).map(local_time),
                category: super::Category::parse(&row.category).unwrap_or_default(),
                date: local_time(row.date),
                phone: row.phone,
                body,
                complete,
                parts: row.parts as u32,
                error: row.error,
                sender: row.sender,
                subject_code: row.subject_code,
                subject_name: row.subject_name,
            }
        })
        .collect();
    Ok(Paged {
        rows,
        has_more: page.has_more,
    })
}

/// How the list names a message in a report: its number, or the start of its text.
pub async fn label(db: &Db, company_id: i64, id: i64) -> Result<String> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT phone, body FROM messages WHERE id = $1 AND company_id = $2")
            .bind(id)
            .bind(company_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(match row {
        Some((phone, _)) if !phone.is_empty() => sms::format_display(&phone),
        Some((_, body)) => body.chars().take(30).collect(),
        None => format!("#{id}"),
    })
}

/// Deletes the company's drafts among `ids` (with their history); sent messages stay.
pub async fn delete_drafts(db: &Db, company_id: i64, ids: &[i64]) -> Result<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let mut deleted = 0;
    let mut tx = db.begin_write().await?;
    for chunk in ids.chunks(500) {
        let mut p = Placeholders::new(db.backend);
        let sql = format!(
            "DELETE FROM messages WHERE company_id = {} AND status = 'draft' AND id IN ({})",
            p.one(),
            p.list(chunk.len())
        );
        let mut delete = sqlx::query(&sql).bind(company_id);
        for id in chunk {
            delete = delete.bind(id);
        }
        deleted += delete.execute(&mut *tx).await?.rows_affected();
    }
    tx.commit().await?;
    Ok(deleted)
}

/// The first `PREVIEW_CHARS` characters of a text, and whether that is all of it. The lists
/// select one character more (`substr(body, 1, PREVIEW_CHARS + 1)`) to tell.
pub fn preview(mut text: String) -> (String, bool) {
    match text.char_indices().nth(PREVIEW_CHARS) {
        Some((end, _)) => {
            text.truncate(end);
            (text, false)
        }
        None => (text, true),
    }
}

pub async fn record_event(
    conn: &mut AnyConnection,
    message_id: i64,
    status: Status,
    detail: Option<&str>,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO message_events (message_id, status, detail, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(message_id)
    .bind(status.as_str())
    .bind(detail)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The condition (on `messages`) that a message waits to be sent and none of its parts has
/// been passed to the gateway, nor is any being passed now (`now`: the parameter holding the
/// time): it may still be cancelled or refused.
pub fn not_passed_on(now: &str) -> String {
    format!(
        "messages.status = 'pending' \
         AND (messages.claimed_until IS NULL OR messages.claimed_until < {now}) \
         AND NOT EXISTS (SELECT 1 FROM message_parts p WHERE p.message_id = messages.id \
                         AND (p.status <> 'pending' OR p.attempts > 0))"
    )
}

/// Why the company's message `id` could not be changed as one still waiting: it has gone
/// (already sent), or the company has no such message.
pub async fn unchangeable(conn: &mut AnyConnection, company_id: i64, id: i64) -> Result<AppError> {
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT id FROM messages WHERE id = $1 AND company_id = $2")
            .bind(id)
            .bind(company_id)
            .fetch_optional(conn)
            .await?;
    Ok(match exists {
        Some(_) => AppError::invalid(
            crate::error::Field::Body,
            crate::error::Problem::AlreadySent,
        ),
        None => AppError::NotFound,
    })
}

/// Takes back a message that waits to be sent (scheduled, or held by quiet hours) as a draft,
/// while none of its parts has been passed to the gateway.
pub async fn cancel(db: &Db, company_id: i64, id: i64, operator_id: i64, now: i64) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let cancelled: Option<i64> = sqlx::query_scalar(&format!(
        "UPDATE messages SET status = 'draft', queued_at = NULL, send_at = NULL, updated_at = $1 \
         WHERE id = $2 AND company_id = $3 AND {} RETURNING id",
        not_passed_on("$1")
    ))
    .bind(now)
    .bind(id)
    .bind(company_id)
    .fetch_optional(&mut *tx)
    .await?;
    if cancelled.is_none() {
        return Err(unchangeable(&mut tx, company_id, id).await?);
    }
    let backend = db.backend;
    crate::credits::ssr::close(&mut tx, backend, &[id], Close::Cancelled, now).await?;
    sqlx::query("DELETE FROM message_parts WHERE message_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    record_event(
        &mut tx,
        id,
        Status::Draft,
        Some("cancelled before sending"),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(message_id = id, operator_id, "scheduled message cancelled");
    Ok(())
}

/// A message the dispatcher has claimed for submission to the gateway.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Outgoing {
    pub id: i64,
    pub company_id: i64,
    pub phone: String,
    pub body: String,
    pub attempts: i64,
    /// When it could go first: queued, or its scheduled time (its validity counts from then).
    pub due_at: i64,
    /// The sender name it goes with; `None`: the connection's own number.
    pub sender: Option<String>,
    /// Its parts still to submit (or caught `submitting`), in order.
    #[sqlx(skip)]
    pub parts: Vec<OpenPart>,
}

/// Queues a message for sending: holds its credits (one per part) from the account's pool,
/// or refuses it when the pool has too few, and gives it its parts, each `pending` with its
/// credit held, in the caller's transaction: from then on every part has its own state.
pub async fn queue_parts(
    conn: &mut AnyConnection,
    account_id: i64,
    about: crate::credits::ssr::About,
    parts: u32,
    now: i64,
) -> Result<()> {
    let message_id = about.message_id.unwrap_or_default();
    crate::credits::ssr::hold(&mut *conn, account_id, parts, about, now).await?;
    insert_parts(conn, message_id, parts).await
}

/// Gives a queued message its parts, each `pending` with its credit held (the caller has held
/// the credits: for one message or for a whole batch at once).
pub async fn insert_parts(conn: &mut AnyConnection, message_id: i64, parts: u32) -> Result<()> {
    for seq in 0..i64::from(parts) {
        sqlx::query(
            "INSERT INTO message_parts (message_id, seq, status, credit) \
             VALUES ($1, $2, 'pending', 'held')",
        )
        .bind(message_id)
        .bind(seq)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Which accounts' messages a dispatcher sends: each gateway connection sends for its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Every account but these (the first connection: all not routed elsewhere).
    AllBut(Vec<i64>),
    /// These accounts only.
    Only(Vec<i64>),
}

impl Default for Route {
    fn default() -> Self {
        Route::AllBut(Vec::new())
    }
}

/// Claims up to `limit` pending messages of any account, due now (see `claim_routed`).
pub async fn claim_pending(db: &Db, limit: i64, lease_ms: i64) -> Result<Vec<Outgoing>> {
    claim_routed(db, &Route::default(), limit, lease_ms, now_ms()).await
}

/// Claims up to `limit` pending messages of the `route`'s accounts that may go at `now`
/// (scheduled ones from their time) for `lease_ms`, with their open parts. Messages claimed by
/// a dispatcher that died come back when its lease runs out.
/// On PostgreSQL, concurrent servers skip each other's rows instead of waiting for them.
pub async fn claim_routed(
    db: &Db,
    route: &Route,
    limit: i64,
    lease_ms: i64,
    now: i64,
) -> Result<Vec<Outgoing>> {
    let lock = db.skip_locked();
    // Account ids come from the configuration as numbers: written into the statement.
    let list = |ids: &[i64]| {
        ids.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let accounts = match route {
        Route::AllBut(ids) if ids.is_empty() => String::new(),
        Route::AllBut(ids) => format!(
            "AND company_id NOT IN (SELECT id FROM companies WHERE account_id IN ({}))",
            list(ids)
        ),
        Route::Only(ids) if ids.is_empty() => return Ok(Vec::new()),
        Route::Only(ids) => format!(
            "AND company_id IN (SELECT id FROM companies WHERE account_id IN ({}))",
            list(ids)
        ),
    };
    let mut claimed: Vec<Outgoing> = sqlx::query_as(&format!(
        "UPDATE messages SET claimed_until = $1, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM messages \
                      WHERE status = 'pending' AND (claimed_until IS NULL OR claimed_until < $2) \
                            AND (send_at IS NULL OR send_at <= $2) {accounts} \
                      ORDER BY id LIMIT $3 {lock}) \
         RETURNING id, company_id, phone, body, attempts, \
                   COALESCE(send_at, queued_at, created_at) AS due_at, sender"
    ))
    .bind(now + lease_ms)
    .bind(now)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let ids: Vec<i64> = claimed.iter().map(|m| m.id).collect();
    let mut parts = open_parts_of(db, &ids).await?.into_iter().peekable();
    claimed.sort_by_key(|m| m.id);
    for message in &mut claimed {
        while let Some(part) = parts.next_if(|p| p.message_id <= message.id) {
            if part.message_id == message.id {
                message.parts.push(part);
            }
        }
    }
    Ok(claimed)
}

/// A part still to be submitted (`pending`), or one whose submission was under way when its
/// dispatcher stopped (`submitting`: in doubt).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenPart {
    pub message_id: i64,
    pub seq: i64,
    pub status: String,
    pub attempts: i64,
    pub retry_at: Option<i64>,
    pub error: Option<String>,
}

pub async fn open_parts(db: &Db, message_id: i64) -> Result<Vec<OpenPart>> {
    open_parts_of(db, &[message_id]).await
}

/// The open parts of these messages, by message and in order.
async fn open_parts_of(db: &Db, message_ids: &[i64]) -> Result<Vec<OpenPart>> {
    if message_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT message_id, seq, status, attempts, retry_at, error FROM message_parts \
         WHERE message_id IN ({}) AND status IN ('pending', 'submitting') ORDER BY message_id, seq",
        Placeholders::new(db.backend).list(message_ids.len())
    );
    let mut query = sqlx::query_as(&sql);
    for id in message_ids {
        query = query.bind(*id);
    }
    Ok(query.fetch_all(&db.pool).await?)
}

/// What became of one submission of a part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartOutcome {
    /// The gateway accepted it and gave it this id.
    Accepted { gateway: String, id: String },
    /// Certainly not accepted, to be tried again at `retry_at` (throttled, gateway down).
    Retry { error: String, retry_at: i64 },
    /// Refused for good.
    Rejected(String),
    /// Not accepted within the validity period.
    Expired(String),
    /// The answer never came: it may have been accepted. Held for the operator to decide.
    InDoubt(String),
}

/// The message goes back to the outbox at `retry_at` (its parts wait for it anyway).
pub async fn release(db: &Db, message_id: i64, retry_at: i64) -> Result<()> {
    sqlx::query("UPDATE messages SET claimed_until = $1 WHERE id = $2 AND status = 'pending'")
        .bind(retry_at)
        .bind(message_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The operator's decision to send a message in doubt again: its parts in doubt go back to the
/// outbox. Only this company's messages, only while in doubt.
pub async fn resend_in_doubt(
    db: &Db,
    company_id: i64,
    message_id: i64,
    operator_id: i64,
) -> Result<()> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let updated = sqlx::query(
        "UPDATE messages SET status = 'pending', claimed_until = NULL, error = NULL, updated_at = $1 \
         WHERE id = $2 AND company_id = $3 AND status = 'unknown'",
    )
    .bind(now)
    .bind(message_id)
    .bind(company_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Err(AppError::NotFound);
    }
    sqlx::query(
        "UPDATE message_parts SET status = 'pending', done_at = NULL, retry_at = NULL \
         WHERE message_id = $1 AND status = 'unknown'",
    )
    .bind(message_id)
    .execute(&mut *tx)
    .await?;
    let detail = format!("operator {operator_id} sends it again");
    record_event(&mut tx, message_id, Status::Pending, Some(&detail), now).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportOutcome {
    Delivered,
    Undelivered(String),
    Expired(String),
}

impl ReportOutcome {
    /// The part's status it gives, and the error with it.
    fn status_and_error(&self) -> (&'static str, Option<&str>) {
        match self {
            ReportOutcome::Delivered => ("delivered", None),
            ReportOutcome::Undelivered(e) => ("undelivered", Some(e.as_str())),
            ReportOutcome::Expired(e) => ("expired", Some(e.as_str())),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportEffect {
    /// The part's status moved forward.
    Applied,
    /// The part already had a final status: a duplicate or late report, ignored.
    Ignored,
    /// No part has this gateway id (yet): the submission may not be recorded yet. Try again.
    UnknownPart,
}

/// One write of the dispatcher's. It makes many in one transaction (`write`): at thousands of
/// parts a second, a transaction (and its statements) per part would be the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Marks a pending part `submitting`, before it leaves: if the server dies before its
    /// answer is recorded, the part is known to be in doubt.
    Begin { message_id: i64, seq: i64 },
    /// What became of a part's submission (a part `submitting`, or `pending` for an expiry or
    /// a rejection before it left).
    Record {
        message_id: i64,
        seq: i64,
        outcome: PartOutcome,
    },
    /// A delivery report about the part `gateway` knows by `id` (sent, or in doubt: the report
    /// shows it did leave). SMS centres reuse ids: it is about the latest part sent with it.
    Report {
        gateway: String,
        id: String,
        outcome: ReportOutcome,
        at: i64,
    },
}

/// The answer to each `Write`, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Whether the part was still pending (false: another dispatcher has it).
    Begun(bool),
    /// The message's status afterwards.
    Recorded(Status),
    Reported(ReportEffect),
}

/// Each `Write` is answered with its own kind of `Written`: these read the answer.
impl Written {
    pub fn begun(self) -> bool {
        match self {
            Written::Begun(begun) => begun,
            other => unreachable!("a begin answered with {other:?}"),
        }
    }

    pub fn recorded(self) -> Status {
        match self {
            Written::Recorded(status) => status,
            other => unreachable!("a record answered with {other:?}"),
        }
    }

    pub fn reported(self) -> ReportEffect {
        match self {
            Written::Reported(effect) => effect,
            other => unreachable!("a report answered with {other:?}"),
        }
    }
}

/// Makes the writes in one transaction, a few statements for all of them: begins, then
/// outcomes, then reports (one may be about a part recorded in the same batch), then every
/// message they touched is settled, and the credits of its parts that ended are charged or
/// given back. Statuses only move forward.
pub async fn write(db: &Db, writes: &[Write]) -> Result<Vec<Written>> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let begun = begin_parts(&mut tx, db.backend, writes, now).await?;
    let mut touched: HashMap<i64, i64> = (writes.iter())
        .filter_map(|w| match w {
            Write::Record { message_id, .. } => Some((*message_id, now)),
            _ => None,
        })
        .collect();
    record_parts(&mut tx, db.backend, writes, now).await?;
    let reports = apply_reports(&mut tx, db.backend, writes).await?;
    for (message_id, at) in reports.values().filter_map(|(_, applied)| *applied) {
        let latest = touched.entry(message_id).or_insert(at);
        *latest = (*latest).max(at);
    }
    let statuses = settle(&mut tx, db.backend, &touched).await?;
    let ids: Vec<i64> = touched.keys().copied().collect();
    crate::credits::ssr::close(&mut tx, db.backend, &ids, Close::AsSent, now).await?;
    tx.commit().await?;
    Ok((writes.iter().enumerate())
        .map(|(i, w)| match w {
            Write::Begin { message_id, seq } => {
                Written::Begun(begun.contains(&(*message_id, *seq)))
            }
            Write::Record { message_id, .. } => {
                Written::Recorded(statuses.get(message_id).copied().unwrap_or(Status::Pending))
            }
            Write::Report { .. } => Written::Reported(reports[&i].0),
        })
        .collect())
}

/// One write on its own.
async fn write_one(db: &Db, write_: Write) -> Result<Written> {
    Ok(write(db, &[write_]).await?.remove(0))
}

/// Marks a pending part `submitting` (see `Write::Begin`). False when it is no longer pending.
pub async fn begin_submission(db: &Db, message_id: i64, seq: i64) -> Result<bool> {
    Ok(write_one(db, Write::Begin { message_id, seq })
        .await?
        .begun())
}

/// Records what became of a part's submission (see `Write::Record`); the message's status
/// afterwards.
pub async fn record_part(
    db: &Db,
    message_id: i64,
    seq: i64,
    outcome: &PartOutcome,
) -> Result<Status> {
    let outcome = outcome.clone();
    let record = Write::Record {
        message_id,
        seq,
        outcome,
    };
    Ok(write_one(db, record).await?.recorded())
}

/// Applies one delivery report (see `Write::Report`).
pub async fn apply_delivery_report(
    db: &Db,
    gateway: &str,
    gateway_message_id: &str,
    outcome: &ReportOutcome,
    at: i64,
) -> Result<ReportEffect> {
    let report = Write::Report {
        gateway: gateway.to_string(),
        id: gateway_message_id.to_string(),
        outcome: outcome.clone(),
        at,
    };
    Ok(write_one(db, report).await?.reported())
}

/// The parts of the `Begin` writes that were pending and are now `submitting`.
async fn begin_parts(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    writes: &[Write],
    now: i64,
) -> Result<HashSet<(i64, i64)>> {
    let parts: Vec<(i64, i64)> = (writes.iter())
        .filter_map(|w| match w {
            Write::Begin { message_id, seq } => Some((*message_id, *seq)),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        return Ok(HashSet::new());
    }
    let mut p = Placeholders::new(backend);
    let sql = format!(
        "{}UPDATE message_parts SET status = 'submitting', attempts = attempts + 1, \
                submitting_at = {}, retry_at = NULL \
         FROM v WHERE message_parts.message_id = v.m AND message_parts.seq = v.s \
           AND message_parts.status = 'pending' \
         RETURNING message_parts.message_id, message_parts.seq",
        p.values("m, s", &["BIGINT", "BIGINT"], parts.len()),
        p.one()
    );
    let mut query = sqlx::query_as(&sql);
    for (message_id, seq) in &parts {
        query = query.bind(*message_id).bind(*seq);
    }
    query = query.bind(now);
    let begun: Vec<(i64, i64)> = query.fetch_all(&mut **tx).await?;
    Ok(begun.into_iter().collect())
}

/// Records the `Record` writes' outcomes on their parts.
async fn record_parts(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    writes: &[Write],
    now: i64,
) -> Result<()> {
    let records: Vec<(i64, i64, &PartOutcome)> = (writes.iter())
        .filter_map(|w| match w {
            Write::Record {
                message_id,
                seq,
                outcome,
            } => Some((*message_id, *seq, outcome)),
            _ => None,
        })
        .collect();
    if records.is_empty() {
        return Ok(());
    }
    // A part `submitting` takes any outcome; a `pending` one (not sent yet) only a final one.
    let mut p = Placeholders::new(backend);
    let sql = format!(
        "{}UPDATE message_parts SET status = v.st, \
                gateway = COALESCE(v.gw, message_parts.gateway), \
                gateway_message_id = COALESCE(v.gid, message_parts.gateway_message_id), \
                sent_at = CASE WHEN v.st = 'sent' THEN {} ELSE message_parts.sent_at END, \
                done_at = CASE WHEN v.fin = 1 THEN {} ELSE message_parts.done_at END, \
                error = v.err, retry_at = v.retry \
         FROM v WHERE message_parts.message_id = v.m AND message_parts.seq = v.s \
           AND (message_parts.status = 'submitting' \
                OR (message_parts.status = 'pending' AND v.fin = 1))",
        p.values(
            "m, s, st, gw, gid, err, retry, fin",
            &["BIGINT", "BIGINT", "TEXT", "TEXT", "TEXT", "TEXT", "BIGINT", "BIGINT"],
            records.len(),
        ),
        p.one(),
        p.one()
    );
    let mut query = sqlx::query(&sql);
    for (message_id, seq, outcome) in records {
        let (status, gateway, id, error, retry_at, done) = match outcome {
            PartOutcome::Accepted { gateway, id } => {
                ("sent", Some(gateway), Some(id), None, None, 0)
            }
            PartOutcome::Retry { error, retry_at } => {
                ("pending", None, None, Some(error), Some(*retry_at), 0)
            }
            PartOutcome::Rejected(error) => ("rejected", None, None, Some(error), None, 1),
            PartOutcome::Expired(error) => ("expired", None, None, Some(error), None, 1),
            PartOutcome::InDoubt(error) => ("unknown", None, None, Some(error), None, 1),
        };
        query = query
            .bind(message_id)
            .bind(seq)
            .bind(status)
            .bind(gateway.map(String::as_str))
            .bind(id.map(String::as_str))
            .bind(error.map(String::as_str))
            .bind(retry_at)
            .bind(done as i64);
    }
    query.bind(now).bind(now).execute(&mut **tx).await?;
    Ok(())
}

/// Applies the `Report` writes: for each (by its index in `writes`) its effect, and the
/// message and time it was applied to.
async fn apply_reports(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    writes: &[Write],
) -> Result<HashMap<usize, (ReportEffect, Option<(i64, i64)>)>> {
    let reports: Vec<(usize, &str, &str, &ReportOutcome, i64)> = (writes.iter().enumerate())
        .filter_map(|(i, w)| match w {
            Write::Report {
                gateway,
                id,
                outcome,
                at,
            } => Some((i, gateway.as_str(), id.as_str(), outcome, *at)),
            _ => None,
        })
        .collect();
    let mut effects = HashMap::new();
    if reports.is_empty() {
        return Ok(effects);
    }
    let sql = format!(
        "{}UPDATE message_parts SET status = v.st, error = v.err, done_at = v.at \
         FROM v WHERE message_parts.gateway = v.gw AND message_parts.gateway_message_id = v.gid \
           AND message_parts.status IN ('sent', 'unknown') \
           AND message_parts.sent_at = (SELECT MAX(p.sent_at) FROM message_parts p \
                                        WHERE p.gateway = v.gw AND p.gateway_message_id = v.gid) \
         RETURNING message_parts.message_id, message_parts.gateway, \
                   message_parts.gateway_message_id, message_parts.done_at",
        Placeholders::new(backend).values(
            "gw, gid, st, err, at",
            &["TEXT", "TEXT", "TEXT", "TEXT", "BIGINT"],
            reports.len(),
        )
    );
    let mut query = sqlx::query_as(&sql);
    for (_, gateway, id, outcome, at) in &reports {
        let (status, error) = outcome.status_and_error();
        query = query
            .bind(*gateway)
            .bind(*id)
            .bind(status)
            .bind(error)
            .bind(*at);
    }
    let applied: Vec<(i64, String, String, i64)> = query.fetch_all(&mut **tx).await?;
    let applied: HashMap<(&str, &str), (i64, i64)> = (applied.iter())
        .map(|(message_id, gateway, id, at)| ((gateway.as_str(), id.as_str()), (*message_id, *at)))
        .collect();
    for (i, gateway, id, _, _) in reports {
        let effect = match applied.get(&(gateway, id)) {
            Some(&part) => (ReportEffect::Applied, Some(part)),
            None => (unapplied_report(tx, gateway, id).await?, None),
        };
        effects.insert(i, effect);
    }
    Ok(effects)
}

/// Why a report changed nothing: its part is final already (a duplicate or late report), or
/// not known yet (its submission may not be recorded yet: the caller tries again). On
/// PostgreSQL the part may have been recorded since the UPDATE: each statement sees the latest
/// commits.
async fn unapplied_report(
    tx: &mut Transaction<'static, Any>,
    gateway: &str,
    id: &str,
) -> Result<ReportEffect> {
    let known: Option<String> = sqlx::query_scalar(
        "SELECT status FROM message_parts WHERE gateway = $1 AND gateway_message_id = $2 \
         ORDER BY sent_at DESC LIMIT 1",
    )
    .bind(gateway)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match known.as_deref().and_then(Status::parse) {
        Some(status) if status.is_final() => ReportEffect::Ignored,
        _ => ReportEffect::UnknownPart,
    })
}

/// Settles the `touched` messages (id → time of the change): each gets its status from its
/// parts' (`settled`), with its history. Returns every touched message's status afterwards.
async fn settle(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    touched: &HashMap<i64, i64>,
) -> Result<HashMap<i64, Status>> {
    let mut statuses = HashMap::new();
    if touched.is_empty() {
        return Ok(statuses);
    }
    let mut ids: Vec<i64> = touched.keys().copied().collect();
    ids.sort_unstable();
    // Two parts of one message can be settled at the same moment by two servers; on PostgreSQL
    // each would count the other's part as unchanged. Locking the messages first (always in
    // the same order) makes the second wait.
    let lock = match backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let list = Placeholders::new(backend).list(ids.len());
    let current_sql =
        format!("SELECT id, status FROM messages WHERE id IN ({list}) ORDER BY id{lock}");
    let parts_sql = format!(
        "SELECT message_id, status, error FROM message_parts \
         WHERE message_id IN ({list}) ORDER BY message_id, seq"
    );
    let mut current = sqlx::query_as(&current_sql);
    let mut parts = sqlx::query_as(&parts_sql);
    for id in &ids {
        current = current.bind(*id);
        parts = parts.bind(*id);
    }
    let current: Vec<(i64, String)> = current.fetch_all(&mut **tx).await?;
    let parts: Vec<(i64, String, Option<String>)> = parts.fetch_all(&mut **tx).await?;
    let mut by_message: HashMap<i64, Vec<(Status, Option<String>)>> = HashMap::new();
    for (message_id, status, error) in parts {
        // "submitting" is no message status: it reads as pending, still open.
        let status = Status::parse(&status).unwrap_or(Status::Pending);
        by_message
            .entry(message_id)
            .or_default()
            .push((status, error));
    }
    let mut changes = Vec::new();
    for (id, status) in current {
        let status = Status::parse(&status).unwrap_or(Status::Pending);
        let parts = by_message.remove(&id).unwrap_or_default();
        match settled(status, &parts) {
            Some((new, error)) => {
                statuses.insert(id, new);
                changes.push((id, new, error, touched[&id]));
            }
            None => {
                statuses.insert(id, status);
            }
        }
    }
    if changes.is_empty() {
        return Ok(statuses);
    }
    let failed: Vec<_> = changes.iter().filter(|c| c.1.is_final()).collect();
    if !failed.is_empty() {
        // Parts not yet submitted are not sent any more: they share the message's outcome.
        let mut p = Placeholders::new(backend);
        let sql = format!(
            "{}UPDATE message_parts SET status = v.st, error = {}, done_at = v.at \
             FROM v WHERE message_parts.message_id = v.m AND message_parts.status = 'pending'",
            p.values("m, st, at", &["BIGINT", "TEXT", "BIGINT"], failed.len()),
            p.one()
        );
        let mut query = sqlx::query(&sql);
        for (id, status, _, at) in failed {
            query = query.bind(*id).bind(status.as_str()).bind(*at);
        }
        let reason = "not sent: another part of the message failed";
        query.bind(reason).execute(&mut **tx).await?;
    }
    let sql = format!(
        "{}UPDATE messages SET status = v.st, error = v.err, updated_at = v.at, \
                done_at = COALESCE(v.done, messages.done_at), \
                submitted_at = COALESCE(messages.submitted_at, v.submitted), \
                claimed_until = CASE WHEN v.st = 'pending' THEN messages.claimed_until ELSE NULL END \
         FROM v WHERE messages.id = v.m",
        Placeholders::new(backend).values(
            "m, st, err, at, done, submitted",
            &["BIGINT", "TEXT", "TEXT", "BIGINT", "BIGINT", "BIGINT"],
            changes.len(),
        )
    );
    let mut query = sqlx::query(&sql);
    for (id, status, error, at) in &changes {
        query = query
            .bind(*id)
            .bind(status.as_str())
            .bind(error.as_deref())
            .bind(*at)
            .bind(status.is_final().then_some(*at))
            .bind((*status == Status::Sent).then_some(*at));
    }
    query.execute(&mut **tx).await?;
    let mut p = Placeholders::new(backend);
    let rows: Vec<String> = (0..changes.len())
        .map(|_| format!("({})", p.list(4)))
        .collect();
    let sql = format!(
        "INSERT INTO message_events (message_id, status, detail, at) VALUES {}",
        rows.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for (id, status, error, at) in &changes {
        query = query
            .bind(*id)
            .bind(status.as_str())
            .bind(error.as_deref())
            .bind(*at);
    }
    query.execute(&mut **tx).await?;
    Ok(statuses)
}

/// A message's status from its parts' (`None`: unchanged): rejected, undelivered or expired as
/// soon as one part is, delivered when all are, pending while a part is left to submit, in
/// doubt when nothing is left and a part is in doubt, sent when every part is accepted. A
/// final status is never changed.
fn settled(
    current: Status,
    parts: &[(Status, Option<String>)],
) -> Option<(Status, Option<String>)> {
    if current.is_final() {
        return None;
    }
    let first = |wanted: Status| {
        (parts.iter())
            .find(|(status, _)| *status == wanted)
            .map(|(_, error)| error.clone())
    };
    let (status, error) = if let Some(error) = first(Status::Rejected) {
        (Status::Rejected, error)
    } else if let Some(error) = first(Status::Undelivered) {
        (Status::Undelivered, error)
    } else if let Some(error) = first(Status::Expired) {
        (Status::Expired, error)
    } else if !parts.is_empty() && parts.iter().all(|(s, _)| *s == Status::Delivered) {
        (Status::Delivered, None)
    } else if first(Status::Pending).is_some() {
        (Status::Pending, None)
    } else if let Some(error) = first(Status::Unknown) {
        (Status::Unknown, error)
    } else {
        (Status::Sent, None)
    };
    (status != current).then_some((status, error))
}

/// A message's status history, oldest first.
pub async fn history(db: &Db, message_id: i64) -> Result<Vec<(Status, Option<String>)>> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT status, detail FROM message_events WHERE message_id = $1 ORDER BY id",
    )
    .bind(message_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(s, d)| Some((Status::parse(&s)?, d)))
        .collect())
}

/// What a receipt says about the part it is for, besides the id: where the SMS centre sends
/// them, they let a report for an id we never recorded find its part in doubt.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportAbout {
    /// The handset, E.164 with `+`.
    pub destination: String,
    /// The start of the part's text as the SMS centre quotes it (`text:`), if it does.
    pub quoted: Option<String>,
    /// When the SMS centre took the part (`submit date:`, to the minute), if it says.
    pub submitted_at: Option<i64>,
}

/// A report for an id no part was recorded with. The part may be one whose answer never came
/// (in doubt) but which the SMS centre accepted under that id: the only part in doubt to the
/// same number, left before the report (within two minutes of the receipt's submit date, where
/// it gives one) and whose message holds the quoted text, takes the id and the report. Returns
/// its message, or `None` when no single part matches.
pub async fn match_in_doubt(
    db: &Db,
    gateway: &str,
    id: &str,
    outcome: &ReportOutcome,
    at: i64,
    about: &ReportAbout,
) -> Result<Option<i64>> {
    let candidates: Vec<(i64, i64, Option<i64>, String)> = sqlx::query_as(
        "SELECT p.message_id, p.seq, p.submitting_at, m.body \
         FROM message_parts p JOIN messages m ON m.id = p.message_id \
         WHERE p.status = 'unknown' AND p.gateway_message_id IS NULL AND m.phone = $1 \
           AND p.submitting_at <= $2",
    )
    .bind(&about.destination)
    .bind(at)
    .fetch_all(&db.pool)
    .await?;
    // A quoted character outside the GSM alphabet comes back as '?': such a quote is not compared.
    let quoted = about
        .quoted
        .as_deref()
        .filter(|q| !q.is_empty() && !q.contains('?'));
    let matching: Vec<_> = (candidates.into_iter())
        .filter(|(_, _, left, body)| {
            let in_time = match (about.submitted_at, left) {
                (Some(submitted), Some(left)) => (left - submitted).abs() <= 120_000,
                _ => true,
            };
            in_time && quoted.is_none_or(|q| body.contains(q))
        })
        .collect();
    let [(message_id, seq, _, _)] = matching[..] else {
        return Ok(None);
    };
    let claimed = sqlx::query(
        "UPDATE message_parts SET gateway = $1, gateway_message_id = $2, sent_at = submitting_at \
         WHERE message_id = $3 AND seq = $4 AND status = 'unknown' AND gateway_message_id IS NULL",
    )
    .bind(gateway)
    .bind(id)
    .bind(message_id)
    .bind(seq)
    .execute(&db.pool)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(None);
    }
    apply_delivery_report(db, gateway, id, outcome, at).await?;
    Ok(Some(message_id))
}

/// Keeps a report that found no part, with what it says.
pub async fn keep_unmatched_report(
    db: &Db,
    gateway: &str,
    id: &str,
    outcome: &ReportOutcome,
    at: i64,
    about: Option<&ReportAbout>,
) -> Result<()> {
    let (status, error) = outcome.status_and_error();
    sqlx::query(
        "INSERT INTO unmatched_reports \
             (gateway, gateway_message_id, status, error, destination, quoted, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(gateway)
    .bind(id)
    .bind(status)
    .bind(error)
    .bind(about.map(|a| a.destination.as_str()))
    .bind(about.and_then(|a| a.quoted.as_deref()))
    .bind(at)
    .execute(&db.pool)
    .await?;
    Ok(())
}
