//! The built-in simulator gateway, so Esemes works out of the box. It accepts every part and
//! reports delivery after a delay, except by these rules on the destination number:
//! - ending in `000`: rejected at submission ("invalid destination");
//! - ending in `999`: accepted, then reported undelivered ("absent subscriber").
//!
//! Like an SMS centre it gives each part its own id, and like a careful gateway it remembers
//! idempotency keys, so a resubmitted part gets its first id back and is not sent twice.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;

use super::{DeliveryReport, Gateway, OutgoingPart, ReportOutcome, ReportSink, SubmitError};

pub struct Simulator {
    delivery_delay: Duration,
    reports: ReportSink,
    next_id: AtomicU64,
    accepted: Mutex<HashMap<String, String>>,
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

    async fn submit(&self, part: &OutgoingPart) -> Result<String, SubmitError> {
        if part.to.ends_with("000") {
            return Err(SubmitError::Rejected("invalid destination".into()));
        }
        let (id, first_time) = {
            let mut seen = self.accepted.lock().expect("simulator lock");
            match seen.get(&part.key) {
                Some(id) => (id.clone(), false),
                None => {
                    let id = format!("sim-{}", self.next_id.fetch_add(1, Ordering::Relaxed));
                    seen.insert(part.key.clone(), id.clone());
                    (id, true)
                }
            }
        };
        if first_time {
            let outcome = if part.to.ends_with("999") {
                ReportOutcome::Undelivered("absent subscriber".into())
            } else {
                ReportOutcome::Delivered
            };
            let (reports, delay, gateway_message_id) =
                (self.reports.clone(), self.delivery_delay, id.clone());
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let report = DeliveryReport {
                    gateway_message_id,
                    outcome,
                    at_ms: app::ssr::now_ms(),
                    about: None,
                };
                // Fails only when shutting down.
                let _ = reports.send(report).await;
            });
        }
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::split;
    use tokio::sync::mpsc;

    #[tokio::test]
    async fn delivers_each_part_and_dedupes_by_key() {
        let (tx, mut rx) = mpsc::channel(16);
        let sim = Simulator::new(Duration::from_millis(1), tx);
        let parts = split(1, "+48600100200", None, &"x".repeat(200)).unwrap();
        assert_eq!(parts.len(), 2);
        let mut ids = Vec::new();
        for part in &parts {
            ids.push(sim.submit(part).await.unwrap());
        }
        assert_ne!(ids[0], ids[1]);
        assert_eq!(
            sim.submit(&parts[1]).await.unwrap(),
            ids[1],
            "a retry gets its first id"
        );
        for id in &ids {
            let report = rx.recv().await.unwrap();
            assert_eq!(&report.gateway_message_id, id);
            assert_eq!(report.outcome, ReportOutcome::Delivered);
        }
        // The retry produced no second report.
        assert!(tokio::time::timeout(Duration::from_millis(50), rx.recv())
            .await
            .is_err());
    }

    #[tokio::test]
    async fn fails_numbers_by_the_documented_rule() {
        let (tx, mut rx) = mpsc::channel(16);
        let sim = Simulator::new(Duration::from_millis(1), tx);
        let rejected = &split(2, "+48600100000", None, "hi").unwrap()[0];
        assert_eq!(
            sim.submit(rejected).await,
            Err(SubmitError::Rejected("invalid destination".into()))
        );
        sim.submit(&split(3, "+48600100999", None, "hi").unwrap()[0])
            .await
            .unwrap();
        assert_eq!(
            rx.recv().await.unwrap().outcome,
            ReportOutcome::Undelivered("absent subscriber".into())
        );
    }
}
