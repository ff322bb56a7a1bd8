//! The scan report: one entry per file with its verdict and, when a production is given, its
//! coverage; the summary; the exit code; and the four renderings (text, JSON, CSV, HTML).
//!
//! The JSON form (`format: "clearance-scan/1"`) is what `clearance scan --format json` prints
//! and what `--server` uploads; its fields are documented on [`Report`] and [`FileEntry`].
//!
//! Exit codes follow ripgrep's convention: `2` when some file could not be read (whatever
//! else happened), else `1` when some AI asset is not covered, else `0`. Without a production
//! coverage is not judged, so only `0` and `2` occur.

mod csv;
mod html;
mod text;

use std::path::Path;

use serde::Serialize;

use crate::coverage::{self, Candidate, Coverage, Status};
use crate::cuesheet::CueSheet;
use crate::walk::FileResult;
use crate::{Basis, ManifestSummary, Validation, Verdict};

pub use self::csv::to_csv;
pub use self::html::to_html;
pub use self::text::to_text;

/// The report's format name, in its `format` field.
pub const FORMAT: &str = "clearance-scan/1";

/// A whole scan.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// When the scan ran (RFC 3339).
    pub scanned_at: String,
    /// The paths given to the scan.
    pub roots: Vec<String>,
    /// The production judged against, if any.
    pub production_id: Option<i64>,
    /// The cue sheet used, if any.
    pub cue_sheet: Option<String>,
    /// 0, 1 or 2 (see the module documentation).
    pub exit_code: u8,
    /// Counts.
    pub summary: Summary,
    /// Cue-sheet rows that log no scanned file (a logged AI element missing from the
    /// delivery, or a misspelt name).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmatched_cue_rows: Vec<UnmatchedRow>,
    /// Every file, sorted by path.
    pub files: Vec<FileEntry>,
}

/// The counts of a scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files read or tried.
    pub files: u64,
    /// Their total size.
    pub bytes: u64,
    /// Files with verdict `ai_generated`.
    pub ai_generated: u64,
    /// Files with verdict `ai_composite`.
    pub ai_composite: u64,
    /// Files with verdict `no_ai_signal`.
    pub no_ai_signal: u64,
    /// Files with verdict `unreadable`.
    pub unreadable: u64,
    /// AI assets covered by an approved proposal.
    pub covered: u64,
    /// AI assets not covered.
    pub not_covered: u64,
}

/// A cue-sheet row that matched no file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmatchedRow {
    /// Its line.
    pub line: u64,
    /// Its asset path or shot id.
    pub names: String,
}

/// One file of the report.
#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    /// The path, as reached from the root given.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// `verdict` (and `reason` when unreadable).
    #[serde(flatten)]
    pub verdict: Verdict,
    /// What decided the verdict: `c2pa`, `xmp`, `cue_sheet` or `none`.
    pub basis: Basis,
    /// The C2PA manifest's summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manifest: Option<ManifestSummary>,
    /// XMP digital source types (files without a manifest).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub xmp_source_types: Vec<String>,
    /// The cue-sheet row that logs the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue_sheet_line: Option<u64>,
    /// Coverage (AI assets, when a production is given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
}

impl FileEntry {
    /// Whether the file is an AI asset.
    #[must_use]
    pub fn is_ai(&self) -> bool {
        matches!(self.verdict, Verdict::AiGenerated | Verdict::AiComposite)
    }

    /// The validation state's name (`trusted`, `valid_untrusted`, `invalid`), for a manifest.
    #[must_use]
    pub fn validation(&self) -> Option<&'static str> {
        self.manifest
            .as_ref()
            .map(|manifest| match manifest.validation {
                Validation::Trusted => "trusted",
                Validation::ValidUntrusted => "valid_untrusted",
                Validation::Invalid { .. } => "invalid",
            })
    }

    /// The signal column of the text and HTML tables: `c2pa` and the validation state for a
    /// manifest, else the basis (`xmp`, `cue sheet`, `none`).
    #[must_use]
    pub fn signal(&self) -> String {
        match self.validation() {
            Some(validation) => format!("c2pa {validation}"),
            None => self.basis.name().replace('_', " "),
        }
    }

    /// Where the file sorts in the text and HTML tables: not covered, unreadable, covered,
    /// AI not judged, no AI signal.
    fn rank(&self) -> u8 {
        match (&self.verdict, &self.coverage) {
            (_, Some(coverage)) if coverage.status == Status::NotCovered => 0,
            (Verdict::Unreadable { .. }, _) => 1,
            (_, Some(_)) => 2,
            (Verdict::AiGenerated | Verdict::AiComposite, None) => 3,
            _ => 4,
        }
    }
}

/// What the scan was given besides the files.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// When it ran (RFC 3339).
    pub scanned_at: &'a str,
    /// The paths given.
    pub roots: &'a [std::path::PathBuf],
    /// The production and its proposals, when coverage is judged.
    pub production: Option<(i64, &'a [Candidate])>,
    /// The cue sheet.
    pub cue_sheet: Option<&'a CueSheet>,
}

