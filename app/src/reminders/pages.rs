//! The automaton's page (settings, the service's state, the dry run of today or tomorrow, the
//! log) and a task's own [Automatyczne przypomnienia] section.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::texts::use_texts;
use super::*;
use crate::i18n::use_language;
use crate::layout::ErrorMessage;

/// How long before: the choices offered.
const BEFORE: [i64; 12] = [
    0,
    15,
    30,
    60,
    120,
    180,
    360,
    720,
    24 * 60,
    2 * 24 * 60,
    3 * 24 * 60,
    7 * 24 * 60,
];

/// One select of an id among `choices`, named `name`, with an empty first choice.
#[component]
fn ChoiceSelect(
    id: String,
    name: String,
    label: &'static str,
    empty: &'static str,
    choices: Vec<Choice>,
    selected: Option<i64>,
) -> impl IntoView {
    view! {
        <label for=id.clone()>{label}</label>
        <select id=id name=name>
            <option value="">{empty}</option>
            {choices.into_iter().map(|(id, name)| view! {
                <option value=id selected=selected == Some(id)>{name}</option>
            }).collect_view()}
        </select>
    }
}

#[component]
fn BeforeSelect(id: String, name: String, label: &'static str, minutes: i64) -> impl IntoView {
    let t = use_texts();
    let mut choices = BEFORE.to_vec();
    if !choices.contains(&minutes) {
        choices.push(minutes);
        choices.sort_unstable();
    }
    view! {
        <label for=id.clone()>{label}</label>
        <select id=id name=name>
            {choices.into_iter().map(|m| view! {
                <option value=m selected=m == minutes>{(t.before)(m)}</option>
            }).collect_view()}
        </select>
    }
}

/// One audience's rule, its fields named `client[…]` or `operator[…]`.
#[component]
fn RuleFields(
    audience: Audience,
    rule: Rule,
    sms_templates: Vec<Choice>,
    email_templates: Vec<Choice>,
    /// Prefixes the fields' ids, so two forms on a page do not clash; "task": a task's own.
    scope: &'static str,
) -> impl IntoView {
    let t = use_texts();
    let legend = match scope {
        "task" => (t.for_audience)(audience),
        _ => (t.audience)(audience),
    };
    let a = audience.as_str();
    let id = move |field: &str| format!("{scope}-{a}-{field}");
    let name = move |field: &str| format!("{a}[{field}]");
    view! {
        <fieldset class="rule">
            <legend>{legend}</legend>
            <label class="checkbox">
                <input type="checkbox" name=name("enabled") value="true" checked=rule.enabled />
                {(t.remind)(audience)}
            </label>
            <label for=id("channel")>{t.channel}</label>
            <select id=id("channel") name=name("channel")>
                {Channel::ALL.into_iter().map(|c| view! {
                    <option value=c.as_str() selected=rule.channel == c>{(t.channel_name)(c)}</option>
                }).collect_view()}
            </select>
            <ChoiceSelect id=id("sms-template") name=name("sms_template_id") label=t.sms_template
                empty=t.default_text choices=sms_templates selected=rule.sms_template_id />
            <BeforeSelect id=id("sms-before") name=name("sms_minutes_before") label=t.sms_when
                minutes=rule.sms_minutes_before />
            <ChoiceSelect id=id("email-template") name=name("email_template_id") label=t.email_template
                empty=t.default_text choices=email_templates selected=rule.email_template_id />
            <BeforeSelect id=id("email-before") name=name("email_minutes_before") label=t.email_when
                minutes=rule.email_minutes_before />
        </fieldset>
    }
}

