//! The dispatcher with the simulator gateway: crash recovery and graceful shutdown, on SQLite and
//! PostgreSQL.

mod common;

use std::sync::Arc;
use std::time::Duration;

use app::messages::ssr as messages;
use app::ssr::Db;
use common::{admin, on_both, queue, seeded};
use server::dispatcher::Dispatcher;
use server::gateway::simulator::Simulator;
use server::gateway::{Gateway, Submission};
use tokio::sync::{mpsc, watch, Notify};

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&db.pool).await.unwrap()
}

#[tokio::test]
async fn a_crash_after_submission_resumes_without_sending_twice() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let id = queue(&db, &operator, "600100200", &"z".repeat(300)).await; // two parts
        let (reports_tx, reports_rx) = mpsc::channel(64);
        let simulator = Arc::new(Simulator::new(Duration::from_millis(10), reports_tx));

        // A first dispatcher claims the message, the gateway accepts it, and the server dies
        // before recording that (its lease has run out by the time anyone looks).
        let claimed = messages::claim_pending(&db, 10, -1).await.unwrap();
        let submission =
            Submission::new(id, claimed[0].phone.clone(), claimed[0].body.clone()).unwrap();
        assert_eq!(submission.parts.len(), 2);
        let first = simulator.submit(&submission).await.unwrap();

        // After the restart the dispatcher submits it again, with the same key.
        let (_shutdown_tx, shutdown_rx) = watch::channel(false);
        let dispatcher = Dispatcher::new(db.clone(), simulator.clone(), Arc::new(Notify::new()));
        tokio::spawn(dispatcher.run(reports_rx, shutdown_rx));
        // Unloaded it takes a few hundred milliseconds. A report that overtook the recording of
        // its parts is tried again with back-off over about 50 s (the dispatcher's
        // REPORT_RETRIES), so the wait covers that whole schedule.
        for _ in 0..2400 {
            let delivered = count(
                &db,
                "SELECT COUNT(*) FROM messages WHERE status = 'delivered'",
            )
            .await;
            if delivered == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        // Read once the message is settled: read before, the parts could be recorded and
        // delivered between the two queries.
        let stored: Vec<String> = sqlx::query_scalar(
            "SELECT gateway_message_id FROM message_parts WHERE message_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&db.pool)
        .await
        .unwrap();
        // The gateway recognised the retry: the parts are the ones it accepted the first time.
        assert_eq!(stored, first.part_ids);
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM messages WHERE status = 'delivered'"
            )
            .await,
            1
        );
        assert_eq!(count(&db, "SELECT COUNT(*) FROM message_parts").await, 2);
    })
    .await;
}

#[tokio::test]
async fn shutdown_leaves_no_send_half_done() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        for n in 0..80 {
            queue(&db, &operator, "600100200", &format!("wiadomość {n}")).await;
        }
        let (reports_tx, reports_rx) = mpsc::channel(256);
        let simulator = Arc::new(Simulator::new(Duration::from_millis(10), reports_tx));
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let outbox = Arc::new(Notify::new());
        let running = tokio::spawn(
            Dispatcher::new(db.clone(), simulator, outbox.clone()).run(reports_rx, shutdown_rx),
        );
        // Stop as soon as sending has begun.
        for _ in 0..400 {
            if count(&db, "SELECT COUNT(*) FROM messages WHERE claimed_until IS NOT NULL OR status <> 'pending'").await > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        shutdown_tx.send(true).unwrap();
        running.await.unwrap();
        // Every claimed message was submitted and recorded; the rest wait, unclaimed, for the
        // next start.
        let half_done = count(
            &db,
            "SELECT COUNT(*) FROM messages WHERE status = 'pending' AND claimed_until IS NOT NULL",
        )
        .await;
        assert_eq!(half_done, 0);
        assert!(count(&db, "SELECT COUNT(*) FROM messages WHERE status = 'sent' OR status = 'delivered'").await > 0);
    })
    .await;
}
