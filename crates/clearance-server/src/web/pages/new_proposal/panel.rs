//! The live triage panel: the form's answers evaluated exactly as `POST /api/evaluate` does
//! (the production's rulebooks, its consent and tool records, `lower_tier_if` on), in words.

use std::collections::HashMap;
use std::sync::Arc;

use clearance_rulebook::{Evaluation, Options, Rulebook, evaluate};
use clearance_store::model::Production;
use maud::{Markup, html};

use super::fields::{Built, Fields, build};
use super::questions::{label_of, value_words};
use crate::error::{ApiError, ProblemBody};
use crate::state::Shared;
use crate::triage;
use crate::web::layout::{PageError, tier_badge, tier_words};
use crate::web::session::Viewer;

/// Stands in for a title not typed yet (the triage only).
pub const PLACEHOLDER_TITLE: &str = "Untitled proposal";
/// Stands in for a production not chosen yet (the triage only).
pub const PLACEHOLDER_PRODUCTION: &str = "Production not chosen yet";

/// The production chosen in the form, if the viewer may see it.
pub async fn chosen_production(
    state: &Shared,
    viewer: &Viewer,
    fields: &Fields,
) -> Result<Option<Production>, PageError> {
    let Some(id) = fields.production_id() else {
        return Ok(None);
    };
    match viewer.caller().production_access(state, id).await {
        Ok(_) => Ok(state.store.production(id).await?),
        Err(ApiError::NotFound(_)) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// The panel's content for the form's answers (problems of the intake are shown in it).
pub async fn panel(state: &Shared, viewer: &Viewer, fields: &Fields) -> Result<Markup, PageError> {
    let production = chosen_production(state, viewer, fields).await?;
    let built = build(
        fields,
        Some(PLACEHOLDER_TITLE),
        Some(
            production
                .as_ref()
                .map_or(PLACEHOLDER_PRODUCTION, |p| p.title.as_str()),
        ),
    );
    let note = (production.is_none()).then_some(
        "No production chosen: triaged with every active rulebook, without the production's consent records.",
    );
    let parsed = match triage::parse(&built.text()) {
        Ok(parsed) => parsed,
        Err(error) => return Ok(problems_panel(&built, &error, note)),
    };
    let rulebooks: Vec<Arc<Rulebook>> = match &production {
        Some(production) => match state.rulebooks_for(&production.rulebooks) {
            Ok(rulebooks) => rulebooks,
            Err(error) => return Ok(problems_panel(&built, &error, note)),
        },
        None => state.active_rulebooks(),
    };
    let (records, used) = if triage::consent_ids(&parsed.intake).is_empty()
        && triage::tool_ids(&parsed.intake).is_empty()
    {
        Default::default()
    } else {
        match triage::resolve(
            &state.store,
            &parsed,
            production.as_ref().map(|p| p.id),
            state.now(),
        )
        .await
        {
            Ok(resolved) => resolved,
            Err(error @ ApiError::Invalid { .. }) => {
                return Ok(problems_panel(&built, &error, note));
            }
            Err(error) => return Err(error.into()),
        }
    };
    let borrowed: Vec<&Rulebook> = rulebooks.iter().map(AsRef::as_ref).collect();
    let evaluation = evaluate(
        &borrowed,
        &parsed.intake,
        &records,
        Options {
            lower_tier_if: true,
        },
    );
    let consents: Vec<(String, String)> = used
        .consents
        .iter()
        .map(|(id, status)| {
            let words = match status.status.as_str() {
                "covers" => "covers this use".to_owned(),
                "requested" => "requested, not signed yet".to_owned(),
                "missing" => "no such record".to_owned(),
                _ => format!(
                    "does not count: {}",
                    status.reason.as_deref().unwrap_or("void")
                ),
            };
            (id.clone(), words)
        })
        .collect();
    Ok(result_panel(&rulebooks, &evaluation, &consents, note))
}

/// The panel when the answers cannot be triaged yet.
fn problems_panel(built: &Built, error: &ApiError, note: Option<&str>) -> Markup {
    let problems: Vec<ProblemBody> = match error {
        ApiError::Invalid { problems, .. } => problems.clone(),
        _ => Vec::new(),
    };
    html! {
        div.banner.unknown {
            h2 { "Triage" }
            p { strong { "Not triaged yet" } ": some answers need fixing first." }
        }
        div.problems role="alert" {
            h3 { "To fix" }
            ul {
                @if problems.is_empty() {
                    li { (error.to_string()) }
                }
                @for problem in &problems {
                    @let path = built.form_path(&problem.path);
                    li {
                        @let label = label_of(&path);
                        @if !label.is_empty() { strong { (label) } " (" code { (path) } "): " }
                        (problem.message)
                        @if let Some(help) = &problem.help { " " span.muted { (help) } }
                    }
                }
            }
        }
        @if let Some(note) = note { p.muted { (note) } }
    }
}

fn change_words(path: &str, value: &serde_json::Value) -> String {
    let label = label_of(path);
    let label = if label.is_empty() { path } else { label };
    let words = match value {
        serde_json::Value::Array(items) if items.is_empty() => "none".to_owned(),
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|item| item.as_str())
            .map(|item| value_words(path, item))
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::String(text) => value_words(path, text),
        serde_json::Value::Null => "left out".to_owned(),
        other => other.to_string(),
    };
    format!("{label} → {words}")
}

/// The panel for an evaluation.
fn result_panel(
    rulebooks: &[Arc<Rulebook>],
    evaluation: &Evaluation<'_>,
    consents: &[(String, String)],
    note: Option<&str>,
) -> Markup {
    let mut clause_titles: HashMap<&str, &str> = HashMap::new();
    let mut action_texts: HashMap<&str, &str> = HashMap::new();
    for rulebook in rulebooks {
        for clause in &rulebook.clauses {
            clause_titles.insert(clause.key.as_str(), clause.title.as_str());
        }
        for action in &rulebook.actions {
            action_texts.insert(action.id.as_ref(), action.text.as_str());
        }
    }
    let tier = evaluation.tier;
    // The most restrictive reasons first.
    let mut findings: Vec<_> = evaluation.findings.iter().collect();
    findings.sort_by_key(|finding| std::cmp::Reverse(finding.tier));
    html! {
        div class={ "banner tier-" (tier.as_str()) } data-tier=(tier.as_str()) {
            h2 { "Triage" }
            p { strong { (tier_words(tier)) } }
        }
        h3 { "Why" }
        ul.findings {
            @for finding in &findings {
                li {
                    (tier_badge(finding.tier)) " " (finding.reason)
                    ul.citations {
                        @for citation in finding.citations {
                            @let key = citation.as_ref();
                            li {
                                a href={ "/rulebooks/" (finding.rulebook) "#clause-" (key) } {
                                    (clause_titles.get(key).copied().unwrap_or(key))
                                }
                                " " code.muted { (key) }
                            }
                        }
                    }
                }
            }
        }
        @if !evaluation.errors.is_empty() {
            div.problems {
                h3 { "Rules that could not be checked" }
                ul { @for error in &evaluation.errors { li { (error.rule) ": " (error.message) } } }
            }
        }
        h3 { "What to do" }
        ul.actions-list {
            @for action in &evaluation.actions {
                li { (action_texts.get(action).copied().unwrap_or(*action)) }
            }
        }
        h3 { "What would lower the tier" }
        @if evaluation.lower_tier_if.is_empty() {
            p.muted { "Nothing you can change here gives a lower tier." }
        } @else {
            ul.lower {
                @for suggestion in &evaluation.lower_tier_if {
                    li {
                        (tier_badge(suggestion.tier)) " if you change: "
                        @for (index, (path, value)) in suggestion.changes.iter().enumerate() {
                            @if index > 0 { " and " }
                            (change_words(path, value))
                        }
                    }
                }
            }
            @if evaluation.lower_tier_if_truncated {
                p.muted { "The search for changes stopped early; there may be others." }
            }
        }
        @if !consents.is_empty() {
            h3 { "Consent records" }
            ul { @for (id, words) in consents { li { code { (id) } ": " (words) } } }
        }
        h3 { "Not answered yet" }
        @if evaluation.unanswered.is_empty() {
            p.muted { "Every question the rules read is answered." }
        } @else {
            p.help { "Each counts as \"not sure\" until you answer it." }
            ul.unanswered {
                @for path in &evaluation.unanswered {
                    @let label = label_of(path);
                    li {
                        @if label.is_empty() { code { (path) } }
                        @else { (label) " " code.muted { (path) } }
                    }
                }
            }
        }
        @if let Some(note) = note { p.muted { (note) } }
    }
}
