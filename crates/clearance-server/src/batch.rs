//! Group commit for proposal versions. Each request hands its version to one writer task and
//! waits; the writer takes everything that queued up while the previous commit was being made
//! (up to `batch_max`) and commits it in one transaction, so one fsync makes many submissions
//! durable. A request is answered only after its commit: an acknowledged submission survives a
//! crash. Under light load a batch holds one version and adds no delay.

use clearance_store::model::Millis;
use clearance_store::proposal::{SaveVersion, Saved};
use clearance_store::{Store, StoreError};
use tokio::sync::{mpsc, oneshot};

type Job = (SaveVersion, oneshot::Sender<Result<Saved, StoreError>>);

/// The submitting side.
#[derive(Clone)]
pub struct Batcher {
    jobs: mpsc::Sender<Job>,
    stop: std::sync::Arc<tokio::sync::Notify>,
}

impl Batcher {
    /// Starts the writer task; it ends when every `Batcher` clone is dropped, after committing
    /// what it holds (so shutdown never leaves a half-written batch).
    pub fn start(
        store: Store,
        batch_max: usize,
        clock: fn() -> Millis,
    ) -> (Batcher, tokio::task::JoinHandle<()>) {
        let (jobs, receiver) = mpsc::channel::<Job>(batch_max.max(1) * 8);
        let stop = std::sync::Arc::new(tokio::sync::Notify::new());
        let task = tokio::spawn(writer(
            store,
            receiver,
            batch_max.max(1),
            clock,
            stop.clone(),
        ));
        (Batcher { jobs, stop }, task)
    }

    /// Stops taking new versions; the writer commits what is queued, then ends.
    pub fn stop(&self) {
        self.stop.notify_one();
    }

    /// Saves one version; returns once it is committed.
    pub async fn save(&self, job: SaveVersion) -> Result<Saved, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send((job, reply))
            .await
            .map_err(|_| StoreError::Invalid("the service is shutting down".to_owned()))?;
        answer
            .await
            .map_err(|_| StoreError::Invalid("the service is shutting down".to_owned()))?
    }
}

async fn writer(
    store: Store,
    mut receiver: mpsc::Receiver<Job>,
    batch_max: usize,
    clock: fn() -> Millis,
    stop: std::sync::Arc<tokio::sync::Notify>,
) {
    let mut jobs: Vec<SaveVersion> = Vec::with_capacity(batch_max);
    let mut replies: Vec<oneshot::Sender<Result<Saved, StoreError>>> =
        Vec::with_capacity(batch_max);
    let mut stopping = false;
    loop {
        let next = if stopping {
            receiver.recv().await
        } else {
            tokio::select! {
                next = receiver.recv() => next,
                () = stop.notified() => {
                    // Refuse new versions, then commit everything already queued.
                    stopping = true;
                    receiver.close();
                    continue;
                }
            }
        };
        let Some((job, reply)) = next else { break };
        jobs.push(job);
        replies.push(reply);
        while jobs.len() < batch_max {
            match receiver.try_recv() {
                Ok((job, reply)) => {
                    jobs.push(job);
                    replies.push(reply);
                }
                Err(_) => break,
            }
        }
        let size = jobs.len();
        metrics::histogram!("clearance_submission_batch_size").record(size as f64);
        match store
            .save_versions(std::mem::take(&mut jobs), clock())
            .await
        {
            Ok(results) => {
                for (reply, result) in replies.drain(..).zip(results) {
                    let _ = reply.send(result);
                }
            }
            Err(error) => {
                tracing::error!(error = %error, size, "a submission batch failed to commit");
                let message = error.to_string();
                for reply in replies.drain(..) {
                    let _ = reply.send(Err(StoreError::Invalid(format!(
                        "the submission was not saved: {message}"
                    ))));
                }
            }
        }
    }
}
