//! The integration tests, one binary: each module drives one domain through
//! the real router and a fresh database (see `common`). One binary links once
//! instead of eleven times, which is most of what `cargo test` spends.

#[allow(dead_code)]
mod common;

mod accounts;
mod agents;
mod billing;
mod bounds;
mod customers;
mod delivery;
mod embedded;
mod http_layers;
mod insights;
mod licenses;
mod privileges;
mod limits;
mod teams;
mod tenant;
