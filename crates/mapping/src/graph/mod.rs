//! Typed Microsoft Graph request bodies. This module owns the exact wire names: one serde
//! struct per Graph type, with the property names of Graph v1.0 (beta for the email profiles)
//! and every enum as a Rust enum whose members serialize to Graph's member names. Properties are
//! `Option`s skipped when `None`, so a body carries only what a BMS setting configured;
//! non-nullable Graph booleans that nothing configures are simply absent.
//!
//! The engine collects `property → value` pairs from the mapping table and turns them into a
//! body with [`GraphType::body`], which deserializes them into the typed struct (unknown names
//! and non-members are rejected: `deny_unknown_fields` and the enums) and serializes it back.
//! A table row naming a property that its struct does not have is therefore an error, caught by
//! the crate's tests for every row.

pub mod compliance;
pub mod conditional_access;
pub mod configuration;
pub mod email;
pub mod tenant;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Declares one Graph body type: the common header (`@odata.type`, `displayName`,
/// `description`) followed by its optional properties.
macro_rules! graph_type {
    (
        $(#[$meta:meta])*
        $name:ident = $odata:literal {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        pub struct $name {
            /// Always `#microsoft.graph.<type>`.
            #[serde(rename = "@odata.type")]
            pub odata_type: String,
            pub display_name: String,
            /// The BMS policy `Comment`; omitted when there is none.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub description: Option<String>,
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }

        impl $name {
            /// The `@odata.type` value of this type.
            pub const ODATA_TYPE: &'static str = $odata;
        }
    };
}
pub(crate) use graph_type;

/// Declares a Graph enum whose members serialize as their camelCase names.
macro_rules! graph_enum {
    ($(#[$meta:meta])* $name:ident { $( $(#[$vmeta:meta])* $variant:ident ),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub enum $name { $( $(#[$vmeta])* $variant ),* }
    };
}
pub(crate) use graph_enum;

/// Every Graph type the mapping writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GraphType {
    Windows10CompliancePolicy,
    IosCompliancePolicy,
    AndroidCompliancePolicy,
    AndroidWorkProfileCompliancePolicy,
    Windows10GeneralConfiguration,
    IosGeneralDeviceConfiguration,
    AndroidGeneralDeviceConfiguration,
    AndroidWorkProfileGeneralDeviceConfiguration,
    Windows10EasEmailProfileConfiguration,
    IosEasEmailProfileConfiguration,
    AndroidEasEmailProfileConfiguration,
    ConditionalAccessPolicy,
}

impl GraphType {
    /// Every type, in output order.
    pub const ALL: [GraphType; 12] = [
        GraphType::Windows10CompliancePolicy,
        GraphType::IosCompliancePolicy,
        GraphType::AndroidCompliancePolicy,
        GraphType::AndroidWorkProfileCompliancePolicy,
        GraphType::Windows10GeneralConfiguration,
        GraphType::IosGeneralDeviceConfiguration,
        GraphType::AndroidGeneralDeviceConfiguration,
        GraphType::AndroidWorkProfileGeneralDeviceConfiguration,
        GraphType::Windows10EasEmailProfileConfiguration,
        GraphType::IosEasEmailProfileConfiguration,
        GraphType::AndroidEasEmailProfileConfiguration,
        GraphType::ConditionalAccessPolicy,
    ];

    /// The `@odata.type` value, with its leading `#`.
    pub fn odata_type(self) -> &'static str {
        match self {
            GraphType::Windows10CompliancePolicy => {
                compliance::Windows10CompliancePolicy::ODATA_TYPE
            }
            GraphType::IosCompliancePolicy => compliance::IosCompliancePolicy::ODATA_TYPE,
            GraphType::AndroidCompliancePolicy => compliance::AndroidCompliancePolicy::ODATA_TYPE,
            GraphType::AndroidWorkProfileCompliancePolicy => {
                compliance::AndroidWorkProfileCompliancePolicy::ODATA_TYPE
            }
            GraphType::Windows10GeneralConfiguration => {
                configuration::Windows10GeneralConfiguration::ODATA_TYPE
            }
            GraphType::IosGeneralDeviceConfiguration => {
                configuration::IosGeneralDeviceConfiguration::ODATA_TYPE
            }
            GraphType::AndroidGeneralDeviceConfiguration => {
                configuration::AndroidGeneralDeviceConfiguration::ODATA_TYPE
            }
            GraphType::AndroidWorkProfileGeneralDeviceConfiguration => {
                configuration::AndroidWorkProfileGeneralDeviceConfiguration::ODATA_TYPE
            }
            GraphType::Windows10EasEmailProfileConfiguration => {
                email::Windows10EasEmailProfileConfiguration::ODATA_TYPE
            }
            GraphType::IosEasEmailProfileConfiguration => {
                email::IosEasEmailProfileConfiguration::ODATA_TYPE
            }
            GraphType::AndroidEasEmailProfileConfiguration => {
                email::AndroidEasEmailProfileConfiguration::ODATA_TYPE
            }
            GraphType::ConditionalAccessPolicy => {
                conditional_access::ConditionalAccessPolicy::ODATA_TYPE
            }
        }
    }

    /// The type name without `#microsoft.graph.`.
    pub fn name(self) -> &'static str {
        self.odata_type().trim_start_matches("#microsoft.graph.")
    }

    /// Whether the type exists only in Graph beta.
    pub fn is_beta(self) -> bool {
        matches!(
            self,
            GraphType::Windows10EasEmailProfileConfiguration
                | GraphType::IosEasEmailProfileConfiguration
                | GraphType::AndroidEasEmailProfileConfiguration
        )
    }

    /// Whether the type is a compliance policy (and so carries `scheduledActionsForRule`).
    pub fn is_compliance(self) -> bool {
        matches!(
            self,
            GraphType::Windows10CompliancePolicy
                | GraphType::IosCompliancePolicy
                | GraphType::AndroidCompliancePolicy
                | GraphType::AndroidWorkProfileCompliancePolicy
        )
    }

    /// Builds the typed body from `property → value` pairs (which must include
    /// `@odata.type` and `displayName`) and returns its JSON. Fails on a property the type
    /// does not have or a value that is not of the property's type or enum.
    pub fn body(self, properties: Map<String, Value>) -> Result<Value, serde_json::Error> {
        match self {
            GraphType::Windows10CompliancePolicy => {
                typed::<compliance::Windows10CompliancePolicy>(properties)
            }
            GraphType::IosCompliancePolicy => typed::<compliance::IosCompliancePolicy>(properties),
            GraphType::AndroidCompliancePolicy => {
                typed::<compliance::AndroidCompliancePolicy>(properties)
            }
            GraphType::AndroidWorkProfileCompliancePolicy => {
                typed::<compliance::AndroidWorkProfileCompliancePolicy>(properties)
            }
            GraphType::Windows10GeneralConfiguration => {
                typed::<configuration::Windows10GeneralConfiguration>(properties)
            }
            GraphType::IosGeneralDeviceConfiguration => {
                typed::<configuration::IosGeneralDeviceConfiguration>(properties)
            }
            GraphType::AndroidGeneralDeviceConfiguration => {
                typed::<configuration::AndroidGeneralDeviceConfiguration>(properties)
            }
            GraphType::AndroidWorkProfileGeneralDeviceConfiguration => {
                typed::<configuration::AndroidWorkProfileGeneralDeviceConfiguration>(properties)
            }
            GraphType::Windows10EasEmailProfileConfiguration => {
                typed::<email::Windows10EasEmailProfileConfiguration>(properties)
            }
            GraphType::IosEasEmailProfileConfiguration => {
                typed::<email::IosEasEmailProfileConfiguration>(properties)
            }
            GraphType::AndroidEasEmailProfileConfiguration => {
                typed::<email::AndroidEasEmailProfileConfiguration>(properties)
            }
            GraphType::ConditionalAccessPolicy => {
                typed::<conditional_access::ConditionalAccessPolicy>(properties)
            }
        }
    }
}

fn typed<T: Serialize + DeserializeOwned>(
    properties: Map<String, Value>,
) -> Result<Value, serde_json::Error> {
    let body: T = serde_json::from_value(Value::Object(properties))?;
    serde_json::to_value(&body)
}

graph_enum! {
    /// `requiredPasswordType` (Windows and iOS).
    RequiredPasswordType { DeviceDefault, Alphanumeric, Numeric }
}

graph_enum! {
    /// `androidRequiredPasswordType` (device administrator, and work-profile compliance).
    AndroidRequiredPasswordType {
        DeviceDefault, Alphabetic, Alphanumeric, AlphanumericWithSymbols, LowSecurityBiometric, Numeric,
        NumericComplex, Any,
    }
}

graph_enum! {
    /// `androidWorkProfileRequiredPasswordType` (work-profile configuration).
    AndroidWorkProfileRequiredPasswordType {
        DeviceDefault, LowSecurityBiometric, Required, AtLeastNumeric, NumericComplex, AtLeastAlphabetic,
        AtLeastAlphanumeric, AlphanumericWithSymbols,
    }
}

/// One `deviceComplianceScheduledActionForRule` (deep-inserted with a compliance policy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduledActionForRule {
    /// Always `PasswordRequired` (Graph's documented default).
    pub rule_name: String,
    pub scheduled_action_configurations: Vec<ComplianceActionItem>,
}

