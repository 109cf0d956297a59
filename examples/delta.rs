//! Track changes to users: a delta query, then resume from the stored delta link.
//!
//! ```sh
//! GRAPH_TOKEN=… cargo run -p graph-sdk-examples --example delta -- [DELTA_LINK]
//! ```

use graph_sdk::v1_0::root;

#[path = "common.rs"]
mod common;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::client()?;
    let request = match std::env::args().nth(1) {
        // Resume: only what changed since the link was handed out.
        Some(link) => root().users().delta().at_link(&link),
        // The first round: every user.
        None => root().users().delta(),
    };
    let round = client.delta(request).await?;
    for user in &round.items {
        println!("{}", user.display_name.value().map_or("", String::as_str));
    }
    println!(
        "{} changes; resume with: {}",
        round.items.len(),
        round.delta_link
    );
    Ok(())
}
