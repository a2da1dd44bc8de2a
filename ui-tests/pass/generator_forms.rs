// `#[aio::generator]`: the declared return type is the item type; `yield_!(value)` yields.
// The notes' `mygen(b, n)`, a method, a generic generator, early `return`, a nested
// fn item and consumption with `while let` and `collect`.
use aio::StreamExt;

#[aio::generator]
async fn mygen(b: u64, n: u32) -> u64 {
    for i in 0..n {
        yield_!(b.pow(i));
    }
}

#[aio::generator]
async fn ticks(n: u32) -> u32 {
    for i in 0..n {
        aio::sleep(std::time::Duration::from_millis(1)).await;
        if i == 3 {
            return;
        }
        yield_!(i);
    }
}

#[aio::generator]
async fn repeat<T: Clone>(value: T, times: usize) -> T {
    // A nested fn item is another function: the macro leaves it alone.
    fn half(n: usize) -> usize {
        n / 2
    }
    for _ in 0..half(times * 2) {
        yield_!(value.clone());
    }
}

struct Words {
    text: String,
}

impl Words {
    #[aio::generator]
    async fn words(&self) -> &str {
        for word in self.text.split(' ') {
            yield_!(word);
        }
    }
}

#[aio::main]
async fn main() {
    let mut s = std::pin::pin!(mygen(2, 5));
    let mut got = Vec::new();
    while let Some(x) = s.next().await {
        got.push(x);
    }
    assert_eq!(got, [1, 2, 4, 8, 16]);

    let comprehension: Vec<u64> = mygen(3, 3).collect().await;
    assert_eq!(comprehension, [1, 3, 9]);

    assert_eq!(ticks(10).collect::<Vec<_>>().await, [0, 1, 2]);
    assert_eq!(repeat("a", 2).collect::<Vec<_>>().await, ["a", "a"]);

    let words = Words {
        text: "async for in rust".into(),
    };
    assert_eq!(
        words.words().collect::<Vec<_>>().await,
        ["async", "for", "in", "rust"]
    );
}
