// runtime: tokio
// tokio-features: rt, time
// `tokio::join!` needs tokio's `macros` feature: no fix.
async fn fetch(id: u32) -> u32 {
    id
}

pub async fn two() -> u32 {
    let a = fetch(1).await;
    let b = fetch(2).await;
    a + b
}
