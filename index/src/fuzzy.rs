//! The tantivy vocabulary of normalised name parts (`names/` inside an index directory): one
//! document per distinct skeleton (surnames, given names, patronymic roots of every name and
//! alias), whose term dictionary is searched with Levenshtein automata (edit distance up to 2)
//! for the typos that exact name keys miss. It returns spellings, never persons: the caller maps
//! spellings to persons through the name-key table. It must never rank candidates.

use crate::builder::BuildProgress;
use crate::format::PersonEntry;
use std::path::Path;
use std::sync::Arc;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::{Field, STRING, Schema};
use tantivy::{Index, InvertedIndexReader, ReloadPolicy, TantivyDocument, Term};

const PART: &str = "part";

fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field(PART, STRING);
    b.build()
}

/// Write the vocabulary index of `persons` into the empty directory `dir`.
pub fn build_name_index(
    dir: &Path,
    persons: &[PersonEntry],
    progress: &dyn BuildProgress,
) -> Result<(), String> {
    let schema = schema();
    let part = schema.get_field(PART).map_err(|e| e.to_string())?;
    let index = Index::create_in_dir(dir, schema).map_err(|e| e.to_string())?;
    let terms = crate::builder::vocabulary_terms(persons);
    // One thread: a single segment, built in term order, deterministic.
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(1, 200_000_000)
        .map_err(|e| e.to_string())?;
    for (i, t) in terms.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_text(part, t);
        writer.add_document(doc).map_err(|e| e.to_string())?;
        if i % 65_536 == 65_535 {
            progress.advance(65_536);
        }
    }
    writer.commit().map_err(|e| e.to_string())?;
    let ids = index.searchable_segment_ids().map_err(|e| e.to_string())?;
    if ids.len() > 1 {
        writer.merge(&ids).wait().map_err(|e| e.to_string())?;
    }
    writer.wait_merging_threads().map_err(|e| e.to_string())?;
    Ok(())
}

/// The opened vocabulary index.
pub struct FuzzyNameIndex {
    part: Field,
    docs: u64,
    /// The term dictionaries of every segment, opened once (the vocabulary never changes while
    /// an index is open).
    inverted: Vec<Arc<InvertedIndexReader>>,
}

/// Edit distance allowed for a term of this many characters: none for very short parts (every
/// three-letter name is within one edit of dozens of others), 1 up to eleven, 2 beyond. Vowel
/// slips are the phonetic key's; a Levenshtein automaton of distance 2 walks a large part of the
/// vocabulary (measured: 10× the time of distance 1), so it is kept for long names.
pub fn edit_distance_for(term: &str) -> u8 {
    match term.chars().count() {
        0..=3 => 0,
        4..=11 => 1,
        _ => 2,
    }
}

impl FuzzyNameIndex {
    /// Open the index in `dir` (already size-checked by the caller).
    pub fn open(dir: &Path) -> Result<FuzzyNameIndex, String> {
        let index = Index::open_in_dir(dir).map_err(|e| e.to_string())?;
        let part = index.schema().get_field(PART).map_err(|e| e.to_string())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| e.to_string())?;
        let searcher = reader.searcher();
        let docs = searcher.num_docs();
        let inverted = searcher
            .segment_readers()
            .iter()
            .map(|seg| seg.inverted_index(part))
            .collect::<tantivy::Result<Vec<_>>>()
            .map_err(|e| e.to_string())?;
        Ok(FuzzyNameIndex {
            part,
            docs,
            inverted,
        })
    }

    /// Number of distinct name parts.
    pub fn num_terms(&self) -> u64 {
        self.docs
    }

    /// Spellings in the registry within `edit_distance_for(term)` edits of `term` (adjacent
    /// transpositions count as one), the term itself excluded; at most `limit`. The flag says
    /// whether the limit cut the list short.
    pub fn variants(
        &self,
        term: &str,
        limit: usize,
        out: &mut Vec<String>,
    ) -> Result<bool, String> {
        out.clear();
        let d = edit_distance_for(term);
        if d == 0 || term.is_empty() || limit == 0 {
            return Ok(false);
        }
        let query = FuzzyTermQuery::new(Term::from_field_text(self.part, term), d, true);
        let automaton = query.automaton().map_err(|e| e.to_string())?;
        for inverted in &self.inverted {
            let mut stream = inverted
                .terms()
                .search(&automaton)
                .into_stream()
                .map_err(|e| e.to_string())?;
            while stream.advance() {
                let Ok(found) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if found == term || out.iter().any(|o| o == found) {
                    continue;
                }
                if out.len() == limit {
                    return Ok(true);
                }
                out.push(found.to_string());
            }
        }
        Ok(false)
    }

    /// Every term, in order (for `verify-index`).
    pub fn all_terms(&self) -> Result<Vec<String>, String> {
        let mut out = Vec::with_capacity(self.docs as usize);
        for inverted in &self.inverted {
            let mut stream = inverted.terms().stream().map_err(|e| e.to_string())?;
            while stream.advance() {
                out.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}