impl Report {
    /// Builds the report from the scan's results.
    ///
    /// A file without an AI signal that a cue-sheet row logs is an AI asset on the sheet's
    /// word (`ai_generated`, basis `cue_sheet`): the sheet is the log of every AI element.
    #[must_use]
    pub fn build(context: Context<'_>, results: Vec<FileResult>) -> Self {
        let mut summary = Summary::default();
        let mut used_rows = std::collections::BTreeSet::new();
        let mut files: Vec<FileEntry> = results
            .into_iter()
            .map(|result| {
                let provenance = result.provenance;
                let row = context
                    .cue_sheet
                    .and_then(|sheet| sheet.row_for(&provenance.path));
                if let Some(row) = row {
                    used_rows.insert(row.line);
                }
                let (verdict, basis) = match (provenance.verdict, row) {
                    (Verdict::NoAiSignal, Some(_)) => (Verdict::AiGenerated, Basis::CueSheet),
                    (verdict, _) => (verdict, provenance.basis),
                };
                let mut entry = FileEntry {
                    path: display(&provenance.path),
                    bytes: result.bytes,
                    verdict,
                    basis,
                    manifest: provenance.manifest,
                    xmp_source_types: provenance.xmp_source_types,
                    cue_sheet_line: row.map(|row| row.line),
                    coverage: None,
                };
                if let Some((_, candidates)) = context.production
                    && entry.is_ai()
                {
                    entry.coverage = Some(coverage::judge(&provenance.path, row, candidates));
                }
                summary.add(&entry);
                entry
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let unmatched_cue_rows = context
            .cue_sheet
            .map(|sheet| {
                sheet
                    .rows
                    .iter()
                    .filter(|row| !used_rows.contains(&row.line))
                    .map(|row| UnmatchedRow {
                        line: row.line,
                        names: row
                            .asset
                            .clone()
                            .or_else(|| row.shot.clone())
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let exit_code = if summary.unreadable > 0 {
            2
        } else if summary.not_covered > 0 {
            1
        } else {
            0
        };
        Self {
            format: FORMAT,
            scanned_at: context.scanned_at.to_owned(),
            roots: context.roots.iter().map(|root| display(root)).collect(),
            production_id: context.production.map(|(id, _)| id),
            cue_sheet: context.cue_sheet.map(|sheet| display(&sheet.path)),
            exit_code,
            summary,
            unmatched_cue_rows,
            files,
        }
    }

    /// The files in table order: not covered first, then unreadable, covered, AI not judged,
    /// no AI signal; by path within each group.
    #[must_use]
    pub fn table_order(&self) -> Vec<&FileEntry> {
        let mut ordered: Vec<&FileEntry> = self.files.iter().collect();
        ordered.sort_by(|a, b| a.rank().cmp(&b.rank()).then_with(|| a.path.cmp(&b.path)));
        ordered
    }

    /// The summary in one sentence.
    #[must_use]
    pub fn sentence(&self) -> String {
        let s = &self.summary;
        let ai = s.ai_generated + s.ai_composite;
        let mut text = format!(
            "{} ({}): {} ({} generated, {} composite), {} without an AI signal, {} unreadable",
            plural(s.files, "file"),
            human_bytes(s.bytes),
            plural(ai, "AI asset"),
            s.ai_generated,
            s.ai_composite,
            s.no_ai_signal,
            s.unreadable,
        );
        if let Some(production) = self.production_id {
            text.push_str(&format!(
                "; against production {production}: {} covered, {} not covered",
                s.covered, s.not_covered
            ));
        }
        text
    }
}

impl Summary {
    fn add(&mut self, entry: &FileEntry) {
        self.files += 1;
        self.bytes += entry.bytes;
        match entry.verdict {
            Verdict::AiGenerated => self.ai_generated += 1,
            Verdict::AiComposite => self.ai_composite += 1,
            Verdict::NoAiSignal => self.no_ai_signal += 1,
            Verdict::Unreadable { .. } => self.unreadable += 1,
        }
        match entry.coverage.as_ref().map(|coverage| coverage.status) {
            Some(Status::Covered) => self.covered += 1,
            Some(Status::NotCovered) => self.not_covered += 1,
            None => {}
        }
    }
}

/// A path with `/` separators whatever the platform.
fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn plural(count: u64, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Bytes in the largest unit that keeps a whole number in front (1024-based, one decimal).
#[must_use]
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// The coverage column's words.
fn coverage_words(entry: &FileEntry) -> &'static str {
    match (&entry.verdict, entry.coverage.as_ref().map(|c| c.status)) {
        (_, Some(Status::NotCovered)) => "NOT COVERED",
        (_, Some(Status::Covered)) => "covered",
        (Verdict::Unreadable { .. }, _) => "UNREADABLE",
        (Verdict::AiGenerated | Verdict::AiComposite, None) => "not judged",
        _ => "-",
    }
}

/// The note column: why not covered or unreadable, else the covering proposal's title.
fn note(entry: &FileEntry) -> String {
    if let Verdict::Unreadable { reason } = &entry.verdict {
        return reason.clone();
    }
    match &entry.coverage {
        Some(coverage) => coverage
            .reason
            .clone()
            .or_else(|| {
                coverage.proposal_title.as_ref().map(|title| {
                    let by = match coverage.matched_by {
                        Some(coverage::MatchedBy::Element) => "by element",
                        _ => "by cue sheet",
                    };
                    format!("{title} ({by})")
                })
            })
            .unwrap_or_default(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
