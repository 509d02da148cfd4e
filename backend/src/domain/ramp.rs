//! The ramp: how big the next batch is and when it is due, from the plan,
//! the last batch's outcome and what the last 24 hours imported. Pure, so
//! every case is a row of a table test.

use listgate_api::Plan;

/// One day, in milliseconds: the window a daily cap counts over.
pub const DAY_MS: i64 = 86_400_000;

/// What the last batch's outcome says about the pace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Healthy: the next batch grows by the plan's growth, up to its cap.
    Grow,
    /// Some failures: the next batch stays the same size.
    Hold,
    /// Too many failures: the next batch halves and the import pauses for a reviewer.
    ShrinkAndPause,
}

impl Pace {
    /// Under 2 % of the batch failed: grow; up to 5 %: hold; above: shrink and pause.
    pub fn of(failed: u64, size: u64) -> Pace {
        let size = size.max(1);
        if failed * 50 < size {
            Pace::Grow
        } else if failed * 20 <= size {
            Pace::Hold
        } else {
            Pace::ShrinkAndPause
        }
    }
}

/// The next batch: its size and when it is due (ms since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextBatch {
    /// Contacts in it.
    pub size: u64,
    /// When it may start.
    pub due_at_ms: i64,
}

/// The batch after one of `last` contacts finished at `now_ms` with `pace`,
/// with `left` contacts still to import. `recent` holds the batches that
/// finished in the last 24 hours (finish time, contacts), the last one
/// included: under a daily cap the next batch waits until the window has
/// room for it.
pub fn next_batch(
    plan: &Plan,
    last: u64,
    pace: Pace,
    left: u64,
    now_ms: i64,
    recent: &[(i64, u64)],
) -> NextBatch {
    let size = match pace {
        Pace::Grow => last.saturating_mul(plan.growth),
        Pace::Hold => last,
        Pace::ShrinkAndPause => last / 2,
    }
    .clamp(1, plan.cap.max(1));
    let size = plan
        .daily_cap
        .map_or(size, |daily| size.min(daily))
        .min(left)
        .max(1);
    let interval_ms =
        i64::try_from(plan.interval_seconds.saturating_mul(1000)).unwrap_or(i64::MAX / 2);
    let mut due_at_ms = now_ms.saturating_add(interval_ms);
    if let Some(daily) = plan.daily_cap {
        due_at_ms = due_at_ms.max(room_at(daily, size, now_ms, recent));
    }
    NextBatch { size, due_at_ms }
}

/// The first moment from `now_ms` at which `size` more contacts fit under
/// `daily` in the 24 hours before it: batches drop out of the window, oldest
/// first, a day after they finished.
fn room_at(daily: u64, size: u64, now_ms: i64, recent: &[(i64, u64)]) -> i64 {
    let mut window: Vec<(i64, u64)> = recent
        .iter()
        .copied()
        .filter(|(at, _)| *at > now_ms - DAY_MS)
        .collect();
    window.sort_unstable();
    let mut used: u64 = window.iter().map(|(_, n)| n).sum();
    let mut at = now_ms;
    for (finished, contacts) in window {
        if used + size <= daily {
            break;
        }
        used -= contacts;
        at = finished + DAY_MS;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: Plan = Plan {
        first_batch: 100,
        growth: 2,
        cap: 1_000,
        interval_seconds: 60,
        daily_cap: None,
    };

    #[test]
    fn the_pace_follows_the_failure_rate() {
        for (failed, size, pace) in [
            (0, 100, Pace::Grow),
            (1, 100, Pace::Grow),
            (2, 100, Pace::Hold),
            (5, 100, Pace::Hold),
            (6, 100, Pace::ShrinkAndPause),
            (1, 1, Pace::ShrinkAndPause),
            (0, 0, Pace::Grow),
        ] {
            assert_eq!(Pace::of(failed, size), pace, "{failed} of {size}");
        }
    }

    #[test]
    fn sizes_grow_hold_and_shrink_within_the_cap_and_what_is_left() {
        let day = Plan {
            daily_cap: Some(300),
            ..PLAN
        };
        let steady = Plan { growth: 1, ..PLAN };
        for (plan, last, pace, left, size) in [
            (PLAN, 100, Pace::Grow, 10_000, 200),
            (PLAN, 800, Pace::Grow, 10_000, 1_000),
            (PLAN, 100, Pace::Grow, 150, 150),
            (PLAN, 100, Pace::Hold, 10_000, 100),
            (PLAN, 100, Pace::ShrinkAndPause, 10_000, 50),
            (PLAN, 1, Pace::ShrinkAndPause, 10_000, 1),
            (steady, 100, Pace::Grow, 10_000, 100),
            (day, 200, Pace::Grow, 10_000, 300),
        ] {
            let next = next_batch(&plan, last, pace, left, 0, &[]);
            assert_eq!(next.size, size, "{plan:?} {last} {pace:?}");
        }
    }

    #[test]
    fn a_daily_cap_makes_the_next_batch_wait_for_room() {
        let hour = 3_600_000;
        let day = Plan {
            first_batch: 200,
            growth: 1,
            cap: 200,
            interval_seconds: 60,
            daily_cap: Some(200),
        };
        // 200 a day: the batch after one of 200 waits a day from its finish.
        let next = next_batch(&day, 200, Pace::Grow, 1_000, 10 * hour, &[(10 * hour, 200)]);
        assert_eq!(
            next,
            NextBatch {
                size: 200,
                due_at_ms: 10 * hour + DAY_MS
            }
        );
        // Room already: only the interval.
        let roomy = Plan {
            daily_cap: Some(1_000),
            ..day
        };
        let next = next_batch(
            &roomy,
            200,
            Pace::Grow,
            1_000,
            10 * hour,
            &[(10 * hour, 200)],
        );
        assert_eq!(next.due_at_ms, 10 * hour + 60_000);
        // Two batches in the window: it waits until the older one drops out.
        let half = Plan {
            first_batch: 100,
            cap: 100,
            daily_cap: Some(200),
            ..day
        };
        let recent = [(2 * hour, 100), (5 * hour, 100)];
        let next = next_batch(&half, 100, Pace::Grow, 1_000, 5 * hour, &recent);
        assert_eq!(next.due_at_ms, 2 * hour + DAY_MS);
        // Batches older than a day do not count.
        let next = next_batch(&half, 100, Pace::Grow, 1_000, 30 * hour, &[(5 * hour, 100)]);
        assert_eq!(next.due_at_ms, 30 * hour + 60_000);
    }
}
