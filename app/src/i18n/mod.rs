//! UI languages. Each feature keeps its strings in its own `texts.rs`: a `Texts` struct with one
//! static per language (`PL`, `EN`), so a missing string is a compile error, not a blank on
//! screen. The language is chosen by the `lang` cookie (set by `/lang/{code}`), Polish by default.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use sms::procedure::Localized;

pub const LANG_COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Pl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Pl, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Pl => "pl",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language named by the `lang` cookie in a `Cookie` header value.
    pub fn from_cookie_header(header: &str) -> Lang {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANG_COOKIE)
            .and_then(|(_, value)| Lang::from_code(value))
            .unwrap_or_default()
    }

    /// The name of this language in itself, shown on the switch to it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Pl => "Polski",
            Lang::En => "English",
        }
    }

    /// Of one text in every language, the one in this language: `lang.of(&PL, &EN)`.
    pub fn of<T: ?Sized>(self, pl: &'static T, en: &'static T) -> &'static T {
        match self {
            Lang::Pl => pl,
            Lang::En => en,
        }
    }

    /// The `sms` crate's text in this language.
    pub fn pick<T: Clone>(self, text: &Localized<T>) -> T {
        match self {
            Lang::Pl => text.pl.clone(),
            Lang::En => text.en.clone(),
        }
    }
}

/// Polish plural form: 1 → `one`, 2–4 (but not 12–14) → `few`, otherwise `many`.
pub fn plural_pl(n: u32, one: &'static str, few: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) {
        few
    } else {
        many
    }
}

/// English plural form: 1 → `one`, otherwise `many`.
pub fn plural_en(n: u32, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Decides the page's language (from the request cookie on the server, from `document.cookie`
/// in the browser, so hydration renders the same text) and provides it to the app.
pub fn provide_language() -> Lang {
    let lang = current_language();
    provide_context(lang);
    lang
}

#[cfg(feature = "ssr")]
pub fn current_language() -> Lang {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            let header = parts.headers.get(http::header::COOKIE)?;
            Some(Lang::from_cookie_header(header.to_str().ok()?))
        })
        .unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
pub fn current_language() -> Lang {
    use wasm_bindgen::JsCast;
    document()
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()
        .and_then(|doc| doc.cookie().ok())
        .map(|cookie| Lang::from_cookie_header(&cookie))
        .unwrap_or_default()
}

pub fn use_language() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_header_picks_the_lang_cookie() {
        assert_eq!(Lang::from_cookie_header("a=b; lang=en; c=d"), Lang::En);
        assert_eq!(Lang::from_cookie_header("lang=pl"), Lang::Pl);
        assert_eq!(Lang::from_cookie_header("lang=de"), Lang::Pl);
        assert_eq!(Lang::from_cookie_header(""), Lang::Pl);
        assert_eq!(Lang::from_cookie_header("xlang=en"), Lang::Pl);
    }

    #[test]
    fn polish_plural_forms() {
        let form = |n| plural_pl(n, "znak", "znaki", "znaków");
        assert_eq!(form(1), "znak");
        assert_eq!(form(3), "znaki");
        assert_eq!(form(13), "znaków");
        assert_eq!(form(22), "znaki");
        assert_eq!(form(160), "znaków");
    }
}
