//! Helpers for running the `clearance` binary as a black box and comparing with golden files.
//!
//! `TestCommand` runs the built binary with arguments, optional standard input and a controlled
//! environment (the colour variables are removed unless a test sets them), from the workspace root
//! unless told otherwise, and captures stdout, stderr and the exit code.
//!
//! `assert_golden` compares text with `tests/golden/NAME.txt`; with `BLESS=1` in the environment
//! it writes the file instead (then read the file and check it by eye before committing it).

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a test returns: `?` on I/O and JSON errors turns them into a failure.
pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The workspace root (`/work/main`), where `examples/` and `rulebooks/` live.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The CLI crate's directory (`crates/clearance-cli`).
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The path of a file under `tests/data/`, relative to the workspace root (the default current
/// directory of a `TestCommand`), so that it prints the same on every machine.
pub fn data(name: &str) -> String {
    format!("crates/clearance-cli/tests/data/{name}")
}

/// Environment variables that change colour decisions; removed from every run unless set again.
const COLOUR_VARIABLES: [&str; 4] = ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM"];

/// One run of the binary, built step by step.
#[derive(Debug, Clone)]
pub struct TestCommand {
    args: Vec<OsString>,
    stdin: Option<Vec<u8>>,
    envs: Vec<(String, String)>,
    dir: PathBuf,
}

/// What a run produced.
#[derive(Debug)]
pub struct Run {
    /// The command line, for messages.
    pub shown: String,
    /// Standard output, decoded lossily.
    pub stdout: String,
    /// Standard error, decoded lossily.
    pub stderr: String,
    /// Standard output as bytes.
    pub stdout_bytes: Vec<u8>,
    /// Standard error as bytes.
    pub stderr_bytes: Vec<u8>,
    /// The exit code; `None` when the process was killed by a signal (a crash).
    pub code: Option<i32>,
}

impl TestCommand {
    /// `clearance ARGS...`, run from the workspace root, without standard input.
    pub fn new<I, S>(args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        Self {
            args: args.into_iter().map(Into::into).collect(),
            stdin: None,
            envs: Vec::new(),
            dir: workspace_root(),
        }
    }

    /// Feeds these bytes on standard input.
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    /// Sets an environment variable for the run.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.envs.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Sets `NO_COLOR=1` (`true`) or leaves it unset (`false`, the default).
    pub fn no_color(self, set: bool) -> Self {
        if set { self.env("NO_COLOR", "1") } else { self }
    }

    /// Runs from this directory instead of the workspace root.
    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = dir.into();
        self
    }

    /// Runs the binary and waits for it.
    pub fn run(&self) -> std::io::Result<Run> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_clearance"));
        command.args(&self.args).current_dir(&self.dir);
        for key in COLOUR_VARIABLES {
            command.env_remove(key);
        }
        for (key, value) in &self.envs {
            command.env(key, value);
        }
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        command.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = command.spawn()?;
        let writer = match (self.stdin.clone(), child.stdin.take()) {
            (Some(bytes), Some(mut pipe)) => Some(std::thread::spawn(move || {
                // The binary may stop reading early (for instance on a size limit): ignore that.
                let _ = pipe.write_all(&bytes);
            })),
            _ => None,
        };
        let output = child.wait_with_output()?;
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        Ok(Run {
            shown: self.shown(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            stdout_bytes: output.stdout,
            stderr_bytes: output.stderr,
            code: output.status.code(),
        })
    }

    fn shown(&self) -> String {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
        let envs: Vec<String> = self
            .envs
            .iter()
            .map(|(key, value)| format!("{key}={value} "))
            .collect();
        format!("{}clearance {}", envs.concat(), args.join(" "))
    }
}

impl Run {
    /// Asserts the exit code, and that the binary neither crashed nor panicked.
    pub fn assert_code(&self, expected: i32) -> &Self {
        self.assert_no_crash();
        assert_eq!(
            self.code,
            Some(expected),
            "exit code of `{}`\n--- stdout\n{}\n--- stderr\n{}",
            self.shown,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts that the process exited normally and did not panic.
    pub fn assert_no_crash(&self) -> &Self {
        assert!(
            self.code.is_some(),
            "`{}` was killed by a signal\n--- stderr\n{}",
            self.shown,
            self.stderr
        );
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "`{}` panicked\n--- stderr\n{}",
            self.shown,
            self.stderr
        );
        self
    }

    /// The stdout as one JSON value.
    pub fn json(&self) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
        serde_json::from_str(&self.stdout).map_err(|error| {
            format!(
                "stdout of `{}` is not one JSON value: {error}\n{}",
                self.shown, self.stdout
            )
            .into()
        })
    }

    /// The last non-empty line of stdout.
    pub fn last_stdout_line(&self) -> &str {
        self.stdout
            .lines()
            .rev()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("")
    }
}

/// Whether these bytes contain an ANSI escape (the ESC byte).
pub fn has_ansi(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b)
}

/// Removes ANSI escape sequences (`ESC [ ... final`) from text.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for next in chars.by_ref() {
                    if ('@'..='~').contains(&next) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// Compares `actual` with `tests/golden/NAME.txt`; with `BLESS=1`, writes it instead.
