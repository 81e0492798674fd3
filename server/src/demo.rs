//! Demo data for a first start: one account and company, an address book and two templates,
//! and the first administrator.

use app::auth::ssr::hash_password;
use app::ssr::{now_ms, Db};
use rand::distributions::{Alphanumeric, DistString};

pub const ADMIN_LOGIN: &str = "admin";

/// What the first start created, for the start-up message.
pub struct Seeded {
    /// The generated password, to print once; `None` when it came from the environment.
    pub generated_password: Option<String>,
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
    let mut tx = db.pool.begin().await?;
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
        "INSERT INTO operators (account_id, login, name, email, role, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, 'administrator', $5, $6) RETURNING id",
    )
    .bind(account_id)
    .bind(ADMIN_LOGIN)
    .bind("Anna Administrator")
    .bind("admin@example.com")
    .bind(hash)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO operator_companies (operator_id, company_id) VALUES ($1, $2)")
        .bind(operator_id)
        .bind(company_id)
        .execute(&mut *tx)
        .await?;

    // (kind, code, name, SMS phone, e-mail, representatives: (name, role, SMS phone))
    type Subject<'a> = (
        &'a str,
        &'a str,
        &'a str,
        Option<&'a str>,
        &'a str,
        &'a [(&'a str, &'a str, &'a str)],
    );
    let subjects: &[Subject] = &[
        (
            "contractor",
            "ALFA",
            "Alfa Budownictwo Sp. z o.o.",
            Some("+48601200300"),
            "biuro@alfa.example",
            &[
                ("Jan Kowalski", "kierownik budowy", "+48602300400"),
                ("Ewa Nowak", "księgowa", "+48603400500"),
            ],
        ),
        (
            "contractor",
            "ŁÓDŹ-TRANS",
            "Łódź Trans s.c.",
            Some("+48604500600"),
            "trans@lodztrans.example",
            &[("Paweł Wiśniewski", "dyspozytor", "+48605600700")],
        ),
        (
            "contractor",
            "GAMMA",
            "Gamma Handel",
            None,
            "gamma@example.com",
            &[],
        ),
        (
            "contractor",
            "ŻUBR",
            "Żubr Meble Jerzy Żubrowski",
            Some("+48606700800"),
            "zubr@example.com",
            &[],
        ),
        (
            "employee",
            "KOWALCZYK",
            "Marta Kowalczyk (właścicielka)",
            Some("+48607800900"),
            "marta@mazur.example",
            &[],
        ),
        (
            "employee",
            "ZIELIŃSKI",
            "Tomasz Zieliński",
            Some("+48608900100"),
            "tomasz@mazur.example",
            &[],
        ),
        (
            "office",
            "US-ŁÓDŹ",
            "Urząd Skarbowy Łódź-Śródmieście",
            None,
            "us.lodz@example.gov.pl",
            &[],
        ),
        (
            "bank",
            "PKO",
            "PKO Bank Polski",
            Some("+48800302302"),
            "",
            &[],
        ),
    ];
    for (kind, code, name, phone, email, representatives) in subjects {
        let subject_id: i64 = sqlx::query_scalar(
            "INSERT INTO subjects (company_id, kind, code, name, sms_phone, email, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(company_id)
        .bind(*kind)
        .bind(*code)
        .bind(*name)
        .bind(*phone)
        .bind(*email)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for (name, role, phone) in representatives.iter() {
            sqlx::query("INSERT INTO representatives (subject_id, name, role, sms_phone) VALUES ($1, $2, $3, $4)")
                .bind(subject_id)
                .bind(*name)
                .bind(*role)
                .bind(*phone)
                .execute(&mut *tx)
                .await?;
        }
    }
    for (name, body) in [
        ("Przypomnienie o płatności",
         "Dzień dobry, przypominamy o płatności za fakturę {numer_dokumentu} na kwotę {pozostalo_do_zaplaty}. Termin: {termin_platnosci}. {firma}"),
        ("Zamówienie gotowe", "Dzien dobry, zamowienie {numer_dokumentu} jest gotowe do odbioru. {firma}"),
    ] {
        sqlx::query("INSERT INTO templates (company_id, name, body, created_at) VALUES ($1, $2, $3, $4)")
            .bind(company_id)
            .bind(name)
            .bind(body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Some(Seeded { generated_password }))
}
