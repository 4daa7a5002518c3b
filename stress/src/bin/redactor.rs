//! Promise: no string a host records can crash it. The redactor's work is linear in the
//! value's length and its stack use constant: adversarial values (long `=` runs, nested
//! URLs, multibyte text) of growing size are redacted on a 256 KiB stack; the figure is the
//! time per byte at each size, beside the anchor (plain text of the same size).

use std::time::Instant;
use telemetry_core::redact::Redactor;

fn per_byte(r: &Redactor, text: &str, rounds: u32) -> f64 {
    let start = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(r.text(std::hint::black_box(text)));
    }
    start.elapsed().as_nanos() as f64 / f64::from(rounds) / text.len() as f64
}

fn main() {
    let sizes: Vec<usize> = stress::length(
        vec![1 << 10, 1 << 14, 1 << 18],
        vec![1 << 10, 1 << 14, 1 << 18, 1 << 20, 1 << 22],
    );
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let r = Redactor::default();
            println!("| size | `?q=a=a=…` ns/byte | nested URLs ns/byte | multibyte `é=` ns/byte | anchor: plain words ns/byte |");
            println!("|---|---|---|---|---|");
            let mut worst = 0.0f64;
            let mut first = None;
            for size in sizes {
                let eq = format!("https://api.example/search?q={}", "a=".repeat(size / 2));
                let nested = "https://x.example/?next=".repeat(size / 24);
                let multi = "é日=".repeat(size / 8);
                let plain = "plain words ".repeat(size / 12);
                let rounds = (1 << 22) / size as u32 + 1;
                let f = [
                    per_byte(&r, &eq, rounds),
                    per_byte(&r, &nested, rounds),
                    per_byte(&r, &multi, rounds),
                    per_byte(&r, &plain, rounds),
                ];
                println!(
                    "| {size} | {:.2} | {:.2} | {:.2} | {:.2} |",
                    f[0], f[1], f[2], f[3]
                );
                let adversarial = f[0].max(f[1]).max(f[2]);
                let base = *first.get_or_insert(adversarial);
                worst = worst.max(adversarial / base);
            }
            println!("worst growth of ns/byte over the smallest size: {worst:.2}x (linear work keeps it near 1x)");
            worst
        })
        .expect("spawn the 256 KiB-stack thread");
    let worst = worker.join().expect("no stack overflow, no panic");
    assert!(
        worst < 8.0,
        "ns/byte grew {worst:.1}x: the work is not linear"
    );
}
