//! RFC 9162 §2.1 Merkle tree hashing, audit paths and consistency proofs.
//!
//! Written by hand on purpose: the maintained Rust Merkle crates either hash differently
//! (no 0x00/0x01 domain separation, or a different split rule), own the tree storage
//! themselves, or do not produce RFC 9162 consistency proofs over a leaf list that lives
//! in someone else's database. The algorithms are short and are checked here against the
//! Certificate Transparency reference vectors (see `tests/known_answers.rs`).

use sha2::{Digest, Sha256};

use crate::encoding::to_hex;

/// A SHA-256 digest: a leaf hash, an interior node hash or a tree root.
pub type Hash = [u8; 32];

/// Why a proof could not be produced or did not verify, or a [`Frontier`](crate::Frontier)
/// encoding was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf index is not inside the tree.
    #[error("leaf index {index} is out of range for a tree of size {size}")]
    IndexOutOfRange {
        /// The requested leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The old tree of a consistency proof is larger than the new one.
    #[error("old tree size {old_size} is larger than new tree size {new_size}")]
    OldSizeTooLarge {
        /// The old (first) tree size.
        old_size: u64,
        /// The new (second) tree size.
        new_size: u64,
    },
    /// The proof does not have the number of hashes its sizes and index require.
    #[error("proof has {actual} hashes, expected {expected}")]
    WrongLength {
        /// The number of hashes a valid proof has.
        expected: usize,
        /// The number of hashes given.
        actual: usize,
    },
    /// The root recomputed from the proof differs from the (new) root given.
    #[error(
        "root mismatch: expected {}, proof gives {}",
        to_hex(expected),
        to_hex(computed)
    )]
    RootMismatch {
        /// The root the caller expected.
        expected: Hash,
        /// The root recomputed from the proof.
        computed: Hash,
    },
    /// The old root recomputed from a consistency proof differs from the old root given.
    #[error(
        "old root mismatch: expected {}, proof gives {}",
        to_hex(expected),
        to_hex(computed)
    )]
    OldRootMismatch {
        /// The old root the caller expected.
        expected: Hash,
        /// The old root recomputed from the proof.
        computed: Hash,
    },
    /// A [`Frontier`](crate::Frontier) encoding is shorter than its 8-byte size prefix.
    #[error("frontier encoding is {actual} bytes, shorter than the 8-byte size prefix")]
    FrontierTooShort {
        /// The length of the encoding.
        actual: usize,
    },
    /// A [`Frontier`](crate::Frontier) encoding does not hold one hash per set bit of its size.
    #[error("frontier encoding for size {size} is {actual} bytes, expected {expected}")]
    FrontierLength {
        /// The size read from the prefix.
        size: u64,
        /// `8 + 32 * popcount(size)`.
        expected: usize,
        /// The length of the encoding.
        actual: usize,
    },
}

/// `SHA-256(0x00 || entry)`: the hash of one log entry (RFC 9162 §2.1.1).
#[must_use]
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(entry);
    hasher.finalize().into()
}

/// `SHA-256(0x01 || left || right)`: the hash of an interior node (RFC 9162 §2.1.1).
#[must_use]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The root of the empty tree: `SHA-256("")` (`e3b0c442…b855`).
#[must_use]
pub fn empty_root() -> Hash {
    Sha256::digest(b"").into()
}

/// `MTH(D[n])` (RFC 9162 §2.1.1) over already computed leaf hashes. `O(n)` hashing.
#[must_use]
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => empty_root(),
        [leaf] => *leaf,
        _ => {
            let (left, right) = leaves.split_at(split(leaves.len()));
            node_hash(&root(left), &root(right))
        }
    }
}

/// RFC 9162 §2.1.3.1 `PATH(m, D[n])`: the audit path of leaf `index` in the tree made of
/// all `leaves`, deepest sibling first. `O(n)` hashing.
///
/// # Errors
///
/// [`ProofError::IndexOutOfRange`] if `index >= leaves.len()`.
pub fn inclusion_proof(leaves: &[Hash], index: u64) -> Result<Vec<Hash>, ProofError> {
    let size = len_u64(leaves);
    let m = usize::try_from(index)
        .ok()
        .filter(|&m| m < leaves.len())
        .ok_or(ProofError::IndexOutOfRange { index, size })?;
    let mut proof = Vec::with_capacity(inclusion_len(index, size));
    path(m, leaves, &mut proof);
    Ok(proof)
}

