use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::messages::ssr::Route;
use app::ssr::{AppState, Db, GatewayStatus};
use clap::Parser;
use leptos::config::get_configuration;
use server::config::{
    Command, Config, CreditsCommand, GatewayCommand, LogFormat, SenderNamesCommand, TokenCommand,
};
use server::dispatcher::Dispatcher;
use server::gateway::connections::{self, Connection, Driver};
use server::gateway::kannel::{self, Kannel};
use server::gateway::smpp::Smpp;
use server::gateway::{simulator::Simulator, Gateway, ReportSink};
use tokio::sync::{mpsc, watch, Notify};
use tracing_subscriber::EnvFilter;

/// How long shutdown waits for in-flight sends before giving up.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// How often failed logins older than the throttling window are forgotten.
const LOGIN_FAILURES_PRUNE_EVERY: Duration = Duration::from_secs(5 * 60);
/// How often unfinished serial sends are looked for (see `work_on_batches`).
const BATCHES_EVERY: Duration = Duration::from_secs(30);

#[tokio::main]
async fn main() {
    let config = Config::parse();
    init_logging(config.log_format);
    if let Err(e) = run(config).await {
        tracing::error!("{e:#}");
        eprintln!("esemes: {e:#}");
        std::process::exit(1);
    }
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    let connections = match &config.gateways {
        Some(path) => connections::load(path).map_err(anyhow::Error::msg)?,
        None => vec![connections::simulator(Duration::from_millis(
            config.simulator_delay_ms,
        ))],
    };
    if let Some(Command::Gateway(GatewayCommand::Check { name })) = &config.command {
        return check_gateway(&connections, name).await;
    }
    let payments = match &config.payments {
        Some(path) => server::payments::load(path).map_err(anyhow::Error::msg)?,
        None => Default::default(),
    };
    let mailer = match &config.smtp_url {
        Some(url) => {
            Some(server::mail::Mailer::new(url, &config.mail_from).map_err(anyhow::Error::msg)?)
        }
        None => None,
    };
    let db = Db::connect(&config.database_url).await?;
    match config.command {
        Some(Command::Token(command)) => return token_command(&db, command).await,
        Some(Command::Credits(command)) => return credits_command(&db, command).await,
        Some(Command::SenderNames(command)) => return sender_names_command(&db, command).await,
        _ => {}
    }
    tracing::info!(backend = ?db.backend, "database ready");
    if config.demo_data {
        if let Some(seeded) =
            server::demo::seed_if_empty(&db, config.admin_password.clone()).await?
        {
            server::demo::seed_documents_and_tasks(&db, seeded.company_id).await?;
            server::demo::seed_replies(&db, seeded.company_id).await?;
            println!(
                "\nDemo data created. Log in at http://{}/login",
                config.bind
            );
            println!("  login:    {}", server::demo::ADMIN_LOGIN);
            match seeded.generated_password {
                Some(password) => {
                    println!("  password: {password}   (generated; shown only this once)\n")
                }
                None => println!("  password: the value of ESEMES_ADMIN_PASSWORD\n"),
            }
        }
    }

    // Accounts listed in a connection's `accounts` send through it, all others through the
    // first: one dispatcher per connection, each claiming its accounts' messages.
    let routed_elsewhere: Vec<i64> = (connections.iter().skip(1))
        .flat_map(|c| c.accounts.clone())
        .collect();
    let outbox = Arc::new(Notify::new());
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let (mut statuses, mut dispatchers, mut wakers) = (Vec::new(), Vec::new(), Vec::new());
    let mut kannel_routes = axum::Router::new();
    for (i, connection) in connections.iter().enumerate() {
        let (report_tx, report_rx) = mpsc::channel(1024);
        let (gateway, status) =
            start_gateway(connection, report_tx.clone(), &db).map_err(anyhow::Error::msg)?;
        if let Driver::Kannel(settings) = &connection.driver {
            let inbox = kannel::Inbox {
                db: db.clone(),
                connection: gateway.name(),
                secret: settings.incoming_secret.clone(),
            };
            kannel_routes = kannel::routes(report_tx, Some(inbox));
        }
        let route = match i {
            0 => Route::AllBut(routed_elsewhere.clone()),
            _ => Route::Only(connection.accounts.clone()),
        };
        tracing::info!(connection = %connection.name, ?route, "sending through");
        let woken = Arc::new(Notify::new());
        let dispatcher =
            Dispatcher::with_policy(db.clone(), gateway, woken.clone(), connection.policy)
                .routed(route);
        statuses.push((status, dispatcher.meter()));
        wakers.push(woken);
        dispatchers.push(tokio::spawn(dispatcher.run(report_rx, shutdown_rx.clone())));
    }
    // A message queued wakes every dispatcher: the one of its account's connection claims it.
    let queued = outbox.clone();
    tokio::spawn(async move {
        loop {
            queued.notified().await;
            wakers.iter().for_each(|waker| waker.notify_one());
        }
    });
    let status: GatewayStatus = Arc::new(move || {
        let mut all = Vec::new();
        for (status, meter) in &statuses {
            for mut connection in status() {
                connection.sending = meter.read();
                all.push(connection);
            }
        }
        all
    });

    tokio::spawn(forget_old_login_failures(db.clone()));
    tokio::spawn(work_on_batches(db.clone(), outbox.clone()));
    tokio::spawn(server::webhooks::run(db.clone()));
    let sealing_key =
        server::email_outbox::load_key(config.secret_key.as_deref(), &config.secret_key_file)
            .map_err(anyhow::Error::msg)?;
    let email_outbox = Arc::new(Notify::new());
    tokio::spawn(server::email_outbox::run(
        db.clone(),
        sealing_key.clone(),
        email_outbox.clone(),
    ));
    let every = std::time::Duration::from_millis(config.reminders_every_ms.max(1000));
    tokio::spawn(server::email_outbox::run_reminders(
        db.clone(),
        every,
        outbox.clone(),
        email_outbox.clone(),
    ));
    if let Some(mailer) = mailer {
        tokio::spawn(send_mail(
            db.clone(),
            mailer,
            config.sender_names_email.clone(),
        ));
    }

    let mut leptos_options = get_configuration(None)?.leptos_options;
    leptos_options.site_addr = config.bind;
    // The build names the bundle's files by their content and lists the names in a file beside
    // this binary; pages must then link to those names (a build without it keeps plain names).
    leptos_options.hash_files |= std::env::current_exe()?
        .with_file_name(leptos_options.hash_file.as_ref())
        .exists();
    let callbacks = kannel_routes.merge(payments.routes(db.clone()));
    let state = AppState {
        leptos_options,
        db,
        outbox,
        secure_cookies: config.secure_cookies,
        gateways: status,
        clock: Default::default(),
        payments: payments.payments.clone(),
        sealing_key,
        email_outbox,
    };
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.bind))?;
    tracing::info!("listening on http://{}", config.bind);
    println!("Esemes is running at http://{}", config.bind);
    // The client's address throttles its failed logins (`app::auth::ssr::client_address`).
    let app =
        server::app_with(state, callbacks).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;

    tracing::info!("stopping: finishing in-flight sends");
    shutdown_tx.send(true)?;
    let stopped = futures::future::join_all(dispatchers);
    if tokio::time::timeout(SHUTDOWN_GRACE, stopped).await.is_err() {
        tracing::warn!("in-flight sends did not finish in time; their leases expire and they resume at the next start");
    }
    Ok(())
}

