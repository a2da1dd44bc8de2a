// `#[aio::main]` checks its body for blocking calls as `#[aio::coroutine]` does.
use std::time::Duration;

#[aio::main]
async fn main() {
    std::thread::sleep(Duration::from_millis(10));
    let _ = std::fs::read_to_string("Cargo.toml");
}
