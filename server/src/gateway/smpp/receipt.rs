//! SMPP delivery receipts and status codes, free of I/O: what a `deliver_sm` receipt says
//! about which part, and what a `submit_sm_resp` status means.

use crate::gateway::ReportOutcome;

/// The receipt of one part, read from a `deliver_sm` with esm_class 0x04.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The SMS centre's id of the part, as its `submit_sm_resp` gave it.
    pub id: String,
    /// `None` for an intermediate receipt (ENROUTE, ACCEPTD): nothing final yet.
    pub outcome: Option<ReportOutcome>,
    /// The start of the part's text the receipt quotes (`text:`), if any.
    pub quoted: Option<String>,
    /// When the SMS centre took the part (`submit date:` YYMMDDhhmm, read as UTC), if given.
    pub submitted_at: Option<i64>,
}

/// How an SMS centre writes the id in the receipt text against the one in `submit_sm_resp`:
/// many answer with a hex id and then quote it in decimal in the text (Kannel's `msg-id-type`).
/// The `receipted_message_id` TLV, where sent, always matches the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptIds {
    #[default]
    Same,
    /// `submit_sm_resp` in hex, the text in decimal.
    HexThenDecimal,
    /// `submit_sm_resp` in decimal, the text in hex.
    DecimalThenHex,
}

/// Reads a receipt from its text (`id:… sub:… dlvrd:… submit date:… done date:… stat:… err:…
/// text:…`) and TLVs. `None` when neither carries an id.
pub fn parse(
    text: &[u8],
    receipted_message_id: Option<&str>,
    message_state: Option<u8>,
    ids: ReceiptIds,
) -> Option<Receipt> {
    let text = String::from_utf8_lossy(text);
    let id = match receipted_message_id.filter(|id| !id.is_empty()) {
        Some(id) => id.to_string(),
        None => text_id_as_response(&field(&text, "id")?, ids)?,
    };
    let quoted = (text.find("text:")).map(|at| text[at + "text:".len()..].to_string());
    let submitted_at = field(&text, "submit date").and_then(|date| {
        let date = chrono::NaiveDateTime::parse_from_str(&date, "%y%m%d%H%M").ok()?;
        Some(date.and_utc().timestamp_millis())
    });
    Some(Receipt {
        id,
        outcome: outcome(&text, message_state),
        quoted,
        submitted_at,
    })
}

/// What a receipt says became of the part: `None` while not final (ENROUTE, ACCEPTD). The
/// `message_state` TLV is the standard's; the text is what SMS centres of SMPP 3.3 send.
pub fn outcome(text: &str, message_state: Option<u8>) -> Option<ReportOutcome> {
    let stat = match message_state {
        Some(2) => "DELIVRD".to_string(),
        Some(3) => "EXPIRED".to_string(),
        Some(4) => "DELETED".to_string(),
        Some(5) => "UNDELIV".to_string(),
        Some(8) => "REJECTD".to_string(),
        Some(7) => "UNKNOWN".to_string(),
        _ => field(text, "stat").unwrap_or_default().to_uppercase(),
    };
    let err = field(text, "err").filter(|e| !e.trim_start_matches('0').is_empty());
    let reason = |what: &str| match &err {
        Some(err) => format!("{what} (error {err})"),
        None => what.to_string(),
    };
    match stat.as_str() {
        "DELIVRD" => Some(ReportOutcome::Delivered),
        "EXPIRED" => Some(ReportOutcome::Expired(reason(
            "EXPIRED: not delivered in time",
        ))),
        "UNDELIV" => Some(ReportOutcome::Undelivered(reason("UNDELIV: undeliverable"))),
        "REJECTD" => Some(ReportOutcome::Undelivered(reason(
            "REJECTD: rejected by the network",
        ))),
        "DELETED" => Some(ReportOutcome::Undelivered(reason(
            "DELETED: deleted by the SMS centre",
        ))),
        "UNKNOWN" => Some(ReportOutcome::Undelivered(reason("UNKNOWN: state unknown"))),
        _ => None,
    }
}

/// The value after `name:` in a receipt text, up to the next space.
fn field(text: &str, name: &str) -> Option<String> {
    let start = text.find(&format!("{name}:"))? + name.len() + 1;
    Some(
        text[start..]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string(),
    )
}

fn text_id_as_response(id: &str, ids: ReceiptIds) -> Option<String> {
    Some(match ids {
        ReceiptIds::Same => id.to_string(),
        ReceiptIds::HexThenDecimal => format!("{:x}", id.parse::<u128>().ok()?),
        ReceiptIds::DecimalThenHex => u128::from_str_radix(id, 16).ok()?.to_string(),
    })
}

/// Whether a refusal in `submit_sm_resp` may pass if tried again later.
pub fn is_temporary(status: u32) -> bool {
    matches!(
        status,
        0x08 // ESME_RSYSERR
        | 0x14 // ESME_RMSGQFUL
        | 0x58 // ESME_RTHROTTLED
        | 0x64 // ESME_RX_T_APPN
    )
}

/// Throttling: the connection should slow down, not only retry.
pub fn is_throttling(status: u32) -> bool {
    matches!(status, 0x14 | 0x58)
}

