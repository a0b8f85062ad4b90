//! The tantivy index of normalised name parts (`names/` inside an index directory): one document
//! per registry person with every skeleton of its names and aliases, searched with fuzzy terms
//! (edit distance up to 2) for the typos that name keys miss. It must never rank candidates:
//! tantivy's scores are constant for fuzzy hits, so it only returns person indexes.

use crate::builder::BuildProgress;
use crate::format::PersonEntry;
use std::path::Path;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{FAST, Field, IndexRecordOption, STRING, Schema};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

const PART: &str = "part";
const YEAR: &str = "year";
const PERSON: &str = "person";

fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field(PART, STRING);
    b.add_text_field(YEAR, STRING);
    b.add_u64_field(PERSON, FAST);
    b.build()
}

/// Write the name-part index of `persons` into the empty directory `dir`.
pub fn build_name_index(
    dir: &Path,
    persons: &[PersonEntry],
    progress: &dyn BuildProgress,
) -> Result<(), String> {
    let schema = schema();
    let (part, year, person) = fields(&schema).map_err(|e| e.to_string())?;
    let index = Index::create_in_dir(dir, schema).map_err(|e| e.to_string())?;
    let threads = rayon::current_num_threads().clamp(1, 8);
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(threads, 100_000_000 * threads)
        .map_err(|e| e.to_string())?;
    for (i, p) in persons.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        let mut seen: Vec<&str> = Vec::with_capacity(6);
        for n in &p.names {
            for t in [
                n.surname_skel.as_str(),
                n.given_skel.as_str(),
                n.patronymic_root.as_deref().unwrap_or(""),
            ] {
                if !t.is_empty() && !seen.contains(&t) {
                    seen.push(t);
                    doc.add_text(part, t);
                }
            }
        }
        if p.birth_key != 0 {
            doc.add_text(year, (p.birth_key / 10_000).to_string());
        }
        doc.add_u64(person, i as u64);
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

fn fields(schema: &Schema) -> tantivy::Result<(Field, Field, Field)> {
    Ok((
        schema.get_field(PART)?,
        schema.get_field(YEAR)?,
        schema.get_field(PERSON)?,
    ))
}

/// The opened name-part index.
pub struct FuzzyNameIndex {
    reader: IndexReader,
    part: Field,
    year: Field,
    docs: u64,
}

/// What a fuzzy search found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FuzzyHits {
    /// Person indexes (into the archive's `persons`).
    pub persons: Vec<u32>,
    /// Whether the limit cut the result short.
    pub capped: bool,
}

/// Edit distance allowed for a term of this many characters.
pub fn edit_distance_for(term: &str) -> u8 {
    match term.chars().count() {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    }
}

impl FuzzyNameIndex {
    /// Open the index in `dir` (already checksummed by the caller).
    pub fn open(dir: &Path) -> Result<FuzzyNameIndex, String> {
        let index = Index::open_in_dir(dir).map_err(|e| e.to_string())?;
        let schema = index.schema();
        let (part, year, _) = fields(&schema).map_err(|e| e.to_string())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| e.to_string())?;
        let docs = reader.searcher().num_docs();
        Ok(FuzzyNameIndex {
            reader,
            part,
            year,
            docs,
        })
    }

    /// Number of persons indexed.
    pub fn num_docs(&self) -> u64 {
        self.docs
    }

    /// Persons that have a name part within the edit distance of every term of `terms`
    /// (skeletons), those born in `year` first; at most `limit`.
    pub fn search(
        &self,
        terms: &[&str],
        year: Option<u16>,
        limit: usize,
    ) -> Result<FuzzyHits, String> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for t in terms.iter().filter(|t| !t.is_empty()) {
            let term = Term::from_field_text(self.part, t);
            let d = edit_distance_for(t);
            let q: Box<dyn Query> = if d == 0 {
                Box::new(TermQuery::new(term, IndexRecordOption::Basic))
            } else {
                Box::new(FuzzyTermQuery::new(term, d, true))
            };
            clauses.push((Occur::Must, q));
        }
        if clauses.is_empty() || limit == 0 {
            return Ok(FuzzyHits::default());
        }
        if let Some(y) = year {
            clauses.push((
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.year, &y.to_string()),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let top = searcher
            .search(&query, &TopDocs::with_limit(limit + 1).order_by_score())
            .map_err(|e| e.to_string())?;
        let capped = top.len() > limit;
        let mut persons = Vec::with_capacity(top.len().min(limit));
        for (_, addr) in top.into_iter().take(limit) {
            let seg = searcher.segment_reader(addr.segment_ord);
            let col = seg.fast_fields().u64(PERSON).map_err(|e| e.to_string())?;
            if let Some(p) = col.first(addr.doc_id) {
                persons.push(p as u32);
            }
        }
        Ok(FuzzyHits { persons, capped })
    }

    /// The person index stored in every document, in doc order (for `verify-index`).
    pub fn all_persons(&self) -> Result<Vec<u64>, String> {
        let searcher = self.reader.searcher();
        let mut out = Vec::with_capacity(self.docs as usize);
        for seg in searcher.segment_readers() {
            let col = seg.fast_fields().u64(PERSON).map_err(|e| e.to_string())?;
            for doc in 0..seg.max_doc() {
                if seg.is_deleted(doc) {
                    continue;
                }
                out.push(col.first(doc).ok_or("a document has no person")?);
            }
        }
        Ok(out)
    }
}
