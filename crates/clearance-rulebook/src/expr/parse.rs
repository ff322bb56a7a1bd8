//! A hand-written recursive-descent parser for the condition language.
//!
//! The grammar is a dozen productions; a parser generator would add a build step and worse error
//! messages for no gain.
//!
//! ```text
//! or      = and ("or" and)*
//! and     = not ("and" not)*
//! not     = "not" not | primary
//! primary = "(" or ")" | "true" | "false"
//!         | ("any" | "all") NAME "(" or ")"
//!         | ("known" | "given") "(" NAME ")"
//!         | "count" "(" NAME ")" COMPARE NUMBER
//!         | NAME ( ("==" | "!=") NAME
//!                | "not"? "in" "[" NAME ("," NAME)* "]"
//!                | "contains" ( NAME | ("any" | "all") "[" NAME ("," NAME)* "]" ) )?
//! NAME    = [A-Za-z0-9_]+ ("." [A-Za-z0-9_]+)*
//! ```

use super::{Compare, Contains, Expr, Name, Range};

/// A syntax error: what is wrong and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The message (lowercase, no final period).
    pub message: String,
    /// Where.
    pub range: Range,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Number(u32),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Comma,
    Compare(Compare),
    End,
}

fn describe(token: &Token) -> String {
    match token {
        Token::Name(name) => format!("`{name}`"),
        Token::Number(number) => format!("`{number}`"),
        Token::Open => "`(`".into(),
        Token::Close => "`)`".into(),
        Token::OpenBracket => "`[`".into(),
        Token::CloseBracket => "`]`".into(),
        Token::Comma => "`,`".into(),
        Token::Compare(compare) => format!("`{}`", compare.symbol()),
        Token::End => "the end of the condition".into(),
    }
}

fn lex(text: &str) -> Result<Vec<(Token, Range)>, SyntaxError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut position = 0usize;
    let at = |start: usize, end: usize| Range {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        len: u32::try_from(end.saturating_sub(start).max(1)).unwrap_or(u32::MAX),
    };
    while position < chars.len() {
        let start = position;
        let current = chars[position];
        let next = chars.get(position + 1).copied();
        let token = match current {
            c if c.is_whitespace() => {
                position += 1;
                continue;
            }
            '(' => Token::Open,
            ')' => Token::Close,
            '[' => Token::OpenBracket,
            ']' => Token::CloseBracket,
            ',' => Token::Comma,
            '=' if next == Some('=') => Token::Compare(Compare::Equal),
            '!' if next == Some('=') => Token::Compare(Compare::NotEqual),
            '<' if next == Some('=') => Token::Compare(Compare::LessOrEqual),
            '>' if next == Some('=') => Token::Compare(Compare::GreaterOrEqual),
            '<' => Token::Compare(Compare::Less),
            '>' => Token::Compare(Compare::Greater),
            '&' | '|' | '!' => {
                let word = match current {
                    '&' => "and",
                    '|' => "or",
                    _ => "not",
                };
                return Err(SyntaxError {
                    message: format!("unexpected `{current}`: write `{word}`"),
                    range: at(start, start + 1),
                });
            }
            '=' => {
                return Err(SyntaxError {
                    message: "unexpected `=`: compare with `==`".into(),
                    range: at(start, start + 1),
                });
            }
            '"' | '\'' => {
                return Err(SyntaxError {
                    message: "values are written without quotes, for example `output.final == yes`"
                        .into(),
                    range: at(start, start + 1),
                });
            }
            c if c.is_ascii_alphanumeric() || c == '_' => {
                while position < chars.len()
                    && (chars[position].is_ascii_alphanumeric()
                        || chars[position] == '_'
                        || chars[position] == '.')
                {
                    position += 1;
                }
                let word: String = chars[start..position].iter().collect();
                let token = if word.chars().all(|c| c.is_ascii_digit()) {
                    match word.parse() {
                        Ok(number) => Token::Number(number),
                        Err(_) => {
                            return Err(SyntaxError {
                                message: format!("number `{word}` is too large"),
                                range: at(start, position),
                            });
                        }
                    }
                } else if word.ends_with('.') || word.starts_with('.') || word.contains("..") {
                    return Err(SyntaxError {
                        message: format!("malformed name `{word}`"),
                        range: at(start, position),
                    });
                } else {
                    Token::Name(word)
                };
                tokens.push((token, at(start, position)));
                continue;
            }
            other => {
                return Err(SyntaxError {
                    message: format!("unexpected character `{other}`"),
                    range: at(start, start + 1),
                });
            }
        };
        position += match token {
            Token::Compare(Compare::Less | Compare::Greater) => 1,
            Token::Compare(_) => 2,
            _ => 1,
        };
        tokens.push((token, at(start, position)));
    }
    tokens.push((Token::End, at(chars.len(), chars.len() + 1)));
    Ok(tokens)
}

