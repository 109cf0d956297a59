//! Send a mail as the signed-in user: `POST /me/sendMail` with a typed message.
//!
//! ```sh
//! GRAPH_TOKEN=… cargo run -p graph-sdk-examples --example send_mail -- someone@example.com
//! ```

use graph_sdk::v1_0::{
    root, AnyMessage, BodyType, EmailAddress, ItemBody, Message, Recipient, SendMailBody,
};

#[path = "common.rs"]
mod common;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = common::client()?;
    let to = std::env::args().nth(1).ok_or("usage: send_mail ADDRESS")?;

    let recipient = Recipient {
        email_address: EmailAddress {
            address: to.into(),
            ..Default::default()
        }
        .into(),
        ..Default::default()
    };
    let message = Message {
        subject: "Hello from Rust".to_string().into(),
        body: ItemBody {
            content_type: BodyType::Text.into(),
            content: "Sent with graph-sdk.".to_string().into(),
            ..Default::default()
        }
        .into(),
        // A `recipient` where any of its derived types may stand (`AnyRecipient`).
        to_recipients: vec![recipient.into()].into(),
        ..Default::default()
    };
    let body = SendMailBody {
        message: AnyMessage::from(message).into(),
        save_to_sent_items: true.into(),
        ..Default::default()
    };
    // 202 Accepted, no body: the request's type is `()`.
    client.send(root().me().send_mail(&body)).await?;
    println!("sent");
    Ok(())
}
