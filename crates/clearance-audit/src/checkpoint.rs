//! Checkpoints: what the server signs about the tree.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use serde::{Deserialize, Serialize};

use crate::encoding::{base64_std, hash_hex};
use crate::merkle::Hash;

/// A statement about the log at one moment: its size and root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Names the log (for example `clearance.example-studio.com/audit`), so a signature
    /// for one log is never taken for another. Must not contain a newline.
    pub origin: String,
    /// The number of entries in the tree.
    pub size: u64,
    /// The tree root (`MTH` of the first `size` entries); serialized as lowercase hex.
    #[serde(with = "hash_hex")]
    pub root: Hash,
    /// When the server made the checkpoint, in milliseconds since the Unix epoch.
    pub timestamp_ms: i64,
}

impl Checkpoint {
    /// The exact signed text, in the style of a C2SP signed-note checkpoint body:
    /// `"{origin}\n{size}\n{base64 std root}\n{timestamp_ms}\n"`.
    ///
    /// The size, root and timestamp lines never contain a newline, so the body decodes
    /// unambiguously from its end even if a careless origin did.
    #[must_use]
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root),
            self.timestamp_ms
        )
    }
}

/// A checkpoint with the server's Ed25519 signature over [`Checkpoint::body`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedCheckpoint {
    /// The signed checkpoint.
    pub checkpoint: Checkpoint,
    /// The signer's key id: hex of the first 8 bytes of SHA-256 of the 32-byte public key
    /// (see [`VerifyingKey::key_id`](crate::VerifyingKey::key_id)).
    pub key_id: String,
    /// The 64-byte Ed25519 signature over the body; serialized as standard base64.
    #[serde(with = "base64_std")]
    pub signature: Vec<u8>,
}
