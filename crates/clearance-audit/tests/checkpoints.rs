//! Checkpoint signing and verification, key encodings and the key file.

#![expect(
    clippy::unwrap_used,
    reason = "the test key is valid hex; a helper that cannot parse it fails the test"
)]

use clearance_audit::{
    Checkpoint, KeyError, SignatureError, SignedCheckpoint, SigningKey, VerifyingKey, from_hex,
    leaf_hash, root,
};
use sha2::{Digest, Sha256};

/// RFC 8032 §7.1 TEST 1.
const RFC8032_SECRET: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const RFC8032_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

/// RFC 8410 §10.3 example private key, and its public key from §10.1.
const RFC8410_PEM: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC
-----END PRIVATE KEY-----
";
const RFC8410_PUBLIC: &str = "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1";

fn rfc8032_key() -> SigningKey {
    SigningKey::from_bytes(&from_hex(RFC8032_SECRET).unwrap())
}

fn checkpoint() -> Checkpoint {
    let leaves: Vec<_> = (0u8..5).map(|i| leaf_hash(&[i])).collect();
    Checkpoint {
        origin: "clearance.example/audit".to_owned(),
        size: 5,
        root: root(&leaves),
        timestamp_ms: 1_700_000_000_000,
    }
}

#[test]
fn body_is_the_c2sp_style_text() {
    let checkpoint = Checkpoint {
        origin: "example.com/log".to_owned(),
        size: 42,
        root: [0; 32],
        timestamp_ms: -5,
    };
    assert_eq!(
        checkpoint.body(),
        "example.com/log\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n-5\n"
    );
    let checkpoint = Checkpoint {
        root: from_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855").unwrap(),
        ..checkpoint
    };
    assert_eq!(
        checkpoint.body(),
        "example.com/log\n42\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n-5\n"
    );
}

#[test]
fn sign_then_verify() {
    let key = rfc8032_key();
    let signed = key.sign(checkpoint());
    assert_eq!(signed.checkpoint, checkpoint());
    assert_eq!(signed.signature.len(), 64);
    assert_eq!(signed.key_id, key.key_id());
    key.verifying_key().verify(&signed).unwrap();
    // Ed25519 is deterministic.
    assert_eq!(key.sign(checkpoint()), signed);
}

#[test]
fn any_altered_field_fails() {
    let key = rfc8032_key();
    let public = key.verifying_key();
    let signed = key.sign(checkpoint());
    let alterations: [fn(&mut SignedCheckpoint); 5] = [
        |s| s.checkpoint.size += 1,
        |s| s.checkpoint.root[0] ^= 0x80,
        |s| s.checkpoint.timestamp_ms += 1,
        |s| s.checkpoint.origin.push('x'),
        |s| s.checkpoint.origin = "clearance.example/audit\n".to_owned(),
    ];
    for (i, alter) in alterations.iter().enumerate() {
        let mut altered = signed.clone();
        alter(&mut altered);
        assert_eq!(
            public.verify(&altered),
            Err(SignatureError::Invalid),
            "alteration {i}"
        );
    }
    for byte in 0..64 {
        let mut altered = signed.clone();
        altered.signature[byte] ^= 1;
        assert_eq!(
            public.verify(&altered),
            Err(SignatureError::Invalid),
            "byte {byte}"
        );
    }
    let mut truncated = signed.clone();
    truncated.signature.pop();
    assert_eq!(
        public.verify(&truncated),
        Err(SignatureError::SignatureLength { actual: 63 })
    );
}

#[test]
fn a_different_key_fails() {
    let signed = rfc8032_key().sign(checkpoint());
    let other = SigningKey::generate().verifying_key();
    assert_eq!(
        other.verify(&signed),
        Err(SignatureError::KeyIdMismatch {
            expected: other.key_id(),
            found: signed.key_id.clone(),
        })
    );
    // Even when the key id is rewritten to match, the signature does not.
    let relabelled = SignedCheckpoint {
        key_id: other.key_id(),
        ..signed
    };
    assert_eq!(other.verify(&relabelled), Err(SignatureError::Invalid));
}

