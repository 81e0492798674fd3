//! Companies and operators of an account. Ids from the browser are always checked against the
//! administrator's account, so nothing of another account can be read or changed.

use super::{Company, CompanyInput, OperatorInput, OperatorRow, Role, SendingRules};
use crate::auth::ssr::{hash_password, Operator};
use crate::error::{AppError, Field, FieldError, Problem, Result};
use crate::ssr::{now_ms, Db};
use sms::quiet::QuietHours;

#[derive(sqlx::FromRow)]
struct CompanyRow {
    id: i64,
    name: String,
    stamp_name: String,
    stamp_address: String,
    stamp_nip: String,
    quiet_from: i64,
    quiet_to: i64,
    quiet_days: i64,
    opt_out_everything: i64,
    opt_out_words: String,
}

impl From<CompanyRow> for Company {
    fn from(row: CompanyRow) -> Self {
        let quiet = QuietHours {
            from: row.quiet_from as u16,
            to: row.quiet_to as u16,
            days: row.quiet_days as u8,
        };
        Company {
            id: row.id,
            name: row.name,
            stamp_name: row.stamp_name,
            stamp_address: row.stamp_address,
            stamp_nip: row.stamp_nip,
            rules: SendingRules::from_quiet_hours(
                quiet,
                row.opt_out_everything == 1,
                row.opt_out_words,
            ),
        }
    }
}

const COMPANY_COLUMNS: &str = "c.id, c.name, c.stamp_name, c.stamp_address, c.stamp_nip, \
     c.quiet_from, c.quiet_to, c.quiet_days, c.opt_out_everything, c.opt_out_words";

pub async fn companies(db: &Db, account_id: i64) -> Result<Vec<Company>> {
    let rows: Vec<CompanyRow> = sqlx::query_as(&format!(
        "SELECT {COMPANY_COLUMNS} FROM companies c WHERE c.account_id = $1 ORDER BY c.name, c.id"
    ))
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(Company::from).collect())
}

/// The companies an operator may use.
pub async fn companies_of(db: &Db, operator: &Operator) -> Result<Vec<Company>> {
    let rows: Vec<CompanyRow> = sqlx::query_as(&format!(
        "SELECT {COMPANY_COLUMNS} FROM companies c \
         JOIN operator_companies oc ON oc.company_id = c.id \
         WHERE oc.operator_id = $1 AND c.account_id = $2 ORDER BY c.name, c.id"
    ))
    .bind(operator.id)
    .bind(operator.account_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(Company::from).collect())
}

/// Adds a company (its creator may use it at once) or changes one of the account's.
pub async fn save_company(
    db: &Db,
    admin: &Operator,
    id: Option<i64>,
    company: &CompanyInput,
) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let id = match id {
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO companies (account_id, name, stamp_name, stamp_address, stamp_nip, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(admin.account_id)
            .bind(&company.name)
            .bind(&company.stamp_name)
            .bind(&company.stamp_address)
            .bind(&company.stamp_nip)
            .bind(now_ms())
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO operator_companies (operator_id, company_id) VALUES ($1, $2)")
                .bind(admin.id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        }
        Some(id) => sqlx::query_scalar(
            "UPDATE companies SET name = $1, stamp_name = $2, stamp_address = $3, stamp_nip = $4 \
             WHERE id = $5 AND account_id = $6 RETURNING id",
        )
        .bind(&company.name)
        .bind(&company.stamp_name)
        .bind(&company.stamp_address)
        .bind(&company.stamp_nip)
        .bind(id)
        .bind(admin.account_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?,
    };
    // Checked by `check_company`.
    let quiet = company
        .rules
        .quiet_hours()
        .map_err(AppError::InvalidFields)?;
    sqlx::query(
        "UPDATE companies SET quiet_from = $1, quiet_to = $2, quiet_days = $3, \
                              opt_out_everything = $4, opt_out_words = $5 WHERE id = $6",
    )
    .bind(i64::from(quiet.from))
    .bind(i64::from(quiet.to))
    .bind(i64::from(quiet.days))
    .bind(i64::from(company.rules.opt_out_everything))
    .bind(&company.rules.opt_out_words)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(company_id = id, operator_id = admin.id, "company saved");
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct OperatorDbRow {
    id: i64,
    login: String,
    name: String,
    email: String,
    sms_phone: String,
    role: String,
    active: i64,
    sessions: i64,
}

pub async fn operators(db: &Db, account_id: i64) -> Result<Vec<OperatorRow>> {
    let rows: Vec<OperatorDbRow> = sqlx::query_as(
        "SELECT o.id, o.login, o.name, o.email, o.sms_phone, o.role, o.active, \
                (SELECT COUNT(*) FROM sessions s WHERE s.operator_id = o.id AND s.expires_at > $2) \
                    AS sessions \
         FROM operators o WHERE o.account_id = $1 ORDER BY o.name, o.id",
    )
    .bind(account_id)
    .bind(now_ms())
    .fetch_all(&db.pool)
    .await?;
    let links: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT oc.operator_id, oc.company_id FROM operator_companies oc \
         JOIN operators o ON o.id = oc.operator_id WHERE o.account_id = $1",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| OperatorRow {
            company_ids: links
                .iter()
                .filter(|(operator, _)| *operator == row.id)
                .map(|(_, company)| *company)
                .collect(),
            id: row.id,
            login: row.login,
            name: row.name,
            email: row.email,
            sms_phone: row.sms_phone,
            role: Role::parse(&row.role).unwrap_or(Role::Operator),
            active: row.active != 0,
            sessions: row.sessions,
        })
        .collect())
}

