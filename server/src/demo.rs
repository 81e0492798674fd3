//! Demo data for a first start: one account and company, an address book, templates, documents
//! and tasks, and the first administrator.

use app::address_book::{
    check_subject, ssr as address_book, RepresentativeInput, SubjectInput, SubjectKind,
};
use app::auth::ssr::hash_password;
use app::documents::{DocumentInput, DocumentKind};
use app::ssr::{now_ms, Db};
use app::tasks::TaskInput;
use app::templates::{check_template, ssr as templates, TemplateInput};
use rand::distributions::{Alphanumeric, DistString};
use sms::procedure::Procedure;

pub const ADMIN_LOGIN: &str = "admin";
/// The demo account's starting pool, so the demo can send at once.
pub const DEMO_CREDITS: i64 = 10_000;
const DEMO_CREDITS_REASON: &str = "Pula startowa danych demonstracyjnych";

/// A demo template: name, body, and its procedures with the default flag.
type DemoTemplate = (&'static str, &'static str, &'static [(Procedure, bool)]);

/// What the first start created, for the start-up message.
pub struct Seeded {
    /// The generated password, to print once; `None` when it came from the environment.
    pub generated_password: Option<String>,
    pub company_id: i64,
}

/// Creates the demo data if the database has no account yet.
pub async fn seed_if_empty(
    db: &Db,
    admin_password: Option<String>,
) -> anyhow::Result<Option<Seeded>> {
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(&db.pool)
        .await?;
    if accounts > 0 {
        return Ok(None);
    }
    let (password, generated_password) = match admin_password {
        Some(password) => (password, None),
        None => {
            let password = Alphanumeric.sample_string(&mut rand::thread_rng(), 16);
            (password.clone(), Some(password))
        }
    };
    let hash = hash_password(password)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let account_id: i64 =
        sqlx::query_scalar("INSERT INTO accounts (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind("Demo")
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
    let company_id: i64 = sqlx::query_scalar(
        "INSERT INTO companies (account_id, name, stamp_name, stamp_address, stamp_nip, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(account_id)
    .bind("Hurtownia Mazur")
    .bind("Hurtownia Mazur Sp. z o.o.")
    .bind("ul. Piotrkowska 120, 90-006 Łódź")
    .bind("7251801126")
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let operator_id: i64 = sqlx::query_scalar(
        "INSERT INTO operators (account_id, login, name, email, role, password_hash, created_at, \
                                must_change_password) \
         VALUES ($1, $2, $3, $4, 'administrator', $5, $6, $7) RETURNING id",
    )
    .bind(account_id)
    .bind(ADMIN_LOGIN)
    .bind("Anna Administrator")
    .bind("admin@example.com")
    .bind(hash)
    .bind(now)
    // A generated password has been printed on a console and maybe in a log: it is changed at
    // the first login.
    .bind(i64::from(generated_password.is_some()))
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO operator_companies (operator_id, company_id) VALUES ($1, $2)")
        .bind(operator_id)
        .bind(company_id)
        .execute(&mut *tx)
        .await?;

    // (kind, code, name, SMS phone, e-mail, NIP, representatives: (name, role, SMS phone))
    type Subject<'a> = (
        SubjectKind,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        &'a [(&'a str, &'a str, &'a str)],
    );
    let subjects: &[Subject] = &[
        (
            SubjectKind::Contractor,
            "ALFA",
            "Alfa Budownictwo Sp. z o.o.",
            "+48601200300",
            "biuro@alfa.example",
            "5270001236",
            &[
                ("Jan Kowalski", "kierownik budowy", "+48602300400"),
                ("Ewa Nowak", "księgowa", "+48603400500"),
            ],
        ),
        (
            SubjectKind::Contractor,
            "ŁÓDŹ-TRANS",
            "Łódź Trans s.c.",
            "+48604500600",
            "trans@lodztrans.example",
            "7250004563",
            &[("Paweł Wiśniewski", "dyspozytor", "+48605600700")],
        ),
        (
            SubjectKind::Contractor,
            "GAMMA",
            "Gamma Handel",
            "",
            "gamma@example.com",
            "7730007892",
            &[],
        ),
        (
            SubjectKind::Contractor,
            "ŻUBR",
            "Żubr Meble Jerzy Żubrowski",
            "+48606700800",
            "zubr@example.com",
            "9510003226",
            &[],
        ),
        (
            SubjectKind::Employee,
            "KOWALCZYK",
            "Marta Kowalczyk",
            "+48607800900",
            "marta@mazur.example",
            "",
            &[],
        ),
        (
            SubjectKind::Employee,
            "ZIELIŃSKI",
            "Tomasz Zieliński",
            "+48608900100",
            "tomasz@mazur.example",
            "",
            &[],
        ),
        (
            SubjectKind::Office,
            "US-ŁÓDŹ",
            "Urząd Skarbowy Łódź-Śródmieście",
            "",
            "us.lodz@example.gov.pl",
            "",
            &[],
        ),
        (SubjectKind::Bank, "PKO", "PKO Bank Polski", "", "", "", &[]),
    ];
    for (kind, code, name, phone, email, nip, representatives) in subjects {
        let input = SubjectInput {
            sms_phone: phone.to_string(),
            email: email.to_string(),
            nip: nip.to_string(),
            // The first employee owns the company.
            is_owner: *code == "KOWALCZYK",
            representatives: (*kind == SubjectKind::Contractor).then(|| {
                representatives
                    .iter()
                    .map(|(name, role, phone)| RepresentativeInput {
                        id: None,
                        external_id: None,
                        name: name.to_string(),
                        role: role.to_string(),
                        sms_phone: phone.to_string(),
                        email: String::new(),
                        active: true,
                    })
                    .collect()
            }),
            // As if pushed by the ERP, so the demo documents and tasks can name their subjects.
            external_id: Some(format!("demo-{code}")),
            ..SubjectInput::new(*kind, code, name)
        };
        let valid = check_subject(&input, app::phone::ssr::validate)
            .map_err(|e| anyhow::anyhow!("demo subject {code}: {e:?}"))?;
        address_book::save(&mut tx, company_id, None, &valid)
            .await
            .map_err(|e| anyhow::anyhow!("demo subject {code}: {e}"))?;
    }
    // The SMS form has no default, so the composer opens empty.
    let templates: [DemoTemplate; 5] = [
        ("Przypomnienie o płatności",
         "Dzień dobry, przypominamy o płatności za fakturę {numer_dokumentu} na kwotę {pozostalo_do_zaplaty}. Termin: {termin_platnosci}. {firma}",
         &[(Procedure::SalesInvoiceForm, true), (Procedure::SalesInvoiceList, true)]),
        ("Zamówienie gotowe",
         "Dzien dobry, zamowienie {numer_dokumentu} jest gotowe do odbioru. {firma}",
         &[(Procedure::OrderForm, true)]),
        ("Przypomnienie o wizycie",
         "Przypominamy o wizycie: {zadanie}, {termin_od}. {firma}",
         &[(Procedure::TaskForm, true)]),
        ("Powitanie",
         "Dzień dobry {imie|Państwu}, dziękujemy za współpracę. {firma}",
         &[(Procedure::SmsForm, false), (Procedure::ContractorForm, true)]),
        ("Podziękowanie za wpłatę",
         "Dziękujemy za wpłatę. {firma}",
         &[(Procedure::SmsForm, false), (Procedure::ContractorForm, false)]),
    ];
    for (name, body, procedures) in templates {
        let input = TemplateInput::new(name, body, procedures);
        let valid =
            check_template(&input).map_err(|e| anyhow::anyhow!("demo template {name}: {e:?}"))?;
        templates::save(&mut tx, company_id, None, &valid)
            .await
            .map_err(|e| anyhow::anyhow!("demo template {name}: {e}"))?;
    }
    tx.commit().await?;
    let about = app::credits::ssr::About::default();
    let kind = app::credits::EntryKind::Correction;
    app::credits::ssr::add(
        db,
        account_id,
        kind,
        DEMO_CREDITS,
        about,
        DEMO_CREDITS_REASON,
        now,
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo credits: {e}"))?;
    Ok(Some(Seeded {
        generated_password,
        company_id,
    }))
}

/// Invoices (unpaid, overdue, paid), an order and tasks around today, as the ERP would push them
/// (a first start's sample data; the tests' demo company starts without them).
pub async fn seed_documents_and_tasks(db: &Db, company_id: i64) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await?;
    use chrono::TimeZone;
    let zone = app::ssr::TIME_ZONE;
    let today = chrono::Utc::now().with_timezone(&zone).date_naive();
    let date = |offset: i64| today + chrono::Duration::days(offset);
    let day = |offset: i64| date(offset).format("%Y-%m-%d").to_string();
    let documents = [
        (
            "FS/101/2026",
            DocumentKind::SalesInvoice,
            -10,
            Some(4),
            184_500,
            184_500,
            "ALFA",
        ),
        (
            "FS/88/2026",
            DocumentKind::SalesInvoice,
            -30,
            Some(-16),
            123_000,
            42_050,
            "ŁÓDŹ-TRANS",
        ),
        (
            "FS/97/2026",
            DocumentKind::SalesInvoice,
            -20,
            Some(-6),
            56_990,
            0,
            "ŻUBR",
        ),
        (
            "ZAM/15/2026",
            DocumentKind::Order,
            -2,
            None,
            310_000,
            0,
            "ALFA",
        ),
    ];
    for (number, kind, issued, due, gross, left, subject) in documents {
        let input = DocumentInput {
            kind,
            number: number.to_string(),
            issue_date: day(issued),
            due_date: due.map(day),
            gross_amount: gross,
            left_to_pay: left,
            currency: "PLN".to_string(),
            subject_external_id: Some(format!("demo-{subject}")),
            attributes: Default::default(),
        };
        let valid = app::documents::validate(&input)
            .map_err(|e| anyhow::anyhow!("demo document {number}: {e:?}"))?;
        app::documents::ssr::upsert(&mut tx, company_id, &number.replace('/', "-"), &valid)
            .await
            .map_err(|e| anyhow::anyhow!("demo document {number}: {e}"))?;
    }
    let at = |offset: i64, hour: u32, minute: u32| {
        let local = date(offset)
            .and_hms_opt(hour, minute, 0)
            .unwrap_or_default();
        let instant = zone.from_local_datetime(&local).earliest();
        instant.map(|i| i.to_rfc3339()).unwrap_or_default()
    };
    let tasks = [
        ("Przegląd instalacji", at(1, 10, 30), false, "ALFA"),
        ("Podpisanie umowy ramowej", at(3, 13, 0), false, "ŻUBR"),
        (
            "Telefon w sprawie dostawy",
            at(-1, 9, 0),
            true,
            "ŁÓDŹ-TRANS",
        ),
    ];
    for (n, (title, starts_at, done, subject)) in tasks.into_iter().enumerate() {
        let input = TaskInput {
            title: title.to_string(),
            subject_external_id: Some(format!("demo-{subject}")),
            operator_login: Some(ADMIN_LOGIN.to_string()),
            starts_at,
            ends_at: None,
            done,
            recurrence: None,
            recurrence_until: None,
        };
        let valid = app::tasks::validate(&input)
            .map_err(|e| anyhow::anyhow!("demo task {title}: {e:?}"))?;
        app::tasks::ssr::upsert(&mut tx, company_id, &format!("demo-task-{n}"), &valid)
            .await
            .map_err(|e| anyhow::anyhow!("demo task {title}: {e}"))?;
    }
    tx.commit().await?;
    Ok(())
}

