//! What the logs hold: people type passwords into the login field, so a failed login is logged
//! without the typed login, and nothing typed there or as a password reaches the log lines.

mod common;

use std::sync::{Arc, Mutex};

use app::auth::ssr::log_in;
use common::{seeded, CLIENT};

/// The log lines written while the test runs, as the server writes them (JSON).
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn failed_logins_are_logged_without_what_was_typed() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let db = common::sqlite().await;
    seeded(&db).await;
    let typed_as_login = "Tajne-Haslo-w-polu-loginu";
    for _ in 0..6 {
        assert!(log_in(&db, CLIENT, typed_as_login, "inne-haslo")
            .await
            .is_err());
        assert!(log_in(&db, CLIENT, "admin", "Zle-Haslo-99").await.is_err());
    }

    let lines = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(lines.contains("failed login"), "{lines}");
    assert!(lines.contains("too many failed attempts"), "{lines}");
    for secret in [typed_as_login, "inne-haslo", "Zle-Haslo-99"] {
        assert!(!lines.contains(secret), "{secret} in {lines}");
    }
}