/// RFC 9162 §2.1.4.1 `PROOF(m, D[n])`: the consistency proof between the tree of the first
/// `old_size` leaves and the tree of all `leaves`. Empty when `old_size` is 0 or
/// `leaves.len()` (nothing to prove). `O(n)` hashing.
///
/// # Errors
///
/// [`ProofError::OldSizeTooLarge`] if `old_size > leaves.len()`.
pub fn consistency_proof(leaves: &[Hash], old_size: u64) -> Result<Vec<Hash>, ProofError> {
    let new_size = len_u64(leaves);
    let m = usize::try_from(old_size)
        .ok()
        .filter(|&m| m <= leaves.len())
        .ok_or(ProofError::OldSizeTooLarge { old_size, new_size })?;
    if m == 0 || m == leaves.len() {
        return Ok(Vec::new());
    }
    let mut proof = Vec::with_capacity(consistency_len(old_size, new_size));
    subproof(m, leaves, true, &mut proof);
    Ok(proof)
}

/// RFC 9162 §2.1.3.2: checks that `leaf` (a leaf hash) is at `index` in the tree of
/// `tree_size` leaves whose root is `root`, using the audit path `proof`.
///
/// # Errors
///
/// [`ProofError::IndexOutOfRange`] if `index >= tree_size`, [`ProofError::WrongLength`] if
/// the proof has the wrong number of hashes, [`ProofError::RootMismatch`] if it does not
/// lead to `root`.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    tree_size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= tree_size {
        return Err(ProofError::IndexOutOfRange {
            index,
            size: tree_size,
        });
    }
    let expected = inclusion_len(index, tree_size);
    let wrong_length = ProofError::WrongLength {
        expected,
        actual: proof.len(),
    };
    if proof.len() != expected {
        return Err(wrong_length);
    }
    let mut f_n = index;
    let mut s_n = tree_size - 1;
    let mut r = *leaf;
    for p in proof {
        if s_n == 0 {
            return Err(wrong_length);
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(wrong_length);
    }
    if r == *root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch {
            expected: *root,
            computed: r,
        })
    }
}

