//! One calendar's part of the search index.
//!
//! The rows ("documents") are a table ordered by row id; the words are one sorted vocabulary,
//! kept as a single string with end offsets, each word with its postings (ordinals into the
//! table) in one shared array. A query word is a prefix: the words it matches are a range of
//! the vocabulary. Rows that change after the build are marked dead and their new version goes
//! to a small delta, read by scanning its text; when the delta grows, the segment is rebuilt
//! from what it holds, without decrypting anything again.

use super::fields::Kind;
use super::fold::words;
use std::collections::HashMap;
use std::mem::size_of;

/// One row of the calendar as search knows it.
#[derive(Clone, Copy, Debug)]
pub struct Doc {
    pub rowid: i64,
    /// The digest of the plaintext this was read from (the store files the same digest).
    pub digest: u64,
    pub kind: Kind,
    pub dead: bool,
}

#[derive(Default)]
pub struct Segment {
    /// The version of the store's placement index this segment was last brought up to.
    pub version: u64,
    docs: Vec<Doc>,
    /// `docs[..base]` are ordered by row id and indexed in the vocabulary; the rest are the
    /// delta, one folded text each in `delta`.
    base: usize,
    vocabulary: String,
    word_ends: Vec<u32>,
    posting_ends: Vec<u32>,
    postings: Vec<u32>,
    delta: Vec<Box<str>>,
    delta_rows: HashMap<i64, u32>,
    dead: usize,
}

impl Segment {
    pub fn doc(&self, ordinal: u32) -> &Doc {
        &self.docs[ordinal as usize]
    }

    /// Rows whose versions are live, dead ones excluded.
    pub fn live(&self) -> impl Iterator<Item = &Doc> {
        self.docs.iter().filter(|d| !d.dead)
    }

    /// Changes kept beside the vocabulary (a rebuild folds them in).
    pub fn delta_len(&self) -> usize {
        self.delta.len() + self.dead
    }

    /// The live document of a row.
    pub fn find(&self, rowid: i64) -> Option<u32> {
        let in_base = self.docs[..self.base]
            .binary_search_by_key(&rowid, |d| d.rowid)
            .ok()
            .map(|i| i as u32);
        in_base
            .filter(|&i| !self.docs[i as usize].dead)
            .or_else(|| self.delta_rows.get(&rowid).copied())
    }

    /// Marks a row's document dead (it changed or went).
    pub fn remove(&mut self, rowid: i64) {
        if let Some(i) = self.find(rowid) {
            self.docs[i as usize].dead = true;
            self.dead += 1;
            self.delta_rows.remove(&rowid);
        }
    }

    /// Adds a row's new version to the delta (its old one must be removed first).
    pub fn add(&mut self, doc: Doc, text: Box<str>) {
        let ordinal = self.docs.len() as u32;
        self.docs.push(doc);
        self.delta.push(text);
        self.delta_rows.insert(doc.rowid, ordinal);
    }

