//! The symbol table of a docs tree: which qualified names exist, which page defines what, and
//! how a written type reference (name, link, anchor) resolves to a qualified name.

use foldhash::HashMap;
use rayon::prelude::*;

use crate::diagnostics::{Code, Diagnostics};
use crate::model::facts::PageFacts;
use crate::model::type_cell::{primitive, RawTypeRef};

pub const DEFAULT_NAMESPACE: &str = "microsoft.graph";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    Type,
    Enum,
}

#[derive(Debug, Default)]
pub struct Symbols {
    /// lower-case qualified name → (canonical qualified name, kind).
    by_name: HashMap<String, (String, SymbolKind)>,
    /// lower-case bare name → qualified names (sorted).
    by_bare: HashMap<String, Vec<String>>,
    /// lower-case file path → (actual path, qualified names it defines, types first).
    by_file: HashMap<String, (String, Vec<String>)>,
    /// (lower-case file, anchor) → qualified enum name.
    anchors: HashMap<(String, String), String>,
}

/// `#Microsoft.Graph.x` → `microsoft.graph.x`; a bare name gets the page's namespace.
pub fn qualify(name: &str, namespace: Option<&str>) -> String {
    let name = name.trim().trim_start_matches('#');
    if name.contains('.') {
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("microsoft.graph.") && !name.starts_with("microsoft.graph.") {
            return format!("{DEFAULT_NAMESPACE}.{}", &name[16..]);
        }
        return name.to_string();
    }
    format!("{}.{name}", namespace.unwrap_or(DEFAULT_NAMESPACE))
}

/// `microsoft.graph.callRecords.session` → (`microsoft.graph.callRecords`, `session`).
pub fn split_qualified(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) => (&name[..i], &name[i + 1..]),
        None => ("", name),
    }
}

/// What one page defines, with the keys it is looked up by (worked out in parallel).
struct PageSymbols<'p> {
    /// Types first, then enums.
    defined: Vec<Defined<'p>>,
    file_key: String,
    /// (anchor, qualified enum name as written).
    anchors: Vec<(&'p str, String)>,
}

/// A qualified name a page defines, with its lower-case forms.
struct Defined<'p> {
    qualified: String,
    /// `by_name`'s key.
    key: String,
    /// `by_bare`'s key.
    bare: String,
    kind: SymbolKind,
    at: &'p crate::ir::Source,
}

impl<'p> Defined<'p> {
    fn new(qualified: String, kind: SymbolKind, at: &'p crate::ir::Source) -> Self {
        let key = qualified.to_ascii_lowercase();
        let bare = split_qualified(&key).1.to_string();
        Defined {
            qualified,
            key,
            bare,
            kind,
            at,
        }
    }
}

impl<'p> PageSymbols<'p> {
    fn of(page: &'p PageFacts) -> Self {
        let ns = page.namespace.as_deref();
        let types = page
            .types
            .iter()
            .map(|ty| Defined::new(qualify(&ty.odata_type, ns), SymbolKind::Type, &ty.source));
        let enums = page.enums.iter().map(|e| {
            let q = qualify(&e.name, e.namespace.as_deref().or(ns));
            Defined::new(q, SymbolKind::Enum, &e.source)
        });
        PageSymbols {
            defined: types.chain(enums).collect(),
            file_key: page.file.to_ascii_lowercase(),
            anchors: page
                .anchors
                .iter()
                .map(|(anchor, name)| (anchor.as_str(), qualify(name, ns)))
                .collect(),
        }
    }
}

impl Symbols {
    pub fn build(pages: &[PageFacts], diags: &mut Diagnostics) -> Symbols {
        // The pages' names are worked out in parallel, then added in page order: the first
        // spelling of a name is its canonical one.
        let prepared: Vec<PageSymbols<'_>> = pages.par_iter().map(PageSymbols::of).collect();
        let mut s = Symbols::default();
        for (page, prepared) in pages.iter().zip(prepared) {
            let defined = prepared
                .defined
                .into_iter()
                .map(|name| s.add(name, diags))
                .collect();
            for (anchor, q) in prepared.anchors {
                let canonical = s.canonical(&q).map_or(q, |(c, _)| c.to_string());
                s.anchors
                    .insert((prepared.file_key.clone(), anchor.to_string()), canonical);
            }
            s.by_file
                .insert(prepared.file_key, (page.file.clone(), defined));
        }
        for names in s.by_bare.values_mut() {
            names.sort();
            names.dedup();
        }
        s
    }

    /// Adds a name and returns its canonical spelling.
    fn add(&mut self, name: Defined<'_>, diags: &mut Diagnostics) -> String {
        let Defined {
            qualified,
            key,
            bare,
            kind,
            at,
        } = name;
        match self.by_name.get(&key) {
            Some((existing, existing_kind)) => {
                if *existing_kind != kind {
                    diags.push(
                        at,
                        Code::TypeEnumClash,
                        format!("`{qualified}` is defined both as a type and as an enum"),
                    );
                }
                existing.clone()
            }
            None => {
                self.by_bare
                    .entry(bare)
                    .or_default()
                    .push(qualified.clone());
                self.by_name.insert(key, (qualified.clone(), kind));
                qualified
            }
        }
    }

    /// The canonical spelling and kind of a qualified name, compared without case.
    pub fn canonical(&self, qualified: &str) -> Option<(&str, SymbolKind)> {
        self.canonical_of_lowered(&qualified.to_ascii_lowercase())
    }

    /// [`Self::canonical`] of a name already lower-cased (`by_name`'s key).
    fn canonical_of_lowered(&self, lowered: &str) -> Option<(&str, SymbolKind)> {
        self.by_name.get(lowered).map(|(n, k)| (n.as_str(), *k))
    }

