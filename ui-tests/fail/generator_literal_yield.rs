// `yield i` gets two errors: aio's, which names the fix (`yield_!(i)`), and rustc's E0658.
// rustc's cannot be silenced: its parser records the unstable `yield` while it parses
// the function, before `#[aio::generator]` receives the tokens, and reports it after
// expansion whatever the macro emits.
#[aio::generator]
async fn numbers(n: u32) -> u32 {
    for i in 0..n {
        yield i;
    }
}

fn main() {
    drop(numbers(3));
}
