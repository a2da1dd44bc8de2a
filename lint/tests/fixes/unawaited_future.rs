// runtime: tokio
async fn save(_row: u32) {}

pub async fn store(rows: &[u32]) {
    save(rows[0]);
    let _ = save(rows[1]);
    // No fix: the binding may be meant for later code.
    let later = save(rows[2]);
    let _ = later;
}
