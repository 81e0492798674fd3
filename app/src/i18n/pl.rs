use super::Texts;

pub static TEXTS: Texts = Texts {
    login_title: "Logowanie",
    login_intro: "Zaloguj się, aby wysyłać wiadomości SMS.",
    login_label: "Login",
    password_label: "Hasło",
    login_button: "Zaloguj się",
};
