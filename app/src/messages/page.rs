//! The messages list page (Lista SMS): filters in the URL (a GET form, so it works without
//! JavaScript), a page of messages newest first with a link to older ones, rows to select, and
//! the actions: new, edit, copy, send the selected drafts (or the row moved to), delete drafts.
//! A draft's row also opens these from a context menu (right click, long press on a phone).

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::texts::{self, use_texts};
use super::{
    list_messages, CancelMessage, Category, DeleteDrafts, MessageQuery, MessageRow, ResendMessage,
    SendDrafts, Status, StatusFilter,
};
use crate::address_book::{get_subject, Chosen, Picker};
use crate::i18n::{use_language, Lang};
use crate::layout::selection::{RowSelection, SelectBox};

/// How often the list asks for news while some message still waits for its delivery report.
/// Polling keeps the server stateless (several servers can share one database) and works
/// through any proxy; at one small query per open list every few seconds it costs little.
const POLL_MS: u64 = 3000;
/// How long a finger rests on a draft's row before its menu opens.
const LONG_PRESS_MS: u64 = 550;

fn query_from_url() -> (Memo<MessageQuery>, Memo<Option<i64>>, Memo<bool>) {
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        query.with(|q| {
            let number = |key: &str| q.get(key).and_then(|v| v.parse::<i64>().ok());
            MessageQuery {
                status: StatusFilter::from_code(&q.get("status").unwrap_or_default()),
                subject_id: number("subject"),
                q: q.get("q").unwrap_or_default(),
                from: q.get("from").unwrap_or_default(),
                to: q.get("to").unwrap_or_default(),
                before: q.get("before"),
            }
        })
    });
    // The message whose whole text is shown (`?show=`), a link so it works without JavaScript.
    let show = Memo::new(move |_| query.with(|q| q.get("show").and_then(|id| id.parse().ok())));
    let sender = Memo::new(move |_| query.with(|q| q.get("sender").is_some_and(|v| v == "1")));
    (filters, show, sender)
}

