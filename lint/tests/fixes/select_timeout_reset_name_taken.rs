// runtime: tokio
use std::time::Duration;
use tokio::sync::mpsc::Receiver;
use tokio::time::sleep;

const EVERY: Duration = Duration::from_secs(5);

async fn flush() {}
async fn work(_m: u32) {}

pub async fn a_name_taken(mut rx: Receiver<u32>, timer: u32) {
    // `timer` is taken (here, a parameter, inside the signature's parentheses): the
    // hoisted timer is `timer2`.
    loop {
        tokio::select! {
            Some(m) = rx.recv() => work(m + timer).await,
            _ = sleep(EVERY) => flush().await,
        }
    }
}
