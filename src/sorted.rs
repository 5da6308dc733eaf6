//! Ordered maps and sets kept as sorted vectors.
//!
//! They behave as `std::collections::BTreeMap` and `BTreeSet` for everything podlab does with
//! them (iteration in key order, `range`, `entry`, `retain`, equality), but each
//! key/value combination costs a binary search and a vector instead of a whole B-tree (insert,
//! remove with its rebalancing, clone, drop): with about forty combinations in the engine and the
//! model, the B-tree copies were the largest generic code in the wasm bundle. Inserting or
//! removing in the middle moves the entries after it: cheap for small maps (labels, selectors,
//! per-node and per-command state), far too slow for the engine's maps that grow with the cluster
//! and change on every step, which stay `BTreeMap` (CONTRIBUTING.md, "Bundle size").

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::ops::{Bound, Index, RangeBounds};

/// A map ordered by key; see the module documentation.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

fn pair_ref<K, V>(e: &(K, V)) -> (&K, &V) {
    (&e.0, &e.1)
}

fn pair_mut<K, V>(e: &mut (K, V)) -> (&K, &mut V) {
    (&e.0, &mut e.1)
}

fn key_ref<K, V>(e: &(K, V)) -> &K {
    &e.0
}

fn value_ref<K, V>(e: &(K, V)) -> &V {
    &e.1
}

fn value_mut<K, V>(e: &mut (K, V)) -> &mut V {
    &mut e.1
}

fn key_owned<K, V>(e: (K, V)) -> K {
    e.0
}

fn value_owned<K, V>(e: (K, V)) -> V {
    e.1
}

pub type Iter<'a, K, V> = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&(K, V)) -> (&K, &V)>;
pub type IterMut<'a, K, V> =
    std::iter::Map<std::slice::IterMut<'a, (K, V)>, fn(&mut (K, V)) -> (&K, &mut V)>;
pub type Keys<'a, K, V> = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&(K, V)) -> &K>;
pub type Values<'a, K, V> = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&(K, V)) -> &V>;
pub type ValuesMut<'a, K, V> =
    std::iter::Map<std::slice::IterMut<'a, (K, V)>, fn(&mut (K, V)) -> &mut V>;
pub type IntoKeys<K, V> = std::iter::Map<std::vec::IntoIter<(K, V)>, fn((K, V)) -> K>;
pub type IntoValues<K, V> = std::iter::Map<std::vec::IntoIter<(K, V)>, fn((K, V)) -> V>;

impl<K, V> SortedMap<K, V> {
    pub const fn new() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn iter(&self) -> Iter<'_, K, V> {
        self.entries.iter().map(pair_ref as fn(&(K, V)) -> (&K, &V))
    }

    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        self.entries
            .iter_mut()
            .map(pair_mut as fn(&mut (K, V)) -> (&K, &mut V))
    }

    pub fn keys(&self) -> Keys<'_, K, V> {
        self.entries.iter().map(key_ref as fn(&(K, V)) -> &K)
    }

    pub fn values(&self) -> Values<'_, K, V> {
        self.entries.iter().map(value_ref as fn(&(K, V)) -> &V)
    }

    pub fn values_mut(&mut self) -> ValuesMut<'_, K, V> {
        self.entries
            .iter_mut()
            .map(value_mut as fn(&mut (K, V)) -> &mut V)
    }

    pub fn into_keys(self) -> IntoKeys<K, V> {
        self.entries.into_iter().map(key_owned as fn((K, V)) -> K)
    }

    pub fn into_values(self) -> IntoValues<K, V> {
        self.entries.into_iter().map(value_owned as fn((K, V)) -> V)
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(pair_ref)
    }

    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(pair_ref)
    }

    pub fn pop_first(&mut self) -> Option<(K, V)> {
        if self.entries.is_empty() {
            None
        } else {
            Some(self.entries.remove(0))
        }
    }

    pub fn pop_last(&mut self) -> Option<(K, V)> {
        self.entries.pop()
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

/// The one instance of the binary search behind every map's and set's `find` (and other sorted
/// lists'): the library's `binary_search_by` was a copy per key type and borrowed form (35 in
/// the page). `probe(i)` says how entry `i` compares with the key; with unique keys a match is
/// the match.
pub(crate) fn search(len: usize, probe: &dyn Fn(usize) -> Ordering) -> Result<usize, usize> {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match probe(mid) {
            Ordering::Less => lo = mid + 1,
            Ordering::Greater => hi = mid,
            Ordering::Equal => return Ok(mid),
        }
    }
    Err(lo)
}

