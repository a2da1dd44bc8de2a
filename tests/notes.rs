//! The notes' programs, run: each test runs one built example (`examples/*.rs`) with a
//! short time unit and checks that it prints what the note's program prints, in the
//! same order, and takes the time the note says, in units, with generous bounds
//! (the machine is shared; timings are asserted as "about one unit" versus "at least
//! five", never to the millisecond).
//!
//! The examples' own logic lives in the examples; this file only runs them.

mod examples_support;

use examples_support::{assert_between, lines, number_in, run_ok};

#[test]
fn countasync_prints_all_ones_before_the_twos_in_one_unit() {
    let run = run_ok("countasync", &[], 100);
    assert_eq!(
        run.lines[..6],
        lines(&["One", "One", "One", "Two", "Two", "Two"])
    );
    assert_eq!(run.lines.len(), 7);
    let secs = number_in(&run.lines[6], "countasync.rs exec in ", " seconds.");
    assert_between("countasync", secs, 0.95, 1.5);
}

#[test]
fn countsync_alternates_and_takes_three_units() {
    let run = run_ok("countsync", &[], 50);
    assert_eq!(
        run.lines[..6],
        lines(&["One", "Two", "One", "Two", "One", "Two"])
    );
    assert_eq!(run.lines.len(), 7);
    let secs = number_in(&run.lines[6], "countsync.rs exec in ", " seconds.");
    assert_between("countsync", secs, 2.95, 4.5);
}

#[test]
fn make_requests_awaited_one_by_one_takes_five_units() {
    let run = run_ok("make_requests", &[], 50);
    assert_eq!(run.lines[..5], lines(&["1", "2", "3", "4", "5"]));
    assert_eq!(run.lines.len(), 6);
    let secs = number_in(&run.lines[5], "", "");
    assert_between("make_requests (sequential)", secs, 4.95, 7.0);
}

/// The same lesson over real HTTP (hyper on aio): a local server answers each URL after
/// one unit; fetched one by one they take five units, gathered one.
#[test]
fn fetch_urls_one_by_one_takes_five_units_and_gathered_one() {
    let run = run_ok("fetch_urls", &[], 100);
    assert_eq!(run.lines.len(), 10, "{:?}", run.lines);
    assert_eq!(
        run.lines[..6],
        lines(&["one by one:", "1", "2", "3", "4", "5"])
    );
    let one_by_one = number_in(&run.lines[6], "took ", " units");
    assert_between("fetch_urls (one by one)", one_by_one, 4.95, 7.0);
    assert_eq!(
        run.lines[7..9],
        lines(&["with aio::gather:", "[1, 2, 3, 4, 5]"])
    );
    let gathered = number_in(&run.lines[9], "took ", " units");
    assert_between("fetch_urls (gathered)", gathered, 0.95, 1.9);
}

#[test]
fn unstarted_coroutines_are_not_tasks_and_gathering_them_later_takes_three_units() {
    let run = run_ok("make_requests_gather", &[], 50);
    assert_eq!(
        run.lines[..2],
        lines(&["Number of tasks: 1", "[1, 2, 3, 4, 5]"])
    );
    let secs = number_in(&run.lines[2], "", "");
    assert_between("make_requests_gather", secs, 2.95, 4.2);
}

#[test]
fn spawned_requests_are_tasks_and_run_during_the_sleep_two_units() {
    let run = run_ok("create_task_requests", &[], 100);
    assert_eq!(
        run.lines[..2],
        lines(&["Number of tasks: 6", "[1, 2, 3, 4, 5]"])
    );
    let secs = number_in(&run.lines[2], "", "");
    assert_between("create_task_requests", secs, 1.95, 2.9);
}

#[test]
fn four_counters_interleave_round_robin() {
    let run = run_ok("round_robin", &[], 50);
    let expected: Vec<String> = (0..400)
        .map(|k| format!("task{}: {}", k % 4, k / 4))
        .collect();
    assert_eq!(run.lines, expected);
}

#[test]
fn io_loop_processes_each_item_in_order_and_stops_when_the_source_is_dry() {
    let run = run_ok("io_loop", &[], 50);
    let expected: Vec<String> = (1..=5).map(|i| format!("processed data {i}")).collect();
    assert_eq!(run.lines, expected);
    // 5 gets + 5 processes + the final empty get, a tenth of a unit each
    assert!(run.units >= 1.1, "io_loop took {:.2} units", run.units);
}

