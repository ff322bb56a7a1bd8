//! A YAML or JSON document as a tree whose every node knows its line and column.
//!
//! serde's derive cannot report *every* problem with its location (it stops at the first), so the
//! intake and rulebook readers walk this tree instead. The tree is built from the event stream of
//! `saphyr-parser` (a YAML 1.2 parser; JSON is a subset of YAML 1.2, so one parser reads both).
//! Plain scalars are resolved with the YAML 1.2 core schema: `yes` and `no` are strings, not
//! booleans, and a quoted scalar is always a string.

use std::borrow::Cow;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::problem::{Problem, Problems};

/// A position in a file: 1-based line and column (in characters), and the length of the node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
    /// Length in characters of the node on its first line (at least 1), for underlining.
    pub width: u32,
}

impl Span {
    fn from_parser(span: saphyr_parser::Span) -> Span {
        let start = span.start;
        let width = if span.end.line() == start.line() {
            span.end.col().saturating_sub(start.col()).max(1)
        } else {
            1
        };
        Span {
            line: u32::try_from(start.line()).unwrap_or(u32::MAX),
            column: u32::try_from(start.col() + 1).unwrap_or(u32::MAX),
            width: u32::try_from(width).unwrap_or(u32::MAX),
        }
    }
}

/// A node of the document with its location.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The node's value.
    pub value: Value,
    /// Where the node starts.
    pub span: Span,
}

/// One entry of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key, as text.
    pub key: String,
    /// Where the key is.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// The value of a node, after YAML 1.2 core-schema resolution of plain scalars.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// `true` or `false` (plain, unquoted).
    Bool(bool),
    /// A plain integer or float, kept as written.
    Number(String),
    /// Any other scalar, including every quoted one.
    String(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<Entry>),
}

impl Value {
    /// How the value's type is named in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A parsed document: its root node.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The root node (`Null` for an empty file).
    pub root: Node,
}

impl Document {
    /// Parses YAML or JSON text. Syntax errors stop the parse (a YAML parser cannot resynchronise),
    /// but duplicate keys and unsupported features are all collected.
    pub fn parse(text: &str) -> Result<Document, Problems> {
        let mut builder = Builder {
            parser: Parser::new_from_str(text),
            problems: Problems::default(),
        };
        match builder.document() {
            Ok(root) if builder.problems.is_empty() => Ok(Document { root }),
            Ok(_) => Err(builder.problems),
            Err(problem) => {
                builder.problems.push(problem);
                Err(builder.problems.sorted())
            }
        }
    }
}

struct Builder<'input> {
    parser: Parser<'input, saphyr_parser::StrInput<'input>>,
    problems: Problems,
}

impl<'input> Builder<'input> {
    fn next(&mut self) -> Result<(Event<'input>, Span), Problem> {
        match self.parser.next_event() {
            Some(Ok((event, span))) => Ok((event, Span::from_parser(span))),
            Some(Err(error)) => {
                let marker = error.marker();
                let span = Span {
                    line: u32::try_from(marker.line()).unwrap_or(u32::MAX),
                    column: u32::try_from(marker.col() + 1).unwrap_or(u32::MAX),
                    width: 1,
                };
                Err(Problem::new(
                    "",
                    span,
                    format!("invalid YAML or JSON: {}", error.info()),
                ))
            }
            None => Err(Problem::new("", Span::default(), "unexpected end of file")),
        }
    }

