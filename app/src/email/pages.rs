//! The e-mail pages: the list of e-mail sent, the settings (accounts and templates) and the
//! form to write an e-mail about a subject, document or task.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::texts::use_texts;
use super::*;
use crate::i18n::use_language;
use crate::layout::ErrorMessage;

#[component]
pub fn SentEmailsPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let query = use_query_map();
    let before = Memo::new(move |_| query.with(|q| q.get("before").and_then(|b| b.parse().ok())));
    let emails = Resource::new(move || before.get(), list_emails);
    view! {
        <div class="title-row">
            <h1>{t.sent_title}</h1>
            <div class="title-actions">
                <a class="button" href="/email/settings">{t.settings_link}</a>
                <a class="button primary" href="/email/new">{t.new_email}</a>
            </div>
        </div>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match emails.await {
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="empty">{t.no_emails}</p> }.into_any(),
                    Ok(list) => {
                        let last = list.last().map(|e| e.id);
                        view! {
                            <table class="messages emails">
                                <thead><tr>
                                    <th scope="col">{t.col_created}</th>
                                    <th scope="col">{t.col_to}</th>
                                    <th scope="col">{t.col_title}</th>
                                    <th scope="col">{t.col_status}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|e| view! {
                                        <tr class:failed=e.status == EmailStatus::Failed>
                                            <td data-label=t.col_created><time datetime=e.created.iso()>{e.created.format(lang)}</time></td>
                                            <td data-label=t.col_to>{e.to}{e.subject_name.map(|n| view! { <span class="hint">" ("{n}")"</span> })}</td>
                                            <td data-label=t.col_title>
                                                <details>
                                                    <summary>{e.title}</summary>
                                                    <p class="hint">{t.from}": "{e.from}</p>
                                                    <pre class="email-body">{e.body}</pre>
                                                    {(!e.files.is_empty()).then(|| view! { <p class="hint">{t.files}": "{e.files.join(", ")}</p> })}
                                                </details>
                                            </td>
                                            <td data-label=t.col_status>
                                                <span class=format!("status email-{}", e.status.as_str())>{(t.status)(e.status)}</span>
                                                {(e.attempts > 1).then(|| view! { " "<span class="hint">{(t.attempts)(e.attempts)}</span> })}
                                                {e.error.map(|error| view! { <span class="gateway-error">" — "{error}</span> })}
                                            </td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {last.map(|id| view! { <p><a href=format!("/email?before={id}")>{t.older}</a></p> })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// One SMTP account's form: the company's (`own` false) or the operator's own.
#[component]
fn AccountForm(own: bool, account: Option<AccountView>, can_edit: bool) -> impl IntoView {
    let t = use_texts();
    let save = ServerAction::<SaveEmailAccount>::new();
    let remove = ServerAction::<RemoveEmailAccount>::new();
    let error = Signal::derive(move || {
        (save.value().get().and_then(Result::err)).or(remove.value().get().and_then(Result::err))
    });
    let prefix = if own { "own" } else { "company" };
    let id = move |field: &str| format!("{prefix}-{field}");
    let a = account.clone().unwrap_or(AccountView {
        id: 0,
        host: String::new(),
        port: 587,
        tls: Tls::Starttls,
        login: String::new(),
        has_password: false,
        from_name: String::new(),
        from_address: String::new(),
    });
    let exists = account.is_some();
    view! {
        <section aria-labelledby=id("title")>
            <h2 id=id("title")>{if own { t.own_account } else { t.company_account }}</h2>
            <p class="hint">{if own { t.own_account_hint } else { t.company_account_hint }}</p>
            {(!can_edit).then(|| view! { <p class="hint">{t.only_administrators}</p> })}
            <ActionForm action=save attr:class="admin-form email-account">
                <input type="hidden" name="own" value=own.to_string() />
                <fieldset disabled=!can_edit>
                    <label for=id("host")>{t.host}</label>
                    <input id=id("host") name="account[host]" value=a.host.clone() autocomplete="off" placeholder="smtp.example.com" />
                    <label for=id("port")>{t.port}</label>
                    <input id=id("port") name="account[port]" inputmode="numeric" value=a.port.to_string() />
                    <label for=id("tls")>{t.tls}</label>
                    <select id=id("tls") name="account[tls]">
                        {Tls::ALL.into_iter().map(|tls| view! {
                            <option value=tls.as_str() selected=a.tls == tls>{(t.tls_name)(tls)}</option>
                        }).collect_view()}
                    </select>
                    <label for=id("login")>{t.login}</label>
                    <input id=id("login") name="account[login]" value=a.login.clone() autocomplete="off" />
                    <label for=id("password")>{t.password}</label>
                    <input id=id("password") name="account[password]" type="password" autocomplete="new-password"
                        placeholder=if a.has_password { t.password_kept } else { "" } />
                    <label for=id("from-name")>{t.from_name}</label>
                    <input id=id("from-name") name="account[from_name]" value=a.from_name.clone() />
                    <label for=id("from-address")>{t.from_address}</label>
                    <input id=id("from-address") name="account[from_address]" type="email" value=a.from_address.clone() />
                    <button type="submit">{t.save}</button>
                </fieldset>
            </ActionForm>
            {(exists && can_edit).then(|| view! {
                <ActionForm action=remove attr:class="inline-form">
                    <input type="hidden" name="own" value=own.to_string() />
                    <button type="submit" class="secondary">{t.remove}</button>
                </ActionForm>
            })}
            {move || save.value().get().and_then(Result::ok).map(|_| view! { <p class="notice" role="status">{t.saved}</p> })}
            <ErrorMessage error />
        </section>
    }
}

#[component]
fn TemplateFiles(template_id: i64, files: Vec<FileRef>, changed: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let error = RwSignal::new(None::<AppError>);
    let on_file = move |ev: web_sys::Event| {
        let read = crate::layout::file::read_chosen(&ev, move |file| {
            leptos::task::spawn_local(async move {
                let added =
                    add_email_template_file(template_id, file.name, file.content_type, file.base64)
                        .await;
                match added {
                    Ok(()) => changed.update(|n| *n += 1),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
        if !read {
            error.set(Some(AppError::invalid(
                Field::File,
                Problem::UnreadableFile,
            )));
        }
    };
    view! {
        <div class="template-files">
            <span class="label">{t.files}</span>
            <ul class="files">
                {files.into_iter().map(|f| {
                    let file_id = f.id;
                    view! {
                        <li>
                            {f.name}" "<span class="hint">{format!("{} kB", (f.size + 1023) / 1024)}</span>" "
                            <button type="button" class="link" on:click=move |_| {
                                leptos::task::spawn_local(async move {
                                    if remove_email_template_file(template_id, file_id).await.is_ok() {
                                        changed.update(|n| *n += 1);
                                    }
                                });
                            }>{t.remove_file}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <label class="button secondary file-button">
                {t.add_file}
                <input type="file" class="visually-hidden" on:change=on_file />
            </label>
            <ErrorMessage error />
        </div>
    }
}

/// A template's form; `template` None: a new one.
#[component]
fn TemplateForm(template: Option<EmailTemplate>, changed: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let save = ServerAction::<SaveEmailTemplate>::new();
    let delete = ServerAction::<DeleteEmailTemplate>::new();
    Effect::new(move |_| {
        if save.version().get() > 0 && matches!(save.value().get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
        if delete.version().get() > 0 && matches!(delete.value().get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || {
        (save.value().get().and_then(Result::err)).or(delete.value().get().and_then(Result::err))
    });
    let id = template.as_ref().map(|t| t.id).unwrap_or(0);
    let key = move |field: &str| format!("email-template-{id}-{field}");
    let t0 = template.clone();
    view! {
        <ActionForm action=save attr:class="admin-form email-template">
            <input type="hidden" name="id" value=id />
            <label for=key("name")>{t.template_name}</label>
            <input id=key("name") name="name" value=t0.as_ref().map(|t| t.name.clone()) />
            <label for=key("procedure")>{t.procedure}</label>
            <select id=key("procedure") name="procedure">
                {EMAIL_PROCEDURES.into_iter().map(|p| view! {
                    <option value=p.id() selected=t0.as_ref().is_some_and(|t| t.procedure == p)>{lang.pick(&p.name())}</option>
                }).collect_view()}
            </select>
            <label for=key("title")>{t.title}</label>
            <input id=key("title") name="title" value=t0.as_ref().map(|t| t.title.clone()) />
            <label for=key("body")>{t.body}</label>
            <textarea id=key("body") name="body" rows="6">{t0.as_ref().map(|t| t.body.clone())}</textarea>
            <label class="checkbox">
                <input type="checkbox" name="is_default" value="true" checked=t0.as_ref().is_some_and(|t| t.is_default) />
                {t.is_default}
            </label>
            <button type="submit">{t.save}</button>
        </ActionForm>
        {template.map(|template| view! {
            <TemplateFiles template_id=template.id files=template.files changed />
            <ActionForm action=delete attr:class="inline-form">
                <input type="hidden" name="id" value=template.id />
                <button type="submit" class="secondary danger">{t.delete_template}</button>
            </ActionForm>
        })}
        <ErrorMessage error />
    }
}

#[component]
pub fn EmailSettingsPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let changed = RwSignal::new(0u32);
    let settings = Resource::new(move || changed.get(), |_| load_email_settings());
    view! {
        <p><a href="/email">{t.back_to_list}</a></p>
        <h1>{t.settings_title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match settings.await {
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    Ok(s) => {
                        let admin = s.is_administrator;
                        view! {
                            <AccountForm own=false account=s.company can_edit=admin />
                            <AccountForm own=true account=s.own can_edit=true />
                            <section aria-labelledby="email-templates-title">
                                <h2 id="email-templates-title">{t.templates_title}</h2>
                                <p class="hint">{t.templates_hint}</p>
                                <ul class="records email-templates">
                                    {s.templates.into_iter().map(|template| view! {
                                        <li class="record">
                                            <details>
                                                <summary>
                                                    <span class="record-title">{template.name.clone()}</span>" "
                                                    <span class="hint">{lang.pick(&template.procedure.name())}</span>
                                                    {template.is_default.then(|| view! { " "<span class="badge">{t.default_badge}</span> })}
                                                </summary>
                                                {if admin { Some(view! { <TemplateForm template=Some(template) changed /> }) } else { None }}
                                            </details>
                                        </li>
                                    }).collect_view()}
                                </ul>
                                {admin.then(|| view! {
                                    <details class="new-template">
                                        <summary class="button">{t.new_template}</summary>
                                        <TemplateForm template=None changed />
                                    </details>
                                })}
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn about_from_url() -> Memo<About> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| {
            let id = |name: &str| q.get(name).and_then(|v| v.parse().ok());
            About {
                subject_id: id("subject"),
                document_id: id("document"),
                task_id: id("task"),
            }
        })
    })
}

#[component]
pub fn EmailComposePage() -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let about = about_from_url();
    let start = Resource::new(move || about.get(), start_email);
    view! {
        <p><a href="/email">{t.back_to_list}</a></p>
        <h1>{t.compose_title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match start.await {
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    Ok(start) => view! { <ComposeForm start about=about.get_untracked() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ComposeForm(start: EmailStart, about: About) -> impl IntoView {
    let t = use_texts();
    let to = RwSignal::new(start.to.clone());
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let template_id = RwSignal::new(None::<i64>);
    // Every file proposed, and whether it is kept: the printout, then the template's.
    let files = RwSignal::new(
        (start.printout.clone().into_iter())
            .map(|f| (f, true))
            .collect::<Vec<_>>(),
    );
    let printout = start.printout.clone();
    let printout_id = start.printout.as_ref().map(|p| p.id);
    let error = RwSignal::new(None::<AppError>);
    let choose = Callback::new(move |id: Option<i64>| {
        template_id.set(id);
        let printout = printout.clone();
        leptos::task::spawn_local(async move {
            let mut proposed: Vec<(FileRef, bool)> =
                printout.into_iter().map(|f| (f, true)).collect();
            if let Some(id) = id {
                match fill_email_template(id, about).await {
                    Ok(filled) => {
                        title.set(filled.title);
                        body.set(filled.body);
                        proposed.extend(filled.files.into_iter().map(|f| (f, true)));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            }
            files.set(proposed);
        });
    });
    // The procedure's default template is filled in once the page runs in the browser.
    let default = start.templates.iter().find(|t| t.is_default).map(|t| t.id);
    Effect::new(move |done: Option<()>| {
        if done.is_none() && default.is_some() {
            choose.run(default);
        }
    });
    let send = Action::new(move |_: &()| {
        let kept = files.with_untracked(|f| {
            (f.iter())
                .filter(|(_, keep)| *keep)
                .map(|(f, _)| f.id)
                .collect()
        });
        send_email(
            to.get_untracked(),
            title.get_untracked(),
            body.get_untracked(),
            about,
            template_id.get_untracked(),
            kept,
        )
    });
    let sent = move || matches!(send.value().get(), Some(Ok(_)));
    let send_error =
        Signal::derive(move || send.value().get().and_then(Result::err).or(error.get()));
    view! {
        {start.about_label.map(|label| view! { <p class="topic">{t.about}": "<strong>{label}</strong></p> })}
        <p class="hint">{t.from}": "{start.from.clone().unwrap_or_else(|| t.no_account.to_string())}</p>
        <form class="email-form" on:submit=move |ev| { ev.prevent_default(); send.dispatch(()); }>
            <label for="email-template">{t.template}</label>
            <select id="email-template" on:change=move |ev| choose.run(event_target_value(&ev).parse().ok())>
                <option value="">{t.no_template}</option>
                {start.templates.iter().map(|tpl| view! {
                    <option value=tpl.id selected=tpl.is_default>{tpl.name.clone()}</option>
                }).collect_view()}
            </select>
            <label for="email-to">{t.to}</label>
            <input id="email-to" type="email" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) />
            <label for="email-title">{t.title}</label>
            <input id="email-title" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
            <label for="email-body">{t.body}</label>
            <textarea id="email-body" rows="10" prop:value=move || body.get() on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            {move || (!files.with(Vec::is_empty)).then(|| view! {
            <fieldset class="attachments">
                <legend>{t.attachments}</legend>
                {move || files.get().into_iter().enumerate().map(|(i, (file, keep))| {
                    let is_printout = printout_id == Some(file.id);
                    view! {
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=keep
                                on:change=move |ev| files.update(|f| f[i].1 = event_target_checked(&ev)) />
                            {file.name}
                            {is_printout.then(|| view! { " "<span class="hint">"("{t.printout}")"</span> })}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            })}
            <button type="submit" class="primary" disabled=move || send.pending().get() || sent()>{t.send}</button>
        </form>
        {move || sent().then(|| view! { <p class="notice" role="status">{t.queued}" "<a href="/email">{t.back_to_list}</a></p> })}
        <ErrorMessage error=send_error />
    }
}
