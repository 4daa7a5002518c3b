//! Redaction: sensitive values never leave the process.
//!
//! Applied before export to span attributes and events, log record fields, metric label
//! values and the stderr event stream. Two kinds of rule:
//!
//! - by key: a key containing `token`, `secret`, `password`, `passwd`, `authorization`,
//!   `api_key`/`apikey`, `cookie`, `credential` or `private_key` (case, `-`, `_` and `.`
//!   ignored), or one of the extra patterns in `DATAFACE_REDACT_KEYS`, has its whole value
//!   replaced by `[REDACTED]`;
//! - by value, whatever the key: URL userinfo (`https://user:pass@host`), signed or secret
//!   query parameters (`sig`, `signature`, `X-Amz-Signature`, `X-Goog-Signature`,
//!   `X-Amz-Credential`, `token`, `access_token`, `api_key`, `key`, `code`, `password`),
//!   `Bearer` tokens, JWTs, card-number-like digit runs that pass the Luhn check, and email
//!   addresses are replaced in place.
//!
//! ```
//! use telemetry_core::redact::Redactor;
//! let r = Redactor::default();
//! assert_eq!(r.value("db.password", "hunter2"), "[REDACTED]");
//! assert_eq!(
//!     r.value("url.full", "https://bob:pw@wh.example/q?X-Amz-Signature=abc&x=1"),
//!     "https://[REDACTED]@wh.example/q?X-Amz-Signature=[REDACTED]&x=1"
//! );
//! assert_eq!(r.value("note", "paid with 4111 1111 1111 1111"), "paid with [REDACTED:card]");
//! assert_eq!(r.value("note", "mail ana@example.com"), "mail [REDACTED:email]");
//! assert_eq!(r.value("dashboard.id", "d-42"), "d-42");
//! ```

use std::borrow::Cow;

/// What replaces a secret value.
pub(crate) const REDACTED: &str = "[REDACTED]";

const DEFAULT_KEY_PATTERNS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "authorization",
    "apikey",
    "cookie",
    "credential",
    "privatekey",
];

const SECRET_QUERY_PARAMS: &[&str] = &[
    "sig",
    "signature",
    "x-amz-signature",
    "x-goog-signature",
    "x-amz-credential",
    "x-goog-credential",
    "x-amz-security-token",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "api_key",
    "apikey",
    "key",
    "code",
    "password",
    "secret",
    "client_secret",
];

/// The redaction rules in force.
#[derive(Debug, Clone)]
pub struct Redactor {
    key_patterns: Vec<String>,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::with_extra_keys(&[])
    }
}

fn normalize(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

impl Redactor {
    /// The default rules plus extra key patterns (matched like the defaults).
    pub(crate) fn with_extra_keys(extra: &[String]) -> Self {
        let mut key_patterns: Vec<String> = DEFAULT_KEY_PATTERNS
            .iter()
            .map(|p| (*p).to_owned())
            .collect();
        key_patterns.extend(extra.iter().map(|p| normalize(p)).filter(|p| !p.is_empty()));
        Self { key_patterns }
    }

    /// Whether every value under `key` is secret.
    pub(crate) fn secret_key(&self, key: &str) -> bool {
        let key = normalize(key);
        self.key_patterns.iter().any(|p| key.contains(p.as_str()))
    }

    /// `value` as it may leave the process, when found under `key`.
    pub fn value<'a>(&self, key: &str, value: &'a str) -> Cow<'a, str> {
        if self.secret_key(key) {
            return Cow::Borrowed(REDACTED);
        }
        redact_text(value)
    }
}

/// Applies the value rules (URLs, bearer tokens, JWTs, card numbers, emails) to `text`.
pub(crate) fn redact_text(text: &str) -> Cow<'_, str> {
    if !needs_scan(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut words = text.split_inclusive(char::is_whitespace).peekable();
    let mut pending_digits: Vec<&str> = Vec::new();
    let mut after_bearer = false;
    while let Some(piece) = words.next() {
        let word = piece.trim_end_matches(char::is_whitespace);
        let space = &piece[word.len()..];
        // Card numbers may be written in groups: gather runs of digit groups.
        if is_digit_group(word) {
            pending_digits.push(piece);
            let next_is_group = words
                .peek()
                .map(|n| is_digit_group(n.trim_end_matches(char::is_whitespace)))
                .unwrap_or(false);
            if !next_is_group {
                flush_digits(&mut out, &mut pending_digits);
            }
            continue;
        }
        if after_bearer {
            after_bearer = false;
            // Keep closing punctuation (a quote, a comma) after the token.
            let end = word
                .rfind(|c: char| c.is_ascii_alphanumeric())
                .map(|i| i + 1)
                .unwrap_or(word.len());
            out.push_str(REDACTED);
            out.push_str(&word[end..]);
            out.push_str(space);
            continue;
        }
        let bare = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        if bare.eq_ignore_ascii_case("bearer") || bare.eq_ignore_ascii_case("basic") {
            after_bearer = words.peek().is_some();
            out.push_str(piece);
            continue;
        }
        out.push_str(&redact_word(word));
        out.push_str(space);
    }
    Cow::Owned(out)
}

fn needs_scan(text: &str) -> bool {
    text.contains("://")
        || text.contains('@')
        || text.contains("eyJ")
        || text.contains('?')
        || text.contains('=')
        || text.to_ascii_lowercase().contains("bearer")
        || text.to_ascii_lowercase().contains("basic ")
        || text.chars().filter(char::is_ascii_digit).count() >= 13
}

