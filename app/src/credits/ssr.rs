//! The credit ledger's queries. Every change of an account's pool is an entry in
//! `credit_entries`, written in the same transaction as the change of the pool's running sums
//! (`credit_pools`), so the pool always equals the sum of its entries.

use std::collections::HashMap;

use sqlx::{Any, AnyConnection, Transaction};

use super::{Balance, EntryKind, LedgerEntry, UsageRow};
use crate::error::{AppError, Field, Problem, Result};
use crate::ssr::{local_time, Backend, Db, Placeholders};

/// Who and what an entry is about.
#[derive(Debug, Clone, Copy, Default)]
pub struct About {
    pub company_id: Option<i64>,
    pub operator_id: Option<i64>,
    pub message_id: Option<i64>,
    pub order_id: Option<i64>,
}

/// The account's pool (all zero before its first credit).
pub async fn balance(conn: &mut AnyConnection, account_id: i64) -> Result<Balance> {
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT available, held, alert_below FROM credit_pools WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(conn)
    .await?;
    let (available, held, alert_below) = row.unwrap_or_default();
    Ok(Balance {
        available,
        held,
        alert_below,
    })
}

/// Holds `parts` credits for a message being queued, or refuses it with how many it needs and
/// how many are left. The conditional update takes the pool's row lock on PostgreSQL (SQLite
/// writes one at a time), so two sends at once cannot both take the last credits.
pub async fn hold(
    conn: &mut AnyConnection,
    account_id: i64,
    parts: u32,
    about: About,
    at: i64,
) -> Result<()> {
    let needed = i64::from(parts);
    let held = sqlx::query(
        "UPDATE credit_pools SET available = available - $1, held = held + $1 \
         WHERE account_id = $2 AND available >= $1",
    )
    .bind(needed)
    .bind(account_id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if held == 0 {
        let left = balance(&mut *conn, account_id).await?.available;
        tracing::info!(account_id, needed, left, "not enough credits");
        return Err(AppError::invalid(
            Field::Body,
            Problem::NoCredit {
                needed: parts,
                left: left.max(0) as u32,
                draft: None,
            },
        ));
    }
    insert_entry(
        conn,
        account_id,
        EntryKind::Hold,
        -needed,
        needed,
        about,
        None,
        at,
    )
    .await
}

/// Adds a purchase or a correction (negative: credits taken away) to the account's pool. A
/// correction below zero is refused. The low-balance warning is re-armed once the pool is
/// above its threshold again.
pub async fn add(
    db: &Db,
    account_id: i64,
    kind: EntryKind,
    amount: i64,
    about: About,
    reason: &str,
    at: i64,
) -> Result<Balance> {
    let mut tx = db.begin_write().await?;
    add_in(&mut tx, account_id, kind, amount, about, reason, at).await?;
    let balance = balance(&mut tx, account_id).await?;
    tx.commit().await?;
    Ok(balance)
}

/// `add` in the caller's transaction (a purchase is added with its order's payment).
pub async fn add_in(
    conn: &mut AnyConnection,
    account_id: i64,
    kind: EntryKind,
    amount: i64,
    about: About,
    reason: &str,
    at: i64,
) -> Result<()> {
    // A first row of zero, then the change: the new row's own CHECK would refuse a negative.
    sqlx::query("INSERT INTO credit_pools (account_id) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind(account_id)
        .execute(&mut *conn)
        .await?;
    let existing: i64 =
        sqlx::query_scalar("SELECT available FROM credit_pools WHERE account_id = $1")
            .bind(account_id)
            .fetch_one(&mut *conn)
            .await?;
    if existing + amount < 0 {
        return Err(AppError::invalid(
            Field::Amount,
            Problem::NoCredit {
                needed: amount.unsigned_abs() as u32,
                left: existing.max(0) as u32,
                draft: None,
            },
        ));
    }
    sqlx::query(
        "UPDATE credit_pools SET available = available + $1, \
             alerted_at = CASE WHEN available + $1 >= alert_below THEN NULL ELSE alerted_at END \
         WHERE account_id = $2",
    )
    .bind(amount)
    .bind(account_id)
    .execute(&mut *conn)
    .await?;
    let reason = Some(reason).filter(|r| !r.is_empty());
    insert_entry(conn, account_id, kind, amount, 0, about, reason, at).await?;
    tracing::info!(account_id, kind = kind.as_str(), amount, "credits added");
    Ok(())
}

/// Sets the threshold below which the administrators are warned (0: never).
pub async fn set_alert(db: &Db, account_id: i64, alert_below: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO credit_pools (account_id, alert_below) VALUES ($1, $2) \
         ON CONFLICT (account_id) DO UPDATE SET alert_below = $2, \
             alerted_at = CASE WHEN credit_pools.available >= $2 THEN NULL \
                               ELSE credit_pools.alerted_at END",
    )
    .bind(account_id)
    .bind(alert_below)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert_entry(
    conn: &mut AnyConnection,
    account_id: i64,
    kind: EntryKind,
    amount: i64,
    held: i64,
    about: About,
    reason: Option<&str>,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO credit_entries (account_id, kind, amount, held, company_id, operator_id, \
                                     message_id, order_id, reason, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(account_id)
    .bind(kind.as_str())
    .bind(amount)
    .bind(held)
    .bind(about.company_id)
    .bind(about.operator_id)
    .bind(about.message_id)
    .bind(about.order_id)
    .bind(reason)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// How a message's held credits end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Close {
    /// As its parts ended: charged for each part the gateway accepted, given back for each
    /// that failed without being accepted. A part still open or in doubt stays held.
    AsSent,
    /// Taken back before sending: every held part is given back.
    Cancelled,
}

/// Settles or releases the held credits of the parts of `message_ids` that have ended (see
/// `Close`), in the caller's transaction: one `settle` and one `release` entry per message,
/// and the pools changed to match.
pub async fn close(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    message_ids: &[i64],
    close: Close,
    at: i64,
) -> Result<()> {
    if message_ids.is_empty() {
        return Ok(());
    }
    let ended = match close {
        Close::AsSent => {
            "(sent_at IS NOT NULL OR status IN ('rejected', 'expired', 'undelivered', 'delivered'))"
        }
        Close::Cancelled => "1 = 1",
    };
    let sql = format!(
        "UPDATE message_parts \
         SET credit = CASE WHEN sent_at IS NOT NULL THEN 'settled' ELSE 'released' END \
         WHERE message_id IN ({}) AND credit = 'held' AND {ended} \
         RETURNING message_id, credit",
        Placeholders::new(backend).list(message_ids.len())
    );
    let mut query = sqlx::query_as(&sql);
    for id in message_ids {
        query = query.bind(*id);
    }
    let closed: Vec<(i64, String)> = query.fetch_all(&mut **tx).await?;
    if closed.is_empty() {
        return Ok(());
    }
    // Per message: (settled, released).
    let mut counts: HashMap<i64, (i64, i64)> = HashMap::new();
    for (message_id, credit) in closed {
        let count = counts.entry(message_id).or_default();
        match credit.as_str() {
            "settled" => count.0 += 1,
            _ => count.1 += 1,
        }
    }
    let mut ids: Vec<i64> = counts.keys().copied().collect();
    ids.sort_unstable();
    let sql = format!(
        "SELECT m.id, c.account_id, m.company_id, m.operator_id \
         FROM messages m JOIN companies c ON c.id = m.company_id WHERE m.id IN ({}) \
         ORDER BY m.id",
        Placeholders::new(backend).list(ids.len())
    );
    let mut query = sqlx::query_as(&sql);
    for id in &ids {
        query = query.bind(*id);
    }
    let owners: Vec<(i64, i64, i64, i64)> = query.fetch_all(&mut **tx).await?;
    // Per account: (available back, held less).
    let mut pools: HashMap<i64, (i64, i64)> = HashMap::new();
    let mut entries = Vec::new();
    for (message_id, account_id, company_id, operator_id) in owners {
        let (settled, released) = counts[&message_id];
        let pool = pools.entry(account_id).or_default();
        pool.0 += released;
        pool.1 += settled + released;
        let about = (account_id, company_id, operator_id, message_id);
        if settled > 0 {
            entries.push((about, EntryKind::Settle, 0, -settled));
        }
        if released > 0 {
            entries.push((about, EntryKind::Release, released, -released));
        }
    }
    let mut p = Placeholders::new(backend);
    let rows: Vec<String> = (0..entries.len())
        .map(|_| format!("({})", p.list(8)))
        .collect();
    let sql = format!(
        "INSERT INTO credit_entries (account_id, company_id, operator_id, message_id, kind, \
                                     amount, held, at) VALUES {}",
        rows.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for ((account_id, company_id, operator_id, message_id), kind, amount, held) in &entries {
        query = query
            .bind(*account_id)
            .bind(*company_id)
            .bind(*operator_id)
            .bind(*message_id)
            .bind(kind.as_str())
            .bind(*amount)
            .bind(*held)
            .bind(at);
    }
    query.execute(&mut **tx).await?;
    // Accounts in one order, so two servers closing at once cannot wait for each other.
    let mut accounts: Vec<_> = pools.into_iter().collect();
    accounts.sort_unstable();
    for (account_id, (back, less_held)) in accounts {
        sqlx::query(
            "UPDATE credit_pools SET available = available + $1, held = held - $2 \
             WHERE account_id = $3",
        )
        .bind(back)
        .bind(less_held)
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The account's ledger, newest first, from before entry `before`; `limit` entries.
pub async fn ledger(
    db: &Db,
    account_id: i64,
    period: (i64, i64),
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<LedgerEntry>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        kind: String,
        amount: i64,
        held: i64,
        at: i64,
        company: Option<String>,
        operator: Option<String>,
        message_id: Option<i64>,
        reason: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT e.id, e.kind, e.amount, e.held, e.at, c.name AS company, o.name AS operator, \
                e.message_id, e.reason \
         FROM credit_entries e \
         LEFT JOIN companies c ON c.id = e.company_id \
         LEFT JOIN operators o ON o.id = e.operator_id \
         WHERE e.account_id = $1 AND e.at >= $2 AND e.at < $3 AND e.id < $4 \
         ORDER BY e.id DESC LIMIT $5",
    )
    .bind(account_id)
    .bind(period.0)
    .bind(period.1)
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| LedgerEntry {
            id: row.id,
            kind: EntryKind::parse(&row.kind).unwrap_or(EntryKind::Correction),
            amount: row.amount,
            held: row.held,
            at: local_time(row.at),
            company: row.company,
            operator: row.operator,
            message_id: row.message_id,
            reason: row.reason,
        })
        .collect())
}

/// Credits charged (settled) per month, company and operator, newest month first. `months`:
/// each month's label and its start and end (epoch ms).
pub async fn usage(
    db: &Db,
    account_id: i64,
    months: &[(String, i64, i64)],
) -> Result<Vec<UsageRow>> {
    if months.is_empty() {
        return Ok(Vec::new());
    }
    let mut p = Placeholders::new(db.backend);
    let sql = format!(
        "{}SELECT v.label, c.name, o.name, CAST(SUM(-e.held) AS BIGINT) \
         FROM credit_entries e \
         JOIN v ON e.at >= v.start_at AND e.at < v.end_at \
         LEFT JOIN companies c ON c.id = e.company_id \
         LEFT JOIN operators o ON o.id = e.operator_id \
         WHERE e.account_id = {} AND e.kind = 'settle' \
         GROUP BY v.label, c.name, o.name \
         ORDER BY v.label DESC, c.name, o.name",
        p.values(
            "label, start_at, end_at",
            &["TEXT", "BIGINT", "BIGINT"],
            months.len()
        ),
        p.one()
    );
    let mut query = sqlx::query_as(&sql);
    for (label, start, end) in months {
        query = query.bind(label.as_str()).bind(*start).bind(*end);
    }
    let rows: Vec<(String, Option<String>, Option<String>, i64)> =
        query.bind(account_id).fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|(month, company, operator, credits)| UsageRow {
            month,
            company: company.unwrap_or_default(),
            operator: operator.unwrap_or_default(),
            credits,
        })
        .collect())
}

/// The months of the query's period, newest first: label (`YYYY-MM`), start and end (epoch ms,
/// midnights in the companies' time zone). At most 36.
pub fn months(query: &super::CreditsQuery) -> Result<Vec<(String, i64, i64)>> {
    use chrono::{Datelike, Months, NaiveDate};
    let month = |text: &str, field: Field| -> Result<Option<NaiveDate>> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::invalid(field, Problem::InvalidDate))
    };
    let today = local_time(crate::ssr::now_ms())
        .naive()
        .map(|t| t.date())
        .unwrap_or_default();
    let this_month = today.with_day(1).unwrap_or(today);
    let to = month(&query.to, Field::PeriodTo)?.unwrap_or(this_month);
    let from = month(&query.from, Field::PeriodFrom)?
        .unwrap_or_else(|| to.checked_sub_months(Months::new(11)).unwrap_or(to));
    if from > to {
        return Err(AppError::invalid(
            Field::PeriodFrom,
            Problem::EndsBeforeStart,
        ));
    }
    let mut months = Vec::new();
    let mut start = to;
    while start >= from && months.len() < 36 {
        let end = start.checked_add_months(Months::new(1)).unwrap_or(start);
        months.push((
            start.format("%Y-%m").to_string(),
            crate::ssr::start_of_day(start),
            crate::ssr::start_of_day(end),
        ));
        match start.checked_sub_months(Months::new(1)) {
            Some(previous) => start = previous,
            None => break,
        }
    }
    Ok(months)
}

