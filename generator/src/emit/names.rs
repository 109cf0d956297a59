//! Rust names for API names: PascalCase types and variants, snake_case fields, keywords and
//! leading digits made valid, collisions resolved deterministically by a per-scope registry.

use std::collections::{BTreeSet, HashMap};

/// Words that cannot be identifiers (strict and reserved keywords, 2021 edition), plus names
/// that would shadow what generated code refers to unqualified.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names the generated code uses unqualified or that would confuse readers.
const RESERVED_TYPES: &[&str] = &[
    "Self", "Option", "Result", "String", "Vec", "Box", "Ok", "Err", "Some", "None", "Default",
    "Field", "Value", "Map",
];

/// Brand names the docs spell with a lone capital or a lone lower-case letter in front
/// (`iOS`, `iPad`, `oAuth2`) as often as without (`ios`, `ipad`, `oauth2`): each is one word, so
/// that one API name has one Rust spelling (`IosVppApp` and `IosVersion`, not `IOsVersion`;
/// `ios_…` fields, not `i_os_…`).
const ONE_WORD: &[(&str, &str)] = &[
    ("i", "cloud"),
    ("i", "os"),
    ("i", "pad"),
    ("i", "phone"),
    ("i", "pod"),
    ("i", "tunes"),
    ("o", "auth"),
    ("o", "auth1"),
    ("o", "auth2"),
];

/// Split a name into lower-case words. A run of capitals stays one word up to the capital that
/// starts the next word: `HTTPRequest` → [http, request], `windows81SCEP` → [windows81, scep];
/// `@odata.type` → [odata, type], `JIS B4` → [jis, b4]. The brand names of [`ONE_WORD`] are one
/// word: `iOSVersion` → [ios, version], `oAuth2Grant` → [oauth2, grant].
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = match prev {
            Some(p) if c.is_uppercase() => {
                p.is_lowercase()
                    || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
                    || p.is_ascii_digit()
            }
            _ => false,
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    join_brand_names(words)
}

/// Joins the word pairs of [`ONE_WORD`]: [i, os, version] → [ios, version]. An `i` that ended
/// the word before (`usediPad` → [usedi, pad]) moves to its brand: [used, ipad].
fn join_brand_names(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for word in words {
        if let Some(last) = out.last_mut() {
            if ONE_WORD.contains(&(last.as_str(), word.as_str())) {
                last.push_str(&word);
                continue;
            }
            if last.len() > 1 && last.ends_with('i') && ONE_WORD.contains(&("i", word.as_str())) {
                last.pop();
                out.push(format!("i{word}"));
                continue;
            }
        }
        out.push(word);
    }
    out
}

/// `managedDeviceCertificateState` → `ManagedDeviceCertificateState`.
pub fn pascal(name: &str) -> String {
    let mut out: String = words(name)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect();
    if out.is_empty() {
        out.push_str("Unnamed");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if RESERVED_TYPES.contains(&out.as_str()) || KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    ascii_only(out)
}

/// `certificateKeyUsage` → `certificate_key_usage`; keywords get a trailing `_`.
pub fn snake(name: &str) -> String {
    let mut out = words(name).join("_");
    if out.is_empty() {
        out.push_str("unnamed");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) || out == "_" {
        out.push('_');
    }
    // Code points in lower case: `caf\u{e9}` → `cafue9`, a snake_case name.
    ascii_only(out).to_ascii_lowercase()
}

/// Identifiers must be ASCII here (non-ASCII idents are legal but hostile to users): other
/// characters become their code point.
fn ascii_only(name: String) -> String {
    if name.is_ascii() {
        return name;
    }
    name.chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                format!("U{:X}", u32::from(c))
            }
        })
        .collect()
}

