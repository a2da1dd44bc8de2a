// aio-lint: allow(blocking_net) the first line of the file
// runtime: tokio
use std::time::Duration;

#[aio::allow(blocking_net)]
pub fn attribute_on_its_own_line() {}

#[aio::allow(blocking_fs, blocking_net)]   pub fn attribute_before_code() {}

pub async fn spaced_list() {
    std::thread::sleep(Duration::from_millis(1)); // aio-lint: allow( blocking_fs ,blocking_sleep , blocking_net )
}

#[aio::allow(blocking_sleep, blocking_process)]
pub async fn attribute_keeps_the_used_name() {
    std::thread::sleep(Duration::from_millis(1));
}

impl Backoff {
    #[aio::allow(blocking_net)]
    pub fn indented_attribute() {}
}

pub struct Backoff;

// aio-lint: allow(no_such_rule, blocking_net) an unknown name stays
pub fn unknown_and_unused() {}

pub fn last_line() {} // aio-lint: allow(blocking_wait)