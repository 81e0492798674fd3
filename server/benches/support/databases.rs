//! The databases a bench runs on: a fresh SQLite file, and a fresh PostgreSQL database when
//! ESEMES_BENCH_POSTGRES_URL names a server (e.g. postgres://esemes:esemes@127.0.0.1:5432).

use std::future::Future;

use app::ssr::Db;
use sqlx::{Connection, Executor, PgConnection};

/// Runs `bench` on each database with its label and URL, removing the database afterwards.
pub async fn on_each<F, Fut>(name: &str, bench: F)
where
    F: Fn(Db, &'static str, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let path = std::env::temp_dir().join(format!("esemes_{name}_{}.db", std::process::id()));
    let url = format!("sqlite://{}", path.display());
    let db = Db::connect(&url).await.unwrap();
    bench(db, "SQLite", url).await;
    let _ = std::fs::remove_file(&path);

    if let Ok(server) = std::env::var("ESEMES_BENCH_POSTGRES_URL") {
        let database = format!("esemes_{name}_{}", std::process::id());
        let mut admin = PgConnection::connect(&format!("{server}/postgres"))
            .await
            .unwrap();
        admin
            .execute(format!("CREATE DATABASE {database}").as_str())
            .await
            .unwrap();
        let url = format!("{server}/{database}");
        let db = Db::connect(&url).await.unwrap();
        bench(db.clone(), "PostgreSQL", url).await;
        db.pool.close().await;
        admin
            .execute(format!("DROP DATABASE {database} WITH (FORCE)").as_str())
            .await
            .unwrap();
    }
}
