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
    pub password_title: &'static str,
    pub password_intro: fn(u32) -> String,
    pub new_password_label: &'static str,
    pub repeat_password_label: &'static str,
    pub save_password: &'static str,
}

pub static PL: Texts = Texts {
    login_title: "Logowanie",
    login_intro: "Zaloguj się, aby wysyłać wiadomości SMS.",
    login_label: "Login",
    password_label: "Hasło",
    login_button: "Zaloguj się",
    logout: "Wyloguj",
    password_title: "Ustaw własne hasło",
    password_intro: |min| {
        format!(
            "Hasło nadane przy pierwszym uruchomieniu było pokazane na ekranie serwera. \
             Zanim zaczniesz, ustaw własne: co najmniej {min} znaków."
        )
    },
    new_password_label: "Nowe hasło",
    repeat_password_label: "Powtórz nowe hasło",
    save_password: "Zapisz hasło",
};

pub static EN: Texts = Texts {
    login_title: "Log in",
    login_intro: "Log in to send SMS messages.",
    login_label: "Login",
    password_label: "Password",
    login_button: "Log in",
    logout: "Log out",
    password_title: "Choose your own password",
    password_intro: |min| {
        format!(
            "The password given at the first start was shown on the server's screen. \
             Before you begin, choose your own: at least {min} characters."
        )
    },
    new_password_label: "New password",
    repeat_password_label: "Repeat the new password",
    save_password: "Save the password",
};

pub fn use_texts() -> &'static Texts {
    use_language().of(&PL, &EN)
}
