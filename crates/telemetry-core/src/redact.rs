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
//!   addresses are replaced in place. They are found inside larger text too: in URL fragments
//!   (`#access_token=`), nested URLs, form bodies (`authorization=Bearer%20…`), JSON
//!   (`"password":"…"`, a JWT as a member value), glued to a word (`ref4111…`, `mailto:`).
//!
//! The work is linear in the length of the value and uses a constant amount of stack: a fixed
//! number of left-to-right passes, no recursion, whatever the input (long `=`/`&` runs, nested
//! URLs, multibyte text). A property run on a 256 KiB stack checks it
//! (`tests/redact_props.rs`).
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
    ///
    /// A short ASCII key (every attribute and field name in practice) is normalized on the
    /// stack: no allocation per key.
    pub(crate) fn secret_key(&self, key: &str) -> bool {
        const STACK: usize = 128;
        if key.len() <= STACK && key.is_ascii() {
            let mut buf = [0u8; STACK];
            let mut n = 0;
            for b in key.bytes() {
                if !matches!(b, b'_' | b'-' | b'.' | b' ') {
                    buf[n] = b.to_ascii_lowercase();
                    n += 1;
                }
            }
            let key = &buf[..n];
            return self
                .key_patterns
                .iter()
                .any(|p| contains(key, p.as_bytes()));
        }
        let key = normalize(key);
        self.key_patterns.iter().any(|p| key.contains(p.as_str()))
    }

    /// Whether the value after `key=` (a query or form parameter, a JSON member) is secret.
    fn secret_param(&self, key: &str) -> bool {
        !key.is_empty()
            && (SECRET_QUERY_PARAMS
                .iter()
                .any(|p| p.eq_ignore_ascii_case(key))
                || self.secret_key(key))
    }

    /// `value` as it may leave the process, when found under `key`.
    pub fn value<'a>(&self, key: &str, value: &'a str) -> Cow<'a, str> {
        if self.secret_key(key) {
            return Cow::Borrowed(REDACTED);
        }
        self.text(value)
    }

    /// Applies the value rules (URL userinfo, secret parameters, bearer tokens, JWTs, card
    /// numbers, emails) to free text: a span or event name, a log message, an error chain.
    ///
    /// The work is linear in the length of `text`: one pass over its words, a fixed number of
    /// linear passes over each word, no recursion.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !needs_scan(text) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut changed = false;
        let mut words = text.split_inclusive(char::is_whitespace).peekable();
        let mut pending_digits: Vec<&str> = Vec::new();
        let mut redact_next = false;
        while let Some(piece) = words.next() {
            let word = piece.trim_end_matches(char::is_whitespace);
            let space = &piece[word.len()..];
            if word.is_empty() {
                out.push_str(piece);
                continue;
            }
            // Card numbers may be written in groups: gather runs of digit groups.
            if is_digit_group(word) && !redact_next {
                pending_digits.push(piece);
                let next_is_group = words
                    .peek()
                    .map(|n| is_digit_group(n.trim_end_matches(char::is_whitespace)))
                    .unwrap_or(false);
                if !next_is_group {
                    changed |= flush_digits(&mut out, &mut pending_digits);
                }
                continue;
            }
            let bare = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
            if bare.eq_ignore_ascii_case("bearer") || bare.eq_ignore_ascii_case("basic") {
                redact_next = words.peek().is_some();
                out.push_str(piece);
                continue;
            }
            if redact_next {
                redact_next = false;
                // Keep opening and closing punctuation (a quote, a comma) around the secret.
                let start = word
                    .find(|c: char| c.is_alphanumeric())
                    .unwrap_or(word.len());
                let end = word
                    .rfind(|c: char| c.is_alphanumeric())
                    .map(|i| next_char(word, i))
                    .unwrap_or(word.len())
                    .max(start);
                if start < end {
                    out.push_str(&word[..start]);
                    out.push_str(REDACTED);
                    out.push_str(&word[end..]);
                    out.push_str(space);
                    changed = true;
                    continue;
                }
            }
            // `password: hunter2`, `"password": "hunter2"`, `token= abc`: the secret is the
            // next word.
            if (word.ends_with(':') || word.ends_with('=')) && self.secret_key(bare) {
                redact_next = words.peek().is_some();
            }
            let replaced = self.word(word);
            changed |= matches!(replaced, Cow::Owned(_));
            out.push_str(&replaced);
            out.push_str(space);
        }
        if changed {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(text)
        }
    }

    /// One word (no whitespace): three linear passes, each given the previous one's result.
    fn word<'a>(&self, word: &'a str) -> Cow<'a, str> {
        let mut cur = Cow::Borrowed(word);
        if let Some(s) = url_userinfo(&cur) {
            cur = Cow::Owned(s);
        }
        if let Some(s) = self.parameters(&cur) {
            cur = Cow::Owned(s);
        }
        if let Some(s) = encoded_credentials(&cur) {
            cur = Cow::Owned(s);
        }
        if let Some(s) = atoms(&cur) {
            cur = Cow::Owned(s);
        }
        cur
    }

    /// `key=value` (query strings, fragments, form bodies, nested URLs) and `"key":"value"`
    /// (JSON) with a secret key: the value is replaced. One left-to-right pass: the key before
    /// each separator is found by a backward scan that stops at the previous separator, so no
    /// character is visited more than twice.
    fn parameters(&self, w: &str) -> Option<String> {
        let bytes = w.as_bytes();
        let mut out: Option<String> = None;
        let mut copied = 0;
        let mut i = 0;
        while i < bytes.len() {
            let (key, value_start) = match bytes[i] {
                b'=' => {
                    let ks = w[..i]
                        .rfind(|c: char| !is_key_char(c))
                        .map(|p| next_char(w, p))
                        .unwrap_or(0);
                    (&w[ks..i], i + 1)
                }
                b':' if i > 0 && bytes[i - 1] == b'"' => {
                    let ks = w[..i - 1].rfind('"').map(|p| p + 1).unwrap_or(0);
                    let vs = if bytes.get(i + 1) == Some(&b'"') {
                        i + 2
                    } else {
                        i + 1
                    };
                    (&w[ks..i - 1], vs)
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            if !self.secret_param(key) {
                i += 1;
                continue;
            }
            let value_end = w[value_start..]
                .find(is_value_end)
                .map(|p| value_start + p)
                .unwrap_or(w.len());
            if value_end > value_start {
                let o = out.get_or_insert_with(|| String::with_capacity(w.len()));
                o.push_str(&w[copied..value_start]);
                o.push_str(REDACTED);
                copied = value_end;
            }
            i = value_end.max(i + 1);
        }
        out.map(|mut o| {
            o.push_str(&w[copied..]);
            o
        })
    }
}

/// Whether `needle` occurs in `haystack` (both short: a key and a pattern). Only the
/// positions holding the needle's first byte are compared further.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if haystack.len() < needle.len() {
        return false;
    }
    let last_start = haystack.len() - needle.len();
    haystack[..=last_start]
        .iter()
        .enumerate()
        .any(|(i, &b)| b == first && haystack[i + 1..i + needle.len()] == *rest)
}