    pub fn kind_of(&self, qualified: &str) -> Option<SymbolKind> {
        self.canonical(qualified).map(|(_, k)| k)
    }

    /// Resolve a written reference to a qualified name. `file` and `namespace` are the page's.
    pub fn resolve(
        &self,
        r: &RawTypeRef,
        namespace: Option<&str>,
        diags: &mut Diagnostics,
    ) -> String {
        if let Some(edm) = primitive(&r.name) {
            if let Some(text) = &r.free_text {
                diags.push(
                    &r.source,
                    Code::FreeTextType,
                    format!("type `{text}` read as `{edm}`"),
                );
            }
            return edm.to_string();
        }
        if r.name == "Edm.Untyped" {
            if let Some(text) = &r.free_text {
                diags.push(
                    &r.source,
                    Code::FreeTextType,
                    format!("type `{text}` read as untyped JSON"),
                );
            }
            return r.name.clone();
        }
        if let Some(link) = &r.link {
            if let Some(found) = self.follow_link(&r.source.file, link, &r.name, r, diags) {
                return found;
            }
        }
        if let Some(found) = self.lookup(&r.name, namespace) {
            return found;
        }
        diags.push(
            &r.source,
            Code::UnresolvedType,
            format!("no page defines type `{}`", r.name),
        );
        qualify(&r.name, namespace)
    }

    /// Look a name up: qualified exactly (without case), in the page's namespace, in the
    /// default namespace, then by bare name when only one namespace has it.
    pub fn lookup(&self, name: &str, namespace: Option<&str>) -> Option<String> {
        let name = name.trim().trim_start_matches('#');
        if name.is_empty() {
            return None;
        }
        // The candidates in order, each lower-cased in one buffer.
        let mut key = String::with_capacity(name.len() + 32);
        let mut find = |prefix: Option<&str>| {
            key.clear();
            if let Some(prefix) = prefix {
                key.push_str(prefix);
                key.push('.');
            }
            key.push_str(name);
            key.make_ascii_lowercase();
            self.canonical_of_lowered(&key)
                .map(|(found, _)| found.to_string())
        };
        let found = name
            .contains('.')
            .then(|| find(None))
            .flatten()
            .or_else(|| namespace.and_then(|ns| find(Some(ns))))
            .or_else(|| find(Some(DEFAULT_NAMESPACE)));
        if found.is_some() {
            return found;
        }
        let bare = split_qualified(name).1.to_ascii_lowercase();
        match self.by_bare.get(&bare).map(Vec::as_slice) {
            Some([only]) => Some(only.clone()),
            _ => None,
        }
    }

    /// Follow a link to the page (or enum section) it points at.
    fn follow_link(
        &self,
        from: &str,
        target: &str,
        text: &str,
        r: &RawTypeRef,
        diags: &mut Diagnostics,
    ) -> Option<String> {
        let target = target.trim();
        let target: std::borrow::Cow<'_, str> = if target.contains('\\') {
            target.replace('\\', "/").into()
        } else {
            target.into()
        };
        if target.starts_with("http:") || target.starts_with("https:") || target.starts_with('/') {
            return None;
        }
        let (path, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, Some(f.to_ascii_lowercase())),
            None => (&*target, None),
        };
        let path = path.split('?').next().unwrap_or(path);
        let file_key = if path.is_empty() {
            from.to_ascii_lowercase()
        } else {
            let is_md = path
                .len()
                .checked_sub(3)
                .and_then(|at| path.as_bytes().get(at..))
                .is_some_and(|end| end.eq_ignore_ascii_case(b".md"));
            if !is_md {
                return None;
            }
            let mut key = join(from, path);
            key.make_ascii_lowercase();
            key
        };
        let Some((actual, defined)) = self.by_file.get(&file_key) else {
            diags.push(
                &r.source,
                Code::BrokenLink,
                format!("link `{target}` points to a page that does not exist"),
            );
            return None;
        };
        if !path.is_empty()
            && !actual.ends_with(
                path.trim_start_matches("./")
                    .rsplit('/')
                    .next()
                    .unwrap_or(path),
            )
        {
            diags.push(
                &r.source,
                Code::LinkCase,
                format!("link `{target}` names `{actual}` with a different case"),
            );
        }
        if let Some(fragment) = fragment {
            if let Some(e) = self.anchors.get(&(file_key.clone(), fragment)) {
                return Some(e.clone());
            }
        }
        let bare = text.rsplit('.').next().unwrap_or(text);
        defined
            .iter()
            .find(|q| split_qualified(q).1.eq_ignore_ascii_case(bare))
            .or_else(|| {
                defined
                    .first()
                    .filter(|_| defined.len() == 1 || !text.contains(' '))
            })
            .cloned()
    }
}

/// `api/x.md` + `../resources/y.md` → `resources/y.md`.
pub fn join(from: &str, target: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_links() {
        assert_eq!(join("api/x.md", "../resources/y.md"), "resources/y.md");
        assert_eq!(join("resources/x.md", "y.md"), "resources/y.md");
        assert_eq!(join("resources/x.md", "./y.md"), "resources/y.md");
    }

    #[test]
    fn qualifies_names() {
        assert_eq!(
            qualify("#Microsoft.Graph.ChatMessage", None),
            "microsoft.graph.ChatMessage"
        );
        assert_eq!(qualify("user", None), "microsoft.graph.user");
        assert_eq!(
            qualify("session", Some("microsoft.graph.callRecords")),
            "microsoft.graph.callRecords.session"
        );
    }
}
