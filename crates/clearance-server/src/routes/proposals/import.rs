//! Bulk import: a CSV sheet (one proposal per row) or a folder of intake files read by a client.
//!
//! Every item stands on its own: the valid ones are saved even when others fail, and each failure
//! is reported with its problems. A CSV row becomes an intake written as YAML text (so the stored
//! version is a document the producer can read and edit like any other); its problems name the
//! row (`row` 1 is the first row after the header), the CSV `line` where the row starts, the
//! `column` (1-based field position) holding the field, and the intake `path` of the field.

use std::collections::BTreeSet;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use clearance_domain::Tier;
use clearance_store::model::{Capacity, Production, Proposal};
use clearance_store::proposal::SaveVersion;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::write::{new_proposal_job, production};
use super::{after_write, check_size, json_body, members_in, require_partner};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody, ProblemBody};
use crate::state::Shared;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<Shared> {
    OpenApiRouter::new().routes(routes!(import_proposals))
}

/// Most items in one import.
pub const MAX_ITEMS: usize = 1000;

/// Fields whose CSV cell is a `;`-separated list.
const LIST_FIELDS: [&str; 5] = [
    "media",
    "inputs",
    "distribution",
    "training.data",
    "talent.uses",
];

/// Query of an import.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ImportQuery {
    /// The production (required for CSV; a JSON body names it itself).
    pub production_id: Option<i64>,
    /// Submit the proposals (default); `false` keeps drafts.
    pub submit: Option<bool>,
}

/// One intake file.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportFile {
    /// Its name (to report problems by).
    pub name: String,
    /// Its text, YAML or JSON.
    pub source: String,
}

/// A folder of intake files.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportFiles {
    /// The production.
    pub production_id: i64,
    /// The files.
    pub files: Vec<ImportFile>,
    /// Submit the proposals (default); `false` keeps drafts.
    #[serde(default)]
    pub submit: Option<bool>,
}

/// One proposal made by an import.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportCreated {
    /// The CSV row (1 = the first after the header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The file name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The proposal.
    pub proposal: Proposal,
    /// Its tier.
    #[schema(value_type = Option<String>)]
    pub tier: Option<Tier>,
}

/// One item that was not imported.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportFailed {
    /// The CSV row (1 = the first after the header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The file name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What is wrong.
    pub problems: Vec<ProblemBody>,
}

/// The outcome of an import.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ImportResult {
    /// The proposals made, in input order.
    pub created: Vec<ImportCreated>,
    /// The items that failed, in input order.
    pub failed: Vec<ImportFailed>,
}

/// An item to import: where it came from, and its intake text or the problem that kept it from
/// having one.
type Item = (Origin, Result<String, Vec<ProblemBody>>);

/// Where an item came from.
#[derive(Debug, Clone)]
enum Origin {
    Row { row: usize, line: u64 },
    File(String),
}

impl Origin {
    fn row(&self) -> Option<usize> {
        match self {
            Origin::Row { row, .. } => Some(*row),
            Origin::File(_) => None,
        }
    }

    fn name(&self) -> Option<String> {
        match self {
            Origin::Row { .. } => None,
            Origin::File(name) => Some(name.clone()),
        }
    }

    fn failed(&self, problems: Vec<ProblemBody>) -> ImportFailed {
        ImportFailed {
            row: self.row(),
            name: self.name(),
            problems,
        }
    }
}

