#[aio::generator]
async fn numbers() {
    yield_!(1);
}

fn main() {}
