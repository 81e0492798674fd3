//! The login page's and the logout button's texts, in every language.

use crate::i18n::use_language;

/// The strings of one language.
pub struct Texts {
    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub login_label: &'static str,
    pub password_label: &'static str,
    pub login_button: &'static str,
    pub logout: &'static str,
}

pub static PL: Texts = Texts {
    login_title: "Logowanie",
    login_intro: "Zaloguj się, aby wysyłać wiadomości SMS.",
    login_label: "Login",
    password_label: "Hasło",
    login_button: "Zaloguj się",
    logout: "Wyloguj",
};

pub static EN: Texts = Texts {
    login_title: "Log in",
    login_intro: "Log in to send SMS messages.",
    login_label: "Login",
    password_label: "Password",
    login_button: "Log in",
    logout: "Log out",
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
