// runtime: tokio
// deps: futures
async fn fetch(id: u32) -> u32 {
    id
}

pub async fn push_awaited(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        out.push(fetch(id).await);
    }
    out
}

pub async fn bind_then_push() -> Vec<u32> {
    let mut out = Vec::new();
    for id in 0..3 {
        let r = fetch(id).await;
        out.push(r);
    }
    out
}

pub async fn not_fixed(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        let r = fetch(id).await;
        out.push(r + 1);
    }
    out
}
