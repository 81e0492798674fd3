//! Payment providers for buying SMS packages: Przelewy24 and PayU behind the app's
//! `PaymentProvider`, and the routes their notifications come to. The prices and the providers'
//! settings come from the TOML file named by `ESEMES_PAYMENTS` (an example is committed as
//! `payments.example.toml`); secrets are written as `${ENV_VAR}` and never logged.

pub mod payu;
pub mod przelewy24;

use std::sync::Arc;
use std::time::Duration;

use app::payments::ssr::{PaymentProvider, Payments, Settled};
use app::payments::Price;
use app::ssr::Db;
use axum::http::StatusCode;
use axum::Router;
use serde::Deserialize;

use crate::gateway::connections::expand;

/// How long a provider may take to answer, by default, before the purchase is given up.
fn default_timeout_seconds() -> u64 {
    15
}

/// Where the providers' notifications come, under the installation's public address.
pub const P24_NOTIFY_PATH: &str = "/payments/przelewy24/notify";
pub const PAYU_NOTIFY_PATH: &str = "/payments/payu/notify";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// This installation's address as buyers and providers reach it.
    public_url: String,
    /// How long a provider may take to answer (seconds).
    #[serde(default = "default_timeout_seconds")]
    timeout_seconds: u64,
    /// A package's gross price per currency, in minor units (grosze).
    prices: std::collections::BTreeMap<String, i64>,
    przelewy24: Option<P24Entry>,
    payu: Option<PayuEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct P24Entry {
    url: String,
    merchant_id: i64,
    pos_id: Option<i64>,
    api_key: String,
    crc: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PayuEntry {
    url: String,
    pos_id: String,
    client_id: String,
    client_secret: String,
    second_key: String,
}

/// The payments of a file: what the app offers, and the providers for their routes.
#[derive(Clone, Default)]
pub struct Configured {
    pub payments: Payments,
    p24: Option<Arc<przelewy24::Przelewy24>>,
    payu: Option<Arc<payu::Payu>>,
}

impl Configured {
    /// The providers' notification routes, outside the session check (the providers
    /// authenticate by their signatures).
    pub fn routes(&self, db: Db) -> Router {
        let mut router = Router::new();
        if let Some(p24) = &self.p24 {
            router = router.merge(przelewy24::routes(db.clone(), p24.clone()));
        }
        if let Some(payu) = &self.payu {
            router = router.merge(payu::routes(db, payu.clone()));
        }
        router
    }
}

/// The providers of the file `path`, ready to register payments.
pub fn load(path: &str) -> Result<Configured, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    parse(path, &text, |var| std::env::var(var).ok())
}

/// Reads the payments file `text` (the file `path`), `env` giving `${VAR}` values.
pub fn parse(
    path: &str,
    text: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Configured, String> {
    let file: File = toml::from_str(text).map_err(|e| format!("{path}: {e}"))?;
    let secret = |section: &str, key: &str, value: &str| {
        expand(value, &env).map_err(|var| {
            format!("{path}: [{section}] `{key}` names ${{{var}}}, which is not set")
        })
    };
    let public_url = file.public_url.trim_end_matches('/').to_string();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(file.timeout_seconds))
        // PayU answers a new order with a redirect to the payment page: that is the answer.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("{path}: {e}"))?;
    let mut providers: Vec<Arc<dyn PaymentProvider>> = Vec::new();
    let mut configured = Configured::default();
    if let Some(p24) = file.przelewy24 {
        let provider = Arc::new(przelewy24::Przelewy24 {
            settings: przelewy24::Settings {
                url: p24.url.trim_end_matches('/').to_string(),
                merchant_id: p24.merchant_id,
                pos_id: p24.pos_id.unwrap_or(p24.merchant_id),
                api_key: secret("przelewy24", "api_key", &p24.api_key)?,
                crc: secret("przelewy24", "crc", &p24.crc)?,
                notify_url: format!("{public_url}{P24_NOTIFY_PATH}"),
            },
            http: http.clone(),
        });
        providers.push(provider.clone());
        configured.p24 = Some(provider);
    }
    if let Some(payu) = file.payu {
        let provider = Arc::new(payu::Payu {
            settings: payu::Settings {
                url: payu.url.trim_end_matches('/').to_string(),
                pos_id: payu.pos_id,
                client_id: payu.client_id,
                client_secret: secret("payu", "client_secret", &payu.client_secret)?,
                second_key: secret("payu", "second_key", &payu.second_key)?,
                notify_url: format!("{public_url}{PAYU_NOTIFY_PATH}"),
            },
            http: http.clone(),
        });
        providers.push(provider.clone());
        configured.payu = Some(provider);
    }
    for (currency, price) in &file.prices {
        let valid = currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase());
        if !valid || *price <= 0 {
            return Err(format!("{path}: prices: {currency} = {price} is not a currency and a positive price in minor units"));
        }
    }
    configured.payments = Payments {
        prices: (file.prices.into_iter())
            .map(|(currency, unit_price)| Price {
                currency,
                unit_price,
            })
            .collect(),
        payment_pages: [configured.p24.as_ref().map(|p| origin(&p.settings.url))]
            .into_iter()
            .chain([configured.payu.as_ref().map(|p| origin(&p.settings.url))])
            .flatten()
            .collect(),
        providers,
        public_url,
    };
    Ok(configured)
}

/// Sends `request` to `provider`: the answer's status and body, or that none came.
async fn exchange(
    provider: &str,
    request: reqwest::RequestBuilder,
) -> Result<(reqwest::StatusCode, String), String> {
    let response = (request.send().await).map_err(|e| format!("{provider} did not answer: {e}"))?;
    let status = response.status();
    Ok((status, response.text().await.unwrap_or_default()))
}

/// What a provider is told of its notification: taken (200), never to be taken (400), about no
/// order of ours (404), or to be sent again later (503).
fn answer(settled: app::error::Result<Settled>) -> StatusCode {
    match settled {
        Ok(Settled::Credited | Settled::AlreadyPaid | Settled::Cancelled) => StatusCode::OK,
        Ok(Settled::Refused) => StatusCode::BAD_REQUEST,
        Ok(Settled::Unknown) => StatusCode::NOT_FOUND,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// `scheme://host[:port]` of a URL.
fn origin(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| after_scheme + i);
    url[..end].to_string()
}

/// Equal, in a time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0, |d, (x, y)| d | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_file_is_valid_and_secrets_come_from_the_environment() {
        let text = include_str!("../../../payments.example.toml");
        let env = |var: &str| Some(format!("<{var}>"));
        let payments = parse("payments.example.toml", text, env).unwrap().payments;
        assert_eq!(payments.providers.len(), 2);
        assert!(payments.prices.iter().any(|p| p.currency == "PLN"));
        let missing = parse("p.toml", text, |_| None).err().unwrap();
        assert!(missing.contains("which is not set"), "{missing}");
    }

    #[test]
    fn a_providers_origin_is_its_scheme_host_and_port() {
        assert_eq!(
            origin("https://secure.payu.com/api"),
            "https://secure.payu.com"
        );
        assert_eq!(
            origin("http://127.0.0.1:3108/payu"),
            "http://127.0.0.1:3108"
        );
        assert_eq!(
            origin("https://sandbox.przelewy24.pl"),
            "https://sandbox.przelewy24.pl"
        );
    }

    #[test]
    fn comparison_is_exact() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
    }
}
