// runtime: tokio
async fn work() -> u32 {
    1
}

pub async fn run(handle: tokio::runtime::Handle) -> u32 {
    let a = futures::executor::block_on(work());
    let b = handle.block_on(async { work().await + 1 });
    a + b
}
