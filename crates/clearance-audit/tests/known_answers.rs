//! Known-answer tests: the RFC 6962 reference tree used by the Certificate Transparency
//! implementations (Go `transparency-dev/merkle` testonly vectors, the CT Java/C++ tests).

#![expect(
    clippy::unwrap_used,
    reason = "the test vectors are valid hex; a helper that cannot parse one fails the test"
)]

use clearance_audit::{
    Frontier, Hash, ProofError, consistency_proof, empty_root, from_hex, inclusion_proof,
    leaf_hash, node_hash, root, to_hex, verify_consistency, verify_inclusion,
};
use sha2::{Digest, Sha256};

/// The eight reference leaf inputs.
const LEAVES: [&[u8]; 8] = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
];

/// Roots of the trees of the first 0..=8 leaves.
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// The reference node hashes, by level (0 = leaf hashes) then position.
const LEVEL_0: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
];
const LEVEL_1: [&str; 4] = [
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
];
const LEVEL_2: [&str; 2] = [
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
];

fn h(s: &str) -> Hash {
    from_hex(s).unwrap()
}

fn hs(list: &[&str]) -> Vec<Hash> {
    list.iter().map(|s| h(s)).collect()
}

fn leaf_hashes() -> Vec<Hash> {
    LEAVES.iter().map(|entry| leaf_hash(entry)).collect()
}

