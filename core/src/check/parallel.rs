//! Judging on several threads (native builds with `threads` above one):
//! records go out in batches to a [`Pool`] of judging threads while the
//! checker's thread reads on, and come back to be settled in file order.
//! The browser build has no threads: there the pool is never started.

use super::engine::Engine;
use super::judge::{Judge, Judged};
use crate::error::CheckError;
use crate::records::Record;
use crate::sink::Sink;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

/// Rows per batch for the judging threads: enough to outweigh sending it,
/// few enough to hold a handful.
pub(super) const BATCH_ROWS: usize = 4096;
/// More judging threads than this only cost memory.
pub(super) const MAX_THREADS: usize = 64;

/// A batch of records and, once judged, their rows.
pub(super) struct Batch {
    pub(super) id: u64,
    pub(super) records: Arc<Vec<Record>>,
    pub(super) judged: Option<Vec<Option<Judged>>>,
}

impl Engine {
    /// Sends the pending records to a judging thread (or judges them here
    /// when every thread has work), then settles what is ready.
    pub(super) fn dispatch(&mut self, sink: &mut impl Sink) -> Result<(), CheckError> {
        let next = self.spare.pop().unwrap_or_default();
        let records = std::mem::replace(&mut self.pending, next);
        let admitted = records
            .iter()
            .map(|record| self.admit(record))
            .collect::<Result<Vec<bool>, CheckError>>()?;
        let records = Arc::new(records);
        let id = self.next_batch;
        self.next_batch += 1;
        let judged = match &mut self.pool {
            Some(pool) if pool.has_room() => {
                pool.send(id, Arc::clone(&records), admitted);
                None
            }
            _ => Some(self.judge.judge_all(&records, &admitted)),
        };
        self.batches.push_back(Batch {
            id,
            records,
            judged,
        });
        self.settle_ready(false, sink);
        Ok(())
    }

    /// Settles the batches at the front that are judged; with `wait`, every
    /// batch, waiting for the threads.
    pub(super) fn settle_ready(&mut self, wait: bool, sink: &mut impl Sink) {
        while let Some(front) = self.batches.front_mut() {
            if front.judged.is_none() {
                let pool = self
                    .pool
                    .as_mut()
                    .expect("only the pool leaves batches unjudged");
                match pool.take(front.id, wait) {
                    Some(judged) => front.judged = Some(judged),
                    None => return,
                }
            }
            let Some(Batch {
                records, judged, ..
            }) = self.batches.pop_front()
            else {
                return;
            };
            let judge = Arc::clone(&self.judge);
            for (record, judged) in records.iter().zip(judged.unwrap_or_default()) {
                if let Some(judged) = judged {
                    let (row, findings) = judge.row(record, judged);
                    self.settle(row, findings, sink);
                }
            }
            // The judging thread let go of the batch before sending it back.
            if let Ok(mut records) = Arc::try_unwrap(records) {
                records.clear();
                self.spare.push(records);
            }
        }
    }

    /// Judges and settles everything still pending (the end of the input).
    pub(super) fn flush(&mut self, sink: &mut impl Sink) -> Result<(), CheckError> {
        if self.pool.is_some() {
            if !self.pending.is_empty() {
                self.dispatch(sink)?;
            }
            self.settle_ready(true, sink);
        }
        Ok(())
    }
}

/// A batch of records on its way to a judging thread.
struct Work {
    id: u64,
    records: Arc<Vec<Record>>,
    admitted: Vec<bool>,
}

/// What a judging thread sends back: the batch's judged rows, or its panic.
type Outcome = (u64, std::thread::Result<Vec<Option<Judged>>>);

/// Threads that judge batches of rows; the checker's thread settles them.
pub(crate) struct Pool {
    workers: Vec<(Sender<Work>, JoinHandle<()>)>,
    results: Receiver<Outcome>,
    /// Batches that came back before the ones ahead of them were settled.
    arrived: HashMap<u64, Vec<Option<Judged>>>,
    next_worker: usize,
    in_flight: usize,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("threads", &self.workers.len())
            .field("in_flight", &self.in_flight)
            .finish()
    }
}

impl Pool {
    /// Starts `threads` judging threads.
    pub fn start(judge: &Arc<Judge>, threads: usize) -> Pool {
        let (done, results) = channel::<Outcome>();
        let workers = (0..threads)
            .map(|_| {
                let (sender, work) = channel::<Work>();
                let judge = Arc::clone(judge);
                let done = done.clone();
                let handle = std::thread::spawn(move || {
                    for Work {
                        id,
                        records,
                        admitted,
                    } in work
                    {
                        // A panic goes back to the checker's thread, which
                        // re-raises it, as it would have with one thread.
                        let judged = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            judge.judge_all(&records, &admitted)
                        }));
                        drop(records);
                        if done.send((id, judged)).is_err() {
                            return;
                        }
                    }
                });
                (sender, handle)
            })
            .collect();
        Pool {
            workers,
            results,
            arrived: HashMap::new(),
            next_worker: 0,
            in_flight: 0,
        }
    }

    /// Whether another batch can go out (two per thread keeps each busy
    /// without holding much).
    pub fn has_room(&self) -> bool {
        self.in_flight < 2 * self.workers.len()
    }

    /// Sends batch `id` to the next thread.
    pub fn send(&mut self, id: u64, records: Arc<Vec<Record>>, admitted: Vec<bool>) {
        let (sender, _) = &self.workers[self.next_worker % self.workers.len()];
        self.next_worker += 1;
        sender
            .send(Work {
                id,
                records,
                admitted,
            })
            .expect("judging threads live as long as the pool");
        self.in_flight += 1;
    }

    /// Batch `id` once judged; `None` if it is not back yet and `wait` is false.
    pub fn take(&mut self, id: u64, wait: bool) -> Option<Vec<Option<Judged>>> {
        loop {
            if let Some(judged) = self.arrived.remove(&id) {
                self.in_flight -= 1;
                return Some(judged);
            }
            let (arrived, judged) = if wait {
                self.results
                    .recv()
                    .expect("judging threads live as long as the pool")
            } else {
                self.results.try_recv().ok()?
            };
            let judged = judged.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            self.arrived.insert(arrived, judged);
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for (sender, handle) in self.workers.drain(..) {
            // Closing the channel ends the thread's loop.
            drop(sender);
            let _ = handle.join();
        }
    }
}
