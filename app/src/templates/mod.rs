//! SMS templates: a name, a body with macros, and the procedures (places in the ERP) it is
//! attached to, at most one default per procedure. The template engine itself (parsing,
//! checking, rendering, estimates) is the `sms` crate's; this module stores templates, lets
//! administrators configure them and gives the composer the templates of its procedure.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use sms::procedure::Procedure;
use sms::template;

use crate::error::{Field, FieldError, Problem, Result};

pub mod editor;
mod form;
mod list;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;

pub use form::TemplatePage as TemplateFormPage;
pub use list::TemplatesPage;

/// A template attached to a procedure, and whether it is that procedure's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub procedure: Procedure,
    pub is_default: bool,
}

/// A template as the administrator writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateInput {
    pub name: String,
    pub body: String,
    pub procedures: Vec<Attachment>,
}

impl TemplateInput {
    /// A template attached to each of `procedures`, as its default where the flag says so.
    pub fn new(name: &str, body: &str, procedures: &[(Procedure, bool)]) -> TemplateInput {
        TemplateInput {
            name: name.to_string(),
            body: body.to_string(),
            procedures: procedures
                .iter()
                .map(|&(procedure, is_default)| Attachment {
                    procedure,
                    is_default,
                })
                .collect(),
        }
    }

    pub fn procedure_ids(&self) -> Vec<Procedure> {
        self.procedures.iter().map(|a| a.procedure).collect()
    }
}

/// A stored, visible template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub id: i64,
    pub template: TemplateInput,
}

impl Template {
    pub fn is_default_for(&self, procedure: Procedure) -> bool {
        self.template
            .procedures
            .iter()
            .any(|a| a.procedure == procedure && a.is_default)
    }
}

/// The configuration list: the templates found, and whether this operator may change them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateList {
    pub templates: Vec<Template>,
    pub can_edit: bool,
}

/// What to list: the templates of one procedure (or all), whose name contains `q` ignoring case
/// and Polish letters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateQuery {
    #[serde(default)]
    pub procedure: Option<Procedure>,
    #[serde(default)]
    pub q: String,
}

/// A change of one template's place in one procedure, from the configuration list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttachmentChange {
    Attach,
    Detach,
    MakeDefault,
    ClearDefault,
}

/// What removing a template did: one that messages were written with is kept for their history,
/// hidden from every list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateRemoval {
    Deleted,
    Hidden,
}

pub mod limits {
    pub const NAME: usize = 100;
    /// Enough for the longest message (10 parts) with room for macros written out.
    pub const BODY: usize = 2000;
}

/// A template that passed the checks: trimmed name, each procedure once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidTemplate(pub TemplateInput);

/// Checks a template, in the browser for a quick answer and on the server. The body must parse
/// and use only the macros its procedures offer: a template that can never be filled is no use.
pub fn check_template(input: &TemplateInput) -> Result<ValidTemplate, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut template = input.clone();
    template.name = template.name.trim().to_string();
    if template.name.is_empty() {
        errors.push(FieldError::new(Field::Name, Problem::Required));
    } else if template.name.chars().count() > limits::NAME {
        let max = limits::NAME as u32;
        errors.push(FieldError::new(Field::Name, Problem::TooLong { max }));
    }
    let mut seen = Vec::new();
    template.procedures.retain(|a| {
        let first = !seen.contains(&a.procedure);
        seen.push(a.procedure);
        first
    });
    if template.procedures.is_empty() {
        errors.push(FieldError::new(Field::Procedures, Problem::Required));
    }
    if template.body.trim().is_empty() {
        errors.push(FieldError::new(Field::Body, Problem::Required));
    } else if template.body.chars().count() > limits::BODY {
        let max = limits::BODY as u32;
        errors.push(FieldError::new(Field::Body, Problem::TooLong { max }));
    } else if !template.procedures.is_empty() {
        let problems = template::check(&template::parse(&template.body), &seen);
        if !problems.is_empty() {
            errors.push(FieldError::new(
                Field::Body,
                Problem::TemplateErrors(problems),
            ));
        }
    }
    if errors.is_empty() {
        Ok(ValidTemplate(template))
    } else {
        Err(errors)
    }
}

#[server(endpoint = "list_templates")]
pub async fn list_templates(query: TemplateQuery) -> Result<TemplateList> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let templates = ssr::list(&crate::ssr::app_state().db, operator.company_id, &query).await?;
        Ok(TemplateList {
            templates,
            can_edit: operator.is_administrator(),
        })
    })
    .await
}

