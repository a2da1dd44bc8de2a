// `#[aio::main(cores = 2)]`: the body runs on two loops at once (each reaches the barrier
// before either leaves it), with the other options beside `cores`.
use std::sync::Barrier;

static BOTH: Barrier = Barrier::new(2);

#[aio::main(cores = 2, debug = false, slow_poll_ms = 500)]
async fn main() -> std::io::Result<()> {
    let not_send = std::rc::Rc::new(std::thread::current().id());
    aio::to_thread(|| BOTH.wait()).await.unwrap();
    assert_eq!(*not_send, std::thread::current().id());
    Ok(())
}
