// runtime: tokio
use std::time::Duration;

// aio-lint: allow(blocking_net) nothing to suppress
pub async fn a() {
    std::thread::sleep(Duration::from_millis(1)); // aio-lint: allow(blocking_sleep, blocking_fs) one is used
    let _x = 1; // aio-lint: allow(blocking_wait)
}

// aio-lint: allow(blocking_fs, blocking_net)
pub fn b() {}

// aio-lint: allow(no_such_rule) an unknown name is not removed
pub fn c() {}
