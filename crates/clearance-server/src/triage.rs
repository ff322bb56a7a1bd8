//! From submitted intake text to a stored evaluation: parse (with the command line's located
//! problems), resolve the consent records and tools the intake references, check that inline
//! tool answers agree with the registry, evaluate under the production's rulebooks.

use std::collections::BTreeMap;
use std::sync::Arc;

use clearance_domain::document::Document;
use clearance_domain::intake::parse_intake;
use clearance_domain::records::{ConsentStatus, ToolTerms};
use clearance_domain::vocabulary::Vocabulary;
use clearance_domain::vocabulary::{Answer, Environment};
use clearance_domain::{Intake, Node, Problem, Records, Span, Value};
use clearance_rulebook::{Evaluation, Options, Rulebook, evaluate};
use clearance_store::Store;
use clearance_store::model::{
    ConsentRecord, Millis, NewVersion, RulebookRef, StoredEvaluation, ToolRecord,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ProblemBody};

/// A parsed intake and its located tree (to point at fields found wrong later).
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The typed intake.
    pub intake: Intake,
    /// The document it was read from.
    pub root: Node,
}

/// Parses intake text (YAML or JSON) into a typed intake, or the 422 listing every problem.
pub fn parse(source: &str) -> Result<Parsed, ApiError> {
    let document = Document::parse(source).map_err(|problems| invalid(&problems.0))?;
    let intake = parse_intake(&document.root).map_err(|problems| invalid(&problems.0))?;
    Ok(Parsed {
        intake,
        root: document.root,
    })
}

/// Where `tools[index].field` is in the document (the entry's start when the field is absent).
fn locate(root: &Node, index: usize, field: &str) -> Span {
    let entry_of = |node: &Node, key: &str| match &node.value {
        Value::Map(entries) => entries
            .iter()
            .find(|entry| entry.key == key)
            .map(|entry| entry.value.clone()),
        _ => None,
    };
    let Some(tools) = entry_of(root, "tools") else {
        return root.span;
    };
    let Value::Seq(items) = &tools.value else {
        return tools.span;
    };
    let Some(tool) = items.get(index) else {
        return tools.span;
    };
    entry_of(tool, field).map_or(tool.span, |node| node.span)
}

/// The 422 for located problems.
pub fn invalid(problems: &[Problem]) -> ApiError {
    let message = match problems {
        [one] => format!("the intake has a problem: {}", one.message),
        many => format!("the intake has {} problems", many.len()),
    };
    ApiError::Invalid {
        message,
        problems: problems.iter().map(ProblemBody::from).collect(),
    }
}

/// `yaml` or `json`: JSON text starts with `{` (after white space); anything else is read as YAML.
pub fn format_of(source: &str) -> &'static str {
    if source.trim_start().starts_with('{') {
        "json"
    } else {
        "yaml"
    }
}

/// SHA-256 of text, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// How one referenced record was used by an evaluation (the result's `records` field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RecordUse {
    /// `covers`, `requested` or `void` for a consent; `registered` for a tool; `missing` when
    /// no record has that id (the rules that need it fail closed).
    pub status: String,
    /// Why a consent counts as none (`revoked`, `expired on …`, `limited to another production`,
    /// `does not cover voice_replica`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The records an evaluation used, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RecordsUsed {
    /// Consent records by id.
    pub consents: BTreeMap<String, RecordUse>,
    /// Tools by id.
    pub tools: BTreeMap<String, RecordUse>,
}

