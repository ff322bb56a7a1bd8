//! Property tests: proofs produced for random trees verify, and every single alteration
//! of their inputs is rejected.

use clearance_audit::{
    Frontier, Hash, ProofError, consistency_proof, inclusion_proof, leaf_hash, root,
    verify_consistency, verify_inclusion,
};
use proptest::prelude::*;

fn leaves(n: usize, seed: u64) -> Vec<Hash> {
    (0..n as u64)
        .map(|i| {
            let mut entry = seed.to_be_bytes().to_vec();
            entry.extend_from_slice(&i.to_be_bytes());
            leaf_hash(&entry)
        })
        .collect()
}

fn fail(error: ProofError) -> TestCaseError {
    TestCaseError::fail(error.to_string())
}

fn flip(hash: &Hash) -> Hash {
    let mut flipped = *hash;
    flipped[31] ^= 1;
    flipped
}

/// The left/right turns from the root down to leaf `m` of a tree of `n` leaves, by the
/// RFC 9162 §2.1.3.1 recursion (an independent formulation from the verifier's bit walk).
fn turns(mut m: u64, mut n: u64) -> Vec<bool> {
    let mut turns = Vec::new();
    while n > 1 {
        let k = 1 << (n - 1).ilog2();
        if m < k {
            n = k;
            turns.push(false);
        } else {
            m -= k;
            n -= k;
            turns.push(true);
        }
    }
    turns
}

fn check_inclusion(n: usize, seed: u64) -> Result<(), TestCaseError> {
    let leaves = leaves(n, seed);
    let size = n as u64;
    let tree_root = root(&leaves);
    for (index, leaf) in (0..size).zip(&leaves) {
        let proof = inclusion_proof(&leaves, index).map_err(fail)?;
        verify_inclusion(leaf, index, size, &proof, &tree_root).map_err(fail)?;

        // Another leaf.
        prop_assert!(verify_inclusion(&flip(leaf), index, size, &proof, &tree_root).is_err());
        // Another root.
        prop_assert!(
            matches!(
                verify_inclusion(leaf, index, size, &proof, &flip(&tree_root)),
                Err(ProofError::RootMismatch { .. })
            ),
            "unexpected result"
        );
        // Another index: a different position in the tree.
        if size > 1 {
            let other = (index + 1 + seed % (size - 1)) % size;
            prop_assert_ne!(other, index);
            prop_assert!(verify_inclusion(leaf, other, size, &proof, &tree_root).is_err());
        }
        prop_assert!(
            matches!(
                verify_inclusion(leaf, size, size, &proof, &tree_root),
                Err(ProofError::IndexOutOfRange { .. })
            ),
            "unexpected result"
        );
        // Another size: rejected unless the path has exactly the same shape
        // (see known_answers.rs: the root, signed with the size, binds the size).
        for other in [
            size + 1,
            size.saturating_sub(1),
            2 * size,
            size / 2 + index / 2,
        ] {
            if other == size || other <= index {
                continue;
            }
            let same_shape = turns(index, other) == turns(index, size);
            prop_assert_eq!(
                verify_inclusion(leaf, index, other, &proof, &tree_root).is_ok(),
                same_shape,
                "index {} size {} claimed size {}",
                index,
                size,
                other
            );
        }
        // Any altered proof hash.
        for i in 0..proof.len() {
            let mut altered = proof.clone();
            altered[i] = flip(&altered[i]);
            prop_assert!(verify_inclusion(leaf, index, size, &altered, &tree_root).is_err());
        }
        // A hash dropped or added.
        if let Some((_, shorter)) = proof.split_last() {
            prop_assert!(
                matches!(
                    verify_inclusion(leaf, index, size, shorter, &tree_root),
                    Err(ProofError::WrongLength { .. })
                ),
                "unexpected result"
            );
        }
        let mut longer = proof.clone();
        longer.push(tree_root);
        prop_assert!(
            matches!(
                verify_inclusion(leaf, index, size, &longer, &tree_root),
                Err(ProofError::WrongLength { .. })
            ),
            "unexpected result"
        );
    }
    Ok(())
}