/// The templates the composer offers for `procedure`, the default marked.
#[server(endpoint = "procedure_templates")]
pub async fn procedure_templates(procedure: Procedure) -> Result<Vec<Template>> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let query = TemplateQuery {
            procedure: Some(procedure),
            q: String::new(),
        };
        ssr::list(&crate::ssr::app_state().db, operator.company_id, &query).await
    })
    .await
}

#[server(endpoint = "get_template")]
pub async fn get_template(id: i64) -> Result<TemplateList> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_operator()?;
        let mut conn = crate::ssr::app_state().db.pool.acquire().await?;
        let template = ssr::get(&mut conn, operator.company_id, id).await?;
        Ok(TemplateList {
            templates: vec![template],
            can_edit: operator.is_administrator(),
        })
    })
    .await
}

/// Adds (`id` None) or changes a template. Administrators only.
#[server(endpoint = "save_template")]
pub async fn save_template(id: Option<i64>, template: TemplateInput) -> Result<i64> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        let valid = check_template(&template).map_err(crate::error::AppError::InvalidFields)?;
        let mut tx = crate::ssr::app_state().db.begin_write().await?;
        let id = ssr::save(&mut tx, operator.company_id, id, &valid).await?;
        tx.commit().await?;
        tracing::info!(
            template_id = id,
            operator_id = operator.id,
            "template saved"
        );
        Ok(id)
    })
    .await
}

#[server(endpoint = "remove_template")]
pub async fn remove_template(id: i64) -> Result<TemplateRemoval> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        let mut tx = crate::ssr::app_state().db.begin_write().await?;
        let removal = ssr::remove(&mut tx, operator.company_id, id).await?;
        tx.commit().await?;
        tracing::info!(
            template_id = id,
            operator_id = operator.id,
            ?removal,
            "template removed"
        );
        Ok(removal)
    })
    .await
}

/// Attaches, detaches, or makes (un)default one template in one procedure. Posted by small
/// forms on the configuration list, so it works without JavaScript.
#[server(endpoint = "change_attachment")]
pub async fn change_attachment(
    id: i64,
    procedure: Procedure,
    change: AttachmentChange,
) -> Result<()> {
    crate::error::respond(async move {
        let operator = crate::auth::ssr::require_administrator()?;
        let mut tx = crate::ssr::app_state().db.begin_write().await?;
        ssr::change_attachment(&mut tx, operator.company_id, id, procedure, change).await?;
        tx.commit().await?;
        tracing::info!(
            template_id = id,
            procedure = procedure.id(),
            ?change,
            "template attachment changed"
        );
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, body: &str, procedures: &[Procedure]) -> TemplateInput {
        let attached: Vec<(Procedure, bool)> = procedures.iter().map(|&p| (p, false)).collect();
        TemplateInput::new(name, body, &attached)
    }

    #[test]
    fn a_valid_template_is_trimmed_and_each_procedure_kept_once() {
        let mut template = input(
            "  Przypomnienie ",
            "Faktura {numer_dokumentu}, {imie|Szanowni Państwo}",
            &[Procedure::SalesInvoiceForm, Procedure::SalesInvoiceForm],
        );
        template.procedures[1].is_default = true;
        let ValidTemplate(valid) = check_template(&template).unwrap();
        assert_eq!(valid.name, "Przypomnienie");
        assert_eq!(valid.procedure_ids(), [Procedure::SalesInvoiceForm]);
        // The first mention wins.
        assert!(!valid.procedures[0].is_default);
    }

    #[test]
    fn macros_must_be_known_and_offered_by_the_procedures() {
        let errors = check_template(&input(
            "",
            "Faktura {numer_dokumentu} dla {nieznane} {",
            &[Procedure::SmsForm],
        ))
        .unwrap_err();
        assert_eq!(errors[0], FieldError::new(Field::Name, Problem::Required));
        let Problem::TemplateErrors(problems) = &errors[1].problem else {
            panic!("{errors:?}");
        };
        let texts: Vec<&str> = problems.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["{numer_dokumentu}", "{nieznane}", "{"]);
        // Attached to the invoice form too, the document number is available.
        let errors = check_template(&input(
            "x",
            "Faktura {numer_dokumentu}",
            &[Procedure::SmsForm, Procedure::SalesInvoiceForm],
        ));
        assert!(errors.is_ok());
    }

    #[test]
    fn a_template_needs_a_procedure_and_a_body() {
        let errors = check_template(&input("x", " ", &[])).unwrap_err();
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::Procedures, Field::Body]);
    }
}
