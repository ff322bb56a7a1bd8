//! `clearance token create`: issue a token straight into the store — how the first admin gets
//! one. Later tokens are usually issued through the API by an admin.

use anyhow::{Context as _, Result};
use clap::Subcommand;
use clearance_server::auth::{new_secret, secret_hash};
use clearance_server::config::Overrides;
use clearance_store::model::{NewPerson, Role};

use crate::command::store_args::{StoreArgs, runtime};

/// `clearance token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for the person with this email (adding the person if they are new) and
    /// print it once.
    Create {
        #[command(flatten)]
        store: StoreArgs,
        /// The person's email.
        #[arg(long)]
        email: String,
        /// Their name (for a new person; default: the email).
        #[arg(long)]
        name: Option<String>,
        /// Their role (for a new person).
        #[arg(long, default_value = "admin", value_parser = ["admin", "reviewer", "partner", "representative"])]
        role: String,
        /// What the token is for.
        #[arg(long, default_value = "command line")]
        label: String,
    },
}

/// Runs the command; returns the exit code.
pub fn run(command: &TokenCommand) -> Result<u8> {
    let TokenCommand::Create {
        store,
        email,
        name,
        role,
        label,
    } = command;
    let config = store.load(Overrides::default())?;
    let role = Role::from_name(role).context("unknown role")?;
    let secret = runtime()?.block_on(async move {
        let store = clearance_server::app::open_store(&config).await?;
        let now = clearance_server::state::now();
        let person = match store.person_by_email(email).await? {
            Some(person) => person,
            None => {
                let name = name.clone().unwrap_or_else(|| email.clone());
                store
                    .create_person(
                        &NewPerson {
                            name,
                            email: email.clone(),
                            role,
                            organisation: None,
                        },
                        None,
                        now,
                    )
                    .await?
            }
        };
        let secret = new_secret();
        store
            .create_token(person.id, label, secret_hash(&secret), None, now)
            .await?;
        store.close().await;
        anyhow::Ok(secret)
    })?;
    println!("{secret}");
    eprintln!("(shown once: the service keeps only its hash)");
    Ok(0)
}
