//! The documents' texts, in every language.

use super::DocumentKind;
use crate::i18n::use_language;

/// The strings of one language; those with values are functions.
pub struct Texts {
    pub documents_title: &'static str,
    pub document_search_label: &'static str,
    pub document_search_placeholder: &'static str,
    pub all_document_kinds: &'static str,
    pub document_kind: fn(DocumentKind) -> &'static str,
    pub unpaid_only: &'static str,
    pub no_documents: &'static str,
    pub left_to_pay_short: &'static str,
    pub back_to_documents: &'static str,
    pub send_sms: &'static str,
    pub send_email: &'static str,
    pub counterparty_label: &'static str,
    pub gross_amount_label: &'static str,
    pub left_to_pay_label: &'static str,
    pub erp_fields_title: &'static str,
    pub search_button: &'static str,
}

pub static PL: Texts = Texts {
    documents_title: "Dokumenty",
    document_search_label: "Szukaj dokumentu",
    document_search_placeholder: "Numer, kontrahent…",
    all_document_kinds: "Wszystkie rodzaje",
    document_kind: |k| match k {
        DocumentKind::SalesInvoice => "Faktura sprzedaży",
        DocumentKind::Order => "Zamówienie",
        DocumentKind::Contract => "Umowa",
        DocumentKind::TransportOrder => "Zlecenie transportowe",
        DocumentKind::Other => "Inny dokument",
    },
    unpaid_only: "Tylko z kwotą do zapłaty",
    no_documents: "Brak dokumentów.",
    left_to_pay_short: "do zapłaty",
    back_to_documents: "← Dokumenty",
    send_sms: "Wyślij SMS",
    send_email: "Wyślij e-mail",
    counterparty_label: "Kontrahent",
    gross_amount_label: "Kwota brutto",
    left_to_pay_label: "Pozostało do zapłaty",
    erp_fields_title: "Pola z ERP (makra)",
    search_button: "Szukaj",
};

pub static EN: Texts = Texts {
    documents_title: "Documents",
    document_search_label: "Search documents",
    document_search_placeholder: "Number, contractor…",
    all_document_kinds: "All kinds",
    document_kind: |k| match k {
        DocumentKind::SalesInvoice => "Sales invoice",
        DocumentKind::Order => "Order",
        DocumentKind::Contract => "Contract",
        DocumentKind::TransportOrder => "Transport order",
        DocumentKind::Other => "Other document",
    },
    unpaid_only: "Only with an amount left to pay",
    no_documents: "No documents.",
    left_to_pay_short: "to pay",
    back_to_documents: "← Documents",
    send_sms: "Send SMS",
    send_email: "Send e-mail",
    counterparty_label: "Counterparty",
    gross_amount_label: "Gross amount",
    left_to_pay_label: "Left to pay",
    erp_fields_title: "ERP fields (macros)",
    search_button: "Search",
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
