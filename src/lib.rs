//! # dataface-telemetry
//!
//! The instrumentation layer every Dataface service links. This facade re-exports the
//! workspace's libraries under one name:
//!
//! - [`core`]: configuration from the environment, `init`/shutdown, the OTLP and
//!   Prometheus pipeline and its self-metrics.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! let guard = dataface_telemetry::core::init("dataface-compiler")?;
//! tracing::info!("started");
//! guard.shutdown(Duration::from_secs(5))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]
#![deny(unsafe_code)]

pub use telemetry_core as core;

/// The README's examples compile and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
