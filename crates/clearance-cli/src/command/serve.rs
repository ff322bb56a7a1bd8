//! `clearance serve`: run the service.

use std::net::SocketAddr;

use anyhow::{Context as _, Result};
use clap::{Args, ValueEnum};
use clearance_server::app;
use clearance_server::config::{LogFormat, Overrides};

use crate::command::store_args::{StoreArgs, runtime};

/// Arguments of `clearance serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (default 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR:PORT", env = "CLEARANCE_BIND")]
    bind: Option<SocketAddr>,
    #[command(flatten)]
    store: StoreArgs,
    /// Log lines as text for people or JSON for log collectors.
    #[arg(long, value_enum, env = "CLEARANCE_LOG_FORMAT")]
    log_format: Option<Format>,
    /// Fill an empty store with a demo production, people, proposals in every state, and print
    /// the demo people's tokens.
    #[arg(long)]
    demo: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Runs the command; returns the exit code.
pub fn run(args: &ServeArgs) -> Result<u8> {
    let overrides = Overrides {
        bind: args.bind,
        log_format: args.log_format.map(|format| match format {
            Format::Text => LogFormat::Text,
            Format::Json => LogFormat::Json,
        }),
        ..Overrides::default()
    };
    let config = args.store.load(overrides)?;
    init_logs(config.log_format);
    tracing::info!(config = ?config.redacted(), "starting");
    let demo = args.demo;
    runtime()?.block_on(async move {
        let bind = config.bind;
        let service = app::start(config).await?;
        if demo {
            let summary = clearance_server::demo::seed(&service).await.context("seeding the demo")?;
            println!("{summary}");
        }
        let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("cannot listen on {bind}"))?;
        let address = listener.local_addr()?;
        tracing::info!(%address, database = service.state.store.backend(), "listening");
        eprintln!("clearance is listening on http://{address} (OpenAPI: http://{address}/api/openapi.json)");
        app::serve(service, listener).await
    })?;
    Ok(0)
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
