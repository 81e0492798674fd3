//! Administration store tests on SQLite and PostgreSQL: companies and operators of an account,
//! the company switch and session revocation, all scoped to the account.

mod common;

use app::admin::ssr as admin;
use app::admin::{CompanyInput, OperatorInput};
use app::auth::ssr::{log_in, operator_for_headers, Operator};
use app::auth::Role;
use app::error::{AppError, Field, FieldError, Problem};
use app::ssr::Db;
use common::{admin as demo_admin, on_both, seeded, CLIENT};
use http::{header, HeaderMap, HeaderValue};

fn cookie(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::COOKIE,
        HeaderValue::from_str(&format!("esemes_session={token}")).unwrap(),
    );
    headers
}

async fn session(db: &Db, token: &str) -> Option<Operator> {
    operator_for_headers(db, &cookie(token), false)
        .await
        .unwrap()
}

fn second_company() -> CompanyInput {
    CompanyInput {
        name: "Mazur Serwis".into(),
        stamp_name: "Mazur Serwis Sp. z o.o.".into(),
        stamp_address: "ul. Długa 5, 90-001 Łódź".into(),
        stamp_nip: "5270001236".into(),
        rules: Default::default(),
    }
}

fn operator_input(company_ids: Vec<i64>) -> OperatorInput {
    OperatorInput {
        login: "ewa".into(),
        name: "Ewa Operator".into(),
        email: "ewa@example.com".into(),
        sms_phone: String::new(),
        role: Role::Operator,
        active: true,
        company_ids,
        password: "dlugie-haslo-1".into(),
    }
}

#[tokio::test]
async fn an_operator_of_two_companies_switches_between_them_only() {
    on_both(|db| async move {
        seeded(&db).await;
        let boss = demo_admin(&db).await;
        let first = boss.company_id;
        let second = admin::save_company(&db, &boss, None, &second_company())
            .await
            .unwrap();
        let ewa = admin::save_operator(&db, &boss, None, operator_input(vec![first, second]))
            .await
            .unwrap();
        let listed = admin::operators(&db, boss.account_id).await.unwrap();
        let row = listed.iter().find(|o| o.id == ewa).unwrap();
        assert_eq!(row.company_ids.len(), 2);

        let token = log_in(&db, CLIENT, "ewa", "dlugie-haslo-1").await.unwrap();
        let operator = session(&db, &token).await.unwrap();
        assert_eq!(operator.company_id, first.min(second));
        admin::switch_company(&db, &operator, &token, second)
            .await
            .unwrap();
        assert_eq!(
            session(&db, &token).await.unwrap().company_name,
            "Mazur Serwis"
        );

        // A company of another account is not there for her.
        let (_, foreign) = common::other_account(&db).await;
        assert_eq!(
            admin::switch_company(&db, &operator, &token, foreign).await,
            Err(AppError::NotFound)
        );
        // Nor can an administrator give it to her.
        assert_eq!(
            admin::save_operator(
                &db,
                &boss,
                Some(ewa),
                OperatorInput {
                    password: String::new(),
                    ..operator_input(vec![first, foreign])
                }
            )
            .await,
            Err(AppError::NotFound)
        );

        // Taking a company away ends her sessions in it.
        admin::save_operator(
            &db,
            &boss,
            Some(ewa),
            OperatorInput {
                password: String::new(),
                ..operator_input(vec![first])
            },
        )
        .await
        .unwrap();
        assert!(session(&db, &token).await.is_none());
    })
    .await;
}

#[tokio::test]
async fn sessions_can_be_revoked_and_deactivation_ends_them() {
    on_both(|db| async move {
        seeded(&db).await;
        let boss = demo_admin(&db).await;
        let ewa = admin::save_operator(&db, &boss, None, operator_input(vec![boss.company_id]))
            .await
            .unwrap();
        let phone = log_in(&db, CLIENT, "ewa", "dlugie-haslo-1").await.unwrap();
        let desk = log_in(&db, CLIENT, "ewa", "dlugie-haslo-1").await.unwrap();
        assert_eq!(admin::revoke_sessions(&db, &boss, ewa).await, Ok(2));
        assert!(session(&db, &phone).await.is_none());
        assert!(session(&db, &desk).await.is_none());

        let again = log_in(&db, CLIENT, "ewa", "dlugie-haslo-1").await.unwrap();
        admin::save_operator(
            &db,
            &boss,
            Some(ewa),
            OperatorInput {
                active: false,
                password: String::new(),
                ..operator_input(vec![boss.company_id])
            },
        )
        .await
        .unwrap();
        assert!(session(&db, &again).await.is_none());
        assert_eq!(
            log_in(&db, CLIENT, "ewa", "dlugie-haslo-1").await,
            Err(AppError::WrongCredentials)
        );
    })
    .await;
}

#[tokio::test]
async fn an_administrator_cannot_lock_themself_out_and_logins_are_unique() {
    on_both(|db| async move {
        seeded(&db).await;
        let boss = demo_admin(&db).await;
        let demoted = OperatorInput {
            login: "admin".into(),
            name: boss.name.clone(),
            email: String::new(),
            sms_phone: String::new(),
            role: Role::Operator,
            active: true,
            company_ids: vec![boss.company_id],
            password: String::new(),
        };
        assert_eq!(
            admin::save_operator(&db, &boss, Some(boss.id), demoted).await,
            Err(AppError::InvalidFields(vec![FieldError::new(
                Field::Role,
                Problem::CannotLockYourselfOut
            )]))
        );
        assert_eq!(
            admin::save_operator(
                &db,
                &boss,
                None,
                OperatorInput {
                    login: "admin".into(),
                    ..operator_input(vec![boss.company_id])
                }
            )
            .await,
            Err(AppError::InvalidFields(vec![FieldError::new(
                Field::Login,
                Problem::LoginTaken
            )]))
        );
    })
    .await;
}
