//! The dispatcher drains the outbox: it claims pending messages, submits their parts to the
//! gateway one by one and records each outcome; and it applies the delivery reports the gateway
//! sends back.
//!
//! Crash safety: a claim is a lease, and a part is marked `submitting` before it leaves. If the
//! server dies mid-batch, the lease runs out and another dispatcher takes the message: parts
//! already accepted are not sent again, and a part caught `submitting` may or may not have
//! reached the SMS centre, which SMPP cannot tell us. By default it is held as in doubt for the
//! operator to decide (`InDoubt::Hold`: at most once); `InDoubt::Resend` sends it again (at
//! least once; a gateway that honours our idempotency key, like the simulator, still sends it
//! once).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::error::{AppError, Result};
use app::messages::ssr::{self as store, PartOutcome, ReportEffect, Route, Write, Written};
use app::messages::Status;
use app::ssr::{now_ms, Clock, Db};
use tokio::sync::{mpsc, oneshot, watch, Notify, Semaphore};
use tokio::task::JoinSet;

use crate::gateway::{split, DeliveryReport, Gateway, SubmitError};

/// Messages under way at once; their sends run side by side within the gateway's window, and
/// their writes share transactions.
const UNDER_WAY: usize = 1024;
/// Messages claimed at once: a server claims no more than this while it is busy, so servers
/// sharing the outbox share the work.
const CLAIM: usize = 256;
const LEASE_MS: i64 = 60_000;
/// How often the outbox is checked without a wake-up (retries after temporary failures).
const POLL: Duration = Duration::from_secs(1);
/// A report can overtake the recording of its submission, and a busy database can refuse a
/// write for a moment; it is tried again this often, backing off from 0.2 s (about 50 s in all).
const REPORT_RETRIES: u32 = 8;

/// What to do with a part whose submission may or may not have reached the SMS centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InDoubt {
    /// Never send it again by itself: the operator sees it and decides (at most once).
    #[default]
    Hold,
    /// Send it again (at least once).
    Resend,
}

/// How a connection's parts are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// A part the gateway has not accepted this long after the message was queued expires.
    pub validity_ms: i64,
    pub in_doubt: InDoubt,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            validity_ms: 24 * 3600 * 1000,
            in_doubt: InDoubt::Hold,
        }
    }
}

pub struct Dispatcher {
    db: Db,
    gateway: Arc<dyn Gateway>,
    outbox: Arc<Notify>,
    policy: Policy,
    places: Arc<Places>,
    route: Route,
    clock: Clock,
}

/// A part is marked `submitting` only with a place among `submitting`, held until its outcome
/// is recorded, and leaves only with a place in the gateway's `window` (submits waiting for
/// their answer). There are four times as many of the first, so the next parts' `submitting`
/// is written, and the last answers recorded, while the window is full: the window waits less
/// for the database (BENCHMARKS.md, "Outbox through SMPP and Kannel"). A crash leaves at most
/// four times the window in doubt.
struct Places {
    submitting: Semaphore,
    window: Semaphore,
    size: usize,
    /// Parts accepted in each of the last ten seconds, for the administration page.
    accepted: Mutex<PerSecond>,
}

/// Counts of the last ten seconds, one per second.
#[derive(Default)]
struct PerSecond {
    counts: [u64; 10],
    /// The second (since the epoch) of the newest count.
    newest: i64,
}

impl PerSecond {
    /// Forgets the seconds older than ten before `now` (s).
    fn advance(&mut self, now: i64) {
        for second in (self.newest + 1)..=now.min(self.newest + 10) {
            self.counts[second.rem_euclid(10) as usize] = 0;
        }
        self.newest = self.newest.max(now);
    }

    fn add(&mut self, now: i64) {
        self.advance(now);
        self.counts[now.rem_euclid(10) as usize] += 1;
    }

    fn per_second(&mut self, now: i64) -> f64 {
        self.advance(now);
        self.counts.iter().sum::<u64>() as f64 / 10.0
    }
}

/// How a dispatcher is sending, for the administration page.
#[derive(Clone)]
pub struct Meter(Arc<Places>);

impl Meter {
    pub fn read(&self) -> app::admin::Sending {
        let places = &self.0;
        let now = now_ms() / 1000;
        app::admin::Sending {
            per_second: places.accepted.lock().expect("meter lock").per_second(now),
            window_used: (places.size - places.window.available_permits()) as u32,
            window_size: places.size as u32,
        }
    }
}

impl Dispatcher {
    pub fn new(db: Db, gateway: Arc<dyn Gateway>, outbox: Arc<Notify>) -> Self {
        Self::with_policy(db, gateway, outbox, Policy::default())
    }

