//! The SMS form's [Dokumenty] tab: the documents, tasks and CRM contacts a message is linked
//! to, linked and unlinked also after it was sent, and a contact-log entry written on the spot.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::i18n::use_language;
use crate::layout::ErrorMessage;

#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

use texts::use_texts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    Document,
    Task,
    Contact,
}

impl LinkKind {
    pub const ALL: [LinkKind; 3] = [LinkKind::Document, LinkKind::Task, LinkKind::Contact];

    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Document => "document",
            LinkKind::Task => "task",
            LinkKind::Contact => "contact",
        }
    }

    pub fn parse(s: &str) -> Option<LinkKind> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == s)
    }

    /// Where the linked record opens, if it has a page.
    fn href(self, id: i64) -> Option<String> {
        match self {
            LinkKind::Document => Some(format!("/documents/{id}")),
            LinkKind::Task => Some(format!("/tasks/{id}")),
            LinkKind::Contact => None,
        }
    }
}

/// A document, task or contact the message is linked to; `topic`: the one it was written
/// about, which stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Linked {
    pub kind: LinkKind,
    pub id: i64,
    pub label: String,
    pub topic: bool,
}

/// Something that can be linked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: i64,
    pub label: String,
}

#[server(endpoint = "message_links")]
pub async fn message_links(message_id: i64) -> Result<Vec<Linked>> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::links(&crate::ssr::app_state().db, operator.company_id, message_id).await
    })
    .await
}

#[server(endpoint = "link_candidates")]
pub async fn link_candidates(message_id: i64, kind: LinkKind, q: String) -> Result<Vec<Candidate>> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let db = &crate::ssr::app_state().db;
        ssr::candidates(db, operator.company_id, message_id, kind, &q).await
    })
    .await
}

/// Links (`linked`) or unlinks a document, task or contact.
#[server(endpoint = "change_link")]
pub async fn change_link(message_id: i64, kind: LinkKind, id: i64, linked: bool) -> Result<()> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let db = &crate::ssr::app_state().db;
        ssr::set_link(db, operator.company_id, message_id, kind, id, linked).await
    })
    .await
}

#[server(endpoint = "add_contact")]
pub async fn add_contact(message_id: i64, note: String) -> Result<i64> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let state = crate::ssr::app_state();
        let now = state.clock.now_ms();
        ssr::add_contact(&state.db, &operator, message_id, &note, now).await
    })
    .await
}

/// The [Dokumenty] tab of a message that is stored (a draft or a sent one).
#[component]
pub fn LinksTab(message_id: i64) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let change = ServerAction::<ChangeLink>::new();
    let contact = ServerAction::<AddContact>::new();
    let links = Resource::new(
        move || (change.version().get(), contact.version().get()),
        move |_| message_links(message_id),
    );
    let kind = RwSignal::new(LinkKind::Document);
    let q = RwSignal::new(String::new());
    let found = Resource::new(
        move || (kind.get(), q.get(), change.version().get()),
        move |(kind, q, _)| link_candidates(message_id, kind, q),
    );
    let note = RwSignal::new(String::new());
    let error = Signal::derive(move || {
        (change.value().get().and_then(Result::err))
            .or_else(|| contact.value().get().and_then(Result::err))
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = contact.value().get() {
            note.set(String::new());
        }
    });
    let kind_name = move |k: LinkKind| (t.kind_name)(k);
    view! {
        <div class="links-tab">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match links.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="empty">{t.none_linked}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="admin-list linked">
                                {list.into_iter().map(|item| {
                                    let Linked { kind, id, label, topic } = item;
                                    view! {
                                        <li class="admin-row">
                                            <span class="badge">{kind_name(kind)}</span>
                                            {match kind.href(id) {
                                                Some(href) => view! { <a href=href>{label}</a> }.into_any(),
                                                None => view! { <span>{label}</span> }.into_any(),
                                            }}
                                            {match topic {
                                                true => view! { <span class="hint">{t.topic}</span> }.into_any(),
                                                false => view! {
                                                    <button type="button" class="link unlink" on:click=move |_| {
                                                        change.dispatch(ChangeLink { message_id, kind, id, linked: false });
                                                    }>{t.unlink}</button>
                                                }.into_any(),
                                            }}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
            <div class="search link-search">
                <label for="link-kind" class="visually-hidden">{t.kind_label}</label>
                <select id="link-kind" on:change=move |ev| {
                    kind.set(LinkKind::parse(&event_target_value(&ev)).unwrap_or(LinkKind::Document));
                }>
                    {LinkKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=move || kind.get() == k>{kind_name(k)}</option>
                    }).collect_view()}
                </select>
                <label for="link-q" class="visually-hidden">{t.search_label}</label>
                <input id="link-q" type="search" placeholder=t.search_label
                    prop:value=q on:input=move |ev| q.set(event_target_value(&ev)) />
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    found.await.ok().map(|list| view! {
                        <ul class="admin-list candidates">
                            {list.into_iter().map(|c| {
                                let id = c.id;
                                view! {
                                    <li class="admin-row">
                                        <span>{c.label}</span>
                                        <button type="button" class="secondary link-item" on:click=move |_| {
                                            change.dispatch(ChangeLink { message_id, kind: kind.get_untracked(), id, linked: true });
                                        }>{t.link}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Transition>
            <label for="contact-note">{t.contact_label}</label>
            <textarea id="contact-note" rows="2" prop:value=note
                on:input=move |ev| note.set(event_target_value(&ev))></textarea>
            <button type="button" class="secondary add-contact" disabled=move || contact.pending().get()
                on:click=move |_| { contact.dispatch(AddContact { message_id, note: note.get_untracked() }); }>
                {t.add_contact}
            </button>
            <ErrorMessage error />
        </div>
    }
}

/// A stored message's [Dokumenty] (`/messages/:id/links`), reached from the list: linking works
/// for sent messages too.
#[component]
pub fn MessageLinksPage() -> impl IntoView {
    let t = use_texts();
    let messages_t = crate::messages::texts::use_texts();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    view! {
        <p><a href="/messages">{messages_t.messages_title}</a></p>
        <h1>{t.title}</h1>
        {move || id().map(|message_id| view! { <LinksTab message_id /> })}
    }
}