/// The connection's driver, and how to read its state for the administration page.
fn start_gateway(
    connection: &Connection,
    reports: ReportSink,
    db: &Db,
) -> Result<(Arc<dyn Gateway>, GatewayStatus), String> {
    let ready = |driver| app::ssr::always_ready(connection.name.clone(), driver);
    Ok(match &connection.driver {
        Driver::Simulator { delivery_delay } => (
            Arc::new(Simulator::new(*delivery_delay, reports)),
            ready("simulator"),
        ),
        Driver::Smpp(settings) => {
            let smpp = Smpp::start(settings.clone(), reports, Some(db.clone()));
            let watched = smpp.clone();
            (smpp, Arc::new(move || vec![watched.status()]))
        }
        Driver::Kannel(settings) => (Arc::new(Kannel::new(settings.clone())?), ready("kannel")),
    })
}

async fn check_gateway(connections: &[Connection], name: &str) -> anyhow::Result<()> {
    let connection = connections
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| anyhow::anyhow!("no connection named {name:?}"))?;
    let found = match &connection.driver {
        Driver::Simulator { .. } => Ok(format!("{name}: the built-in simulator is always ready")),
        Driver::Smpp(settings) => Smpp::check(settings).await,
        Driver::Kannel(settings) => Ok(format!(
            "{name}: sends to {} (Kannel is asked at the first message)",
            settings.sendsms_url
        )),
    };
    println!("{}", found.map_err(anyhow::Error::msg)?);
    Ok(())
}

