//! Comments on proposals and files attached to them.

use serde_json::json;

use crate::audit_log::append;
use crate::model::{Attachment, Comment, Millis, NewNotification};
use crate::outbox::insert_notifications;
use crate::proposal::load_proposal;
use crate::rows::{AttachmentContentRow, AttachmentRow, CommentRow, cols, to_json};
use crate::{Result, Store, StoreError};

impl Store {
    /// Adds a comment to a proposal, with the notifications it causes. Audit: `comment.added`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if the proposal or the author does not exist.
    pub async fn add_comment(
        &self,
        proposal_id: i64,
        author: i64,
        body: &str,
        notifications: Vec<NewNotification>,
        now: Millis,
    ) -> Result<Comment> {
        let mut tx = self.pools.write().await?;
        let proposal = load_proposal(&mut tx.conn(), proposal_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("proposal {proposal_id}")))?;
        let row: CommentRow = tx
            .conn()
            .sql(concat!(
                "INSERT INTO comments (proposal_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING ",
                cols!(comment)
            ))
            .bind(proposal_id)
            .bind(author)
            .bind(body)
            .bind(now)
            .fetch_one()
            .await?;
        let comment = Comment::from(row);
        let audit_body = to_json(&json!({ "comment": comment }))?;
        append(
            &mut tx,
            Some(author),
            "comment.added",
            &format!("proposal/{proposal_id}"),
            audit_body,
            now,
        )
        .await?;
        insert_notifications(
            &mut tx,
            notifications,
            Some((proposal.id, proposal.production_id)),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(comment)
    }

    /// A proposal's comments, oldest first.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn comments(&self, proposal_id: i64) -> Result<Vec<Comment>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<CommentRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(comment),
                " FROM comments WHERE proposal_id = $1 ORDER BY id"
            ))
            .bind(proposal_id)
            .fetch_all()
            .await?;
        Ok(rows.into_iter().map(Comment::from).collect())
    }

    /// Stores a file with a proposal (the bytes go into the database). Audit:
    /// `attachment.added`, with the description (not the bytes).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if the proposal or the uploader does not exist.
    #[expect(
        clippy::too_many_arguments,
        reason = "the operation's inputs, as the service passes them"
    )]
    pub async fn add_attachment(
        &self,
        proposal_id: i64,
        name: &str,
        media_type: &str,
        bytes: &[u8],
        sha256_hex: &str,
        uploaded_by: i64,
        now: Millis,
    ) -> Result<Attachment> {
        let size = i64::try_from(bytes.len())
            .map_err(|_| StoreError::Invalid("the attachment is too large".into()))?;
        let mut tx = self.pools.write().await?;
        tx.exists(
            "SELECT COUNT(*) AS n FROM proposals WHERE id = $1",
            proposal_id,
            || format!("proposal {proposal_id}"),
        )
        .await?;
        let row: AttachmentRow = tx
            .conn()
            .sql(concat!(
                "INSERT INTO attachments (proposal_id, name, media_type, size, sha256, uploaded_by, created_at, \
                 content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ",
                cols!(attachment)
            ))
            .bind(proposal_id)
            .bind(name)
            .bind(media_type)
            .bind(size)
            .bind(sha256_hex)
            .bind(uploaded_by)
            .bind(now)
            .bind(bytes)
            .fetch_one()
            .await?;
        let attachment = Attachment::from(row);
        let body = to_json(&json!({ "attachment": attachment }))?;
        append(
            &mut tx,
            Some(uploaded_by),
            "attachment.added",
            &format!("proposal/{proposal_id}"),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(attachment)
    }

    /// A proposal's attachments (descriptions only), oldest first.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn attachments(&self, proposal_id: i64) -> Result<Vec<Attachment>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<AttachmentRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(attachment),
                " FROM attachments WHERE proposal_id = $1 ORDER BY id"
            ))
            .bind(proposal_id)
            .fetch_all()
            .await?;
        Ok(rows.into_iter().map(Attachment::from).collect())
    }

    /// An attachment with its bytes.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn attachment(&self, id: i64) -> Result<Option<(Attachment, Vec<u8>)>> {
        let mut conn = self.pools.read().await?;
        let row: Option<AttachmentContentRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(attachment),
                ", content FROM attachments WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional()
            .await?;
        Ok(row.map(|r| (Attachment::from(r.attachment), r.content)))
    }
}
