//! Problems in a user's file, shown the way compilers show them: the message, `file:line:col`,
//! the field's path, the source line with the spot underlined, and a hint.
//!
//! Written by hand rather than with a diagnostics crate: the layout is thirty lines, and keeping
//! it ours keeps the golden tests of error output stable across dependency updates.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use clearance_domain::Problem;

const ERROR: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red))).bold();
const EMPHASIS: Style = Style::new().bold();
const GUTTER: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue))).bold();

/// Prints `error: message`.
pub fn error_line(out: &mut impl Write, message: &str) -> io::Result<()> {
    writeln!(out, "{ERROR}error{ERROR:#}{EMPHASIS}: {message}{EMPHASIS:#}")
}

/// Prints every problem of one file, then a count.
pub fn problems(out: &mut impl Write, file: &str, source: &str, problems: &[Problem]) -> io::Result<()> {
    let lines: Vec<&str> = source.lines().collect();
    for problem in problems {
        error_line(out, &problem.message)?;
        let line = problem.span.line.max(1);
        let column = problem.span.column.max(1);
        let number = line.to_string();
        let pad = " ".repeat(number.len());
        let field = if problem.path.is_empty() { String::new() } else { format!(" (field `{}`)", problem.path) };
        writeln!(out, "{pad}{GUTTER}-->{GUTTER:#} {file}:{line}:{column}{field}")?;
        if let Some(text) = lines.get(line as usize - 1) {
            let text = text.replace('\t', " ");
            let indent: String = text.chars().take(column as usize - 1).map(|_| ' ').collect();
            let marks = "^".repeat(problem.span.width.clamp(1, 120) as usize);
            writeln!(out, "{pad} {GUTTER}|{GUTTER:#}")?;
            writeln!(out, "{GUTTER}{number} |{GUTTER:#} {text}")?;
            writeln!(out, "{pad} {GUTTER}|{GUTTER:#} {indent}{ERROR}{marks}{ERROR:#}")?;
        }
        if let Some(help) = &problem.help {
            writeln!(out, "{pad} {GUTTER}={GUTTER:#} {EMPHASIS}help{EMPHASIS:#}: {help}")?;
        }
        writeln!(out)?;
    }
    let count = problems.len();
    writeln!(out, "{ERROR}error{ERROR:#}{EMPHASIS}: `{file}` has {count} problem{}{EMPHASIS:#}", if count == 1 { "" } else { "s" })
}
