//! Stable sorting through one shared instance of the standard library's sort.
//!
//! Each `slice::sort_by` call site instantiates the whole stable sort (about a dozen functions)
//! for its element and closure types, and the wasm bundle pays for every copy. These helpers sort
//! a list of indices with one comparator type, then move the elements into place, so a call site
//! costs only a small closure and a permutation. Results equal `slice::sort_by`: ties keep their
//! order.

use std::cmp::Ordering;

/// `v.sort_by(cmp)`, stable.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = sorted_indices(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, order);
}

/// `v.sort_by_key(key)`, stable.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// `v.sort()`, stable.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The one instance of the library sort: indices ordered by `cmp`.
fn sorted_indices(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|a, b| cmp(*a, *b));
    idx
}

/// Puts `v[order[k]]` at position `k`, following each cycle of the permutation with swaps.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut k = start;
        while order[k] != usize::MAX {
            let src = order[k];
            order[k] = usize::MAX;
            if src == start {
                break;
            }
            v.swap(k, src);
            k = src;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_library_sort_and_keeps_ties_in_order() {
        // Pseudo-random pairs with many ties on the key; the tag shows tie order.
        let mut x: u64 = 7;
        for len in [0usize, 1, 2, 3, 10, 57, 300] {
            let mut v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((x >> 59) as u8, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|p| p.0);
            sort_by_key(&mut v, |p| p.0);
            assert_eq!(v, want, "length {len}");
            let mut rev = want.clone();
            rev.sort_by(|a, b| b.cmp(a));
            sort_by(&mut v, |a, b| b.cmp(a));
            assert_eq!(v, rev);
            sort(&mut v);
            want.sort();
            assert_eq!(v, want);
        }
    }
}
