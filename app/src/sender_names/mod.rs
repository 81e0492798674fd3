//! Sender names (nazwa nadawcy): recipients see a verified name instead of a number. A name is
//! added with its owner's statement (the company stamp's name, address and NIP, editable),
//! which is e-mailed to the gateway operator with a copy to the sender; it can be sent with once
//! the installation's operator authorises it. One name is in use for all the account's
//! companies, and a company may use its own instead; replacing the name in use by a new one is
//! allowed once per 30 days, choosing another of the account's names at any time.

use leptos::form::ActionForm;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::format::LocalTime;
use crate::i18n::use_language;
use crate::layout::ErrorMessage;

#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

use texts::use_texts;

/// How long after a new name replaced the one in use another may replace it.
pub const REPLACE_EVERY_MS: i64 = 30 * 24 * 3600 * 1000;

/// Where a name is in use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Every company of the account (program level).
    #[default]
    Account,
    /// The operator's current company only.
    Company,
}

/// The owner's statement: who allows the name to be used in their name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub owner_name: String,
    pub owner_address: String,
    pub owner_nip: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SenderName {
    pub id: i64,
    pub name: String,
    pub authorised: bool,
    pub accepted_at: LocalTime,
    pub accepted_by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SenderNames {
    pub names: Vec<SenderName>,
    pub account_current: Option<i64>,
    pub company_current: Option<i64>,
    /// When a new name may next replace the one in use, while that is still ahead.
    pub account_next_replace: Option<LocalTime>,
    pub company_next_replace: Option<LocalTime>,
    /// The company stamp, to fill the statement.
    pub stamp: Statement,
}

impl SenderNames {
    /// The name the current company's messages go with, and whether it is authorised.
    pub fn in_use(&self) -> Option<&SenderName> {
        let id = self.company_current.or(self.account_current)?;
        self.names.iter().find(|n| n.id == id)
    }
}

#[server(endpoint = "load_sender_names")]
pub async fn load_sender_names() -> Result<SenderNames> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        ssr::load(&state.db, &operator, state.clock.now_ms()).await
    })
    .await
}

/// Adds a sender name with the owner's statement and puts it in use at `level`
/// (administrators).
#[server(endpoint = "add_sender_name")]
pub async fn add_sender_name(
    name: String,
    level: Level,
    owner_name: String,
    owner_address: String,
    owner_nip: String,
    #[server(default)] accept: bool,
) -> Result<i64> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        let state = crate::ssr::app_state();
        let statement = Statement {
            owner_name,
            owner_address,
            owner_nip,
        };
        let now = state.clock.now_ms();
        ssr::add(&state.db, &operator, &name, level, &statement, accept, now).await
    })
    .await
}

/// Puts another of the account's names in use at `level` (administrators).
#[server(endpoint = "choose_sender_name")]
pub async fn choose_sender_name(level: Level, id: Option<i64>) -> Result<()> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        ssr::choose(&crate::ssr::app_state().db, &operator, level, id).await
    })
    .await
}

/// Who a message goes from, under the composer: the sender name in use (recipients see the
/// name and cannot reply) or the gateway's number (they can reply); with no name, the number.
/// A name still waiting for authorisation is said so, and only the number can be sent from.
#[component]
pub fn SenderChoice(from_number: RwSignal<bool>) -> impl IntoView {
    let t = use_texts();
    let names = Resource::new(|| (), |_| load_sender_names());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let names = names.await.ok()?;
                let in_use = names.in_use()?.clone();
                if !in_use.authorised {
                    from_number.set(true);
                }
                Some(view! {
                    <label for="sender">{t.sender_label}</label>
                    <select id="sender" name="from_number"
                        on:change=move |ev| from_number.set(event_target_value(&ev) == "true")>
                        <option value="false" selected=move || !from_number.get() disabled=!in_use.authorised>
                            {(t.sender_name_option)(&in_use.name)}
                        </option>
                        <option value="true" selected=move || from_number.get()>{t.sender_number_option}</option>
                    </select>
                    {(!in_use.authorised).then(|| view! {
                        <p class="warning sender-pending" role="status">{(t.sender_pending)(&in_use.name)}</p>
                    })}
                })
            })}
        </Transition>
    }
}

