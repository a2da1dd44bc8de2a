use std::io::Read as _;

#[aio::coroutine]
async fn load(path: &str) -> std::io::Result<String> {
    let mut text = std::fs::read_to_string(path)?;
    let mut file = std::fs::File::open(path)?;
    file.read_to_string(&mut text)?;
    let out = std::process::Command::new("ls").output()?;
    text.push_str(&String::from_utf8_lossy(&out.stdout));
    Ok(text)
}

fn main() {
    drop(load("x"));
}
