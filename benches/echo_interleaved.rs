//! TCP echo on loopback with the three runtimes in rotation: aio, tokio
//! (current_thread) and smol (`LocalExecutor`) take turns, round after round, and
//! each runtime's minimum and median per echo are reported with the ratio to the
//! better peer.
//!
//! The echo is bound by the kernel's loopback path (about 90% of the CPU time is in
//! the kernel), and on a shared or virtual machine that path's speed drifts by tens
//! of percent within seconds: more than the runtimes differ. Criterion (`io.rs`)
//! measures one runtime after the other, so a drift lands on one of them; here every
//! round measures all three within a fraction of a second, in a rotating order, and
//! the median over rounds compares them under the same conditions.
//!
//! Run: `cargo bench --bench echo_interleaved` (`ROUNDS=n`, default 15).

#[path = "common/echo.rs"]
mod echo;

use echo::{aio_echo, smol_echo, tokio_echo, tokio_rt};

const NAMES: [&str; 3] = ["aio", "tokio", "smol"];

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects workloads by name.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let rounds: usize = match std::env::var("ROUNDS") {
        Ok(v) => v
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .unwrap_or_else(|| panic!("ROUNDS must be a positive number, got {v:?}")),
        Err(_) => 15,
    };
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
        let stats: Vec<(f64, f64)> = per_echo
            .iter_mut()
            .map(|v| {
                v.sort_by(f64::total_cmp);
                (v[0], v[v.len() / 2])
            })
            .collect();
        let best_peer = stats[1].1.min(stats[2].1);
        println!("{name}, {rounds} rounds of {iters} echoes per runtime:");
        for (i, (min, median)) in stats.iter().enumerate() {
            println!(
                "  {:<6} min {min:9.1} us   median {median:9.1} us   median / better peer {:.2}",
                NAMES[i],
                median / best_peer
            );
        }
    }
}
