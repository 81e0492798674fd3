//! The batch's preview page (`/batches/:id`): progress while it is prepared, every recipient's
//! message with its SMS count, the rows that cannot be sent and why, the batch's cost, and the
//! operator's decision. Also the serial composer's recipients line.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::texts::use_texts;
use super::{load_batch, BatchRow, BatchState, BatchView, DecideBatch, Decision};
use crate::error::{AppError, Problem};
use crate::i18n::use_language;
use crate::layout::ErrorMessage;

/// How often the page asks for progress while the background job works.
const POLL_MS: u64 = 1000;

/// The composer's recipient and phone in a serial send: what the macros stand for, and how
/// many rows are selected.
#[component]
pub fn SerialRecipients(count: u32) -> impl IntoView {
    let t = use_texts();
    let composer_t = crate::composer::texts::use_texts();
    view! {
        <span class="label" id="recipient-label">{t.recipients_label}</span>
        <div class="recipient serial" aria-labelledby="recipient-label">
            <span class="chip"><span class="chip-label">"{podmiot}"</span></span>
            <strong class="serial-count">{(t.serial_count)(count)}</strong>
        </div>
        <label for="phone">{composer_t.phone_label}</label>
        <input id="phone" type="text" value="{telefon}" readonly aria-describedby="serial-hint" />
        <p id="serial-hint" class="hint">{t.serial_hint}</p>
    }
}

