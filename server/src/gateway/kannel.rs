//! The Kannel driver: each part goes to smsbox's HTTP `sendsms` with our own UDH and payload
//! (so the SMS are exactly the parts we counted and charged), asking for every delivery report
//! (`dlr-mask=31`) at a `dlr-url` back to this server that carries an unguessable token per
//! part. The token is the part's gateway id: Kannel's answer carries no id of its own.

use std::time::Duration;

use async_trait::async_trait;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::Router;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rand::RngCore;
use serde::Deserialize;
use tokio::net::TcpStream;

use super::smpp::receipt;
use super::{DeliveryReport, Gateway, OutgoingPart, ReportOutcome, ReportSink, SubmitError};

/// Where Kannel's delivery reports come back to (below the server's own address).
pub const DLR_PATH: &str = "/gateway/kannel/dlr";
/// Where Kannel's sms-service hands incoming messages over (`get-url`, see the README).
pub const INCOMING_PATH: &str = "/gateway/kannel/incoming";

/// No `Debug`: it holds the password.
#[derive(Clone)]
pub struct KannelSettings {
    pub name: String,
    /// smsbox's sendsms address, e.g. `http://127.0.0.1:13013/cgi-bin/sendsms`.
    pub sendsms_url: String,
    pub username: String,
    pub password: String,
    /// The sender (Kannel's `from`).
    pub source: String,
    /// This server's address as Kannel reaches it, e.g. `http://127.0.0.1:3000`.
    pub dlr_base_url: String,
    /// What Kannel's sms-service `get-url` carries as `secret` with incoming messages; empty
    /// refuses them.
    pub incoming_secret: String,
    pub timeout: Duration,
    /// Requests waiting for Kannel's answer at once.
    pub window: usize,
}

pub struct Kannel {
    name: &'static str,
    settings: KannelSettings,
    /// `host:port` and path of `sendsms_url`.
    address: String,
    path: String,
}

impl Kannel {
    pub fn new(settings: KannelSettings) -> Result<Kannel, String> {
        let rest = settings
            .sendsms_url
            .strip_prefix("http://")
            .ok_or_else(|| format!("{}: sendsms_url must start with http://", settings.name))?;
        let (address, path) = match rest.split_once('/') {
            Some((address, path)) => (address.to_string(), format!("/{path}")),
            None => (rest.to_string(), "/cgi-bin/sendsms".to_string()),
        };
        Ok(Kannel {
            // Connections live as long as the server: their names are leaked once.
            name: Box::leak(settings.name.clone().into_boxed_str()),
            settings,
            address,
            path,
        })
    }

    /// The sendsms query for one part; `token` names it in its delivery reports.
    fn query(&self, part: &OutgoingPart, token: &str) -> String {
        let s = &self.settings;
        let (coding, charset, text) = match &part.part.payload {
            // Kannel converts the text to GSM 7-bit itself; the part's text fits one SMS.
            sms::Payload::Gsm7 { .. } => ("0", "UTF-8", part.part.text.as_bytes().to_vec()),
            sms::Payload::Ucs2 { bytes } => ("2", "UTF-16BE", bytes.clone()),
        };
        let dlr_url = format!(
            "{}{DLR_PATH}?id={token}&type=%d&reply=%A",
            s.dlr_base_url.trim_end_matches('/')
        );
        let mut query = format!(
            "username={}&password={}&from={}&to={}&text={}&coding={coding}&charset={charset}\
             &dlr-mask=31&dlr-url={}",
            encode(s.username.as_bytes()),
            encode(s.password.as_bytes()),
            encode(part.sender.as_deref().unwrap_or(&s.source).as_bytes()),
            encode(part.to.trim_start_matches('+').as_bytes()),
            encode(&text),
            encode(dlr_url.as_bytes()),
        );
        if !part.part.udh.is_empty() {
            query.push_str(&format!("&udh={}", encode(&part.part.udh)));
        }
        query
    }

    async fn get(&self, path_and_query: &str) -> Result<(u16, String), SubmitError> {
        let timeout = self.settings.timeout;
        let stream = tokio::time::timeout(timeout, TcpStream::connect(&self.address))
            .await
            .map_err(|_| SubmitError::Temporary(format!("{}: no connection to Kannel", self.name)))?
            .map_err(|e| {
                SubmitError::Temporary(format!("{}: cannot reach Kannel: {e}", self.name))
            })?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| SubmitError::Temporary(format!("{}: {e}", self.name)))?;
        tokio::spawn(connection);
        let request = hyper::Request::get(path_and_query)
            .header(hyper::header::HOST, &self.address)
            .body(Empty::<Bytes>::new())
            .map_err(|e| SubmitError::Rejected(e.to_string()))?;
        // From here the request may have reached Kannel: a failure leaves the part in doubt.
        let answer = async {
            let response = sender.send_request(request).await?;
            let status = response.status().as_u16();
            let body = response.into_body().collect().await?.to_bytes();
            Ok::<_, hyper::Error>((status, String::from_utf8_lossy(&body).trim().to_string()))
        };
        match tokio::time::timeout(timeout, answer).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(e)) => Err(SubmitError::InDoubt(format!("{}: {e}", self.name))),
            Err(_) => Err(SubmitError::InDoubt(format!(
                "{}: no answer from Kannel within {timeout:?}",
                self.name
            ))),
        }
    }
}

