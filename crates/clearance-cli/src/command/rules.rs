//! `clearance rules list|show|check`: the rulebooks for the people who own and read them.

use std::io::Write;

use anyhow::{Result, bail};
use clap::Subcommand;
use clearance_rulebook::{Rulebook, embedded};

use crate::command::{is_broken_pipe, load_rulebooks, plural, read_input};
use crate::render::{diagnostic, tier_style};

/// The `rules` subcommands.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the embedded rulebooks (or the ones named) with their rules.
    List {
        /// Rulebooks to list instead of the embedded ones: ids or paths.
        #[arg(long = "rulebook", value_name = "NAME|PATH")]
        rulebooks: Vec<String>,
    },
    /// Show one rule with its condition and the text of the clauses it cites.
    Show {
        /// The rule's id.
        id: String,
        /// Rulebooks to search instead of the embedded ones.
        #[arg(long = "rulebook", value_name = "NAME|PATH")]
        rulebooks: Vec<String>,
    },
    /// Check rulebook files: report every problem, then run the examples under `tests:`.
    Check {
        /// Rulebook files.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
    },
}

fn all_or(names: &[String]) -> Result<Vec<Rulebook>> {
    if names.is_empty() {
        let ids: Vec<String> = embedded::SOURCES
            .iter()
            .map(|(id, _)| (*id).to_owned())
            .collect();
        load_rulebooks(&ids)
    } else {
        load_rulebooks(names)
    }
}

/// Runs the command; returns the exit code.
pub fn run(command: &RulesCommand) -> Result<u8> {
    let mut code = 0;
    let outcome = match command {
        RulesCommand::List { rulebooks } => list(rulebooks),
        RulesCommand::Show { id, rulebooks } => show(id, rulebooks),
        RulesCommand::Check { files } => check(files, &mut code),
    };
    match outcome {
        Ok(()) => Ok(code),
        // The reader of the output went away: stop quietly with the code of what was done so far.
        Err(error) if is_broken_pipe(&error) => Ok(code),
        Err(error) => Err(error),
    }
}

fn list(names: &[String]) -> Result<()> {
    let mut out = anstream::stdout();
    let loaded = all_or(names)?;
    // One column for the descriptions, however long the longest rule id.
    let width = loaded
        .iter()
        .flat_map(|rulebook| rulebook.rules.iter().map(|rule| rule.id.chars().count()))
        .max()
        .unwrap_or(0);
    for rulebook in &loaded {
        writeln!(
            out,
            "{} {} · {}",
            rulebook.id, rulebook.version, rulebook.title
        )?;
        writeln!(
            out,
            "  {}, {}, digest {}",
            plural(rulebook.rules.len(), "rule"),
            plural(rulebook.clauses.len(), "clause"),
            rulebook.digest
        )?;
        for rule in &rulebook.rules {
            let style = tier_style(rule.tier);
            writeln!(
                out,
                "  {style}{:<8}{style:#} {:<width$} {}",
                rule.tier.as_str(),
                rule.id,
                rule.description
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn show(id: &str, names: &[String]) -> Result<()> {
    let mut out = anstream::stdout();
    let loaded = all_or(names)?;
    let Some((rulebook, rule)) = loaded
        .iter()
        .find_map(|rulebook| rulebook.rule(id).map(|rule| (rulebook, rule)))
    else {
        let ids: Vec<&str> = loaded
            .iter()
            .flat_map(|rulebook| rulebook.rules.iter().map(|rule| &*rule.id))
            .collect();
        let hint = clearance_domain::problem::did_you_mean(id, ids.iter().copied());
        bail!("no rule `{id}`{hint} (see `clearance rules list`)");
    };
    let style = tier_style(rule.tier);
    writeln!(out, "{} · {}", rule.id, rulebook.id)?;
    writeln!(
        out,
        "tier:      {style}{}{style:#} ({})",
        rule.tier,
        rule.tier.headline()
    )?;
    writeln!(out, "about:     {}", rule.description)?;
    writeln!(out, "when:      {}", rule.condition)?;
    writeln!(out, "actions:   {}", rule.actions.join(", "))?;
    writeln!(out, "cites:")?;
    for key in rule.citations.iter() {
        if let Some(clause) = rulebook.clause(key) {
            writeln!(out, "  {key} · {}", clause.title)?;
            if let Some(text) = &clause.text {
                writeln!(out, "    {text}")?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// Checks each file in turn; a file that cannot be read or loaded is reported and the others are
/// still checked. `code` is raised as problems are found: 1 for a failing test, 2 for a file
/// that cannot be read or loaded.
fn check(files: &[String], code: &mut u8) -> Result<()> {
    let mut out = anstream::stdout();
    for file in files {
        let (name, source) = match read_input(file) {
            Ok(read) => read,
            Err(error) => {
                diagnostic::error_line(&mut anstream::stderr(), &format!("{error:#}"))?;
                *code = 2;
                continue;
            }
        };
        let rulebook = match clearance_rulebook::load(&name, &source) {
            Ok(rulebook) => rulebook,
            Err(error) => {
                diagnostic::problems(&mut anstream::stderr(), &name, &source, &error.problems.0)?;
                *code = 2;
                continue;
            }
        };
        let failures: Vec<String> = rulebook
            .run_tests()
            .iter()
            .map(|failure| format!("{name}:{failure}"))
            .collect();
        if !failures.is_empty() && *code == 0 {
            *code = 1;
        }
        for failure in &failures {
            writeln!(out, "{failure}")?;
        }
        writeln!(
            out,
            "{name}: {} {}: {}, {}, {} failed, digest {}",
            rulebook.id,
            rulebook.version,
            plural(rulebook.rules.len(), "rule"),
            plural(rulebook.tests.len(), "test"),
            failures.len(),
            rulebook.digest
        )?;
    }
    out.flush()?;
    Ok(())
}
