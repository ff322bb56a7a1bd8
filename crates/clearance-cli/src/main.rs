//! The `clearance` command: triage intakes against rulebooks and inspect rulebooks.
//!
//! Only this crate reads argv and the environment, prints, and sets exit codes:
//! `0` notify, `1` any other tier, `2` an error (see `spec/evaluation.md`).

mod command;
mod render;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Triage proposed uses of generative AI in film and TV production against studio rulebooks.
#[derive(Debug, Parser)]
#[command(name = "clearance", version, about, propagate_version = true)]
struct Cli {
    /// When to use colour: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Triage intake files (YAML or JSON; `-` reads standard input).
    Check(command::check::CheckArgs),
    /// List, show and check rulebooks.
    #[command(subcommand)]
    Rules(command::rules::RulesCommand),
    /// Run the clearance service (JSON API, audit log, notifications).
    Serve(command::serve::ServeArgs),
    /// Verify or export the tamper-evident audit log.
    #[command(subcommand)]
    Audit(command::audit::AuditCommand),
    /// Read the AI provenance of a delivery's media files and hold every AI asset against the
    /// production's approved proposals.
    Scan(command::scan::ScanArgs),
    /// Issue API tokens from the command line (the first admin's, for instance).
    #[command(subcommand)]
    Token(command::token::TokenCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let choice = match cli.color {
        Color::Auto => anstream::ColorChoice::Auto,
        Color::Always => anstream::ColorChoice::Always,
        Color::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
    let outcome = match cli.command {
        Command::Check(args) => command::check::run(&args),
        Command::Rules(command) => command::rules::run(&command),
        Command::Serve(args) => command::serve::run(&args),
        Command::Audit(command) => command::audit::run(&command),
        Command::Token(command) => command::token::run(&command),
        Command::Scan(args) => command::scan::run(&args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        // A closed pipe the commands did not catch (while reporting another error): no message.
        Err(error) if command::is_broken_pipe(&error) => ExitCode::from(2),
        Err(error) => {
            let mut stderr = anstream::stderr();
            let _ = render::diagnostic::error_line(&mut stderr, &format!("{error:#}"));
            ExitCode::from(2)
        }
    }
}
