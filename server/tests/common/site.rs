//! The server in process, as a browser sees it: the axum router over a test database, with the
//! simulator gateway and the dispatcher running.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::ssr::{AppState, Db};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use serde_json::Value;
use server::dispatcher::Dispatcher;
use server::gateway::simulator::Simulator;
use tokio::sync::{mpsc, watch, Notify};
use tower::ServiceExt;

use super::ADMIN_PASSWORD;

pub struct TestServer {
    router: Router,
    _shutdown: watch::Sender<bool>,
}

pub fn start(db: Db) -> TestServer {
    start_with(db, |_| {})
}

/// The server over `db`, its state changed by `configure` first.
pub fn start_with(db: Db, configure: impl FnOnce(&mut AppState)) -> TestServer {
    let outbox = Arc::new(Notify::new());
    let (reports_tx, reports_rx) = mpsc::channel(64);
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let gateway = Arc::new(Simulator::new(Duration::from_millis(10), reports_tx));
    tokio::spawn(Dispatcher::new(db.clone(), gateway, outbox.clone()).run(reports_rx, shutdown_rx));
    let mut state = super::app_state(db, outbox);
    configure(&mut state);
    TestServer {
        router: server::app(state),
        _shutdown: shutdown_tx,
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestServer {
    pub async fn request(&self, request: Request<Body>) -> Reply {
        // A page that never finishes would hang the whole run: it fails, naming the page.
        let uri = request.uri().clone();
        let answer = async {
            let response = self.router.clone().oneshot(request).await.unwrap();
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
            (parts, bytes)
        };
        let (parts, bytes) = tokio::time::timeout(Duration::from_secs(60), answer)
            .await
            .unwrap_or_else(|_| panic!("no whole answer to {uri} within a minute"));
        let (status, headers) = (parts.status, parts.headers);
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.request(request.body(Body::empty()).unwrap()).await
    }

    /// Calls a server function the way the hydrated app does (form-encoded, JSON answer).
    pub async fn call(&self, function: &str, form: &str, cookie: Option<&str>) -> Reply {
        self.request(call_request(function, form, cookie)).await
    }

    /// A call from a client at `address`, which a real server learns from the connection.
    pub async fn call_from(&self, address: &str, function: &str, form: &str) -> Reply {
        let mut request = call_request(function, form, None);
        let address: SocketAddr = address.parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(address));
        self.request(request).await
    }

    pub async fn log_in(&self) -> String {
        self.log_in_as("admin", ADMIN_PASSWORD).await
    }

    pub async fn log_in_as(&self, login: &str, password: &str) -> String {
        let reply = self
            .call("login", &format!("login={login}&password={password}"), None)
            .await;
        assert!(
            reply.status.is_success(),
            "login failed: {} {}",
            reply.status,
            reply.body
        );
        let set_cookie = reply
            .headers
            .get(header::SET_COOKIE)
            .expect("session cookie")
            .to_str()
            .unwrap();
        assert!(
            set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
            "{set_cookie}"
        );
        set_cookie.split(';').next().unwrap().to_string()
    }

    /// The newest page of the messages list.
    pub async fn messages(&self, cookie: &str) -> Vec<Value> {
        let reply = self.call("list_messages", "", Some(cookie)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let page: Value = serde_json::from_str(&reply.body).unwrap();
        page["rows"].as_array().cloned().unwrap_or_default()
    }
}

pub fn call_request(function: &str, form: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(format!("/api/{function}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(form.to_string())).unwrap()
}

pub fn location(reply: &Reply) -> &str {
    reply
        .headers
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_default()
}
