//! The JSON the listgate server and its browser app exchange. Both sides
//! build on these types, so a status, a decision or a reason is an enum on
//! each side of the wire, never a string compared in many places.
//!
//! With the `openapi` feature every type also describes itself for the
//! server's OpenAPI document.
#![deny(missing_docs)]

pub mod declaration;
pub mod ledger;
pub mod plan;
pub mod review;
pub mod signals;
pub mod status;
pub mod suppressions;
pub mod views;

pub use declaration::{ConsentDeclaration, ConsentDetails, DeclaredText, SelfCheck, Settings};
pub use ledger::{
    ConfirmationCounts, ConsentChain, ConsentEventKind, ConsentEventView, ConsentGiven,
    ConsentReport, ConsentState, ContactConsent, ContactState, LedgerDecision, LedgerSubmission,
    OptOutView, SuppressionKind, SuppressionOrigin,
};
pub use plan::{Exclusions, Plan, PlanError};
pub use review::{Reason, ReviewKind, SelfCheckQuestion};
pub use signals::{DeliverySignals, SignalThresholds};
pub use status::{BatchStatus, DeliveryStatus, SubmissionStatus, Verdict};
pub use suppressions::{HashedSuppression, HashedSuppressions};
pub use views::{
    AmendmentView, BatchView, ContactView, ContactsPage, DecisionRequest, DecisionView, Declared,
    DeliveryView, EvidenceView, ExcludedView, QueueItem, ReasonView, ScheduleView, SubmissionView,
};

/// Implements `as_str`, `ALL`, `Display` and `FromStr` for a unit enum whose
/// serde names are the given strings, so the database, the JSON and the
/// code agree on one spelling. Exported for the server's own stored names.
#[macro_export]
macro_rules! named_enum {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name stored in the database and sent in JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(text: &str) -> Result<Self, String> {
                match text {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "`{other}` is not a {}: one of {}",
                        stringify!($name),
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}
