//! The package's markdown, rendered with `minijinja` from the templates under
//! `crates/telemetry-ops/templates/` (compiled into the binary).

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::Environment;
use serde::Serialize;
use std::sync::OnceLock;

/// The template of a runbook.
pub(crate) const RUNBOOK: &str = "runbook.md";
/// The template of the catalog's markdown.
pub(crate) const CATALOG: &str = "catalog.md";
/// The template of the readiness review's markdown.
pub(crate) const READINESS: &str = "readiness.md";

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_syntax(
            SyntaxConfig::builder()
                .keep_trailing_newline(true)
                .build()
                .expect("the default delimiters are a valid syntax"),
        );
        env.add_template(RUNBOOK, include_str!("../templates/runbook.md"))
            .expect("templates/runbook.md is a valid template");
        env.add_template(CATALOG, include_str!("../templates/catalog.md"))
            .expect("templates/catalog.md is a valid template");
        env.add_template(READINESS, include_str!("../templates/readiness.md"))
            .expect("templates/readiness.md is a valid template");
        env
    })
}

/// Renders the template `name` with `context`.
pub(crate) fn render(name: &str, context: &impl Serialize) -> String {
    environment()
        .get_template(name)
        .and_then(|t| t.render(Serde(context)))
        .unwrap_or_else(|e| panic!("the {name} template renders its context: {e:#}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_parses() {
        for name in [super::RUNBOOK, super::CATALOG, super::READINESS] {
            assert!(super::environment().get_template(name).is_ok(), "{name}");
        }
    }
}
