#[aio::test(cores = 2)]
async fn on_two_loops() {}

fn main() {}
