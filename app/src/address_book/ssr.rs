//! Address book storage. Every query is scoped to the company; writes take the caller's
//! connection so a batch (the ERP's upserts, a CSV import) commits or fails as a whole.

use std::collections::BTreeMap;

use sqlx::any::AnyArguments;
use sqlx::query::QueryScalar;
use sqlx::{Any, AnyConnection};

use crate::input::fold_for_search;

use super::{
    NotificationNumber, Removal, RepresentativeInput, RepresentativeSummary, SubjectDetail,
    SubjectInput, SubjectKind, SubjectPage, SubjectQuery, SubjectSummary, ValidSubject, MAX_PAGE,
    PAGE,
};
use crate::error::{AppError, Field, FieldError, Problem, Result};
use crate::layout::Paged;
use crate::ssr::{contains_pattern, now_ms, search_words, Backend, Db};

/// Shared with documents and tasks, which the ERP upserts the same way.
pub use crate::ssr::Upsert;

#[derive(sqlx::FromRow)]
struct SubjectRow {
    id: i64,
    kind: String,
    code: String,
    name: String,
    sms_phone: Option<String>,
    email: Option<String>,
    address: String,
    notes: String,
    nip: String,
    is_owner: i64,
    notifications_enabled: i64,
    active: i64,
    external_id: Option<String>,
    attributes: String,
}

const SUBJECT_COLUMNS: &str = "id, kind, code, name, sms_phone, email, address, notes, nip, \
     is_owner, notifications_enabled, active, external_id, attributes";

#[derive(sqlx::FromRow)]
struct RepresentativeRow {
    id: i64,
    subject_id: i64,
    external_id: Option<String>,
    name: String,
    role: String,
    sms_phone: Option<String>,
    email: Option<String>,
    active: i64,
}

const REPRESENTATIVE_COLUMNS: &str =
    "id, subject_id, external_id, name, role, sms_phone, email, active";

fn kind_of(value: &str) -> SubjectKind {
    SubjectKind::parse(value).unwrap_or(SubjectKind::Contractor)
}

/// Subjects SQLite looks at in name order before it asks the trigram index (see `search`).
const NAME_ORDER_WINDOW: u32 = 2000;

/// How `search` finds the matching subjects; all three give the same rows.
#[derive(Clone, Copy)]
enum Plan {
    /// Every subject of the company in name order, each tested: fast when the page fills early.
    NameOrder,
    /// Only the first `NAME_ORDER_WINDOW` subjects in name order: at most that much work.
    Window,
    /// The subjects SQLite's trigram index (FTS5) finds for the words of three letters or more,
    /// then tested and sorted: work grows with the matches, not with the address book.
    Trigrams,
}

/// A page of subjects matching the query, ordered by name, with their representatives.
pub async fn search(db: &Db, company_id: i64, query: &SubjectQuery) -> Result<SubjectPage> {
    let limit = match query.limit {
        0 => PAGE,
        n => n.min(MAX_PAGE),
    };
    crate::input::search_query(&query.q)?;
    let words = search_words(&query.q);
    let page = |plan| search_rows(db, company_id, query, &words, plan, limit);
    let rows = match db.backend {
        // PostgreSQL's planner picks the name index or the trigram index (pg_trgm) itself.
        Backend::Postgres => page(Plan::NameOrder).await?,
        Backend::Sqlite if words.is_empty() => page(Plan::NameOrder).await?,
        // SQLite's planner cannot tell a common word from a rare one. A common word fills the
        // page within the first subjects in name order; when the window does not fill it (a
        // rare word), the trigram index has few matches to sort.
        Backend::Sqlite => {
            let rows = page(Plan::Window).await?;
            if rows.len() > limit as usize {
                rows
            } else {
                page(Plan::Trigrams).await?
            }
        }
    };
    let Paged { rows, has_more } = Paged::of(rows, limit);

    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut representatives = representatives_of(db, &ids, query.include_inactive).await?;
    let rows = rows
        .into_iter()
        .map(|row| SubjectSummary {
            representatives: representatives.remove(&row.id).unwrap_or_default(),
            id: row.id,
            external_id: row.external_id,
            kind: kind_of(&row.kind),
            code: row.code,
            name: row.name,
            sms_phone: row.sms_phone.unwrap_or_default(),
            email: row.email.unwrap_or_default(),
            is_owner: row.is_owner != 0,
            active: row.active != 0,
        })
        .collect();
    Ok(Paged { rows, has_more })
}

