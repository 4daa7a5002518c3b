//! The drill profile: the generated rules and routing with every duration divided by a time
//! factor, so multi-window alerts can be rehearsed live in minutes.
//!
//! The production package is generated as always; the profile rewrites its output in one
//! place, [`TimeProfile::scale`], which every duration goes through:
//!
//! - in PromQL: range selectors and subqueries (`[1h]` -> `[15000ms]` at 240x) and
//!   `offset`;
//! - thresholds compared with an expression that reads `time()` (ages, time left:
//!   `time() - x > 3600` -> `> 15`), which are seconds;
//! - each alerting rule's `for:`;
//! - Alertmanager's `group_wait`, `group_interval` and `repeat_interval`.
//!
//! Recording-rule names keep their production windows (`bad_ratio_rate1h`), so the rules
//! read the same as in production. Durations are written in milliseconds, which PromQL, the
//! rule files and Alertmanager accept.

use crate::promql::parse_duration;
use crate::rules::{Rule, RuleFile};

/// A time factor: production durations divided by it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeProfile {
    factor: f64,
    min_window: f64,
}

/// A duration the profile cannot read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("cannot scale the duration {text:?}: write it as a Prometheus duration such as 5m, 1h30m or 250ms")]
pub struct DurationError {
    /// The text that is not a duration.
    pub text: String,
}

impl TimeProfile {
    /// Production: a factor of 1, every duration unchanged.
    pub const PRODUCTION: TimeProfile = TimeProfile {
        factor: 1.0,
        min_window: 0.0,
    };

    /// Durations divided by `factor` (at least 1).
    pub fn new(factor: f64) -> Self {
        Self {
            factor: if factor.is_finite() {
                factor.max(1.0)
            } else {
                1.0
            },
            min_window: 0.0,
        }
    }

    /// Range windows (not `for:`, offsets or thresholds) of at least `seconds` of drill
    /// time: a rate needs two samples, so a window must span a few scrapes (5m at 240x is
    /// 1.25 s, three scrapes at 500 ms, one missed scrape from an empty rate).
    pub fn with_min_window(mut self, seconds: f64) -> Self {
        self.min_window = seconds.max(0.0);
        self
    }

    /// The smallest range window, seconds.
    pub fn min_window(&self) -> f64 {
        self.min_window
    }

    /// A range window (`[1h]`) scaled and floored at [`min_window`](Self::min_window).
    ///
    /// # Errors
    /// [`DurationError`] when `text` is not a duration.
    pub fn window(&self, text: &str) -> Result<String, DurationError> {
        let seconds = parse_duration(text).ok_or_else(|| DurationError {
            text: text.to_owned(),
        })?;
        if self.is_production() || self.scale(seconds) >= self.min_window {
            return self.duration(text);
        }
        Ok(format!("{}ms", (self.min_window * 1000.0).round() as u64))
    }

    /// The factor.
    pub fn factor(&self) -> f64 {
        self.factor
    }

    /// Whether this is production (factor 1: nothing is rewritten).
    pub fn is_production(&self) -> bool {
        self.factor == 1.0
    }

    /// The one place durations are scaled: `seconds` of production time as drill seconds.
    pub fn scale(&self, seconds: f64) -> f64 {
        seconds / self.factor
    }

    /// A Prometheus duration (`5m`, `1h30m`, `250ms`) scaled, written in milliseconds (at
    /// least 1 ms; `0s` stays `0s`). Production returns the text unchanged.
    ///
    /// # Errors
    /// [`DurationError`] when `text` is not a duration.
    pub fn duration(&self, text: &str) -> Result<String, DurationError> {
        let seconds = parse_duration(text).ok_or_else(|| DurationError {
            text: text.to_owned(),
        })?;
        if self.is_production() {
            return Ok(text.to_owned());
        }
        if seconds == 0.0 {
            return Ok("0s".into());
        }
        Ok(format!(
            "{}ms",
            ((self.scale(seconds) * 1000.0).round() as u64).max(1)
        ))
    }

    /// A PromQL expression with its durations and its `time()` thresholds scaled.
    ///
    /// # Errors
    /// [`DurationError`] for a range or offset that is not a duration.
    pub fn expr(&self, expr: &str) -> Result<String, DurationError> {
        if self.is_production() {
            return Ok(expr.to_owned());
        }
        let toks = tokenize(expr);
        let mut out = String::with_capacity(expr.len());
        let mut i = 0;
        while i < toks.len() {
            let t = &toks[i];
            match t.kind {
                Kind::Duration => out.push_str(&self.duration(&t.text)?),
                Kind::Window => out.push_str(&self.window(&t.text)?),
                Kind::Number if self.is_time_threshold(&toks, i) => {
                    let v: f64 = t.text.parse().map_err(|_| DurationError {
                        text: t.text.clone(),
                    })?;
                    out.push_str(&crate::promql::trim_float(self.scale(v)));
                }
                _ => out.push_str(&t.text),
            }
            i += 1;
        }
        Ok(out)
    }

