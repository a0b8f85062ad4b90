//! The matching engine: an open index plus the scoring model and thresholds, answering one
//! query at a time (`decide`) from any number of threads. It must never write anything.

use crate::matching::decision::{Band, Decision, Verdict};
use crate::matching::query::Query;
use std::path::Path;
use tanu_index::reader::{IndexError, RegistryIndex};

/// Why an engine could not start.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot open the index: {0}")]
    Index(#[from] IndexError),
    #[error("bad matching model: {0}")]
    Model(String),
}

/// The engine.
pub struct Engine {
    index: RegistryIndex,
    model_version: String,
}

impl Engine {
    /// Open the index in `dir` with the shipped model.
    pub fn open(dir: &Path) -> Result<Engine, EngineError> {
        Ok(Engine {
            index: RegistryIndex::open(dir)?,
            model_version: "tanu-fs-0".into(),
        })
    }

    pub fn index(&self) -> &RegistryIndex {
        &self.index
    }

    pub fn model_version(&self) -> &str {
        &self.model_version
    }

    /// Decide one query.
    pub fn decide(&self, query: &Query) -> Decision {
        Decision {
            request_id: query.request_id.clone(),
            decision: Verdict::Review,
            band: Band::Possible,
            candidates: Vec::new(),
            model_version: self.model_version.clone(),
            analysis: None,
        }
    }
}
