//! The listgate server: the browser app and the API on one port.
//! `main.rs` parses the command line; everything a test needs to start the
//! real server lives here.

pub mod connections;
pub mod db;
pub mod error;
pub mod import;
pub mod openapi;
pub mod retention;
pub mod reviewers;
pub mod security_headers;
pub mod session_cookie;
pub mod store;
pub mod submissions;
pub mod tenants;
pub mod throttle;
pub mod transport;
pub mod web;
pub mod webhooks;
pub mod widget;

pub use connections::{ConnectionLimits, serve_on};
pub use web::{AppState, app, serve};
