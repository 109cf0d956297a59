//! Upload a file of any size to a path in your OneDrive (`Documents/report.pdf`): one builder
//! chain for the upload session, one call. Files under 4 MB go in one `PUT …/content`; larger
//! ones in chunks through the session (resumed after a failure; no token goes to the upload
//! URL). An existing file at that path is not replaced (`conflictBehavior` `fail`, Graph's
//! default for a path); set `item` in the body to choose.
//!
//! ```sh
//! GRAPH_TOKEN=… cargo run -p graph-sdk-examples --example upload_file -- Documents/report.pdf ./report.pdf
//! ```

use graph_rt::UploadSource;
use graph_sdk::v1_0::{root, CreateUploadSessionBody, DriveItem};

#[path = "common.rs"]
mod common;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::client()?;
    let mut args = std::env::args().skip(1);
    let (Some(destination), Some(file)) = (args.next(), args.next()) else {
        return Err("usage: upload_file PATH_IN_ONEDRIVE FILE".into());
    };
    // `POST /me/drive/root:/{item-path}:/createUploadSession`
    let session = root()
        .me()
        .drive()
        .root()
        .at_path(&destination)
        .create_upload_session(&CreateUploadSessionBody::default());
    let uploaded: DriveItem = client
        .upload(session, UploadSource::file(&file).await?)
        .await?;
    println!(
        "uploaded {} bytes to {}",
        uploaded.size.value().copied().unwrap_or(0),
        uploaded.name.value().map_or("?", String::as_str)
    );
    Ok(())
}
