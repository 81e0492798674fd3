//! The composer: phone and text with a live counter computed in the browser by the `sms` crate
//! on every keystroke. The server checks everything again with the same code before storing.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use sms::procedure::Procedure;
use sms::{analyze, Analysis, Options};

use crate::address_book::{Chosen, Picker};
use crate::batches::{
    describe_selection, CreateBatch, Selection, SelectionInfo, SerialMessage, SerialRecipients,
    Source,
};
use crate::credits::CreditsLeft;
use crate::documents::DocumentKind;
use crate::error::{AppError, Field, Problem, Result};
use crate::i18n::use_language;
use crate::layout::ErrorMessage;
use crate::messages::Category;
use crate::templates::{procedure_templates, Template};

mod preview;
#[cfg(feature = "ssr")]
pub mod ssr;
mod submit;
pub mod texts;

use preview::Preview;
pub use preview::{macro_values, MacroValues, ValuesFor};
pub use submit::{submit_message, SubmitMessage};
use texts::{use_texts, Texts};

/// The most SMS parts one message may take (1,530 GSM characters or 670 Unicode ones).
pub const MAX_PARTS: u32 = 10;

/// How messages are encoded and split for sending.
pub fn sending_options() -> Options {
    Options {
        max_parts: Some(MAX_PARTS),
        ..Options::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Intent {
    Send,
    Draft,
}

/// A message that passed the checks for its intent.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// E.164, or empty for a draft saved without a number.
    pub phone: String,
    pub body: String,
    pub analysis: Analysis,
}

/// The rules for saving or sending, run in the browser for a quick answer and again on the
/// server, which never trusts the browser. A draft may lack a number or a text (not both) and
/// may be too long; a message to send may not.
pub fn check(phone: &str, body: &str, intent: Intent) -> Result<Checked> {
    let phone = phone.trim();
    let options = sending_options();
    let analysis = analyze(body, &options);
    let has_text = !body.trim().is_empty();
    let phone = if phone.is_empty() {
        if intent == Intent::Send {
            return Err(AppError::invalid(Field::Phone, Problem::Required));
        }
        String::new()
    } else {
        sms::normalize(phone).map_err(|e| AppError::invalid(Field::Phone, Problem::Phone(e)))?
    };
    match intent {
        Intent::Send if !has_text => return Err(AppError::invalid(Field::Body, Problem::Required)),
        Intent::Draft if !has_text && phone.is_empty() => {
            return Err(AppError::invalid(Field::Body, Problem::EmptyDraft))
        }
        // The same rules the gateway drivers split by, so what is accepted here can be sent; a
        // draft is bound the same way, as it is a message to be sent later.
        _ => analysis.check(&options).map_err(|e| match e {
            sms::SmsError::TooManyParts { parts, max } => {
                AppError::invalid(Field::Body, Problem::TooManyParts { parts, max })
            }
            sms::SmsError::NotGsm7 { .. } => AppError::Internal,
        })?,
    }
    Ok(Checked {
        phone,
        body: body.to_string(),
        analysis,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub id: i64,
    pub phone: String,
    pub body: String,
    pub recipient: Option<Recipient>,
    pub template_id: Option<i64>,
    pub procedure: Option<Procedure>,
    pub category: Category,
    pub about: About,
}

/// The document or task a message is written about (`?document=`, `?task=`): its macros are
/// filled from it, and it suggests the recipient and the procedure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct About {
    pub document_id: Option<i64>,
    pub task_id: Option<i64>,
}

/// What the composer shows of the document or task a message is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Topic {
    Document {
        id: i64,
        kind: DocumentKind,
        number: String,
    },
    Task {
        id: i64,
        title: String,
    },
}

/// The document or task, the procedure a message about it is written from and its subject as
/// the recipient (with the subject's SMS phone, E.164 or empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicInfo {
    pub topic: Topic,
    pub procedure: Procedure,
    pub recipient: Option<(Recipient, String)>,
    /// Numbers of the people of the document or task: its subject's and its active
    /// representatives' (each with its E.164 number).
    pub suggestions: Vec<(Recipient, String)>,
}

/// When the template was already sent to this number about this document (`None`: never), so
/// the composer can ask before sending it again.
#[server(endpoint = "sent_before")]
pub async fn sent_before(
    template_id: i64,
    document_id: i64,
    phone: String,
) -> Result<Option<crate::format::LocalTime>> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let db = &crate::ssr::app_state().db;
        ssr::sent_before(db, operator.company_id, template_id, document_id, &phone).await
    })
    .await
}

