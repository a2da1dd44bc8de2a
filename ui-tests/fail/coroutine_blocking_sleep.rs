use std::time::Duration;

#[aio::coroutine]
async fn fetch() -> u32 {
    let start = 1;
    std::thread::sleep(Duration::from_millis(10));
    start
}

fn main() {
    drop(fetch());
}
