// runtime: smol
pub async fn save(path: &str, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)?;
    std::fs::remove_file("old.txt")
}
