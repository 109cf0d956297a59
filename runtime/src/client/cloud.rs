//! National clouds: the Graph host and the login authority of each, as one setting.

/// Where a program signs in and which Graph it calls (Graph's `deployments` page). Tokens of one
/// cloud do not work in another.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Cloud {
    /// `graph.microsoft.com`, `login.microsoftonline.com` (GCC moderate uses these too).
    #[default]
    Global,
    /// US Government L4 (GCC High): `graph.microsoft.us`, `login.microsoftonline.us`.
    UsGovL4,
    /// US Government L5 (DoD): `dod-graph.microsoft.us`, `login.microsoftonline.us`.
    UsGovL5Dod,
    /// China, operated by 21Vianet: `microsoftgraph.chinacloudapi.cn`, `login.chinacloudapi.cn`.
    China,
    /// Another deployment (or a test server): both roots without a trailing `/`.
    Custom {
        /// The Graph root (`https://graph.example`).
        graph: String,
        /// The login authority (`https://login.example`).
        login: String,
    },
}

impl Cloud {
    /// The Graph root, without a trailing `/`.
    pub fn graph_root(&self) -> &str {
        match self {
            Self::Global => "https://graph.microsoft.com",
            Self::UsGovL4 => "https://graph.microsoft.us",
            Self::UsGovL5Dod => "https://dod-graph.microsoft.us",
            Self::China => "https://microsoftgraph.chinacloudapi.cn",
            Self::Custom { graph, .. } => graph.trim_end_matches('/'),
        }
    }

    /// The login authority (Microsoft Entra ID), without a trailing `/`.
    pub fn login_authority(&self) -> &str {
        match self {
            Self::Global => "https://login.microsoftonline.com",
            Self::UsGovL4 | Self::UsGovL5Dod => "https://login.microsoftonline.us",
            Self::China => "https://login.chinacloudapi.cn",
            Self::Custom { login, .. } => login.trim_end_matches('/'),
        }
    }

    /// The scope asking for every application permission granted on this Graph
    /// (`https://graph.microsoft.com/.default`).
    pub fn graph_scope(&self) -> String {
        format!("{}/.default", self.graph_root())
    }
}