/// One page (and one row more, to tell whether there are more) of the query's subjects.
async fn search_rows(
    db: &Db,
    company_id: i64,
    query: &SubjectQuery,
    words: &[String],
    plan: Plan,
    limit: u32,
) -> Result<Vec<SubjectRow>> {
    // $1 is the company; `texts` are bound as $2, $3, …, then the limit and the offset.
    let mut texts = Vec::new();
    let mut param = |value: String| {
        texts.push(value);
        format!("${}", texts.len() + 1)
    };
    // Filters left out rather than bound as "any": the planners then see a plain `kind = $2`
    // and can use the (company, kind, name) index.
    let mut filter = "company_id = $1".to_string();
    if let Some(kind) = query.kind {
        filter.push_str(&format!(" AND kind = {}", param(kind.as_str().into())));
    }
    if !query.include_inactive {
        filter.push_str(" AND active = 1");
    }
    // The LIKEs decide what matches on every plan; the trigram index only narrows the rows.
    let matches: String = words
        .iter()
        .map(|word| {
            format!(
                " AND search_text LIKE {} ESCAPE '\\'",
                param(contains_pattern(word))
            )
        })
        .collect();
    // Each word as an FTS5 string ("" escapes "), so it matches as a substring; shorter words
    // have no trigram.
    let trigrams: Vec<String> = words
        .iter()
        .filter(|word| word.chars().count() >= 3)
        .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect();
    let sql = match plan {
        Plan::Window => format!(
            "SELECT {SUBJECT_COLUMNS} FROM (SELECT {SUBJECT_COLUMNS}, sort_name, search_text \
             FROM subjects WHERE {filter} ORDER BY sort_name, id LIMIT {NAME_ORDER_WINDOW}) \
             AS candidates WHERE 1 = 1{matches}"
        ),
        // CROSS JOIN makes SQLite read the index's matches first; without statistics it would
        // rather walk the name index and look every subject up in the matches.
        Plan::Trigrams if !trigrams.is_empty() => format!(
            "SELECT {SUBJECT_COLUMNS} FROM (SELECT rowid AS found FROM subjects_search \
             WHERE subjects_search MATCH {}) AS matched CROSS JOIN subjects ON id = matched.found \
             WHERE {filter}{matches}",
            param(trigrams.join(" AND "))
        ),
        Plan::NameOrder | Plan::Trigrams => {
            format!("SELECT {SUBJECT_COLUMNS} FROM subjects WHERE {filter}{matches}")
        }
    };
    let sql = format!(
        "{sql} ORDER BY sort_name, id LIMIT ${} OFFSET ${}",
        texts.len() + 2,
        texts.len() + 3
    );
    // Not a prepared statement kept for reuse: PostgreSQL would switch to one generic plan for
    // all words after five runs, the trigram index for "lodz" too (7,000 matches to sort).
    let mut select = sqlx::query_as::<_, SubjectRow>(&sql)
        .persistent(false)
        .bind(company_id);
    for text in &texts {
        select = select.bind(text);
    }
    Ok(select
        .bind(i64::from(limit) + 1)
        .bind(i64::from(query.offset))
        .fetch_all(&db.pool)
        .await?)
}

