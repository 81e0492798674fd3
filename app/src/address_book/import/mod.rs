//! Importing subjects into the address book from CSV files (Polish ERP and Excel exports) and
//! vCard files (phones' contact exports). The server reads the file and checks every row with
//! the same rules as the subject form; the page shows a preview, lets the operator map columns
//! and then commits: valid rows together, in one transaction, or nothing.
//!
//! The browser sends the file with both calls (preview and commit) rather than the server
//! keeping it between them: no upload storage to clean up, and any server of several can answer.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::{SubjectInput, SubjectKind};
use crate::error::{FieldError, Result};

#[cfg(feature = "ssr")]
mod analyze;
#[cfg(feature = "ssr")]
mod decode;
#[cfg(feature = "ssr")]
mod mapping;
mod page;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
mod table;
pub mod texts;
#[cfg(feature = "ssr")]
mod vcard;

pub use page::ImportPage;

/// Largest file accepted, in megabytes.
pub const MAX_FILE_MB: u32 = 5;
pub const MAX_FILE_BYTES: usize = MAX_FILE_MB as usize * 1024 * 1024;
/// Largest request of the import's server functions: the file in base64 (4 bytes for every 3)
/// inside JSON, with room for the options and column mapping.
pub const MAX_REQUEST_BYTES: usize = MAX_FILE_BYTES / 3 * 4 + 4 + 256 * 1024;
/// The paths of the import's server functions, which alone take a file.
pub const UPLOAD_PATHS: [&str; 2] = ["/api/import_preview", "/api/import_commit"];
/// Most rows (or contacts) in one file.
pub const MAX_ROWS: usize = 20_000;
/// Rows the preview shows.
pub const PREVIEW_ROWS: usize = 10;
/// Rows with errors the report lists; the counts cover all of them.
pub const MAX_REPORTED: usize = 200;

/// What a column of the file is imported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Ignore,
    Code,
    Name,
    Phone,
    Email,
    Address,
    Nip,
    Notes,
    /// Kontrahent, pracownik, urząd, bank; empty cells take the kind chosen for the import.
    Kind,
    ExternalId,
    /// A contractor's representative (przedstawiciel), added or matched by name.
    RepresentativeName,
    RepresentativePhone,
}

impl Target {
    pub const ALL: [Target; 12] = [
        Target::Ignore,
        Target::Code,
        Target::Name,
        Target::Phone,
        Target::Email,
        Target::Address,
        Target::Nip,
        Target::Notes,
        Target::Kind,
        Target::ExternalId,
        Target::RepresentativeName,
        Target::RepresentativePhone,
    ];

    /// The value of its option in the mapping selects.
    pub fn key(self) -> &'static str {
        match self {
            Target::Ignore => "ignore",
            Target::Code => "code",
            Target::Name => "name",
            Target::Phone => "phone",
            Target::Email => "email",
            Target::Address => "address",
            Target::Nip => "nip",
            Target::Notes => "notes",
            Target::Kind => "kind",
            Target::ExternalId => "external_id",
            Target::RepresentativeName => "representative_name",
            Target::RepresentativePhone => "representative_phone",
        }
    }

    pub fn from_key(key: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.key() == key)
    }
}

/// An uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportFile {
    pub name: String,
    /// The bytes in base64, as the browser's data URL carries them.
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    /// The kind of the imported subjects (rows may name their own in a kind column).
    pub kind: SubjectKind,
    /// One target per column; `None` takes the suggested mapping. vCard files have their own.
    pub mapping: Option<Vec<Target>>,
    /// Rows whose code is already in the address book update that subject (only the mapped
    /// fields); otherwise they are errors.
    pub update_existing: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    Csv,
    VCard,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowStatus {
    New,
    Update,
    Invalid,
}

/// One row as it would be imported: the subject as read (normalized when valid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub line: u32,
    pub status: RowStatus,
    pub subject: SubjectInput,
}

/// A row that cannot be imported, with every problem and its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowReport {
    pub line: u32,
    pub code: String,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub new: u32,
    pub update: u32,
    pub invalid: u32,
}

impl Counts {
    pub fn valid(&self) -> u32 {
        self.new + self.update
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub format: Format,
    /// The encoding the file was read in, e.g. "windows-1250".
    pub encoding: String,
    /// CSV: the delimiter found.
    pub delimiter: Option<char>,
    /// CSV: the header row; the mapping has one target per column.
    pub columns: Vec<String>,
    /// CSV: the first row's values, to recognise the columns by.
    pub samples: Vec<String>,
    pub mapping: Vec<Target>,
    /// The first `PREVIEW_ROWS` rows.
    pub rows: Vec<PreviewRow>,
    /// The first `MAX_REPORTED` rows with errors.
    pub errors: Vec<RowReport>,
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOutcome {
    pub created: u32,
    pub updated: u32,
    /// Rows with errors left out (when skipping them was chosen).
    pub skipped: u32,
    /// Nothing was written: rows had errors and skipping them was not chosen.
    pub rejected: bool,
    /// The rows with errors (the first `MAX_REPORTED`).
    pub errors: Vec<RowReport>,
}

/// Reads the file and checks every row; writes nothing.
#[server(endpoint = "import_preview", input = Json)]
pub async fn preview_import(file: ImportFile, options: ImportOptions) -> Result<ImportPreview> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        ssr::preview(
            &crate::ssr::app_state().db,
            operator.company_id,
            file,
            options,
        )
        .await
    })
    .await
}

/// Imports the file in one transaction: every valid row, or nothing if a row has errors and
/// `skip_bad_rows` is false.
#[server(endpoint = "import_commit", input = Json)]
pub async fn commit_import(
    file: ImportFile,
    options: ImportOptions,
    skip_bad_rows: bool,
) -> Result<ImportOutcome> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let name = file.name.clone();
        let outcome = ssr::commit(
            &crate::ssr::app_state().db,
            operator.company_id,
            file,
            options,
            skip_bad_rows,
        )
        .await?;
        tracing::info!(
            operator_id = operator.id,
            file = %name,
            created = outcome.created,
            updated = outcome.updated,
            skipped = outcome.skipped,
            rejected = outcome.rejected,
            "address book import"
        );
        Ok(outcome)
    })
    .await
}
