//! The text report: a table, not-covered assets first, then a summary line.

use super::{FileEntry, Report, coverage_words, note};

/// The report as a plain-text table.
#[must_use]
pub fn to_text(report: &Report) -> String {
    let rows: Vec<[String; 6]> = report.table_order().into_iter().map(row).collect();
    let header = [
        "COVERAGE".to_owned(),
        "VERDICT".to_owned(),
        "SIGNAL".to_owned(),
        "PROPOSAL".to_owned(),
        "PATH".to_owned(),
        "NOTE".to_owned(),
    ];
    let mut widths = [0usize; 5];
    for cells in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(cells.iter()) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for cells in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (index, cell) in cells.iter().enumerate() {
            if index < widths.len() {
                line.push_str(&format!("{cell:<width$}  ", width = widths[index]));
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    for row in &report.unmatched_cue_rows {
        out.push_str(&format!(
            "warning: cue sheet line {} ({}) logs no scanned file\n",
            row.line, row.names
        ));
    }
    out.push_str(&report.sentence());
    out.push('\n');
    out
}

fn row(entry: &FileEntry) -> [String; 6] {
    [
        coverage_words(entry).to_owned(),
        entry.verdict.name().to_owned(),
        entry.signal(),
        entry
            .coverage
            .as_ref()
            .and_then(|coverage| coverage.proposal_id)
            .map(|id| format!("#{id}"))
            .unwrap_or_else(|| "-".to_owned()),
        entry.path.clone(),
        note(entry),
    ]
}
