//! Where a submission, a batch and a webhook delivery stand.

use crate::named_enum;
use serde::{Deserialize, Serialize};

/// Where a submission stands, from arrival to the end of its import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    /// Waiting for a reviewer.
    PendingReview,
    /// A reviewer asked for more: the merchant adds it to this submission,
    /// which then waits for review again.
    ChangesRequested,
    /// Approved; nothing is imported until a reviewer confirms the plan.
    Approved,
    /// The plan is confirmed and batches are being imported.
    Importing,
    /// Every batch is done.
    Imported,
    /// Refused for good: a new check makes a new submission.
    Rejected,
}

named_enum!(SubmissionStatus {
    PendingReview => "pending_review",
    ChangesRequested => "changes_requested",
    Approved => "approved",
    Importing => "importing",
    Imported => "imported",
    Rejected => "rejected",
});

impl SubmissionStatus {
    /// No decision or import will change it again.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            SubmissionStatus::Imported | SubmissionStatus::Rejected
        )
    }
}

/// What a reviewer decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Import it (perhaps without some sources or segments).
    Approved,
    /// The merchant must add what is missing first.
    ChangesRequested,
    /// Refused for good.
    Rejected,
}

named_enum!(Verdict {
    Approved => "approved",
    ChangesRequested => "changes_requested",
    Rejected => "rejected",
});

impl Verdict {
    /// The submission's status once this verdict is given.
    pub fn status(self) -> SubmissionStatus {
        match self {
            Verdict::Approved => SubmissionStatus::Approved,
            Verdict::ChangesRequested => SubmissionStatus::ChangesRequested,
            Verdict::Rejected => SubmissionStatus::Rejected,
        }
    }
}

/// Where one import batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    /// Waiting for its time (or for the schedule to resume).
    Queued,
    /// Being imported now.
    Running,
    /// Imported (some rows may have failed).
    Done,
    /// Every row failed.
    Failed,
}

named_enum!(BatchStatus {
    Queued => "queued",
    Running => "running",
    Done => "done",
    Failed => "failed",
});

/// Where a batch's webhook delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Being sent, or waiting to be retried.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up after its attempts (a reviewer can send it again).
    Failed,
}

named_enum!(DeliveryStatus {
    Pending => "pending",
    Delivered => "delivered",
    Failed => "failed",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_json() {
        for status in SubmissionStatus::ALL {
            assert_eq!(status.as_str().parse::<SubmissionStatus>(), Ok(*status));
            assert_eq!(
                serde_json::to_string(status).unwrap(),
                format!("\"{status}\"")
            );
        }
        for status in BatchStatus::ALL {
            assert_eq!(status.as_str().parse::<BatchStatus>(), Ok(*status));
        }
        for verdict in Verdict::ALL {
            assert_eq!(
                serde_json::to_string(&verdict.status()).unwrap(),
                serde_json::to_string(verdict).unwrap()
            );
        }
        assert!(
            "approve"
                .parse::<Verdict>()
                .unwrap_err()
                .contains("one of approved")
        );
    }
}
