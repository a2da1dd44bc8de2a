//! TCP echo on loopback with the three runtimes in rotation: aio, tokio
//! (current_thread) and smol (`LocalExecutor`) take turns, round after round; each
//! runtime's minimum and median per echo are reported, and aio's time over each peer's
//! in the same round, as the median over rounds.
//!
//! The echo is bound by the kernel's loopback path (about 90% of the CPU time is in
//! the kernel), and on a shared or virtual machine that path's speed drifts by tens
//! of percent within seconds: more than the runtimes differ. Criterion (`io.rs`)
//! measures one runtime after the other, so a drift lands on one of them; here every
//! round measures all three within a fraction of a second, in a rotating order, so
//! the per-round ratios compare them under the same conditions.
//!
//! Run: `cargo bench --bench echo_interleaved` (`ROUNDS=n`, default 15).

#[path = "common/args.rs"]
mod args;
#[path = "common/echo.rs"]
mod echo;

use echo::{aio_echo, smol_echo, tokio_echo, tokio_rt};

const NAMES: [&str; 3] = ["aio", "tokio", "smol"];

fn main() {
    let (filter, rounds) = args::filters_and_rounds(15);
    let rt = tokio_rt();
    let workloads = [
        ("tcp_echo (1 client, 1 MiB)", 1usize, 1usize << 20, 100u64),
        ("tcp_echo_32 (32 clients x 64 KiB)", 32, 64 << 10, 25),
    ];
    for (name, clients, bytes, iters) in workloads {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let mut per_echo: [Vec<f64>; 3] = Default::default();
        for round in 0..rounds {
            for k in 0..3 {
                let which = (k + round) % 3;
                let took = match which {
                    0 => aio_echo(iters, clients, bytes),
                    1 => tokio_echo(&rt, iters, clients, bytes),
                    _ => smol_echo(iters, clients, bytes),
                };
                per_echo[which].push(took.as_secs_f64() * 1e6 / iters as f64);
            }
        }
        // Paired: aio against each peer within the same round, then the median over
        // rounds (a drift between rounds cancels out).
        let paired = |peer: usize| {
            let mut r: Vec<f64> = (0..rounds)
                .map(|k| per_echo[0][k] / per_echo[peer][k])
                .collect();
            r.sort_by(f64::total_cmp);
            r[r.len() / 2]
        };
        let (vs_tokio, vs_smol) = (paired(1), paired(2));
        let stats: Vec<(f64, f64)> = per_echo
            .iter_mut()
            .map(|v| {
                v.sort_by(f64::total_cmp);
                (v[0], v[v.len() / 2])
            })
            .collect();
        println!("{name}, {rounds} rounds of {iters} echoes per runtime:");
        for (i, (min, median)) in stats.iter().enumerate() {
            println!(
                "  {:<6} min {min:9.1} us   median {median:9.1} us",
                NAMES[i]
            );
        }
        println!(
            "  aio / tokio, median of the per-round ratios: {vs_tokio:.3}; aio / smol: {vs_smol:.3}"
        );
    }
}
