#![deny(unused_must_use)]

#[aio::coroutine]
async fn fetch() -> u32 {
    1
}

#[aio::main]
async fn main() {
    fetch();
}
