//! Reading a file the operator chose, in the browser, to send to a server function as base64.

use leptos::prelude::*;

/// A file as read: its name, type and content in base64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenFile {
    pub name: String,
    pub content_type: String,
    pub base64: String,
}

/// Reads the file chosen in the `<input type=file>` of `ev` and hands it to `done`; `false`
/// when no file was chosen or it cannot be read.
pub fn read_chosen(ev: &web_sys::Event, done: impl FnOnce(ChosenFile) + 'static) -> bool {
    use wasm_bindgen::{closure::Closure, JsCast};
    let input: web_sys::HtmlInputElement = event_target(ev);
    let Some(chosen) = input.files().and_then(|files| files.get(0)) else {
        return false;
    };
    let Ok(reader) = web_sys::FileReader::new() else {
        return false;
    };
    let (name, content_type) = (chosen.name(), chosen.type_());
    let loaded = reader.clone();
    let on_load = Closure::once_into_js(move || {
        let url = (loaded.result().ok())
            .and_then(|r| r.as_string())
            .unwrap_or_default();
        // A data URL, "data:application/pdf;base64,…": the bytes follow the comma.
        let base64 = (url.split_once(',').map(|(_, b)| b.to_string())).unwrap_or_default();
        done(ChosenFile {
            name,
            content_type,
            base64,
        });
    });
    reader.set_onload(Some(on_load.unchecked_ref()));
    reader.read_as_data_url(&chosen).is_ok()
}
