//! The command line of the interleaved benches (`echo_interleaved.rs`, `cores.rs`):
//! `cargo bench` passes `--bench`; any other argument is a filter that selects workloads
//! by name, and `ROUNDS` sets how many rounds of the rotation run.

/// The name filters given on the command line, and the number of rounds (`ROUNDS`, or
/// `default_rounds` when it is unset).
///
/// # Panics
/// When `ROUNDS` is set to anything but a positive number.
pub fn filters_and_rounds(default_rounds: usize) -> (Vec<String>, usize) {
    let filter = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let rounds = match std::env::var("ROUNDS") {
        Ok(v) => v
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .unwrap_or_else(|| panic!("ROUNDS must be a positive number, got {v:?}")),
        Err(_) => default_rounds,
    };
    (filter, rounds)
}
