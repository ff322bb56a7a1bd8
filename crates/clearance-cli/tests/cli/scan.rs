//! `clearance scan`: verdicts, formats, exit codes, located cue-sheet problems, and the demo
//! production's deliverables held against its proposals through the service and the local
//! store.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::serve::terminate;
use crate::util::{TempDir, TestCommand, TestResult, workspace_root};

const DEMO: &str = "examples/deliverables";
const ANCHORS: &str = "examples/deliverables/trust-anchors.pem";
const CUE_SHEET: &str = "examples/deliverables/ai-cue-sheet.csv";

fn verdicts(report: &Value) -> Vec<(String, String)> {
    report["files"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|file| {
            (
                file["path"].as_str().unwrap_or_default().to_owned(),
                file["verdict"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Copies the demo deliverables into a temporary folder.
fn demo_copy(dir: &TempDir) -> std::io::Result<std::path::PathBuf> {
    let target = dir.path().join("deliverables");
    for entry in walk(&workspace_root().join(DEMO))? {
        let relative = entry
            .strip_prefix(workspace_root().join(DEMO))
            .unwrap_or(&entry);
        let dest = target.join(relative);
        std::fs::create_dir_all(dest.parent().unwrap_or(&target))?;
        std::fs::copy(&entry, dest)?;
    }
    Ok(target)
}

fn walk(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            found.extend(walk(&path)?);
        } else {
            found.push(path);
        }
    }
    Ok(found)
}

#[test]
fn without_a_production_every_file_gets_a_verdict_and_exit_0() -> TestResult {
    let run =
        TestCommand::new(["scan", DEMO, "--trust-anchors", ANCHORS, "--format", "json"]).run()?;
    run.assert_code(0);
    let report = run.json()?;
    assert_eq!(report["format"], "clearance-scan/1");
    assert_eq!(report["production_id"], Value::Null);
    assert_eq!(
        verdicts(&report),
        [
            (
                "examples/deliverables/art/ep02_diner_band_poster.png".to_owned(),
                "ai_generated".to_owned()
            ),
            (
                "examples/deliverables/audio/ep08_pickup_line.wav".to_owned(),
                "ai_generated".to_owned()
            ),
            (
                "examples/deliverables/graphics/ep01_titles_procedural.png".to_owned(),
                "no_ai_signal".to_owned()
            ),
            (
                "examples/deliverables/stills/ep02_diner_plate.jpg".to_owned(),
                "no_ai_signal".to_owned()
            ),
        ]
    );
    assert_eq!(
        report["files"][0]["manifest"]["validation"]["state"],
        "trusted"
    );
    assert_eq!(
        report["files"][2]["basis"], "xmp",
        "algorithmicMedia is read, and is not AI"
    );
    assert!(
        report["files"][0].get("coverage").is_none(),
        "coverage is not judged"
    );
    // Without the studio's anchor the same signature is valid but not trusted.
    let untrusted = TestCommand::new(["scan", DEMO, "--format", "json", "-j", "1"]).run()?;
    untrusted.assert_code(0);
    assert_eq!(
        untrusted.json()?["files"][0]["manifest"]["validation"]["state"],
        "valid_untrusted"
    );
    Ok(())
}

#[test]
fn unreadable_files_are_reported_and_make_exit_2_while_the_scan_goes_on() -> TestResult {
    let dir = TempDir::new("scan-unreadable")?;
    let root = demo_copy(&dir)?;
    let poster = std::fs::read(root.join("art/ep02_diner_band_poster.png"))?;
    std::fs::write(root.join("art/cut.png"), &poster[..poster.len() / 3])?;
    std::fs::write(
        root.join("vfx.mp4"),
        b"\x00\x00\x00\x18ftypisomgarbage that is no movie",
    )?;
    let run = TestCommand::new(["scan", &root.to_string_lossy(), "--format", "json"]).run()?;
    run.assert_code(2);
    let report = run.json()?;
    assert_eq!(report["exit_code"], 2);
    assert_eq!(report["summary"]["unreadable"], 2);
    assert_eq!(
        report["summary"]["ai_generated"], 2,
        "the other files were still read"
    );
    for file in report["files"].as_array().into_iter().flatten() {
        let path = file["path"].as_str().unwrap_or_default();
        if path.ends_with("cut.png") || path.ends_with("vfx.mp4") {
            assert_eq!(file["verdict"], "unreadable", "{file}");
            assert!(
                !file["reason"].as_str().unwrap_or_default().is_empty(),
                "{file}"
            );
        }
    }
    // The text table puts the unreadable files first (nothing is judged uncovered here).
    let text = TestCommand::new(["scan", &root.to_string_lossy()]).run()?;
    text.assert_code(2);
    let rows: Vec<&str> = text.stdout.lines().skip(1).take(2).collect();
    assert!(
        rows.iter().all(|row| row.starts_with("UNREADABLE")),
        "{}",
        text.stdout
    );
    Ok(())
}

#[test]
fn csv_and_html_reports_and_the_output_flag() -> TestResult {
    let dir = TempDir::new("scan-formats")?;
    let csv = TestCommand::new(["scan", DEMO, "--format", "csv"]).run()?;
    csv.assert_code(0);
    let mut lines = csv.stdout.lines();
    assert_eq!(
        lines.next(),
        Some(
            "path,bytes,verdict,basis,validation,claim_generator,digital_source_types,coverage,proposal_id,matched_by,cue_sheet_line,note"
        )
    );
    assert_eq!(lines.count(), 4);
    let html = dir.path().join("report.html");
    let run = TestCommand::new([
        "scan",
        DEMO,
        "--format",
        "html",
        "-o",
        &html.to_string_lossy(),
    ])
    .run()?;
    run.assert_code(0);
    assert_eq!(run.stdout, "", "the report went to the file");
    let page = std::fs::read_to_string(&html)?;
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("ep02_diner_band_poster.png"));
    assert!(page.contains("Every file was read."));
    Ok(())
}

#[test]
fn a_bad_cue_sheet_is_refused_with_every_problem_located() -> TestResult {
    let dir = TempDir::new("scan-cue")?;
    let sheet = dir.write(
        "cue.csv",
        "asset,timecode_in,timecode_out,tool,prompt_summary,proposal_id\n\
         art/x.png,01:00:00:00,01:00:01:00,tool,sky,P-x\n\
         ,01:00:00:00,25:00:99:00,tool,sky,3\n",
    )?;
    let run = TestCommand::new([
        "scan",
        DEMO,
        "--production",
        "1",
        "--cue-sheet",
        &sheet.to_string_lossy(),
    ])
    .run()?;
    run.assert_code(2);
    let shown = sheet.to_string_lossy();
    assert!(
        run.stderr.contains(&format!(
            "{shown}:2:6: proposal_id: \"P-x\" is not a proposal id"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "{shown}:3: the row names neither an asset nor a shot"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "{shown}:3:3: timecode_out: \"25:00:99:00\" is not a timecode"
        )),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "", "no report for a scan that did not run");
    Ok(())
}

#[test]
fn bad_trust_anchors_and_incomplete_server_flags_are_errors() -> TestResult {
    let dir = TempDir::new("scan-flags")?;
    let anchors = dir.write(
        "anchors.pem",
        "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
    )?;
    let run =
        TestCommand::new(["scan", DEMO, "--trust-anchors", &anchors.to_string_lossy()]).run()?;
    run.assert_code(2);
    assert!(
        run.stderr.contains(&*anchors.to_string_lossy()),
        "{}",
        run.stderr
    );
    let missing = TestCommand::new(["scan", DEMO, "--trust-anchors", "no/such.pem"]).run()?;
    missing.assert_code(2);
    assert!(
        missing
            .stderr
            .contains("cannot read the trust anchors no/such.pem"),
        "{}",
        missing.stderr
    );
    let run = TestCommand::new([
        "scan",
        DEMO,
        "--server",
        "http://127.0.0.1:9",
        "--token",
        "x",
    ])
    .run()?;
    run.assert_code(2);
    assert!(run.stderr.contains("--production"), "{}", run.stderr);
    Ok(())
}

/// The demo service: the process, its address, and the demo tokens as (role, token).
type Demo = (std::process::Child, String, Vec<(String, String)>);

/// Starts `clearance serve --demo`; returns the child, its address and the demo tokens by role.
fn start_demo(data: &str) -> Result<Demo, Box<dyn std::error::Error>> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clearance"))
        .args([
            "serve",
            "--demo",
            "--bind",
            "127.0.0.1:0",
            "--data-dir",
            data,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(address) = line.strip_prefix("clearance is listening on http://") {
                let _ = sender.send(
                    address
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
        }
    });
    let address = receiver.recv_timeout(Duration::from_secs(120))?;
    // The demo summary is printed before the service listens.
    let mut tokens = Vec::new();
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() >= 4
            && ["admin", "reviewer", "partner", "representative"].contains(&words[0])
        {
            tokens.push((words[0].to_owned(), words[words.len() - 1].to_owned()));
            if words[0] == "representative" {
                break;
            }
        }
    }
    Ok((child, address, tokens))
}

/// One JSON request over a fresh connection.
fn request(
    address: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), Box<dyn std::error::Error>> {
    let mut stream = TcpStream::connect(address)?;
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response.get(9..12).unwrap_or("0").parse()?;
    let json = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| serde_json::from_str(body).unwrap_or(Value::Null))
        .unwrap_or(Value::Null);
    Ok((status, json))
}

