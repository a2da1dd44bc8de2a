// runtime: aio
async fn work() -> u32 {
    1
}

pub async fn run() -> u32 {
    aio::spawn(work()).await.unwrap_or(0)
}
