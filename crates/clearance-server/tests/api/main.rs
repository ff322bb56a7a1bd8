//! Black-box HTTP tests: the service on port 0 over a fresh SQLite database, driven with a real
//! HTTP client. One module per area of the API.

#![expect(
    clippy::panic,
    clippy::expect_used,
    reason = "test helpers fail the test with a message"
)]

mod support;

mod audit;
mod basics;
mod deliveries;
mod directory;
mod proposals;
mod registry;
mod web_deliveries;
mod web_lists;
mod web_new;
mod web_productions;
mod web_proposal;
mod web_session;
