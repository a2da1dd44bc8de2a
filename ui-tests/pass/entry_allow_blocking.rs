// `allow_blocking` on `#[aio::main]` and `#[aio::test]` turns the blocking-call check off,
// as on `#[aio::coroutine]`.
use std::time::Duration;

#[aio::test(allow_blocking)]
async fn sleeps_on_purpose() {
    std::thread::sleep(Duration::from_millis(1));
}

#[aio::main(allow_blocking, debug = false)]
async fn main() {
    std::thread::sleep(Duration::from_millis(1));
}
