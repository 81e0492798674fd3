//! The correspondence page: the notification settings (administrators), registering items
//! for a client with the notification it sends, and the items registered.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::texts::use_texts;
use super::*;
use crate::address_book::{Chosen, Picker};
use crate::i18n::use_language;
use crate::layout::ErrorMessage;

#[component]
fn SettingsForm(view: SettingsView) -> impl IntoView {
    let t = use_texts();
    let save = ServerAction::<SaveNotificationSettings>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let text = RwSignal::new(view.settings.text.clone());
    let chosen = view.settings.sender.clone();
    view! {
        <details class="notification-settings" open=!view.settings.enabled>
            <summary><h2>{t.settings_title}</h2></summary>
            <ActionForm action=save attr:class="admin-form">
                <label class="checkbox">
                    <input type="checkbox" name="enabled" value="true" checked=view.settings.enabled />
                    <strong>{t.enabled}</strong>
                </label>
                <label for="notification-sender">{t.sender}</label>
                <select id="notification-sender" name="sender">
                    <option value="">{t.sender_usual}</option>
                    {view.senders.into_iter().map(|name| view! {
                        <option value=name.clone() selected=chosen.as_ref() == Some(&name)>{name.clone()}</option>
                    }).collect_view()}
                </select>
                <p class="hint">{t.sender_hint}</p>
                <p class="cost">{(t.cost)(view.parts, view.credits_left)}</p>
                <label for="notification-text">{t.text}</label>
                <textarea id="notification-text" name="text" rows="3" prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))>{view.settings.text.clone()}</textarea>
                <p class="hint">{t.text_hint}</p>
                {move || has_polish_letters(&text.get()).then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| text.update(|t| *t = sms::transliterate::plain(t))>
                        {t.remove_polish}
                    </button>
                })}
                <button type="submit" class="primary">{t.save}</button>
            </ActionForm>
            {move || save.value().get().and_then(Result::ok).map(|_| view! { <p class="notice" role="status">{t.saved}</p> })}
            <ErrorMessage error />
        </details>
    }
}

