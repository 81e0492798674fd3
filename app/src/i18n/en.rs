use sms::{Encoding, PhoneError};

use super::Texts;
use crate::messages::Status;

fn plural(n: u32, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

pub static TEXTS: Texts = Texts {
    app_name: "Esemes",
    language_name: "English",
    nav_compose: "New SMS",
    nav_messages: "Messages",
    nav_main: "Main menu",
    logout: "Log out",
    logged_in_as: "Logged in as",
    not_found: "There is no such page.",
    back_home: "Back to the start page",
    loading: "Loading…",

    login_title: "Log in",
    login_intro: "Log in to send SMS messages.",
    login_label: "Login",
    password_label: "Password",
    login_button: "Log in",

    composer_title: "New SMS",
    draft_title: "SMS draft",
    phone_label: "Phone",
    phone_hint: "e.g. 600 100 200; a foreign number with its country code, e.g. +49 151 2345 6789",
    body_label: "Text",
    send: "Send",
    save: "Save",
    save_shortcut: "Ctrl+Enter",
    cancel: "Cancel",
    sending: "Sending…",
    chars_left: |n| {
        format!(
            "{n} {} left in this SMS",
            plural(n, "character", "characters")
        )
    },
    sms_count: |n| format!("{n} SMS"),
    encoding_name: |e| match e {
        Encoding::Gsm7 => "GSM (160 characters per SMS)",
        Encoding::Ucs2 => "Unicode (70 characters per SMS)",
    },
    unicode_because: "Unicode is forced by:",
    show_in_text: "Show in the text",
    offer_label: "Without Polish characters:",
    offer_accept: "Replace with plain letters",
    offer_done: "Special characters were replaced with plain ones.",
    offer_undo: "Undo",
    too_long: |parts, max| format!("Too long: {parts} SMS, at most {max}."),
    sent_ok: "The message was passed on for sending.",
    draft_saved: "Draft saved.",

    messages_title: "SMS messages",
    filter_label: "Show",
    filter_all: "All",
    filter_sent: "Sent",
    filter_drafts: "Drafts",
    col_date: "Date",
    col_phone: "Phone",
    col_body: "Text",
    col_status: "Status",
    no_messages: "No messages.",
    edit_draft: "Edit draft",
    status_name: |s| match s {
        Status::Draft => "draft",
        Status::Pending => "waiting to be sent",
        Status::Sent => "sent",
        Status::Delivered => "delivered",
        Status::Undelivered => "undelivered",
    },

    field_login: "Login",
    field_password: "Password",
    field_phone: "Phone",
    field_body: "Text",
    error_not_found: "Not found.",
    error_unauthorized: "Your session has expired or you are not logged in. Please log in again.",
    error_forbidden: "You are not allowed to do this.",
    error_wrong_credentials: "Wrong login or password.",
    error_internal: "A server error occurred. Try again in a moment; nothing was lost.",
    error_communication: "The server cannot be reached. Try again; the form keeps what you typed.",
    error_required: "this field is required.",
    error_too_many_parts: |parts, max| {
        format!("the message would take {parts} SMS, and at most {max} can be sent.")
    },
    error_empty_draft: "enter a phone number or a text to save a draft.",
    error_already_sent: "the message has already been sent and can no longer be changed.",
    phone_error: PhoneError::message_en,
};
