//! Sender names on SQLite and PostgreSQL: the rules of a name, the owner's statement e-mailed
//! to the gateway operator (through a real SMTP server) with a copy to the sender, no sending
//! until the name is authorised, the company's name over the account's, the 30-day rule, and
//! the name on the wire at the SMS centre.

mod common;

use app::auth::ssr::Operator;
use app::error::{AppError, Field, FieldError, Problem};
use app::sender_names::{ssr as names, Level, Statement, REPLACE_EVERY_MS};
use app::ssr::{now_ms, Db};
use common::{admin, on_both, seeded};
use sms::sender::SenderNameError;

fn statement() -> Statement {
    Statement {
        owner_name: "Hurtownia Mazur Sp. z o.o.".into(),
        owner_address: "ul. Piotrkowska 120, 90-006 Łódź".into(),
        owner_nip: "725-18-01-126".into(),
    }
}

async fn send(db: &Db, operator: &Operator) -> Result<i64, AppError> {
    common::try_queue(db, operator, "600100200", "Dzień dobry").await
}

async fn sender(db: &Db, id: i64) -> Option<String> {
    sqlx::query_scalar("SELECT sender FROM messages WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_name_is_checked_authorised_before_use_and_replaced_at_most_once_in_30_days() {
    on_both(|db| async move {
        seeded(&db).await;
        let operator = admin(&db).await;
        let now = now_ms();
        let add = |name: &'static str, level: Level, statement: Statement, accepted: bool, at: i64| {
            let db = db.clone();
            let operator = operator.clone();
            async move { names::add(&db, &operator, name, level, &statement, accepted, at).await }
        };
        // Without a name, messages go from the connection's number.
        let plain = send(&db, &operator).await.unwrap();
        assert_eq!(sender(&db, plain).await, None);

        assert_eq!(
            add("Hurtownia Mazur", Level::Account, statement(), true, now).await,
            Err(AppError::invalid(Field::SenderName, Problem::SenderName(SenderNameError::TooLong)))
        );
        assert_eq!(
            add("Żubr", Level::Account, statement(), true, now).await,
            Err(AppError::invalid(Field::SenderName, Problem::SenderName(SenderNameError::InvalidCharacter('Ż'))))
        );
        assert_eq!(
            add("MAZUR", Level::Account, statement(), false, now).await,
            Err(AppError::invalid(Field::Statement, Problem::Required))
        );
        let no_nip = Statement { owner_nip: "123".into(), owner_address: " ".into(), ..statement() };
        assert_eq!(
            add("MAZUR", Level::Account, no_nip, true, now).await,
            Err(AppError::InvalidFields(vec![
                FieldError::new(Field::Address, Problem::Required),
                FieldError::new(Field::Nip, Problem::InvalidNip),
            ]))
        );

        let mazur = add("MAZUR", Level::Account, statement(), true, now).await.unwrap();
        // Waiting for authorisation: nothing can be sent, and the composer says why.
        assert_eq!(send(&db, &operator).await, Err(AppError::invalid(Field::SenderName, Problem::NotAuthorised)));
        let loaded = names::load(&db, &operator, now).await.unwrap();
        assert_eq!(loaded.in_use().map(|n| (n.name.as_str(), n.authorised)), Some(("MAZUR", false)));
        assert_eq!(loaded.stamp.owner_nip, "7251801126", "the statement starts from the company stamp");
        // The gateway's number can still be chosen: recipients can reply to it.
        let checked = app::composer::check("600100200", "Z numeru", app::composer::Intent::Send).unwrap();
        let timing = app::composer::ssr::Timing { from_number: true, ..app::composer::ssr::Timing::now() };
        let links = Default::default();
        let from_number = app::composer::ssr::store(&db, &operator, None, &checked, app::composer::Intent::Send, links, timing)
            .await
            .unwrap();
        assert_eq!(sender(&db, from_number).await, None);
        assert!(names::authorise(&db, "mazur", now).await.unwrap());
        let named = send(&db, &operator).await.unwrap();
        assert_eq!(sender(&db, named).await.as_deref(), Some("MAZUR"));
        // {nadawca} is the name in use.
        let mut conn = db.pool.acquire().await.unwrap();
        let links = app::composer::ssr::MessageLinks::default();
        let filled = app::composer::ssr::fill_macros(&mut conn, &operator, "Pozdrawia {nadawca}", &links).await;
        assert_eq!(filled.as_deref(), Ok("Pozdrawia MAZUR"));
        drop(conn);

        // Unique in the installation, whatever the case: another account cannot take it.
        let (other_account, other_company) = common::other_account(&db).await;
        let stranger_id: i64 = sqlx::query_scalar(
            "INSERT INTO operators (account_id, login, name, email, role, password_hash, created_at) \
             VALUES ($1, 'obcy', 'Obcy', 'obcy@example.com', 'administrator', 'x', 0) RETURNING id",
        )
        .bind(other_account)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        let stranger = Operator { id: stranger_id, account_id: other_account, company_id: other_company, ..operator.clone() };
        assert_eq!(
            names::add(&db, &stranger, "Mazur", Level::Account, &statement(), true, now).await,
            Err(AppError::invalid(Field::SenderName, Problem::NameTaken))
        );
        assert_eq!(names::choose(&db, &stranger, Level::Account, Some(mazur)).await, Err(AppError::NotFound));

        // A new name in place of the one in use: not within 30 days, then allowed.
        let too_soon = add("MAZUR SKLEP", Level::Account, statement(), true, now + 1000).await;
        assert!(matches!(too_soon, Err(AppError::Invalid { field: Field::SenderName, problem: Problem::TooSoon { .. } })), "{too_soon:?}");
        let later = now + REPLACE_EVERY_MS + 1000;
        let sklep = add("MAZUR SKLEP", Level::Account, statement(), true, later).await.unwrap();
        assert_eq!(names::load(&db, &operator, later).await.unwrap().account_next_replace.map(|t| t.epoch_ms), Some(later + REPLACE_EVERY_MS));
        // Another name already added is chosen at any time, without authorisation anew.
        names::choose(&db, &operator, Level::Account, Some(mazur)).await.unwrap();
        assert_eq!(sender(&db, send(&db, &operator).await.unwrap()).await.as_deref(), Some("MAZUR"));
        // The company's own name wins over the account's.
        names::choose(&db, &operator, Level::Company, Some(sklep)).await.unwrap();
        assert_eq!(send(&db, &operator).await, Err(AppError::invalid(Field::SenderName, Problem::NotAuthorised)));
        assert!(names::authorise(&db, "MAZUR SKLEP", later).await.unwrap());
        assert_eq!(sender(&db, send(&db, &operator).await.unwrap()).await.as_deref(), Some("MAZUR SKLEP"));
        names::choose(&db, &operator, Level::Company, None).await.unwrap();
        assert_eq!(sender(&db, send(&db, &operator).await.unwrap()).await.as_deref(), Some("MAZUR"));
        assert!(!names::authorise(&db, "MAZUR", later).await.unwrap(), "authorised already");
    })
    .await;
}

