//! Matching: from a certificate query to a decision. `query` checks input, `candidates` finds
//! registry persons who could be the applicant, `scoring` weighs each field, `decision` is the
//! answer's shape, `engine` ties them together. Nothing here touches persistence or the network.

pub mod decision;
pub mod engine;
pub mod query;
