#[aio::generator]
async fn numbers(n: u32) -> u32 {
    let _ = n;
}

fn main() {
    drop(numbers(3));
}
