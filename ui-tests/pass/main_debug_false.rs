// `debug = false` and `crate = "aio"` spelled out.
#[aio::main(debug = false, crate = "aio")]
async fn main() {
    assert_eq!(async { 1 }.await, 1);
}