impl<K: Ord, V> SortedMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        search(self.entries.len(), &|i| self.entries[i].0.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_key_value<Q: Ord + ?Sized>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| pair_ref(&self.entries[i]))
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        match self.find(key) {
            Ok(i) => Some(&mut self.entries[i].1),
            Err(_) => None,
        }
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// As `BTreeMap::insert`: the old value comes back and the old key stays.
    // Not inlined: each map type's copy is shared by its callers (494 B of the page, gzipped).
    #[inline(never)]
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }

    pub fn remove_entry<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
    {
        match self.find(key) {
            Ok(i) => Some(self.entries.remove(i)),
            Err(_) => None,
        }
    }

    /// The value under `key`, a default one put there first if there is none. The key is
    /// copied only then: `entry` takes it owned, so an update of a kept entry copied it too.
    pub fn get_or_insert_default<Q>(&mut self, key: &Q) -> &mut V
    where
        K: Borrow<Q>,
        Q: Ord + ToOwned<Owned = K> + ?Sized,
        V: Default,
    {
        let i = match self.find(key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key.to_owned(), V::default()));
                i
            }
        };
        &mut self.entries[i].1
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        match self.find(&key) {
            Ok(index) => Entry::Occupied(OccupiedEntry { map: self, index }),
            Err(index) => Entry::Vacant(VacantEntry {
                map: self,
                index,
                key,
            }),
        }
    }

    /// The entries whose keys fall in `range`, in order.
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: R) -> Iter<'_, K, V>
    where
        K: Borrow<Q>,
    {
        let start = match range.start_bound() {
            Bound::Included(q) => self.find(q).unwrap_or_else(|i| i),
            Bound::Excluded(q) => self.find(q).map_or_else(|i| i, |i| i + 1),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(q) => self.find(q).map_or_else(|i| i, |i| i + 1),
            Bound::Excluded(q) => self.find(q).unwrap_or_else(|i| i),
            Bound::Unbounded => self.entries.len(),
        };
        let end = end.max(start);
        self.entries[start..end]
            .iter()
            .map(pair_ref as fn(&(K, V)) -> (&K, &V))
    }

    /// Mutable entries whose keys fall in `range`, in order.
    pub fn range_mut<Q: Ord + ?Sized, R: RangeBounds<Q>>(&mut self, range: R) -> IterMut<'_, K, V>
    where
        K: Borrow<Q>,
    {
        let start = match range.start_bound() {
            Bound::Included(q) => self.find(q).unwrap_or_else(|i| i),
            Bound::Excluded(q) => self.find(q).map_or_else(|i| i, |i| i + 1),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(q) => self.find(q).map_or_else(|i| i, |i| i + 1),
            Bound::Excluded(q) => self.find(q).unwrap_or_else(|i| i),
            Bound::Unbounded => self.entries.len(),
        };
        let end = end.max(start);
        self.entries[start..end]
            .iter_mut()
            .map(pair_mut as fn(&mut (K, V)) -> (&K, &mut V))
    }

    /// Appends entries that come in key order, else inserts them one by one.
    fn push_or_insert(&mut self, key: K, value: V) {
        match self.entries.last() {
            Some((last, _)) if *last < key => self.entries.push((key, value)),
            None => self.entries.push((key, value)),
            _ => {
                self.insert(key, value);
            }
        }
    }
}

pub enum Entry<'a, K, V> {
    Occupied(OccupiedEntry<'a, K, V>),
    Vacant(VacantEntry<'a, K, V>),
}

pub struct OccupiedEntry<'a, K, V> {
    map: &'a mut SortedMap<K, V>,
    index: usize,
}

pub struct VacantEntry<'a, K, V> {
    map: &'a mut SortedMap<K, V>,
    index: usize,
    key: K,
}