    fn word(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.word_ends[i - 1] } as usize;
        &self.vocabulary[start..self.word_ends[i] as usize]
    }

    fn postings_of(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.posting_ends[i - 1] } as usize;
        &self.postings[start..self.posting_ends[i] as usize]
    }

    /// The vocabulary words `prefix` matches: a range, as the vocabulary is sorted.
    fn prefixed(&self, prefix: &str) -> std::ops::Range<usize> {
        let n = self.word_ends.len();
        let lo = partition(n, |i| self.word(i) < prefix);
        let hi = lo + partition(n - lo, |i| self.word(lo + i).starts_with(prefix));
        lo..hi
    }

    /// The live documents that have, for every word of `terms`, a word starting with it.
    pub fn matching(&self, terms: &[String]) -> Vec<u32> {
        let mut out = Vec::new();
        if terms.is_empty() {
            return out;
        }
        let mut acc: Option<Vec<u64>> = None;
        for term in terms {
            let mut bits = vec![0u64; self.base.div_ceil(64)];
            for w in self.prefixed(term) {
                for &d in self.postings_of(w) {
                    bits[d as usize / 64] |= 1 << (d % 64);
                }
            }
            if let Some(prev) = &acc {
                bits.iter_mut().zip(prev).for_each(|(b, p)| *b &= p);
            }
            let empty = bits.iter().all(|&b| b == 0);
            acc = Some(bits);
            if empty {
                break;
            }
        }
        for (i, &word) in acc.unwrap_or_default().iter().enumerate() {
            let mut w = word;
            while w != 0 {
                let d = i * 64 + w.trailing_zeros() as usize;
                w &= w - 1;
                if !self.docs[d].dead {
                    out.push(d as u32);
                }
            }
        }
        for (j, text) in self.delta.iter().enumerate() {
            let d = self.base + j;
            if !self.docs[d].dead
                && terms
                    .iter()
                    .all(|t| words(text).any(|w| w.starts_with(t.as_str())))
            {
                out.push(d as u32);
            }
        }
        out
    }

    /// Feeds the live documents into `b`, as a rebuild starts.
    pub fn feed(self, b: &mut Builder) {
        let mut new_of = vec![u32::MAX; self.docs.len()];
        for (i, d) in self.docs.iter().enumerate() {
            if !d.dead {
                new_of[i] = b.push(*d);
            }
        }
        for w in 0..self.word_ends.len() {
            let docs = self
                .postings_of(w)
                .iter()
                .map(|&d| new_of[d as usize])
                .filter(|&d| d != u32::MAX);
            b.add_postings(self.word(w), docs);
        }
        for (j, text) in self.delta.iter().enumerate() {
            let d = new_of[self.base + j];
            if d != u32::MAX {
                b.add_words(d, words(text));
            }
        }
    }

    /// Bytes this segment holds on the heap.
    pub fn heap_bytes(&self) -> usize {
        self.docs.capacity() * size_of::<Doc>()
            + self.vocabulary.capacity()
            + (self.word_ends.capacity() + self.posting_ends.capacity() + self.postings.capacity())
                * size_of::<u32>()
            + self.delta.capacity() * size_of::<Box<str>>()
            + self.delta.iter().map(|t| t.len()).sum::<usize>()
            + self.delta_rows.capacity() * (size_of::<(i64, u32)>() + 1)
    }
}

