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

use std::sync::Arc;
use std::time::Duration;

use app::messages::ssr::{self as store, PartOutcome, ReportEffect};
use app::ssr::{now_ms, Db};
use tokio::sync::{mpsc, watch, Notify, Semaphore};
use tokio::task::JoinSet;

use crate::gateway::{split, DeliveryReport, Gateway, SubmitError};

/// Messages claimed at once; their sends run side by side within the gateway's window.
const BATCH: i64 = 256;
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
    /// The gateway's window: a part is marked `submitting` only with a place in it.
    window: Arc<Semaphore>,
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
            window: Arc::new(Semaphore::new(gateway.window())),
            db,
            gateway,
            outbox,
            policy,
        }
    }

    /// Runs until `shutdown` turns true; a batch already claimed is finished first.
    pub async fn run(
        self,
        reports: mpsc::Receiver<DeliveryReport>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let reports_task = tokio::spawn(apply_reports(
            self.db.clone(),
            self.gateway.name(),
            reports,
            shutdown.clone(),
        ));
        while !*shutdown.borrow() {
            self.drain().await;
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

    /// Submits pending messages until none is left.
    pub async fn drain(&self) {
        loop {
            let batch = match store::claim_pending(&self.db, BATCH, LEASE_MS).await {
                Ok(batch) if batch.is_empty() => return,
                Ok(batch) => batch,
                Err(_) => return, // logged by the store; tried again at the next poll
            };
            let mut sends = JoinSet::new();
            for message in batch {
                let (db, gateway, policy) = (self.db.clone(), self.gateway.clone(), self.policy);
                let window = self.window.clone();
                sends.spawn(async move {
                    let id = message.id;
                    if send(&db, gateway.as_ref(), &window, policy, message)
                        .await
                        .is_err()
                    {
                        // The database refused a write; the lease runs out and it is tried again.
                        tracing::error!(message_id = id, "could not record a submission");
                    }
                });
            }
            while sends.join_next().await.is_some() {}
        }
    }
}

/// Submits the message's open parts in order, recording each outcome before the next leaves.
/// Stops at a temporary failure (the message comes back when that part may be retried) and at
/// a rejection (the message is then rejected as a whole).
async fn send(
    db: &Db,
    gateway: &dyn Gateway,
    window: &Semaphore,
    policy: Policy,
    message: store::Outgoing,
) -> app::error::Result<()> {
    let parts = match split(message.id, &message.phone, &message.body) {
        Ok(parts) => parts,
        // Checked before it was stored; a text stored by an older rule can still fail here.
        Err(e) => {
            tracing::warn!(message_id = message.id, error = %e, "cannot be split for sending");
            for open in store::open_parts(db, message.id).await? {
                store::record_part(
                    db,
                    message.id,
                    open.seq,
                    &PartOutcome::Rejected(e.to_string()),
                )
                .await?;
            }
            return Ok(());
        }
    };
    for open in store::open_parts(db, message.id).await? {
        let now = now_ms();
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
            store::record_part(db, message.id, open.seq, &outcome).await?;
            if policy.in_doubt == InDoubt::Hold {
                continue;
            }
        } else if let Some(retry_at) = open.retry_at.filter(|at| *at > now) {
            return store::release(db, message.id, retry_at).await;
        }
        if now > message.queued_at + policy.validity_ms {
            let hours = policy.validity_ms / 3_600_000;
            let last = open.error.as_deref().unwrap_or("no answer");
            let reason = format!("not accepted within the validity period ({hours} h): {last}");
            store::record_part(db, message.id, open.seq, &PartOutcome::Expired(reason)).await?;
            continue;
        }
        let Some(part) = parts.get(open.seq as usize) else {
            let reason = format!("the text no longer has a part {}", open.seq + 1);
            store::record_part(db, message.id, open.seq, &PartOutcome::Rejected(reason)).await?;
            continue;
        };
        let _place = window.acquire().await.expect("the window is never closed");
        if !store::begin_submission(db, message.id, open.seq).await? {
            return Ok(()); // another dispatcher has it
        }
        let outcome = match gateway.submit(part).await {
            Ok(id) => PartOutcome::Accepted {
                gateway: gateway.name().to_string(),
                id,
            },
            Err(SubmitError::Temporary(error)) => PartOutcome::Retry {
                retry_at: now_ms() + backoff_ms(message.id, open.seq, open.attempts + 1),
                error,
            },
            Err(SubmitError::Rejected(error)) => PartOutcome::Rejected(error),
            Err(SubmitError::InDoubt(error)) => match policy.in_doubt {
                InDoubt::Hold => PartOutcome::InDoubt(error),
                InDoubt::Resend => PartOutcome::Retry {
                    retry_at: now_ms() + backoff_ms(message.id, open.seq, open.attempts + 1),
                    error,
                },
            },
        };
        tracing::info!(
            message_id = message.id,
            seq = open.seq,
            ?outcome,
            "part submitted"
        );
        let status = store::record_part(db, message.id, open.seq, &outcome).await?;
        match outcome {
            PartOutcome::Retry { retry_at, .. } => {
                return store::release(db, message.id, retry_at).await
            }
            _ if status.is_final() => return Ok(()),
            _ => {}
        }
    }
    Ok(())
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
    db: Db,
    gateway: &'static str,
    mut reports: mpsc::Receiver<DeliveryReport>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let report = tokio::select! {
            _ = shutdown.changed() => return,
            report = reports.recv() => match report { Some(r) => r, None => return },
        };
        let db = db.clone();
        tokio::spawn(async move { apply_report(&db, gateway, report).await });
    }
}

async fn apply_report(db: &Db, gateway: &str, report: DeliveryReport) {
    for attempt in 0..=REPORT_RETRIES {
        let result = store::apply_delivery_report(
            db,
            gateway,
            &report.gateway_message_id,
            &report.outcome,
            report.at_ms,
        )
        .await;
        match result {
            Ok(ReportEffect::UnknownPart) | Err(_) if attempt < REPORT_RETRIES => {
                tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
            }
            Ok(ReportEffect::UnknownPart) | Err(_) => {
                tracing::warn!(id = %report.gateway_message_id, "delivery report dropped after retries");
            }
            Ok(effect) => {
                tracing::debug!(id = %report.gateway_message_id, ?effect, "delivery report");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

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
