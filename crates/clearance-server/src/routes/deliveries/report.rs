//! Reading an uploaded scan report (`clearance scan --format json`). The service relies only on
//! `format`, `exit_code`, the eight counts of `summary`, and each file's `path`, `verdict`,
//! optional `reason` and optional `coverage` (`status`, `proposal_id`, `reason`); everything
//! else is kept, unread, in the report stored exactly as sent.
//!
//! Every problem is reported at once, each naming its field (`summary.covered`,
//! `files[3].verdict`), up to [`MAX_PROBLEMS`]. The counts must agree with the files: `files` is
//! the number of entries, each verdict count the number of files with that verdict, `covered`
//! and `not_covered` the number of files whose `coverage.status` is that (`bytes` is not checked:
//! sizes are not read).

use clearance_store::model::{AssetVerdict, CoverageStatus, DeliveryFile, ScanSummary};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{ApiError, FieldProblems};

/// The one report format this service reads.
pub const FORMAT: &str = "clearance-scan/1";

/// At most this many problems are listed (a report broken throughout would otherwise give one
/// per file).
pub const MAX_PROBLEMS: usize = 100;

/// What the service reads of a valid report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedReport {
    /// `exit_code`.
    pub exit_code: i64,
    /// `summary`.
    pub summary: ScanSummary,
    /// `files`, in order.
    pub files: Vec<DeliveryFile>,
}

#[derive(Deserialize)]
struct Shape<'a> {
    #[serde(borrow, default)]
    format: Option<&'a RawValue>,
    #[serde(borrow, default)]
    exit_code: Option<&'a RawValue>,
    #[serde(borrow, default)]
    summary: Option<&'a RawValue>,
    #[serde(borrow, default)]
    files: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct SummaryShape<'a> {
    #[serde(borrow, default)]
    files: Option<&'a RawValue>,
    #[serde(borrow, default)]
    bytes: Option<&'a RawValue>,
    #[serde(borrow, default)]
    ai_generated: Option<&'a RawValue>,
    #[serde(borrow, default)]
    ai_composite: Option<&'a RawValue>,
    #[serde(borrow, default)]
    no_ai_signal: Option<&'a RawValue>,
    #[serde(borrow, default)]
    unreadable: Option<&'a RawValue>,
    #[serde(borrow, default)]
    covered: Option<&'a RawValue>,
    #[serde(borrow, default)]
    not_covered: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct FileShape<'a> {
    #[serde(borrow, default)]
    path: Option<&'a RawValue>,
    #[serde(borrow, default)]
    verdict: Option<&'a RawValue>,
    #[serde(borrow, default)]
    reason: Option<&'a RawValue>,
    #[serde(borrow, default)]
    coverage: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct CoverageShape<'a> {
    #[serde(borrow, default)]
    status: Option<&'a RawValue>,
    #[serde(borrow, default)]
    proposal_id: Option<&'a RawValue>,
    #[serde(borrow, default)]
    reason: Option<&'a RawValue>,
}

/// What kind of JSON value some raw text is, for messages.
fn kind(raw: &RawValue) -> &'static str {
    match raw.get().trim_start().as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "a list",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn is_object(raw: &RawValue) -> bool {
    raw.get().trim_start().starts_with('{')
}

/// Problems, up to [`MAX_PROBLEMS`] (then counted).
#[derive(Default)]
struct Problems {
    listed: FieldProblems,
    more: usize,
}

impl Problems {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        if self.listed.0.len() < MAX_PROBLEMS {
            self.listed.add(path, message);
        } else {
            self.more += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.listed.0.is_empty()
    }

    fn check(mut self) -> Result<(), ApiError> {
        if self.more > 0 {
            self.listed
                .add("", format!("{} more problems are not listed", self.more));
        }
        self.listed.check("the scan report")
    }
}

