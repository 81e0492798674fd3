#![recursion_limit = "256"]
//! The Esemes web app: components, routes and server functions, shared by the server (feature
//! `ssr`) and the browser (feature `hydrate`, compiled to WebAssembly).

pub mod address_book;
pub mod admin;
#[cfg(feature = "ssr")]
pub mod api_sending;
pub mod api_tokens;
pub mod auth;
pub mod batches;
pub mod composer;
pub mod correspondence;
pub mod credits;
pub mod documents;
pub mod email;
pub mod error;
pub mod format;
pub mod frame;
pub mod i18n;
pub mod input;
pub mod layout;
pub mod message_links;
pub mod messages;
pub mod nip;
pub mod payments;
pub mod phone;
pub mod reminders;
pub mod replies;
pub mod reports;
#[cfg(feature = "ssr")]
pub mod sealing;
pub mod sender_names;
#[cfg(feature = "ssr")]
pub mod spreadsheet;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod tasks;
pub mod templates;
pub mod webhooks;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Link, Meta, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    lazy_route, path, Lazy, LazyRoute, SsrMode,
};

/// The HTML document around the app, rendered on the server only.
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <AppScripts options=options.clone() />
                <link id="leptos" rel="stylesheet" href=bundle_names(&options).css.clone() />
                <leptos_meta::MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Only this site's scripts (and the page's own inline scripts, by their nonce), styles and
/// wasm; no framing by other sites. Style attributes stay allowed: the macro menu is placed by
/// one.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    // A purchase form posted without JavaScript is redirected to the payment provider's page.
    let payment_pages = use_context::<ssr::AppState>()
        .map(|state| state.payments.payment_pages.join(" "))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         object-src 'none'; base-uri 'self'; form-action 'self' {payment_pages}; \
         frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Loads the app's script and then its WebAssembly, which hydrates the page. Unlike Leptos'
/// `HydrationScripts` the wasm is not preloaded from the head: its download would start before
/// the first paint and hold the largest paint back on a slow phone. The module script runs once
/// the document is parsed, so the wasm starts right after the page is painted.
#[cfg(feature = "ssr")]
#[component]
fn AppScripts(options: LeptosOptions) -> impl IntoView {
    let BundleNames { js, wasm, .. } = bundle_names(&options);
    let start = format!(
        "import({js:?}).then(app => app.default({{ module_or_path: {wasm:?} }}).then(() => app.hydrate()));"
    );
    view! {
        <link rel="modulepreload" href=js.clone() />
        <script type="module" nonce=leptos::nonce::use_nonce()>{start}</script>
    }
}

/// The paths of the bundle's script, wasm and stylesheet: `/pkg/esemes.js`, or
/// `/pkg/esemes.<hash>.js` when the build named the files by their content and listed the hashes
/// beside the server binary.
#[cfg(feature = "ssr")]
struct BundleNames {
    js: String,
    wasm: String,
    css: String,
}

/// Read once: the files do not change while the server runs.
#[cfg(feature = "ssr")]
fn bundle_names(options: &LeptosOptions) -> &'static BundleNames {
    static NAMES: std::sync::OnceLock<BundleNames> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| read_bundle_names(options))
}

