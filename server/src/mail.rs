//! E-mail over SMTP (`ESEMES_SMTP_URL`, e.g. `smtp://127.0.0.1:2525`,
//! `smtp://user:password@mail.example.com:587?tls=required` or `smtps://…:465`), from
//! `ESEMES_MAIL_FROM`: the administrators' low-balance warning, and sender names' statements
//! to the gateway operator (`ESEMES_SENDER_NAMES_EMAIL`). Without a URL nothing is sent
//! (the warning stays in the app's banner).

use std::time::Duration;

use app::ssr::Db;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How often the pools are checked for a warning to send.
pub const MAIL_EVERY: Duration = Duration::from_secs(60);

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

/// E-mails each new sender name's owner's statement to the gateway operator (`to`), with a
/// copy to whoever accepted it (both as recipients); the name is marked first (so two servers send it once) and
/// unmarked if the mail could not go. Returns how many went.
pub async fn send_statements(db: &Db, mailer: &Mailer, to: &str, now: i64) -> usize {
    use app::sender_names::ssr as names;
    let Ok(statements) = names::claim_statements(db, now).await else {
        return 0;
    };
    let mut sent = 0;
    for mail in statements {
        let s = &mail.statement;
        let accepted = app::ssr::local_time(mail.accepted_at).format(app::i18n::Lang::Pl);
        let subject = format!("Oświadczenie właściciela nazwy nadawcy SMS „{}”", mail.name);
        let body = format!(
            "Nazwa nadawcy: {}\n\nOświadczam, że jestem uprawniony do posługiwania się powyższą \
             nazwą i zezwalam na wysyłanie wiadomości SMS z tą nazwą nadawcy w imieniu firmy:\n\n\
             {}\n{}\nNIP: {}\n\nOświadczenie zaakceptował(a): {} ({}), {}.\n\n— Esemes\n",
            mail.name,
            s.owner_name,
            s.owner_address,
            s.owner_nip,
            mail.accepted_by,
            mail.accepted_by_email,
            accepted
        );
        let mut recipients = vec![to.to_string()];
        if !mail.accepted_by_email.is_empty() {
            recipients.push(mail.accepted_by_email.clone());
        }
        match mailer.send(&recipients, &subject, &body).await {
            Ok(()) => {
                tracing::info!(sender_name_id = mail.id, "sender name statement sent");
                sent += 1;
            }
            Err(why) => {
                tracing::warn!(sender_name_id = mail.id, %why, "sender name statement not sent");
                let _ = names::unclaim_statement(db, mail.id).await;
            }
        }
    }
    sent
}
