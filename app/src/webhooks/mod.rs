//! The status webhook of an account: the host ERP gives a URL, and every status change of the
//! account's messages is posted to it in order, signed with a secret only the ERP and the
//! server know, and posted again later when the ERP does not take it. The administrator sets
//! it up and sees every attempt.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::format::LocalTime;
use crate::i18n::use_language;
use crate::layout::ErrorMessage;

#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

use texts::use_texts;

/// One post of the webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub at: LocalTime,
    pub events: i64,
    pub status_code: Option<i64>,
    pub error: Option<String>,
    pub delivered: bool,
}

/// The webhook as the administrator sees it: never the secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookView {
    pub url: Option<String>,
    pub failures: i64,
    /// When the next try is due, after failures.
    pub next_at: Option<LocalTime>,
    pub attempts: Vec<Attempt>,
}

#[server(endpoint = "load_webhook")]
pub async fn load_webhook() -> crate::error::Result<WebhookView> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        ssr::view(&crate::ssr::app_state().db, operator.account_id).await
    })
    .await
}

/// Sets the webhook's URL (an empty one removes the webhook). A new webhook, or `new_secret`,
/// gets a new secret, answered this once.
#[server(endpoint = "save_webhook")]
pub async fn save_webhook(
    url: String,
    #[server(default)] new_secret: bool,
) -> crate::error::Result<Option<String>> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        let db = &crate::ssr::app_state().db;
        let secret = ssr::save(db, operator.account_id, &url, new_secret).await?;
        tracing::info!(account_id = operator.account_id, "status webhook saved");
        Ok(secret)
    })
    .await
}

#[component]
pub fn WebhookSection() -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let save = ServerAction::<SaveWebhook>::new();
    let webhook = Resource::new(move || save.version().get(), |_| load_webhook());
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <section aria-labelledby="webhook-title">
            <h2 id="webhook-title">{t.title}</h2>
            <p class="hint">{t.hint}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    webhook.await.ok().map(|hook| view! {
                        <ActionForm action=save attr:class="admin-form webhook-form">
                            <label for="webhook-url">{t.url_label}</label>
                            <input id="webhook-url" name="url" type="url" inputmode="url"
                                placeholder="https://erp.example.com/esemes" value=hook.url.clone().unwrap_or_default() />
                            {hook.url.is_some().then(|| view! {
                                <label class="checkbox">
                                    <input type="checkbox" name="new_secret" value="true" />{t.new_secret}
                                </label>
                            })}
                            <button type="submit">{t.save}</button>
                        </ActionForm>
                        {(hook.failures > 0).then(|| view! {
                            <p class="warning" role="status">
                                {(t.failing)(hook.failures)}" "
                                {hook.next_at.map(|at| view! { {t.next_try}" "{at.format(lang)} })}
                            </p>
                        })}
                        {(!hook.attempts.is_empty()).then(|| view! {
                            <table class="messages webhook-attempts">
                                <thead><tr>
                                    <th scope="col">{t.col_at}</th>
                                    <th scope="col">{t.col_events}</th>
                                    <th scope="col">{t.col_result}</th>
                                </tr></thead>
                                <tbody>
                                    {hook.attempts.into_iter().map(|a| view! {
                                        <tr class:failed=!a.delivered>
                                            <td data-label=t.col_at><time datetime=a.at.iso()>{a.at.format(lang)}</time></td>
                                            <td data-label=t.col_events>{a.events}</td>
                                            <td data-label=t.col_result>
                                                <span class=if a.delivered { "status status-delivered" } else { "status status-undelivered" }>
                                                    {a.status_code.map(|c| c.to_string()).unwrap_or_default()}" "
                                                    {if a.delivered { t.delivered } else { t.failed }}
                                                </span>
                                                {a.error.map(|e| view! { <span class="gateway-error">" — "{e}</span> })}
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        })}
                    })
                })}
            </Suspense>
            <ErrorMessage error />
            {move || save.value().get().and_then(Result::ok).flatten().map(|secret| view! {
                <p class="notice secret" role="status">{t.secret_once}" "<code>{secret}</code></p>
            })}
        </section>
    }
}