/// Import proposals: `Content-Type: text/csv` with `?production_id=` (a header row of intake
/// paths, one proposal per row, lists separated by `;`), or JSON `{production_id, files: [{name,
/// source}]}`. Answers 201 when at least one proposal was made, 200 when none was.
#[utoipa::path(
    post,
    path = "/api/proposals/import",
    tag = "proposals",
    params(ImportQuery),
    request_body(content = ImportFiles, description = "JSON files, or a CSV sheet with Content-Type text/csv"),
    responses(
        (status = 201, description = "Some proposals were made", body = ImportResult),
        (status = 200, description = "Nothing was made (every item failed)", body = ImportResult),
        (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 413, description = "More than 1000 items", body = ErrorBody),
        (status = 422, description = "The CSV header is unusable", body = ErrorBody),
    )
)]
pub async fn import_proposals(
    State(state): State<Shared>,
    caller: Caller,
    Query(query): Query<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<ImportResult>)> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let is_csv = content_type.starts_with("text/csv");
    let files: Option<ImportFiles> = if is_csv {
        check_size(&state, &body)?;
        None
    } else {
        Some(json_body(&state, &body)?)
    };
    let (production_id, submit) = match &files {
        Some(files) => (
            files.production_id,
            files.submit.or(query.submit).unwrap_or(true),
        ),
        None => {
            let production_id = query.production_id.ok_or_else(|| {
                ApiError::BadRequest(
                    "a CSV import names its production: `?production_id=`".to_owned(),
                )
            })?;
            (production_id, query.submit.unwrap_or(true))
        }
    };
    let access = caller.production_access(&state, production_id).await?;
    require_partner(access)?;
    let production = production(&state, production_id).await?;
    let items: Vec<Item> = match files {
        Some(files) => files
            .files
            .into_iter()
            .map(|file| (Origin::File(file.name), Ok(file.source)))
            .collect(),
        None => {
            let text = std::str::from_utf8(&body)
                .map_err(|_| ApiError::BadRequest("the CSV must be UTF-8 text".to_owned()))?;
            csv_items(text, &production)?
        }
    };
    if items.len() > MAX_ITEMS {
        return Err(ApiError::TooLarge(format!(
            "an import holds at most {MAX_ITEMS} proposals; split it"
        )));
    }
    let columns = if is_csv {
        header_paths(&body)
    } else {
        Vec::new()
    };
    let mut result = ImportResult::default();
    let mut jobs: Vec<(Origin, SaveVersion)> = Vec::new();
    let action = if submit {
        "proposal.submitted"
    } else {
        "proposal.drafted"
    };
    let reviewers = if submit {
        members_in(&state, production.id, Capacity::Reviewer).await?
    } else {
        Vec::new()
    };
    for (origin, source) in items {
        let source = match source {
            Ok(source) => source,
            Err(problems) => {
                result.failed.push(origin.failed(problems));
                continue;
            }
        };
        match new_proposal_job(
            &state,
            &caller,
            &production,
            &reviewers,
            source,
            submit,
            action,
            None,
        )
        .await
        {
            Ok(job) => jobs.push((origin, job)),
            Err(ApiError::Invalid { problems, message }) => {
                let problems = if problems.is_empty() {
                    vec![ProblemBody {
                        path: String::new(),
                        line: 0,
                        column: 0,
                        message,
                        help: None,
                    }]
                } else {
                    problems
                };
                let problems = match &origin {
                    Origin::Row { line, .. } => problems
                        .into_iter()
                        .map(|problem| locate_in_row(problem, &columns, *line))
                        .collect(),
                    Origin::File(_) => problems,
                };
                result.failed.push(origin.failed(problems));
            }
            Err(ApiError::Conflict(message)) => {
                result.failed.push(origin.failed(vec![ProblemBody {
                    path: String::new(),
                    line: 0,
                    column: 0,
                    message,
                    help: None,
                }]))
            }
            Err(other) => return Err(other),
        }
    }
    let mut latest_index = None;
    let mut outcomes: Vec<(Origin, Result<ImportCreated, ImportFailed>)> = Vec::new();
    let mut pending = jobs.into_iter().peekable();
    while pending.peek().is_some() {
        let chunk: Vec<(Origin, SaveVersion)> = pending
            .by_ref()
            .take(state.config.batch_max.max(1))
            .collect();
        let (origins, chunk): (Vec<Origin>, Vec<SaveVersion>) = chunk.into_iter().unzip();
        let saved = state.store.save_versions(chunk, state.now()).await?;
        for (origin, saved) in origins.into_iter().zip(saved) {
            match saved {
                Ok(saved) => {
                    latest_index = latest_index.max(Some(saved.audit_index));
                    let tier = saved.proposal.tier;
                    outcomes.push((
                        origin.clone(),
                        Ok(ImportCreated {
                            row: origin.row(),
                            name: origin.name(),
                            proposal: saved.proposal,
                            tier,
                        }),
                    ));
                }
                Err(error) => {
                    let message = ApiError::from(error).to_string();
                    outcomes.push((
                        origin.clone(),
                        Err(origin.failed(vec![ProblemBody {
                            path: String::new(),
                            line: 0,
                            column: 0,
                            message,
                            help: None,
                        }])),
                    ));
                }
            }
        }
    }
    for (_, outcome) in outcomes {
        match outcome {
            Ok(created) => result.created.push(created),
            Err(failed) => result.failed.push(failed),
        }
    }
    result
        .failed
        .sort_by(|a, b| (a.row, &a.name).cmp(&(b.row, &b.name)));
    if let Some(index) = latest_index {
        after_write(&state, index).await?;
    }
    let status = if result.created.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(result)))
}