/// Hands out unique names within one scope (a module, a struct's fields, an enum's variants),
/// in the order asked: the first asker gets the plain name, later ones a numeric suffix.
#[derive(Debug, Default)]
pub struct Registry {
    taken: BTreeSet<String>,
    /// Per base name, the first suffix not yet tried: names are never released, so the search
    /// resumes there (n names that collide cost O(n), not O(n²)).
    next_suffix: HashMap<String, u64>,
}

impl Registry {
    /// Reserve a name that generated code needs (such as `additional_properties`).
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// `wanted`, or `wanted2`, `wanted3`, … (`wanted_2` for snake_case names).
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        // snake_case names (`user_id_2`, `_2nd_value_2`) take `_`; PascalCase names, also
        // escaped ones like `Self_`, none (`Self2`).
        let sep = if wanted.starts_with(|c: char| c.is_lowercase() || c == '_') {
            "_"
        } else {
            ""
        };
        let base = wanted.trim_end_matches('_');
        let key = format!("{base}{sep}");
        let mut n = self.next_suffix.get(&key).copied().unwrap_or(2);
        loop {
            let candidate = format!("{key}{n}");
            n += 1;
            if self.taken.insert(candidate.clone()) {
                self.next_suffix.insert(key, n);
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(
            pascal("managedDeviceCertificateState"),
            "ManagedDeviceCertificateState"
        );
        assert_eq!(pascal("iOSVersion"), "IosVersion");
        assert_eq!(pascal("iosVersion"), "IosVersion");
        assert_eq!(snake("enableSharediPad"), "enable_shared_ipad");
        assert_eq!(snake("usediOS"), "used_ios");
        assert_eq!(snake("wifi"), "wifi");
        assert_eq!(snake("iPadOS"), "ipad_os");
        assert_eq!(
            snake("iOSLobAppProvisioningConfigAssignments")
                .split('_')
                .next(),
            Some("ios")
        );
        assert_eq!(pascal("oAuth2PermissionGrant"), "Oauth2PermissionGrant");
        assert_eq!(pascal("oauth2PermissionGrant"), "Oauth2PermissionGrant");
        assert_eq!(
            snake("enterpriseCloudPrintOAuthAuthority"),
            "enterprise_cloud_print_oauth_authority"
        );
        assert_eq!(
            pascal("windows81SCEPCertificateProfile"),
            "Windows81ScepCertificateProfile"
        );
        assert_eq!(pascal("JIS B4"), "JisB4");
        assert_eq!(pascal("2ndValue"), "V2ndValue");
        assert_eq!(pascal("option"), "Option_");
        assert_eq!(pascal("self"), "Self_");
        assert_eq!(snake("certificateKeyUsage"), "certificate_key_usage");
        assert_eq!(snake("@odata.type"), "odata_type");
        assert_eq!(
            snake("@microsoft.graph.conflictBehavior"),
            "microsoft_graph_conflict_behavior"
        );
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("Self"), "self_");
        assert_eq!(snake("crate"), "crate_");
        assert_eq!(snake("2ndValue"), "_2nd_value");
        assert_eq!(snake("userId"), "user_id");
        assert_eq!(snake("user_id"), "user_id");
        assert_eq!(snake("HTTPRequest"), "http_request");
        assert_eq!(snake("caf\u{e9}"), "cafue9");
        assert_eq!(snake("___"), "unnamed");
    }

    #[test]
    fn registry_suffixes_collisions() {
        let mut r = Registry::default();
        r.reserve("additional_properties");
        assert_eq!(r.claim("user_id"), "user_id");
        assert_eq!(r.claim("user_id"), "user_id_2");
        assert_eq!(r.claim("additional_properties"), "additional_properties_2");
        assert_eq!(r.claim("Ios"), "Ios");
        assert_eq!(r.claim("Ios"), "Ios2");
        assert_eq!(r.claim("Self_"), "Self_");
        assert_eq!(r.claim("Self_"), "Self2");
        assert_eq!(r.claim("_2nd"), "_2nd");
        assert_eq!(r.claim("_2nd"), "_2nd_2");
    }
}
