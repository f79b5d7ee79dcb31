//! The core: scope, user records, plan, delivery and report. Safe Rust with plain types;
//! it knows nothing of C.

pub mod change;
pub mod diagnose;
pub mod engine;
pub mod listing;
pub mod plan;
pub mod record;
pub mod report;
pub mod scope;
pub mod state;
pub mod verify;

#[cfg(test)]
mod plan_tests;