/// A string field (None: absent or null); a problem when it is something else.
fn text(raw: Option<&RawValue>, path: &str, problems: &mut Problems) -> Option<String> {
    let raw = raw?;
    match serde_json::from_str::<String>(raw.get()) {
        Ok(value) => Some(value),
        Err(_) => {
            problems.add(path, format!("must be a string, not {}", kind(raw)));
            None
        }
    }
}

/// A count: a whole number from 0.
fn count(raw: Option<&RawValue>, path: &str, problems: &mut Problems) -> Option<i64> {
    let Some(raw) = raw else {
        problems.add(path, "is missing: the summary has eight counts");
        return None;
    };
    match serde_json::from_str::<i64>(raw.get()) {
        Ok(n) if n >= 0 => Some(n),
        Ok(n) => {
            problems.add(path, format!("must not be negative (it is {n})"));
            None
        }
        Err(_) => {
            problems.add(
                path,
                format!("must be a whole number from 0, not {}", kind(raw)),
            );
            None
        }
    }
}

fn read_format(raw: Option<&RawValue>) -> Result<(), ApiError> {
    let mut problems = Problems::default();
    match raw {
        None => problems.add("format", format!("is missing: expected `{FORMAT}`")),
        Some(raw) => match serde_json::from_str::<String>(raw.get()) {
            Ok(format) if format == FORMAT => {}
            Ok(format) => problems.add(
                "format",
                format!("unsupported report format `{format}`: expected `{FORMAT}`"),
            ),
            Err(_) => problems.add(
                "format",
                format!("must be the string `{FORMAT}`, not {}", kind(raw)),
            ),
        },
    }
    problems.check()
}

fn read_summary(raw: Option<&RawValue>, problems: &mut Problems) -> Option<ScanSummary> {
    let Some(raw) = raw else {
        problems.add("summary", "is missing: the report's counts");
        return None;
    };
    if !is_object(raw) {
        problems.add(
            "summary",
            format!("must be an object of eight counts, not {}", kind(raw)),
        );
        return None;
    }
    let shape: SummaryShape<'_> = match serde_json::from_str(raw.get()) {
        Ok(shape) => shape,
        Err(error) => {
            problems.add("summary", format!("cannot be read: {error}"));
            return None;
        }
    };
    let files = count(shape.files, "summary.files", problems);
    let bytes = count(shape.bytes, "summary.bytes", problems);
    let ai_generated = count(shape.ai_generated, "summary.ai_generated", problems);
    let ai_composite = count(shape.ai_composite, "summary.ai_composite", problems);
    let no_ai_signal = count(shape.no_ai_signal, "summary.no_ai_signal", problems);
    let unreadable = count(shape.unreadable, "summary.unreadable", problems);
    let covered = count(shape.covered, "summary.covered", problems);
    let not_covered = count(shape.not_covered, "summary.not_covered", problems);
    Some(ScanSummary {
        files: files?,
        bytes: bytes?,
        ai_generated: ai_generated?,
        ai_composite: ai_composite?,
        no_ai_signal: no_ai_signal?,
        unreadable: unreadable?,
        covered: covered?,
        not_covered: not_covered?,
    })
}

fn read_coverage(
    raw: &RawValue,
    at: &str,
    file: &mut DeliveryFile,
    problems: &mut Problems,
) -> Option<()> {
    let path = format!("{at}.coverage");
    if !is_object(raw) {
        problems.add(path, format!("must be an object, not {}", kind(raw)));
        return None;
    }
    let shape: CoverageShape<'_> = match serde_json::from_str(raw.get()) {
        Ok(shape) => shape,
        Err(error) => {
            problems.add(path, format!("cannot be read: {error}"));
            return None;
        }
    };
    let status_path = format!("{path}.status");
    match text(shape.status, &status_path, problems) {
        None if shape.status.is_none() => problems.add(
            status_path,
            "is missing: expected `covered` or `not_covered`",
        ),
        None => {}
        Some(status) => match CoverageStatus::from_name(&status) {
            Some(status) => file.coverage = Some(status),
            None => problems.add(
                status_path,
                format!("unknown coverage status `{status}`: expected `covered` or `not_covered`"),
            ),
        },
    }
    if let Some(raw) = shape.proposal_id {
        match serde_json::from_str::<i64>(raw.get()) {
            Ok(id) => file.proposal_id = Some(id),
            Err(_) => problems.add(
                format!("{path}.proposal_id"),
                format!("must be a proposal id (a whole number), not {}", kind(raw)),
            ),
        }
    }
    file.coverage_reason = text(shape.reason, &format!("{path}.reason"), problems);
    Some(())
}

