//! The credits' views: the balance under the composer's counter, the low-balance banner, the
//! pool on the administration page, and the credits page (`/credits`).

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::texts::{use_texts, Texts};
use super::{
    credit_balance, load_credits, low_credit, Balance, Credits, CreditsQuery, SetCreditAlert,
    UsageRow,
};
use crate::format::integer;
use crate::i18n::{use_language, Lang};
use crate::layout::{query_value, ErrorMessage};

/// "Pozostało 1 234 SMS" under the composer's counter, and a warning when the message needs
/// more SMS than are left. Read again whenever `refresh` changes (after a send).
#[component]
pub fn CreditsLeft(
    #[prop(into)] segments: Signal<u32>,
    #[prop(into)] refresh: Signal<usize>,
) -> impl IntoView {
    let t = use_texts();
    let balance = Resource::new(move || refresh.get(), |_| credit_balance());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                balance.await.ok().map(|balance| {
                    let short = move || {
                        let needed = segments.get();
                        (i64::from(needed) > balance.available)
                            .then(|| (t.not_enough)(needed, balance.available))
                    };
                    view! {
                        <p class="credits-left" data-available=balance.available>
                            {(t.left)(balance.available)}
                        </p>
                        {move || short().map(|text| view! { <p class="warning no-credit" role="status">{text}</p> })}
                    }
                })
            })}
        </Transition>
    }
}

/// A banner over every page, for administrators, while the pool is below their threshold.
#[component]
pub fn LowCreditBanner() -> impl IntoView {
    let t = use_texts();
    let low = Resource::new(|| (), |_| low_credit());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                low.await.ok().flatten().map(|available| view! {
                    <p class="banner low-credit" role="status">
                        {(t.low_banner)(available)}" "
                        <a href="/credits">{t.title}</a>
                    </p>
                })
            })}
        </Transition>
    }
}

/// The pool on the administration page, with the way to its page.
#[component]
pub fn PoolSummary() -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let balance = Resource::new(|| (), |_| credit_balance());
    view! {
        <section aria-labelledby="pool-title">
            <h2 id="pool-title">{t.title}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    balance.await.ok().map(|balance| view! { <BalanceList balance lang /> })
                })}
            </Suspense>
            <p><a href="/credits">{t.pool_link}</a></p>
        </section>
    }
}

#[component]
fn BalanceList(balance: Balance, lang: Lang) -> impl IntoView {
    let t = use_texts();
    view! {
        <dl class="pool">
            <dt>{t.available_label}</dt>
            <dd class="available" data-value=balance.available>{(t.credits)(balance.available)}</dd>
            <dt>{t.held_label}</dt>
            <dd class="held" data-value=balance.held title=t.held_hint>{integer(lang, balance.held)}</dd>
        </dl>
    }
}

fn query_from_url() -> Memo<CreditsQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        query.with(|q| CreditsQuery {
            from: q.get("from").unwrap_or_default(),
            to: q.get("to").unwrap_or_default(),
            before: q.get("before").and_then(|id| id.parse().ok()),
        })
    })
}

fn query_string(from: &str, to: &str, before: Option<i64>) -> String {
    let mut url = format!("from={}&to={}", query_value(from), query_value(to));
    if let Some(id) = before {
        url.push_str(&format!("&before={id}"));
    }
    url
}

