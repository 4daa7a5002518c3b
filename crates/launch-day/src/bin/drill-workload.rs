//! `drill-workload`: one product surface as its own service, for `dataface-ops drill`.
//!
//! ```text
//! drill-workload --surface compiler [--factor 240] [--pause-ms 50] [--control-port 0] [--stdin-lifeline]
//! ```
//!
//! Starts the telemetry pipeline from the environment over the local defaults (the drill
//! sets `OTEL_EXPORTER_PROMETHEUS_HOST=127.0.0.1` and `OTEL_EXPORTER_PROMETHEUS_PORT=0`),
//! runs the surface's healthy traffic on a clock `factor` times faster than real time, and
//! prints one line once ready:
//!
//! ```text
//! ready surface=compiler metrics=127.0.0.1:40123 control=127.0.0.1:40124
//! ```
//!
//! Faults are switched on and off on the control endpoint (`PUT`/`DELETE /faults/<name>`,
//! `GET /faults`, `POST /quit`; see `launch_day::workload::control`). The process stops on
//! `POST /quit`, or, with `--stdin-lifeline`, when its standard input closes (the drill that
//! started it is gone).

use launch_day::workload::{control, Faults, Load, SimClock, SurfaceLoad};
use launch_day::Surface;
use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Duration;

struct Args {
    surface: Surface,
    factor: f64,
    pause: Duration,
    control_port: u16,
    lifeline: bool,
}

fn usage(problem: &str) -> String {
    format!(
        "{problem}\nusage: drill-workload --surface compiler|context|profiler|cloud|integrations [--factor 240] [--pause-ms 50] [--control-port 0] [--stdin-lifeline]"
    )
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut surface = None;
    let mut factor = 240.0;
    let mut pause = Duration::from_millis(50);
    let mut control_port = 0;
    let mut lifeline = false;
    while let Some(flag) = args.next() {
        let mut value = |what: &str| {
            args.next()
                .ok_or_else(|| usage(&format!("{flag} needs {what}")))
        };
        match flag.as_str() {
            "--surface" => {
                let name = value("a surface name")?;
                surface = Some(
                    Surface::ALL
                        .into_iter()
                        .find(|s| s.name() == name)
                        .ok_or_else(|| usage(&format!("no surface named {name:?}")))?,
                );
            }
            "--factor" => {
                factor = value("a number")?
                    .parse::<f64>()
                    .ok()
                    .filter(|f| *f >= 1.0)
                    .ok_or_else(|| usage("--factor is a number of at least 1"))?;
            }
            "--pause-ms" => {
                pause = Duration::from_millis(
                    value("milliseconds")?
                        .parse()
                        .map_err(|_| usage("--pause-ms is a whole number of milliseconds"))?,
                );
            }
            "--control-port" => {
                control_port = value("a port")?
                    .parse()
                    .map_err(|_| usage("--control-port is a port number"))?;
            }
            "--stdin-lifeline" => lifeline = true,
            other => return Err(usage(&format!("unknown argument {other:?}"))),
        }
    }
    Ok(Args {
        surface: surface.ok_or_else(|| usage("--surface is required"))?,
        factor,
        pause,
        control_port,
        lifeline,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("drill-workload: {e}");
            return ExitCode::from(2);
        }
    };
    let service = format!("dataface-{}", args.surface.name());
    let guard = match dataface_telemetry::init_with(&service, dataface_telemetry::local_defaults())
    {
        Ok(g) => g,
        Err(e) => {
            eprintln!("drill-workload: telemetry init failed: {e}");
            return ExitCode::from(2);
        }
    };
    let Some(metrics) = guard.prometheus_addr() else {
        eprintln!(
            "drill-workload: no Prometheus scrape endpoint: keep `prometheus` in OTEL_METRICS_EXPORTER"
        );
        return ExitCode::from(2);
    };
    let clock = SimClock::new(args.factor);
    let mut load = SurfaceLoad::new(args.surface);
    let faults = Faults::new(load.faults());
    let control = match control::serve(faults.clone(), args.control_port) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("drill-workload: {e}");
            return ExitCode::from(2);
        }
    };
    if args.lifeline {
        // The drill holds our standard input: when it closes, nobody is left to stop us.
        let orphan = faults.clone();
        std::thread::spawn(move || {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
            orphan.handle("POST", "/quit");
        });
    }
    // One healthy round before announcing, so every series the alerts read exists.
    load.round(&clock, &[]);
    println!(
        "ready surface={} metrics={metrics} control={control}",
        args.surface
    );
    let _ = std::io::stdout().flush();
    let mut previous: Vec<String> = Vec::new();
    while !faults.quit_requested() {
        let active = faults.active();
        for fault in active.iter().filter(|f| !previous.contains(f)) {
            load.injected(fault, &clock);
        }
        for fault in faults.take_cleared() {
            load.cleared(&fault, &clock);
        }
        load.round(&clock, &active);
        previous = active;
        std::thread::sleep(args.pause);
    }
    drop(load);
    match guard.shutdown(Duration::from_secs(2)) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("drill-workload: shutdown: {e}");
            ExitCode::SUCCESS
        }
    }
}