#[async_trait]
impl Gateway for Kannel {
    fn name(&self) -> &'static str {
        self.name
    }

    fn window(&self) -> usize {
        self.settings.window.max(1)
    }

    async fn submit(&self, part: &OutgoingPart) -> Result<String, SubmitError> {
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let (status, body) = self
            .get(&format!("{}?{}", self.path, self.query(part, &token)))
            .await?;
        // "0: Accepted for delivery"; "3: Queued for later delivery" is accepted too: Kannel
        // keeps it and sends it when its SMS centre is back (sending it again would double it).
        match status {
            200..=299 if body.starts_with("0:") || body.starts_with("3:") => Ok(token),
            500..=599 => Err(SubmitError::Temporary(format!(
                "{}: Kannel: {status} {body}",
                self.name
            ))),
            _ => Err(SubmitError::Rejected(format!("Kannel: {status} {body}"))),
        }
    }
}

/// Percent-encodes bytes for a URL query (everything but unreserved characters).
fn encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Deserialize)]
struct Dlr {
    id: String,
    #[serde(rename = "type")]
    kind: u8,
    #[serde(default)]
    reply: String,
}

/// Where incoming messages go: the database, and the secret Kannel's `get-url` carries.
#[derive(Clone)]
pub struct Inbox {
    pub db: app::ssr::Db,
    pub connection: &'static str,
    pub secret: String,
}

#[derive(Clone)]
struct Callbacks {
    reports: ReportSink,
    inbox: Option<Inbox>,
}

/// The routes Kannel calls: delivery reports (the token in each is its only credential) and,
/// with an `inbox`, incoming messages (by the connection's secret). They need no session.
pub fn routes(reports: ReportSink, inbox: Option<Inbox>) -> Router {
    Router::new()
        .route(DLR_PATH, get(delivery_report))
        .route(INCOMING_PATH, get(incoming))
        .with_state(Callbacks { reports, inbox })
}

#[derive(Deserialize)]
struct Incoming {
    secret: String,
    from: String,
    to: String,
    text: String,
}

/// Kannel has already joined a long message's parts and decoded its text (`mo-recode`).
async fn incoming(
    State(callbacks): State<Callbacks>,
    Query(sms): Query<Incoming>,
) -> (axum::http::StatusCode, &'static str) {
    use axum::http::StatusCode;
    let known = |inbox: &Inbox| !inbox.secret.is_empty() && inbox.secret == sms.secret;
    let Some(inbox) = callbacks.inbox.filter(known) else {
        tracing::warn!("incoming SMS from Kannel refused: wrong secret");
        return (StatusCode::FORBIDDEN, "");
    };
    let part = sms::receive::ReceivedPart {
        concatenation: None,
        text: sms.text,
    };
    let sender = format!("+{}", sms.from.trim_start_matches('+'));
    let stored =
        app::replies::ssr::receive_part(&inbox.db, inbox.connection, &sender, &sms.to, &part);
    match stored.await {
        // The sms-service answers the sender with this body; empty sends no reply.
        Ok(_) => (StatusCode::OK, ""),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, ""),
    }
}

async fn delivery_report(
    State(Callbacks { reports, .. }): State<Callbacks>,
    Query(dlr): Query<Dlr>,
) -> &'static str {
    let Some(outcome) = outcome(dlr.kind, &dlr.reply) else {
        return "ok"; // 4 queued at the SMS centre, 8 accepted by it: not final
    };
    let report = DeliveryReport {
        gateway_message_id: dlr.id,
        outcome,
        at_ms: app::ssr::now_ms(),
        about: None, // the token is ours: a report always finds its part
    };
    if reports.send(report).await.is_err() {
        tracing::debug!("shutting down: Kannel report not applied");
    }
    "ok"
}

/// Kannel's DLR types: 1 delivered, 2 delivery failed, 16 rejected by the SMS centre; the
/// SMS centre's receipt text (`reply`) says why where it has one.
fn outcome(kind: u8, reply: &str) -> Option<ReportOutcome> {
    let from_receipt = receipt::outcome(reply, None);
    match kind {
        1 => Some(ReportOutcome::Delivered),
        2 => Some(
            from_receipt
                .unwrap_or_else(|| ReportOutcome::Undelivered(format!("delivery failed: {reply}"))),
        ),
        16 => Some(ReportOutcome::Undelivered(format!(
            "rejected by the SMS centre: {reply}"
        ))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_reports_say_what_became_of_the_part() {
        assert_eq!(
            outcome(1, "id:1 stat:DELIVRD err:000"),
            Some(ReportOutcome::Delivered)
        );
        assert_eq!(outcome(8, "ACK/"), None);
        assert_eq!(outcome(4, ""), None);
        assert_eq!(
            outcome(2, "id:1 sub:001 dlvrd:000 stat:UNDELIV err:005 text:x"),
            Some(ReportOutcome::Undelivered(
                "UNDELIV: undeliverable (error 005)".into()
            ))
        );
        assert_eq!(
            outcome(16, "NACK/0x0000000b/Invalid Destination Address"),
            Some(ReportOutcome::Undelivered(
                "rejected by the SMS centre: NACK/0x0000000b/Invalid Destination Address".into()
            ))
        );
    }

    #[test]
    fn query_values_are_percent_encoded_bytes() {
        assert_eq!(encode("a b€".as_bytes()), "a%20b%E2%82%AC");
        assert_eq!(encode(&[0x05, 0x00, 0x03]), "%05%00%03");
    }
}