#[component]
pub fn CreditsPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let query = query_from_url();
    let save = ServerAction::<SetCreditAlert>::new();
    let credits = Resource::new(
        move || (query.get(), save.version().get()),
        |(q, _)| load_credits(q),
    );
    view! {
        <h1>{t.title}</h1>
        <Transition fallback=move || view! { <p>{crate::layout::texts::use_texts().loading}</p> }>
            {move || Suspend::new(async move {
                match credits.await {
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    Ok(credits) => view! { <CreditsView credits save lang /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CreditsView(credits: Credits, save: ServerAction<SetCreditAlert>, lang: Lang) -> impl IntoView {
    let t = use_texts();
    let Credits {
        balance,
        from,
        to,
        usage,
        ledger,
        next,
    } = credits;
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    let csv = |which: &str| format!("/credits/{which}.csv?{}", query_string(&from, &to, None));
    let older = next.map(|id| format!("/credits?{}", query_string(&from, &to, Some(id))));
    let has_usage = !usage.is_empty();
    view! {
        <section aria-labelledby="balance-title">
            <h2 id="balance-title" class="visually-hidden">{t.available_label}</h2>
            <BalanceList balance lang />
            <p class="hint">{t.held_hint}</p>
            <ActionForm action=save attr:class="alert-form">
                <label for="alert_below">{t.alert_label}</label>
                <input id="alert_below" name="alert_below" type="number" min="0" step="1" inputmode="numeric"
                    value=balance.alert_below aria-describedby="alert-hint" />
                <button type="submit">{t.save}</button>
                <p id="alert-hint" class="hint">{t.alert_hint}</p>
                <ErrorMessage error />
                {move || saved().then(|| view! { <p class="saved" role="status">{t.saved}</p> })}
            </ActionForm>
        </section>
        <crate::payments::Purchase />
        <section aria-labelledby="usage-title">
            <h2 id="usage-title">{t.usage_title}</h2>
            <form class="search credit-period" method="get" action="/credits" role="search">
                <label for="from">{t.from_month}</label>
                <input id="from" name="from" type="month" value=from.clone() />
                <label for="to">{t.to_month}</label>
                <input id="to" name="to" type="month" value=to.clone() />
                <button type="submit">{t.period_show}</button>
            </form>
            {if has_usage {
                view! {
                    <UsageTable usage=usage.clone() lang />
                    <Totals title=t.usage_by_company rows=totals(&usage, |row| row.company.clone()) lang />
                    <Totals title=t.usage_by_operator rows=totals(&usage, |row| row.operator.clone()) lang />
                    <p><a class="button" href=csv("usage") rel="external" download>{t.download_csv}</a></p>
                }.into_any()
            } else {
                view! { <p class="empty">{t.no_usage}</p> }.into_any()
            }}
        </section>
        <section aria-labelledby="ledger-title">
            <h2 id="ledger-title">{t.ledger_title}</h2>
            <p class="hint">{t.ledger_hint}</p>
            {if ledger.is_empty() {
                view! { <p class="empty">{t.no_entries}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                    <table class="cards ledger">
                        <thead><tr>
                            <th scope="col">{t.col_when}</th>
                            <th scope="col">{t.col_kind}</th>
                            <th scope="col" class="number">{t.col_amount}</th>
                            <th scope="col" class="number">{t.col_held}</th>
                            <th scope="col">{t.col_company}</th>
                            <th scope="col">{t.col_operator}</th>
                            <th scope="col">{t.col_reason}</th>
                        </tr></thead>
                        <tbody>
                            {ledger.into_iter().map(|entry| view! {
                                <tr data-kind=entry.kind.as_str()>
                                    <td data-label=t.col_when>{entry.at.format(lang)}</td>
                                    <td data-label=t.col_kind class="kind">{(t.kind_name)(entry.kind)}</td>
                                    <td data-label=t.col_amount class="number amount">{signed(lang, entry.amount)}</td>
                                    <td data-label=t.col_held class="number">{signed(lang, entry.held)}</td>
                                    <td data-label=t.col_company>{entry.company}</td>
                                    <td data-label=t.col_operator>{entry.operator}</td>
                                    <td data-label=t.col_reason>{entry.reason}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                    <p><a class="button" href=csv("ledger") rel="external" download>{t.download_csv}</a></p>
                }.into_any()
            }}
            <nav class="pager">
                {older.map(|href| view! { <a href=href>{t.older}</a> })}
            </nav>
        </section>
    }
}

/// A change with its sign; nothing for no change.
fn signed(lang: Lang, n: i64) -> String {
    match n {
        0 => String::new(),
        n if n > 0 => format!("+{}", integer(lang, n)),
        n => integer(lang, n),
    }
}

#[component]
fn UsageTable(usage: Vec<UsageRow>, lang: Lang) -> impl IntoView {
    let t = use_texts();
    view! {
        <div class="table-scroll">
        <table class="cards usage">
            <thead><tr>
                <th scope="col">{t.col_month}</th>
                <th scope="col">{t.col_company}</th>
                <th scope="col">{t.col_operator}</th>
                <th scope="col" class="number">{t.col_credits}</th>
            </tr></thead>
            <tbody>
                {usage.into_iter().map(|row| view! {
                    <tr>
                        <td data-label=t.col_month>{row.month}</td>
                        <td data-label=t.col_company>{row.company}</td>
                        <td data-label=t.col_operator>{row.operator}</td>
                        <td data-label=t.col_credits class="number">{integer(lang, row.credits)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}

/// Credits per `key` (a company, an operator), largest first.
fn totals(usage: &[UsageRow], key: impl Fn(&UsageRow) -> String) -> Vec<(String, i64)> {
    let mut sums: Vec<(String, i64)> = Vec::new();
    for row in usage {
        let name = key(row);
        match sums.iter_mut().find(|(n, _)| *n == name) {
            Some((_, sum)) => *sum += row.credits,
            None => sums.push((name, row.credits)),
        }
    }
    sums.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    sums
}

#[component]
fn Totals(title: &'static str, rows: Vec<(String, i64)>, lang: Lang) -> impl IntoView {
    let t: &'static Texts = use_texts();
    let total: i64 = rows.iter().map(|r| r.1).sum();
    view! {
        <table class="usage-totals">
            <caption>{title}</caption>
            <tbody>
                {rows.into_iter().map(|(name, credits)| view! {
                    <tr><th scope="row">{name}</th><td class="number">{integer(lang, credits)}</td></tr>
                }).collect_view()}
            </tbody>
            <tfoot><tr><th scope="row">{t.total}</th><td class="number">{integer(lang, total)}</td></tr></tfoot>
        </table>
    }
}
