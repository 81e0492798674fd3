//! Document storage, scoped to a company; the host ERP writes by external id.

use sms::template::Context;
use sms::{Date, Money, Value};
use sqlx::AnyConnection;

use super::{
    Document, DocumentInput, DocumentKind, DocumentPage, DocumentQuery, ListedDocument, SubjectRef,
    ValidDocument,
};
use crate::error::{AppError, Field, FieldError, Problem, Result};
use crate::input::fold_for_search;
use crate::input::{attribute_text, parse_attributes};
use crate::layout::{Paged, PAGE};
use crate::ssr::{by_external_id, now_ms, Db, Upsert, WordSearch};

/// The id of the company's subject with this external id; an unknown one is the caller's
/// mistake in `field`, not a missing page.
pub async fn subject_id_by_external_id(
    conn: &mut AnyConnection,
    company_id: i64,
    external_id: &str,
    field: Field,
) -> Result<i64> {
    sqlx::query_scalar("SELECT id FROM subjects WHERE company_id = $1 AND external_id = $2")
        .bind(company_id)
        .bind(external_id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| {
            AppError::InvalidFields(vec![FieldError::new(field, Problem::UnknownSubject)])
        })
}

/// The stored fields an upsert may change, to tell whether it changes anything.
#[derive(sqlx::FromRow)]
struct Stored {
    id: i64,
    kind: String,
    number: String,
    issue_date: String,
    due_date: Option<String>,
    gross_amount: i64,
    left_to_pay: i64,
    currency: String,
    subject_id: Option<i64>,
    attributes: String,
}

impl Stored {
    fn equals(&self, doc: &DocumentInput, subject_id: Option<i64>) -> bool {
        self.kind == doc.kind.as_str()
            && self.number == doc.number
            && self.issue_date == doc.issue_date
            && self.due_date == doc.due_date
            && self.gross_amount == doc.gross_amount
            && self.left_to_pay == doc.left_to_pay
            && self.currency == doc.currency
            && self.subject_id == subject_id
            && parse_attributes(&self.attributes) == doc.attributes
    }
}

/// Creates or updates the company's document with this external id, inside the caller's
/// transaction. Writes nothing when the stored document already equals `doc`.
pub async fn upsert(
    conn: &mut AnyConnection,
    company_id: i64,
    external_id: &str,
    ValidDocument(doc): &ValidDocument,
) -> Result<(i64, Upsert)> {
    let subject_id = match &doc.subject_external_id {
        Some(subject) => Some(
            subject_id_by_external_id(&mut *conn, company_id, subject, Field::SubjectExternalId)
                .await?,
        ),
        None => None,
    };
    let stored: Option<Stored> = sqlx::query_as(
        "SELECT id, kind, number, issue_date, due_date, gross_amount, left_to_pay, currency, \
                subject_id, attributes \
         FROM documents WHERE company_id = $1 AND external_id = $2",
    )
    .bind(company_id)
    .bind(external_id)
    .fetch_optional(&mut *conn)
    .await?;
    let now = now_ms();
    let (upserted, sql) = match &stored {
        Some(stored) if stored.equals(doc, subject_id) => {
            return Ok((stored.id, Upsert::Unchanged))
        }
        Some(_) => (
            Upsert::Updated,
            "UPDATE documents SET kind = $3, number = $4, issue_date = $5, due_date = $6, \
                    gross_amount = $7, left_to_pay = $8, currency = $9, subject_id = $10, \
                    attributes = $11, updated_at = $12, search_text = $13 \
             WHERE company_id = $1 AND external_id = $2 RETURNING id",
        ),
        None => (
            Upsert::Created,
            "INSERT INTO documents (company_id, external_id, kind, number, issue_date, due_date, \
                    gross_amount, left_to_pay, currency, subject_id, attributes, updated_at, \
                    created_at, search_text) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13) RETURNING id",
        ),
    };
    let id = sqlx::query_scalar(sql)
        .bind(company_id)
        .bind(external_id)
        .bind(doc.kind.as_str())
        .bind(&doc.number)
        .bind(&doc.issue_date)
        .bind(&doc.due_date)
        .bind(doc.gross_amount)
        .bind(doc.left_to_pay)
        .bind(&doc.currency)
        .bind(subject_id)
        .bind(serde_json::Value::Object(doc.attributes.clone()).to_string())
        .bind(now)
        .bind(fold_for_search(&format!("{} {external_id}", doc.number)))
        .fetch_one(&mut *conn)
        .await?;
    Ok((id, upserted))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    external_id: Option<String>,
    kind: String,
    number: String,
    issue_date: String,
    due_date: Option<String>,
    gross_amount: i64,
    left_to_pay: i64,
    currency: String,
    subject_external_id: Option<String>,
    attributes: String,
    updated_at: i64,
    subject_id: Option<i64>,
    subject_code: Option<String>,
    subject_name: Option<String>,
}

