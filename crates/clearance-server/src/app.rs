//! Building and running the service.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use clearance_audit::SigningKey;
use clearance_rulebook::{Rulebook, embedded};
use clearance_store::Store;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::task::JoinHandle;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;

use crate::batch::Batcher;
use crate::config::{Config, Database};
use crate::routes;
use crate::state::{AppState, Shared, now};

/// Opens the store the configuration names (SQLite in the data directory by default).
pub async fn open_store(config: &Config) -> Result<Store> {
    let store = match config.database() {
        Database::Url(url) => Store::open(url).await,
        Database::DataDir(dir) => Store::open_data_dir(dir).await,
    };
    store.with_context(|| {
        format!(
            "cannot open the database ({})",
            config
                .redacted()
                .database_url
                .unwrap_or_else(|| config.data_dir.display().to_string())
        )
    })
}

/// The running service's parts.
pub struct Service {
    /// The HTTP application.
    pub router: Router,
    /// Shared state.
    pub state: Shared,
    batch_task: JoinHandle<()>,
    background: Vec<JoinHandle<()>>,
}

impl Service {
    /// Stops background work after the HTTP server has drained: the last submission batch is
    /// committed before this returns.
    pub async fn shutdown(self) {
        for task in &self.background {
            task.abort();
        }
        let Service {
            state, batch_task, ..
        } = self;
        state.batcher.stop();
        let _ = tokio::time::timeout(Duration::from_secs(30), batch_task).await;
        state.store.close().await;
    }
}

fn metrics_handle() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok().map(|()| handle)
        })
        .clone()
}

/// Loads the active rulebooks; stores the embedded reference rulebook on first start.
pub async fn load_rulebooks(store: &Store, now: i64) -> Result<HashMap<String, Arc<Rulebook>>> {
    for id in embedded::SOURCES.iter().map(|(id, _)| *id) {
        let active = store.active_rulebooks().await?;
        if active.iter().any(|stored| stored.id == id) {
            continue;
        }
        let source = embedded::SOURCES
            .iter()
            .find(|(known, _)| *known == id)
            .map(|(_, source)| *source)
            .unwrap_or_default();
        let rulebook = clearance_rulebook::load(id, source).map_err(|error| {
            anyhow::anyhow!(
                "embedded rulebook {id}: {} problems",
                error.problems.0.len()
            )
        })?;
        store
            .save_rulebook(
                id,
                &rulebook.version,
                &rulebook.digest,
                source,
                true,
                None,
                now,
            )
            .await?;
    }
    let mut loaded = HashMap::new();
    for stored in store.active_rulebooks().await? {
        let rulebook = clearance_rulebook::load(&stored.id, &stored.source).map_err(|error| {
            anyhow::anyhow!(
                "stored rulebook {} {} no longer loads: {} problems",
                stored.id,
                stored.version,
                error.problems.0.len()
            )
        })?;
        loaded.insert(stored.id.clone(), Arc::new(rulebook));
    }
    Ok(loaded)
}

/// Builds the service from its configuration: opens the store (migrating it), loads the signing
/// key and the rulebooks, starts the submission writer and the background tasks.
pub async fn start(config: Config) -> Result<Service> {
    // Webhook deliveries use rustls with the `ring` provider (no C toolchain needed).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let store = open_store(&config).await?;
    let key_path = config.signing_key_path();
    let signer = SigningKey::load_or_generate(&key_path)
        .with_context(|| format!("audit signing key {}", key_path.display()))?;
    let rulebooks = load_rulebooks(&store, now()).await?;
    let last_checkpoint = store
        .latest_checkpoint()
        .await?
        .map_or(0, |signed| signed.checkpoint.size);
    let (batcher, batch_task) = Batcher::start(store.clone(), config.batch_max, now);
    let state: Shared = Arc::new(AppState {
        store,
        config,
        rulebooks: RwLock::new(rulebooks),
        signer,
        batcher,
        tokens: Mutex::new(HashMap::new()),
        token_lookup: tokio::sync::Mutex::new(()),
        metrics: metrics_handle(),
        deliveries: tokio::sync::Notify::new(),
        checkpoint_lock: tokio::sync::Mutex::new(()),
        last_checkpoint: AtomicU64::new(last_checkpoint),
    });
    let router = router(state.clone());
    let background = vec![
        tokio::spawn(crate::webhooks::dispatch(state.clone())),
        tokio::spawn(crate::reevaluate::expire_approvals(state.clone())),
    ];
    Ok(Service {
        router,
        state,
        batch_task,
        background,
    })
}

/// The OpenAPI document's frame (paths come from the routers).
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "clearance", description = "Declare generative-AI uses in film and TV production, triage them against studio rulebooks, and approve them in writing with a tamper-evident record."),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![SecurityRequirement::new(
            "token",
            Vec::<String>::new(),
        )]);
    }
}

/// The whole HTTP application.
pub fn router(state: Shared) -> Router {
    let (api, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::evaluate::routes())
        .merge(routes::proposals::routes())
        .merge(routes::directory::routes())
        .merge(routes::registry::routes())
        .merge(routes::audit::routes())
        .merge(routes::deliveries::routes())
        .split_for_parts();
    // Scan reports have a limit of their own, so they are mounted outside the general one.
    let (uploads, upload_paths) = routes::deliveries::upload_routes().split_for_parts();
    openapi.merge(upload_paths);
    let document = Arc::new(openapi);
    let limit = state
        .config
        .max_body_bytes
        .max(state.config.max_attachment_bytes);
    let report_limit = state.config.max_scan_report_bytes;
    Router::new()
        .merge(api)
        .merge(routes::meta::routes(document))
        .merge(crate::web::routes())
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .merge(
            uploads
                .layer(RequestBodyLimitLayer::new(report_limit))
                .layer(axum::extract::DefaultBodyLimit::max(report_limit)),
        )
        .layer(axum::middleware::from_fn(track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Records `clearance_http_requests_total` and `clearance_http_request_duration_seconds` by
/// method, route template and status.
async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("clearance_http_requests_total", &labels).increment(1);
    metrics::histogram!("clearance_http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Runs the service until SIGTERM: binds, serves, drains in-flight requests, commits the last
/// batch, closes the database.
pub async fn serve(service: Service, listener: tokio::net::TcpListener) -> Result<()> {
    let router = service.router.clone();
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the HTTP server failed")?;
    service.shutdown().await;
    Ok(())
}
