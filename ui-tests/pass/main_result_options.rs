// `#[aio::main]` with every option, returning `Result` and using `?`.
use std::num::ParseIntError;

/// Docs and other attributes stay on `main`.
#[aio::main(debug, slow_poll_ms = 250)]
#[allow(clippy::needless_return)]
async fn main() -> Result<(), ParseIntError> {
    let n: u32 = "41".parse()?;
    aio::yield_now().await;
    assert_eq!(n + 1, 42);
    if n == 0 {
        return Ok(());
    }
    Ok(())
}
