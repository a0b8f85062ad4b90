//! The `tanu` binary's subcommands. Each file owns one group of commands and turns library
//! errors into messages for a person at a terminal; none of them holds engine logic.

pub mod index_cmds;
pub mod match_cmd;
pub mod progress;
pub mod rules_cmds;
pub mod serve_cmd;
