//! `clearance rules list|show|check`: the rulebooks for the people who own and read them.

use std::io::Write;

use anyhow::{Result, bail};
use clap::Subcommand;
use clearance_rulebook::{Rulebook, embedded};

use crate::command::{load_rulebooks, read_input};
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
        let ids: Vec<String> = embedded::SOURCES.iter().map(|(id, _)| (*id).to_owned()).collect();
        load_rulebooks(&ids)
    } else {
        load_rulebooks(names)
    }
}

/// Runs the command; returns the exit code.
pub fn run(command: &RulesCommand) -> Result<u8> {
    let mut out = anstream::stdout();
    match command {
        RulesCommand::List { rulebooks } => {
            for rulebook in all_or(rulebooks)? {
                writeln!(out, "{} {} · {}", rulebook.id, rulebook.version, rulebook.title)?;
                writeln!(out, "  {} rules, {} clauses, digest {}", rulebook.rules.len(), rulebook.clauses.len(), rulebook.digest)?;
                for rule in &rulebook.rules {
                    let style = tier_style(rule.tier);
                    writeln!(out, "  {style}{:<8}{style:#} {:<46} {}", rule.tier.as_str(), rule.id, rule.description)?;
                }
            }
            Ok(0)
        }
        RulesCommand::Show { id, rulebooks } => {
            let loaded = all_or(rulebooks)?;
            let Some((rulebook, rule)) = loaded.iter().find_map(|rulebook| rulebook.rule(id).map(|rule| (rulebook, rule))) else {
                let ids: Vec<&str> = loaded.iter().flat_map(|rulebook| rulebook.rules.iter().map(|rule| rule.id.as_str())).collect();
                let hint = clearance_domain::problem::did_you_mean(id, ids.iter().copied());
                bail!("no rule `{id}`{hint} (see `clearance rules list`)");
            };
            let style = tier_style(rule.tier);
            writeln!(out, "{} · {}", rule.id, rulebook.id)?;
            writeln!(out, "tier:      {style}{}{style:#} ({})", rule.tier, rule.tier.headline())?;
            writeln!(out, "about:     {}", rule.description)?;
            writeln!(out, "when:      {}", rule.condition)?;
            writeln!(out, "actions:   {}", rule.actions.join(", "))?;
            writeln!(out, "cites:")?;
            for key in &rule.citations {
                if let Some(clause) = rulebook.clause(key) {
                    writeln!(out, "  {key} · {}", clause.title)?;
                    if let Some(text) = &clause.text {
                        writeln!(out, "    {text}")?;
                    }
                }
            }
            Ok(0)
        }
        RulesCommand::Check { files } => {
            let mut code = 0;
            for file in files {
                let (name, source) = read_input(file)?;
                let rulebook = match clearance_rulebook::load(&name, &source) {
                    Ok(rulebook) => rulebook,
                    Err(error) => {
                        diagnostic::problems(&mut anstream::stderr(), &name, &source, &error.problems.0)?;
                        code = 2;
                        continue;
                    }
                };
                let failures: Vec<String> = rulebook.run_tests().iter().map(|failure| format!("{name}:{failure}")).collect();
                for failure in &failures {
                    writeln!(out, "{failure}")?;
                }
                writeln!(
                    out,
                    "{name}: {} {}: {} rules, {} tests, {} failed, digest {}",
                    rulebook.id,
                    rulebook.version,
                    rulebook.rules.len(),
                    rulebook.tests.len(),
                    failures.len(),
                    rulebook.digest
                )?;
                if !failures.is_empty() && code == 0 {
                    code = 1;
                }
            }
            Ok(code)
        }
    }
}