/// RFC 9162 §2.1.4.2: checks that the tree of `old_size` leaves with root `old_root` is a
/// prefix of the tree of `new_size` leaves with root `new_root`, using `proof`.
///
/// The RFC algorithm covers `0 < old_size < new_size`; the edge cases are decided here:
/// for `old_size == 0` the proof must be empty and `old_root` must be [`empty_root`]
/// (every tree extends the empty one, and `new_root` is only checked if `new_size` is 0
/// too); for `old_size == new_size` the proof must be empty and the roots equal.
///
/// # Errors
///
/// [`ProofError::OldSizeTooLarge`], [`ProofError::WrongLength`],
/// [`ProofError::OldRootMismatch`] or [`ProofError::RootMismatch`].
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::OldSizeTooLarge { old_size, new_size });
    }
    let expected = if old_size == 0 || old_size == new_size {
        0
    } else {
        consistency_len(old_size, new_size)
    };
    let wrong_length = ProofError::WrongLength {
        expected,
        actual: proof.len(),
    };
    if proof.len() != expected {
        return Err(wrong_length);
    }
    if old_size == 0 {
        check_root(&empty_root(), old_root, true)?;
        if new_size == 0 {
            return check_root(&empty_root(), new_root, false);
        }
        return Ok(());
    }
    if old_size == new_size {
        return check_root(old_root, new_root, false);
    }

    // Step 2: if old_size is a power of two, the old root itself is the first node.
    let (first, rest) = if old_size.is_power_of_two() {
        (*old_root, proof)
    } else {
        match proof.split_first() {
            Some((first, rest)) => (*first, rest),
            None => return Err(wrong_length),
        }
    };
    let mut f_n = old_size - 1;
    let mut s_n = new_size - 1;
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let mut f_r = first;
    let mut s_r = first;
    for c in rest {
        if s_n == 0 {
            return Err(wrong_length);
        }
        if f_n & 1 == 1 || f_n == s_n {
            f_r = node_hash(c, &f_r);
            s_r = node_hash(c, &s_r);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            s_r = node_hash(&s_r, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(wrong_length);
    }
    check_root(&f_r, old_root, true)?;
    check_root(&s_r, new_root, false)
}

fn check_root(computed: &Hash, expected: &Hash, old: bool) -> Result<(), ProofError> {
    if computed == expected {
        Ok(())
    } else if old {
        Err(ProofError::OldRootMismatch {
            expected: *expected,
            computed: *computed,
        })
    } else {
        Err(ProofError::RootMismatch {
            expected: *expected,
            computed: *computed,
        })
    }
}

/// The largest power of two smaller than `n`; `n >= 2`.
fn split(n: usize) -> usize {
    1 << (n - 1).ilog2()
}

/// [`split`] over `u64`; `n >= 2`.
fn split_u64(n: u64) -> u64 {
    1 << (n - 1).ilog2()
}

fn len_u64(leaves: &[Hash]) -> u64 {
    // usize is at most 64 bits on every supported target.
    leaves.len() as u64
}

/// `PATH(m, D[n])`, pushed deepest sibling first.
fn path(m: usize, leaves: &[Hash], out: &mut Vec<Hash>) {
    if leaves.len() <= 1 {
        return;
    }
    let k = split(leaves.len());
    let (left, right) = leaves.split_at(k);
    if m < k {
        path(m, left, out);
        out.push(root(right));
    } else {
        path(m - k, right, out);
        out.push(root(left));
    }
}

/// `SUBPROOF(m, D[n], complete)` for `0 < m <= n`.
fn subproof(m: usize, leaves: &[Hash], complete: bool, out: &mut Vec<Hash>) {
    if m == leaves.len() {
        if !complete {
            out.push(root(leaves));
        }
        return;
    }
    let k = split(leaves.len());
    let (left, right) = leaves.split_at(k);
    if m <= k {
        subproof(m, left, complete, out);
        out.push(root(right));
    } else {
        subproof(m - k, right, false, out);
        out.push(root(left));
    }
}

/// The length of `PATH(m, D[n])` for `m < n`.
fn inclusion_len(mut m: u64, mut n: u64) -> usize {
    let mut len = 0;
    while n > 1 {
        let k = split_u64(n);
        if m < k {
            n = k;
        } else {
            m -= k;
            n -= k;
        }
        len += 1;
    }
    len
}

/// The length of `PROOF(m, D[n])` for `0 < m < n`.
fn consistency_len(mut m: u64, mut n: u64) -> usize {
    let mut len = 0;
    let mut complete = true;
    while m != n {
        let k = split_u64(n);
        if m <= k {
            n = k;
        } else {
            m -= k;
            n -= k;
            complete = false;
        }
        len += 1;
    }
    if complete { len } else { len + 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_the_largest_power_of_two_below_n() {
        let expected = [(2, 1), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (1000, 512)];
        for (n, k) in expected {
            assert_eq!(split(n), k, "n = {n}");
            assert_eq!(split_u64(n as u64), k as u64, "n = {n}");
        }
        assert_eq!(split_u64(u64::MAX), 1 << 63);
    }

    #[test]
    fn proof_lengths_match_the_proofs() {
        let leaves: Vec<Hash> = (0u32..70).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        for n in 1..=leaves.len() {
            let tree = &leaves[..n];
            for m in 0..n {
                let proof = inclusion_proof(tree, m as u64).unwrap();
                assert_eq!(
                    proof.len(),
                    inclusion_len(m as u64, n as u64),
                    "m={m} n={n}"
                );
            }
            for m in 1..n {
                let proof = consistency_proof(tree, m as u64).unwrap();
                assert_eq!(
                    proof.len(),
                    consistency_len(m as u64, n as u64),
                    "m={m} n={n}"
                );
            }
        }
    }
}
