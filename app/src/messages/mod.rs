//! The messages list: one row per message (a long message is one row although it is sent as
//! several SMS), drafts in green, statuses updated as delivery reports arrive.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::format::LocalTime;
use crate::i18n::{use_language, Lang};

#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

use texts::use_texts;

/// Where a message (or one of its SMS parts) is. A status only moves forward: draft → pending
/// → sent → delivered, or to one of the other final ones: undelivered (the network could not
/// deliver it), expired (not delivered, or not even accepted by the gateway, within its validity
/// period) or rejected (refused for good at submission). `Unknown` is a message whose submission
/// may or may not have reached the SMS centre (the answer never came): it is not sent again
/// unless the operator asks to, or a late delivery report settles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Draft,
    Pending,
    Sent,
    Delivered,
    Undelivered,
    Expired,
    Rejected,
    Unknown,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Draft,
        Status::Pending,
        Status::Sent,
        Status::Delivered,
        Status::Undelivered,
        Status::Expired,
        Status::Rejected,
        Status::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Pending => "pending",
            Status::Sent => "sent",
            Status::Delivered => "delivered",
            Status::Undelivered => "undelivered",
            Status::Expired => "expired",
            Status::Rejected => "rejected",
            Status::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// Nothing will change a final status any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Delivered | Status::Undelivered | Status::Expired | Status::Rejected
        )
    }

    /// Every status a message has once it is sent (all but draft).
    pub fn sent() -> impl Iterator<Item = Status> {
        Self::ALL
            .into_iter()
            .filter(|status| *status != Status::Draft)
    }

    /// Still on its way: the list keeps asking for news.
    pub fn is_in_progress(self) -> bool {
        matches!(self, Status::Pending | Status::Sent)
    }
}

/// What a message is for: transactional ones (an invoice, an order, an appointment) go to
/// everyone; marketing ones never to a number that opted out, and wait for the company's
/// sending hours. Stored, and posted by forms, by its `as_str` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    #[default]
    Transactional,
    Marketing,
}

impl Category {
    pub const ALL: [Category; 2] = [Category::Transactional, Category::Marketing];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Transactional => "transactional",
            Category::Marketing => "marketing",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum StatusFilter {
    #[default]
    All,
    Sent,
    Drafts,
}

impl StatusFilter {
    const ALL: [StatusFilter; 3] = [StatusFilter::All, StatusFilter::Sent, StatusFilter::Drafts];

    fn code(self) -> &'static str {
        match self {
            StatusFilter::All => "all",
            StatusFilter::Sent => "sent",
            StatusFilter::Drafts => "drafts",
        }
    }

    fn from_code(code: &str) -> StatusFilter {
        Self::ALL
            .into_iter()
            .find(|f| f.code() == code)
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageRow {
    pub id: i64,
    pub status: Status,
    /// Sent date for sent messages, save date for drafts.
    pub date: LocalTime,
    /// E.164, or empty for a draft without a number.
    pub phone: String,
    /// The whole text, or its first `ssr::PREVIEW_CHARS` characters when `complete` is false.
    pub body: String,
    pub complete: bool,
    pub parts: u32,
    /// The gateway's reason for an undelivered message.
    pub error: Option<String>,
    pub category: Category,
    /// When it goes, for a message waiting for its time.
    pub scheduled_for: Option<LocalTime>,
    /// The sender name it went (or goes) with; `None`: the gateway's number.
    pub sender: Option<String>,
}

#[server(endpoint = "list_messages")]
pub async fn list_messages(filter: StatusFilter, show: Option<i64>) -> Result<Vec<MessageRow>> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        let now = state.clock.now_ms();
        ssr::list(&state.db, operator.company_id, filter, show, now).await
    })
    .await
}

/// Sends a message in doubt again: the operator has checked that it did not arrive.
#[server(endpoint = "resend_message")]
pub async fn resend_message(id: i64) -> Result<()> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        ssr::resend_in_doubt(&state.db, operator.company_id, id, operator.id).await?;
        tracing::info!(
            message_id = id,
            operator_id = operator.id,
            "message in doubt sent again"
        );
        state.outbox.notify_one();
        Ok(())
    })
    .await
}

/// Takes a scheduled message back as a draft, before it is passed to the gateway.
#[server(endpoint = "cancel_message")]
pub async fn cancel_message(id: i64) -> Result<()> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        let now = state.clock.now_ms();
        ssr::cancel(&state.db, operator.company_id, id, operator.id, now).await
    })
    .await
}

/// How often the list asks for news while some message still waits for its delivery report.
/// Polling keeps the server stateless (several servers can share one database) and works
/// through any proxy; at one small query per open list every few seconds it costs little.
const POLL_MS: u64 = 3000;