/// Two messages the simulator delivered, each answered: a payment promise about an invoice and
/// a STOP to a marketing message, filed as real replies are (the inbox and the opt-out list of
/// a first start are not empty).
pub async fn seed_replies(db: &Db, company_id: i64) -> anyhow::Result<()> {
    let now = now_ms();
    let hour = 3_600_000;
    let conversations = [
        (
            "ALFA",
            Some("FS/101/2026"),
            "transactional",
            "Przypominamy o płatności faktury FS/101/2026: 1 845,00 zł do 6 dni.",
            "Dziękuję, zapłacę jutro rano.",
        ),
        (
            "ŻUBR",
            None,
            "marketing",
            "Nowość w Hurtowni Mazur: rabat 10% na chemię budowlaną do końca miesiąca.",
            "STOP",
        ),
    ];
    for (n, (code, document, category, text, reply)) in conversations.into_iter().enumerate() {
        let mut tx = db.begin_write().await?;
        let (subject_id, phone): (i64, String) = sqlx::query_as(
            "SELECT id, sms_phone FROM subjects WHERE company_id = $1 AND code = $2",
        )
        .bind(company_id)
        .bind(code)
        .fetch_one(&mut *tx)
        .await?;
        let document_id: Option<i64> = match document {
            Some(number) => Some(
                sqlx::query_scalar(
                    "SELECT id FROM documents WHERE company_id = $1 AND number = $2",
                )
                .bind(company_id)
                .bind(number)
                .fetch_one(&mut *tx)
                .await?,
            ),
            None => None,
        };
        let operator_id: i64 = sqlx::query_scalar("SELECT id FROM operators WHERE login = $1")
            .bind(ADMIN_LOGIN)
            .fetch_one(&mut *tx)
            .await?;
        let sent = now - (2 - n as i64) * hour;
        let analysis = sms::analyze(text, &app::composer::sending_options());
        let encoding = match analysis.encoding {
            sms::Encoding::Gsm7 => "gsm7",
            sms::Encoding::Ucs2 => "ucs2",
        };
        let message_id: i64 = sqlx::query_scalar(
            "INSERT INTO messages (company_id, operator_id, phone, body, encoding, parts, status, \
                                   created_at, updated_at, queued_at, submitted_at, done_at, \
                                   subject_id, document_id, category) \
             VALUES ($1, $2, $3, $4, $5, $6, 'delivered', $7, $7, $7, $7, $7, $8, $9, $10) \
             RETURNING id",
        )
        .bind(company_id)
        .bind(operator_id)
        .bind(&phone)
        .bind(text)
        .bind(encoding)
        .bind(i64::from(analysis.segments))
        .bind(sent)
        .bind(subject_id)
        .bind(document_id)
        .bind(category)
        .fetch_one(&mut *tx)
        .await?;
        for seq in 0..i64::from(analysis.segments) {
            sqlx::query(
                "INSERT INTO message_parts (message_id, seq, status, attempts, gateway, \
                                            gateway_message_id, submitting_at, sent_at, done_at) \
                 VALUES ($1, $2, 'delivered', 1, 'simulator', $3, $4, $4, $4)",
            )
            .bind(message_id)
            .bind(seq)
            .bind(format!("demo-{message_id}-{seq}"))
            .bind(sent)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        let part = sms::receive::ReceivedPart {
            concatenation: None,
            text: reply.to_string(),
        };
        app::replies::ssr::receive_part(db, "simulator", &phone, "ESEMES", &part)
            .await
            .map_err(|e| anyhow::anyhow!("demo reply: {e}"))?;
    }
    Ok(())
}
