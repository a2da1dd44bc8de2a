// `#[aio::allow(..)]` emits the item unchanged, on any kind of item.
#[aio::allow(blocking_sleep)]
fn nap() -> u32 {
    std::thread::sleep(std::time::Duration::from_millis(1));
    7
}

#[aio::allow(blocking_fs, busy_wait)]
#[derive(Debug, PartialEq)]
struct Marker(u32);

#[aio::allow(unawaited_future)]
mod inner {
    pub fn value() -> u32 {
        3
    }
}

fn main() {
    assert_eq!(nap(), 7);
    assert_eq!(Marker(1), Marker(1));
    assert_eq!(inner::value(), 3);
}
