//! The CSV report, one row per file, for production trackers (ShotGrid/Flow, ftrack).
//!
//! Cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return) are prefixed with `'`: file names and manifest fields come from the media.

use super::{FileEntry, Report, coverage_words, note};

const HEADER: [&str; 12] = [
    "path",
    "bytes",
    "verdict",
    "basis",
    "validation",
    "claim_generator",
    "digital_source_types",
    "coverage",
    "proposal_id",
    "matched_by",
    "cue_sheet_line",
    "note",
];

/// The report as CSV (header row, then the files in path order).
#[must_use]
pub fn to_csv(report: &Report) -> String {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(HEADER);
    for entry in &report.files {
        let _ = writer.write_record(row(entry).iter().map(|cell| guard(cell)));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn row(entry: &FileEntry) -> [String; 12] {
    let manifest = entry.manifest.as_ref();
    let mut source_types: Vec<String> = manifest
        .map(|manifest| {
            manifest
                .actions
                .iter()
                .filter_map(|action| action.digital_source_type.clone())
                .collect()
        })
        .unwrap_or_default();
    source_types.extend(entry.xmp_source_types.iter().cloned());
    let coverage = entry.coverage.as_ref();
    [
        entry.path.clone(),
        entry.bytes.to_string(),
        entry.verdict.name().to_owned(),
        entry.basis.name().to_owned(),
        entry.validation().unwrap_or_default().to_owned(),
        manifest
            .and_then(|manifest| manifest.claim_generator.clone())
            .unwrap_or_default(),
        source_types.join(" "),
        match coverage_words(entry) {
            "-" | "UNREADABLE" | "not judged" => String::new(),
            words => words.to_lowercase().replace(' ', "_"),
        },
        coverage
            .and_then(|coverage| coverage.proposal_id)
            .map(|id| id.to_string())
            .unwrap_or_default(),
        coverage
            .and_then(|coverage| coverage.matched_by)
            .map(|matched_by| matched_by.name().to_owned())
            .unwrap_or_default(),
        entry
            .cue_sheet_line
            .map(|line| line.to_string())
            .unwrap_or_default(),
        note(entry),
    ]
}

fn guard(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}
