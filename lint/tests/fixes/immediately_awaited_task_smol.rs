// runtime: smol
async fn work() -> u32 {
    1
}

pub async fn run() -> u32 {
    smol::spawn(work()).await
}
