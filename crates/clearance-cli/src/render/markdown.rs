//! The result as Markdown, for pasting into an email or a ticket.

use std::io::{self, Write};

use clearance_rulebook::{Evaluation, Rulebook};

use crate::render::text::{action_text, clause_title};

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Prints one evaluation.
pub fn evaluation(
    out: &mut impl Write,
    file: &str,
    evaluation: &Evaluation,
    rulebooks: &[&Rulebook],
) -> io::Result<()> {
    writeln!(
        out,
        "### {}: {}",
        evaluation.tier.as_str(),
        evaluation.tier.headline()
    )?;
    writeln!(out, "\n`{file}`\n")?;
    writeln!(out, "| Tier | Reason | Clauses |")?;
    writeln!(out, "|---|---|---|")?;
    let mut findings: Vec<_> = evaluation.findings.iter().collect();
    findings.sort_by_key(|finding| std::cmp::Reverse(finding.tier));
    for finding in findings {
        let clauses: Vec<String> = finding
            .citations
            .iter()
            .map(|key| match clause_title(rulebooks, key) {
                Some(title) => format!("`{key}` ({})", cell(title)),
                None => format!("`{key}`"),
            })
            .collect();
        writeln!(
            out,
            "| {} | {} | {} |",
            finding.tier,
            cell(&finding.reason),
            clauses.join("<br>")
        )?;
    }
    for error in &evaluation.errors {
        writeln!(
            out,
            "| escalate | `{}` could not be evaluated: {} | |",
            error.rule,
            cell(&error.message)
        )?;
    }
    writeln!(out, "\n**What to do**\n")?;
    for action in &evaluation.actions {
        writeln!(out, "- [ ] {}", action_text(rulebooks, action))?;
    }
    if !evaluation.unanswered.is_empty() {
        let paths: Vec<String> = evaluation
            .unanswered
            .iter()
            .map(|path| format!("`{path}`"))
            .collect();
        writeln!(
            out,
            "\n**Not answered** (counted as unsure): {}",
            paths.join(", ")
        )?;
    }
    if !evaluation.lower_tier_if.is_empty() {
        writeln!(out, "\n**What would lower the tier**\n")?;
        for suggestion in &evaluation.lower_tier_if {
            let changes: Vec<String> = suggestion
                .applied
                .iter()
                .map(|change| change.describe())
                .collect();
            writeln!(
                out,
                "- **{}** if you {}",
                suggestion.tier,
                changes.join(" and ")
            )?;
        }
    }
    let names: Vec<String> = evaluation
        .rulebooks
        .iter()
        .map(|rulebook| {
            format!(
                "{} {} (`{}`)",
                rulebook.id, rulebook.version, rulebook.digest
            )
        })
        .collect();
    writeln!(out, "\n_Rulebook: {}_", names.join(", "))
}
