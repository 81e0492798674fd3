//! The dispatcher with the simulator gateway: crash recovery and graceful shutdown, on SQLite and
//! PostgreSQL.

mod common;

use std::sync::Arc;
use std::time::Duration;

use app::messages::ssr as messages;
use app::ssr::Db;
use common::{admin, count, on_both, queue, seeded};
use server::dispatcher::{Dispatcher, InDoubt, Policy};
use server::gateway::simulator::Simulator;
use server::gateway::{split, DeliveryReport, Gateway};
use tokio::sync::{mpsc, watch, Notify};

/// Waits until `sql` counts `expected` (reports that overtook the recording of their part are
/// tried again with back-off over about 50 s: the dispatcher's REPORT_RETRIES).
async fn wait_for(db: &Db, sql: &str, expected: i64) {
    for _ in 0..2400 {
        if count(db, sql).await == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let parts: Vec<(i64, i64, String, Option<String>)> =
        sqlx::query_as("SELECT message_id, seq, status, error FROM message_parts")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let messages: Vec<(i64, String, Option<i64>)> =
        sqlx::query_as("SELECT id, status, claimed_until FROM messages")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    panic!("{sql} never counted {expected}: {parts:?} {messages:?}");
}

/// A two-part message whose first part the simulator accepted after a dispatcher marked it
/// `submitting`, the server dying before recording the answer (its lease already over).
struct Crashed {
    id: i64,
    /// The simulator's id of the first part.
    first: String,
    simulator: Arc<Simulator>,
    reports: mpsc::Receiver<DeliveryReport>,
}

async fn crash_mid_submission(db: &Db) -> Crashed {
    seeded(db).await;
    let operator = admin(db).await;
    let id = queue(db, &operator, "600100200", &"z".repeat(300)).await; // two parts
    let (reports_tx, reports) = mpsc::channel(64);
    let simulator = Arc::new(Simulator::new(Duration::from_millis(10), reports_tx));
    let claimed = messages::claim_pending(db, 10, -1).await.unwrap();
    assert_eq!(claimed[0].id, id);
    let parts = split(
        id,
        &claimed[0].phone,
        claimed[0].sender.as_deref(),
        &claimed[0].body,
    )
    .unwrap();
    assert_eq!(parts.len(), 2);
    assert!(messages::begin_submission(db, id, 0).await.unwrap());
    let first = simulator.submit(&parts[0]).await.unwrap();
    Crashed {
        id,
        first,
        simulator,
        reports,
    }
}

#[tokio::test]
async fn a_part_caught_mid_submission_is_held_in_doubt_not_sent_twice() {
    on_both(|db| async move {
        let Crashed {
            id,
            simulator,
            reports,
            ..
        } = crash_mid_submission(&db).await;

        // After the restart the dispatcher sends the second part only; the first is in doubt.
        let (_shutdown_tx, shutdown_rx) = watch::channel(false);
        let dispatcher = Dispatcher::new(db.clone(), simulator.clone(), Arc::new(Notify::new()));
        tokio::spawn(dispatcher.run(reports, shutdown_rx));
        wait_for(
            &db,
            "SELECT COUNT(*) FROM message_parts WHERE status = 'delivered'",
            1,
        )
        .await;
        let parts: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT status, error FROM message_parts WHERE message_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(
            parts,
            [
                (
                    "unknown".to_string(),
                    Some("the server stopped while submitting it".to_string())
                ),
                ("delivered".to_string(), None)
            ]
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM messages WHERE status = 'unknown'"
            )
            .await,
            1
        );
    })
    .await;
}

#[tokio::test]
async fn with_resend_chosen_a_part_caught_mid_submission_is_sent_again_under_its_key() {
    on_both(|db| async move {
        let Crashed {
            id,
            first,
            simulator,
            reports,
        } = crash_mid_submission(&db).await;

        let (_shutdown_tx, shutdown_rx) = watch::channel(false);
        let policy = Policy {
            in_doubt: InDoubt::Resend,
            ..Policy::default()
        };
        let dispatcher = Dispatcher::with_policy(
            db.clone(),
            simulator.clone(),
            Arc::new(Notify::new()),
            policy,
        );
        tokio::spawn(dispatcher.run(reports, shutdown_rx));
        wait_for(
            &db,
            "SELECT COUNT(*) FROM messages WHERE status = 'delivered'",
            1,
        )
        .await;
        // The simulator recognised the retry's key: the first part kept the id it was given.
        let stored: Vec<String> = sqlx::query_scalar(
            "SELECT gateway_message_id FROM message_parts WHERE message_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0], first);
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
