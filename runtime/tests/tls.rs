//! HTTPS against a real TLS server on loopback whose certificate a private certificate
//! authority signed (as behind a corporate TLS-inspecting proxy, or a test deployment): refused
//! until that authority is added with `ClientBuilder::add_root_certificate`, then trusted.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use graph_rt::{decode, Client, ClientError, Method, Request, StaticToken, UrlPath, Value};
use openssl::{
    asn1::Asn1Time,
    bn::BigNum,
    hash::MessageDigest,
    pkey::{PKey, Private},
    rsa::Rsa,
    x509::{extension, X509Name, X509},
};
use tokio_rustls::rustls;

fn name(common: &str) -> X509Name {
    let mut name = X509Name::builder().unwrap();
    name.append_entry_by_text("CN", common).unwrap();
    name.build()
}

fn key() -> PKey<Private> {
    PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap()
}

/// A certificate for `subject`'s key, signed by `issuer` (itself when `None`).
fn certificate(
    subject: &str,
    key: &PKey<Private>,
    issuer: Option<(&X509, &PKey<Private>)>,
    serial: u32,
) -> X509 {
    let mut cert = X509::builder().unwrap();
    cert.set_version(2).unwrap();
    cert.set_serial_number(&BigNum::from_u32(serial).unwrap().to_asn1_integer().unwrap())
        .unwrap();
    cert.set_subject_name(&name(subject)).unwrap();
    cert.set_pubkey(key).unwrap();
    cert.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    cert.set_not_after(&Asn1Time::days_from_now(2).unwrap())
        .unwrap();
    match issuer {
        None => {
            cert.set_issuer_name(&name(subject)).unwrap();
            let ca = extension::BasicConstraints::new()
                .critical()
                .ca()
                .build()
                .unwrap();
            cert.append_extension(ca).unwrap();
            let usage = extension::KeyUsage::new()
                .critical()
                .key_cert_sign()
                .crl_sign()
                .build()
                .unwrap();
            cert.append_extension(usage).unwrap();
            cert.sign(key, MessageDigest::sha256()).unwrap();
        }
        Some((ca, ca_key)) => {
            cert.set_issuer_name(ca.subject_name()).unwrap();
            let context = cert.x509v3_context(Some(ca), None);
            let san = extension::SubjectAlternativeName::new()
                .ip("127.0.0.1")
                .build(&context)
                .unwrap();
            cert.append_extension(san).unwrap();
            let usage = extension::ExtendedKeyUsage::new()
                .server_auth()
                .build()
                .unwrap();
            cert.append_extension(usage).unwrap();
            cert.sign(ca_key, MessageDigest::sha256()).unwrap();
        }
    }
    cert.build()
}

/// An HTTPS server on `127.0.0.1` answering every request with the `Authorization` it got.
async fn serve(cert: &X509, key: &PKey<Private>) -> String {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.to_der().unwrap().into()],
            rustls::pki_types::PrivatePkcs8KeyDer::from(key.private_key_to_pkcs8().unwrap()).into(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: nothing to serve.
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let service = hyper::service::service_fn(|request: hyper::Request<_>| async move {
                    let seen = request
                        .headers()
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    let body = serde_json::json!({ "authorization": seen }).to_string();
                    Ok::<_, std::convert::Infallible>(
                        hyper::Response::builder()
                            .header("content-type", "application/json")
                            .body(http_body_util::Full::new(bytes::Bytes::from(body)))
                            .unwrap(),
                    )
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    format!("https://127.0.0.1:{port}")
}

fn me() -> Request<Value> {
    Request::new(
        Method::Get,
        "v1.0",
        UrlPath::root().literal("me"),
        decode::json,
    )
}

#[tokio::test]
async fn a_private_certificate_authority_is_trusted_once_added() {
    let ca_key = key();
    let ca = certificate("graph-rt test CA", &ca_key, None, 1);
    let server_key = key();
    let server = certificate("127.0.0.1", &server_key, Some((&ca, &ca_key)), 2);
    let root = serve(&server, &server_key).await;

    // The public roots do not know the authority: the handshake fails, nothing is sent.
    let stranger = Client::builder(StaticToken::new("tls-token"))
        .root(&root)
        .build()
        .unwrap();
    let error = stranger.send(me()).await.unwrap_err();
    assert!(matches!(error, ClientError::Transport(_)), "{error:?}");

    let trusting = Client::builder(StaticToken::new("tls-token"))
        .root(&root)
        .add_root_certificate(&ca.to_pem().unwrap())
        .build()
        .unwrap();
    let answer = trusting.send(me()).await.unwrap();
    assert_eq!(answer["authorization"], "Bearer tls-token");

    // Another authority does not vouch for it.
    let wrong = Client::builder(StaticToken::new("tls-token"))
        .root(&root)
        .add_root_certificate(&certificate("other CA", &key(), None, 3).to_pem().unwrap())
        .build()
        .unwrap();
    assert!(matches!(
        wrong.send(me()).await.unwrap_err(),
        ClientError::Transport(_)
    ));
}
