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

pub async fn typed() -> u32 {
    // A type annotation: no fix (it would have to move into the tuple).
    let a: u32 = fetch(1).await;
    let b = fetch(2).await;
    a + b
}

pub async fn with_attribute() -> u32 {
    let a = fetch(1).await;
    #[allow(unused_mut)]
    let mut b = fetch(2).await;
    a + b
}
