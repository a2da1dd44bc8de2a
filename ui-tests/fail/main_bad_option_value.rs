#[aio::main(slow_poll_ms = "fast", crate = "not a path")]
async fn main() {}
