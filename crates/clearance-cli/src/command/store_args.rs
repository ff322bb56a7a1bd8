//! The flags every command that opens the store shares, and the configuration they select.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use clearance_server::config::{Config, Overrides};

/// Where the store is: the same flags and defaults for `serve`, `audit` and `token`.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Directory of the SQLite database and the audit signing key.
    #[arg(long, value_name = "DIR", env = "CLEARANCE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// A PostgreSQL URL (`postgres://user:password@host/db`) instead of SQLite in the data directory.
    #[arg(
        long,
        value_name = "URL",
        env = "CLEARANCE_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// A TOML configuration file (default: `clearance.toml` in the working directory, if present).
    #[arg(long, value_name = "FILE", env = "CLEARANCE_CONFIG")]
    pub config: Option<PathBuf>,
}

impl StoreArgs {
    /// The configuration: defaults, the file, `CLEARANCE_…` variables, then these flags.
    pub fn load(&self, mut overrides: Overrides) -> Result<Config> {
        overrides.data_dir = self.data_dir.clone();
        overrides.database_url = self.database_url.clone();
        Config::load(self.config.as_deref(), &overrides)
    }
}

/// A multi-threaded runtime for the commands that talk to the store.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}
