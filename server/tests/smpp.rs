//! The SMPP 3.4 driver against a real SMS centre (the SMSC fixture on the npm `smpp` package),
//! with the dispatcher and the outbox on SQLite and PostgreSQL: what arrives at the SMS centre
//! is exactly the text, each part once; receipts settle messages; refusals, throttling, lost
//! answers and dropped connections end as the outbox promises.

mod common;

use std::sync::Arc;
use std::time::Duration;

use app::composer::ssr as composer;
use app::error::{AppError, Field, Problem};
use app::messages::ssr as messages;
use app::messages::Category;
use app::replies::Replies;
use app::ssr::{Clock, Db};
use common::smsc::{Smsc, PASSWORD, SYSTEM_ID};
use common::{admin, on_both, queue, seeded, settled};
use serde_json::{json, Value};
use server::dispatcher::Dispatcher;
use server::gateway::smpp::receipt::ReceiptIds;
use server::gateway::smpp::{GsmPacking, Smpp, SmppSettings};
use tokio::sync::{mpsc, watch, Notify};

fn settings(smsc: &Smsc) -> SmppSettings {
    SmppSettings {
        name: "smsc".into(),
        address: smsc.address(),
        system_id: SYSTEM_ID.into(),
        password: PASSWORD.into(),
        system_type: String::new(),
        source: "ESEMES".into(),
        window: 10,
        max_per_second: 200,
        validity: Duration::from_secs(24 * 3600),
        response_timeout: Duration::from_secs(1),
        enquire_link: Duration::from_secs(30),
        receipt_ids: ReceiptIds::Same,
        gsm_packing: GsmPacking::Unpacked,
        binds: 1,
    }
}

/// A dispatcher sending through SMPP; it stops when this is dropped.
struct Sending {
    _shutdown: watch::Sender<bool>,
}

async fn dispatch(db: &Db, settings: SmppSettings) -> Sending {
    dispatch_clocked(db, settings, Clock::default()).await
}

/// A dispatcher that sends scheduled messages by `clock`.
async fn dispatch_clocked(db: &Db, settings: SmppSettings, clock: Clock) -> Sending {
    let (reports_tx, reports_rx) = mpsc::channel(256);
    let smpp = Smpp::start(settings, reports_tx, Some(db.clone()));
    smpp.wait_bound(Duration::from_secs(10))
        .await
        .expect("bound");
    let (shutdown, shutdown_rx) = watch::channel(false);
    let dispatcher = Dispatcher::new(db.clone(), smpp, Arc::new(Notify::new())).clocked(clock);
    tokio::spawn(dispatcher.run(reports_rx, shutdown_rx));
    Sending {
        _shutdown: shutdown,
    }
}

