//! Kannel from Debian (`bearerbox`, `smsbox`) in front of the SMSC fixture (`smsc = smpp`), with
//! its own configuration on free ports, for the Kannel driver's tests; stopped when dropped.

use std::process::Stdio;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use super::free_port;
use super::smsc::{Smsc, PASSWORD, SYSTEM_ID};

pub const USERNAME: &str = "esemes";
pub const SENDSMS_PASSWORD: &str = "kannel-secret";
/// What Kannel's get-url carries with incoming messages.
pub const INCOMING_SECRET: &str = "incoming-secret";

pub struct Kannel {
    _bearerbox: Child,
    _smsbox: Child,
    _dir: std::path::PathBuf,
    pub sendsms_port: u16,
}

async fn wait_for_port(port: u16, what: &str) {
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not start on port {port}");
}

impl Kannel {
    /// Kannel sending to `smsc`, handing incoming messages to `callbacks` (this server).
    pub async fn start(smsc: &Smsc, callbacks: &str) -> Kannel {
        let (admin, smsbox, sendsms) = (free_port(), free_port(), free_port());
        let dir = std::env::temp_dir().join(format!("esemes-kannel-{admin}"));
        std::fs::create_dir_all(&dir).unwrap();
        let config = format!(
            r#"group = core
admin-port = {admin}
admin-password = "admin"
smsbox-port = {smsbox}
box-allow-ip = "127.0.0.1"
dlr-storage = internal
log-level = 1
log-file = "{dir}/bearerbox.log"

group = smsc
smsc = smpp
smsc-id = fixture
host = 127.0.0.1
port = {smpp}
transceiver-mode = true
smsc-username = "{SYSTEM_ID}"
smsc-password = "{PASSWORD}"
system-type = ""
source-addr-ton = 5
source-addr-npi = 0
dest-addr-ton = 1
dest-addr-npi = 1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox}
sendsms-port = {sendsms}
mo-recode = true
log-level = 1
log-file = "{dir}/smsbox.log"

group = sendsms-user
username = "{USERNAME}"
password = "{SENDSMS_PASSWORD}"
max-messages = 1
concatenation = false

group = sms-service
keyword = default
catch-all = true
max-messages = 0
get-url = "{callbacks}/gateway/kannel/incoming?secret={INCOMING_SECRET}&from=%p&to=%P&text=%a"
"#,
            dir = dir.display(),
            smpp = smsc.smpp_port,
        );
        let path = dir.join("kannel.conf");
        std::fs::write(&path, config).unwrap();
        let start = |program: &str| {
            Command::new(program)
                .arg(&path)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .unwrap_or_else(|e| panic!("{program} runs (make test installs kannel): {e}"))
        };
        let bearerbox = start("bearerbox");
        wait_for_port(smsbox, "bearerbox").await;
        let smsbox = start("smsbox");
        wait_for_port(sendsms, "smsbox").await;
        Kannel {
            _bearerbox: bearerbox,
            _smsbox: smsbox,
            _dir: dir,
            sendsms_port: sendsms,
        }
    }
}