#[component]
pub fn MessagesPage() -> impl IntoView {
    let t = use_texts();
    let layout_t = crate::layout::texts::use_texts();
    let lang = use_language();
    let (query, show, with_sender) = query_from_url();
    let tick = RwSignal::new(0u32);
    let resend = ServerAction::<ResendMessage>::new();
    let cancel = ServerAction::<CancelMessage>::new();
    let send = ServerAction::<SendDrafts>::new();
    let delete = ServerAction::<DeleteDrafts>::new();
    let selection = RowSelection::new();
    provide_context(selection);
    let messages = Resource::new(
        move || {
            let versions = (
                resend.version().get(),
                cancel.version().get(),
                send.version().get(),
                delete.version().get(),
            );
            (query.get(), show.get(), tick.get(), versions)
        },
        |(query, show, _, _)| list_messages(query, show),
    );
    Effect::new(move |_| {
        let moving = |row: &MessageRow| row.status.is_in_progress() && row.scheduled_for.is_none();
        let unfinished = (messages.get().and_then(|page| page.ok()))
            .is_some_and(|page| page.rows.iter().any(moving));
        if unfinished {
            set_timeout(
                move || tick.update(|n| *n += 1),
                std::time::Duration::from_millis(POLL_MS),
            );
        }
    });
    // Sent or deleted messages leave the selection.
    Effect::new(move |_| {
        if send.version().get() + delete.version().get() > 0 {
            selection.ids.set(Vec::new());
        }
    });
    let chosen = move || {
        let ids = selection.ids.get();
        match ids.is_empty() {
            true => selection.highlighted.get().into_iter().collect(),
            false => ids,
        }
    };
    let menu = RwSignal::new(None::<(i64, i32, i32)>);
    view! {
        <div class="title-row">
            <h1>{t.messages_title}</h1>
            <div class="title-actions">
                <a class="button primary" href="/">{t.new_message}</a>
            </div>
        </div>
        <Filters query with_sender />
        <div class="selection-bar" role="region" aria-label=t.actions_label>
            <span class="selected-count" aria-live="polite">
                {move || match selection.ids.with(Vec::len) {
                    0 => t.select_hint.to_string(),
                    n => (layout_t.selected)(n),
                }}
            </span>
            <button type="button" class="primary send-drafts" disabled=move || chosen().is_empty() || send.pending().get()
                on:click=move |_| { send.dispatch(SendDrafts { ids: chosen() }); }>
                {t.send_selected}
            </button>
            <button type="button" class="danger delete-drafts" disabled=move || chosen().is_empty() || delete.pending().get()
                on:click=move |_| {
                    if window().confirm_with_message(t.confirm_delete).unwrap_or(false) {
                        delete.dispatch(DeleteDrafts { ids: chosen() });
                    }
                }>
                {t.delete_selected}
            </button>
        </div>
        <ActionReport send delete />
        <Transition fallback=move || view! { <p>{layout_t.loading}</p> }>
            {move || Suspend::new(async move {
                match messages.await {
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    Ok(page) if page.rows.is_empty() => view! { <p class="empty">{t.no_messages}</p> }.into_any(),
                    Ok(page) => {
                        let older = page.has_more.then(|| page.rows.last().map(|r| r.cursor.clone())).flatten();
                        let sender = with_sender.get_untracked();
                        view! {
                            <div class="table-scroll">
                            <table class="messages">
                                <thead>
                                    <tr>
                                        <th scope="col"><span class="visually-hidden">{layout_t.select_row}</span></th>
                                        <th scope="col">{t.col_date}</th>
                                        <th scope="col">{t.col_subject_code}</th>
                                        <th scope="col">{t.col_subject_name}</th>
                                        <th scope="col">{t.col_phone}</th>
                                        <th scope="col">{t.col_body}</th>
                                        <th scope="col">{t.col_status}</th>
                                        {sender.then(|| view! { <th scope="col">{t.sender_title}</th> })}
                                    </tr>
                                </thead>
                                <tbody>
                                    {page.rows.into_iter().map(|row| {
                                        let whole = show.get_untracked() == Some(row.id);
                                        let here = query.get_untracked();
                                        view! { <MessageRowView row here whole sender resend cancel menu lang /> }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            </div>
                            <nav class="pager">
                                {query.get_untracked().before.is_some().then(|| view! {
                                    <a href=MessageQuery { before: None, ..query.get_untracked() }.url()>{t.newest}</a>
                                })}
                                {older.map(|before| view! {
                                    <a class="older" href=MessageQuery { before: Some(before), ..query.get_untracked() }.url()>{t.older}</a>
                                })}
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Transition>
        <RowMenu menu send delete />
    }
}

/// Status, subject, words and days; a GET form of the list's URL.
#[component]
fn Filters(query: Memo<MessageQuery>, with_sender: Memo<bool>) -> impl IntoView {
    let t = use_texts();
    let navigate = use_navigate();
    let picker_open = RwSignal::new(false);
    let subject = Resource::new(
        move || query.with(|q| q.subject_id),
        |id| async move {
            match id {
                Some(id) => get_subject(id)
                    .await
                    .ok()
                    .map(|s| format!("{} — {}", s.subject.code, s.subject.name)),
                None => None,
            }
        },
    );
    let on_choose = move |chosen: Chosen| {
        let url = MessageQuery {
            subject_id: Some(chosen.subject_id),
            before: None,
            ..query.get_untracked()
        }
        .url();
        navigate(&url, Default::default());
    };
    let status_name = move |f: StatusFilter| match f {
        StatusFilter::All => t.filter_all,
        StatusFilter::Sent => t.filter_sent,
        StatusFilter::Drafts => t.filter_drafts,
        StatusFilter::Is(status) => (t.status_name)(status),
    };
    view! {
        <form class="search filters" method="get" action="/messages" role="search" aria-label=t.filter_label>
            <label for="status">{t.filter_label}</label>
            <select id="status" name="status">
                {StatusFilter::all().map(|f| view! {
                    <option value=f.code() selected=move || query.with(|q| q.status == f)>{status_name(f)}</option>
                }).collect_view()}
            </select>
            <span class="label" id="subject-filter">{t.subject_label}</span>
            <span class="recipient" aria-labelledby="subject-filter">
                {move || query.with(|q| q.subject_id).map(|id| view! {
                    <input type="hidden" name="subject" value=id />
                    <span class="chip">
                        <span class="chip-label">
                            <Transition fallback=|| ()>{move || Suspend::new(async move { subject.await })}</Transition>
                        </span>
                        <a class="clear-subject" aria-label=t.clear_subject title=t.clear_subject
                            href=move || MessageQuery { subject_id: None, before: None, ..query.get() }.url()>"×"</a>
                    </span>
                })}
                <button type="button" class="secondary" on:click=move |_| picker_open.set(true)>{t.choose_subject}</button>
            </span>
            <Picker open=picker_open on_choose />
            <label for="q" class="visually-hidden">{t.search_label}</label>
            <input id="q" name="q" type="search" placeholder=t.search_label
                prop:value=move || query.with(|q| q.q.clone()) />
            <label for="from">{t.from_label}</label>
            <input id="from" name="from" type="date" prop:value=move || query.with(|q| q.from.clone()) />
            <label for="to">{t.to_label}</label>
            <input id="to" name="to" type="date" prop:value=move || query.with(|q| q.to.clone()) />
            <label class="checkbox">
                <input type="checkbox" name="sender" value="1" prop:checked=move || with_sender.get() />
                {t.show_sender}
            </label>
            <button type="submit">{t.apply}</button>
        </form>
    }
}

/// What the last action did: how many drafts went (and which did not, with why), or were deleted.
#[component]
fn ActionReport(
    send: ServerAction<SendDrafts>,
    delete: ServerAction<DeleteDrafts>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    view! {
        {move || send.value().get().map(|result| match result {
            Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
            Ok(report) => view! {
                <div class="action-report" role="status">
                    <p class="notice">{(t.sent_report)(report.sent)}</p>
                    {(!report.refused.is_empty()).then(|| view! {
                        <p class="error">{t.refused_title}</p>
                        <ul class="refused">
                            {report.refused.into_iter().map(|(phone, e)| view! {
                                <li>{phone}" — "{e.message(lang)}</li>
                            }).collect_view()}
                        </ul>
                    })}
                </div>
            }.into_any(),
        })}
        {move || delete.value().get().map(|result| match result {
            Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
            Ok(n) => view! { <p class="notice" role="status">{(t.deleted_report)(n)}</p> }.into_any(),
        })}
    }
}

#[component]
/// `whole`: the operator asked for this message's whole text, shown unclamped.
#[allow(clippy::too_many_arguments)]
fn MessageRowView(
    row: MessageRow,
    here: MessageQuery,
    whole: bool,
    sender: bool,
    resend: ServerAction<ResendMessage>,
    cancel: ServerAction<CancelMessage>,
    menu: RwSignal<Option<(i64, i32, i32)>>,
    lang: Lang,
) -> impl IntoView {
    let t = lang.of(&texts::PL, &texts::EN);
    let status_class = format!("status status-{}", row.status.as_str());
    let is_draft = row.status == Status::Draft;
    let id = row.id;
    let phone = if row.phone.is_empty() {
        String::new()
    } else {
        sms::format_display(&row.phone)
    };
    let parts = (row.parts > 1).then(|| format!(" · {}", (t.sms_count)(row.parts)));
    let show_href = format!("{}&show={id}", here.url());
    let select_label: String = row.body.chars().take(30).collect();
    let press = StoredValue::new(None::<TimeoutHandle>);
    let cancel_press = move || {
        if let Some(handle) = press.get_value() {
            handle.clear();
            press.set_value(None);
        }
    };
    let on_touchstart = move |ev: web_sys::TouchEvent| {
        cancel_press();
        let Some(touch) = ev.touches().get(0) else {
            return;
        };
        let (x, y) = (touch.client_x(), touch.client_y());
        let open = move || menu.set(Some((id, x, y)));
        press.set_value(
            set_timeout_with_handle(open, std::time::Duration::from_millis(LONG_PRESS_MS)).ok(),
        );
    };
    let on_contextmenu = move |ev: web_sys::MouseEvent| {
        ev.prevent_default();
        menu.set(Some((id, ev.client_x(), ev.client_y())));
    };
    view! {
        <tr class:draft=is_draft data-message-id=id
            on:contextmenu=move |ev| if is_draft { on_contextmenu(ev) }
            on:touchstart=move |ev| if is_draft { on_touchstart(ev) }
            on:touchend=move |_| cancel_press() on:touchmove=move |_| cancel_press()>
            <td class="select"><SelectBox id label=select_label /></td>
            <td data-label=t.col_date>
                <time datetime=row.date.iso()>{row.date.format(lang)}</time>
            </td>
            <td data-label=t.col_subject_code class="code">{row.subject_code}</td>
            <td data-label=t.col_subject_name>{row.subject_name}</td>
            <td data-label=t.col_phone class="phone">{phone}</td>
            // The text is clamped; it is in the title (hover) and expands when focused (tap). A
            // long one arrives cut short, with a link to its whole text.
            <td data-label=t.col_body class="body">
                <span class="text" class:whole=whole title=row.body.clone() tabindex="0">
                    {row.body.clone()}{(!row.complete).then_some("…")}
                </span>
                {(!row.complete).then(|| view! { <a class="whole-text" href=show_href>{t.show_whole_text}</a> })}
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
                {parts}
                {row.error.map(|e| view! { <span class="gateway-error">" — "{e}</span> })}
                <span class="row-actions">
                    {is_draft.then(|| view! { <a class="edit" href=format!("/?draft={id}")>{t.edit_draft}</a> })}
                    <a class="copy" href=format!("/?copy={id}")>{t.copy}</a>
                    <a class="links" href=format!("/messages/{id}/links")>{t.links}</a>
                </span>
                {(row.status == Status::Unknown).then(|| view! { <InDoubt id resend lang /> })}
                {row.scheduled_for.is_some().then(|| view! {
                    <ActionForm action=cancel attr:class="cancel-scheduled">
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="link">{t.cancel_scheduled}</button>
                    </ActionForm>
                })}
            </td>
            {sender.then(|| view! { <td data-label=t.sender_title class="sender">{row.sender}</td> })}
        </tr>
    }
}

/// A draft's menu, at the pointer: send, edit, copy, delete.
#[component]
fn RowMenu(
    menu: RwSignal<Option<(i64, i32, i32)>>,
    send: ServerAction<SendDrafts>,
    delete: ServerAction<DeleteDrafts>,
) -> impl IntoView {
    let t = use_texts();
    let close = move || menu.set(None);
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            close();
        }
    };
    move || {
        menu.get().map(|(id, x, y)| {
            view! {
                <div class="menu-backdrop" on:click=move |_| close()
                    on:contextmenu=move |ev| { ev.prevent_default(); close(); }></div>
                <ul class="menu-list row-menu" role="menu" on:keydown=on_keydown
                    // At the pointer, moved in so that it fits on the screen.
                    style=format!("left: min({x}px, calc(100vw - 13rem)); top: min({y}px, calc(100vh - 12rem))")>
                    <li role="none">
                        <button type="button" role="menuitem" autofocus on:click=move |_| {
                            close();
                            send.dispatch(SendDrafts { ids: vec![id] });
                        }>{t.send}</button>
                    </li>
                    <li role="none"><a role="menuitem" href=format!("/?draft={id}")>{t.edit_draft}</a></li>
                    <li role="none"><a role="menuitem" href=format!("/?copy={id}")>{t.copy}</a></li>
                    <li role="none">
                        <button type="button" role="menuitem" on:click=move |_| {
                            close();
                            if window().confirm_with_message(t.confirm_delete).unwrap_or(false) {
                                delete.dispatch(DeleteDrafts { ids: vec![id] });
                            }
                        }>{t.delete}</button>
                    </li>
                </ul>
            }
        })
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
