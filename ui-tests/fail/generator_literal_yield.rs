#[aio::generator]
async fn numbers(n: u32) -> u32 {
    for i in 0..n {
        yield i;
    }
}

fn main() {
    drop(numbers(3));
}
