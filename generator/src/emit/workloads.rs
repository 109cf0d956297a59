//! Workloads: the cargo features that split the SDK, so that a user who needs managed devices
//! does not compile Teams. A type belongs to the workload of the docs page that defines it,
//! unless a type of another workload holds it by value: then it is shared, in [`SHARED`]
//! (`emit::plan`), which every other workload turns on. A relationship whose type lives in
//! another workload is compiled only with that workload, and without it the property is kept,
//! untyped, among the model's additional properties.

/// A workload: a cargo feature of the generated crate that holds a part of the API. The order
/// of the variants is the order of the feature names, so sets of workloads sort as the features
/// do in the generated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Workload {
    Applications,
    Communications,
    Core,
    DeviceManagement,
    Education,
    Files,
    Groups,
    Identity,
    IdentityGovernance,
    Mail,
    Onenote,
    Planner,
    Print,
    Reports,
    Search,
    Security,
    Teams,
    Users,
    Workbook,
}

impl Workload {
    /// Every workload, in the order the features are listed.
    pub const ALL: [Workload; 19] = [
        Self::Applications,
        Self::Communications,
        Self::Core,
        Self::DeviceManagement,
        Self::Education,
        Self::Files,
        Self::Groups,
        Self::Identity,
        Self::IdentityGovernance,
        Self::Mail,
        Self::Onenote,
        Self::Planner,
        Self::Print,
        Self::Reports,
        Self::Search,
        Self::Security,
        Self::Teams,
        Self::Users,
        Self::Workbook,
    ];

    /// The cargo feature's name.
    pub fn feature(self) -> &'static str {
        match self {
            Self::Applications => "applications",
            Self::Communications => "communications",
            Self::Core => "core",
            Self::DeviceManagement => "device_management",
            Self::Education => "education",
            Self::Files => "files",
            Self::Groups => "groups",
            Self::Identity => "identity",
            Self::IdentityGovernance => "identity_governance",
            Self::Mail => "mail",
            Self::Onenote => "onenote",
            Self::Planner => "planner",
            Self::Print => "print",
            Self::Reports => "reports",
            Self::Search => "search",
            Self::Security => "security",
            Self::Teams => "teams",
            Self::Users => "users",
            Self::Workbook => "workbook",
        }
    }
}

impl std::fmt::Display for Workload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.feature())
    }
}

/// In generated code a workload is its feature's name: `#[cfg(feature = #workload)]`.
impl quote::ToTokens for Workload {
    fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
        self.feature().to_tokens(tokens);
    }
}

/// The workload of the types several workloads hold; every workload's feature turns it on.
pub const SHARED: Workload = Workload::Core;

