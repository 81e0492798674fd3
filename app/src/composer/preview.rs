//! What the message will say for its recipient: the body's macros filled in the browser, on
//! every keystroke, by the same `sms` template engine the server sends with, from the values
//! the server gives for the chosen recipient and the document or task. Shown only while the
//! body has macros; the exact SMS count is the filled text's.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use sms::procedure::Procedure;
use sms::template::{parse, render, Context, Piece};
use sms::{analyze, Options};

use super::About;
use crate::error::Result;
use crate::i18n::use_texts;

/// Who the message goes to and what it is about: what the macro values depend on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValuesFor {
    pub subject_id: Option<i64>,
    pub representative_id: Option<i64>,
    pub about: About,
}

/// The values the macros of a message to this recipient about this document or task are filled
/// with (the company's own data only; what the operator may see anyway).
#[server(endpoint = "macro_values")]
pub async fn macro_values(values_for: ValuesFor) -> Result<Context> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let mut conn = crate::ssr::app_state().db.pool.acquire().await?;
        let links = super::ssr::MessageLinks {
            subject_id: values_for.subject_id,
            representative_id: values_for.representative_id,
            document_id: values_for.about.document_id,
            task_id: values_for.about.task_id,
            ..Default::default()
        };
        crate::templates::ssr::context_for(&mut conn, &operator, &links).await
    })
    .await
}

#[component]
pub fn Preview(
    body: RwSignal<String>,
    procedure: Procedure,
    #[prop(into)] values_for: Signal<ValuesFor>,
) -> impl IntoView {
    let t = use_texts();
    // Fetched by hand, not as a Resource, so the composer's <Suspense> never suspends (and
    // loses the focus) when the recipient changes.
    let context = RwSignal::new(None::<Context>);
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let values_for = values_for.get();
        let request = latest.get_value() + 1;
        latest.set_value(request);
        leptos::task::spawn_local(async move {
            let values = macro_values(values_for).await;
            // An answer for a recipient chosen before the current one is dropped.
            if latest.get_value() == request {
                context.set(values.ok());
            }
        });
    });
    let rendered = Memo::new(move |_| {
        let template = body.with(|body| parse(body));
        let has_macros = (template.pieces.iter()).any(|piece| !matches!(piece, Piece::Text { .. }));
        if !has_macros {
            return None;
        }
        context.with(|context| {
            let context = context.clone().unwrap_or_default();
            Some(render(&template, &context, &[procedure]))
        })
    });
    move || {
        rendered.get().map(|rendered| {
            let analysis = analyze(&rendered.text, &Options::default());
            view! {
                <section class="preview" aria-labelledby="preview-title" aria-live="polite">
                    <h2 id="preview-title">{t.preview_title}</h2>
                    <p class="preview-text">{rendered.text.clone()}</p>
                    <p class="hint">
                        {(t.sms_count)(analysis.segments)}" · "{(t.encoding_name)(analysis.encoding)}
                    </p>
                    {(!rendered.problems.is_empty()).then(|| view! {
                        <div class="preview-problems" role="alert">
                            <p>{t.preview_problems}</p>
                            <ul>
                                {rendered.problems.iter().map(|problem| view! {
                                    <li>{t.pick(&problem.message())}</li>
                                }).collect_view()}
                            </ul>
                        </div>
                    })}
                </section>
            }
        })
    }
}
