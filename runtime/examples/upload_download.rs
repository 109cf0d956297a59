//! Upload a file to OneDrive and download it back.
//!
//! ```text
//! GRAPH_TOKEN=eyJ0eXAi… cargo run -p graph-rt --example upload_download -- ./report.pdf
//! ```
//!
//! The requests are built by hand here; the generated SDK's builders make the same
//! `graph_rt::Request`s (`createUploadSession` returns an upload session, `…/content` bytes),
//! and any of them can be handed to the client's file methods as they are.

use std::time::Duration;

use graph_rt::{decode, Client, Method, Request, StaticToken, UploadSource, UrlPath, Value};
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("GRAPH_TOKEN").map_err(|_| "set GRAPH_TOKEN to an access token")?;
    let local = std::env::args()
        .nth(1)
        .ok_or("give the path of a file to upload")?;
    let name = std::path::Path::new(&local)
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or("the file has no name")?
        .to_owned();
    let client = Client::builder(StaticToken::new(token)).build()?;

    // `POST /me/drive/root:/Uploads/{name}:/createUploadSession`
    let session_request: Request<Value> = Request::new(
        Method::Post,
        "v1.0",
        UrlPath::root()
            .literal("me")
            .literal("drive")
            .literal("root")
            .path_address(&format!("Uploads/{name}"))
            .literal("createUploadSession"),
        decode::json,
    )
    .json_body(&json!({"item": {"@microsoft.graph.conflictBehavior": "rename"}}));

    // The usual code: one call. Small files (4 MB or less) go in one `PUT …/content`, larger
    // ones through the upload session, 10 MiB at a time, resumed and retried as needed.
    let item: Value = client
        .upload(session_request.clone(), UploadSource::file(&local).await?)
        .await?;
    println!("uploaded {} ({} bytes)", item["name"], item["size"]);

    // The same with every option: chunk size, progress, the session URL saved to resume after a
    // crash (`client.resume_upload(&url, source)`), and cancellation (which deletes the
    // session) after an hour.
    let task = client
        .upload_session(session_request, UploadSource::file(&local).await?)
        .chunk_size(16 * graph_rt::UPLOAD_FRAGMENT) // 5 MiB
        .on_progress(|p| eprintln!("{} / {} bytes", p.uploaded, p.total))
        .on_session(|session| eprintln!("session expires {:?}", session.expiration_date_time));
    let cancel = task.cancel_token();
    let deadline = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        cancel.cancel();
    });
    let copy: Value = task.send().await?;
    deadline.abort();

    // Download it back: `GET /me/drive/items/{id}/content` redirects to a download URL, which
    // gets no token; a broken connection resumes with `Range`. Memory stays flat.
    let id = copy["id"].as_str().ok_or("the item has no id")?;
    let content: Request<Vec<u8>> = Request::new(
        Method::Get,
        "v1.0",
        UrlPath::root()
            .literal("me")
            .literal("drive")
            .literal("items")
            .key(id)
            .literal("content"),
        decode::bytes,
    );
    let bytes = client
        .download(&content)
        .await?
        .to_file(format!("{local}.copy"))
        .await?;
    println!("downloaded {bytes} bytes to {local}.copy");
    Ok(())
}
