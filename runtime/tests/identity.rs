//! Sign-in against a real identity endpoint on loopback: `azure_identity`'s client-secret
//! credential (its transport pointed at the loopback server, since it only accepts https
//! authorities) and device code through `oauth2`.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::{Arc, Mutex};

use graph_rt::{
    azure, decode, Client, Cloud, DeviceCodeCredential, Method, Request, UrlPath, Value,
};
use serde_json::json;
use support::{Hit, Reply, Server};

fn form(hit: &Hit) -> Vec<(String, String)> {
    String::from_utf8(hit.body.clone())
        .unwrap()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), graph_rt::percent_decode(&v.replace('+', " "))))
        .collect()
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The identity platform: client credentials, device code (pending once), refresh tokens.
fn identity_platform(hit: &Hit, polls: &Mutex<usize>) -> Reply {
    let form = form(hit);
    match (hit.path.as_str(), field(&form, "grant_type")) {
        ("/tenant-1/oauth2/v2.0/token", Some("client_credentials")) => {
            if field(&form, "client_secret") != Some("app-secret") {
                return Reply::json(401, json!({"error": "invalid_client"}));
            }
            Reply::json(
                200,
                json!({"access_token": "app-token", "expires_in": 3600, "token_type": "Bearer",
                       "scope_was": field(&form, "scope")}),
            )
        }
        ("/tenant-1/oauth2/v2.0/devicecode", None) => Reply::json(
            200,
            json!({"device_code": "dev-code-1", "user_code": "ABCD-EFGH",
                   "verification_uri": "https://microsoft.com/devicelogin",
                   "expires_in": 900, "interval": 1,
                   "message": "To sign in, use a web browser…",
                   "scope_was": field(&form, "scope")}),
        ),
        ("/tenant-1/oauth2/v2.0/token", Some("urn:ietf:params:oauth:grant-type:device_code")) => {
            assert_eq!(field(&form, "device_code"), Some("dev-code-1"));
            let mut polls = polls.lock().unwrap();
            *polls += 1;
            if *polls == 1 {
                return Reply::json(400, json!({"error": "authorization_pending"}));
            }
            Reply::json(
                200,
                // Valid, but inside the 5-minute refresh margin: the next call refreshes.
                json!({"access_token": "user-token-1", "refresh_token": "refresh-1",
                       "expires_in": 120, "token_type": "Bearer"}),
            )
        }
        ("/tenant-1/oauth2/v2.0/token", Some("refresh_token")) => {
            assert_eq!(field(&form, "refresh_token"), Some("refresh-1"));
            Reply::json(
                200,
                json!({"access_token": "user-token-2", "refresh_token": "refresh-2",
                       "expires_in": 3600, "token_type": "Bearer"}),
            )
        }
        _ => Reply::json(400, json!({"error": "unsupported", "path": hit.path})),
    }
}

