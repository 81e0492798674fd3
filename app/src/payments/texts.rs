//! The purchase's texts, in every language.

use super::{OrderEvent, OrderStatus};
use crate::format::integer;
use crate::i18n::{use_language, Lang};

/// The strings of one language; those with values are functions.
pub struct Texts {
    pub title: &'static str,
    pub hint: &'static str,
    pub not_set_up: &'static str,
    pub packages_label: &'static str,
    pub currency_label: &'static str,
    pub price_label: &'static str,
    pub per_sms_label: &'static str,
    pub value_label: &'static str,
    pub provider_label: &'static str,
    pub pay: &'static str,
    pub orders_title: &'static str,
    pub no_orders: &'static str,
    pub order_title: &'static str,
    pub history_title: &'static str,
    pub back: &'static str,
    pub paid_note: &'static str,
    pub waiting_note: &'static str,
    pub col_date: &'static str,
    pub col_packages: &'static str,
    pub col_value: &'static str,
    pub col_provider: &'static str,
    pub col_status: &'static str,
    pub col_operator: &'static str,
    pub status_name: fn(OrderStatus) -> &'static str,
    pub event_name: fn(OrderEvent) -> &'static str,
    /// "3 × 300 SMS = 900 SMS".
    pub packages: fn(i64, i64) -> String,
}

pub static PL: Texts = Texts {
    title: "Zakup SMS",
    hint: "Pakiet to 300 SMS. SMS-y trafią do puli konta, wspólnej dla wszystkich jego firm, gdy \
           operator płatności potwierdzi wpłatę.",
    not_set_up: "Zakup online nie jest skonfigurowany w tej instalacji: o doładowanie puli poproś \
                 dostawcę usługi.",
    packages_label: "Liczba pakietów (po 300 SMS)",
    currency_label: "Waluta",
    price_label: "Cena pakietu (brutto)",
    per_sms_label: "Cena 1 SMS (ok.)",
    value_label: "Wartość zamówienia",
    provider_label: "Płatność przez",
    pay: "Przejdź do płatności",
    orders_title: "Zamówienia",
    no_orders: "Brak zamówień.",
    order_title: "Zamówienie",
    history_title: "Historia zamówienia",
    back: "Wróć do puli SMS",
    paid_note: "Zapłacone: SMS-y są w puli.",
    waiting_note: "Czekamy na potwierdzenie płatności od jej operatora. Odśwież stronę za chwilę.",
    col_date: "Data",
    col_packages: "Pakiety",
    col_value: "Wartość",
    col_provider: "Płatność",
    col_status: "Stan",
    col_operator: "Zamówił(a)",
    status_name: |status| match status {
        OrderStatus::New => "nowe",
        OrderStatus::Paid => "opłacone",
        OrderStatus::Failed => "nieudane",
        OrderStatus::Cancelled => "anulowane",
    },
    event_name: |event| match event {
        OrderEvent::Registered => "zamówione, przekazane do płatności",
        OrderEvent::Paid => "wpłata potwierdzona, SMS-y dodane do puli",
        OrderEvent::Repeated => "powtórzone powiadomienie o wpłacie (bez zmian)",
        OrderEvent::Refused => "odrzucone powiadomienie: kwota lub waluta inna niż w zamówieniu",
        OrderEvent::Failed => "operator płatności nie przyjął zamówienia",
        OrderEvent::Cancelled => "płatność anulowana",
    },
    packages: |packages, credits| {
        format!("{packages} × 300 SMS = {} SMS", integer(Lang::Pl, credits))
    },
};

pub static EN: Texts = Texts {
    title: "Buy SMS",
    hint: "A package is 300 SMS. They go to the account's pool, shared by all its companies, once \
           the payment provider confirms the payment.",
    not_set_up: "Buying online is not set up in this installation: ask your service provider to \
                 top the pool up.",
    packages_label: "Packages (300 SMS each)",
    currency_label: "Currency",
    price_label: "Price of a package (gross)",
    per_sms_label: "Price of 1 SMS (about)",
    value_label: "Order value",
    provider_label: "Pay with",
    pay: "Go to payment",
    orders_title: "Orders",
    no_orders: "No orders.",
    order_title: "Order",
    history_title: "Order history",
    back: "Back to SMS credits",
    paid_note: "Paid: the SMS are in the pool.",
    waiting_note: "Waiting for the payment provider to confirm the payment. Reload in a moment.",
    col_date: "Date",
    col_packages: "Packages",
    col_value: "Value",
    col_provider: "Payment",
    col_status: "State",
    col_operator: "Ordered by",
    status_name: |status| match status {
        OrderStatus::New => "new",
        OrderStatus::Paid => "paid",
        OrderStatus::Failed => "failed",
        OrderStatus::Cancelled => "cancelled",
    },
    event_name: |event| match event {
        OrderEvent::Registered => "ordered, sent to payment",
        OrderEvent::Paid => "payment confirmed, SMS added to the pool",
        OrderEvent::Repeated => "payment notified again (nothing changed)",
        OrderEvent::Refused => "notification refused: amount or currency not the order's",
        OrderEvent::Failed => "the payment provider did not take the order",
        OrderEvent::Cancelled => "payment cancelled",
    },
    packages: |packages, credits| {
        format!("{packages} × 300 SMS = {} SMS", integer(Lang::En, credits))
    },
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