async fn representatives_of(
    db: &Db,
    subject_ids: &[i64],
    include_inactive: bool,
) -> Result<BTreeMap<i64, Vec<RepresentativeSummary>>> {
    let mut by_subject: BTreeMap<i64, Vec<RepresentativeSummary>> = BTreeMap::new();
    if subject_ids.is_empty() {
        return Ok(by_subject);
    }
    // The ids come from our own query, so they can be written into the SQL as numbers.
    let list = subject_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let rows: Vec<RepresentativeRow> = sqlx::query_as(&format!(
        "SELECT {REPRESENTATIVE_COLUMNS} FROM representatives \
         WHERE subject_id IN ({list}) AND (active = 1 OR $1 = 1) ORDER BY name, id"
    ))
    .bind(i64::from(include_inactive))
    .fetch_all(&db.pool)
    .await?;
    for row in rows {
        by_subject
            .entry(row.subject_id)
            .or_default()
            .push(RepresentativeSummary {
                id: row.id,
                name: row.name,
                role: row.role,
                sms_phone: row.sms_phone.unwrap_or_default(),
                active: row.active != 0,
            });
    }
    Ok(by_subject)
}

/// One subject of the company, everything editable.
pub async fn get(conn: &mut AnyConnection, company_id: i64, id: i64) -> Result<SubjectDetail> {
    let row: SubjectRow = sqlx::query_as(&format!(
        "SELECT {SUBJECT_COLUMNS} FROM subjects WHERE id = $1 AND company_id = $2"
    ))
    .bind(id)
    .bind(company_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    detail(conn, row).await
}

/// One subject of the company by the ERP's id.
pub async fn get_by_external_id(
    conn: &mut AnyConnection,
    company_id: i64,
    external_id: &str,
) -> Result<Option<SubjectDetail>> {
    let row: Option<SubjectRow> = sqlx::query_as(&format!(
        "SELECT {SUBJECT_COLUMNS} FROM subjects WHERE company_id = $1 AND external_id = $2"
    ))
    .bind(company_id)
    .bind(external_id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok(Some(detail(conn, row).await?)),
        None => Ok(None),
    }
}

async fn detail(conn: &mut AnyConnection, row: SubjectRow) -> Result<SubjectDetail> {
    let kind = kind_of(&row.kind);
    let numbers: Vec<(String, String)> = sqlx::query_as(
        "SELECT country_code, phone FROM subject_notification_numbers \
         WHERE subject_id = $1 ORDER BY position",
    )
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?;
    let representatives = if kind == SubjectKind::Contractor {
        Some(stored_representatives(conn, row.id).await?)
    } else {
        None
    };
    let attributes = serde_json::from_str(&row.attributes).unwrap_or_default();
    Ok(SubjectDetail {
        id: row.id,
        subject: SubjectInput {
            kind,
            code: row.code,
            name: row.name,
            sms_phone: row.sms_phone.unwrap_or_default(),
            email: row.email.unwrap_or_default(),
            address: row.address,
            notes: row.notes,
            nip: row.nip,
            is_owner: row.is_owner != 0,
            notifications_enabled: row.notifications_enabled != 0,
            notification_numbers: numbers
                .into_iter()
                .map(|(country_code, phone)| NotificationNumber {
                    country_code,
                    phone,
                })
                .collect(),
            active: row.active != 0,
            external_id: row.external_id,
            attributes,
            representatives,
        },
    })
}

/// The subject's representatives as stored, in the order they were added.
async fn stored_representatives(
    conn: &mut AnyConnection,
    subject_id: i64,
) -> Result<Vec<RepresentativeInput>> {
    let rows: Vec<RepresentativeRow> = sqlx::query_as(&format!(
        "SELECT {REPRESENTATIVE_COLUMNS} FROM representatives WHERE subject_id = $1 ORDER BY id"
    ))
    .bind(subject_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RepresentativeInput {
            id: Some(r.id),
            external_id: r.external_id,
            name: r.name,
            role: r.role,
            sms_phone: r.sms_phone.unwrap_or_default(),
            email: r.email.unwrap_or_default(),
            active: r.active != 0,
        })
        .collect())
}