impl<'a, K, V> Entry<'a, K, V> {
    pub fn or_insert(self, default: V) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(default),
        }
    }

    pub fn or_insert_with(self, default: impl FnOnce() -> V) -> &'a mut V {
        match self {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(default()),
        }
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    pub fn and_modify(mut self, f: impl FnOnce(&mut V)) -> Self {
        if let Entry::Occupied(e) = &mut self {
            f(e.get_mut());
        }
        self
    }

    pub fn key(&self) -> &K {
        match self {
            Entry::Occupied(e) => e.key(),
            Entry::Vacant(e) => e.key(),
        }
    }
}

impl<'a, K, V> OccupiedEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.map.entries[self.index].0
    }

    pub fn get(&self) -> &V {
        &self.map.entries[self.index].1
    }

    pub fn get_mut(&mut self) -> &mut V {
        &mut self.map.entries[self.index].1
    }

    pub fn into_mut(self) -> &'a mut V {
        &mut self.map.entries[self.index].1
    }

    pub fn insert(&mut self, value: V) -> V {
        std::mem::replace(self.get_mut(), value)
    }

    pub fn remove(self) -> V {
        self.map.entries.remove(self.index).1
    }

    pub fn remove_entry(self) -> (K, V) {
        self.map.entries.remove(self.index)
    }
}

impl<'a, K, V> VacantEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.key
    }

    pub fn into_key(self) -> K {
        self.key
    }

    pub fn insert(self, value: V) -> &'a mut V {
        self.map.entries.insert(self.index, (self.key, value));
        &mut self.map.entries[self.index].1
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = SortedMap::new();
        map.extend(iter);
        map
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        // Room for what is known to come, exactly: `reserve` rounds up to four entries, and a
        // pod's map of one container took room for four (6 MB at 10,000 pods; issue 16).
        // Only into an empty map: exact growth on every extend would copy again and again.
        if self.entries.is_empty() {
            self.entries.reserve_exact(iter.size_hint().0);
        } else {
            self.entries.reserve(iter.size_hint().0);
        }
        for (k, v) in iter {
            self.push_or_insert(k, v);
        }
    }
}

impl<'a, K: Ord + Copy, V: Copy> Extend<(&'a K, &'a V)> for SortedMap<K, V> {
    fn extend<I: IntoIterator<Item = (&'a K, &'a V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.push_or_insert(*k, *v);
        }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut SortedMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> Index<&Q> for SortedMap<K, V> {
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

/// A set ordered by value; see the module documentation.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SortedSet<T> {
    items: Vec<T>,
}

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        SortedSet { items: Vec::new() }
    }
}

impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.items.iter()).finish()
    }
}

impl<T> SortedSet<T> {
    pub const fn new() -> Self {
        SortedSet { items: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }

    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }

    pub fn pop_first(&mut self) -> Option<T> {
        if self.items.is_empty() {
            None
        } else {
            Some(self.items.remove(0))
        }
    }

    pub fn pop_last(&mut self) -> Option<T> {
        self.items.pop()
    }

    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep);
    }
}

impl<T: Ord> SortedSet<T> {
    fn find<Q: Ord + ?Sized>(&self, value: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        search(self.items.len(), &|i| self.items[i].borrow().cmp(value))
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(value).is_ok()
    }

    pub fn get<Q: Ord + ?Sized>(&self, value: &Q) -> Option<&T>
    where
        T: Borrow<Q>,
    {
        self.find(value).ok().map(|i| &self.items[i])
    }

