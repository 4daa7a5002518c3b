//! The workload's control endpoint: faults switched on and off by name over loopback HTTP.
//!
//! | request | effect | answer |
//! |---|---|---|
//! | `GET /faults` | lists the surface's faults | `200`, one `name on\|off effect` line each |
//! | `PUT /faults/<name>` | injects the fault | `204`, or `404` for a fault the surface does not have |
//! | `DELETE /faults/<name>` | removes it | `204`, or `404` |
//! | `POST /quit` | stops the workload after the current round | `204` |
//!
//! The endpoint binds 127.0.0.1 only.

use super::FaultSpec;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// The faults of one surface and which are active, shared between the control endpoint and
/// the traffic loop.
#[derive(Debug, Clone)]
pub struct Faults {
    specs: &'static [FaultSpec],
    state: Arc<Mutex<State>>,
    quit: Arc<AtomicBool>,
}

#[derive(Debug, Default)]
struct State {
    active: Vec<String>,
    cleared: Vec<String>,
}

/// A control request the workload cannot honour.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ControlError {
    /// The surface has no fault of that name.
    #[error("no fault named {name:?} on this surface; known: {known}")]
    UnknownFault {
        /// The name asked for.
        name: String,
        /// The surface's fault names, comma-separated.
        known: String,
    },
}

impl Faults {
    /// The faults `specs`, none active.
    pub fn new(specs: &'static [FaultSpec]) -> Self {
        Self {
            specs,
            state: Arc::default(),
            quit: Arc::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Switches `name` on or off.
    ///
    /// # Errors
    /// [`ControlError::UnknownFault`] when the surface has no such fault.
    pub fn set(&self, name: &str, on: bool) -> Result<(), ControlError> {
        if !self.specs.iter().any(|f| f.name == name) {
            return Err(ControlError::UnknownFault {
                name: name.to_owned(),
                known: self
                    .specs
                    .iter()
                    .map(|f| f.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let mut state = self.lock();
        let was = state.active.iter().any(|a| a == name);
        if on && !was {
            state.active.push(name.to_owned());
        } else if !on && was {
            state.active.retain(|a| a != name);
            state.cleared.push(name.to_owned());
        }
        Ok(())
    }

    /// The active faults' names.
    pub fn active(&self) -> Vec<String> {
        self.lock().active.clone()
    }

    /// The faults switched off since the last call.
    pub fn take_cleared(&self) -> Vec<String> {
        std::mem::take(&mut self.lock().cleared)
    }

    /// Whether `POST /quit` was received.
    pub fn quit_requested(&self) -> bool {
        self.quit.load(Ordering::Relaxed)
    }

    /// The `GET /faults` listing.
    pub fn listing(&self) -> String {
        let active = self.active();
        self.specs
            .iter()
            .map(|f| {
                let on = if active.iter().any(|a| a == f.name) {
                    "on"
                } else {
                    "off"
                };
                format!("{} {on} {}\n", f.name, f.effect)
            })
            .collect()
    }

    /// Answers one request (method and URL path) with a status and a body.
    pub fn handle(&self, method: &str, path: &str) -> (u16, String) {
        match (method, path) {
            ("GET", "/faults") => (200, self.listing()),
            ("POST", "/quit") => {
                self.quit.store(true, Ordering::Relaxed);
                (204, String::new())
            }
            (m @ ("PUT" | "DELETE"), p) if p.starts_with("/faults/") => {
                match self.set(&p["/faults/".len()..], m == "PUT") {
                    Ok(()) => (204, String::new()),
                    Err(e) => (404, format!("{e}\n")),
                }
            }
            _ => (
                404,
                "unknown request: GET /faults, PUT|DELETE /faults/<name>, POST /quit\n".into(),
            ),
        }
    }
}

/// Serves the control endpoint on 127.0.0.1 (`port` 0: any free port) on a background
/// thread; returns the address it listens on.
///
/// # Errors
/// The bind error, as text.
pub fn serve(faults: Faults, port: u16) -> Result<std::net::SocketAddr, String> {
    let server = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or("the control endpoint is not on an IP address")?;
    std::thread::Builder::new()
        .name("drill-control".into())
        .spawn(move || {
            for request in server.incoming_requests() {
                let (status, body) = faults.handle(request.method().as_str(), request.url());
                // A client gone before the answer loses only its answer.
                let _ = request
                    .respond(tiny_http::Response::from_string(body).with_status_code(status));
            }
        })
        .map_err(|e| format!("cannot start the control thread: {e}"))?;
    Ok(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[FaultSpec] = &[FaultSpec {
        name: "render-outage",
        effect: "every render fails",
    }];

    #[test]
    fn faults_switch_by_name_and_unknown_names_are_refused() {
        let f = Faults::new(SPECS);
        assert_eq!(f.handle("PUT", "/faults/render-outage").0, 204);
        assert_eq!(f.active(), ["render-outage"]);
        assert!(f.listing().starts_with("render-outage on"));
        assert_eq!(f.handle("DELETE", "/faults/render-outage").0, 204);
        assert!(f.active().is_empty());
        assert_eq!(f.take_cleared(), ["render-outage"]);
        assert!(f.take_cleared().is_empty());
        let (status, body) = f.handle("PUT", "/faults/nope");
        assert_eq!(status, 404);
        assert!(body.contains("known: render-outage"), "{body}");
        assert!(!f.quit_requested());
        assert_eq!(f.handle("POST", "/quit").0, 204);
        assert!(f.quit_requested());
    }
}
