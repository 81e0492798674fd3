//! The four operations every kind of record offers the ERP, written once: upsert one by
//! external id, upsert a batch in one transaction, list with search and paging, get one.
//! Each kind (documents, tasks, subjects) says how it validates and stores in a `Record` impl.

use std::collections::HashSet;
use std::future::Future;

use app::address_book::ssr as address_book;
use app::address_book::{check_subject, SubjectInput, SubjectQuery, SubjectSummary, ValidSubject};
use app::error::{Field, FieldError, Result as AppResult};
use app::input;
use app::ssr::{AppState, Db, Upsert};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sqlx::AnyConnection;

use super::auth::{Company, ExternalId};
use super::error::ApiProblem;
use super::error::{from_value, not_an_object, parse_json};
use super::{ApiError, MAX_BATCH};

/// A kind of record the ERP upserts by external id.
pub trait Record: 'static {
    /// The name of one record in answers (`"document"`).
    const SINGULAR: &'static str;
    /// The body of a PUT; a batch item is the same with an `external_id` added.
    type Input: DeserializeOwned + Serialize + Send;
    type Valid: Send + Sync;
    /// One record, as GET and PUT answer it.
    type Output: Serialize + Send;
    /// One row of a list (subjects list in summary, with their representatives).
    type Listed: Serialize + Send;

    fn validate(external_id: &str, input: Self::Input) -> Result<Self::Valid, Vec<FieldError>>;

    /// Creates or updates inside the caller's transaction; `Unchanged` writes nothing.
    fn upsert(
        conn: &mut AnyConnection,
        company_id: i64,
        external_id: &str,
        valid: &Self::Valid,
    ) -> impl Future<Output = AppResult<Upsert>> + Send;

    fn get(
        db: &Db,
        company_id: i64,
        external_id: &str,
    ) -> impl Future<Output = AppResult<Option<Self::Output>>> + Send;

    fn list(
        db: &Db,
        company_id: i64,
        query: &str,
        limit: i64,
        offset: i64,
    ) -> impl Future<Output = AppResult<Vec<Self::Listed>>> + Send;
}

/// Documents and tasks: their modules have the same shape (`validate`, and `ssr::upsert`,
/// `get`, `list`), so one macro says how each is a `Record`.
macro_rules! stored_record {
    ($name:ident, $singular:literal, $module:ident, $input:ident, $valid:ident, $output:ident) => {
        pub struct $name;

        impl Record for $name {
            const SINGULAR: &'static str = $singular;
            type Input = app::$module::$input;
            type Valid = app::$module::$valid;
            type Output = app::$module::$output;
            type Listed = app::$module::$output;

            fn validate(_: &str, input: Self::Input) -> Result<Self::Valid, Vec<FieldError>> {
                app::$module::validate(&input)
            }

            async fn upsert(
                conn: &mut AnyConnection,
                company_id: i64,
                external_id: &str,
                valid: &Self::Valid,
            ) -> AppResult<Upsert> {
                let (_id, upserted) =
                    app::$module::ssr::upsert(conn, company_id, external_id, valid).await?;
                Ok(upserted)
            }

            async fn get(
                db: &Db,
                company_id: i64,
                external_id: &str,
            ) -> AppResult<Option<Self::Output>> {
                app::$module::ssr::get(db, company_id, external_id).await
            }

            async fn list(
                db: &Db,
                company_id: i64,
                query: &str,
                limit: i64,
                offset: i64,
            ) -> AppResult<Vec<Self::Output>> {
                app::$module::ssr::list(db, company_id, query, limit, offset).await
            }
        }
    };
}

stored_record!(
    Documents,
    "document",
    documents,
    DocumentInput,
    ValidDocument,
    Document
);
stored_record!(Tasks, "task", tasks, TaskInput, ValidTask, Task);

/// Subjects of the address book, with their representatives and notification numbers.
pub struct Subjects;

/// A subject as the API shows it: our id and everything the ERP can send.
#[derive(Serialize)]
pub struct SubjectOut {
    id: i64,
    #[serde(flatten)]
    subject: SubjectInput,
}

impl Record for Subjects {
    const SINGULAR: &'static str = "subject";
    type Input = SubjectInput;
    type Valid = ValidSubject;
    type Output = SubjectOut;
    type Listed = SubjectSummary;