/// The byte index just after the character that starts at `i`.
fn next_char(s: &str, i: usize) -> usize {
    i + s[i..].chars().next().map_or(0, char::len_utf8)
}

/// A character of a parameter key (`X-Amz-Signature`, `user.password`, `a[token]`).
fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']' | '%')
}

/// Where a parameter value ends: the next parameter, a fragment, a quote or a markup bracket.
fn is_value_end(c: char) -> bool {
    matches!(c, '&' | '#' | '"' | '\'' | '<' | '>' | '\\' | '`')
}

/// Applies the value rules with the default key patterns to `text`.
#[cfg(test)]
pub(crate) fn redact_text(text: &str) -> Cow<'_, str> {
    Redactor::default().text(text)
}

/// Whether `text` may hold anything the value rules replace: one linear pass.
fn needs_scan(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut digits = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'@' | b'=' | b'?' | b'#' | b':' => return true,
            b'0'..=b'9' => {
                digits += 1;
                if digits >= 13 {
                    return true;
                }
            }
            b'e' if bytes[i..].starts_with(b"eyJ") => return true,
            b'b' | b'B' => {
                let rest = &bytes[i..];
                if rest.len() >= 5
                    && (rest[..5].eq_ignore_ascii_case(b"basic")
                        || (rest.len() >= 6 && rest[..6].eq_ignore_ascii_case(b"bearer")))
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

fn is_digit_group(word: &str) -> bool {
    let core = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    !core.is_empty()
        && core.chars().all(|c| c.is_ascii_digit() || c == '-')
        && core.chars().any(|c| c.is_ascii_digit())
}

/// Writes the gathered digit groups, a card number replaced; whether anything was replaced.
fn flush_digits(out: &mut String, pending: &mut Vec<&str>) -> bool {
    let digits: String = pending
        .iter()
        .flat_map(|p| p.chars())
        .filter(char::is_ascii_digit)
        .collect();
    let trailing: String = pending
        .last()
        .map(|p| {
            let t = p.trim_end_matches(char::is_whitespace);
            p[t.len()..].to_owned()
        })
        .unwrap_or_default();
    let mut replaced = false;
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
        replaced = true;
    } else {
        for p in pending.iter() {
            // A single group may still hold a card glued to other text.
            let w = p.trim_end_matches(char::is_whitespace);
            match atoms(w) {
                Some(r) => {
                    out.push_str(&r);
                    out.push_str(&p[w.len()..]);
                    replaced = true;
                }
                None => out.push_str(p),
            }
        }
    }
    pending.clear();
    replaced
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

/// `scheme://user:pass@host` anywhere in a word (nested URLs too): the userinfo is replaced.
/// Each authority is scanned once; the next search starts where it ended.
fn url_userinfo(w: &str) -> Option<String> {
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut search = 0;
    while let Some(p) = w[search..].find("://") {
        let start = search + p + 3;
        let len = w[start..]
            .find(|c: char| {
                matches!(
                    c,
                    '/' | '?' | '#' | '"' | '\'' | '<' | '>' | '\\' | '`' | '[' | ']' | '{' | '}'
                )
            })
            .unwrap_or(w.len() - start);
        if let Some(at) = w[start..start + len].rfind('@') {
            let o = out.get_or_insert_with(|| String::with_capacity(w.len()));
            o.push_str(&w[copied..start]);
            o.push_str(REDACTED);
            copied = start + at;
        }
        // The authority's last character may be the `:` of a nested `://`.
        search = start
            + w[start..start + len]
                .char_indices()
                .next_back()
                .map_or(0, |(i, _)| i);
    }
    out.map(|mut o| {
        o.push_str(&w[copied..]);
        o
    })
}

/// `Bearer%20…`, `Bearer+…`, `Basic%20…` (form- or URL-encoded credentials): the token after
/// the scheme is replaced, whatever the key.
fn encoded_credentials(w: &str) -> Option<String> {
    const SCHEMES: [&str; 4] = ["bearer%20", "bearer+", "basic%20", "basic+"];
    let lower = w.to_ascii_lowercase();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut search = 0;
    // The next match of each scheme, searched again only once `search` has passed it: each
    // scheme's search covers the word once.
    let mut next = SCHEMES.map(|m| lower.find(m));
    while search < lower.len() {
        for (n, m) in SCHEMES.iter().enumerate() {
            if next[n].is_some_and(|p| p < search) {
                next[n] = lower[search..].find(m).map(|p| search + p);
            }
        }
        let found = next
            .iter()
            .zip(SCHEMES)
            .filter_map(|(p, m)| p.map(|p| (p, m.len())))
            .min();
        let Some((at, len)) = found else { break };
        let value_start = at + len;
        let value_end = w[value_start..]
            .find(is_value_end)
            .map(|p| value_start + p)
            .unwrap_or(w.len());
        if value_end > value_start {
            let o = out.get_or_insert_with(|| String::with_capacity(w.len()));
            o.push_str(&w[copied..value_start]);
            o.push_str(REDACTED);
            copied = value_end;
        }
        search = value_end.max(at + 1);
    }
    out.map(|mut o| {
        o.push_str(&w[copied..]);
        o
    })
}

/// A character that may appear in an email address, a JWT or a card number.
fn is_atom_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '@')
}

