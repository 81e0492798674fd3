//! The address book page: tabs per kind, search, subjects with their representatives. Search
//! and paging are links and a GET form, so the page works without JavaScript too.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::texts::use_texts;
use super::{search_subjects, SubjectKind, SubjectQuery, SubjectSummary, PAGE};
use crate::layout::selection::{RowSelection, SelectBox, SelectionBar};
use crate::layout::{query_value, PagedResults};

/// The query in the page's URL: `?kind=…&q=…&offset=…`.
fn query_from_url() -> Memo<SubjectQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| SubjectQuery {
            q: q.get("q").unwrap_or_default(),
            kind: Some(
                q.get("kind")
                    .and_then(|k| SubjectKind::parse(&k))
                    .unwrap_or(SubjectKind::Contractor),
            ),
            include_inactive: q.get("inactive").is_some_and(|v| v == "1"),
            offset: q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0),
            limit: PAGE,
        })
    })
}

fn url(query: &SubjectQuery) -> String {
    let mut url = format!(
        "/address-book?kind={}",
        query.kind.unwrap_or(SubjectKind::Contractor).as_str()
    );
    if !query.q.is_empty() {
        url.push_str(&format!("&q={}", query_value(&query.q)));
    }
    if query.include_inactive {
        url.push_str("&inactive=1");
    }
    if query.offset > 0 {
        url.push_str(&format!("&offset={}", query.offset));
    }
    url
}

#[component]
pub fn AddressBookPage() -> impl IntoView {
    let t = use_texts();
    let query = query_from_url();
    let page = Resource::new(move || query.get(), search_subjects);
    let kind = move || query.with(|q| q.kind.unwrap_or(SubjectKind::Contractor));
    let selection = RowSelection::new();
    provide_context(selection);
    let send_href = Signal::derive(move || {
        let filters = query.with(|q| {
            url(&SubjectQuery {
                offset: 0,
                ..q.clone()
            })
        });
        let filters = filters.trim_start_matches("/address-book?").to_string();
        selection.composer_href("subjects", &filters, |id| format!("/?subject={id}"))
    });
    view! {
            <div class="title-row">
                <h1>{t.address_book_title}</h1>
                <div class="title-actions">
                    <a class="button" href="/address-book/import">{t.import_link}</a>
                    <a class="button primary" href=move || format!("/address-book/new?kind={}", kind().as_str())>
                        {t.add_subject}
                    </a>
                </div>
            </div>
            <nav class="tabs" aria-label=t.subject_kinds>
                {SubjectKind::ALL.into_iter().map(|k| view! {
                    <a href=move || url(&SubjectQuery { kind: Some(k), offset: 0, ..query.get() })
                        aria-current=move || (kind() == k).then_some("page")>
                        {(t.subject_kind_plural)(k)}
                    </a>
                }).collect_view()}
            </nav>
            <form class="search" method="get" action="/address-book" role="search">
                <input type="hidden" name="kind" value=move || kind().as_str() />
                <label for="q" class="visually-hidden">{t.search_label}</label>
                <input id="q" name="q" type="search" placeholder=t.search_placeholder
                    prop:value=move || query.with(|q| q.q.clone()) />
                <label class="checkbox">
                    <input type="checkbox" name="inactive" value="1"
                        prop:checked=move || query.with(|q| q.include_inactive) />
                    {t.show_inactive}
                </label>
                <button type="submit">{t.search_button}</button>
            </form>
            <SelectionBar selection href=send_href />
            <PagedResults page list_class="subjects" empty=t.no_subjects
                offset=Signal::derive(move || query.with(|q| q.offset))
                at=move |offset| url(&SubjectQuery { offset, ..query.get_untracked() })
                item=|subject| view! { <SubjectItem subject /> }.into_any() />
    }
}

#[component]
fn SubjectItem(subject: SubjectSummary) -> impl IntoView {
    let t = use_texts();
    let href = format!("/address-book/{}", subject.id);
    view! {
        <li class="subject selectable" class:inactive=!subject.active>
            <SelectBox id=subject.id label=subject.name.clone() />
            <a href=href class="subject-main">
                <span class="code">{subject.code}</span>
                <span class="name">{subject.name}</span>
                {subject.is_owner.then(|| view! { <span class="badge">{t.owner_badge}</span> })}
                {(!subject.active).then(|| view! { <span class="badge">{t.inactive_badge}</span> })}
                <span class="phone">{sms::format_display(&subject.sms_phone)}</span>
            </a>
            {(!subject.representatives.is_empty()).then(|| view! {
                <ul class="representatives" aria-label=t.representatives_title>
                    {subject.representatives.into_iter().map(|r| view! {
                        <li class:inactive=!r.active>
                            <span class="name">{r.name}</span>
                            <span class="role">{r.role}</span>
                            <span class="phone">{sms::format_display(&r.sms_phone)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_the_query_encoded() {
        let query = SubjectQuery {
            q: "Łódź & co".into(),
            kind: Some(SubjectKind::Bank),
            include_inactive: true,
            offset: 50,
            limit: PAGE,
        };
        assert_eq!(
            url(&query),
            "/address-book?kind=bank&q=%C5%81%C3%B3d%C5%BA%20%26%20co&inactive=1&offset=50"
        );
    }
}
