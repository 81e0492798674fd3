//! The SMPP 3.4 driver: one transceiver bind to an SMS centre, kept up (reconnected with
//! back-off), with a window of outstanding submits and a rate limit. Each part is one
//! `submit_sm` exactly as the `sms` crate split it (UDH, GSM 7-bit or UCS-2), asking for a
//! delivery receipt; receipts come back as `deliver_sm` and become delivery reports.
//!
//! SMPP has no idempotency: a submit whose answer never came (timeout, connection lost after
//! sending) may have been accepted, so it is reported in doubt, never as a plain failure.

pub mod receipt;

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use rusmpp::pdus::{BindTransceiver, DeliverSm, DeliverSmResp, SubmitSm};
use rusmpp::tlvs::TlvValue;
use rusmpp::types::{COctetString, EmptyOrFullCOctetString, OctetString};
use rusmpp::values::{DataCoding, EsmClass, InterfaceVersion, Npi, RegisteredDelivery, Ton};
use rusmpp::{Command, CommandId, Pdu};
use rusmppc::{Client, ConnectionBuilder, Event};
use tokio::sync::{watch, Notify};
use tokio::time::Instant;

use self::receipt::ReceiptIds;
use super::{DeliveryReport, Gateway, OutgoingPart, ReportAbout, ReportSink, SubmitError};

/// How GSM 7-bit text goes in `short_message`: most SMS centres take one septet per octet;
/// some want the septets packed as on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GsmPacking {
    #[default]
    Unpacked,
    Packed,
}

/// No `Debug`: it holds the password.
#[derive(Clone)]
pub struct SmppSettings {
    /// The connection's name, stored with each part so reports from several connections
    /// cannot be confused.
    pub name: String,
    /// `host:port`.
    pub address: String,
    pub system_id: String,
    pub password: String,
    pub system_type: String,
    /// The sender: a name (alphanumeric, up to 11 characters), an international number
    /// (`+48…`) or a short code (digits).
    pub source: String,
    /// Submits waiting for their answer at once.
    pub window: usize,
    pub max_per_second: u32,
    /// How long the SMS centre keeps trying to deliver a part (`validity_period`).
    pub validity: Duration,
    pub response_timeout: Duration,
    pub enquire_link: Duration,
    pub receipt_ids: ReceiptIds,
    pub gsm_packing: GsmPacking,
    /// Binds kept up at once; submits take turns among those that are up.
    pub binds: usize,
}

/// The bind as the driver last knew it.
#[derive(Clone)]
enum Session {
    Bound(Link),
    Down(String),
}

/// A client of the SMPP library with a doorbell. The library's connection takes at most five
/// queued requests per turn and may then sleep with more waiting: nothing wakes it until the
/// SMS centre sends something or the next enquire_link is due, so under load sending froze for
/// up to `enquire_link` seconds. The connection is driven here, and every request rings the
/// doorbell once it is queued, which makes the connection look again.
#[derive(Clone)]
pub struct Link {
    pub client: Client,
    doorbell: Arc<Notify>,
}

