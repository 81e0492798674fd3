//! E-mail in the database: accounts with sealed passwords, templates and their files, the
//! queue the server's outbox sends from (claimed with a lease, so several servers send each
//! e-mail once), and the list.

use sms::procedure::Procedure;
use sqlx::AnyConnection;

use super::{
    AccountView, EmailSettings, EmailStart, EmailStatus, EmailTemplate, FileRef, FilledTemplate,
    SentEmail, Tls, ValidAccount,
};
use crate::auth::ssr::Operator;
use crate::composer::ssr::MessageLinks;
use crate::error::{AppError, Field, FieldError, Problem, Result};
use crate::sealing::SealingKey;
use crate::ssr::{local_time, Db, Placeholders};

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    host: String,
    port: i64,
    tls: String,
    login: String,
    password_sealed: String,
    from_name: String,
    from_address: String,
}

impl From<AccountRow> for AccountView {
    fn from(row: AccountRow) -> Self {
        AccountView {
            id: row.id,
            host: row.host,
            port: row.port as u16,
            tls: Tls::parse(&row.tls).unwrap_or_default(),
            login: row.login,
            has_password: !row.password_sealed.is_empty(),
            from_name: row.from_name,
            from_address: row.from_address,
        }
    }
}

const ACCOUNT: &str =
    "SELECT id, host, port, tls, login, password_sealed, from_name, from_address \
                       FROM email_accounts";

/// The company's account (`operator_id` None) or the operator's own in the company.
async fn account(
    conn: &mut AnyConnection,
    company_id: i64,
    operator_id: Option<i64>,
) -> Result<Option<AccountRow>> {
    let row = sqlx::query_as(&format!(
        "{ACCOUNT} WHERE company_id = $1 AND COALESCE(operator_id, 0) = $2"
    ))
    .bind(company_id)
    .bind(operator_id.unwrap_or(0))
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// The account mail `operator_id` writes goes from: their own, else the company's.
pub async fn account_of(
    conn: &mut AnyConnection,
    company_id: i64,
    operator_id: i64,
) -> Result<Option<AccountView>> {
    if let Some(own) = account(&mut *conn, company_id, Some(operator_id)).await? {
        return Ok(Some(own.into()));
    }
    company_account(conn, company_id).await
}

pub async fn company_account(
    conn: &mut AnyConnection,
    company_id: i64,
) -> Result<Option<AccountView>> {
    Ok(account(conn, company_id, None)
        .await?
        .map(AccountView::from))
}

/// The company's account with this id (the company's or one of its operators').
pub async fn account_by_id(
    conn: &mut AnyConnection,
    company_id: i64,
    id: i64,
) -> Result<Option<AccountView>> {
    let row: Option<AccountRow> =
        sqlx::query_as(&format!("{ACCOUNT} WHERE company_id = $1 AND id = $2"))
            .bind(company_id)
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(AccountView::from))
}

/// Every account of the company, the company's first, with whose it is.
pub async fn accounts(
    conn: &mut AnyConnection,
    company_id: i64,
) -> Result<Vec<(AccountView, Option<String>)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        account: AccountRow,
        operator_name: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.id, a.host, a.port, a.tls, a.login, a.password_sealed, a.from_name, \
                a.from_address, o.name AS operator_name \
         FROM email_accounts a LEFT JOIN operators o ON o.id = a.operator_id \
         WHERE a.company_id = $1 ORDER BY a.operator_id IS NOT NULL, o.name",
    )
    .bind(company_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.account.into(), row.operator_name))
        .collect())
}

pub async fn settings(db: &Db, operator: &Operator) -> Result<EmailSettings> {
    let mut conn = db.pool.acquire().await?;
    let company = account(&mut conn, operator.company_id, None).await?;
    let own = account(&mut conn, operator.company_id, Some(operator.id)).await?;
    let templates = templates(&mut conn, operator.company_id, None).await?;
    Ok(EmailSettings {
        company: company.map(AccountView::from),
        own: own.map(AccountView::from),
        templates,
        is_administrator: operator.is_administrator(),
    })
}

