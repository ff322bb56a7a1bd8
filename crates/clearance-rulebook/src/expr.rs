//! The condition language: its syntax tree and parser.
//!
//! Conditions read like the spec's own sentences, with operators people know from Python, SQL and
//! CEL:
//!
//! ```text
//! output.final == yes and not (inputs contains any [script, personal_data])
//! any tools (environment == consumer or trains_on_inputs != no)
//! all talent.performers (consent == written) and count(talent.performers) > 0
//! known(inputs)   given(vendor)   principles.2 != yes   sensitive_input
//! ```
//!
//! The parser only builds the tree; `check` resolves names against the intake schema and compiles
//! it. Positions are character offsets within the condition text.

mod parse;

pub use parse::{KEYWORDS, parse};

/// A span inside the condition text: start offset and length in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range {
    /// Start, in characters from the start of the condition.
    pub start: u32,
    /// Length in characters (at least 1).
    pub len: u32,
}

/// A dotted name such as `output.final`, `principles.2` or a term's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// The text as written.
    pub text: String,
    /// Where it is.
    pub range: Range,
}

/// A comparison operator on counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// `==`
    Equal,
    /// `!=`
    NotEqual,
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
}

impl Compare {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            Compare::Equal => "==",
            Compare::NotEqual => "!=",
            Compare::Less => "<",
            Compare::LessOrEqual => "<=",
            Compare::Greater => ">",
            Compare::GreaterOrEqual => ">=",
        }
    }

    /// Applies the operator.
    pub fn holds(self, left: u32, right: u32) -> bool {
        match self {
            Compare::Equal => left == right,
            Compare::NotEqual => left != right,
            Compare::Less => left < right,
            Compare::LessOrEqual => left <= right,
            Compare::Greater => left > right,
            Compare::GreaterOrEqual => left >= right,
        }
    }
}

/// How a list is tested against values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contains {
    /// `contains x` or `contains any [..]`: at least one of the values is in the list.
    Any,
    /// `contains all [..]`: every value is in the list.
    All,
}

/// A condition as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// `true` or `false`.
    Literal(bool),
    /// A term's name, or a bare field used as a condition (an error the checker reports).
    Name(Name),
    /// `field == value` or `field != value`.
    Equals {
        /// The field.
        field: Name,
        /// The value.
        value: Name,
        /// True for `!=`.
        negated: bool,
    },
    /// `field in [a, b]` or `field not in [a, b]`.
    In {
        /// The field.
        field: Name,
        /// The values.
        values: Vec<Name>,
        /// True for `not in`.
        negated: bool,
    },
    /// `list contains x`, `list contains any [..]`, `list contains all [..]`.
    Contains {
        /// The list field.
        field: Name,
        /// Any or all.
        mode: Contains,
        /// The values.
        values: Vec<Name>,
    },
    /// `known(list)`: given, and not containing `unknown`.
    Known(Name),
    /// `given(field)`: not left out.
    Given(Name),
    /// `count(list) > n`.
    Count {
        /// The list of objects.
        list: Name,
        /// The operator.
        compare: Compare,
        /// The number.
        value: u32,
    },
    /// `any list (condition)` / `all list (condition)` over the entries of a list of objects.
    Quantified {
        /// True for `all`.
        all: bool,
        /// The list.
        list: Name,
        /// The condition on each entry; its names are the entry's fields.
        body: Box<Expr>,
    },
    /// `not x`.
    Not(Box<Expr>),
    /// `a and b and …`.
    And(Vec<Expr>),
    /// `a or b or …`.
    Or(Vec<Expr>),
}

impl Expr {
    /// The canonical text of the condition: one space around operators, parentheses only where
    /// needed. Used for the rulebook digest, so whitespace and redundant parentheses do not
    /// change it.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out
    }

    fn write(&self, out: &mut String, parent: u8) {
        fn list(values: &[Name]) -> String {
            let names: Vec<&str> = values.iter().map(|value| value.text.as_str()).collect();
            format!("[{}]", names.join(", "))
        }
        match self {
            Expr::Literal(value) => out.push_str(if *value { "true" } else { "false" }),
            Expr::Name(name) => out.push_str(&name.text),
            Expr::Equals {
                field,
                value,
                negated,
            } => {
                out.push_str(&format!(
                    "{} {} {}",
                    field.text,
                    if *negated { "!=" } else { "==" },
                    value.text
                ));
            }
            Expr::In {
                field,
                values,
                negated,
            } => {
                out.push_str(&format!(
                    "{} {}in {}",
                    field.text,
                    if *negated { "not " } else { "" },
                    list(values)
                ));
            }
            Expr::Contains {
                field,
                mode,
                values,
            } => {
                let mode = match mode {
                    Contains::Any => "any",
                    Contains::All => "all",
                };
                out.push_str(&format!("{} contains {mode} {}", field.text, list(values)));
            }
            Expr::Known(name) => out.push_str(&format!("known({})", name.text)),
            Expr::Given(name) => out.push_str(&format!("given({})", name.text)),
            Expr::Count {
                list,
                compare,
                value,
            } => {
                out.push_str(&format!(
                    "count({}) {} {value}",
                    list.text,
                    compare.symbol()
                ));
            }
            Expr::Quantified { all, list, body } => {
                out.push_str(&format!(
                    "{} {} (",
                    if *all { "all" } else { "any" },
                    list.text
                ));
                body.write(out, 0);
                out.push(')');
            }
            Expr::Not(inner) => {
                out.push_str("not ");
                inner.write(out, 3);
            }
            Expr::And(items) | Expr::Or(items) => {
                let (level, word) = if matches!(self, Expr::And(_)) {
                    (2, " and ")
                } else {
                    (1, " or ")
                };
                let wrap = parent > level;
                if wrap {
                    out.push('(');
                }
                for (position, item) in items.iter().enumerate() {
                    if position > 0 {
                        out.push_str(word);
                    }
                    item.write(out, level);
                }
                if wrap {
                    out.push(')');
                }
            }
        }
    }
}
