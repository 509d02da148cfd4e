//! The listgate server: the browser app and the API on one port.
//! `main.rs` parses the command line; everything a test needs to start the
//! real server lives here.

pub mod db;
pub mod error;
pub mod import;
pub mod openapi;
pub mod retention;
pub mod reviewers;
pub mod store;
pub mod submissions;
pub mod tenants;
pub mod throttle;
pub mod web;
pub mod webhooks;
pub mod widget;

pub use web::{AppState, app, make_service, serve};
