//! The registries: `/consents` (performers' consent records: list, add, revoke) and `/tools`
//! (registered tools and their data terms: list, add, update), each record with the proposals
//! that rely on it. Everything goes through the API's handlers, so a representative sees only
//! the records they manage, and only admins change tools.

mod consents;
mod tools;

use std::collections::HashMap;

use axum::Router;
use axum::routing::{get, post};
use clearance_store::model::Proposal;
use maud::{Markup, html};

use crate::error::ProblemBody;
use crate::state::Shared;

/// The routes of this module.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/consents", get(consents::list).post(consents::create))
        .route("/consents/{id}/revoke", post(consents::revoke))
        .route("/tools", get(tools::list).post(tools::create))
        .route("/tools/{id}", post(tools::update))
}

/// What the page after a change says (`?done=…&changed=N`, set by the redirect after the change).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct Done {
    /// The record changed.
    done: String,
    /// How many proposals changed with it.
    changed: String,
}

impl Done {
    /// The redirect after a change of record `id` that changed `count` proposals.
    fn redirect(page: &str, id: &str, count: usize) -> String {
        let query = serde_urlencoded::to_string([("done", id), ("changed", &count.to_string())])
            .unwrap_or_default();
        format!("{page}?{query}#{}", anchor_prefix(page, id))
    }

    /// The number of proposals changed, when the page follows a change.
    fn changed(&self) -> Option<(&str, usize)> {
        let count = self.changed.trim().parse::<usize>().ok()?;
        (!self.done.is_empty()).then_some((self.done.as_str(), count))
    }
}

/// The element id of a record's row on its page.
fn anchor_prefix(page: &str, id: &str) -> String {
    match page {
        "/tools" => format!("tool-{}", anchor(id)),
        _ => format!("consent-{}", anchor(id)),
    }
}

/// "N proposals".
fn proposals_count(count: usize) -> String {
    format!("{count} proposal{}", if count == 1 { "" } else { "s" })
}

/// A form's fields as sent (a field may repeat, as checkboxes do).
type Fields = Vec<(String, String)>;

/// The first value of a field ("" when absent).
fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.as_str())
}

/// Every value of a field.
fn all<'a>(fields: &'a Fields, name: &str) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .collect()
}

/// A field's trimmed text, or `None` when blank.
fn optional(fields: &Fields, name: &str) -> Option<String> {
    let value = field(fields, name).trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// Problems by field (the path's first segment: `uses[1]` → `uses`).
#[derive(Debug, Default)]
struct Problems(HashMap<String, Vec<String>>);

impl Problems {
    fn of(problems: &[ProblemBody]) -> Problems {
        let mut by_field: HashMap<String, Vec<String>> = HashMap::new();
        for problem in problems {
            let name = problem
                .path
                .split(['[', '.'])
                .next()
                .unwrap_or_default()
                .to_owned();
            let text = match &problem.help {
                Some(help) => format!("{} ({help})", problem.message),
                None => problem.message.clone(),
            };
            by_field.entry(name).or_default().push(text);
        }
        Problems(by_field)
    }

    fn one(name: &str, message: &str) -> Problems {
        let mut by_field = HashMap::new();
        by_field.insert(name.to_owned(), vec![message.to_owned()]);
        Problems(by_field)
    }

    fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// The problems of field `name` (shown next to it, with id `{id}-problem`).
    fn at(&self, id: &str, name: &str) -> Markup {
        html! {
            @if let Some(messages) = self.0.get(name) {
                p.error id={ (id) "-problem" } {
                    @for (index, message) in messages.iter().enumerate() {
                        @if index > 0 { br; }
                        (message)
                    }
                }
            }
        }
    }

    /// `aria-describedby` for field `name`'s input.
    fn described(&self, id: &str, name: &str) -> Option<String> {
        self.0.contains_key(name).then(|| format!("{id}-problem"))
    }

    /// Problems not tied to a field shown in the form.
    fn others(&self, shown: &[&str]) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(name, _)| !shown.contains(&name.as_str()))
            .flat_map(|(_, messages)| messages.iter().map(String::as_str))
            .collect()
    }
}

/// A path segment for an id chosen by people (percent-encoded).
fn segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// An element id made from a record id (letters, digits, `-` and `_` kept; others as `_XX`).
fn anchor(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("_{byte:02x}"));
        }
    }
    out
}

/// Links to proposals that rely on a record.
fn referencing(proposals: &[Proposal]) -> Markup {
    html! {
        @if proposals.is_empty() {
            span.muted { "None" }
        } @else {
            ul.refs {
                @for proposal in proposals {
                    li { a href={ "/proposals/" (proposal.id) } { (proposal.title) } }
                }
            }
        }
    }
}

/// Each record with the proposals that rely on it, looked up concurrently through the API's
/// own detail handler (`lookup` gives `None` when the viewer may not see that detail: no
/// references are shown then). `what` names the records in an error.
async fn referenced_by<R, F, Fut>(
    records: Vec<R>,
    lookup: F,
    what: &str,
) -> Result<Vec<(R, Vec<Proposal>)>, crate::web::layout::PageError>
where
    F: Fn(&R) -> Fut,
    Fut: std::future::Future<Output = Option<Vec<Proposal>>> + Send + 'static,
{
    let mut lookups = tokio::task::JoinSet::new();
    for (index, record) in records.iter().enumerate() {
        let found = lookup(record);
        lookups.spawn(async move { (index, found.await) });
    }
    let mut proposals: HashMap<usize, Vec<Proposal>> = HashMap::new();
    while let Some(done) = lookups.join_next().await {
        let (index, found) = done.map_err(|error| {
            crate::web::layout::PageError::Api(crate::error::ApiError::Internal(anyhow::anyhow!(
                "a {what} lookup failed: {error}"
            )))
        })?;
        if let Some(found) = found {
            proposals.insert(index, found);
        }
    }
    Ok(records
        .into_iter()
        .enumerate()
        .map(|(index, record)| {
            let refs = proposals.remove(&index).unwrap_or_default();
            (record, refs)
        })
        .collect())
}
