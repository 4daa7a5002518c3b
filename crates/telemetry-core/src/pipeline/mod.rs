//! The pipeline: one `init` installs tracing, logs and metrics; the guard shuts them down.
//!
//! `init` builds one part per signal (`traces`, `logs`, `meter`, `prometheus`), then the
//! `recorder` and the `subscriber` over them, and installs the globals last (`install`).
//! Every part owns its teardown (`parts`): one that was built but never handed to a
//! [`TelemetryGuard`] shuts itself down when dropped, so a failed `init` leaves nothing
//! behind whichever step failed.

mod counting;
mod error;
mod guard;
mod install;
pub(crate) mod log_bridge;
mod logs;
mod meter;
mod metric_layers;
mod native;
mod otlp;
mod parts;
mod prometheus;
mod protobuf;
mod recorder;
mod resource;
mod shared;
mod subscriber;
mod traces;

pub use error::{FlushError, InitError, ShutdownError};
pub use guard::{StatsHandle, TelemetryGuard, DROP_SHUTDOWN_TIMEOUT};
pub(crate) use subscriber::INTERNAL_TARGET;

use crate::config::{TelemetryConfig, TelemetryConfigBuilder};
use std::sync::atomic::{AtomicBool, Ordering};

static INITIALIZED: AtomicBool = AtomicBool::new(false);
static ENABLED: AtomicBool = AtomicBool::new(false);

thread_local! {
    static LOCAL_ENABLED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Whether probes should record: a pipeline is installed and enabled, or a test capture is
/// entered on this thread. When telemetry is disabled (or `init` was never called) a probe
/// costs this check: one atomic load and one thread-local read.
#[inline]
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed) || LOCAL_ENABLED.with(|c| c.get() > 0)
}

/// Enables probes on the current thread while the guard lives, whatever the global
/// pipeline says. For test captures (telemetry-testing enters one per capture scope).
pub fn enable_on_this_thread() -> LocalEnableGuard {
    LOCAL_ENABLED.with(|c| c.set(c.get() + 1));
    LocalEnableGuard(std::marker::PhantomData)
}

/// See [`enable_on_this_thread`]. Not `Send`: it belongs to the thread that made it.
#[derive(Debug)]
pub struct LocalEnableGuard(std::marker::PhantomData<*const ()>);

impl Drop for LocalEnableGuard {
    fn drop(&mut self) {
        LOCAL_ENABLED.with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// Installs the pipeline for `service_name`, configured from the environment.
///
/// `service_name` is the default `service.name`; `OTEL_SERVICE_NAME` overrides it.
/// Keep the returned guard for the life of the process and call
/// [`TelemetryGuard::shutdown`] before exiting.
///
/// # Errors
/// See [`InitError`]. In particular, a second call in the same process fails with
/// [`InitError::AlreadyInitialized`].
pub fn init(service_name: &str) -> Result<TelemetryGuard, InitError> {
    init_with(service_name, TelemetryConfig::builder())
}

/// Installs the pipeline with code overrides on top of the environment.
///
/// ```no_run
/// use std::time::Duration;
/// use telemetry_core::config::{Protocol, TelemetryConfig};
///
/// let guard = telemetry_core::init_with(
///     "dataface-compiler",
///     TelemetryConfig::builder()
///         .release(env!("CARGO_PKG_VERSION"))
///         .otlp_protocol(Protocol::HttpProtobuf),
/// )?;
/// tracing::info!("started");
/// guard.shutdown(Duration::from_secs(5))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// See [`InitError`]: whichever it is, nothing was left installed, and a corrected call
/// may succeed.
pub fn init_with(
    service_name: &str,
    builder: TelemetryConfigBuilder,
) -> Result<TelemetryGuard, InitError> {
    if INITIALIZED
        .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return Err(InitError::AlreadyInitialized);
    }
    let result = builder
        .build()
        .map_err(InitError::from)
        .and_then(|config| install::install(service_name, config));
    match &result {
        Ok(guard) => ENABLED.store(!guard.is_disabled(), Ordering::Release),
        // Nothing was installed: a corrected retry may succeed.
        Err(_) => INITIALIZED.store(false, Ordering::Release),
    }
    result
}
