//! The address book picker the composer opens: search, tabs per kind, a subject or one of a
//! contractor's active representatives. Arrow keys move, Enter chooses, Escape closes; on a phone
//! it fills the screen.

use leptos::html::Dialog;
use leptos::prelude::*;

use super::texts::use_texts;
use super::{search_subjects, SubjectKind, SubjectPage, SubjectQuery, PAGE};

/// A recipient chosen in the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub subject_id: i64,
    pub representative_id: Option<i64>,
    /// Shown in the composer: code and name, and the representative's name.
    pub label: String,
    /// E.164, or empty.
    pub sms_phone: String,
}

/// The options in the order they are shown: each subject, then its representatives.
fn options(page: &SubjectPage) -> Vec<Chosen> {
    let mut options = Vec::new();
    for subject in &page.rows {
        let label = format!("{} — {}", subject.code, subject.name);
        options.push(Chosen {
            subject_id: subject.id,
            representative_id: None,
            label: label.clone(),
            sms_phone: subject.sms_phone.clone(),
        });
        for representative in subject.representatives.iter().filter(|r| r.active) {
            options.push(Chosen {
                subject_id: subject.id,
                representative_id: Some(representative.id),
                label: format!("{label} / {}", representative.name),
                sms_phone: representative.sms_phone.clone(),
            });
        }
    }
    options
}

#[component]
pub fn Picker(open: RwSignal<bool>, #[prop(into)] on_choose: Callback<Chosen>) -> impl IntoView {
    let t = use_texts();
    let dialog = NodeRef::<Dialog>::new();
    let search = NodeRef::<leptos::html::Input>::new();
    let q = RwSignal::new(String::new());
    let kind = RwSignal::new(SubjectKind::Contractor);
    let limit = RwSignal::new(PAGE);
    let highlighted = RwSignal::new(0usize);
    // Fetched by hand rather than as a Resource: a Resource read here would suspend the
    // composer's <Suspense> around the form on every keystroke, and with it the focus.
    let shown = RwSignal::new((Vec::<Chosen>::new(), false));
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let (open, q, kind, limit) = (open.get(), q.get(), kind.get(), limit.get());
        if !open {
            return;
        }
        let request = latest.get_value() + 1;
        latest.set_value(request);
        leptos::task::spawn_local(async move {
            let query = SubjectQuery {
                q,
                kind: Some(kind),
                include_inactive: false,
                offset: 0,
                limit,
            };
            let found = search_subjects(query).await;
            // An answer to an older query (typing is faster than the server) is dropped.
            if latest.get_value() == request {
                if let Ok(page) = found {
                    shown.set((options(&page), page.has_more));
                }
            }
        });
    });

    Effect::new(move |_| {
        let Some(dialog) = dialog.get() else { return };
        if open.get() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
            // After the dialog is shown and laid out: focusing in the same task loses to
            // the dialog's own initial focus.
            request_animation_frame(move || {
                if let Some(input) = search.get_untracked() {
                    let _ = input.focus();
                }
            });
        } else if dialog.open() {
            dialog.close();
        }
    });
    let choose = move |option: Chosen| {
        open.set(false);
        on_choose.run(option);
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let count = shown.with_untracked(|(options, _)| options.len());
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                highlighted.update(|h| *h = (*h + 1).min(count - 1));
            }
            "ArrowUp" => {
                ev.prevent_default();
                highlighted.update(|h| *h = h.saturating_sub(1));
            }
            "Enter" => {
                ev.prevent_default();
                let option = shown.with_untracked(|(options, _)| {
                    options.get(highlighted.get_untracked()).cloned()
                });
                if let Some(option) = option {
                    choose(option);
                }
            }
            _ => {}
        }
    };
    let restart = move || {
        highlighted.set(0);
        limit.set(PAGE);
    };

    view! {
        <dialog node_ref=dialog class="picker" aria-labelledby="picker-title"
            on:close=move |_| open.set(false)>
            <div class="picker-head">
                <h2 id="picker-title">{t.address_book_title}</h2>
                <button type="button" class="link close" aria-label=t.close on:click=move |_| open.set(false)>"×"</button>
            </div>
            <div class="tabs" role="tablist">
                {SubjectKind::ALL.into_iter().map(|k| view! {
                    <button type="button" role="tab" aria-selected=move || (kind.get() == k).to_string()
                        on:click=move |_| { kind.set(k); restart(); }>
                        {(t.subject_kind_plural)(k)}
                    </button>
                }).collect_view()}
            </div>
            <input node_ref=search type="search" class="picker-search" placeholder=t.search_placeholder
                aria-label=t.search_label aria-controls="picker-options" autocomplete="off" autofocus
                prop:value=q on:input=move |ev| { q.set(event_target_value(&ev)); restart(); }
                on:keydown=on_keydown />
            <ul id="picker-options" role="listbox" aria-label=t.address_book_title class="picker-options">
                {move || shown.with(|(options, _)| options.iter().cloned().enumerate().map(|(i, option)| {
                    let representative = option.representative_id.is_some();
                    let label = option.label.clone();
                    let phone = sms::format_display(&option.sms_phone);
                    view! {
                        <li role="option" class:representative=representative
                            aria-selected=move || (highlighted.get() == i).to_string()
                            on:mousemove=move |_| highlighted.set(i)
                            on:click=move |_| choose(option.clone())>
                            <span class="name">{label}</span>
                            <span class="phone">{if phone.is_empty() { t.no_phone.to_string() } else { phone }}</span>
                        </li>
                    }
                }).collect_view())}
            </ul>
            {move || shown.with(|(options, _)| options.is_empty()).then(|| view! {
                <p class="hint">{t.no_subjects}</p>
            })}
            {move || shown.with(|(_, more)| *more).then(|| view! {
                <button type="button" class="secondary" on:click=move |_| limit.update(|l| *l += PAGE)>
                    {t.more_results}
                </button>
            })}
        </dialog>
    }
}