/// The words of the language, which cannot name a field, a term or (but for `true` and `false`,
/// which are reported as values) a value.
pub const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "contains", "any", "all", "known", "given", "count", "true", "false",
];

struct Parser {
    tokens: Vec<(Token, Range)>,
    position: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.position.min(self.tokens.len() - 1)].0
    }

    fn range(&self) -> Range {
        self.tokens[self.position.min(self.tokens.len() - 1)].1
    }

    fn advance(&mut self) -> (Token, Range) {
        let token = self.tokens[self.position.min(self.tokens.len() - 1)].clone();
        self.position += 1;
        token
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Token::Name(name) if name == word)
    }

    fn error<T>(&self, expected: &str) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            message: format!("expected {expected}, found {}", describe(self.peek())),
            range: self.range(),
        })
    }

    fn expect(&mut self, token: &Token, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == token {
            self.advance();
            Ok(())
        } else {
            self.error(what)
        }
    }

    fn name(&mut self, what: &str) -> Result<Name, SyntaxError> {
        match self.peek().clone() {
            Token::Name(text) if !KEYWORDS.contains(&text.as_str()) => {
                let (_, range) = self.advance();
                Ok(Name { text, range })
            }
            _ => self.error(what),
        }
    }

    /// A value after `==`, `in [` or `contains`. `true` and `false` are read as values, so that
    /// `output.final == true` can be answered with "write `yes` or `no`".
    fn value(&mut self) -> Result<Name, SyntaxError> {
        match self.peek().clone() {
            Token::Name(text) if text == "true" || text == "false" => {
                let (_, range) = self.advance();
                Ok(Name { text, range })
            }
            _ => self.name("a value"),
        }
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        let mut items = vec![self.and()?];
        while self.is_word("or") {
            self.advance();
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut items = vec![self.not()?];
        while self.is_word("and") {
            self.advance();
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::And(items)
        })
    }

    fn not(&mut self) -> Result<Expr, SyntaxError> {
        if self.is_word("not") {
            self.advance();
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.primary()
    }

    fn values(&mut self) -> Result<Vec<Name>, SyntaxError> {
        self.expect(&Token::OpenBracket, "`[` and a list of values")?;
        let mut values = vec![self.value()?];
        while *self.peek() == Token::Comma {
            self.advance();
            values.push(self.value()?);
        }
        self.expect(&Token::CloseBracket, "`,` or `]`")?;
        Ok(values)
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        match self.peek().clone() {
            Token::Open => {
                self.advance();
                let inner = self.or()?;
                self.expect(&Token::Close, "`)`")?;
                Ok(inner)
            }
            Token::Name(word) => match word.as_str() {
                "true" | "false" => {
                    self.advance();
                    Ok(Expr::Literal(word == "true"))
                }
                "any" | "all" => {
                    self.advance();
                    let list = self.name("a list such as `tools` or `talent.performers`")?;
                    self.expect(&Token::Open, "`(` and a condition on each entry")?;
                    let body = self.or()?;
                    self.expect(&Token::Close, "`)`")?;
                    Ok(Expr::Quantified {
                        all: word == "all",
                        list,
                        body: Box::new(body),
                    })
                }
                "known" | "given" | "count" => {
                    self.advance();
                    self.expect(&Token::Open, "`(`")?;
                    let name = self.name("a field")?;
                    self.expect(&Token::Close, "`)`")?;
                    match word.as_str() {
                        "known" => Ok(Expr::Known(name)),
                        "given" => Ok(Expr::Given(name)),
                        _ => {
                            let Token::Compare(compare) = self.peek().clone() else {
                                return self.error("a comparison such as `> 1` after `count(…)`");
                            };
                            self.advance();
                            let Token::Number(value) = self.peek().clone() else {
                                return self.error("a number");
                            };
                            self.advance();
                            Ok(Expr::Count {
                                list: name,
                                compare,
                                value,
                            })
                        }
                    }
                }
                _ => self.comparison(),
            },
            _ => self.error("a condition"),
        }
    }

    fn comparison(&mut self) -> Result<Expr, SyntaxError> {
        let field = self.name("a field, a term or a condition")?;
        match self.peek().clone() {
            Token::Compare(compare @ (Compare::Equal | Compare::NotEqual)) => {
                self.advance();
                let value = self.value()?;
                Ok(Expr::Equals {
                    field,
                    value,
                    negated: compare == Compare::NotEqual,
                })
            }
            Token::Compare(other) => Err(SyntaxError {
                message: format!(
                    "`{}` compares numbers: use it with `count(…)`",
                    other.symbol()
                ),
                range: self.range(),
            }),
            Token::Name(word) if word == "in" => {
                self.advance();
                Ok(Expr::In {
                    field,
                    values: self.values()?,
                    negated: false,
                })
            }
            Token::Name(word)
                if word == "not"
                    && matches!(self.tokens.get(self.position + 1), Some((Token::Name(next), _)) if next == "in") =>
            {
                self.advance();
                self.advance();
                Ok(Expr::In {
                    field,
                    values: self.values()?,
                    negated: true,
                })
            }
            Token::Name(word) if word == "contains" => {
                self.advance();
                if self.is_word("any") || self.is_word("all") {
                    let mode = if self.is_word("any") {
                        Contains::Any
                    } else {
                        Contains::All
                    };
                    self.advance();
                    Ok(Expr::Contains {
                        field,
                        mode,
                        values: self.values()?,
                    })
                } else {
                    let value = self.name("a value, or `any [..]` / `all [..]`")?;
                    Ok(Expr::Contains {
                        field,
                        mode: Contains::Any,
                        values: vec![value],
                    })
                }
            }
            _ => Ok(Expr::Name(field)),
        }
    }
}

