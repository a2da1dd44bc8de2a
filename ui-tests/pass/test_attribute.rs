// `#[aio::test]` compiles in every supported form (the tests run in tests/macros_test.rs;
// a trybuild pass case is built as a binary, where `#[test]` fns are left out).
#[aio::test]
async fn plain() {
    aio::yield_now().await;
}

#[aio::test(debug, slow_poll_ms = 500)]
async fn with_result() -> Result<(), String> {
    Ok(())
}

#[aio::test]
#[should_panic(expected = "boom")]
async fn panics() {
    panic!("boom");
}

fn main() {}
