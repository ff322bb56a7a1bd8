//! Ed25519 checkpoint signing keys and the key file.

use std::fmt;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use ed25519_dalek::Signer as _;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, KeypairBytes};
use ed25519_dalek::rand_core::UnwrapErr;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::checkpoint::{Checkpoint, SignedCheckpoint};

/// Why a key could not be loaded, written, generated or parsed.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The key file could not be read.
    #[error("cannot read signing key file {}: {source}", path.display())]
    Read {
        /// The key file.
        path: PathBuf,
        /// The IO error.
        source: io::Error,
    },
    /// The key file's directory could not be created.
    #[error("cannot create directory {} for the signing key file: {source}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The IO error.
        source: io::Error,
    },
    /// The key file could not be written.
    #[error("cannot write signing key file {}: {source}", path.display())]
    Write {
        /// The key file.
        path: PathBuf,
        /// The IO error.
        source: io::Error,
    },
    /// The key file is not a PEM PKCS#8 Ed25519 private key.
    #[error("signing key file {} is not a PEM \"PRIVATE KEY\" (PKCS#8 Ed25519) file: {reason}", path.display())]
    Malformed {
        /// The key file.
        path: PathBuf,
        /// What the parser objected to.
        reason: String,
    },
    /// The key could not be encoded as PKCS#8 PEM.
    #[error("cannot encode the signing key as PKCS#8 PEM: {reason}")]
    Encode {
        /// What the encoder objected to.
        reason: String,
    },
    /// The operating system's random number generator failed.
    #[error("cannot generate a signing key: the OS random number generator failed: {reason}")]
    Rng {
        /// The OS error.
        reason: String,
    },
    /// A public key string is not 64 hex digits encoding a valid Ed25519 point.
    #[error("invalid Ed25519 public key: {reason}")]
    InvalidPublicKey {
        /// Why it was rejected.
        reason: String,
    },
}

/// Why a signed checkpoint did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The checkpoint names another key than the one verifying it.
    #[error("checkpoint was signed by key {found}, not by key {expected}")]
    KeyIdMismatch {
        /// The verifying key's id.
        expected: String,
        /// The key id in the signed checkpoint.
        found: String,
    },
    /// The signature is not 64 bytes.
    #[error("an Ed25519 signature is 64 bytes, this one is {actual}")]
    SignatureLength {
        /// The signature's length.
        actual: usize,
    },
    /// The signature does not match the checkpoint body and key.
    #[error("signature does not verify: the checkpoint or its signature was altered")]
    Invalid,
}

/// The server's Ed25519 checkpoint signing key. Its `Debug` shows only the key id.
///
/// # Key file format
///
/// The signing key file is a PEM `PRIVATE KEY` block holding a PKCS#8 Ed25519 key
/// (RFC 8410 / RFC 5958), the format OpenSSL uses:
///
/// ```text
/// -----BEGIN PRIVATE KEY-----
/// MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
/// -----END PRIVATE KEY-----
/// ```
///
/// so `openssl genpkey -algorithm ed25519` makes one and
/// `openssl pkey -in key.pem -pubout` prints its public key. [`SigningKey::load`] also
/// accepts PKCS#8 v2 files (which carry the public key too, checked against the secret);
/// [`SigningKey::load_or_generate`] writes v1, as OpenSSL does.
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// A new random key from the operating system's random number generator.
    ///
    /// # Panics
    ///
    /// If the OS random number generator fails (it does not on supported systems once
    /// booted); [`SigningKey::try_generate`] returns that as an error instead.
    #[must_use]
    pub fn generate() -> Self {
        Self(ed25519_dalek::SigningKey::generate(&mut UnwrapErr(
            getrandom::SysRng,
        )))
    }

    /// A new random key from the operating system's random number generator.
    ///
    /// # Errors
    ///
    /// [`KeyError::Rng`] if the OS random number generator fails.
    pub fn try_generate() -> Result<Self, KeyError> {
        let mut secret = Zeroizing::new([0u8; 32]);
        getrandom::fill(secret.as_mut_slice()).map_err(|e| KeyError::Rng {
            reason: e.to_string(),
        })?;
        Ok(Self::from_bytes(&secret))
    }

    /// The key with this 32-byte Ed25519 secret (seed).
    #[must_use]
    pub fn from_bytes(secret: &[u8; 32]) -> Self {
        Self(ed25519_dalek::SigningKey::from_bytes(secret))
    }

    /// The matching public key.
    #[must_use]
    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey(self.0.verifying_key())
    }

    /// The id of the matching public key (see [`VerifyingKey::key_id`]).
    #[must_use]
    pub fn key_id(&self) -> String {
        self.verifying_key().key_id()
    }

    /// Signs [`Checkpoint::body`].
    #[must_use]
    pub fn sign(&self, checkpoint: Checkpoint) -> SignedCheckpoint {
        let signature = self.0.sign(checkpoint.body().as_bytes());
        SignedCheckpoint {
            checkpoint,
            key_id: self.key_id(),
            signature: signature.to_bytes().to_vec(),
        }
    }

    /// Loads the PEM PKCS#8 key file at `path`
    /// (see [Key file format](SigningKey#key-file-format)).
    ///
    /// # Errors
    ///
    /// [`KeyError::Read`] if the file cannot be read (its `source` kind is
    /// [`io::ErrorKind::NotFound`] if it does not exist), [`KeyError::Malformed`] if it is
    /// not a PEM PKCS#8 Ed25519 private key. Both name the path.
    pub fn load(path: &Path) -> Result<SigningKey, KeyError> {
        let bytes = Zeroizing::new(fs::read(path).map_err(|source| KeyError::Read {
            path: path.to_path_buf(),
            source,
        })?);
        let malformed = |reason: String| KeyError::Malformed {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::str::from_utf8(&bytes).map_err(|e| malformed(e.to_string()))?;
        let key = ed25519_dalek::SigningKey::from_pkcs8_pem(text.trim())
            .map_err(|e| malformed(e.to_string()))?;
        Ok(Self(key))
    }

    /// Loads the key file at `path`, or, if there is no file there, generates a key and
    /// writes it there: PEM PKCS#8, file mode 0600, missing parent directories created
    /// with mode 0700 (on Unix). The file is created exclusively: an existing key is never
    /// overwritten, and if another process creates it first, its key is loaded instead.
    ///
    /// # Errors
    ///
    /// Any [`KeyError`] from [`SigningKey::load`] other than a missing file, or
    /// [`KeyError::CreateDir`], [`KeyError::Write`], [`KeyError::Rng`]. They name the path.
    pub fn load_or_generate(path: &Path) -> Result<SigningKey, KeyError> {
        match Self::load(path) {
            Err(KeyError::Read { source, .. }) if source.kind() == io::ErrorKind::NotFound => {}
            loaded => return loaded,
        }
        let key = Self::try_generate()?;
        match key.write_new(path) {
            Ok(()) => Ok(key),
            Err(KeyError::Write { source, .. })
                if source.kind() == io::ErrorKind::AlreadyExists =>
            {
                Self::load(path)
            }
            Err(e) => Err(e),
        }
    }

    /// Writes the key to a new file at `path` (fails if it exists).
    fn write_new(&self, path: &Path) -> Result<(), KeyError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            let mut builder = fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder
                .create(parent)
                .map_err(|source| KeyError::CreateDir {
                    path: parent.to_path_buf(),
                    source,
                })?;
        }
        // PKCS#8 v1 (the seed only, no public key), as `openssl genpkey` writes it:
        // OpenSSL 3.0 cannot read the v2 form that `ed25519_dalek` would write.
        let keypair = KeypairBytes {
            secret_key: self.0.to_bytes(),
            public_key: None,
        };
        let pem = keypair
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| KeyError::Encode {
                reason: e.to_string(),
            })?;
        let write_error = |source| KeyError::Write {
            path: path.to_path_buf(),
            source,
        };
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(write_error)?;
        if let Err(source) = file
            .write_all(pem.as_bytes())
            .and_then(|()| file.sync_all())
        {
            drop(file);
            // Leave no half-written key behind; the write error is the one to report.
            let _ = fs::remove_file(path);
            return Err(write_error(source));
        }
        Ok(())
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("key_id", &self.key_id())
            .finish_non_exhaustive()
    }
}