    fn document(&mut self) -> Result<Node, Problem> {
        let mut root = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::DocumentStart(_) => {
                    if root.is_some() {
                        return Err(Problem::new(
                            "",
                            span,
                            "a file holds one document, found a second `---`",
                        ));
                    }
                    let (event, span) = self.next()?;
                    root = Some(self.node(event, span)?);
                }
                Event::StreamEnd => {
                    return Ok(root.unwrap_or(Node {
                        value: Value::Null,
                        span: Span {
                            line: 1,
                            column: 1,
                            width: 1,
                        },
                    }));
                }
                _ => {
                    return Err(Problem::new(
                        "",
                        span,
                        "unexpected content outside the document",
                    ));
                }
            }
        }
    }

    fn node(&mut self, event: Event<'input>, span: Span) -> Result<Node, Problem> {
        let value = match event {
            Event::Scalar(text, style, _anchor, tag) => {
                let tag_suffix = tag.as_ref().map(|tag| tag.suffix.as_str());
                resolve_scalar(text, style, tag_suffix)
            }
            Event::SequenceStart(_, _) => {
                let mut items = Vec::new();
                loop {
                    let (event, item_span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, item_span)?);
                }
                Value::Seq(items)
            }
            Event::MappingStart(_, _) => {
                let mut entries: Vec<Entry> = Vec::new();
                loop {
                    let (event, key_span) = self.next()?;
                    if matches!(event, Event::MappingEnd) {
                        break;
                    }
                    let key_node = self.node(event, key_span)?;
                    let (event, value_span) = self.next()?;
                    let value = self.node(event, value_span)?;
                    let key = match key_node.value {
                        Value::String(text) | Value::Number(text) => text,
                        Value::Bool(flag) => flag.to_string(),
                        Value::Null => "null".to_owned(),
                        Value::Seq(_) | Value::Map(_) => {
                            self.problems.push(Problem::new(
                                "",
                                key_span,
                                "a mapping key must be a plain name",
                            ));
                            continue;
                        }
                    };
                    if let Some(first) = entries.iter().find(|entry| entry.key == key) {
                        let first_line = first.key_span.line;
                        self.problems.push(Problem::new(
                            "",
                            key_span,
                            format!("duplicate key `{key}` (first given on line {first_line})"),
                        ));
                        continue;
                    }
                    entries.push(Entry {
                        key,
                        key_span,
                        value,
                    });
                }
                Value::Map(entries)
            }
            Event::Alias(_) => {
                self.problems.push(Problem::new(
                    "",
                    span,
                    "YAML aliases (`*name`) are not supported; write the value out",
                ));
                Value::Null
            }
            Event::SequenceEnd
            | Event::MappingEnd
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => {
                return Err(Problem::new("", span, "unexpected structure"));
            }
        };
        Ok(Node { value, span })
    }
}

fn resolve_scalar(text: Cow<'_, str>, style: ScalarStyle, tag_suffix: Option<&str>) -> Value {
    match tag_suffix {
        Some("str") => return Value::String(text.into_owned()),
        Some("null") => return Value::Null,
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.into_owned());
    }
    match text.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        other if looks_numeric(other) => Value::Number(other.to_owned()),
        _ => Value::String(text.into_owned()),
    }
}

fn looks_numeric(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    !body.is_empty()
        && (body.parse::<f64>().is_ok()
            || body.starts_with("0x")
            || body.starts_with("0o")
            || body == ".inf"
            || body == ".nan")
        && !body.chars().all(char::is_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Node {
        match Document::parse(text) {
            Ok(document) => document.root,
            Err(problems) => unreachable!("unexpected problems: {problems:?}"),
        }
    }

    #[test]
    fn yes_and_no_are_strings_and_true_is_a_boolean() {
        let root = parse("a: yes\nb: 'no'\nc: true\nd: ~\ne: 12\n");
        let Value::Map(entries) = root.value else {
            unreachable!()
        };
        let values: Vec<_> = entries
            .iter()
            .map(|entry| entry.value.value.clone())
            .collect();
        assert_eq!(
            values,
            vec![
                Value::String("yes".into()),
                Value::String("no".into()),
                Value::Bool(true),
                Value::Null,
                Value::Number("12".into())
            ]
        );
    }

    #[test]
    fn nodes_carry_one_based_lines_and_columns() {
        let root = parse("title: x\noutput:\n  final: yes\n");
        let Value::Map(entries) = root.value else {
            unreachable!()
        };
        assert_eq!(
            (entries[1].key_span.line, entries[1].key_span.column),
            (2, 1)
        );
        let Value::Map(inner) = &entries[1].value.value else {
            unreachable!()
        };
        assert_eq!(
            (
                inner[0].key_span.line,
                inner[0].key_span.column,
                inner[0].key_span.width
            ),
            (3, 3, 5)
        );
        assert_eq!(
            (inner[0].value.span.line, inner[0].value.span.column),
            (3, 10)
        );
    }

    #[test]
    fn json_is_read_by_the_same_parser() {
        let root = parse("{\"title\": \"x\", \"media\": [\"image\"], \"f\": false}");
        let Value::Map(entries) = root.value else {
            unreachable!()
        };
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[2].value.value, Value::Bool(false));
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_lines() {
        let Err(problems) = Document::parse("a: 1\nb: 2\na: 3\n") else {
            unreachable!()
        };
        assert_eq!(problems.0.len(), 1);
        assert_eq!(
            problems.0[0].message,
            "duplicate key `a` (first given on line 1)"
        );
        assert_eq!(problems.0[0].span.line, 3);
    }

    #[test]
    fn syntax_errors_have_a_location() {
        let Err(problems) = Document::parse("a: [1\nb: ]") else {
            unreachable!()
        };
        assert!(problems.0[0].message.starts_with("invalid YAML or JSON"));
        assert_eq!(problems.0[0].span.line, 2);
    }

    #[test]
    fn an_empty_file_is_null() {
        assert_eq!(parse("").value, Value::Null);
    }
}
