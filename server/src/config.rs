//! Configuration from flags or environment variables (`esemes --help` lists them).

use std::net::SocketAddr;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Clone, Parser)]
#[command(
    name = "esemes",
    about = "Esemes: business SMS for a small-business ERP"
)]
pub struct Config {
    /// sqlite://PATH (embedded, the default) or postgres://USER:PASSWORD@HOST/DB. Its value from
    /// the environment is not shown by `--help`: it holds the database password.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/esemes.db",
        hide_env_values = true
    )]
    pub database_url: String,

    /// Address and port to listen on.
    #[arg(long, env = "ESEMES_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,

    /// The gateway connections file (see gateways.example.toml); without it messages go to the
    /// built-in simulator.
    #[arg(long, env = "ESEMES_GATEWAYS")]
    pub gateways: Option<String>,

    /// Prices and payment providers for buying SMS packages online (see
    /// payments.example.toml); without it buying online is not set up.
    #[arg(long, env = "ESEMES_PAYMENTS")]
    pub payments: Option<String>,

    /// The SMTP server e-mail goes through (`smtp://host:port`, with `user:password@` and
    /// `?tls=required`, or `smtps://`); without it no e-mail is sent.
    #[arg(long, env = "ESEMES_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The key (base64 of 32 bytes) SMTP passwords are stored encrypted with; without it, the
    /// key file's.
    #[arg(long, env = "ESEMES_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// The file of the key SMTP passwords are stored encrypted with, created on first start:
    /// back it up with the database (without it the passwords must be typed again).
    #[arg(
        long,
        env = "ESEMES_SECRET_KEY_FILE",
        default_value = "data/esemes-secret.key"
    )]
    pub secret_key_file: std::path::PathBuf,

    /// How often the reminder automaton looks for reminders due, in milliseconds.
    #[arg(long, env = "ESEMES_REMINDERS_EVERY_MS", default_value_t = 60_000)]
    pub reminders_every_ms: u64,

    /// Where sender names' owner statements are e-mailed (the SMS gateway's operator).
    #[arg(long, env = "ESEMES_SENDER_NAMES_EMAIL")]
    pub sender_names_email: Option<String>,

    /// The sender of Esemes' e-mail.
    #[arg(
        long,
        env = "ESEMES_MAIL_FROM",
        default_value = "Esemes <esemes@localhost>"
    )]
    pub mail_from: String,

    /// Without a connections file, the simulator reports delivery this many milliseconds after
    /// accepting a message.
    #[arg(long, env = "ESEMES_SIMULATOR_DELAY_MS", default_value_t = 2000)]
    pub simulator_delay_ms: u64,

    /// Password of the first administrator, used when the demo data is created; without it a
    /// password is generated and printed once.
    #[arg(long, env = "ESEMES_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// Create demo data (account, company, address book, templates) in an empty database.
    #[arg(long, env = "ESEMES_DEMO_DATA", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo_data: bool,

    /// Mark the session cookie Secure; set it when Esemes is served over HTTPS.
    #[arg(long, env = "ESEMES_SECURE_COOKIES", default_value_t = false, action = clap::ArgAction::Set)]
    pub secure_cookies: bool,

    /// Log format: human-readable text or JSON lines.
    #[arg(long, env = "ESEMES_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Without a command, the server runs.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Tools for operators of the server, run against the same database and then exiting.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// API tokens of the host ERP.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Gateway connections (ESEMES_GATEWAYS).
    #[command(subcommand)]
    Gateway(GatewayCommand),
    /// An account's pool of SMS credits.
    #[command(subcommand)]
    Credits(CreditsCommand),
    /// Sender names waiting for authorisation.
    #[command(subcommand)]
    SenderNames(SenderNamesCommand),
}

#[derive(Debug, Clone, Subcommand)]
pub enum SenderNamesCommand {
    /// List the names waiting for authorisation, with their owners.
    Pending,
    /// Authorise a name (after checking its owner's statement): it can be sent with from now.
    Authorise { name: String },
}

#[derive(Debug, Clone, Subcommand)]
pub enum CreditsCommand {
    /// Correct an account's pool by a number of credits (negative: take them away), with the
    /// reason kept in its ledger.
    Correct {
        #[arg(long)]
        account_id: i64,
        #[arg(long, allow_hyphen_values = true)]
        amount: i64,
        #[arg(long)]
        reason: String,
    },
    /// Show an account's pool.
    Show {
        #[arg(long)]
        account_id: i64,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum GatewayCommand {
    /// Connect (bind) to a connection of the file and say what was found.
    Check { name: String },
}

#[derive(Debug, Clone, Subcommand)]
pub enum TokenCommand {
    /// Create a token for an account and print it (shown only this once).
    Create {
        #[arg(long)]
        account_id: i64,
        /// What the token is for, e.g. "ERP production".
        #[arg(long)]
        name: String,
    },
    /// Revoke a token; requests with it are refused from then on.
    Revoke {
        #[arg(long)]
        account_id: i64,
        #[arg(long)]
        id: i64,
    },
    /// List an account's tokens (prefixes only).
    List {
        #[arg(long)]
        account_id: i64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn help_never_shows_the_database_password() {
        // The only test of this crate that touches the environment.
        std::env::set_var("DATABASE_URL", "postgres://esemes:tajne-haslo@db/esemes");
        std::env::set_var("ESEMES_ADMIN_PASSWORD", "inne-tajne-haslo");
        let help = Config::command().render_long_help().to_string();
        assert!(help.contains("DATABASE_URL"), "{help}");
        assert!(!help.contains("tajne-haslo"), "{help}");
        let config = Config::try_parse_from(["esemes"]).unwrap();
        assert_eq!(
            config.database_url,
            "postgres://esemes:tajne-haslo@db/esemes"
        );
    }
}