/// An Ed25519 public key that verifies signed checkpoints. Serialized as 64 hex digits.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyingKey(ed25519_dalek::VerifyingKey);

impl VerifyingKey {
    /// The 32-byte public key.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The public key from its 32 bytes.
    ///
    /// # Errors
    ///
    /// [`KeyError::InvalidPublicKey`] if the bytes are not a valid Ed25519 point.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        ed25519_dalek::VerifyingKey::from_bytes(bytes)
            .map(Self)
            .map_err(|e| KeyError::InvalidPublicKey {
                reason: e.to_string(),
            })
    }

    /// The 32-byte public key as 64 lowercase hex digits.
    #[must_use]
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    /// Parses [`VerifyingKey::to_hex`].
    ///
    /// # Errors
    ///
    /// [`KeyError::InvalidPublicKey`] unless `s` is 64 hex digits of a valid Ed25519 point.
    pub fn from_hex(s: &str) -> Result<Self, KeyError> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(s, &mut bytes).map_err(|e| KeyError::InvalidPublicKey {
            reason: format!("expected 64 hex digits: {e}"),
        })?;
        Self::from_bytes(&bytes)
    }

    /// The key id: hex of the first 8 bytes of SHA-256 of the 32-byte public key.
    #[must_use]
    pub fn key_id(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        hex::encode(&digest[..8])
    }

    /// Checks that `signed` names this key and that its signature is this key's Ed25519
    /// signature (strict RFC 8032 verification) over `signed.checkpoint.body()`.
    ///
    /// # Errors
    ///
    /// [`SignatureError::KeyIdMismatch`], [`SignatureError::SignatureLength`] or
    /// [`SignatureError::Invalid`].
    pub fn verify(&self, signed: &SignedCheckpoint) -> Result<(), SignatureError> {
        let expected = self.key_id();
        if signed.key_id != expected {
            return Err(SignatureError::KeyIdMismatch {
                expected,
                found: signed.key_id.clone(),
            });
        }
        let bytes: &[u8; 64] = signed.signature.as_slice().try_into().map_err(|_| {
            SignatureError::SignatureLength {
                actual: signed.signature.len(),
            }
        })?;
        let signature = ed25519_dalek::Signature::from_bytes(bytes);
        self.0
            .verify_strict(signed.checkpoint.body().as_bytes(), &signature)
            .map_err(|_| SignatureError::Invalid)
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("VerifyingKey").field(&self.to_hex()).finish()
    }
}

impl Serialize for VerifyingKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for VerifyingKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::from_hex(&s).map_err(D::Error::custom)
    }
}
