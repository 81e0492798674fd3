//! The credits' texts, in every language.

use super::EntryKind;
use crate::format::integer;
use crate::i18n::{use_language, Lang};

/// The strings of one language; those with values are functions.
pub struct Texts {
    pub title: &'static str,
    pub available_label: &'static str,
    pub held_label: &'static str,
    pub held_hint: &'static str,
    pub alert_label: &'static str,
    pub alert_hint: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub period_show: &'static str,
    pub from_month: &'static str,
    pub to_month: &'static str,
    pub usage_title: &'static str,
    pub usage_by_company: &'static str,
    pub usage_by_operator: &'static str,
    pub no_usage: &'static str,
    pub ledger_title: &'static str,
    pub ledger_hint: &'static str,
    pub no_entries: &'static str,
    pub download_csv: &'static str,
    pub older: &'static str,
    pub newest: &'static str,
    pub pool_link: &'static str,
    pub col_month: &'static str,
    pub col_company: &'static str,
    pub col_operator: &'static str,
    pub col_credits: &'static str,
    pub col_when: &'static str,
    pub col_kind: &'static str,
    pub col_amount: &'static str,
    pub col_held: &'static str,
    pub col_message: &'static str,
    pub col_reason: &'static str,
    pub total: &'static str,
    pub kind_name: fn(EntryKind) -> &'static str,
    /// "1 234 SMS".
    pub credits: fn(i64) -> String,
    /// Under the composer's counter.
    pub left: fn(i64) -> String,
    /// The message needs more than is left.
    pub not_enough: fn(u32, i64) -> String,
    pub low_banner: fn(i64) -> String,
}

pub static PL: Texts = Texts {
    title: "Pula SMS",
    available_label: "Dostępne",
    held_label: "Zarezerwowane",
    held_hint: "SMS wiadomości czekających w kolejce lub na wyjaśnienie („być może wysłana”): \
                zostaną pobrane, gdy bramka przyjmie wiadomość, albo wrócą do puli, gdy jej \
                odmówi, minie jej ważność lub wysyłka zostanie anulowana.",
    alert_label: "Ostrzegaj, gdy w puli zostanie mniej niż (SMS)",
    alert_hint: "Administratorzy dostaną jedno ostrzeżenie, a w aplikacji pojawi się pasek — \
                 do czasu doładowania. 0 wyłącza ostrzeżenie.",
    save: "Zapisz",
    saved: "Zapisano.",
    period_show: "Pokaż",
    from_month: "Od miesiąca",
    to_month: "Do miesiąca",
    usage_title: "Zużycie",
    usage_by_company: "Razem według firm",
    usage_by_operator: "Razem według operatorów",
    no_usage: "Brak zużycia w tym okresie.",
    ledger_title: "Historia puli",
    ledger_hint: "Każda zmiana puli: zakupy, rezerwacje dla wysyłanych wiadomości, ich \
                  rozliczenia i zwroty oraz korekty. Stan puli to ich suma.",
    no_entries: "Brak operacji w tym okresie.",
    download_csv: "Pobierz CSV",
    older: "Starsze",
    newest: "Najnowsze",
    pool_link: "Pula SMS, zużycie i historia",
    col_month: "Miesiąc",
    col_company: "Firma",
    col_operator: "Operator",
    col_credits: "SMS",
    col_when: "Kiedy",
    col_kind: "Operacja",
    col_amount: "Dostępne",
    col_held: "Zarezerwowane",
    col_message: "Wiadomość",
    col_reason: "Powód",
    total: "Razem",
    kind_name: |kind| match kind {
        EntryKind::Purchase => "Zakup",
        EntryKind::Hold => "Rezerwacja",
        EntryKind::Settle => "Pobranie",
        EntryKind::Release => "Zwrot",
        EntryKind::Correction => "Korekta",
    },
    credits: |n| format!("{} SMS", integer(Lang::Pl, n)),
    left: |n| format!("Pozostało {} SMS", integer(Lang::Pl, n)),
    not_enough: |needed, left| {
        format!(
            "Ta wiadomość potrzebuje {needed} SMS, a w puli zostało {}. Doładuj pulę, zanim ją wyślesz.",
            integer(Lang::Pl, left)
        )
    },
    low_banner: |n| format!("W puli zostało tylko {} SMS.", integer(Lang::Pl, n)),
};

pub static EN: Texts = Texts {
    title: "SMS credits",
    available_label: "Available",
    held_label: "Held",
    held_hint: "Credits of messages waiting in the queue or in doubt (“may have been sent”): \
                charged when the gateway accepts the message, or given back when it refuses it, \
                the message expires or its sending is cancelled.",
    alert_label: "Warn when fewer SMS than this are left",
    alert_hint: "Administrators get one warning, and the app shows a banner, until the pool is \
                 topped up. 0 turns the warning off.",
    save: "Save",
    saved: "Saved.",
    period_show: "Show",
    from_month: "From month",
    to_month: "To month",
    usage_title: "Usage",
    usage_by_company: "Total by company",
    usage_by_operator: "Total by operator",
    no_usage: "No usage in this period.",
    ledger_title: "Pool history",
    ledger_hint: "Every change of the pool: purchases, holds for messages being sent, their \
                  charges and refunds, and corrections. The balance is their sum.",
    no_entries: "No entries in this period.",
    download_csv: "Download CSV",
    older: "Older",
    newest: "Newest",
    pool_link: "SMS credits, usage and history",
    col_month: "Month",
    col_company: "Company",
    col_operator: "Operator",
    col_credits: "SMS",
    col_when: "When",
    col_kind: "Entry",
    col_amount: "Available",
    col_held: "Held",
    col_message: "Message",
    col_reason: "Reason",
    total: "Total",
    kind_name: |kind| match kind {
        EntryKind::Purchase => "Purchase",
        EntryKind::Hold => "Hold",
        EntryKind::Settle => "Charge",
        EntryKind::Release => "Refund",
        EntryKind::Correction => "Correction",
    },
    credits: |n| format!("{} SMS", integer(Lang::En, n)),
    left: |n| format!("{} SMS left", integer(Lang::En, n)),
    not_enough: |needed, left| {
        format!(
            "This message needs {needed} SMS and {} are left. Top up the pool before sending it.",
            integer(Lang::En, left)
        )
    },
    low_banner: |n| format!("Only {} SMS are left in the pool.", integer(Lang::En, n)),
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
