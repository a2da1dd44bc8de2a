// `#[aio::test]` checks its body for blocking calls, nested event loops included.
#[aio::test]
async fn nested() {
    aio::run(async {});
}

fn main() {}
