// runtime: tokio
use std::fs;

pub async fn load(path: &str) -> std::io::Result<String> {
    let text = std::fs::read_to_string(path)?;
    fs::write("copy.txt", &text)?;
    let n = fs::copy("a", "b")?;
    // No fix: the handle's later uses would have to change too.
    let _file = std::fs::File::open(path)?;
    // No fix: a stream in every runtime.
    for entry in fs::read_dir(".")? {
        let _ = entry?;
    }
    // No fix: tokio has no `exists`, only `try_exists`.
    let _ = std::fs::exists(path)?;
    // No fix: the closure is sync, so `.await` is not allowed in it.
    let remove = || std::fs::remove_file("copy.txt");
    remove()?;
    Ok(format!("{text}{n}"))
}
