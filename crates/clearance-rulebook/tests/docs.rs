//! Every example in `docs/rulebooks.md` is a test.
//!
//! The guide's fenced blocks are recognised by their info string:
//!
//! - ```` ```yaml rulebook ````: a complete rulebook; it must load without a single problem, have a
//!   clause catalogue, an action vocabulary, rules and at least one test, and its own `tests:` must
//!   pass.
//! - ```` ```yaml rulebook-error ```` followed by a ```` ```text ```` block: a rulebook with mistakes
//!   and the exact problems the loader reports, one per line, as `LINE:COLUMN: MESSAGE` (positions
//!   inside the yaml block, 1-based).
//! - ```` ```yaml condition ````: one condition on one line; it must parse, and it must compile in a
//!   rule of a small scaffold rulebook (which defines the terms and principles the guide uses).
//!
//! The table of intake fields is checked against `schema::FIELDS`, so the guide cannot drift from
//! what conditions can actually read. The reference rulebook must load and pass its own tests.

use clearance_rulebook::schema::{self, Kind};
use clearance_rulebook::{expr, load};

const GUIDE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rulebooks.md");
const REFERENCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../rulebooks/netflix-genai-2025.yaml"
);

/// A fenced block of the guide.
struct Block {
    /// The info string after the opening fence, trimmed.
    info: String,
    /// The line of the opening fence in the markdown (1-based).
    line: usize,
    /// The lines between the fences, joined with newlines (with a final newline).
    text: String,
    /// The line after the closing fence (1-based), to tell whether the next block follows at once.
    end: usize,
}

fn guide() -> Result<String, String> {
    std::fs::read_to_string(GUIDE).map_err(|error| format!("cannot read {GUIDE}: {error}"))
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, usize, Vec<&str>)> = None;
    for (index, line) in markdown.lines().enumerate() {
        let number = index + 1;
        let fence = line.trim_start().starts_with("```");
        match open.take() {
            None if fence => {
                open = Some((
                    line.trim_start().trim_start_matches('`').trim().to_owned(),
                    number,
                    Vec::new(),
                ))
            }
            None => {}
            Some((info, start, lines)) if fence && line.trim() == "```" => {
                let mut text = lines.join("\n");
                text.push('\n');
                blocks.push(Block {
                    info,
                    line: start,
                    text,
                    end: number + 1,
                });
            }
            Some((info, start, mut lines)) => {
                lines.push(line);
                open = Some((info, start, lines));
            }
        }
    }
    if let Some((info, start, _)) = open {
        blocks.push(Block {
            info: format!("unclosed {info}"),
            line: start,
            text: String::new(),
            end: start,
        });
    }
    blocks
}

/// Problems rendered as the guide shows them: `LINE:COLUMN: MESSAGE`.
fn problems(source: &str) -> Result<Vec<String>, String> {
    match load("example.yaml", source) {
        Ok(_) => Err("it loaded without any problem".to_owned()),
        Err(error) => Ok(error
            .problems
            .0
            .iter()
            .map(|p| format!("{}:{}: {}", p.span.line, p.span.column, p.message))
            .collect()),
    }
}

/// Where a line of a block's yaml is in the guide (line 1 is the line after the opening fence).
fn guide_line(block: &Block, line: u32) -> String {
    format!("docs/rulebooks.md:{}", block.line + line as usize)
}

fn check_rulebook(block: &Block) -> Vec<String> {
    let rulebook = match load("example.yaml", &block.text) {
        Ok(rulebook) => rulebook,
        Err(error) => {
            return error
                .problems
                .0
                .iter()
                .map(|p| {
                    format!(
                        "{}:{}: {}",
                        guide_line(block, p.span.line),
                        p.span.column,
                        p.message
                    )
                })
                .collect();
        }
    };
    let mut failures = Vec::new();
    for (section, empty) in [
        ("clauses", rulebook.clauses.is_empty()),
        ("actions", rulebook.actions.is_empty()),
        ("rules", rulebook.rules.is_empty()),
        ("tests", rulebook.tests.is_empty()),
    ] {
        if empty {
            failures.push(format!(
                "a complete example needs at least one entry under `{section}:`"
            ));
        }
    }
    // Each failure starts with the test's line in the yaml; name the guide's line instead.
    for failure in rulebook.run_tests() {
        let located = failure
            .split_once(": ")
            .and_then(|(line, rest)| line.parse::<u32>().ok().map(|line| (line, rest)));
        failures.push(match located {
            Some((line, rest)) => format!("{}: {rest}", guide_line(block, line)),
            None => failure,
        });
    }
    failures
}