/// A CSV header's field paths, by column (best effort: the header was checked by `csv_items`).
fn header_paths(body: &[u8]) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(body);
    reader
        .headers()
        .map(|headers| headers.iter().map(|name| name.trim().to_owned()).collect())
        .unwrap_or_default()
}

/// A problem of a row's generated intake, placed in the CSV: the row's line, the column holding
/// the field (the longest header that is the field's path or a parent of it; else the first
/// header below it).
fn locate_in_row(problem: ProblemBody, columns: &[String], line: u64) -> ProblemBody {
    let bare: String = {
        let mut out = String::new();
        let mut depth = 0;
        for c in problem.path.chars() {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out
    };
    let is_parent =
        |parent: &str, child: &str| child == parent || child.starts_with(&format!("{parent}."));
    let column = columns
        .iter()
        .enumerate()
        .filter(|(_, header)| is_parent(header, &bare))
        .max_by_key(|(_, header)| header.len())
        .or_else(|| {
            columns
                .iter()
                .enumerate()
                .find(|(_, header)| !bare.is_empty() && is_parent(&bare, header))
        })
        .map_or(0, |(index, _)| index + 1);
    ProblemBody {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
        ..problem
    }
}

/// One column's field.
#[derive(Debug, Clone)]
struct Column {
    segments: Vec<String>,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    List,
    Tools,
}

/// A node of the intake being written.
#[derive(Debug, Clone)]
enum Node {
    Scalar(String),
    List(Vec<String>),
    Tools(Vec<String>),
    Map(Vec<(String, Node)>),
}

fn header_problem(column: usize, path: &str, message: String) -> ProblemBody {
    ProblemBody {
        path: path.to_owned(),
        line: 1,
        column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        message,
        help: None,
    }
}

/// Reads the header: every column an intake path, none repeated, none inside another.
fn columns(headers: &csv::StringRecord) -> ApiResult<Vec<Column>> {
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (index, name) in headers.iter().enumerate() {
        let name = name.trim();
        let segments: Vec<String> = name.split('.').map(str::to_owned).collect();
        if name.is_empty()
            || segments.iter().any(|segment| {
                segment.is_empty()
                    || !segment
                        .bytes()
                        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
            })
        {
            problems.push(header_problem(
                index,
                name,
                format!(
                    "column {} is not an intake path such as `output.final`",
                    index + 1
                ),
            ));
            continue;
        }
        if !seen.insert(name.to_owned()) {
            problems.push(header_problem(
                index,
                name,
                format!("column `{name}` appears twice"),
            ));
            continue;
        }
        let kind = if name == "tools" {
            Kind::Tools
        } else if LIST_FIELDS.contains(&name) {
            Kind::List
        } else {
            Kind::Scalar
        };
        columns.push(Column { segments, kind });
    }
    for (index, column) in columns.iter().enumerate() {
        let path = column.segments.join(".");
        if let Some(other) = columns
            .iter()
            .map(|other| other.segments.join("."))
            .find(|other| other.starts_with(&format!("{path}.")))
        {
            problems.push(header_problem(
                index,
                &path,
                format!("column `{path}` holds `{other}`, which has its own column"),
            ));
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        let message = format!("the CSV header has {} problem(s)", problems.len());
        Err(ApiError::Invalid { message, problems })
    }
}

/// Puts a value at `segments` in a tree of maps (first appearance keeps its place).
fn insert(map: &mut Vec<(String, Node)>, segments: &[String], value: Node) {
    let Some((first, rest)) = segments.split_first() else {
        return;
    };
    if rest.is_empty() {
        map.push((first.clone(), value));
        return;
    }
    let position = match map
        .iter()
        .position(|(key, node)| key == first && matches!(node, Node::Map(_)))
    {
        Some(position) => position,
        None => {
            map.push((first.clone(), Node::Map(Vec::new())));
            map.len() - 1
        }
    };
    if let Some((_, Node::Map(children))) = map.get_mut(position) {
        insert(children, rest, value);
    }
}

/// A YAML scalar: plain when it reads back as the same string, else double-quoted (JSON string
/// syntax is valid YAML). `true` and `false` stay booleans (answers accept them).
fn scalar(text: &str) -> String {
    if text == "true" || text == "false" {
        return text.to_owned();
    }
    let plain = text.chars().next().is_some_and(char::is_alphabetic)
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || " _-.,()'/&+".contains(c))
        && !text.ends_with(' ')
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "null"
        );
    if plain {
        text.to_owned()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
    }
}