#[server(endpoint = "load_topic")]
pub async fn load_topic(about: About) -> Result<Option<TopicInfo>> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let mut conn = crate::ssr::app_state().db.pool.acquire().await?;
        ssr::topic(&mut conn, operator.company_id, about).await
    })
    .await
}

/// The subject (and representative) a message is written to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub subject_id: i64,
    pub representative_id: Option<i64>,
    /// Code and name, and the representative's name.
    pub label: String,
}

/// A new message copied from the company's message `id` (see `ssr::load_copy`).
#[server(endpoint = "load_copy")]
pub async fn load_copy(id: i64) -> Result<Draft> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::load_copy(&crate::ssr::app_state().db, operator.company_id, id).await
    })
    .await
}

#[server(endpoint = "load_draft")]
pub async fn load_draft(id: i64) -> Result<Draft> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::load_draft(&crate::ssr::app_state().db, operator.company_id, id).await
    })
    .await
}

/// What the composer opens with: a draft, the procedure it is written from (`?procedure=`, the
/// SMS form by default) with that procedure's templates, and a template asked for by the URL
/// (`?template=`, the links of the "Send" arrow, which work without JavaScript).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Opening {
    draft: Option<Draft>,
    about: About,
    topic: Option<TopicInfo>,
    procedure: Procedure,
    templates: Vec<Template>,
    requested: Option<i64>,
    /// A serial send: the rows selected in a list, how many, and the batch's key.
    serial: Option<(Selection, SelectionInfo)>,
    /// A subject chosen in a list, and its SMS phone.
    subject: Option<(Recipient, String)>,
    /// A message to start from (the list's "Kopiuj"): a new message, not that one.
    copy: Option<Draft>,
}

/// What the composer's URL asks for.
#[derive(Debug, Clone, PartialEq)]
struct Opened {
    draft_id: Option<i64>,
    procedure: Option<Procedure>,
    requested: Option<i64>,
    about: About,
    subject_id: Option<i64>,
    copy_id: Option<i64>,
    selection: Option<Selection>,
}

/// The rows selected in a list (`?serial=subjects&id=3&id=5`, or `&all=1` with the list's
/// filters), for a serial send.
fn serial_selection(q: &leptos_router::params::ParamsMap) -> Option<Selection> {
    let source = Source::parse(&q.get("serial")?)?;
    let flag = |key: &str| q.get(key).is_some_and(|v| v == "1");
    Some(Selection {
        source,
        ids: (q.get_all("id").unwrap_or_default().iter())
            .filter_map(|id| id.parse().ok())
            .collect(),
        all: flag("all"),
        q: q.get("q").unwrap_or_default(),
        kind: q.get("kind").filter(|k| !k.is_empty()),
        inactive: flag("inactive"),
        unpaid: flag("unpaid"),
    })
}

impl Opening {
    /// The template and body to start with: the requested template, else the draft's own text,
    /// else the procedure's default template.
    fn start(&self) -> (Option<i64>, String) {
        let find = |id: Option<i64>| self.templates.iter().find(|t| Some(t.id) == id);
        if let Some(template) = find(self.requested) {
            return (Some(template.id), template.template.body.clone());
        }
        if let Some(draft) = self.draft.as_ref().or(self.copy.as_ref()) {
            return (draft.template_id, draft.body.clone());
        }
        self.templates
            .iter()
            .find(|t| t.is_default_for(self.procedure))
            .map_or((None, String::new()), |t| {
                (Some(t.id), t.template.body.clone())
            })
    }
}

