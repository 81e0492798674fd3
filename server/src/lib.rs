#![recursion_limit = "256"]
//! The Esemes server: the router (`app`), configuration, gateway drivers, the dispatcher and
//! demo data. `main.rs` wires them together; tests call `app()` directly.

pub mod api;
pub mod config;
pub mod demo;
pub mod dispatcher;
pub mod email_outbox;
pub mod gateway;
pub mod mail;
pub mod payments;
pub mod webhooks;

use app::address_book::import::{MAX_FILE_MB, MAX_REQUEST_BYTES, UPLOAD_PATHS};
use app::auth::ssr::operator_for_headers;
use app::error::{AppError, Field, Problem};
use app::i18n::{Lang, LANG_COOKIE};
use app::ssr::AppState;
use app::{shell, App};
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::{Layer, ServiceExt};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

pub fn app(state: AppState) -> Router {
    app_with(state, Router::new())
}

/// The app with `gateway_routes` beside it: the callbacks of the gateway drivers (Kannel's
/// delivery reports), which authenticate by their own token and need no session.
pub fn app_with(state: AppState, gateway_routes: Router) -> Router {
    // Once per process: while the list is generated Leptos holds back every resource's first
    // load process-wide, and a page rendering meanwhile (another app in the same process, as
    // in the tests) would wait for ever.
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| generate_route_list(App)).clone();
    Router::new()
        .route("/health", get(health))
        .route("/lang/{code}", get(set_language))
        .route("/reports/export.csv", get(report_csv))
        .route("/c/{token}", get(composer_link))
        .route("/credits/{file}", get(credits_csv))
        .nest(api::PATH, api::router())
        .leptos_routes(&state, routes, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            require_session,
        ))
        .layer(middleware::from_fn(body_limit))
        .layer(middleware::from_fn(refuse_cross_site))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        .layer(middleware::from_fn(cache_control))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
        // Outside the session check and the page headers.
        .merge(gateway_routes)
}

/// The delivery report as a CSV download, for the session's company, in its language.
/// A composer link of the ERP: the composer about its document or task, in its company.
async fn composer_link(
    State(state): State<AppState>,
    axum::Extension(operator): axum::Extension<app::auth::ssr::Operator>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let session = app::auth::ssr::session_token(&headers, state.secure_cookies).unwrap_or_default();
    let now = state.clock.now_ms();
    match app::composer::ssr::follow_link(&state.db, &operator, &session, &token, now).await {
        Ok(Some(to)) => Redirect::to(&to).into_response(),
        Ok(None) => {
            let lang = cookie_language(&headers);
            let text = match lang {
                Lang::Pl => "Ten link wygasł albo prowadzi do firmy, w której nie pracujesz. Otwórz go ponownie z systemu ERP.",
                Lang::En => "This link has expired or leads to a company you do not work in. Open it again from the ERP.",
            };
            let page = format!(
                "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>Esemes</title><p>{text}</p><p><a href=\"/\">Esemes</a></p></html>",
                lang.code()
            );
            (StatusCode::GONE, axum::response::Html(page)).into_response()
        }
        Err(e) => (e.status(), Json(e)).into_response(),
    }
}

async fn report_csv(
    State(state): State<AppState>,
    axum::Extension(operator): axum::Extension<app::auth::ssr::Operator>,
    headers: axum::http::HeaderMap,
    axum::extract::Query(query): axum::extract::Query<app::reports::ReportQuery>,
) -> Response {
    let lang = cookie_language(&headers);
    let csv = app::reports::ssr::csv(&state.db, operator.company_id, &query, lang).await;
    csv_download("raport-sms.csv", csv)
}

/// The credits' usage or ledger as a CSV download, for the session's account (administrators).
async fn credits_csv(
    State(state): State<AppState>,
    axum::Extension(operator): axum::Extension<app::auth::ssr::Operator>,
    axum::extract::Path(which): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
    axum::extract::Query(query): axum::extract::Query<app::credits::CreditsQuery>,
) -> Response {
    use app::credits::ssr::{csv, Export};
    let (export, file) = match which.as_str() {
        "usage.csv" => (Export::Usage, "zuzycie-sms.csv"),
        "ledger.csv" => (Export::Ledger, "historia-puli-sms.csv"),
        _ => return csv_download("", Err(AppError::NotFound)),
    };
    if !operator.is_administrator() {
        return csv_download(file, Err(AppError::Forbidden));
    }
    let lang = cookie_language(&headers);
    let csv = csv(&state.db, operator.account_id, &query, export, lang).await;
    csv_download(file, csv)
}

