//! The SMTP server of the tests: `aiosmtpd` from PyPI (`make test-tools` installs it into
//! `.tools/smtp`), storing every message it takes in a Maildir the tests read.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

pub struct Smtp {
    _child: Child,
    pub port: u16,
    maildir: PathBuf,
}

/// A message as stored, decoded.
#[derive(Debug)]
pub struct Mail {
    pub from: String,
    pub to: String,
    pub subject: String,
    /// The text (of the first part when there are several).
    pub body: String,
    /// Attachments' file names and sizes.
    pub files: Vec<(String, usize)>,
}

impl Smtp {
    pub async fn start() -> Smtp {
        Smtp::start_on(super::free_port()).await
    }

    /// On `port` (a server that was down comes up).
    pub async fn start_on(port: u16) -> Smtp {
        let python = concat!(env!("CARGO_MANIFEST_DIR"), "/../.tools/smtp/bin/python");
        let maildir =
            std::env::temp_dir().join(format!("esemes-mail-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&maildir);
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("aiosmtpd (make test-tools installs it into .tools/smtp)");
        listening(port).await;
        Smtp {
            _child: child,
            port,
            maildir,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message stored so far, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        files.sort_by_key(|path| std::fs::metadata(path).and_then(|m| m.modified()).ok());
        files
            .into_iter()
            .map(|path| {
                let raw = std::fs::read(path).unwrap();
                let mail = mailparse::parse_mail(&raw).unwrap();
                let header = |name: &str| {
                    use mailparse::MailHeaderMap;
                    mail.headers.get_first_value(name).unwrap_or_default()
                };
                let text = match mail.subparts.first() {
                    Some(first) => first.get_body().unwrap(),
                    None => mail.get_body().unwrap(),
                };
                let files = (mail.subparts.iter().skip(1))
                    .map(|part| {
                        let name = part
                            .get_content_disposition()
                            .params
                            .get("filename")
                            .cloned();
                        (name.unwrap_or_default(), part.get_body_raw().unwrap().len())
                    })
                    .collect();
                Mail {
                    from: header("From"),
                    to: header("To"),
                    subject: header("Subject"),
                    body: text,
                    files,
                }
            })
            .collect()
    }
}

/// An SMTP server (aiosmtpd with a handler of the tests, `fixtures/refusing_smtp.py`) that
/// refuses every recipient with `answer`; its process and port.
pub async fn refusing(answer: &str) -> (Child, u16) {
    let python = concat!(env!("CARGO_MANIFEST_DIR"), "/../.tools/smtp/bin/python");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/refusing_smtp.py"
    );
    let port = super::free_port();
    let child = Command::new(python)
        .arg(script)
        .arg(port.to_string())
        .arg(answer)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("aiosmtpd (make test-tools installs it into .tools/smtp)");
    listening(port).await;
    (child, port)
}

/// Waits (up to 10 s) until a server listens on `port`.
async fn listening(port: u16) {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no SMTP server on port {port}");
}

/// An SMTP server and a mailer sending through it.
pub async fn with_mailer() -> (Smtp, server::mail::Mailer) {
    let smtp = Smtp::start().await;
    let mailer = server::mail::Mailer::new(&smtp.url(), "Esemes <esemes@example.com>").unwrap();
    (smtp, mailer)
}