#[component]
pub fn ComposerPage() -> impl IntoView {
    let t = crate::layout::texts::use_texts();
    let lang = use_language();
    let query = use_query_map();
    let params = move || {
        query.with(|q| {
            let id = |key: &str| q.get(key).and_then(|id| id.parse::<i64>().ok());
            let procedure = q.get("procedure").and_then(|p| Procedure::from_id(&p));
            let about = About {
                document_id: id("document"),
                task_id: id("task"),
            };
            Opened {
                draft_id: id("draft"),
                procedure,
                requested: id("template"),
                about,
                subject_id: id("subject"),
                copy_id: id("copy"),
                selection: serial_selection(q),
            }
        })
    };
    let opening = Resource::new(
        params,
        |Opened {
             draft_id,
             procedure,
             requested,
             about,
             subject_id,
             copy_id,
             selection,
         }| async move {
            let draft = match draft_id {
                Some(id) => Some(load_draft(id).await?),
                None => None,
            };
            let copy = match copy_id {
                Some(id) if draft.is_none() => Some(load_copy(id).await?),
                _ => None,
            };
            let about = (draft.as_ref().or(copy.as_ref())).map_or(about, |d| d.about);
            let topic = match about == About::default() {
                true => None,
                false => load_topic(about).await?,
            };
            // A subject chosen in a list (`?subject=`): the recipient, with its SMS phone.
            let subject = match subject_id {
                Some(id) => {
                    let detail = crate::address_book::get_subject(id).await?;
                    let recipient = Recipient {
                        subject_id: detail.id,
                        representative_id: None,
                        label: format!("{} — {}", detail.subject.code, detail.subject.name),
                    };
                    Some((recipient, detail.subject.sms_phone))
                }
                None => None,
            };
            let serial = match selection {
                Some(selection) => {
                    let info = describe_selection(selection.clone()).await?;
                    Some((selection, info))
                }
                None => None,
            };
            let procedure = (procedure.or(draft.as_ref().and_then(|d| d.procedure)))
                .or(copy.as_ref().and_then(|d| d.procedure))
                .or(topic.as_ref().map(|topic| topic.procedure))
                .or(serial.as_ref().map(|(selection, _)| selection.procedure()))
                .unwrap_or(Procedure::SmsForm);
            let templates = procedure_templates(procedure).await?;
            Ok::<_, AppError>(Opening {
                draft,
                about,
                topic,
                procedure,
                templates,
                requested,
                serial,
                subject,
                copy,
            })
        },
    );
    view! {
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    match opening.await {
                        Ok(opening) => view! { <ComposerForm opening /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    }
                })}
            </Suspense>
    }
}