/// Emails, JWTs and card numbers inside a word, glued to other text or not (`mailto:a@b.c`,
/// `{"t":"eyJ…"}`, `ref4111111111111111`). One pass over maximal runs of atom characters.
fn atoms(w: &str) -> Option<String> {
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut replace = |out: &mut Option<String>, from: usize, to: usize, with: &str| {
        let o = out.get_or_insert_with(|| String::with_capacity(w.len()));
        o.push_str(&w[copied..from]);
        o.push_str(with);
        copied = to;
    };
    let mut i = 0;
    while i < w.len() {
        let Some(p) = w[i..].find(is_atom_char) else {
            break;
        };
        let start = i + p;
        let end = w[start..]
            .find(|c: char| !is_atom_char(c))
            .map(|q| start + q)
            .unwrap_or(w.len());
        i = end;
        // Trailing punctuation (a full stop, a dash) is not part of the atom.
        let run_end = w[start..end]
            .rfind(|c: char| c.is_ascii_alphanumeric())
            .map(|q| start + q + 1)
            .unwrap_or(start);
        let run = &w[start..run_end];
        if run.is_empty() {
            continue;
        }
        if let Some(at) = run.rfind('@') {
            let local_start = run[..at].rfind('@').map(|q| q + 1).unwrap_or(0);
            let local_start = local_start
                + run[local_start..at]
                    .find(|c: char| c.is_ascii_alphanumeric())
                    .unwrap_or(0);
            if is_email(&run[local_start..]) {
                replace(&mut out, start + local_start, run_end, "[REDACTED:email]");
                continue;
            }
        }
        if let Some(j) = run.find("eyJ") {
            if is_jwt(&run[j..]) {
                replace(&mut out, start + j, run_end, "[REDACTED:jwt]");
                continue;
            }
        }
        // Digit runs with single dashes: card numbers, glued to letters or not.
        let bytes = run.as_bytes();
        let mut k = 0;
        while k < bytes.len() {
            if !bytes[k].is_ascii_digit() {
                k += 1;
                continue;
            }
            let ds = k;
            let mut de = k;
            let mut count = 0usize;
            while k < bytes.len() {
                if bytes[k].is_ascii_digit() {
                    count += 1;
                    de = k + 1;
                    k += 1;
                } else if bytes[k] == b'-' && bytes.get(k + 1).is_some_and(u8::is_ascii_digit) {
                    k += 1;
                } else {
                    break;
                }
            }
            if (13..=19).contains(&count) {
                let digits: String = run[ds..de].chars().filter(char::is_ascii_digit).collect();
                if luhn(&digits) {
                    replace(&mut out, start + ds, start + de, "[REDACTED:card]");
                }
            }
        }
    }
    out.map(|mut o| {
        o.push_str(&w[copied..]);
        o
    })
}

