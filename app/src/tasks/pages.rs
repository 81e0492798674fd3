//! The tasks list and a task's page. The host ERP writes tasks; here an operator sees what is
//! coming up and sends an SMS about a task, e.g. an appointment reminder. Filters and paging are
//! a GET form and links, so the pages work without JavaScript too.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::texts::use_texts;
use super::{get_task, search_tasks, ListedTask, TaskQuery, TaskStatus};
use crate::documents::pages::subject_link;
use crate::error::Field;
use crate::i18n::use_language;
use crate::layout::{query_value, PagedResults, RecordPage};
use crate::replies::{Replies, RepliesOf};

fn query_from_url() -> Memo<TaskQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| TaskQuery {
            q: q.get("q").unwrap_or_default(),
            status: (q.get("status").and_then(|s| TaskStatus::parse(&s))).unwrap_or_default(),
            offset: q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0),
        })
    })
}

fn url(query: &TaskQuery) -> String {
    let mut url = format!(
        "/tasks?status={}&q={}",
        query.status.as_str(),
        query_value(&query.q)
    );
    if query.offset > 0 {
        url.push_str(&format!("&offset={}", query.offset));
    }
    url
}

#[component]
pub fn TasksPage() -> impl IntoView {
    let t = use_texts();
    let query = query_from_url();
    let page = Resource::new(move || query.get(), search_tasks);
    let status = move || query.with(|q| q.status);
    view! {
            <h1>{t.tasks_title}</h1>
            <nav class="tabs" aria-label=t.task_status_label>
                {TaskStatus::ALL.into_iter().map(|s| view! {
                    <a href=move || url(&TaskQuery { status: s, offset: 0, ..query.get() })
                        aria-current=move || (status() == s).then_some("page")>
                        {(t.task_status)(s)}
                    </a>
                }).collect_view()}
            </nav>
            <form class="search" method="get" action="/tasks" role="search">
                <input type="hidden" name="status" value=move || status().as_str() />
                <label for="q" class="visually-hidden">{t.task_search_label}</label>
                <input id="q" name="q" type="search" placeholder=t.task_search_placeholder
                    prop:value=move || query.with(|q| q.q.clone()) />
                <button type="submit">{t.search_button}</button>
            </form>
            <PagedResults page list_class="records" empty=t.no_tasks
                offset=Signal::derive(move || query.with(|q| q.offset))
                at=move |offset| url(&TaskQuery { offset, ..query.get_untracked() })
                item=|row| view! { <TaskItem row /> }.into_any() />
    }
}

#[component]
fn TaskItem(row: ListedTask) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let ListedTask {
        task,
        subject,
        operator_name,
        starts,
        ..
    } = row;
    view! {
        <li class="record" class:done=task.done>
            <a href=format!("/tasks/{}", task.id)>
                <span class="record-title">
                    <span>{task.title}</span>
                    {task.done.then(|| view! { <span class="badge">{t.done_badge}</span> })}
                </span>
                <span class="record-subject">{subject.map(|s| s.name)}</span>
                <span class="record-facts">
                    <time datetime=starts.iso()>{starts.format(lang)}</time>
                    {operator_name.map(|name| view! { <span>{name}</span> })}
                </span>
            </a>
        </li>
    }
}

#[component]
pub fn TaskDetailPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <RecordPage back_href="/tasks" back_label=t.back_to_tasks load=get_task
            render=|row| view! { <TaskView row /> }.into_any() />
    }
}

#[component]
fn TaskView(row: ListedTask) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let ListedTask {
        task,
        subject,
        operator_name,
        starts,
        ends,
        until,
    } = row;
    let subject_query = (subject.as_ref())
        .map(|s| format!("&subject={}", s.id))
        .unwrap_or_default();
    view! {
        <div class="title-row">
            <h1>{task.title}</h1>
            <div class="title-actions">
                <a class="button" href=format!("/email/new?task={}{}", task.id, subject_query)>{t.send_email}</a>
                <a class="button primary" href=format!("/?task={}", task.id)>{t.send_sms}</a>
            </div>
        </div>
        <dl class="facts">
            <dt>{t.task_subject_label}</dt>
            <dd>{subject_link(subject)}</dd>
            <dt>{Field::StartsAt.name(lang)}</dt>
            <dd><time datetime=starts.iso()>{starts.format(lang)}</time></dd>
            <dt>{Field::EndsAt.name(lang)}</dt>
            <dd>{ends.map(|e| e.format(lang)).unwrap_or_else(|| "—".into())}</dd>
            <dt>{t.task_operator_label}</dt>
            <dd>{operator_name.unwrap_or_else(|| "—".into())}</dd>
            <dt>{Field::Recurrence.name(lang)}</dt>
            <dd>
                {(t.recurrence)(task.recurrence)}
                {until.map(|until| format!(" {} {}", t.until, until.format(lang)))}
            </dd>
            <dt>{t.task_done_label}</dt>
            <dd>{if task.done { t.yes } else { t.no }}</dd>
            <dt>{Field::ExternalId.name(lang)}</dt>
            <dd>{task.external_id.unwrap_or_else(|| "—".into())}</dd>
        </dl>
        <crate::reminders::TaskReminders task_id=task.id />
        <RepliesOf which=Replies::AboutTask(task.id) />
    }
}
