//! Buying SMS packages, on SQLite and PostgreSQL, with the app serving on a real port: through
//! PayU's REST 2.1 simulator (a third-party peer) and through the Przelewy24 double (written to
//! Przelewy24's published API and pinned to its published sign vectors). Credits are added once
//! per verified payment, however often it is notified, and never for a notification that is
//! forged, for another amount, or about no order of ours; a provider that is down or slow fails
//! the order with a clear error.

mod common;

use app::ssr::Db;
use common::payments::{PayuSimulator, Shop, P24, PAYU_SECOND_KEY, PRICE};
use common::{on_both, seeded};
use serde_json::json;
use sha2::Digest;

async fn available(db: &Db) -> i64 {
    common::count(db, "SELECT available FROM credit_pools").await
}

async fn order(db: &Db, id: i64) -> (String, Vec<String>) {
    let status = sqlx::query_scalar("SELECT status FROM credit_orders WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let events = sqlx::query_scalar(
        "SELECT status FROM credit_order_events WHERE order_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .unwrap();
    (status, events)
}

async fn last_order(db: &Db) -> i64 {
    common::count(db, "SELECT MAX(id) FROM credit_orders").await
}

#[tokio::test]
async fn przelewy24_credits_a_verified_payment_once_and_nothing_else() {
    on_both(|db| async move {
        seeded(&db).await;
        let start = available(&db).await;
        let p24 = P24::start().await;
        let shop = Shop::open(&db, Some(&p24), None).await;

        let (status, url) = shop.buy("3", "przelewy24").await;
        assert_eq!(status, 200, "{url}");
        let url = url.as_str().unwrap().to_string();
        let token = url.rsplit('/').next().unwrap().to_string();
        assert_eq!(url, format!("{}/trnRequest/{token}", p24.url));
        let id = last_order(&db).await;
        assert_eq!(order(&db, id).await, ("new".into(), vec!["registered".into()]));
        let amount: i64 = common::count(&db, "SELECT amount FROM credit_orders").await;
        assert_eq!(amount, 3 * PRICE, "price × quantity, in grosze");

        // A forged notification (wrong sign) and one for another amount add nothing.
        let forged = p24.control(&format!("/control/pay/{token}"), json!({ "sign": "00".repeat(48) })).await;
        assert_eq!(forged["status"], 400);
        let cheaper = p24.control(&format!("/control/pay/{token}"), json!({ "fields": { "amount": 100 } })).await;
        assert_eq!(cheaper["status"], 400);
        assert_eq!(available(&db).await, start);
        assert_eq!(p24.transactions().await[0]["verified"], 0, "nothing verified");

        // Paid: verified with Przelewy24, then 900 SMS, once however often it is notified.
        for _ in 0..3 {
            let paid = p24.control(&format!("/control/pay/{token}"), json!({})).await;
            assert_eq!(paid["status"], 200);
        }
        assert_eq!(available(&db).await, start + 900);
        assert_eq!(p24.transactions().await[0]["verified"], 1);
        let (status, events) = order(&db, id).await;
        assert_eq!(status, "paid");
        assert_eq!(events, ["registered", "refused", "paid", "repeated", "repeated"]);
        let purchases = common::count(&db, "SELECT COUNT(*) FROM credit_entries WHERE kind = 'purchase'").await;
        assert_eq!(purchases, 1);

        // The order page, as the buyer comes back to it.
        let (status, detail) = shop.call("load_order", &[("id", &id.to_string())]).await;
        assert_eq!(status, 200);
        assert_eq!(detail["order"]["status"], "Paid");
        assert_eq!(detail["order"]["credits"], 900);

        // A notification about no order of ours.
        let stranger = json!({
            "merchantId": common::payments::P24_MERCHANT, "posId": common::payments::P24_MERCHANT,
            "sessionId": "nie-nasza", "amount": 100, "originAmount": 100, "currency": "PLN",
            "orderId": 1, "methodId": 1, "statement": "x",
        });
        // Signed by hand, in Przelewy24's order: a valid sign, about a session we never made.
        let signed = format!(
            r#"{{"merchantId":{m},"posId":{m},"sessionId":"nie-nasza","amount":100,"originAmount":100,"currency":"PLN","orderId":1,"methodId":1,"statement":"x","crc":"{}"}}"#,
            common::payments::P24_CRC,
            m = common::payments::P24_MERCHANT
        );
        let sign = hex::encode(sha2::Sha384::digest(signed.as_bytes()));
        let mut note = stranger;
        note["sign"] = json!(sign);
        let headers = [("content-type", "application/json".to_string())];
        let status = shop.post_raw("/payments/przelewy24/notify", &headers, note.to_string()).await;
        assert_eq!(status, 404);
        assert_eq!(available(&db).await, start + 900);

        // Przelewy24 down, then slow: the order fails, the operator is told, nothing is added.
        p24.control("/control/mode", json!({ "mode": "down" })).await;
        let (status, error) = shop.buy("1", "przelewy24").await;
        assert_eq!(status, 422);
        assert_eq!(error, json!({ "Invalid": { "field": "Provider", "problem": "Unavailable" } }));
        assert_eq!(order(&db, last_order(&db).await).await.0, "failed");
        p24.control("/control/mode", json!({ "mode": "slow" })).await;
        let (status, _) = shop.buy("1", "przelewy24").await;
        assert_eq!(status, 422);
        let (_, events) = order(&db, last_order(&db).await).await;
        assert_eq!(events, ["failed"]);
        // No such provider here, and a quantity out of range, are named.
        let (status, error) = shop.buy("1", "payu").await;
        assert_eq!((status, &error["Invalid"]["field"]), (422, &json!("Provider")));
        let (status, error) = shop.buy("0", "przelewy24").await;
        assert_eq!((status, &error["Invalid"]["field"]), (422, &json!("Packages")));
        assert_eq!(available(&db).await, start + 900);
    })
    .await;
}

/// The signature header PayU puts on a notification of `body`.
fn payu_signature(body: &str) -> String {
    let signature = hex::encode(sha2::Sha256::digest(
        format!("{body}{PAYU_SECOND_KEY}").as_bytes(),
    ));
    format!("sender=checkout;signature={signature};algorithm=SHA-256;content=DOCUMENT")
}

#[tokio::test]
async fn three_packages_paid_through_the_payu_simulator_add_900_sms_once() {
    on_both(|db| async move {
        seeded(&db).await;
        let start = available(&db).await;
        let payu = PayuSimulator::start().await;
        let shop = Shop::open(&db, None, Some(&payu)).await;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();

        let (status, url) = shop.buy("3", "payu").await;
        assert_eq!(status, 200, "{url}");
        let url = url.as_str().unwrap().to_string();
        assert!(
            url.starts_with(&format!("{}/sim/payu/authorize/", payu.url)),
            "{url}"
        );
        let id = last_order(&db).await;
        // The buyer approves the payment on PayU's page; PayU notifies the app, which reads
        // the order back from PayU before adding the credits.
        let approved = http
            .post(&url)
            .form(&[("action", "approve")])
            .send()
            .await
            .unwrap();
        assert_eq!(approved.status().as_u16(), 302);
        assert_eq!(
            approved.headers()["location"].to_str().unwrap(),
            format!("{}/credits/orders/{id}", shop.url)
        );
        assert_eq!(available(&db).await, start + 900);
        assert_eq!(order(&db, id).await.0, "paid");

        // The same notification again (PayU repeats until it gets a 200): nothing more.
        let reference: String =
            sqlx::query_scalar("SELECT provider_ref FROM credit_orders WHERE id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        let session: String =
            sqlx::query_scalar("SELECT session_id FROM credit_orders WHERE id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        let body = json!({ "order": {
            "orderId": reference, "extOrderId": session, "totalAmount": (3 * PRICE).to_string(),
            "currencyCode": "PLN", "status": "COMPLETED",
        }})
        .to_string();
        let headers = |body: &str| {
            [
                ("content-type", "application/json".to_string()),
                ("openpayu-signature", payu_signature(body)),
            ]
        };
        assert_eq!(
            shop.post_raw("/payments/payu/notify", &headers(&body), body.clone())
                .await,
            200
        );
        assert_eq!(available(&db).await, start + 900);
        // A forged one (signed with another key) is refused.
        let forged = [
            ("content-type", "application/json".to_string()),
            (
                "openpayu-signature",
                "signature=00;algorithm=SHA-256".to_string(),
            ),
        ];
        assert_eq!(
            shop.post_raw("/payments/payu/notify", &forged, body.clone())
                .await,
            400
        );
        let (_, events) = order(&db, id).await;
        assert_eq!(events, ["registered", "paid", "repeated"]);

        // A payment the buyer rejects: the order is cancelled, nothing added.
        let (_, url) = shop.buy("1", "payu").await;
        let rejected = last_order(&db).await;
        let url = url.as_str().unwrap().to_string();
        http.post(&url)
            .form(&[("action", "reject")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            order(&db, rejected).await,
            (
                "cancelled".into(),
                vec!["registered".into(), "cancelled".into()]
            )
        );
        assert_eq!(available(&db).await, start + 900);

        // A COMPLETED notification for an order PayU says is not completed: refused.
        let (_, url) = shop.buy("1", "payu").await;
        let pending = last_order(&db).await;
        let reference = url
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        let session: String =
            sqlx::query_scalar("SELECT session_id FROM credit_orders WHERE id = $1")
                .bind(pending)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        let lie = json!({ "order": {
            "orderId": reference, "extOrderId": session, "totalAmount": PRICE.to_string(),
            "currencyCode": "PLN", "status": "COMPLETED",
        }})
        .to_string();
        assert_eq!(
            shop.post_raw("/payments/payu/notify", &headers(&lie), lie.clone())
                .await,
            400
        );
        assert_eq!(order(&db, pending).await.0, "new");
        assert_eq!(available(&db).await, start + 900);
    })
    .await;
}
