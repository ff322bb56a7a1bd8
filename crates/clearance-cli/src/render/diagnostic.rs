//! Problems in a user's file, shown the way compilers show them: the message, `file:line:col`,
//! the field's path, the source line with the spot underlined, and a hint.
//!
//! Written by hand rather than with a diagnostics crate: the layout is thirty lines, and keeping
//! it ours keeps the golden tests of error output stable across dependency updates.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use clearance_domain::Problem;

const ERROR: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .bold();
const EMPHASIS: Style = Style::new().bold();
const GUTTER: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue)))
    .bold();

/// The most problems shown for one file; the rest are counted (90 copies of one YAML mistake
/// would otherwise bury the first, which is the one to fix).
pub const MAX_SHOWN: usize = 20;

/// The most characters of a source line shown under a problem; a longer line is cut around the
/// problem's column, with `…` where text was left out.
const MAX_LINE: usize = 120;

/// How much of a long line is shown before the problem's column.
const CONTEXT_BEFORE: usize = 40;

/// The most characters of the user's own text quoted in a message (between backticks).
const MAX_QUOTED: usize = 60;

/// How a tab is shown in a source line, so that "a tab is not allowed here" can be seen.
const TAB: char = '→';

/// Prints `error: message`.
pub fn error_line(out: &mut impl Write, message: &str) -> io::Result<()> {
    writeln!(
        out,
        "{ERROR}error{ERROR:#}{EMPHASIS}: {message}{EMPHASIS:#}"
    )
}

/// Shortens the user's text quoted in a message (`` `…` ``) to `MAX_QUOTED` characters, so that a
/// 100,000-character value does not flood the terminal through its message either.
fn shorten_quotes(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    for (index, piece) in message.split('`').enumerate() {
        if index > 0 {
            out.push('`');
        }
        let quoted = index % 2 == 1;
        if quoted && piece.chars().count() > MAX_QUOTED {
            out.extend(piece.chars().take(MAX_QUOTED));
            out.push('…');
        } else {
            out.push_str(piece);
        }
    }
    out
}

/// The part of a source line to show, and where the problem's column and underline fall in it.
struct Excerpt {
    /// The text shown (tabs made visible, cut to `MAX_LINE` characters with `…`).
    text: String,
    /// Spaces before the underline.
    indent: usize,
    /// Length of the underline.
    marks: usize,
}

fn excerpt(line: &str, column: usize, width: usize) -> Excerpt {
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\t' { TAB } else { c })
        .collect();
    let spot = column.saturating_sub(1);
    let (start, end) = if chars.len() <= MAX_LINE {
        (0, chars.len())
    } else {
        let end = (spot.saturating_sub(CONTEXT_BEFORE) + MAX_LINE).min(chars.len());
        (end.saturating_sub(MAX_LINE), end)
    };
    let (before, after) = (start > 0, end < chars.len());
    let mut text = String::new();
    if before {
        text.push('…');
    }
    text.extend(&chars[start..end]);
    if after {
        text.push('…');
    }
    let visible = end.saturating_sub(spot).max(1);
    Excerpt {
        text,
        indent: spot.saturating_sub(start) + usize::from(before),
        marks: width.clamp(1, visible),
    }
}

/// True when the problem is a YAML syntax error caused by a tab: the parser says so, or a tab
/// stands on the line before the spot it complains about (`title:<tab>x`).
fn about_a_tab(problem: &Problem, line: Option<&str>) -> bool {
    if !problem.message.starts_with("invalid YAML") {
        return false;
    }
    let column = problem.span.column.max(1) as usize;
    problem.message.contains("tab")
        || line.is_some_and(|line| line.chars().take(column).any(|c| c == '\t'))
}

/// Prints every problem of one file (at most `MAX_SHOWN`, then how many more), then a count.
pub fn problems(
    out: &mut impl Write,
    file: &str,
    source: &str,
    problems: &[Problem],
) -> io::Result<()> {
    let lines: Vec<&str> = source.lines().collect();
    for problem in problems.iter().take(MAX_SHOWN) {
        error_line(out, &shorten_quotes(&problem.message))?;
        let line = problem.span.line.max(1);
        let column = problem.span.column.max(1);
        let number = line.to_string();
        let pad = " ".repeat(number.len());
        let field = if problem.path.is_empty() {
            String::new()
        } else {
            format!(" (field `{}`)", problem.path)
        };
        writeln!(
            out,
            "{pad}{GUTTER}-->{GUTTER:#} {file}:{line}:{column}{field}"
        )?;
        let text = lines.get(line as usize - 1).copied();
        if let Some(text) = text {
            let shown = excerpt(text, column as usize, problem.span.width as usize);
            let indent = " ".repeat(shown.indent);
            let marks = "^".repeat(shown.marks);
            writeln!(out, "{pad} {GUTTER}|{GUTTER:#}")?;
            writeln!(out, "{GUTTER}{number} |{GUTTER:#} {}", shown.text)?;
            writeln!(
                out,
                "{pad} {GUTTER}|{GUTTER:#} {indent}{ERROR}{marks}{ERROR:#}"
            )?;
        }
        let tab_help =
            about_a_tab(problem, text).then_some("YAML does not allow tabs here; use spaces");
        for help in problem.help.as_deref().into_iter().chain(tab_help) {
            writeln!(
                out,
                "{pad} {GUTTER}={GUTTER:#} {EMPHASIS}help{EMPHASIS:#}: {help}"
            )?;
        }
        writeln!(out)?;
    }
    let count = problems.len();
    if count > MAX_SHOWN {
        let more = count - MAX_SHOWN;
        writeln!(
            out,
            "{EMPHASIS}… and {more} more problem{}{EMPHASIS:#}\n",
            if more == 1 { "" } else { "s" }
        )?;
    }
    writeln!(
        out,
        "{ERROR}error{ERROR:#}{EMPHASIS}: `{file}` has {count} problem{}{EMPHASIS:#}",
        if count == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_shown_whole_with_tabs_visible() {
        let shown = excerpt("title:\tT", 8, 1);
        assert_eq!(shown.text, "title:→T");
        assert_eq!((shown.indent, shown.marks), (7, 1));
    }

    #[test]
    fn long_quoted_text_is_shortened_in_messages() {
        let message = format!("unknown value `{}` for `element`", "x".repeat(1000));
        let shown = shorten_quotes(&message);
        assert_eq!(
            shown,
            format!("unknown value `{}…` for `element`", "x".repeat(MAX_QUOTED))
        );
        assert_eq!(
            shorten_quotes("unknown field `ouput`, did you mean `output`?"),
            "unknown field `ouput`, did you mean `output`?"
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("element: {}", "x".repeat(100_000));
        let shown = excerpt(&line, 10, 100_000);
        assert_eq!(shown.text.chars().count(), MAX_LINE + 1);
        assert!(shown.text.ends_with('…') && shown.text.starts_with("element: x"));
        assert_eq!(shown.indent, 9);
        assert_eq!(shown.marks, MAX_LINE - 9);

        let shown = excerpt(&line, 50_000, 1);
        assert_eq!(shown.text.chars().count(), MAX_LINE + 2);
        assert!(shown.text.starts_with('…') && shown.text.ends_with('…'));
        assert_eq!(shown.indent, CONTEXT_BEFORE + 1);
    }
}
