//! Logging in and out. Passwords are argon2id hashes; a session is a random token kept in an
//! HttpOnly cookie, stored only as its SHA-256 hash.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Field, Problem, Result};
use crate::layout::{ErrorMessage, LanguageSwitch, APP_NAME};

#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

use texts::use_texts;

pub const SESSION_COOKIE: &str = "esemes_session";
/// Shortest password an operator may be given or choose.
pub const MIN_PASSWORD: usize = 10;

/// What an operator may do: administrators also manage companies, operators and templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    Operator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Operator => "operator",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        [Role::Administrator, Role::Operator]
            .into_iter()
            .find(|r| r.as_str() == value)
    }
}

/// What the browser may know about the logged-in operator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperatorInfo {
    pub name: String,
    pub login: String,
    pub company_name: String,
    pub is_administrator: bool,
}

/// Logs in and opens the composer, or `next`: a composer link the operator followed before
/// logging in (only those, so the login page cannot send anyone elsewhere).
#[server(endpoint = "login")]
pub async fn login(login: String, password: String, #[server(default)] next: String) -> Result<()> {
    crate::error::respond(async move {
        use crate::error::{Field, Problem};
        if login.trim().is_empty() {
            return Err(AppError::invalid(Field::Login, Problem::Required));
        }
        if password.is_empty() {
            return Err(AppError::invalid(Field::Password, Problem::Required));
        }
        let state = crate::ssr::app_state();
        let client = ssr::client_address();
        let token = match ssr::log_in(&state.db, &client, login.trim(), &password).await {
            Ok(token) => token,
            Err(e) => {
                // A plain form post (no JavaScript) gets its message back through the URL.
                if crate::ssr::is_plain_form_post() {
                    match e {
                        AppError::WrongCredentials => {
                            leptos_axum::redirect("/login?error=credentials")
                        }
                        AppError::TooManyAttempts { minutes } => leptos_axum::redirect(&format!(
                            "/login?error=throttled&minutes={minutes}"
                        )),
                        _ => {}
                    }
                }
                return Err(e);
            }
        };
        ssr::set_session_cookie(&token, state.secure_cookies);
        let composer_link = next.strip_prefix("/c/").is_some_and(|token| {
            !token.is_empty() && token.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        leptos_axum::redirect(if composer_link { &next } else { "/" });
        Ok(())
    })
    .await
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<()> {
    crate::error::respond(async move {
        let state = crate::ssr::app_state();
        if let Some(token) = ssr::session_token_from_request() {
            ssr::end_session(&state.db, &token).await?;
        }
        ssr::clear_session_cookie(state.secure_cookies);
        leptos_axum::redirect("/login");
        Ok(())
    })
    .await
}

#[server(endpoint = "current_operator")]
pub async fn current_operator() -> Result<OperatorInfo> {
    crate::error::respond(async move {
        let operator = ssr::require_operator()?;
        Ok(OperatorInfo {
            is_administrator: operator.is_administrator(),
            name: operator.name,
            login: operator.login,
            company_name: operator.company_name,
        })
    })
    .await
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<Login>::new();
    let query = leptos_router::hooks::use_query_map();
    let error = form_error(action, |query| match query.get("error").as_deref() {
        Some("credentials") => Some(AppError::WrongCredentials),
        Some("throttled") => Some(AppError::TooManyAttempts {
            minutes: query
                .get("minutes")
                .and_then(|m| m.parse().ok())
                .unwrap_or(15),
        }),
        _ => None,
    });
    view! {
        <SessionCard title=t.login_title intro=t.login_intro.to_string()>
            <ActionForm action>
                <input type="hidden" name="next" value=move || query.with(|q| q.get("next").unwrap_or_default()) />
                <label for="login">{t.login_label}</label>
                <input id="login" name="login" type="text" autocomplete="username" required autofocus />
                <label for="password">{t.password_label}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required />
                <ErrorMessage error />
                <button type="submit" class="primary" disabled=move || action.pending().get()>
                    {t.login_button}
                </button>
            </ActionForm>
        </SessionCard>
    }
}

/// The error under a form: the action's answer, or after a plain form post (no JavaScript) the one
/// the server named in the page's URL, read by `from_url`.
fn form_error<S>(
    action: ServerAction<S>,
    from_url: fn(&leptos_router::params::ParamsMap) -> Option<AppError>,
) -> Signal<Option<AppError>>
where
    S: leptos::server_fn::ServerFn<Output = (), Error = AppError> + Send + Sync + Clone + 'static,
{
    let query = leptos_router::hooks::use_query_map();
    Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(|result| result.err())
            .or_else(|| from_url(&query.read()))
    })
}

/// The card the login and the password change are shown on: the program's name, a title, an
/// introduction, the page's form and the language switch.
#[component]
fn SessionCard(title: &'static str, intro: String, children: Children) -> impl IntoView {
    view! {
        <main class="login">
            <div class="login-card">
                <h1 class="brand">{APP_NAME}</h1>
                <h2>{title}</h2>
                <p>{intro}</p>
                {children()}
                <LanguageSwitch />
            </div>
        </main>
    }
}

/// Replaces a generated password (the first administrator's) with the operator's own; allowed
/// only while the change is due, since it asks for no current password.
#[server(endpoint = "change_password")]
pub async fn change_password(password: String, repeat: String) -> Result<()> {
    crate::error::respond(async move {
        let operator = ssr::require_operator()?;
        if !operator.password_change_due() {
            return Err(AppError::Forbidden);
        }
        let problem = if password.chars().count() < MIN_PASSWORD {
            Some(Problem::TooShort {
                min: MIN_PASSWORD as u32,
            })
        } else if password != repeat {
            Some(Problem::PasswordsDiffer)
        } else {
            None
        };
        if let Some(problem) = problem {
            if crate::ssr::is_plain_form_post() {
                let code = problem.code();
                leptos_axum::redirect(&format!("/password?error={code}"));
            }
            return Err(AppError::invalid(Field::Password, problem));
        }
        ssr::change_password(&crate::ssr::app_state().db, operator.id, password).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

/// Where an operator with a generated password lands after logging in: nothing else opens until
/// they have chosen their own.
#[component]
pub fn PasswordPage() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<ChangePassword>::new();
    let error = form_error(action, |query| {
        let problem = match query.get("error").as_deref() {
            Some("too_short") => Problem::TooShort {
                min: MIN_PASSWORD as u32,
            },
            Some("passwords_differ") => Problem::PasswordsDiffer,
            _ => return None,
        };
        Some(AppError::invalid(Field::Password, problem))
    });
    view! {
        <SessionCard title=t.password_title intro=(t.password_intro)(MIN_PASSWORD as u32)>
            <ActionForm action>
                <label for="password">{t.new_password_label}</label>
                <input id="password" name="password" type="password" autocomplete="new-password" required autofocus />
                <label for="repeat">{t.repeat_password_label}</label>
                <input id="repeat" name="repeat" type="password" autocomplete="new-password" required />
                <ErrorMessage error />
                <button type="submit" class="primary" disabled=move || action.pending().get()>
                    {t.save_password}
                </button>
            </ActionForm>
        </SessionCard>
    }
}

/// The logout button: a form, so it works without JavaScript too.
#[component]
pub fn LogoutButton() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<Logout>::new();
    view! {
        <ActionForm action attr:class="logout">
            <button type="submit" class="link">{t.logout}</button>
        </ActionForm>
    }
}
