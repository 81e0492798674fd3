//! The dispatcher drains the outbox: it claims pending messages, submits them to the gateway and
//! records the outcome; and it applies the delivery reports the gateway sends back.
//!
//! Crash safety: a claim is a lease. If the server dies mid-batch, the lease runs out and the
//! message is submitted again with the same idempotency key, which the gateway answers with the
//! ids it already gave instead of sending again.

use std::sync::Arc;
use std::time::Duration;

use app::messages::ssr::{self as store, ReportEffect};
use app::ssr::{now_ms, Db};
use tokio::sync::{mpsc, watch, Notify};
use tokio::task::JoinSet;

use crate::gateway::{DeliveryReport, Gateway, Submission, SubmitError};

const BATCH: i64 = 32;
const LEASE_MS: i64 = 60_000;
/// How often the outbox is checked without a wake-up (retries after temporary failures).
const POLL: Duration = Duration::from_secs(1);
/// A report can overtake the recording of its submission, and a busy database can refuse a
/// write for a moment; it is tried again this often, backing off from 0.2 s (about 50 s in all).
const REPORT_RETRIES: u32 = 8;

pub struct Dispatcher {
    db: Db,
    gateway: Arc<dyn Gateway>,
    outbox: Arc<Notify>,
}

impl Dispatcher {
    pub fn new(db: Db, gateway: Arc<dyn Gateway>, outbox: Arc<Notify>) -> Self {
        Self {
            db,
            gateway,
            outbox,
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
                _ = shutdown.changed() => {}
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
                let (db, gateway) = (self.db.clone(), self.gateway.clone());
                sends.spawn(async move { submit(&db, gateway.as_ref(), message).await });
            }
            while sends.join_next().await.is_some() {}
        }
    }
}

async fn submit(db: &Db, gateway: &dyn Gateway, message: store::Outgoing) {
    let submission = match Submission::new(message.id, message.phone, message.body) {
        Ok(submission) => submission,
        // Checked before it was stored; a text stored by an older rule can still fail here.
        Err(e) => {
            tracing::warn!(message_id = message.id, error = %e, "cannot be split for sending");
            if store::mark_rejected(db, message.id, &e.to_string())
                .await
                .is_err()
            {
                tracing::error!(message_id = message.id, "could not record the rejection");
            }
            return;
        }
    };
    let result = match gateway.submit(&submission).await {
        Ok(accepted) => {
            tracing::info!(
                message_id = message.id,
                parts = accepted.part_ids.len(),
                "submitted"
            );
            store::mark_submitted(db, message.id, gateway.name(), &accepted.part_ids).await
        }
        Err(SubmitError::Rejected(reason)) => {
            tracing::warn!(message_id = message.id, %reason, "rejected by the gateway");
            store::mark_rejected(db, message.id, &reason).await
        }
        Err(SubmitError::Temporary(reason)) => {
            let retry_in = backoff_ms(message.attempts);
            tracing::warn!(message_id = message.id, %reason, retry_in, "gateway unavailable, will retry");
            store::postpone(db, message.id, &reason, now_ms() + retry_in).await
        }
    };
    if result.is_err() {
        tracing::error!(
            message_id = message.id,
            "could not record the submission outcome"
        );
    }
}

/// 2 s, 4 s, 8 s … up to 5 minutes.
fn backoff_ms(attempts: i64) -> i64 {
    let exponent = attempts.clamp(1, 8) as u32;
    (1000 * 2i64.pow(exponent)).min(300_000)
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
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_ms(1), 2000);
        assert_eq!(backoff_ms(2), 4000);
        assert_eq!(backoff_ms(50), 256_000);
    }
}
