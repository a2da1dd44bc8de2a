//! The thread-per-core example, run: `examples/echo_cores.rs` in demo mode serves echo
//! clients from two loops sharing one port, and stops cleanly, reporting each loop's
//! share; a port already taken is a clear error, not a hang.

mod examples_support;

use examples_support::{number_in, run_example};

#[test]
fn echo_cores_serves_every_client_from_two_loops_on_one_port() {
    let run = run_example(
        "echo_cores",
        &["127.0.0.1:0", "2", "--demo", "100"],
        1000,
        &[],
    );
    assert!(run.success, "{}", run.stderr);
    assert!(
        run.lines[0].starts_with("listening on 127.0.0.1:")
            && run.lines[0].ends_with(" with 2 loops"),
        "{:?}",
        run.lines
    );
    assert_eq!(run.lines[1], "echoed 100/100");
    let served: Vec<f64> = (0..2)
        .map(|i| number_in(&run.lines[2 + i], &format!("loop {i}: "), " connections"))
        .collect();
    assert_eq!(served.iter().sum::<f64>(), 100.0, "{:?}", run.lines);
    assert_eq!(run.lines.len(), 4);
}

#[cfg(target_os = "linux")]
#[test]
fn echo_cores_reports_a_port_it_cannot_share() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let run = run_example("echo_cores", &[&addr, "2", "--demo", "1"], 1000, &[]);
    assert!(!run.success);
    assert!(
        run.stderr.contains("loop 0: Address already in use"),
        "{}",
        run.stderr
    );
}
