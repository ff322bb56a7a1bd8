//! The right edge of the tree, enough to append and to compute the root without the leaves.

use crate::merkle::{Hash, ProofError, empty_root, node_hash};

/// The right edge of the tree: a "compact range" from leaf 0 to `size`.
///
/// A tree of `size` leaves is, from left to right, a sequence of perfect subtrees whose
/// sizes are the set bits of `size`, largest first (for 13 = 8 + 4 + 1: an 8-leaf, a
/// 4-leaf and a 1-leaf subtree). The frontier keeps the roots of those subtrees:
/// `popcount(size)` hashes, at most 64. Appending a leaf merges the equal-sized subtrees
/// at the end (like a binary counter's carry) and the tree root is the right-to-left fold
/// of the subtree roots, which is exactly `MTH` of RFC 9162 §2.1.1 because its split point
/// (the largest power of two below `n`) is the largest subtree.
///
/// The store keeps it in one database row ([`Frontier::to_bytes`]) updated in the same
/// transaction as each append.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Frontier {
    size: u64,
    /// Perfect subtree roots, largest subtree first.
    hashes: Vec<Hash>,
}

impl Frontier {
    /// The frontier of the empty tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The frontier of the tree made of `leaves` (leaf hashes).
    #[must_use]
    pub fn from_leaves(leaves: &[Hash]) -> Self {
        let mut frontier = Self::new();
        for leaf in leaves {
            frontier.push(*leaf);
        }
        frontier
    }

    /// The number of leaves pushed so far.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The perfect subtree roots, largest subtree first (one per set bit of [`size`](Self::size)).
    #[must_use]
    pub fn hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Appends one leaf hash. `O(log n)` hashing at worst, amortised `O(1)`.
    pub fn push(&mut self, leaf: Hash) {
        let mut carry = leaf;
        let mut size = self.size;
        // Each trailing set bit of `size` is a subtree as large as the one being carried.
        while size & 1 == 1 {
            match self.hashes.pop() {
                Some(left) => carry = node_hash(&left, &carry),
                None => break, // unreachable: the hash count is popcount(size)
            }
            size >>= 1;
        }
        self.hashes.push(carry);
        self.size += 1;
    }

    /// The root of the tree of all leaves pushed so far; equals [`root`](crate::root) of
    /// those leaves.
    #[must_use]
    pub fn root(&self) -> Hash {
        let mut iter = self.hashes.iter().rev();
        match iter.next() {
            None => empty_root(),
            Some(last) => iter.fold(*last, |acc, left| node_hash(left, &acc)),
        }
    }

    /// The 8-byte big-endian size followed by the subtree roots, largest first.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(8 + 32 * self.hashes.len());
        bytes.extend_from_slice(&self.size.to_be_bytes());
        for hash in &self.hashes {
            bytes.extend_from_slice(hash);
        }
        bytes
    }

    /// Decodes [`to_bytes`](Self::to_bytes).
    ///
    /// # Errors
    ///
    /// [`ProofError::FrontierTooShort`] without the 8-byte size, or
    /// [`ProofError::FrontierLength`] unless exactly `popcount(size)` hashes follow.
    pub fn from_bytes(bytes: &[u8]) -> Result<Frontier, ProofError> {
        let Some((size, rest)) = bytes.split_first_chunk::<8>() else {
            return Err(ProofError::FrontierTooShort {
                actual: bytes.len(),
            });
        };
        let size = u64::from_be_bytes(*size);
        let count = size.count_ones() as usize;
        let (hashes, remainder) = rest.as_chunks::<32>();
        if hashes.len() != count || !remainder.is_empty() {
            return Err(ProofError::FrontierLength {
                size,
                expected: 8 + 32 * count,
                actual: bytes.len(),
            });
        }
        Ok(Frontier {
            size,
            hashes: hashes.to_vec(),
        })
    }
}