#[component]
fn ComposerForm(opening: Opening) -> impl IntoView {
    let t = use_texts();
    let templates_t = crate::templates::texts::use_texts();
    let lang = use_language();
    let (start_template, start_body) = opening.start();
    let Opening {
        draft,
        about,
        topic,
        procedure,
        templates,
        serial,
        subject,
        copy,
        ..
    } = opening;
    let serial = StoredValue::new(serial);
    let batch_t = crate::batches::texts::use_texts();
    let links_t = crate::message_links::texts::use_texts();
    // The [Dokumenty] tab instead of the form (which keeps what was typed).
    let on_links = RwSignal::new(false);
    let is_serial = serial.with_value(Option::is_some);
    let create_batch = ServerAction::<CreateBatch>::new();
    // A message refused for want of credits is kept as a draft: sending again sends that one.
    let draft_id = RwSignal::new(draft.as_ref().map(|d| d.id));
    let editing_draft = draft.is_some();
    // A draft keeps what was typed; a new message about a document or task goes to its subject.
    let (start_phone, start_recipient) = match (draft.as_ref().or(copy.as_ref()), &topic) {
        (Some(d), _) => (d.phone.clone(), d.recipient.clone()),
        (
            None,
            Some(TopicInfo {
                recipient: Some((r, phone)),
                ..
            }),
        ) => (phone.clone(), Some(r.clone())),
        (None, _) => match subject {
            Some((recipient, phone)) => (phone, Some(recipient)),
            None => (String::new(), None),
        },
    };
    let suggestions = topic
        .as_ref()
        .map(|info| info.suggestions.clone())
        .unwrap_or_default();
    let phone = RwSignal::new(sms::format_display(&start_phone));
    let opened_with = (sms::format_display(&start_phone), start_body.clone());
    let recipient = RwSignal::new(start_recipient);
    let body = RwSignal::new(start_body.clone());
    let template_id = RwSignal::new(start_template);
    // The body as a template or the draft filled it in: switching templates asks first only
    // when the operator has changed it since.
    let filled_body = RwSignal::new(start_body);
    let templates = StoredValue::new(templates);
    let use_template = move |id: Option<i64>| {
        let Some(template) =
            templates.with_value(|list| list.iter().find(|t| Some(t.id) == id).cloned())
        else {
            template_id.set(None);
            return;
        };
        let edited =
            body.with_untracked(|b| !b.trim().is_empty() && *b != filled_body.get_untracked());
        if edited
            && !window()
                .confirm_with_message(t.confirm_replace_body)
                .unwrap_or(false)
        {
            // Puts the template field back to the template still in use.
            template_id.notify();
            return;
        }
        template_id.set(Some(template.id));
        filled_body.set(template.template.body.clone());
        body.set(template.template.body);
    };
    let picker_open = RwSignal::new(false);
    let on_choose = move |chosen: Chosen| {
        let had_subject = recipient.with_untracked(Option::is_some);
        let subject_phone = sms::format_display(&chosen.sms_phone);
        phone.update(|p| *p = sms::phone_after_choice(had_subject, p, &subject_phone));
        recipient.set(Some(Recipient {
            subject_id: chosen.subject_id,
            representative_id: chosen.representative_id,
            label: chosen.label,
        }));
    };
    let without_polish = RwSignal::new(false);
    let category = RwSignal::new(
        (draft.as_ref().or(copy.as_ref()))
            .map(|d| d.category)
            .unwrap_or_default(),
    );
    let urgent = RwSignal::new(false);
    let send_at = RwSignal::new(String::new());
    let from_number = RwSignal::new(false);
    let values_for = Signal::derive(move || {
        let chosen = recipient.get();
        ValuesFor {
            subject_id: chosen.as_ref().map(|r| r.subject_id),
            representative_id: chosen.and_then(|r| r.representative_id),
            about,
        }
    });
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let action = ServerAction::<SubmitMessage>::new();
    let local_error = RwSignal::new(None::<AppError>);
    let error = Signal::derive(move || {
        (local_error.get())
            .or_else(|| action.value().get().and_then(|result| result.err()))
            .or_else(|| create_batch.value().get().and_then(|result| result.err()))
    });
    let invalid = move |field: Field| move || error.get().and_then(|e| e.field()) == Some(field);
    Effect::new(move |_| {
        if let Some(Err(AppError::Invalid {
            problem: Problem::NoCredit {
                draft: Some(id), ..
            },
            ..
        })) = action.value().get()
        {
            draft_id.set(Some(id));
        }
    });
    let analysis = Memo::new(move |_| analyze(&body.read(), &Options::default()));
    let segments = Signal::derive(move || analysis.with(|a| a.segments));

    // Asked when the message is about a document and written from a template: was this
    // template already sent to this number about it? Asked by the browser as the operator
    // types (the question before sending needs it anyway), so the page's server rendering
    // never waits for it.
    let sent_before = RwSignal::new(None::<crate::format::LocalTime>);
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let number = sms::normalize(&phone.read()).ok();
        let request = latest.get_value() + 1;
        latest.set_value(request);
        let (Some(template), Some(document), Some(number)) =
            (template_id.get(), about.document_id, number)
        else {
            sent_before.set(None);
            return;
        };
        leptos::task::spawn_local(async move {
            let at = self::sent_before(template, document, number).await;
            // An answer about a number since changed is dropped.
            if latest.get_value() == request {
                sent_before.set(at.ok().flatten());
            }
        });
    });
    let submit = move |intent: Intent| {
        let again = sent_before.get_untracked().is_some();
        if intent == Intent::Send
            && again
            && !window()
                .confirm_with_message(t.confirm_send_again)
                .unwrap_or(false)
        {
            return;
        }
        if let Some((selection, info)) = serial.get_value() {
            // Every row's own text is checked when the batch is prepared; here only the text.
            if body.with_untracked(|b| b.trim().is_empty()) {
                local_error.set(Some(AppError::invalid(Field::Body, Problem::Required)));
                return;
            }
            local_error.set(None);
            let message = SerialMessage {
                body: body.get_untracked(),
                template_id: template_id.get_untracked(),
                category: category.get_untracked(),
                urgent: urgent.get_untracked(),
                send_at: send_at.get_untracked(),
                from_number: from_number.get_untracked(),
            };
            create_batch.dispatch(CreateBatch {
                key: info.key,
                selection,
                message,
            });
            return;
        }
        // The same check as the server's, so a mistake is shown at once without a round trip.
        match check(&phone.get_untracked(), &body.get_untracked(), intent) {
            Err(e) => local_error.set(Some(e)),
            Ok(_) => {
                local_error.set(None);
                let chosen = recipient.get_untracked();
                action.dispatch(SubmitMessage {
                    draft_id: draft_id.get_untracked(),
                    phone: phone.get_untracked(),
                    body: body.get_untracked(),
                    intent,
                    subject_id: chosen.as_ref().map(|r| r.subject_id),
                    representative_id: chosen.and_then(|r| r.representative_id),
                    document_id: about.document_id,
                    task_id: about.task_id,
                    without_polish: without_polish.get_untracked(),
                    procedure: Some(procedure),
                    template_id: template_id.get_untracked(),
                    category: category.get_untracked(),
                    urgent: urgent.get_untracked(),
                    send_at: send_at.get_untracked(),
                    from_number: from_number.get_untracked(),
                });
            }
        }
    };
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let intent = match submitter_value(&ev).as_deref() {
            Some("Draft") => Intent::Draft,
            _ => Intent::Send,
        };
        submit(intent);
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key() == "Enter" {
            ev.prevent_default();
            submit(Intent::Draft);
        } else if ev.alt_key() && ev.key().eq_ignore_ascii_case("k") {
            ev.prevent_default();
            picker_open.set(true);
        }
    };

    view! {
        <h1>{if editing_draft { t.draft_title } else { t.composer_title }}</h1>
        {(procedure != Procedure::SmsForm).then(|| view! {
            <p class="hint procedure">{templates_t.procedure_label}": "{lang.pick(&procedure.name())}</p>
        })}
        {topic.map(|info| view! { <TopicLine topic=info.topic /> })}
        {(!is_serial).then(|| view! {
            <nav class="tabs" role="tablist" aria-label=links_t.title>
                <button type="button" role="tab" aria-selected=move || (!on_links.get()).to_string()
                    on:click=move |_| on_links.set(false)>{links_t.tab_general}</button>
                <button type="button" role="tab" aria-selected=move || on_links.get().to_string()
                    on:click=move |_| on_links.set(true)>{links_t.title}</button>
            </nav>
        })}
        {move || on_links.get().then(|| match draft_id.get() {
            Some(message_id) => view! { <crate::message_links::LinksTab message_id /> }.into_any(),
            None => view! { <p class="hint">{links_t.save_first}</p> }.into_any(),
        })}
        // Without JavaScript the form posts straight to the server function.
        <form class="composer" method="post" action="/api/submit_message" on:submit=on_submit on:keydown=on_keydown
            prop:hidden=move || on_links.get()>
            {move || draft_id.get().map(|id| view! { <input type="hidden" name="draft_id" value=id /> })}
            {about.document_id.map(|id| view! { <input type="hidden" name="document_id" value=id /> })}
            {about.task_id.map(|id| view! { <input type="hidden" name="task_id" value=id /> })}
            <input type="hidden" name="procedure" value=procedure.id() />
            {move || template_id.get().map(|id| view! { <input type="hidden" name="template_id" value=id /> })}
            {match serial.with_value(|s| s.as_ref().map(|(_, info)| info.count)) {
                Some(count) => view! { <SerialRecipients count /> }.into_any(),
                None => view! {
            <span class="label" id="recipient-label">{t.recipient_label}</span>
            <div class="recipient" aria-labelledby="recipient-label">
                {move || recipient.get().map(|r| view! {
                    <input type="hidden" name="subject_id" value=r.subject_id />
                    {r.representative_id.map(|id| view! { <input type="hidden" name="representative_id" value=id /> })}
                    <span class="chip">
                        <span class="chip-label">{r.label}</span>
                        <button type="button" class="link" aria-label=t.clear_recipient title=t.clear_recipient
                            on:click=move |_| recipient.set(None)>"×"</button>
                    </span>
                })}
                <button type="button" class="secondary" id="choose-recipient" aria-haspopup="dialog"
                    aria-keyshortcuts="Alt+K" on:click=move |_| picker_open.set(true)>
                    {t.choose_recipient}
                </button>
            </div>
            <Picker open=picker_open on_choose />
            <label for="phone">{t.phone_label}</label>
            <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel"
                aria-describedby="phone-hint" aria-invalid=move || invalid(Field::Phone)().to_string()
                // The attribute for the server-rendered page (a draft or a topic's recipient
                // without JavaScript), the property for later changes.
                value=phone.get_untracked() prop:value=phone on:input=move |ev| phone.set(event_target_value(&ev)) />
            <p id="phone-hint" class="hint">{t.phone_hint}</p>
            {(!suggestions.is_empty()).then(|| view! {
                <p class="suggestions">
                    <span>{t.suggestions_label}</span>
                    {suggestions.into_iter().map(|(person, number)| {
                        let shown = sms::format_display(&number);
                        let label = format!("{} {shown}", person.label);
                        view! {
                            <button type="button" class="secondary suggestion" on:click=move |_| {
                                phone.set(shown.clone());
                                recipient.set(Some(person.clone()));
                            }>{label}</button>
                        }
                    }).collect_view()}
                </p>
            })}
            <OptedOutWarning phone />
            {move || sent_before.get().map(|at| view! {
                <p class="warning sent-before" role="status">{(t.sent_before)(&at.format(lang))}</p>
            })}
                }.into_any(),
            }}
            {templates.with_value(|list| !list.is_empty()).then(|| view! {
                <label for="template">{t.template_label}</label>
                <select id="template" on:change=move |ev| use_template(event_target_value(&ev).parse().ok())
                    prop:value=move || template_id.get().map(|id| id.to_string()).unwrap_or_default()>
                    <option value="">{t.no_template}</option>
                    {templates.with_value(|list| list.iter().map(|tpl| {
                        let default = tpl.is_default_for(procedure).then_some(t.default_suffix);
                        view! {
                            <option value=tpl.id selected=start_template == Some(tpl.id)>
                                {tpl.template.name.clone()}{default}
                            </option>
                        }
                    }).collect_view())}
                </select>
            })}
            <label for="body">{t.body_label}</label>
            <textarea node_ref=textarea id="body" name="body" rows="6" aria-describedby="counter"
                aria-invalid=move || invalid(Field::Body)().to_string()
                prop:value=body on:input=move |ev| body.set(event_target_value(&ev))>
                {body.get_untracked()}
            </textarea>
            <Counter body analysis textarea />
            <CreditsLeft segments refresh=action.version() />
            <crate::sender_names::SenderChoice from_number />
            {(!is_serial).then(|| view! { <Preview body procedure values_for plain=without_polish /> })}
            <div class="timing">
                <div>
                    <label for="category">{t.category_label}</label>
                    <select id="category" name="category"
                        on:change=move |ev| category.set(Category::parse(&event_target_value(&ev)).unwrap_or_default())>
                        {Category::ALL.into_iter().map(|c| view! {
                            <option value=c.as_str() selected=move || category.get() == c>{(t.category_name)(c)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="send-at">{t.send_at_label}</label>
                    <input id="send-at" name="send_at" type="datetime-local" aria-describedby="send-at-hint"
                        aria-invalid=move || invalid(Field::SendAt)().to_string()
                        prop:value=send_at on:input=move |ev| send_at.set(event_target_value(&ev)) />
                </div>
                <p id="send-at-hint" class="hint">{t.send_at_hint}</p>
                <label class="checkbox">
                    <input type="checkbox" name="urgent" value="true"
                        prop:checked=urgent on:change=move |ev| urgent.set(event_target_checked(&ev)) />
                    {t.urgent_label}
                </label>
            </div>
            <ErrorMessage error />
            <div class="buttons">
                <div class="split-button">
                    <button type="submit" name="intent" value="Send" class="primary"
                        disabled=move || action.pending().get() || create_batch.pending().get()>
                        {move || match serial.with_value(|s| s.as_ref().map(|(_, info)| info.count)) {
                            Some(count) => (batch_t.preview_button)(count),
                            None if action.pending().get() => t.sending.to_string(),
                            None => t.send.to_string(),
                        }}
                    </button>
                    <TemplateMenu procedure templates on_choose=move |id| use_template(Some(id)) />
                </div>
                {(!is_serial).then(|| view! {
                    <button type="submit" name="intent" value="Draft" title=t.save_shortcut aria-keyshortcuts="Control+Enter">
                        {t.save}<kbd>{t.save_shortcut}</kbd>
                    </button>
                })}
                <a class="button" href="/messages" on:click=move |ev| {
                    let edited = (phone.get_untracked(), body.get_untracked()) != opened_with;
                    if edited && !window().confirm_with_message(t.confirm_discard).unwrap_or(false) {
                        ev.prevent_default();
                    }
                }>{t.cancel}</a>
            </div>
        </form>
    }
}

/// A warning under the number when it opted out of the company's messages (STOP), asked for
/// once the number is complete.
#[component]
fn OptedOutWarning(phone: RwSignal<String>) -> impl IntoView {
    let t = crate::replies::texts::use_texts();
    let lang = use_language();
    let number = Memo::new(move |_| sms::normalize(&phone.read()).ok());
    let since = Resource::new(
        move || number.get(),
        |number| async move {
            match number {
                Some(number) => crate::replies::opted_out(number).await.ok().flatten(),
                None => None,
            }
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                since.await.map(|since| view! {
                    <p class="warning opted-out" role="status">
                        {t.opted_out_warning}" "{since.format(lang)}
                    </p>
                })
            })}
        </Transition>
    }
}

/// "About: Sales invoice FS/1/2026", linking to the document or task.
#[component]
fn TopicLine(topic: Topic) -> impl IntoView {
    let t = use_texts();
    let documents_t = crate::documents::texts::use_texts();
    let (href, label) = match topic {
        Topic::Document { id, kind, number } => (
            format!("/documents/{id}"),
            format!("{} {number}", (documents_t.document_kind)(kind)),
        ),
        Topic::Task { id, title } => (format!("/tasks/{id}"), title),
    };
    view! {
        <p class="hint topic">{t.topic_label}": "<a href=href>{label}</a></p>
    }
}

/// The arrow of the "Send" button: the procedure's templates, each substituted at once, and the
/// template configuration. A `<details>` of links, so it opens and works without JavaScript (a
/// link reloads the composer with the template); with JavaScript the choice keeps the form.
#[component]
fn TemplateMenu(
    procedure: Procedure,
    templates: StoredValue<Vec<Template>>,
    #[prop(into)] on_choose: Callback<i64>,
) -> impl IntoView {
    let t = use_texts();
    let details = NodeRef::<leptos::html::Details>::new();
    let close = move || {
        if let Some(details) = details.get_untracked() {
            details.set_open(false);
        }
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close();
        }
    };
    view! {
        <details node_ref=details class="split-menu" on:keydown=on_keydown>
            <summary class="button primary" aria-label=t.templates_menu title=t.templates_menu>"▾"</summary>
            <ul class="menu-list">
                {templates.with_value(|list| list.iter().map(|tpl| {
                    let id = tpl.id;
                    let href = format!("/?procedure={}&template={id}", procedure.id());
                    view! {
                        <li>
                            <a href=href on:click=move |ev| {
                                ev.prevent_default();
                                close();
                                on_choose.run(id);
                            }>{tpl.template.name.clone()}</a>
                        </li>
                    }
                }).collect_view())}
                <li class="separator">
                    <a href=format!("/templates?procedure={}", procedure.id())>{t.templates_config}</a>
                </li>
            </ul>
        </details>
    }
}