fn text_to(messages: &[Value], destination: &str) -> Vec<String> {
    messages
        .iter()
        .filter(|m| m["destination_addr"] == destination)
        .map(|m| m["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn single_and_multi_part_gsm_and_polish_messages_arrive_exactly_and_are_delivered() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        // Two SMS centres one after the other: the second gives the same ids again.
        for packing in [GsmPacking::Unpacked, GsmPacking::Packed] {
            let option = match packing {
                GsmPacking::Unpacked => "unpacked",
                GsmPacking::Packed => "packed",
            };
            let smsc = Smsc::start(&["--gsm-packing", option]).await;
            let _sending = dispatch(
                &db,
                SmppSettings {
                    gsm_packing: packing,
                    ..settings(&smsc)
                },
            )
            .await;
            let texts = [
                (
                    "600100201",
                    "Zamowienie {ZAM/7} gotowe: 100 EUR [€]. Odbior ~ jutro.".to_string(),
                ),
                (
                    "600100202",
                    format!("Przypomnienie o platnosci. {}", "Dziekujemy. ".repeat(25)),
                ),
                (
                    "600100203",
                    format!("Zażółć gęślą jaźń — {}", "płatność ".repeat(12)),
                ),
            ];
            let mut ids = Vec::new();
            for (phone, text) in &texts {
                ids.push(queue(&db, &operator, phone, text).await);
            }
            for id in &ids {
                settled(&db, *id, "delivered").await;
            }
            let arrived = smsc.messages().await;
            for (phone, text) in &texts {
                let arrived_to = text_to(&arrived, &format!("48{phone}"));
                assert_eq!(arrived_to, [text.as_str()], "{option}: {arrived:?}");
            }
            // Messages go out side by side: compare them by destination.
            let of = |destination: &str, field: &str, records: &[Value]| -> Vec<i64> {
                (records
                    .iter()
                    .filter(|r| r["destination_addr"] == destination))
                .map(|r| r[field].as_i64().unwrap())
                .collect()
            };
            let submits = smsc.submits().await;
            for (destination, parts, coding) in [
                ("48600100201", 1, 0),
                ("48600100202", 3, 0),
                ("48600100203", 2, 8),
            ] {
                assert_eq!(of(destination, "parts", &arrived), [parts], "{option}");
                let codings = of(destination, "data_coding", &submits);
                assert_eq!(codings, vec![coding; parts as usize], "{option}");
            }
            // Each part was submitted once, from the sender name, asking for a receipt.
            assert_eq!(submits.len(), 6, "{option}");
            for submit in &submits {
                assert_eq!(
                    (
                        &submit["source_addr"],
                        &submit["source_addr_ton"],
                        &submit["dest_addr_ton"]
                    ),
                    (&json!("ESEMES"), &json!(5), &json!(1))
                );
                assert_eq!(submit["registered_delivery"], 1);
                assert_eq!(submit["validity_period"], "000001000000000R", "24 hours");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn refusals_throttling_and_failed_deliveries_end_as_promised() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let smsc = Smsc::start(&[]).await;
        smsc.rule("48600100301", json!({ "type": "reject", "status": 11 }))
            .await;
        smsc.rule("48600100302", json!({ "type": "throttle", "times": 2 }))
            .await;
        smsc.rule("48600100303", json!({ "receipt": "UNDELIV", "err": "005" }))
            .await;
        smsc.rule("48600100304", json!({ "receipt": "EXPIRED" }))
            .await;
        let _sending = dispatch(&db, settings(&smsc)).await;

        let rejected = queue(&db, &operator, "600100301", &"r".repeat(200)).await; // two parts
        let throttled = queue(&db, &operator, "600100302", "po chwili").await;
        let undelivered = queue(&db, &operator, "600100303", "nie dotrze").await;
        let expired = queue(&db, &operator, "600100304", "za późno").await;

        assert_eq!(
            settled(&db, rejected, "rejected").await.as_deref(),
            Some("ESME_RINVDSTADR (0x0000000B): invalid destination address")
        );
        assert_eq!(settled(&db, throttled, "delivered").await, None);
        assert_eq!(
            settled(&db, undelivered, "undelivered").await.as_deref(),
            Some("UNDELIV: undeliverable (error 005)")
        );
        settled(&db, expired, "expired").await;

        let submits = smsc.submits().await;
        let to = |destination: &str| -> Vec<String> {
            submits
                .iter()
                .filter(|s| s["destination_addr"] == destination)
                .map(|s| s["action"].as_str().unwrap().to_string())
                .collect()
        };
        // The rejected message's second part was never sent.
        assert_eq!(to("48600100301"), ["reject"]);
        // Throttled twice, then accepted: once.
        assert_eq!(to("48600100302"), ["throttle", "throttle", "accept"]);
    })
    .await;
}

#[tokio::test]
async fn a_lost_answer_or_connection_leaves_the_part_in_doubt_and_nothing_twice() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let smsc = Smsc::start(&[]).await;
        smsc.rule("48600100401", json!({ "type": "never" })).await;
        smsc.rule("48600100402", json!({ "type": "drop", "times": 1 }))
            .await;
        let _sending = dispatch(&db, settings(&smsc)).await;

        let unanswered = queue(&db, &operator, "600100401", "bez odpowiedzi").await;
        let error = settled(&db, unanswered, "unknown").await;
        assert!(error.unwrap().contains("timed out"));
        // The SMS centre had taken it after all: its receipt, for an id we never got, finds
        // the part in doubt by number, time and quoted text.
        let receipt = json!({
            "message_id": "4242", "destination": "48600100401", "source": "ESEMES",
            "text": "bez odpowiedzi",
        });
        smsc.control("POST", "/receipt", Some(receipt)).await;
        settled(&db, unanswered, "delivered").await;
        let dropped = queue(&db, &operator, "600100402", "zerwane połączenie").await;
        settled(&db, dropped, "unknown").await;
        // The driver binds again and the next message goes through.
        let after = queue(&db, &operator, "600100403", "po ponownym połączeniu").await;
        settled(&db, after, "delivered").await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let submits = smsc.submits().await;
        for destination in ["48600100401", "48600100402", "48600100403"] {
            let count = submits
                .iter()
                .filter(|s| s["destination_addr"] == destination)
                .count();
            assert_eq!(count, 1, "{destination} submitted once");
        }
        let binds = smsc.control("GET", "/binds", None).await;
        assert!(binds.as_array().unwrap().len() >= 2, "bound again: {binds}");
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_is_named_and_an_unreachable_centre_retried() {
    let smsc = Smsc::start(&[]).await;
    let wrong = SmppSettings {
        password: "zle".into(),
        ..settings(&smsc)
    };
    assert_eq!(
        Smpp::check(&wrong).await,
        Err("bind refused: ESME_RBINDFAIL (0x0000000D): bind failed".into())
    );
    assert_eq!(
        Smpp::check(&settings(&smsc)).await,
        Ok(format!("smsc: bound to {} as esemes", smsc.address()))
    );
    // The administration page's view of a bind that keeps failing, and of one that is up.
    let (reports, _) = mpsc::channel(1);
    let wrong = SmppSettings {
        password: "zle".into(),
        ..settings(&smsc)
    };
    let refused = Smpp::start(wrong, reports.clone(), None);
    assert!(refused
        .wait_bound(Duration::from_millis(500))
        .await
        .is_err());
    let status = refused.status();
    assert!(!status.ready);
    assert_eq!(
        status.error.as_deref(),
        Some("bind refused: ESME_RBINDFAIL (0x0000000D): bind failed")
    );
    let bound = Smpp::start(settings(&smsc), reports, None);
    bound.wait_bound(Duration::from_secs(5)).await.unwrap();
    assert!(bound.status().ready);

    let unreachable = SmppSettings {
        address: "127.0.0.1:1".into(),
        ..settings(&smsc)
    };
    let error = Smpp::check(&unreachable).await.unwrap_err();
    assert!(
        error.starts_with("cannot connect to 127.0.0.1:1"),
        "{error}"
    );
}

/// Two servers on one database (two dispatchers, two binds) share the outbox: each sends a
/// share, and no part goes out twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_database_share_the_outbox_without_sending_twice() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        // More messages than one dispatcher has under way at once (1024), queued before both
        // start.
        let mut ids = Vec::new();
        for n in 0..1200 {
            let text = if n % 3 == 0 {
                "x".repeat(300)
            } else {
                format!("wiadomość {n}")
            };
            ids.push(queue(&db, &operator, &format!("6001{n:05}"), &text).await);
        }
        let smsc = Smsc::start(&[]).await;
        let _first = dispatch(&db, settings(&smsc)).await;
        let _second = dispatch(&db, settings(&smsc)).await;
        for id in &ids {
            settled(&db, *id, "delivered").await;
        }
        let submits = smsc.submits().await;
        let mut parts: Vec<(String, i64)> = submits
            .iter()
            .map(|s| {
                let seq = s["udh"]["seq"].as_i64().unwrap_or(1);
                (s["destination_addr"].as_str().unwrap().to_string(), seq)
            })
            .collect();
        let all = parts.len();
        parts.sort();
        parts.dedup();
        assert_eq!(all, parts.len(), "no part twice");
        assert_eq!(all, 800 + 400 * 2, "300 characters are two parts");
        let sessions: std::collections::HashSet<i64> = submits
            .iter()
            .map(|s| s["session"].as_i64().unwrap())
            .collect();
        assert_eq!(sessions.len(), 2, "both servers sent");
    })
    .await;
}

