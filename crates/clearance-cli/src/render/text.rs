//! The result as text for a producer: the tier in plain words first, then the reasons with their
//! clauses, the actions as a checklist, and what would lower the tier.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use clearance_domain::Tier;
use clearance_rulebook::{Evaluation, Rulebook};

use crate::render::tier_style;

const HEADING: Style = Style::new().bold().underline();
const DIM: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::BrightBlack)));

/// The text of an action id, from the first rulebook that declares it.
pub fn action_text<'a>(rulebooks: &'a [&Rulebook], id: &'a str) -> &'a str {
    rulebooks
        .iter()
        .find_map(|rulebook| rulebook.action(id))
        .map_or(id, |action| action.text.as_str())
}

/// The title of a clause key, from the first rulebook that has it.
pub fn clause_title<'a>(rulebooks: &'a [&Rulebook], key: &str) -> Option<&'a str> {
    rulebooks
        .iter()
        .find_map(|rulebook| rulebook.clause(key))
        .map(|clause| clause.title.as_str())
}

fn tier_label(tier: Tier) -> String {
    let style = tier_style(tier);
    format!("{style}{:<8}{style:#}", tier.as_str())
}

/// Prints one evaluation.
pub fn evaluation(
    out: &mut impl Write,
    file: &str,
    evaluation: &Evaluation,
    rulebooks: &[&Rulebook],
) -> io::Result<()> {
    let style = tier_style(evaluation.tier);
    writeln!(
        out,
        "{style}{}: {}{style:#}",
        evaluation.tier.as_str().to_uppercase(),
        evaluation.tier.headline()
    )?;
    writeln!(out, "{DIM}{file}{DIM:#}")?;

    writeln!(out, "\n{HEADING}Why{HEADING:#}")?;
    let mut findings: Vec<_> = evaluation.findings.iter().collect();
    findings.sort_by_key(|finding| std::cmp::Reverse(finding.tier));
    for finding in findings {
        writeln!(out, "  {} {}", tier_label(finding.tier), finding.reason)?;
        for key in finding.citations.iter() {
            match clause_title(rulebooks, key) {
                Some(title) => writeln!(out, "           {DIM}{key} · {title}{DIM:#}")?,
                None => writeln!(out, "           {DIM}{key}{DIM:#}")?,
            }
        }
    }
    for error in &evaluation.errors {
        writeln!(
            out,
            "  {} {} could not be evaluated: {}",
            tier_label(Tier::Escalate),
            error.rule,
            error.message
        )?;
    }

    writeln!(out, "\n{HEADING}What to do{HEADING:#}")?;
    for action in &evaluation.actions {
        writeln!(out, "  [ ] {}", action_text(rulebooks, action))?;
    }

    if !evaluation.unanswered.is_empty() {
        writeln!(
            out,
            "\n{HEADING}Not answered{HEADING:#} {DIM}(counted as unsure){DIM:#}"
        )?;
        writeln!(out, "  {}", evaluation.unanswered.join(", "))?;
    }

    if !evaluation.lower_tier_if.is_empty() {
        writeln!(out, "\n{HEADING}What would lower the tier{HEADING:#}")?;
        for suggestion in &evaluation.lower_tier_if {
            let changes: Vec<String> = suggestion
                .applied
                .iter()
                .map(|change| change.describe())
                .collect();
            writeln!(
                out,
                "  {} if you {}",
                tier_label(suggestion.tier),
                join_and(&changes)
            )?;
        }
        if evaluation.lower_tier_if_truncated {
            writeln!(
                out,
                "  {DIM}(the search stopped at its bound; there may be other ways){DIM:#}"
            )?;
        }
    }

    let names: Vec<String> = evaluation
        .rulebooks
        .iter()
        .map(|rulebook| format!("{} {}", rulebook.id, rulebook.version))
        .collect();
    writeln!(out, "\n{DIM}rulebook: {}{DIM:#}", names.join(", "))
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The summary line after several files.
pub fn summary(out: &mut impl Write, tiers: &[Tier], failed: usize) -> io::Result<()> {
    let total = tiers.len() + failed;
    let mut parts = Vec::new();
    for tier in Tier::ALL {
        let count = tiers.iter().filter(|seen| **seen == tier).count();
        if count > 0 {
            parts.push(format!("{count} {tier}"));
        }
    }
    if failed > 0 {
        parts.push(format!("{failed} with errors"));
    }
    writeln!(out, "{total} files: {}", parts.join(", "))
}
