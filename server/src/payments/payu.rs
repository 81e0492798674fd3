//! PayU's REST API 2.1: an OAuth token (client credentials), a new order (answered with a
//! redirect to the payment page and the order as JSON), and the notification, signed with the
//! POS's second key: `OpenPayU-Signature: …;signature=<hex>;algorithm=MD5|SHA-256`, the hash
//! of the raw body followed by the key. A COMPLETED order is read back from PayU before the
//! credits are added.

use app::payments::ssr::{
    self as orders, Notified, Payment, PaymentProvider, Registered, Registering,
};
use app::payments::Provider;
use app::ssr::{now_ms, Db};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::{answer, exchange, same, PAYU_NOTIFY_PATH};

#[derive(Clone)]
pub struct Settings {
    pub url: String,
    pub pos_id: String,
    pub client_id: String,
    pub client_secret: String,
    pub second_key: String,
    pub notify_url: String,
}

pub struct Payu {
    pub settings: Settings,
    pub http: reqwest::Client,
}

#[derive(Deserialize)]
struct Token {
    access_token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Created {
    order_id: String,
    redirect_uri: String,
}

impl Payu {
    async fn token(&self) -> Result<String, String> {
        let s = &self.settings;
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", s.client_id.as_str()),
            ("client_secret", s.client_secret.as_str()),
        ];
        let request = (self.http)
            .post(format!("{}/pl/standard/user/oauth/authorize", s.url))
            .form(&form);
        let (status, text) = exchange("PayU", request).await?;
        if !status.is_success() {
            return Err(format!("PayU refused the credentials ({status}): {text}"));
        }
        let token: Token = serde_json::from_str(&text)
            .map_err(|e| format!("PayU's token unreadable ({e}): {text}"))?;
        Ok(token.access_token)
    }

    async fn create_order(&self, payment: &Payment) -> Result<Registered, String> {
        let s = &self.settings;
        let token = self.token().await?;
        let amount = payment.amount.to_string();
        let body = json!({
            "notifyUrl": s.notify_url,
            "continueUrl": payment.return_url,
            "customerIp": payment.customer_ip,
            "merchantPosId": s.pos_id,
            "description": payment.description,
            "currencyCode": payment.currency,
            "totalAmount": amount,
            "extOrderId": payment.session_id,
            "buyer": { "email": payment.email, "language": "pl" },
            "products": [{ "name": payment.description, "unitPrice": amount, "quantity": "1" }],
        });
        let request = (self.http)
            .post(format!("{}/api/v2_1/orders", s.url))
            .bearer_auth(token)
            .json(&body);
        let (status, text) = exchange("PayU", request).await?;
        // A new order is answered 302 (to the payment page) with the order as JSON, or 201.
        if !(status.is_success() || status == StatusCode::FOUND) {
            return Err(format!("PayU answered {status}: {text}"));
        }
        let created: Created = serde_json::from_str(&text)
            .map_err(|e| format!("PayU's order unreadable ({e}): {text}"))?;
        Ok(Registered {
            redirect_url: created.redirect_uri,
            provider_ref: Some(created.order_id),
        })
    }

    /// The order's status as PayU has it now.
    async fn status(&self, order_id: &str) -> Result<String, String> {
        let s = &self.settings;
        let token = self.token().await?;
        let request = (self.http)
            .get(format!("{}/api/v2_1/orders/{order_id}", s.url))
            .bearer_auth(token);
        let (_, text) = exchange("PayU", request).await?;
        let order: Value = serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))?;
        (order["orders"][0]["status"].as_str())
            .map(str::to_string)
            .ok_or_else(|| format!("no status in {text}"))
    }
}

impl PaymentProvider for Payu {
    fn provider(&self) -> Provider {
        Provider::Payu
    }

    fn register<'a>(&'a self, payment: &'a Payment) -> Registering<'a> {
        Box::pin(self.create_order(payment))
    }
}