    fn validate(external_id: &str, input: SubjectInput) -> Result<ValidSubject, Vec<FieldError>> {
        let input = SubjectInput {
            external_id: Some(external_id.to_string()),
            ..input
        };
        // The server's phone rule: libphonenumber, numbers that can receive SMS.
        check_subject(&input, app::phone::ssr::validate)
    }

    async fn upsert(
        conn: &mut AnyConnection,
        company_id: i64,
        _external_id: &str,
        valid: &ValidSubject,
    ) -> AppResult<Upsert> {
        let (_id, upserted) = address_book::upsert_by_external_id(conn, company_id, valid).await?;
        Ok(upserted)
    }

    async fn get(db: &Db, company_id: i64, external_id: &str) -> AppResult<Option<SubjectOut>> {
        let mut conn = db.pool.acquire().await?;
        let found = address_book::get_by_external_id(&mut conn, company_id, external_id).await?;
        Ok(found.map(|detail| SubjectOut {
            id: detail.id,
            subject: detail.subject,
        }))
    }

    async fn list(
        db: &Db,
        company_id: i64,
        query: &str,
        limit: i64,
        offset: i64,
    ) -> AppResult<Vec<SubjectSummary>> {
        let query = SubjectQuery {
            q: query.to_string(),
            kind: None,
            // The ERP keeps its own records in sync, inactive ones included.
            include_inactive: true,
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
            limit: u32::try_from(limit).unwrap_or(u32::MAX),
        };
        Ok(address_book::search(db, company_id, &query).await?.rows)
    }
}

/// The ERP's key of a record. White space around it is refused rather than trimmed: the
/// address book trims what it stores, and the key must read back exactly as it was sent.
fn check_external_id(external_id: &str) -> Result<(), ApiError> {
    let mut errors = vec![];
    input::external_id(&mut errors, Field::ExternalId, external_id);
    if !errors.is_empty() {
        Err(ApiError::fields(errors))
    } else if external_id.trim() != external_id {
        Err(ApiError::invalid(vec![ApiProblem::new(
            "external_id",
            "surrounding_whitespace",
            "must not start or end with white space",
        )]))
    } else {
        Ok(())
    }
}

