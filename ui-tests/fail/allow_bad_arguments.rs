#[aio::allow(blocking_sleep, aio::busy_wait, "unawaited_future", blocking_sleep)]
async fn work() {}

#[aio::allow()]
async fn nothing() {}

fn main() {
    drop(work());
    drop(nothing());
}
