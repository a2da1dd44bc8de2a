#[aio::coroutine]
struct Fetcher {
    url: String,
}

fn main() {}