/// Saves the company's account, or with `own` the operator's; an empty password keeps the one
/// stored.
pub async fn save_account(
    db: &Db,
    key: &SealingKey,
    operator: &Operator,
    own: bool,
    valid: &ValidAccount,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let owner = own.then_some(operator.id);
    let stored = account(&mut tx, operator.company_id, owner).await?;
    let password = match (valid.password.is_empty(), &stored) {
        (true, Some(stored)) => stored.password_sealed.clone(),
        (true, None) => String::new(),
        (false, _) => key.seal(&valid.password),
    };
    let now = crate::ssr::now_ms();
    match stored {
        Some(stored) => {
            sqlx::query(
                "UPDATE email_accounts SET host = $1, port = $2, tls = $3, login = $4, \
                        password_sealed = $5, from_name = $6, from_address = $7, updated_at = $8 \
                 WHERE id = $9",
            )
            .bind(&valid.host)
            .bind(i64::from(valid.port))
            .bind(valid.tls.as_str())
            .bind(&valid.login)
            .bind(&password)
            .bind(&valid.from_name)
            .bind(&valid.from_address)
            .bind(now)
            .bind(stored.id)
            .execute(&mut *tx)
            .await?;
        }
        None => {
            sqlx::query(
                "INSERT INTO email_accounts (company_id, operator_id, host, port, tls, login, \
                        password_sealed, from_name, from_address, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(operator.company_id)
            .bind(owner)
            .bind(&valid.host)
            .bind(i64::from(valid.port))
            .bind(valid.tls.as_str())
            .bind(&valid.login)
            .bind(&password)
            .bind(&valid.from_name)
            .bind(&valid.from_address)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

pub async fn remove_account(db: &Db, operator: &Operator, own: bool) -> Result<()> {
    let sql = match own {
        true => "DELETE FROM email_accounts WHERE company_id = $1 AND operator_id = $2",
        false => {
            "DELETE FROM email_accounts WHERE company_id = $1 AND operator_id IS NULL \
                  AND $2 = $2"
        }
    };
    sqlx::query(sql)
        .bind(operator.company_id)
        .bind(operator.id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A template as it is saved.
pub struct TemplateInput<'a> {
    pub name: &'a str,
    pub procedure: Procedure,
    pub title: &'a str,
    pub body: &'a str,
    pub is_default: bool,
}

/// Creates (`id` 0) or changes the company's template; a new default takes the place of the
/// procedure's old one.
pub async fn save_template(
    db: &Db,
    company_id: i64,
    id: i64,
    input: &TemplateInput<'_>,
) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM email_templates WHERE company_id = $1 AND name = $2 AND id <> $3",
    )
    .bind(company_id)
    .bind(input.name)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if taken.is_some() {
        return Err(AppError::invalid(Field::Name, Problem::NameTaken));
    }
    if input.is_default {
        sqlx::query(
            "UPDATE email_templates SET is_default = 0 \
             WHERE company_id = $1 AND procedure = $2 AND id <> $3",
        )
        .bind(company_id)
        .bind(input.procedure.id())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    let now = crate::ssr::now_ms();
    let saved: Option<i64> = match id {
        0 => sqlx::query_scalar(
            "INSERT INTO email_templates (company_id, procedure, name, title, body, is_default, \
                    updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        ),
        _ => sqlx::query_scalar(
            "UPDATE email_templates SET procedure = $2, name = $3, title = $4, body = $5, \
                    is_default = $6, updated_at = $7 WHERE company_id = $1 AND id = $8 RETURNING id",
        ),
    }
    .bind(company_id)
    .bind(input.procedure.id())
    .bind(input.name)
    .bind(input.title)
    .bind(input.body)
    .bind(i64::from(input.is_default))
    .bind(now)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let saved = saved.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(saved)
}

/// Deletes the company's template; e-mail sent with it keeps its text.
pub async fn delete_template(db: &Db, company_id: i64, id: i64) -> Result<()> {
    let deleted = sqlx::query("DELETE FROM email_templates WHERE company_id = $1 AND id = $2")
        .bind(company_id)
        .bind(id)
        .execute(&db.pool)
        .await?
        .rows_affected();
    match deleted {
        0 => Err(AppError::NotFound),
        _ => Ok(()),
    }
}

/// The company's templates, of one procedure or all, defaults first.
pub async fn templates(
    conn: &mut AnyConnection,
    company_id: i64,
    procedure: Option<Procedure>,
) -> Result<Vec<EmailTemplate>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        procedure: String,
        name: String,
        title: String,
        body: String,
        is_default: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, procedure, name, title, body, is_default FROM email_templates \
         WHERE company_id = $1 AND ($2 = '' OR procedure = $2) ORDER BY is_default DESC, name",
    )
    .bind(company_id)
    .bind(procedure.map(Procedure::id).unwrap_or_default())
    .fetch_all(&mut *conn)
    .await?;
    let mut templates = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(procedure) = Procedure::from_id(&row.procedure) else {
            continue;
        };
        templates.push(EmailTemplate {
            files: template_files(&mut *conn, row.id).await?,
            id: row.id,
            procedure,
            name: row.name,
            title: row.title,
            body: row.body,
            is_default: row.is_default != 0,
        });
    }
    Ok(templates)
}

async fn template_files(conn: &mut AnyConnection, template_id: i64) -> Result<Vec<FileRef>> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT f.id, f.name, f.size FROM email_template_files t JOIN files f ON f.id = t.file_id \
         WHERE t.template_id = $1 ORDER BY f.name",
    )
    .bind(template_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, size)| FileRef { id, name, size })
        .collect())
}

