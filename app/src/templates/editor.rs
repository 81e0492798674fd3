//! The template body editor: a textarea over a highlight layer, a macro menu and completion.
//!
//! * Macros are highlighted by a layer behind the (transparent) textarea that holds the same
//!   text in the same font, with the macros in `<mark>`s: the operator types in a plain
//!   textarea (undo, spelling, IME and mobile keyboards all work) and sees the tokens the `sms`
//!   crate found. Unknown or unavailable macros are marked and listed with the engine's message.
//! * The macro menu (the macros of the template's procedures, grouped by source, each with its
//!   description and example) opens on right-click, on a long-press (touch screens that fire no
//!   `contextmenu`), from the "Insert macro" button and from the keyboard's menu key. Choosing
//!   inserts at the caret or over the selection and gives the focus back to the text.
//! * Typing `{` offers completion from the same macros, filtered as the name is typed.
//!
//! Everything here needs JavaScript; without it the textarea is a plain textarea.

use leptos::prelude::*;
use sms::procedure::{macros_for, Macro, MacroGroup, Procedure};
use sms::template::{self, TokenKind};
use sms::Options;
use wasm_bindgen::JsCast;

use super::texts::use_texts;
use crate::i18n::use_language;

/// How long a finger must rest on the text to open the menu.
const LONG_PRESS_MS: u64 = 550;

