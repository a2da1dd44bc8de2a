// runtime: aio
use std::time::Duration;

pub async fn wait(ms: u64) {
    std::thread::sleep(Duration::from_millis(ms));
}
