//! What the message will say for its recipient: the body's macros filled in the browser, on
//! every keystroke, by the same `sms` template engine the server sends with, from the values
//! the server gives for the chosen recipient and the document or task. Shown only while the
//! body has macros; the exact SMS count is the filled text's.

use leptos::prelude::*;
use sms::procedure::Procedure;
use sms::template::{parse, render, Context, Piece};
use sms::{analyze, transliterate, Options};

use super::texts::use_texts;
use super::About;
use crate::error::Result;
use crate::i18n::use_language;

/// Who the message goes to and what it is about: what the macro values depend on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValuesFor {
    pub subject_id: Option<i64>,
    pub representative_id: Option<i64>,
    pub about: About,
}

/// The values the macros of a message to this recipient about this document or task are filled
/// with (the company's own data only; what the operator may see anyway). Flat optional
/// arguments: a message to nobody yet about nothing still gets the company's values.
#[server(endpoint = "macro_values")]
pub async fn macro_values(
    #[server(default)] subject_id: Option<i64>,
    #[server(default)] representative_id: Option<i64>,
    #[server(default)] document_id: Option<i64>,
    #[server(default)] task_id: Option<i64>,
) -> Result<Context> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let mut conn = crate::ssr::app_state().db.pool.acquire().await?;
        let links = super::ssr::MessageLinks {
            subject_id,
            representative_id,
            document_id,
            task_id,
            ..Default::default()
        };
        crate::templates::ssr::context_for(&mut conn, &operator, &links).await
    })
    .await
}

/// Whether the body has macros (or braces the engine complains about) to fill.
pub fn has_macros(body: &str) -> bool {
    (parse(body).pieces.iter()).any(|piece| !matches!(piece, Piece::Text { .. }))
}

/// `plain`: send without Polish characters. The values (names, "zł") usually bring Polish
/// letters the body does not have, so the offer is made on the filled text and the server
/// replaces them after filling the macros.
#[component]
pub fn Preview(
    body: RwSignal<String>,
    procedure: Procedure,
    #[prop(into)] values_for: Signal<ValuesFor>,
    plain: RwSignal<bool>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    // Fetched by hand, not as a Resource, so the composer's <Suspense> never suspends (and
    // loses the focus) when the recipient changes.
    let context = RwSignal::new(None::<Context>);
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let values_for = values_for.get();
        let request = latest.get_value() + 1;
        latest.set_value(request);
        leptos::task::spawn_local(async move {
            let ValuesFor {
                subject_id,
                representative_id,
                about,
            } = values_for;
            let values = macro_values(
                subject_id,
                representative_id,
                about.document_id,
                about.task_id,
            )
            .await;
            // An answer for a recipient chosen before the current one is dropped.
            if latest.get_value() == request {
                context.set(values.ok());
            }
        });
    });
    // Nothing until the values have come (so never in the server-rendered page, where the
    // server fills the macros at sending anyway).
    let rendered = Memo::new(move |_| {
        if !body.with(|body| has_macros(body)) {
            return None;
        }
        context.with(|context| {
            let template = body.with(|body| parse(body));
            Some(render(&template, context.as_ref()?, &[procedure]))
        })
    });
    move || {
        rendered.get().map(|rendered| {
            let plain_text = transliterate(&rendered.text, &Options::default());
            let saves = plain_text.parts_after < plain_text.parts_before;
            let (text, analysis) = if plain.get() && saves {
                let analysis = analyze(&plain_text.text, &Options::default());
                (plain_text.text.clone(), analysis)
            } else {
                (rendered.text.clone(), analyze(&rendered.text, &Options::default()))
            };
            view! {
                <section class="preview" aria-labelledby="preview-title" aria-live="polite">
                    <h2 id="preview-title">{t.preview_title}</h2>
                    <p class="preview-text">{text}</p>
                    <p class="hint">
                        {(t.sms_count)(analysis.segments)}" · "{(t.encoding_name)(analysis.encoding)}
                    </p>
                    {saves.then(|| view! {
                        <label class="checkbox offer">
                            <input type="checkbox" name="without_polish" value="true"
                                prop:checked=plain on:change=move |ev| plain.set(event_target_checked(&ev)) />
                            {t.offer_label}" "
                            <s>{(t.sms_count)(plain_text.parts_before)}</s>" → "
                            <strong>{(t.sms_count)(plain_text.parts_after)}</strong>
                        </label>
                    })}
                    {(!rendered.problems.is_empty()).then(|| view! {
                        <div class="preview-problems" role="alert">
                            <p>{t.preview_problems}</p>
                            <ul>
                                {rendered.problems.iter().map(|problem| view! {
                                    <li>{lang.pick(&problem.message())}</li>
                                }).collect_view()}
                            </ul>
                        </div>
                    })}
                </section>
            }
        })
    }
}