fn is_digit_group(word: &str) -> bool {
    let core = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    !core.is_empty()
        && core.chars().all(|c| c.is_ascii_digit() || c == '-')
        && core.chars().any(|c| c.is_ascii_digit())
}

fn flush_digits(out: &mut String, pending: &mut Vec<&str>) {
    let digits: String = pending
        .iter()
        .flat_map(|p| p.chars())
        .filter(char::is_ascii_digit)
        .collect();
    let trailing: String = pending
        .last()
        .map(|p| {
            p.chars()
                .rev()
                .take_while(|c| c.is_whitespace())
                .collect::<String>()
        })
        .unwrap_or_default();
    if (13..=19).contains(&digits.len()) && luhn(&digits) {
        let first = pending.first().copied().unwrap_or("");
        let last = pending.last().copied().unwrap_or("").trim_end();
        let lead = &first[..first.find(|c: char| c.is_ascii_digit()).unwrap_or(0)];
        let tail = &last[last
            .rfind(|c: char| c.is_ascii_digit())
            .map(|i| i + 1)
            .unwrap_or(last.len())..];
        out.push_str(lead);
        out.push_str("[REDACTED:card]");
        out.push_str(tail);
        out.push_str(&trailing);
    } else {
        for p in pending.iter() {
            out.push_str(p);
        }
    }
    pending.clear();
}

/// The Luhn checksum used by payment card numbers.
pub(crate) fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else {
            return false;
        };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

fn redact_word(word: &str) -> Cow<'_, str> {
    // Punctuation around a word (quotes, brackets, trailing commas) stays as it is.
    let start = word
        .find(|c: char| c.is_ascii_alphanumeric())
        .unwrap_or(word.len());
    let end = word
        .rfind(|c: char| c.is_ascii_alphanumeric() || c == '/' || c == '=' || c == '&')
        .map(|i| i + 1)
        .unwrap_or(start)
        .max(start);
    let (pre, core, post) = (&word[..start], &word[start..end], &word[end..]);
    if core.is_empty() {
        return Cow::Borrowed(word);
    }
    let replaced: Cow<'_, str> = if core.contains("://") {
        redact_url_in_text(core)
    } else if is_jwt(core) {
        Cow::Borrowed("[REDACTED:jwt]")
    } else if is_email(core) {
        Cow::Borrowed("[REDACTED:email]")
    } else if core.contains('=') {
        redact_query(core)
    } else if core.chars().filter(char::is_ascii_digit).count() >= 13 {
        let digits: String = core.chars().filter(char::is_ascii_digit).collect();
        if (13..=19).contains(&digits.len())
            && luhn(&digits)
            && core.chars().all(|c| c.is_ascii_digit() || c == '-')
        {
            Cow::Borrowed("[REDACTED:card]")
        } else {
            Cow::Borrowed(core)
        }
    } else {
        Cow::Borrowed(core)
    };
    match replaced {
        Cow::Borrowed(c) if c.len() == core.len() && c == core => Cow::Borrowed(word),
        other => Cow::Owned(format!("{pre}{other}{post}")),
    }
}

fn is_jwt(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts[1].len() >= 2
        && parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c))
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

fn redact_url_in_text(url: &str) -> Cow<'_, str> {
    let Some(scheme_end) = url.find("://") else {
        return Cow::Borrowed(url);
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let mut out = String::with_capacity(url.len());
    out.push_str(&url[..scheme_end + 3]);
    match authority.rfind('@') {
        Some(at) => {
            out.push_str(REDACTED);
            out.push_str(&authority[at..]);
        }
        None => out.push_str(authority),
    }
    let tail = &rest[authority_end..];
    match tail.split_once('?') {
        Some((path, query)) => {
            out.push_str(path);
            out.push('?');
            out.push_str(&redact_query(query));
        }
        None => out.push_str(tail),
    }
    if out == url {
        Cow::Borrowed(url)
    } else {
        Cow::Owned(out)
    }
}

fn redact_query(original: &str) -> Cow<'_, str> {
    let (query, fragment) = match original.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (original, None),
    };
    let mut changed = false;
    let parts: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v))
                if !v.is_empty()
                    && SECRET_QUERY_PARAMS.contains(&k.to_ascii_lowercase().as_str()) =>
            {
                changed = true;
                format!("{k}={REDACTED}")
            }
            Some((k, v)) => {
                let r = redact_word(v);
                if r != v {
                    changed = true;
                }
                format!("{k}={r}")
            }
            None => pair.to_owned(),
        })
        .collect();
    if !changed {
        return Cow::Borrowed(original);
    }
    let mut out = parts.join("&");
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    Cow::Owned(out)
}

/// An endpoint URL reduced to what is safe to print: scheme, host, port and path, without
/// userinfo, query or fragment. Used wherever the pipeline names its destination (errors,
/// `Debug` of the configuration, export failure events).
pub(crate) fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit('@').next().unwrap_or("");
    format!("{scheme}://{host}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_without_userinfo_query_or_fragment() {
        assert_eq!(
            redact_url("https://bob:pw@collector.example:4318/v1/traces?token=abc#x"),
            "https://collector.example:4318/v1/traces"
        );
        assert_eq!(redact_url("http://127.0.0.1:4317"), "http://127.0.0.1:4317");
    }

    #[test]
    fn quoted_grouped_card() {
        assert_eq!(
            redact_text("\"card 4111 1111 1111 1111\""),
            "\"card [REDACTED:card]\""
        );
    }
}