#[test]
fn public_key_and_key_id() {
    let public = rfc8032_key().verifying_key();
    assert_eq!(public.to_hex(), RFC8032_PUBLIC);
    let digest = Sha256::digest(hex::decode(RFC8032_PUBLIC).unwrap());
    assert_eq!(public.key_id(), hex::encode(&digest[..8]));
    assert_eq!(public.key_id().len(), 16);
    assert_eq!(VerifyingKey::from_hex(RFC8032_PUBLIC).unwrap(), public);
    assert_eq!(
        VerifyingKey::from_hex(&RFC8032_PUBLIC.to_uppercase()).unwrap(),
        public
    );
    assert_eq!(
        VerifyingKey::from_bytes(&public.to_bytes()).unwrap(),
        public
    );
    for bad in [
        "",
        "zz",
        &RFC8032_PUBLIC[..62],
        &format!("{RFC8032_PUBLIC}00"),
    ] {
        assert!(
            matches!(
                VerifyingKey::from_hex(bad),
                Err(KeyError::InvalidPublicKey { .. })
            ),
            "{bad:?}"
        );
    }
    assert_eq!(
        format!("{public:?}"),
        format!("VerifyingKey(\"{RFC8032_PUBLIC}\")")
    );
}

#[test]
fn serde_formats() {
    let key = rfc8032_key();
    let signed = key.sign(checkpoint());
    let json = serde_json::to_value(&signed).unwrap();
    assert_eq!(
        json["checkpoint"]["root"],
        hex::encode(signed.checkpoint.root)
    );
    assert_eq!(json["checkpoint"]["size"], 5);
    assert_eq!(json["checkpoint"]["timestamp_ms"], 1_700_000_000_000_i64);
    assert_eq!(json["key_id"], key.key_id());
    let signature = json["signature"].as_str().unwrap();
    assert_eq!(signature.len(), 88, "64 bytes in padded base64");
    assert!(signature.ends_with("=="));
    let back: SignedCheckpoint = serde_json::from_value(json).unwrap();
    assert_eq!(back, signed);

    let public = key.verifying_key();
    let json = serde_json::to_string(&public).unwrap();
    assert_eq!(json, format!("\"{RFC8032_PUBLIC}\""));
    assert_eq!(serde_json::from_str::<VerifyingKey>(&json).unwrap(), public);
    assert!(serde_json::from_str::<VerifyingKey>("\"abcd\"").is_err());

    let bad_root = r#"{"origin":"o","size":1,"root":"00","timestamp_ms":0}"#;
    assert!(serde_json::from_str::<Checkpoint>(bad_root).is_err());
}

#[test]
fn debug_does_not_print_the_secret() {
    let key = rfc8032_key();
    let debug = format!("{key:?}");
    let alternate = format!("{key:#?}");
    assert!(debug.contains(&key.key_id()), "{debug}");
    let secret = from_hex(RFC8032_SECRET).unwrap();
    let secret_decimal = format!("{:?}", &secret[..4]);
    let secret_decimal = secret_decimal.trim_matches(|c| c == '[' || c == ']');
    for shown in [&debug, &alternate] {
        assert!(!shown.contains(RFC8032_SECRET), "{shown}");
        assert!(!shown.contains(&RFC8032_SECRET[..16]), "{shown}");
        assert!(
            !shown.contains(&RFC8032_SECRET[..16].to_uppercase()),
            "{shown}"
        );
        assert!(!shown.contains(secret_decimal), "{shown}");
    }
}

#[test]
fn generated_keys_differ() {
    let a = SigningKey::generate();
    let b = SigningKey::try_generate().unwrap();
    assert_ne!(a.key_id(), b.key_id());
    let signed = a.sign(checkpoint());
    a.verifying_key().verify(&signed).unwrap();
}

