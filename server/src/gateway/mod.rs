//! Gateway drivers: how a message leaves Esemes. The dispatcher hands a driver one SMS part at a
//! time and gets back the gateway's id of it; delivery reports come back later, asynchronously,
//! through the `ReportSink` the driver was built with.

pub mod connections;
pub mod kannel;
pub mod simulator;
pub mod smpp;

use async_trait::async_trait;
use tokio::sync::mpsc;

pub use app::messages::ssr::{ReportAbout, ReportOutcome};

/// One SMS part to submit: the message's parts are submitted one by one, so a retry after a
/// throttled second part submits the second and third, never the first again.
#[derive(Debug, Clone)]
pub struct OutgoingPart {
    /// Our idempotency key of this part: a gateway that supports keys (and the simulator)
    /// answers a resubmission with the id it gave the first time.
    pub key: String,
    /// E.164 destination.
    pub to: String,
    /// The sender name it goes with; `None`: the connection's own number.
    pub sender: Option<String>,
    /// The SMS exactly as it goes on the wire (UDH and payload), split by the `sms` crate with
    /// the same rules the composer counted and the operator was charged by.
    pub part: sms::Part,
}

/// The parts of message `id`'s text, to `to` from `sender`; `id` also gives the concatenation
/// reference number.
pub fn split(
    id: i64,
    to: &str,
    sender: Option<&str>,
    text: &str,
) -> Result<Vec<OutgoingPart>, sms::SmsError> {
    let reference = (id & 0xFFFF) as u16;
    let parts = sms::split_with_reference(text, &app::composer::sending_options(), reference)?;
    Ok(parts
        .into_iter()
        .enumerate()
        .map(|(seq, part)| OutgoingPart {
            key: format!("esemes-{id}-{seq}"),
            to: to.to_string(),
            sender: sender.map(str::to_string),
            part,
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// Certainly not accepted; try again later (throttled, queue full, gateway down, refused
    /// before it was sent).
    #[error("temporary gateway failure: {0}")]
    Temporary(String),
    /// The gateway refused this part for good.
    #[error("rejected by the gateway: {0}")]
    Rejected(String),
    /// The part left but no answer came (timeout, connection lost after sending): it may have
    /// been accepted.
    #[error("no answer from the gateway: {0}")]
    InDoubt(String),
}

/// A delivery report about one part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    pub gateway_message_id: String,
    pub outcome: ReportOutcome,
    pub at_ms: i64,
    /// What the report says about its part besides the id (SMPP receipts), to find the part
    /// if its id was never recorded.
    pub about: Option<ReportAbout>,
}

pub type ReportSink = mpsc::Sender<DeliveryReport>;

#[async_trait]
pub trait Gateway: Send + Sync + 'static {
    /// Stored with each part, so reports from several gateways cannot be confused.
    fn name(&self) -> &'static str;

    /// Submissions that may be waiting for their answer at once. The dispatcher marks at most
    /// four times this many parts `submitting`, so a crash leaves at most that many in doubt.
    fn window(&self) -> usize {
        32
    }

    /// Submits one part; its gateway id when accepted.
    async fn submit(&self, part: &OutgoingPart) -> Result<String, SubmitError>;
}
