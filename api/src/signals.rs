//! What the messaging platform reports about an imported batch once its
//! contacts were messaged: the delivery signals the ramp follows.

use serde::{Deserialize, Serialize};

/// One batch's outcome on the platform, in contacts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeliverySignals {
    /// Contacts a message was sent to.
    pub sent: u64,
    /// Contacts it reached.
    pub delivered: u64,
    /// Contacts it could not reach.
    #[serde(default)]
    pub failed: u64,
    /// Contacts who blocked the sender.
    #[serde(default)]
    pub blocked: u64,
    /// Contacts who reported the message as spam.
    #[serde(default)]
    pub reported_spam: u64,
    /// Contacts who opted out.
    #[serde(default)]
    pub opted_out: u64,
}

impl DeliverySignals {
    /// Why these counts cannot describe a batch of `contacts`, if they cannot.
    pub fn refusal(&self, contacts: u64) -> Option<String> {
        if self.sent > contacts {
            return Some(format!(
                "`sent` is {} but the batch has {contacts} contacts",
                self.sent
            ));
        }
        [
            ("delivered", self.delivered),
            ("failed", self.failed),
            ("blocked", self.blocked),
            ("reported_spam", self.reported_spam),
            ("opted_out", self.opted_out),
        ]
        .into_iter()
        .find(|(_, n)| *n > self.sent)
        .map(|(name, n)| format!("`{name}` is {n}, more than the {} sent", self.sent))
    }
}

/// When a batch's signals are healthy enough for the next batch to grow:
/// each share is of the contacts sent to. The tenant sets its own; these
/// are the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct SignalThresholds {
    /// Failed deliveries at most, in percent. Default 5.
    pub max_failed_percent: f64,
    /// Blocks and spam reports together at most, in percent. Default 1.
    pub max_blocked_percent: f64,
    /// Opt-outs at most, in percent. Default 3.
    pub max_opted_out_percent: f64,
}

impl Default for SignalThresholds {
    fn default() -> Self {
        SignalThresholds {
            max_failed_percent: 5.0,
            max_blocked_percent: 1.0,
            max_opted_out_percent: 3.0,
        }
    }
}

impl SignalThresholds {
    /// Why `signals` are not healthy, naming the first share over its
    /// threshold; `None` when they are.
    pub fn breach(&self, signals: &DeliverySignals) -> Option<String> {
        let sent = signals.sent.max(1) as f64;
        [
            ("failed", signals.failed, self.max_failed_percent),
            (
                "blocked or reported as spam",
                signals.blocked + signals.reported_spam,
                self.max_blocked_percent,
            ),
            ("opted out", signals.opted_out, self.max_opted_out_percent),
        ]
        .into_iter()
        .find(|(_, n, max)| *n as f64 * 100.0 / sent > *max)
        .map(|(what, n, max)| {
            format!(
                "{n} of {} contacts {what} ({:.1} %, over {max} %)",
                signals.sent,
                n as f64 * 100.0 / sent
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(sent: u64, failed: u64, blocked: u64, spam: u64, opted_out: u64) -> DeliverySignals {
        DeliverySignals {
            sent,
            delivered: sent - failed,
            failed,
            blocked,
            reported_spam: spam,
            opted_out,
        }
    }

    #[test]
    fn each_share_is_judged_against_its_threshold() {
        let limits = SignalThresholds::default();
        for (batch, breach) in [
            (signals(100, 5, 1, 0, 3), None),
            (
                signals(100, 6, 0, 0, 0),
                Some("6 of 100 contacts failed (6.0 %, over 5 %)"),
            ),
            (
                signals(200, 0, 2, 1, 0),
                Some("3 of 200 contacts blocked or reported as spam (1.5 %, over 1 %)"),
            ),
            (
                signals(100, 0, 0, 0, 4),
                Some("4 of 100 contacts opted out (4.0 %, over 3 %)"),
            ),
            (signals(0, 0, 0, 0, 0), None),
        ] {
            assert_eq!(limits.breach(&batch).as_deref(), breach, "{batch:?}");
        }
        let strict = SignalThresholds {
            max_blocked_percent: 0.0,
            ..limits
        };
        assert!(strict.breach(&signals(100, 0, 1, 0, 0)).is_some());
    }

    #[test]
    fn counts_must_fit_the_batch() {
        assert_eq!(signals(100, 1, 0, 0, 0).refusal(100), None);
        assert!(
            signals(101, 0, 0, 0, 0)
                .refusal(100)
                .unwrap()
                .contains("100 contacts")
        );
        let odd = DeliverySignals {
            sent: 10,
            delivered: 11,
            ..Default::default()
        };
        assert!(odd.refusal(100).unwrap().contains("`delivered` is 11"));
    }
}
