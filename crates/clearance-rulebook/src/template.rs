//! Reason templates: a sentence with `{placeholders}` that quote the intake's own answers.
//!
//! ```text
//! reason: "{tools[environment == consumer].name} runs outside an enterprise agreement"
//! reason: "generated material will appear in the final deliverables (output.final is {output.final})"
//! ```
//!
//! A placeholder names a field (`{output.final}`, `{inputs}`, `{vendor}`), a principle
//! (`{principles.2}`), every entry's field (`{tools.name}`) or the entries that meet a condition
//! (`{talent.performers[consent != written].name}`). `{{` and `}}` stand for braces.

use std::borrow::Cow;

use clearance_domain::vocabulary::{Answer, Vocabulary};
use clearance_domain::{Intake, Records};

use crate::facts::{Slots, performer_slots, tool_slots};
use crate::program::{NoTrace, Node, Scope, Truth};
use crate::schema::{FLAGS, Field, ItemList, Kind, MISSING, SlotId, UNRESOLVED};

/// A compiled reason template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The parts, in order.
    pub parts: Vec<Part>,
}

/// A part of a template.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Text as written.
    Text(String),
    /// A field's value.
    Field(&'static Field),
    /// A principle's answer.
    Principle(usize),
    /// A field of each entry of a list that meets the filter (all entries when there is none).
    Entries {
        /// The list.
        list: ItemList,
        /// The filter.
        filter: Option<Node>,
        /// The entry field to show.
        field: &'static Field,
    },
}

/// A piece of a template and its offset in characters: literal text (`Ok`) or a placeholder's
/// source (`Err`).
pub type Piece = (usize, Result<String, String>);

/// Splits a template into text and the placeholders' source, with each placeholder's offset.
pub fn split(template: &str) -> Result<Vec<Piece>, (usize, String)> {
    let chars: Vec<char> = template.chars().collect();
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut position = 0;
    while position < chars.len() {
        match (chars[position], chars.get(position + 1)) {
            ('{', Some('{')) | ('}', Some('}')) => {
                text.push(chars[position]);
                position += 2;
            }
            ('{', _) => {
                let start = position;
                let mut depth = 0;
                let mut end = None;
                for (offset, c) in chars[position + 1..].iter().enumerate() {
                    match c {
                        '[' => depth += 1,
                        ']' => depth -= 1,
                        '}' if depth <= 0 => {
                            end = Some(position + 1 + offset);
                            break;
                        }
                        _ => {}
                    }
                }
                let Some(end) = end else {
                    return Err((
                        start,
                        "unclosed `{` in the reason: write `{{` for a brace".into(),
                    ));
                };
                if !text.is_empty() {
                    parts.push((start, Ok(std::mem::take(&mut text))));
                }
                // The offset is that of the placeholder's first character, past any spaces.
                let inner: String = chars[start + 1..end].iter().collect();
                let leading = inner.chars().take_while(|c| c.is_whitespace()).count();
                parts.push((start + 1 + leading, Err(inner.trim().to_owned())));
                position = end + 1;
            }
            ('}', _) => {
                return Err((
                    position,
                    "unmatched `}` in the reason: write `}}` for a brace".into(),
                ));
            }
            (c, _) => {
                text.push(c);
                position += 1;
            }
        }
    }
    if !text.is_empty() {
        parts.push((chars.len(), Ok(text)));
    }
    Ok(parts)
}

/// The names of the values whose bits are set, in vocabulary order.
fn names(bits: u32, kind: Kind) -> impl Iterator<Item = &'static str> {
    let names = kind.names();
    let mut rest = bits & !FLAGS;
    std::iter::from_fn(move || {
        while rest != 0 {
            let index = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            if let Some(name) = names.get(index) {
                return Some(*name);
            }
        }
        None
    })
}

/// An iterator whose length is known in advance (the number of bits set).
struct Counted<I> {
    inner: I,
    left: usize,
}

