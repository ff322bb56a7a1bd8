//! The pure core of clearance: the intake that describes a proposed GenAI use, its vocabulary,
//! the tiers of a triage, and the located problems that bad input produces.
//!
//! Nothing here does IO, reads a clock or knows about rulebooks: the intake is parsed once, at the
//! edge, from text into typed values, and everything after works on those values.

pub mod document;
pub mod intake;
pub mod problem;
pub mod records;
pub mod tier;
pub mod vocabulary;

pub use document::{Document, Node, Span, Value};
pub use intake::{Intake, Output, Performer, Talent, Tool, Training};
pub use problem::{Problem, Problems};
pub use records::{ConsentStatus, Records, ToolTerms};
pub use tier::Tier;
pub use vocabulary::{
    Answer, AudienceDisclosure, Consent, Element, Environment, Input, Media, Prominence, Region,
    Role, Set, Stage, TalentException, TalentUse, TrainingData, Union, Vocabulary,
};
