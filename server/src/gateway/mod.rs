//! Gateway drivers: how a message leaves Esemes. The dispatcher hands each driver a
//! `Submission` and gets back the gateway's ids of the parts; delivery reports come back later,
//! asynchronously, through the `ReportSink` the driver was built with.

pub mod simulator;

use async_trait::async_trait;
use tokio::sync::mpsc;

pub use app::messages::ssr::ReportOutcome;

/// One message to submit.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Our idempotency key: the same message always carries the same key, so a gateway that
    /// supports it (and the simulator) accepts a retry after a crash without sending twice.
    pub key: String,
    /// E.164 destination.
    pub to: String,
    pub text: String,
    /// The SMS exactly as they go on the wire (UDH and payload), split by the `sms` crate with
    /// the same rules the composer counted and the operator was charged by.
    pub parts: Vec<sms::Part>,
}

impl Submission {
    /// Splits the message `id`'s text; `id` also gives the concatenation reference number.
    pub fn new(id: i64, to: String, text: String) -> Result<Submission, sms::SmsError> {
        let reference = (id & 0xFFFF) as u16;
        let parts = sms::split_with_reference(&text, &app::composer::sending_options(), reference)?;
        Ok(Submission {
            key: format!("esemes-{id}"),
            to,
            text,
            parts,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The gateway's id of each SMS part, in order.
    pub part_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// Try again later (gateway down, throttled, connection lost).
    #[error("temporary gateway failure: {0}")]
    Temporary(String),
    /// The gateway refused this message for good.
    #[error("rejected by the gateway: {0}")]
    Rejected(String),
}

/// A delivery report about one part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    pub gateway_message_id: String,
    pub outcome: ReportOutcome,
    pub at_ms: i64,
}

pub type ReportSink = mpsc::Sender<DeliveryReport>;

#[async_trait]
pub trait Gateway: Send + Sync + 'static {
    /// Stored with each part, so reports from several gateways cannot be confused.
    fn name(&self) -> &'static str;

    async fn submit(&self, submission: &Submission) -> Result<Accepted, SubmitError>;
}
