//! `clearance check FILE...`: triage each intake and print the result.

use std::io::Write;

use anyhow::Result;
use clap::{Args, ValueEnum};
use clearance_domain::document::Document;
use clearance_domain::intake::parse_intake;
use clearance_domain::{Problems, Records, Tier};
use clearance_rulebook::{Evaluation, Options, Rulebook, evaluate};

use crate::command::{load_rulebooks, read_input};
use crate::render::{diagnostic, markdown, text};

/// Arguments of `clearance check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Intake files, YAML or JSON; `-` reads standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,
    /// A rulebook to evaluate against: an embedded id or a path. Repeat to combine; the overall
    /// tier is the most restrictive. Naming any replaces the default (the reference rulebook).
    #[arg(long = "rulebook", value_name = "NAME|PATH")]
    rulebooks: Vec<String>,
    /// Output: text for people, json for programs (JSON Lines for several files), markdown for
    /// an email or a ticket.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

enum Outcome {
    Evaluated(Box<Evaluation>),
    Failed,
}

/// Reads and parses one intake; prints its problems.
fn triage(file: &str, rulebooks: &[&Rulebook]) -> Result<Outcome> {
    let (name, source) = match read_input(file) {
        Ok(read) => read,
        Err(error) => {
            diagnostic::error_line(&mut anstream::stderr(), &format!("{error:#}"))?;
            return Ok(Outcome::Failed);
        }
    };
    let parsed: Result<_, Problems> = Document::parse(&source).and_then(|document| parse_intake(&document.root));
    match parsed {
        Ok(intake) => Ok(Outcome::Evaluated(Box::new(evaluate(rulebooks, &intake, Records::none(), Options::default())))),
        Err(problems) => {
            diagnostic::problems(&mut anstream::stderr(), &name, &source, &problems.0)?;
            Ok(Outcome::Failed)
        }
    }
}

/// Runs the command; returns the exit code.
pub fn run(args: &CheckArgs) -> Result<u8> {
    let loaded = load_rulebooks(&args.rulebooks)?;
    let rulebooks: Vec<&Rulebook> = loaded.iter().collect();
    let mut stdout = anstream::stdout();
    let several = args.files.len() > 1;
    let mut tiers = Vec::new();
    let mut failed = 0usize;
    for (position, file) in args.files.iter().enumerate() {
        let label = if file == "-" { "<stdin>" } else { file.as_str() };
        match triage(file, &rulebooks)? {
            Outcome::Failed => failed += 1,
            Outcome::Evaluated(evaluation) => {
                tiers.push(evaluation.tier);
                match args.format {
                    Format::Json => {
                        let mut value = serde_json::to_value(&*evaluation)?;
                        if let Some(object) = value.as_object_mut() {
                            object.insert("file".into(), serde_json::Value::String(label.to_owned()));
                        }
                        if several {
                            writeln!(stdout, "{}", serde_json::to_string(&value)?)?;
                        } else {
                            writeln!(stdout, "{}", serde_json::to_string_pretty(&value)?)?;
                        }
                    }
                    Format::Text => {
                        if position > 0 {
                            writeln!(stdout)?;
                        }
                        text::evaluation(&mut stdout, label, &evaluation, &rulebooks)?;
                    }
                    Format::Markdown => {
                        if position > 0 {
                            writeln!(stdout, "\n---\n")?;
                        }
                        markdown::evaluation(&mut stdout, label, &evaluation, &rulebooks)?;
                    }
                }
            }
        }
    }
    if several && args.format == Format::Text {
        writeln!(stdout)?;
        text::summary(&mut stdout, &tiers, failed)?;
    }
    Ok(if failed > 0 {
        2
    } else if tiers.iter().any(|tier| *tier != Tier::Notify) {
        1
    } else {
        0
    })
}
