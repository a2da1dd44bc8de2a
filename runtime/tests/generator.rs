//! Async generators: the notes' `mygen(b, n)` example, hand-lowered the way
//! `#[aio::generator]` lowers it, prints in exactly Python's order.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use aio_runtime::__private::{Stream, generator};
use futures::StreamExt;

type Log = Rc<RefCell<Vec<String>>>;

/// ```python
/// async def mygen(b, n):
///     i = 0
///     while i < n:
///         print("Yielding a value")
///         yield b ** i
///         i += 1
///         await asyncio.sleep(1)
///         print("Back after sleeping")
/// ```
fn mygen(b: u64, n: u32, log: Log) -> impl Stream<Item = u64> + Unpin {
    generator(move |y: aio_runtime::__private::Yielder<u64>| async move {
        let mut i = 0;
        while i < n {
            log.borrow_mut().push("Yielding a value".into());
            y.yield_(b.pow(i)).await;
            i += 1;
            aio_runtime::sleep(Duration::from_millis(1)).await;
            log.borrow_mut().push("Back after sleeping".into());
        }
    })
}

#[test]
fn mygen_async_for_prints_in_pythons_order() {
    let log: Log = Rc::default();
    aio_runtime::run(async {
        // async for j in mygen(3, 5): print(j)
        let mut agen = mygen(3, 5, log.clone());
        while let Some(j) = agen.next().await {
            log.borrow_mut().push(j.to_string());
        }
    });
    let mut expected = Vec::new();
    for v in [1, 3, 9, 27, 81] {
        expected.extend(["Yielding a value".to_string(), v.to_string()]);
        expected.push("Back after sleeping".into());
    }
    assert_eq!(*log.borrow(), expected);
}

#[test]
fn mygen_comprehension_collects_lazily() {
    let log: Log = Rc::default();
    let g = aio_runtime::run(async {
        // g = [i async for i in mygen(2, 10)]
        mygen(2, 10, log.clone()).collect::<Vec<_>>().await
    });
    assert_eq!(g, (0..10).map(|i| 2u64.pow(i)).collect::<Vec<_>>());
    let expected: Vec<String> = ["Yielding a value", "Back after sleeping"]
        .iter()
        .cycle()
        .take(20)
        .map(|s| s.to_string())
        .collect();
    assert_eq!(*log.borrow(), expected);
}

#[test]
fn the_body_runs_only_when_the_consumer_asks() {
    let log: Log = Rc::default();
    aio_runtime::run(async {
        let mut agen = mygen(2, 3, log.clone());
        assert!(
            log.borrow().is_empty(),
            "nothing runs before the first next()"
        );
        assert_eq!(agen.next().await, Some(1));
        aio_runtime::sleep(Duration::from_millis(5)).await;
        assert_eq!(
            *log.borrow(),
            ["Yielding a value"],
            "suspended at the yield while the consumer does other things"
        );
        drop(agen);
    });
    assert_eq!(log.borrow().len(), 1, "dropping the generator closes it");
}

#[test]
fn generators_are_streams_for_the_ecosystem_adapters() {
    fn squares() -> aio_runtime::AsyncGenerator<u32, impl Future<Output = ()>> {
        aio_runtime::AsyncGenerator::new(|y| async move {
            for i in 1..=4 {
                y.yield_(i * i).await;
            }
        })
    }
    let sum: u32 = aio_runtime::run(
        squares()
            .filter(|x| std::future::ready(x % 2 == 0))
            .fold(0, |a, x| async move { a + x }),
    );
    assert_eq!(sum, 4 + 16);
    let mut s = squares();
    aio_runtime::run(async { while s.next().await.is_some() {} });
    assert!(futures::stream::FusedStream::is_terminated(&s));
}
