//! Adding and editing a subject, with its notification numbers and (contractors) representatives.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::texts::use_texts;
use super::{
    check_subject, get_subject, NotificationNumber, Removal, RepresentativeInput, SubjectInput,
    SubjectKind,
};
use crate::error::{AppError, Field};
use crate::i18n::use_language;
use crate::layout::ErrorMessage;
use crate::replies::{Replies, RepliesOf};

/// `/address-book/new?kind=…` and `/address-book/{id}`.
#[component]
pub fn SubjectPage() -> impl IntoView {
    let t = crate::layout::texts::use_texts();
    let lang = use_language();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let kind = move || {
        query
            .with(|q| q.get("kind").and_then(|k| SubjectKind::parse(&k)))
            .unwrap_or(SubjectKind::Contractor)
    };
    let detail = Resource::new(
        move || (id(), kind()),
        |(id, kind)| async move {
            match id {
                Some(id) => get_subject(id).await.map(|d| (Some(d.id), d.subject)),
                None => Ok((None, SubjectInput::new(kind, "", ""))),
            }
        },
    );
    view! {
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok((id, subject)) => view! { <SubjectForm id subject /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })}
            </Suspense>
    }
}

#[component]
fn SubjectForm(id: Option<i64>, subject: SubjectInput) -> impl IntoView {
    let t = use_texts();
    let kind = subject.kind;
    let subject = RwSignal::new(subject);
    let error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<&'static str>);
    let save = ServerAction::<super::SaveSubject>::new();
    let remove = ServerAction::<super::RemoveSubject>::new();
    let navigate = use_navigate();
    let back = format!("/address-book?kind={}", kind.as_str());

    Effect::new({
        let navigate = navigate.clone();
        let back = back.clone();
        move |_| match save.value().get() {
            Some(Ok(_)) => navigate(&back, Default::default()),
            Some(Err(e)) => error.set(Some(e)),
            None => {}
        }
    });
    Effect::new({
        let back = back.clone();
        move |_| match remove.value().get() {
            Some(Ok(Removal::Deleted)) => navigate(&back, Default::default()),
            Some(Ok(Removal::Deactivated)) => {
                subject.update(|s| s.active = false);
                notice.set(Some(t.subject_deactivated));
            }
            Some(Err(e)) => error.set(Some(e)),
            None => {}
        }
    });

    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let input = subject.get_untracked();
        // The browser's light check first; the server checks phones fully.
        match check_subject(&input, sms::normalize) {
            Err(errors) => error.set(Some(AppError::InvalidFields(errors))),
            Ok(_) => {
                error.set(None);
                save.dispatch(super::SaveSubject { id, subject: input });
            }
        }
    };
    let on_remove = move |_| {
        if let Some(id) = id {
            if window()
                .confirm_with_message(t.confirm_remove)
                .unwrap_or(false)
            {
                remove.dispatch(super::RemoveSubject { id });
            }
        }
    };
    let invalid = move |field: Field| {
        move || {
            error
                .with(|e| e.as_ref().is_some_and(|e| e.concerns(field)))
                .to_string()
        }
    };
    // A text input bound to one field of the subject.
    let text = move |field: Field,
                     label: &'static str,
                     get: fn(&SubjectInput) -> &String,
                     set: fn(&mut SubjectInput, String)| {
        let html_id = format!("subject-{}", field.key());
        view! {
            <label for=html_id.clone()>{label}</label>
            <input id=html_id type="text" aria-invalid=invalid(field)
                prop:value=move || subject.with(|s| get(s).clone())
                on:input=move |ev| subject.update(|s| set(s, event_target_value(&ev))) />
        }
    };

    view! {
        <h1>{if id.is_some() { t.edit_subject } else { t.add_subject }}" · "{(t.subject_kind)(kind)}</h1>
        <form class="subject-form" on:submit=on_submit>
            {text(Field::Code, t.code_label, |s| &s.code, |s, v| s.code = v)}
            {text(Field::Name, t.name_label, |s| &s.name, |s, v| s.name = v)}
            <label for="subject-sms_phone">{t.sms_phone_label}</label>
            <input id="subject-sms_phone" type="tel" inputmode="tel" aria-invalid=invalid(Field::SmsPhone)
                prop:value=move || subject.with(|s| sms::format_display(&s.sms_phone))
                on:input=move |ev| subject.update(|s| s.sms_phone = event_target_value(&ev)) />
            {text(Field::Email, t.email_label, |s| &s.email, |s, v| s.email = v)}
            {text(Field::Address, t.address_label, |s| &s.address, |s, v| s.address = v)}
            {(kind != SubjectKind::Employee).then(|| text(Field::Nip, t.nip_label, |s| &s.nip, |s, v| s.nip = v))}
            <label for="subject-notes">{t.notes_label}</label>
            <textarea id="subject-notes" rows="2" prop:value=move || subject.with(|s| s.notes.clone())
                on:input=move |ev| subject.update(|s| s.notes = event_target_value(&ev))>
                {subject.with_untracked(|s| s.notes.clone())}
            </textarea>
            {(kind == SubjectKind::Employee).then(|| view! {
                <label class="checkbox">
                    <input type="checkbox" prop:checked=move || subject.with(|s| s.is_owner)
                        on:change=move |ev| subject.update(|s| s.is_owner = event_target_checked(&ev)) />
                    {t.owner_label}
                </label>
            })}
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || subject.with(|s| s.active)
                    on:change=move |ev| subject.update(|s| s.active = event_target_checked(&ev)) />
                {t.active_label}
            </label>
            <NotificationNumbers subject />
            {(kind == SubjectKind::Contractor).then(|| view! { <Representatives subject /> })}
            <ErrorMessage error />
            {move || notice.get().map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <div class="buttons">
                <button type="submit" class="primary" disabled=move || save.pending().get()>{t.save}</button>
                {id.map(|_| view! { <button type="button" class="danger" on:click=on_remove>{t.remove}</button> })}
                <a class="button" href=back>{t.cancel}</a>
            </div>
        </form>
        {id.map(|id| view! { <RepliesOf which=Replies::OfSubject(id) /> })}
    }
}

