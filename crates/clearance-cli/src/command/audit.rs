//! `clearance audit verify|export`: check the tamper-evident log, or write it out for a third
//! party to verify offline.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Subcommand;
use clearance_audit::SigningKey;
use clearance_server::audit::{self, Export};
use clearance_server::config::Overrides;

use crate::command::store_args::{StoreArgs, runtime};

/// `clearance audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute every leaf, the tree and every checkpoint signature; report the first entry that
    /// does not match, a deleted entry, or a checkpoint whose signature or root fails. Exit 0 when
    /// the log is intact, 1 when it is not, 2 on an error.
    Verify {
        #[command(flatten)]
        store: StoreArgs,
        /// Verify an exported file instead of the database (with `--public-key`).
        #[arg(long, value_name = "FILE")]
        export: Option<PathBuf>,
        /// The log's public key (hex), for `--export`; default: the key in the export file.
        #[arg(long, value_name = "HEX")]
        public_key: Option<String>,
    },
    /// Sign a checkpoint of the log as it is now (for example from a scheduled job).
    Checkpoint {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Write every entry and checkpoint, and the public key, as JSON.
    Export {
        #[command(flatten)]
        store: StoreArgs,
        /// Output file (default: standard output).
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// Runs the command; returns the exit code.
pub fn run(command: &AuditCommand) -> Result<u8> {
    match command {
        AuditCommand::Verify {
            store,
            export: Some(path),
            public_key,
        } => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read `{}`", path.display()))?;
            let export: Export = serde_json::from_str(&text)
                .with_context(|| format!("`{}` is not an audit export", path.display()))?;
            let _ = store;
            let key_hex = public_key
                .clone()
                .unwrap_or_else(|| export.public_key.clone());
            let key =
                clearance_audit::VerifyingKey::from_hex(&key_hex).context("invalid public key")?;
            Ok(report(&audit::verify(&export, &key, None)))
        }
        AuditCommand::Verify {
            store,
            export: None,
            ..
        } => {
            let config = store.load(Overrides::default())?;
            runtime()?.block_on(async move {
                let store = clearance_server::app::open_store(&config).await?;
                let key = SigningKey::load(&config.signing_key_path()).with_context(|| {
                    format!("audit signing key {}", config.signing_key_path().display())
                })?;
                let public = key.verifying_key();
                let export = audit::export(&store, &public)
                    .await
                    .map_err(|error| anyhow::anyhow!("{error}"))?;
                let head = store.tree_head().await?;
                Ok(report(&audit::verify(&export, &public, Some(head))))
            })
        }
        AuditCommand::Checkpoint { store } => {
            let config = store.load(Overrides::default())?;
            let signed = runtime()?.block_on(async move {
                let store = clearance_server::app::open_store(&config).await?;
                let key = SigningKey::load_or_generate(&config.signing_key_path()).with_context(
                    || format!("audit signing key {}", config.signing_key_path().display()),
                )?;
                let (size, root) = store.tree_head().await?;
                let signed = key.sign(clearance_audit::Checkpoint {
                    origin: config.audit_origin.clone(),
                    size,
                    root,
                    timestamp_ms: clearance_server::state::now(),
                });
                store.save_checkpoint(&signed).await?;
                store.close().await;
                anyhow::Ok(signed)
            })?;
            println!(
                "signed checkpoint: size {} root {}",
                signed.checkpoint.size,
                clearance_audit::to_hex(&signed.checkpoint.root)
            );
            Ok(0)
        }
        AuditCommand::Export { store, output } => {
            let config = store.load(Overrides::default())?;
            let export = runtime()?.block_on(async move {
                let store = clearance_server::app::open_store(&config).await?;
                let key = SigningKey::load(&config.signing_key_path()).with_context(|| {
                    format!("audit signing key {}", config.signing_key_path().display())
                })?;
                audit::export(&store, &key.verifying_key())
                    .await
                    .map_err(|error| anyhow::anyhow!("{error}"))
            })?;
            let text = serde_json::to_string_pretty(&export)?;
            match output {
                Some(path) => std::fs::write(path, text + "\n")
                    .with_context(|| format!("cannot write `{}`", path.display()))?,
                None => writeln!(std::io::stdout(), "{text}")?,
            }
            Ok(0)
        }
    }
}

fn report(report: &audit::Report) -> u8 {
    match &report.problem {
        None => {
            println!(
                "ok: {} entries and {} checkpoints verified",
                report.entries, report.checkpoints
            );
            0
        }
        Some(problem) => {
            println!("TAMPERED: {problem}");
            println!(
                "({} entries and {} checkpoints verified before it)",
                report.entries, report.checkpoints
            );
            1
        }
    }
}