pub fn assert_golden(name: &str, actual: &str) -> TestResult {
    let path = crate_dir().join("tests/golden").join(format!("{name}.txt"));
    if std::env::var_os("BLESS").is_some_and(|value| value == "1") {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, actual)?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&path).map_err(|error| {
        format!(
            "cannot read golden file {} ({error}); run the test with BLESS=1 to create it",
            path.display()
        )
    })?;
    if expected != actual {
        let first_difference = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .find(|(_, (want, got))| want != got)
            .map(|(number, (want, got))| {
                format!(
                    "first difference at line {}:\n  golden: {want}\n  actual: {got}",
                    number + 1
                )
            })
            .unwrap_or_else(|| {
                format!(
                    "the texts differ in length ({} vs {} lines)",
                    expected.lines().count(),
                    actual.lines().count()
                )
            });
        assert_eq!(
            expected,
            actual,
            "output differs from golden file {} ({first_difference}); if the change is intended, rerun with BLESS=1 and review the diff",
            path.display()
        );
    }
    Ok(())
}

/// A directory for one test's files, under Cargo's target tmpdir; removed when dropped.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// A fresh, empty directory named after the test.
    pub fn new(name: &str) -> std::io::Result<Self> {
        let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("clearance-cli-{name}-{}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path)?;
        }
        std::fs::create_dir_all(&path)?;
        Ok(Self { path })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes a file in the directory and returns its full path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> std::io::Result<PathBuf> {
        let path = self.path.join(name);
        std::fs::write(&path, contents)?;
        Ok(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Reads a file of the workspace (`examples/moodboard.yaml`) as text.
pub fn read_workspace_file(relative: &str) -> std::io::Result<String> {
    std::fs::read_to_string(workspace_root().join(relative))
}

/// A scenario file of the rulebook crate: the intake it wraps, as YAML text, and what it expects.
#[derive(Debug, Default)]
pub struct Scenario {
    /// The file name, for messages.
    pub name: String,
    /// The intake, de-indented out of `intake:` so that the CLI can read it.
    pub intake: String,
    /// `expect.tier`.
    pub tier: Option<String>,
    /// `expect.cites`.
    pub cites: Vec<String>,
    /// `expect.not_cites`.
    pub not_cites: Vec<String>,
    /// `expect.principles`: principle number and answer.
    pub principles: Vec<(String, String)>,
    /// `expect.unanswered`.
    pub unanswered: Vec<String>,
}

fn unquote(text: &str) -> String {
    text.trim().trim_matches('\'').trim_matches('"').to_owned()
}

/// Reads one scenario file. The files have three top-level keys (`about`, `expect`, `intake`),
/// each of `expect`'s keys at two spaces, and `intake` last; this reads that layout by lines, so
/// that the test needs no YAML library (the binary under test parses the intake itself).
pub fn read_scenario(path: &Path) -> std::io::Result<Scenario> {
    let text = std::fs::read_to_string(path)?;
    let mut scenario = Scenario {
        name: path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        ..Scenario::default()
    };
    let mut section = String::new();
    let mut list = String::new();
    let mut intake = Vec::new();
    for line in text.lines() {
        if !line.starts_with(' ') && !line.starts_with('-') && !line.trim().is_empty() {
            section = line.split(':').next().unwrap_or("").to_owned();
            list.clear();
            continue;
        }
        match section.as_str() {
            "intake" => intake.push(line.strip_prefix("  ").unwrap_or(line)),
            "expect" => {
                let trimmed = line.trim();
                if let Some(item) = trimmed.strip_prefix("- ") {
                    match list.as_str() {
                        "cites" => scenario.cites.push(unquote(item)),
                        "not_cites" => scenario.not_cites.push(unquote(item)),
                        "unanswered" => scenario.unanswered.push(unquote(item)),
                        _ => {}
                    }
                } else if line.starts_with("    ") && list == "principles" {
                    if let Some((key, value)) = trimmed.split_once(':') {
                        scenario.principles.push((unquote(key), unquote(value)));
                    }
                } else if let Some((key, value)) = trimmed.split_once(':') {
                    list = key.to_owned();
                    if key == "tier" {
                        scenario.tier = Some(unquote(value));
                    }
                }
            }
            _ => {}
        }
    }
    scenario.intake = intake.join("\n");
    scenario.intake.push('\n');
    Ok(scenario)
}

/// Every scenario file under `crates/clearance-rulebook/tests/scenarios/{shared,extra}/`, sorted.
pub fn scenario_files() -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for folder in ["shared", "extra"] {
        let dir = workspace_root()
            .join("crates/clearance-rulebook/tests/scenarios")
            .join(folder);
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path
                .extension()
                .is_some_and(|extension| extension == "yaml")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The tiers from least to most restrictive.
pub const TIERS: [&str; 4] = ["notify", "escalate", "approval", "blocked"];

/// A tier's rank (0 = notify); `None` for an unknown name.
pub fn tier_rank(tier: &str) -> Option<usize> {
    TIERS.iter().position(|known| *known == tier)
}
