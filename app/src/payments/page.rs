//! The purchase form and orders on the credits page, and an order's page
//! (`/credits/orders/:id`), where the buyer comes back after paying.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::texts::use_texts;
use super::{
    load_order, load_purchases, BuyCredits, Offer, OrderRow, OrderStatus, CREDITS_PER_PACKAGE,
    MAX_PACKAGES,
};
use crate::format::money;
use crate::i18n::{use_language, Lang};
use crate::layout::ErrorMessage;

/// Buying packages: the form, or why it is not there, and the account's orders.
#[component]
pub fn Purchase() -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let purchases = Resource::new(|| (), |_| load_purchases());
    view! {
        <section aria-labelledby="purchase-title">
            <h2 id="purchase-title">{t.title}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match purchases.await {
                        Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                        Ok((offer, orders)) => view! {
                            {if offer.providers.is_empty() || offer.prices.is_empty() {
                                view! { <p class="hint not-set-up">{t.not_set_up}</p> }.into_any()
                            } else {
                                view! { <PurchaseForm offer lang /> }.into_any()
                            }}
                            <h3>{t.orders_title}</h3>
                            <Orders orders lang />
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn PurchaseForm(offer: Offer, lang: Lang) -> impl IntoView {
    let t = use_texts();
    let buy = ServerAction::<BuyCredits>::new();
    let packages = RwSignal::new(1_i64);
    let currency = RwSignal::new(offer.prices[0].currency.clone());
    let prices = StoredValue::new(offer.prices.clone());
    let unit_price = move || {
        prices.with_value(|list| {
            (list.iter())
                .find(|p| p.currency == currency.get())
                .map_or(0, |p| p.unit_price)
        })
    };
    let error = Signal::derive(move || buy.value().get().and_then(Result::err));
    // The buyer leaves for the provider's page.
    Effect::new(move |_| {
        if let Some(Ok(url)) = buy.value().get() {
            let _ = window().location().set_href(&url);
        }
    });
    let first_provider = offer.providers[0];
    view! {
        <p class="hint">{t.hint}</p>
        <ActionForm action=buy attr:class="purchase-form">
            <label for="packages">{t.packages_label}</label>
            <input id="packages" name="packages" type="number" min="1" max=MAX_PACKAGES step="1"
                inputmode="numeric" required value="1"
                on:input=move |ev| packages.set(event_target_value(&ev).parse().unwrap_or(0)) />
            {if offer.prices.len() > 1 {
                view! {
                    <label for="currency">{t.currency_label}</label>
                    <select id="currency" name="currency" on:change=move |ev| currency.set(event_target_value(&ev))>
                        {offer.prices.iter().map(|p| view! { <option value=p.currency.clone()>{p.currency.clone()}</option> }).collect_view()}
                    </select>
                }.into_any()
            } else {
                view! { <input type="hidden" name="currency" value=currency.get_untracked() /> }.into_any()
            }}
            <dl class="order-value">
                <dt>{t.price_label}</dt>
                <dd>{move || money(lang, unit_price(), &currency.get())}</dd>
                <dt>{t.per_sms_label}</dt>
                <dd>{move || money(lang, (unit_price() + CREDITS_PER_PACKAGE / 2) / CREDITS_PER_PACKAGE, &currency.get())}</dd>
                <dt>{t.value_label}</dt>
                <dd class="value">{move || money(lang, unit_price() * packages.get().max(0), &currency.get())}</dd>
            </dl>
            <fieldset class="providers">
                <legend>{t.provider_label}</legend>
                {offer.providers.iter().map(|provider| view! {
                    <label class="radio">
                        <input type="radio" name="provider" value=provider.as_str()
                            checked=*provider == first_provider />
                        {provider.name()}
                    </label>
                }).collect_view()}
            </fieldset>
            <ErrorMessage error />
            <button type="submit" class="primary" disabled=move || buy.pending().get()>{t.pay}</button>
        </ActionForm>
    }
}

#[component]
fn Orders(orders: Vec<OrderRow>, lang: Lang) -> impl IntoView {
    let t = use_texts();
    if orders.is_empty() {
        return view! { <p class="empty">{t.no_orders}</p> }.into_any();
    }
    view! {
        <table class="cards orders">
            <thead><tr>
                <th scope="col">{t.col_date}</th>
                <th scope="col">{t.col_packages}</th>
                <th scope="col" class="number">{t.col_value}</th>
                <th scope="col">{t.col_provider}</th>
                <th scope="col">{t.col_status}</th>
                <th scope="col">{t.col_operator}</th>
            </tr></thead>
            <tbody>
                {orders.into_iter().map(|order| view! {
                    <tr data-status=order.status.as_str()>
                        <td data-label=t.col_date>
                            <a href=format!("/credits/orders/{}", order.id)>{order.created_at.format(lang)}</a>
                        </td>
                        <td data-label=t.col_packages>{(t.packages)(order.packages, order.credits)}</td>
                        <td data-label=t.col_value class="number">{money(lang, order.amount, &order.currency)}</td>
                        <td data-label=t.col_provider>{order.provider.name()}</td>
                        <td data-label=t.col_status class=format!("order-status {}", order.status.as_str())>
                            {(t.status_name)(order.status)}
                        </td>
                        <td data-label=t.col_operator>{order.operator}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let order = Resource::new(id, |id| async move {
        match id {
            Some(id) => load_order(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <h1>{t.order_title}</h1>
        <Transition fallback=move || view! { <p>{crate::layout::texts::use_texts().loading}</p> }>
            {move || Suspend::new(async move {
                match order.await {
                    Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                    Ok(detail) => {
                        let order = detail.order;
                        let note = match order.status {
                            OrderStatus::Paid => Some(t.paid_note),
                            OrderStatus::New => Some(t.waiting_note),
                            _ => None,
                        };
                        view! {
                            <dl class="order">
                                <dt>{t.col_packages}</dt><dd>{(t.packages)(order.packages, order.credits)}</dd>
                                <dt>{t.col_value}</dt><dd>{money(lang, order.amount, &order.currency)}</dd>
                                <dt>{t.col_provider}</dt><dd>{order.provider.name()}</dd>
                                <dt>{t.col_status}</dt>
                                <dd class=format!("order-status {}", order.status.as_str())>{(t.status_name)(order.status)}</dd>
                                <dt>{t.col_operator}</dt><dd>{order.operator}</dd>
                            </dl>
                            {note.map(|note| view! { <p class="status-note" role="status">{note}</p> })}
                            <h2>{t.history_title}</h2>
                            <ol class="order-history">
                                {detail.history.into_iter().map(|h| view! {
                                    <li data-event=h.event.as_str()>
                                        <time>{h.at.format(lang)}</time>" — "{(t.event_name)(h.event)}
                                        {h.detail.map(|d| view! { " ("<span class="detail">{d}</span>")" })}
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any()
                    }
                }
            })}
        </Transition>
        <p><a href="/credits">{t.back}</a></p>
    }
}
