//! Sign a user in by device code (delegated permissions: the app acts as the user), then read
//! their profile. The first call prints "To sign in, use a web browser to open the page
//! https://microsoft.com/devicelogin and enter the code …" and waits; later tokens come from
//! the refresh token, without asking again.
//!
//! Register a public client app (Microsoft Entra ID, "Allow public client flows": yes) and
//! give it the delegated `User.Read` permission.
//!
//! ```sh
//! AZURE_TENANT_ID=… AZURE_CLIENT_ID=… cargo run -p graph-sdk-examples --example sign_in_device_code
//! ```

use graph_rt::{Client, Cloud, DeviceCodeCredential};
use graph_sdk::v1_0::{root, User};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tenant = std::env::var("AZURE_TENANT_ID").unwrap_or_else(|_| "organizations".into());
    let client_id = std::env::var("AZURE_CLIENT_ID").map_err(|_| "set AZURE_CLIENT_ID")?;
    let cloud = Cloud::Global;
    let credential =
        DeviceCodeCredential::new(&cloud, &tenant, &client_id, &["User.Read"], |prompt| {
            eprintln!("{}", prompt.message)
        })?;
    let client = Client::builder(credential).cloud(cloud).build()?;
    let me: User = client
        .send(
            root()
                .me()
                .get()
                .select([User::DISPLAY_NAME, User::USER_PRINCIPAL_NAME]),
        )
        .await?;
    println!(
        "signed in as {} ({})",
        me.display_name.value().map_or("?", String::as_str),
        me.user_principal_name.value().map_or("?", String::as_str)
    );
    Ok(())
}
