//! What the merchant is told: the events of a submission's review and
//! import, as the webhook receives them (JSON) and as e-mail says them.

use listgate_api::{DecisionView, Verdict};
use serde::Serialize;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A reviewer approved the list.
    Approved,
    /// A reviewer asked for more.
    ChangesRequested,
    /// A reviewer rejected the list.
    Rejected,
    /// A batch was imported.
    BatchImported,
    /// The import paused (a reviewer, failures or delivery signals).
    Paused,
    /// A reviewer resumed it.
    Resumed,
    /// Every batch is imported.
    Completed,
}

impl EventKind {
    /// Every kind, as the schema's CHECK lists them.
    pub const ALL: [EventKind; 7] = [
        EventKind::Approved,
        EventKind::ChangesRequested,
        EventKind::Rejected,
        EventKind::BatchImported,
        EventKind::Paused,
        EventKind::Resumed,
        EventKind::Completed,
    ];

    /// The name stored and sent (`X-Listgate-Event`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Approved => "approved",
            EventKind::ChangesRequested => "changes_requested",
            EventKind::Rejected => "rejected",
            EventKind::BatchImported => "batch_imported",
            EventKind::Paused => "paused",
            EventKind::Resumed => "resumed",
            EventKind::Completed => "completed",
        }
    }

    /// The event a decision with `verdict` is.
    pub fn of(verdict: Verdict) -> EventKind {
        match verdict {
            Verdict::Approved => EventKind::Approved,
            Verdict::ChangesRequested => EventKind::ChangesRequested,
            Verdict::Rejected => EventKind::Rejected,
        }
    }
}

/// One event of one submission.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// What happened.
    pub event: EventKind,
    /// The submission it happened to.
    pub submission_id: String,
    /// What happened, in a sentence for the merchant.
    pub message: String,
    /// The decision, for decision events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionView>,
    /// The batch, for batch events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<u64>,
}

impl Event {
    /// A reviewer's decision.
    pub fn decided(submission: &str, decision: DecisionView) -> Event {
        let message = match decision.verdict {
            Verdict::Approved => match &decision.excluded {
                Some(excluded) => format!(
                    "Your list was approved without {} contacts the reviewer left out; the import starts once its plan is confirmed.",
                    excluded.contacts
                ),
                None => "Your list was approved; the import starts once its plan is confirmed."
                    .to_owned(),
            },
            Verdict::ChangesRequested => {
                "A reviewer needs more before approving your list: add it to the same submission."
                    .to_owned()
            }
            Verdict::Rejected => {
                "Your list was rejected: a new check of a corrected list makes a new submission."
                    .to_owned()
            }
        };
        Event {
            event: EventKind::of(decision.verdict),
            submission_id: submission.to_owned(),
            message,
            decision: Some(decision),
            batch: None,
        }
    }

    /// Any other event, told by `message`.
    pub fn new(event: EventKind, submission: &str, batch: Option<u64>, message: String) -> Event {
        Event {
            event,
            submission_id: submission.to_owned(),
            message,
            decision: None,
            batch,
        }
    }

    /// The e-mail's subject.
    pub fn subject(&self) -> String {
        let what = match self.event {
            EventKind::Approved => "approved".to_owned(),
            EventKind::ChangesRequested => "changes requested".to_owned(),
            EventKind::Rejected => "rejected".to_owned(),
            EventKind::BatchImported => {
                format!("batch {} imported", self.batch.unwrap_or_default())
            }
            EventKind::Paused => "import paused".to_owned(),
            EventKind::Resumed => "import resumed".to_owned(),
            EventKind::Completed => "import complete".to_owned(),
        };
        format!(
            "listgate: submission {} {what}",
            self.submission_id.get(..8).unwrap_or(&self.submission_id)
        )
    }

    /// The e-mail's text: the message, then what is missing and the note.
    pub fn text(&self) -> String {
        let mut text = format!("{}\n", self.message);
        if let Some(decision) = &self.decision {
            if !decision.reasons.is_empty() {
                text.push_str("\nWhat is missing:\n");
                for reason in &decision.reasons {
                    text.push_str(&format!("- {}\n", reason.missing));
                }
            }
            if !decision.note.is_empty() {
                text.push_str(&format!("\nThe reviewer's note: {}\n", decision.note));
            }
        }
        text.push_str(&format!("\nSubmission {}\n", self.submission_id));
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use listgate_api::{Reason, ReasonView};

    #[test]
    fn a_request_for_changes_says_what_is_missing() {
        let decision = DecisionView {
            verdict: Verdict::ChangesRequested,
            reasons: vec![ReasonView::from(Reason::InsufficientProof)],
            note: "add the pop-up".into(),
            excluded: None,
            decided_at: "2026-12-03T10:00:00+00:00".into(),
        };
        let event = Event::decided("0123456789abcdef", decision);
        assert_eq!(
            event.subject(),
            "listgate: submission 01234567 changes requested"
        );
        let text = event.text();
        assert!(text.contains("- proof of opt-in: screenshots"), "{text}");
        assert!(
            text.contains("The reviewer's note: add the pop-up"),
            "{text}"
        );
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["event"], "changes_requested");
        assert_eq!(
            json["decision"]["reasons"][0]["reason"],
            "insufficient_proof"
        );
        assert!(json.get("batch").is_none());
    }
}
