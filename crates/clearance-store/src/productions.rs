//! Productions and their members.

use serde_json::json;

use crate::audit_log::append;
use crate::model::{Capacity, Member, Millis, NewProduction, Production};
use crate::rows::{MemberRow, ProductionRow, cols, parse, to_json};
use crate::{Result, Store, StoreError};

/// Members with their person, as `members` and `add_member` read them.
macro_rules! member_select {
    () => {
        "SELECT m.production_id, m.capacity, p.id, p.name, p.email, p.role, p.organisation, p.created_at \
         FROM members m JOIN people p ON p.id = m.person_id "
    };
}

#[derive(sqlx::FromRow)]
struct CapacityRow {
    capacity: String,
}

impl Store {
    /// Adds a production. Audit: `production.created`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn create_production(
        &self,
        new: &NewProduction,
        actor: Option<i64>,
        now: Millis,
    ) -> Result<Production> {
        let mut tx = self.pools.write().await?;
        let row: ProductionRow = tx
            .conn()
            .sql(concat!(
                "INSERT INTO productions (title, studio, rulebooks, created_at) VALUES ($1, $2, $3, $4) RETURNING ",
                cols!(production)
            ))
            .bind(new.title.as_str())
            .bind(new.studio.as_str())
            .bind(to_json(&new.rulebooks)?)
            .bind(now)
            .fetch_one()
            .await?;
        let production = Production::try_from(row)?;
        let body = to_json(&json!({ "production": production }))?;
        append(
            &mut tx,
            actor,
            "production.created",
            &format!("production/{}", production.id),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(production)
    }

    /// A production by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn production(&self, id: i64) -> Result<Option<Production>> {
        let mut conn = self.pools.read().await?;
        let row: Option<ProductionRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(production),
                " FROM productions WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional()
            .await?;
        row.map(Production::try_from).transpose()
    }

    /// Productions by id: all of them (`None`), or those the person is a member of.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn productions(&self, visible_to: Option<i64>) -> Result<Vec<Production>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<ProductionRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(production),
                " FROM productions WHERE $1 IS NULL OR id IN (SELECT production_id FROM members WHERE person_id = $1) \
                 ORDER BY id"
            ))
            .bind(visible_to)
            .fetch_all()
            .await?;
        rows.into_iter().map(Production::try_from).collect()
    }

    /// Makes a person a member of a production, or changes their capacity. Audit:
    /// `production.member_added`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if the production or the person does not exist.
    pub async fn add_member(
        &self,
        production_id: i64,
        person_id: i64,
        capacity: Capacity,
        actor: Option<i64>,
        now: Millis,
    ) -> Result<Member> {
        let mut tx = self.pools.write().await?;
        tx.exists(
            "SELECT COUNT(*) AS n FROM productions WHERE id = $1",
            production_id,
            || format!("production {production_id}"),
        )
        .await?;
        tx.exists(
            "SELECT COUNT(*) AS n FROM people WHERE id = $1",
            person_id,
            || format!("person {person_id}"),
        )
        .await?;
        tx.conn()
            .sql(
                "INSERT INTO members (production_id, person_id, capacity) VALUES ($1, $2, $3) \
                 ON CONFLICT (production_id, person_id) DO UPDATE SET capacity = excluded.capacity",
            )
            .bind(production_id)
            .bind(person_id)
            .bind(capacity.as_str())
            .execute()
            .await?;
        let row: MemberRow = tx
            .conn()
            .sql(concat!(
                member_select!(),
                "WHERE m.production_id = $1 AND m.person_id = $2"
            ))
            .bind(production_id)
            .bind(person_id)
            .fetch_one()
            .await?;
        let member = Member::try_from(row)?;
        let body = to_json(&json!({ "member": member }))?;
        append(
            &mut tx,
            actor,
            "production.member_added",
            &format!("production/{production_id}"),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(member)
    }

    /// Removes a person from a production. Audit: `production.member_removed`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if they are not a member.
    pub async fn remove_member(
        &self,
        production_id: i64,
        person_id: i64,
        actor: Option<i64>,
        now: Millis,
    ) -> Result<()> {
        let mut tx = self.pools.write().await?;
        let removed = tx
            .conn()
            .sql("DELETE FROM members WHERE production_id = $1 AND person_id = $2")
            .bind(production_id)
            .bind(person_id)
            .execute()
            .await?;
        if removed == 0 {
            return Err(StoreError::NotFound(format!(
                "person {person_id} is not a member of production {production_id}"
            )));
        }
        let body = to_json(&json!({ "production_id": production_id, "person_id": person_id }))?;
        append(
            &mut tx,
            actor,
            "production.member_removed",
            &format!("production/{production_id}"),
            body,
            now,
        )
        .await?;
        tx.commit().await
    }

    /// A production's members, by person id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn members(&self, production_id: i64) -> Result<Vec<Member>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<MemberRow> = conn
            .conn()
            .sql(concat!(
                member_select!(),
                "WHERE m.production_id = $1 ORDER BY p.id"
            ))
            .bind(production_id)
            .fetch_all()
            .await?;
        rows.into_iter().map(Member::try_from).collect()
    }

    /// In what capacity a person takes part in a production, if they do.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn capacity(&self, production_id: i64, person_id: i64) -> Result<Option<Capacity>> {
        let mut conn = self.pools.read().await?;
        let row: Option<CapacityRow> = conn
            .conn()
            .sql("SELECT capacity FROM members WHERE production_id = $1 AND person_id = $2")
            .bind(production_id)
            .bind(person_id)
            .fetch_optional()
            .await?;
        row.map(|r| parse(&r.capacity, "capacity", Capacity::from_name))
            .transpose()
    }
}
