//! Nothing here: the programs are the examples beside this file (`cargo run -p graph-sdk-examples --example list_users`).
