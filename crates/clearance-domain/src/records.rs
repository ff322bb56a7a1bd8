//! Records that an intake refers to by id: performers' consent records and the data terms of
//! registered tools. The service fills them from its store; the command line has none, so an id
//! it cannot resolve makes the rules that need it fail closed.

use std::collections::BTreeMap;

use crate::vocabulary::{Answer, Consent, Environment};

/// What a consent record says about the use it is referenced from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentStatus {
    /// The record holds and covers this use: counts as `written`.
    Covers,
    /// Requested but not yet signed: counts as `requested`.
    Requested,
    /// Expired, revoked or out of scope: counts as `none`.
    Void,
}

impl ConsentStatus {
    /// The consent value the record stands for.
    pub fn consent(self) -> Consent {
        match self {
            ConsentStatus::Covers => Consent::Written,
            ConsentStatus::Requested => Consent::Requested,
            ConsentStatus::Void => Consent::None,
        }
    }
}

/// A registered tool's recorded data terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolTerms {
    /// Where it runs.
    pub environment: Environment,
    /// Whether it trains on inputs or outputs.
    pub trains_on_inputs: Answer,
}

/// The records available to one evaluation, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    /// Consent records by id.
    pub consents: BTreeMap<String, ConsentStatus>,
    /// Tool terms by tool id.
    pub tools: BTreeMap<String, ToolTerms>,
}

impl Records {
    /// No records at all (the command line without a service).
    pub fn none() -> &'static Records {
        static EMPTY: Records = Records {
            consents: BTreeMap::new(),
            tools: BTreeMap::new(),
        };
        &EMPTY
    }
}
