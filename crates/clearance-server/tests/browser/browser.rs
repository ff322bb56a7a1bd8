//! Chromium through chromedriver: one chromedriver per test, one Chromium (with a fresh profile)
//! per person, so a producer and a reviewer are signed in side by side.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// How long to wait for an element or a page.
pub const WAIT: Duration = Duration::from_secs(15);

/// A chromedriver process (killed when dropped).
pub struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    /// Starts chromedriver on a free local port and waits until it answers.
    pub async fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts (install the chromium-driver package)");
        let url = format!("http://127.0.0.1:{port}");
        let driver = Driver { child, url };
        let started = Instant::now();
        let client = reqwest::Client::new();
        while started.elapsed() < WAIT {
            if client
                .get(format!("{}/status", driver.url))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("chromedriver did not answer on {}", driver.url);
    }

    /// A new headless Chromium with a fresh profile.
    pub async fn browser(&self) -> Browser {
        let profile = tempfile::tempdir().expect("profile directory");
        let args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--window-size=1280,1000".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({ "binary": chromium(), "args": args }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("a Chromium session (install the chromium package)");
        Browser {
            client,
            _profile: profile,
        }
    }
}

fn chromedriver() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".to_owned())
}

fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

/// One person's browser.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Opens `url` and waits for the page.
    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    /// Waits for an element.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    /// Whether an element is on the page now.
    pub async fn has(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// Types into a field (after clearing it).
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    /// Clicks an element.
    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Picks an option of a select by value.
    pub async fn select(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    /// The visible text of the page's body.
    pub async fn text(&self) -> String {
        self.find("body").await.text().await.expect("text")
    }

    /// The current path (and query).
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("url");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Waits until `css` matches an element (for pages updated by script).
    pub async fn wait_for(&self, css: &str) {
        self.find(css).await;
    }

    /// Signs in at `base` with an API token, through the sign-in form.
    pub async fn sign_in(&self, base: &str, token: &str) {
        self.goto(&format!("{base}/signin")).await;
        self.fill("input[name=token]", token).await;
        self.click("form[action='/signin'] button[type=submit]")
            .await;
        let started = Instant::now();
        while self.path().await.starts_with("/signin") {
            assert!(
                started.elapsed() < WAIT,
                "still on the sign-in page: {}",
                self.text().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Saves a screenshot as `NAME.png` in `CLEARANCE_SCREENSHOTS` (if set).
    pub async fn screenshot(&self, name: &str) {
        let Ok(dir) = std::env::var("CLEARANCE_SCREENSHOTS") else {
            return;
        };
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// Ends the WebDriver session (Chromium exits).
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
