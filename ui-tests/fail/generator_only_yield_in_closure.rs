// The only yield is inside a closure: one error, at the yield. The body "never
// yields" too, but that is the same mistake and is not reported a second time.
#[aio::generator]
async fn numbers(n: u32) -> u32 {
    (0..n).for_each(|i| yield_!(i));
}

fn main() {
    drop(numbers(3));
}