/// From the start of the oldest month to the end of the newest.
pub fn span(months: &[(String, i64, i64)]) -> (i64, i64) {
    let start = months.last().map_or(0, |m| m.1);
    let end = months.first().map_or(0, |m| m.2);
    (start, end)
}

/// The usage (`Export::Usage`) or the ledger (`Export::Ledger`) of the query's period as CSV.
pub async fn csv(
    db: &Db,
    account_id: i64,
    query: &super::CreditsQuery,
    export: Export,
    lang: crate::i18n::Lang,
) -> Result<String> {
    let t = lang.of(&super::texts::PL, &super::texts::EN);
    let months = months(query)?;
    let mut csv = crate::spreadsheet::Csv::new();
    match export {
        Export::Usage => {
            csv.line([t.col_month, t.col_company, t.col_operator, t.col_credits]);
            for row in usage(db, account_id, &months).await? {
                csv.line([
                    row.month,
                    row.company,
                    row.operator,
                    row.credits.to_string(),
                ]);
            }
        }
        Export::Ledger => {
            csv.line([
                t.col_when,
                t.col_kind,
                t.col_amount,
                t.col_held,
                t.col_company,
                t.col_operator,
                t.col_message,
                t.col_reason,
            ]);
            let entries = ledger(db, account_id, span(&months), None, super::MAX_EXPORT).await?;
            for entry in entries {
                csv.line([
                    entry.at.format(lang),
                    (t.kind_name)(entry.kind).to_string(),
                    entry.amount.to_string(),
                    entry.held.to_string(),
                    entry.company.unwrap_or_default(),
                    entry.operator.unwrap_or_default(),
                    entry
                        .message_id
                        .map(|id| id.to_string())
                        .unwrap_or_default(),
                    entry.reason.unwrap_or_default(),
                ]);
            }
        }
    }
    Ok(csv.finish())
}

