//! The import plan a reviewer confirms before anything is imported, and the
//! parts of a list an approval leaves out.

use listgate_core::{BatchOptions, Segment};
use serde::{Deserialize, Serialize};

/// How a list is imported: a first batch, growing by `growth` after each
/// healthy batch up to `cap`, `interval_seconds` apart, and never more than
/// `daily_cap` contacts in 24 hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Contacts in the first batch.
    pub first_batch: u64,
    /// Each healthy batch is this many times the last (1: steady).
    pub growth: u64,
    /// The largest batch.
    pub cap: u64,
    /// Seconds between batches (a day is 86,400).
    pub interval_seconds: u64,
    /// Contacts imported in any 24 hours at most; `None`: no daily limit.
    #[serde(default)]
    pub daily_cap: Option<u64>,
}

/// Why a plan cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError(pub String);

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The longest wait between batches: 30 days.
pub const MAX_INTERVAL_SECONDS: u64 = 30 * 86_400;
/// The fastest growth a plan may have.
pub const MAX_GROWTH: u64 = 10;

impl Plan {
    /// The plan the merchant proposed with their check (`--batch-first`,
    /// `--batch-cap`, the report's batches), doubling, `interval_seconds` apart.
    pub fn proposed(batches: &BatchOptions, interval_seconds: u64) -> Plan {
        Plan {
            first_batch: batches.first.max(1),
            growth: 2,
            cap: batches.cap.max(batches.first).max(1),
            interval_seconds,
            daily_cap: None,
        }
    }

    /// The plan if every number is usable, else what is wrong and how to fix it.
    pub fn validated(self) -> Result<Plan, PlanError> {
        let refuse = |why: String| Err(PlanError(why));
        if self.first_batch == 0 || self.cap == 0 {
            return refuse("a plan's first batch and cap are at least one contact".into());
        }
        if self.first_batch > self.cap {
            return refuse(format!(
                "the first batch ({}) is larger than the cap ({}): lower it or raise the cap",
                self.first_batch, self.cap
            ));
        }
        if !(1..=MAX_GROWTH).contains(&self.growth) {
            return refuse(format!(
                "growth is 1 (steady) to {MAX_GROWTH} times the last batch, not {}",
                self.growth
            ));
        }
        if self.interval_seconds > MAX_INTERVAL_SECONDS {
            return refuse(format!(
                "batches are at most 30 days ({MAX_INTERVAL_SECONDS} s) apart, not {} s",
                self.interval_seconds
            ));
        }
        match self.daily_cap {
            Some(0) => refuse("a daily cap is at least one contact; leave it out for none".into()),
            Some(daily) if daily < self.first_batch => refuse(format!(
                "the first batch ({}) is over the daily cap ({daily}): lower the batch or raise the cap",
                self.first_batch
            )),
            _ => Ok(self),
        }
    }
}

/// What an approval leaves out of the import: rows from these opt-in
/// sources, and rows of these consent segments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct Exclusions {
    /// `opt_in_source` values, as the report lists them.
    pub opt_in_sources: Vec<String>,
    /// Consent segments (by the row's channel).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub segments: Vec<Segment>,
}

impl Exclusions {
    /// Nothing is left out.
    pub fn is_empty(&self) -> bool {
        self.opt_in_sources.is_empty() && self.segments.is_empty()
    }

    /// Whether a row with this opt-in source (trimmed) and segment is left out.
    pub fn excludes(&self, source: &str, segment: Segment) -> bool {
        self.opt_in_sources.iter().any(|s| s == source.trim()) || self.segments.contains(&segment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_merchants_proposal_is_a_valid_plan() {
        let plan = Plan::proposed(
            &BatchOptions {
                first: 250,
                cap: 5_000,
            },
            3_600,
        );
        assert_eq!(plan.validated(), Ok(plan));
        assert_eq!((plan.first_batch, plan.growth, plan.cap), (250, 2, 5_000));
    }

    #[test]
    fn unusable_plans_say_what_to_change() {
        let ok = Plan {
            first_batch: 200,
            growth: 1,
            cap: 200,
            interval_seconds: 86_400,
            daily_cap: Some(200),
        };
        assert_eq!(ok.validated(), Ok(ok));
        let cases = [
            (
                Plan {
                    first_batch: 0,
                    ..ok
                },
                "at least one",
            ),
            (
                Plan {
                    first_batch: 300,
                    ..ok
                },
                "larger than the cap",
            ),
            (Plan { growth: 0, ..ok }, "growth is 1"),
            (
                Plan {
                    interval_seconds: 31 * 86_400,
                    ..ok
                },
                "30 days",
            ),
            (
                Plan {
                    daily_cap: Some(100),
                    ..ok
                },
                "over the daily cap",
            ),
            (
                Plan {
                    daily_cap: Some(0),
                    ..ok
                },
                "leave it out",
            ),
        ];
        for (plan, says) in cases {
            let error = plan.validated().unwrap_err().0;
            assert!(error.contains(says), "{plan:?}: {error}");
        }
    }

    #[test]
    fn exclusions_match_trimmed_sources_and_segments() {
        let out = Exclusions {
            opt_in_sources: vec!["popup".into()],
            segments: vec![Segment::Unknown],
        };
        assert!(out.excludes(" popup ", Segment::Whatsapp));
        assert!(out.excludes("checkout", Segment::Unknown));
        assert!(!out.excludes("checkout", Segment::Whatsapp));
        assert!(Exclusions::default().is_empty());
    }
}
