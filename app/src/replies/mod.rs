//! Replies (incoming SMS) and opt-out: the inbox, the replies shown on a subject, a document or
//! a task, and the numbers that asked to stop (STOP) with every change kept.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::format::LocalTime;
use crate::i18n::{use_language, Lang};

#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

use texts::use_texts;

/// The most replies a page shows.
#[cfg(feature = "ssr")]
const LIMIT: i64 = 200;

/// Which of the company's replies to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Replies {
    All,
    OfSubject(i64),
    AboutDocument(i64),
    AboutTask(i64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplyRow {
    pub id: i64,
    pub received_at: LocalTime,
    /// The sender, E.164.
    pub phone: String,
    pub body: String,
    /// `Some(true)` when it opted the number out, `Some(false)` back in.
    pub opt_change: Option<bool>,
    /// Id, code and name.
    pub subject: Option<(i64, String, String)>,
    pub answered: Option<Answered>,
}

/// The message a reply answers: the last one sent to its number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answered {
    pub id: i64,
    /// Its start.
    pub body: String,
    /// Id and number.
    pub document: Option<(i64, String)>,
    /// Id and title.
    pub task: Option<(i64, String)>,
}

/// One opt-out or opt-in of a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptOutChange {
    pub phone: String,
    pub opted_out: bool,
    pub at: LocalTime,
    /// By the recipient's reply (its text), or by an operator (their name).
    pub by_reply: bool,
    pub reply: Option<String>,
    pub message_id: Option<i64>,
    pub operator: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub replies: Vec<ReplyRow>,
    pub changes: Vec<OptOutChange>,
}

#[server(endpoint = "load_inbox")]
pub async fn load_inbox() -> Result<Inbox> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let db = &crate::ssr::app_state().db;
        Ok(Inbox {
            replies: ssr::list(db, operator.company_id, Replies::All, LIMIT).await?,
            changes: ssr::changes(db, operator.company_id, LIMIT).await?,
        })
    })
    .await
}

#[server(endpoint = "list_replies")]
pub async fn list_replies(which: Replies) -> Result<Vec<ReplyRow>> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::list(
            &crate::ssr::app_state().db,
            operator.company_id,
            which,
            LIMIT,
        )
        .await
    })
    .await
}

/// Since when the number `phone` (as typed) is opted out of the company's messages, if it is
/// and is a valid number: for the composer's warning.
#[server(endpoint = "opted_out")]
pub async fn opted_out(phone: String) -> Result<Option<LocalTime>> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let Ok(phone) = crate::phone::ssr::validate(&phone) else {
            return Ok(None);
        };
        let mut conn = crate::ssr::app_state().db.pool.acquire().await?;
        let since = ssr::opted_out_since(&mut conn, operator.company_id, &phone).await?;
        Ok(since.map(crate::ssr::local_time))
    })
    .await
}

