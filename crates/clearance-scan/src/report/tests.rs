use std::path::{Path, PathBuf};

use super::*;
use crate::cuesheet;
use crate::walk::FileResult;
use crate::{Basis, ManifestSummary, Provenance, Validation, Verdict};

fn result(path: &str, verdict: Verdict, basis: Basis, bytes: u64) -> FileResult {
    FileResult {
        provenance: Provenance {
            path: PathBuf::from(path),
            verdict,
            basis,
            manifest: (basis == Basis::C2pa).then(|| ManifestSummary {
                label: None,
                claim_generator: Some("=HYPERLINK(\"x\")".to_owned()),
                title: None,
                embedded: true,
                signer: None,
                actions: Vec::new(),
                ingredients: Vec::new(),
                validation: Validation::ValidUntrusted,
            }),
            xmp_source_types: Vec::new(),
        },
        bytes,
    }
}

fn candidates() -> Vec<Candidate> {
    vec![
        Candidate {
            id: 2,
            title: "Band poster".to_owned(),
            element: "poster".to_owned(),
            status: "in_review".to_owned(),
            final_output: "yes".to_owned(),
            covers: false,
            reason: Some("in review, not approved".to_owned()),
        },
        Candidate {
            id: 4,
            title: "Pickup lines".to_owned(),
            element: "voice".to_owned(),
            status: "approved".to_owned(),
            final_output: "yes".to_owned(),
            covers: true,
            reason: None,
        },
    ]
}

fn results() -> Vec<FileResult> {
    vec![
        result("d/stills/frame.jpg", Verdict::NoAiSignal, Basis::None, 100),
        result("d/art/poster.png", Verdict::AiGenerated, Basis::C2pa, 2048),
        result(
            "d/audio/ep08_pickup.wav",
            Verdict::NoAiSignal,
            Basis::None,
            4096,
        ),
        result(
            "d/broken.mp4",
            Verdict::Unreadable {
                reason: "truncated".to_owned(),
            },
            Basis::None,
            10,
        ),
    ]
}

fn sheet() -> cuesheet::CueSheet {
    cuesheet::parse(
        Path::new("cue.csv"),
        b"asset,proposal_id\naudio/ep08_pickup.wav,4\nart/poster.png,2\nmissing/shot.mov,4\n",
    )
    .unwrap()
}

#[test]
fn coverage_cue_sheet_rows_and_exit_codes() {
    let roots = [PathBuf::from("d")];
    let candidates = candidates();
    let sheet = sheet();
    let context = Context {
        scanned_at: "2026-11-22T18:00:00Z",
        roots: &roots,
        production: Some((1, &candidates)),
        cue_sheet: Some(&sheet),
    };
    let report = Report::build(context, results());
    // The unreadable file wins: exit 2 even though an asset is not covered.
    assert_eq!(report.exit_code, 2);
    assert_eq!(
        report.summary,
        Summary {
            files: 4,
            bytes: 6254,
            ai_generated: 2,
            ai_composite: 0,
            no_ai_signal: 1,
            unreadable: 1,
            covered: 1,
            not_covered: 1,
        }
    );
    let voice = report
        .files
        .iter()
        .find(|f| f.path.ends_with(".wav"))
        .unwrap();
    assert_eq!(voice.basis, Basis::CueSheet);
    assert_eq!(voice.cue_sheet_line, Some(2));
    assert_eq!(
        report.unmatched_cue_rows,
        [UnmatchedRow {
            line: 4,
            names: "missing/shot.mov".to_owned()
        }]
    );
    let order: Vec<&str> = report
        .table_order()
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "d/art/poster.png",
            "d/broken.mp4",
            "d/audio/ep08_pickup.wav",
            "d/stills/frame.jpg"
        ]
    );

    let without_broken: Vec<FileResult> = results().into_iter().filter(|r| r.bytes != 10).collect();
    let report = Report::build(context, without_broken);
    assert_eq!(report.exit_code, 1);
    let approved_all: Vec<Candidate> = candidates
        .iter()
        .cloned()
        .map(|mut c| {
            c.covers = true;
            c.reason = None;
            c
        })
        .collect();
    let report = Report::build(
        Context {
            production: Some((1, &approved_all)),
            ..context
        },
        results().into_iter().filter(|r| r.bytes != 10).collect(),
    );
    assert_eq!(report.exit_code, 0);
    // Without a production nothing is judged: exit 0 when every file was read.
    let report = Report::build(
        Context {
            production: None,
            ..context
        },
        results().into_iter().filter(|r| r.bytes != 10).collect(),
    );
    assert_eq!((report.exit_code, report.summary.not_covered), (0, 0));
    assert!(report.files.iter().all(|f| f.coverage.is_none()));
}

#[test]
fn golden_text_json_csv_and_html() {
    let roots = [PathBuf::from("d")];
    let candidates = candidates();
    let sheet = sheet();
    let report = Report::build(
        Context {
            scanned_at: "2026-11-22T18:00:00Z",
            roots: &roots,
            production: Some((1, &candidates)),
            cue_sheet: Some(&sheet),
        },
        results(),
    );
    assert_eq!(
        to_text(&report),
        "\
COVERAGE     VERDICT       SIGNAL                PROPOSAL  PATH                     NOTE
NOT COVERED  ai_generated  c2pa valid_untrusted  #2        d/art/poster.png         proposal #2 does not cover final media: in review, not approved
UNREADABLE   unreadable    none                  -         d/broken.mp4             truncated
covered      ai_generated  cue sheet             #4        d/audio/ep08_pickup.wav  Pickup lines (by cue sheet)
-            no_ai_signal  none                  -         d/stills/frame.jpg
warning: cue sheet line 4 (missing/shot.mov) logs no scanned file
4 files (6.1 KiB): 2 AI assets (2 generated, 0 composite), 1 without an AI signal, 1 unreadable; against production 1: 1 covered, 1 not covered
"
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["format"], "clearance-scan/1");
    assert_eq!(json["files"][0]["path"], "d/art/poster.png");
    assert_eq!(json["files"][0]["verdict"], "ai_generated");
    assert_eq!(json["files"][0]["coverage"]["status"], "not_covered");
    assert_eq!(json["files"][1]["coverage"]["matched_by"], "cue_sheet");
    assert_eq!(json["files"][2]["verdict"], "unreadable");
    assert_eq!(json["files"][2]["reason"], "truncated");
    assert_eq!(json["summary"]["not_covered"], 1);

    let csv = to_csv(&report);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "path,bytes,verdict,basis,validation,claim_generator,digital_source_types,coverage,proposal_id,matched_by,cue_sheet_line,note"
        )
    );
    assert_eq!(
        lines.next(),
        Some(
            "d/art/poster.png,2048,ai_generated,c2pa,valid_untrusted,\"'=HYPERLINK(\"\"x\"\")\",,not_covered,2,cue_sheet,3,\"proposal #2 does not cover final media: in review, not approved\""
        )
    );

    let html = to_html(&report);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("1 AI asset(s) not covered") || html.contains("1 file(s) could not be read.")
    );
    assert!(html.contains("<td class=\"path\">d/art/poster.png</td>"));
    assert!(!html.contains("<script"), "self-contained and inert");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external resources"
    );
}