#[tokio::test]
async fn the_owners_statement_goes_to_the_gateway_operator_with_a_copy_once() {
    let (smtp, mailer) = common::smtp::with_mailer().await;
    on_both(|db| {
        let mailer = mailer.clone();
        let smtp = &smtp;
        async move {
            seeded(&db).await;
            let operator = admin(&db).await;
            let before = smtp.mails().len();
            names::add(
                &db,
                &operator,
                "ZUBR",
                Level::Company,
                &statement(),
                true,
                now_ms(),
            )
            .await
            .unwrap();
            let operator_address = "zgody@operator.example";
            assert_eq!(
                server::mail::send_statements(&db, &mailer, operator_address, now_ms()).await,
                1
            );
            assert_eq!(
                server::mail::send_statements(&db, &mailer, operator_address, now_ms()).await,
                0,
                "once"
            );
            let mails = smtp.mails();
            assert_eq!(mails.len(), before + 1);
            let mail = &mails[before];
            assert_eq!(
                mail.subject,
                "Oświadczenie właściciela nazwy nadawcy SMS „ZUBR”"
            );
            assert!(
                mail.to.contains(operator_address) && mail.to.contains("admin@example.com"),
                "{}",
                mail.to
            );
            for line in [
                "Nazwa nadawcy: ZUBR",
                "Hurtownia Mazur Sp. z o.o.",
                "ul. Piotrkowska 120, 90-006 Łódź",
                "NIP: 7251801126",
                "Anna Administrator",
            ] {
                assert!(mail.body.contains(line), "{line} in {}", mail.body);
            }
        }
    })
    .await;
}
