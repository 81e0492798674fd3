//! The status webhook against a real HTTP receiver, on SQLite and PostgreSQL: the account's
//! status changes posted in order and signed, a refused post tried again with a growing wait
//! (time is given, not slept), each change taken once, other accounts' changes never sent, and
//! every attempt kept for the administrator.

mod common;

use std::sync::{Arc, Mutex};

use app::webhooks::ssr as webhooks;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use common::{admin, on_both, queue, seeded};
use serde_json::Value;

#[derive(Clone, Default)]
struct Receiver {
    posts: Arc<Mutex<Vec<(String, String)>>>,
    answer: Arc<Mutex<u16>>,
}

impl Receiver {
    /// A receiver on a port of its own, answering `answer` to every post.
    async fn start() -> (Receiver, String, tokio::task::JoinHandle<()>) {
        let receiver = Receiver {
            answer: Arc::new(Mutex::new(500)),
            ..Default::default()
        };
        let state = receiver.clone();
        let app = axum::Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: String| {
                let state = state.clone();
                async move {
                    let signature = headers
                        .get("esemes-signature")
                        .map(|v| v.to_str().unwrap().to_string())
                        .unwrap_or_default();
                    state.posts.lock().unwrap().push((signature, body));
                    StatusCode::from_u16(*state.answer.lock().unwrap()).unwrap()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (receiver, url, server)
    }

    fn answer(&self, status: u16) {
        *self.answer.lock().unwrap() = status;
    }

    /// The posts so far: each one's events' (message id, status), after checking its signature.
    fn posts(&self, secret: &str) -> Vec<Vec<(i64, String)>> {
        let posts = self.posts.lock().unwrap();
        (posts.iter())
            .map(|(signature, body)| {
                let t: i64 = signature
                    .strip_prefix("t=")
                    .and_then(|rest| rest.split(',').next())
                    .and_then(|t| t.parse().ok())
                    .expect("a signed time");
                assert_eq!(*signature, server::webhooks::signature(secret, t, body));
                let body: Value = serde_json::from_str(body).unwrap();
                (body["events"].as_array().unwrap().iter())
                    .map(|e| {
                        let id = e["message_id"].as_i64().unwrap();
                        (id, e["status"].as_str().unwrap().to_string())
                    })
                    .collect()
            })
            .collect()
    }
}

#[tokio::test]
async fn status_changes_are_posted_signed_in_order_and_retried_until_taken() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        // A message before the webhook exists is not posted: it starts from now.
        queue(&db, &operator, "600100199", "Przed webhookiem").await;
        let (receiver, url, server) = Receiver::start().await;
        let secret = webhooks::save(&db, operator.account_id, &url, false)
            .await
            .unwrap()
            .expect("a new webhook's secret");
        let first = queue(&db, &operator, "600100200", "Pierwsza").await;
        let second = queue(&db, &operator, "600100201", "Druga").await;
        // Another account's message never goes to this webhook.
        let (other_account, other_company) = common::other_account(&db).await;
        let _ = other_account;
        sqlx::query(
            "INSERT INTO messages (company_id, operator_id, phone, body, encoding, parts, status, \
                                   created_at, updated_at) \
             VALUES ($1, $2, '+48600100300', 'Obca', 'gsm7', 1, 'pending', 0, 0)",
        )
        .bind(other_company)
        .bind(operator.id)
        .execute(&db.pool)
        .await
        .unwrap();

        let client = server::webhooks::client();
        let now = app::ssr::now_ms();
        assert!(server::webhooks::deliver_due(&db, &client, now)
            .await
            .unwrap());
        let pending = |id: i64| (id, "pending".to_string());
        assert_eq!(
            receiver.posts(&secret),
            vec![vec![pending(first), pending(second)]]
        );
        // Refused (500): not again before the wait is over.
        assert!(!server::webhooks::deliver_due(&db, &client, now + 5_000)
            .await
            .unwrap());
        receiver.answer(200);
        let later = now + webhooks::retry_after_ms(1) + 1;
        assert!(server::webhooks::deliver_due(&db, &client, later)
            .await
            .unwrap());
        let posts = receiver.posts(&secret);
        assert_eq!(posts.len(), 2);
        assert_eq!(posts[1], posts[0], "the same changes again");
        // Taken: nothing more to post until something changes.
        assert!(!server::webhooks::deliver_due(&db, &client, later + 1)
            .await
            .unwrap());
        let third = queue(&db, &operator, "600100202", "Trzecia").await;
        assert!(server::webhooks::deliver_due(&db, &client, later + 2)
            .await
            .unwrap());
        assert_eq!(receiver.posts(&secret)[2], vec![pending(third)]);

        // The ERP is down: the attempt is kept with why, and the wait grows.
        server.abort();
        let _ = server.await;
        let fourth = queue(&db, &operator, "600100203", "Czwarta").await;
        let _ = fourth;
        assert!(server::webhooks::deliver_due(&db, &client, later + 3)
            .await
            .unwrap());
        let view = webhooks::view(&db, operator.account_id).await.unwrap();
        assert_eq!(view.url.as_deref(), Some(url.as_str()));
        assert_eq!(view.failures, 1);
        let outcomes: Vec<(Option<i64>, bool)> = (view.attempts.iter())
            .map(|a| (a.status_code, a.delivered))
            .collect();
        assert_eq!(
            outcomes,
            vec![
                (None, false),
                (Some(200), true),
                (Some(200), true),
                (Some(500), false)
            ]
        );
        assert!(view.attempts[0].error.is_some());
        assert!(webhooks::retry_after_ms(2) > webhooks::retry_after_ms(1));
        assert_eq!(webhooks::retry_after_ms(40), 3_600_000);
        // Bad addresses are named.
        let bad = webhooks::save(&db, operator.account_id, "ftp://erp", false).await;
        assert_eq!(
            bad,
            Err(app::error::AppError::invalid(
                app::error::Field::WebhookUrl,
                app::error::Problem::InvalidUrl
            ))
        );
        // An empty address turns it off.
        webhooks::save(&db, operator.account_id, " ", false)
            .await
            .unwrap();
        assert_eq!(
            webhooks::view(&db, operator.account_id).await.unwrap().url,
            None
        );
    })
    .await;
}
