//! Configuration in layers: built-in defaults, then a TOML file (`--config FILE`, or
//! `clearance.toml` in the working directory when it exists), then `CLEARANCE_…` environment
//! variables (`CLEARANCE_BIND`, `CLEARANCE_DATABASE_URL`, …), then command-line flags.
//!
//! Secrets (the database password, webhook secrets, the signing key) never appear in logs:
//! [`Config::redacted`] is what gets logged.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use figment::Figment;
use figment::providers::{Env, Format as _, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The service's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Where the SQLite database and the signing key live.
    pub data_dir: PathBuf,
    /// A `postgres://…` (or `sqlite:…`) URL; default: SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Log format.
    pub log_format: LogFormat,
    /// The Ed25519 key that signs audit checkpoints; default `data_dir/audit-signing.key`,
    /// generated on first start.
    pub signing_key: Option<PathBuf>,
    /// The checkpoint origin line (names this log).
    pub audit_origin: String,
    /// Sign a checkpoint after this many new entries (and at every written approval).
    pub checkpoint_every: u64,
    /// Largest accepted JSON body, bytes.
    pub max_body_bytes: usize,
    /// Largest accepted attachment, bytes.
    pub max_attachment_bytes: usize,
    /// Largest accepted deliverables scan report (`POST /api/productions/{id}/deliveries`),
    /// bytes: room for about 100,000 files.
    pub max_scan_report_bytes: usize,
    /// Most submissions committed together in one transaction.
    pub batch_max: usize,
    /// Webhook delivery attempts before giving up.
    pub webhook_max_attempts: i64,
    /// First retry delay, milliseconds (doubled at each attempt).
    pub webhook_retry_ms: i64,
    /// How long an authenticated token is cached by this instance, milliseconds (a revocation
    /// on this instance takes effect at once; on other instances within this time).
    pub token_cache_ms: u64,
    /// How long a web session lasts after signing in, hours.
    pub session_hours: u64,
    /// Mark session cookies `Secure` even without `X-Forwarded-Proto: https` (set it when the
    /// service is only reached through TLS).
    pub secure_cookies: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("clearance-data"),
            database_url: None,
            log_format: LogFormat::Text,
            signing_key: None,
            audit_origin: "clearance audit log".to_owned(),
            checkpoint_every: 1024,
            max_body_bytes: 1 << 20,
            max_attachment_bytes: 10 << 20,
            max_scan_report_bytes: 64 << 20,
            batch_max: 256,
            webhook_max_attempts: 8,
            webhook_retry_ms: 1_000,
            token_cache_ms: 5_000,
            session_hours: 12,
            secure_cookies: false,
        }
    }
}

/// Every setting's name (the TOML key; the environment variable is `CLEARANCE_` + upper case).
pub const KEYS: [&str; 16] = [
    "bind",
    "data_dir",
    "database_url",
    "log_format",
    "signing_key",
    "audit_origin",
    "checkpoint_every",
    "max_body_bytes",
    "max_attachment_bytes",
    "max_scan_report_bytes",
    "batch_max",
    "webhook_max_attempts",
    "webhook_retry_ms",
    "token_cache_ms",
    "session_hours",
    "secure_cookies",
];

/// Settings given on the command line (they win over everything).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    /// `--bind`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<SocketAddr>,
    /// `--data-dir`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// `--database-url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// `--log-format`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,
}

