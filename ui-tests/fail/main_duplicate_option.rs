#[aio::main(debug, slow_poll_ms = 50, debug = false)]
async fn main() {}