fn graph_server() -> impl Fn(&Hit) -> Reply {
    |hit| Reply::json(200, json!({"authorization": hit.header("authorization")}))
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
async fn client_secret_credential_signs_in_and_is_cached() {
    let polls = Arc::new(Mutex::new(0));
    let identity = Server::start(move |hit| identity_platform(hit, &polls)).await;
    let graph = Server::start(graph_server()).await;
    let cloud = Cloud::Custom {
        graph: graph.base.clone(),
        login: "https://login.test".into(),
    };
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let transport = azure::Transport::new(http)
        .send_origin_to("https://login.test", &identity.base)
        .unwrap();
    let credential = azure::azure_identity::ClientSecretCredential::new(
        "tenant-1",
        "client-1".into(),
        "app-secret".to_owned().into(),
        Some(azure::azure_identity::ClientSecretCredentialOptions {
            client_options: azure::client_options_with(&cloud, Arc::new(transport)),
        }),
    )
    .unwrap();
    let client = Client::with_credential(credential, cloud)
        .allow_http(true)
        .build()
        .unwrap();
    for _ in 0..3 {
        let answer = client.send(me()).await.unwrap();
        assert_eq!(answer["authorization"], "Bearer app-token");
    }
    let hits = identity.hits();
    assert_eq!(hits.len(), 1, "one token for three calls: {hits:?}");
    let form = form(&hits[0]);
    assert_eq!(field(&form, "client_id"), Some("client-1"));
    // The Graph scope of the chosen cloud.
    assert_eq!(
        field(&form, "scope"),
        Some(format!("{}/.default", graph.base).as_str())
    );

    // A wrong secret: the identity platform's error, as an `Auth` error; Graph never called.
    let polls = Arc::new(Mutex::new(0));
    let identity = Server::start(move |hit| identity_platform(hit, &polls)).await;
    let graph = Server::start(graph_server()).await;
    let cloud = Cloud::Custom {
        graph: graph.base.clone(),
        login: "https://login.test".into(),
    };
    let transport = azure::Transport::new(reqwest::Client::new())
        .send_origin_to("https://login.test", &identity.base)
        .unwrap();
    let credential = azure::azure_identity::ClientSecretCredential::new(
        "tenant-1",
        "client-1".into(),
        "wrong".to_owned().into(),
        Some(azure::azure_identity::ClientSecretCredentialOptions {
            client_options: azure::client_options_with(&cloud, Arc::new(transport)),
        }),
    )
    .unwrap();
    let client = Client::with_credential(credential, cloud)
        .allow_http(true)
        .build()
        .unwrap();
    let error = client.send(me()).await.unwrap_err();
    assert!(matches!(error, graph_rt::ClientError::Auth(_)), "{error:?}");
    assert_eq!(graph.count(), 0);
}

#[tokio::test]
async fn device_code_prompts_polls_and_refreshes() {
    let polls = Arc::new(Mutex::new(0));
    let counter = polls.clone();
    let identity = Server::start(move |hit| identity_platform(hit, &counter)).await;
    let graph = Server::start(graph_server()).await;
    let cloud = Cloud::Custom {
        graph: graph.base.clone(),
        login: identity.base.clone(),
    };
    let prompts = Arc::new(Mutex::new(Vec::new()));
    let shown = prompts.clone();
    let credential = DeviceCodeCredential::new(
        &cloud,
        "tenant-1",
        "public-client",
        &["User.Read"],
        move |prompt| shown.lock().unwrap().push(prompt.clone()),
    )
    .unwrap();
    let client = Client::builder(credential)
        .cloud(cloud)
        .allow_http(true)
        .build()
        .unwrap();
    let answer = client.send(me()).await.unwrap();
    assert_eq!(answer["authorization"], "Bearer user-token-1");
    let first = prompts.lock().unwrap().clone();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].user_code, "ABCD-EFGH");
    assert_eq!(
        first[0].verification_uri,
        "https://microsoft.com/devicelogin"
    );
    assert!(first[0].message.contains("ABCD-EFGH"));
    assert_eq!(*polls.lock().unwrap(), 2, "pending once, then the token");
    let hits = identity.hits();
    let scope = field(&form(&hits[0]), "scope").unwrap().to_owned();
    assert_eq!(
        scope,
        format!("{}/User.Read offline_access", graph.base),
        "Graph's permission and a refresh token asked for"
    );
    // Inside the margin: refreshed silently with the refresh token, no second prompt.
    let answer = client.send(me()).await.unwrap();
    assert_eq!(answer["authorization"], "Bearer user-token-2");
    // Then cached.
    client.send(me()).await.unwrap();
    assert_eq!(identity.count(), 4);
    assert_eq!(shown_count(&prompts), 1);
}

fn shown_count(prompts: &Mutex<Vec<graph_rt::DeviceCodePrompt>>) -> usize {
    prompts.lock().unwrap().len()
}

/// A self-signed certificate with its RSA key, as PKCS#12 (what Azure Identity takes), and the
/// certificate.
#[cfg(feature = "azure-certificate")]
fn certificate() -> (Vec<u8>, openssl::x509::X509) {
    use openssl::{asn1::Asn1Time, hash::MessageDigest, pkey::PKey, rsa::Rsa, x509};
    let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
    let mut name = x509::X509NameBuilder::new().unwrap();
    name.append_entry_by_text("CN", "graph-rt test app")
        .unwrap();
    let name = name.build();
    let mut cert = x509::X509Builder::new().unwrap();
    cert.set_version(2).unwrap();
    cert.set_subject_name(&name).unwrap();
    cert.set_issuer_name(&name).unwrap();
    cert.set_pubkey(&key).unwrap();
    cert.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    cert.set_not_after(&Asn1Time::days_from_now(1).unwrap())
        .unwrap();
    cert.sign(&key, MessageDigest::sha256()).unwrap();
    let cert = cert.build();
    let bundle = openssl::pkcs12::Pkcs12::builder()
        .name("graph-rt test app")
        .pkey(&key)
        .cert(&cert)
        .build2("")
        .unwrap();
    (bundle.to_der().unwrap(), cert)
}

#[cfg(feature = "azure-certificate")]
fn base64url(part: &str) -> Vec<u8> {
    let mut standard = part.replace('-', "+").replace('_', "/");
    while !standard.len().is_multiple_of(4) {
        standard.push('=');
    }
    openssl::base64::decode_block(&standard).unwrap()
}