/// The byte index in `text` of the UTF-16 offset `utf16` (a textarea's `selectionStart`).
fn byte_at_utf16(text: &str, utf16: u32) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= utf16 as usize {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// The macro name being typed before the caret: where its `{` is (a byte index) and the name so
/// far. `None` when the caret is not right after `{` and name characters, or the brace is
/// doubled (`{{` is a literal brace).
fn typed_macro(text: &str, caret: usize) -> Option<(usize, &str)> {
    let before = text.get(..caret)?;
    let name_start = before
        .rfind(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'))
        .map_or(0, |i| i + 1);
    let brace = name_start.checked_sub(1)?;
    if before.as_bytes()[brace] != b'{' || before[..brace].ends_with('{') {
        return None;
    }
    Some((brace, &before[name_start..]))
}

/// The macros of `groups` for a name typed so far: those starting with it, then those
/// containing it elsewhere, each in menu order.
fn completions(groups: &[MacroGroup], typed: &str) -> Vec<Macro> {
    let all = groups.iter().flat_map(|g| g.macros.iter().copied());
    let (mut starting, containing): (Vec<Macro>, Vec<Macro>) = all
        .filter(|m| m.name().contains(typed))
        .partition(|m| m.name().starts_with(typed));
    starting.extend(containing);
    starting
}

fn utf16_len(text: &str) -> u32 {
    text.encode_utf16().count() as u32
}

/// Completion in progress: the UTF-16 range from the `{` to the caret, and the name typed.
#[derive(Debug, Clone, PartialEq)]
struct Typed {
    start: u32,
    end: u32,
    name: String,
}

#[component]
pub fn TemplateEditor(
    body: RwSignal<String>,
    #[prop(into)] procedures: Signal<Vec<Procedure>>,
    /// The textarea's id, for its `<label>`.
    id: &'static str,
    #[prop(into)] invalid: Signal<bool>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let layer = NodeRef::<leptos::html::Div>::new();
    let parsed = Memo::new(move |_| template::parse(&body.read()));
    let tokens = Memo::new(move |_| parsed.with(|p| template::tokens(p, &procedures.read())));
    let problems = Memo::new(move |_| parsed.with(|p| template::check(p, &procedures.read())));
    let estimate = Memo::new(move |_| {
        parsed.with(|p| template::estimate(p, &procedures.read(), &Options::default()))
    });
    let groups = Memo::new(move |_| macros_for(&procedures.read()));

    // The macro menu: where it opens (viewport coordinates) and the selection it replaces.
    let menu_at = RwSignal::new(None::<(i32, i32)>);
    let replace = StoredValue::new((0u32, 0u32));
    let typed = RwSignal::new(None::<Typed>);
    let matches = Memo::new(move |_| {
        typed.with(|typed| {
            typed.as_ref().map_or_else(Vec::new, |typed| {
                groups.with(|g| completions(g, &typed.name))
            })
        })
    });
    let highlighted = RwSignal::new(0usize);
    let press = StoredValue::new(None::<TimeoutHandle>);
    // Set when a long-press opened the menu, so lifting the finger does not also click.
    let pressed_open = StoredValue::new(false);

    let selection = move || {
        textarea.get_untracked().map_or((0, 0), |el| {
            (
                el.selection_start().ok().flatten().unwrap_or(0),
                el.selection_end().ok().flatten().unwrap_or(0),
            )
        })
    };
    // Replaces `start..end` (UTF-16) with `text`, leaves the caret after it, focused.
    let insert = move |text: &str, start: u32, end: u32| {
        let Some(el) = textarea.get_untracked() else {
            return;
        };
        let _ = el.focus();
        let _ = el.set_range_text_with_start_and_end_and_mode(text, start, end, "end");
        body.set(el.value());
        typed.set(None);
    };
    let open_menu = move |x: i32, y: i32| {
        replace.set_value(selection());
        typed.set(None);
        menu_at.set(Some((x, y)));
    };
    let close_menu = move || {
        menu_at.set(None);
        if let Some(el) = textarea.get_untracked() {
            let _ = el.focus();
        }
    };
    let choose = move |m: Macro| {
        let (start, end) = replace.get_value();
        menu_at.set(None);
        insert(&format!("{{{}}}", m.name()), start, end);
    };
    // Completion follows the text before the caret.
    let update_typed = move || {
        let Some(el) = textarea.get_untracked() else {
            return;
        };
        let value = el.value();
        let caret = el.selection_start().ok().flatten().unwrap_or(0);
        let found = typed_macro(&value, byte_at_utf16(&value, caret)).map(|(brace, name)| Typed {
            start: utf16_len(&value[..brace]),
            end: caret,
            name: name.to_string(),
        });
        if found.is_none() || typed.with_untracked(|t| t.is_none()) {
            highlighted.set(0);
        }
        typed.set(found);
    };
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let count = matches.with_untracked(Vec::len);
        if typed.with_untracked(Option::is_none) || count == 0 {
            return;
        }
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                highlighted.update(|h| *h = (*h + 1) % count);
            }
            "ArrowUp" => {
                ev.prevent_default();
                highlighted.update(|h| *h = (*h + count - 1) % count);
            }
            "Enter" | "Tab" => {
                ev.prevent_default();
                let m = matches.with_untracked(|m| m[highlighted.get_untracked().min(count - 1)]);
                if let Some(range) = typed.get_untracked() {
                    insert(&format!("{{{}}}", m.name()), range.start, range.end);
                }
            }
            "Escape" => {
                ev.prevent_default();
                typed.set(None);
            }
            _ => {}
        }
    };
    let on_contextmenu = move |ev: web_sys::MouseEvent| {
        ev.prevent_default();
        // The keyboard's menu key reports no pointer position: open under the text's corner.
        let (x, y) = match (ev.client_x(), ev.client_y()) {
            (0, 0) => textarea.get_untracked().map_or((0, 0), |el| {
                let rect = el.get_bounding_client_rect();
                (rect.left() as i32, rect.top() as i32 + 24)
            }),
            point => point,
        };
        open_menu(x, y);
    };
    let cancel_press = move || {
        if let Some(handle) = press.get_value() {
            handle.clear();
            press.set_value(None);
        }
    };
    let on_touchstart = move |ev: web_sys::TouchEvent| {
        cancel_press();
        let Some(touch) = ev.touches().get(0) else {
            return;
        };
        let (x, y) = (touch.client_x(), touch.client_y());
        let handle = set_timeout_with_handle(
            move || {
                press.set_value(None);
                pressed_open.set_value(true);
                open_menu(x, y);
            },
            std::time::Duration::from_millis(LONG_PRESS_MS),
        );
        press.set_value(handle.ok());
    };
    let on_touchend = move |ev: web_sys::TouchEvent| {
        cancel_press();
        if pressed_open.get_value() {
            pressed_open.set_value(false);
            // The click this touch would make lands on the menu's backdrop and closes it.
            ev.prevent_default();
        }
    };
    let on_button = move |ev: web_sys::MouseEvent| {
        let rect = ev
            .current_target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .map(|el| el.get_bounding_client_rect());
        let (x, y) = rect.map_or((0, 0), |r| (r.left() as i32, r.bottom() as i32 + 4));
        open_menu(x, y);
    };
    let sync_scroll = move |_| {
        if let (Some(el), Some(layer)) = (textarea.get_untracked(), layer.get_untracked()) {
            layer.set_scroll_top(el.scroll_top());
        }
    };
    let select_problem = move |start: u32, end: u32| {
        if let Some(el) = textarea.get_untracked() {
            let _ = el.focus();
            let _ = el.set_selection_range(start, end);
        }
    };

    view! {
        <div class="template-editor">
            <div class="editor-field">
                <div node_ref=layer class="highlight-layer" aria-hidden="true">
                    {move || body.with(|text| tokens.with(|tokens| tokens.iter().map(|token| {
                        let piece = text.get(token.span.start as usize..token.span.end as usize).unwrap_or_default().to_string();
                        match (token.kind, &token.problem) {
                            (TokenKind::Text, _) => view! { <span>{piece}</span> }.into_any(),
                            (_, None) => view! { <mark class="macro">{piece}</mark> }.into_any(),
                            (_, Some(_)) => view! { <mark class="macro bad">{piece}</mark> }.into_any(),
                        }
                    }).collect_view()))}
                    // Keeps a last empty line as tall as in the textarea.
                    " "
                </div>
                <textarea node_ref=textarea id=id rows="6" spellcheck="true"
                    aria-describedby=format!("{id}-estimate {id}-problems") aria-invalid=move || invalid.get().to_string()
                    aria-autocomplete="list" aria-controls=format!("{id}-completion")
                    aria-expanded=move || (!matches.with(Vec::is_empty)).to_string()
                    aria-activedescendant=move || (!matches.with(Vec::is_empty)).then(|| format!("{id}-completion-{}", highlighted.get()))
                    prop:value=body
                    on:input=move |ev| { body.set(event_target_value(&ev)); update_typed(); }
                    on:click=move |_| update_typed()
                    on:blur=move |_| typed.set(None)
                    on:keydown=on_keydown on:contextmenu=on_contextmenu on:scroll=sync_scroll
                    on:touchstart=on_touchstart on:touchmove=move |_| cancel_press()
                    on:touchend=on_touchend on:touchcancel=move |_| cancel_press()>
                    {body.get_untracked()}
                </textarea>
            </div>
            <ul id=format!("{id}-completion") class="completion" role="listbox" aria-label=t.macros_title
                hidden=move || matches.with(Vec::is_empty)>
                {move || matches.get().into_iter().enumerate().map(|(i, m)| {
                    let info = m.info();
                    view! {
                        <li id=format!("{id}-completion-{i}") role="option"
                            aria-selected=move || (highlighted.get() == i).to_string()
                            // Before the textarea's blur closes the list.
                            on:mousedown=move |ev| {
                                ev.prevent_default();
                                if let Some(range) = typed.get_untracked() {
                                    insert(&format!("{{{}}}", m.name()), range.start, range.end);
                                }
                            }>
                            <code>{format!("{{{}}}", info.name)}</code>
                            <span class="description">{lang.pick(&info.description)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="editor-tools">
                <button type="button" class="secondary insert-macro" aria-haspopup="menu"
                    aria-expanded=move || menu_at.get().is_some().to_string() on:click=on_button>
                    {t.insert_macro}
                </button>
                <p class="hint">{t.editor_hint}</p>
            </div>
            <p id=format!("{id}-estimate") class="estimate" aria-live="polite">
                {move || estimate.with(|e| (t.template_estimate)(e.characters, e.min_segments, e.max_segments))}
            </p>
            <ul id=format!("{id}-problems") class="template-problems" aria-live="polite">
                {move || problems.get().into_iter().map(|problem| {
                    let (start, end) = (problem.span.start_utf16, problem.span.end_utf16);
                    view! {
                        <li>
                            <button type="button" class="link" on:click=move |_| select_problem(start, end)>
                                {lang.pick(&problem.message())}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <MacroMenu groups at=menu_at on_choose=choose on_close=close_menu />
        </div>
    }
}

/// The macro menu, grouped by source. Arrow keys, Home and End move, Enter chooses, Escape and
/// Tab close; on a phone it is a sheet at the bottom of the screen (CSS).
#[component]
fn MacroMenu(
    groups: Memo<Vec<MacroGroup>>,
    at: RwSignal<Option<(i32, i32)>>,
    #[prop(into)] on_choose: Callback<Macro>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let t = use_texts();
    let lang = use_language();
    let items = Memo::new(move |_| {
        groups.with(|g| g.iter().flat_map(|g| g.macros.clone()).collect::<Vec<_>>())
    });
    let active = RwSignal::new(0usize);
    let focus = move |i: usize| {
        active.set(i);
        if let Some(el) = document()
            .get_element_by_id(&format!("macro-item-{i}"))
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    };
    // The first macro takes the focus when the menu opens.
    Effect::new(move |_| {
        if at.get().is_some() {
            request_animation_frame(move || focus(0));
        }
    });
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let count = items.with_untracked(Vec::len).max(1);
        let now = active.get_untracked();
        match ev.key().as_str() {
            "ArrowDown" => focus((now + 1) % count),
            "ArrowUp" => focus((now + count - 1) % count),
            "Home" => focus(0),
            "End" => focus(count - 1),
            "Escape" | "Tab" => on_close.run(()),
            _ => return,
        }
        ev.prevent_default();
    };
    // Opens towards the larger part of the screen, kept inside it.
    let style = move || {
        let Some((x, y)) = at.get() else {
            return String::new();
        };
        let (width, height) = (
            window()
                .inner_width()
                .ok()
                .and_then(|w| w.as_f64())
                .unwrap_or(1024.0) as i32,
            window()
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(768.0) as i32,
        );
        let left = x.min(width - 340).max(8);
        if y > height / 2 {
            format!("left:{left}px;bottom:{}px", height - y)
        } else {
            format!("left:{left}px;top:{y}px")
        }
    };
    move || {
        at.get().is_some().then(|| {
            let mut index = 0;
            view! {
                <div class="menu-backdrop" on:click=move |_| on_close.run(())
                    on:contextmenu=move |ev| { ev.prevent_default(); on_close.run(()); }></div>
                <div class="macro-menu" role="menu" aria-label=t.macros_title style=style on:keydown=on_keydown>
                    {groups.with(|g| g.is_empty()).then(|| view! { <p class="hint">{t.no_macros}</p> })}
                    {groups.get().into_iter().map(|group| {
                        let heading = format!("macro-group-{index}");
                        let labelled_by = heading.clone();
                        view! {
                            <div role="group" aria-labelledby=labelled_by>
                                <p class="menu-heading" id=heading>{lang.pick(&group.source.name())}</p>
                                {group.macros.into_iter().map(|m| {
                                    let i = index;
                                    index += 1;
                                    let info = m.info();
                                    view! {
                                        <button type="button" role="menuitem" class="macro-item" id=format!("macro-item-{i}")
                                            tabindex=move || if active.get() == i { "0" } else { "-1" }
                                            on:click=move |_| on_choose.run(m)>
                                            <code>{format!("{{{}}}", info.name)}</code>
                                            <span class="description">{lang.pick(&info.description)}</span>
                                            <span class="example">{t.example_prefix}" "{info.example}</span>
                                        </button>
                                    }
                                }).collect_view()}
                            </div>
                        }
                    }).collect_view()}
                </div>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_map_to_bytes() {
        let text = "Zażółć 😀 {imie}";
        assert_eq!(byte_at_utf16(text, 0), 0);
        assert_eq!(byte_at_utf16(text, 3), "Zaż".len());
        // The emoji is two UTF-16 units.
        assert_eq!(byte_at_utf16(text, 10), "Zażółć 😀 ".len());
        assert_eq!(byte_at_utf16(text, 999), text.len());
    }

    #[test]
    fn completion_starts_after_a_single_brace() {
        let text = "Dzień {im";
        assert_eq!(typed_macro(text, text.len()), Some(("Dzień ".len(), "im")));
        // Only the text before the caret counts.
        assert_eq!(
            typed_macro(text, text.len() - 1),
            Some(("Dzień ".len(), "i"))
        );
        assert_eq!(typed_macro("{", 1), Some((0, "")));
        assert_eq!(typed_macro("a {{im", 6), None);
        assert_eq!(typed_macro("a {im ie", 8), None);
        assert_eq!(
            typed_macro("{kontrahent.ni", 14),
            Some((0, "kontrahent.ni"))
        );
        assert_eq!(typed_macro("bez", 3), None);
    }

    #[test]
    fn completions_prefer_names_starting_with_the_typed_text() {
        let groups = macros_for(&[Procedure::SalesInvoiceForm]);
        let found = completions(&groups, "d");
        assert_eq!(found[..2], [Macro::IssueDate, Macro::SubjectCode]);
        assert!(!found.contains(&Macro::Email));
        let all: usize = groups.iter().map(|g| g.macros.len()).sum();
        assert_eq!(completions(&groups, "").len(), all);
    }
}