#[component]
pub fn MessagesPage() -> impl IntoView {
    let t = use_texts();
    let layout_t = crate::layout::texts::use_texts();
    let lang = use_language();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        StatusFilter::from_code(&query.read().get("status").unwrap_or_default())
    });
    // The message whose whole text is shown (`?show=`), a link so it works without JavaScript.
    let show = Memo::new(move |_| query.read().get("show").and_then(|id| id.parse().ok()));
    let tick = RwSignal::new(0u32);
    let resend = ServerAction::<ResendMessage>::new();
    let cancel = ServerAction::<CancelMessage>::new();
    let messages = Resource::new(
        move || {
            let versions = (resend.version().get(), cancel.version().get());
            (filter.get(), show.get(), tick.get(), versions)
        },
        |(filter, show, _, _)| list_messages(filter, show),
    );

    Effect::new(move |_| {
        let unfinished = messages
            .get()
            .and_then(|rows| rows.ok())
            .is_some_and(|rows| {
                let moving =
                    |row: &MessageRow| row.status.is_in_progress() && row.scheduled_for.is_none();
                rows.iter().any(moving)
            });
        if unfinished {
            set_timeout(
                move || tick.update(|n| *n += 1),
                std::time::Duration::from_millis(POLL_MS),
            );
        }
    });

    let filter_name = move |f: StatusFilter| match f {
        StatusFilter::All => t.filter_all,
        StatusFilter::Sent => t.filter_sent,
        StatusFilter::Drafts => t.filter_drafts,
    };

    view! {
            <h1>{t.messages_title}</h1>
            <nav class="filters" aria-label=t.filter_label>
                <span>{t.filter_label}":"</span>
                {StatusFilter::ALL.into_iter().map(|f| view! {
                    <a href=format!("/messages?status={}", f.code())
                       aria-current=move || (filter.get() == f).then_some("true")>
                        {filter_name(f)}
                    </a>
                }).collect_view()}
            </nav>
            <Transition fallback=move || view! { <p>{layout_t.loading}</p> }>
                {move || Suspend::new(async move {
                    match messages.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <p class="empty">{t.no_messages}</p> }.into_any(),
                        Ok(rows) => view! {
                            <table class="messages">
                                <thead>
                                    <tr>
                                        <th scope="col">{t.col_date}</th>
                                        <th scope="col">{t.col_phone}</th>
                                        <th scope="col">{t.col_body}</th>
                                        <th scope="col">{t.col_status}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows.into_iter().map(|row| {
                                        let whole = show.get_untracked() == Some(row.id);
                                        view! { <MessageRowView row filter=filter.get_untracked() whole resend cancel lang /> }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                    }
                })}
            </Transition>
    }
}

#[component]
/// `whole`: the operator asked for this message's whole text, shown unclamped.
fn MessageRowView(
    row: MessageRow,
    filter: StatusFilter,
    whole: bool,
    resend: ServerAction<ResendMessage>,
    cancel: ServerAction<CancelMessage>,
    lang: Lang,
) -> impl IntoView {
    let t = lang.of(&texts::PL, &texts::EN);
    let status_class = format!("status status-{}", row.status.as_str());
    let is_draft = row.status == Status::Draft;
    let phone = if row.phone.is_empty() {
        String::new()
    } else {
        sms::format_display(&row.phone)
    };
    let parts = (row.parts > 1).then(|| format!(" · {}", (t.sms_count)(row.parts)));
    view! {
        <tr class:draft=is_draft data-message-id=row.id>
            <td data-label=t.col_date>
                <time datetime=row.date.iso()>{row.date.format(lang)}</time>
            </td>
            <td data-label=t.col_phone class="phone">{phone}</td>
            // The text is clamped; it is in the title (hover) and expands when focused (tap). A
            // long one arrives cut short, with a link to its whole text.
            <td data-label=t.col_body class="body">
                <span class="text" class:whole=whole title=row.body.clone() tabindex="0">
                    {row.body.clone()}{(!row.complete).then_some("…")}
                </span>
                {(!row.complete).then(|| view! {
                    <a class="whole-text" href=format!("/messages?status={}&show={}", filter.code(), row.id)>
                        {t.show_whole_text}
                    </a>
                })}
            </td>
            <td data-label=t.col_status>
                {match row.scheduled_for {
                    Some(at) => view! {
                        <span class="status status-scheduled">{t.scheduled_for}" "
                            <time datetime=at.iso()>{at.format(lang)}</time>
                        </span>
                    }.into_any(),
                    None => view! { <span class=status_class>{(t.status_name)(row.status)}</span> }.into_any(),
                }}
                {(row.category == Category::Marketing).then(|| view! { <span class="badge">{t.marketing_badge}</span> })}
                {row.sender.map(|name| view! { <span class="badge sender" title=t.sender_title>{name}</span> })}
                {parts}
                {row.error.map(|e| view! { <span class="gateway-error">" — "{e}</span> })}
                {is_draft.then(|| view! {
                    <a class="edit" href=format!("/?draft={}", row.id)>{t.edit_draft}</a>
                })}
                {(row.status == Status::Unknown).then(|| view! { <InDoubt id=row.id resend lang /> })}
                {row.scheduled_for.is_some().then(|| view! {
                    <ActionForm action=cancel attr:class="cancel-scheduled">
                        <input type="hidden" name="id" value=row.id />
                        <button type="submit" class="link">{t.cancel_scheduled}</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

/// A message in doubt: what it means, and sending it again after a confirmation. A form, so it
/// also works without JavaScript (there without the confirmation: the hint says it).
#[component]
fn InDoubt(id: i64, resend: ServerAction<ResendMessage>, lang: Lang) -> impl IntoView {
    let t = lang.of(&texts::PL, &texts::EN);
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if window()
            .confirm_with_message(t.confirm_resend)
            .unwrap_or(false)
        {
            resend.dispatch(ResendMessage { id });
        }
    };
    view! {
        <p class="hint in-doubt">{t.in_doubt_hint}</p>
        <form method="post" action="/api/resend_message" class="inline" on:submit=on_submit>
            <input type="hidden" name="id" value=id />
            <button type="submit" class="secondary" disabled=move || resend.pending().get()>{t.resend}</button>
        </form>
    }
}
