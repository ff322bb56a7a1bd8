//! Webhook delivery from the notification outbox.
//!
//! Notifications are written in the same transaction as the change that causes them, with one
//! delivery row per matching active webhook. [`dispatch`] takes the deliveries that are due and
//! POSTs each notification's payload to its webhook:
//!
//! ```text
//! POST <url>
//! Content-Type: application/json
//! X-Clearance-Event: proposal.submitted
//! X-Clearance-Delivery: 42
//! X-Clearance-Timestamp: 1767225600
//! X-Clearance-Signature: sha256=<hex HMAC-SHA256(secret, "1767225600.<body>")>
//!
//! <payload JSON>
//! ```
//!
//! Delivery is at least once: a delivery is marked delivered only after a 2xx answer, so a
//! receiver may see the same `X-Clearance-Delivery` twice (after a crash between the answer and
//! the bookkeeping, or when two instances pick the same due delivery) and should deduplicate on
//! it. A failure (any other status, a network error, no answer within 10 s) is retried after
//! `webhook_retry_ms`, doubling at each attempt up to an hour; after `webhook_max_attempts`
//! attempts the delivery is given up. Receivers should reject timestamps far from their clock.
//! Secrets and URLs are never logged (a URL may carry a credential); log lines name the webhook
//! and delivery ids.

use std::sync::Arc;
use std::time::Duration;

use clearance_store::model::Millis;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::state::Shared;

type HmacSha256 = Hmac<Sha256>;

/// Deliveries taken per round.
const BATCH: i64 = 100;
/// Deliveries in flight at once.
const CONCURRENCY: usize = 16;
/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait between two attempts of one delivery.
const MAX_BACKOFF_MS: i64 = 60 * 60 * 1000;
/// How often the outbox is looked at without being woken.
const TICK: Duration = Duration::from_secs(1);
/// `next_attempt_at` of a delivery that was given up: about 1000 years on, never due.
const NEVER: Millis = 1000 * 365 * 24 * 60 * 60 * 1000;

/// The signature header's value for a delivery: `sha256=` and the lowercase hex HMAC-SHA256,
/// keyed with the webhook's secret, of `"{timestamp}.{body}"` (timestamp in Unix seconds, as in
/// `X-Clearance-Timestamp`; body the exact bytes POSTed).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "sha256={}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

/// Whether `header` (an `X-Clearance-Signature` value) is the signature of `body` sent at
/// `timestamp` with `secret`. The comparison takes constant time. Check the timestamp's freshness
/// separately.
pub fn verify_signature(secret: &str, timestamp: i64, body: &[u8], header: &str) -> bool {
    let Some(digest) = header
        .trim()
        .strip_prefix("sha256=")
        .and_then(|hex_digest| hex::decode(hex_digest).ok())
    else {
        return false;
    };
    mac(secret, timestamp, body).verify_slice(&digest).is_ok()
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length: `new_from_slice` cannot fail; the fallback is unreachable.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| HmacSha256::new(&Default::default()));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The wait before the next attempt, after `made` failed attempts (1, 2, …): `retry_ms`,
/// doubled at each further attempt, at most an hour.
pub fn backoff(retry_ms: i64, made: i64) -> i64 {
    let exponent = u32::try_from((made - 1).clamp(0, 40)).unwrap_or(40);
    retry_ms
        .max(1)
        .saturating_mul(2_i64.saturating_pow(exponent))
        .min(MAX_BACKOFF_MS)
}