fn write_yaml(out: &mut String, map: &[(String, Node)], indent: usize) {
    let pad = " ".repeat(indent);
    for (key, node) in map {
        match node {
            Node::Scalar(text) => out.push_str(&format!("{pad}{key}: {}\n", scalar(text))),
            Node::List(items) => {
                out.push_str(&format!("{pad}{key}:\n"));
                for item in items {
                    out.push_str(&format!("{pad}- {}\n", scalar(item)));
                }
            }
            Node::Tools(names) => {
                out.push_str(&format!("{pad}{key}:\n"));
                for name in names {
                    out.push_str(&format!("{pad}- name: {}\n", scalar(name)));
                }
            }
            Node::Map(children) => {
                out.push_str(&format!("{pad}{key}:\n"));
                write_yaml(out, children, indent + 2);
            }
        }
    }
}

fn split_list(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The intake text of one row (None when the row is blank).
fn row_yaml(
    columns: &[Column],
    record: &csv::StringRecord,
    production: &Production,
) -> Option<String> {
    let mut map: Vec<(String, Node)> = Vec::new();
    let mut any = false;
    for (column, cell) in columns.iter().zip(record.iter()) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        let node = match column.kind {
            Kind::Scalar => Node::Scalar(cell.to_owned()),
            Kind::List => Node::List(split_list(cell)),
            Kind::Tools => Node::Tools(split_list(cell)),
        };
        if matches!(&node, Node::List(items) | Node::Tools(items) if items.is_empty()) {
            continue;
        }
        any = true;
        insert(&mut map, &column.segments, node);
    }
    if !any {
        return None;
    }
    if !map.iter().any(|(key, _)| key == "production") {
        // The sheet is for one production: its title is the intake's `production` by default.
        let at = map
            .iter()
            .position(|(key, _)| key == "title")
            .map_or(0, |position| position + 1);
        map.insert(
            at,
            (
                "production".to_owned(),
                Node::Scalar(production.title.clone()),
            ),
        );
    }
    let mut out = String::new();
    write_yaml(&mut out, &map, 0);
    Some(out)
}

