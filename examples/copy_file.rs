//! Copy a file or folder of your OneDrive into another folder, and wait until the copy is done.
//! Graph answers `202 Accepted` at once with a monitor URL (on another host, read without your
//! token); `run_action` reads it until the copy has completed or failed.
//!
//! ```sh
//! GRAPH_TOKEN=… cargo run -p graph-sdk-examples --example copy_file -- ITEM_ID FOLDER_ID "new name.docx"
//! ```

use graph_rt::{ActionState, ActionWait};
use graph_sdk::v1_0::{root, CopyBody, ItemReference};

#[path = "common.rs"]
mod common;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::client()?;
    let mut args = std::env::args().skip(1);
    let (Some(item), Some(folder)) = (args.next(), args.next()) else {
        return Err("usage: copy_file ITEM_ID FOLDER_ID [NEW_NAME]".into());
    };
    let mut parent = ItemReference::default();
    parent.id.set(folder);
    let mut body = CopyBody::default();
    body.parent_reference.set(parent);
    if let Some(name) = args.next() {
        body.name.set(name);
    }
    // `POST /me/drive/items/{item-id}/copy`
    let copy = root().me().drive().items().item(&item).copy(&body);
    let status = client.run_action(copy, ActionWait::default()).await?;
    match status.state {
        ActionState::Succeeded => println!(
            "copied: the new item is {}",
            status.resource_id.as_deref().unwrap_or("?")
        ),
        ActionState::Failed => println!("the copy failed: {:?}", status.error),
        other => println!("the copy ended as {other:?}"),
    }
    Ok(())
}
