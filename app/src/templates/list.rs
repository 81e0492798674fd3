//! Template configuration (konfiguracja szablonów): the templates of a procedure (or all), found
//! by name; administrators attach, detach, make default and remove them here. Filtering is a
//! GET form and every change a small POST form, so the page works without JavaScript too.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use sms::procedure::Procedure;

use super::texts::use_texts;
use super::{
    list_templates, AttachmentChange, ChangeAttachment, RemoveTemplate, Template, TemplateQuery,
    TemplateRemoval,
};
use crate::error::AppError;
use crate::i18n::use_language;
use crate::layout::ErrorMessage;

/// The query in the page's URL: `?procedure=…&q=…`.
fn query_from_url() -> Memo<TemplateQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| TemplateQuery {
            procedure: q.get("procedure").and_then(|p| Procedure::from_id(&p)),
            q: q.get("q").unwrap_or_default(),
        })
    })
}

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let t = use_texts();
    let layout_t = crate::layout::texts::use_texts();
    let lang = use_language();
    let query = query_from_url();
    let change = ServerAction::<ChangeAttachment>::new();
    let remove = ServerAction::<RemoveTemplate>::new();
    let list = Resource::new(
        move || (query.get(), change.version().get(), remove.version().get()),
        |(query, _, _)| list_templates(query),
    );
    let error = Signal::derive(move || {
        let failed = |result: Option<Result<_, AppError>>| result.and_then(Result::err);
        failed(remove.value().get().map(|r| r.map(|_| ()))).or_else(|| failed(change.value().get()))
    });
    let hidden = move || matches!(remove.value().get(), Some(Ok(TemplateRemoval::Hidden)));
    let operator = Resource::new(|| (), |_| crate::auth::current_operator());
    let selected = move || query.with(|q| q.procedure);
    let add_href = move || match selected() {
        Some(p) => format!("/templates/new?procedure={}", p.id()),
        None => "/templates/new".to_string(),
    };
    view! {
            <div class="title-row">
                <h1>{t.templates_title}</h1>
                // Only administrators configure templates; operators use them.
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        operator.await.ok().filter(|op| op.is_administrator).map(|_| view! {
                            <a class="button primary" href=add_href>{t.add_template}</a>
                        })
                    })}
                </Transition>
            </div>
            <form class="search" method="get" action="/templates" role="search">
                <label for="procedure" class="visually-hidden">{t.procedure_label}</label>
                <select id="procedure" name="procedure">
                    <option value="" selected=move || selected().is_none()>{t.all_procedures}</option>
                    {Procedure::ALL.into_iter().map(|p| view! {
                        <option value=p.id() selected=move || selected() == Some(p)>{lang.pick(&p.name())}</option>
                    }).collect_view()}
                </select>
                <label for="q" class="visually-hidden">{t.search_label}</label>
                <input id="q" name="q" type="search" placeholder=t.template_search_placeholder
                    prop:value=move || query.with(|q| q.q.clone()) />
                <button type="submit">{t.search_button}</button>
            </form>
            <ErrorMessage error />
            {move || hidden().then(|| view! { <p class="notice" role="status">{t.template_hidden}</p> })}
            <Transition fallback=move || view! { <p>{layout_t.loading}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(list) => {
                            let can_edit = list.can_edit;
                            view! {
                                {(!can_edit).then(|| view! { <p class="hint">{t.read_only_templates}</p> })}
                                {list.templates.is_empty().then(|| view! { <p>{t.no_templates}</p> })}
                                <ul class="templates">
                                    {list.templates.into_iter().map(|template| view! {
                                        <TemplateItem template can_edit change remove />
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
    }
}

#[component]
fn TemplateItem(
    template: Template,
    can_edit: bool,
    change: ServerAction<ChangeAttachment>,
    remove: ServerAction<RemoveTemplate>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let id = template.id;
    let attached: Vec<Procedure> = template.template.procedure_ids();
    let others: Vec<Procedure> = Procedure::ALL
        .into_iter()
        .filter(|p| !attached.contains(p))
        .collect();
    let on_remove = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if window()
            .confirm_with_message(t.confirm_remove_template)
            .unwrap_or(false)
        {
            remove.dispatch(RemoveTemplate { id });
        }
    };
    // A button posting one change of this template in `procedure`.
    let change_button = move |procedure: Procedure, what: AttachmentChange, label: &'static str| {
        view! {
            <ActionForm action=change attr:class="inline">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="procedure" value=procedure.id() />
                <input type="hidden" name="change" value=format!("{what:?}") />
                <button type="submit" class="link">{label}</button>
            </ActionForm>
        }
    };
    view! {
        <li class="template">
            <div class="template-head">
                {if can_edit {
                    view! { <a class="name" href=format!("/templates/{id}")>{template.template.name.clone()}</a> }.into_any()
                } else {
                    view! { <span class="name">{template.template.name.clone()}</span> }.into_any()
                }}
            </div>
            <p class="template-body">{template.template.body.clone()}</p>
            <ul class="attachments">
                {template.template.procedures.iter().map(|a| {
                    let p = a.procedure;
                    view! {
                        <li>
                            <span>{lang.pick(&p.name())}</span>
                            {a.is_default.then(|| view! { <span class="badge default">{t.default_badge}</span> })}
                            {can_edit.then(|| view! {
                                {if a.is_default {
                                    change_button(p, AttachmentChange::ClearDefault, t.clear_default)
                                } else {
                                    change_button(p, AttachmentChange::MakeDefault, t.make_default)
                                }}
                                {(attached.len() > 1).then(|| change_button(p, AttachmentChange::Detach, t.detach))}
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {can_edit.then(|| view! {
                <div class="template-actions">
                    {(!others.is_empty()).then(|| view! {
                        <ActionForm action=change attr:class="attach">
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="change" value="Attach" />
                            <label class="visually-hidden" for=format!("attach-{id}")>{t.attach_to}</label>
                            <select id=format!("attach-{id}") name="procedure">
                                {others.iter().map(|p| view! { <option value=p.id()>{lang.pick(&p.name())}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="secondary">{t.attach}</button>
                        </ActionForm>
                    })}
                    <a class="button" href=format!("/templates/{id}")>{t.edit}</a>
                    <form method="post" action="/api/remove_template" class="inline" on:submit=on_remove>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="danger">{t.remove}</button>
                    </form>
                </div>
            })}
        </li>
    }
}
