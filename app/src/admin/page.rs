//! The administration page (companies and operators) and the company switch in the header.

use leptos::prelude::*;

use super::texts::{use_texts, Texts};
use super::{
    gateway_status, list_companies, list_operators, Company, CompanyInput, OperatorInput,
    OperatorRow, RevokeSessions, Role, SaveCompany, SaveOperator, SwitchCompany,
};
use crate::error::Field;
use crate::i18n::use_language;
use crate::layout::ErrorMessage;

#[component]
pub fn AdminPage() -> impl IntoView {
    let t = use_texts();
    let layout_t = crate::layout::texts::use_texts();
    let lang = use_language();
    let save_company = ServerAction::<SaveCompany>::new();
    let save_operator = ServerAction::<SaveOperator>::new();
    let revoke = ServerAction::<RevokeSessions>::new();
    let companies = Resource::new(move || save_company.version().get(), |_| list_companies());
    let operators = Resource::new(
        move || (save_operator.version().get(), revoke.version().get()),
        |_| list_operators(),
    );
    view! {
            <h1>{t.admin_title}</h1>
            <Transition fallback=move || view! { <p>{layout_t.loading}</p> }>
                {move || Suspend::new(async move {
                    match (companies.await, operators.await) {
                        (Ok(companies), Ok(operators)) => view! {
                            <section aria-labelledby="companies-title">
                                <h2 id="companies-title">{t.companies_title}</h2>
                                <Companies companies=companies.clone() save=save_company />
                            </section>
                            <section aria-labelledby="operators-title">
                                <h2 id="operators-title">{t.operators_title}</h2>
                                <Operators operators companies save=save_operator revoke />
                            </section>
                            <crate::credits::PoolSummary />
                            <crate::sender_names::SenderNamesSection />
                            <crate::webhooks::WebhookSection />
                            <Gateways />
                        }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })}
            </Transition>
    }
}

/// Each gateway connection: ready or not, since when, and its last error.
#[component]
fn Gateways() -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let connections = Resource::new(|| (), |_| gateway_status());
    view! {
        <section aria-labelledby="gateways-title">
            <h2 id="gateways-title">{t.gateways_title}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    connections.await.ok().map(|list| view! {
                        <ul class="admin-list">
                            {list.into_iter().map(|c| {
                                let state = if c.ready { t.gateway_ready } else { t.gateway_down };
                                view! {
                                    <li>
                                        <strong>{c.name}</strong>" ("{c.driver}"): "
                                        <span class=if c.ready { "status status-delivered" } else { "status status-undelivered" }>{state}</span>
                                        {c.since.map(|at| view! { " "{t.gateway_since}" "{at.format(lang)} })}
                                        <br />
                                        <span class="hint">
                                            {crate::format::integer(lang, c.sending.per_second.round() as i64)}" "{t.gateway_per_second}
                                            " · "{t.gateway_window}" "{c.sending.window_used}" / "{c.sending.window_size}
                                        </span>
                                        {c.error.map(|e| view! { <br /><span class="hint">{t.gateway_last_error}": "{e}</span> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Suspense>
        </section>
    }
}

/// Which row is being edited: `Some(None)` is a new one.
type Editing = RwSignal<Option<Option<i64>>>;

#[component]
fn Companies(companies: Vec<Company>, save: ServerAction<SaveCompany>) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let editing: Editing = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(None);
        }
    });
    let form = move |id: Option<i64>, input: CompanyInput| {
        let company = RwSignal::new(input);
        let field = move |label: &'static str,
                          get: fn(&CompanyInput) -> String,
                          set: fn(&mut CompanyInput, String)| {
            view! {
                <label>{label}
                    <input type="text" prop:value=move || company.with(get)
                        on:input=move |ev| company.update(|c| set(c, event_target_value(&ev))) />
                </label>
            }
        };
        view! {
            <form class="admin-form" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SaveCompany { id, company: company.get_untracked() });
            }>
                {field(t.company_name_label, |c| c.name.clone(), |c, v| c.name = v)}
                {field(t.stamp_name_label, |c| c.stamp_name.clone(), |c, v| c.stamp_name = v)}
                {field(t.stamp_address_label, |c| c.stamp_address.clone(), |c, v| c.stamp_address = v)}
                {field(t.nip_label, |c| c.stamp_nip.clone(), |c, v| c.stamp_nip = v)}
                <fieldset class="sending-rules">
                    <legend>{t.sending_rules_title}</legend>
                    <p class="hint">{t.sending_rules_hint}</p>
                    {field(Field::QuietFrom.name(lang), |c| c.rules.quiet_from.clone(), |c, v| c.rules.quiet_from = v)}
                    {field(Field::QuietTo.name(lang), |c| c.rules.quiet_to.clone(), |c, v| c.rules.quiet_to = v)}
                    <div class="days" role="group" aria-label=Field::QuietDays.name(lang)>
                        <span class="label">{Field::QuietDays.name(lang)}</span>
                        {t.weekdays.into_iter().enumerate().map(|(day, name)| {
                            let bit = 1u8 << day;
                            view! {
                                <label class="checkbox">
                                    <input type="checkbox" prop:checked=move || company.with(|c| c.rules.quiet_days & bit != 0)
                                        on:change=move |ev| company.update(|c| match event_target_checked(&ev) {
                                            true => c.rules.quiet_days |= bit,
                                            false => c.rules.quiet_days &= !bit,
                                        }) />
                                    {name}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <label class="checkbox">
                        <input type="checkbox" prop:checked=move || company.with(|c| c.rules.opt_out_everything)
                            on:change=move |ev| company.update(|c| c.rules.opt_out_everything = event_target_checked(&ev)) />
                        {t.opt_out_everything_label}
                    </label>
                    {field(Field::OptOutWords.name(lang), |c| c.rules.opt_out_words.clone(), |c, v| c.rules.opt_out_words = v)}
                </fieldset>
                <ErrorMessage error=Signal::derive(move || save.value().get().and_then(|r| r.err())) />
                <div class="buttons">
                    <button type="submit" class="primary">{t.save}</button>
                    <button type="button" on:click=move |_| editing.set(None)>{t.cancel}</button>
                </div>
            </form>
        }
    };
    view! {
        <ul class="admin-list">
            {companies.into_iter().map(|c| {
                let input = CompanyInput {
                    name: c.name.clone(),
                    stamp_name: c.stamp_name.clone(),
                    stamp_address: c.stamp_address.clone(),
                    stamp_nip: c.stamp_nip.clone(),
                    rules: c.rules.clone(),
                };
                let days: Vec<&str> = (t.weekdays.iter().enumerate())
                    .filter(|(day, _)| c.rules.quiet_days & (1 << day) != 0)
                    .map(|(_, name)| *name)
                    .collect();
                let hours = format!("{} {}–{}, {}", t.sending_hours, c.rules.quiet_from, c.rules.quiet_to, days.join(" "));
                view! {
                    <li>
                        <div class="admin-row">
                            <strong>{c.name}</strong>
                            <span>{c.stamp_name}", NIP "{c.stamp_nip}</span>
                            <span class="muted">{c.stamp_address}</span>
                            <span class="muted">{hours}</span>
                            <button type="button" class="secondary" on:click=move |_| editing.set(Some(Some(c.id)))>{t.edit}</button>
                        </div>
                        {move || (editing.get() == Some(Some(c.id))).then(|| form(Some(c.id), input.clone()))}
                    </li>
                }
            }).collect_view()}
        </ul>
        {move || match editing.get() {
            Some(None) => form(None, CompanyInput::default()).into_any(),
            _ => view! {
                <button type="button" class="secondary" on:click=move |_| editing.set(Some(None))>{t.add_company}</button>
            }.into_any(),
        }}
    }
}

fn role_name(t: &Texts, role: Role) -> &'static str {
    match role {
        Role::Administrator => t.role_administrator,
        Role::Operator => t.role_operator,
    }
}

#[component]
fn Operators(
    operators: Vec<OperatorRow>,
    companies: Vec<Company>,
    save: ServerAction<SaveOperator>,
    revoke: ServerAction<RevokeSessions>,
) -> impl IntoView {
    let t = use_texts();
    let editing: Editing = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            editing.set(None);
        }
    });
    let companies = StoredValue::new(companies);
    let form = move |id: Option<i64>, input: OperatorInput| {
        let operator = RwSignal::new(input);
        let text = move |label: &'static str,
                         kind: &'static str,
                         get: fn(&OperatorInput) -> String,
                         set: fn(&mut OperatorInput, String)| {
            view! {
                <label>{label}
                    <input type=kind prop:value=move || operator.with(get)
                        on:input=move |ev| operator.update(|o| set(o, event_target_value(&ev))) />
                </label>
            }
        };
        view! {
            <form class="admin-form" on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(SaveOperator { id, operator: operator.get_untracked() });
            }>
                {text(t.login_field_label, "text", |o| o.login.clone(), |o, v| o.login = v)}
                {text(t.name_label, "text", |o| o.name.clone(), |o, v| o.name = v)}
                {text(t.email_label, "email", |o| o.email.clone(), |o, v| o.email = v)}
                {text(t.sms_phone_label, "tel", |o| o.sms_phone.clone(), |o, v| o.sms_phone = v)}
                {text(t.new_password_label, "password", |o| o.password.clone(), |o, v| o.password = v)}
                <label>{t.role_field_label}
                    <select on:change=move |ev| operator.update(|o| o.role = Role::parse(&event_target_value(&ev)).unwrap_or(Role::Operator))>
                        {[Role::Operator, Role::Administrator].into_iter().map(|role| view! {
                            <option value=role.as_str() selected=move || operator.with(|o| o.role == role)>{role_name(t, role)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="checkbox">
                    <input type="checkbox" prop:checked=move || operator.with(|o| o.active)
                        on:change=move |ev| operator.update(|o| o.active = event_target_checked(&ev)) />
                    {t.active_label}
                </label>
                <fieldset class="list-editor">
                    <legend>{t.operator_companies_label}</legend>
                    {companies.get_value().into_iter().map(|c| view! {
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=move || operator.with(|o| o.company_ids.contains(&c.id))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    operator.update(|o| {
                                        o.company_ids.retain(|id| *id != c.id);
                                        if on { o.company_ids.push(c.id); }
                                    })
                                } />
                            {c.name}
                        </label>
                    }).collect_view()}
                </fieldset>
                <ErrorMessage error=Signal::derive(move || save.value().get().and_then(|r| r.err())) />
                <div class="buttons">
                    <button type="submit" class="primary">{t.save}</button>
                    <button type="button" on:click=move |_| editing.set(None)>{t.cancel}</button>
                </div>
            </form>
        }
    };
    view! {
        <ul class="admin-list">
            {operators.into_iter().map(|o| {
                let input = OperatorInput {
                    login: o.login.clone(),
                    name: o.name.clone(),
                    email: o.email.clone(),
                    sms_phone: o.sms_phone.clone(),
                    role: o.role,
                    active: o.active,
                    company_ids: o.company_ids.clone(),
                    password: String::new(),
                };
                let id = o.id;
                view! {
                    <li class:inactive=!o.active>
                        <div class="admin-row">
                            <strong>{o.name}</strong>
                            <span>{o.login}" · "{role_name(t, o.role)}</span>
                            <span class="muted">{(t.sessions_open)(o.sessions)}</span>
                            <button type="button" class="secondary" on:click=move |_| editing.set(Some(Some(id)))>{t.edit}</button>
                            {(o.sessions > 0).then(|| view! {
                                <button type="button" class="secondary" on:click=move |_| { revoke.dispatch(RevokeSessions { operator_id: id }); }>
                                    {t.revoke_sessions}
                                </button>
                            })}
                        </div>
                        {move || (editing.get() == Some(Some(id))).then(|| form(Some(id), input.clone()))}
                    </li>
                }
            }).collect_view()}
        </ul>
        {move || match editing.get() {
            Some(None) => form(None, OperatorInput {
                login: String::new(),
                name: String::new(),
                email: String::new(),
                sms_phone: String::new(),
                role: Role::Operator,
                active: true,
                company_ids: Vec::new(),
                password: String::new(),
            }).into_any(),
            _ => view! {
                <button type="button" class="secondary" on:click=move |_| editing.set(Some(None))>{t.add_operator}</button>
            }.into_any(),
        }}
    }
}

/// The company switch in the header, for operators with more than one company. A form posting
/// to the server function, so it works without JavaScript.
#[component]
pub fn CompanySwitch() -> impl IntoView {
    let t = use_texts();
    let action = ServerAction::<SwitchCompany>::new();
    let mine = Resource::new(|| (), |_| super::my_companies());
    // Everything on the page belongs to the company: load it anew.
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            let _ = window().location().set_href("/");
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                mine.await.ok().filter(|(companies, _)| companies.len() > 1).map(|(companies, current)| view! {
                    <ActionForm action attr:class="company-switch">
                        <label for="company-switch" class="visually-hidden">{t.company_label}</label>
                        <select id="company-switch" name="company_id"
                            onchange="this.form.requestSubmit ? this.form.requestSubmit() : this.form.submit()">
                            {companies.into_iter().map(|c| view! {
                                <option value=c.id selected=c.id == current>{c.name}</option>
                            }).collect_view()}
                        </select>
                        <noscript><button type="submit" class="link">{t.switch_company}</button></noscript>
                    </ActionForm>
                })
            })}
        </Transition>
    }
}