/// A connection with two binds keeps both up and sends through both.
#[tokio::test]
async fn submits_take_turns_among_the_binds() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let smsc = Smsc::start(&[]).await;
        let two = SmppSettings {
            binds: 2,
            ..settings(&smsc)
        };
        let _sending = dispatch(&db, two).await;
        let mut ids = Vec::new();
        for n in 0..20 {
            ids.push(queue(&db, &operator, &format!("6001020{n:02}"), "po kolei").await);
        }
        for id in ids {
            settled(&db, id, "delivered").await;
        }
        let sessions = smsc.control("GET", "/sessions", None).await;
        assert_eq!(sessions.as_array().unwrap().len(), 2, "{sessions}");
        let used: std::collections::HashSet<i64> = (smsc.submits().await.iter())
            .map(|s| s["session"].as_i64().unwrap())
            .collect();
        assert_eq!(used.len(), 2, "both binds sent");
    })
    .await;
}

/// Incoming messages from the SMS centre are stored, long ones reassembled from their parts.
#[tokio::test]
async fn incoming_messages_are_stored_whole() {
    on_both(|db| async move {
        seeded(&db).await;
        let smsc = Smsc::start(&[]).await;
        let _sending = dispatch(&db, settings(&smsc)).await;
        let texts = [
            "TAK, potwierdzam wizyte.".to_string(),
            format!(
                "Prosze o kontakt. {}",
                "Dziekuje za informacje. ".repeat(10)
            ),
            format!("Zażółć gęślą jaźń: {}", "płatność ".repeat(12)),
        ];
        for text in &texts {
            let sent = json!({ "from": "48600100200", "to": "ESEMES", "text": text });
            smsc.control("POST", "/deliver", Some(sent)).await;
        }
        let mut stored: Vec<(String, String, String, i64)> = Vec::new();
        for _ in 0..200 {
            stored = sqlx::query_as(
                "SELECT sender, recipient, body, parts FROM incoming_messages ORDER BY id",
            )
            .fetch_all(&db.pool)
            .await
            .unwrap();
            if stored.len() == texts.len() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let bodies: Vec<&str> = stored.iter().map(|s| s.2.as_str()).collect();
        assert_eq!(bodies, texts.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(
            (stored[0].0.as_str(), stored[0].1.as_str()),
            ("+48600100200", "ESEMES")
        );
        let parts: Vec<i64> = stored.iter().map(|s| s.3).collect();
        assert_eq!(parts, [1, 2, 2]);
        let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incoming_parts")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(waiting, 0, "no part left waiting");
    })
    .await;
}

/// A subject of the operator's company with an SMS phone: its id and number.
async fn subject_with_phone(db: &Db, company_id: i64) -> (i64, String) {
    sqlx::query_as(
        "SELECT id, sms_phone FROM subjects WHERE company_id = $1 AND sms_phone <> '' \
         ORDER BY id LIMIT 1",
    )
    .bind(company_id)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

/// Queues a message to `phone` of `subject_id`, as the composer does, with `timing`.
async fn queue_timed(
    db: &Db,
    operator: &app::auth::ssr::Operator,
    phone: &str,
    subject_id: Option<i64>,
    body: &str,
    timing: composer::Timing,
) -> app::error::Result<i64> {
    let checked = app::composer::check(phone, body, app::composer::Intent::Send).unwrap();
    let links = composer::MessageLinks {
        subject_id,
        ..Default::default()
    };
    composer::store(
        db,
        operator,
        None,
        &checked,
        app::composer::Intent::Send,
        links,
        timing,
    )
    .await
}

/// The company's replies once `count` have been filed.
async fn replies(db: &Db, company_id: i64, count: usize) -> Vec<app::replies::ReplyRow> {
    for _ in 0..400 {
        let rows = app::replies::ssr::list(db, company_id, Replies::All, 100)
            .await
            .unwrap();
        if rows.len() >= count {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{count} replies never filed");
}

/// A reply through the SMS centre reaches the inbox, its subject and the message it answers;
/// STOP opts the number out (audited): the next marketing message is refused with the reason,
/// a transactional one goes; START reverses it.
#[tokio::test]
async fn replies_reach_the_inbox_and_stop_is_honoured() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let company = operator.company_id;
        let smsc = Smsc::start(&[]).await;
        let _sending = dispatch(&db, settings(&smsc)).await;
        let (subject_id, phone) = subject_with_phone(&db, company).await;
        let asked = queue_timed(&db, &operator, &phone, Some(subject_id), "Faktura FS/1 do zapłaty.", composer::Timing::now())
            .await
            .unwrap();
        settled(&db, asked, "delivered").await;
        let deliver = |text: &str| json!({ "from": phone.trim_start_matches('+'), "to": "ESEMES", "text": text });

        smsc.control("POST", "/deliver", Some(deliver("Zapłacone, dziękuję"))).await;
        let rows = replies(&db, company, 1).await;
        assert_eq!(rows[0].body, "Zapłacone, dziękuję");
        assert_eq!(rows[0].phone, phone);
        assert_eq!(rows[0].subject.as_ref().map(|s| s.0), Some(subject_id));
        assert_eq!(rows[0].answered.as_ref().map(|a| a.id), Some(asked));
        assert_eq!(rows[0].opt_change, None);
        let on_subject = app::replies::ssr::list(&db, company, Replies::OfSubject(subject_id), 100)
            .await
            .unwrap();
        assert_eq!(on_subject.len(), 1);
        // Another company sees nothing of it.
        let (_, stranger) = common::other_account(&db).await;
        assert!(app::replies::ssr::list(&db, stranger, Replies::All, 100).await.unwrap().is_empty());

        smsc.control("POST", "/deliver", Some(deliver("Stop."))).await;
        let rows = replies(&db, company, 2).await;
        assert_eq!(rows[0].opt_change, Some(true));
        let marketing = composer::Timing {
            category: Category::Marketing,
            urgent: true,
            ..composer::Timing::now()
        };
        let refused = queue_timed(&db, &operator, &phone, None, "Promocja!", marketing).await;
        assert_eq!(refused, Err(AppError::invalid(Field::Phone, Problem::OptedOut)));
        let goes = queue_timed(&db, &operator, &phone, None, "Zamówienie wysłane.", composer::Timing::now())
            .await
            .unwrap();
        settled(&db, goes, "delivered").await;

        smsc.control("POST", "/deliver", Some(deliver("START"))).await;
        let rows = replies(&db, company, 3).await;
        assert_eq!(rows[0].opt_change, Some(false));
        let again = queue_timed(&db, &operator, &phone, None, "Promocja!", marketing).await.unwrap();
        settled(&db, again, "delivered").await;

        let changes = app::replies::ssr::changes(&db, company, 10).await.unwrap();
        let audit: Vec<(bool, bool, Option<&str>, Option<i64>)> = changes
            .iter()
            .map(|c| (c.opted_out, c.by_reply, c.reply.as_deref(), c.message_id))
            .collect();
        // Newest first: each names the reply and the message it answered.
        assert_eq!(audit, [(false, true, Some("START"), Some(goes)), (true, true, Some("Stop."), Some(asked))]);
        assert!(changes.iter().all(|c| c.phone == phone));
    })
    .await;
}

/// Monday 7 December 2026 at `hour`:`minute` in Warsaw (UTC+1), epoch ms.
fn monday(hour: i64, minute: i64) -> i64 {
    let midnight_utc = 1_796_601_600_000; // 2026-12-07T00:00:00Z
    midnight_utc + ((hour - 1) * 60 + minute) * 60_000
}

/// Waits a few polls of the dispatcher and says whether anything reached the SMS centre.
async fn submitted_after_polls(smsc: &Smsc) -> usize {
    tokio::time::sleep(Duration::from_millis(2500)).await;
    smsc.submits().await.len()
}

/// A message scheduled for 10:00 goes at 10:00 and not before; marketing queued at 21:00 goes
/// at 8:00 the next allowed day (an urgent one at once); a cancelled one stays a draft; a
/// waiting marketing message to a number that then opts out is refused. By a clock the test
/// moves, not by waiting for the hour.
#[tokio::test]
async fn scheduled_and_quiet_hour_messages_go_exactly_at_their_time() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let smsc = Smsc::start(&[]).await;
        let clock = Clock::manual(monday(9, 59));
        let _sending = dispatch_clocked(&db, settings(&smsc), clock.clone()).await;
        let at = |now: i64, send_at: Option<i64>| composer::Timing {
            send_at,
            now,
            ..Default::default()
        };

        let ten = queue_timed(
            &db,
            &operator,
            "600100201",
            None,
            "Wizyta o 11:00.",
            at(monday(9, 59), Some(monday(10, 0))),
        )
        .await
        .unwrap();
        let cancelled = queue_timed(
            &db,
            &operator,
            "600100202",
            None,
            "Odwołane.",
            at(monday(9, 59), Some(monday(10, 0))),
        )
        .await
        .unwrap();
        let all = Default::default();
        let rows = messages::list(&db, operator.company_id, &all, None, clock.now_ms())
            .await
            .unwrap()
            .rows;
        let scheduled: Vec<i64> = rows
            .iter()
            .filter(|r| r.scheduled_for.is_some())
            .map(|r| r.id)
            .collect();
        assert_eq!(scheduled.len(), 2);
        messages::cancel(
            &db,
            operator.company_id,
            cancelled,
            operator.id,
            clock.now_ms(),
        )
        .await
        .unwrap();
        assert_eq!(
            submitted_after_polls(&smsc).await,
            0,
            "nothing before 10:00"
        );
        clock.set(monday(10, 0));
        settled(&db, ten, "delivered").await;
        let status: String = sqlx::query_scalar("SELECT status FROM messages WHERE id = $1")
            .bind(cancelled)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(status, "draft");
        assert_eq!(
            smsc.submits().await.len(),
            1,
            "the cancelled one never left"
        );
        // Cancelling what has gone is refused.
        assert!(
            messages::cancel(&db, operator.company_id, ten, operator.id, clock.now_ms())
                .await
                .is_err()
        );

        // 21:00: marketing waits until Tuesday 8:00; urgent marketing and transactional go.
        clock.set(monday(21, 0));
        let marketing = |urgent| composer::Timing {
            category: Category::Marketing,
            urgent,
            now: monday(21, 0),
            ..Default::default()
        };
        let night = queue_timed(
            &db,
            &operator,
            "600100203",
            None,
            "Promocja!",
            marketing(false),
        )
        .await
        .unwrap();
        let stopped = queue_timed(
            &db,
            &operator,
            "600100204",
            None,
            "Promocja!",
            marketing(false),
        )
        .await
        .unwrap();
        let urgent = queue_timed(
            &db,
            &operator,
            "600100205",
            None,
            "Promocja!",
            marketing(true),
        )
        .await
        .unwrap();
        let order = queue_timed(
            &db,
            &operator,
            "600100206",
            None,
            "Zamówienie.",
            at(monday(21, 0), None),
        )
        .await
        .unwrap();
        settled(&db, urgent, "delivered").await;
        settled(&db, order, "delivered").await;
        let tuesday_eight = monday(8, 0) + 24 * 3600 * 1000;
        let send_at: Option<i64> = sqlx::query_scalar("SELECT send_at FROM messages WHERE id = $1")
            .bind(night)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(send_at, Some(tuesday_eight));
        // The number of a waiting one opts out: it is refused at once, with the reason.
        let mut tx = db.begin_write().await.unwrap();
        let how = app::replies::ssr::How::Operator(operator.id);
        app::replies::ssr::change_opt_out(
            &mut tx,
            operator.company_id,
            "+48600100204",
            true,
            how,
            clock.now_ms(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            settled(&db, stopped, "rejected").await.as_deref(),
            Some(app::replies::ssr::OPTED_OUT)
        );
        clock.set(tuesday_eight - 60_000);
        assert_eq!(
            submitted_after_polls(&smsc).await,
            3,
            "nothing more before 8:00"
        );
        clock.set(tuesday_eight);
        settled(&db, night, "delivered").await;
        assert_eq!(smsc.submits().await.len(), 4);
    })
    .await;
}