/// Parses a condition.
pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
    let mut parser = Parser {
        tokens: lex(text)?,
        position: 0,
    };
    let expr = parser.or()?;
    if *parser.peek() != Token::End {
        return parser.error("`and`, `or` or the end of the condition");
    }
    Ok(expr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        match parse(text) {
            Ok(expr) => expr.canonical(),
            Err(error) => format!("error at {}: {}", error.range.start, error.message),
        }
    }

    #[test]
    fn and_binds_tighter_than_or() {
        assert_eq!(canonical("a or b and c"), "a or b and c");
        assert_eq!(canonical("(a or b) and c"), "(a or b) and c");
        assert_eq!(canonical("not (a or b)"), "not (a or b)");
    }

    #[test]
    fn canonical_form_ignores_spacing_and_redundant_parentheses() {
        assert_eq!(
            canonical("output.final==yes   and ((x))"),
            "output.final == yes and x"
        );
        assert_eq!(
            canonical("inputs contains script"),
            "inputs contains any [script]"
        );
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(
            canonical(
                "any tools (environment in [consumer, unknown]) and count(talent.performers) >= 1 and known(inputs) and given(vendor) and element not in [poster] and talent.uses contains all [face_swap]"
            ),
            "any tools (environment in [consumer, unknown]) and count(talent.performers) >= 1 and known(inputs) and given(vendor) and element not in [poster] and talent.uses contains all [face_swap]"
        );
    }

    #[test]
    fn errors_point_at_the_offending_token() {
        assert_eq!(
            canonical("output.final = yes"),
            "error at 13: unexpected `=`: compare with `==`"
        );
        assert_eq!(
            canonical("a && b"),
            "error at 2: unexpected `&`: write `and`"
        );
        assert_eq!(
            canonical("output.final == 'yes'"),
            "error at 16: values are written without quotes, for example `output.final == yes`"
        );
        assert_eq!(
            canonical("(a or b"),
            "error at 7: expected `)`, found the end of the condition"
        );
        assert_eq!(
            canonical("a b"),
            "error at 2: expected `and`, `or` or the end of the condition, found `b`"
        );
        assert_eq!(
            canonical("inputs contains any [script,]"),
            "error at 28: expected a value, found `]`"
        );
        assert_eq!(
            canonical("(a == yes"),
            "error at 9: expected `)`, found the end of the condition"
        );
    }

    #[test]
    fn true_and_false_are_read_as_values_for_the_checker_to_explain() {
        assert_eq!(canonical("output.final == true"), "output.final == true");
        assert_eq!(
            canonical("output.final in [true, no]"),
            "output.final in [true, no]"
        );
        assert_eq!(
            canonical("output.final == and"),
            "error at 16: expected a value, found `and`"
        );
    }
}
