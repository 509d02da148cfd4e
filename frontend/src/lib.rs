//! The listgate browser app: a Yew page ([`app`]) and a web worker
//! ([`worker`]) that runs listgate-core on the merchant's file. The page
//! only renders; the list is read and judged inside the worker and never
//! leaves the browser. [`widget`] embeds the same steps in partners' pages.

pub mod app;
pub mod protocol;
pub mod widget;
pub mod worker;
