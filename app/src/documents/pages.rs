//! The documents list and a document's page. The host ERP writes documents; here an operator
//! finds one (by number or counterparty) and sends an SMS about it, e.g. a payment reminder.
//! Search and paging are a GET form and links, so the pages work without JavaScript too.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::texts::use_texts;
use super::{
    get_document, search_documents, Document, DocumentKind, DocumentQuery, ListedDocument,
    SubjectRef,
};
use crate::error::Field;
use crate::format::{date, money};
use crate::i18n::use_language;
use crate::layout::selection::{RowSelection, SelectBox, SelectionBar};
use crate::layout::{query_value, PagedResults, RecordPage};
use crate::replies::{Replies, RepliesOf};

fn query_from_url() -> Memo<DocumentQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| DocumentQuery {
            q: q.get("q").unwrap_or_default(),
            kind: q.get("kind").and_then(|k| DocumentKind::parse(&k)),
            unpaid: q.get("unpaid").is_some_and(|v| v == "1"),
            offset: q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0),
        })
    })
}

fn url(query: &DocumentQuery) -> String {
    let mut url = format!("/documents?q={}", query_value(&query.q));
    if let Some(kind) = query.kind {
        url.push_str(&format!("&kind={}", kind.as_str()));
    }
    if query.unpaid {
        url.push_str("&unpaid=1");
    }
    if query.offset > 0 {
        url.push_str(&format!("&offset={}", query.offset));
    }
    url
}

#[component]
pub fn DocumentsPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let query = query_from_url();
    let page = Resource::new(move || query.get(), search_documents);
    let selection = RowSelection::new();
    provide_context(selection);
    let send_href = Signal::derive(move || {
        let filters = query.with(|q| {
            url(&DocumentQuery {
                offset: 0,
                ..q.clone()
            })
        });
        let filters = filters.trim_start_matches("/documents?").to_string();
        selection.composer_href("documents", &filters, |id| format!("/?document={id}"))
    });
    view! {
            <h1>{t.documents_title}</h1>
            <form class="search" method="get" action="/documents" role="search">
                <label for="q" class="visually-hidden">{t.document_search_label}</label>
                <input id="q" name="q" type="search" placeholder=t.document_search_placeholder
                    prop:value=move || query.with(|q| q.q.clone()) />
                <label for="kind" class="visually-hidden">{Field::Kind.name(lang)}</label>
                <select id="kind" name="kind">
                    <option value="">{t.all_document_kinds}</option>
                    {DocumentKind::ALL.into_iter().map(|kind| view! {
                        <option value=kind.as_str() selected=move || query.with(|q| q.kind == Some(kind))>
                            {(t.document_kind)(kind)}
                        </option>
                    }).collect_view()}
                </select>
                <label class="checkbox">
                    <input type="checkbox" name="unpaid" value="1"
                        prop:checked=move || query.with(|q| q.unpaid) />
                    {t.unpaid_only}
                </label>
                <button type="submit">{t.search_button}</button>
            </form>
            <SelectionBar selection href=send_href />
            <PagedResults page list_class="records" empty=t.no_documents
                offset=Signal::derive(move || query.with(|q| q.offset))
                at=move |offset| url(&DocumentQuery { offset, ..query.get_untracked() })
                item=|row| view! { <DocumentItem row /> }.into_any() />
    }
}

#[component]
fn DocumentItem(row: ListedDocument) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let ListedDocument {
        document: d,
        subject,
    } = row;
    view! {
        <li class="record selectable">
            <SelectBox id=d.id label=d.number.clone() />
            <a href=format!("/documents/{}", d.id)>
                <span class="record-title">
                    <span class="number">{d.number.clone()}</span>
                    <span class="badge">{(t.document_kind)(d.kind)}</span>
                </span>
                <span class="record-subject">{subject.map(|s| s.name)}</span>
                <span class="record-facts">
                    <span>{date(lang, &d.issue_date)}</span>
                    <span>{money(lang, d.gross_amount, &d.currency)}</span>
                    {(d.left_to_pay > 0).then(|| view! {
                        <span class="due">{t.left_to_pay_short}" "{money(lang, d.left_to_pay, &d.currency)}</span>
                    })}
                </span>
            </a>
        </li>
    }
}

#[component]
pub fn DocumentDetailPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <RecordPage back_href="/documents" back_label=t.back_to_documents load=get_document
            render=|row| view! { <DocumentView row /> }.into_any() />
    }
}

/// The subject a document or task is for, linked to its address book page.
pub(crate) fn subject_link(subject: Option<SubjectRef>) -> AnyView {
    match subject {
        Some(s) => {
            view! { <a href=format!("/address-book/{}", s.id)>{s.code}" — "{s.name}</a> }.into_any()
        }
        None => view! { "—" }.into_any(),
    }
}

#[component]
fn DocumentView(row: ListedDocument) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let ListedDocument {
        document: d,
        subject,
    } = row;
    let Document {
        id,
        number,
        kind,
        issue_date,
        due_date,
        gross_amount,
        left_to_pay,
        currency,
        external_id,
        attributes,
        ..
    } = d;
    let subject_query = (subject.as_ref())
        .map(|s| format!("&subject={}", s.id))
        .unwrap_or_default();
    view! {
        <div class="title-row">
            <h1>{(t.document_kind)(kind)}" "{number}</h1>
            <div class="title-actions">
                <a class="button" href=format!("/email/new?document={id}{subject_query}")>{t.send_email}</a>
                <a class="button primary" href=format!("/?document={id}")>{t.send_sms}</a>
            </div>
        </div>
        <dl class="facts">
            <dt>{t.counterparty_label}</dt>
            <dd>{subject_link(subject)}</dd>
            <dt>{Field::IssueDate.name(lang)}</dt>
            <dd>{date(lang, &issue_date)}</dd>
            <dt>{Field::DueDate.name(lang)}</dt>
            <dd>{due_date.map(|d| date(lang, &d)).unwrap_or_else(|| "—".into())}</dd>
            <dt>{t.gross_amount_label}</dt>
            <dd>{money(lang, gross_amount, &currency)}</dd>
            <dt>{t.left_to_pay_label}</dt>
            <dd>{money(lang, left_to_pay, &currency)}</dd>
            <dt>{Field::ExternalId.name(lang)}</dt>
            <dd>{external_id.unwrap_or_else(|| "—".into())}</dd>
        </dl>
        {(!attributes.is_empty()).then(|| view! {
            <h2>{t.erp_fields_title}</h2>
            <dl class="facts">
                {attributes.into_iter().map(|(key, value)| view! {
                    <dt><code>{format!("{{dokument.{key}}}")}</code></dt>
                    <dd>{crate::input::attribute_text(&value)}</dd>
                }).collect_view()}
            </dl>
        })}
        <RepliesOf which=Replies::AboutDocument(id) />
    }
}