/// Adds or changes an operator of the administrator's account. An administrator cannot
/// deactivate themself or take away their own administrator role (someone must remain able to
/// administer). Deactivating an operator ends their sessions.
pub async fn save_operator(
    db: &Db,
    admin: &Operator,
    id: Option<i64>,
    operator: OperatorInput,
) -> Result<i64> {
    if id == Some(admin.id) && (!operator.active || operator.role != Role::Administrator) {
        return Err(AppError::InvalidFields(vec![FieldError::new(
            Field::Role,
            Problem::CannotLockYourselfOut,
        )]));
    }
    let password_hash = match operator.password.is_empty() {
        true => None,
        false => Some(hash_password(operator.password.clone()).await?),
    };
    let mut tx = db.begin_write().await?;
    let account_companies: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM companies WHERE account_id = $1")
            .bind(admin.account_id)
            .fetch_all(&mut *tx)
            .await?;
    if operator
        .company_ids
        .iter()
        .any(|c| !account_companies.contains(c))
    {
        return Err(AppError::NotFound);
    }
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM operators WHERE login = $1")
        .bind(&operator.login)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() && taken != id {
        return Err(AppError::InvalidFields(vec![FieldError::new(
            Field::Login,
            Problem::LoginTaken,
        )]));
    }
    let id: i64 = match id {
        None => sqlx::query_scalar(
            "INSERT INTO operators (account_id, login, name, email, role, password_hash, active, \
                 created_at, sms_phone) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(admin.account_id)
        .bind(&operator.login)
        .bind(&operator.name)
        .bind(&operator.email)
        .bind(operator.role.as_str())
        .bind(password_hash.clone().unwrap_or_default())
        .bind(i64::from(operator.active))
        .bind(now_ms())
        .bind(&operator.sms_phone)
        .fetch_one(&mut *tx)
        .await?,
        Some(id) => sqlx::query_scalar(
            "UPDATE operators SET login = $1, name = $2, email = $3, role = $4, active = $5, \
                 password_hash = COALESCE($6, password_hash), sms_phone = $9 \
             WHERE id = $7 AND account_id = $8 RETURNING id",
        )
        .bind(&operator.login)
        .bind(&operator.name)
        .bind(&operator.email)
        .bind(operator.role.as_str())
        .bind(i64::from(operator.active))
        .bind(password_hash.clone())
        .bind(id)
        .bind(admin.account_id)
        .bind(&operator.sms_phone)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?,
    };
    sqlx::query("DELETE FROM operator_companies WHERE operator_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for company_id in &operator.company_ids {
        sqlx::query("INSERT INTO operator_companies (operator_id, company_id) VALUES ($1, $2)")
            .bind(id)
            .bind(company_id)
            .execute(&mut *tx)
            .await?;
    }
    // Sessions in companies the operator may no longer use end, and all of them end when the
    // operator is deactivated or gets a new password.
    let company_list = operator
        .company_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let end_all = !operator.active || (password_hash.is_some() && id != admin.id);
    let condition = if end_all {
        String::new()
    } else {
        format!(" AND company_id NOT IN ({company_list})")
    };
    sqlx::query(&format!(
        "DELETE FROM sessions WHERE operator_id = $1{condition}"
    ))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(operator_id = id, by = admin.id, "operator saved");
    Ok(id)
}

/// Ends every session of an operator of the account. Returns how many ended.
pub async fn revoke_sessions(db: &Db, admin: &Operator, operator_id: i64) -> Result<u64> {
    // Another account's operator is as unknown as a missing one.
    sqlx::query_scalar::<_, i64>("SELECT id FROM operators WHERE id = $1 AND account_id = $2")
        .bind(operator_id)
        .bind(admin.account_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let result = sqlx::query(
        "DELETE FROM sessions WHERE operator_id = $1 \
         AND operator_id IN (SELECT id FROM operators WHERE account_id = $2)",
    )
    .bind(operator_id)
    .bind(admin.account_id)
    .execute(&db.pool)
    .await?;
    tracing::info!(
        operator_id,
        by = admin.id,
        ended = result.rows_affected(),
        "sessions revoked"
    );
    Ok(result.rows_affected())
}

/// Points the session at another company the operator may use.
pub async fn switch_company(
    db: &Db,
    operator: &Operator,
    token: &str,
    company_id: i64,
) -> Result<()> {
    let allowed = companies_of(db, operator)
        .await?
        .iter()
        .any(|c| c.id == company_id);
    if !allowed {
        return Err(AppError::NotFound);
    }
    crate::auth::ssr::move_session(db, token, company_id).await
}