impl Link {
    /// Connects to `smpp://address` with `builder`'s settings; the link and the stream of
    /// commands the SMS centre sends.
    pub async fn connect(
        builder: ConnectionBuilder,
        address: &str,
    ) -> Result<(Link, impl futures::Stream<Item = Event> + Unpin + 'static), rusmppc::error::Error>
    {
        let (client, events, connection) = builder
            .no_spawn()
            .connect(format!("smpp://{address}"))
            .await?;
        let doorbell = Arc::new(Notify::new());
        let rung = doorbell.clone();
        tokio::spawn(async move {
            tokio::pin!(connection);
            loop {
                tokio::select! {
                    () = &mut connection => return,
                    () = rung.notified() => {}
                }
            }
        });
        Ok((Link { client, doorbell }, events))
    }

    /// Runs one request of the client's (`request` queues it when first polled), ringing the
    /// doorbell once it is queued.
    pub async fn request<T>(&self, request: impl std::future::Future<Output = T>) -> T {
        let ring = async {
            tokio::task::yield_now().await;
            self.doorbell.notify_one();
        };
        tokio::join!(request, ring).0
    }
}

pub struct Smpp {
    name: &'static str,
    /// Where incoming messages are stored.
    db: Option<app::ssr::Db>,
    settings: SmppSettings,
    /// Each bind's state.
    sessions: Vec<watch::Receiver<Session>>,
    /// Whose turn the next submit is.
    next_bind: AtomicUsize,
    /// The earliest moment the next submit may leave (rate limit, throttling).
    next_slot: Mutex<Instant>,
    /// Whether a bind is up, since when (epoch ms), and the last error of any.
    link: Mutex<(bool, i64, Option<String>)>,
}

/// After being throttled, the connection sends at most one submit per this long for a while.
const THROTTLED_PAUSE: Duration = Duration::from_millis(500);
const RECONNECT_FIRST: Duration = Duration::from_millis(500);
const RECONNECT_MAX: Duration = Duration::from_secs(30);

impl Smpp {
    /// Starts keeping the binds up in the background; receipts go to `reports`, incoming
    /// messages into `db`.
    pub fn start(
        settings: SmppSettings,
        reports: ReportSink,
        db: Option<app::ssr::Db>,
    ) -> Arc<Smpp> {
        let (senders, sessions): (Vec<_>, Vec<_>) = (0..settings.binds.max(1))
            .map(|_| watch::channel(Session::Down("not connected yet".into())))
            .unzip();
        let smpp = Arc::new(Smpp {
            db,
            // Connections live as long as the server: their names are leaked once.
            name: Box::leak(settings.name.clone().into_boxed_str()),
            next_slot: Mutex::new(Instant::now()),
            link: Mutex::new((false, app::ssr::now_ms(), None)),
            settings,
            sessions,
            next_bind: AtomicUsize::new(0),
        });
        for session in senders {
            tokio::spawn(keep_bound(smpp.clone(), session, reports.clone()));
        }
        smpp
    }

    /// Binds once and says how it went: for `server gateway check`.
    pub async fn check(settings: &SmppSettings) -> Result<String, String> {
        let (link, _events) = bind(settings).await?;
        let _ = link.request(link.client.unbind()).await;
        Ok(format!(
            "{}: bound to {} as {}",
            settings.name, settings.address, settings.system_id
        ))
    }

    /// Waits for every bind (at most `timeout`); for tests and benchmarks.
    pub async fn wait_bound(&self, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        for session in &self.sessions {
            let mut watched = session.clone();
            let bound = watched.wait_for(|s| matches!(s, Session::Bound(_)));
            if tokio::time::timeout_at(deadline, bound).await.is_err() {
                if let Session::Down(error) = &*session.borrow() {
                    return Err(error.clone());
                }
            }
        }
        Ok(())
    }

    /// A bind that is up, taking turns; why none is otherwise.
    fn bound(&self) -> Result<Link, String> {
        let turn = self.next_bind.fetch_add(1, Ordering::Relaxed);
        let count = self.sessions.len();
        let mut why = "connection lost".to_string();
        for k in 0..count {
            match &*self.sessions[(turn + k) % count].borrow() {
                Session::Bound(link) if link.client.is_active() => return Ok(link.clone()),
                Session::Bound(_) => {}
                Session::Down(error) => why = format!("not bound: {error}"),
            }
        }
        Err(why)
    }

    /// The bind's state for the administration page.
    pub fn status(&self) -> app::admin::ConnectionStatus {
        let ready = self.bound().is_ok();
        let (_, since, error) = self.link.lock().expect("link lock").clone();
        app::admin::ConnectionStatus {
            name: self.name.to_string(),
            driver: "smpp".into(),
            ready,
            since: Some(app::ssr::local_time(since)),
            error,
            sending: Default::default(),
        }
    }

