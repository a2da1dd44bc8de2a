// runtime: tokio
use std::time::Duration;
use tokio::sync::mpsc::Receiver;
use tokio::time::sleep;

const EVERY: Duration = Duration::from_secs(5);

async fn flush() {}
async fn work(_m: u32) {}

pub async fn in_the_branch(mut rx: Receiver<u32>) {
    loop {
        tokio::select! {
            Some(m) = rx.recv() => work(m).await,
            _ = sleep(EVERY) => flush().await,
        }
    }
}

pub async fn block_handler(mut rx: Receiver<u32>, every: Duration) {
    while !rx.is_closed() {
        tokio::select! {
            Some(m) = rx.recv() => work(m).await,
            _ = tokio::time::sleep(every * 2) => {
                // The re-arm goes first, so that `continue` cannot skip it.
                if rx.is_empty() {
                    continue;
                }
                flush().await;
            }
        }
    }
}

pub async fn value_used(mut rx: Receiver<u32>) {
    let total = loop {
        let got = tokio::select! {
            m = rx.recv() => m,
            () = sleep(Duration::from_millis(10)) => None,
        };
        if let Some(m) = got {
            work(m).await;
        }
        if rx.is_closed() {
            break 0;
        }
    };
    let _ = total;
}

pub async fn not_fixed(mut rx: Receiver<u32>) {
    // Created in the iteration before the `select!`: only the help.
    loop {
        let tick = sleep(EVERY);
        tokio::pin!(tick);
        tokio::select! {
            Some(m) = rx.recv() => work(m).await,
            _ = &mut tick => flush().await,
        }
    }
}

pub async fn delay_from_the_loop(mut rx: Receiver<u32>) {
    // The delay depends on the loop variable: it cannot be computed before the loop.
    for round in 1..4u64 {
        tokio::select! {
            Some(m) = rx.recv() => work(m).await,
            _ = sleep(Duration::from_millis(round)) => flush().await,
        }
    }
}

pub async fn delay_changed_in_the_loop(mut rx: Receiver<u32>) {
    // A back-off the handler changes: hoisting would freeze its first value.
    let mut backoff = EVERY;
    loop {
        tokio::select! {
            Some(m) = rx.recv() => work(m).await,
            _ = sleep(backoff) => {
                backoff *= 2;
                flush().await;
            }
        }
    }
}

pub async fn nested_loops(mut rx: Receiver<u32>) {
    // The outer loop holds another: only the inner timer is hoisted, so the two cannot
    // share a name.
    loop {
        loop {
            tokio::select! {
                Some(m) = rx.recv() => work(m).await,
                _ = sleep(EVERY) => flush().await,
            }
        }
        tokio::select! {
            Some(m) = rx.recv() => work(m).await,
            _ = sleep(EVERY) => flush().await,
        }
    }
}

pub async fn not_tokio_sleep(mut rx: Receiver<u32>) {
    // Another crate's `sleep`, and a call of another shape: only the help.
    loop {
        tokio::select! {
            Some(m) = rx.recv() => work(m).await,
            _ = backoff::sleep(EVERY) => flush().await,
            _ = sleep(EVERY, 1) => flush().await,
        }
    }
}

pub async fn labelled_block(mut rx: Receiver<u32>) {
    loop {
        tokio::select! {
            Some(m) = rx.recv() => work(m).await,
            _ = sleep(EVERY) => 'done: {
                flush().await;
            }
        }
    }
}

pub async fn delay_not_plain(mut rx: Receiver<u32>) {
    // The delay is chosen from the state at each iteration: it cannot move before the loop.
    loop {
        tokio::select! {
            Some(m) = rx.recv() => work(m).await,
            _ = sleep(if rx.is_empty() { EVERY } else { EVERY * 2 }) => flush().await,
        }
    }
}

pub async fn futures_select(mut rx: Receiver<u32>) {
    // futures' `select!` would not take an unfused `Sleep`: only the help.
    loop {
        futures::select! {
            m = rx.recv() => work(m.unwrap_or(0)).await,
            _ = sleep(EVERY) => flush().await,
        }
    }
}

fn grow(d: &mut Duration) {
    *d *= 2;
}

pub struct Backoff {
    every: Duration,
}

pub async fn delay_changed_through_places(mut rx: Receiver<u32>, step: &mut Duration) {
    // Each delay is changed in its handler (assigned, through a field, an index, parentheses,
    // a reference, or lent mutably): no fix for any.
    let mut backoff = EVERY;
    let mut b = Backoff { every: EVERY };
    let mut steps = vec![EVERY];
    let mut paren = EVERY;
    let mut lent = EVERY;
    loop {
        tokio::select! {
            Some(m) = rx.recv() => work(m).await,
            _ = sleep(backoff) => backoff = backoff * 2,
            _ = sleep(b.every) => b.every *= 2,
            _ = sleep(steps.iter().sum()) => steps[0] *= 2,
            _ = sleep(paren) => (paren) *= 2,
            _ = sleep(*step) => *step *= 2,
            _ = sleep(lent) => grow(&mut lent),
        }
    }
}

pub struct Flusher {
    rx: Receiver<u32>,
}

impl Flusher {
    pub async fn run(&mut self) {
        // In a method: fixed like in a fn.
        loop {
            tokio::select! {
                Some(m) = self.rx.recv() => work(m).await,
                _ = sleep(EVERY) => flush().await,
            }
        }
    }
}

pub async fn in_a_for_loop(mut rx: Receiver<u32>, batches: Vec<u32>) {
    for _batch in batches {
        tokio::select! {
            Some(m) = rx.recv() => work(m).await,
            _ = sleep(EVERY) => flush().await,
        }
    }
}
