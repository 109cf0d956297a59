// Shared by the examples: a client from the environment.

/// A client signed in with the token in `GRAPH_TOKEN`, sending to `GRAPH_ROOT` when set (a test
/// server; plain http is allowed only there).
pub fn client() -> Result<graph_rt::Client, Box<dyn std::error::Error>> {
    let token = std::env::var("GRAPH_TOKEN")
        .map_err(|_| "set GRAPH_TOKEN to an access token for https://graph.microsoft.com")?;
    let mut builder = graph_rt::Client::builder(graph_rt::StaticToken::new(token));
    if let Ok(root) = std::env::var("GRAPH_ROOT") {
        builder = builder.root(&root).allow_http(root.starts_with("http://"));
    }
    Ok(builder.build()?)
}
