//! `/address-book/import`: choose a file, see how it was read, map its columns, see every row's
//! errors, then import the valid rows or the whole file. Reading a file needs JavaScript; the
//! page says so when it is off.

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use super::texts::use_texts;
use super::{
    CommitImport, Format, ImportFile, ImportOptions, ImportPreview, PreviewImport, RowReport,
    Target, MAX_FILE_BYTES, MAX_FILE_MB, MAX_REPORTED,
};
use crate::address_book::SubjectKind;
use crate::error::{problem_message, AppError, Field, Problem};
use crate::i18n::use_language;
use crate::layout::ErrorMessage;

#[component]
pub fn ImportPage() -> impl IntoView {
    let t = use_texts();
    let address_book_t = crate::address_book::texts::use_texts();
    let lang = use_language();
    // Effects run in the browser only: until then the file input cannot do anything.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    let file = RwSignal::new(None::<ImportFile>);
    let kind = RwSignal::new(SubjectKind::Contractor);
    let update_existing = RwSignal::new(false);
    let mapping = RwSignal::new(None::<Vec<Target>>);
    let reading = RwSignal::new(false);
    let file_error = RwSignal::new(None::<AppError>);
    let preview = ServerAction::<PreviewImport>::new();
    let commit = ServerAction::<CommitImport>::new();

    let options = move || ImportOptions {
        kind: kind.get_untracked(),
        mapping: mapping.get_untracked(),
        update_existing: update_existing.get_untracked(),
    };
    // Every change of the file or the options is checked again by the server.
    let refresh = move || {
        if let Some(file) = file.get_untracked() {
            commit.value().set(None);
            preview.dispatch(PreviewImport {
                file,
                options: options(),
            });
        }
    };
    let import = move |skip_bad_rows: bool| {
        if let Some(file) = file.get_untracked() {
            commit.dispatch(CommitImport {
                file,
                options: options(),
                skip_bad_rows,
            });
        }
    };

    let on_file = move |ev: web_sys::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(chosen) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        file_error.set(None);
        if chosen.size() > MAX_FILE_BYTES as f64 {
            let max_mb = MAX_FILE_MB;
            file_error.set(Some(AppError::invalid(
                Field::File,
                Problem::FileTooLarge { max_mb },
            )));
            return;
        }
        let Ok(reader) = web_sys::FileReader::new() else {
            return;
        };
        let name = chosen.name();
        let loaded = reader.clone();
        let on_load = Closure::once_into_js(move || {
            reading.set(false);
            let url = loaded
                .result()
                .ok()
                .and_then(|r| r.as_string())
                .unwrap_or_default();
            // A data URL, "data:text/csv;base64,…": the bytes follow the comma.
            let content = url
                .split_once(',')
                .map(|(_, b)| b.to_string())
                .unwrap_or_default();
            file.set(Some(ImportFile { name, content }));
            mapping.set(None);
            refresh();
        });
        reader.set_onload(Some(on_load.unchecked_ref()));
        reading.set(true);
        if reader.read_as_data_url(&chosen).is_err() {
            reading.set(false);
            file_error.set(Some(AppError::invalid(
                Field::File,
                Problem::UnreadableFile,
            )));
        }
    };

    let imported = move || {
        commit
            .value()
            .with(|v| matches!(v, Some(Ok(o)) if !o.rejected))
    };

    // A new mapping renders the preview anew; give the changed select its focus back, so an
    // operator mapping columns with the keyboard stays where they were.
    let refocus = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        preview.value().track();
        if let Some(id) = refocus.get_untracked() {
            let element = document().get_element_by_id(&id);
            if let Some(select) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = select.focus();
            }
        }
    });

    view! {
            <h1>{t.import_title}</h1>
            <p class="needs-js notice" role="note">{t.import_needs_js}</p>
            <p class="hint">{t.import_intro}</p>
            <form class="import-form" on:submit=|ev| ev.prevent_default()>
                <label for="import-file">{t.import_file_label}</label>
                <input id="import-file" type="file" accept=".csv,.txt,.vcf,text/csv,text/vcard"
                    disabled=move || !hydrated.get() on:change=on_file />
                <label for="import-kind">{t.import_kind_label}</label>
                <select id="import-kind" disabled=move || !hydrated.get()
                    on:change=move |ev| {
                        kind.set(SubjectKind::parse(&event_target_value(&ev)).unwrap_or(SubjectKind::Contractor));
                        refresh();
                    }>
                    {SubjectKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=move || kind.get() == k>{(address_book_t.subject_kind_plural)(k)}</option>
                    }).collect_view()}
                </select>
                <label class="checkbox">
                    <input type="checkbox" disabled=move || !hydrated.get()
                        prop:checked=move || update_existing.get()
                        on:change=move |ev| {
                            update_existing.set(event_target_checked(&ev));
                            refresh();
                        } />
                    {t.import_update_existing}
                </label>
            </form>
            <ErrorMessage error=file_error />
            {move || (reading.get() || preview.pending().get()).then(|| view! { <p role="status">{t.import_reading}</p> })}
            {move || match preview.value().get() {
                None => None,
                Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any()),
                Some(Ok(_)) if imported() => None,
                Some(Ok(p)) => Some(view! {
                    <PreviewView preview=p
                        on_map=move |column, target| {
                            let mut changed = preview.value().with_untracked(|v| match v {
                                Some(Ok(p)) => p.mapping.clone(),
                                _ => Vec::new(),
                            });
                            if let Some(slot) = changed.get_mut(column) {
                                *slot = target;
                            }
                            refocus.set(Some(mapping_select_id(column)));
                            mapping.set(Some(changed));
                            refresh();
                        }
                        pending=commit.pending()
                        on_import=import />
                }.into_any()),
            }}
            {move || commit.value().get().map(|result| match result {
                Err(e) => view! { <p class="error" role="alert">{e.message(lang)}</p> }.into_any(),
                Ok(o) if o.rejected => view! {
                    <p class="error" role="alert">{t.import_rejected}</p>
                    <ErrorReport errors=o.errors />
                }.into_any(),
                Ok(o) => view! {
                    <p class="notice" role="status">{(t.import_done)(&o)}</p>
                    {(!o.errors.is_empty()).then(|| view! { <ErrorReport errors=o.errors.clone() /> })}
                    <p><a class="button primary" href=format!("/address-book?kind={}", kind.get_untracked().as_str())>{t.import_back}</a></p>
                }.into_any(),
            })}
    }
}

