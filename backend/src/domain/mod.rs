//! The server's domain: boundary types that validate on construction, the
//! statuses, decisions and reasons (shared with the app through
//! `listgate-api`), and pure policies (the ramp, the contact key).

pub mod contact;
pub mod event;
pub mod ledger;
pub mod ramp;
pub mod reviewer;
pub mod suppression;
pub mod tenant;

pub use listgate_api::{
    BatchStatus, DecisionRequest, DeliveryStatus, Exclusions, Plan, Reason, ReviewKind,
    SubmissionStatus, Verdict,
};