fn submitter_value(ev: &web_sys::SubmitEvent) -> Option<String> {
    use wasm_bindgen::JsCast;
    let button = ev
        .submitter()?
        .dyn_into::<web_sys::HtmlButtonElement>()
        .ok()?;
    Some(button.value())
}

/// The live counter under the text: characters left in this SMS, number of SMS, encoding, the
/// characters that force Unicode (each one selects its first occurrence in the text) and the
/// offer to send without Polish characters.
#[component]
fn Counter(
    body: RwSignal<String>,
    analysis: Memo<Analysis>,
    textarea: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    let t: &'static Texts = use_texts();
    let encoding = move || {
        analysis.with(|a| match a.encoding {
            sms::Encoding::Gsm7 => "gsm7",
            sms::Encoding::Ucs2 => "ucs2",
        })
    };
    let select_char = move |position: u32| {
        let Some(textarea) = textarea.get_untracked() else {
            return;
        };
        // The textarea counts in UTF-16 code units, the analysis in characters.
        let (start, len) = body.with_untracked(|text| {
            let start: usize = text
                .chars()
                .take(position as usize)
                .map(char::len_utf16)
                .sum();
            let len = text
                .chars()
                .nth(position as usize)
                .map_or(0, char::len_utf16);
            (start as u32, len as u32)
        });
        let _ = textarea.focus();
        let _ = textarea.set_selection_range(start, start + len);
    };
    view! {
        <div id="counter" class="counter" aria-live="polite"
            data-segments=move || analysis.with(|a| a.segments) data-encoding=encoding>
            <span class="chars-left">{move || (t.chars_left)(analysis.with(|a| a.remaining))}</span>
            " · "
            <span class="sms-count">{move || (t.sms_count)(analysis.with(|a| a.segments))}</span>
            " · "
            <span class="encoding">{move || analysis.with(|a| (t.encoding_name)(a.encoding))}</span>
            {move || analysis.with(|a| {
                (!a.non_gsm.is_empty()).then(|| view! {
                    <p class="unicode-chars">
                        {t.unicode_because}" "
                        {a.non_gsm.iter().map(|c| {
                            let first = c.positions[0];
                            let times = (c.positions.len() > 1).then(|| format!("×{}", c.positions.len()));
                            view! {
                                <button type="button" class="char" title=t.show_in_text
                                    on:click=move |_| select_char(first)>
                                    <mark>{c.ch.to_string()}</mark>{times}
                                </button>
                            }
                        }).collect_view()}
                    </p>
                })
            })}
            <WithoutPolishOffer body />
            {move || analysis.with(|a| {
                (a.segments > MAX_PARTS).then(|| view! {
                    <p class="error">{(t.too_long)(a.segments, MAX_PARTS)}</p>
                })
            })}
        </div>
    }
}

