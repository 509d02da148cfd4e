//! The listgate server: serves the browser app and (with later releases)
//! the API on one port. `main.rs` parses the command line; everything a
//! test needs to start the real server lives here.

pub mod web;

pub use web::{AppState, app, serve};
