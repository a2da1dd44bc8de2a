// runtime: tokio
// tokio-features: rt, macros, sync
// Without tokio's `time` feature there is no `tokio::time::sleep` to hoist: only the help.
use std::time::Duration;
use tokio::sync::mpsc::Receiver;

async fn work(_m: u32) {}

pub async fn pump(mut rx: Receiver<u32>) {
    loop {
        tokio::select! {
            Some(m) = rx.recv() => work(m).await,
            _ = tokio::time::sleep(Duration::from_secs(1)) => work(0).await,
        }
    }
}