    /// Notes a change of the bind: up (`None`) or down with why. Failing to bind again keeps
    /// the moment it went down; the error is the latest.
    fn link_changed(&self, error: Option<String>) {
        let mut link = self.link.lock().expect("link lock");
        let up = error.is_none();
        if up != link.0 {
            *link = (up, app::ssr::now_ms(), link.2.take());
        }
        if error.is_some() {
            link.2 = error;
        }
    }

    /// Spaces submits by the rate limit.
    async fn pace(&self) {
        let interval = Duration::from_secs(1) / self.settings.max_per_second.max(1);
        let at = {
            let mut next = self.next_slot.lock().expect("pace lock");
            let at = (*next).max(Instant::now());
            *next = at + interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }

    fn slow_down(&self) {
        let mut next = self.next_slot.lock().expect("pace lock");
        *next = (*next).max(Instant::now() + THROTTLED_PAUSE);
    }

    fn submit_sm(&self, part: &OutgoingPart) -> Result<SubmitSm, SubmitError> {
        let invalid =
            |what: &str| SubmitError::Rejected(format!("cannot be put in submit_sm: {what}"));
        let sender = part.sender.as_deref().unwrap_or(&self.settings.source);
        let (source_ton, source_npi, source) = source_address(sender);
        let payload: &[u8] = match (&part.part.payload, self.settings.gsm_packing) {
            (sms::Payload::Gsm7 { septets, .. }, GsmPacking::Unpacked) => septets,
            (sms::Payload::Gsm7 { packed, .. }, GsmPacking::Packed) => packed,
            (sms::Payload::Ucs2 { bytes }, _) => bytes,
        };
        let data_coding = match part.part.payload {
            sms::Payload::Gsm7 { .. } => DataCoding::McSpecific,
            sms::Payload::Ucs2 { .. } => DataCoding::Ucs2,
        };
        let short_message = [part.part.udh.as_slice(), payload].concat();
        // UDHI: the short message begins with a user data header.
        let esm_class = if part.part.udh.is_empty() { 0x00 } else { 0x40 };
        Ok(SubmitSm::builder()
            .source_addr_ton(source_ton)
            .source_addr_npi(source_npi)
            .source_addr(COctetString::from_str(&source).map_err(|_| invalid("sender"))?)
            .dest_addr_ton(Ton::International)
            .dest_addr_npi(Npi::Isdn)
            .destination_addr(
                COctetString::from_str(part.to.trim_start_matches('+'))
                    .map_err(|_| invalid("destination"))?,
            )
            .esm_class(EsmClass::from(esm_class))
            .registered_delivery(RegisteredDelivery::from(1))
            .validity_period(
                EmptyOrFullCOctetString::from_str(&relative_time(self.settings.validity))
                    .map_err(|_| invalid("validity period"))?,
            )
            .data_coding(data_coding)
            .short_message(OctetString::from_vec(short_message).map_err(|_| invalid("length"))?)
            .build())
    }
}

/// SMPP's relative time format, `YYMMDDhhmmss000R`, for a period of whole hours (up to 99
/// days).
fn relative_time(period: Duration) -> String {
    let hours = (period.as_secs() / 3600).min(99 * 24);
    format!("0000{:02}{:02}0000000R", hours / 24, hours % 24)
}

/// TON/NPI by the kind of sender: a name 5/0, an international number 1/1, a short code 3/0.
fn source_address(source: &str) -> (Ton, Npi, String) {
    if let Some(number) = source.strip_prefix('+') {
        (Ton::International, Npi::Isdn, number.to_string())
    } else if !source.is_empty() && source.chars().all(|c| c.is_ascii_digit()) {
        (Ton::NetworkSpecific, Npi::Unknown, source.to_string())
    } else {
        (Ton::Alphanumeric, Npi::Unknown, source.to_string())
    }
}

#[async_trait]
impl Gateway for Smpp {
    fn name(&self) -> &'static str {
        self.name
    }

    /// The dispatcher keeps at most this many submits outstanding.
    fn window(&self) -> usize {
        self.settings.window.max(1)
    }

