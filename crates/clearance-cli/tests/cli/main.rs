//! Black-box tests of the `clearance` binary: its output (text, JSON, Markdown), exit codes,
//! error messages, colour handling and the `rules` subcommands, against `spec/evaluation.md` and
//! `spec/intake.md`.
//!
//! Golden files live in `tests/golden/`; regenerate them with `BLESS=1 cargo test -p clearance-cli`
//! and review every changed file. Tests marked `#[ignore = "bug: …"]` assert the behaviour the
//! contract asks for and fail today; run them with `cargo test -p clearance-cli -- --ignored`.

mod audit;
mod check;
mod errors;
mod rules;
mod scan;
mod serve;
mod util;