/// The administration page's section: the names, the ones in use, and adding one.
#[component]
pub fn SenderNamesSection() -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let add = ServerAction::<AddSenderName>::new();
    let choose = ServerAction::<ChooseSenderName>::new();
    let names = Resource::new(
        move || (add.version().get(), choose.version().get()),
        |_| load_sender_names(),
    );
    let add_error = Signal::derive(move || add.value().get().and_then(Result::err));
    let choose_error = Signal::derive(move || choose.value().get().and_then(Result::err));
    view! {
        <section aria-labelledby="sender-names-title">
            <h2 id="sender-names-title">{t.title}</h2>
            <p class="hint">{t.hint}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    names.await.ok().map(|names| {
                        let options = names.names.clone();
                        let level_form = move |level: Level, current: Option<i64>, next: Option<LocalTime>, none_label: &'static str, label: &'static str| {
                            let options = options.clone();
                            view! {
                                <ActionForm action=choose attr:class="sender-choice">
                                    <input type="hidden" name="level" value=match level { Level::Account => "account", Level::Company => "company" } />
                                    <label for=format!("sender-{level:?}")>{label}</label>
                                    <select id=format!("sender-{level:?}") name="id">
                                        <option value="" selected=current.is_none()>{none_label}</option>
                                        {options.into_iter().map(|n| {
                                            let status = if n.authorised { t.authorised } else { t.pending };
                                            view! { <option value=n.id selected=current == Some(n.id)>{format!("{} ({status})", n.name)}</option> }
                                        }).collect_view()}
                                    </select>
                                    <button type="submit">{t.choose}</button>
                                    {next.map(|at| view! { <p class="hint">{t.next_replace}" "{at.format(lang)}</p> })}
                                </ActionForm>
                            }
                        };
                        view! {
                            {level_form(Level::Account, names.account_current, names.account_next_replace, t.use_number, t.for_account)}
                            {level_form(Level::Company, names.company_current, names.company_next_replace, t.like_account, t.for_company)}
                            <ErrorMessage error=choose_error />
                            {(!names.names.is_empty()).then(|| view! {
                            <table class="cards sender-names">
                                <thead><tr>
                                    <th scope="col">{t.col_name}</th>
                                    <th scope="col">{t.col_status}</th>
                                    <th scope="col">{t.col_accepted}</th>
                                </tr></thead>
                                <tbody>
                                    {names.names.iter().map(|n| view! {
                                        <tr data-authorised=n.authorised.to_string()>
                                            <td data-label=t.col_name><strong>{n.name.clone()}</strong></td>
                                            <td data-label=t.col_status>{if n.authorised { t.authorised } else { t.pending }}</td>
                                            <td data-label=t.col_accepted>{format!("{}, {}", n.accepted_by, n.accepted_at.format(lang))}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            })}
                            <h3>{t.add_title}</h3>
                            <ActionForm action=add attr:class="admin-form sender-name-form">
                                <label for="sender-name">{t.name_label}</label>
                                <input id="sender-name" name="name" type="text" maxlength="11" autocomplete="off" aria-describedby="sender-name-hint" />
                                <p id="sender-name-hint" class="hint">{t.name_hint}</p>
                                <fieldset class="sender-level">
                                    <legend>{t.level_label}</legend>
                                    <label class="radio"><input type="radio" name="level" value="account" checked=true />{t.for_account}</label>
                                    <label class="radio"><input type="radio" name="level" value="company" />{t.for_company}</label>
                                </fieldset>
                                <fieldset class="statement">
                                    <legend>{t.statement_title}</legend>
                                    <label for="owner-name">{t.owner_name}</label>
                                    <input id="owner-name" name="owner_name" type="text" value=names.stamp.owner_name.clone() />
                                    <label for="owner-address">{t.owner_address}</label>
                                    <input id="owner-address" name="owner_address" type="text" value=names.stamp.owner_address.clone() />
                                    <label for="owner-nip">{t.owner_nip}</label>
                                    <input id="owner-nip" name="owner_nip" type="text" inputmode="numeric" value=names.stamp.owner_nip.clone() />
                                    <p class="statement-text">{t.statement_text}</p>
                                    <label class="checkbox"><input type="checkbox" name="accept" value="true" />{t.accept}</label>
                                </fieldset>
                                <ErrorMessage error=add_error />
                                <button type="submit" class="primary">{t.add}</button>
                            </ActionForm>
                        }
                    })
                })}
            </Suspense>
        </section>
    }
}
