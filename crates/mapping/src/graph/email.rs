//! Exchange ActiveSync email profile bodies (Graph **beta** only:
//! `POST /beta/deviceManagement/deviceConfigurations`), with the values Microsoft's BMS
//! migration used (mapping.md §4), including the extra values Intune requires. Property names
//! and enum members follow the beta resource pages (`iosEasEmailProfileConfiguration`,
//! `androidEasEmailProfileConfiguration`, `windows10EasEmailProfileConfiguration`); the v1.0
//! schema cannot check them.

use super::graph_enum;
use serde::{Deserialize, Serialize};

/// The Exchange Online host every BMS profile pointed at.
pub const HOST_NAME: &str = "outlook.office365.com";
/// The account name Microsoft's migration used.
pub const ACCOUNT_NAME: &str = "Office 365 email";

graph_enum! {
    /// `userEmailSource`.
    UserEmailSource { UserPrincipalName, PrimarySmtpAddress }
}

graph_enum! {
    /// `usernameSource` (the type of `usernameAADSource`).
    UsernameSource { UserPrincipalName, PrimarySmtpAddress, SamAccountName }
}

graph_enum! {
    /// `androidUsernameSource`.
    AndroidUsernameSource { Username, UserPrincipalName, SamAccountName, PrimarySmtpAddress }
}

graph_enum! {
    /// `easAuthenticationMethod`.
    EasAuthenticationMethod { UsernameAndPassword, Certificate, DerivedCredential }
}

/// `iosEasEmailProfileConfiguration` (beta).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IosEasEmailProfileConfiguration {
    #[serde(rename = "@odata.type")]
    pub odata_type: String,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub host_name: String,
    pub account_name: String,
    #[serde(rename = "usernameAADSource")]
    pub username_aad_source: UsernameSource,
    pub email_address_source: UserEmailSource,
    pub authentication_method: EasAuthenticationMethod,
    pub require_ssl: bool,
    pub block_moving_messages_to_other_email_accounts: bool,
    pub block_sending_email_from_third_party_apps: bool,
    pub block_syncing_recently_used_email_addresses: bool,
    pub require_smime: bool,
}

impl IosEasEmailProfileConfiguration {
    pub const ODATA_TYPE: &'static str = "#microsoft.graph.iosEasEmailProfileConfiguration";

    /// The profile Microsoft's migration created.
    pub fn office365(display_name: String, description: Option<String>) -> Self {
        IosEasEmailProfileConfiguration {
            odata_type: Self::ODATA_TYPE.to_string(),
            display_name,
            description,
            host_name: HOST_NAME.to_string(),
            account_name: ACCOUNT_NAME.to_string(),
            username_aad_source: UsernameSource::UserPrincipalName,
            email_address_source: UserEmailSource::UserPrincipalName,
            authentication_method: EasAuthenticationMethod::UsernameAndPassword,
            require_ssl: true,
            block_moving_messages_to_other_email_accounts: false,
            block_sending_email_from_third_party_apps: false,
            block_syncing_recently_used_email_addresses: false,
            require_smime: false,
        }
    }
}

/// `androidEasEmailProfileConfiguration` (beta; Samsung Knox native mail).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AndroidEasEmailProfileConfiguration {
    #[serde(rename = "@odata.type")]
    pub odata_type: String,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub host_name: String,
    pub account_name: String,
    pub username_source: AndroidUsernameSource,
    pub email_address_source: UserEmailSource,
    pub authentication_method: EasAuthenticationMethod,
    pub require_ssl: bool,
    pub require_smime: bool,
    pub sync_contacts: bool,
    pub sync_calendar: bool,
    pub sync_tasks: bool,
    pub sync_notes: bool,
}

impl AndroidEasEmailProfileConfiguration {
    pub const ODATA_TYPE: &'static str = "#microsoft.graph.androidEasEmailProfileConfiguration";

    /// The profile Microsoft's migration created.
    pub fn office365(display_name: String, description: Option<String>) -> Self {
        AndroidEasEmailProfileConfiguration {
            odata_type: Self::ODATA_TYPE.to_string(),
            display_name,
            description,
            host_name: HOST_NAME.to_string(),
            account_name: ACCOUNT_NAME.to_string(),
            username_source: AndroidUsernameSource::UserPrincipalName,
            email_address_source: UserEmailSource::UserPrincipalName,
            authentication_method: EasAuthenticationMethod::UsernameAndPassword,
            require_ssl: true,
            require_smime: false,
            sync_contacts: true,
            sync_calendar: true,
            sync_tasks: true,
            sync_notes: false,
        }
    }
}

/// `windows10EasEmailProfileConfiguration` (beta).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Windows10EasEmailProfileConfiguration {
    #[serde(rename = "@odata.type")]
    pub odata_type: String,
    pub display_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub host_name: String,
    pub account_name: String,
    #[serde(rename = "usernameAADSource")]
    pub username_aad_source: UsernameSource,
    pub email_address_source: UserEmailSource,
    pub require_ssl: bool,
    pub sync_contacts: bool,
    pub sync_calendar: bool,
    pub sync_tasks: bool,
}

impl Windows10EasEmailProfileConfiguration {
    pub const ODATA_TYPE: &'static str = "#microsoft.graph.windows10EasEmailProfileConfiguration";

    /// The profile Microsoft's migration created.
    pub fn office365(display_name: String, description: Option<String>) -> Self {
        Windows10EasEmailProfileConfiguration {
            odata_type: Self::ODATA_TYPE.to_string(),
            display_name,
            description,
            host_name: HOST_NAME.to_string(),
            account_name: ACCOUNT_NAME.to_string(),
            username_aad_source: UsernameSource::UserPrincipalName,
            email_address_source: UserEmailSource::UserPrincipalName,
            require_ssl: true,
            sync_contacts: true,
            sync_calendar: true,
            sync_tasks: true,
        }
    }
}
