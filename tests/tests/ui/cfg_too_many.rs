// More distinct `#[cfg]` predicates than the one-copy-per-combination expansion allows.
use visible_async::leaf::yield_now;
use visible_async::visible_async;

#[visible_async]
async fn many_cfgs() -> u32 {
    let mut n = 0;
    #[cfg(test)]
    {
        n += 1;
    }
    #[cfg(debug_assertions)]
    {
        n += 2;
    }
    #[cfg(unix)]
    {
        n += 3;
    }
    #[cfg(not(windows))]
    {
        n += 4;
    }
    #[cfg(target_pointer_width = "64")]
    {
        n += 5;
    }
    #[cfg(panic = "unwind")]
    {
        n += 6;
    }
    #[cfg(miri)]
    {
        n += 7;
    }
    yield_now().await;
    n
}

fn main() {}
