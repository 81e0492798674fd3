//! The OpenAPI 3.1 description of the API, written by hand as JSON: no macro crate, nothing
//! added to the wasm build, and the document reads like what the ERP developer gets. A test
//! checks it against the router (`server/tests/api.rs`), so it cannot fall behind.

use axum::Json;
use serde_json::{json, Value};

use super::records::{DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET};
use super::MAX_BATCH;

pub async fn serve() -> Json<Value> {
    Json(document())
}

/// The kinds of record, as (path segment, schema name, schema of a list's row); each gets the
/// same four operations (`records.rs`).
const RECORDS: [(&str, &str, &str); 3] = [
    ("subjects", "Subject", "SubjectSummary"),
    ("documents", "Document", "Document"),
    ("tasks", "Task", "Task"),
];

pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    paths.insert(
        "/openapi.json".into(),
        json!({ "get": {
            "operationId": "openapi",
            "summary": "This document",
            "security": [],
            "responses": { "200": { "description": "OpenAPI 3.1 document",
                "content": { "application/json": { "schema": { "type": "object" } } } } }
        }}),
    );
    for (plural, schema, _) in RECORDS {
        record_paths(&mut paths, plural, schema);
    }
    message_paths(&mut paths);
    let mut schemas = common_schemas();
    schemas.extend(subject_schemas());
    schemas.extend(document_schemas());
    schemas.extend(task_schemas());
    schemas.extend(message_schemas());
    for (_, name, _) in RECORDS {
        let item = batch_item(&schemas[&format!("{name}Input")]);
        schemas.insert(format!("{name}BatchItem"), item);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Esemes API",
            "version": "1.0.0",
            "description": "Records of the host ERP in Esemes, by the ERP's own external ids. \
                Every request carries an API token of an account (`Authorization: Bearer esk_…`, \
                created by an administrator with `server token create`) and names one of the \
                account's companies in the path; another account's company answers 404. \
                Upserts are idempotent: the same request again changes nothing and answers \
                `\"result\": \"unchanged\"`. Errors are always `{\"errors\": [{\"field\", \"code\", \
                \"message\"}]}`."
        },
        "servers": [{ "url": "/api/v1" }],
        "security": [{ "bearer": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "parameters": {
                "company_id": { "name": "company_id", "in": "path", "required": true,
                    "description": "A company of the token's account",
                    "schema": { "type": "integer", "format": "int64" } },
                "external_id": { "name": "external_id", "in": "path", "required": true,
                    "description": "The ERP's id of the record (1 to 100 characters, percent-encoded in the path)",
                    "schema": external_id() },
                "q": { "name": "q", "in": "query", "required": false,
                    "description": "Search text, any case",
                    "schema": { "type": "string", "maxLength": 200 } },
                "limit": { "name": "limit", "in": "query", "required": false,
                    "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT } },
                "offset": { "name": "offset", "in": "query", "required": false,
                    "schema": { "type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0 } }
            },
            "responses": error_responses(),
            "schemas": schemas
        }
    })
}

fn reference(kind: &str, name: &str) -> Value {
    json!({ "$ref": format!("#/components/{kind}/{name}") })
}

fn schema(name: &str) -> Value {
    reference("schemas", name)
}

fn json_body(schema: Value) -> Value {
    json!({ "content": { "application/json": { "schema": schema } } })
}

fn ok(description: &str, schema: Value) -> Value {
    let mut response = json_body(schema);
    response["description"] = description.into();
    response
}

/// The error answers an operation can give, by status.
fn errors(statuses: &[&str]) -> serde_json::Map<String, Value> {
    statuses
        .iter()
        .map(|status| (status.to_string(), reference("responses", status)))
        .collect()
}

fn error_responses() -> Value {
    let described = [
        (
            "400",
            "The body or query is not well-formed (not JSON, a repeated parameter)",
        ),
        ("401", "No token, or an unknown or revoked one"),
        ("403", "The token may not do this"),
        (
            "404",
            "No such record, or a company that is not the token's account's",
        ),
        (
            "409",
            "The record clashes with another one (e.g. a code another record has)",
        ),
        ("413", "The body is larger than 16 MiB"),
        (
            "422",
            "Fields with wrong values, each named (`items[3].sms_phone` in a batch). Besides \
             what this document's schemas say, the server checks what a schema cannot: a phone \
             number that cannot receive SMS (`invalid_phone`), a NIP checksum (`invalid_nip`), \
             an e-mail address (`invalid_email`), control characters in a text \
             (`control_characters`), a reference to a subject or operator the company does not \
             have (`unknown_subject`, `unknown_operator`), a task ending before it starts \
             (`ends_before_start`) and a date that does not exist (`invalid_date`)",
        ),
    ];
    described
        .into_iter()
        .map(|(status, description)| (status.to_string(), ok(description, schema("Errors"))))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// Sending messages, reading them and following their statuses (`messages.rs`).
fn message_paths(paths: &mut serde_json::Map<String, Value>) {
    let company = reference("parameters", "company_id");
    let key = json!({ "name": "Idempotency-Key", "in": "header", "required": false,
        "description": "Any unique text per request (e.g. a UUID): the same request sent again \
            with the same key queues nothing new and answers about the same messages, with the \
            header `Idempotent-Replayed: true`; the key with another request answers 422 \
            `key_reused`. Keys are kept per company.",
        "schema": { "type": "string", "pattern": format!("^[!-~]{{1,{}}}$", super::messages::MAX_KEY) } });
    let sent = |description: &str, name: &str| {
        let mut responses = errors(&["400", "401", "404", "413", "422"]);
        responses.insert("201".into(), ok(description, schema(name)));
        responses
    };
    let mut changes_responses = errors(&["400", "401", "404", "422"]);
    changes_responses.insert(
        "200".into(),
        ok("Messages that changed", schema("MessageChanges")),
    );
    paths.insert(
        "/companies/{company_id}/messages".into(),
        json!({
            "get": {
                "operationId": "message_changes",
                "summary": "Messages whose status changed since a point of the feed",
                "description": "Every status change of the company's messages has a number; \
                    this answers the messages that changed after `since` (each once, as it is \
                    now, with its parts) and `next_since`, the number to ask from next time.",
                "parameters": [company,
                    { "name": "since", "in": "query", "required": false,
                      "schema": { "type": "integer", "minimum": 0, "maximum": i64::MAX, "default": 0 } },
                    { "name": "limit", "in": "query", "required": false,
                      "description": "Status changes read at most",
                      "schema": { "type": "integer", "minimum": 1,
                          "maximum": super::messages::MAX_CHANGES,
                          "default": super::messages::DEFAULT_CHANGES } }],
                "responses": changes_responses
            },
            "post": {
                "operationId": "send_message",
                "summary": "Send one SMS",
                "description": "To `phone`, or to the SMS phone of the subject `subject_external_id`; \
                    the text is `body`, or a template by `template_id` or `template_name`, its \
                    macros filled for the subject and the document or task the message is \
                    about. It holds one credit per SMS part from the account's pool (422 \
                    `no_credit` when too few are left). Marketing waits for the company's sending \
                    hours and never goes to a number that opted out (422 `opted_out`).",
                "parameters": [company, key],
                "requestBody": { "required": true, "content": { "application/json": {
                    "schema": schema("MessageInput") } } },
                "responses": sent("Queued", "MessageSent")
            }
        }),
    );
    paths.insert(
        "/companies/{company_id}/messages:batch".into(),
        json!({ "post": {
            "operationId": "send_messages",
            "summary": format!("Send up to {MAX_BATCH} SMS in one transaction"),
            "description": "All messages are checked first; any problem refuses them all with \
                every problem listed (`items[3].phone`), so a batch is queued completely or \
                not at all. Their credits are held together.",
            "parameters": [company, key],
            "requestBody": { "required": true, "content": { "application/json": { "schema": {
                "type": "object", "required": ["items"], "additionalProperties": false,
                "properties": { "items": { "type": "array", "minItems": 1, "maxItems": MAX_BATCH,
                    "items": schema("MessageInput") } }
            }}}},
            "responses": sent("Queued", "MessagesSent")
        }}),
    );
    let mut link_responses = errors(&["400", "401", "404", "413", "422"]);
    link_responses.insert("201".into(), ok("The link", schema("ComposerLink")));
    paths.insert(
        "/companies/{company_id}/composer-links".into(),
        json!({ "post": {
            "operationId": "composer_link",
            "summary": "A link that opens the composer about a document or task",
            "description": "For the ERP's \"Send SMS\" button: open `path` on the Esemes \
                server in the operator's browser within 10 minutes. An operator who is logged in \
                (or logs in then) gets the composer about the document or task, in its company, \
                with its counterparty as the recipient and its procedure's template.",
            "parameters": [company],
            "requestBody": { "required": true, "content": { "application/json": { "schema": {
                "type": "object", "additionalProperties": false,
                "description": "Exactly one of the two",
                "properties": {
                    "document_external_id": optional_reference(external_id(), "The document"),
                    "task_external_id": optional_reference(external_id(), "The task") } } } } },
            "responses": link_responses
        }}),
    );
    let mut get_responses = errors(&["401", "404"]);
    get_responses.insert("200".into(), ok("The message", schema("MessageSent")));
    paths.insert(
        "/companies/{company_id}/messages/{message_id}".into(),
        json!({ "get": {
            "operationId": "get_message",
            "summary": "One message with its parts' statuses",
            "parameters": [company, { "name": "message_id", "in": "path", "required": true,
                "schema": { "type": "integer", "format": "int64" } }],
            "responses": get_responses
        }}),
    );
    let mut printout_responses = errors(&["400", "401", "404", "413", "422"]);
    printout_responses.insert(
        "200".into(),
        ok(
            "The printout is stored",
            json!({ "type": "object", "required": ["file_id"],
            "properties": { "file_id": { "type": "integer" } } }),
        ),
    );
    paths.insert(
        "/companies/{company_id}/documents/{external_id}/printout".into(),
        json!({ "put": {
            "operationId": "put_document_printout",
            "summary": "The document's printout, offered as an attachment of e-mail about it",
            "parameters": [company, reference("parameters", "external_id"),
                { "name": "name", "in": "query", "required": false,
                  "schema": { "type": "string", "maxLength": 200 },
                  "description": "The file's name (default: the document's number, .pdf)" }],
            "requestBody": { "required": true, "description": "The file's bytes (at most 8 MB); \
                its Content-Type, e.g. application/pdf, is kept with it",
                "content": { "application/octet-stream": { "schema": {
                "type": "string", "format": "binary" } } } },
            "responses": printout_responses
        }}),
    );
    let mut correspondence_responses = errors(&["400", "401", "404", "413", "422"]);
    correspondence_responses.insert(
        "201".into(),
        ok(
            "The items are registered; the notification's outcome",
            schema("Registered"),
        ),
    );
    paths.insert(
        "/companies/{company_id}/correspondence".into(),
        json!({ "post": {
            "operationId": "register_correspondence",
            "summary": "Letters or parcels received for a client, and its one SMS notification",
            "description": "Registering several items at once sends the client one notification \
                naming every sender, to each of its notification numbers, when the company has \
                notifications on and the client wants them.",
            "parameters": [company],
            "requestBody": { "required": true, "content": { "application/json": { "schema":
                schema("CorrespondenceInput") } } },
            "responses": correspondence_responses
        }}),
    );
}

fn message_schemas() -> serde_json::Map<String, Value> {
    let status = json!({ "type": "string", "enum": ["draft", "pending", "sent", "delivered",
        "undelivered", "expired", "rejected", "unknown"] });
    let category = json!({ "type": "string", "enum": ["transactional", "marketing"] });
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "CorrespondenceInput".into(),
        json!({ "type": "object", "required": ["subject_external_id", "items"],
            "additionalProperties": false, "properties": {
                "subject_external_id": external_id(),
                "items": { "type": "array", "minItems": 1, "maxItems": 50, "items": {
                    "type": "object", "required": ["received_on", "sender"],
                    "additionalProperties": false, "properties": {
                        "received_on": { "type": "string", "format": "date" },
                        "sender": { "type": "string", "minLength": 1, "maxLength": 200 },
                        "description": { "type": "string", "maxLength": 500 } } } },
                "text": described(json!({ "type": "string", "maxLength": 1000 }),
                    "The notification's text (no Polish letters; [klient], [nadawca]); absent: the company's"),
                "notify": { "type": "boolean", "default": true } } }),
    );
    schemas.insert(
        "Registered".into(),
        json!({ "type": "object", "required": ["item_ids", "notice"], "properties": {
            "item_ids": { "type": "array", "items": { "type": "integer" } },
            "notice": { "type": "object", "required": ["sent", "reason", "text", "message_ids"],
                "properties": {
                    "sent": { "type": "boolean" },
                    "reason": described(json!({ "type": ["string", "null"] }),
                        "Why none went: not_requested, disabled, client_declined, no_numbers, no_credit, opted_out"),
                    "text": { "type": "string" },
                    "message_ids": { "type": "array", "items": { "type": "integer" } } } } } }),
    );
    schemas.insert(
        "MessageInput".into(),
        json!({ "type": "object", "additionalProperties": false, "properties": {
            "phone": described(json!({ "type": ["string", "null"], "maxLength": 40 }),
                "The number (E.164, or Polish without +48); without it, the subject's SMS phone"),
            "subject_external_id": optional_reference(external_id(), "The recipient subject"),
            "body": described(json!({ "type": ["string", "null"], "maxLength": 5000 }),
                "The text; or give a template"),
            "template_id": { "type": ["integer", "null"], "format": "int64" },
            "template_name": { "type": ["string", "null"], "maxLength": 200 },
            "document_external_id": optional_reference(external_id(), "The document it is about"),
            "task_external_id": optional_reference(external_id(), "The task it is about"),
            "category": category,
            "send_at": { "type": ["string", "null"], "format": "date-time",
                "description": "When it goes (RFC 3339); absent: at once" },
            "without_polish": { "type": "boolean", "default": false,
                "description": "Replace Polish characters when that saves SMS parts" }
        } }),
    );
    schemas.insert(
        "Message".into(),
        json!({ "type": "object",
            "required": ["id", "status", "phone", "body", "category", "subject_external_id",
                "document_external_id", "task_external_id", "sender", "created_at", "send_at",
                "error", "parts"],
            "properties": {
                "id": { "type": "integer" },
                "status": status.clone(),
                "phone": { "type": "string" },
                "body": { "type": "string", "description": "As sent: macros filled" },
                "category": category,
                "subject_external_id": nullable_string(),
                "document_external_id": nullable_string(),
                "task_external_id": nullable_string(),
                "sender": described(nullable_string(), "The sender name; null: the gateway's number"),
                "created_at": { "type": "string", "format": "date-time" },
                "send_at": { "type": ["string", "null"], "format": "date-time" },
                "error": described(nullable_string(), "The gateway's reason, when not delivered"),
                "parts": { "type": "array", "items": { "type": "object",
                    "required": ["seq", "status", "error"], "properties": {
                        "seq": { "type": "integer" }, "status": status,
                        "error": nullable_string() } } }
            } }),
    );
    schemas.insert(
        "ComposerLink".into(),
        json!({ "type": "object", "required": ["path", "expires_at"], "properties": {
            "path": { "type": "string", "description": "On the Esemes server, e.g. /c/3f9a…" },
            "expires_at": { "type": "string", "format": "date-time" } } }),
    );
    schemas.insert(
        "MessageSent".into(),
        json!({ "type": "object", "required": ["message"],
            "properties": { "message": schema("Message") } }),
    );
    schemas.insert(
        "MessagesSent".into(),
        json!({ "type": "object", "required": ["messages"],
            "properties": { "messages": { "type": "array", "items": schema("Message") } } }),
    );
    schemas.insert(
        "MessageChanges".into(),
        json!({ "type": "object", "required": ["messages", "next_since"], "properties": {
            "messages": { "type": "array", "items": schema("Message") },
            "next_since": { "type": "integer", "description": "Ask from here next time" } } }),
    );
    schemas
}

fn record_paths(paths: &mut serde_json::Map<String, Value>, plural: &str, name: &str) {
    let company = reference("parameters", "company_id");
    let external_id = reference("parameters", "external_id");
    let mut list_responses = errors(&["400", "401", "404", "422"]);
    list_responses.insert(
        "200".into(),
        ok(
            &format!("A page of {plural}"),
            schema(&format!("{name}Page")),
        ),
    );
    paths.insert(
        format!("/companies/{{company_id}}/{plural}"),
        json!({ "get": {
            "operationId": format!("list_{plural}"),
            "summary": format!("List and search {plural}"),
            "parameters": [company, reference("parameters", "q"),
                reference("parameters", "limit"), reference("parameters", "offset")],
            "responses": list_responses
        }}),
    );
    let mut batch_responses = errors(&["400", "401", "404", "409", "413", "422"]);
    batch_responses.insert(
        "200".into(),
        ok("Every item written", schema("BatchResult")),
    );
    paths.insert(
        format!("/companies/{{company_id}}/{plural}:batch"),
        json!({ "post": {
            "operationId": format!("batch_upsert_{plural}"),
            "summary": format!("Upsert up to {MAX_BATCH} {plural} in one transaction"),
            "description": "All items are checked first; any problem refuses the whole batch \
                with every problem listed, so a batch is applied completely or not at all.",
            "parameters": [company],
            "requestBody": { "required": true, "content": { "application/json": { "schema": {
                "type": "object", "required": ["items"], "additionalProperties": false,
                "properties": { "items": { "type": "array", "maxItems": MAX_BATCH,
                    "items": schema(&format!("{name}BatchItem")) } }
            }}}},
            "responses": batch_responses
        }}),
    );
    let mut get_responses = errors(&["401", "404"]);
    get_responses.insert("200".into(), ok(name, schema(name)));
    let mut put_responses = errors(&["400", "401", "404", "409", "413", "422"]);
    let upserted = schema(&format!("{name}Upserted"));
    put_responses.insert("200".into(), ok("Updated, or unchanged", upserted.clone()));
    put_responses.insert("201".into(), ok("Created", upserted));
    paths.insert(
        format!("/companies/{{company_id}}/{plural}/{{external_id}}"),
        json!({
            "get": {
                "operationId": format!("get_{}", name.to_lowercase()),
                "summary": format!("One {} by external id", name.to_lowercase()),
                "parameters": [company, external_id],
                "responses": get_responses
            },
            "put": {
                "operationId": format!("upsert_{}", name.to_lowercase()),
                "summary": format!("Create or update one {} by external id (idempotent)", name.to_lowercase()),
                "parameters": [company, external_id],
                "requestBody": { "required": true, "content": { "application/json": {
                    "schema": schema(&format!("{name}Input")) } } },
                "responses": put_responses
            }
        }),
    );
}

/// Schemas every kind shares, and each kind's page and upsert answer.
fn common_schemas() -> serde_json::Map<String, Value> {
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "Errors".into(),
        json!({ "type": "object", "required": ["errors"], "properties": { "errors": {
            "type": "array", "items": { "type": "object", "required": ["code", "message"],
                "properties": {
                    "field": { "type": "string", "description": "The field, e.g. `sms_phone` or `items[3].number`; absent for the request as a whole" },
                    "code": { "type": "string", "description": "Stable machine-readable code: required, too_long, invalid_type, unknown_field, invalid_date, unknown_subject, too_many_items, duplicate_in_batch, malformed_json, unauthorized, not_found…" },
                    "message": { "type": "string" } } } } } }),
    );
    schemas.insert(
        "BatchResult".into(),
        json!({ "type": "object", "required": ["created", "updated", "unchanged", "results"],
            "properties": {
                "created": { "type": "integer" }, "updated": { "type": "integer" },
                "unchanged": { "type": "integer" },
                "results": { "type": "array", "description": "One per item, in order",
                    "items": { "type": "object", "required": ["external_id", "result"], "properties": {
                        "external_id": { "type": "string" }, "result": schema("UpsertResult") } } } } }),
    );
    schemas.insert(
        "UpsertResult".into(),
        json!({ "type": "string", "enum": ["created", "updated", "unchanged"] }),
    );
    for (_, name, listed) in RECORDS {
        schemas.insert(
            format!("{name}Page"),
            json!({ "type": "object", "required": ["items", "next_offset"], "properties": {
                "items": { "type": "array", "items": schema(listed) },
                "next_offset": { "type": ["integer", "null"], "description": "The offset of the next page; null on the last one" } } }),
        );
        let key = name.to_lowercase();
        schemas.insert(
            format!("{name}Upserted"),
            json!({ "type": "object", "required": ["result", key], "properties": {
                "result": schema("UpsertResult"), key: schema(name) } }),
        );
    }
    schemas
}

