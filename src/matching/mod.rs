//! Matching: from a certificate query to a decision. `query` checks input, `candidates` finds
//! registry persons who could be the applicant, `compare` turns field pairs into comparison
//! levels, `model` weighs levels, `scoring` scores a person, `decision` is the answer's shape and
//! `engine` ties them together. Nothing here touches persistence or the network.

pub mod candidates;
pub mod compare;
pub mod decision;
pub mod engine;
pub mod model;
pub mod query;
pub mod scoring;
