//! Snapshots of the expansion of a representative set of functions, formatted as the demo
//! prints them. A change to the transform that changes what readers see shows up here as a
//! diff to review (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test snapshots`
//! then read the `.snap` diff before committing).

use quote::quote;

fn expansion(item: proc_macro2::TokenStream) -> String {
    expand_demo::expand_pretty(proc_macro2::TokenStream::new(), item)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn trivial() {
    insta::assert_snapshot!(expansion(quote! {
        async fn trivial(log: Log) -> u32 {
            log.push("Hello!");
            let e = event(log.clone());
            let value = e.await;
            log.push(format!("Got: {value}"));
            return value * 2;
        }
    }));
}

#[test]
fn self_reference() {
    insta::assert_snapshot!(expansion(quote! {
        async fn example() {
            let x = [0u8; 1024];
            let y = &x;
            some_io().await;
            println!("{:?}", y);
        }
    }));
}

#[test]
fn loop_with_question_mark() {
    insta::assert_snapshot!(expansion(quote! {
        async fn sum_lines(reader: Reader) -> Result<u64, Error> {
            let mut total = 0;
            for line in reader.lines() {
                let n: u64 = parse(&line?).await?;
                if n == 0 {
                    break;
                }
                total += n;
            }
            Ok(total)
        }
    }));
}

#[test]
fn match_with_awaiting_guard() {
    insta::assert_snapshot!(expansion(quote! {
        async fn route(request: Request) -> Response {
            match request.path {
                ref path if is_static(path).await => serve_file(path).await,
                _ => not_found(),
            }
        }
    }));
}

#[test]
fn framed_connection_method() {
    insta::assert_snapshot!(expansion(quote! {
        async fn read_frame(&mut self) -> Result<Option<Frame>> {
            loop {
                if let Some(frame) = self.parse_frame()? {
                    return Ok(Some(frame));
                }
                if 0 == self.stream.read_buf(&mut self.buffer).await? {
                    return Ok(None);
                }
            }
        }
    }));
}
