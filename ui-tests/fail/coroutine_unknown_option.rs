#[aio::coroutine(allow_blockin)]
async fn fetch() -> u32 {
    1
}

#[aio::coroutine(name = "x")]
async fn named() -> u32 {
    2
}

fn main() {
    drop(fetch());
    drop(named());
}
