#!/usr/bin/env bash
# What adding graph-sdk costs a user: a cold debug `cargo build` (dependencies included, each in a
# fresh target folder) of a small program that depends on the SDK with a feature set, and the
# wall time and peak memory of each build. A benchmark, not a test: run it on a quiet machine.
#
#   scripts/build-cost.sh                 # the four sets of the README
#   scripts/build-cost.sh defaults        # one of them: defaults | users-mail | v1-all | everything
#
# Each program is one a user would write: the `users-mail` one builds and sends a typed mail,
# which is also the check that the `mail` workload brings every type a mail needs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/target/build-cost"
mkdir -p "$work"

program_users='
use graph_sdk::v1_0::{root, User};
async fn run(client: &graph_sdk::runtime::Client) -> Result<(), graph_sdk::runtime::ClientError> {
    let users: Vec<User> = client.all(root().users().list().select([User::DISPLAY_NAME])).await?;
    println!("{}", users.len());
    Ok(())
}
fn main() { let _ = run; }
'
program_mail='
use graph_sdk::v1_0::{root, AnyMessage, EmailAddress, ItemBody, Message, Recipient, SendMailBody, User};
async fn run(client: &graph_sdk::runtime::Client) -> Result<(), graph_sdk::runtime::ClientError> {
    let users: Vec<User> = client.all(root().users().list().select([User::DISPLAY_NAME])).await?;
    let to = Recipient { email_address: EmailAddress { address: "a@example.com".to_string().into(), ..Default::default() }.into(), ..Default::default() };
    let message = Message {
        subject: format!("{} users", users.len()).into(),
        body: ItemBody { content: "hello".to_string().into(), ..Default::default() }.into(),
        to_recipients: vec![to.into()].into(),
        ..Default::default()
    };
    let body = SendMailBody { message: AnyMessage::from(message).into(), ..Default::default() };
    client.send(root().me().send_mail(&body)).await?;
    Ok(())
}
fn main() { let _ = run; }
'

measure() { # name, dependency line, program
    local name=$1 dep=$2 program=$3 dir="$work/$1"
    rm -rf "$dir"
    mkdir -p "$dir/src"
    printf '[package]\nname = "cost-%s"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n%s\n\n[workspace]\n' \
        "$name" "$dep" >"$dir/Cargo.toml"
    printf '%s' "$program" >"$dir/src/main.rs"
    cp "$root/Cargo.lock" "$dir/Cargo.lock"
    local log="$dir/time.txt"
    # CARGO_INCREMENTAL=0: a dependency from a registry is compiled without incremental
    # compilation, but cargo compiles a path dependency (as this program's is) incrementally,
    # which writes the incremental cache too (about 20 % more for the SDK's crate).
    if ! CARGO_INCREMENTAL=0 /usr/bin/time -v cargo build --quiet --offline --manifest-path "$dir/Cargo.toml" \
        --target-dir "$dir/target" 2>"$log"; then
        cat "$log" >&2
        echo "error: the $name build failed" >&2
        return 1
    fi
    local wall rss
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
    printf '%-12s wall %-9s peak %6.2f GB   (%s)\n' "$name" "$wall" "$(awk -v k="$rss" 'BEGIN { print k / 1048576 }')" "$dep"
    rm -rf "$dir/target"
}

sdk="path = \"$root/generated/sdk\""
want=${1:-all}
run() { [ "$want" = all ] || [ "$want" = "$1" ]; }
run defaults && measure defaults "graph-sdk = { $sdk }" "$program_users"
run users-mail && measure users-mail "graph-sdk = { $sdk, default-features = false, features = [\"v1_0\", \"users\", \"mail\"] }" "$program_mail"
run v1-all && measure v1-all "graph-sdk = { $sdk, default-features = false, features = [\"v1_0\", \"full\"] }" "$program_users"
run everything && measure everything "graph-sdk = { $sdk, features = [\"v1_0\", \"beta\", \"full\"] }" "$program_users"
