//! `tanu`: the engine behind Kazakhstan's criminal-record and administrative-offence
//! certificates. `matching` finds and scores registry persons for a query and decides clear or
//! review; `rules` applies the law (expunction, limitation, calendar); `certificate` signs;
//! `service` serves it all over gRPC. The index itself is `tanu_index`'s.

pub mod certificate;
pub mod matching;
pub mod rules;
pub mod service;
