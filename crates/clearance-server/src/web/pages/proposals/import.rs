//! `/proposals/import`: a CSV sheet (one proposal per row) or several intake files (YAML or
//! JSON), uploaded as a multipart form and handed to the API's `import_proposals`.

use axum::body::Bytes;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clearance_store::model::{Production, Role};
use maud::{Markup, html};
use serde::Deserialize;

use super::{maybe_tier, production_select, productions_of};
use crate::error::{ApiError, ProblemBody};
use crate::routes::proposals::import::{ImportQuery, ImportResult, import_proposals};
use crate::state::Shared;
use crate::web::layout::{PageError, csrf_field, page};
use crate::web::session::Viewer;

/// What the form holds once read.
#[derive(Debug, Default)]
struct Upload {
    csrf: Option<String>,
    production: String,
    action: String,
    files: Vec<(String, Bytes)>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ImportParams {
    production: String,
}

/// Who may import: partners and admins (the API decides per production).
fn may_import(viewer: &Viewer) -> Result<(), PageError> {
    match viewer.person.role {
        Role::Admin | Role::Partner => Ok(()),
        _ => Err(PageError::Api(ApiError::Forbidden(
            "only the production's partners (or an admin) import proposals".to_owned(),
        ))),
    }
}

pub(super) async fn import_page(
    State(state): State<Shared>,
    viewer: Viewer,
    Query(params): Query<ImportParams>,
) -> Result<Markup, PageError> {
    may_import(&viewer)?;
    let productions = productions_of(&state, &viewer).await?;
    Ok(render(
        &viewer,
        &productions,
        &params.production,
        "submit",
        None,
        None,
    ))
}

pub(super) async fn import(
    State(state): State<Shared>,
    viewer: Viewer,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let mut upload = Upload::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| PageError::BadRequest(format!("cannot read the form: {e}")))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field
            .bytes()
            .await
            .map_err(|e| PageError::BadRequest(format!("cannot read the form: {e}")))?;
        match name.as_str() {
            "csrf" => upload.csrf = Some(String::from_utf8_lossy(&bytes).into_owned()),
            "production_id" => upload.production = String::from_utf8_lossy(&bytes).into_owned(),
            "action" => upload.action = String::from_utf8_lossy(&bytes).into_owned(),
            "files" => {
                if let Some(file_name) = file_name.filter(|n| !n.is_empty()) {
                    upload.files.push((file_name, bytes));
                }
            }
            _ => {}
        }
    }
    viewer.check_csrf(upload.csrf.as_deref())?;
    may_import(&viewer)?;
    let productions = productions_of(&state, &viewer).await?;
    let submit = upload.action != "draft";
    let action = if submit { "submit" } else { "draft" };
    let show_problem = |message: &str| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            render(
                &viewer,
                &productions,
                &upload.production,
                action,
                Some(message),
                None,
            ),
        )
            .into_response()
    };
    let Ok(production_id) = upload.production.trim().parse::<i64>() else {
        return Ok(show_problem(
            "Choose the production these proposals belong to.",
        ));
    };
    if upload.files.is_empty() {
        return Ok(show_problem(
            "Choose a CSV file, or one or more intake files (YAML or JSON).",
        ));
    }
    let csv: Vec<&(String, Bytes)> = upload
        .files
        .iter()
        .filter(|(name, _)| name.to_ascii_lowercase().ends_with(".csv"))
        .collect();
    let mut headers = HeaderMap::new();
    let (query, body) = match csv.as_slice() {
        [] => {
            let mut files = Vec::new();
            for (name, bytes) in &upload.files {
                let Ok(source) = std::str::from_utf8(bytes) else {
                    return Ok(show_problem(&format!("`{name}` is not UTF-8 text.")));
                };
                files.push(serde_json::json!({ "name": name, "source": source }));
            }
            let body = serde_json::json!({
                "production_id": production_id,
                "files": files,
                "submit": submit,
            });
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            (ImportQuery::default(), Bytes::from(body.to_string()))
        }
        [(_, bytes)] if upload.files.len() == 1 => {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv"));
            (
                ImportQuery {
                    production_id: Some(production_id),
                    submit: Some(submit),
                },
                bytes.clone(),
            )
        }
        _ => {
            return Ok(show_problem(
                "Send one CSV file on its own, or intake files (YAML or JSON) without a CSV.",
            ));
        }
    };
    match import_proposals(
        State(state.clone()),
        viewer.caller(),
        Query(query),
        headers,
        body,
    )
    .await
    {
        Ok((status, result)) => Ok((
            status,
            render(
                &viewer,
                &productions,
                &upload.production,
                action,
                None,
                Some(&result.0),
            ),
        )
            .into_response()),
        Err(ApiError::Invalid { message, problems }) => {
            let failed = ImportResult {
                created: Vec::new(),
                failed: vec![crate::routes::proposals::import::ImportFailed {
                    row: None,
                    name: Some("CSV header".to_owned()),
                    problems,
                }],
            };
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(
                    &viewer,
                    &productions,
                    &upload.production,
                    action,
                    Some(&message),
                    Some(&failed),
                ),
            )
                .into_response())
        }
        Err(ApiError::BadRequest(message)) => Ok((
            StatusCode::BAD_REQUEST,
            render(
                &viewer,
                &productions,
                &upload.production,
                action,
                Some(&message),
                None,
            ),
        )
            .into_response()),
        Err(other) => Err(other.into()),
    }
}