/// Reminders of a plan: when, what, to whom, and their state.
#[component]
fn PlannedTable(reminders: Vec<Planned>, #[prop(optional)] with_task: bool) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    view! {
        <table class="messages reminders">
            <thead><tr>
                <th scope="col">{t.col_goes}</th>
                {with_task.then(|| view! { <th scope="col">{t.col_task}</th> })}
                <th scope="col">{t.col_recipient}</th>
                <th scope="col">{t.col_channel}</th>
                <th scope="col">{t.col_text}</th>
                <th scope="col">{t.col_outcome}</th>
            </tr></thead>
            <tbody>
                {reminders.into_iter().map(|r| {
                    let state = match (&r.done, &r.skip) {
                        (Some(Outcome::Sent), _) => t.sent.to_string(),
                        (Some(Outcome::Skipped), Some(skip)) | (None, Some(skip)) => format!("{}: {}", t.skipped, (t.skip)(skip)),
                        (Some(Outcome::Skipped), None) => t.skipped.to_string(),
                        (None, None) => t.will_go.to_string(),
                    };
                    view! {
                        <tr class:failed=r.skip.is_some()>
                            <td data-label=t.col_goes>
                                <time datetime=r.goes.iso()>{r.goes.format(lang)}</time>
                                <span class="hint">" ("{(t.before)(r.minutes_before)}")"</span>
                            </td>
                            {with_task.then(|| view! {
                                <td data-label=t.col_task><a href=format!("/tasks/{}", r.task_id)>{r.task_title.clone()}</a></td>
                            })}
                            <td data-label=t.col_recipient>{r.recipient}" "<span class="hint">{r.to}</span></td>
                            <td data-label=t.col_channel>
                                {(t.channel_name)(r.channel)}
                                {(r.channel == Channel::Sms && r.parts > 0).then(|| view! { " "<span class="hint">{(t.sms_count)(r.parts)}</span> })}
                            </td>
                            <td data-label=t.col_text>
                                {r.title.map(|title| view! { <strong>{title}</strong><br /> })}
                                <span class="reminder-text">{r.text}</span>
                            </td>
                            <td data-label=t.col_outcome>{state}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn SettingsForm(view: SettingsView) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let save = ServerAction::<SaveReminderSettings>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let SettingsView {
        settings,
        operators,
        accounts,
        sms_templates,
        email_templates,
        service,
    } = view;
    view! {
        <ActionForm action=save attr:class="admin-form reminder-settings">
            <label class="checkbox">
                <input type="checkbox" name="enabled" value="true" checked=settings.enabled />
                <strong>{t.enabled}</strong>
            </label>
            <label for="reminder-operator">{t.operator}" "<span class="hint">"("{t.operator_hint}")"</span></label>
            <select id="reminder-operator" name="operator_id">
                {operators.into_iter().map(|(id, name)| view! {
                    <option value=id selected=settings.operator_id == Some(id)>{name}</option>
                }).collect_view()}
            </select>
            <ChoiceSelect id="reminder-account".into() name="email_account_id".into() label=t.account
                empty=t.company_account choices=accounts selected=settings.email_account_id />
            <div class="rules">
                <RuleFields audience=Audience::Client rule=settings.client scope="settings"
                    sms_templates=sms_templates.clone() email_templates=email_templates.clone() />
                <RuleFields audience=Audience::Operator rule=settings.operator scope="settings"
                    sms_templates email_templates />
            </div>
            <button type="submit" class="primary">{t.save}</button>
        </ActionForm>
        {move || save.value().get().and_then(Result::ok).map(|_| view! { <p class="notice" role="status">{t.saved}</p> })}
        <ErrorMessage error />
        <section class="service-state" aria-labelledby="service-title">
            <h2 id="service-title">{t.service_title}</h2>
            {match (&service.last_finished, service.running) {
                (None, _) => view! { <p class="warning">{t.service_never}</p> }.into_any(),
                (Some(_), true) => view! { <p class="notice">{t.service_running}</p> }.into_any(),
                (Some(_), false) => view! { <p class="warning">{t.service_stopped}</p> }.into_any(),
            }}
            <p>
                {service.last_finished.map(|at| view! { {t.last_cycle}" "<time datetime=at.iso()>{at.format(lang)}</time>" " })}
                {service.next.map(|at| view! { {t.next_cycle}" "<time datetime=at.iso()>{at.format(lang)}</time> })}
            </p>
            {service.error.map(|e| view! { <p class="error">{t.service_error}" "{e}</p> })}
        </section>
    }
}

#[component]
pub fn RemindersPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let query = use_query_map();
    let day = Memo::new(move |_| match query.with(|q| q.get("day")).as_deref() {
        Some("tomorrow") => Day::Tomorrow,
        _ => Day::Today,
    });
    let before = Memo::new(move |_| query.with(|q| q.get("before").and_then(|b| b.parse().ok())));
    let settings = Resource::new(|| (), |_| load_reminder_settings());
    let dry_run = Resource::new(move || day.get(), reminder_dry_run);
    let log = Resource::new(move || before.get(), reminder_log);
    view! {
        <h1>{t.title}</h1>
        <p class="hint">{t.hint}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                // Operators see the preview and the log; the settings are the administrators'.
                settings.await.ok().map(|view| view! { <SettingsForm view /> })
            })}
        </Suspense>
        <section aria-labelledby="dry-run-title">
            <h2 id="dry-run-title">{t.dry_run_title}</h2>
            <nav class="tabs" aria-label=t.dry_run_title>
                <a href="/reminders" aria-current=move || (day.get() == Day::Today).then_some("page")>{t.today}</a>
                <a href="/reminders?day=tomorrow" aria-current=move || (day.get() == Day::Tomorrow).then_some("page")>{t.tomorrow}</a>
            </nav>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match dry_run.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(run) => view! {
                            {(!run.enabled && !run.reminders.is_empty()).then(|| view! { <p class="warning">{t.automaton_off}</p> })}
                            {if run.reminders.is_empty() {
                                let empty = if run.defaults_on { t.nothing_due } else { t.no_rules };
                                view! { <p class="empty">{empty}</p> }.into_any()
                            } else {
                                view! {
                                    <p class="credits-needed">{(t.credits)(run.credits_needed, run.credits_left)}</p>
                                    <PlannedTable reminders=run.reminders with_task=true />
                                }.into_any()
                            }}
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <section aria-labelledby="log-title">
            <h2 id="log-title">{t.log_title}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match log.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(entries) if entries.is_empty() => view! { <p class="empty">{t.log_empty}</p> }.into_any(),
                        Ok(entries) => view! { <LogTable entries /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn LogTable(entries: Vec<LogEntry>) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    view! {
        <table class="messages reminder-log">
            <thead><tr>
                <th scope="col">{t.col_at}</th>
                <th scope="col">{t.col_task}</th>
                <th scope="col">{t.col_recipient}</th>
                <th scope="col">{t.col_channel}</th>
                <th scope="col">{t.col_outcome}</th>
            </tr></thead>
            <tbody>
                {entries.into_iter().map(|e| view! {
                    <tr class:failed=e.outcome == Outcome::Skipped>
                        <td data-label=t.col_at><time datetime=e.at.iso()>{e.at.format(lang)}</time></td>
                        <td data-label=t.col_task>
                            <a href=format!("/tasks/{}", e.task_id)>{e.task_title}</a>
                            " "<span class="hint">{e.occurrence.format(lang)}</span>
                        </td>
                        <td data-label=t.col_recipient>{e.recipient}</td>
                        <td data-label=t.col_channel>{(t.channel_name)(e.channel)}</td>
                        <td data-label=t.col_outcome>
                            {match e.outcome { Outcome::Sent => t.sent, Outcome::Skipped => t.skipped }}
                            {e.skip.map(|s| view! { ": "{(t.skip)(&s)} })}
                            {e.status.map(|s| (t.status)(&s)).filter(|s| !s.is_empty())
                                .map(|s| view! { " "<span class="hint">"("{s}")"</span> })}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The task page's [Automatyczne przypomnienia]: its own settings (the defaults filled in to
/// start from) and the reminders of its coming occurrences.
#[component]
pub fn TaskReminders(task_id: i64) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let save = ServerAction::<SaveTaskReminders>::new();
    let view = Resource::new(
        move || save.version().get(),
        move |_| load_task_reminders(task_id),
    );
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <section class="task-reminders" aria-labelledby="task-reminders-title">
            <h2 id="task-reminders-title">{t.task_section}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match view.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok(v) => view! {
                            {(!v.automaton_enabled).then(|| view! { <p class="warning">{t.automaton_off}</p> })}
                            <ActionForm action=save attr:class="admin-form reminder-settings">
                                <input type="hidden" name="task_id" value=task_id />
                                <label class="checkbox">
                                    <input type="checkbox" name="own" value="true" checked=v.own />
                                    {t.own_rules}
                                </label>
                                <p class="hint">{t.defaults_note}</p>
                                <div class="rules">
                                    <RuleFields audience=Audience::Client rule=v.client scope="task"
                                        sms_templates=v.sms_templates.clone() email_templates=v.email_templates.clone() />
                                    <RuleFields audience=Audience::Operator rule=v.operator scope="task"
                                        sms_templates=v.sms_templates email_templates=v.email_templates />
                                </div>
                                <button type="submit">{t.save}</button>
                            </ActionForm>
                            <h3>{t.coming}</h3>
                            {if v.coming.is_empty() {
                                view! { <p class="empty">{t.none_coming}</p> }.into_any()
                            } else {
                                view! { <PlannedTable reminders=v.coming /> }.into_any()
                            }}
                        }.into_any(),
                    }
                })}
            </Suspense>
            <ErrorMessage error />
            <p><a href="/reminders">{t.settings_link}</a></p>
        </section>
    }
}
