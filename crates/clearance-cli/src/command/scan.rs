//! `clearance scan PATH...`: read the AI provenance of every media file of a delivery and, for a
//! production, hold each AI asset against the production's approved proposals.
//!
//! Exit codes (ripgrep's convention): `0` every AI asset covered (without `--production`:
//! every file read), `1` some AI asset not covered, `2` some file could not be read, or the
//! scan could not run at all (bad flags, an unreadable cue sheet or trust-anchor file, the
//! service unreachable).

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use clap::{Args, ValueEnum};
use clearance_scan::coverage::Candidate;
use clearance_scan::report::{self, Report};
use clearance_scan::walk::{WalkOptions, scan};
use clearance_scan::{ScanOptions, Scanner, cuesheet};
use clearance_server::config::Overrides;
use serde_json::Value;

use crate::command::store_args::{StoreArgs, runtime};

/// Arguments of `clearance scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and folders to scan. Folders are walked for media files (JPEG, PNG, TIFF, WebP,
    /// HEIC, AVIF, MP4, MOV, WAV, MP3, FLAC, PDF, …); a file named here is read whatever its
    /// extension.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Hold every AI asset against this production's approved proposals.
    #[arg(long, value_name = "ID")]
    production: Option<i64>,
    /// The production's AI cue sheet (CSV: asset path or shot id, timecode in/out, tool,
    /// prompt summary, proposal id).
    #[arg(long, value_name = "FILE")]
    cue_sheet: Option<PathBuf>,
    /// The clearance service: read the production's proposals from it and upload the report
    /// (shown on the production's dashboard and disclosure report). Without it the proposals
    /// are read from the local store (`--data-dir` / `--database-url`).
    #[arg(long, value_name = "URL", requires_all = ["token", "production"])]
    server: Option<String>,
    /// API token for `--server`.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "CLEARANCE_TOKEN",
        hide_env_values = true
    )]
    token: Option<String>,
    /// Output: a text table (not-covered assets first), JSON (one object with a `files`
    /// list), CSV (for production trackers) or a self-contained HTML page.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Files read at once (default: the number of cores).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// PEM bundle of the trust anchors: a manifest whose signer chains to one is `trusted`.
    #[arg(long, value_name = "FILE")]
    trust_anchors: Option<PathBuf>,
    /// Largest C2PA manifest store read, in megabytes.
    #[arg(long, value_name = "MB", default_value_t = clearance_scan::DEFAULT_MAX_MANIFEST_MB)]
    max_manifest_mb: usize,
    /// Time allowed for reading one file, in seconds; a file that takes longer is `unreadable`.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    file_timeout: u64,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Csv,
    Html,
}

/// Runs the scan; returns the exit code.
pub fn run(args: &ScanArgs) -> Result<u8> {
    let trust_anchors_pem = args
        .trust_anchors
        .as_ref()
        .map(|path| {
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the trust anchors {}", path.display()))
        })
        .transpose()?;
    let scanner = Scanner::new(&ScanOptions {
        trust_anchors_pem,
        max_manifest_mb: args.max_manifest_mb,
    })
    .map_err(|error| match &args.trust_anchors {
        Some(path) => anyhow::anyhow!("{}: {error}", path.display()),
        None => anyhow::anyhow!("{error}"),
    })?;
    let cue_sheet = args
        .cue_sheet
        .as_ref()
        .map(|path| cuesheet::read(path))
        .transpose()
        .map_err(|error| anyhow::anyhow!("the cue sheet has problems:\n{error}"))?;
    let candidates = match args.production {
        None => None,
        Some(production) => Some(candidates(args, production)?),
    };
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    });
    if jobs == 0 {
        bail!("--jobs must be at least 1");
    }
    let results = scan(
        &args.paths,
        &scanner,
        &WalkOptions {
            jobs,
            file_time_limit: Duration::from_secs(args.file_timeout.max(1)),
        },
    );
    let scanned_at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)?
        .to_string();
    let report = Report::build(
        report::Context {
            scanned_at: &scanned_at,
            roots: &args.paths,
            production: args.production.zip(candidates.as_deref()),
            cue_sheet: cue_sheet.as_ref(),
        },
        results,
    );
    let rendered = match args.format {
        Format::Text => report::to_text(&report),
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&report)?;
            json.push('\n');
            json
        }
        Format::Csv => report::to_csv(&report),
        Format::Html => report::to_html(&report),
    };
    match &args.output {
        Some(path) => std::fs::write(path, rendered)
            .with_context(|| format!("cannot write the report to {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(rendered.as_bytes())?;
            stdout.flush()?;
        }
    }
    if let (Some(server), Some(token), Some(production)) =
        (&args.server, &args.token, args.production)
    {
        let uploaded = runtime()?.block_on(upload(server, token, production, &report))?;
        eprintln!("uploaded: {uploaded}");
    }
    Ok(report.exit_code)
}

/// The production's proposals: from the service with `--server`, else from the local store.
fn candidates(args: &ScanArgs, production: i64) -> Result<Vec<Candidate>> {
    if let (Some(server), Some(token)) = (&args.server, &args.token) {
        let url = format!(
            "{}/api/productions/{production}/coverage",
            server.trim_end_matches('/')
        );
        let body = runtime()?.block_on(async {
            let response = client()?
                .get(&url)
                .bearer_auth(token)
                .send()
                .await
                .with_context(|| format!("cannot reach {server}"))?;
            answer(response, &url).await
        })?;
        return serde_json::from_value(body["proposals"].clone())
            .with_context(|| format!("{url} answered without a proposals list"));
    }
    let config = args.store.load(Overrides::default())?;
    runtime()?.block_on(async move {
        let store = clearance_server::app::open_store(&config).await?;
        if store.production(production).await?.is_none() {
            bail!("there is no production {production} in the store");
        }
        let found = store
            .coverage_candidates(production, clearance_server::state::now())
            .await?;
        Ok(found
            .into_iter()
            .map(|candidate| Candidate {
                id: candidate.id,
                title: candidate.title,
                element: candidate.element,
                status: candidate.status,
                final_output: candidate.final_output,
                covers: candidate.covers,
                reason: candidate.reason,
            })
            .collect())
    })
}

/// Uploads the report; returns where it is.
async fn upload(server: &str, token: &str, production: i64, report: &Report) -> Result<String> {
    let base = server.trim_end_matches('/');
    let url = format!("{base}/api/productions/{production}/deliveries");
    let response = client()?
        .post(&url)
        .bearer_auth(token)
        .json(report)
        .send()
        .await
        .with_context(|| format!("cannot upload the report to {server}"))?;
    let body = answer(response, &url).await?;
    Ok(match body["id"].as_i64() {
        Some(id) => format!("delivery {id}, {base}/deliveries/{id}"),
        None => url,
    })
}

fn client() -> Result<reqwest::Client> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Ok(reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()?)
}

/// The JSON body of a successful answer, or an error with the service's own message.
async fn answer(response: reqwest::Response, url: &str) -> Result<Value> {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        let message = body["error"]["message"]
            .as_str()
            .or_else(|| body["message"].as_str())
            .unwrap_or("no message");
        bail!("{url} answered {status}: {message}");
    }
    Ok(body)
}
