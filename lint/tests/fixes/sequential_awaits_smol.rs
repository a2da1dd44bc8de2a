// runtime: smol
async fn fetch(id: u32) -> u32 {
    id
}

pub async fn two() -> u32 {
    let a = fetch(1).await;
    let b = fetch(2).await;
    a + b
}

// `smol::future::zip` takes two futures: no fix for three.
pub async fn three() -> u32 {
    let a = fetch(1).await;
    let b = fetch(2).await;
    let c = fetch(3).await;
    a + b + c
}
