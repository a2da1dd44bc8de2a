// runtime: tokio
async fn save(_row: u32) {}

pub async fn store(rows: &[u32]) {
    // A named binding never used: no fix, the name may be meant for later code.
    let pending = save(rows[0]);
    let _ = save(rows[1]);
}
