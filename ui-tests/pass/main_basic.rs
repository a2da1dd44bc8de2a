// `#[aio::main]` on a plain `async fn main()`: the body runs on an aio loop.
use std::time::Duration;

#[aio::main]
async fn main() {
    let task = aio::spawn(async { 2 });
    aio::sleep(Duration::from_millis(1)).await;
    assert_eq!(task.await.unwrap(), 2);
    assert_eq!(aio::current_task().unwrap().name(), "main");
}