/// The consent ids an intake references.
pub fn consent_ids(intake: &Intake) -> Vec<String> {
    let performers = intake.talent.performers.iter().flatten();
    let mut ids: Vec<String> = performers
        .filter_map(|performer| performer.consent_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The tool ids an intake references.
pub fn tool_ids(intake: &Intake) -> Vec<String> {
    let mut ids: Vec<String> = intake
        .tools
        .iter()
        .flatten()
        .filter_map(|tool| tool.tool_id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Tool names and ids, for search.
pub fn tool_labels(intake: &Intake) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for tool in intake.tools.iter().flatten() {
        labels.extend(tool.name.iter().cloned());
        labels.extend(tool.tool_id.iter().cloned());
    }
    labels.sort();
    labels.dedup();
    labels
}

/// `YYYY-MM-DD` of a time.
pub fn date_of(at: Millis) -> String {
    let seconds = at.div_euclid(1000);
    match time::OffsetDateTime::from_unix_timestamp(seconds) {
        Ok(moment) => {
            let date = moment.date();
            format!(
                "{:04}-{:02}-{:02}",
                date.year(),
                u8::from(date.month()),
                date.day()
            )
        }
        Err(_) => "0000-01-01".to_owned(),
    }
}

/// What a consent record says about this use, and why.
pub fn consent_status(
    record: &ConsentRecord,
    intake: &Intake,
    production_id: Option<i64>,
    today: &str,
) -> (ConsentStatus, Option<String>) {
    if record.revoked_at.is_some() {
        return (ConsentStatus::Void, Some("revoked".to_owned()));
    }
    if let Some(expiry) = &record.expires_on
        && expiry.as_str() < today
    {
        return (ConsentStatus::Void, Some(format!("expired on {expiry}")));
    }
    if let (Some(limited), Some(production)) = (record.production_id, production_id)
        && limited != production
    {
        return (
            ConsentStatus::Void,
            Some("limited to another production".to_owned()),
        );
    }
    if !record.uses.is_empty()
        && let Some(uses) = intake.talent.uses
    {
        let uncovered: Vec<&str> = uses
            .iter()
            .map(|talent_use| talent_use.as_str())
            .filter(|name| !record.uses.iter().any(|u| u == name))
            .collect();
        if !uncovered.is_empty() {
            return (
                ConsentStatus::Void,
                Some(format!("does not cover {}", uncovered.join(", "))),
            );
        }
    }
    if record.state == "requested" {
        (ConsentStatus::Requested, None)
    } else {
        (ConsentStatus::Covers, None)
    }
}

fn tool_terms(record: &ToolRecord) -> Option<ToolTerms> {
    Some(ToolTerms {
        environment: Environment::from_name(&record.environment)?,
        trains_on_inputs: Answer::from_name(&record.trains_on_inputs)?,
    })
}

/// Looks up the records an intake references and checks inline tool answers against the
/// registry (they must agree, or the intake is rejected, as the intake spec says).
pub async fn resolve(
    store: &Store,
    parsed: &Parsed,
    production_id: Option<i64>,
    now: Millis,
) -> Result<(Records, RecordsUsed), ApiError> {
    let intake = &parsed.intake;
    let mut records = Records::default();
    let mut used = RecordsUsed::default();
    let consent_ids = consent_ids(intake);
    if !consent_ids.is_empty() {
        let today = date_of(now);
        let found = store.consents_by_ids(&consent_ids).await?;
        for id in &consent_ids {
            match found.iter().find(|record| &record.id == id) {
                Some(record) => {
                    let (status, reason) = consent_status(record, intake, production_id, &today);
                    records.consents.insert(id.clone(), status);
                    let name = match status {
                        ConsentStatus::Covers => "covers",
                        ConsentStatus::Requested => "requested",
                        ConsentStatus::Void => "void",
                    };
                    used.consents.insert(
                        id.clone(),
                        RecordUse {
                            status: name.to_owned(),
                            reason,
                        },
                    );
                }
                None => {
                    used.consents.insert(
                        id.clone(),
                        RecordUse {
                            status: "missing".to_owned(),
                            reason: Some("no consent record has this id".to_owned()),
                        },
                    );
                }
            }
        }
    }
    let tool_ids = tool_ids(intake);
    if !tool_ids.is_empty() {
        let found = store.tools_by_ids(&tool_ids).await?;
        let mut problems = Vec::new();
        for id in &tool_ids {
            match found
                .iter()
                .find(|record| &record.id == id)
                .and_then(|record| Some((record, tool_terms(record)?)))
            {
                Some((record, terms)) => {
                    records.tools.insert(id.clone(), terms);
                    used.tools.insert(
                        id.clone(),
                        RecordUse {
                            status: "registered".to_owned(),
                            reason: None,
                        },
                    );
                    disagreements(parsed, id, record, terms, &mut problems);
                }
                None => {
                    used.tools.insert(
                        id.clone(),
                        RecordUse {
                            status: "missing".to_owned(),
                            reason: Some("no registered tool has this id".to_owned()),
                        },
                    );
                }
            }
        }
        if !problems.is_empty() {
            return Err(invalid(&problems));
        }
    }
    Ok((records, used))
}

fn disagreements(
    parsed: &Parsed,
    id: &str,
    record: &ToolRecord,
    terms: ToolTerms,
    problems: &mut Vec<Problem>,
) {
    for (index, tool) in parsed.intake.tools.iter().flatten().enumerate() {
        if tool.tool_id.as_deref() != Some(id) {
            continue;
        }
        if let Some(environment) = tool.environment
            && environment != terms.environment
        {
            problems.push(
                Problem::new(
                    format!("tools[{index}].environment"),
                    locate(&parsed.root, index, "environment"),
                    format!(
                        "`{}` disagrees with the registry: `{id}` runs in `{}`",
                        environment.as_str(),
                        record.environment
                    ),
                )
                .with_help("leave the answer out: the registered terms supply it"),
            );
        }
        if let Some(trains) = tool.trains_on_inputs
            && trains != terms.trains_on_inputs
        {
            problems.push(
                Problem::new(
                    format!("tools[{index}].trains_on_inputs"),
                    locate(&parsed.root, index, "trains_on_inputs"),
                    format!(
                        "`{}` disagrees with the registry: `{id}` trains on inputs: `{}`",
                        trains.as_str(),
                        record.trains_on_inputs
                    ),
                )
                .with_help("leave the answer out: the registered terms supply it"),
            );
        }
    }
}

/// Evaluates and packs the result for storage.
pub fn stored_evaluation(
    rulebooks: &[Arc<Rulebook>],
    intake: &Intake,
    records: &Records,
    used: &RecordsUsed,
    now: Millis,
) -> StoredEvaluation {
    let borrowed: Vec<&Rulebook> = rulebooks.iter().map(Arc::as_ref).collect();
    let evaluation = evaluate(&borrowed, intake, records, Options::default());
    StoredEvaluation {
        tier: evaluation.tier,
        result: result_json(&evaluation, used),
        rulebooks: rulebooks
            .iter()
            .map(|rulebook| rulebook_ref(rulebook))
            .collect(),
        records: serde_json::to_string(used).unwrap_or_else(|_| "{}".to_owned()),
        evaluated_at: now,
    }
}

/// The result object, with the records used added (an optional field of the spec's result).
pub fn result_json(evaluation: &Evaluation<'_>, used: &RecordsUsed) -> String {
    let mut value = serde_json::to_value(evaluation).unwrap_or(serde_json::Value::Null);
    if let Some(object) = value.as_object_mut()
        && (!used.consents.is_empty() || !used.tools.is_empty())
    {
        object.insert(
            "records".to_owned(),
            serde_json::to_value(used).unwrap_or_default(),
        );
    }
    value.to_string()
}

/// A rulebook's reference.
pub fn rulebook_ref(rulebook: &Rulebook) -> RulebookRef {
    RulebookRef {
        id: rulebook.id.to_string(),
        version: rulebook.version.to_string(),
        digest: rulebook.digest.to_string(),
    }
}

/// A version to store: the source exactly as sent, its hash, the canonical intake, references.
pub fn new_version(
    source: String,
    intake: &Intake,
    evaluation: Option<StoredEvaluation>,
) -> NewVersion {
    NewVersion {
        title: intake.title.clone(),
        vendor: intake.vendor.clone(),
        format: format_of(&source).to_owned(),
        content_hash: sha256_hex(source.as_bytes()),
        intake: intake.to_json().to_string(),
        tools: tool_labels(intake),
        consent_ids: consent_ids(intake),
        evaluation,
        source,
    }
}