/// Whether `header` (the `OpenPayU-Signature` value: `key=value` pairs separated by `;`, in any
/// order) signs `body` with `second_key`.
pub fn signed(header: &str, body: &[u8], second_key: &str) -> bool {
    let field = |name: &str| {
        (header.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(key, _)| key.trim().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim().to_ascii_lowercase())
    };
    let (Some(signature), Some(algorithm)) = (field("signature"), field("algorithm")) else {
        return false;
    };
    let mut signed = body.to_vec();
    signed.extend_from_slice(second_key.as_bytes());
    let expected = match algorithm.as_str() {
        "md5" => hex::encode(md5::Md5::digest(&signed)),
        "sha-256" | "sha256" => hex::encode(Sha256::digest(&signed)),
        _ => return false,
    };
    same(&expected, &signature)
}

#[derive(Clone)]
struct Notifications {
    db: Db,
    payu: std::sync::Arc<Payu>,
}

pub fn routes(db: Db, payu: std::sync::Arc<Payu>) -> Router {
    Router::new()
        .route(PAYU_NOTIFY_PATH, post(notified))
        .with_state(Notifications { db, payu })
}

/// A notification: its signature checked on the raw body; a COMPLETED order read back from
/// PayU, then applied; a CANCELED one gives the order up. PayU sends it again until it gets a
/// 200: what may pass later gets a 503, what never will a 400.
async fn notified(State(n): State<Notifications>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = (headers.get("openpayu-signature"))
        .or_else(|| headers.get("x-openpayu-signature"))
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !signed(header, &body, &n.payu.settings.second_key) {
        tracing::warn!("PayU notification with a wrong signature");
        return StatusCode::BAD_REQUEST;
    }
    let Ok(note) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let order = &note["order"];
    let (Some(order_id), Some(session_id)) =
        (order["orderId"].as_str(), order["extOrderId"].as_str())
    else {
        return StatusCode::BAD_REQUEST;
    };
    let notified = match order["status"].as_str() {
        Some("COMPLETED") => {
            match n.payu.status(order_id).await {
                Ok(status) if status == "COMPLETED" => {}
                Ok(status) => {
                    tracing::warn!(%status, "PayU notified COMPLETED, its order says otherwise");
                    return StatusCode::BAD_REQUEST;
                }
                Err(why) => {
                    tracing::warn!(%why, "PayU's order could not be read back");
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
            }
            // PayU writes amounts as strings of minor units.
            let amount = (order["totalAmount"].as_str().and_then(|a| a.parse().ok()))
                .or_else(|| order["totalAmount"].as_i64());
            let Some(amount) = amount else {
                return StatusCode::BAD_REQUEST;
            };
            Notified::Paid {
                amount,
                currency: order["currencyCode"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                provider_ref: order_id.to_string(),
            }
        }
        Some("CANCELED") => Notified::Cancelled {
            reason: "PayU: CANCELED".into(),
        },
        // PENDING, WAITING_FOR_CONFIRMATION: the final one follows.
        _ => return StatusCode::OK,
    };
    answer(orders::settle(&n.db, Provider::Payu, session_id, &notified, now_ms()).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_in_either_algorithm_and_any_order_are_checked_on_the_raw_body() {
        let body = br#"{"order":{"status":"COMPLETED"}}"#;
        let key = "b6ca15b0d1020e8094d9b5f8d163db54";
        let mut signed_bytes = body.to_vec();
        signed_bytes.extend_from_slice(key.as_bytes());
        let md5 = hex::encode(md5::Md5::digest(&signed_bytes));
        let sha = hex::encode(Sha256::digest(&signed_bytes));
        let payu = format!("sender=checkout;signature={md5};algorithm=MD5;content=DOCUMENT");
        assert!(signed(&payu, body, key));
        let simulator = format!("signature={sha};algorithm=SHA-256;sender=checkout");
        assert!(signed(&simulator, body, key));
        assert!(!signed(
            &simulator,
            br#"{"order":{"status":"CANCELED"}}"#,
            key
        ));
        assert!(!signed(&simulator, body, "another key"));
        assert!(!signed("algorithm=MD5", body, key));
        assert!(!signed(
            &format!("signature={md5};algorithm=SHA-1"),
            body,
            key
        ));
    }
}
