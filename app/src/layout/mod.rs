//! Small pieces every page uses (lists, pager, record page, error message, language switch);
//! they import no feature.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::{use_language, Lang};

pub mod file;
pub mod selection;
pub mod texts;

use texts::use_texts;

/// The program's name, the same in every language.
pub const APP_NAME: &str = "Esemes";

/// Links to the other languages. A full page load (`rel=external`) re-renders everything in the
/// new language; it works without JavaScript too.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let current = use_language();
    Lang::ALL
        .into_iter()
        .filter(move |lang| *lang != current)
        .map(|lang| {
            view! {
                <a class="language" rel="external" href=format!("/lang/{}", lang.code()) hreflang=lang.code() lang=lang.code()>
                    {lang.name()}
                </a>
            }
        })
        .collect_view()
}

/// An error message for the operator, announced by screen readers when it appears.
#[component]
pub fn ErrorMessage(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let lang = use_language();
    move || {
        error
            .get()
            .map(|e| view! { <p class="error" role="alert">{e.message(lang)}</p> })
    }
}

/// Rows a list shows at once.
pub const PAGE: u32 = 50;

/// One page of a list, and whether rows after it match too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub has_more: bool,
}

impl<T> Paged<T> {
    /// The first `limit` of `rows`, read with one row more than a page to tell whether more match.
    pub fn of(mut rows: Vec<T>, limit: u32) -> Paged<T> {
        let has_more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        Paged { rows, has_more }
    }
}

/// A list page's results: why there are none, or the rows in a `<ul class=list_class>` and the
/// pager. `offset` is where this page starts; `at(offset)` the URL of the page starting there.
#[component]
pub fn PagedResults<T, A>(
    page: Resource<Result<Paged<T>, AppError>>,
    list_class: &'static str,
    empty: &'static str,
    offset: Signal<u32>,
    at: A,
    item: fn(T) -> AnyView,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    A: Fn(u32) -> String + Copy + Send + Sync + 'static,
{
    let t = use_texts();
    let lang = use_language();
    view! {
        <Transition fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    Ok(page) if page.rows.is_empty() => view! { <p>{empty}</p> }.into_any(),
                    Ok(page) => view! {
                        <ul class=list_class>{page.rows.into_iter().map(item).collect_view()}</ul>
                        <Pager offset=offset.get_untracked() page=PAGE has_more=page.has_more at />
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A record's page (`/…/:id`): a link back to its list, then the record once loaded, or why
/// it cannot be shown.
#[component]
pub fn RecordPage<T, Fut>(
    back_href: &'static str,
    back_label: &'static str,
    load: fn(i64) -> Fut,
    render: fn(T) -> AnyView,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    let t = use_texts();
    let lang = use_language();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let record = Resource::new(id, move |id| async move {
        match id {
            Some(id) => load(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <p><a href=back_href>{back_label}</a></p>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                match record.await {
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    Ok(record) => render(record),
                }
            })}
        </Suspense>
    }
}

/// "Previous" and "Next" links of a paged list; `at(offset)` is the URL of the page starting
/// there. Links, so paging works without JavaScript.
#[component]
pub fn Pager(offset: u32, page: u32, has_more: bool, at: impl Fn(u32) -> String) -> impl IntoView {
    let t = use_texts();
    let previous = (offset > 0).then(|| at(offset.saturating_sub(page)));
    let next = has_more.then(|| at(offset + page));
    view! {
        <nav class="pager">
            {previous.map(|href| view! { <a href=href>{t.previous_page}</a> })}
            {next.map(|href| view! { <a href=href>{t.next_page}</a> })}
        </nav>
    }
}

/// Percent-encodes a value for a URL's query (UTF-8 bytes outside the unreserved set).
pub fn query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn NotFound() -> impl IntoView {
    let t = use_texts();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="page">
            <h1>{t.not_found}</h1>
            <a href="/">{t.back_home}</a>
        </main>
    }
}