/// The identity platform's check of a certificate credential's assertion: a JWT whose header
/// names the registered certificate (`x5t`, its SHA-1 thumbprint), signed (RS256) by its key,
/// issued by the client for this token endpoint and not expired.
#[cfg(feature = "azure-certificate")]
fn assertion_problem(
    form: &[(String, String)],
    cert: &openssl::x509::X509,
    endpoint: &str,
) -> Option<String> {
    use openssl::{hash::MessageDigest, sign::Verifier};
    if field(form, "client_assertion_type")
        != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    {
        return Some("no JWT bearer assertion".into());
    }
    let assertion = field(form, "client_assertion")?;
    let parts: Vec<&str> = assertion.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return Some(format!("not a JWT: {assertion}"));
    };
    let header: Value = serde_json::from_slice(&base64url(header)).unwrap();
    let thumbprint = openssl::base64::encode_block(&cert.digest(MessageDigest::sha1()).unwrap());
    if header["alg"] != "RS256" || header["x5t"] != thumbprint.as_str() {
        return Some(format!(
            "header {header} does not name the certificate {thumbprint}"
        ));
    }
    let key = cert.public_key().unwrap();
    let mut verifier = Verifier::new(MessageDigest::sha256(), &key).unwrap();
    verifier
        .update(format!("{}.{}", parts[0], parts[1]).as_bytes())
        .unwrap();
    if !verifier.verify(&base64url(signature)).unwrap() {
        return Some("the signature is not the certificate key's".into());
    }
    let claims: Value = serde_json::from_slice(&base64url(payload)).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    if claims["aud"] != endpoint
        || claims["iss"] != "client-1"
        || claims["sub"] != "client-1"
        || claims["exp"].as_i64().is_none_or(|exp| exp <= now)
    {
        return Some(format!("claims {claims}"));
    }
    None
}

#[cfg(feature = "azure-certificate")]
#[tokio::test]
async fn client_certificate_credential_signs_in_with_a_signed_assertion() {
    let (bundle, cert) = certificate();
    let registered = cert.clone();
    let identity = Server::start(move |hit| {
        let form = form(hit);
        if hit.path != "/tenant-1/oauth2/v2.0/token"
            || field(&form, "grant_type") != Some("client_credentials")
        {
            return Reply::json(400, json!({"error": "unsupported"}));
        }
        match assertion_problem(
            &form,
            &registered,
            "https://login.test/tenant-1/oauth2/v2.0/token",
        ) {
            Some(problem) => Reply::json(
                401,
                json!({"error": "invalid_client", "error_description": problem}),
            ),
            None => Reply::json(
                200,
                json!({"access_token": "cert-token", "expires_in": 3600, "token_type": "Bearer"}),
            ),
        }
    })
    .await;
    let graph = Server::start(graph_server()).await;
    let cloud = Cloud::Custom {
        graph: graph.base.clone(),
        login: "https://login.test".into(),
    };
    let credential_for = |bundle: Vec<u8>| {
        let transport = azure::Transport::new(reqwest::Client::new())
            .send_origin_to("https://login.test", &identity.base)
            .unwrap();
        azure::azure_identity::ClientCertificateCredential::new(
            "tenant-1".into(),
            "client-1".into(),
            bundle.into(),
            Some(azure::azure_identity::ClientCertificateCredentialOptions {
                client_options: azure::client_options_with(&cloud, Arc::new(transport)),
                ..Default::default()
            }),
        )
        .unwrap()
    };
    let client = Client::with_credential(credential_for(bundle), cloud.clone())
        .allow_http(true)
        .build()
        .unwrap();
    for _ in 0..2 {
        let answer = client.send(me()).await.unwrap();
        assert_eq!(answer["authorization"], "Bearer cert-token");
    }
    assert_eq!(identity.count(), 1, "one token for two calls");
    let form = form(&identity.hits()[0]);
    assert_eq!(
        field(&form, "scope"),
        Some(format!("{}/.default", graph.base).as_str())
    );
    assert_eq!(field(&form, "client_secret"), None);

    // Another certificate than the registered one: refused, an `Auth` error, Graph not called.
    let (other, _) = certificate();
    let calls = graph.count();
    let client = Client::with_credential(credential_for(other), cloud)
        .allow_http(true)
        .build()
        .unwrap();
    let error = client.send(me()).await.unwrap_err();
    assert!(matches!(error, graph_rt::ClientError::Auth(_)), "{error:?}");
    assert_eq!(graph.count(), calls);
}
