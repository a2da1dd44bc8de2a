//! Port of the notes' producer/consumer pattern ("`asyncio.Queue`s can be used as a
//! transparent way of communication between the producers and consumers. Consumer will
//! be blocked on `Queue.get` and the producer will be awaiting on `Queue.put` if the
//! queue is full"). The note describes it without code; this is the program it
//! describes.
//!
//! The main task puts six items into a queue that holds two; a consumer task takes them
//! and spends a tenth of a unit on each. The producer runs ahead until the queue is
//! full and then waits on `put`; the consumer waits on `get` whenever the queue is
//! empty. The main task then waits until every item has been processed (`join`,
//! counting `task_done`) and closes the queue, which ends the consumer's loop.

mod common;

async fn producer(queue: aio::Queue<u32>, items: u32) {
    for item in 0..items {
        queue.put(item).await.expect("the queue is never closed");
        println!("producer: put {item} (queue size {})", queue.len());
    }
    println!("producer: done");
}

async fn consumer(queue: aio::Queue<u32>) {
    // `get` fails once the queue is closed and empty: that ends the loop
    while let Ok(item) = queue.get().await {
        println!("consumer: got {item}");
        aio::sleep(common::units(0.1)).await;
        queue.task_done();
    }
    println!("consumer: queue closed");
}

async fn main_coro() {
    let queue = aio::Queue::bounded(2);
    let consumer_task = aio::spawn(consumer(queue.clone()));
    // The main task is the producer. (Joining first would return at once: an empty
    // queue with nothing put yet has no unfinished items.)
    producer(queue.clone(), 6).await;
    queue.join().await;
    println!("main: every item processed");
    // asyncio programs cancel the idle consumer here; closing the queue lets it
    // finish its loop instead
    queue.close();
    consumer_task.await.expect("the consumer failed");
}

fn main() {
    aio::run(main_coro());
}
