//! The payment providers of the tests, as child processes on free ports: PayU's REST 2.1
//! simulator (PyPI `python-getpaid-simulator` with `python-getpaid-payu[simulator]`, installed
//! by `make test-tools` into `.tools/payu`) and the Przelewy24 double
//! (`end2end/fixtures/p24`, written to Przelewy24's published API and pinned to its published
//! sign vectors); and the app serving on a real port, where their notifications arrive.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use app::ssr::Db;
use serde_json::Value;
use tokio::process::{Child, Command};

pub const P24_MERCHANT: i64 = 64195;
pub const P24_API_KEY: &str = "p24-api-key";
pub const P24_CRC: &str = "p24-crc-key";
pub const PAYU_SECOND_KEY: &str = "payu-second-key";
/// A package's price in the tests: 49,00 zł.
pub const PRICE: i64 = 4900;

pub struct P24 {
    _child: Child,
    pub url: String,
}

impl P24 {
    pub async fn start() -> P24 {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../end2end/fixtures/p24/p24.mjs"
        );
        let merchant = P24_MERCHANT.to_string();
        let mut child = Command::new("node")
            .arg(script)
            .args([
                "--port",
                "0",
                "--merchant-id",
                &merchant,
                "--pos-id",
                &merchant,
            ])
            .args([
                "--api-key",
                P24_API_KEY,
                "--crc",
                P24_CRC,
                "--slow-ms",
                "4000",
            ])
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs the Przelewy24 double");
        let ready =
            super::ready_line(&mut child, "the Przelewy24 double (its sign vectors hold)").await;
        let port = ready
            .trim()
            .strip_prefix("ready port=")
            .expect("ready port=N");
        P24 {
            _child: child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    pub async fn control(&self, path: &str, body: Value) -> Value {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.url))
            .json(&body)
            .send()
            .await
            .unwrap();
        response.json().await.unwrap()
    }

    pub async fn transactions(&self) -> Vec<Value> {
        let url = format!("{}/control/transactions", self.url);
        reqwest::get(url).await.unwrap().json().await.unwrap()
    }
}

pub struct PayuSimulator {
    _child: Child,
    pub url: String,
}

impl PayuSimulator {
    pub async fn start() -> PayuSimulator {
        let program = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../.tools/payu/bin/getpaid-simulator"
        );
        let port = super::free_port();
        let child = Command::new(program)
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--log-level",
                "WARNING",
            ])
            .env("SIMULATOR_PAYU_SECOND_KEY", PAYU_SECOND_KEY)
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("the PayU simulator (make test-tools installs it into .tools/payu)");
        let url = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if reqwest::get(&url)
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return PayuSimulator { _child: child, url };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the PayU simulator did not start");
    }
}

/// The payments file for the providers given, the app at `public_url`.
pub fn payments_file(public_url: &str, p24: Option<&P24>, payu: Option<&PayuSimulator>) -> String {
    let mut file =
        format!("public_url = \"{public_url}\"\ntimeout_seconds = 2\n[prices]\nPLN = {PRICE}\n");
    if let Some(p24) = p24 {
        file.push_str(&format!(
            "[przelewy24]\nurl = \"{}\"\nmerchant_id = {P24_MERCHANT}\napi_key = \"{P24_API_KEY}\"\ncrc = \"{P24_CRC}\"\n",
            p24.url
        ));
    }
    if let Some(payu) = payu {
        file.push_str(&format!(
            "[payu]\nurl = \"{}/payu\"\npos_id = \"300746\"\nclient_id = \"300746\"\nclient_secret = \"s\"\nsecond_key = \"{PAYU_SECOND_KEY}\"\n",
            payu.url
        ));
    }
    file
}

/// The app serving on a free port with `payments_file`'s providers; the operator's session.
pub struct Shop {
    pub url: String,
    http: reqwest::Client,
    cookie: String,
}

impl Shop {
    pub async fn open(db: &Db, p24: Option<&P24>, payu: Option<&PayuSimulator>) -> Shop {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let text = payments_file(&url, p24, payu);
        let configured = server::payments::parse("payments.toml", &text, |_| None).unwrap();
        let mut state = super::app_state(db.clone(), Default::default());
        state.payments = configured.payments.clone();
        let app = server::app_with(state, configured.routes(db.clone()))
            .into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let login = http
            .post(format!("{url}/api/login"))
            .header("accept", "application/json")
            .form(&[("login", "admin"), ("password", super::ADMIN_PASSWORD)])
            .send()
            .await
            .unwrap();
        let cookie = login.headers()["set-cookie"].to_str().unwrap();
        let cookie = cookie.split(';').next().unwrap().to_string();
        Shop { url, http, cookie }
    }

    /// Calls server function `function` with `form`: the status and the JSON answer.
    pub async fn call(&self, function: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}/api/{function}", self.url))
            .header("accept", "application/json")
            .header("cookie", &self.cookie)
            .form(form)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Orders `packages` through `provider`: the status and the payment page's address (or the
    /// error).
    pub async fn buy(&self, packages: &str, provider: &str) -> (u16, Value) {
        let form = [
            ("packages", packages),
            ("currency", "PLN"),
            ("provider", provider),
        ];
        self.call("buy_credits", &form).await
    }

    pub async fn post_raw(&self, path: &str, headers: &[(&str, String)], body: String) -> u16 {
        let mut request = self.http.post(format!("{}{path}", self.url)).body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        request.send().await.unwrap().status().as_u16()
    }
}
