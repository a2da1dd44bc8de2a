// runtime: tokio
async fn fetch(id: u32) -> u32 {
    id
}

pub async fn three() -> u32 {
    let a = fetch(1).await;
    let mut b = fetch(2).await;
    let c = fetch(3).await;
    b += 1;
    a + b + c
}

pub async fn not_fixed() -> Option<u32> {
    let a = fetch(1).await;
    // A comment between the statements is kept: no fix.
    let b = fetch(2).await;
    Some(a + b)
}