/// `ESME_RINVDSTADR (0x0000000B): invalid destination address`.
pub fn describe(status: u32) -> String {
    let (name, meaning) = match status {
        0x01 => ("ESME_RINVMSGLEN", "message length is invalid"),
        0x02 => ("ESME_RINVCMDLEN", "command length is invalid"),
        0x03 => ("ESME_RINVCMDID", "invalid command id"),
        0x04 => ("ESME_RINVBNDSTS", "incorrect bind status for the command"),
        0x05 => ("ESME_RALYBND", "already bound"),
        0x08 => ("ESME_RSYSERR", "system error"),
        0x0A => ("ESME_RINVSRCADR", "invalid source address"),
        0x0B => ("ESME_RINVDSTADR", "invalid destination address"),
        0x0C => ("ESME_RINVMSGID", "invalid message id"),
        0x0D => ("ESME_RBINDFAIL", "bind failed"),
        0x0E => ("ESME_RINVPASWD", "invalid password"),
        0x0F => ("ESME_RINVSYSID", "invalid system id"),
        0x14 => ("ESME_RMSGQFUL", "message queue full"),
        0x45 => ("ESME_RSUBMITFAIL", "submit failed"),
        0x48 => ("ESME_RINVSRCTON", "invalid source address TON"),
        0x49 => ("ESME_RINVSRCNPI", "invalid source address NPI"),
        0x50 => ("ESME_RINVDSTTON", "invalid destination address TON"),
        0x51 => ("ESME_RINVDSTNPI", "invalid destination address NPI"),
        0x58 => (
            "ESME_RTHROTTLED",
            "throttled: exceeding the allowed message rate",
        ),
        0x61 => ("ESME_RINVSCHED", "invalid scheduled delivery time"),
        0x62 => ("ESME_RINVEXPIRY", "invalid validity period"),
        0x64 => ("ESME_RX_T_APPN", "temporary error at the recipient's side"),
        0x65 => ("ESME_RX_P_APPN", "permanent error at the recipient's side"),
        0x66 => ("ESME_RX_R_APPN", "refused by the recipient's side"),
        0xFF => ("ESME_RUNKNOWNERR", "unknown error"),
        _ => ("ESME_R?", "error code unknown to Esemes"),
    };
    format!("{name} (0x{status:08X}): {meaning}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DELIVERED: &[u8] = b"id:1000000007 sub:001 dlvrd:001 submit date:2611301200 \
        done date:2611301201 stat:DELIVRD err:000 text:Dzien dobry";

    #[test]
    fn a_receipt_is_read_from_its_tlvs_or_its_text() {
        let from_text = parse(DELIVERED, None, None, ReceiptIds::Same).unwrap();
        assert_eq!(
            from_text,
            Receipt {
                id: "1000000007".into(),
                outcome: Some(ReportOutcome::Delivered),
                quoted: Some("Dzien dobry".into()),
                // 2026-11-30 12:00 UTC
                submitted_at: Some(1_796_040_000_000),
            }
        );
        // The TLVs win over the text.
        let from_tlvs = parse(DELIVERED, Some("3b9aca07"), Some(5), ReceiptIds::Same).unwrap();
        assert_eq!(from_tlvs.id, "3b9aca07");
        assert_eq!(
            from_tlvs.outcome,
            Some(ReportOutcome::Undelivered("UNDELIV: undeliverable".into()))
        );
    }

    #[test]
    fn an_id_quoted_in_the_other_base_is_matched_to_the_response() {
        let hex = parse(DELIVERED, None, None, ReceiptIds::HexThenDecimal).unwrap();
        assert_eq!(hex.id, "3b9aca07");
        let text = b"id:3b9aca07 stat:DELIVRD err:000";
        let decimal = parse(text, None, None, ReceiptIds::DecimalThenHex).unwrap();
        assert_eq!(decimal.id, "1000000007");
    }

    #[test]
    fn failures_keep_their_error_and_intermediate_states_are_not_final() {
        let text = b"id:9 sub:001 dlvrd:000 submit date:2611301200 done date:2611301300 stat:EXPIRED err:005 text:";
        assert_eq!(
            parse(text, None, None, ReceiptIds::Same).unwrap().outcome,
            Some(ReportOutcome::Expired(
                "EXPIRED: not delivered in time (error 005)".into()
            ))
        );
        let enroute = b"id:9 stat:ENROUTE err:000";
        assert_eq!(
            parse(enroute, None, None, ReceiptIds::Same)
                .unwrap()
                .outcome,
            None
        );
        assert_eq!(
            parse(b"stat:DELIVRD", None, None, ReceiptIds::Same),
            None,
            "no id"
        );
        assert_eq!(
            parse(
                b"id:zz stat:DELIVRD",
                None,
                None,
                ReceiptIds::HexThenDecimal
            ),
            None
        );
    }

    #[test]
    fn status_codes_are_named_and_classified() {
        assert_eq!(
            describe(0x0B),
            "ESME_RINVDSTADR (0x0000000B): invalid destination address"
        );
        assert!(is_temporary(0x58) && is_throttling(0x58));
        assert!(is_temporary(0x14) && is_temporary(0x08));
        assert!(!is_temporary(0x0B) && !is_throttling(0x08));
    }
}
