#[aio::coroutine]
async fn outer() -> u32 {
    aio::run(async { 1 })
}

fn main() {
    drop(outer());
}