/// A batch's item: the kind's input with its external id (the input schema is not reused by
/// `allOf`, as its `additionalProperties: false` would refuse the added field).
fn batch_item(input: &Value) -> Value {
    let mut item = input.clone();
    item["properties"]["external_id"] = external_id();
    if let Some(required) = item["required"].as_array_mut() {
        required.push("external_id".into());
    }
    item
}

/// The ERP's id of a record: kept exactly as sent (not trimmed), not blank. (Control characters
/// are refused too, with 422 `control_characters`: a pattern saying so made the schema checker
/// misjudge the ids it read back from answers.)
fn external_id() -> Value {
    described(
        non_blank(100),
        "1 to 100 characters, not all spaces, no control characters",
    )
}

/// A reference by external id (or login): absent or null for none, never an empty text.
fn optional_reference(schema: Value, description: &str) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }], "description": description })
}

/// A text that must hold more than spaces (the server trims texts before checking them).
fn non_blank(max: u32) -> Value {
    json!({ "type": "string", "minLength": 1, "maxLength": max, "pattern": "\\S" })
}

fn described(mut schema: Value, description: &str) -> Value {
    schema["description"] = description.into();
    schema
}

fn nullable_string() -> Value {
    json!({ "type": ["string", "null"] })
}

fn document_schemas() -> serde_json::Map<String, Value> {
    let kind = json!({ "type": "string",
        "enum": ["sales_invoice", "order", "contract", "transport_order", "other"] });
    let date = json!({ "type": "string", "format": "date", "description": "YYYY-MM-DD" });
    let money = json!({ "type": "integer", "format": "int64", "description": "Minor units (grosze): 123.45 PLN is 12345" });
    let currency = json!({ "type": "string", "pattern": "^[A-Za-z]{3}$", "default": "PLN" });
    let attributes = json!({ "type": "object", "description": "Further fields for templates (at most 16 KiB of JSON)" });
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "DocumentInput".into(),
        json!({ "type": "object", "required": ["kind", "number", "issue_date"],
            "additionalProperties": false,
            "properties": {
                "kind": kind, "number": non_blank(100),
                "issue_date": date, "due_date": { "anyOf": [date, { "type": "null" }] },
                "gross_amount": money, "left_to_pay": money, "currency": currency,
                "subject_external_id": optional_reference(external_id(), "The counterparty: a subject of the company, by external id"),
                "attributes": attributes } }),
    );
    schemas.insert(
        "Document".into(),
        json!({ "type": "object", "properties": {
            "id": { "type": "integer" }, "external_id": nullable_string(), "kind": kind,
            "number": { "type": "string" }, "issue_date": date,
            "due_date": { "anyOf": [date, { "type": "null" }] },
            "gross_amount": money, "left_to_pay": money, "currency": { "type": "string" },
            "subject_external_id": nullable_string(), "attributes": attributes,
            "updated_at": { "type": "string", "format": "date-time" } } }),
    );
    schemas
}

