//! Sign in with an access token and read who you are: `GET /me`.
//!
//! Get a token for a first try from Graph Explorer (its "Access token" tab) or with the Azure
//! CLI: `az account get-access-token --resource https://graph.microsoft.com --query accessToken`.
//!
//! ```sh
//! GRAPH_TOKEN=eyJ0eXAi… cargo run -p graph-sdk-examples --example sign_in
//! ```

use graph_sdk::v1_0::{root, User};

#[path = "common.rs"]
mod common;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::client()?;
    // Only the properties we print: a misspelled one would not compile.
    let me: User = client
        .send(root().me().get().select([User::DISPLAY_NAME, User::MAIL]))
        .await?;
    println!(
        "signed in as {} <{}>",
        me.display_name.value().map_or("?", String::as_str),
        me.mail.value().map_or("no mail", String::as_str)
    );
    Ok(())
}
