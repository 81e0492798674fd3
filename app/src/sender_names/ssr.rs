//! Sender names' queries: adding one with its owner's statement, choosing the one in use per
//! level, authorising, and the name a company's message goes with.

use sqlx::AnyConnection;

use super::{Level, SenderName, SenderNames, Statement, REPLACE_EVERY_MS};
use crate::auth::ssr::Operator;
use crate::error::{AppError, Field, FieldError, Problem, Result};
use crate::ssr::{local_time, Db};

#[derive(sqlx::FromRow)]
struct NameRow {
    id: i64,
    name: String,
    status: String,
    accepted_at: i64,
    accepted_by: String,
}

/// The account's names, the ones in use, and when each level's name may next be replaced.
pub async fn load(db: &Db, operator: &Operator, now: i64) -> Result<SenderNames> {
    let rows: Vec<NameRow> = sqlx::query_as(
        "SELECT n.id, n.name, n.status, n.accepted_at, o.name AS accepted_by \
         FROM sender_names n JOIN operators o ON o.id = n.accepted_by \
         WHERE n.account_id = $1 ORDER BY n.name",
    )
    .bind(operator.account_id)
    .fetch_all(&db.pool)
    .await?;
    let (account_current, account_replaced): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT sender_name_id, sender_name_replaced_at FROM accounts WHERE id = $1",
    )
    .bind(operator.account_id)
    .fetch_one(&db.pool)
    .await?;
    let (company_current, company_replaced, stamp_name, stamp_address, stamp_nip): (
        Option<i64>,
        Option<i64>,
        String,
        String,
        String,
    ) = sqlx::query_as(
        "SELECT sender_name_id, sender_name_replaced_at, stamp_name, stamp_address, stamp_nip \
         FROM companies WHERE id = $1",
    )
    .bind(operator.company_id)
    .fetch_one(&db.pool)
    .await?;
    let next = |replaced: Option<i64>| {
        replaced
            .map(|at| at + REPLACE_EVERY_MS)
            .filter(|at| *at > now)
            .map(local_time)
    };
    Ok(SenderNames {
        names: rows
            .into_iter()
            .map(|row| SenderName {
                id: row.id,
                name: row.name,
                authorised: row.status == "authorised",
                accepted_at: local_time(row.accepted_at),
                accepted_by: row.accepted_by,
            })
            .collect(),
        account_current,
        company_current,
        account_next_replace: next(account_replaced),
        company_next_replace: next(company_replaced),
        stamp: Statement {
            owner_name: stamp_name,
            owner_address: stamp_address,
            owner_nip: stamp_nip,
        },
    })
}

/// Checks a statement's fields: all given, the NIP valid.
fn check_statement(statement: &Statement) -> Result<Statement> {
    let mut errors = Vec::new();
    let nip = crate::nip::normalize_nip(&statement.owner_nip);
    let trimmed = Statement {
        owner_name: statement.owner_name.trim().to_string(),
        owner_address: statement.owner_address.trim().to_string(),
        owner_nip: nip.clone().unwrap_or_default(),
    };
    if trimmed.owner_name.is_empty() {
        errors.push(FieldError::new(Field::StampName, Problem::Required));
    }
    if trimmed.owner_address.is_empty() {
        errors.push(FieldError::new(Field::Address, Problem::Required));
    }
    if nip.is_none() {
        errors.push(FieldError::new(Field::Nip, Problem::InvalidNip));
    }
    match errors.is_empty() {
        true => Ok(trimmed),
        false => Err(AppError::InvalidFields(errors)),
    }
}

