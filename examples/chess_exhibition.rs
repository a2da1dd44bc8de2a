//! Port of "Illustrating Asynchronous Code with a Chess Analogy": a master plays 24
//! opponents; each of the master's moves takes 5 s, each opponent's move 55 s, and a
//! game is 30 move pairs.
//!
//! - Synchronously the master finishes one game before sitting down at the next: a game
//!   takes (55 + 5) × 30 s = 30 min and the exhibition 24 × 30 min = 12 h.
//! - Asynchronously the master moves at one table, walks on, and comes back when the
//!   opponent has replied: one round of the room takes 24 × 5 s = 2 min, and the
//!   exhibition 30 rounds × 2 min = 1 h (plus the last opponent's final 55 s reply,
//!   which the note's estimate leaves out: 1 h 0 min 55 s).
//!
//! Both exhibitions really run, as tasks on an aio runtime whose clock is paused
//! (`aio::time::pause()`): when every task waits on a timer, the loop jumps straight to
//! the next deadline instead of waiting, so 13 simulated hours take a few milliseconds.
//! The master is an `aio::sync::Lock`: whoever holds it is being played, and its FIFO
//! wait list is the order in which the master walks round the tables. Every figure
//! printed is measured on the runtime's clock (`aio::time::now()`), not computed.

use std::rc::Rc;
use std::time::Duration;

const OPPONENTS: usize = 24;
const OWN_MOVE: Duration = Duration::from_secs(5);
const OPPONENT_MOVE: Duration = Duration::from_secs(55);
const MOVE_PAIRS: usize = 30;

/// One move pair at a table where the master is already seated.
async fn move_pair() {
    aio::sleep(OWN_MOVE).await;
    aio::sleep(OPPONENT_MOVE).await;
}

/// The synchronous exhibition: one game after the other. Returns the length of the
/// first game and of the whole exhibition.
async fn synchronous() -> (Duration, Duration) {
    let start = aio::time::now();
    let mut first_game = None;
    for _table in 0..OPPONENTS {
        for _pair in 0..MOVE_PAIRS {
            move_pair().await;
        }
        first_game.get_or_insert(aio::time::now() - start);
    }
    (first_game.unwrap_or_default(), aio::time::now() - start)
}

/// One table of the asynchronous exhibition: the master (the lock) makes a move and
/// leaves; the opponent thinks without the master. Records when the master first
/// sits down for each move.
async fn table(master: Rc<aio::sync::Lock<Vec<Duration>>>, start: aio::time::Instant) {
    for _pair in 0..MOVE_PAIRS {
        {
            let mut seatings = master.lock().await;
            seatings.push(aio::time::now() - start);
            aio::sleep(OWN_MOVE).await;
        }
        aio::sleep(OPPONENT_MOVE).await;
    }
}

/// The asynchronous exhibition: 24 tables as 24 tasks sharing one master. Returns the
/// length of one round of the room and of the whole exhibition.
async fn asynchronous() -> (Duration, Duration) {
    let start = aio::time::now();
    let master = Rc::new(aio::sync::Lock::new(Vec::new()));
    let tables: Vec<_> = (0..OPPONENTS)
        .map(|_| aio::spawn(table(master.clone(), start)))
        .collect();
    for result in aio::gather(tables).await {
        result.expect("a table failed");
    }
    let total = aio::time::now() - start;
    let seatings = master.lock().await;
    // The master's second visit to the first table ends the first round.
    let round = seatings[OPPONENTS] - seatings[0];
    (round, total)
}

fn hours(d: Duration) -> f64 {
    d.as_secs_f64() / 3600.0
}

fn minutes(d: Duration) -> f64 {
    d.as_secs_f64() / 60.0
}

async fn exhibitions() {
    aio::time::pause();
    let (game, total) = synchronous().await;
    println!("Synchronous exhibition: one game at a time");
    println!(
        "  one game: {} seconds = {:.0} minutes",
        game.as_secs(),
        minutes(game)
    );
    println!(
        "  whole exhibition: {} seconds = {:.0} minutes = {:.1} hours",
        total.as_secs(),
        minutes(total),
        hours(total)
    );

    let (round, total) = asynchronous().await;
    println!("Asynchronous exhibition: one move at each table in turn");
    println!(
        "  one move at all {OPPONENTS} tables: {} seconds = {:.0} minutes",
        round.as_secs(),
        minutes(round)
    );
    println!(
        "  whole exhibition: {} seconds = {:.0} minutes = {:.1} hours",
        total.as_secs(),
        minutes(total),
        hours(total)
    );
}

fn main() {
    let wall = std::time::Instant::now();
    aio::run(exhibitions());
    println!(
        "(13 simulated hours in {:.3} seconds of real time)",
        wall.elapsed().as_secs_f64()
    );
}
