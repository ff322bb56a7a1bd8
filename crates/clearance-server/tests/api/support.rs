//! Starting the service for a test, and making people, productions and requests.

use std::sync::Arc;

use clearance_server::app;
use clearance_server::auth::{new_secret, secret_hash};
use clearance_server::config::Config;
use clearance_server::state::Shared;
use clearance_store::model::{Capacity, NewPerson, NewProduction, Role};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::Value;

/// A running service.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// HTTP client.
    pub client: reqwest::Client,
    /// The service's state (to reach the store directly).
    pub state: Shared,
    /// An admin.
    pub admin: User,
    /// The data directory (kept alive for the test).
    _dir: Arc<tempfile::TempDir>,
    server: tokio::task::JoinHandle<()>,
}

/// A person and their token.
#[derive(Debug, Clone)]
pub struct User {
    /// Person id.
    pub id: i64,
    /// Bearer token.
    pub token: String,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestApp {
    /// The service with default settings.
    pub async fn start() -> TestApp {
        TestApp::start_with(|_| {}).await
    }

    /// The service with settings changed by `tune`.
    pub async fn start_with(tune: impl FnOnce(&mut Config)) -> TestApp {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        let mut config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        if let Ok(url) = std::env::var("CLEARANCE_TEST_DATABASE_URL") {
            config.database_url = Some(url);
        }
        tune(&mut config);
        let service = app::start(config).await.expect("the service starts");
        let state = service.state.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let router = service.router.clone();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        let client = reqwest::Client::new();
        let mut app = TestApp {
            base,
            client,
            state,
            admin: User {
                id: 0,
                token: String::new(),
            },
            _dir: dir,
            server,
        };
        app.admin = app.person(Role::Admin, "Ada Admin").await;
        app
    }

    /// A new person with a token (made directly in the store).
    pub async fn person(&self, role: Role, name: &str) -> User {
        let now = self.state.now();
        let email = format!(
            "{}-{}@example.test",
            name.to_lowercase().replace(' ', "."),
            rand_suffix()
        );
        let person = self
            .state
            .store
            .create_person(
                &NewPerson {
                    name: name.to_owned(),
                    email,
                    role,
                    organisation: None,
                },
                None,
                now,
            )
            .await
            .expect("create person");
        let secret = new_secret();
        self.state
            .store
            .create_token(person.id, "test", secret_hash(&secret), None, now)
            .await
            .expect("create token");
        User {
            id: person.id,
            token: secret,
        }
    }

    /// A production using the reference rulebook, with these members (made directly in the store).
    pub async fn production(&self, title: &str, members: &[(&User, Capacity)]) -> i64 {
        let now = self.state.now();
        let production = self
            .state
            .store
            .create_production(
                &NewProduction {
                    title: title.to_owned(),
                    studio: "Example Studio".to_owned(),
                    rulebooks: vec!["netflix-genai-2025".to_owned()],
                },
                None,
                now,
            )
            .await
            .expect("create production");
        for (user, capacity) in members {
            self.state
                .store
                .add_member(production.id, user.id, *capacity, None, now)
                .await
                .expect("add member");
        }
        production.id
    }

    /// A request with `token` (empty: no Authorization header).
    pub fn request(&self, method: Method, token: &str, path: &str) -> RequestBuilder {
        let builder = self.client.request(method, format!("{}{path}", self.base));
        if token.is_empty() {
            builder
        } else {
            builder.bearer_auth(token)
        }
    }

    /// GET as `user`.
    pub async fn get(&self, user: &User, path: &str) -> (StatusCode, Value) {
        send(self.request(Method::GET, &user.token, path)).await
    }

    /// POST JSON as `user`.
    pub async fn post(&self, user: &User, path: &str, body: &Value) -> (StatusCode, Value) {
        send(self.request(Method::POST, &user.token, path).json(body)).await
    }

    /// PUT JSON as `user`.
    pub async fn put(&self, user: &User, path: &str, body: &Value) -> (StatusCode, Value) {
        send(self.request(Method::PUT, &user.token, path).json(body)).await
    }

    /// DELETE as `user`.
    pub async fn delete(&self, user: &User, path: &str) -> (StatusCode, Value) {
        send(self.request(Method::DELETE, &user.token, path)).await
    }
}

/// Sends and reads the body as JSON (`Value::Null` when empty, a string when not JSON).
pub async fn send(builder: RequestBuilder) -> (StatusCode, Value) {
    let response: Response = builder.send().await.expect("the request is answered");
    let status = response.status();
    let text = response.text().await.expect("body");
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, value)
}

