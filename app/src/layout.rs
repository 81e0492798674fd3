//! The frame around the pages: header with navigation, operator, language switch and logout.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::admin::CompanySwitch;
use crate::auth::{current_operator, LogoutButton};
use crate::error::AppError;
use crate::i18n::{use_language, use_texts, Lang};

#[component]
pub fn Page(children: Children) -> impl IntoView {
    let t = use_texts();
    let operator = Resource::new(|| (), |_| current_operator());
    let path = use_location().pathname;
    let current = move |href: &'static str| move || (path.get() == href).then_some("page");
    view! {
        <header class="topbar">
            <a class="brand" href="/">{t.app_name}</a>
            <nav aria-label=t.nav_main>
                <a href="/" aria-current=current("/")>{t.nav_compose}</a>
                <a href="/messages" aria-current=current("/messages")>{t.nav_messages}</a>
                <a href="/address-book" aria-current=current("/address-book")>{t.nav_address_book}</a>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        operator.await.ok().filter(|op| op.is_administrator).map(|_| view! {
                            <a href="/admin" aria-current=current("/admin")>{t.nav_admin}</a>
                        })
                    })}
                </Transition>
                <a href="/templates" aria-current=current("/templates")>{t.nav_templates}</a>
            </nav>
            <div class="session">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        operator.await.ok().map(|op| view! {
                            <span class="operator" title=format!("{} {} ({})", t.logged_in_as, op.login, op.company_name)>
                                {op.name}
                            </span>
                        })
                    })}
                </Transition>
                <CompanySwitch />
                <LanguageSwitch />
                <LogoutButton />
            </div>
        </header>
        <main class="page">{children()}</main>
    }
}

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
                    {lang.texts().language_name}
                </a>
            }
        })
        .collect_view()
}

/// An error message for the operator, announced by screen readers when it appears.
#[component]
pub fn ErrorMessage(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let t = use_texts();
    move || {
        error
            .get()
            .map(|e| view! { <p class="error" role="alert">{e.message(t)}</p> })
    }
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
