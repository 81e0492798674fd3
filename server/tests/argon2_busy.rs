//! Password checks wait for one of a few turns, so a flood of logins cannot run out of memory.
//! Alone in its test binary: it takes every turn, which would make other tests' logins wait.

mod common;

use app::auth::ssr::{log_in, ARGON2_TURNS};
use app::error::AppError;
use common::{on_both, seeded, ADMIN_PASSWORD, CLIENT};

#[tokio::test]
async fn a_login_without_a_turn_for_its_password_check_is_asked_to_try_again() {
    on_both(|db| async move {
        seeded(&db).await;
        let all_turns = ARGON2_TURNS.available_permits() as u32;
        let taken = ARGON2_TURNS.acquire_many(all_turns).await.unwrap();
        assert_eq!(
            log_in(&db, CLIENT, "admin", ADMIN_PASSWORD).await,
            Err(AppError::Busy)
        );
        // Not a failed guess: nothing counts against the login.
        let failures = common::login_failures(&db).await;
        assert_eq!(failures, 0);
        drop(taken);
        assert!(log_in(&db, CLIENT, "admin", ADMIN_PASSWORD).await.is_ok());
    })
    .await;
}
