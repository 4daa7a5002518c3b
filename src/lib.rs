pub use telemetry_core as core;
