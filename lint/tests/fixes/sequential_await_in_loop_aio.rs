// runtime: aio
async fn fetch(id: u32) -> u32 {
    id
}

pub async fn all(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        out.push(fetch(id).await);
    }
    out
}
