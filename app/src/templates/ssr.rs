//! Template storage and the values macros are filled with. Every query is scoped to the
//! company; writes take the caller's connection so a change commits or fails as a whole.
//!
//! At most one default per company and procedure is kept by a partial unique index; making a
//! template the default first clears the previous one in the same transaction.

use std::collections::BTreeMap;

use sms::procedure::Procedure;
use sms::template::Context;
use sqlx::AnyConnection;

use super::{
    Attachment, AttachmentChange, Template, TemplateInput, TemplateQuery, TemplateRemoval,
    ValidTemplate,
};
use crate::address_book::SubjectKind;
use crate::auth::ssr::Operator;
use crate::composer::ssr::MessageLinks;
use crate::error::{AppError, Field, FieldError, Problem, Result};
use crate::input::fold_for_search;
use crate::ssr::{now_ms, Db};

#[derive(sqlx::FromRow)]
struct TemplateRow {
    id: i64,
    name: String,
    body: String,
}

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    template_id: i64,
    procedure: String,
    is_default: i64,
}

/// The company's visible templates matching the query, by name. A company has tens of
/// templates, so the name filter and the sort (ignoring case and Polish letters, the same on
/// both databases) are done here rather than in SQL.
pub async fn list(db: &Db, company_id: i64, query: &TemplateQuery) -> Result<Vec<Template>> {
    crate::input::search_query(&query.q)?;
    let procedure = query.procedure.map(Procedure::id).unwrap_or("");
    let rows: Vec<TemplateRow> = sqlx::query_as(
        "SELECT t.id, t.name, t.body FROM templates t \
         WHERE t.company_id = $1 AND t.hidden = 0 AND ($2 = '' OR EXISTS ( \
             SELECT 1 FROM template_procedures p WHERE p.template_id = t.id AND p.procedure = $2))",
    )
    .bind(company_id)
    .bind(procedure)
    .fetch_all(&db.pool)
    .await?;
    let mut conn = db.pool.acquire().await?;
    let mut attachments = attachments_of(&mut conn, company_id, None).await?;
    let words: Vec<String> = fold_for_search(&query.q)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let mut templates: Vec<(String, Template)> = rows
        .into_iter()
        .filter_map(|row| {
            let folded = fold_for_search(&row.name);
            words.iter().all(|w| folded.contains(w.as_str())).then(|| {
                let template = template(row, &mut attachments);
                (folded, template)
            })
        })
        .collect();
    templates.sort_by(|(a, x), (b, y)| a.cmp(b).then(x.id.cmp(&y.id)));
    Ok(templates.into_iter().map(|(_, t)| t).collect())
}

fn template(row: TemplateRow, attachments: &mut BTreeMap<i64, Vec<Attachment>>) -> Template {
    Template {
        id: row.id,
        template: TemplateInput {
            name: row.name,
            body: row.body,
            procedures: attachments.remove(&row.id).unwrap_or_default(),
        },
    }
}

