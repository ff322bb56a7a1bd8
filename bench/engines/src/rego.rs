//! The reference semantics as Rego (`policies/reference.rego`), run by regorus in its two modes:
//!
//! - [`Rego`]: the tree-walking interpreter ([`regorus::Engine`]): set the input, evaluate the
//!   rule `data.clearance.decision`;
//! - [`RegoVm`]: the policy compiled once to a program for regorus's register VM
//!   ([`regorus::rvm::RegoVM`]), which runs the entry point `data.clearance.decision`.
//!
//! Both take the intake's JSON (left-out fields left out) as a [`regorus::Value`], built once per
//! intake by [`Peer::input`]. The policy decides `{"tier": …, "fired": …}`, where `fired` is the
//! set of the rules (one per line of the spec) that fired.
//!
//! Both regorus APIs evaluate through `&mut self` while [`Peer::decide`] takes `&self`: each peer
//! keeps one prepared engine (policy parsed and prepared, or program compiled and loaded) in a
//! [`RefCell`] and borrows it for the duration of one call. That is cheaper than cloning the
//! prepared engine per call (it would copy the interpreter's state, or rebuild the VM's register
//! file and caches); regorus resets its per-evaluation state itself at the start of each call. A
//! peer is therefore not `Sync`: give each thread its own.

use std::cell::RefCell;
use std::sync::Arc;

use anyhow::{Context as _, anyhow};
use clearance_domain::{Intake, Tier};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::{Program, RegoVM};
use regorus::{Engine, Value};

use crate::{Peer, PeerDecision};

/// The policy: the reference semantics as Rego.
pub const POLICY: &str = include_str!("../policies/reference.rego");

/// The file name the policy is loaded under (it appears in regorus's error messages).
const POLICY_PATH: &str = "reference.rego";

/// The rule that decides.
pub const ENTRY_POINT: &str = "data.clearance.decision";

/// The RVM's instruction limit per evaluation. Regorus's default (25,000) is reached by an intake
/// listing about 200 tools or performers; the work grows linearly with those lists, so this
/// bound admits intakes far longer than any real one while still stopping a runaway program.
const MAX_INSTRUCTIONS: usize = 10_000_000;

/// The intake's JSON as a regorus value (left-out fields stay left out).
fn intake_value(intake: &Intake) -> anyhow::Result<Value> {
    serde_json::from_value(intake.to_json()).context("the intake's JSON as a Rego value")
}

/// Reads `{"tier": …, "fired": …}` as the policy decides it.
fn read_decision(decision: &Value) -> anyhow::Result<PeerDecision> {
    let name = decision["tier"]
        .as_string()
        .map_err(|error| anyhow!("{ENTRY_POINT}.tier is not a string ({error}): {decision}"))?;
    let tier =
        Tier::from_name(name).ok_or_else(|| anyhow!("{ENTRY_POINT}.tier is not a tier: {name}"))?;
    let fired = match &decision["fired"] {
        Value::Set(rules) => rules.len(),
        Value::Array(rules) => rules.len(),
        other => anyhow::bail!("{ENTRY_POINT}.fired is not a set: {other}"),
    };
    Ok(PeerDecision { tier, fired })
}

/// An engine with the policy parsed (the interpreter prepares it on its first evaluation).
fn engine() -> anyhow::Result<Engine> {
    let mut engine = Engine::new();
    engine
        .add_policy(POLICY_PATH.to_owned(), POLICY.to_owned())
        .context("parsing policies/reference.rego")?;
    Ok(engine)
}

/// The reference semantics in regorus's interpreter.
#[derive(Debug)]
pub struct Rego {
    /// The engine with the policy loaded and prepared; borrowed by one call at a time.
    engine: RefCell<Engine>,
}

impl Rego {
    /// Loads the policy and prepares the engine (one evaluation on an empty input, so that the
    /// first measured call does not pay for the preparation).
    pub fn new() -> anyhow::Result<Self> {
        let mut engine = engine()?;
        engine.set_input(Value::new_object());
        engine
            .eval_rule(ENTRY_POINT.to_owned())
            .context("evaluating data.clearance.decision on an empty input")?;
        Ok(Self {
            engine: RefCell::new(engine),
        })
    }
}

impl Peer for Rego {
    type Input = Value;

    fn name(&self) -> &'static str {
        "rego (regorus interpreter)"
    }

    fn input(&self, intake: &Intake) -> anyhow::Result<Value> {
        intake_value(intake)
    }

    fn decide(&self, input: &Value) -> anyhow::Result<PeerDecision> {
        let mut engine = self
            .engine
            .try_borrow_mut()
            .map_err(|_| anyhow!("the Rego engine is already in use (reentrant call)"))?;
        // Cloning a `Value` only bumps a reference count.
        engine.set_input(input.clone());
        let decision = engine.eval_rule(ENTRY_POINT.to_owned())?;
        read_decision(&decision)
    }
}

/// The reference semantics compiled to a program for regorus's register VM (RVM).
#[derive(Debug)]
pub struct RegoVm {
    /// The VM with the program loaded; borrowed by one call at a time.
    vm: RefCell<RegoVM>,
    /// The compiled program (shared with the VM).
    program: Arc<Program>,
}

impl RegoVm {
    /// Parses the policy, compiles it for the entry point `data.clearance.decision` and loads
    /// the program into a VM.
    pub fn new() -> anyhow::Result<Self> {
        let mut engine = engine()?;
        let entry_point: regorus::Rc<str> = ENTRY_POINT.into();
        let compiled = engine
            .compile_with_entrypoint(&entry_point)
            .context("compiling policies/reference.rego for data.clearance.decision")?;
        let program = Compiler::compile_from_policy(&compiled, &[ENTRY_POINT])
            .map_err(|error| anyhow!("compiling the policy to an RVM program: {error}"))?;
        let mut vm = RegoVM::new_with_policy(compiled);
        vm.load_program(program.clone());
        vm.set_max_instructions(MAX_INSTRUCTIONS);
        vm.set_data(Value::new_object())
            .map_err(|error| anyhow!("setting the RVM's data: {error}"))?;
        Ok(Self {
            vm: RefCell::new(vm),
            program,
        })
    }

    /// The compiled program (for listings and size reports).
    pub fn program(&self) -> &Arc<Program> {
        &self.program
    }
}

impl Peer for RegoVm {
    type Input = Value;

    fn name(&self) -> &'static str {
        "rego (regorus RVM)"
    }

    fn input(&self, intake: &Intake) -> anyhow::Result<Value> {
        intake_value(intake)
    }

    fn decide(&self, input: &Value) -> anyhow::Result<PeerDecision> {
        let mut vm = self
            .vm
            .try_borrow_mut()
            .map_err(|_| anyhow!("the RVM is already in use (reentrant call)"))?;
        vm.set_input(input.clone());
        // The program has one entry point, `data.clearance.decision`, at index 0.
        let decision = vm
            .execute_entry_point_by_index(0)
            .map_err(|error| anyhow!("running {ENTRY_POINT} on the RVM: {error}"))?;
        read_decision(&decision)
    }
}
