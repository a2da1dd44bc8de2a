#[aio::coroutine]
fn fetch(url: &str) -> usize {
    url.len()
}

fn main() {
    let _ = fetch("a");
}