/// The account's pool: (available, held), and that it equals the sum of its ledger.
async fn pool(db: &Db, account_id: i64) -> (i64, i64) {
    let (available, held): (i64, i64) =
        sqlx::query_as("SELECT available, held FROM credit_pools WHERE account_id = $1")
            .bind(account_id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let sums: (i64, i64) = sqlx::query_as(
        "SELECT CAST(SUM(amount) AS BIGINT), CAST(SUM(held) AS BIGINT) FROM credit_entries \
         WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((available, held), sums, "the pool is the sum of its ledger");
    (available, held)
}

/// The ledger's entries about message `id` summed per kind: (kind, amount, held), in the
/// order the kinds first came (parts accepted in different moments are charged separately).
async fn entries_of(db: &Db, id: i64) -> Vec<(String, i64, i64)> {
    sqlx::query_as(
        "SELECT kind, CAST(SUM(amount) AS BIGINT), CAST(SUM(held) AS BIGINT) \
         FROM credit_entries WHERE message_id = $1 GROUP BY kind ORDER BY MIN(id)",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn credits_are_held_while_queued_charged_when_accepted_and_given_back_when_refused() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let account = operator.account_id;
        let start = server::demo::DEMO_CREDITS;
        assert_eq!(pool(&db, account).await, (start, 0));
        let smsc = Smsc::start(&[]).await;
        smsc.rule("48600100501", json!({ "type": "reject", "status": 11 }))
            .await;
        smsc.rule("48600100502", json!({ "receipt": "UNDELIV", "err": "005" }))
            .await;
        smsc.rule("48600100503", json!({ "type": "never" })).await;

        // Queued before the gateway is there: held, not yet charged.
        let long = "d".repeat(400); // three parts
        let delivered = queue(&db, &operator, "600100500", &long).await;
        let rejected = queue(&db, &operator, "600100501", &"r".repeat(200)).await; // two parts
        let undelivered = queue(&db, &operator, "600100502", "nie dotrze").await;
        let in_doubt = queue(&db, &operator, "600100503", "bez odpowiedzi").await;
        assert_eq!(pool(&db, account).await, (start - 7, 7));

        let _sending = dispatch(&db, settings(&smsc)).await;
        settled(&db, delivered, "delivered").await;
        settled(&db, rejected, "rejected").await;
        settled(&db, undelivered, "undelivered").await;
        settled(&db, in_doubt, "unknown").await;
        // Charged: the three parts delivered and the one undelivered (the gateway took it).
        // Given back: both parts of the refused message. Held: the part in doubt.
        assert_eq!(pool(&db, account).await, (start - 5, 1));
        assert_eq!(
            entries_of(&db, delivered).await,
            [("hold".into(), -3, 3), ("settle".into(), 0, -3)]
        );
        assert_eq!(
            entries_of(&db, rejected).await,
            [("hold".into(), -2, 2), ("release".into(), 2, -2)]
        );
        assert_eq!(
            entries_of(&db, undelivered).await,
            [("hold".into(), -1, 1), ("settle".into(), 0, -1)]
        );

        // The receipt for the part in doubt shows it was taken: charged, once.
        let receipt = json!({
            "message_id": "4343", "destination": "48600100503", "source": "ESEMES",
            "text": "bez odpowiedzi",
        });
        smsc.control("POST", "/receipt", Some(receipt)).await;
        settled(&db, in_doubt, "delivered").await;
        assert_eq!(pool(&db, account).await, (start - 5, 0));
        assert_eq!(
            entries_of(&db, in_doubt).await,
            [("hold".into(), -1, 1), ("settle".into(), 0, -1)]
        );

        // A scheduled message holds its credit until it is cancelled.
        let clock = Clock::manual(app::ssr::now_ms());
        let tomorrow = Some(clock.now_ms() + 24 * 3600 * 1000);
        let timing = composer::Timing {
            send_at: tomorrow,
            now: clock.now_ms(),
            ..Default::default()
        };
        let scheduled = queue_timed(&db, &operator, "600100504", None, "jutro", timing)
            .await
            .unwrap();
        assert_eq!(pool(&db, account).await, (start - 6, 1));
        messages::cancel(
            &db,
            operator.company_id,
            scheduled,
            operator.id,
            clock.now_ms(),
        )
        .await
        .unwrap();
        assert_eq!(pool(&db, account).await, (start - 5, 0));
        assert_eq!(
            entries_of(&db, scheduled).await,
            [("hold".into(), -1, 1), ("release".into(), 1, -1)]
        );
        let to_rejected = smsc.submits().await;
        let tried = to_rejected
            .iter()
            .filter(|s| s["destination_addr"] == "48600100501")
            .count();
        assert_eq!(tried, 1, "the refused message's second part never left");
    })
    .await;
}

#[tokio::test]
async fn an_authorised_sender_name_is_the_sender_at_the_sms_centre() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let statement = app::sender_names::Statement {
            owner_name: "Hurtownia Mazur".into(),
            owner_address: "Łódź".into(),
            owner_nip: "7251801126".into(),
        };
        let level = app::sender_names::Level::Account;
        let now = app::ssr::now_ms();
        app::sender_names::ssr::add(&db, &operator, "MAZUR", level, &statement, true, now)
            .await
            .unwrap();
        app::sender_names::ssr::authorise(&db, "MAZUR", now)
            .await
            .unwrap();
        let smsc = Smsc::start(&[]).await;
        let _sending = dispatch(&db, settings(&smsc)).await;
        let id = queue(&db, &operator, "600100601", &"n".repeat(200)).await;
        settled(&db, id, "delivered").await;
        let submits = smsc.submits().await;
        let sent: Vec<_> = submits
            .iter()
            .filter(|s| s["destination_addr"] == "48600100601")
            .map(|s| (s["source_addr"].clone(), s["source_addr_ton"].clone()))
            .collect();
        // Both parts from the name, as an alphanumeric address (TON 5), not the connection's.
        assert_eq!(sent, vec![(json!("MAZUR"), json!(5)); 2]);
    })
    .await;
}
