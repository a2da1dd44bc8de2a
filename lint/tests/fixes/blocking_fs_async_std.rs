// runtime: async-std
// async-std's twins take its own `Path` type: unsafe.
pub async fn save(path: &str, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}
