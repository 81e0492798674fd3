//! Task storage, scoped to a company; the host ERP writes by external id.

use sqlx::AnyConnection;

use super::{Task, ValidTask};
use crate::documents::ssr::subject_id_by_external_id;
use crate::error::{AppError, Field, FieldError, Problem, Result};
use crate::ssr::{by_external_id, now_ms, search_page, Db, Upsert};

/// The operator with this login who may work in the company (which also puts them in its
/// account).
async fn operator_id_by_login(
    conn: &mut AnyConnection,
    company_id: i64,
    login: &str,
) -> Result<i64> {
    sqlx::query_scalar(
        "SELECT o.id FROM operators o \
         JOIN operator_companies oc ON oc.operator_id = o.id AND oc.company_id = $1 \
         WHERE o.login = $2",
    )
    .bind(company_id)
    .bind(login)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| {
        AppError::InvalidFields(vec![FieldError::new(
            Field::OperatorLogin,
            Problem::UnknownOperator,
        )])
    })
}

#[derive(sqlx::FromRow, PartialEq)]
struct Stored {
    title: String,
    subject_id: Option<i64>,
    operator_id: Option<i64>,
    starts_at: i64,
    ends_at: Option<i64>,
    done: i64,
}

#[derive(sqlx::FromRow)]
struct StoredWithId {
    id: i64,
    #[sqlx(flatten)]
    fields: Stored,
}

/// Creates or updates the company's task with this external id, inside the caller's
/// transaction. Writes nothing when the stored task already equals `task`.
pub async fn upsert(
    conn: &mut AnyConnection,
    company_id: i64,
    external_id: &str,
    task: &ValidTask,
) -> Result<(i64, Upsert)> {
    let subject_id = match &task.subject_external_id {
        Some(subject) => Some(
            subject_id_by_external_id(&mut *conn, company_id, subject, Field::SubjectExternalId)
                .await?,
        ),
        None => None,
    };
    let operator_id = match &task.operator_login {
        Some(login) => Some(operator_id_by_login(&mut *conn, company_id, login).await?),
        None => None,
    };
    let wanted = Stored {
        title: task.title.clone(),
        subject_id,
        operator_id,
        starts_at: task.starts_at,
        ends_at: task.ends_at,
        done: task.done.into(),
    };
    let stored: Option<StoredWithId> = sqlx::query_as(
        "SELECT id, title, subject_id, operator_id, starts_at, ends_at, done \
         FROM tasks WHERE company_id = $1 AND external_id = $2",
    )
    .bind(company_id)
    .bind(external_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (upserted, sql) = match &stored {
        Some(stored) if stored.fields == wanted => return Ok((stored.id, Upsert::Unchanged)),
        Some(_) => (
            Upsert::Updated,
            "UPDATE tasks SET title = $3, subject_id = $4, operator_id = $5, starts_at = $6, \
                    ends_at = $7, done = $8, updated_at = $9 \
             WHERE company_id = $1 AND external_id = $2 RETURNING id",
        ),
        None => (
            Upsert::Created,
            "INSERT INTO tasks (company_id, external_id, title, subject_id, operator_id, \
                    starts_at, ends_at, done, updated_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        ),
    };
    let id = sqlx::query_scalar(sql)
        .bind(company_id)
        .bind(external_id)
        .bind(&wanted.title)
        .bind(wanted.subject_id)
        .bind(wanted.operator_id)
        .bind(wanted.starts_at)
        .bind(wanted.ends_at)
        .bind(wanted.done)
        .bind(now_ms())
        .fetch_one(&mut *conn)
        .await?;
    Ok((id, upserted))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    external_id: Option<String>,
    title: String,
    subject_external_id: Option<String>,
    operator_login: Option<String>,
    starts_at: i64,
    ends_at: Option<i64>,
    done: i64,
    updated_at: i64,
}

impl From<Row> for Task {
    fn from(row: Row) -> Self {
        Task {
            id: row.id,
            external_id: row.external_id,
            title: row.title,
            subject_external_id: row.subject_external_id,
            operator_login: row.operator_login,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            done: row.done != 0,
            updated_at: row.updated_at,
        }
    }
}

const SELECT: &str = "SELECT t.id, t.external_id, t.title, s.external_id AS subject_external_id, \
        o.login AS operator_login, t.starts_at, t.ends_at, t.done, t.updated_at \
     FROM tasks t \
     LEFT JOIN subjects s ON s.id = t.subject_id \
     LEFT JOIN operators o ON o.id = t.operator_id";

/// The company's tasks whose title or external id contains `query` (any case), latest start
/// first.
pub async fn list(
    db: &Db,
    company_id: i64,
    query: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Task>> {
    let select = format!(
        "{SELECT} WHERE t.company_id = $1 \
           AND (LOWER(t.title) LIKE $2 ESCAPE '\\' \
                OR LOWER(COALESCE(t.external_id, '')) LIKE $2 ESCAPE '\\') \
         ORDER BY t.starts_at DESC, t.id DESC LIMIT $3 OFFSET $4"
    );
    let rows: Vec<Row> = search_page(db, &select, company_id, query, limit, offset).await?;
    Ok(rows.into_iter().map(Task::from).collect())
}

pub async fn get(db: &Db, company_id: i64, external_id: &str) -> Result<Option<Task>> {
    let select = format!("{SELECT} WHERE t.company_id = $1 AND t.external_id = $2");
    let row: Option<Row> = by_external_id(db, &select, company_id, external_id).await?;
    Ok(row.map(Task::from))
}