impl<I: Iterator> Iterator for Counted<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        self.left = self.left.saturating_sub(1);
        self.inner.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<I: Iterator> ExactSizeIterator for Counted<I> {}

/// Writes `A`, `A and B`, `A, B and C`, or `none`.
fn join_into<'a>(out: &mut String, items: impl ExactSizeIterator<Item = &'a str>) {
    let count = items.len();
    if count == 0 {
        out.push_str("none");
    }
    for (position, item) in items.enumerate() {
        if position > 0 {
            out.push_str(if position + 1 == count { " and " } else { ", " });
        }
        out.push_str(item);
    }
}

/// Writes one slot's value in words.
fn show(out: &mut String, field: &Field, value: u32, text: Option<&str>) {
    if value & UNRESOLVED != 0 && value & !FLAGS == 0 {
        out.push_str("not resolvable without the consent and tool records");
        return;
    }
    match field.kind {
        Kind::Answer | Kind::Choice { .. } => match names(value & !FLAGS, field.kind).next() {
            Some(name) => {
                out.push_str(name);
                if value & MISSING != 0 {
                    out.push_str(" (not answered)");
                }
            }
            None if field.kind == Kind::Answer => out.push_str(Answer::Unsure.as_str()),
            None => out.push_str("not answered"),
        },
        Kind::List { .. } => {
            if value & MISSING != 0 {
                out.push_str("not given");
            } else {
                join_into(
                    out,
                    Counted {
                        inner: names(value, field.kind),
                        left: (value & !FLAGS).count_ones() as usize,
                    },
                );
            }
        }
        Kind::Items => out.push_str(&(value & !FLAGS).trailing_zeros().to_string()),
        Kind::Text => out.push_str(text.unwrap_or("not given")),
    }
}

fn top_text<'a>(intake: &'a Intake, field: &Field) -> Option<&'a str> {
    let slot = field.slot;
    let value = if slot == SlotId::title as usize {
        Some(&intake.title)
    } else if slot == SlotId::production as usize {
        Some(&intake.production)
    } else if slot == SlotId::description as usize {
        intake.description.as_ref()
    } else if slot == SlotId::submitted_by as usize {
        intake.submitted_by.as_ref()
    } else if slot == SlotId::vendor as usize {
        intake.vendor.as_ref()
    } else {
        None
    };
    value.map(String::as_str)
}

/// What a placeholder over a list of entries shows when the intake leaves the list out: not
/// "none", which would read as if the intake had said there are none.
const NOT_LISTED: &str = "not listed";

/// The number of entries of a list, or `None` when the intake leaves it out.
fn entry_count(list: ItemList, intake: &Intake) -> Option<usize> {
    match list {
        ItemList::Tools => intake.tools.as_ref().map(Vec::len),
        ItemList::Performers => intake.talent.performers.as_ref().map(Vec::len),
    }
}

impl Template {
    /// Renders the template for an intake.
    pub fn render<'t>(&'t self, slots: &Slots, scope: &Scope<'_>) -> Cow<'t, str> {
        // A reason without placeholders is its own text: nothing to build.
        if let [Part::Text(text)] = self.parts.as_slice() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(self.capacity());
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                // `{tools}`: the real number of entries (the slot holds it only up to a bound).
                Part::Field(field) if field.kind == Kind::Items => {
                    let list = if field.slot == SlotId::performers as usize {
                        ItemList::Performers
                    } else {
                        ItemList::Tools
                    };
                    match entry_count(list, scope.intake) {
                        Some(count) => out.push_str(&count.to_string()),
                        None => out.push_str(NOT_LISTED),
                    }
                }
                Part::Field(field) => show(
                    &mut out,
                    field,
                    slots[field.slot],
                    top_text(scope.intake, field),
                ),
                Part::Principle(index) => {
                    let bits = scope.principles.get(*index).copied().unwrap_or(0);
                    out.push_str(names(bits, Kind::Answer).next().unwrap_or("unsure"));
                }
                Part::Entries {
                    list,
                    filter,
                    field,
                } => {
                    if entry_count(*list, scope.intake).is_none() {
                        out.push_str(NOT_LISTED);
                    } else {
                        let shown = entries(
                            *list,
                            filter.as_ref(),
                            field,
                            slots,
                            scope.intake,
                            scope.records,
                            scope,
                        );
                        join_entries(&mut out, &shown);
                    }
                }
            }
        }
        Cow::Owned(out)
    }

    /// A first guess at the rendered length, generous enough that most reasons never grow.
    fn capacity(&self) -> usize {
        self.parts
            .iter()
            .map(|part| {
                if let Part::Text(text) = part {
                    text.len()
                } else {
                    64
                }
            })
            .sum()
    }
}

