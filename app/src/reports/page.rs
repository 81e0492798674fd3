//! The report page (`/reports`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::texts::use_texts;
use super::{delivery_report, PartDetail, ReportQuery, ReportRow};
use crate::error::Field;
use crate::format::LocalTime;
use crate::i18n::{use_language, Lang};
use crate::layout::query_value;
use crate::messages::Status;

fn query_from_url() -> Memo<ReportQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| ReportQuery {
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            status: q.get("status").unwrap_or_default(),
            subject: q.get("subject").unwrap_or_default(),
            before: q.get("before").unwrap_or_default(),
            parts: q.get("parts").and_then(|id| id.parse().ok()),
        })
    })
}

/// The query string of `query` (the page's and the CSV's).
fn query_string(query: &ReportQuery) -> String {
    let mut url = format!(
        "from={}&to={}&status={}&subject={}",
        query_value(&query.from),
        query_value(&query.to),
        query_value(&query.status),
        query_value(&query.subject)
    );
    if !query.before.is_empty() {
        url.push_str(&format!("&before={}", query_value(&query.before)));
    }
    if let Some(id) = query.parts {
        url.push_str(&format!("&parts={id}"));
    }
    url
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let query = query_from_url();
    let report = Resource::new(move || query.get(), delivery_report);
    view! {
        <h1>{t.title}</h1>
        <Transition fallback=move || view! { <p>{crate::layout::texts::use_texts().loading}</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    Ok(report) => {
                        let applied = ReportQuery { from: report.from.clone(), to: report.to.clone(), ..query.get_untracked() };
                        let csv = format!("/reports/export.csv?{}", query_string(&ReportQuery { before: String::new(), parts: None, ..applied.clone() }));
                        let next = report.next.clone().map(|before| format!("/reports?{}", query_string(&ReportQuery { before, parts: None, ..applied.clone() })));
                        let first = (!applied.before.is_empty()).then(|| format!("/reports?{}", query_string(&ReportQuery { before: String::new(), parts: None, ..applied.clone() })));
                        view! {
                            <Filters applied=applied.clone() />
                            <p class="report-period">
                                <a class="button" href=csv rel="external" download>{t.download_csv}</a>
                            </p>
                            {if report.rows.is_empty() {
                                view! { <p class="empty">{t.no_rows}</p> }.into_any()
                            } else {
                                view! {
                                    // Eight columns: on a narrow desktop the table scrolls sideways.
                                    <div class="table-scroll">
                                    <table class="messages report">
                                        <thead><tr>
                                            <th scope="col">{t.col_status}</th>
                                            <th scope="col">{t.col_phone}</th>
                                            <th scope="col">{t.col_subject}</th>
                                            <th scope="col">{t.col_body}</th>
                                            <th scope="col">{t.col_passed}</th>
                                            <th scope="col">{t.col_accepted}</th>
                                            <th scope="col">{t.col_delivered}</th>
                                            <th scope="col">{t.col_error}</th>
                                        </tr></thead>
                                        <tbody>
                                            {report.rows.into_iter().map(|row| {
                                                let parts_href = format!("/reports?{}", query_string(&ReportQuery { parts: Some(row.id), ..applied.clone() }));
                                                view! { <ReportRowView row parts_href lang /> }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    </div>
                                }.into_any()
                            }}
                            <nav class="pager">
                                {first.map(|href| view! { <a href=href>{t.first_page}</a> })}
                                {next.map(|href| view! { <a href=href>{t.next_page}</a> })}
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The period (as applied, defaults filled in), status and subject: a GET form.
#[component]
fn Filters(applied: ReportQuery) -> impl IntoView {
    let t = use_texts();
    let messages_t = crate::messages::texts::use_texts();
    let lang = use_language();
    let status = applied.status.clone();
    view! {
        <form class="search report-filters" method="get" action="/reports" role="search">
            <label for="from">{Field::PeriodFrom.name(lang)}</label>
            <input id="from" name="from" type="date" value=applied.from />
            <label for="to">{Field::PeriodTo.name(lang)}</label>
            <input id="to" name="to" type="date" value=applied.to />
            <label for="status" class="visually-hidden">{t.col_status}</label>
            <select id="status" name="status">
                <option value="">{t.all_statuses}</option>
                {Status::sent().map(|option| view! {
                    <option value=option.as_str() selected=status == option.as_str()>
                        {(messages_t.status_name)(option)}
                    </option>
                }).collect_view()}
            </select>
            <label for="subject" class="visually-hidden">{t.subject_label}</label>
            <input id="subject" name="subject" type="search" placeholder=t.subject_placeholder
                value=applied.subject />
            <button type="submit">{t.show}</button>
        </form>
    }
}

/// `None` leaves the cell empty (and hidden on a phone).
fn when(at: Option<LocalTime>, lang: Lang) -> Option<String> {
    at.map(|at| at.format(lang))
}

#[component]
fn ReportRowView(row: ReportRow, parts_href: String, lang: Lang) -> impl IntoView {
    let t = lang.of(&super::texts::PL, &super::texts::EN);
    let messages_t = lang.of(&crate::messages::texts::PL, &crate::messages::texts::EN);
    let status_class = format!("status status-{}", row.status.as_str());
    let subject = row.subject.map(|(code, name)| format!("{code} — {name}"));
    let details = (!row.part_details.is_empty()).then(|| row.part_details.clone());
    view! {
        <tr data-message-id=row.id>
            <td data-label=t.col_status>
                <span class=status_class>{(messages_t.status_name)(row.status)}</span>
                " · "<a href=parts_href>{(t.show_parts)(row.parts)}</a>
            </td>
            <td data-label=t.col_phone class="phone">{sms::format_display(&row.phone)}</td>
            <td data-label=t.col_subject class:blank=subject.is_none()>{subject.clone()}</td>
            <td data-label=t.col_body class="body"><span class="text" tabindex="0">{row.body}</span></td>
            <td data-label=t.col_passed class:blank=row.passed_at.is_none()>{when(row.passed_at, lang)}</td>
            <td data-label=t.col_accepted class:blank=row.accepted_at.is_none()>{when(row.accepted_at, lang)}</td>
            <td data-label=t.col_delivered class:blank=row.delivered_at.is_none()>{when(row.delivered_at, lang)}</td>
            <td data-label=t.col_error class="gateway-error" class:blank=row.error.is_none()>{row.error.clone()}</td>
        </tr>
        {details.map(|parts| view! {
            <tr class="part-details"><td colspan="8">
                <ul class="parts">{parts.into_iter().map(|part| view! { <PartItem part lang /> }).collect_view()}</ul>
            </td></tr>
        })}
    }
}

#[component]
fn PartItem(part: PartDetail, lang: Lang) -> impl IntoView {
    let t = lang.of(&super::texts::PL, &super::texts::EN);
    let messages_t = lang.of(&crate::messages::texts::PL, &crate::messages::texts::EN);
    view! {
        <li class="part">
            <strong>{(t.part)(part.number)}</strong>": "
            <span class=format!("status status-{}", part.status.as_str())>{(messages_t.status_name)(part.status)}</span>
            {part.gateway_id.map(|id| view! { " · "{t.gateway_id}": "<code>{id}</code> })}
            " · "{t.attempts}": "{part.attempts}
            {part.accepted_at.map(|at| view! { " · "{t.col_accepted}": "{at.format(lang)} })}
            {part.done_at.map(|at| view! { " · "{at.format(lang)} })}
            {part.error.map(|e| view! { <span class="gateway-error">" — "{e}</span> })}
        </li>
    }
}
