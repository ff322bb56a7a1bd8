//! The clearance service: a JSON API over the store, the proposal workflow, signed audit
//! checkpoints, webhook notifications and re-evaluation when records or rulebooks change.
//!
//! `app::start` builds everything from a [`config::Config`]; the `clearance serve` command (in
//! `clearance-cli`) only parses flags and calls it.

pub mod app;
pub mod audit;
pub mod auth;
pub mod batch;
pub mod config;
pub mod demo;
pub mod error;
pub mod reevaluate;
pub mod routes;
pub mod state;
pub mod triage;
pub mod web;
pub mod webhooks;
pub mod workflow;