/// One `deviceComplianceActionItem`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComplianceActionItem {
    pub action_type: ComplianceActionType,
    /// 0–8760; 0 = blocked as soon as the device is non-compliant.
    pub grace_period_hours: i32,
    pub notification_template_id: String,
    #[serde(rename = "notificationMessageCCList")]
    pub notification_message_cc_list: Vec<String>,
}

graph_enum! {
    /// `deviceComplianceActionType`.
    ComplianceActionType { NoAction, Notification, Block, Retire, Wipe, RemoveResourceAccessProfiles, PushNotification }
}

impl ScheduledActionForRule {
    /// A `notification` action (an e-mail from the template `template_id`) sent
    /// `grace_period_hours` after the device becomes noncompliant.
    pub fn notification(grace_period_hours: i32, template_id: &str) -> ComplianceActionItem {
        ComplianceActionItem {
            action_type: ComplianceActionType::Notification,
            grace_period_hours,
            notification_template_id: template_id.to_string(),
            notification_message_cc_list: Vec::new(),
        }
    }

    /// The single `block` rule every compliance policy must carry.
    pub fn block(grace_period_hours: i32) -> Vec<ScheduledActionForRule> {
        vec![ScheduledActionForRule {
            rule_name: "PasswordRequired".to_string(),
            scheduled_action_configurations: vec![ComplianceActionItem {
                action_type: ComplianceActionType::Block,
                grace_period_hours,
                notification_template_id: String::new(),
                notification_message_cc_list: Vec::new(),
            }],
        }]
    }
}