    async fn submit(&self, part: &OutgoingPart) -> Result<String, SubmitError> {
        let submit = self.submit_sm(part)?;
        self.pace().await;
        let link = (self.bound())
            .map_err(|why| SubmitError::Temporary(format!("{}: {why}", self.name)))?;
        match link.request(link.client.submit_sm(submit)).await {
            Ok(response) => Ok(response.message_id().to_string()),
            Err(rusmppc::error::Error::UnexpectedResponse { response }) => {
                let status = u32::from(response.status());
                let described = receipt::describe(status);
                if receipt::is_throttling(status) {
                    self.slow_down();
                }
                Err(if receipt::is_temporary(status) {
                    SubmitError::Temporary(described)
                } else {
                    SubmitError::Rejected(described)
                })
            }
            Err(e @ rusmppc::error::Error::Encode(_)) => Err(SubmitError::Rejected(e.to_string())),
            // Sent, but the answer did not come: it may have been accepted.
            Err(e) => Err(SubmitError::InDoubt(format!("{}: {e}", self.name))),
        }
    }
}

async fn bind(
    settings: &SmppSettings,
) -> Result<(Link, impl futures::Stream<Item = Event> + Unpin + 'static), String> {
    fn text<const MAX: usize>(value: &str, what: &str) -> Result<COctetString<1, MAX>, String> {
        COctetString::from_str(value).map_err(|_| format!("{what} is too long for SMPP"))
    }
    let builder = ConnectionBuilder::new()
        .enquire_link_interval(settings.enquire_link)
        .response_timeout(settings.response_timeout)
        // The SMS centre answers as 3.4; the client library speaks 5.0 otherwise alike.
        .disable_interface_version_check();
    let (link, events) = Link::connect(builder, &settings.address)
        .await
        .map_err(|e| format!("cannot connect to {}: {e}", settings.address))?;
    let client = &link.client;
    let bind = BindTransceiver::builder()
        .system_id(text(&settings.system_id, "system_id")?)
        .password(text(&settings.password, "password")?)
        .system_type(text(&settings.system_type, "system_type")?)
        .interface_version(InterfaceVersion::Smpp3_4)
        .addr_ton(Ton::Unknown)
        .addr_npi(Npi::Unknown)
        .address_range(COctetString::empty())
        .build();
    match link.request(client.bind_transceiver(bind)).await {
        Ok(_) => Ok((link, events)),
        Err(rusmppc::error::Error::UnexpectedResponse { response }) => {
            let _ = link.request(client.close()).await;
            Err(format!(
                "bind refused: {}",
                receipt::describe(u32::from(response.status()))
            ))
        }
        Err(e) => {
            let _ = link.request(client.close()).await;
            Err(format!("bind failed: {e}"))
        }
    }
}

/// Binds, serves the bind's incoming commands until it drops, and binds again with back-off.
async fn keep_bound(smpp: Arc<Smpp>, session: watch::Sender<Session>, reports: ReportSink) {
    let mut wait = RECONNECT_FIRST;
    loop {
        match bind(&smpp.settings).await {
            Ok((link, mut events)) => {
                tracing::info!(connection = smpp.name, "SMPP bound");
                wait = RECONNECT_FIRST;
                smpp.link_changed(None);
                if session.send(Session::Bound(link.clone())).is_err() {
                    return; // the driver is gone
                }
                while let Some(event) = events.next().await {
                    match event {
                        Event::Incoming(command) => {
                            incoming(&smpp, &link, &reports, command).await;
                        }
                        Event::Error(e) => {
                            tracing::warn!(connection = smpp.name, error = %e, "SMPP connection error");
                        }
                    }
                }
                tracing::warn!(
                    connection = smpp.name,
                    "SMPP connection lost; binding again"
                );
                smpp.link_changed(Some("connection lost".into()));
                let _ = session.send(Session::Down("connection lost".into()));
            }
            Err(error) => {
                tracing::warn!(connection = smpp.name, %error, retry_in = ?wait, "SMPP bind failed");
                smpp.link_changed(Some(error.clone()));
                let _ = session.send(Session::Down(error));
            }
        }
        if session.is_closed() {
            return;
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(RECONNECT_MAX);
    }
}

async fn incoming(smpp: &Smpp, link: &Link, reports: &ReportSink, command: Command) {
    if command.id() != CommandId::DeliverSm {
        return; // enquire_link and the like are answered by the client library
    }
    let Some(Pdu::DeliverSm(deliver)) = command.pdu() else {
        return;
    };
    let answer = (link.client).deliver_sm_resp(command.sequence_number(), DeliverSmResp::default());
    let answered = link.request(answer).await;
    if let Err(e) = answered {
        tracing::warn!(connection = smpp.name, error = %e, "deliver_sm_resp not sent");
    }
    // esm_class bits 2-5 = 0001: an SMS centre delivery receipt; anything else is an SMS.
    let esm_class = u8::from(deliver.esm_class);
    if esm_class & 0x3C != 0x04 {
        store_incoming(smpp, deliver, esm_class & 0x40 != 0).await;
        return;
    }
    let Some(receipt) = read_receipt(deliver, smpp.settings.receipt_ids) else {
        tracing::warn!(
            connection = smpp.name,
            "delivery receipt without a message id"
        );
        return;
    };
    let Some(outcome) = receipt.outcome else {
        return; // intermediate: ENROUTE, ACCEPTD
    };
    let handset = deliver.source_addr.to_string();
    let report = DeliveryReport {
        gateway_message_id: receipt.id,
        outcome,
        at_ms: app::ssr::now_ms(),
        about: Some(ReportAbout {
            destination: format!("+{}", handset.trim_start_matches('+')),
            quoted: receipt.quoted,
            submitted_at: receipt.submitted_at,
        }),
    };
    if reports.send(report).await.is_err() {
        tracing::debug!("shutting down: receipt not applied");
    }
}

async fn store_incoming(smpp: &Smpp, deliver: &DeliverSm, has_udh: bool) {
    let coding = match u8::from(deliver.data_coding) {
        8 => sms::receive::Coding::Ucs2,
        _ => sms::receive::Coding::Gsm7 {
            packed: smpp.settings.gsm_packing == GsmPacking::Packed,
        },
    };
    let Some(part) = sms::receive::read_part(deliver.short_message().as_ref(), has_udh, coding)
    else {
        tracing::warn!(connection = smpp.name, "incoming SMS with a broken header");
        return;
    };
    let Some(db) = &smpp.db else { return };
    let sender = format!(
        "+{}",
        deliver.source_addr.to_string().trim_start_matches('+')
    );
    let recipient = deliver.destination_addr.to_string();
    match app::replies::ssr::receive_part(db, smpp.name, &sender, &recipient, &part).await {
        Ok(Some(id)) => tracing::info!(
            connection = smpp.name,
            incoming_id = id,
            "incoming SMS stored"
        ),
        Ok(None) => {}
        Err(_) => tracing::error!(connection = smpp.name, "incoming SMS not stored"),
    }
}

fn read_receipt(deliver: &DeliverSm, ids: ReceiptIds) -> Option<receipt::Receipt> {
    let mut receipted = None;
    let mut state = None;
    for tlv in deliver.tlvs() {
        match tlv.value() {
            Some(TlvValue::ReceiptedMessageId(id)) => receipted = Some(id.to_string()),
            Some(TlvValue::MessageState(s)) => state = Some(u8::from(*s)),
            _ => {}
        }
    }
    receipt::parse(
        deliver.short_message().as_ref(),
        receipted.as_deref(),
        state,
        ids,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_is_written_as_a_relative_time() {
        assert_eq!(
            relative_time(Duration::from_secs(24 * 3600)),
            "000001000000000R"
        );
        assert_eq!(
            relative_time(Duration::from_secs(30 * 3600)),
            "000001060000000R"
        );
        assert_eq!(relative_time(Duration::from_secs(3600)), "000000010000000R");
    }
}
