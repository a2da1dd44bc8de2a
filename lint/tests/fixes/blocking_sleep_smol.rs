// runtime: smol
use std::time::Duration;

pub async fn wait(ms: u64) {
    // The value is not used: the timer's `Instant` is dropped as the `()` was (safe).
    std::thread::sleep(Duration::from_millis(ms));
    // The value is used: it becomes an `Instant` (unsafe).
    let done = std::thread::sleep(Duration::from_millis(ms));
    let () = done;
}