/// The country of notification number `i`: flags and calling codes (a code not listed stays
/// as it was entered).
#[component]
fn CountryCode(subject: RwSignal<SubjectInput>, i: usize) -> impl IntoView {
    let t = use_texts();
    let code = move || {
        subject
            .with(|s| {
                (s.notification_numbers.get(i))
                    .map(|n| n.country_code.trim_start_matches('+').to_string())
            })
            .unwrap_or_default()
    };
    let listed = move |c: &str| sms::phone::COUNTRIES.iter().any(|(_, code)| *code == c);
    view! {
        <select class="country-code" aria-label=t.country_code_label
            on:change=move |ev| subject.update(|s| if let Some(n) = s.notification_numbers.get_mut(i) { n.country_code = event_target_value(&ev) })>
            {move || (!listed(&code())).then(|| view! { <option value=code() selected=true>{format!("+{}", code())}</option> })}
            {sms::phone::COUNTRIES.iter().map(|(iso, calling)| view! {
                <option value=*calling selected=move || code() == *calling>
                    {format!("{} +{calling} {iso}", sms::phone::flag(iso))}
                </option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn NotificationNumbers(subject: RwSignal<SubjectInput>) -> impl IntoView {
    let t = use_texts();
    let count = move || subject.with(|s| s.notification_numbers.len());
    view! {
        <fieldset class="list-editor">
            <legend>{t.notification_numbers_title}</legend>
            <label class="checkbox">
                <input type="checkbox" prop:checked=move || subject.with(|s| s.notifications_enabled)
                    on:change=move |ev| subject.update(|s| s.notifications_enabled = event_target_checked(&ev)) />
                {t.notifications_enabled_label}
            </label>
            {move || (0..count()).map(|i| view! {
                <div class="row">
                    <CountryCode subject i />
                    <input type="tel" inputmode="tel" aria-label=t.notification_number_label
                        prop:value=move || subject.with(|s| s.notification_numbers.get(i).map(|n| n.phone.clone()).unwrap_or_default())
                        on:input=move |ev| subject.update(|s| if let Some(n) = s.notification_numbers.get_mut(i) { n.phone = event_target_value(&ev) }) />
                    <button type="button" class="link" aria-label=t.remove
                        on:click=move |_| subject.update(|s| { s.notification_numbers.remove(i); })>"×"</button>
                </div>
            }).collect_view()}
            <button type="button" class="secondary" on:click=move |_| subject.update(|s| s.notification_numbers.push(NotificationNumber {
                country_code: "48".into(),
                phone: String::new(),
            }))>{t.add_number}</button>
        </fieldset>
    }
}

#[component]
fn Representatives(subject: RwSignal<SubjectInput>) -> impl IntoView {
    let t = use_texts();
    let count = move || subject.with(|s| s.representatives.as_ref().map_or(0, Vec::len));
    let edit = move |i: usize, change: &dyn Fn(&mut RepresentativeInput)| {
        subject.update(|s| {
            if let Some(r) = s.representatives.as_mut().and_then(|list| list.get_mut(i)) {
                change(r);
            }
        })
    };
    let read = move |i: usize, get: fn(&RepresentativeInput) -> String| {
        subject.with(|s| {
            s.representatives
                .as_ref()
                .and_then(|list| list.get(i))
                .map(get)
                .unwrap_or_default()
        })
    };
    view! {
        <fieldset class="list-editor representatives-editor">
            <legend>{t.representatives_title}</legend>
            {move || (0..count()).map(|i| view! {
                <div class="row representative">
                    <input type="text" aria-label=t.representative_name_label placeholder=t.representative_name_label
                        prop:value=move || read(i, |r| r.name.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); edit(i, &|r| r.name = v.clone()) } />
                    <input type="text" aria-label=t.role_label placeholder=t.role_label
                        prop:value=move || read(i, |r| r.role.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); edit(i, &|r| r.role = v.clone()) } />
                    <input type="tel" inputmode="tel" aria-label=t.sms_phone_label placeholder=t.sms_phone_label
                        prop:value=move || read(i, |r| sms::format_display(&r.sms_phone))
                        on:input=move |ev| { let v = event_target_value(&ev); edit(i, &|r| r.sms_phone = v.clone()) } />
                    <label class="checkbox">
                        <input type="checkbox" prop:checked=move || subject.with(|s| s.representatives.as_ref().and_then(|l| l.get(i)).is_some_and(|r| r.active))
                            on:change=move |ev| { let v = event_target_checked(&ev); edit(i, &|r| r.active = v) } />
                        {t.active_label}
                    </label>
                    <button type="button" class="link" aria-label=t.remove
                        on:click=move |_| subject.update(|s| { if let Some(list) = s.representatives.as_mut() { list.remove(i); } })>"×"</button>
                </div>
            }).collect_view()}
            <button type="button" class="secondary" on:click=move |_| subject.update(|s| s.representatives.get_or_insert_with(Vec::new).push(RepresentativeInput {
                id: None,
                external_id: None,
                name: String::new(),
                role: String::new(),
                sms_phone: String::new(),
                email: String::new(),
                active: true,
            }))>{t.add_representative}</button>
        </fieldset>
    }
}
