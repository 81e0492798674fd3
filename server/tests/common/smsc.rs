//! The SMS centre of the tests: `end2end/fixtures/smsc`, an SMPP 3.4 SMSC on the npm `smpp`
//! package, started as a child process on free ports and steered over its HTTP control port.

use std::process::Stdio;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

pub const SYSTEM_ID: &str = "esemes";
pub const PASSWORD: &str = "secret";

pub struct Smsc {
    _child: Child,
    pub smpp_port: u16,
    control_port: u16,
}

impl Smsc {
    /// Starts the SMSC with extra command-line `options`; killed when dropped.
    pub async fn start(options: &[&str]) -> Smsc {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../end2end/fixtures/smsc/smsc.js"
        );
        let mut child = Command::new("node")
            .arg(script)
            .args([
                "--port",
                "0",
                "--control-port",
                "0",
                "--system-id",
                SYSTEM_ID,
            ])
            .args(["--password", PASSWORD])
            .args(options)
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs the SMSC fixture (make test installs it)");
        let ready = super::ready_line(&mut child, "the SMSC").await;
        // "ready smpp=PORT control=PORT"
        let port = |key: &str| -> u16 {
            let at = ready
                .find(key)
                .unwrap_or_else(|| panic!("{key} in {ready:?}"))
                + key.len();
            ready[at..]
                .split_whitespace()
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        Smsc {
            smpp_port: port("smpp="),
            control_port: port("control="),
            _child: child,
        }
    }

    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.smpp_port)
    }

    /// One control request; the answer's JSON body (null when empty).
    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut stream = TcpStream::connect(("127.0.0.1", self.control_port))
            .await
            .unwrap();
        let request = format!(
            // HTTP/1.0: the answer comes whole, never chunked.
            "{method} {path} HTTP/1.0\r\nHost: smsc\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        assert!(
            head.starts_with("HTTP/1.1 2"),
            "{method} {path}: {head}\n{body}"
        );
        serde_json::from_str(body).unwrap_or(Value::Null)
    }

    /// Gives `destination` (digits, no +) this behaviour (see the fixture's README).
    pub async fn rule(&self, destination: &str, action: Value) {
        let rule = serde_json::json!({ "destination": destination, "action": action });
        self.control("POST", "/rules", Some(rule)).await;
    }

    pub async fn submits(&self) -> Vec<Value> {
        array(self.control("GET", "/submits", None).await)
    }

    /// The messages the SMSC reassembled from the parts it accepted.
    pub async fn messages(&self) -> Vec<Value> {
        array(self.control("GET", "/messages", None).await)
    }
}

fn array(value: Value) -> Vec<Value> {
    value.as_array().cloned().unwrap_or_default()
}
