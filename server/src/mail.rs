//! E-mail over SMTP (`ESEMES_SMTP_URL`, e.g. `smtp://127.0.0.1:2525`,
//! `smtp://user:password@mail.example.com:587?tls=required` or `smtps://…:465`), from
//! `ESEMES_MAIL_FROM`: the administrators' low-balance warning. Without a URL nothing is sent
//! (the warning stays in the app's banner).

use std::time::Duration;

use app::ssr::Db;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How often the pools are checked for a warning to send.
pub const ALERT_EVERY: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(url: &str, from: &str) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("ESEMES_SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse()
            .map_err(|e| format!("ESEMES_MAIL_FROM {from:?}: {e}"))?;
        Ok(Mailer { transport, from })
    }

    /// Sends one plain-text message; the SMTP server's answer when it is refused.
    pub async fn send(&self, to: &[String], subject: &str, body: &str) -> Result<(), String> {
        let mut message = Message::builder().from(self.from.clone()).subject(subject);
        for address in to {
            let mailbox: Mailbox = address.parse().map_err(|e| format!("{address}: {e}"))?;
            message = message.to(mailbox);
        }
        let message = message
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// Sends each account whose pool fell below its threshold one warning, to its active
/// administrators; the pool is marked warned first (so two servers send one), and unmarked if
/// the mail could not go (the next cycle tries again). Returns how many went.
pub async fn warn_low_balances(db: &Db, mailer: &Mailer, now: i64) -> usize {
    let warnings = match app::credits::ssr::claim_low_balance_warnings(db, now).await {
        Ok(warnings) => warnings,
        Err(_) => return 0,
    };
    let mut sent = 0;
    for warning in warnings {
        let subject = format!("Esemes: w puli zostało {} SMS", warning.available);
        let body = format!(
            "Dzień dobry,\n\nw puli SMS konta „{}” zostało {} SMS, mniej niż ustawiony próg {}.\n\
             Wiadomości, na które zabraknie SMS, nie zostaną wysłane. Pulę doładujesz na stronie \
             „Pula SMS” (/credits).\n\nTo ostrzeżenie przychodzi raz, do czasu doładowania.\n\n— Esemes\n",
            warning.account_name, warning.available, warning.alert_below
        );
        match mailer.send(&warning.emails, &subject, &body).await {
            Ok(()) => {
                tracing::info!(account_id = warning.account_id, "low-balance warning sent");
                sent += 1;
            }
            Err(why) => {
                tracing::warn!(account_id = warning.account_id, %why, "low-balance warning not sent");
                let _ =
                    app::credits::ssr::unclaim_low_balance_warning(db, warning.account_id).await;
            }
        }
    }
    sent
}
