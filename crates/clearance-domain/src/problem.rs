//! Located problems in a user's file: what is wrong, where (line and column), which field, and the
//! closest valid name or value when there is one.

use crate::document::Span;

/// One problem found in an intake or a rulebook file.
///
/// Messages follow one style: lowercase, no final period, user input in backticks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong, for example "unknown field `ouput`, did you mean `output`?".
    pub message: String,
    /// The dotted path of the field, for example `tools[1].environment`; empty for the document.
    pub path: String,
    /// Where in the file.
    pub span: Span,
    /// A hint, for example the list of valid values.
    pub help: Option<String>,
}

impl Problem {
    /// A problem at `span` concerning the field at `path`.
    pub fn new(path: impl Into<String>, span: Span, message: impl Into<String>) -> Problem {
        Problem {
            message: message.into(),
            path: path.into(),
            span,
            help: None,
        }
    }

    /// Adds a hint.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}

/// Every problem found in one file, in the order they occur in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Records a problem.
    pub fn push(&mut self, problem: Problem) {
        self.0.push(problem);
    }

    /// True when nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts by position so reports read top to bottom.
    pub fn sorted(mut self) -> Problems {
        self.0
            .sort_by_key(|problem| (problem.span.line, problem.span.column));
        self
    }
}

/// Returns `candidate`'s closest match among `known`, when it is close enough to be a likely typo.
pub fn closest<'a>(candidate: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for name in known {
        let score = strsim::jaro_winkler(candidate, name);
        if score >= 0.8 && best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, name));
        }
    }
    best.map(|(_, name)| name)
}

/// "did you mean `x`?" or, failing a close match, nothing.
pub fn did_you_mean<'a>(candidate: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    match closest(candidate, known) {
        Some(name) => format!(", did you mean `{name}`?"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_known_name() {
        assert_eq!(
            closest("ouput", ["title", "output", "inputs"]),
            Some("output")
        );
        assert_eq!(
            closest("consumr", ["consumer", "unknown"]),
            Some("consumer")
        );
    }

    #[test]
    fn suggests_nothing_for_unrelated_words() {
        assert_eq!(closest("banana", ["output", "inputs"]), None);
        assert_eq!(did_you_mean("banana", ["output"]), "");
    }
}
