//! File transfer bench: uploads 1 GiB through an upload session and downloads it back (through
//! a redirect to another origin), both over loopback with the servers in this process, and
//! prints the throughput and the process's peak resident memory (`VmHWM`), which covers the
//! client, the servers and the runtime together.
//!
//! `cargo bench -p graph-rt --bench files` runs 1 GiB each way with the default 10 MiB chunks
//! (`-- --chunk-mib 5` for another multiple of 320 KiB, in MiB units of 0.3125 rounding down);
//! under `cargo test --all-targets` (no `--bench` argument) it moves 32 MiB only.
//! Every byte is checked on arrival, on both sides. The same transfers with bare reqwest
//! follow, as the baseline of what the loopback and the servers allow.

#![allow(clippy::unwrap_used)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use graph_rt::{
    decode, Client, Method, Request, StaticToken, UploadSource, UrlPath, Value, UPLOAD_FRAGMENT,
};
use serde_json::json;
use support::files::{
    check_pattern, content_range, full, header, json, matches_pattern, pattern_body, pattern_slice,
    FileServer, PatternReader,
};
use tokio::io::AsyncWrite;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let full_run = args.iter().any(|a| a == "--bench");
    let size: u64 = if full_run { 1 << 30 } else { 32 << 20 };
    let chunk = args
        .iter()
        .position(|a| a == "--chunk-mib")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse::<u64>().ok())
        .map(|mib| (mib << 20) / UPLOAD_FRAGMENT * UPLOAD_FRAGMENT)
        .unwrap_or(graph_rt::DEFAULT_CHUNK_SIZE);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(size, chunk));
}

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn run(size: u64, chunk: u64) {
    let baseline = vm_hwm_kib();
    // The upload host: checks each chunk's range and bytes as they arrive, keeps nothing.
    let next = Arc::new(AtomicU64::new(0));
    let host_next = next.clone();
    let host = FileServer::start(move |request| {
        let next = host_next.clone();
        async move {
            assert!(!request.headers().contains_key("authorization"));
            let (first, last, total) = header(&request, "content-range")
                .and_then(content_range)
                .unwrap();
            assert_eq!(first, next.load(Ordering::SeqCst), "ranges in order");
            let got = check_pattern(request, first).await;
            assert_eq!(got, Some(last - first + 1), "the chunk's bytes");
            next.store(last + 1, Ordering::SeqCst);
            if last + 1 == total {
                json(201, json!({"id": "bench", "size": total}))
            } else {
                json(
                    202,
                    json!({"nextExpectedRanges": [format!("{}-", last + 1)]}),
                )
            }
        }
    })
    .await;
    // The download host: the pattern, streamed.
    let download_host = FileServer::start(move |_request| async move {
        hyper::Response::builder()
            .status(200)
            .header("content-length", size.to_string())
            .body(pattern_body(0, size, None))
            .unwrap()
    })
    .await;
    let (up, down) = (host.base.clone(), download_host.base.clone());
    let graph = FileServer::start(move |request| {
        let (up, down) = (up.clone(), down.clone());
        async move {
            if request.method() == hyper::Method::POST {
                json(
                    200,
                    json!({"uploadUrl": format!("{up}/up/1"), "nextExpectedRanges": ["0-"]}),
                )
            } else {
                hyper::Response::builder()
                    .status(302)
                    .header("location", format!("{down}/file"))
                    .body(full(""))
                    .unwrap()
            }
        }
    })
    .await;
    let client = Client::builder(StaticToken::new("bench-token"))
        .root(&graph.base)
        .allow_http(true)
        .build()
        .unwrap();
    let drive = || UrlPath::root().literal("me").literal("drive");
    let session_request: Request<Value> = Request::new(
        Method::Post,
        "v1.0",
        drive()
            .literal("root")
            .path_address("bench.bin")
            .literal("createUploadSession"),
        decode::json,
    );

    let started = Instant::now();
    let item: Value = client
        .upload_session(
            session_request,
            UploadSource::reader(PatternReader::new(size), size),
        )
        .chunk_size(chunk)
        .send()
        .await
        .unwrap();
    let up_secs = started.elapsed().as_secs_f64();
    assert_eq!(item["size"], size);
    let after_upload = vm_hwm_kib();

    let content: Request<Vec<u8>> = Request::new(
        Method::Get,
        "v1.0",
        drive().literal("items").key("bench").literal("content"),
        decode::bytes,
    );
    let started = Instant::now();
    let mut check = PatternCheck { at: 0, bad: false };
    let written = client.download_to(&content, &mut check).await.unwrap();
    let down_secs = started.elapsed().as_secs_f64();
    assert_eq!(written, size);
    assert_eq!(check.at, size);
    assert!(!check.bad, "downloaded bytes differ");
    let peak = vm_hwm_kib();

    // Baselines: the same transfers with bare reqwest (same servers, same checks, no SDK).
    let http = reqwest::Client::new();
    next.store(0, Ordering::SeqCst);
    let chunks = Bytes::from(pattern_slice(0, chunk as usize + 251));
    let started = Instant::now();
    let mut at = 0;
    while at < size {
        let len = chunk.min(size - at);
        let start = (at % 251) as usize;
        let response = http
            .put(format!("{}/up/1", host.base))
            .header(
                "content-range",
                format!("bytes {at}-{}/{size}", at + len - 1),
            )
            .body(chunks.slice(start..start + len as usize))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        let _ = response.bytes().await.unwrap();
        at += len;
    }
    let raw_up_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut response = http
        .get(format!("{}/file", download_host.base))
        .send()
        .await
        .unwrap();
    let mut check = PatternCheck { at: 0, bad: false };
    while let Some(bytes) = response.chunk().await.unwrap() {
        check.at += {
            assert!(matches_pattern(check.at, &bytes));
            bytes.len() as u64
        };
    }
    assert_eq!(check.at, size);
    let raw_down_secs = started.elapsed().as_secs_f64();

    // The aim: memory bounded by the chunk, not the file (64 MiB with 10 MiB chunks).
    assert!(
        peak < 64 * 1024 + 2 * chunk / 1024,
        "peak memory {peak} KiB is not bounded by the chunk size"
    );
    let mib = size as f64 / (1 << 20) as f64;
    println!(
        "files: {mib:.0} MiB, chunk {} KiB (upload session, stream source; download via 302)",
        chunk / 1024
    );
    println!(
        "upload:   {up_secs:.2} s, {:.0} MiB/s ({} chunks)",
        mib / up_secs,
        size.div_ceil(chunk)
    );
    println!("download: {down_secs:.2} s, {:.0} MiB/s", mib / down_secs);
    println!(
        "bare reqwest, same servers: upload {:.0} MiB/s, download {:.0} MiB/s",
        mib / raw_up_secs,
        mib / raw_down_secs
    );
    println!(
        "peak memory (VmHWM): {:.1} MiB before, {:.1} MiB after upload, {:.1} MiB after download",
        baseline as f64 / 1024.0,
        after_upload as f64 / 1024.0,
        peak as f64 / 1024.0
    );
}

/// A writer that checks every byte against the pattern and keeps none.
struct PatternCheck {
    at: u64,
    bad: bool,
}

impl AsyncWrite for PatternCheck {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if !matches_pattern(self.at, buf) {
            self.bad = true;
        }
        self.at += buf.len() as u64;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
