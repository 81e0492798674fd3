use super::Texts;

pub static TEXTS: Texts = Texts {
    login_title: "Log in",
    login_intro: "Log in to send SMS messages.",
    login_label: "Login",
    password_label: "Password",
    login_button: "Log in",
};
