//! `clearance check FILE...`: triage each intake and print the result.

use std::io::Write;

use anyhow::Result;
use clap::{Args, ValueEnum};
use clearance_domain::document::Document;
use clearance_domain::intake::parse_intake;
use clearance_domain::{Problem, Problems, Records, Tier};
use clearance_rulebook::{Evaluation, Options, Rulebook, evaluate};
use serde_json::{Value, json};

use crate::command::{is_broken_pipe, load_rulebooks, read_input};
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
    /// Output: text for people, json for programs, markdown for an email or a ticket.
    ///
    /// With several files, json prints JSON Lines: one line per file, in the order given, each
    /// with a `file` field. A file that cannot be read or parsed gets a line too,
    /// `{"file": …, "error": {"problems": [{"line", "column", "path", "message", "help"}]}}`
    /// (an unreadable file has an error `message` and no problems); its diagnostics still go to
    /// standard error.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

enum Outcome<'r> {
    Evaluated(Box<Evaluation<'r>>),
    /// The file could not be read: the message.
    Unreadable(String),
    /// The file could not be parsed: its problems.
    Invalid(Vec<Problem>),
}

/// Reads and parses one intake; prints its problems.
fn triage<'r>(file: &str, rulebooks: &[&'r Rulebook]) -> Result<Outcome<'r>> {
    let (name, source) = match read_input(file) {
        Ok(read) => read,
        Err(error) => {
            let message = format!("{error:#}");
            diagnostic::error_line(&mut anstream::stderr(), &message)?;
            return Ok(Outcome::Unreadable(message));
        }
    };
    let parsed: Result<_, Problems> =
        Document::parse(&source).and_then(|document| parse_intake(&document.root));
    match parsed {
        Ok(intake) => Ok(Outcome::Evaluated(Box::new(evaluate(
            rulebooks,
            &intake,
            Records::none(),
            Options::default(),
        )))),
        Err(problems) => {
            diagnostic::problems(&mut anstream::stderr(), &name, &source, &problems.0)?;
            Ok(Outcome::Invalid(problems.0))
        }
    }
}

/// The JSON Lines record of a file that could not be triaged.
fn error_record(label: &str, outcome: &Outcome<'_>) -> Value {
    let problems: Vec<Value> = match outcome {
        Outcome::Invalid(problems) => problems
            .iter()
            .map(|problem| {
                json!({
                    "line": problem.span.line,
                    "column": problem.span.column,
                    "path": problem.path,
                    "message": problem.message,
                    "help": problem.help,
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut error = json!({ "problems": problems });
    if let (Outcome::Unreadable(message), Some(object)) = (outcome, error.as_object_mut()) {
        object.insert("message".into(), Value::String(message.clone()));
    }
    json!({ "file": label, "error": error })
}

/// What has been seen so far, which decides the exit code.
#[derive(Default)]
struct Tally {
    tiers: Vec<Tier>,
    failed: usize,
}

impl Tally {
    fn code(&self) -> u8 {
        if self.failed > 0 {
            2
        } else if self.tiers.iter().any(|tier| *tier != Tier::Notify) {
            1
        } else {
            0
        }
    }
}

/// Runs the command; returns the exit code.
pub fn run(args: &CheckArgs) -> Result<u8> {
    let loaded = load_rulebooks(&args.rulebooks)?;
    let rulebooks: Vec<&Rulebook> = loaded.iter().collect();
    let mut tally = Tally::default();
    match triage_all(args, &rulebooks, &mut tally) {
        Ok(()) => Ok(tally.code()),
        // The reader of the output went away (`clearance check … | head -1`): stop quietly, with
        // the exit code of what was triaged so far, as `grep` and `rg` do.
        Err(error) if is_broken_pipe(&error) => Ok(tally.code()),
        Err(error) => Err(error),
    }
}

fn triage_all(args: &CheckArgs, rulebooks: &[&Rulebook], tally: &mut Tally) -> Result<()> {
    let mut stdout = anstream::stdout();
    let several = args.files.len() > 1;
    for (position, file) in args.files.iter().enumerate() {
        let label = if file == "-" {
            "<stdin>"
        } else {
            file.as_str()
        };
        let evaluation = match triage(file, rulebooks)? {
            Outcome::Evaluated(evaluation) => evaluation,
            failed => {
                tally.failed += 1;
                if several && args.format == Format::Json {
                    writeln!(
                        stdout,
                        "{}",
                        serde_json::to_string(&error_record(label, &failed))?
                    )?;
                }
                continue;
            }
        };
        tally.tiers.push(evaluation.tier);
        match args.format {
            Format::Json => {
                let mut value = serde_json::to_value(&*evaluation)?;
                if let Some(object) = value.as_object_mut() {
                    object.insert("file".into(), Value::String(label.to_owned()));
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
                text::evaluation(&mut stdout, label, &evaluation, rulebooks)?;
            }
            Format::Markdown => {
                if position > 0 {
                    writeln!(stdout, "\n---\n")?;
                }
                markdown::evaluation(&mut stdout, label, &evaluation, rulebooks)?;
            }
        }
    }
    if several && args.format == Format::Text {
        writeln!(stdout)?;
        text::summary(&mut stdout, &tally.tiers, tally.failed)?;
    }
    stdout.flush()?;
    Ok(())
}
