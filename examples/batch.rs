//! Several requests in one round trip (`$batch`), each answer read as its own type.
//!
//! ```sh
//! GRAPH_TOKEN=… cargo run -p graph-sdk-examples --example batch
//! ```

use graph_rt::Batch;
use graph_sdk::v1_0::{root, User};

#[path = "common.rs"]
mod common;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::client()?;
    let mut batch = Batch::new();
    let me = batch.add(root().me().get().select([User::DISPLAY_NAME]));
    let users = batch.add(root().users().list().top(5));
    let mut answers = client.send_batch(batch).await?;

    let me: User = answers.take(me)?;
    println!(
        "me: {}",
        me.display_name.value().map_or("?", String::as_str)
    );
    for user in answers.take(users)?.value {
        println!(
            "user: {}",
            user.display_name.value().map_or("?", String::as_str)
        );
    }
    Ok(())
}
