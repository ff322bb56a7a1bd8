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

use clearance_domain::vocabulary::{Answer, Vocabulary};
use clearance_domain::{Intake, Records};

use crate::facts::{Slots, performer_slots, tool_slots};
use crate::program::{NoTrace, Node, Scope, Truth};
use crate::schema::{FLAGS, Field, ItemList, Kind, MISSING, SLOT_COUNT, SlotId, UNRESOLVED};

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

/// Splits a template into text and the placeholders' source, with each placeholder's offset.
pub fn split(template: &str) -> Result<Vec<(usize, Result<String, String>)>, (usize, String)> {
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
                    return Err((start, "unclosed `{` in the reason: write `{{` for a brace".into()));
                };
                if !text.is_empty() {
                    parts.push((start, Ok(std::mem::take(&mut text))));
                }
                parts.push((start + 1, Err(chars[start + 1..end].iter().collect::<String>().trim().to_owned())));
                position = end + 1;
            }
            ('}', _) => return Err((position, "unmatched `}` in the reason: write `}}` for a brace".into())),
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

fn names(bits: u32, kind: Kind) -> Vec<&'static str> {
    let names = kind.names();
    (0..names.len()).filter(|index| bits & (1 << index) != 0).map(|index| names[index]).collect()
}

fn join(items: &[String]) -> String {
    match items {
        [] => "none".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Shows one slot's value in words.
fn show(field: &Field, value: u32, text: Option<&str>) -> String {
    if value & UNRESOLVED != 0 && value & !FLAGS == 0 {
        return "not resolvable without the consent and tool records".to_owned();
    }
    match field.kind {
        Kind::Answer => {
            let answer = names(value & !FLAGS, field.kind).first().copied().unwrap_or(Answer::Unsure.as_str());
            if value & MISSING != 0 { format!("{answer} (not answered)") } else { answer.to_owned() }
        }
        Kind::Choice { .. } => match names(value & !FLAGS, field.kind).first() {
            Some(name) if value & MISSING != 0 => format!("{name} (not answered)"),
            Some(name) => (*name).to_owned(),
            None => "not answered".to_owned(),
        },
        Kind::List { .. } => {
            if value & MISSING != 0 {
                "not given".to_owned()
            } else {
                join(&names(value, field.kind).into_iter().map(str::to_owned).collect::<Vec<_>>())
            }
        }
        Kind::Items => (value & !FLAGS).trailing_zeros().to_string(),
        Kind::Text => text.map_or_else(|| "not given".to_owned(), str::to_owned),
    }
}

fn top_text(intake: &Intake, field: &Field) -> Option<String> {
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
    value.cloned()
}

impl Template {
    /// Renders the template for an intake.
    pub fn render(&self, slots: &Slots, scope: &Scope<'_>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Field(field) => out.push_str(&show(field, slots[field.slot], top_text(scope.intake, field).as_deref())),
                Part::Principle(index) => {
                    let bits = scope.principles.get(*index).copied().unwrap_or(0);
                    out.push_str(names(bits, Kind::Answer).first().copied().unwrap_or("unsure"));
                }
                Part::Entries { list, filter, field } => {
                    out.push_str(&join(&entries(*list, filter.as_ref(), field, slots, scope.intake, scope.records, scope)));
                }
            }
        }
        out
    }
}

fn entries(list: ItemList, filter: Option<&Node>, field: &Field, slots: &Slots, intake: &Intake, records: &Records, scope: &Scope<'_>) -> Vec<String> {
    let mut entry: Slots = *slots;
    let mut shown = Vec::new();
    let keep = |entry: &Slots, text: Option<&str>, shown: &mut Vec<String>| {
        let matches = filter.is_none_or(|filter| filter.eval(entry, scope, &mut NoTrace) == Truth::True);
        if matches {
            let value = show(field, entry[field.slot], text);
            if !shown.contains(&value) {
                shown.push(value);
            }
        }
    };
    match list {
        ItemList::Tools => {
            for (position, tool) in intake.tools.iter().flatten().enumerate() {
                tool_slots(tool, records, &mut entry);
                let label = tool.name.clone().or_else(|| tool.tool_id.clone()).unwrap_or_else(|| format!("tool {}", position + 1));
                let text = if field.slot == SlotId::tool_name as usize { Some(label) } else { tool.tool_id.clone() };
                keep(&entry, text.as_deref(), &mut shown);
            }
        }
        ItemList::Performers => {
            for performer in intake.talent.performers.iter().flatten() {
                performer_slots(performer, records, &mut entry);
                let text = if field.slot == SlotId::performer_name as usize { Some(performer.name.clone()) } else { performer.consent_id.clone() };
                keep(&entry, text.as_deref(), &mut shown);
            }
        }
    }
    debug_assert!(SLOT_COUNT > 0);
    shown
}