fn is_jwt(s: &str) -> bool {
    let mut parts = 0;
    for (n, p) in s.split('.').enumerate() {
        parts += 1;
        if parts > 3
            || (n == 1 && p.len() < 2)
            || p.is_empty()
            || !p
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return false;
        }
    }
    parts == 3 && s.starts_with("eyJ")
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
    fn r(text: &str) -> String {
        Redactor::default().text(text).into_owned()
    }

    #[test]
    fn embedded_secrets() {
        assert_eq!(
            r("https://app.example/cb#access_token=s3cr3t&state=x"),
            "https://app.example/cb#access_token=[REDACTED]&state=x"
        );
        assert_eq!(
            r(r#"{"user":"ana","session":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln"}"#),
            r#"{"user":"ana","session":"[REDACTED:jwt]"}"#
        );
        assert_eq!(
            r("grant=x&authorization=Bearer%20s3cr3t&y=1"),
            "grant=x&authorization=[REDACTED]&y=1"
        );
        assert_eq!(r("h=Bearer%20s3cr3t"), "h=Bearer%20[REDACTED]");
        assert_eq!(r("ref4111111111111111."), "ref[REDACTED:card].");
        assert_eq!(
            r("<a href=\"mailto:ana@example.com\">"),
            "<a href=\"mailto:[REDACTED:email]\">"
        );
        assert_eq!(
            r(r#"{"password":"hunter2","n":1}"#),
            r#"{"password":"[REDACTED]","n":1}"#
        );
        assert_eq!(
            r(r#"{"password": "hunter2", "n": 1}"#),
            r#"{"password": "[REDACTED]", "n": 1}"#
        );
        assert_eq!(
            r("Authorization: Bearer s3cr3t"),
            "Authorization: Bearer [REDACTED]"
        );
        assert_eq!(
            r("next=https://u:pw@idp.example/x?token=abc&page=2"),
            "next=https://[REDACTED]@idp.example/x?token=[REDACTED]&page=2"
        );
        assert_eq!(
            r("exit code: 1, dashboard d-42"),
            "exit code: 1, dashboard d-42"
        );
    }

    #[test]
    fn secret_keys_match_alike_on_the_stack_and_off_it() {
        let r = Redactor::with_extra_keys(&["Session-ID".to_owned(), "clé".to_owned()]);
        let long = format!("{}.Pass_Word", "x".repeat(200));
        for (key, secret) in [
            ("db.password", true),
            ("HTTP.Request.Header.Authorization", true),
            ("x-api-key", true),
            ("x-api_KEY", true),
            ("x-api-id", false),
            ("X-ApiKey", true),
            ("user.session_id", true),
            ("private key", true),
            ("dataface.adapter", false),
            ("", false),
            ("ma.clé", true),
            ("tökenish", false),
            (long.as_str(), true),
        ] {
            assert_eq!(r.secret_key(key), secret, "{key}");
            let slow = normalize(key);
            assert_eq!(
                r.key_patterns.iter().any(|p| slow.contains(p.as_str())),
                secret,
                "{key}"
            );
        }
    }

    #[test]
    fn long_equals_runs_are_linear_and_shallow() {
        // Once a recursion per `=`: this overflowed a 2 MiB stack.
        let url = format!("https://api.example/search?q={}", "a=".repeat(200_000));
        let out = std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(move || r(&url).len())
            .unwrap()
            .join()
            .unwrap();
        assert!(out > 400_000);
    }
}