/// An operator opts a number out (the recipient asked by phone or e-mail) or back in.
#[server(endpoint = "change_opt_out")]
pub async fn change_opt_out(phone: String, opted_out: bool) -> Result<()> {
    use crate::error::{AppError, Field, Problem};
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let phone = crate::phone::ssr::validate(&phone)
            .map_err(|e| AppError::invalid(Field::Phone, Problem::Phone(e)))?;
        let state = crate::ssr::app_state();
        let mut tx = state.db.begin_write().await?;
        let how = ssr::How::Operator(operator.id);
        let now = state.clock.now_ms();
        ssr::change_opt_out(&mut tx, operator.company_id, &phone, opted_out, how, now).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

#[component]
pub fn InboxPage() -> impl IntoView {
    let t = use_texts();
    let layout_t = crate::layout::texts::use_texts();
    let lang = use_language();
    let change = ServerAction::<ChangeOptOut>::new();
    let inbox = Resource::new(move || change.version().get(), |_| load_inbox());
    view! {
        <h1>{t.inbox_title}</h1>
        <Transition fallback=move || view! { <p>{layout_t.loading}</p> }>
            {move || Suspend::new(async move {
                match inbox.await {
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    Ok(inbox) => view! {
                        <ReplyList rows=inbox.replies lang />
                        <h2 id="opt-out">{t.opt_out_title}</h2>
                        <p class="hint">{t.opt_out_hint}</p>
                        <OptOutForm change lang />
                        <OptOutChanges changes=inbox.changes lang />
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The replies on a subject's, document's or task's page; nothing when there are none.
#[component]
pub fn RepliesOf(which: Replies) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let replies = Resource::new(move || which, list_replies);
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match replies.await {
                    Ok(rows) if !rows.is_empty() => view! {
                        <h2>{t.replies_title}</h2>
                        <ReplyList rows lang />
                    }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ReplyList(rows: Vec<ReplyRow>, lang: Lang) -> impl IntoView {
    let t = lang.of(&texts::PL, &texts::EN);
    if rows.is_empty() {
        return view! { <p class="empty">{t.no_replies}</p> }.into_any();
    }
    view! {
        <ul class="replies">
            {rows.into_iter().map(|row| view! { <ReplyItem row lang /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn ReplyItem(row: ReplyRow, lang: Lang) -> impl IntoView {
    let t = lang.of(&texts::PL, &texts::EN);
    view! {
        <li class="reply" data-reply-id=row.id>
            <div class="reply-head">
                <span class="reply-from">
                    {row.subject.map(|(id, code, name)| view! {
                        <a href=format!("/address-book/{id}")>{code}" — "{name}</a>" "
                    })}
                    <span class="phone">{sms::format_display(&row.phone)}</span>
                </span>
                <time datetime=row.received_at.iso()>{row.received_at.format(lang)}</time>
                {row.opt_change.map(|out| view! {
                    <span class="badge" class:opted-out=out>{if out { t.opted_out_badge } else { t.opted_in_badge }}</span>
                })}
            </div>
            <p class="reply-body">{row.body}</p>
            {row.answered.map(|a| view! {
                <p class="answered">
                    <span class="answered-label">{t.answers_label}" "</span>
                    <q>{a.body}</q>
                    {a.document.map(|(id, number)| view! {
                        " · "<a href=format!("/documents/{id}")>{number}</a>
                    })}
                    {a.task.map(|(id, title)| view! {
                        " · "<a href=format!("/tasks/{id}")>{title}</a>
                    })}
                </p>
            })}
        </li>
    }
}

/// An operator opts a number out or back in. A form, so it works without JavaScript too.
#[component]
fn OptOutForm(change: ServerAction<ChangeOptOut>, lang: Lang) -> impl IntoView {
    let t = lang.of(&texts::PL, &texts::EN);
    let error = Signal::derive(move || change.value().get().and_then(|r| r.err()));
    view! {
        <ActionForm action=change attr:class="opt-out-form">
            <label for="opt-out-phone">{t.opt_out_phone_label}</label>
            <input id="opt-out-phone" name="phone" type="tel" inputmode="tel" autocomplete="off" required />
            <button type="submit" name="opted_out" value="true">{t.opt_out_button}</button>
            <button type="submit" name="opted_out" value="false">{t.opt_in_button}</button>
        </ActionForm>
        <crate::layout::ErrorMessage error />
    }
}

#[component]
fn OptOutChanges(changes: Vec<OptOutChange>, lang: Lang) -> impl IntoView {
    let t = lang.of(&texts::PL, &texts::EN);
    if changes.is_empty() {
        return view! { <p class="empty">{t.no_opt_out_changes}</p> }.into_any();
    }
    view! {
        <table class="messages opt-out-changes">
            <thead>
                <tr>
                    <th scope="col">{t.col_when}</th>
                    <th scope="col">{t.col_phone}</th>
                    <th scope="col">{t.col_change}</th>
                    <th scope="col">{t.col_how}</th>
                </tr>
            </thead>
            <tbody>
                {changes.into_iter().map(|c| {
                    let how = if c.by_reply {
                        format!("{} „{}”", t.by_reply, c.reply.unwrap_or_default())
                    } else {
                        format!("{} {}", t.by_operator, c.operator.unwrap_or_default())
                    };
                    view! {
                        <tr>
                            <td data-label=t.col_when><time datetime=c.at.iso()>{c.at.format(lang)}</time></td>
                            <td data-label=t.col_phone class="phone">{sms::format_display(&c.phone)}</td>
                            <td data-label=t.col_change>{if c.opted_out { t.opted_out_badge } else { t.opted_in_badge }}</td>
                            <td data-label=t.col_how>{how}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
