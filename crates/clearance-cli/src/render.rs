//! Output for people: diagnostics, and the triage result as text and markdown.

pub mod diagnostic;
pub mod markdown;
pub mod text;

use anstyle::{AnsiColor, Style};
use clearance_domain::Tier;

/// The style of a tier's name.
pub fn tier_style(tier: Tier) -> Style {
    let color = match tier {
        Tier::Notify => AnsiColor::Green,
        Tier::Escalate => AnsiColor::Cyan,
        Tier::Approval => AnsiColor::Yellow,
        Tier::Blocked => AnsiColor::Red,
    };
    Style::new().fg_color(Some(color.into())).bold()
}
