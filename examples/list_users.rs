//! List users, a few properties each, sorted, page after page: `GET /users`.
//!
//! ```sh
//! GRAPH_TOKEN=… cargo run -p graph-sdk-examples --example list_users -- A
//! ```

use futures_util::TryStreamExt;
use graph_rt::Order;
use graph_sdk::v1_0::{root, User};

#[path = "common.rs"]
mod common;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::client()?;
    let prefix = std::env::args().nth(1).unwrap_or_else(|| "A".into());
    // `odata_string` quotes and escapes a value for a `$filter` expression.
    let filter = format!(
        "startswith(displayName,{})",
        graph_rt::odata_string(&prefix)
    );
    let request = root()
        .users()
        .list()
        .select([User::ID, User::DISPLAY_NAME, User::USER_PRINCIPAL_NAME])
        .filter(&filter)
        .order_by([(User::DISPLAY_NAME, Order::Asc)])
        .top(50);

    // One item at a time, following `@odata.nextLink` as the pages come.
    let mut users = std::pin::pin!(client.items(request));
    let mut count = 0;
    while let Some(user) = users.try_next().await? {
        count += 1;
        println!(
            "{:<40} {}",
            user.display_name.value().map_or("", String::as_str),
            user.user_principal_name.value().map_or("", String::as_str)
        );
    }
    println!("{count} users");
    Ok(())
}
