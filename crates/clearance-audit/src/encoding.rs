//! Text encodings of hashes and signatures, and the serde adapters that use them.

use crate::merkle::Hash;

/// A string that is not the 64 hex digits of a [`Hash`](type@Hash).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a SHA-256 hash in hex (64 hex digits): {0}")]
pub struct HexError(String);

/// A hash as 64 lowercase hex digits.
#[must_use]
pub fn to_hex(hash: &Hash) -> String {
    hex::encode(hash)
}

/// Parses 64 hex digits (either case) into a hash.
///
/// # Errors
///
/// [`HexError`] if `s` is not exactly 64 hex digits.
pub fn from_hex(s: &str) -> Result<Hash, HexError> {
    let mut hash = [0; 32];
    hex::decode_to_slice(s, &mut hash).map_err(|e| HexError(e.to_string()))?;
    Ok(hash)
}

/// `#[serde(with = "hash_hex")]`: a [`Hash`] as a lowercase hex string.
pub(crate) mod hash_hex {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    use crate::merkle::Hash;

    pub(crate) fn serialize<S: Serializer>(hash: &Hash, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::to_hex(hash))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Hash, D::Error> {
        let s = String::deserialize(deserializer)?;
        super::from_hex(&s).map_err(D::Error::custom)
    }
}

/// `#[serde(with = "base64_std")]`: bytes as a standard (padded) base64 string.
pub(crate) mod base64_std {
    use base64::{Engine as _, engine::general_purpose::STANDARD};
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub(crate) fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(bytes))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(deserializer)?;
        STANDARD.decode(s).map_err(D::Error::custom)
    }
}
