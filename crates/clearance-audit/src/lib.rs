//! A tamper-evident audit log: the hashing, proofs and signed checkpoints of an
//! append-only Merkle tree, with no IO except reading and writing the signing key file.
//!
//! # Design
//!
//! The service appends every state change as an *entry* (opaque bytes). Entries are
//! the leaves of an append-only Merkle tree hashed exactly as Certificate Transparency
//! does it ([RFC 6962] §2.1, restated in [RFC 9162] §2.1):
//!
//! * leaf hash `= SHA-256(0x00 || entry)` ([`leaf_hash`]),
//! * interior node `= SHA-256(0x01 || left || right)` ([`node_hash`]),
//! * the root of the empty tree `= SHA-256("")` ([`empty_root`]),
//! * a tree of `n > 1` leaves is split at `k`, the largest power of two smaller than `n`
//!   ([`root`]).
//!
//! Because the hashing is the standard one, any RFC 9162 verifier (Go's
//! `golang.org/x/mod/sumdb/tlog`, `transparency-dev/merkle`, …) can check our proofs.
//!
//! The store keeps the leaf hashes (one row per entry) and a [`Frontier`]: the
//! `O(log n)` roots of the perfect subtrees on the right edge of the tree, enough to
//! append a leaf and to compute the current root without reading the leaves.
//! Proofs ([`inclusion_proof`], [`consistency_proof`]) are computed from the stored leaf
//! hashes in `O(n)` hashing; verification ([`verify_inclusion`], [`verify_consistency`])
//! follows the RFC 9162 §2.1.3.2 and §2.1.4.2 algorithms and needs only the proof.
//!
//! The server periodically signs a [`Checkpoint`] (origin, tree size, root, timestamp)
//! with Ed25519 ([`SigningKey::sign`]). The signed text ([`Checkpoint::body`]) follows
//! the body of a [C2SP signed-note checkpoint]: origin, size and base64 root on their own
//! lines, followed by one extension line carrying the timestamp in milliseconds.
//! A client that holds a signed checkpoint can later demand a consistency proof to the
//! next one: if the log ever rewrote history, no such proof exists.
//!
//! This crate does no IO other than [`SigningKey::load`] and
//! [`SigningKey::load_or_generate`], and reads no clock: timestamps are passed in.
//!
//! [RFC 6962]: https://www.rfc-editor.org/rfc/rfc6962
//! [RFC 9162]: https://www.rfc-editor.org/rfc/rfc9162
//! [C2SP signed-note checkpoint]: https://c2sp.org/tlog-checkpoint

mod checkpoint;
mod encoding;
mod frontier;
mod keys;
mod merkle;

pub use checkpoint::{Checkpoint, SignedCheckpoint};
pub use encoding::{HexError, from_hex, to_hex};
pub use frontier::Frontier;
pub use keys::{KeyError, SignatureError, SigningKey, VerifyingKey};
pub use merkle::{
    Hash, ProofError, consistency_proof, empty_root, inclusion_proof, leaf_hash, node_hash, root,
    verify_consistency, verify_inclusion,
};
