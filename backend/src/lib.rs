//! The listgate server: the browser app and the API on one port.
//! `main.rs` parses the command line; everything a test needs to start the
//! real server lives here. Layers import downwards only:
//! `app` → `http` → `services` → `db` → `domain` / `support`.

pub mod app;
pub mod db;
pub mod domain;
pub mod http;
pub mod services;
pub mod support;

pub use app::{ServerConfig, serve};
pub use http::AppState;
pub use http::connections::{ConnectionLimits, serve_on};
