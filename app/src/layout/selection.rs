//! Rows of a list selected for a serial send: a checkbox per row (Shift+click ticks the range
//! from the last one clicked), "select all matching" for the whole search, and the "Send SMS"
//! link that opens the composer for the selection, or for the row last moved to when nothing
//! is ticked.

use leptos::prelude::*;

use super::texts::use_texts;

/// The selection of one list page; it survives paging, as the page component stays.
#[derive(Clone, Copy)]
pub struct RowSelection {
    pub ids: RwSignal<Vec<i64>>,
    /// Every row matching the list's search.
    pub all: RwSignal<bool>,
    /// The row the operator last moved to (focus or click).
    pub highlighted: RwSignal<Option<i64>>,
    /// The row last ticked or unticked, where a Shift+click range starts.
    anchor: RwSignal<Option<i64>>,
}

impl RowSelection {
    pub fn new() -> Self {
        Self {
            ids: RwSignal::new(Vec::new()),
            all: RwSignal::new(false),
            highlighted: RwSignal::new(None),
            anchor: RwSignal::new(None),
        }
    }

    fn set(&self, id: i64, on: bool) {
        self.ids.update(|ids| match (on, ids.contains(&id)) {
            (true, false) => ids.push(id),
            (false, true) => ids.retain(|i| *i != id),
            _ => {}
        });
    }

    /// The composer's URL for the selection: `source` names the list, `filters` is its search
    /// as a query string; `one` opens the composer for a single row.
    pub fn composer_href(
        &self,
        source: &str,
        filters: &str,
        one: fn(i64) -> String,
    ) -> Option<String> {
        if self.all.get() {
            return Some(format!("/?serial={source}&all=1&{filters}"));
        }
        let ids = self.ids.get();
        if ids.is_empty() {
            return self.highlighted.get().map(one);
        }
        let ids: Vec<String> = ids.iter().map(|id| format!("id={id}")).collect();
        Some(format!("/?serial={source}&{}&{filters}", ids.join("&")))
    }
}

impl Default for RowSelection {
    fn default() -> Self {
        Self::new()
    }
}

/// A row's checkbox, for the selection the list page provides as context. Shift+click sets
/// every row between the last one clicked and this one as this one is set; the rows are found
/// in the page in their order.
#[component]
pub fn SelectBox(id: i64, label: String) -> impl IntoView {
    let t = use_texts();
    let selection = expect_context::<RowSelection>();
    let on_click = move |ev: web_sys::MouseEvent| {
        let on = event_target_checked(&ev);
        let anchor = selection.anchor.get_untracked();
        selection.anchor.set(Some(id));
        selection.highlighted.set(Some(id));
        if let (true, Some(anchor)) = (ev.shift_key(), anchor) {
            let order = rows_in_page();
            let at = |id: i64| order.iter().position(|i| *i == id);
            if let (Some(a), Some(b)) = (at(anchor), at(id)) {
                for row in &order[a.min(b)..=a.max(b)] {
                    selection.set(*row, on);
                }
                return;
            }
        }
        selection.set(id, on);
    };
    view! {
        <input type="checkbox" class="select-row" data-row=id aria-label=format!("{} {label}", t.select_row)
            prop:checked=move || selection.all.get() || selection.ids.with(|ids| ids.contains(&id))
            prop:disabled=move || selection.all.get()
            on:click=on_click on:focus=move |_| selection.highlighted.set(Some(id)) />
    }
}

/// The ids of the rows' checkboxes, in page order.
fn rows_in_page() -> Vec<i64> {
    use wasm_bindgen::JsCast;
    let Ok(boxes) = document().query_selector_all("input.select-row") else {
        return Vec::new();
    };
    (0..boxes.length())
        .filter_map(|i| boxes.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
        .filter_map(|element| element.get_attribute("data-row")?.parse().ok())
        .collect()
}

/// What is selected, "select all matching", and "Send SMS".
#[component]
pub fn SelectionBar(
    selection: RowSelection,
    /// The composer's URL for the selection, `None` while nothing is selected or highlighted.
    #[prop(into)]
    href: Signal<Option<String>>,
) -> impl IntoView {
    let t = use_texts();
    let count = move || selection.ids.with(Vec::len);
    view! {
        <div class="selection-bar" role="region" aria-label=t.send_sms>
            // Moving to a row changes nothing of the bar's size: the mouse press that focuses a
            // row's box or link must be followed by a release on the same place, or the click
            // is lost.
            <span class="selected-count" aria-live="polite">
                {move || match (selection.all.get(), count()) {
                    (true, _) => t.all_matching.to_string(),
                    (false, 0) => t.select_hint.to_string(),
                    (false, n) => (t.selected)(n),
                }}
            </span>
            <button type="button" class="link select-all" on:click=move |_| selection.all.set(true)
                prop:hidden=move || selection.all.get()>
                {t.select_all_matching}
            </button>
            <button type="button" class="link clear-selection" on:click=move |_| {
                selection.all.set(false);
                selection.ids.set(Vec::new());
            } prop:hidden=move || !selection.all.get() && count() == 0>{t.clear_selection}</button>
            <a class="button primary send-selected" href=move || href.get()
                aria-disabled=move || href.with(Option::is_none).then_some("true")>{t.send_sms}</a>
        </div>
    }
}
