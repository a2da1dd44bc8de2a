// The only yield is inside another macro's arguments: one error, at the yield. The body
// "never yields" too, but that is the same mistake and is not reported a second time.
#[aio::generator]
async fn numbers(n: u32) -> u32 {
    for i in 0..n {
        assert!(yield_!(i) == ());
    }
}

fn main() {
    drop(numbers(3));
}
