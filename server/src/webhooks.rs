//! Posting the accounts' status webhooks: each post carries the next status changes in order,
//! as `{"events":[…]}`, signed `Esemes-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
//! "<t>.<body>" with the webhook's secret>` (the ERP checks it and the time, so a post cannot
//! be forged or replayed later). A post the ERP does not answer 2xx is tried again later.

use std::time::Duration;

use app::ssr::Db;
use app::webhooks::ssr::{self as webhooks, Outcome};
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

/// How long the ERP has to answer a post.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How often the server looks for changes to post.
pub const EVERY: Duration = Duration::from_secs(2);

/// The signature header's value for `body` posted at `unix_seconds`.
pub fn signature(secret: &str, unix_seconds: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{unix_seconds}.{body}").as_bytes());
    format!(
        "t={unix_seconds},v1={}",
        hex::encode(mac.finalize().into_bytes())
    )
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// Makes every post that is due at `now`; false when there was none.
pub async fn deliver_due(db: &Db, client: &reqwest::Client, now: i64) -> app::error::Result<bool> {
    let mut any = false;
    while let Some(due) = webhooks::claim_due(db, now).await? {
        any = true;
        let body = json!({ "events": due.events }).to_string();
        let signed = signature(&due.secret, now / 1000, &body);
        let answer = client
            .post(&due.url)
            .header("content-type", "application/json")
            .header("esemes-signature", signed)
            .body(body)
            .send()
            .await;
        let outcome = match answer {
            Ok(response) if response.status().is_success() => Outcome {
                status_code: Some(response.status().as_u16()),
                error: None,
            },
            Ok(response) => Outcome {
                status_code: Some(response.status().as_u16()),
                error: response.status().canonical_reason().map(str::to_string),
            },
            // The error without the URL: it may carry credentials the ERP put in it.
            Err(e) => Outcome {
                status_code: None,
                error: Some(e.without_url().to_string()),
            },
        };
        tracing::info!(
            account_id = due.account_id,
            events = due.events.len(),
            status = outcome.status_code,
            "status webhook posted"
        );
        webhooks::record(db, &due, &outcome, now).await?;
    }
    Ok(any)
}

/// The server's webhook loop.
pub async fn run(db: Db) {
    let client = client();
    let mut every = tokio::time::interval(EVERY);
    loop {
        every.tick().await;
        if let Err(e) = deliver_due(&db, &client, app::ssr::now_ms()).await {
            tracing::error!(error = %e, "status webhooks failed");
        }
    }
}
