//! The replies' and opt-out's texts, in every language.

use crate::i18n::use_language;

/// The strings of one language.
pub struct Texts {
    pub inbox_title: &'static str,
    pub replies_title: &'static str,
    pub no_replies: &'static str,
    pub answers_label: &'static str,
    pub opted_out_badge: &'static str,
    pub opted_in_badge: &'static str,
    pub opt_out_title: &'static str,
    pub opt_out_hint: &'static str,
    pub opt_out_phone_label: &'static str,
    pub opt_out_button: &'static str,
    pub opt_in_button: &'static str,
    pub no_opt_out_changes: &'static str,
    pub col_when: &'static str,
    pub col_phone: &'static str,
    pub col_change: &'static str,
    pub col_how: &'static str,
    pub by_reply: &'static str,
    pub by_operator: &'static str,
    pub opted_out_warning: &'static str,
}

pub static PL: Texts = Texts {
    inbox_title: "Odpowiedzi SMS",
    replies_title: "Odpowiedzi",
    no_replies: "Brak odpowiedzi.",
    answers_label: "W odpowiedzi na:",
    opted_out_badge: "wypisał się (STOP)",
    opted_in_badge: "zapisał się ponownie (START)",
    opt_out_title: "Wypisane numery",
    opt_out_hint: "Numer, który odpisze STOP, NIE, REZYGNUJĘ, REZYGNACJA lub WYPISZ, nie dostaje \
                   wiadomości marketingowych; START lub TAK przywraca go. Operator może też \
                   wypisać numer na prośbę odbiorcy.",
    opt_out_phone_label: "Numer telefonu",
    opt_out_button: "Wypisz",
    opt_in_button: "Przywróć",
    no_opt_out_changes: "Żaden numer się nie wypisał.",
    col_when: "Kiedy",
    col_phone: "Numer",
    col_change: "Zmiana",
    col_how: "Jak",
    by_reply: "odpowiedź SMS",
    by_operator: "operator",
    opted_out_warning: "Ten numer wypisał się (STOP)",
};

pub static EN: Texts = Texts {
    inbox_title: "SMS replies",
    replies_title: "Replies",
    no_replies: "No replies.",
    answers_label: "In reply to:",
    opted_out_badge: "opted out (STOP)",
    opted_in_badge: "opted back in (START)",
    opt_out_title: "Opted-out numbers",
    opt_out_hint: "A number that replies STOP, NIE, REZYGNUJĘ, REZYGNACJA or WYPISZ gets no \
                   marketing messages; START or TAK brings it back. An operator can also opt a \
                   number out when its owner asks.",
    opt_out_phone_label: "Phone number",
    opt_out_button: "Opt out",
    opt_in_button: "Opt back in",
    no_opt_out_changes: "No number has opted out.",
    col_when: "When",
    col_phone: "Number",
    col_change: "Change",
    col_how: "How",
    by_reply: "SMS reply",
    by_operator: "operator",
    opted_out_warning: "This number opted out (STOP)",
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
