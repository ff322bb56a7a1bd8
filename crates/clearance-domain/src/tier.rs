//! The four tiers of a triage, ordered from least to most restrictive.

use serde::{Deserialize, Serialize};

/// How restrictive a triage outcome is. `Ord` follows restrictiveness, so the overall tier of an
/// evaluation is the `max` of its findings' tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Low risk; the use is still shared with the studio contact.
    Notify,
    /// Talk to the studio contact before proceeding.
    Escalate,
    /// Written approval is required before proceeding.
    Approval,
    /// Not permitted as proposed: a prerequisite is missing.
    Blocked,
}

impl Tier {
    /// Every tier, least restrictive first.
    pub const ALL: [Tier; 4] = [Tier::Notify, Tier::Escalate, Tier::Approval, Tier::Blocked];

    /// The identifier used in files and results (`notify`, `escalate`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Notify => "notify",
            Tier::Escalate => "escalate",
            Tier::Approval => "approval",
            Tier::Blocked => "blocked",
        }
    }

    /// How the tier is shown to people (the spec's "shown to people as" column).
    pub fn headline(self) -> &'static str {
        match self {
            Tier::Notify => "Share with your studio contact",
            Tier::Escalate => "Talk to your contact before proceeding",
            Tier::Approval => "Written approval required",
            Tier::Blocked => "Not permitted as proposed",
        }
    }

    /// Parses an identifier such as `approval`.
    pub fn from_name(name: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|tier| tier.as_str() == name)
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_order_from_least_to_most_restrictive() {
        assert!(Tier::Notify < Tier::Escalate);
        assert!(Tier::Escalate < Tier::Approval);
        assert!(Tier::Approval < Tier::Blocked);
    }

    #[test]
    fn names_round_trip() {
        for tier in Tier::ALL {
            assert_eq!(Tier::from_name(tier.as_str()), Some(tier));
        }
        assert_eq!(Tier::from_name("approve"), None);
    }
}
