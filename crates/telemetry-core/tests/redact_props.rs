//! Property run of the redactor over adversarial text, on a thread with a 256 KiB stack.
//!
//! Every generated value must come back without panicking, without overflowing that stack, in
//! output proportional to its input, with no embedded secret left. The number of cases is
//! `PROPTEST_CASES` (default 256 here: a few seconds in CI); set it to 100000 for a long run.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use telemetry_core::redact::Redactor;

/// Text built to stress the scanner: runs of separators, nested URLs, multibyte characters.
fn noise() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        (1usize..4000).prop_map(|n| "a=".repeat(n)),
        (1usize..4000).prop_map(|n| "=".repeat(n)),
        (1usize..4000).prop_map(|n| "&".repeat(n)),
        (1usize..2000).prop_map(|n| "?=&#".repeat(n)),
        (1usize..500).prop_map(|n| "https://x.example/?next=".repeat(n)),
        (1usize..500).prop_map(|n| "://@".repeat(n)),
        (1usize..500).prop_map(|n| "\":\"".repeat(n)),
        (1usize..500).prop_map(|n| "bearer+".repeat(n)),
        (1usize..500).prop_map(|n| "eyJ.".repeat(n)),
        (1usize..500).prop_map(|n| "4111-".repeat(n)),
        (1usize..500).prop_map(|n| "é日本🦀=".repeat(n)),
        "[ -~]{0,64}",
        "\\PC{0,64}",
    ];
    prop::collection::vec(piece, 1..6).prop_map(|v| v.concat())
}

/// A secret in one of the positions the redactor must find, with its marker.
fn embedded(secret: &str) -> Vec<String> {
    vec![
        format!("https://app.example/cb?token={secret}"),
        format!("https://app.example/cb#access_token={secret}&state=1"),
        format!("grant=1&authorization=Bearer%20{secret}"),
        format!("https://u:{secret}@h.example/x"),
        format!(r#"{{"password":"{secret}"}}"#),
        format!("Bearer {secret}"),
        format!("next=https://idp.example/?x=1&client_secret={secret}"),
        format!("X-Amz-Signature={secret}"),
    ]
}

#[test]
fn adversarial_text_is_redacted_on_a_small_stack() {
    let handle = std::thread::Builder::new()
        .name("redact-props".into())
        .stack_size(256 * 1024)
        .spawn(|| {
            let cases = std::env::var("PROPTEST_CASES")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(256);
            let mut runner = TestRunner::new(Config {
                cases,
                failure_persistence: None,
                ..Config::default()
            });
            let redactor = Redactor::default();
            let strategy = (noise(), noise(), "[a-z]{10,16}", 0usize..8);
            runner
                .run(&strategy, |(before, after, secret, position)| {
                    let secret = format!("zq{secret}");
                    let template = &embedded(&secret)[position];
                    let text = format!("{before} {template} {after}");
                    let out = redactor.text(&text);
                    prop_assert!(
                        !out.contains(&secret),
                        "secret left in position {position}: {template}"
                    );
                    prop_assert!(out.len() <= 16 * text.len() + 64);
                    let noise_only = redactor.text(&before);
                    prop_assert!(noise_only.len() <= 16 * before.len() + 64);
                    Ok(())
                })
                .map_err(|e| e.to_string())
        })
        .expect("spawn");
    handle
        .join()
        .expect("no panic, no overflow")
        .expect("property");
}