#[test]
fn a_coroutine_object_runs_only_when_awaited_and_a_task_at_once() {
    let run = run_ok("coroutine_object", &[], 50);
    assert_eq!(
        run.lines,
        lines(&[
            "r = example_coroutine_function(1, 2, 3) is a Coroutine; nothing has run yet",
            "the code block runs with (1, 2, 3)",
            "await r returned 6",
            "t = aio::spawn(example_coroutine_function(4, 5, 6)) is task 'example_coroutine_function', done: False",
            "t.try_result() before it is done: the task is not done yet",
            "the code block runs with (4, 5, 6)",
            "await t returned 15, done: True",
        ])
    );
}

#[test]
fn say_hello_is_a_coroutine_until_run() {
    let run = run_ok("say_hello", &[], 50);
    assert_eq!(run.lines, lines(&["<class 'Coroutine'>", "Hello, John"]));
    assert!(run.units >= 1.0, "say_hello took {:.2} units", run.units);
}

#[test]
fn create_task_is_done_after_await() {
    let run = run_ok("create_task", &[], 20);
    assert_eq!(
        run.lines,
        lines(&["t: type <class 'aio::Task'>", "t done: True"])
    );
    // coro([3, 2, 1]) sleeps max(seq) = 3 units
    assert_between("create_task", run.units, 3.0, 6.0);
}

#[test]
fn gathered_tasks_take_the_longest_and_return_results_in_order() {
    let run = run_ok("gather_tasks", &[], 20);
    assert_eq!(run.lines.len(), 4, "{:?}", run.lines);
    for (line, label) in run.lines[..2].iter().zip(["Start: ", "End: "]) {
        let time = line.strip_prefix(label).unwrap_or_else(|| panic!("{line}"));
        let parts: Vec<&str> = time.split(':').collect();
        assert!(
            parts.len() == 3
                && parts
                    .iter()
                    .all(|p| p.len() == 2 && p.parse::<u8>().is_ok()),
            "not HH:MM:SS: {line}"
        );
    }
    assert_eq!(
        run.lines[2..],
        lines(&["Both done: True", "[[1, 2, 3], [0, 5, 10]]"])
    );
    // 10 units (the longest task), not 13 (both in a row)
    assert_between("gather_tasks", run.units, 10.0, 12.5);
}

#[test]
fn create_task_version_starts_the_awaited_coroutine_first_and_takes_five_units() {
    let run = run_ok("gather_vs_create_task", &["create_task"], 20);
    assert_eq!(
        run.lines[..6],
        lines(&[
            "== main() with create_task ==",
            "Before sleeping... 2",
            "Before sleeping... 1",
            "After sleeping... 2",
            "After sleeping... 1",
            "Hello world!",
        ])
    );
    let secs = number_in(&run.lines[6], "exec in ", " seconds.");
    assert_between("gather_vs_create_task create_task", secs, 4.95, 7.0);
}

#[test]
fn gather_version_starts_in_argument_order_and_takes_five_units() {
    let run = run_ok("gather_vs_create_task", &["gather"], 20);
    assert_eq!(
        run.lines[..6],
        lines(&[
            "== main() with gather ==",
            "Before sleeping... 1",
            "Before sleeping... 2",
            "Hello world!",
            "After sleeping... 1",
            "After sleeping... 2",
        ])
    );
    let secs = number_in(&run.lines[6], "exec in ", " seconds.");
    assert_between("gather_vs_create_task gather", secs, 4.95, 7.0);
}

#[test]
fn gather_vs_create_task_without_arguments_runs_both_mains() {
    let run = run_ok("gather_vs_create_task", &[], 10);
    let headers: Vec<&String> = run.lines.iter().filter(|l| l.starts_with("==")).collect();
    assert_eq!(
        headers,
        ["== main() with create_task ==", "== main() with gather =="]
    );
    assert_eq!(run.lines.len(), 14);
}

#[test]
fn chained_coroutines_run_three_chains_concurrently() {
    let run = run_ok("chained_coroutines", &[], 100);
    assert_eq!(
        run.lines[..4],
        lines(&["6", "15", "24", "[(6, 12), (15, 135), (24, 528)]"])
    );
    // each chain is two one-unit steps; three chains side by side: two units, not six
    let secs = number_in(&run.lines[4], "exec in ", " seconds.");
    assert_between("chained_coroutines", secs, 1.95, 2.9);
}

#[test]
fn as_completed_yields_results_in_completion_order() {
    let run = run_ok("as_completed", &[], 100);
    assert_eq!(
        run.lines,
        lines(&[
            "Inside coroutine with id:1",
            "Inside coroutine with id:2",
            "Task result: 1",
            "Task result: 2",
            "True",
        ])
    );
    assert_between("as_completed", run.units, 1.0, 2.0);
}