/// Low-balance warnings and sender names' statements, every minute.
async fn send_mail(db: Db, mailer: server::mail::Mailer, statements_to: Option<String>) {
    let mut every = tokio::time::interval(server::mail::MAIL_EVERY);
    loop {
        every.tick().await;
        let now = app::ssr::now_ms();
        server::mail::warn_low_balances(&db, &mailer, now).await;
        if let Some(to) = &statements_to {
            server::mail::send_statements(&db, &mailer, to, now).await;
        }
    }
}

/// Serial sends left by a stopped server resume at once; those a crashed server on a shared
/// database left, once its lease on them expires.
async fn work_on_batches(db: Db, outbox: Arc<Notify>) {
    let mut every = tokio::time::interval(BATCHES_EVERY);
    loop {
        every.tick().await;
        app::batches::ssr::work(db.clone(), outbox.clone()).await;
    }
}

async fn forget_old_login_failures(db: Db) {
    let mut every = tokio::time::interval(LOGIN_FAILURES_PRUNE_EVERY);
    loop {
        every.tick().await;
        // A failure is logged where it happened; the next tick tries again.
        if let Ok(forgotten) = app::auth::ssr::forget_old_login_failures(&db).await {
            tracing::debug!(forgotten, "old failed logins forgotten");
        }
    }
}

async fn sender_names_command(db: &Db, command: SenderNamesCommand) -> anyhow::Result<()> {
    use app::sender_names::ssr as names;
    let failed = |e: app::error::AppError| anyhow::anyhow!("{}", e.message(app::i18n::Lang::En));
    match command {
        SenderNamesCommand::Pending => {
            for (name, owner, nip) in names::pending(db).await.map_err(failed)? {
                println!("{name}\t{owner}\tNIP {nip}");
            }
        }
        SenderNamesCommand::Authorise { name } => {
            let now = app::ssr::now_ms();
            if !names::authorise(db, &name, now).await.map_err(failed)? {
                anyhow::bail!("no sender name {name:?} is waiting for authorisation");
            }
            println!("{name} is authorised.");
        }
    }
    Ok(())
}

async fn credits_command(db: &Db, command: CreditsCommand) -> anyhow::Result<()> {
    use app::credits::{ssr as credits, EntryKind};
    let failed = |e: app::error::AppError| anyhow::anyhow!("{}", e.message(app::i18n::Lang::En));
    let (account_id, balance) = match command {
        CreditsCommand::Correct {
            account_id,
            amount,
            reason,
        } => {
            if reason.trim().is_empty() {
                anyhow::bail!("a correction needs its reason (--reason)");
            }
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE id = $1")
                .bind(account_id)
                .fetch_optional(&db.pool)
                .await?;
            if exists.is_none() {
                anyhow::bail!("there is no account {account_id}");
            }
            let about = credits::About::default();
            let at = app::ssr::now_ms();
            let kind = EntryKind::Correction;
            let balance = credits::add(db, account_id, kind, amount, about, reason.trim(), at)
                .await
                .map_err(failed)?;
            (account_id, balance)
        }
        CreditsCommand::Show { account_id } => {
            let mut conn = db.pool.acquire().await?;
            let balance = credits::balance(&mut conn, account_id)
                .await
                .map_err(failed)?;
            (account_id, balance)
        }
    };
    println!(
        "Account {account_id}: {} available, {} held.",
        balance.available, balance.held
    );
    Ok(())
}

async fn token_command(db: &Db, command: TokenCommand) -> anyhow::Result<()> {
    use app::api_tokens::ssr as tokens;
    use app::error::AppError;
    let failed = |not_found: String| {
        move |e: AppError| match e {
            AppError::NotFound => anyhow::anyhow!(not_found),
            e => anyhow::anyhow!("{}", e.message(app::i18n::Lang::En)),
        }
    };
    match command {
        TokenCommand::Create { account_id, name } => {
            let (token, secret) = tokens::create(db, account_id, &name, None)
                .await
                .map_err(failed(format!("there is no account {account_id}")))?;
            println!(
                "Token {} ({}) for account {account_id}:",
                token.id, token.name
            );
            println!("{secret}");
            println!("Keep it now: it is stored hashed and cannot be shown again.");
        }
        TokenCommand::Revoke { account_id, id } => {
            tokens::revoke(db, account_id, id)
                .await
                .map_err(failed(format!(
                    "account {account_id} has no active token {id}"
                )))?;
            println!("Token {id} revoked.");
        }
        TokenCommand::List { account_id } => {
            let listed = tokens::list(db, account_id).await;
            for token in listed.map_err(failed(String::new()))? {
                let state = if token.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!("{}\t{}…\t{state}\t{}", token.id, token.prefix, token.name);
            }
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