#[cfg(feature = "ssr")]
fn read_bundle_names(options: &LeptosOptions) -> BundleNames {
    let pkg = &options.site_pkg_dir;
    let name = options.output_name.to_string();
    let hashes = options
        .hash_files
        .then(|| std::env::current_exe().ok())
        .flatten()
        .and_then(|exe| {
            std::fs::read_to_string(exe.with_file_name(options.hash_file.as_ref())).ok()
        })
        .unwrap_or_default();
    let hashed = |kind: &str| {
        hashes
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(k, _)| k.trim() == kind)
            .map(|(_, hash)| format!("/{pkg}/{name}.{}.{kind}", hash.trim()))
            .unwrap_or_else(|| format!("/{pkg}/{name}.{kind}"))
    };
    BundleNames {
        js: hashed("js"),
        wasm: hashed("wasm"),
        css: hashed("css"),
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = i18n::provide_language();

    view! {
        <Html attr:lang=lang.code() />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Meta name="theme-color" content="#1f4e79" />
        <Title text=layout::APP_NAME />
        <Router>
            <Routes fallback=|| view! { <layout::NotFound /> }>
                // Pages are rendered with their data (`Async`), so they are complete
                // without JavaScript and the first paint needs no second request. The pages an
                // operator opens first (login, composer, messages) are in the main module; every
                // other page's code is split out and loaded when the page is first shown.
                <Route path=path!("/login") view=auth::LoginPage ssr=SsrMode::Async />
                <Route path=path!("/password") view={Lazy::<PasswordRoute>::new()} ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=frame::Frame ssr=SsrMode::Async>
                    <Route path=path!("/") view=composer::ComposerPage ssr=SsrMode::Async />
                    <Route path=path!("/messages") view=messages::MessagesPage ssr=SsrMode::Async />
                    <Route path=path!("/address-book") view={Lazy::<AddressBookRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/address-book/import") view={Lazy::<ImportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/address-book/new") view={Lazy::<SubjectRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/address-book/:id") view={Lazy::<SubjectRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/documents") view={Lazy::<DocumentsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/documents/:id") view={Lazy::<DocumentRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/tasks") view={Lazy::<TasksRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/tasks/:id") view={Lazy::<TaskRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/reports") view={Lazy::<ReportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/inbox") view={Lazy::<InboxRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin") view={Lazy::<AdminRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/credits") view={Lazy::<CreditsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/credits/orders/:id") view={Lazy::<OrderRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/messages/:id/links") view={Lazy::<MessageLinksRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/batches/:id") view={Lazy::<BatchRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/email") view={Lazy::<EmailsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/email/new") view={Lazy::<EmailComposeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/email/settings") view={Lazy::<EmailSettingsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/reminders") view={Lazy::<RemindersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/correspondence") view={Lazy::<CorrespondenceRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/templates") view={Lazy::<TemplatesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/templates/new") view={Lazy::<TemplateRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/templates/:id") view={Lazy::<TemplateRoute>::new()} ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// One lazily loaded route per page: the page's component (and all it alone uses) is split
/// out of the main WebAssembly module and fetched when the route is first matched.
macro_rules! lazy_pages {
    ($($route:ident => $page:path),* $(,)?) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }
    )*};
}

lazy_pages! {
    BatchRoute => batches::BatchPage,
    MessageLinksRoute => message_links::MessageLinksPage,
    PasswordRoute => auth::PasswordPage,
    AddressBookRoute => address_book::AddressBookPage,
    ImportRoute => address_book::ImportPage,
    SubjectRoute => address_book::SubjectFormPage,
    DocumentsRoute => documents::DocumentsPage,
    ReportRoute => reports::ReportPage,
    InboxRoute => replies::InboxPage,
    DocumentRoute => documents::DocumentDetailPage,
    TasksRoute => tasks::TasksPage,
    TaskRoute => tasks::TaskDetailPage,
    AdminRoute => admin::AdminPage,
    CreditsRoute => credits::CreditsPage,
    OrderRoute => payments::OrderPage,
    TemplatesRoute => templates::TemplatesPage,
    TemplateRoute => templates::TemplateFormPage,
    EmailsRoute => email::SentEmailsPage,
    EmailComposeRoute => email::EmailComposePage,
    EmailSettingsRoute => email::EmailSettingsPage,
    RemindersRoute => reminders::RemindersPage,
    CorrespondenceRoute => correspondence::CorrespondencePage,
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_reload_notice();
    }));
    _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        // A lazy page is hydrated once its code has arrived: only then is the page interactive,
        // which tests and styles (`[data-hydrated]`) can tell.
        leptos::mount::hydrate_from_async(document().body().unwrap(), App)
            .await
            .forget();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
}

/// After a panic the page no longer reacts; most often a page's chunk could not be loaded
/// because a newer version was deployed while the tab was open. Say so, with a reload link,
/// built with plain DOM calls since the app itself cannot render any more.
#[cfg(feature = "hydrate")]
fn show_reload_notice() {
    let document = document();
    if document.get_element_by_id("reload-notice").is_some() {
        return;
    }
    let t = i18n::current_language().of(&frame::texts::PL, &frame::texts::EN);
    let Ok(notice) = document.create_element("div") else {
        return;
    };
    notice.set_id("reload-notice");
    let _ = notice.set_attribute("role", "alert");
    notice.set_text_content(Some(&format!("{} ", t.reload_notice)));
    if let Ok(link) = document.create_element("a") {
        let _ = link.set_attribute("href", &window().location().href().unwrap_or_default());
        // A full load, not the router's navigation inside the stopped app.
        let _ = link.set_attribute("rel", "external");
        link.set_text_content(Some(t.reload));
        let _ = notice.append_child(&link);
    }
    if let Some(body) = document.body() {
        let _ = body.prepend_with_node_1(&notice);
    }
}