#[test]
fn empty_tree_root_is_sha256_of_nothing() {
    assert_eq!(
        to_hex(&empty_root()),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(root(&[]), empty_root());
    assert_eq!(Frontier::new().root(), empty_root());
}

#[test]
fn leaf_and_node_hashes_are_domain_separated_sha256() {
    let direct: Hash = Sha256::digest(b"\x00abc").into();
    assert_eq!(leaf_hash(b"abc"), direct);
    let (a, b) = (leaf_hash(b"a"), leaf_hash(b"b"));
    let mut joined = vec![0x01];
    joined.extend_from_slice(&a);
    joined.extend_from_slice(&b);
    let direct: Hash = Sha256::digest(&joined).into();
    assert_eq!(node_hash(&a, &b), direct);
    assert_ne!(node_hash(&a, &b), node_hash(&b, &a));
}

#[test]
fn reference_node_hashes() {
    let level_0 = leaf_hashes();
    assert_eq!(level_0, hs(&LEVEL_0));
    let level_1: Vec<Hash> = level_0.chunks(2).map(|p| node_hash(&p[0], &p[1])).collect();
    assert_eq!(level_1, hs(&LEVEL_1));
    let level_2: Vec<Hash> = level_1.chunks(2).map(|p| node_hash(&p[0], &p[1])).collect();
    assert_eq!(level_2, hs(&LEVEL_2));
}

#[test]
fn reference_roots_for_every_size() {
    let leaves = leaf_hashes();
    let mut frontier = Frontier::new();
    for (size, expected) in ROOTS.iter().enumerate() {
        assert_eq!(to_hex(&root(&leaves[..size])), *expected, "size {size}");
        assert_eq!(frontier.size(), size as u64);
        assert_eq!(to_hex(&frontier.root()), *expected, "frontier size {size}");
        if let Some(leaf) = leaves.get(size) {
            frontier.push(*leaf);
        }
    }
}

#[test]
fn reference_inclusion_proofs() {
    let leaves = leaf_hashes();
    // (index, size, PATH)
    let cases: [(u64, usize, &[&str]); 5] = [
        (0, 1, &[]),
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            3,
            &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
        ),
        (
            1,
            5,
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    for (index, size, expected) in cases {
        let tree = &leaves[..size];
        let proof = inclusion_proof(tree, index).unwrap();
        assert_eq!(proof, hs(expected), "PATH({index}, D[{size}])");
        verify_inclusion(
            &leaves[index as usize],
            index,
            size as u64,
            &proof,
            &h(ROOTS[size]),
        )
        .unwrap();
    }
}

#[test]
fn reference_consistency_proofs() {
    let leaves = leaf_hashes();
    // (old size, new size, PROOF)
    let cases: [(u64, usize, &[&str]); 6] = [
        (1, 1, &[]),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
        (
            6,
            7,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            8,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
    ];
    for (old_size, new_size, expected) in cases {
        let proof = consistency_proof(&leaves[..new_size], old_size).unwrap();
        assert_eq!(proof, hs(expected), "PROOF({old_size}, D[{new_size}])");
        verify_consistency(
            old_size,
            new_size as u64,
            &h(ROOTS[old_size as usize]),
            &h(ROOTS[new_size]),
            &proof,
        )
        .unwrap();
    }
}

#[test]
fn frontier_holds_the_perfect_subtree_roots_largest_first() {
    let leaves = leaf_hashes();
    // 7 = 4 + 2 + 1: MTH(D[0:4]), MTH(D[4:6]), leaf 6.
    let frontier = Frontier::from_leaves(&leaves[..7]);
    assert_eq!(
        frontier.hashes(),
        &[h(LEVEL_2[0]), h(LEVEL_1[2]), h(LEVEL_0[6])][..]
    );
    let bytes = frontier.to_bytes();
    assert_eq!(bytes.len(), 8 + 3 * 32);
    assert_eq!(&bytes[..8], &[0, 0, 0, 0, 0, 0, 0, 7]);
    assert_eq!(&bytes[8..40], &h(LEVEL_2[0]));
    assert_eq!(&bytes[72..], &h(LEVEL_0[6]));
    // 8 is a perfect tree: a single hash, the root.
    assert_eq!(Frontier::from_leaves(&leaves).hashes(), &[h(ROOTS[8])][..]);
}

#[test]
fn edge_cases_and_errors() {
    let leaves = leaf_hashes();
    assert_eq!(
        inclusion_proof(&leaves, 8),
        Err(ProofError::IndexOutOfRange { index: 8, size: 8 })
    );
    assert_eq!(
        inclusion_proof(&[], 0),
        Err(ProofError::IndexOutOfRange { index: 0, size: 0 })
    );
    assert_eq!(
        inclusion_proof(&leaves, u64::MAX),
        Err(ProofError::IndexOutOfRange {
            index: u64::MAX,
            size: 8
        })
    );
    assert_eq!(
        consistency_proof(&leaves[..3], 4),
        Err(ProofError::OldSizeTooLarge {
            old_size: 4,
            new_size: 3
        })
    );
    assert_eq!(consistency_proof(&leaves, 0), Ok(vec![]));
    assert_eq!(consistency_proof(&leaves, 8), Ok(vec![]));

    let root8 = h(ROOTS[8]);
    assert_eq!(
        verify_inclusion(&leaves[0], 8, 8, &[], &root8),
        Err(ProofError::IndexOutOfRange { index: 8, size: 8 })
    );
    // Every tree extends the empty tree, whose root is fixed.
    verify_consistency(0, 8, &empty_root(), &root8, &[]).unwrap();
    assert!(matches!(
        verify_consistency(0, 8, &root8, &root8, &[]),
        Err(ProofError::OldRootMismatch { .. })
    ));
    assert_eq!(
        verify_consistency(0, 8, &empty_root(), &root8, &[root8]),
        Err(ProofError::WrongLength {
            expected: 0,
            actual: 1
        })
    );
    verify_consistency(0, 0, &empty_root(), &empty_root(), &[]).unwrap();
    assert!(matches!(
        verify_consistency(0, 0, &empty_root(), &root8, &[]),
        Err(ProofError::RootMismatch { .. })
    ));
    assert!(matches!(
        verify_consistency(0, 0, &root8, &root8, &[]),
        Err(ProofError::OldRootMismatch { .. })
    ));
    // Same size: same root, empty proof.
    verify_consistency(8, 8, &root8, &root8, &[]).unwrap();
    assert!(matches!(
        verify_consistency(8, 8, &h(ROOTS[7]), &root8, &[]),
        Err(ProofError::RootMismatch { .. })
    ));
    assert_eq!(
        verify_consistency(9, 8, &root8, &root8, &[]),
        Err(ProofError::OldSizeTooLarge {
            old_size: 9,
            new_size: 8
        })
    );
    // 0 < m < n never has an empty proof.
    assert_eq!(
        verify_consistency(4, 8, &h(ROOTS[4]), &root8, &[]),
        Err(ProofError::WrongLength {
            expected: 1,
            actual: 0
        })
    );
}

#[test]
fn an_inclusion_proof_does_not_bind_the_tree_size_on_its_own() {
    // Leaf 0's path in the 4-leaf tree walks the same shape as in a 3-leaf tree, so
    // against the 4-leaf root it also "verifies" for size 3. Sizes are bound by the
    // signed checkpoint (size and root are signed together), not by the path.
    let leaves = leaf_hashes();
    let proof = inclusion_proof(&leaves[..4], 0).unwrap();
    verify_inclusion(&leaves[0], 0, 3, &proof, &h(ROOTS[4])).unwrap();
    // But never against the real 3-leaf root.
    assert!(verify_inclusion(&leaves[0], 0, 3, &proof, &h(ROOTS[3])).is_err());
}

#[test]
fn hex_helpers() {
    let hash = h(ROOTS[8]);
    assert_eq!(from_hex(&to_hex(&hash).to_uppercase()), Ok(hash));
    assert!(from_hex("").is_err());
    assert!(from_hex(&ROOTS[8][..62]).is_err());
    assert!(from_hex(&format!("{}00", ROOTS[8])).is_err());
    assert!(from_hex(&ROOTS[8].replace('5', "g")).is_err());
}

#[test]
fn error_messages_say_what_went_wrong() {
    assert_eq!(
        ProofError::IndexOutOfRange { index: 9, size: 8 }.to_string(),
        "leaf index 9 is out of range for a tree of size 8"
    );
    assert_eq!(
        ProofError::WrongLength {
            expected: 3,
            actual: 2
        }
        .to_string(),
        "proof has 2 hashes, expected 3"
    );
    let message = ProofError::RootMismatch {
        expected: h(ROOTS[8]),
        computed: h(ROOTS[7]),
    }
    .to_string();
    assert!(
        message.contains(ROOTS[8]) && message.contains(ROOTS[7]),
        "{message}"
    );
}
