//! Promise: no value of any variable crashes, hangs, leaks or silently darkens the host.
//! Every variable `telemetry_core::config::variables()` lists is set, alone, to each bad
//! value (empty, blank, garbage, negative, huge, odd case, non-UTF-8, 10 KB), through a
//! real process environment, with strict mode off and on; each case is a process of its
//! own that calls `init`, records a span and a log, and shuts down. A NUL byte cannot be
//! passed through a process environment (exec takes C strings), so it has no case.
//! Per case: the process exits cleanly (no panic, no abort) within its watchdog; the value
//! (its canary) appears in no output; a value the configuration refuses is named (a
//! warning, or in strict mode the init error); and a value taken without a word never turns
//! traces or logs off. Figures: cases run, warnings, strict errors, values taken, time.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CANARY: &str = "zq7canary";

fn bad_values() -> Vec<(&'static str, OsString)> {
    vec![
        ("empty", "".into()),
        ("blank", "   ".into()),
        ("garbage", format!("{CANARY}%%,=;garbage").into()),
        ("negative", "-1".into()),
        ("huge", "99999999999999999999999".into()),
        // An endpoint variable gets an odd-case scheme instead: a bare word is a valid host
        // name, and resolving it would send a DNS query off the machine.
        ("odd case", "tRuE".into()),
        (
            "non-UTF-8",
            OsString::from_vec([CANARY.as_bytes(), b"-\xff\xfe"].concat()),
        ),
        ("10 KB", format!("{CANARY}{}", "x".repeat(10 * 1024)).into()),
    ]
}

/// A value that turns telemetry off on purpose, so no warning is due.
fn switches_off(var: &str, value: &str) -> bool {
    var == "OTEL_SDK_DISABLED" && value.eq_ignore_ascii_case("true")
}

fn child() {
    stress::watchdog(Duration::from_secs(20));
    match telemetry_core::init("stress-env-matrix") {
        Ok(guard) => {
            {
                let _span = tracing::info_span!("stress.env").entered();
                tracing::info!("recorded");
            }
            let s = guard.stats();
            println!(
                "init ok warnings={} traces={} logs={}",
                s.config_warnings, s.traces.attempted, s.logs.attempted
            );
            // Bounded, whatever the collector: nothing listens on the default endpoints.
            let _ = guard.shutdown(Duration::from_millis(100));
        }
        Err(e) => println!("init error: {e}"),
    }
}

struct Outcome {
    named: bool,
    strict_error: bool,
    dark: bool,
}

fn run_case(var: &str, value: &OsString, strict: bool) -> Result<Outcome, String> {
    let mut cmd = Command::new(std::env::current_exe().expect("own path"));
    cmd.env("STRESS_CHILD", "case");
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        if k.starts_with("OTEL_") || k.starts_with("DATAFACE_") {
            cmd.env_remove(k);
        }
    }
    // Nothing here may bind a fixed port another case uses at the same time.
    if var != "OTEL_EXPORTER_PROMETHEUS_PORT" {
        cmd.env("OTEL_EXPORTER_PROMETHEUS_PORT", "0");
    }
    if var != "DATAFACE_TELEMETRY_STRICT" {
        cmd.env(
            "DATAFACE_TELEMETRY_STRICT",
            if strict { "true" } else { "false" },
        );
    }
    let odd_endpoint = OsString::from("HTTP://LocalHost:4317");
    let value = if var.ends_with("_ENDPOINT") && value == "tRuE" {
        &odd_endpoint
    } else {
        value
    };
    cmd.env(var, value).stdin(Stdio::null());
    let out = cmd.output().map_err(|e| format!("spawn: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let all = format!("{stdout}{stderr}");
    if !out.status.success() {
        return Err(format!("exit {}:\n{all}", out.status));
    }
    if all.contains(CANARY) {
        return Err(format!("the value was echoed:\n{all}"));
    }
    let named = stderr.lines().any(|l| l.contains(var));
    if let Some(error) = stdout.lines().find_map(|l| l.strip_prefix("init error: ")) {
        if !error.contains(var) {
            return Err(format!(
                "the init error does not name the variable: {error}"
            ));
        }
        return Ok(Outcome {
            named: true,
            strict_error: true,
            dark: false,
        });
    }
    let line = stdout
        .lines()
        .find(|l| l.starts_with("init ok"))
        .ok_or_else(|| format!("no outcome:\n{all}"))?;
    let count = |k: &str| -> u64 {
        line.split(' ')
            .find_map(|p| p.strip_prefix(&format!("{k}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let dark = count("traces") == 0 || count("logs") == 0;
    if dark && !named && !switches_off(var, &value.to_string_lossy()) {
        return Err(format!(
            "traces or logs went dark without a word: {line}\n{stderr}"
        ));
    }
    Ok(Outcome {
        named,
        strict_error: false,
        dark,
    })
}

fn main() {
    if stress::child_mode().is_some() {
        return child();
    }
    let vars: Vec<&str> = telemetry_core::config::variables()
        .map(|(v, _)| v)
        .collect();
    let values = bad_values();
    let mut cases = Vec::new();
    for var in &vars {
        for (kind, value) in &values {
            for strict in [false, true] {
                if strict && *var == "DATAFACE_TELEMETRY_STRICT" {
                    continue;
                }
                cases.push((*var, *kind, value.clone(), strict));
            }
        }
    }
    let start = Instant::now();
    let total = cases.len();
    let (tx, rx) = std::sync::mpsc::channel();
    let queue = std::sync::Arc::new(std::sync::Mutex::new(cases));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (queue, tx) = (queue.clone(), tx.clone());
            std::thread::spawn(move || loop {
                let Some((var, kind, value, strict)) = queue.lock().unwrap().pop() else {
                    return;
                };
                let result = run_case(var, &value, strict);
                let _ = tx.send((var, kind, strict, result));
            })
        })
        .collect();
    drop(tx);
    let (mut named, mut strict_errors, mut taken, mut dark) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for (var, kind, strict, result) in rx {
        match result {
            Ok(o) => {
                named += usize::from(o.named && !o.strict_error);
                strict_errors += usize::from(o.strict_error);
                taken += usize::from(!o.named);
                dark += usize::from(o.dark);
            }
            Err(e) => failures.push(format!("{var} = {kind} (strict {strict}): {e}")),
        }
    }
    for w in workers {
        w.join().expect("a worker");
    }
    println!(
        "{total} cases ({} variables × {} bad values × strict off/on) in {:?}: {named} named in a warning, {strict_errors} strict init errors naming the variable, {taken} values taken without a word ({dark} of all cases dark, each on purpose or named); {} failures",
        vars.len(),
        values.len(),
        start.elapsed(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
