// `allow_blocking` opts out of the blocking-call check; closures handed to
// `aio::to_thread` or `std::thread::spawn` are exempt without it.
use std::time::Duration;

#[aio::coroutine(allow_blocking)]
async fn nap() -> u32 {
    std::thread::sleep(Duration::from_millis(1));
    1
}

#[aio::coroutine]
async fn offloaded() -> u32 {
    let a = aio::to_thread(|| {
        std::thread::sleep(Duration::from_millis(1));
        2
    })
    .await
    .unwrap();
    // Detached: joining it here would block the loop (and is reported).
    let (tx, rx) = std::sync::mpsc::channel();
    drop(std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1));
        tx.send(3).unwrap();
    }));
    let mut b = rx.try_recv();
    while b.is_err() {
        aio::sleep(Duration::from_millis(1)).await;
        b = rx.try_recv();
    }
    a + b.unwrap()
}

#[aio::main]
async fn main() {
    assert_eq!(nap().await, 1);
    assert_eq!(offloaded().await, 5);
}
