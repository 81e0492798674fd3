//! Przelewy24's REST API v1: register a transaction, send the buyer to `/trnRequest/{token}`,
//! take the notification, check its sign and the stored order, verify the transaction with
//! Przelewy24 (`PUT /api/v1/transaction/verify`) and only then add the credits. Requests use
//! Basic auth (POS id, API key); every `sign` is SHA-384 over compact JSON of the fields in
//! Przelewy24's order, ending with the CRC key.

use app::payments::ssr::{
    self as orders, Notified, Payment, PaymentProvider, Registered, Registering,
};
use app::payments::Provider;
use app::ssr::{now_ms, Db};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha384};

use super::{answer, exchange, same, P24_NOTIFY_PATH};

#[derive(Clone)]
pub struct Settings {
    pub url: String,
    pub merchant_id: i64,
    pub pos_id: i64,
    pub api_key: String,
    pub crc: String,
    pub notify_url: String,
}

pub struct Przelewy24 {
    pub settings: Settings,
    pub http: reqwest::Client,
}

/// Hex SHA-384 of `fields` as compact JSON: serde keeps a struct's field order, which is the
/// order Przelewy24 signs in (a map would sort the keys and give another sign).
pub fn sign<T: Serialize>(fields: &T) -> String {
    let json = serde_json::to_string(fields).unwrap_or_default();
    hex::encode(Sha384::digest(json.as_bytes()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterSign<'a> {
    pub session_id: &'a str,
    pub merchant_id: i64,
    pub amount: i64,
    pub currency: &'a str,
    pub crc: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationSign<'a> {
    pub merchant_id: i64,
    pub pos_id: i64,
    pub session_id: &'a str,
    pub amount: i64,
    pub origin_amount: i64,
    pub currency: &'a str,
    pub order_id: i64,
    pub method_id: i64,
    pub statement: &'a str,
    pub crc: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifySign<'a> {
    pub session_id: &'a str,
    pub order_id: i64,
    pub amount: i64,
    pub currency: &'a str,
    pub crc: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RegisterRequest<'a> {
    merchant_id: i64,
    pos_id: i64,
    session_id: &'a str,
    amount: i64,
    currency: &'a str,
    description: &'a str,
    email: &'a str,
    country: &'a str,
    language: &'a str,
    url_return: &'a str,
    url_status: &'a str,
    sign: String,
}

#[derive(Deserialize)]
struct TokenData {
    token: String,
}

#[derive(Deserialize)]
struct Answer<T> {
    data: T,
}

impl Przelewy24 {
    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let s = &self.settings;
        (self.http.request(method, format!("{}{path}", s.url)))
            .basic_auth(s.pos_id, Some(&s.api_key))
    }

    async fn register_transaction(&self, payment: &Payment) -> Result<Registered, String> {
        let s = &self.settings;
        let signed = RegisterSign {
            session_id: &payment.session_id,
            merchant_id: s.merchant_id,
            amount: payment.amount,
            currency: &payment.currency,
            crc: &s.crc,
        };
        let body = RegisterRequest {
            merchant_id: s.merchant_id,
            pos_id: s.pos_id,
            session_id: &payment.session_id,
            amount: payment.amount,
            currency: &payment.currency,
            description: &payment.description,
            email: &payment.email,
            country: "PL",
            language: "pl",
            url_return: &payment.return_url,
            url_status: &s.notify_url,
            sign: sign(&signed),
        };
        let request = self.request(reqwest::Method::POST, "/api/v1/transaction/register");
        let (status, text) = exchange("Przelewy24", request.json(&body)).await?;
        if !status.is_success() {
            return Err(format!("Przelewy24 answered {status}: {text}"));
        }
        let answer: Answer<TokenData> = serde_json::from_str(&text)
            .map_err(|e| format!("Przelewy24's answer unreadable ({e}): {text}"))?;
        Ok(Registered {
            redirect_url: format!("{}/trnRequest/{}", s.url, answer.data.token),
            provider_ref: Some(answer.data.token),
        })
    }

    /// Przelewy24's confirmation of the notified transaction; without it the money is not
    /// taken and nothing is credited.
    async fn verify(&self, note: &Notification) -> Result<(), String> {
        let s = &self.settings;
        let signed = VerifySign {
            session_id: &note.session_id,
            order_id: note.order_id,
            amount: note.amount,
            currency: &note.currency,
            crc: &s.crc,
        };
        let body = serde_json::json!({
            "merchantId": s.merchant_id,
            "posId": s.pos_id,
            "sessionId": note.session_id,
            "amount": note.amount,
            "currency": note.currency,
            "orderId": note.order_id,
            "sign": sign(&signed),
        });
        let request = self.request(reqwest::Method::PUT, "/api/v1/transaction/verify");
        let (status, text) = exchange("Przelewy24", request.json(&body)).await?;
        let verified = serde_json::from_str::<Answer<serde_json::Value>>(&text)
            .is_ok_and(|a| a.data["status"] == "success");
        match status.is_success() && verified {
            true => Ok(()),
            false => Err(format!("verification refused ({status}): {text}")),
        }
    }
}

impl PaymentProvider for Przelewy24 {
    fn provider(&self) -> Provider {
        Provider::Przelewy24
    }

    fn register<'a>(&'a self, payment: &'a Payment) -> Registering<'a> {
        Box::pin(self.register_transaction(payment))
    }
}

/// What Przelewy24 posts to `urlStatus` after a payment.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub merchant_id: i64,
    pub pos_id: i64,
    pub session_id: String,
    pub amount: i64,
    pub origin_amount: i64,
    pub currency: String,
    pub order_id: i64,
    pub method_id: i64,
    pub statement: String,
    pub sign: String,
}

