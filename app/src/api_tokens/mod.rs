//! Tokens of the host ERP for the HTTP API: one account each, created and revoked by
//! administrators. Only a SHA-256 of a token is stored; the token itself is shown once.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod ssr;

/// A token as administrators see it: never the secret, only its first characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}
