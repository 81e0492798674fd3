//! The import's storage: the company's codes for the checks, and the commit in one transaction.

use sqlx::AnyConnection;

use super::analyze::{self, CheckedRow, Existing, Plan, Source};
use super::{ImportFile, ImportOptions, ImportOutcome, ImportPreview, RowReport, MAX_REPORTED};
use crate::address_book::{check_subject, ssr as store, SubjectKind};
use crate::error::{AppError, Result};
use crate::phone::ssr::validate;
use crate::ssr::Db;

/// The company's subjects by kind and code.
async fn existing(conn: &mut AnyConnection, company_id: i64) -> Result<Existing> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, kind, code FROM subjects WHERE company_id = $1")
            .bind(company_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, kind, code)| Some(((SubjectKind::parse(&kind)?, code), id)))
        .collect())
}

pub async fn preview(
    db: &Db,
    company_id: i64,
    file: ImportFile,
    options: ImportOptions,
) -> Result<ImportPreview> {
    let mut conn = db.pool.acquire().await?;
    let existing = existing(&mut conn, company_id).await?;
    let (source, rows) = checked(file, options, existing).await?;
    Ok(analyze::preview(source, &rows))
}

/// Reads and checks the file away from the async workers: the phone checks of 20,000 rows
/// take a while.
async fn checked(
    file: ImportFile,
    options: ImportOptions,
    existing: Existing,
) -> Result<(Source, Vec<CheckedRow>)> {
    tokio::task::spawn_blocking(move || {
        let source = analyze::read(&file, &options)?;
        let rows = analyze::check_rows(&source, &options, &existing, validate);
        Ok((source, rows))
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "import check failed");
        AppError::Internal
    })?
}

/// Imports the valid rows in one transaction. With `skip_bad_rows` false, a row with errors
/// (found by the checks, or only while writing, e.g. an external id another subject has)
/// leaves the address book as it was.
pub async fn commit(
    db: &Db,
    company_id: i64,
    file: ImportFile,
    options: ImportOptions,
    skip_bad_rows: bool,
) -> Result<ImportOutcome> {
    let mut tx = db.begin_write().await?;
    // Checked again inside the transaction: the codes may have changed since the preview.
    let existing = existing(&mut tx, company_id).await?;
    let (_, rows) = checked(file, options, existing).await?;
    let mut outcome = ImportOutcome {
        created: 0,
        updated: 0,
        skipped: 0,
        rejected: false,
        errors: analyze::reports(&rows),
    };
    let invalid = analyze::counts(&rows).invalid;
    if invalid > 0 && !skip_bad_rows {
        // Dropping the transaction rolls it back; nothing was written yet anyway.
        outcome.rejected = true;
        return Ok(outcome);
    }
    outcome.skipped = invalid;
    for row in rows {
        match write(&mut tx, company_id, &row).await {
            Ok(Written::Created) => outcome.created += 1,
            Ok(Written::Updated) => outcome.updated += 1,
            Ok(Written::Skipped) => {}
            Err(AppError::InvalidFields(errors)) => {
                if outcome.errors.len() < MAX_REPORTED {
                    outcome.errors.push(RowReport {
                        line: row.line,
                        code: row.subject.code.clone(),
                        errors,
                    });
                }
                if !skip_bad_rows {
                    return Ok(ImportOutcome {
                        created: 0,
                        updated: 0,
                        rejected: true,
                        ..outcome
                    });
                }
                outcome.skipped += 1;
            }
            Err(e) => return Err(e),
        }
    }
    tx.commit().await?;
    Ok(outcome)
}

enum Written {
    Created,
    Updated,
    Skipped,
}

/// Writes one row. The store's own checks answer `InvalidFields` before writing anything, so
/// a refused row leaves the transaction usable (PostgreSQL aborts one on a failed statement).
async fn write(conn: &mut AnyConnection, company_id: i64, row: &CheckedRow) -> Result<Written> {
    match &row.plan {
        Plan::New(valid) => {
            store::save(conn, company_id, None, valid).await?;
            Ok(Written::Created)
        }
        Plan::Update { id, values } => {
            let mut subject = store::get(conn, company_id, *id).await?.subject;
            super::mapping::apply(values, &mut subject);
            let valid = check_subject(&subject, validate).map_err(AppError::InvalidFields)?;
            store::save(conn, company_id, Some(*id), &valid).await?;
            Ok(Written::Updated)
        }
        Plan::Invalid(_) => Ok(Written::Skipped),
    }
}