/// The rows of a CSV sheet as intake texts (or the row's own problem).
fn csv_items(text: &str, production: &Production) -> ApiResult<Vec<Item>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::None)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|error| ApiError::BadRequest(format!("the CSV header cannot be read: {error}")))?
        .clone();
    let columns = columns(&headers)?;
    let mut items = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 1;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, csv::Position::line);
                items.push((
                    Origin::Row { row, line },
                    Err(vec![row_problem(
                        line,
                        format!("the row cannot be read: {error}"),
                    )]),
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        let origin = Origin::Row { row, line };
        if record.len() > columns.len()
            && record
                .iter()
                .skip(columns.len())
                .any(|cell| !cell.trim().is_empty())
        {
            items.push((
                origin,
                Err(vec![row_problem(
                    line,
                    format!(
                        "the row has {} fields; the header names {}",
                        record.len(),
                        columns.len()
                    ),
                )]),
            ));
            continue;
        }
        if let Some(source) = row_yaml(&columns, &record, production) {
            items.push((origin, Ok(source)));
        }
    }
    Ok(items)
}

fn row_problem(line: u64, message: String) -> ProblemBody {
    ProblemBody {
        path: String::new(),
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: 0,
        message,
        help: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn production() -> Production {
        Production {
            id: 1,
            title: "Night Shift".to_owned(),
            studio: "S".to_owned(),
            rulebooks: Vec::new(),
            created_at: 0,
        }
    }

    #[test]
    fn rows_become_readable_yaml() {
        let text = "title,output.final,output.prominence,media,tools,description\nPoster: diner,yes,incidental,image; video,Tool A;Tool B,\"line one\nline two\"\n,,,,,\n";
        let items = csv_items(text, &production()).unwrap();
        assert_eq!(items.len(), 1, "the blank row is skipped");
        let (origin, source) = &items[0];
        assert!(matches!(origin, Origin::Row { row: 1, line: 2 }));
        assert_eq!(
            source.as_deref().unwrap(),
            "title: \"Poster: diner\"\nproduction: Night Shift\noutput:\n  final: yes\n  prominence: incidental\nmedia:\n- image\n- video\ntools:\n- name: Tool A\n- name: Tool B\ndescription: \"line one\\nline two\"\n"
        );
    }

    #[test]
    fn scalars_read_back_as_strings() {
        assert_eq!(scalar("Band poster"), "Band poster");
        assert_eq!(scalar("2049"), "\"2049\"");
        assert_eq!(scalar("null"), "\"null\"");
        assert_eq!(scalar("True"), "\"True\"");
        assert_eq!(scalar("true"), "true");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("- x"), "\"- x\"");
    }

    #[test]
    fn bad_headers_are_reported() {
        let record =
            csv::StringRecord::from(vec!["title", "output", "output.final", "title", "bad path"]);
        let Err(ApiError::Invalid { problems, .. }) = columns(&record) else {
            panic!("expected problems")
        };
        let paths: Vec<&str> = problems
            .iter()
            .map(|problem| problem.path.as_str())
            .collect();
        assert_eq!(paths, ["title", "bad path", "output"]);
    }

    #[test]
    fn problems_point_at_their_column() {
        let columns: Vec<String> = ["title", "output.final", "tools"]
            .iter()
            .map(|c| (*c).to_owned())
            .collect();
        let problem = |path: &str| ProblemBody {
            path: path.to_owned(),
            line: 3,
            column: 9,
            message: String::new(),
            help: None,
        };
        assert_eq!(
            locate_in_row(problem("output.final"), &columns, 4).column,
            2
        );
        assert_eq!(
            locate_in_row(problem("tools[1].name"), &columns, 4).column,
            3
        );
        assert_eq!(locate_in_row(problem("output"), &columns, 4).column, 2);
        assert_eq!(locate_in_row(problem("production"), &columns, 4).column, 0);
        assert_eq!(locate_in_row(problem("output.final"), &columns, 4).line, 4);
    }
}
