//! The HTML report: one self-contained page (its styles inline, no scripts, no external
//! resources), printable, to attach to a delivery.

use maud::{DOCTYPE, Markup, html};

use super::{Report, coverage_words, human_bytes, note};

const STYLE: &str = "
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#111}
h1{font-size:1.5rem;margin-bottom:.25rem}
.meta{color:#444;margin:.1rem 0}
.verdict{padding:.6rem .9rem;border:2px solid;margin:1rem 0;font-weight:600}
.ok{border-color:#1a7f37}.warn{border-color:#b35900}.bad{border-color:#b00020}
table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{border-bottom:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2}
td.path{font-family:ui-monospace,monospace;word-break:break-all}
tr.not_covered td:first-child,tr.unreadable td:first-child{font-weight:700}
@media print{body{margin:0;max-width:none}}
";

/// The report as a self-contained HTML page.
#[must_use]
pub fn to_html(report: &Report) -> String {
    page(report).into_string()
}

fn page(report: &Report) -> Markup {
    let (class, headline) = match report.exit_code {
        0 if report.production_id.is_some() => (
            "ok",
            "Every AI asset is covered by an approved proposal.".to_owned(),
        ),
        0 => ("ok", "Every file was read.".to_owned()),
        1 => (
            "warn",
            format!(
                "{} AI asset(s) not covered by an approved proposal.",
                report.summary.not_covered
            ),
        ),
        _ => (
            "bad",
            format!("{} file(s) could not be read.", report.summary.unreadable),
        ),
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "Deliverables scan — " (report.roots.join(", ")) }
                style { (STYLE) }
            }
            body {
                h1 { "Deliverables scan" }
                p.meta { "Scanned " (report.roots.join(", ")) " at " (report.scanned_at) }
                @if let Some(production) = report.production_id {
                    p.meta { "Against production " (production) }
                }
                @if let Some(sheet) = &report.cue_sheet {
                    p.meta { "AI cue sheet: " (sheet) }
                }
                p.verdict.(class) { (headline) " Exit code " (report.exit_code) "." }
                p { (report.sentence()) }
                @if !report.unmatched_cue_rows.is_empty() {
                    h2 { "Cue-sheet rows that log no scanned file" }
                    ul {
                        @for row in &report.unmatched_cue_rows {
                            li { "Line " (row.line) ": " (row.names) }
                        }
                    }
                }
                table {
                    thead { tr { th { "Coverage" } th { "Verdict" } th { "Signal" } th { "Proposal" } th { "Path" } th { "Size" } th { "Note" } } }
                    tbody {
                        @for entry in report.table_order() {
                            @let words = coverage_words(entry);
                            tr class=(words.to_lowercase().replace(' ', "_")) {
                                td { (words) }
                                td { (entry.verdict.name()) }
                                td { (entry.signal()) }
                                td { @if let Some(id) = entry.coverage.as_ref().and_then(|c| c.proposal_id) { "#" (id) } }
                                td.path { (entry.path) }
                                td { (human_bytes(entry.bytes)) }
                                td { (note(entry)) }
                            }
                        }
                    }
                }
            }
        }
    }
}