/// Adds a name with its owner's statement, accepted by `operator` now, and puts it in use at
/// `level` (a name set there is replaced by a new one at most once per 30 days). It waits for the
/// installation's operator's authorisation; the statement is e-mailed by the server.
pub async fn add(
    db: &Db,
    operator: &Operator,
    name: &str,
    level: Level,
    statement: &Statement,
    accepted: bool,
    now: i64,
) -> Result<i64> {
    let name = sms::sender::check_sender_name(name)
        .map_err(|e| AppError::invalid(Field::SenderName, Problem::SenderName(e)))?;
    let statement = check_statement(statement)?;
    if !accepted {
        return Err(AppError::invalid(Field::Statement, Problem::Required));
    }
    let mut tx = db.begin_write().await?;
    let (current, replaced) = at_level(&mut tx, operator, level).await?;
    if let (Some(_), Some(at)) = (current, replaced) {
        if now < at + REPLACE_EVERY_MS {
            let from = local_time(at + REPLACE_EVERY_MS);
            return Err(AppError::invalid(
                Field::SenderName,
                Problem::TooSoon { from },
            ));
        }
    }
    let key = sms::sender::sender_name_key(&name);
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM sender_names WHERE name_key = $1")
        .bind(&key)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(AppError::invalid(Field::SenderName, Problem::NameTaken));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sender_names (account_id, name, name_key, status, owner_name, owner_address, \
                                   owner_nip, accepted_by, accepted_at) \
         VALUES ($1, $2, $3, 'pending', $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(operator.account_id)
    .bind(&name)
    .bind(&key)
    .bind(&statement.owner_name)
    .bind(&statement.owner_address)
    .bind(&statement.owner_nip)
    .bind(operator.id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    set_in_use(&mut tx, operator, level, Some(id), Some(now)).await?;
    tx.commit().await?;
    tracing::info!(
        operator_id = operator.id,
        sender_name_id = id,
        "sender name added"
    );
    Ok(id)
}

/// Puts another of the account's names in use at `level` (`None`: at company level, the
/// account's name again; at account level, the connection's number). No authorisation anew
/// and no 30-day wait: the name was authorised (or is waiting) already.
pub async fn choose(db: &Db, operator: &Operator, level: Level, id: Option<i64>) -> Result<()> {
    let mut tx = db.begin_write().await?;
    if let Some(id) = id {
        let ours: Option<i64> =
            sqlx::query_scalar("SELECT id FROM sender_names WHERE id = $1 AND account_id = $2")
                .bind(id)
                .bind(operator.account_id)
                .fetch_optional(&mut *tx)
                .await?;
        ours.ok_or(AppError::NotFound)?;
    }
    let (_, replaced) = at_level(&mut tx, operator, level).await?;
    set_in_use(&mut tx, operator, level, id, replaced).await?;
    tx.commit().await?;
    Ok(())
}

async fn at_level(
    conn: &mut AnyConnection,
    operator: &Operator,
    level: Level,
) -> Result<(Option<i64>, Option<i64>)> {
    let (sql, id) = match level {
        Level::Account => (
            "SELECT sender_name_id, sender_name_replaced_at FROM accounts WHERE id = $1",
            operator.account_id,
        ),
        Level::Company => (
            "SELECT sender_name_id, sender_name_replaced_at FROM companies WHERE id = $1",
            operator.company_id,
        ),
    };
    Ok(sqlx::query_as(sql).bind(id).fetch_one(conn).await?)
}

async fn set_in_use(
    conn: &mut AnyConnection,
    operator: &Operator,
    level: Level,
    name_id: Option<i64>,
    replaced_at: Option<i64>,
) -> Result<()> {
    let (sql, id) = match level {
        Level::Account => (
            "UPDATE accounts SET sender_name_id = $1, sender_name_replaced_at = $2 WHERE id = $3",
            operator.account_id,
        ),
        Level::Company => (
            "UPDATE companies SET sender_name_id = $1, sender_name_replaced_at = $2 WHERE id = $3",
            operator.company_id,
        ),
    };
    sqlx::query(sql)
        .bind(name_id)
        .bind(replaced_at)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The name in use for a company: its own, or its account's, and whether it is authorised;
/// `None` for the connection's number.
pub async fn in_use(conn: &mut AnyConnection, company_id: i64) -> Result<Option<(String, bool)>> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT n.name, n.status FROM companies c JOIN accounts a ON a.id = c.account_id \
         JOIN sender_names n ON n.id = COALESCE(c.sender_name_id, a.sender_name_id) \
         WHERE c.id = $1",
    )
    .bind(company_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(name, status)| (name, status == "authorised")))
}

/// The name a company's messages go with (`in_use`); a name still waiting for authorisation
/// cannot be sent with.
pub async fn sender_of(conn: &mut AnyConnection, company_id: i64) -> Result<Option<String>> {
    match in_use(conn, company_id).await? {
        None => Ok(None),
        Some((name, true)) => Ok(Some(name)),
        Some((name, false)) => {
            tracing::debug!(name, "sender name not authorised yet");
            Err(AppError::invalid(Field::SenderName, Problem::NotAuthorised))
        }
    }
}

/// The installation's operator authorises a name (by its text, any case); false when there is
/// no such name waiting.
pub async fn authorise(db: &Db, name: &str, now: i64) -> Result<bool> {
    let key = sms::sender::sender_name_key(name);
    let done = sqlx::query(
        "UPDATE sender_names SET status = 'authorised', authorised_at = $1 \
         WHERE name_key = $2 AND status = 'pending'",
    )
    .bind(now)
    .bind(key)
    .execute(&db.pool)
    .await?
    .rows_affected();
    Ok(done > 0)
}

/// A name's statement to e-mail: to the gateway operator, a copy to who accepted it.
#[derive(Debug, Clone)]
pub struct StatementMail {
    pub id: i64,
    pub name: String,
    pub statement: Statement,
    pub accepted_by: String,
    pub accepted_by_email: String,
    pub accepted_at: i64,
}

/// Marks the statements not yet e-mailed as sent and returns them (each goes once, from
/// whichever server marks it; `unclaim_statement` if the mail could not go).
pub async fn claim_statements(db: &Db, now: i64) -> Result<Vec<StatementMail>> {
    let claimed: Vec<(i64,)> = sqlx::query_as(
        "UPDATE sender_names SET statement_sent_at = $1 WHERE statement_sent_at IS NULL \
         RETURNING id",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    let mut mails = Vec::new();
    for (id,) in claimed {
        let row: (String, String, String, String, String, String, i64) = sqlx::query_as(
            "SELECT n.name, n.owner_name, n.owner_address, n.owner_nip, o.name, o.email, \
                    n.accepted_at \
             FROM sender_names n JOIN operators o ON o.id = n.accepted_by WHERE n.id = $1",
        )
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
        mails.push(StatementMail {
            id,
            name: row.0,
            statement: Statement {
                owner_name: row.1,
                owner_address: row.2,
                owner_nip: row.3,
            },
            accepted_by: row.4,
            accepted_by_email: row.5,
            accepted_at: row.6,
        });
    }
    Ok(mails)
}

pub async fn unclaim_statement(db: &Db, id: i64) -> Result<()> {
    sqlx::query("UPDATE sender_names SET statement_sent_at = NULL WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The names waiting for authorisation: name, owner, NIP.
pub async fn pending(db: &Db) -> Result<Vec<(String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT name, owner_name, owner_nip FROM sender_names WHERE status = 'pending' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?)
}
