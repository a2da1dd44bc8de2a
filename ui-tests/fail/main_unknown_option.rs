#[aio::main(debgu)]
async fn main() {}