#[test]
fn load_or_generate_creates_a_private_file_and_reloads_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys").join("nested").join("audit.pem");
    let key = SigningKey::load_or_generate(&path).unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    // PKCS#8 v1, the 48-byte DER that `openssl genpkey -algorithm ed25519` writes.
    assert!(
        text.starts_with("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI"),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with("-----END PRIVATE KEY-----"),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "file mode {mode:o}");
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o077, 0, "directory mode {dir_mode:o}");
    }

    let again = SigningKey::load_or_generate(&path).unwrap();
    assert_eq!(again.key_id(), key.key_id());
    assert_eq!(SigningKey::load(&path).unwrap().key_id(), key.key_id());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "not rewritten"
    );
    // The reloaded key signs what the first one verifies.
    key.verifying_key()
        .verify(&again.sign(checkpoint()))
        .unwrap();
}

#[test]
fn loads_an_openssl_style_pkcs8_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rfc8410.pem");
    std::fs::write(&path, RFC8410_PEM).unwrap();
    let key = SigningKey::load(&path).unwrap();
    assert_eq!(key.verifying_key().to_hex(), RFC8410_PUBLIC);
    // load_or_generate keeps an existing key.
    let kept = SigningKey::load_or_generate(&path).unwrap();
    assert_eq!(kept.verifying_key().to_hex(), RFC8410_PUBLIC);
}

#[test]
fn loads_a_pkcs8_v2_file_with_the_public_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.pem");
    let v2 = "-----BEGIN PRIVATE KEY-----
MFECAQEwBQYDK2VwBCIEIM1yapTgAIE2l/McbuIZrai57o9G5W95G4E7CMSGV40o
gSEAa2c7w5EKNr+5DaS0v5uny9/idfxlTdE+nAfX8m29U30=
-----END PRIVATE KEY-----
";
    std::fs::write(&path, v2).unwrap();
    let key = SigningKey::load(&path).unwrap();
    assert_eq!(
        key.verifying_key().to_hex(),
        "6b673bc3910a36bfb90da4b4bf9ba7cbdfe275fc654dd13e9c07d7f26dbd537d"
    );
    // The same file with another public key (the RFC 8410 one) is refused.
    let mismatched = v2.replace(
        "gSEAa2c7w5EKNr+5DaS0v5uny9/idfxlTdE+nAfX8m29U30=",
        "gSEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=",
    );
    std::fs::write(&path, mismatched).unwrap();
    assert!(matches!(
        SigningKey::load(&path),
        Err(KeyError::Malformed { .. })
    ));
}

#[test]
fn corrupt_or_missing_key_files_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let corrupt: [&[u8]; 5] = [
        b"",
        b"not a key\n",
        b"-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK\n-----END PRIVATE KEY-----\n",
        b"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60\n",
        b"\xff\xfe\x00garbage",
    ];
    for (i, contents) in corrupt.iter().enumerate() {
        let path = dir.path().join(format!("corrupt-{i}.pem"));
        std::fs::write(&path, contents).unwrap();
        for result in [SigningKey::load(&path), SigningKey::load_or_generate(&path)] {
            let error = result.unwrap_err();
            assert!(matches!(error, KeyError::Malformed { .. }), "{error:?}");
            assert!(
                error.to_string().contains(&path.display().to_string()),
                "{error}"
            );
        }
        // A corrupt key is never silently replaced.
        assert_eq!(std::fs::read(&path).unwrap(), *contents);
    }

    let missing = dir.path().join("missing.pem");
    let error = SigningKey::load(&missing).unwrap_err();
    assert!(
        matches!(&error, KeyError::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound),
        "{error:?}"
    );
    assert!(
        error.to_string().contains(&missing.display().to_string()),
        "{error}"
    );
    assert!(!missing.exists(), "load does not create the file");

    // The parent "directory" is a file: cannot create it.
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, b"").unwrap();
    let inside = blocker.join("audit.pem");
    let error = SigningKey::load_or_generate(&inside).unwrap_err();
    assert!(error.to_string().contains("blocker"), "{error}");
}
