//! The databases a bench runs on: a fresh SQLite file, and a fresh PostgreSQL database when
//! ESEMES_BENCH_POSTGRES_URL names a server (e.g. postgres://esemes:esemes@127.0.0.1:5432).

use std::future::Future;

use app::ssr::Db;
use sqlx::{Connection, Executor, PgConnection};

/// Runs `bench` on each database with its label, removing the database afterwards.
pub async fn on_each<F, Fut>(name: &str, bench: F)
where
    F: Fn(Db, &'static str) -> Fut,
    Fut: Future<Output = ()>,
{
    let path = std::env::temp_dir().join(format!("esemes_{name}_{}.db", std::process::id()));
    let db = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    bench(db, "SQLite").await;
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
        let db = Db::connect(&format!("{server}/{database}")).await.unwrap();
        bench(db.clone(), "PostgreSQL").await;
        db.pool.close().await;
        admin
            .execute(format!("DROP DATABASE {database} WITH (FORCE)").as_str())
            .await
            .unwrap();
    }
}