fn render(
    viewer: &Viewer,
    productions: &[Production],
    production: &str,
    action: &str,
    problem: Option<&str>,
    result: Option<&ImportResult>,
) -> Markup {
    page(
        "Import proposals",
        Some(viewer),
        html! {
            h1 { "Import proposals" }
            @if let Some(result) = result {
                (results(result))
            }
            @if let Some(problem) = problem {
                p.error role="alert" { (problem) }
            }
            form #import-form method="post" action="/proposals/import" enctype="multipart/form-data" {
                (csrf_field(viewer))
                label for="import-production" { "Production" }
                (production_select("import-production", "production_id", productions, production, "Choose a production"))
                label for="import-files" { "Files" }
                p.help id="import-files-help" {
                    "One CSV sheet (a header row of intake paths such as " code { "title" } ", "
                    code { "output.final" } "; one proposal per row; lists separated by " code { ";" }
                    "), or one or more intake files (YAML or JSON)."
                }
                input #import-files type="file" name="files" multiple required
                    accept=".csv,.yaml,.yml,.json,text/csv,application/json" aria-describedby="import-files-help";
                fieldset {
                    legend { "Then" }
                    div.choices {
                        label for="import-submit" {
                            input #import-submit type="radio" name="action" value="submit" checked[action != "draft"];
                            "Submit them for review"
                        }
                        label for="import-draft" {
                            input #import-draft type="radio" name="action" value="draft" checked[action == "draft"];
                            "Keep them as drafts"
                        }
                    }
                }
                div.actions { button type="submit" { "Import" } }
            }
        },
    )
}

fn problem_place(problem: &ProblemBody) -> String {
    let mut place = Vec::new();
    if problem.line > 0 {
        place.push(format!("line {}", problem.line));
    }
    if problem.column > 0 {
        place.push(format!("column {}", problem.column));
    }
    if !problem.path.is_empty() {
        place.push(format!("`{}`", problem.path));
    }
    place.join(", ")
}

fn results(result: &ImportResult) -> Markup {
    html! {
        section #import-result aria-labelledby="import-result-title" {
            h2 #import-result-title { "Result" }
            p.notice role="status" {
                (result.created.len()) " imported, " (result.failed.len()) " not imported."
            }
            @if !result.created.is_empty() {
                h3 { "Imported" }
                table.list #import-created {
                    thead { tr { th scope="col" { "Row or file" } th scope="col" { "Proposal" } th scope="col" { "Tier" } } }
                    tbody {
                        @for created in &result.created {
                            tr {
                                td { (origin(created.row, created.name.as_deref())) }
                                td { a href={ "/proposals/" (created.proposal.id) } { (created.proposal.title) } }
                                td { (maybe_tier(created.tier)) }
                            }
                        }
                    }
                }
            }
            @if !result.failed.is_empty() {
                h3 { "Not imported" }
                table.list #import-failed {
                    thead { tr { th scope="col" { "Row or file" } th scope="col" { "Problems" } } }
                    tbody {
                        @for failed in &result.failed {
                            tr.failed {
                                td { (origin(failed.row, failed.name.as_deref())) }
                                td {
                                    ul.problems {
                                        @for problem in &failed.problems {
                                            li {
                                                @let place = problem_place(problem);
                                                @if !place.is_empty() { span.place { (place) ": " } }
                                                (problem.message)
                                                @if let Some(help) = &problem.help { " " span.help { "(" (help) ")" } }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn origin(row: Option<usize>, name: Option<&str>) -> String {
    match (row, name) {
        (Some(row), _) => format!("Row {row}"),
        (None, Some(name)) => name.to_owned(),
        (None, None) => String::new(),
    }
}