/// "Without Polish characters: 3 SMS → 1 SMS", shown when replacing Polish and typographic
/// characters saves parts; accepting replaces the text and can be undone until the next edit.
#[component]
fn WithoutPolishOffer(body: RwSignal<String>) -> impl IntoView {
    let t: &'static Texts = use_texts();
    // The text before the replacement, while the replacement can still be undone.
    let original = RwSignal::new(None::<(String, String)>);
    // With macros the preview makes the offer, on the filled text.
    let offer = Memo::new(move |_| {
        if body.with(|body| preview::has_macros(body)) {
            return None;
        }
        let result = sms::transliterate(&body.read(), &Options::default());
        (result.parts_after < result.parts_before).then_some(result)
    });
    // Typing after accepting makes the replaced text the operator's own: no more undo.
    Effect::new(move |_| {
        let current = body.get();
        if original.with_untracked(|o| o.as_ref().is_some_and(|(_, replaced)| *replaced != current))
        {
            original.set(None);
        }
    });
    let accept = move |_| {
        if let Some(result) = offer.get_untracked() {
            original.set(Some((body.get_untracked(), result.text.clone())));
            body.set(result.text);
        }
    };
    let undo = move |_| {
        if let Some((text, _)) = original.get_untracked() {
            original.set(None);
            body.set(text);
        }
    };
    move || match (original.get(), offer.get()) {
        (Some(_), _) => Some(
            view! {
                <p class="offer">
                    {t.offer_done}" "
                    <button type="button" class="link" on:click=undo>{t.offer_undo}</button>
                </p>
            }
            .into_any(),
        ),
        (None, Some(result)) => {
            let changes = result
                .changes
                .iter()
                .map(|c| format!("{}→{}", c.from, c.to))
                .collect::<Vec<_>>()
                .join(", ");
            Some(view! {
                <p class="offer">
                    {t.offer_label}" "
                    <s>{(t.sms_count)(result.parts_before)}</s>" → "<strong>{(t.sms_count)(result.parts_after)}</strong>" "
                    <button type="button" class="secondary" title=changes on:click=accept>{t.offer_accept}</button>
                </p>
            }.into_any())
        }
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sending_needs_a_valid_phone_and_a_text() {
        assert_eq!(
            check("", "Hi", Intent::Send),
            Err(AppError::invalid(Field::Phone, Problem::Required))
        );
        assert_eq!(
            check("600 100 200", "  ", Intent::Send),
            Err(AppError::invalid(Field::Body, Problem::Required))
        );
        assert!(matches!(
            check("12", "Hi", Intent::Send),
            Err(AppError::Invalid {
                field: Field::Phone,
                problem: Problem::Phone(_)
            })
        ));
        let ok = check(" 600 100 200 ", "Dzień dobry", Intent::Send).unwrap();
        assert_eq!(ok.phone, "+48600100200");
        assert_eq!(ok.analysis.encoding, sms::Encoding::Ucs2);
    }

    #[test]
    fn a_message_over_the_part_limit_is_refused_even_as_a_draft() {
        let long = "a".repeat(153 * MAX_PARTS as usize + 1);
        assert_eq!(
            check("600100200", &long, Intent::Send),
            Err(AppError::invalid(
                Field::Body,
                Problem::TooManyParts {
                    parts: MAX_PARTS + 1,
                    max: MAX_PARTS
                }
            ))
        );
        assert!(check(
            "600100200",
            &"a".repeat(153 * MAX_PARTS as usize),
            Intent::Send
        )
        .is_ok());
        assert_eq!(
            check("", &long, Intent::Draft),
            Err(AppError::invalid(
                Field::Body,
                Problem::TooManyParts {
                    parts: MAX_PARTS + 1,
                    max: MAX_PARTS
                }
            ))
        );
    }

    #[test]
    fn a_draft_needs_a_phone_or_a_text() {
        assert_eq!(
            check("", " ", Intent::Draft),
            Err(AppError::invalid(Field::Body, Problem::EmptyDraft))
        );
        assert_eq!(check("", "note", Intent::Draft).unwrap().phone, "");
        assert!(check("600100200", "", Intent::Draft).is_ok());
        assert!(check("abc", "note", Intent::Draft).is_err());
    }
}
