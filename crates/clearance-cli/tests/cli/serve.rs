//! `clearance serve` as a process: it listens, answers, logs JSON when asked, and on SIGTERM
//! finishes what it is doing and exits 0 with its audit log intact.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{TempDir, TestCommand, TestResult};

/// A running service: the process, its address, and the thread collecting its log lines.
type Running = (Child, String, std::thread::JoinHandle<Vec<String>>);

/// Starts the service on a free port; returns the child and its address (read from its banner).
fn start(data: &str, extra: &[&str]) -> Result<Running, Box<dyn std::error::Error>> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clearance"))
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir", data])
        .args(extra)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let (sender, receiver) = std::sync::mpsc::channel();
    // Keep reading standard error until the process ends (so it never blocks on a full pipe).
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
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
            lines.push(line);
        }
        lines
    });
    let address = receiver.recv_timeout(Duration::from_secs(60))?;
    Ok((child, address, reader))
}

fn get(address: &str, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(address)?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

pub(crate) fn terminate(
    child: &mut Child,
) -> Result<std::process::ExitStatus, Box<dyn std::error::Error>> {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if started.elapsed() > Duration::from_secs(30) {
            child.kill()?;
            return Err("the service did not stop within 30 s of SIGTERM".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serve_answers_and_stops_cleanly_on_sigterm() -> TestResult {
    let dir = TempDir::new("serve-sigterm")?;
    let data = dir.path().to_string_lossy().into_owned();
    let (mut child, address, reader) = start(&data, &["--log-format", "json"])?;
    let health = get(&address, "/healthz")?;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let ready = get(&address, "/readyz")?;
    assert!(ready.contains("\"database\":\"sqlite\""), "{ready}");
    let status = terminate(&mut child)?;
    assert!(status.success(), "exit status after SIGTERM: {status}");
    let lines = reader.join().map_err(|_| "reader thread")?;
    let logs: Vec<serde_json::Value> = lines
        .iter()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    assert!(
        logs.iter()
            .any(|log| log["fields"]["message"] == "shutting down: finishing requests in flight"),
        "{lines:#?}"
    );
    assert!(
        logs.iter()
            .any(|log| log["fields"]["message"] == "listening"),
        "{lines:#?}"
    );
    // The log written while it ran verifies.
    let run = TestCommand::new(["audit", "verify", "--data-dir", &data]).run()?;
    run.assert_code(0);
    Ok(())
}

#[test]
fn the_database_password_is_never_logged() -> TestResult {
    let dir = TempDir::new("serve-secret")?;
    let data = dir.path().to_string_lossy().into_owned();
    // An unreachable PostgreSQL URL with a password: the start fails, and says so without it.
    let run = TestCommand::new([
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--data-dir",
        &data,
        "--database-url",
        "postgres://app:hunter2-secret@127.0.0.1:1/none",
    ])
    .env("RUST_LOG", "info")
    .run()?;
    run.assert_code(2);
    assert!(!run.stderr.contains("hunter2-secret"), "{}", run.stderr);
    assert!(run.stderr.contains("app:***@127.0.0.1:1"), "{}", run.stderr);
    Ok(())
}