    pub fn with_policy(
        db: Db,
        gateway: Arc<dyn Gateway>,
        outbox: Arc<Notify>,
        policy: Policy,
    ) -> Self {
        Self {
            places: Arc::new(Places {
                submitting: Semaphore::new(4 * gateway.window()),
                window: Semaphore::new(gateway.window()),
                size: gateway.window(),
                accepted: Mutex::new(PerSecond::default()),
            }),
            route: Route::default(),
            clock: Clock::default(),
            db,
            gateway,
            outbox,
            policy,
        }
    }

    /// Sends only the `route`'s accounts' messages (all by default).
    pub fn routed(self, route: Route) -> Self {
        Self { route, ..self }
    }

    /// Sends scheduled messages, and counts validity and retries, by `clock` (the system's by
    /// default).
    pub fn clocked(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    pub fn meter(&self) -> Meter {
        Meter(self.places.clone())
    }

    /// Runs until `shutdown` turns true; messages already claimed are finished first.
    pub async fn run(
        self,
        reports: mpsc::Receiver<DeliveryReport>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let recorder = Recorder::start(self.db.clone());
        let reports_task = tokio::spawn(apply_reports(
            recorder.clone(),
            self.gateway.name(),
            reports,
            shutdown.clone(),
        ));
        while !*shutdown.borrow() {
            self.drain(&recorder).await;
            tokio::select! {
                // A dropped sender stops the dispatcher too (instead of waking it forever).
                changed = shutdown.changed() => if changed.is_err() { break },
                _ = self.outbox.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
        let _ = reports_task.await;
        tracing::info!("dispatcher stopped");
    }

    /// Submits pending messages until none is left: up to `UNDER_WAY` at once, claimed `CLAIM`
    /// at a time as room is made, so the gateway's window never waits for a batch's slowest
    /// message.
    async fn drain(&self, recorder: &Recorder) {
        let mut sends = JoinSet::new();
        let mut outbox_empty = false;
        loop {
            if !outbox_empty && sends.len() + CLAIM <= UNDER_WAY {
                let wanted = CLAIM;
                let now = self.clock.now_ms();
                let claimed =
                    store::claim_routed(&self.db, &self.route, wanted as i64, LEASE_MS, now)
                        .await
                        .unwrap_or_default(); // logged by the store; tried again at the next poll
                outbox_empty = claimed.len() < wanted;
                for message in claimed {
                    let (gateway, policy) = (self.gateway.clone(), self.policy);
                    let (places, recorder) = (self.places.clone(), recorder.clone());
                    let clock = self.clock.clone();
                    sends.spawn(async move {
                        let id = message.id;
                        let sent = send(
                            &recorder,
                            gateway.as_ref(),
                            &places,
                            policy,
                            &clock,
                            message,
                        );
                        if sent.await.is_err() {
                            // The database refused a write; the lease runs out and it is
                            // tried again.
                            tracing::error!(message_id = id, "could not record a submission");
                        }
                    });
                }
            }
            if sends.join_next().await.is_none() && outbox_empty {
                return;
            }
        }
    }
}

/// Submits the message's open parts in order, recording each outcome before the next leaves.
/// Stops at a temporary failure (the message comes back when that part may be retried) and at
/// a rejection (the message is then rejected as a whole).
async fn send(
    recorder: &Recorder,
    gateway: &dyn Gateway,
    places: &Places,
    policy: Policy,
    clock: &Clock,
    message: store::Outgoing,
) -> Result<()> {
    let parts = match split(
        message.id,
        &message.phone,
        message.sender.as_deref(),
        &message.body,
    ) {
        Ok(parts) => parts,
        // Checked before it was stored; a text stored by an older rule can still fail here.
        Err(e) => {
            tracing::warn!(message_id = message.id, error = %e, "cannot be split for sending");
            for open in &message.parts {
                let outcome = PartOutcome::Rejected(e.to_string());
                recorder.record(message.id, open.seq, outcome).await?;
            }
            return Ok(());
        }
    };
    for open in &message.parts {
        let now = clock.now_ms();
        if open.status == "submitting" {
            // Its dispatcher stopped between sending and recording the answer.
            let reason = "the server stopped while submitting it".to_string();
            let outcome = match policy.in_doubt {
                InDoubt::Hold => PartOutcome::InDoubt(reason),
                InDoubt::Resend => PartOutcome::Retry {
                    error: reason,
                    retry_at: now,
                },
            };
            tracing::warn!(
                message_id = message.id,
                seq = open.seq,
                ?outcome,
                "part in doubt"
            );
            recorder.record(message.id, open.seq, outcome).await?;
            if policy.in_doubt == InDoubt::Hold {
                continue;
            }
        } else if let Some(retry_at) = open.retry_at.filter(|at| *at > now) {
            return store::release(&recorder.db, message.id, retry_at).await;
        }
        if now > message.due_at + policy.validity_ms {
            let hours = policy.validity_ms / 3_600_000;
            let last = open.error.as_deref().unwrap_or("no answer");
            let reason = format!("not accepted within the validity period ({hours} h): {last}");
            recorder
                .record(message.id, open.seq, PartOutcome::Expired(reason))
                .await?;
            continue;
        }
        let Some(part) = parts.get(open.seq as usize) else {
            let reason = format!("the text no longer has a part {}", open.seq + 1);
            recorder
                .record(message.id, open.seq, PartOutcome::Rejected(reason))
                .await?;
            continue;
        };
        let submitting = places.submitting.acquire().await.expect("never closed");
        if !recorder.begin(message.id, open.seq).await? {
            return Ok(()); // another dispatcher has it
        }
        let in_window = places.window.acquire().await.expect("never closed");
        let answer = gateway.submit(part).await;
        drop(in_window); // the answer is in: the window has room again
        let retry_at = || clock.now_ms() + backoff_ms(message.id, open.seq, open.attempts + 1);
        let outcome = match answer {
            Ok(id) => PartOutcome::Accepted {
                gateway: gateway.name().to_string(),
                id,
            },
            Err(SubmitError::Temporary(error)) => PartOutcome::Retry {
                retry_at: retry_at(),
                error,
            },
            Err(SubmitError::Rejected(error)) => PartOutcome::Rejected(error),
            Err(SubmitError::InDoubt(error)) => match policy.in_doubt {
                InDoubt::Hold => PartOutcome::InDoubt(error),
                InDoubt::Resend => PartOutcome::Retry {
                    retry_at: retry_at(),
                    error,
                },
            },
        };
        if matches!(outcome, PartOutcome::Accepted { .. }) {
            places
                .accepted
                .lock()
                .expect("meter lock")
                .add(now_ms() / 1000);
        } else {
            tracing::info!(
                message_id = message.id,
                seq = open.seq,
                ?outcome,
                "part not accepted"
            );
        }
        let status = recorder
            .record(message.id, open.seq, outcome.clone())
            .await?;
        drop(submitting); // recorded: the part is `submitting` no more
        match outcome {
            PartOutcome::Retry { retry_at, .. } => {
                return store::release(&recorder.db, message.id, retry_at).await
            }
            _ if status.is_final() => return Ok(()),
            _ => {}
        }
    }
    Ok(())
}

/// Every write of one dispatcher (its sends and the reports it applies) goes through its
/// recorder, which makes whatever writes arrived while its last transaction ran in the next
/// one (group commit): thousands of parts a second cost a few transactions, not thousands. A
/// part still leaves only once its `submitting` is committed.
#[derive(Clone)]
struct Recorder {
    db: Db,
    writes: mpsc::Sender<(Write, oneshot::Sender<Result<Written>>)>,
}

type Queued = mpsc::Receiver<(Write, oneshot::Sender<Result<Written>>)>;

/// Writes made in one transaction at most.
const WRITES_PER_TRANSACTION: usize = 512;

impl Recorder {
    fn start(db: Db) -> Recorder {
        let (writes, queued) = mpsc::channel(4 * WRITES_PER_TRANSACTION);
        // One transaction at a time: SQLite has one writer anyway, and on PostgreSQL
        // transactions side by side waited for each other's rows and were slower.
        tokio::spawn(record(db.clone(), queued));
        Recorder { db, writes }
    }

    async fn write(&self, write: Write) -> Result<Written> {
        let (answer, answered) = oneshot::channel();
        // The recorder stops only with the dispatcher.
        self.writes
            .send((write, answer))
            .await
            .map_err(|_| AppError::Internal)?;
        answered.await.map_err(|_| AppError::Internal)?
    }

    async fn begin(&self, message_id: i64, seq: i64) -> Result<bool> {
        Ok(self.write(Write::Begin { message_id, seq }).await?.begun())
    }

    async fn record(&self, message_id: i64, seq: i64, outcome: PartOutcome) -> Result<Status> {
        let record = Write::Record {
            message_id,
            seq,
            outcome,
        };
        Ok(self.write(record).await?.recorded())
    }

    async fn report(&self, gateway: &str, report: &DeliveryReport) -> Result<ReportEffect> {
        let write = Write::Report {
            gateway: gateway.to_string(),
            id: report.gateway_message_id.clone(),
            outcome: report.outcome.clone(),
            at: report.at_ms,
        };
        Ok(self.write(write).await?.reported())
    }
}

/// The recorder's loop: one transaction at a time, each with every write queued meanwhile.
async fn record(db: Db, mut queued: Queued) {
    let mut batch = Vec::with_capacity(WRITES_PER_TRANSACTION);
    while queued.recv_many(&mut batch, WRITES_PER_TRANSACTION).await > 0 {
        let (writes, answers): (Vec<Write>, Vec<_>) = batch.drain(..).unzip();
        let written = store::write(&db, &writes).await;
        match written {
            Ok(written) => {
                for (answer, written) in answers.into_iter().zip(written) {
                    let _ = answer.send(Ok(written));
                }
            }
            // One write the database refuses must not fail the others: each on its own.
            Err(_) if writes.len() > 1 => {
                for (write, answer) in writes.into_iter().zip(answers) {
                    let written = store::write(&db, std::slice::from_ref(&write)).await;
                    let _ = answer.send(written.map(|mut w| w.remove(0)));
                }
            }
            Err(e) => {
                for answer in answers {
                    let _ = answer.send(Err(e.clone()));
                }
            }
        }
    }
}

/// 2 s, 4 s, 8 s … up to 5 minutes, each stretched by up to a fifth so parts throttled together
/// do not come back together (the spread comes from the part itself: no random source needed).
fn backoff_ms(message_id: i64, seq: i64, attempts: i64) -> i64 {
    let exponent = attempts.clamp(1, 8) as u32;
    let base = (1000 * 2i64.pow(exponent)).min(300_000);
    let spread = (message_id.wrapping_mul(31) + seq * 13 + attempts).rem_euclid(21);
    base + base * spread / 100
}

async fn apply_reports(
    recorder: Recorder,
    gateway: &'static str,
    mut reports: mpsc::Receiver<DeliveryReport>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let report = tokio::select! {
            _ = shutdown.changed() => return,
            report = reports.recv() => match report { Some(r) => r, None => return },
        };
        let recorder = recorder.clone();
        tokio::spawn(async move { apply_report(&recorder, gateway, report).await });
    }
}

/// Applies a report, trying again while its part is unknown: its submission may not be
/// recorded yet. A part in doubt that the report's details single out takes it (its answer
/// was lost, but the SMS centre had accepted it); a report that finds no part is kept.
async fn apply_report(recorder: &Recorder, gateway: &str, report: DeliveryReport) {
    let (id, db) = (&report.gateway_message_id, &recorder.db);
    for attempt in 0..=REPORT_RETRIES {
        match recorder.report(gateway, &report).await {
            Ok(ReportEffect::UnknownPart) | Err(_) => {}
            Ok(effect) => {
                tracing::debug!(%id, ?effect, "delivery report");
                return;
            }
        }
        if let Some(about) = &report.about {
            let matched =
                store::match_in_doubt(db, gateway, id, &report.outcome, report.at_ms, about);
            if let Ok(Some(message_id)) = matched.await {
                tracing::warn!(%id, message_id, "delivery report matched to a part in doubt");
                return;
            }
        }
        if attempt < REPORT_RETRIES {
            tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
        }
    }
    tracing::warn!(%id, "delivery report for no known part: kept");
    let about = report.about.as_ref();
    let kept = store::keep_unmatched_report(db, gateway, id, &report.outcome, report.at_ms, about);
    if kept.await.is_err() {
        tracing::error!(%id, "delivery report for no known part could not be kept");
    }
}

#[cfg(test)]
mod tests {
    use super::{backoff_ms, PerSecond};

    #[test]
    fn the_rate_is_of_the_last_ten_seconds() {
        let mut accepted = PerSecond::default();
        for second in [100, 100, 105, 109] {
            accepted.add(second);
        }
        assert_eq!(accepted.per_second(109), 0.4);
        assert_eq!(
            accepted.per_second(110),
            0.2,
            "second 100 is over ten seconds ago"
        );
        accepted.add(112);
        assert_eq!(accepted.per_second(114), 0.3);
        assert_eq!(accepted.per_second(200), 0.0, "long quiet");
    }

    #[test]
    fn backoff_grows_is_capped_and_spread() {
        assert!((2000..=2400).contains(&backoff_ms(5, 1, 1)));
        assert!((4000..=4800).contains(&backoff_ms(5, 1, 2)));
        assert!((256_000..=307_200).contains(&backoff_ms(5, 1, 50)));
        assert_eq!(
            backoff_ms(0, 0, 1),
            2020,
            "attempt 1 of part 0 of message 0: 1 % more"
        );
        let spreads: std::collections::HashSet<i64> =
            (0..20).map(|seq| backoff_ms(9, seq, 3)).collect();
        assert!(
            spreads.len() > 10,
            "parts throttled together come back apart"
        );
    }
}
