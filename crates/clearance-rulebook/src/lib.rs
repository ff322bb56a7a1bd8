//! The rulebook language and the triage engine.
//!
//! A rulebook is a YAML file (see `docs/rulebooks.md`): a clause catalogue, an action vocabulary,
//! guiding principles, named terms and rules whose conditions read the intake's answers. `load`
//! checks it against the intake schema and compiles every condition into bit tests on the facts
//! of an intake; `evaluate` returns the result object of `spec/evaluation.md`.
//!
//! The pipeline: `syntax` (file structure) → `check` (names, types, compilation) → `rulebook`
//! (the compiled model) → `evaluate` (decision, findings, `lower_tier_if`).

pub mod check;
pub mod embedded;
pub mod evaluate;
pub mod expr;
pub mod facts;
pub mod hand_written;
pub mod kernel;
pub mod program;
pub mod rulebook;
pub mod schema;
pub mod syntax;
pub mod template;

pub use check::{LoadError, load};
pub use evaluate::{Decision, Evaluation, Finding, Options, Suggestion, evaluate};
pub use rulebook::{Rule, Rulebook};
