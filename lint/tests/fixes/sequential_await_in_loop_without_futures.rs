// runtime: tokio
// Without `futures` there is no `join_all` to write: help only.
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