/// The workload of a type or enum, from its namespace and the docs page that defines it.
pub fn workload_of(namespace: &str, file: &str) -> Workload {
    match namespace
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
        .as_str()
    {
        "callrecords" => return Workload::Communications,
        "ediscovery" | "security" => return Workload::Security,
        "externalconnectors" => return Workload::Search,
        "termstore" => return Workload::Files,
        "windowsupdates" | "managedtenants" => return Workload::DeviceManagement,
        _ => {}
    }
    let stem = file
        .rsplit('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".md")
        .to_ascii_lowercase();
    if stem.starts_with("intune") {
        return Workload::DeviceManagement;
    }
    let first = stem.split(['-', '_']).next().unwrap_or("");
    let by_prefix: &[(&[&str], Workload)] = &[
        (
            &[
                "user",
                "person",
                "profile",
                "people",
                "officegraphinsights",
                "insights",
                "itemactivity",
                "userteamwork",
            ],
            Workload::Users,
        ),
        (
            &[
                "group",
                "groupsetting",
                "grouplifecyclepolicy",
                "conversation",
                "conversationthread",
            ],
            Workload::Groups,
        ),
        (
            &[
                "team",
                "teams",
                "teamwork",
                "channel",
                "chat",
                "chatmessage",
                "conversationmember",
                "teamsapp",
                "teamstab",
                "teamsappinstallation",
                "shift",
                "schedule",
                "timeoff",
                "timecard",
                "openshift",
                "schedulinggroup",
                "workforceintegration",
                "offershiftrequest",
                "swapshiftschangerequest",
                "timeoffrequest",
            ],
            Workload::Teams,
        ),
        (
            &[
                "message",
                "mailfolder",
                "mailsearchfolder",
                "event",
                "calendar",
                "calendargroup",
                "contact",
                "contactfolder",
                "outlook",
                "outlookuser",
                "mail",
                "inferenceclassification",
                "messagerule",
                "attachment",
                "fileattachment",
                "itemattachment",
                "referenceattachment",
                "eventmessage",
                "place",
                "room",
                "roomlist",
                "todo",
                "todotask",
                "todotasklist",
            ],
            Workload::Mail,
        ),
        (
            &[
                "drive",
                "driveitem",
                "site",
                "list",
                "listitem",
                "sharepoint",
                "columndefinition",
                "contenttype",
                "sharedriveitem",
                "baseitem",
                "itemanalytics",
                "documentsetversion",
                "listitemversion",
                "driveitemversion",
                "fieldvalueset",
                "permission",
                "richlongrunningoperation",
                "bundle",
                "thumbnail",
                "thumbnailset",
            ],
            Workload::Files,
        ),
        (
            &[
                "workbook",
                "workbookchart",
                "workbookrange",
                "workbooktable",
                "workbookworksheet",
                "chart",
                "range",
                "table",
                "worksheet",
                "nameditem",
                "filter",
            ],
            Workload::Workbook,
        ),
        (
            &[
                "onenote",
                "notebook",
                "onenotesection",
                "onenotepage",
                "sectiongroup",
                "section",
                "page",
            ],
            Workload::Onenote,
        ),
        (
            &["planner", "plannertask", "plannerplan", "plannerbucket"],
            Workload::Planner,
        ),
        (
            &[
                "education",
                "educationclass",
                "educationschool",
                "educationuser",
                "educationassignment",
                "educationrubric",
                "educationsubmission",
            ],
            Workload::Education,
        ),
        (
            &[
                "security",
                "alert",
                "ediscovery",
                "threatassessment",
                "tiindicator",
                "securescore",
                "securescorecontrolprofile",
                "securityaction",
                "attacksimulation",
                "simulation",
                "informationprotection",
                "sensitivitylabel",
                "datalossprevention",
            ],
            Workload::Security,
        ),
        (
            &[
                "identity",
                "identityprovider",
                "identityuserflow",
                "conditionalaccess",
                "authentication",
                "b2cidentityuserflow",
                "b2xidentityuserflow",
                "policy",
                "policyroot",
                "authenticationmethod",
                "namedlocation",
                "ipnamedlocation",
                "countrynamedlocation",
                "riskyuser",
                "riskdetection",
                "signin",
                "directoryaudit",
                "trustframework",
                "identityprotection",
                "featurerolloutpolicy",
                "tokenlifetimepolicy",
                "tokenissuancepolicy",
                "claimsmappingpolicy",
                "homerealmdiscoverypolicy",
                "permissiongrantpolicy",
                "authorizationpolicy",
                "crosstenantaccesspolicy",
            ],
            Workload::Identity,
        ),
        (
            &[
                "accessreview",
                "accessreviews",
                "governance",
                "governanceresource",
                "governanceroleassignment",
                "privilegedaccess",
                "privilegedrole",
                "entitlementmanagement",
                "accesspackage",
                "accesspackageassignment",
                "agreement",
                "agreementacceptance",
                "approval",
                "unifiedrole",
                "unifiedroleassignment",
                "unifiedroledefinition",
                "rbacapplication",
                "termsofuse",
                "lifecycleworkflows",
            ],
            Workload::IdentityGovernance,
        ),
        (
            &[
                "application",
                "serviceprincipal",
                "appmanagementpolicy",
                "approleassignment",
                "oauth2permissiongrant",
                "synchronization",
                "synchronizationjob",
                "federatedidentitycredential",
                "delegatedpermissionclassification",
                "onpremisespublishing",
                "connector",
                "connectorgroup",
            ],
            Workload::Applications,
        ),
        (
            &[
                "call",
                "callrecord",
                "callrecords",
                "onlinemeeting",
                "communications",
                "presence",
                "participant",
                "meetingattendancereport",
                "cloudcommunications",
            ],
            Workload::Communications,
        ),
        (
            &[
                "print",
                "printer",
                "printjob",
                "printservice",
                "printtask",
                "printtaskdefinition",
                "printershare",
                "printconnector",
                "printusage",
            ],
            Workload::Print,
        ),
        (&["report", "reportroot", "reports"], Workload::Reports),
        (
            &[
                "search",
                "externalconnectors",
                "externalconnection",
                "externalitem",
                "bookmark",
                "acronym",
                "qna",
            ],
            Workload::Search,
        ),
        (
            &[
                "device",
                "devicemanagement",
                "windowsupdates",
                "managedtenants",
                "cloudpc",
                "virtualendpoint",
            ],
            Workload::DeviceManagement,
        ),
    ];
    // The longest prefix that starts the page's name wins (`accesspackageanswer` →
    // `accesspackage` → identity_governance).
    by_prefix
        .iter()
        .flat_map(|(prefixes, workload)| prefixes.iter().map(move |p| (*p, *workload)))
        .filter(|(p, _)| first.starts_with(p))
        .max_by_key(|(p, _)| p.len())
        .map_or(SHARED, |(_, w)| w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workloads_by_page_and_namespace() {
        assert_eq!(
            workload_of(
                "microsoft.graph",
                "resources/intune_deviceconfig_manageddevicecertificatestate.md"
            ),
            Workload::DeviceManagement
        );
        assert_eq!(
            workload_of("microsoft.graph", "resources/user.md"),
            Workload::Users
        );
        assert_eq!(
            workload_of("microsoft.graph", "resources/chatmessage.md"),
            Workload::Teams
        );
        assert_eq!(
            workload_of(
                "microsoft.graph.callRecords",
                "resources/callrecords-session.md"
            ),
            Workload::Communications
        );
        assert_eq!(
            workload_of("microsoft.graph", "resources/entity.md"),
            Workload::Core
        );
        assert_eq!(
            workload_of("microsoft.graph", "resources/accesspackageanswer.md"),
            Workload::IdentityGovernance
        );
        assert_eq!(
            workload_of("microsoft.graph", "resources/educationclass.md"),
            Workload::Education
        );
        let features: Vec<&str> = Workload::ALL.iter().map(|w| w.feature()).collect();
        let mut sorted = features.clone();
        sorted.sort_unstable();
        assert_eq!(features, sorted, "variants in the order of their features");
    }
}