/// The procedures of the company's templates (of `template_id` only, when given), in
/// [`Procedure::ALL`] order.
async fn attachments_of(
    conn: &mut AnyConnection,
    company_id: i64,
    template_id: Option<i64>,
) -> Result<BTreeMap<i64, Vec<Attachment>>> {
    let rows: Vec<AttachmentRow> = sqlx::query_as(
        "SELECT template_id, procedure, is_default FROM template_procedures \
         WHERE company_id = $1 AND ($2 = 0 OR template_id = $2)",
    )
    .bind(company_id)
    .bind(template_id.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    let mut by_template: BTreeMap<i64, Vec<Attachment>> = BTreeMap::new();
    for row in rows {
        // A procedure this version does not know (written by a newer one) is left out.
        if let Some(procedure) = Procedure::from_id(&row.procedure) {
            by_template
                .entry(row.template_id)
                .or_default()
                .push(Attachment {
                    procedure,
                    is_default: row.is_default != 0,
                });
        }
    }
    for list in by_template.values_mut() {
        list.sort_by_key(|a| a.procedure);
    }
    Ok(by_template)
}

/// One visible template of the company.
pub async fn get(conn: &mut AnyConnection, company_id: i64, id: i64) -> Result<Template> {
    let row: TemplateRow = sqlx::query_as(
        "SELECT id, name, body FROM templates WHERE id = $1 AND company_id = $2 AND hidden = 0",
    )
    .bind(id)
    .bind(company_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let mut attachments = attachments_of(conn, company_id, Some(id)).await?;
    Ok(template(row, &mut attachments))
}

/// Adds a template (`id` None) or changes the company's template `id`, with exactly the given
/// procedures. Returns its id.
pub async fn save(
    conn: &mut AnyConnection,
    company_id: i64,
    id: Option<i64>,
    template: &ValidTemplate,
) -> Result<i64> {
    let ValidTemplate(template) = template;
    let owner: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM templates WHERE company_id = $1 AND name = $2 AND hidden = 0",
    )
    .bind(company_id)
    .bind(&template.name)
    .fetch_optional(&mut *conn)
    .await?;
    if owner.is_some() && owner != id {
        return Err(AppError::InvalidFields(vec![FieldError::new(
            Field::Name,
            Problem::NameTaken,
        )]));
    }
    let now = now_ms();
    let id: i64 =
        match id {
            None => sqlx::query_scalar(
                "INSERT INTO templates (company_id, name, body, hidden, created_at, updated_at) \
             VALUES ($1, $2, $3, 0, $4, $4) RETURNING id",
            )
            .bind(company_id)
            .bind(&template.name)
            .bind(&template.body)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?,
            Some(id) => sqlx::query_scalar(
                "UPDATE templates SET name = $1, body = $2, updated_at = $3 \
             WHERE id = $4 AND company_id = $5 AND hidden = 0 RETURNING id",
            )
            .bind(&template.name)
            .bind(&template.body)
            .bind(now)
            .bind(id)
            .bind(company_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(AppError::NotFound)?,
        };
    sqlx::query("DELETE FROM template_procedures WHERE template_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for attachment in &template.procedures {
        attach(
            conn,
            company_id,
            id,
            attachment.procedure,
            attachment.is_default,
        )
        .await?;
    }
    Ok(id)
}

/// Attaches the template to the procedure (again), as its default if `is_default`, taking the
/// default from the template that had it.
async fn attach(
    conn: &mut AnyConnection,
    company_id: i64,
    id: i64,
    procedure: Procedure,
    is_default: bool,
) -> Result<()> {
    if is_default {
        sqlx::query(
            "UPDATE template_procedures SET is_default = 0 \
             WHERE company_id = $1 AND procedure = $2 AND is_default = 1 AND template_id <> $3",
        )
        .bind(company_id)
        .bind(procedure.id())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "INSERT INTO template_procedures (template_id, company_id, procedure, is_default) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (template_id, procedure) DO UPDATE SET is_default = excluded.is_default",
    )
    .bind(id)
    .bind(company_id)
    .bind(procedure.id())
    .bind(i64::from(is_default))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One change from the configuration list. Making a template the default attaches it; a
/// template keeps at least one procedure.
pub async fn change_attachment(
    conn: &mut AnyConnection,
    company_id: i64,
    id: i64,
    procedure: Procedure,
    change: AttachmentChange,
) -> Result<()> {
    let template = get(conn, company_id, id).await?;
    let attached = template
        .template
        .procedures
        .iter()
        .any(|a| a.procedure == procedure);
    match change {
        AttachmentChange::Attach if !attached => {
            attach(conn, company_id, id, procedure, false).await?
        }
        AttachmentChange::Attach => {}
        AttachmentChange::MakeDefault => attach(conn, company_id, id, procedure, true).await?,
        AttachmentChange::ClearDefault | AttachmentChange::Detach if !attached => {}
        AttachmentChange::ClearDefault => attach(conn, company_id, id, procedure, false).await?,
        AttachmentChange::Detach => {
            if template.template.procedures.len() == 1 {
                return Err(AppError::invalid(Field::Procedures, Problem::LastProcedure));
            }
            sqlx::query(
                "DELETE FROM template_procedures WHERE template_id = $1 AND procedure = $2",
            )
            .bind(id)
            .bind(procedure.id())
            .execute(&mut *conn)
            .await?;
        }
    }
    sqlx::query("UPDATE templates SET updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Deletes the company's template `id`, or hides it (detached from every procedure, its name
/// free again) if messages were written with it.
pub async fn remove(conn: &mut AnyConnection, company_id: i64, id: i64) -> Result<TemplateRemoval> {
    let used: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM messages WHERE template_id = $1) \
         FROM templates WHERE id = $1 AND company_id = $2 AND hidden = 0",
    )
    .bind(id)
    .bind(company_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    sqlx::query("DELETE FROM template_procedures WHERE template_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if used > 0 {
        sqlx::query("UPDATE templates SET hidden = 1, updated_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(TemplateRemoval::Hidden)
    } else {
        sqlx::query("DELETE FROM templates WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(TemplateRemoval::Deleted)
    }
}

/// The values the macros of a message are filled with: the operator's company; the recipient
/// subject's code, name, phone and e-mail, its ERP fields as `kontrahent.…` paths and the
/// representative's name; the document's or task's fields the message is about.
pub async fn context_for(
    conn: &mut AnyConnection,
    operator: &Operator,
    links: &MessageLinks,
) -> Result<Context> {
    let mut context = Context::new().with("firma", operator.company_name.as_str());
    if let Some((name, _)) = crate::sender_names::ssr::in_use(conn, operator.company_id).await? {
        context.insert("nadawca", name);
    }
    if let Some(id) = links.document_id {
        let document = crate::documents::ssr::by_id(conn, operator.company_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        crate::documents::ssr::add_macro_values(&mut context, &document.document);
    }
    if let Some(id) = links.task_id {
        let task = crate::tasks::ssr::by_id(conn, operator.company_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        crate::tasks::ssr::add_macro_values(&mut context, &task);
    }
    let Some(subject_id) = links.subject_id else {
        return Ok(context);
    };
    let subject = crate::address_book::ssr::get(conn, operator.company_id, subject_id)
        .await?
        .subject;
    // Only an ERP field names a person's first name reliably; for employees (people, not
    // firms) the first word of the name is it.
    let first_name = subject.attributes.get("imie").cloned().or_else(|| {
        (subject.kind == SubjectKind::Employee)
            .then(|| subject.name.split_whitespace().next().map(str::to_string))
            .flatten()
    });
    if let Some(first_name) = first_name {
        context.insert("imie", first_name);
    }
    if let Some(id) = links.representative_id {
        // A representative of another subject (or company) is as unknown as a missing one.
        let representative = (subject.representatives.iter().flatten())
            .find(|r| r.id == Some(id))
            .ok_or(AppError::NotFound)?;
        context.insert("przedstawiciel", representative.name.as_str());
    }
    for (key, value) in &subject.attributes {
        context.insert(format!("kontrahent.{key}"), value.as_str());
    }
    context.insert("kontrahent.nip", subject.nip.as_str());
    context.insert("kontrahent.adres", subject.address.as_str());
    let phone = sms::format_display(&subject.sms_phone);
    let fields = [
        ("podmiot", "kod", subject.code),
        ("nazwa", "nazwa", subject.name),
        ("telefon", "telefon", phone),
        ("email", "email", subject.email),
    ];
    for (name, path, value) in fields {
        context.insert(format!("kontrahent.{path}"), value.as_str());
        context.insert(name, value);
    }
    Ok(context)
}
