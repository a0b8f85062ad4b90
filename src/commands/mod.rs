//! The `tanu` binary's subcommands. Each file owns one group of commands and turns library
//! errors into messages for a person at a terminal; none of them holds engine logic.

pub mod index_cmds;
pub mod match_cmd;
pub mod progress;
pub mod rules_cmds;
pub mod serve_cmd;

use anyhow::Result;
use std::path::Path;
use tanu::matching::engine::EngineOptions;
use tanu::matching::model::MatchModel;
use tanu_index::reader::StructureCheck;

/// Engine options of `match` and `serve`: the model from `--model` (default: the shipped one),
/// and the structure check their `--validate-structure` flag asks for.
fn engine_options(model: Option<&Path>, validate_structure: bool) -> Result<EngineOptions> {
    let model = match model {
        None => MatchModel::shipped(),
        Some(path) => {
            let model = MatchModel::from_file(path).map_err(anyhow::Error::msg)?;
            // Every decision names its model by version alone, so a version must name one set
            // of numbers: the shipped one's cannot be reused for edited numbers.
            let shipped = MatchModel::shipped();
            if model.version == shipped.version && model != shipped {
                anyhow::bail!(
                    "{}: version {:?} is the shipped model's, but the numbers differ: give the file a version of its own (every decision reports it)",
                    path.display(),
                    model.version
                );
            }
            model
        }
    };
    Ok(EngineOptions {
        model,
        structure_check: if validate_structure {
            StructureCheck::Full
        } else {
            StructureCheck::Checksum
        },
        ..EngineOptions::default()
    })
}
