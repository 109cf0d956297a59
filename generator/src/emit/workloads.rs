//! Workloads: the cargo features that split the SDK, so that a user who needs managed devices
//! does not compile Teams. A type belongs to the workload of the docs page that defines it,
//! unless a type of another workload holds it by value: then it is shared, in [`SHARED`]
//! (`emit::plan`), which every other workload turns on. A relationship whose type lives in
//! another workload is compiled only with that workload, and without it the property is kept,
//! untyped, among the model's additional properties.

/// The workload of the types several workloads hold; every workload's feature turns it on.
pub const SHARED: &str = "core";

/// Every workload, in the order the features are listed.
pub const WORKLOADS: &[&str] = &[
    "applications",
    "communications",
    "core",
    "device_management",
    "education",
    "files",
    "groups",
    "identity",
    "identity_governance",
    "mail",
    "onenote",
    "planner",
    "print",
    "reports",
    "search",
    "security",
    "teams",
    "users",
    "workbook",
];

/// The workload of a type or enum, from its namespace and the docs page that defines it.
pub fn workload_of(namespace: &str, file: &str) -> &'static str {
    match namespace
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
        .as_str()
    {
        "callrecords" => return "communications",
        "ediscovery" | "security" => return "security",
        "externalconnectors" => return "search",
        "termstore" => return "files",
        "windowsupdates" | "managedtenants" => return "device_management",
        _ => {}
    }
    let stem = file
        .rsplit('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".md")
        .to_ascii_lowercase();
    if stem.starts_with("intune") {
        return "device_management";
    }
    let first = stem.split(['-', '_']).next().unwrap_or("");
    let by_prefix: &[(&[&str], &str)] = &[
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
            "users",
        ),
        (
            &[
                "group",
                "groupsetting",
                "grouplifecyclepolicy",
                "conversation",
                "conversationthread",
            ],
            "groups",
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
            "teams",
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
            "mail",
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
            "files",
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
            "workbook",
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
            "onenote",
        ),
        (
            &["planner", "plannertask", "plannerplan", "plannerbucket"],
            "planner",
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
            "education",
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
            "security",
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
            "identity",
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
            "identity_governance",
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
            "applications",
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
            "communications",
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
            "print",
        ),
        (&["report", "reportroot", "reports"], "reports"),
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
            "search",
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
            "device_management",
        ),
    ];
    // The longest prefix that starts the page's name wins (`accesspackageanswer` →
    // `accesspackage` → identity_governance).
    by_prefix
        .iter()
        .flat_map(|(prefixes, workload)| prefixes.iter().map(move |p| (*p, *workload)))
        .filter(|(p, _)| first.starts_with(p))
        .max_by_key(|(p, _)| p.len())
        .map_or("core", |(_, w)| w)
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
            "device_management"
        );
        assert_eq!(workload_of("microsoft.graph", "resources/user.md"), "users");
        assert_eq!(
            workload_of("microsoft.graph", "resources/chatmessage.md"),
            "teams"
        );
        assert_eq!(
            workload_of(
                "microsoft.graph.callRecords",
                "resources/callrecords-session.md"
            ),
            "communications"
        );
        assert_eq!(
            workload_of("microsoft.graph", "resources/entity.md"),
            "core"
        );
        assert_eq!(
            workload_of("microsoft.graph", "resources/accesspackageanswer.md"),
            "identity_governance"
        );
        assert_eq!(
            workload_of("microsoft.graph", "resources/educationclass.md"),
            "education"
        );
        for w in [
            "core",
            "device_management",
            "users",
            "teams",
            "communications",
        ] {
            assert!(WORKLOADS.contains(&w));
        }
    }
}