/// One value shown for the entries of a list: the text, and whether it is a name from the intake
/// (which is quoted when it could be misread: in a list, or when it holds a comma).
struct Shown<'a> {
    text: Cow<'a, str>,
    name: bool,
}

/// Joins the values shown for the entries: `A, B and C`, with names in typographic quotes when
/// there are several or a name holds a comma (“Consumer chatbot, free tier”); `none` when no entry
/// matches.
fn join_entries(out: &mut String, items: &[Shown<'_>]) {
    let several = items.len() > 1;
    if items.is_empty() {
        out.push_str("none");
    }
    for (position, item) in items.iter().enumerate() {
        if position > 0 {
            out.push_str(if position + 1 == items.len() {
                " and "
            } else {
                ", "
            });
        }
        let quote = item.name && (several || item.text.contains(','));
        if quote {
            out.push('“');
        }
        out.push_str(&item.text);
        if quote {
            out.push('”');
        }
    }
}

fn entries<'a>(
    list: ItemList,
    filter: Option<&Node>,
    field: &Field,
    slots: &Slots,
    intake: &'a Intake,
    records: &Records,
    scope: &Scope<'_>,
) -> Vec<Shown<'a>> {
    let mut entry: Slots = *slots;
    let mut shown: Vec<Shown<'a>> = Vec::new();
    let is_text = field.kind == Kind::Text;
    let mut keep = |entry: &Slots, text: Option<Cow<'a, str>>, name: bool| {
        let matches =
            filter.is_none_or(|filter| filter.eval(entry, scope, &mut NoTrace) == Truth::True);
        if matches {
            let given = text.is_some();
            let value: Cow<'a, str> = match (is_text, text) {
                (true, Some(text)) => text,
                (_, text) => {
                    let mut value = String::new();
                    show(&mut value, field, entry[field.slot], text.as_deref());
                    Cow::Owned(value)
                }
            };
            if !shown.iter().any(|seen| seen.text == value) {
                shown.push(Shown {
                    text: value,
                    name: is_text && name && given,
                });
            }
        }
    };
    match list {
        ItemList::Tools => {
            for (position, tool) in intake.tools.iter().flatten().enumerate() {
                tool_slots(tool, records, &mut entry);
                if field.slot == SlotId::tool_name as usize {
                    // A tool without a name is shown by its id, or by its place in the list.
                    match tool.name.as_ref().or(tool.tool_id.as_ref()) {
                        Some(label) => keep(&entry, Some(Cow::Borrowed(label)), true),
                        None => keep(
                            &entry,
                            Some(Cow::Owned(format!("tool {}", position + 1))),
                            false,
                        ),
                    }
                } else {
                    keep(&entry, tool.tool_id.as_deref().map(Cow::Borrowed), true);
                }
            }
        }
        ItemList::Performers => {
            for performer in intake.talent.performers.iter().flatten() {
                performer_slots(performer, records, &mut entry);
                let text = if field.slot == SlotId::performer_name as usize {
                    Some(performer.name.as_str())
                } else {
                    performer.consent_id.as_deref()
                };
                keep(&entry, text.map(Cow::Borrowed), true);
            }
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use clearance_domain::Records;
    use clearance_domain::document::Document;
    use clearance_domain::intake::parse_intake;

    use crate::{Options, evaluate, load};

    /// The reason each placeholder renders for an intake, in rule order.
    fn render(placeholders: &[&str], intake: &str) -> Vec<String> {
        let mut source = String::from(
            "id: t\nversion: 0.1.0\ntitle: T\nsource: S\nclauses:\n  c:1: { title: A clause }\nrules:\n",
        );
        for (index, placeholder) in placeholders.iter().enumerate() {
            source.push_str(&format!(
                "  - {{ id: r{index}, tier: notify, cite: [c:1], description: D, when: \"true\", reason: \"{placeholder}\" }}\n"
            ));
        }
        let Ok(rulebook) = load("t.yaml", &source) else {
            return vec![format!("the rulebook does not load: {source}")];
        };
        let Ok(intake) = Document::parse(intake).and_then(|document| parse_intake(&document.root))
        else {
            return vec!["the intake does not parse".to_owned()];
        };
        let evaluation = evaluate(&[&rulebook], &intake, Records::none(), Options::default());
        (0..placeholders.len())
            .map(|index| {
                let id = format!("r{index}");
                evaluation
                    .findings
                    .iter()
                    .find(|finding| *finding.rule == *id)
                    .map_or_else(String::new, |finding| finding.reason.to_string())
            })
            .collect()
    }

    const PLACEHOLDERS: [&str; 5] = [
        "{tools}",
        "{tools.name}",
        "{tools.environment}",
        "{tools[environment == consumer].name}",
        "{talent.performers.name}",
    ];

    #[test]
    fn a_list_left_out_is_not_listed_and_an_empty_one_is_none() {
        assert_eq!(
            render(&PLACEHOLDERS, "title: T\nproduction: P\n"),
            ["not listed"; 5]
        );
        assert_eq!(
            render(
                &PLACEHOLDERS,
                "title: T\nproduction: P\ntools: []\ntalent: { performers: [] }\n"
            ),
            ["0", "none", "none", "none", "none"]
        );
        // Entries, none of which meets the filter.
        let intake = "title: T\nproduction: P\ntools: [{ name: Studio tool, environment: studio_enterprise }]\n";
        assert_eq!(render(&PLACEHOLDERS[3..4], intake), ["none"]);
    }

    #[test]
    fn names_are_quoted_in_lists_and_when_they_hold_a_comma() {
        let intake = "title: T\nproduction: P\ntools:\n  - { name: \"Consumer chatbot, free tier\", environment: consumer }\n  - { name: Image tool, environment: consumer }\n  - { tool_id: reg-7, environment: studio_enterprise }\ntalent: { performers: [{ name: Ana Ruiz }] }\n";
        assert_eq!(
            render(&PLACEHOLDERS, intake),
            [
                "3",
                "“Consumer chatbot, free tier”, “Image tool” and “reg-7”",
                "consumer and studio_enterprise",
                "“Consumer chatbot, free tier” and “Image tool”",
                "Ana Ruiz",
            ]
        );
        let intake = "title: T\nproduction: P\ntools: [{ name: \"Consumer chatbot, free tier\", environment: consumer }]\n";
        assert_eq!(
            render(&PLACEHOLDERS[1..2], intake),
            ["“Consumer chatbot, free tier”"]
        );
    }

    #[test]
    fn counts_are_not_capped() {
        let tools: Vec<String> = (0..40)
            .map(|index| format!("{{ name: tool{index} }}"))
            .collect();
        let intake = format!("title: T\nproduction: P\ntools: [{}]\n", tools.join(", "));
        assert_eq!(render(&PLACEHOLDERS[..1], &intake), ["40"]);
    }
}
