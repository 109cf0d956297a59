//! A small argument parser: `--name value` options and `--flag` switches after a command.

use std::path::PathBuf;

use anyhow::{bail, Result};

pub struct Args {
    rest: Vec<String>,
}

impl Args {
    pub fn from_env() -> Args {
        Args {
            rest: std::env::args().skip(1).collect(),
        }
    }

    pub fn command(&mut self) -> Option<String> {
        (!self.rest.is_empty()).then(|| self.rest.remove(0))
    }

    pub fn flag(&mut self, name: &str) -> bool {
        let before = self.rest.len();
        self.rest.retain(|a| a != name);
        self.rest.len() != before
    }

    /// Every value of a repeatable option.
    pub fn values(&mut self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.rest.len() {
            if self.rest[i] == name && i + 1 < self.rest.len() {
                self.rest.remove(i);
                out.push(self.rest.remove(i));
            } else if let Some(v) = self.rest[i].strip_prefix(&format!("{name}=")) {
                out.push(v.to_string());
                self.rest.remove(i);
            } else {
                i += 1;
            }
        }
        out
    }

    pub fn paths(&mut self, name: &str) -> Vec<PathBuf> {
        self.values(name).into_iter().map(PathBuf::from).collect()
    }

    pub fn path(&mut self, name: &str) -> Option<PathBuf> {
        self.paths(name).pop()
    }

    pub fn required_path(&mut self, name: &str) -> Result<PathBuf> {
        match self.path(name) {
            Some(p) => Ok(p),
            None => bail!("missing {name} DIR"),
        }
    }

    pub fn number(&mut self, name: &str) -> Result<Option<usize>> {
        match self.values(name).pop() {
            Some(v) => match v.parse() {
                Ok(n) => Ok(Some(n)),
                Err(_) => bail!("{name} takes a whole number, not `{v}`"),
            },
            None => Ok(None),
        }
    }

    /// Fail on anything left over.
    pub fn finish(self) -> Result<()> {
        if let Some(extra) = self.rest.first() {
            bail!("unexpected argument `{extra}` (see `cargo xtask help`)");
        }
        Ok(())
    }
}