fn cookie_language(headers: &axum::http::HeaderMap) -> Lang {
    headers
        .get(axum::http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_cookie_header)
        .unwrap_or_default()
}

fn csv_download(file: &str, csv: app::error::Result<String>) -> Response {
    match csv {
        Ok(csv) => (
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "text/csv; charset=utf-8".to_string(),
                ),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}\""),
                ),
            ],
            csv,
        )
            .into_response(),
        Err(e) => (e.status(), Json(e)).into_response(),
    }
}

/// Paths anyone may open: the login page and its server function, static assets, health.
fn is_public(path: &str) -> bool {
    matches!(path, "/login" | "/api/login" | "/health")
        || is_public_asset(path)
        || path.starts_with("/pkg/")
        || path.starts_with("/lang/")
}

/// What an operator whose password is still the generated one may open.
fn opens_with_a_generated_password(path: &str) -> bool {
    matches!(path, "/password" | "/api/change_password" | "/api/logout")
}

/// Paths of the HTTP API, which checks its own bearer tokens instead of sessions.
fn is_api(path: &str) -> bool {
    path.starts_with(api::PREFIX)
}

/// Puts the logged-in operator into the request's extensions, where server functions find it.
/// Without a valid session, pages redirect to the login page and server functions answer 401.
async fn require_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_string();

    // The HTTP API shares the `/api/` prefix of server functions but authenticates by token,
    // never by the browser's cookie (which would also open it to cross-site requests).
    if is_api(&path) {
        return next.run(request).await;
    }
    let operator =
        match operator_for_headers(&state.db, request.headers(), state.secure_cookies).await {
            Ok(operator) => operator,
            Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, Json(e)).into_response(),
        };
    match operator {
        Some(operator) => {
            let due = operator.password_change_due();
            if path == "/login" || (path == "/password" && !due) {
                return Redirect::to("/").into_response();
            }
            // A generated password opens only the page that replaces it (and logout).
            if due && !is_public(&path) && !opens_with_a_generated_password(&path) {
                if path.starts_with("/api/") {
                    return (StatusCode::FORBIDDEN, Json(AppError::Forbidden)).into_response();
                }
                return Redirect::to("/password").into_response();
            }
            request.extensions_mut().insert(operator);
        }
        None if is_public(&path) => {}
        None if path.starts_with("/api/") => {
            return (StatusCode::UNAUTHORIZED, Json(AppError::Unauthorized)).into_response();
        }
        // A composer link opened before logging in is followed right after.
        None if path.starts_with("/c/") => {
            let next = app::layout::query_value(&path);
            return Redirect::to(&format!("/login?next={next}")).into_response();
        }
        None => return Redirect::to("/login").into_response(),
    }
    next.run(request).await
}

/// A request that changes something (a server function, a form post) must come from a page of
/// this site: a browser says where it comes from in `Origin` (every POST) or `Sec-Fetch-Site`.
/// Another site's page is refused, which stops cross-site request forgery and login CSRF beside
/// the `SameSite` cookie. A request with neither header is not from a browser page, so it cannot
/// carry a forged intent and passes. The HTTP API authenticates by token, not by cookie.
async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || is_api(request.uri().path()) || is_same_site(request.headers()) {
        return next.run(request).await;
    }
    tracing::warn!(path = %request.uri().path(), "cross-site request refused");
    (StatusCode::FORBIDDEN, Json(AppError::Forbidden)).into_response()
}

/// Whether the request's `Origin` is this server (scheme aside, by its `Host`), or, without an
/// `Origin`, whether `Sec-Fetch-Site` says the same origin or a typed address.
fn is_same_site(headers: &HeaderMap) -> bool {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
    };
    match (header(header::ORIGIN), header(header::HOST)) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
        (None, _) => header(header::HeaderName::from_static("sec-fetch-site"))
            .is_none_or(|site| matches!(site, "same-origin" | "none")),
    }
}

