#[aio::main(cores = "two")]
async fn main() {}