fn task_schemas() -> serde_json::Map<String, Value> {
    let instant = json!({ "type": "string", "format": "date-time", "description": "RFC 3339, e.g. 2026-11-23T09:00:00+01:00" });
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "TaskInput".into(),
        json!({ "type": "object", "required": ["title", "starts_at"], "additionalProperties": false,
            "properties": {
                "title": non_blank(500),
                "subject_external_id": optional_reference(external_id(), "A subject of the company, by external id"),
                "operator_login": { "type": ["string", "null"], "maxLength": 100,
                    "description": "An operator with access to the company, by login; blank or null for none" },
                "starts_at": instant, "ends_at": { "anyOf": [instant, { "type": "null" }] },
                "done": { "type": "boolean", "default": false },
                "recurrence": described(json!({ "type": ["string", "null"], "enum": ["daily", "weekly", "monthly", null] }),
                    "A recurring task: each occurrence a day, week or month after the one before, at the same time on the company's clock"),
                "recurrence_until": { "anyOf": [instant, { "type": "null" }],
                    "description": "No occurrence starts after it" } } }),
    );
    schemas.insert(
        "Task".into(),
        json!({ "type": "object", "properties": {
            "id": { "type": "integer" }, "external_id": nullable_string(),
            "title": { "type": "string" }, "subject_external_id": nullable_string(),
            "operator_login": nullable_string(), "starts_at": instant,
            "ends_at": { "anyOf": [instant, { "type": "null" }] }, "done": { "type": "boolean" },
            "recurrence": { "type": ["string", "null"], "enum": ["daily", "weekly", "monthly", null] },
            "recurrence_until": { "anyOf": [instant, { "type": "null" }] },
            "updated_at": { "type": "string", "format": "date-time" } } }),
    );
    schemas
}