    /// As `BTreeSet::insert`: false (and the old value kept) when it was there.
    pub fn insert(&mut self, value: T) -> bool {
        match self.find(&value) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, value);
                true
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.take(value).is_some()
    }

    pub fn take<Q: Ord + ?Sized>(&mut self, value: &Q) -> Option<T>
    where
        T: Borrow<Q>,
    {
        match self.find(value) {
            Ok(i) => Some(self.items.remove(i)),
            Err(_) => None,
        }
    }

    /// The values in `range`, in order.
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(&self, range: R) -> std::slice::Iter<'_, T>
    where
        T: Borrow<Q>,
    {
        let start = match range.start_bound() {
            Bound::Included(q) => self.find(q).unwrap_or_else(|i| i),
            Bound::Excluded(q) => self.find(q).map_or_else(|i| i, |i| i + 1),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(q) => self.find(q).map_or_else(|i| i, |i| i + 1),
            Bound::Excluded(q) => self.find(q).unwrap_or_else(|i| i),
            Bound::Unbounded => self.items.len(),
        };
        self.items[start..end.max(start)].iter()
    }

    pub fn is_subset(&self, other: &SortedSet<T>) -> bool {
        self.items.iter().all(|t| other.contains(t))
    }

    pub fn is_superset(&self, other: &SortedSet<T>) -> bool {
        other.is_subset(self)
    }

    pub fn is_disjoint(&self, other: &SortedSet<T>) -> bool {
        !self.items.iter().any(|t| other.contains(t))
    }

    pub fn union<'a>(&'a self, other: &'a SortedSet<T>) -> impl Iterator<Item = &'a T> + 'a {
        let mut all: Vec<&T> = self.items.iter().chain(other.items.iter()).collect();
        crate::sort::sort(&mut all);
        all.dedup();
        all.into_iter()
    }

    pub fn intersection<'a>(&'a self, other: &'a SortedSet<T>) -> impl Iterator<Item = &'a T> + 'a {
        self.items.iter().filter(move |t| other.contains(*t))
    }

    pub fn difference<'a>(&'a self, other: &'a SortedSet<T>) -> impl Iterator<Item = &'a T> + 'a {
        self.items.iter().filter(move |t| !other.contains(*t))
    }

    fn push_or_insert(&mut self, value: T) {
        match self.items.last() {
            Some(last) if *last < value => self.items.push(value),
            None => self.items.push(value),
            _ => {
                self.insert(value);
            }
        }
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = SortedSet::new();
        set.extend(iter);
        set
    }
}

impl<T: Ord> Extend<T> for SortedSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for t in iter {
            self.push_or_insert(t);
        }
    }
}

impl<'a, T: Ord + Copy + 'a> Extend<&'a T> for SortedSet<T> {
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, iter: I) {
        for t in iter {
            self.push_or_insert(*t);
        }
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for SortedSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T> IntoIterator for SortedSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn get_or_insert_default_finds_or_puts_a_default_in_order() {
        let mut m: SortedMap<String, i64> = SortedMap::new();
        *m.get_or_insert_default("node-2") += 3;
        *m.get_or_insert_default("node-1") += 1;
        *m.get_or_insert_default("node-2") -= 1;
        let got: Vec<(&str, i64)> = m.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(got, [("node-1", 1), ("node-2", 2)]);
    }

    #[test]
    fn map_matches_btreemap() {
        let mut a = SortedMap::new();
        let mut b = BTreeMap::new();
        let mut x: u64 = 7;
        for _ in 0..2000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let k = (x >> 33) % 64;
            match (x >> 20) % 4 {
                0 => assert_eq!(a.remove(&k), b.remove(&k)),
                1 => *a.entry(k).or_insert(0) += 1,
                _ => assert_eq!(a.insert(k, x % 10), b.insert(k, x % 10)),
            }
            if (x >> 20) % 4 == 1 {
                *b.entry(k).or_insert(0) += 1;
            }
            assert!(a.iter().eq(b.iter()));
            let lo = (x >> 40) % 64;
            assert!(a.range(lo..).eq(b.range(lo..)));
            assert!(a.range(..=lo).eq(b.range(..=lo)));
            assert!(a.range(lo..lo + 5).eq(b.range(lo..lo + 5)));
        }
        let from: SortedMap<u8, u8> = [(3, 1), (1, 2), (3, 4)].into_iter().collect();
        let std: BTreeMap<u8, u8> = [(3, 1), (1, 2), (3, 4)].into_iter().collect();
        assert!(from.iter().eq(std.iter()));
    }

    #[test]
    fn set_matches_btreeset() {
        let a: SortedSet<u8> = [5, 1, 3, 1, 9].into_iter().collect();
        let b: BTreeSet<u8> = [5, 1, 3, 1, 9].into_iter().collect();
        assert!(a.iter().eq(b.iter()));
        assert!(a.range(2..=5).eq(b.range(2..=5)));
    }
}