/// Delivers due webhook notifications until the task is aborted. Wakes when notified through
/// `state.deliveries`, when a retry falls due, and at least every second.
pub async fn dispatch(state: Shared) {
    let client = match reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(error = %error, "cannot build the webhook HTTP client: webhooks will not be delivered");
            return;
        }
    };
    let mut wait = TICK;
    loop {
        tokio::select! {
            () = state.deliveries.notified() => {}
            () = tokio::time::sleep(wait) => {}
        }
        wait = TICK;
        // A full batch means more may be due: go on at once (a bounded number of rounds, so a
        // store that cannot record outcomes does not spin).
        for _ in 0..10 {
            let now = state.now();
            let due = match state.store.due_deliveries(now, BATCH).await {
                Ok(due) => due,
                Err(error) => {
                    tracing::warn!(error = %error, "cannot read due webhook deliveries");
                    break;
                }
            };
            let full = i64::try_from(due.len()).unwrap_or(i64::MAX) >= BATCH;
            if let Some(retry_at) = deliver_all(&state, &client, due).await {
                let until =
                    Duration::from_millis(u64::try_from(retry_at - state.now()).unwrap_or(0));
                wait = wait.min(until.max(Duration::from_millis(1)));
            }
            if !full {
                break;
            }
        }
    }
}

/// Delivers a batch concurrently; returns the earliest retry time it set.
async fn deliver_all(
    state: &Shared,
    client: &reqwest::Client,
    due: Vec<clearance_store::model::DueDelivery>,
) -> Option<Millis> {
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tasks = JoinSet::new();
    for item in due {
        let state = state.clone();
        let client = client.clone();
        let permits = permits.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.ok();
            deliver(&state, &client, item).await
        });
    }
    let mut soonest: Option<Millis> = None;
    while let Some(outcome) = tasks.join_next().await {
        match outcome {
            Ok(Some(retry_at)) => {
                soonest = Some(soonest.map_or(retry_at, |current| current.min(retry_at)))
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(error = %error, "a webhook delivery task failed"),
        }
    }
    soonest
}

/// One attempt. Returns when the next attempt is due, if one was scheduled.
async fn deliver(
    state: &Shared,
    client: &reqwest::Client,
    item: clearance_store::model::DueDelivery,
) -> Option<Millis> {
    let delivery = &item.delivery;
    let notification = &item.notification;
    let timestamp = state.now().div_euclid(1000);
    let body = notification.payload.clone().into_bytes();
    let request = client
        .post(&item.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Clearance-Event", notification.event.as_str())
        .header("X-Clearance-Delivery", delivery.id.to_string())
        .header("X-Clearance-Timestamp", timestamp.to_string())
        .header(
            "X-Clearance-Signature",
            signature(&item.secret, timestamp, &body),
        )
        .body(body);
    let failure = match request.send().await {
        Ok(response) if response.status().is_success() => None,
        Ok(response) => Some(format!("HTTP {}", response.status())),
        Err(error) => Some(describe(&error)),
    };
    let now = state.now();
    let Some(failure) = failure else {
        if let Err(error) = state.store.mark_delivered(delivery.id, now).await {
            // The receiver has it; it will get it again (at least once).
            tracing::warn!(delivery = delivery.id, webhook = delivery.webhook_id, error = %error, "delivered, but cannot record it");
        } else {
            tracing::debug!(delivery = delivery.id, webhook = delivery.webhook_id, event = %notification.event, "webhook delivered");
        }
        return None;
    };
    let made = delivery.attempts + 1;
    let (next, retry_at) = if made >= state.config.webhook_max_attempts {
        tracing::warn!(delivery = delivery.id, webhook = delivery.webhook_id, event = %notification.event, attempts = made, error = %failure,
            "webhook delivery given up");
        (NEVER, None)
    } else {
        let at = now.saturating_add(backoff(state.config.webhook_retry_ms, made));
        tracing::info!(delivery = delivery.id, webhook = delivery.webhook_id, attempts = made, error = %failure, "webhook delivery failed; will retry");
        (at, Some(at))
    };
    if let Err(error) = state.store.mark_failed(delivery.id, &failure, next).await {
        tracing::warn!(delivery = delivery.id, webhook = delivery.webhook_id, error = %error, "cannot record a failed webhook delivery");
        return None;
    }
    retry_at
}

/// A network error in words, without the URL (it may carry a credential).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "no answer in time"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_request() {
        "the request failed"
    } else {
        "transport error"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
