#![allow(dead_code, unused)]
#[path = "equivalence/common.rs"]
mod common;
use common::{ev, noisy_later, tick};
use visible_async::harness::{Log, Noisy, assert_equivalent};
use visible_async::visible_async;

#[derive(Debug, PartialEq)]
enum E {
    A(u32),
    B,
}

#[visible_async(compiler = a_rustc)]
async fn a(log: Log) -> E {
    E::A(ev(&log, "x", 1).await)
}
#[visible_async(compiler = b_rustc)]
async fn b(log: Log) -> Option<u32> {
    Some(ev(&log, "x", 1).await)
}
#[visible_async(compiler = c_rustc)]
async fn c(log: Log) -> E {
    if true {
        E::A(ev(&log, "x", 1).await)
    } else {
        E::B
    }
}
#[visible_async(compiler = d_rustc)]
async fn d(log: Log) -> E {
    let x = if true {
        E::A(ev(&log, "x", 1).await)
    } else {
        E::B
    };
    x
}
#[visible_async(compiler = e_rustc)]
async fn e(log: Log) -> Option<u32> {
    let x = if true {
        Some(ev(&log, "x", 1).await)
    } else {
        None
    };
    x
}
#[visible_async(compiler = f_rustc)]
async fn f(log: Log) -> usize {
    let v = if true {
        Some(noisy_later(&log, "ok").await)
    } else {
        None
    };
    match v {
        Some(n) => {
            let k = n;
            k.name().len()
        }
        None => 0,
    }
}
#[visible_async(compiler = g_rustc)]
async fn g(log: Log) -> usize {
    let v = Some(noisy_later(&log, "ok").await);
    match v {
        Some(n) => {
            let k = n;
            tick(&log, "t").await;
            k.name().len()
        }
        None => 0,
    }
}
