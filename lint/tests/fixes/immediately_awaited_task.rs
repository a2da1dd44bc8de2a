// runtime: tokio
async fn work() -> u32 {
    1
}

pub async fn run() -> u32 {
    let a = tokio::spawn(work()).await.unwrap();
    let b = tokio::task::spawn(async move { work().await + 1 }).await;
    a + b.unwrap_or(0)
}