/// Which table of the credits page a CSV holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    Usage,
    Ledger,
}

/// A pool below its threshold, to warn the account's administrators about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowBalance {
    pub account_id: i64,
    pub account_name: String,
    pub available: i64,
    pub alert_below: i64,
    /// The active administrators' addresses.
    pub emails: Vec<String>,
}

/// Marks every pool below its threshold and not yet warned as warned (at `now`) and returns
/// them: each is warned once, by whichever server marks it, until it is topped up (`add_in`
/// and `set_alert` clear the mark). A pool with no administrator's address is marked all the
/// same (the banner still shows).
pub async fn claim_low_balance_warnings(db: &Db, now: i64) -> Result<Vec<LowBalance>> {
    let claimed: Vec<(i64, i64, i64)> = sqlx::query_as(
        "UPDATE credit_pools SET alerted_at = $1 \
         WHERE alert_below > 0 AND available < alert_below AND alerted_at IS NULL \
         RETURNING account_id, available, alert_below",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    let mut warnings = Vec::new();
    for (account_id, available, alert_below) in claimed {
        let account_name: String = sqlx::query_scalar("SELECT name FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_one(&db.pool)
            .await?;
        let emails: Vec<String> = sqlx::query_scalar(
            "SELECT email FROM operators WHERE account_id = $1 AND role = 'administrator' \
             AND active = 1 AND email <> '' ORDER BY id",
        )
        .bind(account_id)
        .fetch_all(&db.pool)
        .await?;
        if !emails.is_empty() {
            warnings.push(LowBalance {
                account_id,
                account_name,
                available,
                alert_below,
                emails,
            });
        }
    }
    Ok(warnings)
}

/// The warning could not be sent: the next check tries again.
pub async fn unclaim_low_balance_warning(db: &Db, account_id: i64) -> Result<()> {
    sqlx::query("UPDATE credit_pools SET alerted_at = NULL WHERE account_id = $1")
        .bind(account_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