#[component]
fn RegisterForm(view: SettingsView, registered: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let today = view.today.clone();
    let new_item = move || ItemInput {
        received_on: today.clone(),
        ..ItemInput::default()
    };
    let items = RwSignal::new(vec![new_item()]);
    let client = RwSignal::new(None::<Chosen>);
    let picker_open = RwSignal::new(false);
    let text = RwSignal::new(view.settings.text.clone());
    let notify = RwSignal::new(view.settings.enabled);
    let preview = RwSignal::new(None::<Preview>);
    // The notification as it would go, asked again as the client, senders or text change; an
    // answer to an older question (typing is faster than the server) is dropped.
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let Some(chosen) = client.get() else {
            preview.set(None);
            return;
        };
        let senders: Vec<String> = items.with(|i| i.iter().map(|i| i.sender.clone()).collect());
        let text = text.get();
        let asked = latest.get_value() + 1;
        latest.set_value(asked);
        leptos::task::spawn_local(async move {
            let shown = preview_notification(chosen.subject_id, senders, text).await;
            if let (Ok(shown), true) = (shown, latest.get_value() == asked) {
                preview.set(Some(shown));
            }
        });
    });
    let register = Action::new(move |_: &()| {
        let registration = Registration {
            subject_id: client.with_untracked(|c| c.as_ref().map(|c| c.subject_id).unwrap_or(0)),
            items: items.get_untracked(),
            text: text.get_untracked(),
            notify: notify.get_untracked(),
        };
        register_correspondence(registration)
    });
    let new_item = StoredValue::new(new_item);
    Effect::new(move |_| {
        if let Some(Ok(_)) = register.value().get() {
            items.set(vec![new_item.with_value(|f| f())]);
            registered.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || register.value().get().and_then(Result::err));
    let item_field = move |i: usize, field: &'static str| format!("item-{i}-{field}");
    view! {
        <section aria-labelledby="register-title">
            <h2 id="register-title">{t.register_title}</h2>
            <form class="correspondence-form" on:submit=move |ev| { ev.prevent_default(); register.dispatch(()); }>
                <span class="label" id="client-label">{t.client}</span>
                <span class="recipient" aria-labelledby="client-label">
                    {move || client.get().map(|c| view! { <span class="chip"><span class="chip-label">{c.label}</span></span> })}
                    <button type="button" class="secondary" on:click=move |_| picker_open.set(true)>{t.choose_client}</button>
                </span>
                <Picker open=picker_open on_choose=move |chosen: Chosen| client.set(Some(chosen)) />
                <fieldset class="items">
                    {move || (0..items.with(Vec::len)).map(|i| view! {
                        <div class="item-row">
                            <div class="field date">
                                <label for=item_field(i, "date")>{t.received_on}</label>
                                <input id=item_field(i, "date") type="date"
                                    prop:value=move || items.with(|v| v.get(i).map(|x| x.received_on.clone()).unwrap_or_default())
                                    on:input=move |ev| items.update(|v| if let Some(x) = v.get_mut(i) { x.received_on = event_target_value(&ev) }) />
                            </div>
                            <div class="field">
                                <label for=item_field(i, "sender")>{t.from}</label>
                                <input id=item_field(i, "sender")
                                    prop:value=move || items.with(|v| v.get(i).map(|x| x.sender.clone()).unwrap_or_default())
                                    on:input=move |ev| items.update(|v| if let Some(x) = v.get_mut(i) { x.sender = event_target_value(&ev) }) />
                            </div>
                            <div class="field wide">
                                <label for=item_field(i, "description")>{t.description}</label>
                                <input id=item_field(i, "description")
                                    prop:value=move || items.with(|v| v.get(i).map(|x| x.description.clone()).unwrap_or_default())
                                    on:input=move |ev| items.update(|v| if let Some(x) = v.get_mut(i) { x.description = event_target_value(&ev) }) />
                            </div>
                            {(i > 0).then(|| view! {
                                <button type="button" class="link" on:click=move |_| items.update(|v| { v.remove(i); })>{t.remove_item}</button>
                            })}
                        </div>
                    }).collect_view()}
                    <button type="button" class="secondary" on:click=move |_| items.update(|v| v.push(new_item.with_value(|f| f())))>
                        {t.add_item}
                    </button>
                </fieldset>
                <label class="checkbox">
                    <input type="checkbox" prop:checked=move || notify.get() on:change=move |ev| notify.set(event_target_checked(&ev)) />
                    {t.notify}
                </label>
                {move || notify.get().then(|| view! {
                    <label for="notice-text">{t.notification}</label>
                    <textarea id="notice-text" rows="3" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    {move || has_polish_letters(&text.get()).then(|| view! {
                        <button type="button" class="secondary" on:click=move |_| text.update(|t| *t = sms::transliterate::plain(t))>
                            {t.remove_polish}
                        </button>
                    })}
                    {move || preview.get().map(|p| view! {
                        <div class="notice-preview" role="status">
                            <p class="preview-text">{p.text}</p>
                            <p class="hint">{p.parts}" SMS · "{t.to_numbers}" "{p.numbers.join(", ")}</p>
                            {p.blocked.map(|why| view! { <p class="warning">{(t.reason)(&why)}</p> })}
                        </div>
                    })}
                })}
                <button type="submit" class="primary" disabled=move || register.pending().get()>{t.register}</button>
            </form>
            {move || register.value().get().and_then(Result::ok).map(|done| view! {
                <p class="notice" role="status">
                    {(t.registered)(done.item_ids.len())}" "
                    {match done.notice.reason {
                        None => (t.notice_sent)(done.notice.message_ids.len()),
                        Some(why) => (t.reason)(&why).to_string(),
                    }}
                </p>
            })}
            <ErrorMessage error />
        </section>
    }
}

#[component]
pub fn CorrespondencePage() -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let query = use_query_map();
    let before = Memo::new(move |_| query.with(|q| q.get("before").and_then(|b| b.parse().ok())));
    let registered = RwSignal::new(0u32);
    let settings = Resource::new(|| (), |_| load_notification_settings());
    let list = Resource::new(
        move || (before.get(), registered.get()),
        |(before, _)| list_correspondence(before),
    );
    view! {
        <h1>{t.title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match settings.await {
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    Ok(view) => view! {
                        {view.is_administrator.then(|| view! { <SettingsForm view=view.clone() /> })}
                        <RegisterForm view registered />
                    }.into_any(),
                }
            })}
        </Suspense>
        <section aria-labelledby="correspondence-list-title">
            <h2 id="correspondence-list-title">{t.list_title}</h2>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(items) if items.is_empty() => view! { <p class="empty">{t.empty}</p> }.into_any(),
                        Ok(items) => {
                            let last = items.last().map(|i| i.id);
                            view! {
                                <table class="messages correspondence">
                                    <thead><tr>
                                        <th scope="col">{t.col_received}</th>
                                        <th scope="col">{t.col_client}</th>
                                        <th scope="col">{t.col_from}</th>
                                        <th scope="col">{t.col_notice}</th>
                                    </tr></thead>
                                    <tbody>
                                        {items.into_iter().map(|item| view! {
                                            <tr>
                                                <td data-label=t.col_received>{crate::format::date(lang, &item.received_on)}</td>
                                                <td data-label=t.col_client>
                                                    <a href=format!("/address-book/{}", item.subject.id)>{item.subject.name}</a>
                                                </td>
                                                <td data-label=t.col_from>
                                                    {item.sender}
                                                    {(!item.description.is_empty()).then(|| view! { <span class="hint">" — "{item.description.clone()}</span> })}
                                                </td>
                                                <td data-label=t.col_notice>
                                                    {item.notice.map(|(sent, why)| match (sent, why) {
                                                        (true, _) => t.sent.to_string(),
                                                        (false, Some(why)) => (t.reason)(&why).to_string(),
                                                        (false, None) => String::new(),
                                                    })}
                                                </td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                                {last.map(|id| view! { <p><a href=format!("/correspondence?before={id}")>{t.older}</a></p> })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}
