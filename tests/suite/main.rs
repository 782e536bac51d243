//! Lectern's integration tests, as one test binary (one link of the crate instead of eight):
//! `cargo test --test suite`. Each module is one area; `common` holds the shared helpers.
//! See tests/README.md.

mod bad_input;
mod build_site;
mod common;
mod csv_catalog;
mod curriculum;
mod editor_loop;
mod faults;
mod hostile;
mod incremental;
mod pathological;
mod snapshots;
mod strict_gate;
mod tokenize_vectors;
