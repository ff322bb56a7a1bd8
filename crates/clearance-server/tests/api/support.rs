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