fn check_error(block: &Block, expected: Option<&Block>) -> Vec<String> {
    let Some(expected) = expected.filter(|next| next.info == "text") else {
        return vec!["a `yaml rulebook-error` block must be followed by a `text` block with the expected problems".to_owned()];
    };
    let gap = expected.line.saturating_sub(block.end);
    if gap > 1 {
        return vec![format!(
            "the `text` block at line {} must follow the rulebook-error block at once",
            expected.line
        )];
    }
    let actual = match problems(&block.text) {
        Ok(actual) => actual,
        Err(message) => return vec![message],
    };
    let wanted: Vec<&str> = expected
        .text
        .lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty())
        .collect();
    if actual.iter().map(String::as_str).eq(wanted.iter().copied()) {
        return Vec::new();
    }
    let mut failure =
        String::from("the problems differ from the `text` block below it\n      expected:\n");
    for line in &wanted {
        failure.push_str(&format!("        {line}\n"));
    }
    failure.push_str("      actual:\n");
    for line in &actual {
        failure.push_str(&format!("        {line}\n"));
    }
    vec![failure]
}

/// A rulebook around one condition, with the terms and principles the guide's examples name.
fn scaffold(condition: &str) -> String {
    format!(
        r#"id: scaffold
version: 0.0.0
title: Scaffold
source: docs/rulebooks.md
clauses:
  doc:clause: {{ title: A clause }}
terms:
  sensitive_input: inputs contains any [script, unreleased_footage, personal_data]
  likeness_use: talent.uses contains any [digital_replica, voice_replica, de_aging, face_swap]
  consumer_tool: any tools (environment == consumer)
principles:
  - {{ id: "1", title: One, no: output.final == yes }}
  - {{ id: "2", title: Two, no: any tools (trains_on_inputs == yes) }}
rules:
  - id: example
    tier: notify
    cite: [doc:clause]
    description: The condition under test.
    when: {}
    reason: example
"#,
        serde_json::Value::String(condition.to_owned())
    )
}

fn check_condition(block: &Block) -> Vec<String> {
    let lines: Vec<&str> = block
        .text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    let [condition] = lines.as_slice() else {
        return vec![format!(
            "a `yaml condition` block holds exactly one condition on one line, found {} lines",
            lines.len()
        )];
    };
    if let Err(error) = expr::parse(condition) {
        return vec![format!(
            "`{condition}` does not parse: {} (at character {})",
            error.message, error.range.start
        )];
    }
    match load("scaffold.yaml", &scaffold(condition)) {
        Ok(_) => Vec::new(),
        Err(error) => error
            .problems
            .0
            .iter()
            .map(|p| format!("`{condition}` does not compile in a rule: {}", p.message))
            .collect(),
    }
}

