//! Gateway connections from the TOML file named by `ESEMES_GATEWAYS` (an example is committed
//! as `gateways.example.toml`). Secrets are written as `${ENV_VAR}` and read from the
//! environment; no secret is ever logged, shown or returned. A file with errors stops the
//! server at start, naming the line and key.

use std::time::Duration;

use serde::Deserialize;

use super::kannel::KannelSettings;
use super::smpp::receipt::ReceiptIds;
use super::smpp::{GsmPacking, SmppSettings};
use crate::dispatcher::{InDoubt, Policy};

/// One connection: how to reach the gateway, and how the outbox sends through it.
#[derive(Clone)]
pub struct Connection {
    pub name: String,
    pub driver: Driver,
    pub policy: Policy,
    /// The accounts (ids) whose messages go through this connection; every account listed
    /// nowhere goes through the first one.
    pub accounts: Vec<i64>,
}

#[derive(Clone)]
pub enum Driver {
    Simulator { delivery_delay: Duration },
    Smpp(SmppSettings),
    Kannel(KannelSettings),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    connection: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum DriverKind {
    Simulator,
    Smpp,
    Kannel,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum InDoubtSetting {
    Hold,
    Resend,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    driver: DriverKind,
    #[serde(default)]
    accounts: Vec<i64>,
    #[serde(default = "default_validity_hours")]
    validity_hours: u32,
    #[serde(default = "default_in_doubt")]
    in_doubt: InDoubtSetting,
    // The simulator's.
    #[serde(default = "default_delay_ms")]
    delivery_delay_ms: u64,
    // Kannel's.
    sendsms_url: Option<String>,
    username: Option<String>,
    dlr_url: Option<String>,
    incoming_secret: Option<String>,
    // SMPP's (and the password and source Kannel's too).
    address: Option<String>,
    system_id: Option<String>,
    password: Option<String>,
    #[serde(default)]
    system_type: String,
    #[serde(default = "default_source")]
    source: String,
    #[serde(default = "default_window")]
    window: usize,
    #[serde(default = "default_max_per_second")]
    max_per_second: u32,
    #[serde(default = "default_timeout_seconds")]
    response_timeout_seconds: u64,
    #[serde(default = "default_timeout_seconds")]
    enquire_link_seconds: u64,
    #[serde(default)]
    receipt_ids: ReceiptIds,
    #[serde(default)]
    gsm_packing: GsmPacking,
    #[serde(default = "default_binds")]
    binds: usize,
}

fn default_validity_hours() -> u32 {
    24
}
fn default_in_doubt() -> InDoubtSetting {
    InDoubtSetting::Hold
}
fn default_delay_ms() -> u64 {
    2000
}
fn default_source() -> String {
    "ESEMES".into()
}
fn default_binds() -> usize {
    1
}
fn default_window() -> usize {
    10
}
fn default_max_per_second() -> u32 {
    50
}
fn default_timeout_seconds() -> u64 {
    30
}

/// The connections of the file `path`, secrets from the environment.
pub fn load(path: &str) -> Result<Vec<Connection>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    parse(path, &text, |var| std::env::var(var).ok())
}

/// Without a file: the built-in simulator.
pub fn simulator(delivery_delay: Duration) -> Connection {
    Connection {
        name: "simulator".into(),
        driver: Driver::Simulator { delivery_delay },
        policy: Policy::default(),
        accounts: Vec::new(),
    }
}

/// Reads the connections from `text` (the file `path`), `env` giving `${VAR}` values.
pub fn parse(
    path: &str,
    text: &str,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Vec<Connection>, String> {
    let file: File = toml::from_str(text).map_err(|e| format!("{path}: {e}"))?;
    if file.connection.is_empty() {
        return Err(format!("{path}: no [[connection]]"));
    }
    let mut connections: Vec<Connection> = Vec::new();
    for entry in file.connection {
        let name = entry.name.clone();
        let problem = |what: String| format!("{path}: connection \"{name}\": {what}");
        if connections.iter().any(|c| c.name == name) {
            return Err(problem("a second connection of this name".into()));
        }
        for account in &entry.accounts {
            if let Some(other) = connections.iter().find(|c| c.accounts.contains(account)) {
                let other = &other.name;
                return Err(problem(format!(
                    "`accounts`: account {account} already sends through \"{other}\""
                )));
            }
        }
        let kannel = |c: &Connection| matches!(c.driver, Driver::Kannel(_));
        if matches!(entry.driver, DriverKind::Kannel) && connections.iter().any(kannel) {
            return Err(problem(
                "a second Kannel connection: its reports and incoming SMS would share the \
                 first one's addresses on this server"
                    .into(),
            ));
        }
        let policy = Policy {
            validity_ms: i64::from(entry.validity_hours) * 3_600_000,
            in_doubt: match entry.in_doubt {
                InDoubtSetting::Hold => InDoubt::Hold,
                InDoubtSetting::Resend => InDoubt::Resend,
            },
        };
        let required = |key: &str, value: Option<String>| -> Result<String, String> {
            let value = value.ok_or_else(|| problem(format!("`{key}` is missing")))?;
            expand(&value, &env)
                .map_err(|var| problem(format!("`{key}` names ${{{var}}}, which is not set")))
        };
        let driver = match entry.driver {
            DriverKind::Simulator => Driver::Simulator {
                delivery_delay: Duration::from_millis(entry.delivery_delay_ms),
            },
            DriverKind::Kannel => Driver::Kannel(KannelSettings {
                name: name.clone(),
                sendsms_url: required("sendsms_url", entry.sendsms_url)?,
                username: required("username", entry.username)?,
                password: required("password", entry.password)?,
                source: entry.source,
                dlr_base_url: required("dlr_url", entry.dlr_url)?,
                incoming_secret: match entry.incoming_secret {
                    Some(secret) => required("incoming_secret", Some(secret))?,
                    None => String::new(),
                },
                timeout: Duration::from_secs(entry.response_timeout_seconds),
                window: entry.window,
            }),
            DriverKind::Smpp => Driver::Smpp(SmppSettings {
                name: name.clone(),
                address: required("address", entry.address)?,
                system_id: required("system_id", entry.system_id)?,
                password: required("password", entry.password)?,
                system_type: entry.system_type,
                source: entry.source,
                window: entry.window,
                max_per_second: entry.max_per_second,
                validity: Duration::from_secs(u64::from(entry.validity_hours) * 3600),
                response_timeout: Duration::from_secs(entry.response_timeout_seconds),
                enquire_link: Duration::from_secs(entry.enquire_link_seconds),
                receipt_ids: entry.receipt_ids,
                gsm_packing: entry.gsm_packing,
                binds: entry.binds,
            }),
        };
        connections.push(Connection {
            name,
            driver,
            policy,
            accounts: entry.accounts,
        });
    }
    Ok(connections)
}

/// `${VAR}` replaced by the variable's value; the name of the first one not set otherwise.
pub(crate) fn expand(value: &str, env: &impl Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let var = &rest[start + 2..start + end];
        out.push_str(&rest[..start]);
        out.push_str(&env(var).ok_or_else(|| var.to_string())?);
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error of a file expected to be refused.
    fn refused(text: &str) -> String {
        match parse("g.toml", text, env) {
            Err(error) => error,
            Ok(_) => panic!("accepted: {text}"),
        }
    }

    fn env(var: &str) -> Option<String> {
        matches!(
            var,
            "SMSC_PASSWORD" | "KANNEL_PASSWORD" | "KANNEL_INCOMING_SECRET"
        )
        .then(|| "tajne".to_string())
    }

    #[test]
    fn the_example_file_is_valid() {
        let example = include_str!("../../../gateways.example.toml");
        let Ok(connections) = parse("gateways.example.toml", example, env) else {
            panic!("the example is refused");
        };
        let names: Vec<&str> = connections.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["operator", "kannel", "simulator"]);
        let Driver::Smpp(smpp) = &connections[0].driver else {
            panic!("the first is SMPP");
        };
        assert_eq!((smpp.password.as_str(), smpp.window), ("tajne", 10));
        assert_eq!(connections[0].policy.in_doubt, InDoubt::Hold);
    }

    #[test]
    fn mistakes_are_named_with_their_line_and_key() {
        let unknown_key = "[[connection]]\nname = \"a\"\ndriver = \"smpp\"\nadress = \"x:1\"\n";
        let error = refused(unknown_key);
        assert!(
            error.contains("line 4") && error.contains("adress"),
            "{error}"
        );
        let missing = "[[connection]]\nname = \"a\"\ndriver = \"smpp\"\naddress = \"x:1\"\n\
                       system_id = \"s\"\npassword = \"${NOT_SET}\"\n";
        assert_eq!(
            refused(missing),
            "g.toml: connection \"a\": `password` names ${NOT_SET}, which is not set"
        );
        let no_address = "[[connection]]\nname = \"a\"\ndriver = \"smpp\"\n";
        assert_eq!(
            refused(no_address),
            "g.toml: connection \"a\": `address` is missing"
        );
        let twice = "[[connection]]\nname = \"a\"\ndriver = \"simulator\"\naccounts = [1, 2]\n\
                     [[connection]]\nname = \"b\"\ndriver = \"simulator\"\naccounts = [3, 2]\n";
        assert_eq!(
            refused(twice),
            "g.toml: connection \"b\": `accounts`: account 2 already sends through \"a\""
        );
        let driver = "[[connection]]\nname = \"a\"\ndriver = \"http\"\n";
        let error = refused(driver);
        assert!(
            error.contains("line 3") && error.contains("http"),
            "{error}"
        );
    }
}
