//! Rustdoc for generated items: the docs' description, and a link to the page it came from.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "…"]` attributes for a description (markdown as the docs write it), followed by a
/// link to the docs page.
pub fn doc_attrs(description: &str, page: Option<&str>) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    let text = description.trim();
    if !text.is_empty() {
        lines.push(format!(" {}", escape_markdown(text)));
    }
    if let Some(url) = page {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!(" [Microsoft Graph docs]({url})"));
    }
    quote! { #( #[doc = #lines] )* }
}

/// A description as rustdoc should read it, warning-free and showing what the docs say. Outside
/// code spans: square brackets are escaped (rustdoc would read them as broken intra-doc
/// links), `<` is written `&lt;` (descriptions hold placeholders like `<languagecode2>`, which
/// rustdoc reads as unclosed HTML tags), and bare URLs become autolinks. Code spans are kept as
/// they are. Tabs become four spaces.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            // A code span: a run of backticks up to the same run; unmatched, the run is text.
            let run = rest.len() - rest.trim_start_matches('`').len();
            let fence = &rest[..run];
            if let Some(end) = rest[run..].find(fence) {
                let span = &rest[..run + end + run];
                out.push_str(&span.replace('\t', "    "));
                rest = &rest[span.len()..];
            } else {
                out.push_str(fence);
                rest = &rest[run..];
            }
            continue;
        }
        if rest.starts_with("https://") || rest.starts_with("http://") {
            let end = rest
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, ')' | '>' | '"' | '`' | '<' | '[' | ']')
                })
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', '\'', '!', '?']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        match c {
            '\t' => out.push_str("    "),
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A file name as it may appear in a URL: anything but letters, digits and `-_./` is
/// percent-encoded.
fn url_path(stem: &str) -> String {
    let mut out = String::with_capacity(stem.len());
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/') {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The published docs page of a docs file: `resources/user.md` in v1.0 →
/// `https://learn.microsoft.com/graph/api/resources/user?view=graph-rest-1.0`.
pub fn page_url(file: &str, version: &str) -> String {
    let stem = url_path(file.trim_end_matches(".md"));
    let view = if version == "beta" {
        "graph-rest-beta"
    } else {
        "graph-rest-1.0"
    };
    if let Some(api) = stem.strip_prefix("api/") {
        format!(
            "https://learn.microsoft.com/graph/api/{}?view={view}",
            api.to_ascii_lowercase()
        )
    } else {
        format!(
            "https://learn.microsoft.com/graph/api/{}?view={view}",
            stem.to_ascii_lowercase()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_escapes() {
        assert_eq!(
            page_url("resources/user.md", "v1.0"),
            "https://learn.microsoft.com/graph/api/resources/user?view=graph-rest-1.0"
        );
        assert_eq!(escape_markdown("a [b] c"), "a \\[b\\] c");
        // Code spans are left alone, placeholders are text, bare URLs are links.
        assert_eq!(escape_markdown("`a[0]` [x]"), "`a[0]` \\[x\\]");
        assert_eq!(
            escape_markdown("Use <languagecode2>-<country>, see https://x.example/a_b."),
            "Use &lt;languagecode2>-&lt;country>, see <https://x.example/a_b>."
        );
        assert_eq!(
            escape_markdown("``a ` b`` and `open"),
            "``a ` b`` and `open"
        );
        assert_eq!(escape_markdown("(https://a.b/c)"), "(<https://a.b/c>)");
        assert_eq!(escape_markdown("tab\there"), "tab    here");
        assert_eq!(
            page_url("resources/a b\r.md", "beta"),
            "https://learn.microsoft.com/graph/api/resources/a%20b%0d?view=graph-rest-beta"
        );
    }
}