/// Adds a subject (`id` None) or changes the company's subject `id`. Returns its id.
pub async fn save(
    conn: &mut AnyConnection,
    company_id: i64,
    id: Option<i64>,
    subject: &ValidSubject,
) -> Result<i64> {
    let ValidSubject(subject) = subject;
    check_code_free(conn, company_id, id, subject).await?;
    if let Some(external_id) = &subject.external_id {
        let owner: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM subjects WHERE company_id = $1 AND external_id = $2",
        )
        .bind(company_id)
        .bind(external_id)
        .fetch_optional(&mut *conn)
        .await?;
        if owner.is_some() && owner != id {
            return Err(AppError::InvalidFields(vec![FieldError::new(
                Field::ExternalId,
                Problem::CodeTaken,
            )]));
        }
    }
    let attributes = serde_json::to_string(&subject.attributes).map_err(|e| {
        tracing::error!(error = %e, "attributes to JSON");
        AppError::Internal
    })?;
    // Representatives left out of the input stay as stored, and still belong in the search text.
    let kept = match (id, &subject.representatives) {
        (Some(id), None) if subject.kind == SubjectKind::Contractor => {
            stored_representatives(conn, id).await?
        }
        _ => Vec::new(),
    };
    let search_text = search_text(subject, subject.representatives.as_deref().unwrap_or(&kept));
    let new = id.is_none();
    // Both statements take the subject's fields as $1..$16, in `bind_fields` order.
    let id = match id {
        None => bind_fields(
            sqlx::query_scalar(
                "INSERT INTO subjects (kind, code, name, sms_phone, email, address, notes, nip, \
                     is_owner, notifications_enabled, active, external_id, attributes, search_text, \
                     sort_name, updated_at, created_at, company_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                     $16, $17) RETURNING id",
            ),
            subject,
            attributes,
            search_text,
        )
        .bind(company_id)
        .fetch_one(&mut *conn)
        .await?,
        Some(id) => bind_fields(
            sqlx::query_scalar(
                "UPDATE subjects SET kind = $1, code = $2, name = $3, sms_phone = $4, email = $5, \
                     address = $6, notes = $7, nip = $8, is_owner = $9, notifications_enabled = $10, \
                     active = $11, external_id = $12, attributes = $13, search_text = $14, \
                     sort_name = $15, updated_at = $16 \
                 WHERE id = $17 AND company_id = $18 RETURNING id",
            ),
            subject,
            attributes,
            search_text,
        )
        .bind(id)
        .bind(company_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?,
    };
    save_notification_numbers(conn, id, new, &subject.notification_numbers).await?;
    if let Some(representatives) = &subject.representatives {
        save_representatives(conn, id, new, representatives).await?;
    }
    Ok(id)
}

/// Creates or changes the subject the ERP knows by the subject's `external_id`; the same
/// request twice writes nothing the second time.
pub async fn upsert_by_external_id(
    conn: &mut AnyConnection,
    company_id: i64,
    subject: &ValidSubject,
) -> Result<(i64, Upsert)> {
    let Some(external_id) = &subject.0.external_id else {
        return Err(AppError::InvalidFields(vec![FieldError::new(
            Field::ExternalId,
            Problem::Required,
        )]));
    };
    match get_by_external_id(conn, company_id, external_id).await? {
        None => Ok((
            save(conn, company_id, None, subject).await?,
            Upsert::Created,
        )),
        Some(stored) if same_content(&stored.subject, &subject.0) => {
            Ok((stored.id, Upsert::Unchanged))
        }
        Some(stored) => {
            let with_ids = match_representatives(&stored.subject, &subject.0);
            save(conn, company_id, Some(stored.id), &ValidSubject(with_ids)).await?;
            Ok((stored.id, Upsert::Updated))
        }
    }
}

