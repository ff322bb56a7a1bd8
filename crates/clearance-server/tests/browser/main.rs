//! Browser tests: the web pages driven in Debian's headless Chromium through chromedriver
//! (`fantoccini`). They need the `chromium` and `chromium-driver` packages, so they are
//! `#[ignore]`d; `.ci/run` installs both and runs them. With `CLEARANCE_SCREENSHOTS=DIR` they save
//! screenshots of the main pages into DIR (the README shows the ones in `docs/screenshots/`).

#![expect(
    clippy::panic,
    clippy::expect_used,
    reason = "test helpers fail the test with a message"
)]

#[path = "../api/support.rs"]
#[expect(
    dead_code,
    reason = "the API tests' helpers, of which these tests use a few"
)]
mod support;

mod browser;
mod flow;
mod tour;
