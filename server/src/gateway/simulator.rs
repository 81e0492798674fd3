//! The built-in simulator gateway, so Esemes works out of the box. It accepts every message and
//! reports delivery after a delay, except by these rules on the destination number:
//! - ending in `000`: rejected at submission ("invalid destination");
//! - ending in `999`: accepted, then reported undelivered ("absent subscriber").
//!
//! Like an SMS centre it gives each part its own id, and like a careful gateway it remembers
//! idempotency keys, so a resubmitted message gets its first ids back and is not sent twice.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;

use super::{Accepted, DeliveryReport, Gateway, ReportOutcome, ReportSink, SubmitError};

pub struct Simulator {
    delivery_delay: Duration,
    reports: ReportSink,
    next_id: AtomicU64,
    accepted: Mutex<HashMap<String, Accepted>>,
}

impl Simulator {
    pub fn new(delivery_delay: Duration, reports: ReportSink) -> Self {
        Self {
            delivery_delay,
            reports,
            next_id: AtomicU64::new(1),
            accepted: Mutex::new(HashMap::new()),
        }
    }
}

#[async_trait]
impl Gateway for Simulator {
    fn name(&self) -> &'static str {
        "simulator"
    }

    async fn submit(&self, submission: &super::Submission) -> Result<Accepted, SubmitError> {
        if submission.to.ends_with("000") {
            return Err(SubmitError::Rejected("invalid destination".into()));
        }
        let (accepted, first_time) = {
            let mut seen = self.accepted.lock().expect("simulator lock");
            match seen.get(&submission.key) {
                Some(accepted) => (accepted.clone(), false),
                None => {
                    let part_ids = (0..submission.parts.len())
                        .map(|_| format!("sim-{}", self.next_id.fetch_add(1, Ordering::Relaxed)))
                        .collect();
                    let accepted = Accepted { part_ids };
                    seen.insert(submission.key.clone(), accepted.clone());
                    (accepted, true)
                }
            }
        };
        if first_time {
            let outcome = if submission.to.ends_with("999") {
                ReportOutcome::Undelivered("absent subscriber".into())
            } else {
                ReportOutcome::Delivered
            };
            let reports = self.reports.clone();
            let ids = accepted.part_ids.clone();
            let delay = self.delivery_delay;
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                for gateway_message_id in ids {
                    let report = DeliveryReport {
                        gateway_message_id,
                        outcome: outcome.clone(),
                        at_ms: app::ssr::now_ms(),
                    };
                    if reports.send(report).await.is_err() {
                        return; // shutting down
                    }
                }
            });
        }
        Ok(accepted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::Submission;
    use tokio::sync::mpsc;

    fn submission(key: &str, to: &str, text: &str) -> Submission {
        Submission {
            key: key.into(),
            ..Submission::new(1, to.into(), text.into()).unwrap()
        }
    }

    #[tokio::test]
    async fn delivers_each_part_and_dedupes_by_key() {
        let (tx, mut rx) = mpsc::channel(16);
        let sim = Simulator::new(Duration::from_millis(1), tx);
        let long = "x".repeat(200); // two parts
        let first = sim
            .submit(&submission("k1", "+48600100200", &long))
            .await
            .unwrap();
        assert_eq!(first.part_ids.len(), 2);
        let again = sim
            .submit(&submission("k1", "+48600100200", &long))
            .await
            .unwrap();
        assert_eq!(first, again);
        for id in &first.part_ids {
            let report = rx.recv().await.unwrap();
            assert_eq!(&report.gateway_message_id, id);
            assert_eq!(report.outcome, ReportOutcome::Delivered);
        }
        // The retry produced no second set of reports.
        assert!(tokio::time::timeout(Duration::from_millis(50), rx.recv())
            .await
            .is_err());
    }

    #[tokio::test]
    async fn fails_numbers_by_the_documented_rule() {
        let (tx, mut rx) = mpsc::channel(16);
        let sim = Simulator::new(Duration::from_millis(1), tx);
        assert_eq!(
            sim.submit(&submission("a", "+48600100000", "hi")).await,
            Err(SubmitError::Rejected("invalid destination".into()))
        );
        sim.submit(&submission("b", "+48600100999", "hi"))
            .await
            .unwrap();
        assert_eq!(
            rx.recv().await.unwrap().outcome,
            ReportOutcome::Undelivered("absent subscriber".into())
        );
    }
}