/// Headers for every response: no MIME sniffing, no referrer to other sites, and behind HTTPS
/// (secure cookies) HSTS. The pages' Content-Security-Policy is set where they are rendered,
/// since it carries the page's nonce.
async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("same-origin"),
    );
    if state.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            header::HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Server functions read at most 2 MB (axum's default); the import's take a whole file, so they
/// alone get a limit of their own, the size the import page promises.
async fn body_limit(request: Request, next: Next) -> Response {
    if !UPLOAD_PATHS.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|length| length > MAX_REQUEST_BYTES) {
        // The page checks the size before sending; this answers other clients as clearly.
        let error = AppError::Invalid {
            field: Field::File,
            problem: Problem::FileTooLarge {
                max_mb: MAX_FILE_MB,
            },
        };
        return (StatusCode::PAYLOAD_TOO_LARGE, Json(error)).into_response();
    }
    match DefaultBodyLimit::max(MAX_REQUEST_BYTES)
        .layer(next)
        .oneshot(request)
        .await
    {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// The built bundle's files carry their content's hash in their names (`esemes.<hash>.wasm`), so
/// a browser keeps them for good and a second visit downloads nothing; a file without a hash
/// (a debug build, the icon) is checked with the server each time it is used.
async fn cache_control(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    if response.status() == StatusCode::OK
        && !response.headers().contains_key(header::CACHE_CONTROL)
    {
        let value = if path.starts_with("/pkg/") && has_content_hash(&path) {
            Some("public, max-age=31536000, immutable")
        } else if path.starts_with("/pkg/") || is_public_asset(&path) {
            Some("no-cache")
        } else {
            None
        };
        if let Some(value) = value {
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                header::HeaderValue::from_static(value),
            );
        }
    }
    response
}

/// Whether a file name has a content hash as one of its dot-separated parts: 22 characters of
/// unpadded base64url (an MD5), as the build names them.
fn has_content_hash(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.split('.').any(|part| {
        part.len() == 22
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && part != "______________________"
    })
}

fn is_public_asset(path: &str) -> bool {
    matches!(path, "/favicon.svg" | "/manifest.json")
}

async fn health(State(state): State<AppState>) -> Response {
    match sqlx::query("SELECT 1").execute(&state.db.pool).await {
        Ok(_) => Json(serde_json::json!({ "status": "ok" })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "database unavailable" })),
            )
                .into_response()
        }
    }
}

/// Remembers the chosen language for a year and goes back to the page it was chosen on.
async fn set_language(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let lang = Lang::from_code(&code).unwrap_or_default();
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(same_site_path)
        .unwrap_or_else(|| "/".to_string());
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

/// The path and query of a referring URL, so the redirect never leaves this site.
fn same_site_path(referer: &str) -> Option<String> {
    let after_scheme = referer
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(referer);
    let path = &after_scheme[after_scheme.find('/')?..];
    (!path.starts_with("//")).then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referer_becomes_a_local_path() {
        assert_eq!(
            same_site_path("http://127.0.0.1:3000/messages?status=sent").as_deref(),
            Some("/messages?status=sent")
        );
        assert_eq!(same_site_path("http://evil.example").as_deref(), None);
        assert_eq!(same_site_path("http://x//evil.example/").as_deref(), None);
    }

    #[test]
    fn hashed_bundle_files_are_told_apart() {
        for path in [
            "/pkg/esemes.Xq3rT_9-aBcDeFgHiJkLmN.wasm",
            "/pkg/__wasm_split.Xq3rT_9-aBcDeFgHiJkLmN.js",
        ] {
            assert!(has_content_hash(path), "{path}");
        }
        for path in [
            "/pkg/esemes.wasm",
            "/pkg/__wasm_split.______________________.js",
            "/pkg/snippets/leptos-abc/inline0.js",
            "/pkg/esemes.Xq3rT_9-aBcDeFgHiJkLm.wasm",
        ] {
            assert!(!has_content_hash(path), "{path}");
        }
    }

    #[test]
    fn only_the_http_api_skips_the_session_check() {
        assert!(is_api("/api/v1/companies/1/subjects"));
        for path in ["/", "/api/list_messages", "/api/v1", "/api/v10/x", "/login"] {
            assert!(!is_api(path), "{path}");
        }
    }

    #[test]
    fn only_login_assets_and_health_are_public() {
        for path in [
            "/login",
            "/api/login",
            "/pkg/esemes.wasm",
            "/health",
            "/lang/en",
        ] {
            assert!(is_public(path), "{path}");
        }
        for path in [
            "/",
            "/messages",
            "/api/submit_message",
            "/api/list_messages",
            "/api/logout",
        ] {
            assert!(!is_public(path), "{path}");
        }
    }
}