    /// Whether the number at `i` is the right operand of a comparison whose left operand
    /// reads `time()` (an age or a time left, in seconds).
    fn is_time_threshold(&self, toks: &[Tok], i: usize) -> bool {
        // Skip whitespace and `bool` back to the operator.
        let mut j = i;
        let prev = |j: &mut usize| -> Option<usize> {
            while *j > 0 {
                *j -= 1;
                if toks[*j].kind != Kind::Space && toks[*j].text != "bool" {
                    return Some(*j);
                }
            }
            None
        };
        let Some(op) = prev(&mut j) else {
            return false;
        };
        if !matches!(
            toks[op].text.as_str(),
            ">" | "<" | ">=" | "<=" | "==" | "!="
        ) {
            return false;
        }
        // The left operand: back to an unmatched `(`, a logical operator or another
        // comparison at the same depth.
        let mut depth = 0i32;
        let mut k = op;
        while k > 0 {
            k -= 1;
            let text = toks[k].text.as_str();
            match text {
                ")" => depth += 1,
                "(" if depth == 0 => break,
                "(" => depth -= 1,
                "and" | "or" | "unless" | ">" | "<" | ">=" | "<=" | "==" | "!=" if depth == 0 => {
                    break
                }
                "time" => {
                    let next = toks[k + 1..].iter().find(|t| t.kind != Kind::Space);
                    if next.is_some_and(|t| t.text == "(") {
                        return true;
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// A rule file with every expression and `for:` scaled.
    ///
    /// # Errors
    /// [`DurationError`] for a duration the profile cannot read.
    pub fn rule_file(&self, file: &RuleFile) -> Result<RuleFile, DurationError> {
        let mut file = file.clone();
        for group in &mut file.groups {
            for rule in &mut group.rules {
                match rule {
                    Rule::Recording(r) => r.expr = self.expr(&r.expr)?,
                    Rule::Alerting(a) => {
                        a.expr = self.expr(&a.expr)?;
                        if let Some(hold) = &a.hold {
                            a.hold = Some(self.duration(hold)?);
                        }
                    }
                }
            }
        }
        Ok(file)
    }

    /// An Alertmanager configuration (as YAML) with its route timers scaled wherever they
    /// appear in the routing tree.
    ///
    /// # Errors
    /// [`DurationError`] for a timer the profile cannot read.
    /// (A timer of 0 stays 0; a scaled timer under `floor` seconds becomes `floor`.)
    pub fn alertmanager(
        &self,
        config: &mut yaml_serde::Value,
        floor: f64,
    ) -> Result<(), DurationError> {
        fn walk(
            p: &TimeProfile,
            v: &mut yaml_serde::Value,
            floor: f64,
        ) -> Result<(), DurationError> {
            if let Some(map) = v.as_mapping_mut() {
                for key in ["group_wait", "group_interval", "repeat_interval"] {
                    if let Some(slot) = map.get_mut(key) {
                        if let Some(text) = slot.as_str() {
                            let seconds = parse_duration(text).unwrap_or(0.0);
                            let scaled = if !p.is_production()
                                && seconds > 0.0
                                && p.scale(seconds) < floor
                            {
                                format!("{}ms", (floor * 1000.0).round() as u64)
                            } else {
                                p.duration(text)?
                            };
                            *slot = yaml_serde::Value::String(scaled);
                        }
                    }
                }
                if let Some(routes) = map.get_mut("routes").and_then(|r| r.as_sequence_mut()) {
                    for r in routes {
                        walk(p, r, floor)?;
                    }
                }
            }
            Ok(())
        }
        if let Some(route) = config.get_mut("route") {
            walk(self, route, floor)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Space,
    Word,
    Number,
    Duration,
    Window,
    Str,
    Punct,
}

#[derive(Debug)]
struct Tok {
    kind: Kind,
    text: String,
}

/// PromQL as tokens, enough to find durations and numbers: strings, words (metric names,
/// functions, keywords, recording-rule names with colons), numbers, durations (inside
/// `[...]` and after `offset`), punctuation, whitespace. Concatenated, the tokens are the
/// input.
fn tokenize(s: &str) -> Vec<Tok> {
    let b = s.as_bytes();
    let mut toks: Vec<Tok> = Vec::new();
    let mut i = 0;
    let mut in_range = false;
    while i < b.len() {
        let c = b[i] as char;
        let start = i;
        let kind = if c.is_whitespace() {
            while i < b.len() && (b[i] as char).is_whitespace() {
                i += 1;
            }
            Kind::Space
        } else if c == '"' || c == '\'' || c == '`' {
            i += 1;
            while i < b.len() && b[i] as char != c {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(b.len());
            Kind::Str
        } else if c.is_ascii_alphabetic() || c == '_' {
            while i < b.len()
                && ((b[i] as char).is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b':')
            {
                i += 1;
            }
            Kind::Word
        } else if c.is_ascii_digit() || (c == '.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            while i < b.len() && ((b[i] as char).is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
            let text = &s[start..i];
            let after_offset = toks
                .iter()
                .rev()
                .find(|t| t.kind != Kind::Space)
                .is_some_and(|t| t.text == "offset");
            let first_in_range = in_range
                && toks
                    .iter()
                    .rev()
                    .find(|t| t.kind != Kind::Space)
                    .is_some_and(|t| t.text == "[");
            if first_in_range && parse_duration(text).is_some() {
                Kind::Window
            } else if (in_range || after_offset) && parse_duration(text).is_some() {
                Kind::Duration
            } else {
                Kind::Number
            }
        } else {
            // Two-character operators first.
            let two = s.get(i..i + 2).unwrap_or("");
            if matches!(two, ">=" | "<=" | "==" | "!=" | "=~" | "!~") {
                i += 2;
            } else {
                i += c.len_utf8();
            }
            match c {
                '[' => in_range = true,
                ']' => in_range = false,
                _ => {}
            }
            Kind::Punct
        };
        toks.push(Tok {
            kind,
            text: s[start..i].to_owned(),
        });
    }
    toks
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: TimeProfile = TimeProfile {
        factor: 240.0,
        min_window: 0.0,
    };

    #[test]
    fn short_windows_are_floored_and_nothing_else() {
        let p = TimeProfile::new(240.0).with_min_window(2.0);
        assert_eq!(
            p.expr("rate(x[5m]) > 0 and rate(x[1h]) > 0 and x offset 5m and y[5m:1s]")
                .unwrap(),
            "rate(x[2000ms]) > 0 and rate(x[15000ms]) > 0 and x offset 1250ms and y[2000ms:4ms]"
        );
        assert_eq!(p.duration("5m").unwrap(), "1250ms", "for: is not a window");
    }

    #[test]
    fn durations_scale_to_milliseconds() {
        assert_eq!(P.duration("1h").unwrap(), "15000ms");
        assert_eq!(P.duration("5m").unwrap(), "1250ms");
        assert_eq!(P.duration("1h30m").unwrap(), "22500ms");
        assert_eq!(P.duration("0s").unwrap(), "0s");
        assert_eq!(P.duration("30s").unwrap(), "125ms");
        assert_eq!(TimeProfile::PRODUCTION.duration("5m").unwrap(), "5m");
        assert!(P.duration("5 minutes").is_err());
        assert_eq!(parse_duration("1d"), Some(86_400.0));
        assert_eq!(parse_duration("250ms"), Some(0.25));
        assert_eq!(parse_duration("m"), None);
    }

    #[test]
    fn ranges_offsets_and_time_thresholds_scale_and_nothing_else() {
        let freshness = "(time() - max without (instance, job) (x_seconds{a=\"1h\"} > 0)) > 3600\nor\n(\n  max without (instance, job) (max_over_time(x_seconds[1h])) == 0\n  and\n  max without (instance, job) (x_seconds offset 1h) >= 0\n)";
        assert_eq!(
            P.expr(freshness).unwrap(),
            "(time() - max without (instance, job) (x_seconds{a=\"1h\"} > 0)) > 15\nor\n(\n  max without (instance, job) (max_over_time(x_seconds[15000ms])) == 0\n  and\n  max without (instance, job) (x_seconds offset 15000ms) >= 0\n)"
        );
        let expiry = "(cert_seconds > 0) - time() < 259200";
        assert_eq!(
            P.expr(expiry).unwrap(),
            "(cert_seconds > 0) - time() < 1080"
        );
        let burn = "dataface:a:bad_ratio_rate1h > 0.144\n  and\n  (dataface:a:bad_ratio_rate5m > 0.144 or dataface:a:events_increase5m < 1)\n  and\n  dataface:a:events_increase1h >= 10";
        assert_eq!(
            P.expr(burn).unwrap(),
            burn,
            "record names keep their windows"
        );
        assert_eq!(
            P.expr("sum(rate(x_total{le=\"2.5\"}[5m])) / sum(rate(y[30m:1m]))")
                .unwrap(),
            "sum(rate(x_total{le=\"2.5\"}[1250ms])) / sum(rate(y[7500ms:250ms]))"
        );
        assert_eq!(
            P.expr("sum without (instance, job) (increase(x_total[15m])) > 0")
                .unwrap(),
            "sum without (instance, job) (increase(x_total[3750ms])) > 0"
        );
        assert_eq!(TimeProfile::PRODUCTION.expr(freshness).unwrap(), freshness);
    }
}