#[test]
fn the_demo_delivery_is_uncovered_until_the_poster_is_approved() -> TestResult {
    let dir = TempDir::new("scan-demo")?;
    let data = dir.path().join("data").to_string_lossy().into_owned();
    let (mut child, address, tokens) = start_demo(&data)?;
    let token = |role: &str| {
        tokens
            .iter()
            .find(|(r, _)| r == role)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    };
    let (partner, reviewer) = (token("partner"), token("reviewer"));
    assert!(!partner.is_empty() && !reviewer.is_empty(), "{tokens:?}");
    let server = format!("http://{address}");
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            DEMO,
            "--production",
            "1",
            "--cue-sheet",
            CUE_SHEET,
            "--trust-anchors",
            ANCHORS,
        ];
        args.extend_from_slice(extra);
        TestCommand::new(args).run()
    };

    let first = scan(&["--server", &server, "--token", &partner])?;
    first.assert_code(1);
    let table: Vec<&str> = first.stdout.lines().collect();
    assert!(
        table[1].starts_with("NOT COVERED")
            && table[1].contains("art/ep02_diner_band_poster.png")
            && table[1].contains("#2"),
        "{}",
        first.stdout
    );
    assert!(
        first
            .stdout
            .contains("proposal #2 does not cover final media"),
        "{}",
        first.stdout
    );
    assert!(
        table[2].starts_with("covered")
            && table[2].contains("audio/ep08_pickup_line.wav")
            && table[2].contains("#4"),
        "{}",
        first.stdout
    );
    assert!(
        first.stdout.contains("1 covered, 1 not covered"),
        "{}",
        first.stdout
    );
    assert!(
        first.stderr.contains("uploaded: delivery"),
        "{}",
        first.stderr
    );

    // The reviewer approves the poster (proposal #2) for the final cut.
    let (status, proposal) = request(&address, "GET", "/api/proposals/2", &reviewer, None)?;
    assert_eq!(status, 200, "{proposal}");
    assert_eq!(
        proposal["proposal"]["title"],
        "Band poster in the diner, episode 2"
    );
    let revision = proposal["proposal"]["revision"].clone();
    let (status, decided) = request(
        &address,
        "POST",
        "/api/proposals/2/reviews",
        &reviewer,
        Some(
            &json!({"decision": "approve", "note": "Fictional band; fine for the final cut.", "revision": revision}),
        ),
    )?;
    assert!(status == 200 || status == 201, "{status} {decided}");

    let second = scan(&["--server", &server, "--token", &partner, "--format", "json"])?;
    second.assert_code(0);
    let report = second.json()?;
    assert_eq!(report["summary"]["covered"], 2);
    assert_eq!(report["summary"]["not_covered"], 0);
    assert_eq!(report["files"][0]["coverage"]["proposal_id"], 2);
    assert_eq!(report["files"][0]["coverage"]["matched_by"], "cue_sheet");

    // Both uploads are on the service, newest first.
    let (status, deliveries) = request(
        &address,
        "GET",
        "/api/productions/1/deliveries",
        &reviewer,
        None,
    )?;
    assert_eq!(status, 200, "{deliveries}");
    let listed: Vec<i64> = deliveries
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["exit_code"].as_i64())
        .collect();
    assert_eq!(listed, [0, 1], "{deliveries}");

    let status = terminate(&mut child)?;
    assert!(status.success());
    // The same judgement from the local store, without the service.
    let local = scan(&["--data-dir", &data])?;
    local.assert_code(0);
    assert!(
        local.stdout.contains("2 covered, 0 not covered"),
        "{}",
        local.stdout
    );
    let nowhere =
        TestCommand::new(["scan", DEMO, "--production", "99", "--data-dir", &data]).run()?;
    nowhere.assert_code(2);
    assert!(
        nowhere.stderr.contains("there is no production 99"),
        "{}",
        nowhere.stderr
    );
    Ok(())
}