fn rand_suffix() -> String {
    new_secret()[4..12].to_lowercase()
}

/// An example intake from the repository's `examples/` folder.
pub fn example(name: &str) -> String {
    let path = format!("{}/../../examples/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// Asserts the body is an error with this status and code.
pub fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert_eq!(body["error"]["status"], expected.as_u16(), "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|message| !message.is_empty()),
        "{body}"
    );
}

/// A signed-in browser, without a browser: the session cookie and its CSRF token, and a client
/// that does not follow redirects (so a test sees each `303`).
pub struct WebSession {
    base: String,
    client: reqwest::Client,
    /// `clearance_session=…`.
    pub cookie: String,
    /// The session's CSRF token.
    pub csrf: String,
}

/// A page or form answer: status, `Location` (for redirects), body text.
#[derive(Debug)]
pub struct Page {
    /// Status.
    pub status: StatusCode,
    /// Where a redirect goes.
    pub location: Option<String>,
    /// The HTML (or CSV, JSON…).
    pub body: String,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
}

impl TestApp {
    /// Signs `user` in through the sign-in form (token exchange), as a browser would.
    pub async fn sign_in(&self, user: &User) -> WebSession {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let form = client
            .get(format!("{}/signin", self.base))
            .send()
            .await
            .expect("sign-in page");
        let signin_cookie = cookie_named(&form, "clearance_signin").expect("sign-in cookie");
        let html = form.text().await.expect("body");
        let csrf = hidden_value(&html, "csrf").expect("the sign-in form carries a csrf field");
        let answer = client
            .post(format!("{}/signin", self.base))
            .header("cookie", format!("clearance_signin={signin_cookie}"))
            .form(&[
                ("token", user.token.as_str()),
                ("csrf", csrf.as_str()),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(
            answer.status(),
            StatusCode::SEE_OTHER,
            "signing in redirects"
        );
        let session = cookie_named(&answer, "clearance_session").expect("a session cookie");
        let mut web = WebSession {
            base: self.base.clone(),
            client,
            cookie: format!("clearance_session={session}"),
            csrf: String::new(),
        };
        // Any page with a form shows the session's token (the sign-out form is on every page).
        let page = web.get("/account").await;
        web.csrf = hidden_value(&page.body, "csrf").expect("pages carry the session's csrf token");
        web
    }
}

impl WebSession {
    /// GET a page.
    pub async fn get(&self, path: &str) -> Page {
        page(
            self.client
                .get(format!("{}{path}", self.base))
                .header("cookie", &self.cookie),
        )
        .await
    }

    /// POST a form with the session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut fields: Vec<(&str, &str)> = fields.to_vec();
        fields.push(("csrf", self.csrf.as_str()));
        self.post_raw(path, &fields).await
    }

    /// POST a form exactly as given (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        page(
            self.client
                .post(format!("{}{path}", self.base))
                .header("cookie", &self.cookie)
                .form(fields),
        )
        .await
    }
}

async fn page(builder: RequestBuilder) -> Page {
    let response = builder.send().await.expect("the page is answered");
    let status = response.status();
    let headers = response.headers().clone();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.text().await.expect("body");
    Page {
        status,
        location,
        body,
        headers,
    }
}

fn cookie_named(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let (pair, _) = v.split_once(';').unwrap_or((v, ""));
            let (key, value) = pair.split_once('=')?;
            (key.trim() == name && !value.is_empty()).then(|| value.to_owned())
        })
}

/// The value of the first `<input … name="NAME" value="…">` in `html`.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}