fn read_file(raw: &RawValue, position: usize, problems: &mut Problems) -> Option<DeliveryFile> {
    let at = format!("files[{position}]");
    if !is_object(raw) {
        problems.add(at, format!("must be an object, not {}", kind(raw)));
        return None;
    }
    let shape: FileShape<'_> = match serde_json::from_str(raw.get()) {
        Ok(shape) => shape,
        Err(error) => {
            problems.add(at, format!("cannot be read: {error}"));
            return None;
        }
    };
    let before = problems.listed.0.len() + problems.more;
    let path_field = format!("{at}.path");
    let path = text(shape.path, &path_field, problems);
    match &path {
        None if shape.path.is_none() => problems.add(path_field, "is missing"),
        Some(path) if path.is_empty() => problems.add(path_field, "is empty"),
        _ => {}
    }
    let verdict_field = format!("{at}.verdict");
    let verdict = match text(shape.verdict, &verdict_field, problems) {
        None => {
            if shape.verdict.is_none() {
                problems.add(
                    verdict_field,
                    "is missing: expected ai_generated, ai_composite, no_ai_signal or unreadable",
                );
            }
            None
        }
        Some(name) => {
            let verdict = AssetVerdict::from_name(&name);
            if verdict.is_none() {
                problems.add(
                    verdict_field,
                    format!("unknown verdict `{name}`: expected ai_generated, ai_composite, no_ai_signal or unreadable"),
                );
            }
            verdict
        }
    };
    let mut file = DeliveryFile {
        position: i64::try_from(position).ok()?,
        path: path.unwrap_or_default(),
        verdict: verdict.unwrap_or(AssetVerdict::Unreadable),
        reason: text(shape.reason, &format!("{at}.reason"), problems),
        coverage: None,
        proposal_id: None,
        coverage_reason: None,
    };
    if let Some(raw) = shape.coverage {
        read_coverage(raw, &at, &mut file, problems);
    }
    (problems.listed.0.len() + problems.more == before).then_some(file)
}

/// Checks the counts against the files (only when both were read without problems).
fn check_counts(summary: &ScanSummary, files: &[DeliveryFile], problems: &mut Problems) {
    let tally = |keep: &dyn Fn(&DeliveryFile) -> bool| -> i64 {
        i64::try_from(files.iter().filter(|file| keep(file)).count()).unwrap_or(i64::MAX)
    };
    let listed = i64::try_from(files.len()).unwrap_or(i64::MAX);
    let expected = [
        ("files", summary.files, listed, "entries in `files`"),
        (
            "ai_generated",
            summary.ai_generated,
            tally(&|f| f.verdict == AssetVerdict::AiGenerated),
            "files with the verdict ai_generated",
        ),
        (
            "ai_composite",
            summary.ai_composite,
            tally(&|f| f.verdict == AssetVerdict::AiComposite),
            "files with the verdict ai_composite",
        ),
        (
            "no_ai_signal",
            summary.no_ai_signal,
            tally(&|f| f.verdict == AssetVerdict::NoAiSignal),
            "files with the verdict no_ai_signal",
        ),
        (
            "unreadable",
            summary.unreadable,
            tally(&|f| f.verdict == AssetVerdict::Unreadable),
            "files with the verdict unreadable",
        ),
        (
            "covered",
            summary.covered,
            tally(&|f| f.coverage == Some(CoverageStatus::Covered)),
            "files whose coverage.status is covered",
        ),
        (
            "not_covered",
            summary.not_covered,
            tally(&|f| f.coverage == Some(CoverageStatus::NotCovered)),
            "files whose coverage.status is not_covered",
        ),
    ];
    for (name, stated, counted, what) in expected {
        if stated != counted {
            problems.add(
                format!("summary.{name}"),
                format!("is {stated}, but the report lists {counted} {what}"),
            );
        }
    }
}

