//! OpenTelemetry's own attribute names (semantic conventions v1.44.0), so the catalog can
//! reference them where they fit and keep its own keys off them.

/// The semantic conventions release the names come from.
pub const OTEL_SEMCONV_VERSION: &str = "1.44.0";

/// One key per line, ` deprecated` after a deprecated one; `#` lines are comments.
const ATTRIBUTES: &str = include_str!("otel_attributes.txt");

/// An attribute of OpenTelemetry's registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtelAttribute {
    /// The key (`error.type`).
    pub key: &'static str,
    /// Whether the registry deprecates it (`state`, `db.system`).
    pub deprecated: bool,
}

/// Every attribute of OpenTelemetry's registry [`OTEL_SEMCONV_VERSION`], sorted by key.
pub fn otel_attributes() -> impl Iterator<Item = OtelAttribute> {
    ATTRIBUTES
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(' ') {
            Some((key, _)) => OtelAttribute {
                key,
                deprecated: true,
            },
            None => OtelAttribute {
                key: l,
                deprecated: false,
            },
        })
}

/// The OpenTelemetry attribute `key`, if the registry defines one.
///
/// ```
/// use telemetry_core::catalog::otel_attribute;
/// assert!(!otel_attribute("error.type").unwrap().deprecated);
/// assert!(otel_attribute("state").unwrap().deprecated);
/// assert_eq!(otel_attribute("dataface.compile.stage"), None);
/// ```
pub fn otel_attribute(key: &str) -> Option<OtelAttribute> {
    otel_attributes().find(|a| a.key == key)
}

/// Whether `name` is a namespace of OpenTelemetry's registry: a proper prefix, up to a
/// dot, of one of its keys (`service`, `db.system`, `http.request`).
///
/// ```
/// use telemetry_core::catalog::otel_namespace;
/// assert!(otel_namespace("service") && otel_namespace("db.system"));
/// assert!(!otel_namespace("error.type") && !otel_namespace("dataface"));
/// ```
pub fn otel_namespace(name: &str) -> bool {
    otel_attributes().any(|a| {
        a.key.len() > name.len() && a.key.starts_with(name) && a.key.as_bytes()[name.len()] == b'.'
    })
}