impl Config {
    /// Reads the layers. `file` is `--config`; without it `clearance.toml` is read when present.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                if !path.is_file() {
                    anyhow::bail!("configuration file {} does not exist", path.display());
                }
                figment = figment.merge(Toml::file_exact(path));
            }
            None if Path::new("clearance.toml").is_file() => {
                figment = figment.merge(Toml::file_exact("clearance.toml"))
            }
            None => {}
        }
        // Only the settings' own names: other `CLEARANCE_…` variables (for tests, benchmarks) are not
        // configuration and must not be rejected as unknown fields.
        let env = Env::prefixed("CLEARANCE_")
            .filter(|key| KEYS.contains(&key.as_str().to_ascii_lowercase().as_str()));
        let figment = figment.merge(env).merge(Serialized::defaults(overrides));
        figment
            .extract()
            .map_err(|error| anyhow::anyhow!("{}", describe(error)))
            .context("invalid configuration")
    }

    /// The signing key's path.
    pub fn signing_key_path(&self) -> PathBuf {
        self.signing_key
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit-signing.key"))
    }

    /// The database URL to open: the configured one, or SQLite in the data directory.
    pub fn database(&self) -> Database<'_> {
        match &self.database_url {
            Some(url) => Database::Url(url),
            None => Database::DataDir(&self.data_dir),
        }
    }

    /// The configuration as it may be logged: passwords in URLs replaced by `***`.
    pub fn redacted(&self) -> Config {
        Config {
            database_url: self.database_url.as_deref().map(redact_url),
            ..self.clone()
        }
    }
}

/// Which database the configuration names.
#[derive(Debug, Clone, Copy)]
pub enum Database<'c> {
    /// A URL.
    Url(&'c str),
    /// SQLite in this directory.
    DataDir(&'c Path),
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, None), |(a, p)| (a, Some(p)));
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
    let masked = if userinfo.contains(':') {
        format!("{user}:***")
    } else {
        user.to_owned()
    };
    match path {
        Some(path) => format!("{scheme}://{masked}@{host}/{path}"),
        None => format!("{scheme}://{masked}@{host}"),
    }
}

fn describe(error: figment::Error) -> String {
    error
        .into_iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail API returns its own error type"
    )]
    fn layers_apply_in_order_file_then_environment_then_flags() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("settings.toml", "bind = \"127.0.0.1:9000\"\ndata_dir = \"from-file\"\ncheckpoint_every = 7\nbatch_max = 3\n")?;
            jail.set_env("CLEARANCE_DATA_DIR", "from-env");
            jail.set_env("CLEARANCE_BATCH_MAX", "5");
            jail.set_env("CLEARANCE_DIFFERENTIAL_CASES", "10000");
            let flags = Overrides {
                data_dir: Some(PathBuf::from("from-flag")),
                ..Overrides::default()
            };
            let config = Config::load(Some(Path::new("settings.toml")), &flags)
                .map_err(|error| error.to_string())?;
            assert_eq!(
                config.bind,
                SocketAddr::from(([127, 0, 0, 1], 9000)),
                "from the file"
            );
            assert_eq!(config.checkpoint_every, 7, "from the file");
            assert_eq!(config.batch_max, 5, "the environment beats the file");
            assert_eq!(
                config.data_dir,
                PathBuf::from("from-flag"),
                "a flag beats the environment"
            );
            assert_eq!(
                config.max_body_bytes,
                Config::default().max_body_bytes,
                "a default"
            );
            Ok(())
        });
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail API returns its own error type"
    )]
    fn unknown_settings_and_missing_files_are_errors() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("typo.toml", "bnd = \"127.0.0.1:9000\"\n")?;
            let error = Config::load(Some(Path::new("typo.toml")), &Overrides::default())
                .expect_err("unknown key");
            assert!(format!("{error:#}").contains("bnd"), "{error:#}");
            let error = Config::load(Some(Path::new("missing.toml")), &Overrides::default())
                .expect_err("missing file");
            assert!(format!("{error:#}").contains("missing.toml"), "{error:#}");
            Ok(())
        });
    }

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            redact_url("postgres://app:hunter2@db:5432/clearance"),
            "postgres://app:***@db:5432/clearance"
        );
        assert_eq!(
            redact_url("postgres://app@db/clearance"),
            "postgres://app@db/clearance"
        );
        assert_eq!(redact_url("sqlite:data/x.db"), "sqlite:data/x.db");
        assert_eq!(redact_url("postgres://a:b@c@host"), "postgres://a:***@host");
    }
}
