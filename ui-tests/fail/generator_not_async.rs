#[aio::generator]
fn numbers() -> u32 {
    yield_!(1);
}

fn main() {}