#[test]
fn every_example_in_the_guide_works() -> Result<(), String> {
    let markdown = guide()?;
    let blocks = blocks(&markdown);
    let mut failures = Vec::new();
    let mut counts = [0usize; 3];
    for (index, block) in blocks.iter().enumerate() {
        let found = match block.info.as_str() {
            "yaml rulebook" => {
                counts[0] += 1;
                check_rulebook(block)
            }
            "yaml rulebook-error" => {
                counts[1] += 1;
                check_error(block, blocks.get(index + 1))
            }
            "yaml condition" => {
                counts[2] += 1;
                check_condition(block)
            }
            info if info.starts_with("unclosed") => {
                vec![format!("the block is never closed ({info})")]
            }
            info if info.starts_with("yaml ") => vec![format!(
                "unknown info string `{info}` (expected `yaml rulebook`, `yaml rulebook-error` or `yaml condition`)"
            )],
            _ => Vec::new(),
        };
        for failure in found {
            failures.push(format!(
                "docs/rulebooks.md:{}: {} block: {failure}",
                block.line, block.info
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s) in the guide's examples:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        counts[0] >= 5,
        "the guide needs at least 5 `yaml rulebook` examples, found {}",
        counts[0]
    );
    assert!(
        counts[1] >= 3,
        "the guide needs at least 3 `yaml rulebook-error` examples, found {}",
        counts[1]
    );
    assert!(counts[2] >= 1, "the guide's condition examples are missing");
    Ok(())
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Answer => "answer",
        Kind::Choice { .. } => "single value",
        Kind::List { .. } => "list of values",
        Kind::Items => "list of entries",
        Kind::Text => "text",
    }
}

/// The rows of the table of intake fields: the table whose header starts with `| path |`.
fn field_rows(markdown: &str) -> Vec<(usize, Vec<String>)> {
    let lines: Vec<&str> = markdown.lines().collect();
    let Some(header) = lines.iter().position(|line| line.starts_with("| path |")) else {
        return Vec::new();
    };
    lines
        .iter()
        .enumerate()
        .skip(header + 2)
        .take_while(|(_, line)| line.starts_with('|'))
        .map(|(index, line)| {
            (
                index + 1,
                line.trim()
                    .trim_matches('|')
                    .split('|')
                    .map(|cell| cell.trim().to_owned())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn the_field_table_matches_the_schema() -> Result<(), String> {
    let markdown = guide()?;
    let rows = field_rows(&markdown);
    assert!(
        !rows.is_empty(),
        "docs/rulebooks.md has no table of intake fields (a table whose header starts with `| path |`)"
    );
    let mut failures = Vec::new();
    for field in schema::FIELDS {
        let path = format!("`{}`", schema::display_path(field));
        let Some((line, cells)) = rows.iter().find(|(_, cells)| cells.first() == Some(&path))
        else {
            failures.push(format!("no row for {path} in the table of intake fields"));
            continue;
        };
        let at = format!("docs/rulebooks.md:{line}: {path}");
        if cells.len() != 5 {
            failures.push(format!(
                "{at}: expected 5 cells (path, kind, values, left out, suggestions), found {}",
                cells.len()
            ));
            continue;
        }
        if cells[1] != kind_name(field.kind) {
            failures.push(format!(
                "{at}: the kind is `{}` in the schema, `{}` in the table",
                kind_name(field.kind),
                cells[1]
            ));
        }
        for value in field.kind.names() {
            if !cells[2].contains(&format!("`{value}`")) {
                failures.push(format!("{at}: the values cell lacks `{value}`"));
            }
        }
        if let Kind::Choice {
            names,
            default: Some(default),
        } = field.kind
        {
            let name = names.get(default as usize).copied().unwrap_or("?");
            if !cells[3].contains(&format!("`{name}`")) {
                failures.push(format!(
                    "{at}: a left-out value counts as `{name}`, which the table does not say"
                ));
            }
        }
        let changeable = if field.changeable { "yes" } else { "no" };
        if !cells[4].starts_with(changeable) {
            failures.push(format!(
                "{at}: a suggestion {} change it, but the table says `{}`",
                if field.changeable { "may" } else { "never" },
                cells[4]
            ));
        }
    }
    for (line, cells) in &rows {
        let first = cells.first().map(String::as_str).unwrap_or("");
        if !schema::FIELDS
            .iter()
            .any(|field| first == format!("`{}`", schema::display_path(field)))
        {
            failures.push(format!(
                "docs/rulebooks.md:{line}: {first} is not a field that conditions can read"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "the table of intake fields disagrees with schema.rs:\n{}",
        failures.join("\n")
    );
    Ok(())
}

#[test]
fn the_reference_rulebook_loads_and_passes_its_own_tests() -> Result<(), String> {
    let source = std::fs::read_to_string(REFERENCE)
        .map_err(|error| format!("cannot read {REFERENCE}: {error}"))?;
    let rulebook = load("rulebooks/netflix-genai-2025.yaml", &source)
        .map_err(|error| format!("the reference rulebook does not load:\n{error}"))?;
    assert!(
        !rulebook.tests.is_empty(),
        "the reference rulebook has no tests"
    );
    let failures = rulebook.run_tests();
    assert!(
        failures.is_empty(),
        "the reference rulebook's tests fail:\n{}",
        failures.join("\n")
    );
    Ok(())
}