/// The company's template by id.
pub async fn template(conn: &mut AnyConnection, company_id: i64, id: i64) -> Result<EmailTemplate> {
    (templates(conn, company_id, None).await?.into_iter())
        .find(|t| t.id == id)
        .ok_or(AppError::NotFound)
}

/// A file as it is stored.
pub struct NewFile<'a> {
    pub name: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
}

/// Attachments larger than this are refused: mail servers commonly refuse messages over 10 MB.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

pub async fn insert_file(
    conn: &mut AnyConnection,
    company_id: i64,
    file: &NewFile<'_>,
) -> Result<i64> {
    let mut errors = vec![];
    let name = crate::input::text(&mut errors, Field::File, file.name, true, 200);
    if file.content.is_empty() {
        errors.push(FieldError::new(Field::File, Problem::EmptyFile));
    } else if file.content.len() > MAX_FILE_BYTES {
        let max_mb = (MAX_FILE_BYTES / 1024 / 1024) as u32;
        errors.push(FieldError::new(
            Field::File,
            Problem::FileTooLarge { max_mb },
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::InvalidFields(errors));
    }
    let content_type = match file.content_type.trim() {
        "" => "application/octet-stream",
        given => given,
    };
    let id = sqlx::query_scalar(
        "INSERT INTO files (company_id, name, content_type, content, size, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(company_id)
    .bind(name)
    .bind(content_type)
    .bind(file.content.to_vec())
    .bind(file.content.len() as i64)
    .bind(crate::ssr::now_ms())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn attach_to_template(
    db: &Db,
    company_id: i64,
    template_id: i64,
    file: &NewFile<'_>,
) -> Result<()> {
    let mut tx = db.begin_write().await?;
    template(&mut tx, company_id, template_id).await?;
    let file_id = insert_file(&mut tx, company_id, file).await?;
    sqlx::query("INSERT INTO email_template_files (template_id, file_id) VALUES ($1, $2)")
        .bind(template_id)
        .bind(file_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn detach_from_template(
    db: &Db,
    company_id: i64,
    template_id: i64,
    file_id: i64,
) -> Result<()> {
    sqlx::query(
        "DELETE FROM email_template_files WHERE template_id = $1 AND file_id = $2 \
         AND template_id IN (SELECT id FROM email_templates WHERE company_id = $3)",
    )
    .bind(template_id)
    .bind(file_id)
    .bind(company_id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Makes `file` the printout of the company's document with this external id (the host ERP
/// pushes it); returns the file's id.
pub async fn set_printout(
    db: &Db,
    company_id: i64,
    external_id: &str,
    file: &NewFile<'_>,
) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let document_id: i64 =
        sqlx::query_scalar("SELECT id FROM documents WHERE company_id = $1 AND external_id = $2")
            .bind(company_id)
            .bind(external_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
    let file_id = insert_file(&mut tx, company_id, file).await?;
    sqlx::query("UPDATE documents SET printout_file_id = $1 WHERE id = $2")
        .bind(file_id)
        .bind(document_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(file_id)
}

async fn printout(
    conn: &mut AnyConnection,
    company_id: i64,
    document_id: i64,
) -> Result<Option<FileRef>> {
    let row: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT f.id, f.name, f.size FROM documents d JOIN files f ON f.id = d.printout_file_id \
         WHERE d.company_id = $1 AND d.id = $2",
    )
    .bind(company_id)
    .bind(document_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(id, name, size)| FileRef { id, name, size }))
}

fn mailbox(account: &AccountView) -> String {
    format!("{} <{}>", account.from_name, account.from_address)
}

/// What the e-mail form opens with.
pub async fn start(db: &Db, operator: &Operator, about: super::About) -> Result<EmailStart> {
    let mut conn = db.pool.acquire().await?;
    let (procedure, label) = procedure_of(&mut conn, operator.company_id, about).await?;
    let to = match about.subject_id {
        Some(id) => {
            let email: Option<Option<String>> =
                sqlx::query_scalar("SELECT email FROM subjects WHERE company_id = $1 AND id = $2")
                    .bind(operator.company_id)
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?;
            email.ok_or(AppError::NotFound)?.unwrap_or_default()
        }
        None => String::new(),
    };
    let printout = match about.document_id {
        Some(id) => printout(&mut conn, operator.company_id, id).await?,
        None => None,
    };
    let from = account_of(&mut conn, operator.company_id, operator.id).await?;
    Ok(EmailStart {
        to,
        about_label: label,
        templates: templates(&mut conn, operator.company_id, Some(procedure)).await?,
        printout,
        from: from.as_ref().map(mailbox),
    })
}

/// The procedure an e-mail about a document or task is written from, and what to call it.
async fn procedure_of(
    conn: &mut AnyConnection,
    company_id: i64,
    about: super::About,
) -> Result<(Procedure, Option<String>)> {
    let topic = crate::composer::About {
        document_id: about.document_id,
        task_id: about.task_id,
    };
    let info = crate::composer::ssr::topic(conn, company_id, topic).await?;
    Ok(match info {
        Some(info) => {
            let label = match info.topic {
                crate::composer::Topic::Document { number, .. } => number,
                crate::composer::Topic::Task { title, .. } => title,
            };
            (info.procedure, Some(label))
        }
        None => (Procedure::SmsForm, None),
    })
}

fn links(about: super::About, procedure: Procedure) -> MessageLinks {
    MessageLinks {
        subject_id: about.subject_id,
        document_id: about.document_id,
        task_id: about.task_id,
        procedure: Some(procedure),
        ..MessageLinks::default()
    }
}

/// A template's subject and body with their macros filled, refused naming each macro that
/// cannot be filled.
pub async fn render(
    conn: &mut AnyConnection,
    operator: &Operator,
    template: &EmailTemplate,
    links: &MessageLinks,
) -> Result<(String, String)> {
    let context = crate::templates::ssr::context_for(conn, operator, links).await?;
    let procedures = [template.procedure];
    let fill = |field: Field, text: &str| {
        sms::template::render(&sms::template::parse(text), &context, &procedures)
            .into_result()
            .map_err(|e| AppError::invalid(field, Problem::UnfilledMacros(e.problems)))
    };
    Ok((
        fill(Field::EmailTitle, &template.title)?,
        fill(Field::Body, &template.body)?,
    ))
}

pub async fn fill_template(
    db: &Db,
    operator: &Operator,
    template_id: i64,
    about: super::About,
) -> Result<FilledTemplate> {
    let mut conn = db.pool.acquire().await?;
    let template = template(&mut conn, operator.company_id, template_id).await?;
    let (procedure, _) = procedure_of(&mut conn, operator.company_id, about).await?;
    let (title, body) = render(&mut conn, operator, &template, &links(about, procedure)).await?;
    Ok(FilledTemplate {
        title,
        body,
        files: template.files,
    })
}

/// An e-mail an operator wrote.
pub struct Outgoing {
    pub to: String,
    pub title: String,
    pub body: String,
    pub about: super::About,
    pub template_id: Option<i64>,
    pub files: Vec<i64>,
}

pub fn check_outgoing(mail: &Outgoing) -> Result<()> {
    let mut errors = vec![];
    crate::input::text(&mut errors, Field::Email, &mail.to, true, 254);
    if !mail.to.is_empty() && !crate::input::looks_like_email(&mail.to) {
        errors.push(FieldError::new(Field::Email, Problem::InvalidEmail));
    }
    crate::input::text(&mut errors, Field::EmailTitle, &mail.title, true, 200);
    crate::input::text(&mut errors, Field::Body, &mail.body, true, 100_000);
    match errors.is_empty() {
        true => Ok(()),
        false => Err(AppError::InvalidFields(errors)),
    }
}

/// An e-mail as it is queued.
pub struct NewEmail<'a> {
    pub company_id: i64,
    pub operator_id: Option<i64>,
    pub account_id: i64,
    pub to: &'a str,
    pub subject_id: Option<i64>,
    pub document_id: Option<i64>,
    pub task_id: Option<i64>,
    pub template_id: Option<i64>,
    pub title: &'a str,
    pub body: &'a str,
    pub files: &'a [i64],
    pub now: i64,
}

/// Queues an e-mail in the caller's transaction; the files must be the company's.
pub async fn queue(conn: &mut AnyConnection, mail: &NewEmail<'_>) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO emails (company_id, operator_id, account_id, to_address, subject_id, \
                document_id, task_id, template_id, title, body, status, next_attempt_at, \
                created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued', $11, $11) RETURNING id",
    )
    .bind(mail.company_id)
    .bind(mail.operator_id)
    .bind(mail.account_id)
    .bind(mail.to)
    .bind(mail.subject_id)
    .bind(mail.document_id)
    .bind(mail.task_id)
    .bind(mail.template_id)
    .bind(mail.title)
    .bind(mail.body)
    .bind(mail.now)
    .fetch_one(&mut *conn)
    .await?;
    for file_id in mail.files {
        let added = sqlx::query(
            "INSERT INTO email_files (email_id, file_id) \
             SELECT $1, id FROM files WHERE id = $2 AND company_id = $3",
        )
        .bind(id)
        .bind(file_id)
        .bind(mail.company_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if added == 0 {
            return Err(AppError::NotFound);
        }
    }
    Ok(id)
}

/// Queues what the operator wrote, from their own account or else the company's.
pub async fn send_as_operator(
    db: &Db,
    operator: &Operator,
    mail: &Outgoing,
    now: i64,
) -> Result<i64> {
    let mut tx = db.begin_write().await?;
    let account = account_of(&mut tx, operator.company_id, operator.id)
        .await?
        .ok_or_else(|| AppError::invalid(Field::FromAddress, Problem::NoEmailAccount))?;
    // Links to another company's records are refused like the SMS form's.
    let (procedure, _) = procedure_of(&mut tx, operator.company_id, mail.about).await?;
    if let Some(id) = mail.about.subject_id {
        crate::address_book::ssr::get(&mut tx, operator.company_id, id).await?;
    }
    if let Some(id) = mail.template_id {
        let template = template(&mut tx, operator.company_id, id).await?;
        if template.procedure != procedure {
            tracing::debug!(id, "a template of another procedure");
        }
    }
    let id = queue(
        &mut tx,
        &NewEmail {
            company_id: operator.company_id,
            operator_id: Some(operator.id),
            account_id: account.id,
            to: &mail.to,
            subject_id: mail.about.subject_id,
            document_id: mail.about.document_id,
            task_id: mail.about.task_id,
            template_id: mail.template_id,
            title: &mail.title,
            body: &mail.body,
            files: &mail.files,
            now,
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(email_id = id, "e-mail queued");
    Ok(id)
}

/// E-mails the list shows per page.
const LIST_PAGE: i64 = 50;

/// The company's e-mail, newest first, before the id `before`.
pub async fn list(db: &Db, company_id: i64, before: Option<i64>) -> Result<Vec<SentEmail>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        created_at: i64,
        to_address: String,
        title: String,
        body: String,
        status: String,
        attempts: i64,
        error: Option<String>,
        from_name: Option<String>,
        from_address: Option<String>,
        subject_name: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT e.id, e.created_at, e.to_address, e.title, e.body, e.status, e.attempts, e.error, \
                a.from_name, a.from_address, s.name AS subject_name \
         FROM emails e LEFT JOIN email_accounts a ON a.id = e.account_id \
         LEFT JOIN subjects s ON s.id = e.subject_id \
         WHERE e.company_id = $1 AND e.id < $2 ORDER BY e.id DESC LIMIT $3",
    )
    .bind(company_id)
    .bind(before.unwrap_or(i64::MAX))
    .bind(LIST_PAGE)
    .fetch_all(&db.pool)
    .await?;
    let mut conn = db.pool.acquire().await?;
    let mut emails = Vec::with_capacity(rows.len());
    for row in rows {
        let files: Vec<String> = sqlx::query_scalar(
            "SELECT f.name FROM email_files e JOIN files f ON f.id = e.file_id \
             WHERE e.email_id = $1 ORDER BY f.name",
        )
        .bind(row.id)
        .fetch_all(&mut *conn)
        .await?;
        emails.push(SentEmail {
            id: row.id,
            created: local_time(row.created_at),
            to: row.to_address,
            from: match (row.from_name, row.from_address) {
                (Some(name), Some(address)) => format!("{name} <{address}>"),
                _ => String::new(),
            },
            title: row.title,
            body: row.body,
            status: EmailStatus::parse(&row.status),
            attempts: row.attempts,
            error: row.error,
            files,
            subject_name: row.subject_name,
        });
    }
    Ok(emails)
}

/// An attachment as it is sent.
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// An e-mail claimed for sending.
pub struct Due {
    pub id: i64,
    pub attempts: i64,
    /// The account it goes from, its password opened (for the outbox only).
    pub smtp: Option<ValidAccount>,
    pub to: String,
    pub title: String,
    pub body: String,
    pub files: Vec<Attachment>,
}

/// How long a server may take over one e-mail before another may try it.
const LEASE_MS: i64 = 120_000;
/// Tries of a temporary failure, and the waits after each (then it has failed).
const RETRY_AFTER_MS: [i64; 4] = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

/// Claims up to `limit` e-mails due now, for `LEASE_MS`.
pub async fn claim_due(db: &Db, key: &SealingKey, now: i64, limit: i64) -> Result<Vec<Due>> {
    let mut tx = db.begin_write().await?;
    let ids: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM emails WHERE status = 'queued' AND next_attempt_at <= $1 \
         AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_attempt_at, id LIMIT $2{}",
        db.skip_locked()
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut p = Placeholders::new(db.backend);
    let lease = p.one();
    let list = p.list(ids.len());
    let sql = format!("UPDATE emails SET lease_until = {lease} WHERE id IN ({list})");
    let mut update = sqlx::query(&sql).bind(now + LEASE_MS);
    for id in &ids {
        update = update.bind(id);
    }
    update.execute(&mut *tx).await?;
    let mut due = Vec::with_capacity(ids.len());
    for id in ids {
        #[derive(sqlx::FromRow)]
        struct Row {
            attempts: i64,
            to_address: String,
            title: String,
            body: String,
            host: Option<String>,
            port: Option<i64>,
            tls: Option<String>,
            login: Option<String>,
            password_sealed: Option<String>,
            from_name: Option<String>,
            from_address: Option<String>,
        }
        let row: Row = sqlx::query_as(
            "SELECT e.attempts, e.to_address, e.title, e.body, a.host, a.port, a.tls, a.login, \
                    a.password_sealed, a.from_name, a.from_address \
             FROM emails e LEFT JOIN email_accounts a ON a.id = e.account_id WHERE e.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let files: Vec<(String, String, Vec<u8>)> = sqlx::query_as(
            "SELECT f.name, f.content_type, f.content FROM email_files e \
             JOIN files f ON f.id = e.file_id WHERE e.email_id = $1 ORDER BY f.id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let smtp = match (row.host, row.from_address) {
            (Some(host), Some(from_address)) => Some(ValidAccount {
                host,
                port: row.port.unwrap_or(587) as u16,
                tls: Tls::parse(row.tls.as_deref().unwrap_or_default()).unwrap_or_default(),
                login: row.login.unwrap_or_default(),
                password: (row.password_sealed.as_deref())
                    .filter(|s| !s.is_empty())
                    .and_then(|sealed| key.open(sealed))
                    .unwrap_or_default(),
                from_name: row.from_name.unwrap_or_default(),
                from_address,
            }),
            _ => None,
        };
        due.push(Due {
            id,
            attempts: row.attempts,
            smtp,
            to: row.to_address,
            title: row.title,
            body: row.body,
            files: (files.into_iter())
                .map(|(name, content_type, content)| Attachment {
                    name,
                    content_type,
                    content,
                })
                .collect(),
        });
    }
    tx.commit().await?;
    Ok(due)
}

/// What became of one attempt.
pub enum Attempt {
    Sent,
    /// The server refused for good (5xx), or the mail cannot be sent at all.
    Refused(String),
    /// The server is down or answered 4xx: tried again later, up to the last wait.
    Temporary(String),
}

/// Records an attempt; a temporary failure waits for the next try or, after the last, fails.
pub async fn record(db: &Db, due: &Due, attempt: Attempt, now: i64) -> Result<EmailStatus> {
    let attempts = due.attempts + 1;
    let (status, error, next) = match attempt {
        Attempt::Sent => (EmailStatus::Sent, None, now),
        Attempt::Refused(error) => (EmailStatus::Failed, Some(error), now),
        Attempt::Temporary(error) => match RETRY_AFTER_MS.get(due.attempts as usize) {
            Some(wait) => (EmailStatus::Queued, Some(error), now + wait),
            None => (EmailStatus::Failed, Some(error), now),
        },
    };
    sqlx::query(
        "UPDATE emails SET status = $1, error = $2, attempts = $3, next_attempt_at = $4, \
                lease_until = NULL, sent_at = $5 WHERE id = $6",
    )
    .bind(status.as_str())
    .bind(error)
    .bind(attempts)
    .bind(next)
    .bind((status == EmailStatus::Sent).then_some(now))
    .bind(due.id)
    .execute(&db.pool)
    .await?;
    Ok(status)
}