#[component]
pub fn BatchPage() -> impl IntoView {
    let t = use_texts();
    let layout_t = crate::layout::texts::use_texts();
    let lang = use_language();
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())));
    let offset = Memo::new(move |_| {
        query.with(|q| {
            q.get("offset")
                .and_then(|o| o.parse::<u32>().ok())
                .unwrap_or(0)
        })
    });
    let tick = RwSignal::new(0u32);
    let decide = ServerAction::<DecideBatch>::new();
    let batch = Resource::new(
        move || (id.get(), offset.get(), tick.get(), decide.version().get()),
        |(id, offset, _, _)| async move {
            match id {
                Some(id) => load_batch(id, offset).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    Effect::new(move |_| {
        let working = batch
            .get()
            .and_then(|b| b.ok())
            .is_some_and(|b| b.state.is_working());
        if working {
            set_timeout(
                move || tick.update(|n| *n += 1),
                std::time::Duration::from_millis(POLL_MS),
            );
        }
    });
    let error = Signal::derive(move || decide.value().get().and_then(|r| r.err()));
    view! {
        <h1>{t.title}</h1>
        <Transition fallback=move || view! { <p>{layout_t.loading}</p> }>
            {move || Suspend::new(async move {
                match batch.await {
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    Ok(view) => view! { <BatchBody view decide error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn BatchBody(
    view: BatchView,
    decide: ServerAction<DecideBatch>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let id = view.id;
    let without_polish = RwSignal::new(view.without_polish);
    let state = view.state;
    let done = match state {
        BatchState::Preparing => view.prepared,
        _ => view.made,
    };
    let working_total = match state {
        BatchState::Sending => view.valid,
        _ => view.total,
    };
    let saves = view.plain_parts < view.total_parts;
    let credits = move || match without_polish.get() && saves {
        true => view.plain_parts,
        false => view.total_parts,
    };
    let short = view.credits_left < i64::from(view.total_parts.min(view.plain_parts).max(1));
    let send = move |_| {
        decide.dispatch(DecideBatch {
            id,
            decision: Decision::Send {
                without_polish: without_polish.get_untracked() && saves,
            },
        });
    };
    let save = move |_| {
        decide.dispatch(DecideBatch {
            id,
            decision: Decision::SaveDrafts,
        });
    };
    let discard = move |_| {
        if window()
            .confirm_with_message(t.confirm_discard)
            .unwrap_or(false)
        {
            decide.dispatch(DecideBatch {
                id,
                decision: Decision::Discard,
            });
        }
    };
    let pending = decide.pending();
    view! {
        <p class="batch-state" data-state=state.as_str() role="status">
            <strong>{(t.state_name)(state)}</strong>
            {state.is_working().then(|| view! {
                " "<progress max=working_total value=done></progress>" "
                <span class="progress-text">{(t.progress)(done, working_total)}</span>
            })}
        </p>
        {match state {
            BatchState::Sent => Some(view! {
                <p class="done" role="status">
                    {(t.sent_done)(view.made)}" "<a href="/messages">{t.to_messages}</a>
                </p>
            }.into_any()),
            BatchState::Saved => Some(view! {
                <p class="done" role="status">
                    {(t.saved_done)(view.made)}" "<a href="/messages?status=drafts">{t.to_drafts}</a>
                </p>
            }.into_any()),
            BatchState::Discarded => Some(view! { <p class="done" role="status">{t.discarded}</p> }.into_any()),
            _ => None,
        }}
        {(state != BatchState::Preparing).then(|| view! {
            <section class="batch-summary" aria-labelledby="summary-title">
                <h2 id="summary-title">{t.summary_title}</h2>
                <dl class="facts">
                    <dt>{t.valid_label}</dt><dd class="valid-count">{view.valid}</dd>
                    <dt>{t.invalid_label}</dt><dd class="invalid-count">{view.invalid}</dd>
                    <dt>{t.col_sms}</dt><dd class="min-max">{(t.sms_min_max)(view.min_parts, view.max_parts)}</dd>
                    <dt>{t.sms_total}</dt><dd class="total-sms">{credits}</dd>
                    <dt>{t.credits_left}</dt><dd class="credits-left" class:short=short>{view.credits_left}</dd>
                </dl>
                {(saves && state == BatchState::Ready).then(|| view! {
                    <label class="checkbox offer">
                        <input type="checkbox" prop:checked=without_polish
                            on:change=move |ev| without_polish.set(event_target_checked(&ev)) />
                        {t.without_polish}": "<span class="batch-saving">{(t.saving)(view.total_parts, view.plain_parts)}</span>
                    </label>
                })}
            </section>
        })}
        <ErrorMessage error />
        {(matches!(state, BatchState::Ready | BatchState::Preparing)).then(|| view! {
            <div class="buttons">
                {(state == BatchState::Ready).then(|| view! {
                    <button type="button" class="primary send-batch" on:click=send
                        disabled=move || pending.get() || view.valid == 0>
                        {(t.send_valid)(view.valid)}
                    </button>
                    <button type="button" class="save-batch" on:click=save disabled=move || pending.get()>
                        {t.save_drafts}
                    </button>
                })}
                <button type="button" class="discard-batch" on:click=discard disabled=move || pending.get()>
                    {t.discard}
                </button>
            </div>
        })}
        <BatchRows rows=view.rows id offset=view.offset has_more=view.has_more lang />
    }
}

#[component]
fn BatchRows(
    rows: Vec<BatchRow>,
    id: i64,
    offset: u32,
    has_more: bool,
    lang: crate::i18n::Lang,
) -> impl IntoView {
    let t = lang.of(&super::texts::PL, &super::texts::EN);
    let page = |offset: u32| format!("/batches/{id}?offset={offset}");
    (!rows.is_empty()).then(|| view! {
        <table class="messages batch-rows">
            <thead>
                <tr>
                    <th scope="col">{t.col_recipient}</th>
                    <th scope="col">{t.col_phone}</th>
                    <th scope="col">{t.col_text}</th>
                    <th scope="col">{t.col_sms}</th>
                    <th scope="col">{t.col_problem}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let problem = row.problem.as_ref().map(|p| match p {
                        super::RowProblem::Unfilled(problems) => {
                            let problem = Problem::UnfilledMacros(problems.clone());
                            crate::error::problem_message(&problem, lang)
                        }
                        p => (t.problem_name)(p).to_string(),
                    });
                    let phone = match sms::normalize(&row.phone) {
                        Ok(_) if row.problem.is_none() => sms::format_display(&row.phone),
                        _ => row.phone.clone(),
                    };
                    view! {
                        <tr class:invalid=row.problem.is_some() data-seq=row.seq>
                            <td data-label=t.col_recipient>
                                {row.subject.clone()}
                                {row.document.map(|number| view! { <span class="badge">{number}</span> })}
                            </td>
                            <td data-label=t.col_phone class="phone">{phone}</td>
                            <td data-label=t.col_text class="text">{row.text}</td>
                            <td data-label=t.col_sms class="parts">{row.parts}</td>
                            <td data-label=t.col_problem class="problem">{problem}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <nav class="pager">
            {(offset > 0).then(|| view! { <a href=page(0)>{t.first_rows}</a> })}
            {has_more.then(|| view! { <a href=page(offset + 50)>{t.more_rows}</a> })}
        </nav>
    })
}
