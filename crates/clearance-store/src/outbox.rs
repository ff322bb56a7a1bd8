//! The notification outbox: notifications (written in the same transaction as the change that
//! causes them), their recipients, and attempt-tracked deliveries to webhooks.

use serde_json::json;

use crate::audit_log::{append, check_window};
use crate::db::WriteTx;
use crate::model::{DueDelivery, Millis, NewNotification, Notification, Webhook};
use crate::rows::{DueDeliveryRow, NotificationRow, WebhookRow, cols, to_json};
use crate::{Result, Store, StoreError};

/// Writes notifications in `tx`: each with its recipients and one delivery (due `now`) per
/// active webhook of its production or of every production. `context` (proposal id, production
/// id) fills in the ids a notification leaves out.
pub(crate) async fn insert_notifications(
    tx: &mut WriteTx,
    notifications: Vec<NewNotification>,
    context: Option<(i64, i64)>,
    now: Millis,
) -> Result<Vec<Notification>> {
    let mut written = Vec::with_capacity(notifications.len());
    for mut new in notifications {
        if let Some((proposal_id, production_id)) = context {
            new.proposal_id = new.proposal_id.or(Some(proposal_id));
            new.production_id = new.production_id.or(Some(production_id));
        }
        let mut recipients = Vec::with_capacity(new.recipients.len());
        for person in new.recipients {
            if !recipients.contains(&person) {
                recipients.push(person);
            }
        }
        let row: NotificationRow = tx
            .conn()
            .sql(concat!(
                "INSERT INTO notifications (event, production_id, proposal_id, recipients, payload, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING ",
                cols!(notification)
            ))
            .bind(new.event.as_str())
            .bind(new.production_id)
            .bind(new.proposal_id)
            .bind(to_json(&recipients)?)
            .bind(new.payload.as_str())
            .bind(now)
            .fetch_one()
            .await?;
        let notification = Notification::try_from(row)?;
        tx.insert_pairs(
            "notification_recipients (notification_id, person_id)",
            notification.id,
            &recipients,
        )
        .await?;
        if tx.has_active_webhooks().await? {
            tx.conn()
                .sql(
                    "INSERT INTO deliveries (notification_id, webhook_id, attempts, next_attempt_at) \
                     SELECT $1, id, 0, $2 FROM webhooks \
                     WHERE active = TRUE AND (production_id IS NULL OR production_id = $3) ORDER BY id",
                )
                .bind(notification.id)
                .bind(now)
                .bind(notification.production_id)
                .execute()
                .await?;
        }
        written.push(notification);
    }
    Ok(written)
}