fn subject_schemas() -> serde_json::Map<String, Value> {
    let kind = json!({ "type": "string", "enum": ["contractor", "employee", "office", "bank"] });
    let phone = json!({ "type": "string", "description": "Any usual notation; Polish without +48 is fine. Stored in E.164 after a libphonenumber check (must be able to receive SMS); empty for none" });
    let text = |max: u32| json!({ "type": "string", "maxLength": max });
    let representative = json!({ "type": "object", "required": ["name"], "additionalProperties": false,
        "properties": {
            "external_id": { "type": ["string", "null"], "description": "The ERP's id of the representative, to update it in place" },
            "name": non_blank(200), "role": text(100), "sms_phone": phone, "email": text(254),
            "active": { "type": "boolean", "default": true } } });
    let mut representative_output = representative.clone();
    representative_output["properties"]["id"] = json!({ "type": "integer" });
    let number = json!({ "type": "object", "required": ["country_code", "phone"], "additionalProperties": false,
        "properties": {
            "country_code": { "type": "string", "description": "Country calling code digits, e.g. 48" },
            "phone": { "type": "string" } } });
    let input_properties = json!({
        "kind": kind, "code": described(non_blank(40), "Unique per company and kind (409 when another subject has it)"),
        "name": non_blank(200),
        "sms_phone": phone, "email": text(254), "address": text(300), "notes": text(2000),
        "nip": { "type": "string", "description": "Polish tax id, checked with its checksum" },
        "is_owner": { "type": "boolean", "default": false, "description": "Employees: owner or partner" },
        "notifications_enabled": { "type": "boolean", "default": true },
        "notification_numbers": { "type": "array", "maxItems": 10, "items": number },
        "active": { "type": "boolean", "default": true },
        "attributes": { "type": "object", "maxProperties": 50, "additionalProperties": { "type": "string", "maxLength": 1000 },
            "description": "Further fields for templates; names are lower-case letters, digits and _" },
        "representatives": { "type": ["array", "null"], "maxItems": 200, "items": representative,
            "description": "Contractors only. Absent or null keeps the stored ones; a list replaces them" }
    });
    let mut output_properties = input_properties.clone();
    output_properties["id"] = json!({ "type": "integer" });
    output_properties["external_id"] = nullable_string();
    output_properties["representatives"] = json!({ "type": ["array", "null"], "items": representative_output,
        "description": "Contractors' representatives; null for other kinds" });
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "SubjectInput".into(),
        json!({ "type": "object", "required": ["kind", "code", "name"], "additionalProperties": false,
            "properties": input_properties,
            // Only contractors have representatives: another kind may send none or an empty list.
            "if": { "required": ["kind"], "properties": { "kind": { "not": { "const": "contractor" } } } },
            "then": { "properties": { "representatives": { "type": ["array", "null"], "maxItems": 0 } } } }),
    );
    schemas.insert(
        "Subject".into(),
        json!({ "type": "object", "properties": output_properties }),
    );
    schemas.insert(
        "SubjectSummary".into(),
        json!({ "type": "object", "description": "A row of the subjects list", "properties": {
            "id": { "type": "integer" }, "external_id": nullable_string(), "kind": kind,
            "code": { "type": "string" }, "name": { "type": "string" },
            "sms_phone": { "type": "string" }, "email": { "type": "string" },
            "is_owner": { "type": "boolean" }, "active": { "type": "boolean" },
            "representatives": { "type": "array", "items": { "type": "object", "properties": {
                "id": { "type": "integer" }, "name": { "type": "string" }, "role": { "type": "string" },
                "sms_phone": { "type": "string" }, "active": { "type": "boolean" } } } } } }),
    );
    schemas
}
