//! The reference semantics of `spec/evaluation.md` encoded three more times — as Cedar policies,
//! as Rego (run by regorus, interpreted and on its compiled RVM) and as CEL expressions — so that
//! clearance can be measured against the policy engines a studio already runs, and tested
//! differentially against them.
//!
//! Every peer implements [`Peer`]: it builds its natural input from a parsed intake (Cedar
//! entities and context, Rego's JSON input, a CEL context) and decides from that input: the tier
//! and the ids of the rules (policies, expressions) that fired. Left-out values are left out of
//! the input too (absent attributes, absent keys); each encoding applies the spec's defaults
//! itself, as a user writing these policies would have to.
//!
//! This crate is a workspace member outside the default build: `cargo test -p clearance-peers`
//! runs its tests, and `bench/peers` runs the measurements.

pub mod cedar;
pub mod cel_peer;
pub mod rego;
pub mod scenarios;

use clearance_domain::{Intake, Tier};

/// What every peer returns: the tier, and how many rules fired (their ids were produced; the
/// count keeps the comparison free of formatting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerDecision {
    /// The most restrictive tier among the fired rules (`notify` when none fired).
    pub tier: Tier,
    /// How many rules fired.
    pub fired: usize,
}

/// A policy engine with the reference semantics loaded.
pub trait Peer {
    /// The engine's natural input, built once from a parsed intake.
    type Input;
    /// The engine's name in reports.
    fn name(&self) -> &'static str;
    /// Builds the engine's input from a parsed intake.
    fn input(&self, intake: &Intake) -> anyhow::Result<Self::Input>;
    /// Decides from an input built by [`Peer::input`].
    fn decide(&self, input: &Self::Input) -> anyhow::Result<PeerDecision>;
    /// Builds the input and decides, as a user holding only the intake would.
    fn decide_intake(&self, intake: &Intake) -> anyhow::Result<PeerDecision> {
        let input = self.input(intake)?;
        self.decide(&input)
    }
}

/// The most restrictive of the tiers named, for encodings that report tier names.
pub fn most_restrictive<'a>(names: impl IntoIterator<Item = &'a str>) -> Tier {
    names
        .into_iter()
        .filter_map(Tier::from_name)
        .max()
        .unwrap_or(Tier::Notify)
}