impl Store {
    /// Subscribes a webhook to the events of one production, or of all (`None`). The secret
    /// signs the deliveries; it is not in the audit entry (`webhook.created`).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if the production does not exist.
    pub async fn create_webhook(
        &self,
        url: &str,
        secret: &str,
        production_id: Option<i64>,
        actor: Option<i64>,
        now: Millis,
    ) -> Result<Webhook> {
        let mut tx = self.pools.write().await?;
        let row: WebhookRow = tx
            .conn()
            .sql(concat!(
                "INSERT INTO webhooks (url, secret, production_id, active, created_at) \
                 VALUES ($1, $2, $3, TRUE, $4) RETURNING ",
                cols!(webhook)
            ))
            .bind(url)
            .bind(secret)
            .bind(production_id)
            .bind(now)
            .fetch_one()
            .await?;
        let webhook = Webhook::from(row);
        let body = to_json(&json!({ "webhook": webhook }))?;
        append(
            &mut tx,
            actor,
            "webhook.created",
            &format!("webhook/{}", webhook.id),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(webhook)
    }

    /// Every webhook (active or not), by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn webhooks(&self) -> Result<Vec<Webhook>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<WebhookRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(webhook),
                " FROM webhooks ORDER BY id"
            ))
            .fetch_all()
            .await?;
        Ok(rows.into_iter().map(Webhook::from).collect())
    }

    /// Stops a webhook: no new deliveries, and its pending ones are no longer due. Audit:
    /// `webhook.deactivated`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if there is no such webhook; [`StoreError::Conflict`] if it is
    /// already inactive.
    pub async fn deactivate_webhook(
        &self,
        id: i64,
        actor: Option<i64>,
        now: Millis,
    ) -> Result<Webhook> {
        let mut tx = self.pools.write().await?;
        let row: Option<WebhookRow> = tx
            .conn()
            .sql(concat!(
                "UPDATE webhooks SET active = FALSE WHERE id = $1 AND active = TRUE RETURNING ",
                cols!(webhook)
            ))
            .bind(id)
            .fetch_optional()
            .await?;
        let Some(row) = row else {
            tx.exists(
                "SELECT COUNT(*) AS n FROM webhooks WHERE id = $1",
                id,
                || format!("webhook {id}"),
            )
            .await?;
            return Err(StoreError::Conflict(format!(
                "webhook {id} is already inactive"
            )));
        };
        let webhook = Webhook::from(row);
        let body = to_json(&json!({ "webhook": webhook }))?;
        append(
            &mut tx,
            actor,
            "webhook.deactivated",
            &format!("webhook/{id}"),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(webhook)
    }

    /// The latest `limit` notifications a person is a recipient of, newest first.
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] for a negative limit.
    pub async fn notifications_for(&self, person_id: i64, limit: i64) -> Result<Vec<Notification>> {
        check_window(limit, 0)?;
        let mut conn = self.pools.read().await?;
        let rows: Vec<NotificationRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(notification),
                " FROM notifications WHERE id IN \
                 (SELECT notification_id FROM notification_recipients WHERE person_id = $1) \
                 ORDER BY id DESC LIMIT $2"
            ))
            .bind(person_id)
            .bind(limit)
            .fetch_all()
            .await?;
        rows.into_iter().map(Notification::try_from).collect()
    }

    /// Writes a notification on its own (with its deliveries). Audit: `notification.created`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if its production, proposal or a recipient does not exist.
    pub async fn notify(
        &self,
        notification: NewNotification,
        actor: Option<i64>,
        now: Millis,
    ) -> Result<Notification> {
        let mut tx = self.pools.write().await?;
        let written = insert_notifications(&mut tx, vec![notification], None, now).await?;
        let Some(notification) = written.into_iter().next() else {
            return Err(StoreError::Corrupt(
                "a written notification was not returned".into(),
            ));
        };
        let body = to_json(&json!({ "notification": notification }))?;
        append(
            &mut tx,
            actor,
            "notification.created",
            &format!("notification/{}", notification.id),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(notification)
    }

    /// Up to `limit` undelivered deliveries to active webhooks whose next attempt is due
    /// (`next_attempt_at <= now`), earliest first.
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] for a negative limit.
    pub async fn due_deliveries(&self, now: Millis, limit: i64) -> Result<Vec<DueDelivery>> {
        check_window(limit, 0)?;
        let mut conn = self.pools.read().await?;
        let rows: Vec<DueDeliveryRow> = conn
            .conn()
            .sql(
                "SELECT d.id AS d_id, d.attempts AS d_attempts, d.next_attempt_at AS d_next_attempt_at, \
                 d.delivered_at AS d_delivered_at, d.last_error AS d_last_error, \
                 w.id AS w_id, w.url AS w_url, w.secret AS w_secret, \
                 n.id, n.event, n.production_id, n.proposal_id, n.recipients, n.payload, n.created_at \
                 FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id \
                 JOIN notifications n ON n.id = d.notification_id \
                 WHERE d.delivered_at IS NULL AND d.next_attempt_at <= $1 AND w.active = TRUE \
                 ORDER BY d.next_attempt_at, d.id LIMIT $2",
            )
            .bind(now)
            .bind(limit)
            .fetch_all()
            .await?;
        rows.into_iter()
            .map(|row| {
                let delivery = row.delivery();
                Ok(DueDelivery {
                    delivery,
                    notification: Notification::try_from(row.notification)?,
                    url: row.w_url,
                    secret: row.w_secret,
                })
            })
            .collect()
    }

    /// Records a successful delivery (bookkeeping: no audit entry).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if there is no such delivery.
    pub async fn mark_delivered(&self, delivery_id: i64, now: Millis) -> Result<()> {
        self.delivery_bookkeeping(
            "UPDATE deliveries SET attempts = attempts + 1, delivered_at = $1, next_attempt_at = NULL, \
             last_error = NULL WHERE id = $2",
            delivery_id,
            |stmt| stmt.bind(now),
        )
        .await
    }

    /// Records a failed attempt: increments `attempts`, keeps the error and when to try next
    /// (bookkeeping: no audit entry).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if there is no such delivery.
    pub async fn mark_failed(
        &self,
        delivery_id: i64,
        error: &str,
        next_attempt_at: Millis,
    ) -> Result<()> {
        self.delivery_bookkeeping(
            "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
            delivery_id,
            |stmt| stmt.bind(error).bind(next_attempt_at),
        )
        .await
    }

    /// Runs an update of one delivery whose last placeholder is its id.
    async fn delivery_bookkeeping(
        &self,
        sql: &'static str,
        delivery_id: i64,
        bind: impl FnOnce(crate::db::Stmt<'_>) -> crate::db::Stmt<'_>,
    ) -> Result<()> {
        let mut tx = self.pools.bookkeeping().await?;
        let updated = bind(tx.conn().sql(sql)).bind(delivery_id).execute().await?;
        if updated == 0 {
            return Err(StoreError::NotFound(format!("delivery {delivery_id}")));
        }
        tx.commit().await
    }
}
