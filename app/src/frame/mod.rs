//! The frame around every page but the login's: header with navigation, operator, company
//! switch, language switch and logout. It sits above the features and uses their pieces.

pub mod texts;

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

use crate::admin::CompanySwitch;
use crate::auth::{current_operator, LogoutButton};
use crate::credits::LowCreditBanner;
use crate::layout::{LanguageSwitch, APP_NAME};

/// Every page but the login's sits in this frame; the page itself is the route's `Outlet`.
#[component]
pub fn Frame() -> impl IntoView {
    let t = texts::use_texts();
    let operator = Resource::new(|| (), |_| current_operator());
    let path = use_location().pathname;
    // A section is current on its own pages too (`/email/settings` is in "E-mail").
    let current = move |href: &'static str| {
        move || {
            path.with(|path| {
                let below = href != "/"
                    && path
                        .strip_prefix(href)
                        .is_some_and(|rest| rest.starts_with('/'));
                (path == href || below).then_some("page")
            })
        }
    };
    // On a phone the navigation is a row that scrolls sideways: show the current section.
    let nav = NodeRef::<leptos::html::Nav>::new();
    Effect::new(move |_| {
        path.track();
        let Some(nav) = nav.get() else { return };
        if let Ok(Some(link)) = nav.query_selector("a[aria-current=page]") {
            use wasm_bindgen::JsCast;
            if let Ok(link) = link.dyn_into::<web_sys::HtmlElement>() {
                nav.set_scroll_left(link.offset_left() - 12);
            }
        }
    });
    view! {
        <header class="topbar">
            <a class="brand" href="/">{APP_NAME}</a>
            <nav node_ref=nav aria-label=t.nav_main>
                <a href="/" aria-current=current("/")>{t.nav_compose}</a>
                <a href="/messages" aria-current=current("/messages")>{t.nav_messages}</a>
                <a href="/address-book" aria-current=current("/address-book")>{t.nav_address_book}</a>
                <a href="/documents" aria-current=current("/documents")>{t.nav_documents}</a>
                <a href="/tasks" aria-current=current("/tasks")>{t.nav_tasks}</a>
                <a href="/reminders" aria-current=current("/reminders")>{t.nav_reminders}</a>
                <a href="/correspondence" aria-current=current("/correspondence")>{t.nav_correspondence}</a>
                <a href="/email" aria-current=current("/email")>{t.nav_email}</a>
                <a href="/inbox" aria-current=current("/inbox")>{t.nav_inbox}</a>
                <a href="/reports" aria-current=current("/reports")>{t.nav_reports}</a>
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
        <LowCreditBanner />
        <main class="page"><Outlet /></main>
    }
}