/// Whether storing `new` over `stored` would change nothing. Representatives are compared
/// without our ids (the ERP does not know them); `None` leaves them as they are.
fn same_content(stored: &SubjectInput, new: &SubjectInput) -> bool {
    let without_ids = |list: &Option<Vec<RepresentativeInput>>| {
        list.as_ref().map(|list| {
            list.iter()
                .map(|r| RepresentativeInput {
                    id: None,
                    ..r.clone()
                })
                .collect::<Vec<_>>()
        })
    };
    let representatives_same = new.representatives.is_none()
        || without_ids(&stored.representatives) == without_ids(&new.representatives);
    SubjectInput {
        representatives: None,
        ..stored.clone()
    } == SubjectInput {
        representatives: None,
        ..new.clone()
    } && representatives_same
}

/// The ERP names representatives by its own ids; give them ours so they are updated in place.
fn match_representatives(stored: &SubjectInput, new: &SubjectInput) -> SubjectInput {
    let mut new = new.clone();
    if let (Some(stored), Some(list)) = (&stored.representatives, &mut new.representatives) {
        for representative in list.iter_mut().filter(|r| r.id.is_none()) {
            representative.id = stored
                .iter()
                .find(|s| s.external_id.is_some() && s.external_id == representative.external_id)
                .and_then(|s| s.id);
        }
    }
    new
}

async fn check_code_free(
    conn: &mut AnyConnection,
    company_id: i64,
    id: Option<i64>,
    subject: &SubjectInput,
) -> Result<()> {
    let owner: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM subjects WHERE company_id = $1 AND kind = $2 AND code = $3",
    )
    .bind(company_id)
    .bind(subject.kind.as_str())
    .bind(&subject.code)
    .fetch_optional(&mut *conn)
    .await?;
    if owner.is_some() && owner != id {
        return Err(AppError::InvalidFields(vec![FieldError::new(
            Field::Code,
            Problem::CodeTaken,
        )]));
    }
    Ok(())
}

type SubjectScalar<'q> = QueryScalar<'q, Any, i64, AnyArguments<'q>>;

/// Binds the stored fields of a subject, as $1..$16 of `save`'s statements.
fn bind_fields<'q>(
    query: SubjectScalar<'q>,
    subject: &'q SubjectInput,
    attributes: String,
    search_text: String,
) -> SubjectScalar<'q> {
    query
        .bind(subject.kind.as_str())
        .bind(&subject.code)
        .bind(&subject.name)
        .bind(none_if_empty(&subject.sms_phone))
        .bind(none_if_empty(&subject.email))
        .bind(&subject.address)
        .bind(&subject.notes)
        .bind(&subject.nip)
        .bind(i64::from(subject.is_owner))
        .bind(i64::from(subject.notifications_enabled))
        .bind(i64::from(subject.active))
        .bind(subject.external_id.as_deref())
        .bind(attributes)
        .bind(search_text)
        .bind(fold_for_search(&subject.name))
        .bind(now_ms())
}

fn none_if_empty(value: &str) -> Option<&str> {
    (!value.is_empty()).then_some(value)
}

