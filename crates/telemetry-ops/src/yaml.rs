//! A small YAML writer for the documents this crate emits (rule files, Alertmanager
//! configuration, the semantic-convention registry): maps, lists and scalars, every string
//! double-quoted so no value is ever misread (`on`, `1.0`, `*`).

use std::fmt::Write as _;

/// A YAML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    /// A string, always quoted.
    Str(String),
    /// A number.
    Num(f64),
    /// A boolean.
    Bool(bool),
    /// A list.
    List(Vec<Yaml>),
    /// A map, in insertion order.
    Map(Vec<(String, Yaml)>),
}

impl From<&str> for Yaml {
    fn from(s: &str) -> Self {
        Yaml::Str(s.to_owned())
    }
}

impl From<String> for Yaml {
    fn from(s: String) -> Self {
        Yaml::Str(s)
    }
}

/// Builds a map from `(key, value)` pairs.
pub fn map<K: Into<String>, V: Into<Yaml>>(pairs: impl IntoIterator<Item = (K, V)>) -> Yaml {
    Yaml::Map(
        pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect(),
    )
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn key(k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
        && !k.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    if plain {
        k.to_owned()
    } else {
        quote(k)
    }
}

fn scalar(v: &Yaml) -> Option<String> {
    match v {
        // Multi-line text is written as a literal block, for people reading it.
        Yaml::Str(s) if block(s) => None,
        Yaml::Str(s) => Some(quote(s)),
        Yaml::Num(n) if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 => {
            Some(format!("{}", *n as i64))
        }
        Yaml::Num(n) if n.is_finite() => Some(format!("{n}")),
        Yaml::Num(n) if n.is_nan() => Some(".nan".into()),
        Yaml::Num(n) if *n > 0.0 => Some(".inf".into()),
        Yaml::Num(_) => Some("-.inf".into()),
        Yaml::Bool(b) => Some(b.to_string()),
        Yaml::List(l) if l.is_empty() => Some("[]".into()),
        Yaml::Map(m) if m.is_empty() => Some("{}".into()),
        _ => None,
    }
}

/// Whether a string goes out as a `|-` block: several lines, none with edge whitespace
/// or characters a block cannot hold.
fn block(s: &str) -> bool {
    s.contains('\n')
        && s.lines().all(|l| l == l.trim_end() && !l.contains('\t'))
        && !s.ends_with('\n')
        && !s.starts_with(' ')
        && s.chars().all(|c| c == '\n' || !c.is_control())
}

fn write(out: &mut String, v: &Yaml, indent: usize) {
    let pad = " ".repeat(indent);
    match v {
        Yaml::Str(s) => {
            let _ = writeln!(out, "|-");
            for line in s.lines() {
                if line.is_empty() {
                    let _ = writeln!(out);
                } else {
                    let _ = writeln!(out, "{pad}{line}");
                }
            }
        }
        Yaml::Map(entries) => {
            for (k, v) in entries {
                match scalar(v) {
                    Some(s) => {
                        let _ = writeln!(out, "{pad}{}: {s}", key(k));
                    }
                    None if matches!(v, Yaml::Str(_)) => {
                        let _ = write!(out, "{pad}{}: ", key(k));
                        write(out, v, indent + 2);
                    }
                    None => {
                        let _ = writeln!(out, "{pad}{}:", key(k));
                        write(out, v, indent + 2);
                    }
                }
            }
        }
        Yaml::List(items) => {
            for item in items {
                match (item, scalar(item)) {
                    (_, Some(s)) => {
                        let _ = writeln!(out, "{pad}- {s}");
                    }
                    (Yaml::Map(_), None) => {
                        // The first entry goes on the dash line.
                        let mut inner = String::new();
                        write(&mut inner, item, indent + 2);
                        let trimmed = inner.trim_start();
                        let _ = write!(out, "{pad}- {trimmed}");
                    }
                    (_, None) => {
                        let _ = writeln!(out, "{pad}-");
                        write(out, item, indent + 2);
                    }
                }
            }
        }
        scalar_value => {
            if let Some(s) = scalar(scalar_value) {
                let _ = writeln!(out, "{pad}{s}");
            }
        }
    }
}

/// The document, with a header comment.
pub fn document(header: &str, v: &Yaml) -> String {
    let mut out = String::new();
    for line in header.lines() {
        let _ = writeln!(out, "# {line}");
    }
    write(&mut out, v, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_maps_and_lists_indent_and_quote() {
        let doc = map([
            (
                "groups",
                Yaml::List(vec![map([
                    ("name", Yaml::from("a")),
                    (
                        "rules",
                        Yaml::List(vec![map([("expr", "x > 1\nand y"), ("for", "5m")])]),
                    ),
                ])]),
            ),
            ("on", Yaml::Bool(true)),
            ("empty", Yaml::List(vec![])),
        ]);
        assert_eq!(
            document("hello", &doc),
            "# hello\ngroups:\n  - name: \"a\"\n    rules:\n      - expr: |-\n          x > 1\n          and y\n        for: \"5m\"\non: true\nempty: []\n"
        );
    }
}
