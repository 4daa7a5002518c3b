//! What the drill listens with: the webhook sink every Alertmanager receiver points at.

use serde::Serialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Instant;

/// One alert of one notification, as a receiver got it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Notification {
    /// Seconds since the drill started.
    pub at: f64,
    /// The receiver Alertmanager sent it to.
    pub receiver: String,
    /// The alert's name.
    pub alertname: String,
    /// `firing` or `resolved`.
    pub status: String,
    /// The alert's labels.
    pub labels: BTreeMap<String, String>,
    /// The alert's annotations (summary, description, runbook_url).
    pub annotations: BTreeMap<String, String>,
}

impl Notification {
    /// The alert's `severity` label (empty when it has none).
    pub fn severity(&self) -> &str {
        self.labels.get("severity").map_or("", String::as_str)
    }
}

/// A webhook sink on 127.0.0.1 that records every notification Alertmanager sends.
pub struct Sink {
    addr: SocketAddr,
    server: Arc<tiny_http::Server>,
    got: Arc<Mutex<Vec<Notification>>>,
    thread: Option<JoinHandle<()>>,
}

/// A listener could not start.
#[derive(Debug, thiserror::Error)]
#[error("cannot listen on 127.0.0.1:{port} for the {what}: {message}")]
pub struct ListenError {
    /// What was to listen.
    pub what: &'static str,
    /// The port asked for (0: any).
    pub port: u16,
    /// Why not.
    pub message: String,
}

fn listen(
    what: &'static str,
    port: u16,
) -> Result<(Arc<tiny_http::Server>, SocketAddr), ListenError> {
    let err = |message: String| ListenError {
        what,
        port,
        message,
    };
    let server = tiny_http::Server::http(("127.0.0.1", port)).map_err(|e| err(e.to_string()))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| err("not an IP listener".into()))?;
    Ok((Arc::new(server), addr))
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sink")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Sink {
    /// Starts the sink; times are measured from `epoch`.
    ///
    /// # Errors
    /// [`ListenError`] when it cannot listen.
    pub fn start(epoch: Instant) -> Result<Self, ListenError> {
        let (server, addr) = listen("webhook sink", 0)?;
        let got = Arc::new(Mutex::new(Vec::new()));
        let (s, g) = (server.clone(), got.clone());
        let thread = std::thread::spawn(move || {
            for mut request in s.incoming_requests() {
                let mut body = String::new();
                let _ = request.as_reader().read_to_string(&mut body);
                let at = epoch.elapsed().as_secs_f64();
                let parsed = parse_webhook(&body, at);
                let status = if parsed.is_some() { 200 } else { 400 };
                if let Some(n) = parsed {
                    g.lock().unwrap_or_else(PoisonError::into_inner).extend(n);
                }
                let _ = request.respond(tiny_http::Response::empty(status));
            }
        });
        Ok(Self {
            addr,
            server,
            got,
            thread: Some(thread),
        })
    }

    /// The URL a receiver posts to.
    pub fn url(&self, receiver: &str) -> String {
        format!("http://{}/hook/{receiver}", self.addr)
    }

    /// Every notification so far, in arrival order.
    pub fn notifications(&self) -> Vec<Notification> {
        self.got
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The alerts of an Alertmanager webhook payload (version 4).
fn parse_webhook(body: &str, at: f64) -> Option<Vec<Notification>> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let receiver = v.get("receiver")?.as_str()?.to_owned();
    let map = |x: Option<&serde_json::Value>| -> BTreeMap<String, String> {
        x.and_then(|m| m.as_object())
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    };
    Some(
        v.get("alerts")?
            .as_array()?
            .iter()
            .map(|a| {
                let labels = map(a.get("labels"));
                Notification {
                    at,
                    receiver: receiver.clone(),
                    alertname: labels.get("alertname").cloned().unwrap_or_default(),
                    status: a
                        .get("status")
                        .and_then(|s| s.as_str())
                        .unwrap_or_default()
                        .to_owned(),
                    labels,
                    annotations: map(a.get("annotations")),
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_payload_becomes_one_notification_per_alert() {
        let body = r#"{"version":"4","receiver":"core-compiler-pager","status":"firing","alerts":[
            {"status":"firing","labels":{"alertname":"A","severity":"page"},"annotations":{"runbook_url":"r/A.md"}},
            {"status":"resolved","labels":{"alertname":"B"},"annotations":{}}]}"#;
        let n = parse_webhook(body, 1.5).unwrap();
        assert_eq!(n.len(), 2);
        assert_eq!(n[0].receiver, "core-compiler-pager");
        assert_eq!(n[0].severity(), "page");
        assert_eq!(n[0].annotations["runbook_url"], "r/A.md");
        assert_eq!(
            (n[1].alertname.as_str(), n[1].status.as_str()),
            ("B", "resolved")
        );
        assert!(parse_webhook("not json", 0.0).is_none());
    }
}
