//! `tanu-tools`: the engineers' tools around tanu. `synth` generates synthetic worlds (registry,
//! queries, truth), `eval` measures a model on a labelled query set, `calibrate` estimates the
//! model's m and u probabilities, `load` replays queries against a running `tanu serve`.
//! Nothing here is used by the engine at run time.

pub mod calibrate;
pub mod eval;
pub mod load;
pub mod synth;
