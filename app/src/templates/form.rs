//! Adding and editing a template (formularz szablonu): name, the procedures it is attached to
//! (and where it is the default), and the body in the macro editor. Needs JavaScript, like the
//! editor; operators see it read-only.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use sms::procedure::Procedure;

use super::editor::TemplateEditor;
use super::texts::use_texts;
use super::{
    check_template, get_template, Attachment, RemoveTemplate, SaveTemplate, TemplateInput,
};
use crate::error::{AppError, Field};
use crate::i18n::use_language;
use crate::layout::ErrorMessage;

/// `/templates/new?procedure=…` and `/templates/{id}`.
#[component]
pub fn TemplatePage() -> impl IntoView {
    let t = crate::layout::texts::use_texts();
    let lang = use_language();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let procedure = move || {
        query
            .with(|q| q.get("procedure").and_then(|p| Procedure::from_id(&p)))
            .unwrap_or(Procedure::SmsForm)
    };
    let detail = Resource::new(
        move || (id(), procedure()),
        |(id, procedure)| async move {
            match id {
                Some(id) => get_template(id).await.map(|mut list| {
                    let template = list.templates.remove(0);
                    (Some(template.id), template.template, list.can_edit)
                }),
                // Only administrators are offered "Add"; the server refuses others anyway.
                None => Ok((
                    None,
                    TemplateInput {
                        name: String::new(),
                        body: String::new(),
                        procedures: vec![Attachment {
                            procedure,
                            is_default: false,
                        }],
                    },
                    true,
                )),
            }
        },
    );
    view! {
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok((id, template, can_edit)) => view! { <TemplateForm id template can_edit /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })}
            </Suspense>
    }
}

#[component]
fn TemplateForm(id: Option<i64>, template: TemplateInput, can_edit: bool) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let back = match template.procedures.first() {
        Some(a) => format!("/templates?procedure={}", a.procedure.id()),
        None => "/templates".to_string(),
    };
    let name = RwSignal::new(template.name);
    let body = RwSignal::new(template.body);
    let attachments = RwSignal::new(template.procedures);
    let procedures = Signal::derive(move || {
        attachments.with(|list| list.iter().map(|a| a.procedure).collect::<Vec<_>>())
    });
    let error = RwSignal::new(None::<AppError>);
    let save = ServerAction::<SaveTemplate>::new();
    let remove = ServerAction::<RemoveTemplate>::new();
    let navigate = use_navigate();

    Effect::new({
        let back = back.clone();
        move |_| match save
            .value()
            .get()
            .or_else(|| remove.value().get().map(|r| r.map(|_| 0)))
        {
            Some(Ok(_)) => navigate(&back, Default::default()),
            Some(Err(e)) => error.set(Some(e)),
            None => {}
        }
    });
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let input = TemplateInput {
            name: name.get_untracked(),
            body: body.get_untracked(),
            procedures: attachments.get_untracked(),
        };
        match check_template(&input) {
            Err(errors) => error.set(Some(AppError::InvalidFields(errors))),
            Ok(_) => {
                error.set(None);
                save.dispatch(SaveTemplate {
                    id,
                    template: input,
                });
            }
        }
    };
    let on_remove = move |_| {
        if let Some(id) = id {
            if window()
                .confirm_with_message(t.confirm_remove_template)
                .unwrap_or(false)
            {
                remove.dispatch(RemoveTemplate { id });
            }
        }
    };
    let invalid = move |field: Field| {
        Signal::derive(move || error.with(|e| e.as_ref().is_some_and(|e| e.concerns(field))))
    };
    // Attached to `procedure`, and whether as its default.
    let state = move |procedure: Procedure| {
        attachments.with(|list| {
            list.iter()
                .find(|a| a.procedure == procedure)
                .map(|a| a.is_default)
        })
    };
    let set = move |procedure: Procedure, attached: bool, is_default: bool| {
        attachments.update(|list| {
            list.retain(|a| a.procedure != procedure);
            if attached {
                list.push(Attachment {
                    procedure,
                    is_default,
                });
                list.sort_by_key(|a| a.procedure);
            }
        })
    };

    view! {
        <h1>{if id.is_some() { t.edit_template } else { t.add_template }}</h1>
        {(!can_edit).then(|| view! { <p class="hint">{t.read_only_templates}</p> })}
        <form class="template-form" on:submit=on_submit>
            <fieldset class="plain" disabled=!can_edit>
                <label for="template-name">{t.name_label}</label>
                <input id="template-name" type="text" aria-invalid=move || invalid(Field::Name).get().to_string()
                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                <fieldset class="procedures" aria-invalid=move || invalid(Field::Procedures).get().to_string()>
                    <legend>{t.procedures_legend}</legend>
                    {Procedure::ALL.into_iter().map(|p| view! {
                        <div class="procedure-row">
                            <label class="checkbox">
                                <input type="checkbox" prop:checked=move || state(p).is_some()
                                    on:change=move |ev| set(p, event_target_checked(&ev), false) />
                                {lang.pick(&p.name())}
                            </label>
                            <label class="checkbox default">
                                <input type="checkbox" disabled=move || state(p).is_none()
                                    prop:checked=move || state(p) == Some(true)
                                    on:change=move |ev| set(p, true, event_target_checked(&ev)) />
                                {t.default_label}
                            </label>
                        </div>
                    }).collect_view()}
                </fieldset>
                <label for="template-body">{t.body_label}</label>
                <TemplateEditor body procedures id="template-body" invalid=invalid(Field::Body) />
            </fieldset>
            <ErrorMessage error />
            <div class="buttons">
                {can_edit.then(|| view! {
                    <button type="submit" class="primary" disabled=move || save.pending().get()>{t.save}</button>
                })}
                {(can_edit && id.is_some()).then(|| view! {
                    <button type="button" class="danger" on:click=on_remove>{t.remove}</button>
                })}
                <a class="button" href=back>{t.cancel}</a>
            </div>
        </form>
    }
}
