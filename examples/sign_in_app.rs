//! Sign an app in with its own identity (application permissions, no user): any Azure
//! Identity credential. Here a client secret; `ClientCertificateCredential` (feature
//! `azure-certificate`), `ManagedIdentityCredential` on Azure, or `DeveloperToolsCredential`
//! (the Azure CLI's sign-in) go in the same place. Then count the tenant's users.
//!
//! The app needs the application permission `User.Read.All`, with an admin's consent.
//!
//! ```sh
//! AZURE_TENANT_ID=… AZURE_CLIENT_ID=… AZURE_CLIENT_SECRET=… \
//!     cargo run -p graph-sdk-examples --example sign_in_app
//! ```

use graph_rt::azure::azure_identity::ClientSecretCredential;
use graph_rt::{Client, Cloud};
use graph_sdk::v1_0::{root, User};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("set {name}"));
    let credential = ClientSecretCredential::new(
        &var("AZURE_TENANT_ID")?,
        var("AZURE_CLIENT_ID")?,
        var("AZURE_CLIENT_SECRET")?.into(),
        None,
    )?;
    // Tokens for `https://graph.microsoft.com/.default`, cached and refreshed before expiry.
    let client = Client::with_credential(credential, Cloud::Global).build()?;
    let users: Vec<User> = client
        .all(root().users().list().select([User::ID]).top(999))
        .await?;
    println!("{} users", users.len());
    Ok(())
}