fn check_consistency(n: usize, seed: u64) -> Result<(), TestCaseError> {
    let leaves = leaves(n, seed);
    let new_size = n as u64;
    let new_root = root(&leaves);
    for old_size in 0..=new_size {
        let old_root = root(&leaves[..old_size as usize]);
        let proof = consistency_proof(&leaves, old_size).map_err(fail)?;
        verify_consistency(old_size, new_size, &old_root, &new_root, &proof).map_err(fail)?;

        prop_assert!(
            verify_consistency(old_size, new_size, &flip(&old_root), &new_root, &proof).is_err()
        );
        // Every tree extends the empty tree, so only then is any new root acceptable.
        prop_assert_eq!(
            verify_consistency(old_size, new_size, &old_root, &flip(&new_root), &proof).is_err(),
            old_size > 0 || new_size == 0
        );
        for i in 0..proof.len() {
            let mut altered = proof.clone();
            altered[i] = flip(&altered[i]);
            prop_assert!(
                verify_consistency(old_size, new_size, &old_root, &new_root, &altered).is_err()
            );
        }
        if let Some((_, shorter)) = proof.split_last() {
            prop_assert!(
                verify_consistency(old_size, new_size, &old_root, &new_root, shorter).is_err()
            );
        }
        let mut longer = proof.clone();
        longer.push(new_root);
        prop_assert!(
            verify_consistency(old_size, new_size, &old_root, &new_root, &longer).is_err()
        );
        // The proof is about these two sizes: the new tree is not consistent with a
        // different old tree of the same size.
        if old_size > 0 && old_size < new_size {
            let mut forked = leaves[..old_size as usize].to_vec();
            forked[0] = flip(&forked[0]);
            prop_assert!(
                verify_consistency(old_size, new_size, &root(&forked), &new_root, &proof).is_err()
            );
        }
    }
    prop_assert!(
        matches!(
            consistency_proof(&leaves, new_size + 1),
            Err(ProofError::OldSizeTooLarge { .. })
        ),
        "unexpected result"
    );
    Ok(())
}

fn check_frontier(n: usize, seed: u64) -> Result<(), TestCaseError> {
    let leaves = leaves(n, seed);
    let mut frontier = Frontier::new();
    for size in 0..=n {
        prop_assert_eq!(frontier.size(), size as u64);
        prop_assert_eq!(frontier.hashes().len(), size.count_ones() as usize);
        prop_assert_eq!(frontier.root(), root(&leaves[..size]));

        let bytes = frontier.to_bytes();
        prop_assert_eq!(bytes.len(), 8 + 32 * size.count_ones() as usize);
        prop_assert_eq!(Frontier::from_bytes(&bytes), Ok(frontier.clone()));
        // Wrong lengths: a byte short, a byte or a hash too many, a hash missing,
        // no size prefix.
        prop_assert!(Frontier::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        prop_assert!(Frontier::from_bytes(&longer).is_err());
        longer.extend_from_slice(&[0; 31]);
        prop_assert!(
            matches!(
                Frontier::from_bytes(&longer),
                Err(ProofError::FrontierLength { .. })
            ),
            "unexpected result"
        );
        if bytes.len() > 8 {
            prop_assert!(Frontier::from_bytes(&bytes[..bytes.len() - 32]).is_err());
        }
        prop_assert!(
            matches!(
                Frontier::from_bytes(&bytes[..7]),
                Err(ProofError::FrontierTooShort { actual: 7 })
            ),
            "unexpected result"
        );

        if let Some(leaf) = leaves.get(size) {
            frontier.push(*leaf);
        }
    }
    prop_assert_eq!(Frontier::from_leaves(&leaves), frontier);
    Ok(())
}

/// Every tree shape up to 64 leaves, every index and every old size.
#[test]
fn every_small_tree() {
    for n in 0..=64 {
        check_inclusion(n, n as u64).unwrap();
        check_consistency(n, n as u64).unwrap();
        check_frontier(n, n as u64).unwrap();
    }
}

// Debug-build SHA-256 is slow and each case is O(n^2) hashing: few cases, large trees.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn inclusion_proofs_verify_and_alterations_fail(n in 0usize..300, seed: u64) {
        check_inclusion(n, seed)?;
    }

    #[test]
    fn consistency_proofs_verify_and_alterations_fail(n in 0usize..300, seed: u64) {
        check_consistency(n, seed)?;
    }

    #[test]
    fn frontier_tracks_the_root_and_round_trips(n in 0usize..300, seed: u64) {
        check_frontier(n, seed)?;
    }
}
