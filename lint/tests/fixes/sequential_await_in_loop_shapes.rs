// runtime: tokio
// deps: futures
async fn fetch(id: u32) -> u32 {
    id
}

struct Bag(Vec<u32>);

impl Bag {
    fn push<T: Into<u32>>(&mut self, t: T) {
        self.0.push(t.into());
    }

    fn put(&mut self, t: u32, _times: usize) {
        self.0.push(t);
    }
}

pub async fn loop_is_an_expression_statement(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        out.push(fetch(id).await);
    };
    out
}

pub async fn inner_loop(groups: Vec<Vec<u32>>) -> Vec<u32> {
    let mut out = Vec::new();
    for ids in groups {
        for id in ids {
            out.push(fetch(id).await);
        }
    }
    out
}

pub async fn not_a_push(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        out.insert(0, fetch(id).await);
    }
    out
}

pub async fn two_arguments(ids: Vec<u32>) -> Vec<u32> {
    let mut bag = Bag(Vec::new());
    for id in ids {
        bag.put(fetch(id).await, 1);
    }
    bag.0
}

pub async fn turbofish(ids: Vec<u32>) -> Vec<u32> {
    let mut bag = Bag(Vec::new());
    for id in ids {
        bag.push::<u32>(fetch(id).await);
    }
    bag.0
}

pub async fn field_receiver(ids: Vec<u32>) -> Vec<u32> {
    let mut bag = Bag(Vec::new());
    for id in ids {
        bag.0.push(fetch(id).await);
    }
    bag.0
}

pub async fn labelled(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    'ids: for id in ids {
        out.push(fetch(id).await);
    }
    out
}

pub async fn with_attribute(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    #[allow(clippy::explicit_iter_loop)]
    for id in ids {
        out.push(fetch(id).await);
    }
    out
}

pub async fn pushes_another_name(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        let r = fetch(id).await;
        out.push(id);
        let _ = r;
    }
    out
}

pub async fn binds_another_name(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    let other = 0;
    for id in ids {
        let r = fetch(id).await;
        out.push(other);
    }
    out
}

pub async fn binds_by_ref(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        let ref r = fetch(id).await;
        out.push(r);
    }
    out.into_iter().copied().collect()
}

pub async fn binds_a_pattern(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        let r @ 0..=9 = fetch(id).await else { continue };
        out.push(r);
    }
    out
}

pub async fn binds_a_tuple(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        let (r,) = (fetch(id).await,);
        out.push(r);
    }
    out
}

pub async fn let_else(ids: Vec<Option<u32>>) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        let r = fetch(id.unwrap_or(0)).await else { continue };
        out.push(r);
    }
    out
}

pub async fn question_mark(ids: Vec<u32>) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    for id in ids {
        out.push(fetch(id.checked_add(1)?).await);
    }
    Some(out)
}

pub async fn jumps(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        out.push(fetch(if id == 0 { continue } else { id }).await);
    }
    for id in 0..3 {
        out.push(fetch({ if id == 2 { break } id }).await);
    }
    out
}

pub async fn returns(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        out.push(fetch(match id { 0 => return out, n => n }).await);
    }
    out
}

pub async fn awaits_inside_the_operation(ids: Vec<u32>) -> Vec<u32> {
    let mut out = Vec::new();
    for id in ids {
        out.push(fetch(fetch(id).await).await);
    }
    out
}