/// `PUT …/{external_id}`: 201 when created, 200 when updated or unchanged, with the record.
pub async fn put_one<R: Record>(
    State(state): State<AppState>,
    company: Company,
    ExternalId(external_id): ExternalId,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    check_external_id(&external_id)?;
    let mut body: Value = parse_json(&body?)?;
    if body
        .as_object_mut()
        .and_then(|o| o.remove("external_id"))
        .is_some()
    {
        return Err(ApiError::invalid(vec![ApiProblem::new(
            "external_id",
            "unknown_field",
            "the external id is the last part of the URL, not a field of the body",
        )]));
    }
    let input = from_value(body)?;
    let valid = R::validate(&external_id, input).map_err(ApiError::fields)?;
    let mut tx = state.db.begin_write().await?;
    let upserted = R::upsert(&mut tx, company.id, &external_id, &valid).await?;
    tx.commit().await?;
    let record = R::get(&state.db, company.id, &external_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let status = match upserted {
        Upsert::Created => StatusCode::CREATED,
        Upsert::Updated | Upsert::Unchanged => StatusCode::OK,
    };
    let mut answer = Map::new();
    answer.insert("result".into(), upserted.as_str().into());
    answer.insert(R::SINGULAR.into(), json!(record));
    Ok((status, Json(answer)).into_response())
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    items: Vec<Value>,
}

#[derive(Serialize)]
struct ItemResult {
    external_id: String,
    result: &'static str,
}

/// Reads one batch item: its `external_id` and the rest as the kind's input, each problem
/// named as a field of `items[i]`.
fn batch_item<R: Record>(item: Value) -> Result<(String, R::Valid), ApiError> {
    let Value::Object(mut fields) = item else {
        return Err(not_an_object());
    };
    let external_id = match fields.remove("external_id") {
        Some(Value::String(id)) => id,
        None => {
            return Err(ApiError::invalid(vec![ApiProblem::new(
                "external_id",
                "required",
                "is required",
            )]))
        }
        Some(_) => {
            return Err(ApiError::invalid(vec![ApiProblem::new(
                "external_id",
                "invalid_type",
                "must be a string",
            )]))
        }
    };
    check_external_id(&external_id)?;
    let input = from_value(Value::Object(fields))?;
    let valid = R::validate(&external_id, input).map_err(ApiError::fields)?;
    Ok((external_id, valid))
}

/// `POST …:batch` with `{"items":[…]}`, at most 1,000: all items are checked first and any
/// problem refuses the whole batch (422, every problem listed); otherwise all are written in
/// one transaction, so a batch is applied completely or not at all.
pub async fn batch<R: Record>(
    State(state): State<AppState>,
    company: Company,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let Batch { items } = parse_json(&body?)?;
    if items.len() > MAX_BATCH {
        return Err(ApiError::invalid(vec![ApiProblem::new(
            "items",
            "too_many_items",
            format!(
                "at most {MAX_BATCH} items per request, this one has {}",
                items.len()
            ),
        )]));
    }
    let mut valid = Vec::with_capacity(items.len());
    let mut errors = vec![];
    let mut seen = HashSet::new();
    for (i, item) in items.into_iter().enumerate() {
        let prefix = format!("items[{i}]");
        match batch_item::<R>(item) {
            Ok((external_id, _)) if !seen.insert(external_id.clone()) => {
                errors.push(
                    ApiProblem::new(
                        "external_id",
                        "duplicate_in_batch",
                        "an earlier item of this batch has the same external_id",
                    )
                    .within(&prefix),
                );
            }
            Ok(item) => valid.push(item),
            Err(e) => errors.extend(e.within(&prefix).errors),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    let mut tx = state.db.begin_write().await?;
    let mut results = Vec::with_capacity(valid.len());
    for (i, (external_id, record)) in valid.into_iter().enumerate() {
        let upserted = R::upsert(&mut tx, company.id, &external_id, &record)
            .await
            .map_err(|e| ApiError::from(e).within(&format!("items[{i}]")))?;
        results.push(ItemResult {
            external_id,
            result: upserted.as_str(),
        });
    }
    tx.commit().await?;
    let count = |result: Upsert| {
        results
            .iter()
            .filter(|r| r.result == result.as_str())
            .count()
    };
    Ok(Json(json!({
        "created": count(Upsert::Created),
        "updated": count(Upsert::Updated),
        "unchanged": count(Upsert::Unchanged),
        "results": results,
    })))
}

/// Query of a list: all optional texts, so a wrong value is reported by name below.
#[derive(Deserialize)]
pub struct ListParams {
    q: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;
/// Far beyond any table, and `offset + limit` cannot overflow.
pub const MAX_OFFSET: i64 = i64::MAX / 2;

pub(super) fn number_param(
    errors: &mut Vec<ApiProblem>,
    name: &str,
    value: Option<&str>,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> i64 {
    let Some(value) = value else {
        return default;
    };
    match value.trim().parse::<i64>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            errors.push(ApiProblem::new(
                name,
                "out_of_range",
                format!(
                    "must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            ));
            default
        }
    }
}

/// `GET …?q=&limit=&offset=`: `{"items":[…],"next_offset":n}`, `next_offset` null on the last
/// page.
pub async fn list<R: Record>(
    State(state): State<AppState>,
    company: Company,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) =
        params.map_err(|e| ApiError::bad_request("malformed_query", &e.body_text()))?;
    let mut errors = vec![];
    let limit = number_param(
        &mut errors,
        "limit",
        params.limit.as_deref(),
        DEFAULT_LIMIT,
        1..=MAX_LIMIT,
    );
    let offset = number_param(
        &mut errors,
        "offset",
        params.offset.as_deref(),
        0,
        0..=MAX_OFFSET,
    );
    let query = params.q.unwrap_or_default();
    if query.chars().count() > input::MAX_QUERY {
        let message = format!("must be at most {} characters", input::MAX_QUERY);
        errors.push(ApiProblem::new("q", "too_long", message));
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    // One more than asked tells whether another page follows, without counting them all.
    let mut items = R::list(&state.db, company.id, &query, limit + 1, offset).await?;
    let next_offset = (items.len() as i64 > limit).then_some(offset + limit);
    items.truncate(limit as usize);
    Ok(Json(json!({ "items": items, "next_offset": next_offset })))
}

/// `GET …/{external_id}`: the record, or 404.
pub async fn get_one<R: Record>(
    State(state): State<AppState>,
    company: Company,
    ExternalId(external_id): ExternalId,
) -> Result<Json<R::Output>, ApiError> {
    R::get(&state.db, company.id, &external_id)
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}