#[test]
fn producer_waits_on_a_full_queue_and_consumer_on_an_empty_one() {
    let run = run_ok("queue_producer_consumer", &[], 50);
    let mut put = Vec::new();
    let mut got = Vec::new();
    for line in &run.lines {
        if let Some(rest) = line.strip_prefix("producer: put ") {
            let item: u32 = rest.split(' ').next().unwrap().parse().unwrap();
            // the queue holds two: the producer can never be more than two ahead
            // of the consumer (plus the one the consumer is working on)
            assert!(
                put.len() <= got.len() + 3,
                "producer ran ahead of a full queue: {:?}",
                run.lines
            );
            put.push(item);
        } else if let Some(rest) = line.strip_prefix("consumer: got ") {
            let item: u32 = rest.parse().unwrap();
            assert!(put.contains(&item), "got {item} before it was put");
            got.push(item);
        }
    }
    assert_eq!(put, (0..6).collect::<Vec<_>>());
    assert_eq!(got, (0..6).collect::<Vec<_>>());
    let tail = &run.lines[run.lines.len() - 2..];
    assert_eq!(
        tail,
        lines(&["main: every item processed", "consumer: queue closed"])
    );
    // the producer had to wait: its last put came after the consumer's first get
    let first_get = run
        .lines
        .iter()
        .position(|l| l == "consumer: got 0")
        .unwrap();
    let last_put = run
        .lines
        .iter()
        .position(|l| l.starts_with("producer: put 5"))
        .unwrap();
    assert!(first_get < last_put, "{:?}", run.lines);
}

#[test]
fn async_generator_alternates_with_its_consumer() {
    let run = run_ok("async_generator", &[], 10);
    let mut expected = Vec::new();
    for _ in 0..10 {
        expected.push("Yielding a value".to_owned());
        expected.push("Back after sleeping".to_owned());
    }
    for j in [1, 3, 9, 27, 81] {
        expected.push("Yielding a value".to_owned());
        expected.push(j.to_string());
        expected.push("Back after sleeping".to_owned());
    }
    assert_eq!(run.lines, expected);
    // 15 one-unit sleeps, one after the other
    assert_between("async_generator", run.units, 15.0, 25.0);
}

#[test]
fn a_blocking_request_freezes_the_counter_task() {
    let run = run_ok("blocking_counter", &[], 100);
    assert_eq!(
        run.lines[..3],
        lines(&[
            "Started counter",
            "Sending HTTP request",
            "Got HTTP response with status 200",
        ])
    );
    let slept: Vec<f64> = run.lines[3..]
        .iter()
        .enumerate()
        .map(|(i, l)| number_in(l, &format!("{i}: Was asleep for "), "s"))
        .collect();
    assert_eq!(slept.len(), 10);
    // the first sleep lasted the whole request (the server answers after 0.2 units)
    assert!(slept[0] >= 0.2, "first sleep {:.3} units", slept[0]);
    // the others were plain thousandth-of-a-unit sleeps
    for (i, s) in slept.iter().enumerate().skip(1) {
        assert!(
            *s < slept[0],
            "sleep {i} took {s:.3} units, the request {:.3}",
            slept[0]
        );
    }
}

#[test]
fn chess_exhibition_takes_12_hours_synchronously_and_1_asynchronously_instantly() {
    let run = run_ok("chess_exhibition", &[], 50);
    assert_eq!(
        run.lines[..6],
        lines(&[
            "Synchronous exhibition: one game at a time",
            "  one game: 1800 seconds = 30 minutes",
            "  whole exhibition: 43200 seconds = 720 minutes = 12.0 hours",
            "Asynchronous exhibition: one move at each table in turn",
            "  one move at all 24 tables: 120 seconds = 2 minutes",
            "  whole exhibition: 3655 seconds = 61 minutes = 1.0 hours",
        ])
    );
    // 13 simulated hours on a paused clock: the process takes well under a second
    // (the unit does not matter here; 20 units of 50 ms is one second)
    assert!(run.units < 20.0, "took {:.2} s", run.units * 0.05);
}

#[test]
fn async_def_rules_await_return_and_yield() {
    let run = run_ok("async_def_rules", &[], 20);
    assert_eq!(
        run.lines,
        lines(&["f(2) returned 4", "g() returned 42", "g(7) yielded [7]"])
    );
}
