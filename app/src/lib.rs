#![recursion_limit = "256"]
//! The Esemes web app: components, routes and server functions, shared by the server (feature
//! `ssr`) and the browser (feature `hydrate`, compiled to WebAssembly).

pub mod address_book;
pub mod admin;
pub mod api_tokens;
pub mod auth;
pub mod composer;
pub mod documents;
pub mod error;
pub mod format;
pub mod i18n;
pub mod input;
pub mod layout;
pub mod messages;
pub mod nip;
pub mod phone;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod tasks;
pub mod templates;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Link, Meta, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::layout::frame_texts;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <leptos_meta::MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = i18n::provide_language();
    let t = frame_texts::use_texts();
    // Effects run only in the browser, once the page is interactive; tests and styles can tell.
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });

    view! {
        <Html attr:lang=lang.code() />
        <Stylesheet id="leptos" href="/pkg/esemes.css" />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Meta name="theme-color" content="#1f4e79" />
        <Title text=t.app_name />
        <Router>
            <Routes fallback=|| view! { <layout::NotFound /> }>
                // Pages are rendered with their data (`Async`), so they are complete
                // without JavaScript and the first paint needs no second request.
                <Route path=path!("/login") view=auth::LoginPage ssr=SsrMode::Async />
                <Route path=path!("/") view=composer::ComposerPage ssr=SsrMode::Async />
                <Route path=path!("/messages") view=messages::MessagesPage ssr=SsrMode::Async />
                <Route path=path!("/address-book") view=address_book::AddressBookPage ssr=SsrMode::Async />
                <Route path=path!("/address-book/import") view=address_book::ImportPage ssr=SsrMode::Async />
                <Route path=path!("/address-book/new") view=address_book::SubjectFormPage ssr=SsrMode::Async />
                <Route path=path!("/address-book/:id") view=address_book::SubjectFormPage ssr=SsrMode::Async />
                <Route path=path!("/documents") view=documents::DocumentsPage ssr=SsrMode::Async />
                <Route path=path!("/documents/:id") view=documents::DocumentDetailPage ssr=SsrMode::Async />
                <Route path=path!("/tasks") view=tasks::TasksPage ssr=SsrMode::Async />
                <Route path=path!("/tasks/:id") view=tasks::TaskDetailPage ssr=SsrMode::Async />
                <Route path=path!("/admin") view=admin::AdminPage ssr=SsrMode::Async />
                <Route path=path!("/templates") view=templates::TemplatesPage ssr=SsrMode::Async />
                <Route path=path!("/templates/new") view=templates::TemplateFormPage ssr=SsrMode::Async />
                <Route path=path!("/templates/:id") view=templates::TemplateFormPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