#[derive(Clone)]
struct Notifications {
    db: Db,
    p24: std::sync::Arc<Przelewy24>,
}

pub fn routes(db: Db, p24: std::sync::Arc<Przelewy24>) -> Router {
    Router::new()
        .route(P24_NOTIFY_PATH, post(notified))
        .with_state(Notifications { db, p24 })
}

/// A notification: checked (sign, merchant, the stored order's amount and currency), verified
/// with Przelewy24, then applied. Przelewy24 sends it again until it gets a 200: anything that
/// may pass later (Przelewy24 not answering) gets a 503, anything that never will a 400.
async fn notified(State(n): State<Notifications>, Json(note): Json<Notification>) -> StatusCode {
    let s = &n.p24.settings;
    let expected = sign(&NotificationSign {
        merchant_id: note.merchant_id,
        pos_id: note.pos_id,
        session_id: &note.session_id,
        amount: note.amount,
        origin_amount: note.origin_amount,
        currency: &note.currency,
        order_id: note.order_id,
        method_id: note.method_id,
        statement: &note.statement,
        crc: &s.crc,
    });
    if !same(&expected, &note.sign.to_ascii_lowercase()) {
        tracing::warn!(
            order_id = note.order_id,
            "Przelewy24 notification with a wrong sign"
        );
        return StatusCode::BAD_REQUEST;
    }
    if note.merchant_id != s.merchant_id || note.pos_id != s.pos_id {
        tracing::warn!("Przelewy24 notification for another merchant");
        return StatusCode::BAD_REQUEST;
    }
    let order = match orders::by_session(&n.db, Provider::Przelewy24, &note.session_id).await {
        Ok(Some(order)) => order,
        Ok(None) => {
            tracing::warn!("Przelewy24 notification about no order of ours");
            return StatusCode::NOT_FOUND;
        }
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE,
    };
    let paid = Notified::Paid {
        amount: note.amount,
        currency: note.currency.clone(),
        provider_ref: note.order_id.to_string(),
    };
    let matches = order.amount == note.amount && order.currency == note.currency;
    // A mismatch is kept in the order's history by `settle`, and never verified.
    if matches && order.status != app::payments::OrderStatus::Paid {
        if let Err(why) = n.p24.verify(&note).await {
            tracing::warn!(order_id = order.id, %why, "Przelewy24 did not verify the payment");
            return StatusCode::SERVICE_UNAVAILABLE;
        }
    }
    let settled = orders::settle(
        &n.db,
        Provider::Przelewy24,
        &note.session_id,
        &paid,
        now_ms(),
    );
    answer(settled.await)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Przelewy24's published examples.
    #[test]
    fn signs_match_the_published_vectors() {
        let notification = NotificationSign {
            merchant_id: 12345,
            pos_id: 123,
            session_id: "0beec7",
            amount: 1500,
            origin_amount: 1500,
            currency: "PLN",
            order_id: 123456789,
            method_id: 32,
            statement: "p24-XXX-YYY-ZZZ",
            crc: "bar",
        };
        assert_eq!(
            sign(&notification),
            "703e946290d92230297c35d3bc8f554d4a458a4c97c9917665929c5ef5e682f7a868ac36e5dff20184c6a5302ef66c77"
        );
        let register = RegisterSign {
            session_id: "sessionId",
            merchant_id: 999999,
            amount: 1000,
            currency: "PLN",
            crc: "crc",
        };
        assert_eq!(
            sign(&register),
            "a34cf822f00b51d8d75e2d21334d6ffb5f2fac8408574f4cd7d4897f07ed61312244f9875e18ce63a4fbe2668d7ffc30"
        );
        let verify = VerifySign {
            session_id: "sessionId",
            order_id: 999999,
            amount: 1000,
            currency: "PLN",
            crc: "crc",
        };
        assert_eq!(
            sign(&verify),
            "3edcfa853ade37780fdcd00541b2c266117a7d35fab662ddc26498495c09b048e736f28424b616d2f1fbd882f6a47f0c"
        );
    }
}