/// The first `i` in `0..n` for which `pred` is false (`pred` true then false over the range).
fn partition(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Collects documents and their words, then lays them out as a `Segment`.
#[derive(Default)]
pub struct Builder {
    docs: Vec<Doc>,
    words: HashMap<Box<str>, Vec<u32>>,
}

impl Builder {
    /// Adds a document without words; its ordinal.
    pub fn push(&mut self, doc: Doc) -> u32 {
        self.docs.push(doc);
        (self.docs.len() - 1) as u32
    }

    /// Adds the words of document `d` (repeats are kept once).
    pub fn add_words<'a>(&mut self, d: u32, words: impl Iterator<Item = &'a str>) {
        for w in words {
            match self.words.get_mut(w) {
                Some(p) if p.last() == Some(&d) => {}
                Some(p) => p.push(d),
                None => {
                    self.words.insert(w.into(), vec![d]);
                }
            }
        }
    }

    fn add_postings(&mut self, word: &str, docs: impl Iterator<Item = u32>) {
        let mut docs = docs.peekable();
        if docs.peek().is_none() {
            return;
        }
        match self.words.get_mut(word) {
            Some(p) => p.extend(docs),
            None => {
                self.words.insert(word.into(), docs.collect());
            }
        }
    }

    /// Lays the documents out by row id and the vocabulary in order.
    pub fn finish(self, version: u64) -> Segment {
        let Builder { docs, words } = self;
        let mut order: Vec<u32> = (0..docs.len() as u32).collect();
        order.sort_unstable_by_key(|&i| docs[i as usize].rowid);
        let mut new_of = vec![0u32; docs.len()];
        for (new, &old) in order.iter().enumerate() {
            new_of[old as usize] = new as u32;
        }
        let docs: Vec<Doc> = order.iter().map(|&i| docs[i as usize]).collect();
        let mut words: Vec<(Box<str>, Vec<u32>)> = words.into_iter().collect();
        words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut seg = Segment {
            version,
            base: docs.len(),
            docs,
            word_ends: Vec::with_capacity(words.len()),
            posting_ends: Vec::with_capacity(words.len()),
            ..Segment::default()
        };
        seg.vocabulary
            .reserve_exact(words.iter().map(|(w, _)| w.len()).sum());
        seg.postings
            .reserve_exact(words.iter().map(|(_, p)| p.len()).sum());
        for (w, mut p) in words {
            p.iter_mut().for_each(|d| *d = new_of[*d as usize]);
            p.sort_unstable();
            p.dedup();
            seg.vocabulary.push_str(&w);
            seg.word_ends.push(seg.vocabulary.len() as u32);
            seg.postings.extend_from_slice(&p);
            seg.posting_ends.push(seg.postings.len() as u32);
        }
        seg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(rowid: i64) -> Doc {
        Doc {
            rowid,
            digest: rowid as u64,
            kind: Kind::Series,
            dead: false,
        }
    }

    fn build(rows: &[(i64, &str)]) -> Segment {
        let mut b = Builder::default();
        for &(rowid, text) in rows {
            let d = b.push(doc(rowid));
            b.add_words(d, words(text));
        }
        b.finish(1)
    }

    fn rows_of(seg: &Segment, terms: &[&str]) -> Vec<i64> {
        let terms: Vec<String> = terms.iter().map(|t| t.to_string()).collect();
        let mut r: Vec<i64> = seg
            .matching(&terms)
            .into_iter()
            .map(|d| seg.doc(d).rowid)
            .collect();
        r.sort();
        r
    }

    #[test]
    fn prefixes_match_ranges_and_several_words_must_all_match() {
        let seg = build(&[
            (30, "stand up daily"),
            (10, "standard review"),
            (20, "lunch at the cafe"),
        ]);
        assert_eq!(rows_of(&seg, &["stand"]), [10, 30]);
        assert_eq!(rows_of(&seg, &["stand", "up"]), [30]);
        assert_eq!(rows_of(&seg, &["stand", "lunch"]), Vec::<i64>::new());
        assert_eq!(rows_of(&seg, &["zzz"]), Vec::<i64>::new());
        assert_eq!(rows_of(&seg, &["c"]), [20]);
    }

    #[test]
    fn changes_go_to_the_delta_and_survive_a_rebuild() {
        let mut seg = build(&[(1, "alpha beta"), (2, "beta gamma"), (3, "delta")]);
        seg.remove(2);
        seg.add(doc(2), "beta omega".into());
        seg.remove(3);
        seg.add(doc(4), "alphabet".into());
        assert_eq!(rows_of(&seg, &["beta"]), [1, 2]);
        assert_eq!(rows_of(&seg, &["gamma"]), Vec::<i64>::new());
        assert_eq!(rows_of(&seg, &["alpha"]), [1, 4]);
        assert_eq!(seg.find(3), None);
        let mut b = Builder::default();
        seg.feed(&mut b);
        let seg = b.finish(2);
        assert_eq!(seg.delta_len(), 0);
        assert_eq!(rows_of(&seg, &["beta"]), [1, 2]);
        assert_eq!(rows_of(&seg, &["omega"]), [2]);
        assert_eq!(rows_of(&seg, &["alpha"]), [1, 4]);
        assert_eq!(rows_of(&seg, &["delta"]), Vec::<i64>::new());
        assert!(seg.find(4).is_some() && seg.find(3).is_none());
    }
}
