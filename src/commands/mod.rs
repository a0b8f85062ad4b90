//! The `tanu` binary's subcommands. Each file owns one group of commands and turns library
//! errors into messages for a person at a terminal; none of them holds engine logic.

pub mod index_cmds;
pub mod match_cmd;
pub mod progress;
pub mod rules_cmds;
pub mod serve_cmd;

use tanu::matching::engine::EngineOptions;
use tanu_index::reader::StructureCheck;

/// Engine options of `match` and `serve`: the shipped model, and the structure check their
/// `--validate-structure` flag asks for.
fn engine_options(validate_structure: bool) -> EngineOptions {
    EngineOptions {
        structure_check: if validate_structure {
            StructureCheck::Full
        } else {
            StructureCheck::Checksum
        },
        ..EngineOptions::default()
    }
}
