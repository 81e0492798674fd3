//! The e-mail outbox: e-mail queued by the app (operators', reminders') is sent through its
//! account's SMTP server with lettre. A refusal (5xx) fails it with the server's answer; a
//! server down or a temporary refusal (4xx) is tried again later, a few times. Several servers
//! share the queue through leases.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use app::email::ssr::{self as email, Attempt, Due};
use app::email::{Tls, ValidAccount as Smtp};
use app::sealing::SealingKey;
use app::ssr::Db;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Notify;

/// How often the queue is looked at without being woken.
pub const EVERY: Duration = Duration::from_secs(5);
/// E-mail one look claims at most.
const CLAIM: i64 = 20;

/// The key SMTP passwords are sealed with: `ESEMES_SECRET_KEY` (base64 of 32 bytes), else the
/// key file, created with a new random key (readable by its owner only) on first start.
pub fn load_key(inline: Option<&str>, file: &Path) -> Result<SealingKey, String> {
    use base64::Engine;
    let decode = |text: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|e| format!("the secret key is not base64: {e}"))
    };
    if let Some(inline) = inline {
        return SealingKey::new(&decode(inline)?);
    }
    if let Ok(text) = std::fs::read_to_string(file) {
        return SealingKey::new(&decode(&text)?).map_err(|e| format!("{}: {e}", file.display()));
    }
    let mut key = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
    if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    }
    write_private(file, &base64::engine::general_purpose::STANDARD.encode(key))
        .map_err(|e| format!("{}: {e}", file.display()))?;
    tracing::info!(file = %file.display(), "a new secret key was created: keep it with the database's backups");
    SealingKey::new(&key)
}

fn write_private(file: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(file)?.write_all(text.as_bytes())
}

fn transport(smtp: &Smtp) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    type Transport = AsyncSmtpTransport<Tokio1Executor>;
    let builder = match smtp.tls {
        Tls::Tls => Transport::relay(&smtp.host).map_err(|e| e.to_string())?,
        Tls::Starttls => Transport::starttls_relay(&smtp.host).map_err(|e| e.to_string())?,
        Tls::None => Transport::builder_dangerous(&smtp.host),
    };
    let mut builder = builder
        .port(smtp.port)
        .timeout(Some(Duration::from_secs(20)));
    if !smtp.login.is_empty() {
        builder = builder.credentials(Credentials::new(smtp.login.clone(), smtp.password.clone()));
    }
    Ok(builder.build())
}

fn message(smtp: &Smtp, due: &Due) -> Result<Message, String> {
    let from = Mailbox::new(
        Some(smtp.from_name.clone()).filter(|n| !n.is_empty()),
        smtp.from_address
            .parse()
            .map_err(|e| format!("{}: {e}", smtp.from_address))?,
    );
    let to: Mailbox = due.to.parse().map_err(|e| format!("{}: {e}", due.to))?;
    let builder = Message::builder().from(from).to(to).subject(&due.title);
    let text = SinglePart::plain(due.body.clone());
    let built = match due.files.is_empty() {
        true => builder.singlepart(text),
        false => {
            let mut parts = MultiPart::mixed().singlepart(text);
            for file in &due.files {
                let kind = ContentType::parse(&file.content_type)
                    .unwrap_or_else(|_| ContentType::parse("application/octet-stream").unwrap());
                parts = parts.singlepart(
                    Attachment::new(file.name.clone()).body(file.content.clone(), kind),
                );
            }
            builder.multipart(parts)
        }
    };
    built.map_err(|e| e.to_string())
}

/// One attempt to send `due`.
async fn attempt(due: &Due) -> Attempt {
    let Some(smtp) = &due.smtp else {
        return Attempt::Refused("no e-mail account".into());
    };
    let message = match message(smtp, due) {
        Ok(message) => message,
        Err(why) => return Attempt::Refused(why),
    };
    let transport = match transport(smtp) {
        Ok(transport) => transport,
        Err(why) => return Attempt::Refused(why),
    };
    match transport.send(message).await {
        Ok(_) => Attempt::Sent,
        Err(e) if e.is_permanent() => Attempt::Refused(e.to_string()),
        Err(e) => Attempt::Temporary(e.to_string()),
    }
}

/// Sends the e-mail due at `now`; returns how many went.
pub async fn deliver_due(db: &Db, key: &SealingKey, now: i64) -> usize {
    let due = match email::claim_due(db, key, now, CLAIM).await {
        Ok(due) => due,
        Err(e) => {
            tracing::warn!(error = %e, "e-mail queue not read");
            return 0;
        }
    };
    let mut sent = 0;
    for mail in due {
        let result = attempt(&mail).await;
        match &result {
            Attempt::Sent => {
                sent += 1;
                tracing::info!(email_id = mail.id, "e-mail sent");
            }
            Attempt::Refused(why) => tracing::warn!(email_id = mail.id, %why, "e-mail refused"),
            Attempt::Temporary(why) => {
                tracing::info!(email_id = mail.id, %why, "e-mail not sent yet, tried again later")
            }
        }
        if let Err(e) = email::record(db, &mail, result, now).await {
            tracing::warn!(email_id = mail.id, error = %e, "e-mail attempt not recorded");
        }
    }
    sent
}

/// Sends queued e-mail every few seconds, and at once when woken.
pub async fn run(db: Db, key: SealingKey, woken: Arc<Notify>) {
    loop {
        deliver_due(&db, &key, app::ssr::now_ms()).await;
        let _ = tokio::time::timeout(EVERY, woken.notified()).await;
    }
}

/// The reminder automaton's service: a cycle `every` (a minute unless configured).
pub async fn run_reminders(
    db: Db,
    every: Duration,
    outbox: Arc<Notify>,
    email_outbox: Arc<Notify>,
) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        let period = every.as_millis() as i64;
        match app::reminders::ssr::run_cycle(&db, app::ssr::now_ms(), period).await {
            Ok(cycle) if cycle.sent > 0 => {
                outbox.notify_one();
                email_outbox.notify_one();
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reminder cycle failed"),
        }
    }
}