impl From<Row> for ListedDocument {
    fn from(row: Row) -> Self {
        let subject = row.subject_id.map(|id| SubjectRef {
            id,
            code: row.subject_code.unwrap_or_default(),
            name: row.subject_name.unwrap_or_default(),
        });
        let document = Document {
            id: row.id,
            external_id: row.external_id,
            kind: DocumentKind::parse(&row.kind).unwrap_or(DocumentKind::Other),
            number: row.number,
            issue_date: row.issue_date,
            due_date: row.due_date,
            gross_amount: row.gross_amount,
            left_to_pay: row.left_to_pay,
            currency: row.currency,
            subject_external_id: row.subject_external_id,
            attributes: parse_attributes(&row.attributes),
            updated_at: row.updated_at,
        };
        ListedDocument { document, subject }
    }
}

const SELECT: &str = "SELECT d.id, d.external_id, d.kind, d.number, d.issue_date, d.due_date, \
        d.gross_amount, d.left_to_pay, d.currency, s.external_id AS subject_external_id, \
        d.attributes, d.updated_at, s.id AS subject_id, s.code AS subject_code, \
        s.name AS subject_name \
     FROM documents d LEFT JOIN subjects s ON s.id = d.subject_id";

/// A document is found by its number and external id and by its counterparty's code, name,
/// phone… (the address book's search text).
fn word_search(select: &str) -> WordSearch<'_> {
    WordSearch {
        select,
        fields: &["d.search_text", "COALESCE(s.search_text, '')"],
        order: "d.issue_date DESC, d.id DESC",
    }
}

/// One page of the company's documents, newest issue date first. Each word of the query must
/// be in the document's number or external id or in its counterparty's searchable text.
pub async fn search(db: &Db, company_id: i64, query: &DocumentQuery) -> Result<DocumentPage> {
    let limit = i64::from(PAGE) + 1;
    let rows = matching(db, company_id, query, limit, i64::from(query.offset)).await?;
    let rows = rows.into_iter().map(ListedDocument::from).collect();
    Ok(Paged::of(rows, PAGE))
}

/// The ids of the first `limit` documents `search` finds, in its order (a serial send to
/// every document matching the list's search).
pub async fn matching_ids(
    db: &Db,
    company_id: i64,
    query: &DocumentQuery,
    limit: i64,
) -> Result<Vec<i64>> {
    let rows = matching(db, company_id, query, limit, 0).await?;
    Ok(rows.into_iter().map(|row| row.id).collect())
}

async fn matching(
    db: &Db,
    company_id: i64,
    query: &DocumentQuery,
    limit: i64,
    offset: i64,
) -> Result<Vec<Row>> {
    crate::input::search_query(&query.q)?;
    let mut sql = format!("{SELECT} WHERE d.company_id = $1");
    if let Some(kind) = query.kind {
        sql.push_str(&format!(" AND d.kind = '{}'", kind.as_str()));
    }
    if query.unpaid {
        sql.push_str(" AND d.left_to_pay > 0");
    }
    Ok((word_search(&sql))
        .fetch(db, company_id, &query.q, limit, offset)
        .await?)
}

/// The company's documents matching `query` (as [`search`]), for the HTTP API.
pub async fn list(
    db: &Db,
    company_id: i64,
    query: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Document>> {
    let select = format!("{SELECT} WHERE d.company_id = $1");
    let rows: Vec<Row> = (word_search(&select))
        .fetch(db, company_id, query, limit, offset)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| ListedDocument::from(row).document)
        .collect())
}

pub async fn get(db: &Db, company_id: i64, external_id: &str) -> Result<Option<Document>> {
    let select = format!("{SELECT} WHERE d.company_id = $1 AND d.external_id = $2");
    let row: Option<Row> = by_external_id(db, &select, company_id, external_id).await?;
    Ok(row.map(|row| ListedDocument::from(row).document))
}

/// The company's document by our id (the composer fills macros from it).
pub async fn by_id(
    conn: &mut AnyConnection,
    company_id: i64,
    id: i64,
) -> Result<Option<ListedDocument>> {
    let row: Option<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE d.company_id = $1 AND d.id = $2"))
            .bind(company_id)
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(ListedDocument::from))
}

/// The document's macros: number, dates, amounts the Polish way, currency, each also by its path
/// (`{dokument.numer}`), and the ERP's own fields as `dokument.…` paths.
pub fn add_macro_values(context: &mut Context, document: &Document) {
    for (key, value) in &document.attributes {
        context.insert(format!("dokument.{key}"), attribute_text(value));
    }
    let money = |minor| Some(Value::Money(Money::new(minor, &document.currency)));
    let due_date = document.due_date.as_deref().and_then(Date::parse_iso);
    let fields = [
        (
            "numer_dokumentu",
            "numer",
            Some(Value::from(document.number.as_str())),
        ),
        (
            "data_wystawienia",
            "data_wystawienia",
            Date::parse_iso(&document.issue_date).map(Value::Date),
        ),
        (
            "termin_platnosci",
            "termin_platnosci",
            due_date.map(Value::Date),
        ),
        ("kwota_brutto", "kwota_brutto", money(document.gross_amount)),
        (
            "pozostalo_do_zaplaty",
            "pozostalo_do_zaplaty",
            money(document.left_to_pay),
        ),
        (
            "waluta",
            "waluta",
            Some(Value::from(document.currency.as_str())),
        ),
    ];
    for (name, path, value) in fields {
        if let Some(value) = value {
            context.insert(format!("dokument.{path}"), value.clone());
            context.insert(name, value);
        }
    }
}