#[component]
fn PreviewView(
    preview: ImportPreview,
    on_map: impl Fn(usize, Target) + Copy + Send + Sync + 'static,
    pending: Memo<bool>,
    on_import: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let t = use_texts();
    let address_book_t = crate::address_book::texts::use_texts();
    let counts = preview.counts;
    let generated_codes = preview.format == Format::Csv && !preview.mapping.contains(&Target::Code);
    let more_errors = counts.invalid as usize > preview.errors.len();
    // "Import" writes the whole file or nothing, so it waits until every row is valid.
    let has_errors = counts.invalid != 0;
    let has_valid = counts.valid() != 0;
    view! {
        <section class="import-preview" aria-labelledby="import-summary">
            <p id="import-summary" class="import-summary">
                {(t.import_read_as)(preview.format, &preview.encoding, preview.delimiter)}" "
                <strong>{(t.import_counts)(counts)}</strong>
            </p>
            {(preview.format == Format::Csv).then(|| view! {
                <fieldset class="mapping">
                    <legend>{t.import_mapping_title}</legend>
                    {preview.columns.iter().enumerate().map(|(column, header)| {
                        let id = mapping_select_id(column);
                        let chosen = preview.mapping.get(column).copied().unwrap_or(Target::Ignore);
                        let sample = preview.samples.get(column).cloned().unwrap_or_default();
                        view! {
                            <div class="mapping-row">
                                <label for=id.clone()>
                                    <span class="column-name">{header.clone()}</span>
                                    <span class="sample">{sample}</span>
                                </label>
                                <select id=id on:change=move |ev| {
                                    on_map(column, Target::from_key(&event_target_value(&ev)).unwrap_or(Target::Ignore))
                                }>
                                    {Target::ALL.into_iter().map(|target| view! {
                                        <option value=target.key() selected=target == chosen>{(t.import_target)(target)}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                        }
                    }).collect_view()}
                    {generated_codes.then(|| view! { <p class="hint">{t.import_generated_codes}</p> })}
                </fieldset>
            })}
            <h2>{t.import_preview_title}</h2>
            <table class="cards import-rows">
                <thead><tr>
                    <th>{t.col_line}</th><th>{address_book_t.code_label}</th><th>{address_book_t.name_label}</th>
                    <th>{address_book_t.sms_phone_label}</th><th>{address_book_t.email_label}</th><th>{t.col_status}</th>
                </tr></thead>
                <tbody>
                    {preview.rows.into_iter().map(|row| view! {
                        <tr class=format!("row-{:?}", row.status).to_lowercase()>
                            <td data-label=t.col_line>{row.line}</td>
                            <td data-label=address_book_t.code_label class="code">{row.subject.code}</td>
                            <td data-label=address_book_t.name_label>{row.subject.name}</td>
                            <td data-label=address_book_t.sms_phone_label class="phone">{sms::format_display(&row.subject.sms_phone)}</td>
                            <td data-label=address_book_t.email_label>{row.subject.email}</td>
                            <td data-label=t.col_status class="status">{(t.import_row_status)(row.status)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {(!preview.errors.is_empty()).then(|| view! {
                <h2>{t.import_errors_title}</h2>
                <ErrorReport errors=preview.errors.clone() />
                {more_errors.then(|| view! { <p class="hint">{(t.import_more_errors)(MAX_REPORTED as u32)}</p> })}
            })}
            <div class="buttons">
                <button type="button" class="primary"
                    disabled=move || pending.get() || !has_valid
                    on:click=move |_| on_import(true)>
                    {(t.import_valid_button)(counts.valid())}
                </button>
                <button type="button"
                    disabled=move || pending.get() || has_errors || !has_valid
                    aria-describedby=has_errors.then_some("import-all-blocked")
                    on:click=move |_| on_import(false)>
                    {t.import_all_button}
                </button>
            </div>
            {has_errors.then(|| view! { <p id="import-all-blocked" class="hint">{t.import_all_blocked}</p> })}
        </section>
    }
}

fn mapping_select_id(column: usize) -> String {
    format!("map-{column}")
}

/// Every problem of every reported row: row number, code, field and message.
#[component]
fn ErrorReport(errors: Vec<RowReport>) -> impl IntoView {
    let t = use_texts();
    let address_book_t = crate::address_book::texts::use_texts();
    let lang = use_language();
    view! {
        <table class="cards import-errors">
            <thead><tr>
                <th>{t.col_line}</th><th>{address_book_t.code_label}</th><th>{t.col_field}</th><th>{t.col_problem}</th>
            </tr></thead>
            <tbody>
                {errors.into_iter().flat_map(|report| {
                    report.errors.into_iter().map(move |e| view! {
                        <tr>
                            <td data-label=t.col_line>{report.line}</td>
                            <td data-label=address_book_t.code_label class="code">{report.code.clone()}</td>
                            <td data-label=t.col_field>{e.field.name(lang)}</td>
                            <td data-label=t.col_problem>{problem_message(&e.problem, lang)}</td>
                        </tr>
                    })
                }).collect_view()}
            </tbody>
        </table>
    }
}