/// Makes the subject's notification numbers the given list; `new`: the subject was just added.
async fn save_notification_numbers(
    conn: &mut AnyConnection,
    subject_id: i64,
    new: bool,
    numbers: &[NotificationNumber],
) -> Result<()> {
    // A new subject has none to clear: a round trip less per row of an import.
    if !new {
        sqlx::query("DELETE FROM subject_notification_numbers WHERE subject_id = $1")
            .bind(subject_id)
            .execute(&mut *conn)
            .await?;
    }
    let mut seen = Vec::new();
    for (position, number) in numbers.iter().enumerate() {
        // The same number twice is one number.
        if seen.contains(&&number.phone) {
            continue;
        }
        seen.push(&number.phone);
        sqlx::query(
            "INSERT INTO subject_notification_numbers (subject_id, country_code, phone, position) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(subject_id)
        .bind(&number.country_code)
        .bind(&number.phone)
        .bind(position as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Makes the subject's representatives the given list: known ids are updated, new ones
/// inserted, those left out deleted, or deactivated when messages were sent to them; `new`: the
/// subject was just added.
async fn save_representatives(
    conn: &mut AnyConnection,
    subject_id: i64,
    new: bool,
    representatives: &[RepresentativeInput],
) -> Result<()> {
    // A new subject has none stored: a round trip less per row of an import.
    let stored: Vec<i64> = if new {
        Vec::new()
    } else {
        sqlx::query_scalar("SELECT id FROM representatives WHERE subject_id = $1")
            .bind(subject_id)
            .fetch_all(&mut *conn)
            .await?
    };
    let mut kept = Vec::new();
    for representative in representatives {
        let known = representative.id.filter(|id| stored.contains(id));
        let id: i64 =
            match known {
                Some(id) => {
                    sqlx::query_scalar(
                        "UPDATE representatives SET external_id = $1, name = $2, role = $3, \
                     sms_phone = $4, email = $5, active = $6 WHERE id = $7 RETURNING id",
                    )
                    .bind(representative.external_id.as_deref())
                    .bind(&representative.name)
                    .bind(&representative.role)
                    .bind(none_if_empty(&representative.sms_phone))
                    .bind(none_if_empty(&representative.email))
                    .bind(i64::from(representative.active))
                    .bind(id)
                    .fetch_one(&mut *conn)
                    .await?
                }
                None => sqlx::query_scalar(
                    "INSERT INTO representatives (subject_id, external_id, name, role, sms_phone, \
                     email, active) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(subject_id)
                .bind(representative.external_id.as_deref())
                .bind(&representative.name)
                .bind(&representative.role)
                .bind(none_if_empty(&representative.sms_phone))
                .bind(none_if_empty(&representative.email))
                .bind(i64::from(representative.active))
                .fetch_one(&mut *conn)
                .await?,
            };
        kept.push(id);
    }
    for id in stored.into_iter().filter(|id| !kept.contains(id)) {
        let used: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE representative_id = $1")
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
        let sql = if used > 0 {
            "UPDATE representatives SET active = 0 WHERE id = $1"
        } else {
            "DELETE FROM representatives WHERE id = $1"
        };
        sqlx::query(sql).bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The folded text search looks in: the subject's code, name, phone digits, e-mail and NIP,
/// and its representatives' names and phones.
fn search_text(subject: &SubjectInput, representatives: &[RepresentativeInput]) -> String {
    let mut parts = vec![
        subject.code.clone(),
        subject.name.clone(),
        subject.sms_phone.trim_start_matches('+').to_string(),
        subject.email.clone(),
        subject.nip.clone(),
    ];
    for representative in representatives {
        parts.push(representative.name.clone());
        parts.push(representative.sms_phone.trim_start_matches('+').to_string());
    }
    fold_for_search(&parts.join(" "))
}

/// Deletes the company's subject `id`, or deactivates it if anything refers to it.
pub async fn remove(conn: &mut AnyConnection, company_id: i64, id: i64) -> Result<Removal> {
    let references: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM messages WHERE subject_id = $1) \
              + (SELECT COUNT(*) FROM documents WHERE subject_id = $1) \
              + (SELECT COUNT(*) FROM tasks WHERE subject_id = $1) \
              + (SELECT COUNT(*) FROM incoming_messages WHERE subject_id = $1) \
              + (SELECT COUNT(*) FROM messages m JOIN representatives r \
                     ON r.id = m.representative_id WHERE r.subject_id = $1) \
         FROM subjects WHERE id = $1 AND company_id = $2",
    )
    .bind(id)
    .bind(company_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    if references > 0 {
        sqlx::query("UPDATE subjects SET active = 0, updated_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(Removal::Deactivated)
    } else {
        sqlx::query("DELETE FROM subjects WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(Removal::Deleted)
    }
}
