//! Documents (invoices, orders, contracts…), written mostly by the host ERP through the HTTP
//! API: the context of messages (number, amount left to pay, due date) for templates and
//! payment reminders.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{AppError, Field, FieldError, Problem};
use crate::input;
use crate::layout::Paged;

pub(crate) mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

pub use pages::{DocumentDetailPage, DocumentsPage};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    SalesInvoice,
    Order,
    Contract,
    TransportOrder,
    Other,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 5] = [
        DocumentKind::SalesInvoice,
        DocumentKind::Order,
        DocumentKind::Contract,
        DocumentKind::TransportOrder,
        DocumentKind::Other,
    ];

    /// The name in the database and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::SalesInvoice => "sales_invoice",
            DocumentKind::Order => "order",
            DocumentKind::Contract => "contract",
            DocumentKind::TransportOrder => "transport_order",
            DocumentKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<DocumentKind> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == s)
    }
}

fn pln() -> String {
    "PLN".to_string()
}

/// A document as the ERP sends it; its external id comes from the URL. Unknown fields are
/// refused, so a misspelt field is an error instead of silently missing data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    pub kind: DocumentKind,
    pub number: String,
    /// `YYYY-MM-DD`.
    pub issue_date: String,
    #[serde(default)]
    pub due_date: Option<String>,
    /// Minor units of the currency (grosze): 123.45 PLN is 12345.
    #[serde(default)]
    pub gross_amount: i64,
    #[serde(default)]
    pub left_to_pay: i64,
    /// ISO 4217 code.
    #[serde(default = "pln")]
    pub currency: String,
    /// The counterparty: a subject of the same company, by its external id.
    #[serde(default)]
    pub subject_external_id: Option<String>,
    #[serde(default)]
    pub attributes: Map<String, Value>,
}

/// A document that passed `validate`: texts trimmed, dates canonical, currency upper-case.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidDocument(pub DocumentInput);

pub fn validate(input: &DocumentInput) -> Result<ValidDocument, Vec<FieldError>> {
    let mut errors = vec![];
    let mut doc = input.clone();
    doc.number = input::text(&mut errors, Field::Number, &doc.number, true, 100);
    doc.issue_date = input::date(&mut errors, Field::IssueDate, &doc.issue_date);
    doc.due_date = (doc.due_date.as_deref()).map(|d| input::date(&mut errors, Field::DueDate, d));
    doc.currency = doc.currency.trim().to_ascii_uppercase();
    if doc.currency.len() != 3 || !doc.currency.chars().all(|c| c.is_ascii_uppercase()) {
        errors.push(FieldError::new(Field::Currency, Problem::InvalidCurrency));
    }
    if let Some(subject) = &doc.subject_external_id {
        input::external_id(&mut errors, Field::SubjectExternalId, subject);
    }
    input::attributes(&mut errors, &doc.attributes);
    if errors.is_empty() {
        Ok(ValidDocument(doc))
    } else {
        Err(errors)
    }
}

/// A stored document, as lists and the HTTP API show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: i64,
    pub external_id: Option<String>,
    pub kind: DocumentKind,
    pub number: String,
    pub issue_date: String,
    pub due_date: Option<String>,
    pub gross_amount: i64,
    pub left_to_pay: i64,
    pub currency: String,
    pub subject_external_id: Option<String>,
    pub attributes: Map<String, Value>,
    #[serde(with = "input::rfc3339")]
    pub updated_at: i64,
}

/// The subject a document or task is for, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// What the documents page lists: `q` is matched, ignoring case and diacritics, against the
/// number, the external id and the counterparty's code, name and phone; every word must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub kind: Option<DocumentKind>,
    /// Only documents with something left to pay (for payment reminders).
    #[serde(default)]
    pub unpaid: bool,
    #[serde(default)]
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListedDocument {
    pub document: Document,
    pub subject: Option<SubjectRef>,
}

pub type DocumentPage = Paged<ListedDocument>;

#[server(endpoint = "search_documents")]
pub async fn search_documents(query: DocumentQuery) -> Result<DocumentPage, AppError> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::search(&crate::ssr::app_state().db, operator.company_id, &query).await
    })
    .await
}

#[server(endpoint = "get_document")]
pub async fn get_document(id: i64) -> Result<ListedDocument, AppError> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let mut conn = crate::ssr::app_state().db.pool.acquire().await?;
        ssr::by_id(&mut conn, operator.company_id, id)
            .await?
            .ok_or(AppError::NotFound)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice() -> DocumentInput {
        serde_json::from_str(
            r#"{"kind":"sales_invoice","number":" FV/1/2026 ","issue_date":"2026-11-02"}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_minimal_invoice_is_valid_with_defaults() {
        let ValidDocument(valid) = validate(&invoice()).unwrap();
        assert_eq!(
            (valid.number.as_str(), valid.currency.as_str()),
            ("FV/1/2026", "PLN")
        );
    }

    #[test]
    fn every_wrong_field_is_reported() {
        let mut input = invoice();
        input.number = String::new();
        input.issue_date = "2026-13-01".into();
        input.due_date = Some("soon".into());
        input.currency = "złoty".into();
        let fields: Vec<_> = validate(&input)
            .unwrap_err()
            .into_iter()
            .map(|e| e.path())
            .collect();
        assert_eq!(fields, ["number", "issue_date", "due_date", "currency"]);
    }
}
