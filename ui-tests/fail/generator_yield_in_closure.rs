#[aio::generator]
async fn numbers(n: u32) -> u32 {
    yield_!(0);
    (1..n).for_each(|i| yield_!(i));
    let later = async { yield_!(n) };
    later.await;
}

fn main() {
    drop(numbers(3));
}