/// Reads a report (the request body as text). 400 when it is not JSON; 422 naming every problem
/// of a JSON document that is not a valid report.
pub fn read_report(text: &str) -> Result<CheckedReport, ApiError> {
    if !text.trim_start().starts_with('{') {
        let mut problems = Problems::default();
        problems.add(
            "",
            "a scan report is a JSON object (`clearance scan --format json`)",
        );
        problems.check()?;
    }
    let shape: Shape<'_> = serde_json::from_str(text).map_err(|error| {
        ApiError::BadRequest(format!("the scan report is not valid JSON: {error}"))
    })?;
    read_format(shape.format)?;
    let mut problems = Problems::default();
    let exit_code = match shape.exit_code {
        None => {
            problems.add("exit_code", "is missing: expected 0, 1 or 2");
            None
        }
        Some(raw) => match serde_json::from_str::<i64>(raw.get()) {
            Ok(code @ 0..=2) => Some(code),
            Ok(code) => {
                problems.add(
                    "exit_code",
                    format!("is {code}: expected 0 (all covered and read), 1 (some not covered) or 2 (some unreadable)"),
                );
                None
            }
            Err(_) => {
                problems.add("exit_code", format!("must be 0, 1 or 2, not {}", kind(raw)));
                None
            }
        },
    };
    let summary = read_summary(shape.summary, &mut problems);
    let files = match shape.files {
        None => {
            problems.add("files", "is missing: the list of scanned files");
            None
        }
        Some(raw) => match serde_json::from_str::<Vec<&RawValue>>(raw.get()) {
            Err(_) => {
                problems.add("files", format!("must be a list, not {}", kind(raw)));
                None
            }
            Ok(entries) => {
                let mut files = Vec::with_capacity(entries.len());
                let mut complete = true;
                for (position, entry) in entries.into_iter().enumerate() {
                    match read_file(entry, position, &mut problems) {
                        Some(file) => files.push(file),
                        None => complete = false,
                    }
                }
                complete.then_some(files)
            }
        },
    };
    if let (Some(summary), Some(files)) = (&summary, &files)
        && problems.is_empty()
    {
        check_counts(summary, files, &mut problems);
    }
    problems.check()?;
    match (exit_code, summary, files) {
        (Some(exit_code), Some(summary), Some(files)) => Ok(CheckedReport {
            exit_code,
            summary,
            files,
        }),
        _ => Err(ApiError::Internal(anyhow::anyhow!(
            "a scan report without problems was not read whole"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn example() -> serde_json::Value {
        json!({
            "format": "clearance-scan/1",
            "scanned_at": "2026-11-22T18:00:00Z",
            "roots": ["examples/deliverables"],
            "production_id": 1,
            "cue_sheet": null,
            "exit_code": 2,
            "summary": {"files": 4, "bytes": 10, "ai_generated": 2, "ai_composite": 0,
                        "no_ai_signal": 1, "unreadable": 1, "covered": 1, "not_covered": 1},
            "files": [
                {"path": "art/poster.png", "bytes": 4, "verdict": "ai_generated", "basis": "c2pa",
                 "coverage": {"status": "not_covered", "proposal_id": 2, "proposal_title": "P",
                              "matched_by": "element", "reason": "proposal #2 is in review, not approved"},
                 "manifest": {"claim_generator": "x"}},
                {"path": "art/sky.png", "verdict": "ai_generated",
                 "coverage": {"status": "covered", "proposal_id": 3}},
                {"path": "plate.exr", "verdict": "no_ai_signal", "basis": "none"},
                {"path": "broken.mp4", "verdict": "unreadable", "reason": "truncated"}
            ]
        })
    }

    fn problems(report: &serde_json::Value) -> Vec<(String, String)> {
        match read_report(&report.to_string()) {
            Err(ApiError::Invalid { problems, .. }) => {
                problems.into_iter().map(|p| (p.path, p.message)).collect()
            }
            other => vec![("unexpected".to_owned(), format!("{other:?}"))],
        }
    }

    fn paths(report: &serde_json::Value) -> Vec<String> {
        problems(report).into_iter().map(|(path, _)| path).collect()
    }

    #[test]
    fn a_valid_report_is_read() {
        let checked = read_report(&example().to_string()).expect("valid");
        assert_eq!(checked.exit_code, 2);
        assert_eq!(checked.summary.ai_assets(), 2);
        assert_eq!(checked.files.len(), 4);
        let poster = &checked.files[0];
        assert_eq!(poster.coverage, Some(CoverageStatus::NotCovered));
        assert_eq!(poster.proposal_id, Some(2));
        assert_eq!(
            poster.coverage_reason.as_deref(),
            Some("proposal #2 is in review, not approved")
        );
        assert_eq!(checked.files[3].reason.as_deref(), Some("truncated"));
        assert_eq!(checked.files[3].position, 3);
    }

    #[test]
    fn a_wrong_format_is_the_only_problem_named() {
        let mut report = example();
        report["format"] = json!("clearance-scan/2");
        report["files"] = json!(7);
        assert_eq!(paths(&report), vec!["format"]);
        report.as_object_mut().map(|o| o.remove("format"));
        assert_eq!(paths(&report), vec!["format"]);
    }

    #[test]
    fn every_field_problem_is_named_by_its_path() {
        let mut report = example();
        report["exit_code"] = json!(3);
        report["summary"]["covered"] = json!(-1);
        report["summary"].as_object_mut().map(|o| o.remove("bytes"));
        report["files"][1]["verdict"] = json!("maybe_ai");
        report["files"][2]["path"] = json!(12);
        report["files"][3]["coverage"] = json!({"status": "partly", "proposal_id": "two"});
        assert_eq!(
            paths(&report),
            vec![
                "exit_code",
                "summary.bytes",
                "summary.covered",
                "files[1].verdict",
                "files[2].path",
                "files[3].coverage.status",
                "files[3].coverage.proposal_id",
            ]
        );
        let mut report = example();
        report["files"][2] = json!("plate.exr");
        assert_eq!(paths(&report), vec!["files[2]"]);
    }

    #[test]
    fn counts_must_agree_with_the_files() {
        let mut report = example();
        report["summary"]["files"] = json!(5);
        report["summary"]["covered"] = json!(2);
        let found = problems(&report);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "summary.files");
        assert!(found[0].1.contains("lists 4"), "{found:?}");
        assert_eq!(found[1].0, "summary.covered");
    }

    #[test]
    fn problems_are_capped() {
        let mut report = example();
        let files: Vec<serde_json::Value> = (0..150).map(|_| json!({"path": ""})).collect();
        report["files"] = json!(files);
        let found = problems(&report);
        assert_eq!(found.len(), MAX_PROBLEMS + 1);
        assert!(found[MAX_PROBLEMS].1.contains("more problems"), "{found:?}");
    }

    #[test]
    fn not_json_is_a_bad_request_and_not_an_object_a_problem() {
        assert!(matches!(
            read_report("{\"format\": "),
            Err(ApiError::BadRequest(_))
        ));
        assert_eq!(paths(&json!(["clearance-scan/1"])), vec![""]);
    }
}
