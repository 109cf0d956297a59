//! Rustdoc for generated items: the docs' description, and a link to the page it came from.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "…"]` attributes for a description (markdown as the docs write it), followed by a
/// link to the docs page.
pub fn doc_attrs(description: &str, page: Option<&str>) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    let text = description.trim();
    if !text.is_empty() {
        lines.push(format!(" {}", escape_brackets(text)));
    }
    if let Some(url) = page {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!(" [Microsoft Graph docs]({url})"));
    }
    quote! { #( #[doc = #lines] )* }
}

/// Square brackets that are not markdown links would be read by rustdoc as (broken)
/// intra-doc links: escape them.
fn escape_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\t' {
            out.push_str("    ");
            continue;
        }

        if matches!(c, '[' | ']') {
            out.push('\\');
        }
        out.push(c);
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
        assert_eq!(escape_brackets("a [b] c"), "a \\[b\\] c");
        assert_eq!(
            page_url("resources/a b\r.md", "beta"),
            "https://learn.microsoft.com/graph/api/resources/a%20b%0d?view=graph-rest-beta"
        );
    }
}
